/* Floating point with branches: points of an n x n grid in the Mandelbrot set. */
#include "common.h"

EXPORT(run) int64_t run(int32_t n) {
    int64_t inside = 0;
    for (int32_t y = 0; y < n; y++) {
        double ci = 2.0 * y / n - 1.0;
        for (int32_t x = 0; x < n; x++) {
            double cr = 2.0 * x / n - 1.5, zr = 0, zi = 0;
            int32_t i = 0;
            while (i < 50 && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                i++;
            }
            inside += (i == 50);
        }
    }
    return inside;
}
