/* replay_main.h — the main() every fuzz target gets when built with -DTS_FUZZ_MAIN: replay the
 * files named on the command line through LLVMFuzzerTestOneInput with any C compiler (make
 * check-fuzz-replay runs each target over tests/fuzz/corpus/NAME/). Include it last, after the
 * target's LLVMFuzzerTestOneInput. Each input is copied into a buffer of exactly its size, so
 * that ASan catches a read past its end as it would under libFuzzer. */
#ifndef TS_FUZZ_REPLAY_MAIN_H
#define TS_FUZZ_REPLAY_MAIN_H
#ifdef TS_FUZZ_MAIN

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    static uint8_t buf[1 << 20]; /* inputs are cut at 1 MiB, as libFuzzer's default -max_len allows */
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 66;
        }
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        uint8_t *input = malloc(n ? n : 1);
        if (!input)
            return 70;
        memcpy(input, buf, n);
        LLVMFuzzerTestOneInput(input, n);
        free(input);
    }
    printf("%d inputs replayed\n", argc - 1);
    return 0;
}

#endif
#endif
