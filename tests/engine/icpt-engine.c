// SPDX-License-Identifier: GPL-2.0
/*
 * icpt-engine - an emulated inline-encryption storage device, for testing.
 *
 * Each device is a blk-mq RAM disk whose request queue carries a blk-crypto
 * profile, so the block layer hands it keys through keyslots the way it does
 * to inline-encryption hardware.  Requests with a crypto context are
 * encrypted on write and decrypted on read with the IV blk-crypto-fallback
 * uses, so what the engine stores is bit-identical to what the fallback (and
 * fscrypt's filesystem-layer crypto) would write.  Requests without one are
 * stored as they are, which lets tests read back ciphertext.
 *
 * Control, in /sys/kernel/debug/icpt-engine/:
 *
 *   create  one line of space-separated key=value words, e.g.
 *           name=eng0 size=64M slots=8 dun_bytes=8
 *           mode=AES-256-XTS:512,4096 mode=Adiantum:4096 zero_cost=0
 *           key_types=raw,hw_wrapped hw_key=7
 *           name and size are required; size takes K, M and G suffixes;
 *           mode (AES-256-XTS, AES-128-CBC-ESSIV or Adiantum, then data
 *           unit sizes 512..4096) may repeat; without any mode the device
 *           has no crypto profile.  zero_cost=1 tracks keyslots as usual but
 *           stores data untransformed.  key_types (raw, hw_wrapped or both;
 *           default raw) are the keys the profile takes; hardware-wrapped
 *           keys need a kernel with blk-crypto key types (6.15) and
 *           AES-256-XTS as the only mode.  hw_key (decimal, or hex after
 *           0x; default 0) seeds the device's hardware key: devices created
 *           with the same seed unwrap each other's keys.
 *   remove  a device name; refused with -EBUSY while the device is open.
 *
 * and per device in /sys/kernel/debug/icpt-engine/<name>/: stats,
 * reset_stats, fail_next_program, delay_us and config.
 *
 * Hardware-wrapped keys are emulated as Qualcomm's HWKM does them (see
 * "Hardware-wrapped keys" below): the raw key never leaves the engine, and
 * a keyslot is keyed with what the HW KDF derives from it.
 */

#define pr_fmt(fmt) "icpt-engine: " fmt

#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/atomic.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/xarray.h>

#include "engine_compat.h"

#define ENGINE_NAME		"icpt-engine"
#define ENGINE_QUEUE_DEPTH	64
#define ENGINE_MAX_SLOTS	1024
#define ENGINE_MIN_DUS		512
#define ENGINE_MAX_DUS		4096
#define ENGINE_SIZE_ALIGN	4096

/* Counters shown in the stats file, in the order they are shown. */
enum engine_stat {
	ENGINE_KEYSLOT_PROGRAMS,
	ENGINE_KEYSLOT_EVICTIONS,
	ENGINE_KEYSLOT_PROGRAM_FAILURES,
	ENGINE_SLOTS_IN_USE,
	ENGINE_CRYPTO_READ_REQS,
	ENGINE_CRYPTO_WRITE_REQS,
	ENGINE_CRYPTO_READ_BYTES,
	ENGINE_CRYPTO_WRITE_BYTES,
	ENGINE_PLAIN_READ_REQS,
	ENGINE_PLAIN_WRITE_REQS,
	ENGINE_PLAIN_READ_BYTES,
	ENGINE_PLAIN_WRITE_BYTES,
	ENGINE_DISCARD_REQS,
	ENGINE_WRITE_ZEROES_REQS,
	ENGINE_FLUSH_REQS,
	ENGINE_WRAPPED_KEYSLOT_PROGRAMS,
	ENGINE_WRAPPED_KEY_IMPORTS,
	ENGINE_WRAPPED_KEY_GENERATES,
	ENGINE_WRAPPED_KEY_PREPARES,
	ENGINE_SW_SECRET_DERIVATIONS,
	ENGINE_WRAPPED_KEY_BAD_BLOBS,
	ENGINE_NR_STATS,
};

static const char * const engine_stat_names[ENGINE_NR_STATS] = {
	[ENGINE_KEYSLOT_PROGRAMS]		= "keyslot_programs",
	[ENGINE_KEYSLOT_EVICTIONS]		= "keyslot_evictions",
	[ENGINE_KEYSLOT_PROGRAM_FAILURES]	= "keyslot_program_failures",
	[ENGINE_SLOTS_IN_USE]			= "slots_in_use",
	[ENGINE_CRYPTO_READ_REQS]		= "crypto_read_reqs",
	[ENGINE_CRYPTO_WRITE_REQS]		= "crypto_write_reqs",
	[ENGINE_CRYPTO_READ_BYTES]		= "crypto_read_bytes",
	[ENGINE_CRYPTO_WRITE_BYTES]		= "crypto_write_bytes",
	[ENGINE_PLAIN_READ_REQS]		= "plain_read_reqs",
	[ENGINE_PLAIN_WRITE_REQS]		= "plain_write_reqs",
	[ENGINE_PLAIN_READ_BYTES]		= "plain_read_bytes",
	[ENGINE_PLAIN_WRITE_BYTES]		= "plain_write_bytes",
	[ENGINE_DISCARD_REQS]			= "discard_reqs",
	[ENGINE_WRITE_ZEROES_REQS]		= "write_zeroes_reqs",
	[ENGINE_FLUSH_REQS]			= "flush_reqs",
	[ENGINE_WRAPPED_KEYSLOT_PROGRAMS]	= "wrapped_keyslot_programs",
	[ENGINE_WRAPPED_KEY_IMPORTS]		= "wrapped_key_imports",
	[ENGINE_WRAPPED_KEY_GENERATES]		= "wrapped_key_generates",
	[ENGINE_WRAPPED_KEY_PREPARES]		= "wrapped_key_prepares",
	[ENGINE_SW_SECRET_DERIVATIONS]		= "sw_secret_derivations",
	[ENGINE_WRAPPED_KEY_BAD_BLOBS]		= "wrapped_key_bad_blobs",
};

/* The blk-crypto modes the engine offers: sysfs name and crypto API name. */
struct engine_mode {
	const char *name;
	const char *cipher;
};

static const struct engine_mode engine_modes[BLK_ENCRYPTION_MODE_MAX] = {
	[BLK_ENCRYPTION_MODE_AES_256_XTS] = {
		.name = "AES-256-XTS",
		.cipher = "xts(aes)",
	},
	[BLK_ENCRYPTION_MODE_AES_128_CBC_ESSIV] = {
		.name = "AES-128-CBC-ESSIV",
		.cipher = "essiv(cbc(aes),sha256)",
	},
	[BLK_ENCRYPTION_MODE_ADIANTUM] = {
		.name = "Adiantum",
		.cipher = "adiantum(xchacha12,aes)",
	},
};

/**
 * struct engine_config - what a create line asked for
 * @name: the gendisk's name
 * @size: capacity in bytes
 * @slots: number of keyslots
 * @dun_bytes: largest data unit number supported, in bytes
 * @modes: per blk-crypto mode, a bitmask of supported data unit sizes
 * @zero_cost: store data untransformed even for crypto requests
 * @key_types: ENGINE_KEY_RAW and/or ENGINE_KEY_HW_WRAPPED
 * @hw_key_seed: what the device's hardware key is derived from
 * @hw_key_given: whether the create line said hw_key=
 */
struct engine_config {
	char name[DISK_NAME_LEN];
	u64 size;
	unsigned int slots;
	unsigned int dun_bytes;
	unsigned int modes[BLK_ENCRYPTION_MODE_MAX];
	bool zero_cost;
	unsigned int key_types;
	u64 hw_key_seed;
	bool hw_key_given;
};

