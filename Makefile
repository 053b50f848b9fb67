# tsunagari — one non-recursive GNU make file for every stage.
# User CFLAGS/CPPFLAGS/LDFLAGS append to ours (override is used so `make CFLAGS=-g` adds, not replaces).
# `make SAN=1 ...` builds everything with ASan+UBSan into build-san/ and bin-san/.

PKG_CONFIG ?= pkg-config
PKGS       := zlib gsl libcrypto libzip libxml-2.0
PREFIX     ?= /usr/local
DESTDIR    ?=

ifeq ($(SAN),1)
  BUILD := build-san
  BIN   := bin-san
  SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  OPT := -O1 -g
else
  BUILD := build
  BIN   := bin
  SANFLAGS :=
  OPT := -O2 -g
endif

override CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow -Wstrict-prototypes \
                    $(OPT) $(SANFLAGS) -Ilib $(shell $(PKG_CONFIG) --cflags $(PKGS)) $(CFLAGS)
override LDFLAGS := $(SANFLAGS) $(LDFLAGS)
LDLIBS := -lcsv -lglpk -lreadstat -lRmath $(shell $(PKG_CONFIG) --libs $(PKGS)) -lm

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
override CFLAGS += -DTS_VERSION='"$(VERSION)"'

# ---- shared library code (lib/) --------------------------------------------------------
LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_A   := $(BUILD)/libtsunagari.a

