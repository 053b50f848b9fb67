/* fuzz_manifest.c — libFuzzer target for the manifest reader of lib/manifest.c (the INI file
 * every stage is run with), through ts_manifest_read_mem. Each input is one manifest, read as
 * "fuzz/survey.ini". Besides ASan/UBSan the target checks what the stages rely on: a refusal
 * has a message naming the file; every key read has a line, is found again by section and key
 * on that line, lies in a known section and is named where it was set; relative paths resolve
 * against the file's folder; every value splits as a list; a --set override replaces a value.
 *
 *   make fuzz                                  (needs clang; builds $(BUILD)/fuzz/fuzz_manifest)
 *   build/fuzz/fuzz_manifest -dict=tests/fuzz/manifest.dict tests/fuzz/corpus/manifest
 *
 * Built with -DTS_FUZZ_MAIN it is a plain program that replays the files named on its command
 * line (any C compiler), so crashers kept as cases can be rerun without clang. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "strbuf.h"

#define FUZZ_NAME "fuzz_manifest"
#include "check.h"

static const char NAME[] = "fuzz/survey.ini";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 20))
        return 0;
    ts_err err = TS_ERR_INIT;
    ts_manifest *m = ts_manifest_read_mem(data, size, NAME, &err);
    if (!m) {
        CHECK(err.status != TS_OK && err.msg && strncmp(err.msg, "fuzz/survey.ini:", strlen(NAME) + 1) == 0);
        ts_err_clear(&err);
        return 0;
    }
    CHECK(err.status == TS_OK && strcmp(ts_manifest_path(m), NAME) == 0);
    unsigned long last = 0;
    size_t n = ts_manifest_count(m);
    for (size_t i = 0; i < n; i++) {
        const char *section, *key;
        unsigned long line;
        ts_manifest_entry(m, i, &section, &key, &line);
        CHECK(line > last && key[0] && ts_manifest_has_section(m, section));
        last = line;
        CHECK(ts_manifest_line(m, section, key) == line);
        const char *value = ts_manifest_get(m, section, key);
        CHECK(value != NULL);
        ts_strbuf w = TS_STRBUF_INIT;
        CHECK(ts_manifest_where(m, section, key, &w) == 0 && strncmp(w.data, NAME, strlen(NAME)) == 0);
        ts_strbuf_free(&w);
        char **items;
        long k = ts_manifest_split_list(value, &items);
        CHECK(k >= 0);
        for (long j = 0; j < k; j++)
            CHECK(items[j][0] != '\0');
        ts_manifest_free_list(items, (size_t)k);
        char *p = ts_manifest_resolve(m, value);
        CHECK(p && (value[0] == '/' ? strcmp(p, value) == 0 : strncmp(p, "fuzz/", 5) == 0));
        free(p);
    }
    for (size_t i = 0; i < ts_manifest_section_count(m); i++)
        CHECK(ts_manifest_has_section(m, ts_manifest_section(m, i)));
    if (n > 0) {
        const char *section, *key;
        unsigned long line;
        ts_manifest_entry(m, 0, &section, &key, &line);
        char *s = ts_strdup(section), *k = ts_strdup(key);
        CHECK(s && k && ts_manifest_set(m, s, k, "override") == 0);
        CHECK(strcmp(ts_manifest_get(m, s, k), "override") == 0 && ts_manifest_line(m, s, k) == 0);
        CHECK(ts_manifest_count(m) == n);
        free(s);
        free(k);
    }
    /* A section no file can hold (a line ends at LF): the key is new. */
    CHECK(ts_manifest_set(m, "fuzz\nnew", "key", "v") == 0 && ts_manifest_count(m) == n + 1);
    ts_manifest_free(m);
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
