// SPDX-License-Identifier: GPL-2.0
/*
 * 6.15 API change: a crypto profile says which key types (raw,
 * hardware-wrapped) it supports in key_types_supported; left at zero,
 * no key is supported at all.
 */
#include <linux/blkdev.h>
#include <linux/blk-crypto-profile.h>

void probe(struct blk_crypto_profile *p);
void probe(struct blk_crypto_profile *p)
{
	p->key_types_supported = BLK_CRYPTO_KEY_TYPE_RAW;
}
