// SPDX-License-Identifier: GPL-2.0
/*
 * 6.11 API change: queue features such as a volatile write cache are set
 * in queue_limits.features (BLK_FEAT_WRITE_CACHE) instead of with
 * blk_queue_write_cache().
 */
#include <linux/blkdev.h>

void probe(struct queue_limits *lim);
void probe(struct queue_limits *lim)
{
	lim->features |= BLK_FEAT_WRITE_CACHE;
}
