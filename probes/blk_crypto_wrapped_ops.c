// SPDX-License-Identifier: GPL-2.0
/*
 * 6.15 API change: hardware-wrapped keys.  A crypto profile's ll_ops gain
 * import_key, generate_key, prepare_key and derive_sw_secret, which
 * blk_crypto_generate_key() and blk_crypto_prepare_key() call.
 */
#include <linux/blkdev.h>
#include <linux/blk-crypto-profile.h>

int probe(struct blk_crypto_profile *p, u8 *lt, u8 *eph);
int probe(struct blk_crypto_profile *p, u8 *lt, u8 *eph)
{
	if (!p->ll_ops.prepare_key)
		return blk_crypto_generate_key(p, lt);
	return blk_crypto_prepare_key(p, lt, BLK_CRYPTO_MAX_HW_WRAPPED_KEY_SIZE, eph);
}
