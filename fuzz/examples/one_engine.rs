//! Runs every export of a module in one engine alone (with the oracle's
//! fuel): tells which engine crashes, hangs or eats memory.
//!   cargo run --release --example one_engine -- module.wasm tandem|jit|wasmi|wasmtime
use tandem_fuzz::oracle::{DiffEngine, Tandem, Wasmi, Wasmtime};

fn main() {
    let path = std::env::args().nth(1).expect("a .wasm file");
    let wasm = std::fs::read(path).expect("read the module");
    let mut engine: Box<dyn DiffEngine> = match std::env::args().nth(2).as_deref() {
        Some("wasmi") => Box::new(Wasmi::default()),
        Some("wasmtime") => Box::new(Wasmtime::default()),
        Some("jit") => Box::new(Tandem::with_tier(tandem::Tier::Jit, tandem::Translation::Lazy)),
        _ => Box::new(Tandem::new(tandem::Translation::Lazy)),
    };
    println!("{} instantiate: {:?}", engine.name(), engine.instantiate(&wasm));
    for p in wasmparser::Parser::new(0).parse_all(&wasm).flatten() {
        if let wasmparser::Payload::ExportSection(r) = p {
            for e in r.into_iter().flatten() {
                if e.kind == wasmparser::ExternalKind::Func {
                    println!("{}: {:?}", e.name, engine.call(e.name, &[]));
                }
            }
        }
    }
}
