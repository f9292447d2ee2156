// SPDX-License-Identifier: GPL-2.0
/*
 * fscrypt-helper - drive the fscrypt v2 ioctls from test scripts.
 *
 * Results go to stdout as single words or key=value lines, diagnostics to
 * stderr.  Exit status: 0 success, 1 failure, 2 usage error.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <linux/fscrypt.h>

#define PROG		"fscrypt-helper"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define KEY_SIZE	FSCRYPT_MAX_KEY_SIZE		/* 64 */
#define ID_SIZE		FSCRYPT_KEY_IDENTIFIER_SIZE	/* 16 */
#define PAD		0x100	/* marks a padding value in flag_names[] */

struct name_val {
	const char *name;
	int val;
};

static const struct name_val modes[] = {
	{ "aes-256-xts",	FSCRYPT_MODE_AES_256_XTS },
	{ "aes-256-cts",	FSCRYPT_MODE_AES_256_CTS },
	{ "aes-128-cbc",	FSCRYPT_MODE_AES_128_CBC },
	{ "aes-128-cts",	FSCRYPT_MODE_AES_128_CTS },
	{ "adiantum",		FSCRYPT_MODE_ADIANTUM },
	{ NULL, 0 }
};

static const struct name_val flag_names[] = {
	{ "direct_key",		FSCRYPT_POLICY_FLAG_DIRECT_KEY },
	{ "iv_ino_lblk_64",	FSCRYPT_POLICY_FLAG_IV_INO_LBLK_64 },
	{ "iv_ino_lblk_32",	FSCRYPT_POLICY_FLAG_IV_INO_LBLK_32 },
	{ "pad_4",		PAD | FSCRYPT_POLICY_FLAGS_PAD_4 },
	{ "pad_8",		PAD | FSCRYPT_POLICY_FLAGS_PAD_8 },
	{ "pad_16",		PAD | FSCRYPT_POLICY_FLAGS_PAD_16 },
	{ "pad_32",		PAD | FSCRYPT_POLICY_FLAGS_PAD_32 },
	{ NULL, 0 }
};

static int print_usage(void)
{
	fputs("usage: " PROG " gen-key <file>\n"
	      "       " PROG " add-key <mountpoint> <keyfile>\n"
	      "       " PROG " set-policy <dir> <identifier-hex> [--contents MODE]\n"
	      "                      [--filenames MODE] [--flags FLAGS]\n"
	      "       " PROG " get-policy <path>\n"
	      "       " PROG " remove-key <mountpoint> <identifier-hex>\n"
	      "       " PROG " key-status <mountpoint> <identifier-hex>\n"
	      "       " PROG " churn <mountpoint> <dir> <cycles>\n"
	      "MODE:  aes-256-xts aes-256-cts aes-128-cbc aes-128-cts adiantum,\n"
	      "       or a mode number\n"
	      "FLAGS: comma list of direct_key iv_ino_lblk_64 iv_ino_lblk_32\n"
	      "       pad_4 pad_8 pad_16 pad_32 (default pad_32), or a number\n",
	      stderr);
	return 2;
}

/* Print "PROG: <what> <arg>: <strerror(errno)>" and return 1. */
static int fail(const char *what, const char *arg)
{
	fprintf(stderr, PROG ": %s%s%s: %s\n", what, *arg ? " " : "", arg,
		strerror(errno));
	return 1;
}

/* Name -> value; a number (0..255) is accepted verbatim.  -1 if unknown. */
static int lookup(const struct name_val *t, const char *s, const char *what)
{
	unsigned long v;
	char *end;

	for (; t->name; t++)
		if (!strcmp(s, t->name))
			return t->val;
	v = strtoul(s, &end, 0);
	if (isdigit((unsigned char)*s) && !*end && v <= 255)
		return v;
	fprintf(stderr, PROG ": unknown %s '%s'\n", what, s);
	return -1;
}

static void print_mode(const char *key, int mode)
{
	const struct name_val *t = modes;

	while (t->name && t->val != mode)
		t++;
	if (t->name)
		printf("%s=%s", key, t->name);
	else
		printf("%s=%d", key, mode);
}

static void print_hex(const __u8 *buf, size_t len)
{
	while (len--)
		printf("%02x", *buf++);
}

static int parse_identifier(const char *hex, __u8 *id)
{
	int ok = strlen(hex) == 2 * ID_SIZE;

	for (int i = 0; ok && i < 2 * ID_SIZE; i++)
		ok = isxdigit((unsigned char)hex[i]) &&
		     (i % 2 || sscanf(hex + i, "%2hhx", &id[i / 2]) == 1);
	if (!ok)
		fprintf(stderr, PROG ": identifier must be %d hex chars: '%s'\n",
			2 * ID_SIZE, hex);
	return ok ? 0 : -1;
}

