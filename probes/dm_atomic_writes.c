// SPDX-License-Identifier: GPL-2.0
/* API change after 6.12: DM_TARGET_ATOMIC_WRITES lets a target pass atomic writes. */
#include <linux/device-mapper.h>

#ifndef DM_TARGET_ATOMIC_WRITES
#error no DM_TARGET_ATOMIC_WRITES
#endif
