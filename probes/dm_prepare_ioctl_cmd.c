// SPDX-License-Identifier: GPL-2.0
/*
 * API change after 6.12: prepare_ioctl gets the ioctl command and argument and a
 * *forward flag.
 */
#include <linux/device-mapper.h>

static int probe_prepare_ioctl(struct dm_target *ti, struct block_device **bdev,
			       unsigned int cmd, unsigned long arg, bool *forward)
{
	return 0;
}

struct target_type probe_type = {
	.prepare_ioctl = probe_prepare_ioctl,
};
