// SPDX-License-Identifier: GPL-2.0
/*
 * 5.14 API change: blk_mq_alloc_disk(set, queuedata) allocates a gendisk
 * together with its blk-mq request queue (before: blk_mq_init_queue() and
 * alloc_disk()).  Changed again in 6.9, see blk_mq_alloc_disk_lim.c.
 */
#include <linux/blk-mq.h>

struct gendisk *probe(struct blk_mq_tag_set *set, void *data);
struct gendisk *probe(struct blk_mq_tag_set *set, void *data)
{
	return blk_mq_alloc_disk(set, data);
}
