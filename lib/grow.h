/* grow.h — room for one more element in a growing array, with the overflow checks the
 * copies of this idiom used to leave out. */
#ifndef TS_GROW_H
#define TS_GROW_H

#include <stddef.h>

/* Make ITEMS (an array of *CAP elements of SIZE bytes, or NULL with *CAP 0) hold at least
 * NEED elements, doubling from FIRST. Returns the array — possibly moved; *CAP updated — or
 * NULL when memory runs out or the size would overflow, in which case ITEMS and *CAP are
 * unchanged and still the caller's. Use: v = ts_grow(a->v, &a->cap, a->n + 1, sizeof *v, 64);
 * if (!v) fail; a->v = v; */
void *ts_grow(void *items, size_t *cap, size_t need, size_t size, size_t first);

#endif
