// SPDX-License-Identifier: GPL-2.0
/*
 * 6.0 API change: blk_cleanup_disk() removed; put_disk() alone releases a
 * disk from blk_mq_alloc_disk() together with its queue.  The newer form is
 * the name being free: this enum clashes with the function where it exists.
 */
#include <linux/blkdev.h>

enum { blk_cleanup_disk };
