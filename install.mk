# install.mk — `make install` / `make uninstall` and the man pages; included by the Makefile.
#
#   make man         $(BUILD)/man/PROGRAM.1 for every program, made by help2man from its
#                    --help and --version (Debian package help2man), so a page cannot drift
#                    from the program it documents
#   make install     PREFIX=/usr/local DESTDIR= : programs, man pages, libtsunagari.a, its
#                    headers, tsunagari.pc, and docs/*.md + README.md
#   make uninstall   removes exactly what install put there
#   make check-install   tests/install/check-install.sh: install into a temporary DESTDIR,
#                    render every page, link a small program through pkg-config

BINDIR      ?= $(PREFIX)/bin
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/tsunagari
HELP2MAN    ?= help2man

INSTALL_PROGRAMS := $(PROGRAMS) $(EXTRA_PROGRAMS)
MAN_PAGES   := $(patsubst $(BIN)/%,$(BUILD)/man/%.1,$(INSTALL_PROGRAMS))
LIB_HEADERS := $(wildcard lib/*.h)
DOC_FILES   := README.md $(wildcard docs/*.md)
PC_FILE     := $(BUILD)/tsunagari.pc

# Each page's NAME line (help2man --name) and the docs/ page it points to under SEE ALSO:
# the one-line summaries of the README's program table.
MAN_NAME.tsunagari-ingest := check raw survey answers against a codebook and write a validated dataset
MAN_DOC.tsunagari-ingest  := ingest.md
MAN_NAME.tsunagari-export := write a tsunagari dataset as CSV, SPSS or Stata files, with codes or labels
MAN_DOC.tsunagari-export  := export.md
MAN_NAME.tsunagari-codebook := draft a starter codebook from a raw survey export
MAN_DOC.tsunagari-codebook  := codebook.md
MAN_NAME.tsunagari-weight := weight a survey dataset: design weights, nonresponse adjustment, calibration, trimming
MAN_DOC.tsunagari-weight  := weighting.md
MAN_NAME.tsunagari-tab    := weighted survey estimates by domain with design-based standard errors
MAN_DOC.tsunagari-tab     := estimation.md
MAN_NAME.tsunagari-model  := survey-weighted linear and logistic regression with design-based standard errors
MAN_DOC.tsunagari-model   := estimation.md
MAN_NAME.tsunagari-plot   := print-ready Japanese charts of weighted survey tables
MAN_DOC.tsunagari-plot    := charts.md
MAN_NAME.tsunagari-report := run the whole survey pipeline: report.pdf, tables.xlsx and a reproducibility record
MAN_DOC.tsunagari-report  := report.md
MAN_NAME.tsunagari-synth  := write synthetic Japanese loneliness survey data
MAN_DOC.tsunagari-synth   := synthetic-data.md

# The pages and tsunagari.pc name install paths: remake them when those change.
$(BUILD)/install-paths: FORCE
	@mkdir -p $(dir $@)
	@echo '$(PREFIX) $(LIBDIR) $(INCLUDEDIR) $(DOCDIR) $(VERSION)' | cmp -s - $@ || \
	    echo '$(PREFIX) $(LIBDIR) $(INCLUDEDIR) $(DOCDIR) $(VERSION)' > $@
.PHONY: FORCE
FORCE:

# -L C.UTF-8: help2man decodes the program's output in its locale; in C the Japanese in the
# help texts would become "?". SOURCE_DATE_EPOCH (the last commit) gives the same page bytes
# on every run. The page is written to a temporary name and renamed.
$(BUILD)/man/%.1: $(BIN)/% $(BUILD)/install-paths
	@mkdir -p $(dir $@)
	@{ echo '[SEE ALSO]'; \
	   echo 'The full documentation is $(DOCDIR)/$(or $(MAN_DOC.$*),README.md)'; \
	   echo '(docs/$(or $(MAN_DOC.$*),README.md) in the source) and $(DOCDIR)/README.md.'; \
	   echo '.PP'; \
	   for p in $(filter-out $*,$(notdir $(INSTALL_PROGRAMS))); do echo ".BR $$p (1),"; done | sed '$$ s/,$$//'; \
	 } > $@.see
	@echo 'help2man $< > $@'
	@SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null)} \
	    $(HELP2MAN) --no-info --locale=C.UTF-8 --section=1 --source='tsunagari $(VERSION)' \
	    --name='$(or $(MAN_NAME.$*),part of the tsunagari survey toolkit)' --include=$@.see \
	    --output=$@.tmp $< && mv $@.tmp $@
	@rm -f $@.see

$(PC_FILE): lib/tsunagari.pc.in $(BUILD)/install-paths
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    -e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|g' \
	    -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|g' $< > $@.tmp && mv $@.tmp $@

.PHONY: man install uninstall check-install
man: $(MAN_PAGES)

install: all man $(LIB_A) $(PC_FILE)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(INCLUDEDIR)/tsunagari $(DESTDIR)$(DOCDIR)
	install -m 755 $(INSTALL_PROGRAMS) $(DESTDIR)$(BINDIR)/
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 644 $(LIB_HEADERS) $(DESTDIR)$(INCLUDEDIR)/tsunagari/
	install -m 644 $(PC_FILE) $(DESTDIR)$(PKGCONFIGDIR)/
	install -m 644 $(DOC_FILES) $(DESTDIR)$(DOCDIR)/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(INSTALL_PROGRAMS))) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN_PAGES))) \
	    $(DESTDIR)$(LIBDIR)/$(notdir $(LIB_A)) $(DESTDIR)$(PKGCONFIGDIR)/tsunagari.pc \
	    $(addprefix $(DESTDIR)$(INCLUDEDIR)/tsunagari/,$(notdir $(LIB_HEADERS))) \
	    $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOC_FILES)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/tsunagari $(DESTDIR)$(DOCDIR) 2>/dev/null

# Under SAN=1 the library is instrumented: the test links its program with our LDFLAGS (the
# sanitizer flags).
check-install: all man
	@if MAKE='$(MAKE)' CC='$(CC)' LINK_FLAGS='$(LDFLAGS)' \
	    tests/install/check-install.sh '$(BUILD)' '$(BIN)' $(notdir $(INSTALL_PROGRAMS)); \
	 then echo "PASS install" >> $(RESULTS); else echo "FAIL install" >> $(RESULTS); exit 1; fi
