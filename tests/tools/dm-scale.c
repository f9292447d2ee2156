// SPDX-License-Identifier: GPL-2.0
/*
 * dm-scale - time creating and removing one dm device from a table file,
 * with the DM ioctls directly: no process start, no file lookups between
 * the clock reads, so under QEMU's icount clock the times are the kernel's.
 *
 *   dm-scale <name> <table-file> <reps>
 *
 * Prints "create <rep> <us>" (DM_DEV_CREATE, DM_TABLE_LOAD, resume) and
 * "remove <rep> <us>" (DM_DEV_REMOVE) per repetition, CLOCK_MONOTONIC.
 * Exit status: 0 success, 1 failure (step named), 2 usage.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "dmio.h"

#define PROG		"dm-scale"
#define BUF_SIZE	(256 * 1024)

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	static char load[BUF_SIZE], scratch[BUF_SIZE];
	struct dm_ioctl io;
	const char *step;
	unsigned long reps, i;
	long long t0, t1, t2;
	char *end;
	int ctl;

	if (argc != 4) {
		fputs("usage: " PROG " <name> <table-file> <reps>\n", stderr);
		return 2;
	}
	reps = strtoul(argv[3], &end, 10);
	if (*end || !reps || dmio_load_file(load, BUF_SIZE, argv[1], argv[2], PROG))
		return 2;
	ctl = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		perror(PROG ": /dev/mapper/control");
		return 1;
	}
	for (i = 1; i <= reps; i++) {
		/* the kernel writes its reply into the buffer: load a copy */
		memcpy(scratch, load, BUF_SIZE);
		t0 = now_us();
		step = "create";
		if (dmio_dev(ctl, DM_DEV_CREATE, argv[1], &io))
			goto fail;
		step = "load";
		if (ioctl(ctl, DM_TABLE_LOAD, scratch))
			goto fail;
		step = "resume";
		if (dmio_suspend(ctl, argv[1], 0))
			goto fail;
		t1 = now_us();
		step = "remove";
		if (dmio_dev(ctl, DM_DEV_REMOVE, argv[1], &io))
			goto fail;
		t2 = now_us();
		printf("create %lu %lld\nremove %lu %lld\n", i, t1 - t0, i, t2 - t1);
	}
	close(ctl);
	return 0;
fail:
	fprintf(stderr, PROG ": rep %lu: %s: %s\n", i, step, strerror(errno));
	dmio_dev(ctl, DM_DEV_REMOVE, argv[1], &io);
	close(ctl);
	return 1;
}
