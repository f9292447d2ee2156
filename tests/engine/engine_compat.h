/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences met by icpt-engine.
 *
 * Which API a kernel offers is decided by the compile probes in probes/,
 * whose results scripts/probe.sh writes to the generated engine_probes.h.
 * Every #ifdef HAVE_* of the engine lives in this file; the engine itself
 * only calls the engine_*() helpers below.
 */
#ifndef ICPT_ENGINE_COMPAT_H
#define ICPT_ENGINE_COMPAT_H

#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/blk-crypto.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "engine_probes.h"

#if defined(HAVE_BLK_CRYPTO_PROFILE)
#include <linux/blk-crypto-profile.h>
#elif defined(HAVE_BLK_KEYSLOT_MANAGER)
#include <linux/keyslot-manager.h>
#else
#error "icpt-engine needs a kernel with CONFIG_BLK_INLINE_ENCRYPTION=y"
#endif

struct engine_profile;

/*
 * The keyslot manager (5.8-5.15) became the crypto profile in 5.16 with the
 * same shape; these names let one set of helpers serve both.
 */
#ifdef HAVE_BLK_CRYPTO_PROFILE
#define ENGINE_KP		struct blk_crypto_profile
#define engine_kp_init		blk_crypto_profile_init
#define engine_kp_register	blk_crypto_register
#define engine_kp_destroy	blk_crypto_profile_destroy
#define engine_kp_slot_index	blk_crypto_keyslot_index
#define ENGINE_KP_LL_OPS	ll_ops
#define ENGINE_KP_MODES		modes_supported
#else
#define ENGINE_KP		struct blk_keyslot_manager
#define engine_kp_init		blk_ksm_init
#define engine_kp_register	blk_ksm_register
#define engine_kp_destroy	blk_ksm_destroy
#define engine_kp_slot_index	blk_ksm_get_slot_idx
#define ENGINE_KP_LL_OPS	ksm_ll_ops
#define ENGINE_KP_MODES		crypto_modes_supported
#endif

/*
 * Key types (6.15): a profile takes raw keys, hardware-wrapped keys or both.
 * The engine's own flags, which this file maps to the kernel's; before 6.15
 * every key is raw.
 */
#define ENGINE_KEY_RAW		0x1
#define ENGINE_KEY_HW_WRAPPED	0x2

#ifdef HAVE_BLK_CRYPTO_KEY_TYPES
#define ENGINE_HAVE_HW_WRAPPED_KEYS	true
#define ENGINE_KEY_TYPES_INFO		"raw,hw_wrapped"
#define ENGINE_MAX_WRAPPED_KEY_SIZE	BLK_CRYPTO_MAX_HW_WRAPPED_KEY_SIZE
#define ENGINE_SW_SECRET_SIZE		BLK_CRYPTO_SW_SECRET_SIZE
#else
#define ENGINE_HAVE_HW_WRAPPED_KEYS	false
#define ENGINE_KEY_TYPES_INFO		"raw"
#define ENGINE_MAX_WRAPPED_KEY_SIZE	128
#define ENGINE_SW_SECRET_SIZE		32
#endif

/**
 * struct engine_profile_ops - keyslot and key-manager callbacks, free of the
 * kernel's types
 * @program: program @key into keyslot @slot
 * @evict: wipe keyslot @slot
 * @derive_sw_secret: the software secret of an ephemerally wrapped key
 * @import_key: wrap a raw key for the long term; returns the blob's size
 * @generate_key: wrap a new random key for the long term; returns its size
 * @prepare_key: rewrap a long-term wrapped key ephemerally; returns its size
 *
 * The last four are used only where the kernel has hardware-wrapped keys
 * and the device offers them; they return -EBADMSG for a blob that is not
 * the device's.
 */
