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

/* The names blk-crypto uses in /sys/block/X/queue/crypto/modes/. */
static const char *const icpt_mode_names[BLK_ENCRYPTION_MODE_MAX] = {
	[BLK_ENCRYPTION_MODE_AES_256_XTS] = "AES-256-XTS",
	[BLK_ENCRYPTION_MODE_AES_128_CBC_ESSIV] = "AES-128-CBC-ESSIV",
	[BLK_ENCRYPTION_MODE_ADIANTUM] = "Adiantum",
#ifdef HAVE_BLK_CRYPTO_MODE_SM4_XTS
	[BLK_ENCRYPTION_MODE_SM4_XTS] = "SM4-XTS",
#endif
};

#define ICPT_MIN_DUS 512U
#define ICPT_MAX_DUS 65536U
#define ICPT_MAX_DUN_BYTES 32U

const char *icpt_mode_name(unsigned int mode)
{
	if (mode < BLK_ENCRYPTION_MODE_MAX && icpt_mode_names[mode])
		return icpt_mode_names[mode];
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
		caps->dun_bytes >= req->dun_bytes;
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

static int icpt_mode_parse(const char *name, unsigned int *mode)
{
	unsigned int i;

	for (i = 0; i < BLK_ENCRYPTION_MODE_MAX; i++) {
		if (icpt_mode_names[i] && !strcasecmp(name, icpt_mode_names[i])) {
			*mode = i;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * icpt_require_parse() - parse "<mode>:<data_unit_size>[:<dun_bytes>]"
 * @value: the text after "require:"
 * @req: filled on success
 *
 * Return: 0, -EINVAL for a malformed value, -ENOENT for an unknown mode.
 */
int icpt_require_parse(const char *value, struct icpt_require *req)
{
	char buf[64], *s = buf, *mode, *dus, *dun;

	if (strscpy(buf, value, sizeof(buf)) < 0)
		return -EINVAL;
	mode = strsep(&s, ":");
	dus = strsep(&s, ":");
	dun = strsep(&s, ":");
	/* plain decimal only: kstrtouint() would also take "+4096" */
	if (!dus || s || !isdigit(*dus) || (dun && !isdigit(*dun)))
		return -EINVAL;
	if (kstrtouint(dus, 10, &req->data_unit_size) ||
	    !is_power_of_2(req->data_unit_size) ||
	    req->data_unit_size < ICPT_MIN_DUS || req->data_unit_size > ICPT_MAX_DUS)
		return -EINVAL;
	req->dun_bytes = 0;
	if (dun && (kstrtouint(dun, 10, &req->dun_bytes) ||
		    !req->dun_bytes || req->dun_bytes > ICPT_MAX_DUN_BYTES))
		return -EINVAL;
	return icpt_mode_parse(mode, &req->mode) ? -ENOENT : 0;
}

int icpt_require_format(const struct icpt_require *req, char *buf, size_t len)
{
	if (req->dun_bytes)
		return scnprintf(buf, len, "%s:%u:%u", icpt_mode_name(req->mode),
				 req->data_unit_size, req->dun_bytes);
	return scnprintf(buf, len, "%s:%u", icpt_mode_name(req->mode),
			 req->data_unit_size);
}
