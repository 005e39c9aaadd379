//! Inputs found by fuzzing, named after what they exercise.

use tandem::{Engine, Instance, Module, Store, Translation};

/// Found by the differential fuzz target: wasmi 2.0.0 traps with "integer
/// divide by zero" here, while Tandem and wasmtime 48 return 0. By hand:
/// local1 = local0 = 0, then `select(1, local1, eqz(local1))` = 1 is stored
/// back into local1, so the `rem_s` is 0 % 1.
#[test]
fn select_into_one_of_its_operand_locals() {
    let text = r#"(module (func (export "f") (param i32) (result i32) (local i32 i32)
        local.get 0
        i32.ctz
        i32.ctz
        i64.extend_i32_s
        i64.popcnt
        local.get 0
        local.get 0
        local.set 1
        i32.const 1
        local.get 1
        local.get 1
        i32.eqz
        select
        local.set 1
        local.set 2
        block
          block
            local.get 2
            local.get 1
            local.set 1
            local.tee 2
            i32.const -2147483648
            i32.ne
            br_if 0
            local.get 1
            i32.const -1
            i32.ne
            br_if 0
            i32.const 1
            local.set 1
            br 1
          end
        end
        local.get 2
        local.get 1
        i32.rem_s
        drop
        drop
        i32.const 0))"#;
    for mode in [Translation::Lazy, Translation::Eager] {
        let mut cfg = tandem::Config::new();
        cfg.translation(mode);
        let engine = Engine::new(&cfg);
        let module = Module::new(&engine, text).unwrap();
        let mut store = Store::new(&engine, ());
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        let f = inst.get_typed_func::<i32, i32>(&mut store, "f").unwrap();
        for arg in [0, 1, -1, i32::MIN] {
            assert_eq!(f.call(&mut store, arg).unwrap(), 0, "{mode:?} f({arg})");
        }
    }
}
