// SPDX-License-Identifier: GPL-2.0
/*
 * icpt_table.c - judging a table: each icpt line as it is constructed, what
 * the dm device really exposes before the table serves I/O, and what a
 * resume changed.
 *
 * dm core gives a target no hook after the last line of a table is
 * constructed, so each constructor judges the icpt lines built so far, with
 * running totals: one step per line.  What dm core finally exposes is the
 * intersection over every line, lines of other target types included, which
 * icpt cannot see; once the table is swapped in, preresume reads the result
 * on the dm queue and refuses to resume a table that does not keep its
 * lines' require arguments, or whose lines' ends split a data unit.
 */
#include <linux/limits.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "icpt.h"

/*
 * Every dm table with icpt lines, the newest first.  The lock covers only
 * the list: entry, removal, and the search for a device's live table.
 */
static LIST_HEAD(icpt_tables);
static DEFINE_MUTEX(icpt_tables_lock);

/* ---- The distinct devices of a table ---- */

static struct icpt_devs *icpt_devs_new(void)
{
	struct icpt_devs *d;

	d = icpt_kzalloc_obj(d);
	if (d)
		kref_init(&d->ref);
	return d;
}

static void icpt_devs_release(struct kref *ref)
{
	struct icpt_devs *d = container_of(ref, struct icpt_devs, ref);

	kfree(d->dev);
	kfree(d);
}

static void icpt_devs_put(struct icpt_devs *d)
{
	if (d)
		kref_put(&d->ref, icpt_devs_release);
}

static bool icpt_devs_has(const struct icpt_devs *d, dev_t dev)
{
	unsigned int i;

	for (i = 0; i < d->nr; i++)
		if (d->dev[i].dev == dev)
			return true;
	return false;
}

/* Add @dev to @d: 1 if it was not there, 0 if it was, or -ENOMEM. */
static int icpt_devs_add(struct icpt_devs *d, struct dm_dev *dev)
{
	struct icpt_dev_name *n;
	unsigned int size;

	if (icpt_devs_has(d, dev->bdev->bd_dev))
		return 0;
	if (d->nr == d->size) {
		size = d->size ? 2 * d->size : 4;
		n = krealloc(d->dev, array_size(size, sizeof(*n)), GFP_KERNEL);
		if (!n)
			return -ENOMEM;
		d->dev = n;
		d->size = size;
	}
	n = &d->dev[d->nr++];
	n->dev = dev->bdev->bd_dev;
	snprintf(n->name, sizeof(n->name), "%pg", dev->bdev);
	return 1;
}

/* ---- Table state ---- */

static struct icpt_table *icpt_table_new(struct dm_target *ti)
{
	struct icpt_table *t;

	t = icpt_kzalloc_obj(t);
	if (!t)
		return NULL;
	t->devs = icpt_devs_new();
	if (!t->devs) {
		kfree(t);
		return NULL;
	}
	t->table = ti->table;
	t->md = dm_table_get_md(ti->table);
	INIT_LIST_HEAD(&t->lines);
	icpt_caps_fill(&t->caps);
	/* a live table gives the dm device a size */
	t->reload = get_capacity(dm_disk(t->md)) != 0;
	icpt_exposed_caps(ti, &t->live_caps);
	return t;
}

/* The state of @table, or NULL.  Caller holds icpt_tables_lock. */
static struct icpt_table *icpt_table_find(const struct dm_table *table)
{
	struct icpt_table *t;

	/* the table being built was added last, so it is found first */
	list_for_each_entry(t, &icpt_tables, node)
		if (t->table == table)
			return t;
	return NULL;
}

/*
 * The state of @ti's table, made and listed by its first icpt line.  The
 * lines of one table are constructed one after another, so no other line
 * can list the same table while this one allocates.
 */
static struct icpt_table *icpt_table_get(struct dm_target *ti)
{
	struct icpt_table *t, *o;

	mutex_lock(&icpt_tables_lock);
	t = icpt_table_find(ti->table);
	mutex_unlock(&icpt_tables_lock);
	if (t)
		return t;

	t = icpt_table_new(ti);
	if (!t)
		return NULL;
	mutex_lock(&icpt_tables_lock);
	/* the device's live table, to name at resume what a reload dropped */
	list_for_each_entry(o, &icpt_tables, node) {
		if (o->md == t->md && READ_ONCE(o->is_live)) {
			kref_get(&o->devs->ref);
			t->prev_devs = o->devs;
			break;
		}
	}
	list_add(&t->node, &icpt_tables);
	mutex_unlock(&icpt_tables_lock);
	return t;
}

