/* SPDX-License-Identifier: GPL-2.0 */
/*
 * icpt_caps.h - dm-icpt's model of inline encryption capabilities: what a
 * device offers and what a table of icpt targets will expose.  It mirrors
 * the blk-crypto profile's public fields, so it works the same on kernels
 * with a keyslot manager, a crypto profile, or no blk-crypto at all.
 */
#ifndef ICPT_CAPS_H
#define ICPT_CAPS_H

#include <linux/blk-crypto.h>
#include <linux/types.h>

struct request_queue;

/**
 * struct icpt_caps - inline encryption capabilities
 * @modes: per blk-crypto mode (BLK_ENCRYPTION_MODE_*), the set of supported
 *	data unit sizes in bytes, as a bitmask of those sizes (512 | 4096 means
 *	512 and 4096 bytes), as in the kernel's crypto profile
 * @dun_bytes: the largest data unit number the device accepts, in bytes
 * @key_types: ICPT_KEY_TYPE_* accepted; raw only on kernels without key types
 */
struct icpt_caps {
	unsigned int modes[BLK_ENCRYPTION_MODE_MAX];
	unsigned int dun_bytes;
	unsigned int key_types;
};

/**
 * struct icpt_require - a capability a table line insists on
 * @mode: BLK_ENCRYPTION_MODE_*
 * @data_unit_size: in bytes, a power of two
 * @dun_bytes: minimum DUN width in bytes, 0 if not given
 * @key_types: ICPT_KEY_TYPE_* that must all be accepted, 0 if not given
 */
struct icpt_require {
	unsigned int mode;
	unsigned int data_unit_size;
	unsigned int dun_bytes;
	unsigned int key_types;
};

/* Buffer size that always holds icpt_caps_format()'s output. */
#define ICPT_CAPS_STRLEN 320
/* Buffer size that always holds icpt_require_format()'s output. */
#define ICPT_REQUIRE_STRLEN 64

void icpt_caps_read(struct request_queue *q, struct icpt_caps *caps);
void icpt_caps_fill(struct icpt_caps *caps);
void icpt_caps_intersect(struct icpt_caps *caps, const struct icpt_caps *other);
bool icpt_caps_empty(const struct icpt_caps *caps);
bool icpt_caps_missing(const struct icpt_caps *have, const struct icpt_caps *need,
		       struct icpt_caps *gap);
bool icpt_caps_meets(const struct icpt_caps *caps, const struct icpt_require *req);
unsigned int icpt_caps_misaligned_dus(const struct icpt_caps *caps, sector_t sector,
				      unsigned int *mode);
int icpt_caps_format(const struct icpt_caps *caps, char *buf, size_t len);
int icpt_caps_describe(const struct icpt_caps *caps, char *buf, size_t len);
int icpt_key_types_format(unsigned int key_types, char *buf, size_t len);

bool icpt_is_decimal(const char *s);
int icpt_require_parse(const char *value, struct icpt_require *req,
		       char **why);
int icpt_require_format(const struct icpt_require *req, char *buf, size_t len);
const char *icpt_mode_name(unsigned int mode);

#endif /* ICPT_CAPS_H */
