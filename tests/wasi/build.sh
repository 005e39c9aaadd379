#!/usr/bin/env bash
# Rebuilds the WASI test programs (the .wasm files are committed).
# Needs Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32.
set -euo pipefail
cd "$(dirname "$0")"
for c in *.c; do
  clang --target=wasm32-wasi -O2 -Wl,--strip-debug -o "${c%.c}.wasm" "$c"
done