static void icpt_table_free(struct icpt_table *t)
{
	mutex_lock(&icpt_tables_lock);
	list_del(&t->node);
	mutex_unlock(&icpt_tables_lock);
	icpt_stats_free(t);
	icpt_devs_put(t->devs);
	icpt_devs_put(t->prev_devs);
	kfree_sensitive(t->wrapped_key);
	kfree(t);
}

/* ---- Judging a line at construction ---- */

/*
 * A reload must keep every capability the live device exposes: upper layers
 * may already rely on it, and dm core refuses narrower tables anyway, with
 * a message that names neither the device nor the capability.
 */
static int icpt_check_live(struct dm_target *ti, const struct icpt_table *t,
			   const struct icpt_c *ic, const struct icpt_caps *dev,
			   const char *path)
{
	char want[ICPT_CAPS_STRLEN], has[ICPT_CAPS_STRLEN];
	struct icpt_caps gap;

	if (!icpt_caps_missing(dev, &t->live_caps, &gap))
		return 0;
	icpt_caps_describe(&gap, want, sizeof(want));
	icpt_caps_describe(dev, has, sizeof(has));
	DMERR("%s: %s (%*pE) lacks %s exposed by the live device; it supports %s",
	      icpt_md_name(ti), ic->dev->name, (int)strnlen(path, PATH_MAX), path,
	      want, has);
	ti->error = "Device lacks inline encryption capabilities the live device exposes";
	return -EINVAL;
}

/* The first of @ic's require arguments that @caps does not meet, or NULL. */
static const struct icpt_require *icpt_unmet(const struct icpt_c *ic,
					     const struct icpt_caps *caps)
{
	unsigned int i;

	for (i = 0; i < ic->nr_require; i++)
		if (!icpt_caps_meets(caps, &ic->require[i]))
			return &ic->require[i];
	return NULL;
}

/*
 * Every require argument of the lines so far (@need, @ic's included) must
 * hold for what they offer together (@caps).  A table's capabilities only
 * narrow as lines are added, so a later line cannot rescue an unmet one.
 */
static int icpt_check_require(struct dm_target *ti, const struct icpt_table *t,
			      const struct icpt_c *ic, const struct icpt_caps *caps,
			      const struct icpt_caps *need, const struct icpt_caps *dev,
			      const char *path)
{
	char want[ICPT_REQUIRE_STRLEN], offer[ICPT_CAPS_STRLEN], has[ICPT_CAPS_STRLEN];
	const struct icpt_require *req = NULL;
	const struct icpt_c *line;
	struct icpt_caps gap;

	if (!icpt_caps_missing(caps, need, &gap))
		return 0;

	/* name the argument that fails, in table order */
	list_for_each_entry(line, &t->lines, node) {
		req = icpt_unmet(line, caps);
		if (req)
			break;
	}
	if (!req)
		req = icpt_unmet(ic, caps);
	/* @need is their union, so one is unmet; the arguments are what counts */
	if (!req)
		return 0;
	icpt_require_format(req, want, sizeof(want));
	icpt_caps_describe(caps, offer, sizeof(offer));
	icpt_caps_describe(dev, has, sizeof(has));
	DMERR("%s: require:%s not met: the lines to sector %llu offer %s; %s (%*pE) offers %s",
	      icpt_md_name(ti), want, (unsigned long long)ti->begin, offer,
	      ic->dev->name, (int)strnlen(path, PATH_MAX), path, has);
	ti->error = "Inline encryption requirement not met";
	return -EINVAL;
}

/*
 * dm core splits bios where lines meet, and blk-crypto fails an encrypted
 * bio that does not hold whole data units: @sector, where two lines meet,
 * must be a multiple of every data unit size in @caps.  @where says which
 * end of @ti's line @sector is.
 */
static int icpt_check_boundary(struct dm_target *ti, const struct icpt_caps *caps,
			       sector_t sector, const char *where)
{
	unsigned int dus, mode = 0;

	dus = icpt_caps_misaligned_dus(caps, sector, &mode);
	if (!dus)
		return 0;
	DMERR("%s: %s sector %llu splits %u-byte %s data units; align lines to %u sectors",
	      icpt_md_name(ti), where, (unsigned long long)sector, dus,
	      icpt_mode_name(mode), dus >> SECTOR_SHIFT);
	ti->error = "Line boundary splits inline encryption data units";
	return -EINVAL;
}

