//! How much of a corpus exercises typed function references: of the
//! inputs a target generates them for, how many become a module Tandem
//! takes and how many of those use a typed-reference operator (`call_ref`,
//! `return_call_ref`, `ref.as_non_null`, `br_on_null`, `br_on_non_null`)
//! or a non-nullable or concrete reference type:
//!   cargo run --release --example census -- corpus/differential [tiers]
use wasmparser::{Operator, Payload, ValType};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let tiers = args.get(2).is_some_and(|t| t == "tiers");
    let (mut inputs, mut typed, mut compared, mut using) = (0, 0, 0, 0);
    for entry in std::fs::read_dir(&args[1]).expect("read the corpus directory") {
        let data = std::fs::read(entry.expect("entry").path()).expect("read an input");
        inputs += 1;
        let features = if tiers {
            tandem_fuzz::generate::tiers_features(&data)
        } else {
            tandem_fuzz::generate::differential_features(&data)
        };
        if !features.typed_refs {
            continue;
        }
        let mut u = arbitrary::Unstructured::new(&data);
        let Ok(wasm) = tandem_fuzz::generate::module_with(&mut u, features) else { continue };
        typed += 1;
        if tandem::Module::from_binary(&tandem::Engine::default(), &wasm).is_err() {
            continue;
        }
        compared += 1;
        using += uses_typed_refs(&wasm) as u32;
    }
    println!("{inputs} inputs, {typed} with typed references, {compared} taken by Tandem, {using} of them using them");
}

fn typed(t: &ValType) -> bool {
    matches!(t, ValType::Ref(r) if !r.is_nullable() || r.is_concrete_type_ref())
}

fn uses_typed_refs(wasm: &[u8]) -> bool {
    for payload in wasmparser::Parser::new(0).parse_all(wasm).flatten() {
        match payload {
            Payload::TypeSection(r) => {
                for group in r.into_iter().flatten() {
                    for t in group.types() {
                        if let wasmparser::CompositeInnerType::Func(f) = &t.composite_type.inner
                            && f.params().iter().chain(f.results()).any(typed)
                        {
                            return true;
                        }
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let Ok(mut ops) = body.get_operators_reader() else { continue };
                while !ops.eof() {
                    match ops.read() {
                        Ok(
                            Operator::CallRef { .. }
                            | Operator::ReturnCallRef { .. }
                            | Operator::RefAsNonNull
                            | Operator::BrOnNull { .. }
                            | Operator::BrOnNonNull { .. },
                        ) => return true,
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            }
            _ => {}
        }
    }
    false
}
