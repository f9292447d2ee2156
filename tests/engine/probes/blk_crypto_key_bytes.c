// SPDX-License-Identifier: GPL-2.0
/*
 * 6.15 API change: struct blk_crypto_key's key material moved from raw[]
 * to bytes[] (a key may now be hardware-wrapped).
 */
#include <linux/blk-crypto.h>

const u8 *probe(const struct blk_crypto_key *key);
const u8 *probe(const struct blk_crypto_key *key)
{
	return key->bytes;
}
