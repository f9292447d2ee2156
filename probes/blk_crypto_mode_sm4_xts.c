// SPDX-License-Identifier: GPL-2.0
/* API change between 6.1 and 6.12: BLK_ENCRYPTION_MODE_SM4_XTS added. */
#include <linux/blk-crypto.h>

int probe(void);
int probe(void)
{
	return BLK_ENCRYPTION_MODE_SM4_XTS;
}
