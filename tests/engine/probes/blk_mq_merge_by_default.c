// SPDX-License-Identifier: GPL-2.0
/*
 * 6.14 API change: BLK_MQ_F_SHOULD_MERGE removed, blk-mq merges requests
 * for every queue.  The newer form is the name being free: this enum clashes
 * with the flag where it still exists.
 */
#include <linux/blk-mq.h>

enum { BLK_MQ_F_SHOULD_MERGE };
