//! Fused compare-and-branch instructions against Rust's own comparisons, on
//! edge values (NaN, signed zeros, infinities, extremes), for both fused
//! forms: `br_if` (jump when true) and `if` (jump to `else` when false).

use tandem::{Engine, Instance, Module, Store, Val};

const CMPS: [(&str, &str); 6] = [("eq", "=="), ("ne", "!="), ("lt", "<"), ("gt", ">"), ("le", "<="), ("ge", ">=")];

fn module_text(ty: &str) -> String {
    let mut text = String::from("(module\n");
    for (name, _) in CMPS {
        let op = match (ty, name) {
            ("i32" | "i64", "lt" | "gt" | "le" | "ge") => format!("{ty}.{name}_s"),
            _ => format!("{ty}.{name}"),
        };
        text += &format!(
            "(func (export \"if_{name}\") (param {ty} {ty}) (result i32)
               (if (result i32) ({op} (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 0))))
             (func (export \"br_{name}\") (param {ty} {ty}) (result i32)
               (block $yes (br_if $yes ({op} (local.get 0) (local.get 1))) (return (i32.const 0)))
               (i32.const 1))\n"
        );
    }
    text + ")"
}

fn check<T: Copy + PartialOrd + std::fmt::Debug>(ty: &str, values: &[T], to_val: impl Fn(T) -> Val) {
    let engine = Engine::default();
    let module = Module::new(&engine, module_text(ty)).expect("compiles");
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).expect("instantiates");
    for (name, sym) in CMPS {
        for form in ["if", "br"] {
            let f = inst.get_func(&mut store, &format!("{form}_{name}")).unwrap();
            for &a in values {
                for &b in values {
                    let want = match sym {
                        "==" => a == b,
                        "!=" => a != b,
                        "<" => a < b,
                        ">" => a > b,
                        "<=" => a <= b,
                        _ => a >= b,
                    };
                    let mut out = [Val::I32(-1)];
                    f.call(&mut store, &[to_val(a), to_val(b)], &mut out).unwrap();
                    assert_eq!(out[0], Val::I32(want as i32), "{ty} {form} {a:?} {sym} {b:?}");
                }
            }
        }
    }
}

#[test]
fn fused_branches_match_rust_comparisons() {
    check("i32", &[i32::MIN, -1, 0, 1, 7, i32::MAX], Val::I32);
    check("i64", &[i64::MIN, -1, 0, 1, 1 << 40, i64::MAX], Val::I64);
    let f32s = [f32::NAN, f32::NEG_INFINITY, -1.5, -0.0, 0.0, 2.0, f32::INFINITY];
    check("f32", &f32s, Val::from);
    let f64s = [f64::NAN, f64::NEG_INFINITY, -1.5, -0.0, 0.0, 2.0, f64::INFINITY];
    check("f64", &f64s, Val::from);
}
