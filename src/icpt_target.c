// SPDX-License-Identifier: GPL-2.0
/*
 * dm-icpt: a linear device-mapper target that passes inline encryption
 * through, and says what it passes and why.
 *
 * Where dm core can pass inline encryption through (DM_TARGET_PASSES_CRYPTO),
 * icpt opts in: dm core then intersects the crypto profiles of the devices
 * below, registers the result on the dm queue, widens it on reload and
 * forwards key eviction.  icpt never puts a profile of its own on the dm
 * queue.  On top, icpt refuses tables that dm core would reject with a
 * generic message, or that would fail encrypted I/O later, naming the device
 * and the capability (icpt_table.c); and it reports what is exposed and
 * counts encrypted and plain I/O (icpt_status.c, icpt_stats.c).
 *
 * This file is the target itself: the table line, its constructor and
 * destructor, and the mapping, which is dm-linear's.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/slab.h>

#include "icpt.h"

/* Why this kernel cannot pass inline encryption through, or NULL. */
const char *icpt_unavailable_reason(void)
{
	if (!ICPT_HAVE_BLK_CRYPTO)
		return "kernel_without_blk_crypto";
	if (!ICPT_PASSTHROUGH)
		return "dm_core_without_crypto_passthrough";
	return NULL;
}

/*
 * Why this kernel cannot meet a require argument, as a sentence for the
 * kernel log: no passthrough, or a key type it does not have.
 */
static const char *icpt_unavailable_why(void)
{
	if (!ICPT_HAVE_BLK_CRYPTO)
		return "this kernel is built without blk-crypto (CONFIG_BLK_INLINE_ENCRYPTION)";
	if (!ICPT_PASSTHROUGH)
		return "this kernel's device-mapper core cannot pass inline encryption through";
	return "this kernel has no hardware-wrapped keys (Linux 6.15 and later have)";
}

void icpt_dev_caps(struct dm_dev *dev, struct icpt_caps *caps)
{
	icpt_caps_read(bdev_get_queue(dev->bdev), caps);
}

/* What the dm device exposes now: its live table's profile, or nothing. */
void icpt_exposed_caps(struct dm_target *ti, struct icpt_caps *caps)
{
	icpt_caps_read(dm_disk(dm_table_get_md(ti->table))->queue, caps);
}

/*
 * Refuse a table argument: ti->error says what is wrong, the kernel log also
 * names the dm device and shows the argument (escaped, so odd bytes in a
 * table cannot forge log lines).
 */
static int icpt_bad_arg(struct dm_target *ti, char *error, const char *arg)
{
	DMERR("%s: %s: \"%*pE\"", icpt_md_name(ti), error,
	      (int)strnlen(arg, 64), arg);
	ti->error = error;
	return -EINVAL;
}

static int icpt_add_require(struct dm_target *ti, struct icpt_c *ic,
			    const char *value)
{
	struct icpt_require req;
	char *why;
	unsigned int i;

	if (icpt_require_parse(value, &req, &why))
		return icpt_bad_arg(ti, why, value);
	for (i = 0; i < ic->nr_require; i++) {
		/* one per mode and data unit size: the widest DUN is the need */
		if (ic->require[i].mode == req.mode &&
		    ic->require[i].data_unit_size == req.data_unit_size)
			return icpt_bad_arg(ti,
					    "Duplicate require: one per mode and data unit size",
					    value);
	}
	if (!ICPT_PASSTHROUGH || (!ICPT_HAVE_WRAPPED_KEYS &&
				  (req.key_types & ICPT_KEY_TYPE_HW_WRAPPED))) {
		DMERR("%s: require:%*pE cannot be met: %s",
		      icpt_md_name(ti), (int)strnlen(value, 64), value,
		      icpt_unavailable_why());
		ti->error = "Inline encryption requirement cannot be met on this kernel";
		return -EINVAL;
	}
	ic->require[ic->nr_require++] = req;
	return 0;
}

static int icpt_parse_features(struct dm_target *ti, struct icpt_c *ic,
			       struct dm_arg_set *as)
{
	static const struct dm_arg _args[] = {
		{0, ICPT_MAX_REQUIRE, "Invalid number of feature arguments"},
	};
	const char *word;
	unsigned int argc;
	int r;