/*
 * limited_by names the first line, in table order, whose device lacks a
 * capability another line's device offers.  If some line's device offers
 * what the first line's lacks, that is the first line; otherwise every
 * device offers at most what the first does, and it is the first line whose
 * device offers less.  So each line needs one comparison with the first.
 */
static void icpt_note_limit(struct icpt_table *t, const struct icpt_c *ic,
			    const struct icpt_caps *dev)
{
	const struct icpt_c *first;
	struct icpt_caps gap;

	if (list_empty(&t->lines)) {
		t->first = *dev;
		return;
	}
	first = list_first_entry(&t->lines, struct icpt_c, node);
	if (icpt_caps_missing(&t->first, dev, &gap))
		strscpy(t->limited_by, first->dev->name, sizeof(t->limited_by));
	else if (!t->limited_by[0] && icpt_caps_missing(dev, &t->first, &gap))
		strscpy(t->limited_by, ic->dev->name, sizeof(t->limited_by));
}

/*
 * A long-term wrapped key made by @bdev for the check below: generated, or
 * imported from random bytes where the device cannot generate one.
 */
static int icpt_make_wrapped_key(struct block_device *bdev, u8 *lt_key)
{
	u8 raw[32];
	int r;

	r = icpt_wrapped_generate(bdev, lt_key);
	if (r >= 0)
		return r;
	get_random_bytes(raw, sizeof(raw));
	r = icpt_wrapped_import(bdev, raw, sizeof(raw), lt_key);
	memzero_explicit(raw, sizeof(raw));
	return r;
}

/*
 * dm core hands every hardware-wrapped key operation of a table to its
 * first device only (dm_exec_wrappedkey_op()), so the keys a table imports
 * or prepares work on its other devices only if they share the first one's
 * hardware key; on the others, I/O with such a key fails.  So when a line
 * brings a new device to a table that keeps hw_wrapped keys, the first
 * line's device makes a key (once per table) and the new device is asked to
 * prepare it.  One that cannot is named now and in status.
 */
static void icpt_check_wrapped(struct dm_target *ti, struct icpt_table *t,
			       const struct icpt_c *ic, const struct icpt_caps *caps)
{
	const struct icpt_c *first;
	u8 eph[ICPT_WRAPPED_KEY_MAX];
	int r;

	if (!(caps->key_types & ICPT_KEY_TYPE_HW_WRAPPED) || list_empty(&t->lines) ||
	    t->wrapped_mismatch[0] || t->wrapped_unchecked)
		return;
	first = list_first_entry(&t->lines, struct icpt_c, node);
	if (!t->wrapped_key) {
		t->wrapped_key = kmalloc(ICPT_WRAPPED_KEY_MAX, GFP_KERNEL);
		r = t->wrapped_key ? icpt_make_wrapped_key(first->dev->bdev, t->wrapped_key) :
			-ENOMEM;
		if (r < 0) {
			DMWARN("%s: %s made no hardware-wrapped key (error %d) to check %s with",
			       icpt_md_name(ti), first->dev->name, r, ic->dev->name);
			t->wrapped_unchecked = true;
			return;
		}
		t->wrapped_key_size = r;
	}
	r = icpt_wrapped_prepare(ic->dev->bdev, t->wrapped_key, t->wrapped_key_size, eph);
	memzero_explicit(eph, sizeof(eph));
	if (r >= 0)
		return;
	strscpy(t->wrapped_mismatch, ic->dev->name, sizeof(t->wrapped_mismatch));
	DMWARN("%s: %s cannot unwrap hardware-wrapped keys of %s, the first line's (error %d)",
	       icpt_md_name(ti), ic->dev->name, first->dev->name, r);
	DMWARN("%s: dm core makes every wrapped key there: I/O with one fails on %s's lines",
	       icpt_md_name(ti), ic->dev->name);
}

/**
 * icpt_table_wrapped_keys() - what works of hardware-wrapped keys, for status
 * @ti: an icpt line
 * @exposed: what the dm device exposes
 * @buf: where to write it
 * @len: size of @buf
 *
 * "none" (not exposed), "no_ops" (advertised without the operations that
 * make and prepare such keys: a reload added them), "mismatch:<dev>" (the
 * device <dev> of a line cannot unwrap the first line's device's keys),
 * "unchecked" (the first line's device made no key to check with) or "ok".
 */
