#!/usr/bin/env bash
# Rebuilds the C kernels into ../built/ (the built .wasm files are committed,
# so running the benchmarks needs no C toolchain).
# Needs Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p ../built
for c in *.c; do
  clang --target=wasm32-wasi -O2 -nostartfiles -Wl,--no-entry -Wl,--export=run \
    -o "../built/${c%.c}.wasm" "$c"
done
