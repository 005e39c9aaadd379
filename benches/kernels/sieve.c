/* Tight integer loops: sieve of Eratosthenes over 1 Mi numbers, n times. */
#include "common.h"
#define LIMIT (1 << 20)
static uint8_t composite[LIMIT];

EXPORT(run) int64_t run(int32_t n) {
    int64_t total = 0;
    for (int32_t r = 0; r < n; r++) {
        for (uint32_t i = 0; i < LIMIT; i++) composite[i] = 0;
        uint32_t count = 0;
        for (uint32_t i = 2; i < LIMIT; i++) {
            if (composite[i]) continue;
            count++;
            for (uint32_t j = i * 2; j < LIMIT; j += i) composite[j] = 1;
        }
        total += count;
    }
    return total;
}