void icpt_table_wrapped_keys(struct dm_target *ti, const struct icpt_caps *exposed,
			     char *buf, size_t len)
{
	const struct icpt_table *t = ((struct icpt_c *)ti->private)->table;
	const char *state = "ok";

	if (!(exposed->key_types & ICPT_KEY_TYPE_HW_WRAPPED))
		state = "none";
	else if (!icpt_queue_wrapped_ops(dm_disk(t->md)->queue))
		state = "no_ops";
	else if (t->wrapped_mismatch[0])
		state = "mismatch";
	else if (t->wrapped_unchecked)
		state = "unchecked";
	if (!strcmp(state, "mismatch"))
		snprintf(buf, len, "mismatch:%s", t->wrapped_mismatch);
	else
		strscpy(buf, state, len);
}

/**
 * icpt_table_join() - judge a new line and add it to its table
 * @ti: the line's target
 * @ic: the line, parsed and with its device open
 * @path: the device as the table line names it, for messages
 *
 * A refused line leaves the table's running totals as they were.
 *
 * Return: 0, or a negative errno with ti->error set.
 */
int icpt_table_join(struct dm_target *ti, struct icpt_c *ic, const char *path)
{
	struct icpt_caps dev, caps, need;
	struct icpt_table *t;
	unsigned int i;
	int r, added = 0;

	t = icpt_table_get(ti);
	if (!t) {
		ti->error = "Cannot allocate icpt table state";
		return -ENOMEM;
	}

	icpt_dev_caps(ic->dev, &dev);
	caps = t->caps;
	icpt_caps_intersect(&caps, &dev);
	need = t->need;
	for (i = 0; i < ic->nr_require; i++) {
		need.modes[ic->require[i].mode] |= ic->require[i].data_unit_size;
		need.dun_bytes = max(need.dun_bytes, ic->require[i].dun_bytes);
		need.key_types |= ic->require[i].key_types;
	}
	r = icpt_check_live(ti, t, ic, &dev, path);
	if (!r)
		r = icpt_check_require(ti, t, ic, &caps, &need, &dev, path);
	/* without passthrough the dm device exposes nothing to split */
	if (!r && ICPT_PASSTHROUGH)
		r = icpt_check_boundary(ti, &caps, ti->begin, "line at");
	if (!r) {
		added = icpt_devs_add(t->devs, ic->dev);
		if (added < 0) {
			ti->error = "Cannot allocate icpt table state";
			r = -ENOMEM;
		}
	}
	if (!r) {
		ic->stats = icpt_stats_alloc(t);
		if (!ic->stats) {
			ti->error = "Cannot allocate icpt counters";
			r = -ENOMEM;
		}
	}
	if (r) {
		if (list_empty(&t->lines))
			icpt_table_free(t);
		return r;
	}

	icpt_note_limit(t, ic, &dev);
	if (added)
		icpt_check_wrapped(ti, t, ic, &caps);
	t->caps = caps;
	t->need = need;
	ic->table = t;
	list_add_tail(&ic->node, &t->lines);
	return 0;
}

/* Take @ic out of its table; the last line frees the table's state. */
void icpt_table_leave(struct icpt_c *ic)
{
	struct icpt_table *t = ic->table;

	list_del(&ic->node);
	if (list_empty(&t->lines))
		icpt_table_free(t);
}

/* ---- Before the table serves I/O ---- */

/**
 * icpt_table_preresume() - check @ti's line against what the device exposes
 * @ti: an icpt line of the table about to resume
 *
 * dm core has swapped the table in and built the device's crypto profile
 * from every line, so what the queue offers now is what upper layers will
 * see.  Lines of other target types narrow it (one that does not pass
 * inline encryption empties it), so each icpt line checks its require
 * arguments here.  Its start needs no second look: its constructor judged
 * it against what the table's icpt lines offered so far, which holds every
 * data unit size the device can expose.  Its end is the start of the next
 * line, which no icpt constructor judges if that line is of another target
 * type, so it is checked here.  A refused resume leaves the device
 * suspended.
 *
 * Return: 0, or -EINVAL with the reason in the kernel log.
 */
