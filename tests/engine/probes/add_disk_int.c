// SPDX-License-Identifier: GPL-2.0
/* 5.15 API change: add_disk() returns an error code (was void). */
#include <linux/blkdev.h>

int probe(struct gendisk *disk);
int probe(struct gendisk *disk)
{
	return add_disk(disk);
}
