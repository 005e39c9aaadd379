//! 128-bit SIMD behind `Config::wasm_simd` (interpreted in every tier:
//! the JIT leaves functions that use `v128` to the interpreter).

use tandem::{Config, Engine, Instance, Module, Store, Tier};

/// `v128` through params, locals, globals, memory, calls and `select`.
const MOVES: &str = r#"(module
  (global $g (mut v128) (v128.const i32x4 1 2 3 4))
  (memory 1)
  (func $add (param v128 v128) (result v128) (i32x4.add (local.get 0) (local.get 1)))
  (func (export "run") (param i32) (result i32)
    (local v128)
    (v128.store (i32.const 16) (i32x4.splat (local.get 0)))
    (local.set 1 (call $add (v128.load (i32.const 16)) (global.get $g)))
    (global.set $g (local.get 1))
    (i32.add
      (i32x4.extract_lane 3 (global.get $g))
      (i32x4.extract_lane 0 (select (local.get 1) (v128.const i64x2 0 0) (local.get 0))))))"#;

fn run(tier: Tier, text: &str, arg: i32) -> i32 {
    let mut cfg = Config::new();
    cfg.tier(tier).wasm_simd(true);
    let engine = Engine::new(&cfg);
    let module = Module::new(&engine, text).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst.get_typed_func::<i32, i32>(&mut store, "run").unwrap();
    f.call(&mut store, arg).unwrap()
}

/// The tiers this build has.
fn tiers() -> Vec<Tier> {
    let mut tiers = vec![Tier::Interp];
    if cfg!(feature = "jit") {
        tiers.extend([Tier::Jit, Tier::Tiered]);
    }
    tiers
}

#[test]
fn v128_values_move_through_locals_globals_memory_and_calls() {
    for tier in tiers() {
        // splat(10) + [1 2 3 4] = [11 12 13 14]: lane 3 + lane 0.
        assert_eq!(run(tier, MOVES, 10), 25, "{tier:?}");
        // select picks the zero vector when the condition is 0.
        assert_eq!(run(tier, MOVES, 0), 4, "{tier:?}");
    }
}

#[test]
fn simd_is_off_by_default_and_v128_does_not_cross_the_api_yet() {
    let engine = Engine::default();
    let err = Module::new(&engine, MOVES).unwrap_err();
    assert!(err.to_string().contains("wasm_simd"), "{err}");
    let mut cfg = Config::new();
    cfg.wasm_simd(true);
    let engine = Engine::new(&cfg);
    let module = Module::new(&engine, r#"(module (func (export "f") (result v128) (v128.const i64x2 1 2)))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst.get_func(&mut store, "f").unwrap();
    let mut out = [tandem::Val::I32(0)];
    let err = f.call(&mut store, &[], &mut out).unwrap_err();
    assert!(err.to_string().contains("v128"), "{err}");
}
