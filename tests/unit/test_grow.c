/* test_grow.c — lib/grow: growing arrays, and the overflows the old copies did not check. */
#include <stdint.h>
#include <stdlib.h>

#include "grow.h"
#include "harness.h"

int main(void)
{
    size_t cap = 0, n = 0;
    int *v = NULL;
    for (int i = 0; i < 1000; i++) {
        int *g = ts_grow(v, &cap, n + 1, sizeof *g, 4);
        T_CHECK(g != NULL);
        if (!g)
            break;
        v = g;
        v[n++] = i;
    }
    T_CHECK(n == 1000 && cap >= 1000 && cap == 1024 && v[999] == 999 && v[0] == 0);
    /* no growth needed: the same array back */
    T_CHECK(ts_grow(v, &cap, 10, sizeof *v, 4) == v && cap == 1024);
    /* a size that would overflow: NULL, the array and its capacity unchanged */
    size_t before = cap;
    T_CHECK(ts_grow(v, &cap, SIZE_MAX / 2 + 2, sizeof *v, 4) == NULL && cap == before);
    T_CHECK(ts_grow(v, &cap, SIZE_MAX / sizeof *v + 1, sizeof *v, 4) == NULL && cap == before);
    T_CHECK(v[500] == 500);
    free(v);
    /* from nothing, FIRST 0 still gives room */
    size_t c2 = 0;
    char *s = ts_grow(NULL, &c2, 1, 1, 0);
    T_CHECK(s != NULL && c2 >= 1);
    free(s);
    T_DONE();
}
