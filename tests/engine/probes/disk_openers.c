// SPDX-License-Identifier: GPL-2.0
/* 5.19 API change: disk_openers() says how many times a disk is open. */
#include <linux/blkdev.h>

unsigned int probe(struct gendisk *disk);
unsigned int probe(struct gendisk *disk)
{
	return disk_openers(disk);
}
