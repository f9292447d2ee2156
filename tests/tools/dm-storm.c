// SPDX-License-Identifier: GPL-2.0
/*
 * dm-storm - suspend, reload and resume a dm device many times, alternating
 * between two tables, with the DM ioctls directly (no process per step).
 *
 *   dm-storm <name> <cycles> <table-file-a> <table-file-b>
 *
 * Table files hold dmsetup-style lines "<start> <len> <type> <params>".
 * Cycle i loads table b when i is odd, a when even, so an even count ends on
 * table a.  Exit status: 0 success, 1 failure (cycle named), 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/dm-ioctl.h>

#include "dmio.h"

#define PROG		"dm-storm"
#define BUF_SIZE	(256 * 1024)

/* Fill @buf with a DM_TABLE_LOAD request for @name from the lines of @path. */
static int build_load(char *buf, const char *name, const char *path)
{
	struct dm_ioctl *io = (struct dm_ioctl *)buf;
	size_t off = sizeof(*io);
	char line[4096];
	FILE *f = fopen(path, "r");
	int r = 0;

	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	dmio_init(io, BUF_SIZE, name);
	while (!r && fgets(line, sizeof(line), f))
		r = dmio_add_target(io, BUF_SIZE, &off, line);
	fclose(f);
	if (r || !io->target_count) {
		fprintf(stderr, PROG ": %s: not a table, or too large\n", path);
		return -1;
	}
	return 0;
}

/* DM_DEV_SUSPEND: suspend if @suspend, else resume (swapping in a load). */
static int suspend_resume(int ctl, const char *name, int suspend)
{
	struct dm_ioctl io;

	dmio_init(&io, sizeof(io), name);
	io.flags = suspend ? DM_SUSPEND_FLAG : 0;
	return ioctl(ctl, DM_DEV_SUSPEND, &io);
}

int main(int argc, char **argv)
{
	static char load[2][BUF_SIZE], scratch[BUF_SIZE];
	unsigned long cycles, i;
	char *end;
	int ctl;

	if (argc != 5) {
		fputs("usage: " PROG " <name> <cycles> <table-a> <table-b>\n", stderr);
		return 2;
	}
	cycles = strtoul(argv[2], &end, 10);
	if (*end || !cycles || build_load(load[0], argv[1], argv[3]) ||
	    build_load(load[1], argv[1], argv[4]))
		return 2;
	ctl = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		perror(PROG ": /dev/mapper/control");
		return 1;
	}
	for (i = 1; i <= cycles; i++) {
		const char *step = "suspend";

		/* the kernel writes its reply into the buffer: load a copy */
		memcpy(scratch, load[i % 2], BUF_SIZE);
		if (!suspend_resume(ctl, argv[1], 1)) {
			step = "load";
			if (!ioctl(ctl, DM_TABLE_LOAD, scratch)) {
				step = "resume";
				if (!suspend_resume(ctl, argv[1], 0))
					continue;
			}
		}
		fprintf(stderr, PROG ": cycle %lu: %s: %s\n", i, step, strerror(errno));
		suspend_resume(ctl, argv[1], 0);
		close(ctl);
		return 1;
	}
	close(ctl);
	printf("%lu cycles\n", cycles);
	return 0;
}
