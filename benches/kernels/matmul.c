/* Memory-heavy floating point: 128x128 f64 matrix multiply, n times. */
#include "common.h"
#define N 128
static double a[N][N], b[N][N], c[N][N];

EXPORT(run) int64_t run(int32_t n) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (double)(i * N + j) / (N * N);
            b[i][j] = (double)(j * N + i) / (N * N) - 0.5;
        }
    double check = 0;
    for (int32_t r = 0; r < n; r++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                double s = 0;
                for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
                c[i][j] = s;
            }
        check += c[r % N][(r * 7) % N];
        a[r % N][r % N] += 1e-3;
    }
    return (int64_t)(check * 1e6);
}
