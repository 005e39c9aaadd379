//! Tandem (interpreter lazy or eager, JIT, tiered) against wasmi on
//! wasm-smith modules.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tandem_fuzz::{generate, oracle};

/// Coverage instrumentation keeps wasmi 2.0's threaded dispatch from tail
/// calling, so a long wasmi loop recurses on the native stack: run each
/// input on a thread whose (lazily committed) stack cannot run out first.
const STACK: usize = 2 << 30;

fuzz_target!(|data: &[u8]| {
    let data = data.to_vec();
    let run = std::thread::Builder::new().stack_size(STACK).spawn(move || one(&data));
    if let Err(p) = run.expect("thread starts").join() {
        std::panic::resume_unwind(p);
    }
});

fn one(data: &[u8]) {
    let mut u = arbitrary::Unstructured::new(data);
    // Typed function references (one input in four) against wasmtime.
    let features = generate::differential_features(data);
    let typed_refs = features.typed_refs;
    let Ok(wasm) = generate::module_with(&mut u, features) else { return };
    let translation =
        if data.first().is_some_and(|b| b & 1 == 1) { tandem::Translation::Eager } else { tandem::Translation::Lazy };
    let tier = match data.get(1).map(|b| b % 3) {
        Some(1) => tandem::Tier::Jit,
        Some(2) => tandem::Tier::Tiered,
        _ => tandem::Tier::Interp,
    };
    let mut t = oracle::Tandem::with_tier(tier, translation);
    if typed_refs {
        let mut wasmtime = oracle::Wasmtime::default();
        return oracle::differential(&wasm, &mut u, &mut t, &mut wasmtime, None);
    }
    let mut w = oracle::Wasmi::default();
    let mut referee = oracle::Wasmtime::default();
    oracle::differential(&wasm, &mut u, &mut t, &mut w, Some(&mut referee));
}
