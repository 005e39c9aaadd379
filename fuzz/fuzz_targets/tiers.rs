//! Tandem's tiers against each other on wasm-smith modules: the interpreter,
//! the JIT and tiered mode (switching mid-run) must agree on results, trap
//! kinds, exported state and the fuel left after every call, to the unit;
//! with SIMD and relaxed SIMD, and NaNs left as the ops make them (every
//! bit of them must agree too).
#![no_main]
use libfuzzer_sys::fuzz_target;
use tandem_fuzz::{generate, oracle};

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let features = generate::tiers_features(data);
    let Ok(wasm) = generate::module_with(&mut u, features) else { return };
    let lazy = tandem::Translation::Lazy;
    let other = if data.first().is_some_and(|b| b & 1 == 1) { tandem::Tier::Tiered } else { tandem::Tier::Jit };
    let mut interp = oracle::Tandem::with_tier(tandem::Tier::Interp, lazy).strict_fuel();
    let mut compiled = oracle::Tandem::with_tier(other, lazy).strict_fuel();
    oracle::differential(&wasm, &mut u, &mut interp, &mut compiled, None);
});
