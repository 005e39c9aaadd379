/* f32x4 float SIMD (wasm_simd128.h): 96x96 single-precision matrix
 * multiply with splatted rows, fused into four f32x4 accumulators, n times. */
#include "common.h"
#include <wasm_simd128.h>
#define N 96
static float a[N][N], b[N][N], c[N][N];

EXPORT(run) int64_t run(int32_t n) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (float)((i * N + j) % 17) / 16.0f;
            b[i][j] = (float)((j * N + i) % 13) / 12.0f - 0.5f;
        }
    double check = 0;
    for (int32_t r = 0; r < n; r++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j += 16) {
                v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
                for (int k = 0; k < N; k++) {
                    v128_t x = wasm_f32x4_splat(a[i][k]);
                    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(x, wasm_v128_load(&b[k][j])));
                    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(x, wasm_v128_load(&b[k][j + 4])));
                    s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(x, wasm_v128_load(&b[k][j + 8])));
                    s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(x, wasm_v128_load(&b[k][j + 12])));
                }
                wasm_v128_store(&c[i][j], s0);
                wasm_v128_store(&c[i][j + 4], s1);
                wasm_v128_store(&c[i][j + 8], s2);
                wasm_v128_store(&c[i][j + 12], s3);
            }
        check += c[r % N][(r * 7) % N];
        a[r % N][r % N] += 1e-3f;
    }
    return (int64_t)(check * 1e3);
}
