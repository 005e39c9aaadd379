/* Plain C loops that `clang -O3 -msimd128` vectorises on its own: a dot
 * product, saxpy, an integer sum of squares with a saturating clamp, a
 * byte histogram-free count and a widening u8 -> u32 sum, n times. */
#include "common.h"
#define N 8192
static float x[N], y[N];
static int32_t ia[N], ib[N];
static uint8_t bytes[N * 4];
static int16_t clamp16[N];

EXPORT(run) int64_t run(int32_t n) {
    uint32_t s = 3;
    for (int i = 0; i < N; i++) {
        x[i] = (float)(rng_next(&s) % 1000) / 100.0f;
        y[i] = (float)(rng_next(&s) % 1000) / 100.0f;
        ia[i] = (int32_t)(rng_next(&s) % 20000) - 10000;
        ib[i] = (int32_t)(rng_next(&s) % 20000) - 10000;
    }
    for (int i = 0; i < N * 4; i++) bytes[i] = (uint8_t)rng_next(&s);
    int64_t check = 0;
    for (int32_t r = 0; r < n; r++) {
        float a = 0.5f + (float)(r % 5);
        float dot = 0;
        for (int i = 0; i < N; i++) dot += x[i] * y[i];
        for (int i = 0; i < N; i++) y[i] = a * x[i] + y[i] * 0.5f;
        int64_t sq = 0;
        for (int i = 0; i < N; i++) sq += (int64_t)ia[i] * ib[i];
        for (int i = 0; i < N; i++) {
            int32_t v = ia[i] * 3 + ib[i];
            clamp16[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
        }
        uint32_t bsum = 0, big = 0;
        for (int i = 0; i < N * 4; i++) {
            bsum += bytes[i];
            big += bytes[i] > 200;
        }
        check += (int64_t)dot + sq / 1024 + bsum + big + clamp16[r % N];
        ia[r % N] ^= (int32_t)check;
    }
    return check;
}
