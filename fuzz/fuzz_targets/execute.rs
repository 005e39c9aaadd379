//! wasm-smith modules instantiated and every export called with bounded
//! fuel: no panic, no host crash, no hang.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tandem_fuzz::{
    generate,
    oracle::{self, DiffEngine},
};

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let Ok(wasm) = generate::module(&mut u) else { return };
    let mut t = oracle::Tandem::new(tandem::Translation::Lazy);
    if let Some(Ok(())) = t.instantiate(&wasm) {
        let exports: Vec<String> = wasmparser::Parser::new(0)
            .parse_all(&wasm)
            .flatten()
            .filter_map(|p| match p {
                wasmparser::Payload::ExportSection(r) => Some(r),
                _ => None,
            })
            .flat_map(|r| {
                r.into_iter()
                    .flatten()
                    .filter(|e| e.kind == wasmparser::ExternalKind::Func)
                    .map(|e| e.name.to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        for name in exports {
            let _ = t.call(&name, &[]);
        }
    }
});
