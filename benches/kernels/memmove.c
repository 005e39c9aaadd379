/* memmove-style copies: overlapping and disjoint block moves of varying
 * sizes and alignments through wasi-libc's memmove/memcpy/memset. */
#include <string.h>
#include "common.h"
#define SIZE (1 << 20)
static uint8_t buf[SIZE];

EXPORT(run) int64_t run(int32_t n) {
    uint32_t seed = 7;
    for (uint32_t i = 0; i < SIZE; i++) buf[i] = (uint8_t)i;
    int64_t check = 0;
    for (int32_t r = 0; r < n; r++) {
        uint32_t len = 1 + (rng_next(&seed) % 4096);
        uint32_t src = rng_next(&seed) % (SIZE - len);
        uint32_t dst = rng_next(&seed) % (SIZE - len);
        switch (r % 3) {
        case 0: memmove(buf + dst, buf + src, len); break;
        case 1: memmove(buf + src + (len / 3), buf + src, len - len / 3); break;
        default: memset(buf + dst, (int)r, len / 2); break;
        }
        check += buf[dst] + buf[(src + len / 2) % SIZE];
    }
    return check;
}
