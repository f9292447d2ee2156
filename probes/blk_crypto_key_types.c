// SPDX-License-Identifier: GPL-2.0
/*
 * 6.15 API change: a crypto profile says which key types (raw,
 * hardware-wrapped) it supports in key_types_supported.
 */
#include <linux/blkdev.h>
#include <linux/blk-crypto-profile.h>

unsigned int probe(struct blk_crypto_profile *p);
unsigned int probe(struct blk_crypto_profile *p)
{
	return p->key_types_supported & BLK_CRYPTO_KEY_TYPE_HW_WRAPPED;
}
