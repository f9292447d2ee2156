// SPDX-License-Identifier: GPL-2.0
/*
 * icpt_caps.c - dm-icpt's capability model: read a device's inline encryption
 * capabilities, intersect them the way dm core does for a table, compare
 * them, and print them for status and error messages.
 */
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/string.h>

#include "icpt_compat.h"
#include "icpt_caps.h"

/* The modes icpt knows, by the names blk-crypto uses in queue/crypto/modes/. */
static const struct {
	unsigned int mode;
	const char *name;
} icpt_modes[] = {
	{ BLK_ENCRYPTION_MODE_AES_256_XTS, "AES-256-XTS" },
	{ BLK_ENCRYPTION_MODE_AES_128_CBC_ESSIV, "AES-128-CBC-ESSIV" },
	{ BLK_ENCRYPTION_MODE_ADIANTUM, "Adiantum" },
	{ ICPT_MODE_SM4_XTS, "SM4-XTS" },
};

#define ICPT_MIN_DUS 512U
#define ICPT_MAX_DUS 65536U
#define ICPT_MAX_DUN_BYTES 32U

const char *icpt_mode_name(unsigned int mode)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(icpt_modes); i++)
		if (icpt_modes[i].mode == mode)
			return icpt_modes[i].name;
	return "unknown";
}

void icpt_caps_read(struct request_queue *q, struct icpt_caps *caps)
{
	icpt_queue_crypto_read(q, caps->modes, &caps->dun_bytes,
			       &caps->key_types);
	if (icpt_caps_empty(caps))
		memset(caps, 0, sizeof(*caps));
}

/* The neutral element of icpt_caps_intersect(). */
void icpt_caps_fill(struct icpt_caps *caps)
{
	memset(caps->modes, 0xff, sizeof(caps->modes));
	caps->modes[BLK_ENCRYPTION_MODE_INVALID] = 0;
	caps->dun_bytes = UINT_MAX;
	caps->key_types = ~0U;
}

/* As blk_crypto_intersect_capabilities(), which dm core uses per table. */
void icpt_caps_intersect(struct icpt_caps *caps, const struct icpt_caps *other)
{
	unsigned int i;

	for (i = 0; i < BLK_ENCRYPTION_MODE_MAX; i++)
		caps->modes[i] &= other->modes[i];
	caps->dun_bytes = min(caps->dun_bytes, other->dun_bytes);
	caps->key_types &= other->key_types;
	if (icpt_caps_empty(caps))
		memset(caps, 0, sizeof(*caps));
}

bool icpt_caps_empty(const struct icpt_caps *caps)
{
	unsigned int i;

	for (i = 0; i < BLK_ENCRYPTION_MODE_MAX; i++)
		if (caps->modes[i])
			return false;
	return true;
}

/**
 * icpt_caps_missing() - what @need has that @have lacks
 * @have: capabilities on offer
 * @need: capabilities that must all be on offer
 * @gap: set to the missing part of @need
 *
 * The same test as blk_crypto_has_capabilities(), which dm core applies to a
 * reload; an empty @need is always met.
 *
 * Return: true if something is missing.
 */
bool icpt_caps_missing(const struct icpt_caps *have, const struct icpt_caps *need,
		       struct icpt_caps *gap)
{
	unsigned int i;

	memset(gap, 0, sizeof(*gap));
	if (icpt_caps_empty(need))
		return false;
	for (i = 0; i < BLK_ENCRYPTION_MODE_MAX; i++)
		gap->modes[i] = need->modes[i] & ~have->modes[i];
	if (need->dun_bytes > have->dun_bytes)
		gap->dun_bytes = need->dun_bytes;
	gap->key_types = need->key_types & ~have->key_types;
	return !icpt_caps_empty(gap) || gap->dun_bytes || gap->key_types;
}

