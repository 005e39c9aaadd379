/* Shared by the benchmark kernels: every kernel exports `int64_t run(int32_t n)`. */
#include <stdint.h>
#define EXPORT(name) __attribute__((export_name(#name)))

/* xorshift PRNG: deterministic inputs without libc. */
static inline uint32_t rng_next(uint32_t *s) {
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}
