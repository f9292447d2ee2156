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

#define PROG		"dm-storm"
#define BUF_SIZE	(256 * 1024)

/* Fill @buf with a DM_TABLE_LOAD request for @name from the lines of @path. */
static int build_load(char *buf, const char *name, const char *path)
{
	struct dm_ioctl *io = (struct dm_ioctl *)buf;
	size_t off = sizeof(*io), len;
	unsigned long long start, size;
	char line[4096], type[DM_MAX_TYPE_NAME];
	struct dm_target_spec *spec;
	FILE *f = fopen(path, "r");
	int n, count = 0;

	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	memset(buf, 0, BUF_SIZE);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%llu %llu %15s %n", &start, &size, type, &n) != 3)
			continue;
		len = strlen(line + n) + 1;
		if (off + sizeof(*spec) + len + 8 > BUF_SIZE) {
			fprintf(stderr, PROG ": %s: table too large\n", path);
			fclose(f);
			return -1;
		}
		spec = (struct dm_target_spec *)(buf + off);
		spec->sector_start = start;
		spec->length = size;
		snprintf(spec->target_type, sizeof(spec->target_type), "%s", type);
		memcpy(spec + 1, line + n, len);
		spec->next = (sizeof(*spec) + len + 7) & ~7UL;
		off += spec->next;
		count++;
	}
	fclose(f);
	io->version[0] = DM_VERSION_MAJOR;
	io->version[1] = DM_VERSION_MINOR;
	io->version[2] = DM_VERSION_PATCHLEVEL;
	io->data_size = BUF_SIZE;
	io->data_start = sizeof(*io);
	io->target_count = count;
	snprintf(io->name, sizeof(io->name), "%s", name);
	return count ? 0 : -1;
}

/* DM_DEV_SUSPEND: suspend if @suspend, else resume (swapping in a load). */
static int suspend_resume(int ctl, const char *name, int suspend)
{
	struct dm_ioctl io;

	memset(&io, 0, sizeof(io));
	io.version[0] = DM_VERSION_MAJOR;
	io.version[1] = DM_VERSION_MINOR;
	io.version[2] = DM_VERSION_PATCHLEVEL;
	io.data_size = sizeof(io);
	io.data_start = sizeof(io);
	io.flags = suspend ? DM_SUSPEND_FLAG : 0;
	snprintf(io.name, sizeof(io.name), "%s", name);
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