bool icpt_caps_meets(const struct icpt_caps *caps, const struct icpt_require *req)
{
	return (caps->modes[req->mode] & req->data_unit_size) &&
		caps->dun_bytes >= req->dun_bytes &&
		(caps->key_types & req->key_types) == req->key_types;
}

/**
 * icpt_caps_misaligned_dus() - largest data unit a boundary would split
 * @caps: capabilities a table exposes
 * @sector: where a table line starts, in 512-byte sectors
 * @mode: set to a mode offering the returned data unit size
 *
 * dm core splits bios at line boundaries; blk-crypto fails an encrypted bio
 * that does not hold whole data units, so a boundary must be a multiple of
 * every data unit size the table exposes.
 *
 * Return: the largest exposed data unit size, in bytes, that @sector is not a
 * multiple of, or 0 if the boundary is safe.
 */
unsigned int icpt_caps_misaligned_dus(const struct icpt_caps *caps, sector_t sector,
				      unsigned int *mode)
{
	unsigned int i, dus, worst = 0;

	for (i = 0; i < BLK_ENCRYPTION_MODE_MAX; i++) {
		if (!caps->modes[i])
			continue;
		dus = 1U << __fls(caps->modes[i]);
		if (dus > worst && ((u64)sector << SECTOR_SHIFT) & (dus - 1)) {
			worst = dus;
			*mode = i;
		}
	}
	return worst;
}

/* "AES-256-XTS:512,4096;Adiantum:4096", or "none". */
int icpt_caps_format(const struct icpt_caps *caps, char *buf, size_t len)
{
	unsigned int i, bit;
	int sz = 0;
	char sep;

	buf[0] = '\0';
	for (i = 0; i < BLK_ENCRYPTION_MODE_MAX; i++) {
		unsigned long dus = caps->modes[i];

		if (!dus)
			continue;
		sz += scnprintf(buf + sz, len - sz, "%s%s", sz ? ";" : "",
				icpt_mode_name(i));
		sep = ':';
		for_each_set_bit(bit, &dus, BITS_PER_LONG) {
			sz += scnprintf(buf + sz, len - sz, "%c%lu", sep, 1UL << bit);
			sep = ',';
		}
	}
	if (!sz)
		sz = scnprintf(buf, len, "none");
	return sz;
}

/*
 * For people: "AES-256-XTS:4096 with 8-byte DUNs", and for a gap found by
 * icpt_caps_missing() also "DUNs of 16 bytes" or "hw_wrapped keys".
 */
int icpt_caps_describe(const struct icpt_caps *caps, char *buf, size_t len)
{
	int sz = 0;

	if (!icpt_caps_empty(caps)) {
		sz = icpt_caps_format(caps, buf, len);
		if (caps->dun_bytes)
			sz += scnprintf(buf + sz, len - sz, " with %u-byte DUNs",
					caps->dun_bytes);
	} else if (caps->dun_bytes) {
		sz = scnprintf(buf, len, "DUNs of %u bytes", caps->dun_bytes);
	}
	if (caps->key_types & ~ICPT_KEY_TYPE_RAW) {
		sz += scnprintf(buf + sz, len - sz, "%s", sz ? " and " : "");
		sz += icpt_key_types_format(caps->key_types & ~ICPT_KEY_TYPE_RAW,
					    buf + sz, len - sz);
		sz += scnprintf(buf + sz, len - sz, " keys");
	}
	if (!sz)
		sz = scnprintf(buf, len, "no inline encryption");
	return sz;
}

int icpt_key_types_format(unsigned int key_types, char *buf, size_t len)
{
	int sz = 0;

	if (key_types & ICPT_KEY_TYPE_RAW)
		sz += scnprintf(buf + sz, len - sz, "raw");
	if (key_types & ICPT_KEY_TYPE_HW_WRAPPED)
		sz += scnprintf(buf + sz, len - sz, "%shw_wrapped", sz ? "," : "");
	if (!sz)
		sz = scnprintf(buf, len, "none");
	return sz;
}