int icpt_table_preresume(struct dm_target *ti)
{
	char want[ICPT_REQUIRE_STRLEN], has[ICPT_CAPS_STRLEN];
	struct icpt_c *ic = ti->private;
	struct icpt_table *t = ic->table;
	const struct icpt_require *req;
	struct icpt_caps exposed, gap;
	sector_t end = ti->begin + ti->len;

	/* swapped in: the device's live table now, whether it resumes or not */
	WRITE_ONCE(t->is_live, true);
	if (!ICPT_PASSTHROUGH)
		return 0;
	icpt_exposed_caps(ti, &exposed);
	WRITE_ONCE(t->other_narrows, icpt_caps_missing(&exposed, &t->caps, &gap));

	req = icpt_unmet(ic, &exposed);
	if (req) {
		icpt_require_format(req, want, sizeof(want));
		icpt_caps_describe(&exposed, has, sizeof(has));
		DMERR("%s: require:%s of the line at sector %llu not met: the device exposes %s%s",
		      icpt_md_name(ti), want, (unsigned long long)ti->begin, has,
		      icpt_unmet(ic, &t->caps) ? "" :
		      "; a line of another target type narrows what its icpt lines offer");
		return -EINVAL;
	}
	if (end < get_capacity(dm_disk(t->md)))
		return icpt_check_boundary(ti, &exposed, end, "line ending at");
	return 0;
}

/* ---- What a resume changed ---- */

/*
 * A reload that widens a live device is allowed (dm core updates its
 * profile), but blk_crypto_evict_key() picks hardware or blk-crypto-fallback
 * by the device's capabilities at eviction time: a key an upper layer used
 * through the fallback before the reload is later evicted from the hardware
 * only, and its fallback keyslot keeps pointing at the freed key, to be
 * matched by a later key at the same address.
 */
static void icpt_warn_widened(struct dm_target *ti, const struct icpt_table *t,
			      const struct icpt_caps *now)
{
	char added[ICPT_CAPS_STRLEN];
	struct icpt_caps gap;

	if (!t->reload || !icpt_caps_missing(&t->live_caps, now, &gap))
		return;
	icpt_caps_describe(&gap, added, sizeof(added));
	DMWARN("%s: reload widened inline encryption by %s", icpt_md_name(ti), added);
	DMWARN("%s: keys used through blk-crypto-fallback before it stay in its keyslots",
	       icpt_md_name(ti));
}

/*
 * dm core forwards key eviction to the devices of the live table only: a
 * device the reload dropped keeps in its keyslots every key it held.
 */
static void icpt_warn_dropped(struct dm_target *ti, const struct icpt_table *t)
{
	const struct icpt_dev_name *d;
	unsigned int i;
	bool any = false;

	for (i = 0; i < t->prev_devs->nr; i++) {
		d = &t->prev_devs->dev[i];
		if (icpt_devs_has(t->devs, d->dev))
			continue;
		DMWARN("%s: reload dropped %s (%u:%u): keys used through it stay in its keyslots",
		       icpt_md_name(ti), d->name, MAJOR(d->dev), MINOR(d->dev));
		any = true;
	}
	if (any)
		DMWARN("%s: remove such keys before a reload that drops their device",
		       icpt_md_name(ti));
}

/**
 * icpt_table_resume() - say what the resume of @ti's table changed
 * @ti: an icpt line of the table that resumed
 *
 * Once per table (its first icpt line), without a lock: the table's state
 * changes only in its own constructors and destructors.
 */
void icpt_table_resume(struct dm_target *ti)
{
	struct icpt_c *ic = ti->private;
	struct icpt_table *t = ic->table;
	struct icpt_caps now;

	if (ic != list_first_entry(&t->lines, struct icpt_c, node))
		return;
	icpt_exposed_caps(ti, &now);
	icpt_warn_widened(ti, t, &now);
	/*
	 * A widening reload gets the live profile the new key types, but not
	 * the operations of hardware-wrapped keys (blk_crypto_update_
	 * capabilities() copies capabilities only).
	 */
	if ((now.key_types & ICPT_KEY_TYPE_HW_WRAPPED) &&
	    !icpt_queue_wrapped_ops(dm_disk(t->md)->queue)) {
		DMWARN("%s: hw_wrapped keys advertised without their operations after a reload",
		       icpt_md_name(ti));
		DMWARN("%s: making, preparing and using such keys fails until it is created anew",
		       icpt_md_name(ti));
	}
	t->live_caps = now;
	t->reload = true;
	if (t->prev_devs) {
		icpt_warn_dropped(ti, t);
		icpt_devs_put(t->prev_devs);
		t->prev_devs = NULL;
	}
}
