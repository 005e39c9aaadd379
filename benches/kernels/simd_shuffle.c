/* Byte shuffles and swizzles (wasm_simd128.h): base64-encodes a 48 KiB
 * buffer with swizzle table lookups and shuffles, then byte-reverses and
 * transposes it with shuffles, n times. */
#include "common.h"
#include <wasm_simd128.h>
#define LEN (48 * 1024)
static uint8_t in[LEN], enc[LEN / 3 * 4], rev[LEN];

/* The base64 digit of each 6-bit value, by ranges (0-25 'A', 26-51 'a',
 * 52-61 '0', 62 '+', 63 '/'): an offset table indexed with swizzle. */
static v128_t b64_digits(v128_t idx) {
    v128_t shift = wasm_u8x16_sub_sat(idx, wasm_u8x16_splat(51));
    v128_t less = wasm_i8x16_gt(wasm_u8x16_splat(26), idx);
    shift = wasm_v128_or(shift, wasm_v128_and(less, wasm_u8x16_splat(13)));
    v128_t offsets = wasm_i8x16_make(71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 65, 0, 0);
    return wasm_i8x16_add(idx, wasm_i8x16_swizzle(offsets, shift));
}

EXPORT(run) int64_t run(int32_t n) {
    uint32_t s = 99;
    for (int i = 0; i < LEN; i++) in[i] = (uint8_t)rng_next(&s);
    int64_t check = 0;
    for (int32_t r = 0; r < n; r++) {
        for (int i = 0, o = 0; i + 16 <= LEN; i += 12, o += 16) {
            v128_t v = wasm_v128_load(in + i);
            /* Each 3 bytes to 4 lanes: [b1 b0 b2 b1] per 32-bit lane. */
            v = wasm_i8x16_shuffle(v, v, 1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
            v128_t t0 = wasm_v128_and(wasm_u32x4_shr(v, 10), wasm_i32x4_splat(0x3f));
            v128_t t1 = wasm_v128_and(wasm_u32x4_shr(v, 4), wasm_i32x4_splat(0x3f00));
            v128_t t2 = wasm_v128_and(wasm_i32x4_shl(v, 10), wasm_i32x4_splat(0x3f0000));
            v128_t t3 = wasm_v128_and(wasm_i32x4_shl(v, 24), wasm_i32x4_splat(0x3f000000));
            v128_t idx = wasm_v128_or(wasm_v128_or(t0, t1), wasm_v128_or(t2, t3));
            wasm_v128_store(enc + o, b64_digits(idx));
        }
        for (int i = 0; i < LEN; i += 32) {
            v128_t x = wasm_v128_load(in + i), y = wasm_v128_load(in + i + 16);
            v128_t rx = wasm_i8x16_shuffle(x, x, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
            v128_t lo = wasm_i8x16_shuffle(rx, y, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
            v128_t hi = wasm_i8x16_shuffle(rx, y, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
            wasm_v128_store(rev + LEN - 32 - i, hi);
            wasm_v128_store(rev + LEN - 16 - i, lo);
        }
        check += enc[(r * 4099) % (LEN / 3 * 4)] + rev[(r * 131) % LEN];
        in[r % LEN] ^= enc[r % 1000];
    }
    return check;
}
