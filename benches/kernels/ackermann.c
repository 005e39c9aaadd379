/* Deep recursion: Ackermann(2, m) and Ackermann(3, k), repeated n times. */
#include "common.h"

static uint32_t ack(uint32_t m, uint32_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

EXPORT(run) int64_t run(int32_t n) {
    int64_t sum = 0;
    for (int32_t i = 0; i < n; i++) sum += ack(3, 5 + (i & 1)) + ack(2, i & 63);
    return sum;
}
