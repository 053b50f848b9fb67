/* simulate.h — Monte Carlo of the Saitama design on the synthetic population: draw the
 * stratified sample and its nonresponse REPS times and report, per domain (overall, area,
 * age band), the population share, the respondents' share, the true value of the headline
 * indicator (孤独感「ある」計: しばしば・常に + 時々 + たまに), the mean unweighted estimate with
 * its Monte Carlo standard error and bias, the bias the design predicts, and the mean
 * estimate weighted by the base weights N_h/n_h alone. Output format in
 * docs/synthetic-data.md ("simulate-saitama"). */
#ifndef SYNTH_SIMULATE_H
#define SYNTH_SIMULATE_H

#include "status.h"

ts_status synth_simulate_saitama(const char *out, unsigned long reps, unsigned long seed,
                                    unsigned long pop_seed, ts_err *err);

#endif
