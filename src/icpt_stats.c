// SPDX-License-Identifier: GPL-2.0
/*
 * icpt_stats.c - the lines' I/O counters: bios and bytes with and without
 * an inline encryption context, per line and per CPU, and the
 * reset_counters message, which resets every line of the device.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "icpt.h"

/* The largest block of counters a table allocates at once, in lines. */
#define ICPT_STATS_BLOCK_MAX 64U

/**
 * icpt_stats_alloc() - counters for one more line of @t
 * @t: the table being constructed
 *
 * A per-CPU allocation per line would cost more than the rest of a line's
 * construction (the per-CPU allocator searches its chunks under a global
 * lock with interrupts off), so lines get their counters from per-table
 * blocks whose size doubles from one line up to ICPT_STATS_BLOCK_MAX: a
 * one-line table allocates one line's worth, a 1,000-line table 21 blocks.
 * Counters come zeroed from the allocator, no slot is handed out twice, and
 * blocks are freed with the table, never line by line.
 *
 * Return: the counters, or NULL if memory ran out.
 */
struct icpt_stats __percpu *icpt_stats_alloc(struct icpt_table *t)
{
	struct icpt_stats_block *b = t->blocks;
	unsigned int size;

	if (b && t->block_used < b->size)
		return b->stats + t->block_used++;

	size = b ? min(2 * b->size, ICPT_STATS_BLOCK_MAX) : 1;
	b = icpt_kmalloc_obj(b);
	if (!b)
		return NULL;
	b->stats = __alloc_percpu(size * sizeof(struct icpt_stats),
				  __alignof__(struct icpt_stats));
	if (!b->stats) {
		kfree(b);
		return NULL;
	}
	b->size = size;
	b->next = t->blocks;
	t->blocks = b;
	t->block_used = 1;
	return b->stats;
}

void icpt_stats_free(struct icpt_table *t)
{
	struct icpt_stats_block *b;

	while (t->blocks) {
		b = t->blocks;
		t->blocks = b->next;
		free_percpu(b->stats);
		kfree(b);
	}
}

void icpt_stats_sum(const struct icpt_c *ic, struct icpt_stats *sum)
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

/* Zero the counters of every line of @t: the blocks hold them all. */
static void icpt_stats_reset(struct icpt_table *t)
{
	const struct icpt_stats_block *b;
	int cpu;

	for (b = t->blocks; b; b = b->next)
		for_each_possible_cpu(cpu)
			memset(per_cpu_ptr(b->stats, cpu), 0,
			       b->size * sizeof(struct icpt_stats));
}

/*
 * dm core sends a message to the one target covering the sector it names
 * (the first by default), but a device's counters are read together, so
 * reset_counters resets every line of the table.
 */
int icpt_message(struct dm_target *ti, unsigned int argc, char **argv,
		 char *result, unsigned int maxlen)
{
	struct icpt_c *ic = ti->private;

	if (argc == 1 && !strcasecmp(argv[0], "reset_counters")) {
		icpt_stats_reset(ic->table);
		return 0;
	}
	DMERR("%s: unknown message; icpt accepts: reset_counters",
	      icpt_md_name(ti));
	return -EINVAL;
}
