//! Tandem's interpreter (lazy and eager) against wasmi on wasm-smith modules.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tandem_fuzz::{generate, oracle};

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let Ok(wasm) = generate::module(&mut u) else { return };
    let translation =
        if data.first().is_some_and(|b| b & 1 == 1) { tandem::Translation::Eager } else { tandem::Translation::Lazy };
    let mut t = oracle::Tandem::new(translation);
    let mut w = oracle::Wasmi::default();
    oracle::differential(&wasm, &mut u, &mut t, &mut w);
});
