// SPDX-License-Identifier: GPL-2.0
/*
 * dm-icpt: a linear device-mapper target that passes inline encryption
 * through, and says what it passes and why.
 *
 * Where dm core can pass inline encryption through (DM_TARGET_PASSES_CRYPTO),
 * icpt opts in: dm core then intersects the crypto profiles of the devices
 * below, registers the result on the dm queue, widens it on reload and
 * forwards key eviction.  icpt never puts a profile of its own on the dm
 * queue.  On top, icpt refuses table lines that dm core would reject with a
 * generic message, or that would fail encrypted I/O later, naming the device
 * and the capability; and it reports what is exposed and counts encrypted
 * and plain I/O.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/bio.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "icpt_compat.h"
#include "icpt_caps.h"

#define DM_MSG_PREFIX "icpt"

#define ICPT_MAX_REQUIRE 8

/**
 * struct icpt_stats - per-CPU I/O counters of one table line
 * @crypt_bios: data bios that carried an inline encryption context
 * @crypt_bytes: bytes in those bios
 * @plain_bios: data bios without one
 * @plain_bytes: bytes in those bios
 */
struct icpt_stats {
	u64 crypt_bios;
	u64 crypt_bytes;
	u64 plain_bios;
	u64 plain_bytes;
};

/* The largest block of counters a table allocates at once, in lines. */
#define ICPT_STATS_BLOCK_MAX 64U

/**
 * struct icpt_stats_block - per-CPU counters for some lines of one table
 * @next: the table's block allocated before this one
 * @stats: the counters, one struct icpt_stats per line
 */
struct icpt_stats_block {
	struct icpt_stats_block *next;
	struct icpt_stats __percpu *stats;
};

/**
 * struct icpt_table - the icpt lines of one dm table, judged as a whole
 * @node: entry in icpt_tables
 * @table: the dm table
 * @lines: its icpt lines (struct icpt_c), in table order
 * @caps: what the lines' devices offer together (their intersection)
 * @need: what the lines' require arguments ask for together: per mode the
 *	data unit sizes, and the widest DUN
 * @blocks: the lines' counters, newest block first
 * @block_size: lines in the newest block
 * @block_used: lines of the newest block handed out
 *
 * dm core gives a target no hook after the last line of a table is
 * constructed, so each constructor judges the table built so far.  Running
 * totals make that one step per line: walking the earlier lines instead
 * made a 1,000-line table quadratic to load.  Lines leave only when the
 * whole table is destroyed, so the totals never have to shrink, and the
 * lines' counters are handed out of per-table blocks that are freed with
 * the table, never line by line.
 */
struct icpt_table {
	struct list_head node;
	const struct dm_table *table;
	struct list_head lines;
	struct icpt_caps caps;
	struct icpt_caps need;
	struct icpt_stats_block *blocks;
	unsigned int block_size;
	unsigned int block_used;
};

/**
 * struct icpt_c - one icpt table line
 * @node: entry in @table's lines
 * @table: the lines of the same dm table
 * @ti: the target this line is
 * @dev: the underlying device
 * @start: where the mapping starts on @dev, in 512-byte sectors
 * @nr_require: entries used in @require
 * @require: capabilities this line's table must expose, from the table line
 * @stats: I/O counters, in a block of @table's
 * @reload: the table was loaded into a device that already had a live table
 * @live: what the dm device exposed when this table was loaded (if @reload)
 */
struct icpt_c {
	struct list_head node;
	struct icpt_table *table;
	struct dm_target *ti;
	struct dm_dev *dev;
	sector_t start;
	unsigned int nr_require;
	struct icpt_require require[ICPT_MAX_REQUIRE];
	struct icpt_stats __percpu *stats;
	bool reload;
	struct icpt_caps live;
};

/* Every dm table with icpt lines, the newest first. */
static LIST_HEAD(icpt_tables);
static DEFINE_MUTEX(icpt_tables_lock);