/*
 * The last pad_N wins.  Without one, padding defaults to pad_32 unless a raw
 * number was given, in which case its low two bits are the padding.
 */
static int parse_flags(char *s)
{
	int flags = 0, pad = -1, raw = 0, v;
	char *tok, *save = NULL;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		v = lookup(flag_names, tok, "flag");
		if (v < 0)
			return -1;
		if (v & PAD)
			pad = v & FSCRYPT_POLICY_FLAGS_PAD_MASK;
		else
			flags |= v;
		raw |= isdigit((unsigned char)*tok);
	}
	if (pad < 0)
		pad = raw ? 0 : FSCRYPT_POLICY_FLAGS_PAD_32;
	return flags | pad;
}

/* Open @path and issue @req; report failure unless errno == @quiet. */
static int path_ioctl(const char *path, unsigned long req, void *arg,
		      const char *name, int quiet)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret, err;

	if (fd < 0)
		return -fail("open", path);
	ret = ioctl(fd, req, arg);
	err = errno;
	close(fd);
	errno = err;
	if (ret < 0 && err != quiet)
		fail(name, path);
	return ret;
}

static int cmd_gen_key(int argc, char **argv)
{
	__u8 key[KEY_SIZE];
	struct stat st;
	ssize_t n;
	int fd, ret = 1;

	if (argc != 3)
		return print_usage();
	if (getrandom(key, sizeof(key), 0) != sizeof(key))
		return fail("getrandom", "");
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fail("open", argv[2]);
	} else if (S_ISREG(st.st_mode) && (st.st_mode & 07777) != 0600 &&
		   fchmod(fd, 0600) < 0) {
		fail("chmod", argv[2]);	/* pre-existing file, tighten it */
	} else {
		n = write(fd, key, sizeof(key));
		if (n == sizeof(key)) {
			ret = 0;
		} else {
			if (n >= 0)
				errno = EIO;	/* short write */
			fail("write", argv[2]);
		}
	}
	if (fd >= 0 && close(fd) < 0 && !ret)
		ret = fail("close", argv[2]);
	explicit_bzero(key, sizeof(key));
	return ret;
}

