// SPDX-License-Identifier: GPL-2.0
/*
 * 5.19 API change: QUEUE_FLAG_DISCARD removed; a queue supports discard
 * when its max_discard_sectors limit is not zero.
 */
#include <linux/blkdev.h>

#ifdef QUEUE_FLAG_DISCARD
#error QUEUE_FLAG_DISCARD still exists
#endif
