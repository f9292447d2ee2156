// SPDX-License-Identifier: GPL-2.0
/*
 * API change after 5.10: targets report zones with dm_report_zones() instead of
 * calling blkdev_report_zones() with dm_report_zones_cb.
 */
#include <linux/device-mapper.h>

int probe(struct block_device *bdev, struct dm_report_zones_args *args);
int probe(struct block_device *bdev, struct dm_report_zones_args *args)
{
	return dm_report_zones(bdev, 0, 0, args, 1);
}