/* A mode this kernel has, by name; ICPT_MODE_SM4_XTS may be none. */
static int icpt_mode_parse(const char *name, unsigned int *mode)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(icpt_modes); i++) {
		if (icpt_modes[i].mode < BLK_ENCRYPTION_MODE_MAX &&
		    !strcasecmp(name, icpt_modes[i].name)) {
			*mode = icpt_modes[i].mode;
			return 0;
		}
	}
	return -EINVAL;
}

/* Plain decimal digits, at least one: kstrto*() also take "+1" and "1\n". */
bool icpt_is_decimal(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if (!isdigit(*p))
			return false;
	return p != s;
}

/* "raw", "hw_wrapped" or both, comma separated, as status prints them. */
static int icpt_key_types_parse(char *list, unsigned int *key_types)
{
	char *word;

	*key_types = 0;
	while ((word = strsep(&list, ","))) {
		if (!strcasecmp(word, "raw"))
			*key_types |= ICPT_KEY_TYPE_RAW;
		else if (!strcasecmp(word, "hw_wrapped"))
			*key_types |= ICPT_KEY_TYPE_HW_WRAPPED;
		else
			return -EINVAL;
	}
	return 0;
}

/**
 * icpt_require_parse() - parse "<mode>:<data_unit_size>[:<dun_bytes>][:<key_types>]"
 * @value: the text after "require:"
 * @req: filled on success
 * @why: set on failure to what is wrong, for ti->error
 *
 * Return: 0 or -EINVAL.
 */
int icpt_require_parse(const char *value, struct icpt_require *req,
		       char **why)
{
	char buf[64], *s = buf, *mode, *dus, *dun, *keys;

	*why = "Invalid require argument: <mode>:<data_unit_size>[:<dun_bytes>][:<key_types>]";
	if (strscpy(buf, value, sizeof(buf)) < 0)
		return -EINVAL;
	mode = strsep(&s, ":");
	dus = strsep(&s, ":");
	dun = strsep(&s, ":");
	keys = strsep(&s, ":");
	/* the DUN width is digits, key types are words: either may be left out */
	if (dun && !keys && !isdigit(*dun)) {
		keys = dun;
		dun = NULL;
	}
	if (!dus || s)
		return -EINVAL;
	if (icpt_mode_parse(mode, &req->mode)) {
		*why = "Unknown inline encryption mode in require argument";
		return -EINVAL;
	}
	*why = "Invalid data unit size in require argument: a power of two from 512 to 65536 bytes";
	if (!icpt_is_decimal(dus) || kstrtouint(dus, 10, &req->data_unit_size) ||
	    !is_power_of_2(req->data_unit_size) ||
	    req->data_unit_size < ICPT_MIN_DUS || req->data_unit_size > ICPT_MAX_DUS)
		return -EINVAL;
	req->dun_bytes = 0;
	*why = "Invalid DUN width in require argument: 1 to 32 bytes";
	if (dun && (!icpt_is_decimal(dun) || kstrtouint(dun, 10, &req->dun_bytes) ||
		    !req->dun_bytes || req->dun_bytes > ICPT_MAX_DUN_BYTES))
		return -EINVAL;
	req->key_types = 0;
	*why = "Invalid key types in require argument: raw, hw_wrapped or raw,hw_wrapped";
	if (keys && icpt_key_types_parse(keys, &req->key_types))
		return -EINVAL;
	*why = NULL;
	return 0;
}

int icpt_require_format(const struct icpt_require *req, char *buf, size_t len)
{
	int sz;

	sz = scnprintf(buf, len, "%s:%u", icpt_mode_name(req->mode),
		       req->data_unit_size);
	if (req->dun_bytes)
		sz += scnprintf(buf + sz, len - sz, ":%u", req->dun_bytes);
	if (req->key_types) {
		sz += scnprintf(buf + sz, len - sz, ":");
		sz += icpt_key_types_format(req->key_types, buf + sz, len - sz);
	}
	return sz;
}
