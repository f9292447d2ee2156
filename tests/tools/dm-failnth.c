// SPDX-License-Identifier: GPL-2.0
/*
 * dm-failnth - load a table with each allocation of its targets'
 * constructors failed in turn (fault injection's /proc/thread-self/fail-nth,
 * with failslab told to fail sleeping allocations too), and check that every
 * failed load leaves nothing behind: an ENOMEM, no inactive table, a device
 * that can be removed, and a load without a fault that still works.
 * kmemleak (where the kernel has it) says whether anything leaked.
 *
 *   dm-failnth <name> <table-file>
 *
 * For n = 1, 2, ...: create <name>, write n to fail-nth, DM_TABLE_LOAD, read
 * fail-nth back (0: the nth allocation was reached and failed), remove
 * <name>.  The sweep covers dm core's request and table set-up, every
 * target's constructor (a failure there logs "error adding target"), and the
 * first fault after them, which destroys a table whose lines were all built;
 * it stops there: the faults after it are dm core's table completion
 * (mempools, the bio slab), not the targets'.  Prints "<n> faults: <t> in
 * the constructors, <s> survived", then creates <name> with the table and
 * resumes it for the caller.  Exit status: 0 success, 1 failure (fault
 * named), 2 usage.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "dmio.h"

#define PROG		"dm-failnth"
#define BUF_SIZE	(256 * 1024)
#define MAX_FAULTS	10000

/* Arm fail-nth at @n (0 disarms); returns 0 or -1. */
static int fail_nth_write(int fd, unsigned long n)
{
	char num[32];
	int len = snprintf(num, sizeof(num), "%lu", n);

	return pwrite(fd, num, len, 0) == len ? 0 : -1;
}

/* What is left of the armed count: 0 once the fault has been injected. */
static long fail_nth_read(int fd)
{
	char num[32];
	ssize_t len = pread(fd, num, sizeof(num) - 1, 0);

	if (len <= 0)
		return -1;
	num[len] = '\0';
	return strtol(num, NULL, 10);
}

/*
 * Load @load into a new device @name with the @n-th allocation failed.
 * Returns 1 if the fault was injected and the load was refused cleanly,
 * 0 if the load succeeded (the fault was survived, or never reached: *@hit
 * says which), -1 on a failure, named on stderr.  *@ctr says whether the
 * kernel log put the refusal in a target's constructor.
 */
static int load_with_fault(int ctl, int nth, int kmsg, const char *name,
			   const char *load, unsigned long n, int *hit, int *ctr)
{
	static char scratch[BUF_SIZE];
	struct dm_ioctl io;
	int r, err;

	if (dmio_dev(ctl, DM_DEV_CREATE, name, &io)) {
		fprintf(stderr, PROG ": fault %lu: create: %s\n", n, strerror(errno));
		return -1;
	}
	/* the kernel writes its reply into the buffer: load a copy */
	memcpy(scratch, load, BUF_SIZE);
	dmio_kmsg_count(kmsg, "");
	if (fail_nth_write(nth, n)) {
		perror(PROG ": arming fail-nth");
		return -1;
	}
	r = ioctl(ctl, DM_TABLE_LOAD, scratch);
	err = errno;
	*hit = fail_nth_read(nth) == 0;
	fail_nth_write(nth, 0);
	*ctr = dmio_kmsg_count(kmsg, "error adding target to table") > 0;
	if (r && err != ENOMEM) {
		fprintf(stderr, PROG ": fault %lu: load failed with %s, not ENOMEM\n",
			n, strerror(err));
		return -1;
	}
	/* a refused load must not leave an inactive table behind */
	if (r && (dmio_dev(ctl, DM_DEV_STATUS, name, &io) ||
		  (io.flags & DM_INACTIVE_PRESENT_FLAG))) {
		fprintf(stderr, PROG ": fault %lu: refused load left an inactive table\n",
			n);
		return -1;
	}
	if (dmio_dev(ctl, DM_DEV_REMOVE, name, &io)) {
		fprintf(stderr, PROG ": fault %lu: remove: %s\n", n, strerror(errno));
		return -1;
	}
	return r ? 1 : 0;
}

int main(int argc, char **argv)
{
	static char load[BUF_SIZE];
	unsigned long n, in_ctr = 0, survived = 0;
	int ctl, nth, kmsg, r, hit, ctr;
	struct dm_ioctl io;
	const char *name;

	if (argc != 3) {
		fputs("usage: " PROG " <name> <table-file>\n", stderr);
		return 2;
	}
	name = argv[1];
	if (dmio_load_file(load, BUF_SIZE, name, argv[2], PROG))
		return 2;
	ctl = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
	nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (ctl < 0 || nth < 0 || kmsg < 0) {
		perror(PROG ": /dev/mapper/control, fail-nth or /dev/kmsg");
		return 1;
	}
	lseek(kmsg, 0, SEEK_END);
	for (n = 1; n <= MAX_FAULTS; n++) {
		r = load_with_fault(ctl, nth, kmsg, name, load, n, &hit, &ctr);
		if (r < 0)
			return 1;
		if (!hit) {
			fprintf(stderr, PROG ": fault %lu never reached\n", n);
			return 1;
		}
		if (!r)
			survived++;
		else if (ctr)
			in_ctr++;
		else if (in_ctr)	/* past the constructors */
			break;
	}
	if (n > MAX_FAULTS || !in_ctr) {
		fprintf(stderr, PROG ": %lu faults, %lu in constructors: %s\n",
			n - 1, in_ctr, "fault injection not working");
		return 1;
	}
	printf("%lu faults: %lu in the constructors, %lu survived\n", n, in_ctr, survived);

	if (dmio_dev(ctl, DM_DEV_CREATE, name, &io) ||
	    ioctl(ctl, DM_TABLE_LOAD, load) || dmio_suspend(ctl, name, 0)) {
		fprintf(stderr, PROG ": load without a fault: %s\n", strerror(errno));
		dmio_dev(ctl, DM_DEV_REMOVE, name, &io);
		return 1;
	}
	return 0;
}
