/* SPDX-License-Identifier: GPL-2.0 */
/*
 * icpt.h - what the files of dm-icpt share: a table line, the state of the
 * table it belongs to, and the functions each file offers the others.
 *
 *   icpt_target.c  the target: parsing, constructor, mapping, module
 *   icpt_table.c   judging a table: at load, before it goes live, at resume
 *   icpt_stats.c   the lines' I/O counters and the reset_counters message
 *   icpt_status.c  status, table and IMA reports
 *   icpt_caps.c    the capability model (icpt_caps.h)
 */
#ifndef ICPT_H
#define ICPT_H

#include <linux/bio.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/percpu.h>

#include "icpt_compat.h"
#include "icpt_caps.h"

#define DM_MSG_PREFIX "icpt"

/* Most require arguments a table line takes. */
#define ICPT_MAX_REQUIRE 8

/**
 * struct icpt_stats - I/O counters of one table line, per CPU
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

/**
 * struct icpt_stats_block - counters for some lines of one table
 * @next: the table's block allocated before this one
 * @stats: @size struct icpt_stats, one per line, per CPU
 * @size: lines the block holds
 */
struct icpt_stats_block {
	struct icpt_stats_block *next;
	struct icpt_stats __percpu *stats;
	unsigned int size;
};

/**
 * struct icpt_dev_name - one device of a table
 * @dev: its device number
 * @name: its name, for messages ("eng0", "sda")
 */
struct icpt_dev_name {
	dev_t dev;
	char name[BDEVNAME_SIZE];
};

/**
 * struct icpt_devs - the distinct devices of a table's icpt lines
 * @ref: held by the table, and by the next table loaded over it until that
 *	one goes live
 * @nr: entries used in @dev
 * @size: entries allocated in @dev
 * @dev: the devices, in the order their lines came
 *
 * Complete once the table is: a table loaded over a live one keeps a
 * reference to the live table's set, so that at resume it can name the
 * devices the reload dropped without looking anything up.
 */
struct icpt_devs {
	struct kref ref;
	unsigned int nr;
	unsigned int size;
	struct icpt_dev_name *dev;
};

/**
 * struct icpt_table - the icpt lines of one dm table, judged as a whole
 * @node: entry in the list of tables with icpt lines (icpt_table.c)
 * @table: the dm table
 * @md: its mapped device
 * @lines: its icpt lines (struct icpt_c), in table order
 * @caps: what the lines' devices offer together (their intersection)
 * @first: what the first line's device offers, to find @limited_by
 * @need: what the lines' require arguments ask for together: per mode the
 *	data unit sizes, and the widest DUN
 * @limited_by: the device (as major:minor) of the first line whose device
 *	lacks a capability another line's device offers, or "" if none does
 * @devs: the distinct devices of the lines
 * @prev_devs: @devs of the table that was live when this one was loaded,
 *	until this one resumes; NULL if there was none with icpt lines
 * @reload: loaded into a device that already had a live table
 * @live_caps: what the dm device exposed when this table was loaded, then
 *	at its last resume
 * @other_narrows: the device exposes less than @caps: a line of another
 *	target type narrows it (set before each resume)
 * @is_live: swapped in, so it is (or was) the device's live table
 * @wrapped_key: a long-term hardware-wrapped key made by the first line's
 *	device, that the other lines' devices are asked to prepare, or NULL
 * @wrapped_key_size: its size in bytes
 * @wrapped_mismatch: a device (major:minor) that cannot prepare it, or ""
 * @wrapped_unchecked: the first line's device made no key to check with
 * @blocks: the lines' counters, newest block first
 * @block_used: lines of the newest block handed out
 *
 * Everything but @node and @is_live changes only in this table's
 * constructors, which dm core runs one after another, and its destructors:
 * status, messages, preresume and resume of a complete table read it
 * without a lock.
 */
struct icpt_table {
	struct list_head node;
	const struct dm_table *table;
	struct mapped_device *md;
	struct list_head lines;
	struct icpt_caps caps;
	struct icpt_caps first;
	struct icpt_caps need;
	char limited_by[BDEVNAME_SIZE];
	struct icpt_devs *devs;
	struct icpt_devs *prev_devs;
	bool reload;
	struct icpt_caps live_caps;
	bool other_narrows;
	bool is_live;
	u8 *wrapped_key;
	unsigned int wrapped_key_size;
	char wrapped_mismatch[BDEVNAME_SIZE];
	bool wrapped_unchecked;
	struct icpt_stats_block *blocks;
	unsigned int block_used;
};

/**
 * struct icpt_c - one icpt table line
 * @node: entry in @table's lines
 * @table: the state of the dm table this line belongs to
 * @dev: the underlying device
 * @start: where the mapping starts on @dev, in 512-byte sectors
 * @nr_require: entries used in @require
 * @require: capabilities the dm device must expose, from the table line
 * @stats: I/O counters, in a block of @table's
 */
struct icpt_c {
	struct list_head node;
	struct icpt_table *table;
	struct dm_dev *dev;
	sector_t start;
	unsigned int nr_require;
	struct icpt_require require[ICPT_MAX_REQUIRE];
	struct icpt_stats __percpu *stats;
};

static inline const char *icpt_md_name(struct dm_target *ti)
{
	return dm_device_name(dm_table_get_md(ti->table));
}

/* icpt_target.c */
const char *icpt_unavailable_reason(void);
void icpt_dev_caps(struct dm_dev *dev, struct icpt_caps *caps);
void icpt_exposed_caps(struct dm_target *ti, struct icpt_caps *caps);

/* icpt_table.c */
int icpt_table_join(struct dm_target *ti, struct icpt_c *ic, const char *path);
void icpt_table_wrapped_keys(struct dm_target *ti, const struct icpt_caps *exposed,
			     char *buf, size_t len);
void icpt_table_leave(struct icpt_c *ic);
int icpt_table_preresume(struct dm_target *ti);
void icpt_table_resume(struct dm_target *ti);

/* icpt_stats.c */
struct icpt_stats __percpu *icpt_stats_alloc(struct icpt_table *t);
void icpt_stats_free(struct icpt_table *t);
void icpt_stats_sum(const struct icpt_c *ic, struct icpt_stats *sum);
int icpt_message(struct dm_target *ti, unsigned int argc, char **argv,
		 char *result, unsigned int maxlen);

/* Count one bio of @ic's line: on the mapping path, so kept inline. */
static inline void icpt_count(struct icpt_c *ic, struct bio *bio)
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

/* icpt_status.c */
void icpt_status(struct dm_target *ti, status_type_t type,
		 unsigned int status_flags, char *result, unsigned int maxlen);

#endif /* ICPT_H */