static int cmd_add_key(int argc, char **argv)
{
	union {		/* room for the raw key, +1 byte to spot long files */
		struct fscrypt_add_key_arg arg;
		__u8 buf[sizeof(struct fscrypt_add_key_arg) + KEY_SIZE + 1];
	} u;
	struct fscrypt_add_key_arg *arg = &u.arg;
	size_t done = 0;
	ssize_t n;
	int fd, ret = 1;

	if (argc != 4)
		return print_usage();
	fd = open(argv[3], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open", argv[3]);
	memset(&u, 0, sizeof(u));
	do {
		n = read(fd, arg->raw + done, KEY_SIZE + 1 - done);
	} while ((n > 0 && (done += n) <= KEY_SIZE) || (n < 0 && errno == EINTR));
	if (n < 0)
		fail("read", argv[3]);
	close(fd);
	if (n >= 0 && done != KEY_SIZE) {
		fprintf(stderr, PROG ": %s: key file must be exactly %d bytes\n",
			argv[3], KEY_SIZE);
	} else if (n >= 0) {
		arg->key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
		arg->raw_size = KEY_SIZE;
		if (!path_ioctl(argv[2], FS_IOC_ADD_ENCRYPTION_KEY, arg,
				"FS_IOC_ADD_ENCRYPTION_KEY", 0)) {
			print_hex(arg->key_spec.u.identifier, ID_SIZE);
			putchar('\n');
			ret = 0;
		}
	}
	explicit_bzero(&u, sizeof(u));
	return ret;
}

static int cmd_set_policy(int argc, char **argv)
{
	struct fscrypt_policy_v2 pol = {
		.version = FSCRYPT_POLICY_V2,
		.contents_encryption_mode = FSCRYPT_MODE_AES_256_XTS,
		.filenames_encryption_mode = FSCRYPT_MODE_AES_256_CTS,
		.flags = FSCRYPT_POLICY_FLAGS_PAD_32,
	};
	int v;

	if (argc < 4 || argc % 2)
		return print_usage();
	if (parse_identifier(argv[3], pol.master_key_identifier))
		return 2;
	for (int i = 4; i < argc; i += 2) {
		const char *opt = argv[i];
		char *val = argv[i + 1];

		if (!strcmp(opt, "--flags"))
			v = parse_flags(val);
		else if (!strcmp(opt, "--contents") || !strcmp(opt, "--filenames"))
			v = lookup(modes, val, "mode");
		else
			return print_usage();
		if (v < 0)
			return 2;
		if (!strcmp(opt, "--flags"))
			pol.flags = v;
		else if (!strcmp(opt, "--contents"))
			pol.contents_encryption_mode = v;
		else
			pol.filenames_encryption_mode = v;
	}
	return path_ioctl(argv[2], FS_IOC_SET_ENCRYPTION_POLICY, &pol,
			  "FS_IOC_SET_ENCRYPTION_POLICY", 0) ? 1 : 0;
}

static int cmd_get_policy(int argc, char **argv)
{
	struct fscrypt_get_policy_ex_arg arg = { .policy_size = sizeof(arg.policy) };
	struct fscrypt_policy_v1 *p = &arg.policy.v1;	/* common prefix */

	if (argc != 3)
		return print_usage();
	if (path_ioctl(argv[2], FS_IOC_GET_ENCRYPTION_POLICY_EX, &arg,
		       "FS_IOC_GET_ENCRYPTION_POLICY_EX", ENODATA)) {
		if (errno == ENODATA)
			puts("unencrypted");
		return 1;
	}
	printf("version=%d ", p->version == FSCRYPT_POLICY_V1 ? 1 : p->version);
	print_mode("contents", p->contents_encryption_mode);
	print_mode(" filenames", p->filenames_encryption_mode);
	printf(" flags=0x%02x ", p->flags);
	if (p->version == FSCRYPT_POLICY_V2) {
		printf("identifier=");
		print_hex(arg.policy.v2.master_key_identifier, ID_SIZE);
	} else {
		printf("descriptor=");
		print_hex(p->master_key_descriptor, FSCRYPT_KEY_DESCRIPTOR_SIZE);
	}
	putchar('\n');
	return 0;
}

static int cmd_remove_key(int argc, char **argv)
{
	struct fscrypt_remove_key_arg arg = {
		.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER,
	};
	__u32 f;

	if (argc != 4)
		return print_usage();
	if (parse_identifier(argv[3], arg.key_spec.u.identifier))
		return 2;
	if (path_ioctl(argv[2], FS_IOC_REMOVE_ENCRYPTION_KEY, &arg,
		       "FS_IOC_REMOVE_ENCRYPTION_KEY", 0))
		return 1;
	f = arg.removal_status_flags;
	printf("%s%s\n",
	       f & FSCRYPT_KEY_REMOVAL_STATUS_FLAG_FILES_BUSY ? "busy" : "removed",
	       f & FSCRYPT_KEY_REMOVAL_STATUS_FLAG_OTHER_USERS ? " other_users" : "");
	return 0;
}

static int cmd_key_status(int argc, char **argv)
{
	static const char *const names[] = {
		[FSCRYPT_KEY_STATUS_ABSENT] = "absent",
		[FSCRYPT_KEY_STATUS_PRESENT] = "present",
		[FSCRYPT_KEY_STATUS_INCOMPLETELY_REMOVED] = "incompletely_removed",
	};
	struct fscrypt_get_key_status_arg arg = {
		.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER,
	};

	if (argc != 4)
		return print_usage();
	if (parse_identifier(argv[3], arg.key_spec.u.identifier))
		return 2;
	if (path_ioctl(argv[2], FS_IOC_GET_ENCRYPTION_KEY_STATUS, &arg,
		       "FS_IOC_GET_ENCRYPTION_KEY_STATUS", 0))
		return 1;
	if (arg.status >= ARRAY_SIZE(names) || !names[arg.status]) {
		fprintf(stderr, PROG ": unknown key status %u\n", arg.status);
		return 1;
	}
	puts(names[arg.status]);
	return 0;
}

/* --- churn: key add/write/remove/add/read/remove cycles ------------------ */

#define CHURN_FILES	2
#define CHURN_MAX	(5 * 4096 + 1000)

/* Write @len bytes of @buf to a new file @path, fsync'd. */
static int churn_write(const char *path, const __u8 *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int ret = 0;

	if (fd < 0)
		return -fail("open", path);
	if (write(fd, buf, len) != (ssize_t)len || fsync(fd) < 0)
		ret = -fail("write", path);
	if (close(fd) < 0 && !ret)
		ret = -fail("close", path);
	return ret;
}

/* Read @path back and compare it with @want. */
static int churn_check(const char *path, const __u8 *want, size_t len)
{
	static __u8 got[CHURN_MAX + 1];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -fail("open", path);
	n = read(fd, got, sizeof(got));
	close(fd);
	if (n < 0)
		return -fail("read", path);
	if ((size_t)n != len || memcmp(got, want, len)) {
		fprintf(stderr, PROG ": %s differs from what was written\n", path);
		return -1;
	}
	return 0;
}

static int churn_key(const char *mnt, unsigned long req, const __u8 *raw,
		     __u8 *id)
{
	union {
		struct fscrypt_add_key_arg add;
		struct fscrypt_remove_key_arg remove;
		__u8 buf[sizeof(struct fscrypt_add_key_arg) + KEY_SIZE];
	} u;
	int ret;

	memset(&u, 0, sizeof(u));
	if (req == FS_IOC_ADD_ENCRYPTION_KEY) {
		u.add.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
		u.add.raw_size = KEY_SIZE;
		memcpy(u.add.raw, raw, KEY_SIZE);
	} else {
		u.remove.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
		memcpy(u.remove.key_spec.u.identifier, id, ID_SIZE);
	}
	ret = path_ioctl(mnt, req, &u, req == FS_IOC_ADD_ENCRYPTION_KEY ?
			 "FS_IOC_ADD_ENCRYPTION_KEY" :
			 "FS_IOC_REMOVE_ENCRYPTION_KEY", 0);
	if (!ret && req == FS_IOC_ADD_ENCRYPTION_KEY)
		memcpy(id, u.add.key_spec.u.identifier, ID_SIZE);
	explicit_bzero(&u, sizeof(u));
	return ret;
}

/*
 * One cycle: a fresh key; a directory under it with CHURN_FILES files of
 * random contents; the key removed (which drops their pages), added again,
 * the files read back and compared, the key removed again.
 */
static int churn_cycle(const char *mnt, const char *dir, unsigned long i)
{
	static __u8 data[CHURN_FILES][CHURN_MAX];
	struct fscrypt_policy_v2 pol = {
		.version = FSCRYPT_POLICY_V2,
		.contents_encryption_mode = FSCRYPT_MODE_AES_256_XTS,
		.filenames_encryption_mode = FSCRYPT_MODE_AES_256_CTS,
		.flags = FSCRYPT_POLICY_FLAGS_PAD_32,
	};
	size_t len[CHURN_FILES] = { 4096 * (i % 5) + 1000, 8192 };
	char path[4096], file[4200];
	__u8 raw[KEY_SIZE], id[ID_SIZE];
	int f, ret = -1;

	if (getrandom(raw, sizeof(raw), 0) != sizeof(raw))
		return -fail("getrandom", "");
	for (f = 0; f < CHURN_FILES; f++)
		if (getrandom(data[f], len[f], 0) != (ssize_t)len[f])
			goto out;
	if (churn_key(mnt, FS_IOC_ADD_ENCRYPTION_KEY, raw, id))
		goto out;
	memcpy(pol.master_key_identifier, id, ID_SIZE);
	snprintf(path, sizeof(path), "%s/c%lu", dir, i);
	if (mkdir(path, 0700) < 0) {
		fail("mkdir", path);
		goto out;
	}
	if (path_ioctl(path, FS_IOC_SET_ENCRYPTION_POLICY, &pol,
		       "FS_IOC_SET_ENCRYPTION_POLICY", 0))
		goto out;
	for (f = 0; f < CHURN_FILES; f++) {
		snprintf(file, sizeof(file), "%s/f%d", path, f);
		if (churn_write(file, data[f], len[f]))
			goto out;
	}
	if (churn_key(mnt, FS_IOC_REMOVE_ENCRYPTION_KEY, NULL, id) ||
	    churn_key(mnt, FS_IOC_ADD_ENCRYPTION_KEY, raw, id))
		goto out;
	for (f = 0; f < CHURN_FILES; f++) {
		snprintf(file, sizeof(file), "%s/f%d", path, f);
		if (churn_check(file, data[f], len[f]))
			goto out;
	}
	ret = churn_key(mnt, FS_IOC_REMOVE_ENCRYPTION_KEY, NULL, id);
out:
	explicit_bzero(raw, sizeof(raw));
	return ret;
}

static int cmd_churn(int argc, char **argv)
{
	unsigned long n, i, bytes = 0;
	char *end;

	if (argc != 5)
		return print_usage();
	n = strtoul(argv[4], &end, 10);
	if (*end || !n)
		return print_usage();
	for (i = 1; i <= n; i++) {
		if (churn_cycle(argv[2], argv[3], i)) {
			fprintf(stderr, PROG ": churn failed in cycle %lu\n", i);
			return 1;
		}
		bytes += 4096 * (i % 5) + 1000 + 8192;
	}
	printf("%lu cycles, %lu bytes written and verified\n", n, bytes);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "gen-key",	cmd_gen_key },
	{ "add-key",	cmd_add_key },
	{ "set-policy",	cmd_set_policy },
	{ "get-policy",	cmd_get_policy },
	{ "remove-key",	cmd_remove_key },
	{ "key-status",	cmd_key_status },
	{ "churn",	cmd_churn },
};

int main(int argc, char **argv)
{
	int ret;

	for (size_t i = 0; argc >= 2 && i < ARRAY_SIZE(cmds); i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		ret = cmds[i].fn(argc, argv);
		if (fflush(stdout) == EOF && !ret)
			ret = fail("write", "stdout");
		return ret;
	}
	if (argc >= 2)
		fprintf(stderr, PROG ": unknown command '%s'\n", argv[1]);
	return print_usage();
}
