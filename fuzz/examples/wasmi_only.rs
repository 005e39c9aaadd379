//! Runs every export of a module in wasmi alone (with the oracle's fuel):
//! tells a wasmi crash from a Tandem one.
//!   cargo run --release --example wasmi_only -- module.wasm
use tandem_fuzz::oracle::{DiffEngine, Wasmi};

fn main() {
    let path = std::env::args().nth(1).expect("a .wasm file");
    let wasm = std::fs::read(path).expect("read the module");
    let mut w = Wasmi::default();
    println!("instantiate: {:?}", w.instantiate(&wasm));
    for p in wasmparser::Parser::new(0).parse_all(&wasm).flatten() {
        if let wasmparser::Payload::ExportSection(r) = p {
            for e in r.into_iter().flatten() {
                if e.kind == wasmparser::ExternalKind::Func {
                    println!("{}: {:?}", e.name, w.call(e.name, &[]));
                }
            }
        }
    }
}
