/* SPDX-License-Identifier: GPL-2.0 */
/*
 * icpt_compat.h - every kernel API difference dm-icpt cares about, in one
 * place.  The HAVE_* macros come from icpt_probes.h, generated at build time
 * by compiling probes/ against the target kernel (scripts/probe.sh); no
 * version numbers are compared here.  The rest of the module uses only the
 * names defined below.
 */
#ifndef ICPT_COMPAT_H
#define ICPT_COMPAT_H

#include <linux/blkdev.h>
#include <linux/blk-crypto.h>
#include <linux/device-mapper.h>
#include <linux/slab.h>
#include "icpt_probes.h"

#if defined(HAVE_BLK_CRYPTO_PROFILE)
#include <linux/blk-crypto-profile.h>
#define ICPT_HAVE_BLK_CRYPTO 1
#elif defined(HAVE_BLK_KEYSLOT_MANAGER)
#include <linux/keyslot-manager.h>
#define ICPT_HAVE_BLK_CRYPTO 1
#else
#define ICPT_HAVE_BLK_CRYPTO 0
#endif

/*
 * Whether dm core builds, checks, widens and evicts a crypto profile for
 * tables whose targets all pass crypto.  Without it (kernels before 5.12)
 * icpt must expose nothing: see README "Compatibility".
 */
#if ICPT_HAVE_BLK_CRYPTO && defined(HAVE_DM_PASSES_CRYPTO)
#define ICPT_PASSTHROUGH 1
#define ICPT_FEATURE_PASSES_CRYPTO DM_TARGET_PASSES_CRYPTO
#else
#define ICPT_PASSTHROUGH 0
#define ICPT_FEATURE_PASSES_CRYPTO 0
#endif

#ifdef HAVE_DM_ATOMIC_WRITES
#define ICPT_FEATURE_ATOMIC_WRITES DM_TARGET_ATOMIC_WRITES
#else
#define ICPT_FEATURE_ATOMIC_WRITES 0
#endif

#ifdef CONFIG_BLK_DEV_ZONED
#define ICPT_FEATURE_ZONED_HM DM_TARGET_ZONED_HM
#else
#define ICPT_FEATURE_ZONED_HM 0
#endif

/*
 * BLK_ENCRYPTION_MODE_SM4_XTS, added between 6.1 and 6.12; where it does not
 * exist, an index no profile has.
 */
#ifdef HAVE_BLK_CRYPTO_MODE_SM4_XTS
#define ICPT_MODE_SM4_XTS BLK_ENCRYPTION_MODE_SM4_XTS
#else
#define ICPT_MODE_SM4_XTS BLK_ENCRYPTION_MODE_MAX
#endif

/* Key types a profile can advertise (a profile field from 6.15 on). */
#define ICPT_KEY_TYPE_RAW	0x1
#define ICPT_KEY_TYPE_HW_WRAPPED 0x2

/**
 * icpt_queue_crypto_read() - copy a queue's inline encryption capabilities
 * @q: the request queue
 * @modes: per blk-crypto mode, the bitmask of supported data unit sizes
 * @dun_bytes: the largest DUN the device accepts, in bytes
 * @key_types: ICPT_KEY_TYPE_* the device accepts
 *
 * Leaves everything zero when the queue has no crypto profile or the kernel
 * has no blk-crypto at all.
 */
static inline void icpt_queue_crypto_read(struct request_queue *q,
					  unsigned int modes[BLK_ENCRYPTION_MODE_MAX],
					  unsigned int *dun_bytes,
					  unsigned int *key_types)
{
#if defined(HAVE_BLK_CRYPTO_PROFILE)
	const struct blk_crypto_profile *p = q->crypto_profile;
#elif defined(HAVE_BLK_KEYSLOT_MANAGER)
	const struct blk_keyslot_manager *p = q->ksm;
#endif
	unsigned int i;

	for (i = 0; i < BLK_ENCRYPTION_MODE_MAX; i++)
		modes[i] = 0;
	*dun_bytes = 0;
	*key_types = 0;
#if ICPT_HAVE_BLK_CRYPTO
	if (!p)
		return;
	for (i = 0; i < BLK_ENCRYPTION_MODE_MAX; i++)
#if defined(HAVE_BLK_CRYPTO_PROFILE)
		modes[i] = READ_ONCE(p->modes_supported[i]);
#else
		modes[i] = READ_ONCE(p->crypto_modes_supported[i]);
#endif
	*dun_bytes = READ_ONCE(p->max_dun_bytes_supported);
#ifdef HAVE_BLK_CRYPTO_KEY_TYPES
	*key_types = READ_ONCE(p->key_types_supported);
#else
	*key_types = ICPT_KEY_TYPE_RAW;
#endif
#endif
}

/*
 * Hardware-wrapped keys (6.15): whether the queue's profile has the wrapped
 * key operations, and two of them, on the device's own profile.  Without
 * them there are no wrapped keys and the operations fail as unsupported.
 */
