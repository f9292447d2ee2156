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
	if (*end || !cycles || dmio_load_file(load[0], BUF_SIZE, argv[1], argv[3], PROG) ||
	    dmio_load_file(load[1], BUF_SIZE, argv[1], argv[4], PROG))
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
		if (!dmio_suspend(ctl, argv[1], 1)) {
			step = "load";
			if (!ioctl(ctl, DM_TABLE_LOAD, scratch)) {
				step = "resume";
				if (!dmio_suspend(ctl, argv[1], 0))
					continue;
			}
		}
		fprintf(stderr, PROG ": cycle %lu: %s: %s\n", i, step, strerror(errno));
		dmio_suspend(ctl, argv[1], 0);
		close(ctl);
		return 1;
	}
	close(ctl);
	printf("%lu cycles\n", cycles);
	return 0;
}
