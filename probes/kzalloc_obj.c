// SPDX-License-Identifier: GPL-2.0
/*
 * 7.0 API change, backported to stable series such as 6.12.y:
 * kzalloc_obj() allocates one zeroed object of a variable's type
 * (checkpatch then prefers it to kzalloc(sizeof(...))).
 */
#include <linux/slab.h>

struct probe_obj {
	int x;
};

struct probe_obj *probe(void);
struct probe_obj *probe(void)
{
	struct probe_obj *p;

	p = kzalloc_obj(*p, GFP_KERNEL);
	return p;
}
