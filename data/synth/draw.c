/* draw.c — see draw.h. */
#include "draw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_rng.h>

#include "demo.h"
#include "model.h"
#include "population.h"
#include "popspec.h"

/* DIR/R as a new string (caller frees), the folder created unless it is there already. */
static char *replicate_dir(const char *dir, unsigned long r, ts_err *err)
{
    int len = snprintf(NULL, 0, "%s/%lu", dir, r);
    char *path = len < 0 ? NULL : malloc((size_t)len + 1);
    if (!path) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    snprintf(path, (size_t)len + 1, "%s/%lu", dir, r);
    struct stat sb;
    if (mkdir(path, 0777) != 0 && !(errno == EEXIST && stat(path, &sb) == 0 &&
                                    S_ISDIR(sb.st_mode))) {
        ts_err_set(err, TS_E_CANTCREAT, "%s: cannot create folder: %s", path,
                   strerror(errno));
        free(path);
        return NULL;
    }
    return path;
}

ts_status synth_draw_saitama(const char *dir, unsigned long seed, unsigned long first,
                             unsigned long count, int subdirs, ts_err *err)
{
    if (!subdirs && count != 1)
        return ts_err_set(err, TS_E_INTERNAL, "%lu replicates for one folder", count);
    synth_popspec spec;
    synth_popspec_saitama(&spec);
    synth_model *m = synth_model_new();
    gsl_rng *rpop = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng *rsample = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng *rrow = gsl_rng_alloc(gsl_rng_mt19937);
    synth_population *pop = NULL;
    ts_status st = TS_OK;
    if (!m || !rpop || !rsample || !rrow) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    gsl_rng_set(rpop, seed);
    if (!(pop = synth_population_build(&spec, m, rpop, err))) {
        st = err->status;
        goto done;
    }
    for (unsigned long r = first; r - first < count && st == TS_OK; r++) {
        /* odd offsets for samples, even for rows: replicate 0 = the demo (seed + 1, + 2) */
        gsl_rng_set(rsample, seed + 1 + 2 * r);
        gsl_rng_set(rrow, seed + 2 + 2 * r);
        char *path = subdirs ? replicate_dir(dir, r, err) : NULL;
        if (subdirs && !path) {
            st = err->status;
            break;
        }
        st = synth_demo_saitama_write(subdirs ? path : dir, pop, rsample, rrow, seed, err);
        free(path);
    }
done:
    synth_population_free(pop);
    if (rpop)
        gsl_rng_free(rpop);
    if (rsample)
        gsl_rng_free(rsample);
    if (rrow)
        gsl_rng_free(rrow);
    synth_model_free(m);
    return st;
}
