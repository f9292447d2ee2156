// SPDX-License-Identifier: GPL-2.0
/*
 * 5.16 API change: struct blk_keyslot_manager and q->ksm became
 * struct blk_crypto_profile and q->crypto_profile.  Also fails where the
 * kernel is built without CONFIG_BLK_INLINE_ENCRYPTION (no such member).
 */
#include <linux/blkdev.h>
#include <linux/blk-crypto-profile.h>

unsigned int probe(struct request_queue *q);
unsigned int probe(struct request_queue *q)
{
	struct blk_crypto_profile *p = q->crypto_profile;

	return p->modes_supported[0] | p->max_dun_bytes_supported;
}
