/* In-place sorting: quicksort (median of three) then heapsort of 64 Ki
 * pseudo-random integers, n times. */
#include "common.h"
#define LEN (1 << 16)
static int32_t v[LEN];

static void swap(int32_t *x, int32_t *y) { int32_t t = *x; *x = *y; *y = t; }

static void quicksort(int32_t *p, int32_t lo, int32_t hi) {
    while (hi - lo > 16) {
        int32_t mid = lo + (hi - lo) / 2;
        if (p[mid] < p[lo]) swap(&p[mid], &p[lo]);
        if (p[hi] < p[lo]) swap(&p[hi], &p[lo]);
        if (p[hi] < p[mid]) swap(&p[hi], &p[mid]);
        int32_t pivot = p[mid], i = lo, j = hi;
        while (i <= j) {
            while (p[i] < pivot) i++;
            while (p[j] > pivot) j--;
            if (i <= j) { swap(&p[i], &p[j]); i++; j--; }
        }
        if (j - lo < hi - i) { quicksort(p, lo, j); lo = i; } else { quicksort(p, i, hi); hi = j; }
    }
    for (int32_t i = lo + 1; i <= hi; i++) {
        int32_t x = p[i], k = i - 1;
        while (k >= lo && p[k] > x) { p[k + 1] = p[k]; k--; }
        p[k + 1] = x;
    }
}

static void sift(int32_t *p, int32_t root, int32_t end) {
    for (;;) {
        int32_t child = 2 * root + 1;
        if (child >= end) return;
        if (child + 1 < end && p[child] < p[child + 1]) child++;
        if (p[root] >= p[child]) return;
        swap(&p[root], &p[child]);
        root = child;
    }
}

static void heapsort(int32_t *p, int32_t len) {
    for (int32_t i = len / 2 - 1; i >= 0; i--) sift(p, i, len);
    for (int32_t end = len - 1; end > 0; end--) { swap(&p[0], &p[end]); sift(p, 0, end); }
}

EXPORT(run) int64_t run(int32_t n) {
    uint32_t seed = 12345;
    int64_t check = 0;
    for (int32_t r = 0; r < n; r++) {
        for (int32_t i = 0; i < LEN; i++) v[i] = (int32_t)(rng_next(&seed) >> 1);
        if (r & 1) heapsort(v, LEN); else quicksort(v, 0, LEN - 1);
        for (int32_t i = 1; i < LEN; i++) if (v[i - 1] > v[i]) return -1;
        check += v[LEN / 2] + v[r % LEN];
    }
    return check;
}
