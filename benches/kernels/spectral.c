/* Floating point: spectral norm of the infinite matrix A, size n (10 iterations). */
#include "common.h"
#define MAXN 2000
static double u[MAXN], v[MAXN], t[MAXN];

static double A(int i, int j) { return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1); }

static void mul_av(int n, const double *x, double *y) {
    for (int i = 0; i < n; i++) { double s = 0; for (int j = 0; j < n; j++) s += A(i, j) * x[j]; y[i] = s; }
}
static void mul_atv(int n, const double *x, double *y) {
    for (int i = 0; i < n; i++) { double s = 0; for (int j = 0; j < n; j++) s += A(j, i) * x[j]; y[i] = s; }
}
static void mul_atav(int n, const double *x, double *y) { mul_av(n, x, t); mul_atv(n, t, y); }

EXPORT(run) int64_t run(int32_t n) {
    if (n > MAXN) n = MAXN;
    for (int i = 0; i < n; i++) u[i] = 1;
    for (int i = 0; i < 10; i++) { mul_atav(n, u, v); mul_atav(n, v, u); }
    double vbv = 0, vv = 0;
    for (int i = 0; i < n; i++) { vbv += u[i] * v[i]; vv += v[i] * v[i]; }
    return (int64_t)(__builtin_sqrt(vbv / vv) * 1e9);
}
