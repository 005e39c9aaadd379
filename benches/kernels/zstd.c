/* A realistic C program: the zstd library (compression level 3 and
 * decompression) on n rounds of 256 KiB of generated text-like data.
 * Built by build.sh against zstd 1.5.7's sources from the zstd-sys crate
 * (not committed; only this driver and the built wasm are). */
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "zstd.h"

#define SIZE (256 * 1024)
static char input[SIZE];
static char output[SIZE];

static void fill(uint32_t seed) {
    static const char *words[] = {"wasm", "register", "bytecode", "tandem", "interpreter", "cranelift",
                                  "store", "module", "instance", "memory", "table", "global", "fuel", "trap"};
    uint32_t pos = 0;
    while (pos < SIZE - 16) {
        const char *w = words[rng_next(&seed) % 14];
        size_t len = strlen(w);
        memcpy(input + pos, w, len);
        pos += len;
        input[pos++] = (rng_next(&seed) % 9 == 0) ? '\n' : ' ';
    }
    while (pos < SIZE) input[pos++] = '.';
}

EXPORT(run) int64_t run(int32_t n) {
    size_t cap = ZSTD_compressBound(SIZE);
    char *compressed = malloc(cap);
    if (!compressed) return -1;
    int64_t check = 0;
    for (int32_t r = 0; r < n; r++) {
        fill(1234 + (uint32_t)r);
        size_t c = ZSTD_compress(compressed, cap, input, SIZE, 3);
        if (ZSTD_isError(c)) return -2;
        size_t d = ZSTD_decompress(output, SIZE, compressed, c);
        if (ZSTD_isError(d) || d != SIZE || memcmp(input, output, SIZE) != 0) return -3;
        check += (int64_t)c;
    }
    free(compressed);
    return check;
}
