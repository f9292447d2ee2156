// SPDX-License-Identifier: GPL-2.0
/*
 * 6.9 API change: blk_mq_alloc_disk(set, lim, queuedata) takes the queue
 * limits up front (the blk_queue_*() limit setters went away after it).
 */
#include <linux/blk-mq.h>

struct gendisk *probe(struct blk_mq_tag_set *set, struct queue_limits *lim,
		      void *data);
struct gendisk *probe(struct blk_mq_tag_set *set, struct queue_limits *lim,
		      void *data)
{
	return blk_mq_alloc_disk(set, lim, data);
}
