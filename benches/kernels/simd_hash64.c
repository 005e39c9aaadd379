/* 64-bit lanes (wasm_simd128.h): a two-lane multiply-rotate-xor hash of a
 * 64 KiB buffer with i64x2 multiplies, shifts, adds and extended
 * 32x32->64 multiplies, plus an i64x2 comparison count, n times. */
#include "common.h"
#include <wasm_simd128.h>
#define LEN (64 * 1024)
static uint64_t data[LEN / 8];

EXPORT(run) int64_t run(int32_t n) {
    uint32_t s = 7;
    for (int i = 0; i < LEN / 8; i++) data[i] = ((uint64_t)rng_next(&s) << 32) | rng_next(&s);
    int64_t check = 0;
    for (int32_t r = 0; r < n; r++) {
        v128_t acc = wasm_i64x2_make(0x9e3779b97f4a7c15ULL + r, 0xc2b2ae3d27d4eb4fULL);
        v128_t k = wasm_i64x2_make(0x165667b19e3779f9ULL, 0x27d4eb2f165667c5ULL);
        v128_t big = wasm_i64x2_splat(0x4000000000000000LL);
        v128_t count = wasm_i64x2_splat(0);
        for (int i = 0; i < LEN / 8; i += 2) {
            v128_t v = wasm_v128_load(&data[i]);
            acc = wasm_i64x2_add(acc, wasm_i64x2_mul(v, k));
            acc = wasm_v128_xor(wasm_i64x2_shl(acc, 31), wasm_u64x2_shr(acc, 33));
            acc = wasm_i64x2_add(acc, wasm_u64x2_extmul_low_u32x4(v, acc));
            count = wasm_i64x2_sub(count, wasm_i64x2_gt(v, big));
        }
        check += wasm_i64x2_extract_lane(acc, 0) ^ wasm_i64x2_extract_lane(acc, 1);
        check += wasm_i64x2_extract_lane(count, 0) + wasm_i64x2_extract_lane(count, 1);
        data[r % (LEN / 8)] ^= (uint64_t)check;
    }
    return check;
}
