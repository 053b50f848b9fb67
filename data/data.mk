# data/data.mk — the synthetic survey generator (data/synth/) and the demo surveys.
# Included by the top-level Makefile; see docs/synthetic-data.md.
#
#   make demo-data    rebuild tsunagari-synth and regenerate data/yamagata-2022 and
#                     data/saitama-2022 in place (byte-for-byte the committed files)
#   make check-data   regenerate into a temporary folder and cmp with the committed files;
#                     run the Saitama 500-replicate bias test (part of `make check`)
#   make check-data-ingest   ingest both demo raw files: only the planted rows are rejected

SYNTH_SRC := $(wildcard data/synth/*.c)
SYNTH_OBJ := $(SYNTH_SRC:%.c=$(BUILD)/%.o)
SYNTH     := $(BIN)/tsunagari-synth

EXTRA_PROGRAMS += $(SYNTH)
CHECK_EXTRA    += check-data check-data-ingest




# Same bytes on every machine: no fused multiply-add contraction (clang contracts by default).
$(SYNTH_OBJ): override CFLAGS += -ffp-contract=off

# The generator uses lib/ for its error type, GSL for random numbers, iconv (glibc) for CP932.
$(SYNTH): $(SYNTH_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

demo-data: $(SYNTH)
	$(SYNTH) demo yamagata-2022 -o data/yamagata-2022
	$(SYNTH) demo saitama-2022 -o data/saitama-2022

check-data: $(SYNTH)
	@tests/data/check-demo-data.sh $(SYNTH)
	@tests/data/check-saitama-bias.sh $(SYNTH)

check-data-ingest: $(BIN)/tsunagari-ingest
	@tests/data/check-ingest-demo.sh $(BIN)/tsunagari-ingest

.PHONY: demo-data check-data check-data-ingest

-include $(SYNTH_OBJ:.o=.d)
