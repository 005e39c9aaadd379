#!/usr/bin/env bash
# Rebuilds the C kernels into ../built/ (the built .wasm files are committed,
# so running the benchmarks needs no C toolchain).
# Needs Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p ../built
for c in *.c; do
  [ "$c" = zstd.c ] && continue
  # The SIMD kernels use wasm_simd128.h; simd_autovec.c is plain C that
  # clang vectorises at -O3.
  case "$c" in
    simd_autovec.c) flags="-O3 -msimd128" ;;
    simd_*) flags="-O2 -msimd128" ;;
    *) flags="-O2" ;;
  esac
  clang --target=wasm32-wasi $flags -nostartfiles -Wl,--no-entry -Wl,--export=run \
    -o "../built/${c%.c}.wasm" "$c"
done

# zstd.c links the zstd library, whose sources come with the zstd-sys crate
# (`cargo fetch` a crate that depends on zstd-sys 2.1.2 first).
zstd=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/zstd-sys-2.1.2+zstd.1.5.7/zstd/lib 2>/dev/null | head -1)
if [ -n "$zstd" ]; then
  # zstd_simd.wasm: the same program, vectorised by clang (-O3 -msimd128).
  for variant in "zstd -O2" "zstd_simd -O3 -msimd128"; do
    set -- $variant
    out=$1
    shift
    clang --target=wasm32-wasi "$@" -nostartfiles -Wl,--no-entry -Wl,--export=run \
      -DZSTD_DISABLE_ASM -DZSTD_LEGACY_SUPPORT=0 -DDEBUGLEVEL=0 \
      -I "$zstd" -I "$zstd/common" -o "../built/$out.wasm" zstd.c \
      "$zstd"/common/*.c "$zstd"/compress/*.c "$zstd"/decompress/*.c
  done
else
  echo "zstd-sys sources not found: ../built/zstd.wasm not rebuilt" >&2
fi
