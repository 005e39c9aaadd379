//! Fuel: exhaustion traps, consumption is deterministic, and refuelling works.

use tandem::{Config, Engine, Instance, Module, Store, TrapCode};

const LOOP: &str = r#"(module (func (export "count") (param $n i32) (result i32) (local $i i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $i)))"#;

fn setup(fuel: u64) -> (Store<()>, tandem::TypedFunc<i32, i32>) {
    let mut cfg = Config::new();
    cfg.consume_fuel(true);
    let engine = Engine::new(&cfg);
    let module = Module::new(&engine, LOOP).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_fuel(fuel).unwrap();
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst.get_typed_func::<i32, i32>(&mut store, "count").unwrap();
    (store, f)
}

#[test]
fn infinite_work_runs_out_of_fuel() {
    let (mut store, f) = setup(10_000);
    let err = f.call(&mut store, i32::MAX).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::OutOfFuel));
    assert_eq!(store.get_fuel().unwrap(), 0);
    // Refuel and the same store runs again.
    store.set_fuel(1_000_000).unwrap();
    assert_eq!(f.call(&mut store, 10).unwrap(), 10);
}

#[test]
fn consumption_is_linear_and_deterministic() {
    let used = |n: i32| {
        let (mut store, f) = setup(1_000_000);
        assert_eq!(f.call(&mut store, n).unwrap(), n);
        1_000_000 - store.get_fuel().unwrap()
    };
    let (a, b, c) = (used(10), used(20), used(20));
    assert_eq!(b, c, "same execution, same fuel");
    // Each iteration executes the same 9 wasm instructions
    // (local.get, local.get, i32.ge_u, br_if, local.get, i32.const, i32.add, local.set, br).
    assert_eq!(b - a, 10 * 9);
}

#[test]
fn fuel_requires_config() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    assert!(store.set_fuel(5).is_err());
    assert!(store.get_fuel().is_err());
}
