// SPDX-License-Identifier: GPL-2.0
/*
 * 5.15 API change: STATUSTYPE_IMA asks a target for its IMA measurement
 * string; DMEMIT_TARGET_NAME_VERSION() formats its prefix.
 */
#include <linux/device-mapper.h>

int probe(void);
int probe(void)
{
	status_type_t t = STATUSTYPE_IMA;

	return t;
}

#ifndef DMEMIT_TARGET_NAME_VERSION
#error no DMEMIT_TARGET_NAME_VERSION
#endif