struct engine_profile_ops {
	int (*program)(struct engine_profile *ep,
		       const struct blk_crypto_key *key, unsigned int slot);
	int (*evict)(struct engine_profile *ep, unsigned int slot);
	int (*derive_sw_secret)(struct engine_profile *ep, const u8 *eph_key,
				size_t eph_key_size, u8 *sw_secret);
	int (*import_key)(struct engine_profile *ep, const u8 *raw_key,
			  size_t raw_key_size, u8 *lt_key);
	int (*generate_key)(struct engine_profile *ep, u8 *lt_key);
	int (*prepare_key)(struct engine_profile *ep, const u8 *lt_key,
			   size_t lt_key_size, u8 *eph_key);
};

/**
 * struct engine_profile - a device's inline-encryption capabilities
 * @kp: the kernel's profile (keyslot manager before 5.16)
 * @ops: the engine's keyslot callbacks, reached from @kp's
 */
struct engine_profile {
	ENGINE_KP kp;
	const struct engine_profile_ops *ops;
};

/**
 * struct engine_limits - the queue limits the engine asks for
 * @logical_block_size: in bytes
 * @physical_block_size: in bytes
 * @max_hw_sectors: largest request, in 512-byte sectors
 * @discard_granularity: in bytes
 * @max_discard_sectors: largest discard, in sectors
 * @max_write_zeroes_sectors: largest write-zeroes, in sectors
 */
struct engine_limits {
	unsigned int logical_block_size;
	unsigned int physical_block_size;
	unsigned int max_hw_sectors;
	unsigned int discard_granularity;
	unsigned int max_discard_sectors;
	unsigned int max_write_zeroes_sectors;
};

/* Crypto profile */

static int engine_kp_program(ENGINE_KP *kp,
			     const struct blk_crypto_key *key,
			     unsigned int slot)
{
	struct engine_profile *ep = container_of(kp, struct engine_profile, kp);

	return ep->ops->program(ep, key, slot);
}

static int engine_kp_evict(ENGINE_KP *kp,
			   const struct blk_crypto_key *key, unsigned int slot)
{
	struct engine_profile *ep = container_of(kp, struct engine_profile, kp);

	return ep->ops->evict(ep, slot);
}

#ifdef HAVE_BLK_CRYPTO_KEY_TYPES
static int engine_kp_derive_sw_secret(struct blk_crypto_profile *kp,
				      const u8 *eph_key, size_t eph_key_size,
				      u8 sw_secret[BLK_CRYPTO_SW_SECRET_SIZE])
{
	struct engine_profile *ep = container_of(kp, struct engine_profile, kp);

	return ep->ops->derive_sw_secret(ep, eph_key, eph_key_size, sw_secret);
}

static int engine_kp_import_key(struct blk_crypto_profile *kp,
				const u8 *raw_key, size_t raw_key_size,
				u8 lt_key[BLK_CRYPTO_MAX_HW_WRAPPED_KEY_SIZE])
{
	struct engine_profile *ep = container_of(kp, struct engine_profile, kp);

	return ep->ops->import_key(ep, raw_key, raw_key_size, lt_key);
}

static int engine_kp_generate_key(struct blk_crypto_profile *kp,
				  u8 lt_key[BLK_CRYPTO_MAX_HW_WRAPPED_KEY_SIZE])
{
	struct engine_profile *ep = container_of(kp, struct engine_profile, kp);

	return ep->ops->generate_key(ep, lt_key);
}

static int engine_kp_prepare_key(struct blk_crypto_profile *kp,
				 const u8 *lt_key, size_t lt_key_size,
				 u8 eph_key[BLK_CRYPTO_MAX_HW_WRAPPED_KEY_SIZE])
{
	struct engine_profile *ep = container_of(kp, struct engine_profile, kp);

	return ep->ops->prepare_key(ep, lt_key, lt_key_size, eph_key);
}

