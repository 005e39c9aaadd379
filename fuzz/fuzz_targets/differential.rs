//! Tandem (interpreter lazy or eager, JIT, tiered) against wasmi on
//! wasm-smith modules.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tandem_fuzz::{generate, oracle};

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let Ok(wasm) = generate::module(&mut u) else { return };
    let translation =
        if data.first().is_some_and(|b| b & 1 == 1) { tandem::Translation::Eager } else { tandem::Translation::Lazy };
    let tier = match data.get(1).map(|b| b % 3) {
        Some(1) => tandem::Tier::Jit,
        Some(2) => tandem::Tier::Tiered,
        _ => tandem::Tier::Interp,
    };
    let mut t = oracle::Tandem::with_tier(tier, translation);
    let mut w = oracle::Wasmi::default();
    oracle::differential(&wasm, &mut u, &mut t, &mut w);
});