	if (!as->argc)
		return 0;
	word = as->argv[0];
	r = dm_read_arg_group(_args, as, &argc, &ti->error);
	if (r)
		return icpt_bad_arg(ti, ti->error, word);
	while (argc--) {
		word = dm_shift_arg(as);
		if (!strncasecmp(word, "require:", 8)) {
			r = icpt_add_require(ti, ic, word + 8);
			if (r)
				return r;
			continue;
		}
		return icpt_bad_arg(ti, "Unknown feature argument", word);
	}
	if (as->argc)
		return icpt_bad_arg(ti, "Unexpected arguments after the feature arguments",
				    dm_shift_arg(as));
	return 0;
}

/*
 * A sector number: decimal digits only, and no overflow.  sscanf("%llu")
 * would wrap 2^64 to 0 without a word, and take "+1" or " 1".
 */
static int icpt_parse_sector(const char *s, sector_t *sector)
{
	unsigned long long v;

	if (!icpt_is_decimal(s) || kstrtoull(s, 10, &v) || v != (sector_t)v)
		return -EINVAL;
	*sector = v;
	return 0;
}

/* What a failed dm_get_device() means, for the kernel log. */
static const char *icpt_open_error(int r)
{
	switch (r) {
	case -ENOENT:
	case -ENODEV:
	case -ENXIO:
	case -ENOTBLK:
		return "no such block device";
	case -EBUSY:
		return "the device is held open exclusively by someone else";
	case -EACCES:
	case -EROFS:
		return "the device cannot be opened for writing";
	case -EINVAL:
		return "dm core refuses it, as it does the dm device itself";
	default:
		return "the device cannot be opened";
	}
}

/*
 * Construct an icpt mapping:
 *   <dev_path> <offset> [<#opt_args> <opt_args>...]
 * opt_args:
 *   require:<mode>:<data_unit_size>[:<dun_bytes>][:<key_types>]
 *	the dm device must expose <mode> (a blk-crypto mode name such as
 *	AES-256-XTS) at <data_unit_size> bytes natively, with DUNs of at least
 *	<dun_bytes> bytes, for keys of every type in <key_types> (raw,
 *	hw_wrapped, or raw,hw_wrapped); otherwise the table is refused.
 */
static int icpt_ctr(struct dm_target *ti, unsigned int argc, char **argv)
{
	struct dm_arg_set as = { .argc = argc, .argv = argv };
	struct icpt_c *ic;
	const char *path, *word;
	sector_t size;
	int r;

	if (argc < 2) {
		DMERR("%s: icpt takes <dev_path> <offset> [<#opt_args> <opt_args>...]; got %u",
		      icpt_md_name(ti), argc);
		ti->error = "Invalid argument count";
		return -EINVAL;
	}

	ic = icpt_kzalloc_obj(ic);
	if (!ic) {
		ti->error = "Cannot allocate icpt context";
		return -ENOMEM;
	}

	path = dm_shift_arg(&as);
	word = dm_shift_arg(&as);
	r = icpt_parse_sector(word, &ic->start);
	if (r) {
		r = icpt_bad_arg(ti, "Invalid device sector", word);
		goto bad;
	}

	r = icpt_parse_features(ti, ic, &as);
	if (r)
		goto bad;

	r = dm_get_device(ti, path, dm_table_get_mode(ti->table), &ic->dev);
	if (r) {
		DMERR("%s: cannot open \"%*pE\": %s (error %d)", icpt_md_name(ti),
		      (int)strnlen(path, 64), path, icpt_open_error(r), r);
		ti->error = "Device lookup failed";
		goto bad;
	}
	/* dm_get_device() refuses this itself in 6.12 and later, not in 6.1 */
	if (ic->dev->bdev->bd_dev == disk_devt(dm_disk(dm_table_get_md(ti->table)))) {
		r = icpt_bad_arg(ti, "Device cannot map onto itself", path);
		goto bad_dev;
	}
	/*
	 * dm core checks this only when the table goes live, so a reload past
	 * the end would load and fail at resume: refuse it here.
	 */
	size = bdev_nr_sectors(ic->dev->bdev);
	if (ic->start >= size || ti->len > size - ic->start) {
		DMERR("%s: %s (%*pE) has %llu sectors; this line maps %llu from sector %llu",
		      icpt_md_name(ti), ic->dev->name,
		      (int)strnlen(path, PATH_MAX), path,
		      (unsigned long long)size, (unsigned long long)ti->len,
		      (unsigned long long)ic->start);
		ti->error = "Mapping runs past the end of the device";
		r = -EINVAL;
		goto bad_dev;
	}

	r = icpt_table_join(ti, ic, path);
	if (r)
		goto bad_dev;

	ti->num_flush_bios = 1;
	ti->num_discard_bios = 1;
	ti->num_secure_erase_bios = 1;
	ti->num_write_zeroes_bios = 1;
	icpt_set_flush_bypasses_map(ti);
	ti->private = ic;
	return 0;

bad_dev:
	dm_put_device(ti, ic->dev);
bad:
	kfree(ic);
	return r;
}