static inline void engine_kp_set_key_types(ENGINE_KP *kp,
					   unsigned int key_types)
{
	kp->key_types_supported = 0;
	if (key_types & ENGINE_KEY_RAW)
		kp->key_types_supported |= BLK_CRYPTO_KEY_TYPE_RAW;
	if (!(key_types & ENGINE_KEY_HW_WRAPPED))
		return;
	kp->key_types_supported |= BLK_CRYPTO_KEY_TYPE_HW_WRAPPED;
	kp->ll_ops.derive_sw_secret = engine_kp_derive_sw_secret;
	kp->ll_ops.import_key = engine_kp_import_key;
	kp->ll_ops.generate_key = engine_kp_generate_key;
	kp->ll_ops.prepare_key = engine_kp_prepare_key;
}

static inline bool engine_key_is_hw_wrapped(const struct blk_crypto_key *key)
{
	return key->crypto_cfg.key_type == BLK_CRYPTO_KEY_TYPE_HW_WRAPPED;
}
#else
static inline void engine_kp_set_key_types(ENGINE_KP *kp,
					   unsigned int key_types)
{
}

static inline bool engine_key_is_hw_wrapped(const struct blk_crypto_key *key)
{
	return false;
}
#endif

/*
 * @key_types is ENGINE_KEY_RAW where the kernel has no key types (the engine
 * refuses anything else there before calling this).
 */
static inline int engine_profile_init(struct engine_profile *ep,
				      unsigned int slots,
				      unsigned int dun_bytes,
				      const unsigned int *modes,
				      unsigned int key_types)
{
	unsigned int i;
	int err;

	err = engine_kp_init(&ep->kp, slots);
	if (err)
		return err;
	ep->kp.ENGINE_KP_LL_OPS.keyslot_program = engine_kp_program;
	ep->kp.ENGINE_KP_LL_OPS.keyslot_evict = engine_kp_evict;
	ep->kp.max_dun_bytes_supported = dun_bytes;
	for (i = 0; i < BLK_ENCRYPTION_MODE_MAX; i++)
		ep->kp.ENGINE_KP_MODES[i] = modes[i];
	engine_kp_set_key_types(&ep->kp, key_types);
	return 0;
}

static inline bool engine_profile_register(struct engine_profile *ep,
					   struct request_queue *q)
{
	return engine_kp_register(&ep->kp, q);
}

static inline void engine_profile_destroy(struct engine_profile *ep)
{
	engine_kp_destroy(&ep->kp);
}

static inline unsigned int engine_rq_keyslot(struct request *rq)
{
	return engine_kp_slot_index(rq->crypt_keyslot);
}

static inline const u8 *engine_key_bytes(const struct blk_crypto_key *key)
{
#ifdef HAVE_BLK_CRYPTO_KEY_BYTES
	return key->bytes;
#else
	return key->raw;
#endif
}

/* Tag set flags */

#ifdef HAVE_BLK_MQ_MERGE_BY_DEFAULT
#define ENGINE_MQ_F_MERGE	0
#else
#define ENGINE_MQ_F_MERGE	BLK_MQ_F_SHOULD_MERGE
#endif

/* Queue limits and features of kernels without queue_limits at allocation */

#ifndef HAVE_BLK_MQ_ALLOC_DISK_LIM
static inline void engine_queue_set_discard(struct request_queue *q)
{
#ifndef HAVE_QUEUE_FLAG_DISCARD_GONE
	blk_queue_flag_set(QUEUE_FLAG_DISCARD, q);
#endif
}

static inline void engine_queue_set_limits(struct request_queue *q,
					   const struct engine_limits *el)
{
	blk_queue_logical_block_size(q, el->logical_block_size);
	blk_queue_physical_block_size(q, el->physical_block_size);
	blk_queue_max_hw_sectors(q, el->max_hw_sectors);
	q->limits.discard_granularity = el->discard_granularity;
	blk_queue_max_discard_sectors(q, el->max_discard_sectors);
	blk_queue_max_write_zeroes_sectors(q, el->max_write_zeroes_sectors);
	engine_queue_set_discard(q);
	blk_queue_write_cache(q, true, false);
}
#endif