/* Why this kernel cannot pass inline encryption through, or NULL. */
static const char *icpt_unavailable_reason(void)
{
	if (!ICPT_HAVE_BLK_CRYPTO)
		return "kernel_without_blk_crypto";
	if (!ICPT_PASSTHROUGH)
		return "dm_core_without_crypto_passthrough";
	return NULL;
}

static void icpt_dev_caps(struct dm_dev *dev, struct icpt_caps *caps)
{
	icpt_caps_read(bdev_get_queue(dev->bdev), caps);
}

/* What the dm device exposes now, from its live table. */
static void icpt_live_caps(struct dm_target *ti, struct icpt_caps *caps)
{
	struct gendisk *disk = dm_disk(dm_table_get_md(ti->table));

	icpt_caps_read(disk->queue, caps);
}

/*
 * A reload must keep every capability the live device exposes: upper layers
 * may already rely on it, and dm core refuses narrower tables anyway.
 */
static int icpt_check_live(struct dm_target *ti, struct icpt_c *ic,
			   const char *path)
{
	struct icpt_caps live, dev, gap;
	char want[ICPT_CAPS_STRLEN], has[ICPT_CAPS_STRLEN];

	icpt_live_caps(ti, &live);
	ic->live = live;
	ic->reload = get_capacity(dm_disk(dm_table_get_md(ti->table))) != 0;
	icpt_dev_caps(ic->dev, &dev);
	if (!icpt_caps_missing(&dev, &live, &gap))
		return 0;

	icpt_caps_describe(&gap, want, sizeof(want));
	icpt_caps_describe(&dev, has, sizeof(has));
	DMERR("%s: %s (%s) lacks %s exposed by the live device; it supports %s",
	      dm_device_name(dm_table_get_md(ti->table)), ic->dev->name, path,
	      want, has);
	ti->error = "Device lacks inline encryption capabilities the live device exposes";
	return -EINVAL;
}

/* The first of @line's require arguments that @caps does not meet, or NULL. */
static const struct icpt_require *icpt_unmet(const struct icpt_c *line,
					     const struct icpt_caps *caps)
{
	unsigned int i;

	for (i = 0; i < line->nr_require; i++)
		if (!icpt_caps_meets(caps, &line->require[i]))
			return &line->require[i];
	return NULL;
}

/*
 * Every require argument of the table so far (@need, @ic's included) must
 * hold for what it exposes (@caps).  Caller holds icpt_tables_lock.
 */
static int icpt_check_require(struct dm_target *ti, const struct icpt_table *t,
			      const struct icpt_c *ic, const struct icpt_caps *caps,
			      const struct icpt_caps *need, const char *path)
{
	const struct icpt_require *req;
	const struct icpt_c *line;
	struct icpt_caps dev, gap;
	char want[64], has[ICPT_CAPS_STRLEN];

	if (!icpt_caps_missing(caps, need, &gap))
		return 0;

	/* Name the argument that fails, in table order. */
	req = NULL;
	list_for_each_entry(line, &t->lines, node) {
		req = icpt_unmet(line, caps);
		if (req)
			break;
	}
	if (!req)
		req = icpt_unmet(ic, caps);
	if (req)
		icpt_require_format(req, want, sizeof(want));
	else
		icpt_caps_describe(&gap, want, sizeof(want));
	icpt_dev_caps(ic->dev, &dev);
	icpt_caps_describe(&dev, has, sizeof(has));
	DMERR("%s: require:%s is not met: %s (%s) supports %s",
	      dm_device_name(dm_table_get_md(ti->table)), want,
	      ic->dev->name, path, has);
	ti->error = "Inline encryption requirement not met";
	return -EINVAL;
}

/* Lines must not start inside a data unit the table exposes. */
static int icpt_check_boundary(struct dm_target *ti, const struct icpt_caps *table)
{
	unsigned int dus, mode = 0;

	dus = icpt_caps_misaligned_dus(table, ti->begin, &mode);
	if (!dus)
		return 0;
	DMERR("%s: line at sector %llu splits %u-byte %s data units; align lines to %u sectors",
	      dm_device_name(dm_table_get_md(ti->table)),
	      (unsigned long long)ti->begin, dus, icpt_mode_name(mode),
	      dus >> SECTOR_SHIFT);
	ti->error = "Line boundary splits inline encryption data units";
	return -EINVAL;
}

