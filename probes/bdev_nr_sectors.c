// SPDX-License-Identifier: GPL-2.0
/* 5.15 API change: bdev_nr_sectors() gives a block device's size. */
#include <linux/blkdev.h>

sector_t probe(struct block_device *bdev);
sector_t probe(struct block_device *bdev)
{
	return bdev_nr_sectors(bdev);
}
