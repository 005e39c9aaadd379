//! Integration tests of the embedding API and the CLI (one test binary).

mod accumulators;
mod api;
mod cli;
mod dispatch;
mod errors;
mod fuel;
mod fusion;
mod guest_limits;
mod numeric;
mod simd;
mod simd_reference;
#[cfg(feature = "jit")]
mod tiers;
mod traps;
#[cfg(feature = "wasi")]
mod wasi;
mod wasm3;
