// SPDX-License-Identifier: GPL-2.0
/*
 * 5.16 API change: struct blk_keyslot_manager and blk_ksm_*() became
 * struct blk_crypto_profile, blk_crypto_profile_init() and
 * blk_crypto_register().  Fails where the kernel is built without
 * CONFIG_BLK_INLINE_ENCRYPTION.
 */
#include <linux/blkdev.h>
#include <linux/blk-crypto-profile.h>

bool probe(struct blk_crypto_profile *p, struct request_queue *q);
bool probe(struct blk_crypto_profile *p, struct request_queue *q)
{
	return blk_crypto_profile_init(p, 1) == 0 && blk_crypto_register(p, q);
}
