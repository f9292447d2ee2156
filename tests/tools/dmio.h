/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmio.h - the few DM ioctl steps the test tools need, without libdevmapper:
 * a request header, and a table line appended to a DM_TABLE_LOAD request the
 * way dmsetup parses it.
 */
#ifndef DMIO_H
#define DMIO_H

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/dm-ioctl.h>

/*
 * Start a request for device @name in @io, a buffer of @size bytes.  The
 * kernel refuses a request whose minor version is newer than its own (5.10
 * has 4.43, the host's headers may say 4.47), so ask for 4.0.0 as
 * libdevmapper does for these commands: they have not changed since.
 */
static inline void dmio_init(struct dm_ioctl *io, size_t size, const char *name)
{
	memset(io, 0, size);
	io->version[0] = DM_VERSION_MAJOR;
	io->data_size = size;
	io->data_start = sizeof(*io);
	snprintf(io->name, sizeof(io->name), "%s", name);
}

/*
 * Append @line, "<start> <length> <type> <params>", to the DM_TABLE_LOAD
 * request in @io (@size bytes, started by dmio_init(), @off bytes used).
 * As dmsetup sends it: surrounding white space dropped, a blank line no
 * target, backslashes escaped.  Returns 0, or -1 if the line does not parse
 * (dmsetup refuses it too) or does not fit.
 */
static inline int dmio_add_target(struct dm_ioctl *io, size_t size, size_t *off,
				  char *line)
{
	unsigned long long start, length;
	char type[DM_MAX_TYPE_NAME];
	struct dm_target_spec *spec;
	char *end, *p, *q;
	size_t len;
	int n;

	end = line + strlen(line);
	while (end > line && isspace((unsigned char)end[-1]))
		*--end = '\0';
	while (isspace((unsigned char)*line))
		line++;
	if (!*line)
		return 0;
	if (sscanf(line, "%llu %llu %15s %n", &start, &length, type, &n) != 3)
		return -1;
	/* room for the parameters with every backslash doubled, and the NUL */
	len = 2 * strlen(line + n) + 1;
	if (*off + sizeof(*spec) + len + 8 > size)
		return -1;
	spec = (struct dm_target_spec *)((char *)io + *off);
	spec->sector_start = start;
	spec->length = length;
	snprintf(spec->target_type, sizeof(spec->target_type), "%s", type);
	/* dm core reads a backslash as an escape: libdevmapper doubles them */
	for (p = line + n, q = (char *)(spec + 1); *p; *q++ = *p++)
		if (*p == '\\')
			*q++ = '\\';
	*q++ = '\0';
	spec->next = (q - (char *)spec + 7) & ~7UL;
	*off += spec->next;
	io->target_count++;
	return 0;
}

/*
 * Fill @buf (@size bytes) with a DM_TABLE_LOAD request for @name from the
 * dmsetup-style lines of the file @path.  Returns 0, or -1 with a message
 * on stderr naming @prog.
 */
static inline int dmio_load_file(char *buf, size_t size, const char *name,
				 const char *path, const char *prog)
{
	struct dm_ioctl *io = (struct dm_ioctl *)buf;
	size_t off = sizeof(*io);
	char line[4096];
	FILE *f = fopen(path, "r");
	int r = 0;

	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	dmio_init(io, size, name);
	while (!r && fgets(line, sizeof(line), f))
		r = dmio_add_target(io, size, &off, line);
	fclose(f);
	if (r || !io->target_count) {
		fprintf(stderr, "%s: %s: not a table, or too large\n", prog, path);
		return -1;
	}
	return 0;
}

/* DM_DEV_CREATE, DM_DEV_REMOVE or DM_DEV_STATUS of @name, answered in @io. */
static inline int dmio_dev(int ctl, unsigned long cmd, const char *name,
			   struct dm_ioctl *io)
{
	dmio_init(io, sizeof(*io), name);
	return ioctl(ctl, cmd, io);
}

/*
 * Kernel log records read from @kmsg (/dev/kmsg opened O_NONBLOCK) since the
 * last call that contain @what.
 */
static inline int dmio_kmsg_count(int kmsg, const char *what)
{
	char rec[8192];
	ssize_t n;
	int found = 0;

	for (;;) {
		n = read(kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten: read on */
			continue;
		if (n <= 0)
			return found;
		rec[n] = '\0';
		if (strstr(rec, what))
			found++;
	}
}

/* DM_DEV_SUSPEND: suspend if @suspend, else resume (swapping in a load). */
static inline int dmio_suspend(int ctl, const char *name, int suspend)
{
	struct dm_ioctl io;

	dmio_init(&io, sizeof(io), name);
	io.flags = suspend ? DM_SUSPEND_FLAG : 0;
	return ioctl(ctl, DM_DEV_SUSPEND, &io);
}

#endif /* DMIO_H */
