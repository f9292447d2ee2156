// SPDX-License-Identifier: GPL-2.0
/*
 * 5.8 API: inline encryption described by struct blk_keyslot_manager,
 * set up with blk_ksm_init() and attached with blk_ksm_register() (replaced
 * by struct blk_crypto_profile in 5.16).  Fails where the kernel is built
 * without CONFIG_BLK_INLINE_ENCRYPTION.
 */
#include <linux/blkdev.h>
#include <linux/keyslot-manager.h>

bool probe(struct blk_keyslot_manager *ksm, struct request_queue *q);
bool probe(struct blk_keyslot_manager *ksm, struct request_queue *q)
{
	return blk_ksm_init(ksm, 1) == 0 && blk_ksm_register(ksm, q);
}