/*
 * Counters for one more line of @t, or NULL.  alloc_percpu() per line was
 * about two thirds of what an icpt line cost to construct and destroy over
 * a dm-linear line (perf over a 1,000-line table: the per-CPU allocator
 * searches its chunks under a global lock with interrupts off).  Blocks
 * double from one line up to ICPT_STATS_BLOCK_MAX, so a one-line table
 * allocates what it did and a 1,000-line table 21 blocks.  Counters come
 * zeroed from the allocator and no slot is handed out twice.  Caller holds
 * icpt_tables_lock.
 */
static struct icpt_stats __percpu *icpt_table_stats(struct icpt_table *t)
{
	struct icpt_stats_block *b;
	unsigned int size;

	if (t->blocks && t->block_used < t->block_size)
		return t->blocks->stats + t->block_used++;

	size = t->blocks ? min(2 * t->block_size, ICPT_STATS_BLOCK_MAX) : 1;
	b = kmalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return NULL;
	b->stats = __alloc_percpu(size * sizeof(struct icpt_stats),
				  __alignof__(struct icpt_stats));
	if (!b->stats) {
		kfree(b);
		return NULL;
	}
	b->next = t->blocks;
	t->blocks = b;
	t->block_size = size;
	t->block_used = 1;
	return b->stats;
}

/* Free @t and its counters.  Caller holds icpt_tables_lock. */
static void icpt_table_free(struct icpt_table *t)
{
	struct icpt_stats_block *b;

	list_del(&t->node);
	while (t->blocks) {
		b = t->blocks;
		t->blocks = b->next;
		free_percpu(b->stats);
		kfree(b);
	}
	kfree(t);
}

/* The icpt lines of @table, or NULL.  Caller holds icpt_tables_lock. */
static struct icpt_table *icpt_find_table(const struct dm_table *table)
{
	struct icpt_table *t;

	/* the table being built was added last, so it is found first */
	list_for_each_entry(t, &icpt_tables, node)
		if (t->table == table)
			return t;
	return NULL;
}

/*
 * Add @ic to the lines of its table and judge the table so far.  The table's
 * capabilities only narrow as lines are added, so an unmet requirement
 * cannot be rescued by a later line; a misaligned boundary is judged against
 * the capabilities of the lines up to this one.  A refused line leaves the
 * totals as they were.
 */
static int icpt_join_table(struct dm_target *ti, struct icpt_c *ic,
			   const char *path)
{
	struct icpt_caps caps, need, dev;
	struct icpt_table *t;
	unsigned int i;
	int r;

	mutex_lock(&icpt_tables_lock);
	t = icpt_find_table(ti->table);
	if (!t) {
		t = kzalloc(sizeof(*t), GFP_KERNEL);
		if (!t) {
			ti->error = "Cannot allocate icpt table state";
			r = -ENOMEM;
			goto out;
		}
		t->table = ti->table;
		INIT_LIST_HEAD(&t->lines);
		icpt_caps_fill(&t->caps);
		list_add(&t->node, &icpt_tables);
	}

	caps = t->caps;
	icpt_dev_caps(ic->dev, &dev);
	icpt_caps_intersect(&caps, &dev);
	need = t->need;
	for (i = 0; i < ic->nr_require; i++) {
		need.modes[ic->require[i].mode] |= ic->require[i].data_unit_size;
		need.dun_bytes = max(need.dun_bytes, ic->require[i].dun_bytes);
	}
	r = icpt_check_require(ti, t, ic, &caps, &need, path);
	/* without passthrough the dm device exposes nothing to split */
	if (!r && ICPT_PASSTHROUGH)
		r = icpt_check_boundary(ti, &caps);
	if (!r) {
		ic->stats = icpt_table_stats(t);
		if (!ic->stats) {
			ti->error = "Cannot allocate icpt counters";
			r = -ENOMEM;
		}
	}
	if (!r) {
		t->caps = caps;
		t->need = need;
		ic->table = t;
		list_add_tail(&ic->node, &t->lines);
	} else if (list_empty(&t->lines)) {
		icpt_table_free(t);
	}
out:
	mutex_unlock(&icpt_tables_lock);
	return r;
}

