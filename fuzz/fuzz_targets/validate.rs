//! Arbitrary bytes: decoding, validation and eager translation never panic,
//! and Tandem (wide arithmetic switched on) accepts exactly what wasmparser
//! (Wasm 2.0 with relaxed SIMD, extended constant expressions, tail calls,
//! multiple memories, memory64 and wide arithmetic) accepts.
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
        | wasmparser::WasmFeatures::WIDE_ARITHMETIC;
    let theirs = wasmparser::Validator::new_with_features(features).validate_all(data);
    match (&ours, &theirs) {
        (Ok(_), Err(e)) => panic!("tandem accepted a module wasmparser rejects: {e}"),
        (Err(e), Ok(_)) => {
            // Only translator limits may reject a valid module.
            assert!(
                matches!(e.kind(), tandem::ErrorKind::Module(m) if m.kind != tandem::ModuleErrorKind::Invalid),
                "tandem rejected a valid module: {e}"
            );
        }
        _ => {}
    }
});