static void icpt_dtr(struct dm_target *ti)
{
	struct icpt_c *ic = ti->private;

	icpt_table_leave(ic);
	dm_put_device(ti, ic->dev);
	kfree(ic);
}

static sector_t icpt_map_sector(struct dm_target *ti, sector_t bi_sector)
{
	struct icpt_c *ic = ti->private;

	return ic->start + dm_target_offset(ti, bi_sector);
}

static int icpt_map(struct dm_target *ti, struct bio *bio)
{
	struct icpt_c *ic = ti->private;

	icpt_count(ic, bio);
	bio_set_dev(bio, ic->dev->bdev);
	bio->bi_iter.bi_sector = icpt_map_sector(ti, bio->bi_iter.bi_sector);
	return DM_MAPIO_REMAPPED;
}

static int icpt_prepare_ioctl(ICPT_PREPARE_IOCTL_ARGS)
{
	struct icpt_c *ic = ti->private;
	struct dm_dev *dev = ic->dev;

	*bdev = dev->bdev;
	/* Only pass ioctls through if the device sizes match exactly. */
	if (ic->start || ti->len != bdev_nr_sectors(dev->bdev))
		return 1;
	return 0;
}

#ifdef CONFIG_BLK_DEV_ZONED
static int icpt_report_zones_fn(struct dm_target *ti,
				struct dm_report_zones_args *args,
				unsigned int nr_zones)
{
	struct icpt_c *ic = ti->private;

	return icpt_report_zones(ic->dev->bdev, ic->start,
				 icpt_map_sector(ti, args->next_sector),
				 args, nr_zones);
}
#endif

static int icpt_iterate_devices(struct dm_target *ti,
				iterate_devices_callout_fn fn, void *data)
{
	struct icpt_c *ic = ti->private;

	return fn(ti, ic->dev, ic->start, ti->len, data);
}

static struct target_type icpt_target = {
	.name = "icpt",
	/* the table and status interface, not the module's version */
	.version = {2, 0, 0},
	.features = DM_TARGET_PASSES_INTEGRITY | DM_TARGET_NOWAIT |
		    ICPT_FEATURE_ZONED_HM | ICPT_FEATURE_PASSES_CRYPTO |
		    ICPT_FEATURE_ATOMIC_WRITES,
#ifdef CONFIG_BLK_DEV_ZONED
	/* 5.10's struct target_type has the member only with zoned support */
	.report_zones = icpt_report_zones_fn,
#endif
	.module = THIS_MODULE,
	.ctr = icpt_ctr,
	.dtr = icpt_dtr,
	.map = icpt_map,
	.status = icpt_status,
	.preresume = icpt_table_preresume,
	.resume = icpt_table_resume,
	.message = icpt_message,
	.prepare_ioctl = icpt_prepare_ioctl,
	.iterate_devices = icpt_iterate_devices,
};

static int __init dm_icpt_init(void)
{
	const char *reason = icpt_unavailable_reason();
	int r;

	r = dm_register_target(&icpt_target);
	if (r < 0) {
		DMERR("register failed %d", r);
		return r;
	}
	if (reason)
		DMWARN("inline encryption passthrough unavailable (%s): mapping only",
		       reason);
	else
		DMINFO("inline encryption passthrough available");
	return 0;
}

static void __exit dm_icpt_exit(void)
{
	dm_unregister_target(&icpt_target);
}

module_init(dm_icpt_init);
module_exit(dm_icpt_exit);

MODULE_DESCRIPTION(DM_NAME " target passing inline encryption through");
MODULE_AUTHOR("dm-icpt developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(ICPT_VERSION);
