/* 8-bit integer SIMD (wasm_simd128.h): alpha-blends two 256x256 RGBA
 * images with widening multiplies, saturating adds, rounding averages and
 * narrowing, n times. */
#include "common.h"
#include <wasm_simd128.h>
#define W 256
#define H 256
static uint8_t src[W * H * 4], dst[W * H * 4], out[W * H * 4];

EXPORT(run) int64_t run(int32_t n) {
    uint32_t s = 12345;
    for (int i = 0; i < W * H * 4; i++) {
        src[i] = (uint8_t)rng_next(&s);
        dst[i] = (uint8_t)rng_next(&s);
    }
    int64_t check = 0;
    for (int32_t r = 0; r < n; r++) {
        v128_t alpha = wasm_i16x8_splat((int16_t)(r * 37 & 255));
        v128_t inv = wasm_i16x8_sub(wasm_i16x8_splat(255), alpha);
        v128_t bias = wasm_u8x16_splat((uint8_t)r);
        for (int i = 0; i < W * H * 4; i += 16) {
            v128_t a = wasm_v128_load(src + i), b = wasm_v128_load(dst + i);
            v128_t lo = wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(a), alpha),
                                       wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(b), inv));
            v128_t hi = wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(a), alpha),
                                       wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(b), inv));
            v128_t px = wasm_u8x16_narrow_i16x8(wasm_u16x8_shr(lo, 8), wasm_u16x8_shr(hi, 8));
            px = wasm_u8x16_add_sat(px, bias);
            px = wasm_u8x16_avgr(px, wasm_u8x16_sub_sat(a, b));
            px = wasm_u8x16_max(px, wasm_u8x16_min(a, b));
            wasm_v128_store(out + i, px);
        }
        check += out[(r * 4099) % (W * H * 4)] + out[(r * 131) % (W * H * 4)];
        src[r % (W * H * 4)] ^= out[(r * 7) % (W * H * 4)];
    }
    return check;
}