# ---- stage programs: each folder's main.c plus its other .c files ----------------------
INGEST_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard ingest/*.c))
EXPORT_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard ingest/export/*.c))
# tsunagari-codebook drafts a starter codebook from a raw export (ingest/codebook/).
CODEBOOK_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard ingest/codebook/*.c))
WEIGHT_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard stats/weight/*.c))
TAB_OBJ    := $(patsubst %.c,$(BUILD)/%.o,$(wildcard stats/tab/*.c))
# tsunagari-model fits survey-weighted regression models (stats/model/, lib/glm).
MODEL_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(wildcard stats/model/*.c))
PLOT_OBJ   := $(patsubst %.c,$(BUILD)/%.o,$(wildcard plots/*.c))
# Charts draw with cairo; text is set with Pango (HarfBuzz shaping, UAX #14 line breaking) in
# fonts fontconfig finds (pangofc: the fallback fonts' hinting is switched off too).
PLOT_PKGS  := pangocairo pangofc cairo cairo-ft fontconfig freetype2
# The batch report (plots/report/) reuses the chart modules and writes .xlsx with libxlsxwriter.
REPORT_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard plots/report/*.c))

PROGRAMS := $(BIN)/tsunagari-ingest $(BIN)/tsunagari-export $(if $(CODEBOOK_OBJ),$(BIN)/tsunagari-codebook) \
            $(BIN)/tsunagari-weight $(BIN)/tsunagari-tab $(if $(MODEL_OBJ),$(BIN)/tsunagari-model) \
            $(if $(PLOT_OBJ),$(BIN)/tsunagari-plot) $(if $(REPORT_OBJ),$(BIN)/tsunagari-report)

.DEFAULT_GOAL := all

# Sub-makefiles add programs and check steps (data/data.mk: the synthetic generator and demos).
-include data/data.mk

all: $(PROGRAMS) $(EXTRA_PROGRAMS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CPPFLAGS) -MMD -MP -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BIN)/tsunagari-ingest: $(INGEST_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BIN)/tsunagari-export: $(EXPORT_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BIN)/tsunagari-codebook: $(CODEBOOK_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BIN)/tsunagari-weight: $(WEIGHT_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BIN)/tsunagari-tab: $(TAB_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BIN)/tsunagari-model: $(MODEL_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(PLOT_OBJ) $(REPORT_OBJ): override CFLAGS += $(shell $(PKG_CONFIG) --cflags $(PLOT_PKGS))
$(BIN)/tsunagari-plot: $(PLOT_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) $(shell $(PKG_CONFIG) --libs $(PLOT_PKGS)) -o $@

$(BIN)/tsunagari-report: $(REPORT_OBJ) $(filter-out %/main.o,$(PLOT_OBJ)) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) $(shell $(PKG_CONFIG) --libs $(PLOT_PKGS) xlsxwriter) -o $@

# ---- tests -----------------------------------------------------------------------------
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# Unit tests may also test a stage's own modules (all but its main.c).
UNIT_STAGE_OBJ := $(filter-out %/main.o,$(WEIGHT_OBJ))

$(BUILD)/tests/%: tests/unit/%.c tests/unit/harness.h $(LIB_A) $(UNIT_STAGE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CPPFLAGS) -Itests/unit -Istats/weight $(LDFLAGS) $< $(UNIT_STAGE_OBJ) $(LIB_A) $(LDLIBS) -o $@

# test_text sets text with plots/text.c and fonts.c: Pango and the installed fonts.
UNIT_TEXT_OBJ := $(BUILD)/plots/text.o $(BUILD)/plots/fonts.o
$(BUILD)/tests/test_text: tests/unit/test_text.c tests/unit/harness.h $(LIB_A) $(UNIT_TEXT_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CPPFLAGS) $(shell $(PKG_CONFIG) --cflags $(PLOT_PKGS)) -Itests/unit -Iplots $(LDFLAGS) $< \
	    $(UNIT_TEXT_OBJ) $(LIB_A) $(LDLIBS) $(shell $(PKG_CONFIG) --libs $(PLOT_PKGS)) -o $@


.PHONY: unit mutation all check check-one check-unit check-cases check-fuzz-replay fuzz-smoke check-plots check-report check-export check-read check-privacy check-docs check-oracle check-oracle-live check-coverage check-valgrind bench demo clean install
RESULTS = $(BUILD)/results.txt
export RESULTS

check-unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

# The unit tests built, not run (tests/mutation/mutate.py rebuilds them for each mutant).
unit: $(UNIT_BIN)

# Mutation testing of the statistics code (issue #19; slow, not part of check): MUTANTS seeded
# single-operator mutants, each built and run against the unit tests, the R oracles and the
# tab/weight/model cases in a worktree of HEAD; killed / survived / timed out and the survivors.
# The plain build's survivors are run again on the ASan+UBSan build (MUTATION_FLAGS="--san no":
# the plain build only, quicker and blind to reads past an array; "--only FILE:LINE": re-test one).
MUTANTS ?= 100
MUTATION_SEED ?= 19
MUTATION_FLAGS ?=
mutation:
	@python3 tests/mutation/mutate.py -n $(MUTANTS) --seed $(MUTATION_SEED) $(MUTATION_FLAGS)

check-cases: $(PROGRAMS)
	@tests/run-cases.sh $(BIN) tests/cases

# Charts: geometry and colours sampled at known pixels, sizes, embedded CJK fonts, well-formed
# SVG, byte-identical reruns, and reviewed reference images (tests/plots/).
check-plots: all
	@if tests/plots/check-plots.sh $(BIN); then echo "PASS plots" >> $(RESULTS); \
	 else echo "FAIL plots" >> $(RESULTS); exit 1; fi

# tsunagari-export --format sav|zsav|dta read back by R's haven and foreign::read.spss: every
# value, label, missing code and weight against the CSV export and --describe (tests/export/).
check-export: all
	@if tests/export/check-statfiles.sh $(BIN); then echo "PASS export-statfiles" >> $(RESULTS); \
	 else echo "FAIL export-statfiles" >> $(RESULTS); exit 1; fi

# SPSS and Stata files read as R's haven reads them: every value and value label of the
# synthetic .sav, .zsav, .por and .dta fixtures, ingested with their embedded codebook; the
# Saitama demo as a haven-written .sav and as an .xlsx, tables byte-identical to the CSV route (tests/stat/).
check-read: all
	@tests/run-checks.sh $(BIN) read-stat=tests/stat/check-read-stat.sh read-saitama=tests/stat/check-saitama.sh

# The published tables against an attacker who solves their linear relations (issue #12).
check-privacy: all
	@if tests/privacy/check-privacy.sh $(BIN); then echo "PASS privacy" >> $(RESULTS); \
	 else echo "FAIL privacy" >> $(RESULTS); exit 1; fi

# The one-command report: byte-identical reruns, the xlsx read by openpyxl and printed by
# LibreOffice, PDF pages and fonts, a failing stage leaving no output folder (tests/report/);
# the scripts run CHECK_JOBS at a time (tests/run-checks.sh), their output in this order.
check-report: all
	@tests/run-checks.sh $(BIN) \
	    report=tests/report/check-report.sh \
	    report-no-suppression=tests/report/check-no-suppression.sh \
	    report-csv-injection=tests/report/check-csv-injection.sh \
	    report-school-census=tests/report/check-school-census.sh \
	    report-census=tests/report/check-census.sh \
	    report-form-exports=tests/report/check-form-exports.sh \
	    report-microdata-formats=tests/report/check-microdata-formats.sh \
	    report-twostage=tests/report/check-twostage.sh \
	    report-progress=tests/report/check-progress.sh \
	    report-models=tests/report/check-models.sh \
	    report-differences=tests/report/check-differences.sh \
	    report-xlsx=tests/report/check-xlsx.sh \
	    report-counts=tests/report/check-counts.sh \
	    report-trend=tests/report/check-trend.sh \
	    report-language=tests/report/check-language.sh

# docs/manifest.md's key tables against lib/schema.c, the one table of manifest keys, and no
# stage writing a default that table holds (tests/docs/).
check-docs: $(BUILD)/tests/test_schema
	@if tests/docs/check-manifest-doc.sh $(BUILD)/tests/test_schema; then echo "PASS manifest-doc" >> $(RESULTS); \
	 else echo "FAIL manifest-doc" >> $(RESULTS); exit 1; fi
	@if tests/docs/check-defaults.sh $(BUILD)/tests/test_schema; then echo "PASS defaults" >> $(RESULTS); \
	 else echo "FAIL defaults" >> $(RESULTS); exit 1; fi

# Every estimator against R's survey package: the committed expected values (the matrix:
# every documented design x weighting combination, tests/oracle/matrix/) ...
# The four run CHECK_JOBS at a time (tests/run-checks.sh), the matrix (the longest) first.
check-oracle: $(PROGRAMS)
	@tests/run-checks.sh $(BIN) oracle-matrix=tests/oracle/matrix/run-c.sh oracle-weight=tests/oracle/weight/run-c.sh \
	    oracle-tab=tests/oracle/tab/run-c.sh oracle-model=tests/oracle/model/run-c.sh

# ... and the R scripts rerun live (needs Rscript and r-cran-survey: CI installs them).
# The matrix first: it is the longest (about 5 minutes), the others run beside it, CHECK_JOBS at
# a time (tests/run-checks.sh; each works in its own mktemp folder).
check-oracle-live:
	@tests/run-checks.sh $(BIN) oracle-live-matrix=tests/oracle/matrix/check-live.sh \
	    oracle-live-weight=tests/oracle/weight/check-live.sh oracle-live-tab=tests/oracle/tab/check-live.sh \
	    oracle-live-model=tests/oracle/model/check-live.sh oracle-live-cases=tests/oracle/cases-live.sh

# The Monte Carlo coverage test: 1,000 Saitama samples drawn from the synthetic population,
# each ingested, weighted and tabulated (about 75 s on 2 cores; CI runs it).
check-coverage: all
	@tests/coverage/check-coverage.sh $(BIN) 1000

# valgrind over the whole CLI catalogue (plain build; ASan and valgrind do not mix).
check-valgrind: $(PROGRAMS)
	@VALGRIND=1 tests/run-cases.sh $(BIN) tests/cases

# libFuzzer targets for the parsers (tests/fuzz/fuzz_*.c): clang only, so not part of all or
# check. `make fuzz` builds them into $(BUILD)/fuzz/; run one on its corpus, e.g.
#   build/fuzz/fuzz_condition -dict=tests/fuzz/condition.dict tests/fuzz/corpus/condition
# A target of a stage's module (not in lib/) names its sources and flags in FUZZ_SRC_NAME and
# FUZZ_CFLAGS_NAME; both builds below compile them in.
FUZZ_CC  ?= clang
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SRC_fuzz_margins    := stats/weight/margins.c
FUZZ_CFLAGS_fuzz_margins := -Istats/weight
FUZZ_SRC_fuzz_tables     := plots/tables.c
FUZZ_CFLAGS_fuzz_tables  := -Iplots
FUZZ_SRC_fuzz_chartspec  := plots/chartspec.c plots/tables.c plots/reference.c
FUZZ_CFLAGS_fuzz_chartspec = -Iplots $(shell $(PKG_CONFIG) --cflags $(PLOT_PKGS))
$(foreach t,margins tables chartspec,$(eval $(BUILD)/fuzz/fuzz_$(t) $(BUILD)/fuzz-replay/fuzz_$(t): $(FUZZ_SRC_fuzz_$(t))))
.PHONY: fuzz
fuzz: $(FUZZ_BIN)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -Ilib $(FUZZ_CFLAGS_$*) $(shell $(PKG_CONFIG) --cflags $(PKGS)) \
	    $< $(FUZZ_SRC_$*) $(LIB_SRC) $(LDLIBS) -o $@

# The same targets as plain programs (-DTS_FUZZ_MAIN, any compiler) replaying their seed corpus
# and every kept crasher (tests/fuzz/corpus/NAME/) in make check, under ASan+UBSan in SAN=1.
FUZZ_REPLAY := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz-replay/%,$(wildcard tests/fuzz/fuzz_*.c))
$(BUILD)/fuzz-replay/%: tests/fuzz/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CPPFLAGS) $(FUZZ_CFLAGS_$*) -DTS_FUZZ_MAIN $(LDFLAGS) $< $(FUZZ_SRC_$*) $(LIB_A) $(LDLIBS) -o $@
check-fuzz-replay: $(FUZZ_REPLAY)
	@for f in $(FUZZ_REPLAY); do \
	    name=$$(basename $$f); corpus=tests/fuzz/corpus/$${name#fuzz_}; \
	    if [ -d "$$corpus" ] && $$f $$corpus/* > /dev/null; then \
	        echo "ok - fuzz replay $$name ($$(ls $$corpus | wc -l) inputs)"; echo "PASS fuzz-replay $$name" >> $(RESULTS); \
	    else echo "not ok - fuzz replay $$name"; echo "FAIL fuzz-replay $$name" >> $(RESULTS); exit 1; fi; \
	done

# A short libFuzzer run of every target (CI: .ci/run; needs clang): a fixed number of runs from a
# scratch copy of its corpus (the committed corpus is never changed), with its dictionary
# (tests/fuzz/smoke-one.sh), CHECK_JOBS targets at a time (tests/run-checks.sh).
# Any crash, leak or sanitizer report fails it; the long campaigns are in docs/testing.md.
FUZZ_SMOKE_RUNS ?= 20000
fuzz-smoke: $(FUZZ_BIN)
	@tests/run-checks.sh $(FUZZ_SMOKE_RUNS) $(foreach f,$(FUZZ_BIN),'fuzz-smoke-$(notdir $(f))=tests/fuzz/smoke-one.sh $(f)')

# `make check` = the plain build's tests, then the same tests under ASan+UBSan.
check:
	$(MAKE) --no-print-directory check-one
	$(MAKE) --no-print-directory SAN=1 check-one
	@tests/summarize.sh build/results.txt build-san/results.txt

check-one:
	@mkdir -p $(BUILD) && rm -f $(RESULTS)
	$(MAKE) --no-print-directory all check-unit check-cases check-fuzz-replay check-oracle check-plots check-report check-export check-read check-privacy check-docs check-install $(CHECK_EXTRA)

# The README's first command: one tsunagari-report run per demo survey into out/<survey>/
# (report.pdf, tables.xlsx, tables.csv, charts/, weighting report, reproducibility record; the
# respondent-level files only with tsunagari-report --with-microdata). See docs/report.md.
# The Yamagata demo again in English into out/yamagata-2022-en/ (docs/report.md, Language).
DEMO_SURVEYS := yamagata-2022 saitama-2022
demo: all
	@for s in $(DEMO_SURVEYS); do \
	    echo "== $$s (synthetic demo survey)"; \
	    $(BIN)/tsunagari-report data/$$s/survey.ini -o out/$$s || exit 1; \
	done
	@echo "== yamagata-2022 in English ([report] language = en: data/yamagata-2022/survey-en.ini)"
	@$(BIN)/tsunagari-report data/yamagata-2022/survey-en.ini -o out/yamagata-2022-en

bench: all
	@bench/run.sh $(BIN)
	@bench/weight.sh $(BIN)
	@bench/tab.sh $(BIN)
	@bench/codebook.sh $(BIN)
	@bench/xlsx.sh $(BUILD)

# make install / uninstall / man / check-install: programs, man pages (help2man), libtsunagari.a,
# headers, tsunagari.pc, docs (install.mk).
include install.mk

clean:
	rm -rf build build-san bin bin-san out

-include $(LIB_OBJ:.o=.d) $(INGEST_OBJ:.o=.d) $(EXPORT_OBJ:.o=.d) $(WEIGHT_OBJ:.o=.d) $(TAB_OBJ:.o=.d) $(MODEL_OBJ:.o=.d) $(PLOT_OBJ:.o=.d) $(REPORT_OBJ:.o=.d)
