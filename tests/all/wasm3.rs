//! Wasm 3.0 features Tandem has (issue 22): each in every tier, with its
//! `Config` switch.

use super::simd::tiers;
use tandem::{Config, Engine, Global, GlobalType, Instance, Linker, Module, Store, Val, ValType};

/// Extended constant expressions: `i32`/`i64` `add`, `sub`, `mul` and
/// `global.get` of an imported global, in globals' initialisers and in data
/// and element segment offsets. (`global.get` of a defined global is Wasm
/// 3.0 too, but wasmparser accepts it only with its GC feature.)
const EXTENDED: &str = r#"(module
  (import "env" "base" (global $base i32))
  (global $scaled i64 (i64.mul (i64.const 1000) (i64.sub (i64.const 7) (i64.const 2))))
  (global $off i32 (i32.add (global.get $base) (i32.mul (i32.const 4) (i32.const 3))))
  (global $neg i32 (i32.sub (i32.const 0) (i32.add (global.get $base) (i32.const 12))))
  (memory 1)
  (table 8 funcref)
  (data (i32.add (global.get $base) (i32.const 2)) "\2a")
  (elem (i32.sub (global.get $base) (i32.const 98)) func $seven)
  (func $seven (result i32) (i32.const 7))
  (func (export "scaled") (result i64) (global.get $scaled))
  (func (export "neg") (result i32) (global.get $neg))
  (func (export "off") (result i32) (global.get $off))
  (func (export "byte") (result i32) (i32.load8_u (i32.const 102)))
  (func (export "elem") (result i32) (call_indirect (result i32) (i32.const 2))))"#;

#[test]
fn extended_constant_expressions_in_globals_and_segment_offsets() {
    for tier in tiers() {
        let mut cfg = Config::new();
        cfg.tier(tier);
        let engine = Engine::new(&cfg);
        let module = Module::new(&engine, EXTENDED).unwrap();
        let mut store = Store::new(&engine, ());
        let base = Global::new(&mut store, GlobalType { ty: ValType::I32, mutable: false }, Val::I32(100)).unwrap();
        let mut linker = Linker::new(&engine);
        linker.define("env", "base", base).unwrap();
        let inst: Instance = linker.instantiate(&mut store, &module).unwrap();
        let call_i32 = |store: &mut Store<()>, name: &str| {
            inst.get_typed_func::<(), i32>(&mut *store, name).unwrap().call(&mut *store, ()).unwrap()
        };
        // 1000 * (7 - 2); -(100 + 4 * 3); the byte at 100 + 2; the function at 100 - 98.
        let scaled = inst.get_typed_func::<(), i64>(&mut store, "scaled").unwrap();
        assert_eq!(scaled.call(&mut store, ()).unwrap(), 5000, "{tier:?}");
        assert_eq!(call_i32(&mut store, "neg"), -112, "{tier:?}");
        assert_eq!(call_i32(&mut store, "off"), 112, "{tier:?}");
        assert_eq!(call_i32(&mut store, "byte"), 42, "{tier:?}");
        assert_eq!(call_i32(&mut store, "elem"), 7, "{tier:?}");
    }
}

#[test]
fn extended_constants_are_on_by_default_and_can_be_switched_off() {
    assert!(Module::new(&Engine::default(), EXTENDED).is_ok());
    let mut cfg = Config::new();
    cfg.wasm_extended_const(false);
    let err = Module::new(&Engine::new(&cfg), EXTENDED).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("unsupported feature") && msg.contains("wasm_extended_const"), "{msg}");
}

/// Wide arithmetic, hand-checked in every tier: carries and borrows across
/// the halves, signed and unsigned 128-bit products, results written over
/// their operands' temporaries and into locals.
const WIDE: &str = r#"(module
  (func (export "add") (param i64 i64 i64 i64) (result i64 i64)
    (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "sub") (param i64 i64 i64 i64) (result i64 i64)
    (i64.sub128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "mul_s") (param i64 i64) (result i64 i64)
    (i64.mul_wide_s (local.get 0) (local.get 1)))
  (func (export "mul_u") (param i64 i64) (result i64 i64)
    (i64.mul_wide_u (local.get 0) (local.get 1)))
  ;; (x * y) + (x * y) as 128-bit numbers, through locals: the high half
  ;; xor the low half.
  (func (export "chain") (param i64 i64) (result i64) (local i64 i64)
    (i64.mul_wide_u (local.get 0) (local.get 1))
    (local.set 3) (local.set 2)
    (i64.add128 (local.get 2) (local.get 3)
      (i64.mul_wide_u (i64.add (local.get 0) (i64.const 0)) (local.get 1)))
    (i64.xor)))"#;

#[test]
fn wide_arithmetic_in_every_tier() {
    let m = u64::MAX;
    for tier in tiers() {
        let mut cfg = Config::new();
        cfg.tier(tier).wasm_wide_arithmetic(true);
        let engine = Engine::new(&cfg);
        let module = Module::new(&engine, WIDE).unwrap();
        let mut store = Store::new(&engine, ());
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        let add = inst.get_typed_func::<(u64, u64, u64, u64), (u64, u64)>(&mut store, "add").unwrap();
        let sub = inst.get_typed_func::<(u64, u64, u64, u64), (u64, u64)>(&mut store, "sub").unwrap();
        let mul_s = inst.get_typed_func::<(i64, i64), (u64, u64)>(&mut store, "mul_s").unwrap();
        let mul_u = inst.get_typed_func::<(u64, u64), (u64, u64)>(&mut store, "mul_u").unwrap();
        let chain = inst.get_typed_func::<(u64, u64), u64>(&mut store, "chain").unwrap();
        // (2^64 - 1) + 1 carries into the high half; 2^128 - 1 + 1 wraps to 0.
        assert_eq!(add.call(&mut store, (m, 0, 1, 0)).unwrap(), (0, 1), "{tier:?}");
        assert_eq!(add.call(&mut store, (m, m, 1, 0)).unwrap(), (0, 0), "{tier:?}");
        // 2^64 - 1 borrows from the high half; 0 - 1 wraps to 2^128 - 1.
        assert_eq!(sub.call(&mut store, (0, 1, 1, 0)).unwrap(), (m, 0), "{tier:?}");
        assert_eq!(sub.call(&mut store, (0, 0, 1, 0)).unwrap(), (m, m), "{tier:?}");
        // -1 * 2 = -2 as 128 bits; (2^64 - 1)^2 = 2^128 - 2^65 + 1.
        assert_eq!(mul_s.call(&mut store, (-1, 2)).unwrap(), (m - 1, m), "{tier:?}");
        assert_eq!(mul_s.call(&mut store, (i64::MIN, i64::MIN)).unwrap(), (0, 1 << 62), "{tier:?}");
        assert_eq!(mul_u.call(&mut store, (m, m)).unwrap(), (1, m - 1), "{tier:?}");
        // 2 * (2^63 * 3) = 3 * 2^64: low 0, high 3.
        assert_eq!(chain.call(&mut store, (1 << 63, 3)).unwrap(), 3, "{tier:?}");
    }
}

#[test]
fn wide_arithmetic_is_off_by_default_and_names_its_switch() {
    let err = Module::new(&Engine::default(), WIDE).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("unsupported feature") && msg.contains("wasm_wide_arithmetic"), "{msg}");
}