/**
 * struct engine_slot - one emulated hardware keyslot
 * @tfm: cipher keyed with the slot's key, or NULL when the slot is empty;
 *	 the key exists nowhere else in the engine
 */
struct engine_slot {
	struct crypto_skcipher *tfm;
};

/**
 * struct engine_keymgr - a device's emulated hardware key manager
 * @lt_tfm: AES-256-GCM keyed with the hardware key: long-term wrapped keys
 * @eph_tfm: AES-256-GCM keyed with this boot's ephemeral wrapping key for
 *	     the hardware key: ephemerally wrapped keys
 */
struct engine_keymgr {
	struct crypto_aead *lt_tfm;
	struct crypto_aead *eph_tfm;
};

/**
 * struct engine_dev - one emulated inline-encryption storage device
 * @list: entry in engine_devs, under engine_lock
 * @cfg: the configuration it was created with
 * @has_crypto: whether it registered a crypto profile (some mode given)
 * @profile: its crypto profile, when @has_crypto
 * @slots: its @cfg.slots keyslots, when @has_crypto
 * @keymgr: its key manager, when @cfg.key_types has ENGINE_KEY_HW_WRAPPED
 * @disk: its gendisk, named @cfg.name
 * @tag_set: its blk-mq tag set
 * @minor: its minor number, from engine_minors
 * @pages: the stored bytes, one page per index, allocated on first write
 * @debugfs_dir: /sys/kernel/debug/icpt-engine/<name>
 * @stats: counters shown in the stats file (see enum engine_stat)
 * @fail_next_program: number of coming keyslot programs to fail with -EIO
 * @delay_us: microseconds each request sleeps before being processed
 */
struct engine_dev {
	struct list_head list;
	struct engine_config cfg;
	bool has_crypto;
	struct engine_profile profile;
	struct engine_slot *slots;
	struct engine_keymgr *keymgr;
	struct gendisk *disk;
	struct blk_mq_tag_set tag_set;
	int minor;
	struct xarray pages;
	struct dentry *debugfs_dir;
	atomic64_t stats[ENGINE_NR_STATS];
	atomic_t fail_next_program;
	u32 delay_us;
};

/**
 * struct engine_unit - the data unit a crypto request is working on
 * @slot: keyslot holding the request's key
 * @req: cipher request on @slot's tfm
 * @bounce: one page holding the data unit
 * @dus: data unit size in bytes
 * @fill: bytes of the data unit copied so far to or from the bio
 * @pos: byte position of the data unit in the store
 * @dun: data unit number of the data unit
 */
struct engine_unit {
	struct engine_slot *slot;
	struct skcipher_request *req;
	struct page *bounce;
	unsigned int dus;
	unsigned int fill;
	u64 pos;
	u64 dun[BLK_CRYPTO_DUN_ARRAY_SIZE];
};

/* blk-crypto-fallback's IV: the DUN as little-endian 64-bit words. */
union engine_iv {
	__le64 dun[BLK_CRYPTO_DUN_ARRAY_SIZE];
	u8 bytes[BLK_CRYPTO_MAX_IV_SIZE];
};

static const struct engine_limits engine_limits = {
	.logical_block_size = SECTOR_SIZE,
	.physical_block_size = 4096,
	.max_hw_sectors = 1024,
	.discard_granularity = PAGE_SIZE,
	.max_discard_sectors = UINT_MAX,
	.max_write_zeroes_sectors = UINT_MAX,
};

static int engine_major;
static struct dentry *engine_debugfs;
static DEFINE_IDA(engine_minors);
static DEFINE_MUTEX(engine_lock);	/* engine_devs; create and remove */
static LIST_HEAD(engine_devs);

static void engine_count(struct engine_dev *dev, enum engine_stat stat)
{
	atomic64_inc(&dev->stats[stat]);
}

static void engine_count_bytes(struct engine_dev *dev, enum engine_stat stat,
			       unsigned int bytes)
{
	atomic64_add(bytes, &dev->stats[stat]);
}

/* ---- Backing store ---- */

static struct page *engine_store_lookup(struct engine_dev *dev, pgoff_t idx)
{
	XA_STATE(xas, &dev->pages, idx);
	struct page *page;

	rcu_read_lock();
repeat:
	xas_reset(&xas);
	page = xas_load(&xas);
	if (xas_retry(&xas, page))
		goto repeat;
	if (page && !get_page_unless_zero(page))
		goto repeat;
	if (page && page != xas_reload(&xas)) {
		put_page(page);
		goto repeat;
	}
	rcu_read_unlock();
	return page;
}

/* Returns the store page at @idx with a reference, allocating it if absent. */
static struct page *engine_store_get(struct engine_dev *dev, pgoff_t idx)
{
	struct page *page, *old;

	for (;;) {
		page = engine_store_lookup(dev, idx);
		if (page)
			return page;
		page = alloc_page(GFP_NOIO | __GFP_ZERO | __GFP_HIGHMEM);
		if (!page)
			return NULL;
		get_page(page);	/* the caller's reference */
		old = xa_cmpxchg(&dev->pages, idx, NULL, page, GFP_NOIO);
		if (!old)
			return page;
		put_page(page);
		put_page(page);
		if (xa_is_err(old))
			return NULL;
	}
}

static void engine_copy_page(struct page *dst, unsigned int dst_off,
			     struct page *src, unsigned int src_off,
			     unsigned int len)
{
	struct bio_vec bv = {
		.bv_page = src,
		.bv_offset = src_off,
		.bv_len = len,
	};
	struct iov_iter iter;

	iov_iter_bvec(&iter, WRITE, &bv, 1, len);
	copy_page_from_iter(dst, dst_off, len, &iter);
}

static void engine_zero_page(struct page *page, unsigned int off,
			     unsigned int len)
{
	zero_user_segment(page, off, off + len);
}

/*
 * Copies @len bytes between the store at byte position @pos and @page at
 * @off, which must not cross the end of @page.
 */