#ifdef HAVE_BLK_CRYPTO_WRAPPED_OPS
#define ICPT_HAVE_WRAPPED_KEYS 1
#define ICPT_WRAPPED_KEY_MAX BLK_CRYPTO_MAX_HW_WRAPPED_KEY_SIZE

static inline bool icpt_queue_wrapped_ops(struct request_queue *q)
{
	const struct blk_crypto_profile *p = q->crypto_profile;

	return p && p->ll_ops.prepare_key;
}

static inline int icpt_wrapped_generate(struct block_device *bdev,
					u8 lt_key[ICPT_WRAPPED_KEY_MAX])
{
	return blk_crypto_generate_key(bdev_get_queue(bdev)->crypto_profile,
				       lt_key);
}

static inline int icpt_wrapped_import(struct block_device *bdev,
				      const u8 *raw_key, size_t raw_key_size,
				      u8 lt_key[ICPT_WRAPPED_KEY_MAX])
{
	return blk_crypto_import_key(bdev_get_queue(bdev)->crypto_profile,
				     raw_key, raw_key_size, lt_key);
}

static inline int icpt_wrapped_prepare(struct block_device *bdev,
				       const u8 *lt_key, size_t lt_key_size,
				       u8 eph_key[ICPT_WRAPPED_KEY_MAX])
{
	return blk_crypto_prepare_key(bdev_get_queue(bdev)->crypto_profile,
				      lt_key, lt_key_size, eph_key);
}
#else
#define ICPT_HAVE_WRAPPED_KEYS 0
#define ICPT_WRAPPED_KEY_MAX 128

static inline bool icpt_queue_wrapped_ops(struct request_queue *q)
{
	return false;
}

static inline int icpt_wrapped_generate(struct block_device *bdev,
					u8 lt_key[ICPT_WRAPPED_KEY_MAX])
{
	return -EOPNOTSUPP;
}

static inline int icpt_wrapped_import(struct block_device *bdev,
				      const u8 *raw_key, size_t raw_key_size,
				      u8 lt_key[ICPT_WRAPPED_KEY_MAX])
{
	return -EOPNOTSUPP;
}

static inline int icpt_wrapped_prepare(struct block_device *bdev,
				       const u8 *lt_key, size_t lt_key_size,
				       u8 eph_key[ICPT_WRAPPED_KEY_MAX])
{
	return -EOPNOTSUPP;
}
#endif

#ifndef HAVE_BDEV_NR_SECTORS
static inline sector_t bdev_nr_sectors(struct block_device *bdev)
{
	return i_size_read(bdev->bd_inode) >> SECTOR_SHIFT;
}
#endif

/* dm core may send flushes straight to the devices (a field after 6.1). */
static inline void icpt_set_flush_bypasses_map(struct dm_target *ti)
{
#ifdef HAVE_DM_FLUSH_BYPASSES_MAP
	ti->flush_bypasses_map = true;
#endif
}

/*
 * The parameters of a target's prepare_ioctl hook, named ti and bdev, which
 * gained the ioctl's command and argument and a *forward flag after 6.12:
 * static int x_prepare_ioctl(ICPT_PREPARE_IOCTL_ARGS).
 */
#ifdef HAVE_DM_PREPARE_IOCTL_CMD
#define ICPT_PREPARE_IOCTL_ARGS \
	struct dm_target *ti, struct block_device **bdev, \
	unsigned int cmd, unsigned long arg, bool *forward
#else
#define ICPT_PREPARE_IOCTL_ARGS struct dm_target *ti, struct block_device **bdev
#endif

/* One object, zeroed or not: kzalloc_obj() came with 7.0 and stable series. */
#ifdef HAVE_KZALLOC_OBJ
#define icpt_kzalloc_obj(p)	kzalloc_obj(*(p), GFP_KERNEL)
#define icpt_kmalloc_obj(p)	kmalloc_obj(*(p), GFP_KERNEL)
#else
#define icpt_kzalloc_obj(p)	kzalloc(sizeof(*(p)), GFP_KERNEL)
#define icpt_kmalloc_obj(p)	kmalloc(sizeof(*(p)), GFP_KERNEL)
#endif

#ifdef CONFIG_BLK_DEV_ZONED
/* Report the zones of @bdev from @sector on, shifted by the mapping's @start. */
static inline int icpt_report_zones(struct block_device *bdev, sector_t start,
				    sector_t sector,
				    struct dm_report_zones_args *args,
				    unsigned int nr_zones)
{
#ifdef HAVE_DM_REPORT_ZONES
	return dm_report_zones(bdev, start, sector, args, nr_zones);
#else
	args->start = start;
	return blkdev_report_zones(bdev, sector, nr_zones, dm_report_zones_cb,
				   args);
#endif
}
#endif

#ifdef HAVE_DM_STATUSTYPE_IMA
#define ICPT_HAVE_STATUSTYPE_IMA 1
#else
#define ICPT_HAVE_STATUSTYPE_IMA 0
#endif

#endif /* ICPT_COMPAT_H */
