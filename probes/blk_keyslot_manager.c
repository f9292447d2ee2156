// SPDX-License-Identifier: GPL-2.0
/*
 * 5.8 API: inline encryption described by struct blk_keyslot_manager in
 * q->ksm (replaced by struct blk_crypto_profile in 5.16).  Fails where the
 * kernel is built without CONFIG_BLK_INLINE_ENCRYPTION.
 */
#include <linux/blkdev.h>
#include <linux/keyslot-manager.h>

unsigned int probe(struct request_queue *q);
unsigned int probe(struct request_queue *q)
{
	struct blk_keyslot_manager *ksm = q->ksm;

	return ksm->crypto_modes_supported[0] | ksm->max_dun_bytes_supported;
}
