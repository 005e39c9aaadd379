/* Indirect calls through a table: a dispatch table of small functions
 * selected by data, n rounds over 4096 elements. */
#include "common.h"
typedef uint32_t (*op_fn)(uint32_t, uint32_t);
static uint32_t op_add(uint32_t a, uint32_t b) { return a + b; }
static uint32_t op_xor(uint32_t a, uint32_t b) { return a ^ (b * 2654435761u); }
static uint32_t op_rot(uint32_t a, uint32_t b) { return (a << (b & 31)) | (a >> ((32 - (b & 31)) & 31)); }
static uint32_t op_mul(uint32_t a, uint32_t b) { return a * (b | 1); }
static uint32_t op_sub(uint32_t a, uint32_t b) { return a - b; }
static uint32_t op_min(uint32_t a, uint32_t b) { return a < b ? a : b + a; }
static uint32_t op_mix(uint32_t a, uint32_t b) { return (a ^ (a >> 16)) + b; }
static uint32_t op_neg(uint32_t a, uint32_t b) { return ~a + b; }
static op_fn volatile table[8] = {op_add, op_xor, op_rot, op_mul, op_sub, op_min, op_mix, op_neg};
static uint8_t selectors[4096];

EXPORT(run) int64_t run(int32_t n) {
    uint32_t seed = 5;
    for (int i = 0; i < 4096; i++) selectors[i] = (uint8_t)(rng_next(&seed) & 7);
    uint32_t acc = 1;
    for (int32_t r = 0; r < n; r++)
        for (int i = 0; i < 4096; i++) acc = table[selectors[i]](acc, (uint32_t)i + (uint32_t)r);
    return acc;
}
