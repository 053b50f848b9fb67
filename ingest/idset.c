/* idset.c — open addressing with linear probing, load factor at most 1/2.
 *
 * Exports are nearly always sorted by id. While every id is larger than the one before, no
 * duplicate is possible and no table is kept at all; the table is built from the rows so far
 * only when an id arrives out of order. Sorted files thus cost nothing in time or memory. */
#include "idset.h"

#include <stdlib.h>

#define EMPTY UINT32_MAX

struct idset {
    uint32_t *slot; /* row number, or EMPTY; NULL while the ids are increasing */
    size_t cap;     /* a power of two */
    size_t used;
    size_t rows;    /* rows added so far */
    int64_t last;   /* the largest id so far */
};

idset *idset_new(void) { return calloc(1, sizeof(idset)); }

void idset_free(idset *s)
{
    if (!s)
        return;
    free(s->slot);
    free(s);
}

static size_t hash(int64_t id)
{
    uint64_t x = (uint64_t)id;  /* splitmix64 finaliser: sequential ids spread out */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return (size_t)x;
}

static int grow(idset *s, const int64_t *ids)
{
    size_t cap = s->cap ? s->cap * 2 : 1024;
    uint32_t *slot = malloc(cap * sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < cap; i++)
        slot[i] = EMPTY;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slot[i] != EMPTY) {
            size_t h = hash(ids[s->slot[i]]) & (cap - 1);
            while (slot[h] != EMPTY)
                h = (h + 1) & (cap - 1);
            slot[h] = s->slot[i];
        }
    free(s->slot);
    s->slot = slot;
    s->cap = cap;
    return 0;
}

static long probe_insert(idset *s, const int64_t *ids, int64_t id, size_t row);

long idset_add(idset *s, const int64_t *ids, int64_t id, size_t row)
{
    if (row >= EMPTY)
        return -2;
    if (!s->slot) {
        if (s->rows == 0 || id > s->last) {
            s->last = id;
            s->rows = row + 1;
            return -1;
        }
        /* First id out of order: index every earlier row, then go on with the table. */
        for (size_t r = 0; r < s->rows; r++)
            if (probe_insert(s, ids, ids[r], r) == -2)
                return -2;
    }
    return probe_insert(s, ids, id, row);
}

static long probe_insert(idset *s, const int64_t *ids, int64_t id, size_t row)
{
    if ((s->used + 1) * 2 > s->cap && grow(s, ids) != 0)
        return -2;
    size_t h = hash(id) & (s->cap - 1);
    while (s->slot[h] != EMPTY) {
        if (ids[s->slot[h]] == id)
            return (long)s->slot[h];
        h = (h + 1) & (s->cap - 1);
    }
    s->slot[h] = (uint32_t)row;
    s->used++;
    return -1;
}
