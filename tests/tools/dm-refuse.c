// SPDX-License-Identifier: GPL-2.0
/*
 * dm-refuse - offer tables the kernel must refuse, each to a new device and
 * as a reload of a live one, with the DM ioctls directly: one process for
 * hundreds of tables, where dmsetup takes three per table and each costs a
 * good fraction of a second under KASAN and TCG.
 *
 *   dm-refuse <live-name> <prefix> <tables-file>
 *
 * One table per line of <tables-file>; a tab separates the lines of a
 * multi-line table.  For table n, as `dmsetup create` and `dmsetup reload`
 * would: create device <prefix>-<n>, load the table into it, remove it; then
 * load the table into <live-name>.  Both loads must fail, each with a new
 * "device-mapper:" line in the kernel log, and the live device must be left
 * without an inactive table.  Prints "<n> tables refused, <m> kernel log
 * lines".  Exit status: 0 all refused, 1 failure (table named), 2 usage.
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

#define PROG		"dm-refuse"
#define BUF_SIZE	(256 * 1024)
#define LINE_MAX_LEN	(64 * 1024)

static int ctl, kmsg;
static unsigned long kmsg_lines;

/* Kernel log lines from device-mapper since the last call. */
static int new_dm_messages(void)
{
	int found = dmio_kmsg_count(kmsg, ";device-mapper: ");

	kmsg_lines += found;
	return found;
}

/* Load the table in @lines (tab-separated) into @name; expect a refusal. */
static const char *refused_load(const char *name, char *lines, char *buf)
{
	struct dm_ioctl *io = (struct dm_ioctl *)buf;
	size_t off = sizeof(*io);
	char *line, *save = NULL;

	dmio_init(io, BUF_SIZE, name);
	for (line = strtok_r(lines, "\t", &save); line;
	     line = strtok_r(NULL, "\t", &save)) {
		if (dmio_add_target(io, BUF_SIZE, &off, line))
			return "the table does not parse as dmsetup reads it";
	}
	new_dm_messages();
	if (!ioctl(ctl, DM_TABLE_LOAD, io))
		return "accepted";
	if (!new_dm_messages())
		return "refused without a device-mapper line in the kernel log";
	return NULL;
}

static int fail(unsigned long n, const char *what, const char *why, const char *table)
{
	fprintf(stderr, PROG ": table %lu, %s: %s: %.300s\n", n, what, why, table);
	return 1;
}

int main(int argc, char **argv)
{
	static char buf[BUF_SIZE], line[LINE_MAX_LEN], copy[LINE_MAX_LEN];
	char name[DM_NAME_LEN];
	struct dm_ioctl io;
	unsigned long n = 0;
	const char *why;
	FILE *f;

	if (argc != 4) {
		fputs("usage: " PROG " <live-name> <prefix> <tables-file>\n", stderr);
		return 2;
	}
	f = fopen(argv[3], "r");
	ctl = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (!f || ctl < 0 || kmsg < 0) {
		perror(PROG);
		return 2;
	}
	lseek(kmsg, 0, SEEK_END);

	while (fgets(line, sizeof(line), f)) {
		if (!strchr(line, '\n') && !feof(f))
			return fail(n + 1, "input", "line too long", line);
		line[strcspn(line, "\n")] = '\0';
		n++;

		snprintf(name, sizeof(name), "%s-%lu", argv[2], n);
		if (dmio_dev(ctl, DM_DEV_CREATE, name, &io))
			return fail(n, "create", strerror(errno), line);
		snprintf(copy, sizeof(copy), "%s", line);
		why = refused_load(name, copy, buf);
		if (dmio_dev(ctl, DM_DEV_REMOVE, name, &io))
			return fail(n, "remove", strerror(errno), line);
		if (why)
			return fail(n, "create", why, line);

		snprintf(copy, sizeof(copy), "%s", line);
		why = refused_load(argv[1], copy, buf);
		if (why)
			return fail(n, "reload", why, line);
		if (dmio_dev(ctl, DM_DEV_STATUS, argv[1], &io))
			return fail(n, "status", strerror(errno), line);
		if (io.flags & DM_INACTIVE_PRESENT_FLAG)
			return fail(n, "reload", "refused, but left an inactive table", line);
	}
	printf("%lu tables refused, %lu kernel log lines\n", n, kmsg_lines);
	return 0;
}
