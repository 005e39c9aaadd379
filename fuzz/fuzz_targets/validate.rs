//! Arbitrary bytes: decoding, validation and eager translation never panic,
//! and Tandem (wide arithmetic switched on) accepts exactly what wasmparser
//! (Wasm 2.0 with relaxed SIMD, extended constant expressions, tail calls,
//! multiple memories, memory64, typed function references and wide
//! arithmetic) accepts. Tandem validates typed references with wasmparser's
//! GC rules (see `validator_features`) and refuses GC as unsupported, and
//! this target's wasmparser (0.263) has other GC rules than Tandem's
//! (0.228): so Tandem must accept nothing wasmparser rejects even with GC,
//! and must not call invalid what wasmparser accepts without GC.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut config = tandem::Config::new();
    config.translation(tandem::Translation::Eager).wasm_wide_arithmetic(true);
    let engine = tandem::Engine::new(&config);
    let ours = tandem::Module::from_binary(&engine, data);
    // `tandem_vm_core::module_env::supported_features` (another wasmparser
    // version's type, so spelled out here).
    let features = wasmparser::WasmFeatures::WASM2
        | wasmparser::WasmFeatures::RELAXED_SIMD
        | wasmparser::WasmFeatures::EXTENDED_CONST
        | wasmparser::WasmFeatures::TAIL_CALL
        | wasmparser::WasmFeatures::MULTI_MEMORY
        | wasmparser::WasmFeatures::MEMORY64
        | wasmparser::WasmFeatures::FUNCTION_REFERENCES
        | wasmparser::WasmFeatures::WIDE_ARITHMETIC;
    let validate = |f| wasmparser::Validator::new_with_features(f).validate_all(data);
    let (with_gc, without_gc) = (validate(features | wasmparser::WasmFeatures::GC), validate(features));
    match (&ours, &with_gc, &without_gc) {
        (Ok(_), Err(e), _) => panic!("tandem accepted a module wasmparser rejects: {e}"),
        (Err(e), _, Ok(_)) => {
            // Only translator limits may reject a valid module.
            assert!(
                matches!(e.kind(), tandem::ErrorKind::Module(m) if m.kind != tandem::ModuleErrorKind::Invalid),
                "tandem rejected a valid module: {e}"
            );
        }
        _ => {}
    }
});