/* Disk allocation and release */

#if defined(HAVE_BLK_MQ_ALLOC_DISK_LIM)
static inline void engine_lim_set_write_cache(struct queue_limits *lim)
{
#ifdef HAVE_BLK_FEAT_WRITE_CACHE
	lim->features |= BLK_FEAT_WRITE_CACHE;
#endif
}

static inline void engine_queue_set_write_cache(struct request_queue *q)
{
#ifndef HAVE_BLK_FEAT_WRITE_CACHE
	blk_queue_write_cache(q, true, false);
#endif
}

static inline struct gendisk *engine_alloc_disk(struct blk_mq_tag_set *set,
						const struct engine_limits *el,
						void *queuedata)
{
	struct queue_limits lim = {
		.logical_block_size = el->logical_block_size,
		.physical_block_size = el->physical_block_size,
		.max_hw_sectors = el->max_hw_sectors,
		.discard_granularity = el->discard_granularity,
		.max_hw_discard_sectors = el->max_discard_sectors,
		.max_write_zeroes_sectors = el->max_write_zeroes_sectors,
	};
	struct gendisk *disk;

	engine_lim_set_write_cache(&lim);
	disk = blk_mq_alloc_disk(set, &lim, queuedata);
	if (!IS_ERR(disk))
		engine_queue_set_write_cache(disk->queue);
	return disk;
}
#elif defined(HAVE_BLK_MQ_ALLOC_DISK)
static inline struct gendisk *engine_alloc_disk(struct blk_mq_tag_set *set,
						const struct engine_limits *el,
						void *queuedata)
{
	struct gendisk *disk = blk_mq_alloc_disk(set, queuedata);

	if (!IS_ERR(disk))
		engine_queue_set_limits(disk->queue, el);
	return disk;
}
#else
static inline struct gendisk *engine_alloc_disk(struct blk_mq_tag_set *set,
						const struct engine_limits *el,
						void *queuedata)
{
	struct request_queue *q;
	struct gendisk *disk;

	q = blk_mq_init_queue(set);
	if (IS_ERR(q))
		return ERR_CAST(q);
	disk = alloc_disk(1);
	if (!disk) {
		blk_cleanup_queue(q);
		return ERR_PTR(-ENOMEM);
	}
	q->queuedata = queuedata;
	disk->queue = q;
	engine_queue_set_limits(q, el);
	return disk;
}
#endif

/* Releases a disk from engine_alloc_disk() that is not (or no longer) added. */
static inline void engine_put_disk(struct gendisk *disk)
{
#if !defined(HAVE_BLK_MQ_ALLOC_DISK) && !defined(HAVE_BLK_MQ_ALLOC_DISK_LIM)
	blk_cleanup_queue(disk->queue);
	put_disk(disk);
#elif defined(HAVE_BLK_CLEANUP_DISK_GONE)
	put_disk(disk);
#else
	blk_cleanup_disk(disk);
#endif
}

static inline int engine_add_disk(struct gendisk *disk)
{
#ifdef HAVE_ADD_DISK_INT
	return add_disk(disk);
#else
	add_disk(disk);
	return 0;
#endif
}

static inline unsigned int engine_disk_openers(struct gendisk *disk)
{
#ifdef HAVE_DISK_OPENERS
	return disk_openers(disk);
#else
	struct block_device *bdev = bdget_disk(disk, 0);
	unsigned int openers;

	if (!bdev)
		return 0;
	openers = bdev->bd_openers;
	bdput(bdev);
	return openers;
#endif
}

/* Allocation of one zeroed object */

#ifdef HAVE_KZALLOC_OBJ
#define engine_kzalloc_obj(p)	kzalloc_obj(*(p), GFP_KERNEL)
#else
#define engine_kzalloc_obj(p)	kzalloc(sizeof(*(p)), GFP_KERNEL)
#endif

#endif /* ICPT_ENGINE_COMPAT_H */