static int engine_store_io(struct engine_dev *dev, u64 pos, struct page *page,
			   unsigned int off, unsigned int len, bool write)
{
	while (len) {
		unsigned int spos = offset_in_page(pos);
		unsigned int n = min_t(unsigned int, len, PAGE_SIZE - spos);
		pgoff_t idx = pos >> PAGE_SHIFT;
		struct page *sp;

		if (write) {
			sp = engine_store_get(dev, idx);
			if (!sp)
				return -ENOMEM;
			engine_copy_page(sp, spos, page, off, n);
		} else {
			sp = engine_store_lookup(dev, idx);
			if (sp)
				engine_copy_page(page, off, sp, spos, n);
			else
				engine_zero_page(page, off, n);
		}
		if (sp)
			put_page(sp);
		pos += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* Makes @len bytes at @pos read as zeroes, freeing wholly covered pages. */
static void engine_store_zero(struct engine_dev *dev, u64 pos, u64 len)
{
	while (len) {
		unsigned int spos = offset_in_page(pos);
		unsigned int n = min_t(u64, len, PAGE_SIZE - spos);
		pgoff_t idx = pos >> PAGE_SHIFT;
		struct page *sp;

		if (n == PAGE_SIZE)
			sp = xa_erase(&dev->pages, idx);
		else
			sp = engine_store_lookup(dev, idx);
		if (sp && n != PAGE_SIZE)
			engine_zero_page(sp, spos, n);
		if (sp)
			put_page(sp);
		pos += n;
		len -= n;
		cond_resched();
	}
}

static void engine_store_free(struct engine_dev *dev)
{
	struct page *page;
	unsigned long idx;

	xa_for_each(&dev->pages, idx, page) {
		put_page(page);
		cond_resched();
	}
	xa_destroy(&dev->pages);
}

/* ---- Hardware-wrapped keys ---- */

/*
 * The key hierarchy of a device with hardware-wrapped keys, after Qualcomm's
 * HWKM (DESIGN.md, section 7):
 *
 * - the hardware key: 32 bytes the KDF below derives from the create
 *   line's hw_key seed, so that devices created with one seed are "the same
 *   hardware";
 * - a long-term wrapped key: a 32-byte master key sealed with AES-256-GCM
 *   under the hardware key, what userspace stores;
 * - an ephemerally wrapped key: the same master key sealed under a key
 *   derived from the hardware key and a secret drawn at module load, so it
 *   is good until the module is reloaded (the engine's reboot), on every
 *   device with the same hardware key (dm prepares a key on the first device
 *   of a table and programs it into all of them);
 * - from the master key, the HW KDF derives the AES-256-XTS key a keyslot
 *   is keyed with and the software secret (derive_sw_secret) from which
 *   fscrypt derives its other keys; the master key and the AES-256-XTS key
 *   never leave the engine.
 *
 * A wrapped key is nonce || ciphertext || tag.  One that does not
 * authenticate under the expected key is -EBADMSG, as on real hardware.
 */
#define ENGINE_MASTER_KEY_SIZE	32
#define ENGINE_INLINE_KEY_SIZE	64
#define ENGINE_KDF_BLOCK_SIZE	16
#define ENGINE_WRAP_NONCE_SIZE	12
#define ENGINE_WRAP_TAG_SIZE	16
#define ENGINE_WRAPPED_KEY_SIZE	(ENGINE_WRAP_NONCE_SIZE + \
				 ENGINE_MASTER_KEY_SIZE + ENGINE_WRAP_TAG_SIZE)

/* Drawn at module load: ephemerally wrapped keys die with the module. */
static u8 engine_boot_secret[ENGINE_MASTER_KEY_SIZE];

/* NIST SP 800-108 fixed input of the HW KDF: its label (11 bytes). */
static const u8 engine_kdf_label[] = {
	0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20,
};

/*
 * The HW KDF's contexts, each the string literal's bytes without its
 * terminating NUL: the inline encryption key (36 bytes) and the software
 * secret (28), as Qualcomm's HWKM and xfstests' fscrypt-crypt-util have them.
 * The engine's own keys use contexts of its own.
 */
static const char engine_ctx_inline_key[] =
	"inline encryption key\0\0\0\0\0\0\x02\x43\0\x82\x50\0\0\0\0";
static const char engine_ctx_sw_secret[] =
	"raw secret\0\0\0\0\0\0\0\0\0\x02\x17\0\x80\x50\0\0\0\0";
static const char engine_ctx_hw_key[] = "icpt-engine hardware key";
static const char engine_ctx_eph_key[] = "icpt-engine ephemeral key";

#define ENGINE_CTX_LEN(ctx)	(sizeof(ctx) - 1)

/*
 * The HW KDF: NIST SP 800-108 in counter mode, the PRF AES-256-CMAC keyed
 * by @key; output block i (from 1, 16 bytes each) is
 * CMAC(BE32(i) || label || 0x00 || @ctx || @ctx2 || BE32(bits in @out)).
 * @ctx2 (may be NULL) lets a context end in bytes known only at run time.
 */
static int engine_hw_kdf(const u8 *key, const void *ctx, size_t ctx_len,
			 const void *ctx2, size_t ctx2_len,
			 u8 *out, size_t out_len)
{
	const __be32 bits = cpu_to_be32((u32)out_len * 8);
	struct crypto_shash *tfm;
	static const u8 sep;
	__be32 counter;
	size_t done;
	int err;

	if (WARN_ON_ONCE(out_len % ENGINE_KDF_BLOCK_SIZE))
		return -EINVAL;
	tfm = crypto_alloc_shash("cmac(aes)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = crypto_shash_setkey(tfm, key, ENGINE_MASTER_KEY_SIZE);
	for (done = 0; !err && done < out_len; done += ENGINE_KDF_BLOCK_SIZE) {
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		counter = cpu_to_be32(done / ENGINE_KDF_BLOCK_SIZE + 1);
		err = crypto_shash_init(desc);
		if (!err)
			err = crypto_shash_update(desc, (const u8 *)&counter,
						  sizeof(counter));
		if (!err)
			err = crypto_shash_update(desc, engine_kdf_label,
						  sizeof(engine_kdf_label));
		if (!err)
			err = crypto_shash_update(desc, &sep, sizeof(sep));
		if (!err)
			err = crypto_shash_update(desc, ctx, ctx_len);
		if (!err && ctx2)
			err = crypto_shash_update(desc, ctx2, ctx2_len);
		if (!err)
			err = crypto_shash_update(desc, (const u8 *)&bits,
						  sizeof(bits));
		if (!err)
			err = crypto_shash_final(desc, out + done);
		shash_desc_zero(desc);
	}
	crypto_free_shash(tfm);
	return err;
}

/*
 * En- or decrypts in place, under @tfm, the @len bytes after the nonce that
 * starts @buf (a wrapped key being made or opened).
 */
static int engine_wrap_crypt(struct crypto_aead *tfm, u8 *buf,
			     unsigned int len, bool encrypt)
{
	DECLARE_CRYPTO_WAIT(wait);
	struct aead_request *req;
	struct scatterlist sg;
	int err;

	req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	sg_init_one(&sg, buf + ENGINE_WRAP_NONCE_SIZE,
		    ENGINE_MASTER_KEY_SIZE + ENGINE_WRAP_TAG_SIZE);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				  CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, 0);
	aead_request_set_crypt(req, &sg, &sg, len, buf);
	if (encrypt)
		err = crypto_aead_encrypt(req);
	else
		err = crypto_aead_decrypt(req);
	err = crypto_wait_req(err, &wait);
	aead_request_free(req);
	return err;
}

/* Seals master key @key under @tfm into @blob; returns the blob's size. */
static int engine_wrap(struct crypto_aead *tfm, const u8 *key, u8 *blob)
{
	u8 *buf;
	int err;

	buf = kmalloc(ENGINE_WRAPPED_KEY_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	get_random_bytes(buf, ENGINE_WRAP_NONCE_SIZE);
	memcpy(buf + ENGINE_WRAP_NONCE_SIZE, key, ENGINE_MASTER_KEY_SIZE);
	err = engine_wrap_crypt(tfm, buf, ENGINE_MASTER_KEY_SIZE, true);
	if (!err)
		memcpy(blob, buf, ENGINE_WRAPPED_KEY_SIZE);
	kfree_sensitive(buf);
	return err ? err : ENGINE_WRAPPED_KEY_SIZE;
}

/*
 * Opens @blob under @tfm into master key @key; -EBADMSG (and counted) if it
 * is not a key sealed under @tfm's key.
 */
static int engine_unwrap(struct engine_dev *dev, struct crypto_aead *tfm,
			 const u8 *blob, size_t size, u8 *key)
{
	u8 *buf;
	int err;

	if (size != ENGINE_WRAPPED_KEY_SIZE) {
		err = -EBADMSG;
		goto out;
	}
	buf = kmemdup(blob, size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = engine_wrap_crypt(tfm, buf, ENGINE_MASTER_KEY_SIZE +
				ENGINE_WRAP_TAG_SIZE, false);
	if (!err)
		memcpy(key, buf + ENGINE_WRAP_NONCE_SIZE,
		       ENGINE_MASTER_KEY_SIZE);
	kfree_sensitive(buf);
out:
	if (err == -EBADMSG)
		engine_count(dev, ENGINE_WRAPPED_KEY_BAD_BLOBS);
	return err;
}

static struct engine_dev *engine_of(struct engine_profile *ep)
{
	return container_of(ep, struct engine_dev, profile);
}

static int engine_import_key(struct engine_profile *ep, const u8 *raw_key,
			     size_t raw_key_size, u8 *lt_key)
{
	struct engine_dev *dev = engine_of(ep);
	int ret;

	/* the HW KDF takes AES-256 master keys only */
	if (raw_key_size != ENGINE_MASTER_KEY_SIZE)
		return -EINVAL;
	ret = engine_wrap(dev->keymgr->lt_tfm, raw_key, lt_key);
	if (ret > 0)
		engine_count(dev, ENGINE_WRAPPED_KEY_IMPORTS);
	return ret;
}

static int engine_generate_key(struct engine_profile *ep, u8 *lt_key)
{
	struct engine_dev *dev = engine_of(ep);
	u8 key[ENGINE_MASTER_KEY_SIZE];
	int ret;

	get_random_bytes(key, sizeof(key));
	ret = engine_wrap(dev->keymgr->lt_tfm, key, lt_key);
	memzero_explicit(key, sizeof(key));
	if (ret > 0)
		engine_count(dev, ENGINE_WRAPPED_KEY_GENERATES);
	return ret;
}

static int engine_prepare_key(struct engine_profile *ep, const u8 *lt_key,
			      size_t lt_key_size, u8 *eph_key)
{
	struct engine_dev *dev = engine_of(ep);
	u8 key[ENGINE_MASTER_KEY_SIZE];
	int ret;

	ret = engine_unwrap(dev, dev->keymgr->lt_tfm, lt_key, lt_key_size, key);
	if (!ret)
		ret = engine_wrap(dev->keymgr->eph_tfm, key, eph_key);
	memzero_explicit(key, sizeof(key));
	if (ret > 0)
		engine_count(dev, ENGINE_WRAPPED_KEY_PREPARES);
	return ret;
}

/* What the HW KDF derives with @ctx from ephemerally wrapped key @blob. */
static int engine_derive(struct engine_dev *dev, const u8 *blob, size_t size,
			 const char *ctx, size_t ctx_len,
			 u8 *out, size_t out_len)
{
	u8 key[ENGINE_MASTER_KEY_SIZE];
	int err;

	err = engine_unwrap(dev, dev->keymgr->eph_tfm, blob, size, key);
	if (!err)
		err = engine_hw_kdf(key, ctx, ctx_len, NULL, 0, out, out_len);
	memzero_explicit(key, sizeof(key));
	return err;
}

static int engine_derive_sw_secret(struct engine_profile *ep,
				   const u8 *eph_key, size_t eph_key_size,
				   u8 *sw_secret)
{
	struct engine_dev *dev = engine_of(ep);
	int err;

	err = engine_derive(dev, eph_key, eph_key_size, engine_ctx_sw_secret,
			    ENGINE_CTX_LEN(engine_ctx_sw_secret),
			    sw_secret, ENGINE_SW_SECRET_SIZE);
	if (!err)
		engine_count(dev, ENGINE_SW_SECRET_DERIVATIONS);
	return err;
}

static struct crypto_aead *engine_wrap_tfm(const u8 *key)
{
	struct crypto_aead *tfm;
	int err;

	tfm = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return tfm;
	err = crypto_aead_setkey(tfm, key, ENGINE_MASTER_KEY_SIZE);
	if (!err)
		err = crypto_aead_setauthsize(tfm, ENGINE_WRAP_TAG_SIZE);
	if (err) {
		crypto_free_aead(tfm);
		return ERR_PTR(err);
	}
	return tfm;
}

static void engine_keymgr_free(struct engine_keymgr *km)
{
	if (!IS_ERR_OR_NULL(km->lt_tfm))
		crypto_free_aead(km->lt_tfm);
	if (!IS_ERR_OR_NULL(km->eph_tfm))
		crypto_free_aead(km->eph_tfm);
	kfree(km);
}

/* The key manager of hardware key @seed: its two wrapping keys, keyed. */
static struct engine_keymgr *engine_keymgr_create(u64 seed)
{
	struct {
		__le64 seed[ENGINE_MASTER_KEY_SIZE / sizeof(__le64)];
		u8 hw_key[ENGINE_MASTER_KEY_SIZE];
		u8 eph_key[ENGINE_MASTER_KEY_SIZE];
	} k = { .seed = { cpu_to_le64(seed) } };
	struct engine_keymgr *km;
	int err;

	BUILD_BUG_ON(ENGINE_WRAPPED_KEY_SIZE > ENGINE_MAX_WRAPPED_KEY_SIZE);
	BUILD_BUG_ON(ENGINE_CTX_LEN(engine_ctx_inline_key) != 36);
	BUILD_BUG_ON(ENGINE_CTX_LEN(engine_ctx_sw_secret) != 28);
	km = engine_kzalloc_obj(km);
	if (!km)
		return ERR_PTR(-ENOMEM);
	err = engine_hw_kdf((const u8 *)k.seed, engine_ctx_hw_key,
			    ENGINE_CTX_LEN(engine_ctx_hw_key), NULL, 0,
			    k.hw_key, sizeof(k.hw_key));
	if (!err)
		err = engine_hw_kdf(engine_boot_secret, engine_ctx_eph_key,
				    ENGINE_CTX_LEN(engine_ctx_eph_key),
				    k.hw_key, sizeof(k.hw_key),
				    k.eph_key, sizeof(k.eph_key));
	if (!err) {
		km->lt_tfm = engine_wrap_tfm(k.hw_key);
		km->eph_tfm = engine_wrap_tfm(k.eph_key);
		if (IS_ERR(km->lt_tfm))
			err = PTR_ERR(km->lt_tfm);
		else if (IS_ERR(km->eph_tfm))
			err = PTR_ERR(km->eph_tfm);
	}
	memzero_explicit(&k, sizeof(k));
	if (err) {
		engine_keymgr_free(km);
		return ERR_PTR(err);
	}
	return km;
}

/* ---- Keyslots ---- */

/* Empties @s; returns whether it held a key. */
static bool engine_slot_clear(struct engine_dev *dev, struct engine_slot *s)
{
	if (!s->tfm)
		return false;
	crypto_free_skcipher(s->tfm);
	s->tfm = NULL;
	atomic64_dec(&dev->stats[ENGINE_SLOTS_IN_USE]);
	return true;
}

/* Keys @s with @bytes: a cipher for @mode, keyed with them. */
static int engine_slot_set_key(struct engine_slot *s,
			       enum blk_crypto_mode_num mode,
			       const u8 *bytes, unsigned int size)
{
	struct crypto_skcipher *tfm;
	int err;

	if (mode >= BLK_ENCRYPTION_MODE_MAX || !engine_modes[mode].cipher)
		return -EINVAL;
	tfm = crypto_alloc_skcipher(engine_modes[mode].cipher, 0,
				    CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	crypto_skcipher_set_flags(tfm, CRYPTO_TFM_REQ_FORBID_WEAK_KEYS);
	err = crypto_skcipher_setkey(tfm, bytes, size);
	if (err) {
		crypto_free_skcipher(tfm);
		return err;
	}
	s->tfm = tfm;
	return 0;
}

/*
 * Keys @s with @key, or for a hardware-wrapped key with the AES-256-XTS key
 * the HW KDF derives from it (AES-256-XTS being the only mode of a device
 * with hardware-wrapped keys).
 */
static int engine_slot_fill(struct engine_dev *dev, struct engine_slot *s,
			    const struct blk_crypto_key *key)
{
	enum blk_crypto_mode_num mode = key->crypto_cfg.crypto_mode;
	u8 inline_key[ENGINE_INLINE_KEY_SIZE];
	int err;

	if (!engine_key_is_hw_wrapped(key))
		return engine_slot_set_key(s, mode, engine_key_bytes(key),
					   key->size);
	/* blk-crypto passes only the key types in the profile: a keymgr */
	err = engine_derive(dev, engine_key_bytes(key), key->size,
			    engine_ctx_inline_key,
			    ENGINE_CTX_LEN(engine_ctx_inline_key),
			    inline_key, sizeof(inline_key));
	if (!err)
		err = engine_slot_set_key(s, mode, inline_key,
					  sizeof(inline_key));
	memzero_explicit(inline_key, sizeof(inline_key));
	return err;
}

static int engine_keyslot_program(struct engine_profile *ep,
				  const struct blk_crypto_key *key,
				  unsigned int slot)
{
	struct engine_dev *dev = container_of(ep, struct engine_dev, profile);
	struct engine_slot *s = &dev->slots[slot];
	unsigned int noio;
	int err;

	/* blk-crypto reuses slots without evicting them first */
	engine_slot_clear(dev, s);
	if (atomic_dec_if_positive(&dev->fail_next_program) >= 0) {
		err = -EIO;
	} else {
		/* called on the I/O path: allocations must not recurse into it */
		noio = memalloc_noio_save();
		err = engine_slot_fill(dev, s, key);
		memalloc_noio_restore(noio);
	}
	if (err) {
		engine_count(dev, ENGINE_KEYSLOT_PROGRAM_FAILURES);
		return err;
	}
	atomic64_inc(&dev->stats[ENGINE_SLOTS_IN_USE]);
	engine_count(dev, ENGINE_KEYSLOT_PROGRAMS);
	if (engine_key_is_hw_wrapped(key))
		engine_count(dev, ENGINE_WRAPPED_KEYSLOT_PROGRAMS);
	return 0;
}

static int engine_keyslot_evict(struct engine_profile *ep, unsigned int slot)
{
	struct engine_dev *dev = container_of(ep, struct engine_dev, profile);

	engine_slot_clear(dev, &dev->slots[slot]);
	engine_count(dev, ENGINE_KEYSLOT_EVICTIONS);
	return 0;
}

static const struct engine_profile_ops engine_profile_ops = {
	.program = engine_keyslot_program,
	.evict = engine_keyslot_evict,
	.derive_sw_secret = engine_derive_sw_secret,
	.import_key = engine_import_key,
	.generate_key = engine_generate_key,
	.prepare_key = engine_prepare_key,
};

/* ---- Request processing ---- */

static void engine_dun_increment(u64 dun[BLK_CRYPTO_DUN_ARRAY_SIZE])
{
	unsigned int i;

	for (i = 0; i < BLK_CRYPTO_DUN_ARRAY_SIZE; i++)
		if (++dun[i])
			break;
}

static int engine_unit_init(struct engine_unit *u, struct engine_slot *slot,
			    const struct bio_crypt_ctx *bc, u64 pos)
{
	u->slot = slot;
	u->dus = bc->bc_key->crypto_cfg.data_unit_size;
	u->fill = 0;
	u->pos = pos;
	memcpy(u->dun, bc->bc_dun, sizeof(u->dun));
	u->bounce = alloc_page(GFP_NOIO);
	if (!u->bounce)
		return -ENOMEM;
	u->req = skcipher_request_alloc(slot->tfm, GFP_NOIO);
	if (!u->req) {
		__free_page(u->bounce);
		return -ENOMEM;
	}
	return 0;
}

static void engine_unit_exit(struct engine_unit *u)
{
	skcipher_request_free(u->req);
	engine_zero_page(u->bounce, 0, u->dus);
	__free_page(u->bounce);
}

/* En- or decrypts the data unit in the bounce page, in place. */
static int engine_unit_crypt(struct engine_unit *u, bool encrypt)
{
	DECLARE_CRYPTO_WAIT(wait);
	struct scatterlist sg;
	union engine_iv iv;
	unsigned int i;
	int err;

	for (i = 0; i < BLK_CRYPTO_DUN_ARRAY_SIZE; i++)
		iv.dun[i] = cpu_to_le64(u->dun[i]);
	sg_init_table(&sg, 1);
	sg_set_page(&sg, u->bounce, u->dus, 0);
	skcipher_request_set_callback(u->req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				      CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &wait);
	skcipher_request_set_crypt(u->req, &sg, &sg, u->dus, iv.bytes);
	if (encrypt)
		err = crypto_skcipher_encrypt(u->req);
	else
		err = crypto_skcipher_decrypt(u->req);
	return crypto_wait_req(err, &wait);
}

/* Loads the data unit from the store into the bounce page, decrypted. */
static int engine_unit_load(struct engine_dev *dev, struct engine_unit *u)
{
	int err;

	err = engine_store_io(dev, u->pos, u->bounce, 0, u->dus, false);
	if (err)
		return err;
	return engine_unit_crypt(u, false);
}

/* Encrypts the data unit in the bounce page into the store. */
static int engine_unit_store(struct engine_dev *dev, struct engine_unit *u)
{
	int err;

	err = engine_unit_crypt(u, true);
	if (err)
		return err;
	return engine_store_io(dev, u->pos, u->bounce, 0, u->dus, true);
}

/* Moves one bio segment through the data units it covers. */
static int engine_unit_segment(struct engine_dev *dev, struct engine_unit *u,
			       const struct bio_vec *bv, bool write)
{
	unsigned int done = 0;
	int err = 0;

	while (done < bv->bv_len) {
		unsigned int n = min(bv->bv_len - done, u->dus - u->fill);

		if (!write && !u->fill)
			err = engine_unit_load(dev, u);
		if (err)
			return err;
		if (write)
			engine_copy_page(u->bounce, u->fill, bv->bv_page,
					 bv->bv_offset + done, n);
		else
			engine_copy_page(bv->bv_page, bv->bv_offset + done,
					 u->bounce, u->fill, n);
		u->fill += n;
		done += n;
		if (u->fill < u->dus)
			continue;
		if (write)
			err = engine_unit_store(dev, u);
		if (err)
			return err;
		u->fill = 0;
		u->pos += u->dus;
		engine_dun_increment(u->dun);
	}
	return 0;
}

static int engine_rw_crypt(struct engine_dev *dev, struct request *rq)
{
	struct engine_slot *slot = &dev->slots[engine_rq_keyslot(rq)];
	u64 pos = (u64)blk_rq_pos(rq) << SECTOR_SHIFT;
	bool write = op_is_write(req_op(rq));
	struct req_iterator iter;
	struct engine_unit u;
	struct bio_vec bv;
	int err;

	if (!slot->tfm)
		return -ENOKEY;
	err = engine_unit_init(&u, slot, rq->crypt_ctx, pos);
	if (err)
		return err;
	if (!IS_ALIGNED(blk_rq_bytes(rq), u.dus))
		err = -EINVAL;
	rq_for_each_segment(bv, rq, iter) {
		if (err)
			break;
		err = engine_unit_segment(dev, &u, &bv, write);
	}
	engine_unit_exit(&u);
	return err;
}

static int engine_rw_plain(struct engine_dev *dev, struct request *rq)
{
	u64 pos = (u64)blk_rq_pos(rq) << SECTOR_SHIFT;
	bool write = op_is_write(req_op(rq));
	struct req_iterator iter;
	struct bio_vec bv;
	int err;

	rq_for_each_segment(bv, rq, iter) {
		err = engine_store_io(dev, pos, bv.bv_page, bv.bv_offset,
				      bv.bv_len, write);
		if (err)
			return err;
		pos += bv.bv_len;
	}
	return 0;
}

static void engine_count_rw(struct engine_dev *dev, struct request *rq)
{
	bool write = op_is_write(req_op(rq));
	enum engine_stat reqs, bytes;

	if (rq->crypt_ctx) {
		reqs = write ? ENGINE_CRYPTO_WRITE_REQS : ENGINE_CRYPTO_READ_REQS;
		bytes = write ? ENGINE_CRYPTO_WRITE_BYTES :
				ENGINE_CRYPTO_READ_BYTES;
	} else {
		reqs = write ? ENGINE_PLAIN_WRITE_REQS : ENGINE_PLAIN_READ_REQS;
		bytes = write ? ENGINE_PLAIN_WRITE_BYTES :
				ENGINE_PLAIN_READ_BYTES;
	}
	engine_count(dev, reqs);
	engine_count_bytes(dev, bytes, blk_rq_bytes(rq));
}

static blk_status_t engine_rw(struct engine_dev *dev, struct request *rq)
{
	int err;

	engine_count_rw(dev, rq);
	if (rq->crypt_ctx && !dev->cfg.zero_cost)
		err = engine_rw_crypt(dev, rq);
	else
		err = engine_rw_plain(dev, rq);
	return err ? BLK_STS_IOERR : BLK_STS_OK;
}

static blk_status_t engine_do_request(struct engine_dev *dev,
				      struct request *rq)
{
	u64 pos = (u64)blk_rq_pos(rq) << SECTOR_SHIFT;

	switch (req_op(rq)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		return engine_rw(dev, rq);
	case REQ_OP_FLUSH:
		engine_count(dev, ENGINE_FLUSH_REQS);
		return BLK_STS_OK;
	case REQ_OP_DISCARD:
		engine_count(dev, ENGINE_DISCARD_REQS);
		engine_store_zero(dev, pos, blk_rq_bytes(rq));
		return BLK_STS_OK;
	case REQ_OP_WRITE_ZEROES:
		engine_count(dev, ENGINE_WRITE_ZEROES_REQS);
		engine_store_zero(dev, pos, blk_rq_bytes(rq));
		return BLK_STS_OK;
	default:
		return BLK_STS_NOTSUPP;
	}
}

static blk_status_t engine_queue_rq(struct blk_mq_hw_ctx *hctx,
				    const struct blk_mq_queue_data *bd)
{
	struct engine_dev *dev = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	u32 delay_us = READ_ONCE(dev->delay_us);

	blk_mq_start_request(rq);
	if (delay_us)
		fsleep(delay_us);
	blk_mq_end_request(rq, engine_do_request(dev, rq));
	return BLK_STS_OK;
}

static const struct blk_mq_ops engine_mq_ops = {
	.queue_rq = engine_queue_rq,
};

static const struct block_device_operations engine_fops = {
	.owner = THIS_MODULE,
};

/* ---- Parsing the create line ---- */

static int engine_parse_name(struct engine_config *cfg, const char *val)
{
	size_t len = strlen(val);
	size_t i;

	if (!len || len >= sizeof(cfg->name) || !isalpha(val[0]))
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isalnum(val[i]) && val[i] != '-' && val[i] != '_')
			return -EINVAL;
	strscpy(cfg->name, val, sizeof(cfg->name));
	return 0;
}

static int engine_parse_size(struct engine_config *cfg, const char *val)
{
	char *end;
	u64 size;

	if (!isdigit(val[0]))
		return -EINVAL;
	size = memparse(val, &end);
	if (*end || !size || !IS_ALIGNED(size, ENGINE_SIZE_ALIGN))
		return -EINVAL;
	cfg->size = size;
	return 0;
}

static int engine_parse_uint(const char *val, unsigned int min,
			     unsigned int max, unsigned int *res)
{
	unsigned int v;

	if (kstrtouint(val, 10, &v) || v < min || v > max)
		return -EINVAL;
	*res = v;
	return 0;
}

static int engine_mode_by_name(const char *name)
{
	int i;

	for (i = 0; i < BLK_ENCRYPTION_MODE_MAX; i++)
		if (engine_modes[i].name && !strcmp(engine_modes[i].name, name))
			return i;
	return -EINVAL;
}

/* NAME:DUS[,DUS...], e.g. AES-256-XTS:512,4096 */
static int engine_parse_mode(struct engine_config *cfg, char *val)
{
	char *sizes = strchr(val, ':');
	unsigned int mask = 0;
	unsigned int dus;
	char *word;
	int mode;

	if (!sizes)
		return -EINVAL;
	*sizes++ = '\0';
	mode = engine_mode_by_name(val);
	if (mode < 0)
		return mode;
	while ((word = strsep(&sizes, ","))) {
		if (engine_parse_uint(word, ENGINE_MIN_DUS, ENGINE_MAX_DUS,
				      &dus) || !is_power_of_2(dus))
			return -EINVAL;
		mask |= dus;
	}
	cfg->modes[mode] |= mask;
	return 0;
}

/* raw, hw_wrapped or both, comma-separated */
static int engine_parse_key_types(struct engine_config *cfg, char *val)
{
	unsigned int types = 0;
	char *word;

	while ((word = strsep(&val, ","))) {
		if (!strcmp(word, "raw"))
			types |= ENGINE_KEY_RAW;
		else if (!strcmp(word, "hw_wrapped"))
			types |= ENGINE_KEY_HW_WRAPPED;
		else
			return -EINVAL;
	}
	cfg->key_types = types;
	return 0;
}

/* decimal, or hex after 0x */
static int engine_parse_hw_key(struct engine_config *cfg, const char *val)
{
	unsigned int base = 10;

	if (val[0] == '0' && (val[1] == 'x' || val[1] == 'X'))
		base = 16;
	cfg->hw_key_given = true;
	return kstrtou64(val, base, &cfg->hw_key_seed);
}

static int engine_parse_word(struct engine_config *cfg, const char *key,
			     char *val)
{
	if (!strcmp(key, "name"))
		return engine_parse_name(cfg, val);
	if (!strcmp(key, "size"))
		return engine_parse_size(cfg, val);
	if (!strcmp(key, "slots"))
		return engine_parse_uint(val, 1, ENGINE_MAX_SLOTS, &cfg->slots);
	if (!strcmp(key, "dun_bytes"))
		return engine_parse_uint(val, 1, BLK_CRYPTO_MAX_IV_SIZE,
					 &cfg->dun_bytes);
	if (!strcmp(key, "mode"))
		return engine_parse_mode(cfg, val);
	if (!strcmp(key, "zero_cost"))
		return kstrtobool(val, &cfg->zero_cost);
	if (!strcmp(key, "key_types"))
		return engine_parse_key_types(cfg, val);
	if (!strcmp(key, "hw_key"))
		return engine_parse_hw_key(cfg, val);
	return -EINVAL;
}

/* Parses key=@val on a scratch copy of @val, which is kept for messages. */
static int engine_parse_pair(struct engine_config *cfg, const char *key,
			     const char *val)
{
	char *scratch = kstrdup(val, GFP_KERNEL);
	int err;

	if (!scratch)
		return -ENOMEM;
	err = engine_parse_word(cfg, key, scratch);
	kfree(scratch);
	return err;
}

/*
 * Hardware-wrapped keys need a kernel that knows them, and AES-256-XTS as
 * the device's only mode: the HW KDF derives an AES-256-XTS key, and a
 * profile's key types hold for all its modes.
 */
static int engine_check_key_types(const struct engine_config *cfg)
{
	unsigned int i;

	if (!(cfg->key_types & ENGINE_KEY_HW_WRAPPED)) {
		if (!cfg->hw_key_given)
			return 0;
		pr_err("%s: hw_key= needs key_types=hw_wrapped\n", cfg->name);
		return -EINVAL;
	}
	if (!ENGINE_HAVE_HW_WRAPPED_KEYS) {
		pr_err("%s: key_types=hw_wrapped: this kernel has no hardware-wrapped keys (blk-crypto key types came in Linux 6.15)\n",
		       cfg->name);
		return -EOPNOTSUPP;
	}
	for (i = 0; i < BLK_ENCRYPTION_MODE_MAX; i++) {
		if (i == BLK_ENCRYPTION_MODE_AES_256_XTS || !cfg->modes[i])
			continue;
		pr_err("%s: hardware-wrapped keys need AES-256-XTS as the only mode, not %s too\n",
		       cfg->name, engine_modes[i].name);
		return -EINVAL;
	}
	if (!cfg->modes[BLK_ENCRYPTION_MODE_AES_256_XTS]) {
		pr_err("%s: key_types=hw_wrapped needs mode=AES-256-XTS:<sizes>\n",
		       cfg->name);
		return -EINVAL;
	}
	return 0;
}

static int engine_parse(struct engine_config *cfg, char *line)
{
	char *word, *val;
	int err;

	memset(cfg, 0, sizeof(*cfg));
	cfg->slots = 8;
	cfg->dun_bytes = 8;
	cfg->key_types = ENGINE_KEY_RAW;
	while ((word = strsep(&line, " \t\n"))) {
		if (!*word)
			continue;
		val = strchr(word, '=');
		if (!val) {
			pr_err("bad word \"%s\": not key=value\n", word);
			return -EINVAL;
		}
		*val++ = '\0';
		err = engine_parse_pair(cfg, word, val);
		if (err == -ENOMEM)
			return err;
		if (err) {
			pr_err("bad word \"%s=%s\"\n", word, val);
			return -EINVAL;
		}
	}
	if (!cfg->name[0] || !cfg->size) {
		pr_err("create needs name= and size=\n");
		return -EINVAL;
	}
	return engine_check_key_types(cfg);
}

static bool engine_config_has_modes(const struct engine_config *cfg)
{
	unsigned int i;

	for (i = 0; i < BLK_ENCRYPTION_MODE_MAX; i++)
		if (cfg->modes[i])
			return true;
	return false;
}

/* ---- Per-device debugfs files ---- */

static int engine_stats_show(struct seq_file *m, void *unused)
{
	struct engine_dev *dev = m->private;
	unsigned int i;

	for (i = 0; i < ENGINE_NR_STATS; i++)
		seq_printf(m, "%s %lld\n", engine_stat_names[i],
			   (long long)atomic64_read(&dev->stats[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(engine_stats);

static void engine_show_size(struct seq_file *m, u64 size)
{
	static const char suffixes[] = "KMG";
	int i;

	for (i = sizeof(suffixes) - 2; i >= 0; i--) {
		u64 unit = 1ULL << (10 * (i + 1));

		if (!(size & (unit - 1))) {
			seq_printf(m, " size=%llu%c", size / unit, suffixes[i]);
			return;
		}
	}
	seq_printf(m, " size=%llu", size);
}

static void engine_show_mode(struct seq_file *m, int mode, unsigned int mask)
{
	char sep = ':';
	unsigned int dus;

	seq_printf(m, " mode=%s", engine_modes[mode].name);
	for (dus = ENGINE_MIN_DUS; dus <= ENGINE_MAX_DUS; dus <<= 1) {
		if (!(mask & dus))
			continue;
		seq_printf(m, "%c%u", sep, dus);
		sep = ',';
	}
}

/* The hw_key seed is a test parameter, not key material. */
static void engine_show_key_types(struct seq_file *m,
				  const struct engine_config *cfg)
{
	seq_printf(m, " key_types=%s%s%s",
		   cfg->key_types & ENGINE_KEY_RAW ? "raw" : "",
		   cfg->key_types == (ENGINE_KEY_RAW | ENGINE_KEY_HW_WRAPPED) ?
		   "," : "",
		   cfg->key_types & ENGINE_KEY_HW_WRAPPED ? "hw_wrapped" : "");
	if (cfg->key_types & ENGINE_KEY_HW_WRAPPED)
		seq_printf(m, " hw_key=%llu", cfg->hw_key_seed);
}

static int engine_config_show(struct seq_file *m, void *unused)
{
	struct engine_dev *dev = m->private;
	const struct engine_config *cfg = &dev->cfg;
	int i;

	seq_printf(m, "name=%s", cfg->name);
	engine_show_size(m, cfg->size);
	seq_printf(m, " slots=%u dun_bytes=%u", cfg->slots, cfg->dun_bytes);
	for (i = 0; i < BLK_ENCRYPTION_MODE_MAX; i++)
		if (cfg->modes[i])
			engine_show_mode(m, i, cfg->modes[i]);
	seq_printf(m, " zero_cost=%d", cfg->zero_cost);
	if (engine_config_has_modes(cfg))
		engine_show_key_types(m, cfg);
	seq_putc(m, '\n');
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(engine_config);

static ssize_t engine_reset_stats_write(struct file *file,
					const char __user *ubuf, size_t count,
					loff_t *ppos)
{
	struct engine_dev *dev = file->private_data;
	unsigned int v, i;
	int err;

	err = kstrtouint_from_user(ubuf, count, 10, &v);
	if (err)
		return err;
	if (v != 1)
		return -EINVAL;
	for (i = 0; i < ENGINE_NR_STATS; i++)
		if (i != ENGINE_SLOTS_IN_USE)
			atomic64_set(&dev->stats[i], 0);
	return count;
}

static const struct file_operations engine_reset_stats_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = engine_reset_stats_write,
	.llseek = noop_llseek,
};

static void engine_debugfs_add(struct engine_dev *dev)
{
	struct dentry *dir = debugfs_create_dir(dev->cfg.name, engine_debugfs);

	dev->debugfs_dir = dir;
	debugfs_create_file("stats", 0444, dir, dev, &engine_stats_fops);
	debugfs_create_file("reset_stats", 0200, dir, dev,
			    &engine_reset_stats_fops);
	debugfs_create_atomic_t("fail_next_program", 0600, dir,
				&dev->fail_next_program);
	debugfs_create_u32("delay_us", 0600, dir, &dev->delay_us);
	debugfs_create_file("config", 0444, dir, dev, &engine_config_fops);
}

/* ---- Device creation and removal ---- */

static struct engine_dev *engine_find(const char *name)
{
	struct engine_dev *dev;

	list_for_each_entry(dev, &engine_devs, list)
		if (!strcmp(dev->cfg.name, name))
			return dev;
	return NULL;
}

static int engine_crypto_init(struct engine_dev *dev)
{
	int err;

	dev->slots = kcalloc(dev->cfg.slots, sizeof(*dev->slots), GFP_KERNEL);
	if (!dev->slots)
		return -ENOMEM;
	if (dev->cfg.key_types & ENGINE_KEY_HW_WRAPPED) {
		dev->keymgr = engine_keymgr_create(dev->cfg.hw_key_seed);
		if (IS_ERR(dev->keymgr)) {
			err = PTR_ERR(dev->keymgr);
			dev->keymgr = NULL;
			goto out_free_slots;
		}
	}
	err = engine_profile_init(&dev->profile, dev->cfg.slots,
				  dev->cfg.dun_bytes, dev->cfg.modes,
				  dev->cfg.key_types);
	if (err)
		goto out_free_keymgr;
	dev->profile.ops = &engine_profile_ops;
	return 0;

out_free_keymgr:
	if (dev->keymgr)
		engine_keymgr_free(dev->keymgr);
out_free_slots:
	kfree(dev->slots);
	return err;
}

static void engine_crypto_exit(struct engine_dev *dev)
{
	unsigned int i;

	for (i = 0; i < dev->cfg.slots; i++)
		engine_slot_clear(dev, &dev->slots[i]);
	engine_profile_destroy(&dev->profile);
	if (dev->keymgr)
		engine_keymgr_free(dev->keymgr);
	kfree(dev->slots);
}

static int engine_tag_set_init(struct engine_dev *dev)
{
	struct blk_mq_tag_set *set = &dev->tag_set;

	set->ops = &engine_mq_ops;
	set->nr_hw_queues = 1;
	set->queue_depth = ENGINE_QUEUE_DEPTH;
	set->numa_node = NUMA_NO_NODE;
	set->flags = BLK_MQ_F_BLOCKING | ENGINE_MQ_F_MERGE;
	return blk_mq_alloc_tag_set(set);
}

static int engine_disk_init(struct engine_dev *dev)
{
	struct gendisk *disk;
	int err;

	disk = engine_alloc_disk(&dev->tag_set, &engine_limits, dev);
	if (IS_ERR(disk))
		return PTR_ERR(disk);
	disk->major = engine_major;
	disk->first_minor = dev->minor;
	disk->minors = 1;
	disk->fops = &engine_fops;
	disk->private_data = dev;
	strscpy(disk->disk_name, dev->cfg.name, sizeof(disk->disk_name));
	set_capacity(disk, dev->cfg.size >> SECTOR_SHIFT);
	if (dev->has_crypto &&
	    !engine_profile_register(&dev->profile, disk->queue)) {
		err = -EOPNOTSUPP;
		goto out_put_disk;
	}
	err = engine_add_disk(disk);
	if (err)
		goto out_put_disk;
	dev->disk = disk;
	return 0;

out_put_disk:
	engine_put_disk(disk);
	return err;
}

static struct engine_dev *engine_dev_create(const struct engine_config *cfg)
{
	struct engine_dev *dev;
	int err;

	dev = engine_kzalloc_obj(dev);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->cfg = *cfg;
	dev->has_crypto = engine_config_has_modes(cfg);
	xa_init(&dev->pages);
	err = ida_alloc_max(&engine_minors, MINORMASK, GFP_KERNEL);
	if (err < 0)
		goto out_free_dev;
	dev->minor = err;
	err = dev->has_crypto ? engine_crypto_init(dev) : 0;
	if (err)
		goto out_free_minor;
	err = engine_tag_set_init(dev);
	if (err)
		goto out_crypto_exit;
	err = engine_disk_init(dev);
	if (err)
		goto out_free_tag_set;
	engine_debugfs_add(dev);
	return dev;

out_free_tag_set:
	blk_mq_free_tag_set(&dev->tag_set);
out_crypto_exit:
	if (dev->has_crypto)
		engine_crypto_exit(dev);
out_free_minor:
	ida_free(&engine_minors, dev->minor);
out_free_dev:
	kfree(dev);
	return ERR_PTR(err);
}

static void engine_dev_destroy(struct engine_dev *dev)
{
	debugfs_remove_recursive(dev->debugfs_dir);
	del_gendisk(dev->disk);
	engine_put_disk(dev->disk);
	blk_mq_free_tag_set(&dev->tag_set);
	if (dev->has_crypto)
		engine_crypto_exit(dev);
	engine_store_free(dev);
	ida_free(&engine_minors, dev->minor);
	kfree(dev);
}

static int engine_create(const struct engine_config *cfg)
{
	struct engine_dev *dev;
	int err = 0;

	mutex_lock(&engine_lock);
	if (engine_find(cfg->name)) {
		pr_err("%s already exists\n", cfg->name);
		err = -EEXIST;
		goto out_unlock;
	}
	dev = engine_dev_create(cfg);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		pr_err("creating %s failed: %d\n", cfg->name, err);
		goto out_unlock;
	}
	list_add_tail(&dev->list, &engine_devs);
	pr_info("created %s\n", cfg->name);
out_unlock:
	mutex_unlock(&engine_lock);
	return err;
}

static int engine_remove(const char *name)
{
	struct engine_dev *dev;
	int err = 0;

	mutex_lock(&engine_lock);
	dev = engine_find(name);
	if (!dev) {
		err = -ENODEV;
		goto out_unlock;
	}
	if (engine_disk_openers(dev->disk)) {
		err = -EBUSY;
		goto out_unlock;
	}
	list_del(&dev->list);
	engine_dev_destroy(dev);
	pr_info("removed %s\n", name);
out_unlock:
	mutex_unlock(&engine_lock);
	return err;
}

/* ---- Control files ---- */

static int engine_create_line(char *line)
{
	struct engine_config cfg;
	int err;

	err = engine_parse(&cfg, line);
	return err ? err : engine_create(&cfg);
}

static int engine_remove_line(char *line)
{
	return engine_remove(strim(line));
}

/* A control file write is one line, handed to @fn. */
static ssize_t engine_control_write(const char __user *ubuf, size_t count,
				    int (*fn)(char *line))
{
	char *line;
	int err;

	if (count >= PAGE_SIZE)
		return -EINVAL;
	line = memdup_user_nul(ubuf, count);
	if (IS_ERR(line))
		return PTR_ERR(line);
	err = fn(line);
	kfree(line);
	return err ? err : count;
}

static ssize_t engine_create_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	return engine_control_write(ubuf, count, engine_create_line);
}

static ssize_t engine_remove_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	return engine_control_write(ubuf, count, engine_remove_line);
}

static const struct file_operations engine_create_fops = {
	.owner = THIS_MODULE,
	.write = engine_create_write,
	.llseek = noop_llseek,
};

static const struct file_operations engine_remove_fops = {
	.owner = THIS_MODULE,
	.write = engine_remove_write,
	.llseek = noop_llseek,
};

/* ---- Module ---- */

static int __init engine_init(void)
{
	get_random_bytes(engine_boot_secret, sizeof(engine_boot_secret));
	engine_major = register_blkdev(0, ENGINE_NAME);
	if (engine_major < 0)
		return engine_major;
	engine_debugfs = debugfs_create_dir(ENGINE_NAME, NULL);
	if (IS_ERR(engine_debugfs)) {
		unregister_blkdev(engine_major, ENGINE_NAME);
		return PTR_ERR(engine_debugfs);
	}
	debugfs_create_file("create", 0200, engine_debugfs, NULL,
			    &engine_create_fops);
	debugfs_create_file("remove", 0200, engine_debugfs, NULL,
			    &engine_remove_fops);
	return 0;
}

static void __exit engine_exit(void)
{
	struct engine_dev *dev, *next;

	mutex_lock(&engine_lock);
	list_for_each_entry_safe(dev, next, &engine_devs, list) {
		list_del(&dev->list);
		engine_dev_destroy(dev);
	}
	mutex_unlock(&engine_lock);
	debugfs_remove_recursive(engine_debugfs);
	unregister_blkdev(engine_major, ENGINE_NAME);
	ida_destroy(&engine_minors);
	memzero_explicit(engine_boot_secret, sizeof(engine_boot_secret));
}

module_init(engine_init);
module_exit(engine_exit);

MODULE_DESCRIPTION("Emulated inline-encryption storage device for dm-icpt tests");
/* what this build emulates: modinfo -F key_types icpt-engine */
MODULE_INFO(key_types, ENGINE_KEY_TYPES_INFO);
MODULE_LICENSE("GPL");