/*
 * Refuse a table argument: ti->error says what is wrong, the kernel log also
 * names the dm device and shows the argument (escaped, so odd bytes in a
 * table cannot forge log lines).
 */
static int icpt_bad_arg(struct dm_target *ti, char *error,
			const char *arg)
{
	DMERR("%s: %s: \"%*pE\"", dm_device_name(dm_table_get_md(ti->table)),
	      error, (int)strnlen(arg, 64), arg);
	ti->error = error;
	return -EINVAL;
}

static int icpt_add_require(struct dm_target *ti, struct icpt_c *ic,
			    const char *value)
{
	struct icpt_require req;
	unsigned int i;
	int r;

	r = icpt_require_parse(value, &req);
	if (r == -ENOENT)
		return icpt_bad_arg(ti, "Unknown inline encryption mode in require argument",
				    value);
	if (r)
		return icpt_bad_arg(ti, "Invalid require:<mode>:<data_unit_size>[:<dun_bytes>]",
				    value);
	for (i = 0; i < ic->nr_require; i++) {
		if (!memcmp(&ic->require[i], &req, sizeof(req)))
			return icpt_bad_arg(ti, "Duplicate require argument",
					    value);
	}
	if (!ICPT_PASSTHROUGH) {
		DMERR("require:%s cannot be met: %s", value, icpt_unavailable_reason());
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
	const char *word = as->argv[0];
	unsigned int argc;
	int r;

	if (!as->argc)
		return 0;
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
	const char *p;

	for (p = s; *p; p++)
		if (!isdigit(*p))
			return -EINVAL;
	if (p == s || kstrtoull(s, 10, &v) || v != (sector_t)v)
		return -EINVAL;
	*sector = v;
	return 0;
}

/*
 * Construct an icpt mapping:
 *   <dev_path> <offset> [<#opt_args> <opt_args>...]
 * opt_args:
 *   require:<mode>:<data_unit_size>[:<dun_bytes>]
 *	the table must expose <mode> (a blk-crypto mode name such as
 *	AES-256-XTS) at <data_unit_size> bytes natively, with DUNs of at least
 *	<dun_bytes> bytes; otherwise the line is refused.
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
		      dm_device_name(dm_table_get_md(ti->table)), argc);
		ti->error = "Invalid argument count";
		return -EINVAL;
	}

	ic = kzalloc(sizeof(*ic), GFP_KERNEL);
	if (!ic) {
		ti->error = "Cannot allocate icpt context";
		return -ENOMEM;
	}
	ic->ti = ti;

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
		DMERR("%s: cannot open \"%*pE\": error %d",
		      dm_device_name(dm_table_get_md(ti->table)),
		      (int)strnlen(path, 64), path, r);
		ti->error = "Device lookup failed";
		goto bad;
	}
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
		DMERR("%s: %s (%s) has %llu sectors; this line maps %llu from sector %llu",
		      dm_device_name(dm_table_get_md(ti->table)), ic->dev->name,
		      path, (unsigned long long)size, (unsigned long long)ti->len,
		      (unsigned long long)ic->start);
		ti->error = "Mapping runs past the end of the device";
		r = -EINVAL;
		goto bad_dev;
	}

	r = icpt_check_live(ti, ic, path);
	if (r)
		goto bad_dev;
	r = icpt_join_table(ti, ic, path);
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
	struct icpt_table *t = ic->table;

	mutex_lock(&icpt_tables_lock);
	list_del(&ic->node);
	if (list_empty(&t->lines))
		icpt_table_free(t);
	mutex_unlock(&icpt_tables_lock);
	dm_put_device(ti, ic->dev);
	kfree(ic);
}

static sector_t icpt_map_sector(struct dm_target *ti, sector_t bi_sector)
{
	struct icpt_c *ic = ti->private;

	return ic->start + dm_target_offset(ti, bi_sector);
}

static void icpt_count(struct icpt_c *ic, struct bio *bio)
{
	if (!bio_has_data(bio))
		return;
	if (bio_has_crypt_ctx(bio)) {
		this_cpu_inc(ic->stats->crypt_bios);
		this_cpu_add(ic->stats->crypt_bytes, bio->bi_iter.bi_size);
	} else {
		this_cpu_inc(ic->stats->plain_bios);
		this_cpu_add(ic->stats->plain_bytes, bio->bi_iter.bi_size);
	}
}

static int icpt_map(struct dm_target *ti, struct bio *bio)
{
	struct icpt_c *ic = ti->private;

	icpt_count(ic, bio);
	bio_set_dev(bio, ic->dev->bdev);
	bio->bi_iter.bi_sector = icpt_map_sector(ti, bio->bi_iter.bi_sector);
	return DM_MAPIO_REMAPPED;
}

static void icpt_stats_sum(struct icpt_c *ic, struct icpt_stats *sum)
{
	const struct icpt_stats *s;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(ic->stats, cpu);
		sum->crypt_bios += READ_ONCE(s->crypt_bios);
		sum->crypt_bytes += READ_ONCE(s->crypt_bytes);
		sum->plain_bios += READ_ONCE(s->plain_bios);
		sum->plain_bytes += READ_ONCE(s->plain_bytes);
	}
}

static void icpt_stats_reset(struct icpt_c *ic)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(ic->stats, cpu), 0, sizeof(struct icpt_stats));
}

/*
 * The first icpt line of this table whose device has no inline encryption
 * at all: the reason a table exposes nothing.  NULL if there is none.
 */
static const char *icpt_limited_by(const struct icpt_table *t)
{
	const struct icpt_c *ic;
	struct icpt_caps dev;

	list_for_each_entry(ic, &t->lines, node) {
		icpt_dev_caps(ic->dev, &dev);
		if (icpt_caps_empty(&dev))
			return ic->dev->name;
	}
	return NULL;
}

static unsigned int icpt_status_info(struct dm_target *ti, char *result,
				     unsigned int maxlen)
{
	struct icpt_c *ic = ti->private;
	const char *reason = icpt_unavailable_reason();
	const char *limited_by = NULL;
	char caps[ICPT_CAPS_STRLEN], keys[32];
	struct icpt_caps exposed, dev;
	struct icpt_stats st;
	unsigned int sz = 0;

	memset(&exposed, 0, sizeof(exposed));
	if (!reason)
		icpt_live_caps(ti, &exposed);
	if (icpt_caps_empty(&exposed)) {
		mutex_lock(&icpt_tables_lock);
		limited_by = icpt_limited_by(ic->table);
		mutex_unlock(&icpt_tables_lock);
	}

	if (reason)
		DMEMIT("crypto=off:%s", reason);
	else
		DMEMIT("crypto=passthrough");
	icpt_caps_format(&exposed, caps, sizeof(caps));
	icpt_key_types_format(exposed.key_types, keys, sizeof(keys));
	DMEMIT(" exposed=%s dun_bytes=%u key_types=%s limited_by=%s",
	       caps, exposed.dun_bytes, keys,
	       reason ? "kernel" : limited_by ? limited_by : "-");

	icpt_dev_caps(ic->dev, &dev);
	icpt_caps_format(&dev, caps, sizeof(caps));
	icpt_key_types_format(dev.key_types, keys, sizeof(keys));
	DMEMIT(" device=%s device_dun_bytes=%u device_key_types=%s",
	       caps, dev.dun_bytes, keys);

	icpt_stats_sum(ic, &st);
	DMEMIT(" crypt_bios=%llu crypt_bytes=%llu plain_bios=%llu plain_bytes=%llu",
	       st.crypt_bios, st.crypt_bytes, st.plain_bios, st.plain_bytes);
	return sz;
}

static unsigned int icpt_status_table(struct icpt_c *ic, char *result,
				      unsigned int maxlen)
{
	char req[64];
	unsigned int i, sz = 0;

	DMEMIT("%s %llu", ic->dev->name, (unsigned long long)ic->start);
	if (!ic->nr_require)
		return sz;
	DMEMIT(" %u", ic->nr_require);
	for (i = 0; i < ic->nr_require; i++) {
		icpt_require_format(&ic->require[i], req, sizeof(req));
		DMEMIT(" require:%s", req);
	}
	return sz;
}

#if ICPT_HAVE_STATUSTYPE_IMA
static void icpt_status_ima(struct dm_target *ti, char *result,
			    unsigned int maxlen)
{
	struct icpt_c *ic = ti->private;
	unsigned int sz = 0;

	DMEMIT_TARGET_NAME_VERSION(ti->type);
	DMEMIT(",device_name=%s,start=%llu,crypto=%s,require_count=%u;",
	       ic->dev->name, (unsigned long long)ic->start,
	       icpt_unavailable_reason() ? "off" : "passthrough",
	       ic->nr_require);
}
#endif

static void icpt_status(struct dm_target *ti, status_type_t type,
			unsigned int status_flags, char *result, unsigned int maxlen)
{
	switch (type) {
	case STATUSTYPE_INFO:
		icpt_status_info(ti, result, maxlen);
		break;
	case STATUSTYPE_TABLE:
		icpt_status_table(ti->private, result, maxlen);
		break;
#if ICPT_HAVE_STATUSTYPE_IMA
	case STATUSTYPE_IMA:
		icpt_status_ima(ti, result, maxlen);
		break;
#endif
	}
}

/*
 * A reload that widens a live device is allowed (dm core updates its
 * profile), but blk_crypto_evict_key() (block/blk-crypto.c) picks hardware
 * or blk-crypto-fallback by the device's capabilities at eviction time: a
 * key an upper layer used through the fallback before the reload is later
 * evicted from the hardware only, and its fallback keyslot keeps pointing at
 * the freed key, to be matched by a later key at the same address.  Say so
 * once per table, naming what was added.
 */
static void icpt_resume(struct dm_target *ti)
{
	struct icpt_c *ic = ti->private, *first;
	struct icpt_caps now, gap;
	char added[ICPT_CAPS_STRLEN];

	mutex_lock(&icpt_tables_lock);
	first = list_first_entry(&ic->table->lines, struct icpt_c, node);
	icpt_live_caps(ti, &now);
	if (first == ic && ic->reload && icpt_caps_missing(&ic->live, &now, &gap)) {
		icpt_caps_describe(&gap, added, sizeof(added));
		DMWARN("%s: reload widened inline encryption by %s",
		       dm_device_name(dm_table_get_md(ti->table)), added);
		DMWARN("%s: keys used through blk-crypto-fallback before it stay in its keyslots",
		       dm_device_name(dm_table_get_md(ti->table)));
	}
	ic->live = now;
	ic->reload = true;
	mutex_unlock(&icpt_tables_lock);
}

static int icpt_message(struct dm_target *ti, unsigned int argc, char **argv,
			char *result, unsigned int maxlen)
{
	struct icpt_c *ic = ti->private;

	if (argc == 1 && !strcasecmp(argv[0], "reset_counters")) {
		icpt_stats_reset(ic);
		return 0;
	}
	DMERR("%s: unknown message; icpt accepts: reset_counters",
	      dm_device_name(dm_table_get_md(ti->table)));
	return -EINVAL;
}

int icpt_prepare_ioctl_dev(struct dm_target *ti, struct block_device **bdev)
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
	.version = {1, 0, 0},
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
	.resume = icpt_resume,
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
