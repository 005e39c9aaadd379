/* Float compares and masks (wasm_simd128.h): a 256x256 Mandelbrot set,
 * four pixels per f32x4, escape tracked with comparison masks and
 * bitselect, iteration counts summed with i32x4 lanes; n times. */
#include "common.h"
#include <wasm_simd128.h>
#define W 256
#define ITERS 64

EXPORT(run) int64_t run(int32_t n) {
    int64_t check = 0;
    for (int32_t r = 0; r < n; r++) {
        float zoom = 3.0f / (1.0f + (float)(r % 8) * 0.25f);
        v128_t four = wasm_f32x4_splat(4.0f);
        v128_t total = wasm_i32x4_splat(0);
        for (int y = 0; y < W; y++) {
            v128_t ci = wasm_f32x4_splat((float)y / W * zoom - zoom / 2);
            for (int x = 0; x < W; x += 4) {
                v128_t cr = wasm_f32x4_make((float)x / W * zoom - zoom / 1.5f, (float)(x + 1) / W * zoom - zoom / 1.5f,
                                            (float)(x + 2) / W * zoom - zoom / 1.5f,
                                            (float)(x + 3) / W * zoom - zoom / 1.5f);
                v128_t zr = cr, zi = ci, cnt = wasm_i32x4_splat(0);
                for (int k = 0; k < ITERS; k++) {
                    v128_t zr2 = wasm_f32x4_mul(zr, zr), zi2 = wasm_f32x4_mul(zi, zi);
                    v128_t inside = wasm_f32x4_le(wasm_f32x4_add(zr2, zi2), four);
                    if (!wasm_v128_any_true(inside)) break;
                    cnt = wasm_i32x4_sub(cnt, inside);
                    v128_t nzi = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_add(zr, zr), zi), ci);
                    v128_t nzr = wasm_f32x4_add(wasm_f32x4_sub(zr2, zi2), cr);
                    zr = wasm_v128_bitselect(nzr, zr, inside);
                    zi = wasm_v128_bitselect(nzi, zi, inside);
                }
                total = wasm_i32x4_add(total, cnt);
            }
        }
        check += wasm_i32x4_extract_lane(total, 0) + wasm_i32x4_extract_lane(total, 1) +
                 wasm_i32x4_extract_lane(total, 2) + wasm_i32x4_extract_lane(total, 3);
    }
    return check;
}
