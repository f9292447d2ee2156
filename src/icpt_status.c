// SPDX-License-Identifier: GPL-2.0
/*
 * icpt_status.c - what `dmsetup status`, `dmsetup table` and IMA read of an
 * icpt line.  Status is an interface scripts parse: fields are space
 * separated key=value words, and new ones are only ever appended.  Each
 * report reads a few fields of the line, its table and two queues: constant
 * work, whatever the table's size, and no lock.
 */
#include "icpt.h"

/*
 * What limits what the device exposes: the kernel, a line of another
 * target type, the device of the first line that lacks what another line's
 * device offers, or nothing ("-").
 */
static const char *icpt_limited_by(const struct icpt_c *ic)
{
	const struct icpt_table *t = ic->table;

	if (icpt_unavailable_reason())
		return "kernel";
	if (READ_ONCE(t->other_narrows))
		return "other_target";
	return t->limited_by[0] ? t->limited_by : "-";
}

static void icpt_status_info(struct dm_target *ti, char *result,
			     unsigned int maxlen)
{
	struct icpt_c *ic = ti->private;
	const char *reason = icpt_unavailable_reason();
	char caps[ICPT_CAPS_STRLEN], keys[32], wrapped[BDEVNAME_SIZE + 16];
	struct icpt_caps exposed, dev;
	struct icpt_stats st;
	unsigned int sz = 0;

	icpt_exposed_caps(ti, &exposed);
	icpt_table_wrapped_keys(ti, &exposed, wrapped, sizeof(wrapped));
	if (reason)
		DMEMIT("crypto=off:%s", reason);
	else
		DMEMIT("crypto=passthrough");
	icpt_caps_format(&exposed, caps, sizeof(caps));
	/* key types that work: advertised without operations, wrapped ones fail */
	icpt_key_types_format(exposed.key_types & ~(strcmp(wrapped, "no_ops") ? 0 :
						    ICPT_KEY_TYPE_HW_WRAPPED),
			      keys, sizeof(keys));
	DMEMIT(" exposed=%s dun_bytes=%u key_types=%s limited_by=%s",
	       caps, exposed.dun_bytes, keys, icpt_limited_by(ic));

	icpt_dev_caps(ic->dev, &dev);
	icpt_caps_format(&dev, caps, sizeof(caps));
	icpt_key_types_format(dev.key_types, keys, sizeof(keys));
	DMEMIT(" device=%s device_dun_bytes=%u device_key_types=%s",
	       caps, dev.dun_bytes, keys);

	icpt_stats_sum(ic, &st);
	DMEMIT(" crypt_bios=%llu crypt_bytes=%llu plain_bios=%llu plain_bytes=%llu",
	       st.crypt_bios, st.crypt_bytes, st.plain_bios, st.plain_bytes);
	DMEMIT(" wrapped_keys=%s", wrapped);
}

/* The table line as it was given, so that `dmsetup table` feeds back. */
static void icpt_status_table(const struct icpt_c *ic, char *result,
			      unsigned int maxlen)
{
	char req[ICPT_REQUIRE_STRLEN];
	unsigned int i, sz = 0;

	DMEMIT("%s %llu", ic->dev->name, (unsigned long long)ic->start);
	if (!ic->nr_require)
		return;
	DMEMIT(" %u", ic->nr_require);
	for (i = 0; i < ic->nr_require; i++) {
		icpt_require_format(&ic->require[i], req, sizeof(req));
		DMEMIT(" require:%s", req);
	}
}

#if ICPT_HAVE_STATUSTYPE_IMA
static void icpt_status_ima(struct dm_target *ti, char *result,
			    unsigned int maxlen)
{
	const struct icpt_c *ic = ti->private;
	unsigned int sz = 0;

	DMEMIT_TARGET_NAME_VERSION(ti->type);
	DMEMIT(",device_name=%s,start=%llu,crypto=%s,require_count=%u;",
	       ic->dev->name, (unsigned long long)ic->start,
	       icpt_unavailable_reason() ? "off" : "passthrough",
	       ic->nr_require);
}
#endif

void icpt_status(struct dm_target *ti, status_type_t type,
		 unsigned int status_flags, char *result, unsigned int maxlen)
{
	switch (type) {
	case STATUSTYPE_INFO:
		icpt_status_info(ti, result, maxlen);
		break;
	case STATUSTYPE_TABLE:
		icpt_status_table(ti->private, result, maxlen);
		break;
#if ICPT_HAVE_STATUSTYPE_IMA
	case STATUSTYPE_IMA:
		icpt_status_ima(ti, result, maxlen);
		break;
#endif
	}
}
