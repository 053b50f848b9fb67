/* stream.c — see stream.h. */
#include "stream.h"

#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "design.h"
#include "model.h"
#include "population.h"
#include "popspec.h"
#include "truth.h"

ts_status synth_stream_population(const char *path, synth_layout lay, synth_enc enc,
                                     unsigned long long size, unsigned long seed,
                                     const char *truth, ts_err *err)
{
    synth_popspec spec;
    if (lay == SYNTH_LAYOUT_YAMAGATA)
        synth_popspec_yamagata(&spec);
    else
        synth_popspec_saitama(&spec);
    synth_model *m = synth_model_new();
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t ncells = 0;
    long *cum = synth_population_cumulative(&spec, &ncells);
    synth_truth *t = malloc(sizeof *t);
    synth_csv *w = NULL;
    ts_status st = TS_OK;
    if (!m || !r || !cum || !t) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    gsl_rng_set(r, seed);
    synth_truth_init(t, &spec);
    t->streamed = 1;
    w = synth_csv_open(path, enc, lay == SYNTH_LAYOUT_YAMAGATA ? "\r\n" : "\n", err);
    if (!w) {
        st = err->status;
        goto done;
    }
    st = synth_raw_header(w, lay, err);
    for (unsigned long long i = 0; i < size && st == TS_OK; i++) {
        synth_person p;
        synth_population_draw_one(&spec, m, cum, ncells, r, &p);
        synth_truth_add(t, &p);
        synth_rowinfo ri = {.id = (long long)i + 1};
        if (lay == SYNTH_LAYOUT_YAMAGATA)
            synth_raw_yamagata_info(r, &p, &ri);
        else
            ri.mode = synth_draw_bern(r, synth_design_saitama_web(&p)) ? 2 : 1;
        st = synth_raw_row(w, lay, &spec, &ri, &p, r, err);
    }
    if (st != TS_OK)
        goto done;
    st = synth_csv_commit(w, err);
    w = NULL;
    if (st == TS_OK && truth)
        st = synth_truth_write(t, truth, seed, err);
done:
    synth_csv_abort(w);
    free(t);
    free(cum);
    if (r)
        gsl_rng_free(r);
    synth_model_free(m);
    return st;
}
