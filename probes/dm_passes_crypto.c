// SPDX-License-Identifier: GPL-2.0
/*
 * 5.12 API change: dm core passes inline encryption through targets that
 * set DM_TARGET_PASSES_CRYPTO.
 */
#include <linux/device-mapper.h>

#ifndef DM_TARGET_PASSES_CRYPTO
#error no DM_TARGET_PASSES_CRYPTO
#endif
