//! Turns a fuzz input into the module a target generates from it and says
//! what each engine makes of it:
//!   cargo run --example show -- artifacts/differential/crash-... [out.wasm] [tiers]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = std::fs::read(&args[1]).expect("read the fuzz input");
    let mut u = arbitrary::Unstructured::new(&data);
    let features = match args.get(3).map(String::as_str) {
        Some("tiers") => tandem_fuzz::generate::tiers_features(&data),
        _ => tandem_fuzz::generate::differential_features(&data),
    };
    let wasm = tandem_fuzz::generate::module_with(&mut u, features).expect("input generates a module");
    if features.typed_refs {
        println!("a typed-references module (generate::typed_refs_module)");
    }
    if let Some(out) = args.get(2) {
        std::fs::write(out, &wasm).expect("write the module");
    }
    for tier in [tandem::Tier::Interp, tandem::Tier::Jit, tandem::Tier::Tiered] {
        for mode in [tandem::Translation::Lazy, tandem::Translation::Eager] {
            let mut c = tandem::Config::new();
            c.translation(mode).tier(tier).consume_fuel(true);
            let r = tandem::Module::from_binary(&tandem::Engine::new(&c), &wasm);
            println!("tandem {tier:?} {mode:?}: {:?}", r.map(|_| ()).map_err(|e| e.to_string()));
        }
    }
    let r = wasmi::Module::new(&wasmi::Engine::default(), &wasm[..]);
    println!("wasmi: {:?}", r.as_ref().map(|_| ()).map_err(|e| e.to_string()));
    use tandem_fuzz::oracle::DiffEngine;
    let mut t = tandem_fuzz::oracle::Tandem::new(tandem::Translation::Lazy);
    let mut w = tandem_fuzz::oracle::Wasmi::default();
    let mut r = tandem_fuzz::oracle::Wasmtime::default();
    println!(
        "instantiate: tandem {:?}, wasmi {:?}, wasmtime {:?}",
        t.instantiate(&wasm),
        w.instantiate(&wasm),
        r.instantiate(&wasm)
    );
    let e = tandem::Engine::default();
    let m = tandem::Module::from_binary(&e, &wasm).expect("valid");
    let mut s = tandem::Store::new(&e, ());
    println!("tandem instantiate error: {:?}", tandem::Instance::new(&mut s, &m, &[]).err());
}
