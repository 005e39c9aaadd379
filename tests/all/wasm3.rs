//! Wasm 3.0 features Tandem has (issue 22): each in every tier, with its
//! `Config` switch.

use super::simd::tiers;
use tandem::{
    Config, Engine, Global, GlobalType, Instance, Linker, Memory, MemoryType, Module, Store, Table, TableType, Tier,
    Translation, Val, ValType,
};

/// Extended constant expressions: `i32`/`i64` `add`, `sub`, `mul` and
/// `global.get` of an imported global, in globals' initialisers and in data
/// and element segment offsets. (`global.get` of a defined global comes
/// with typed function references: `TYPED`.)
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

/// Three memories: memory 0 (2 pages), `$a` (1 page, at most 2, with a
/// data segment) and `$b`, imported from the host. Every access names a
/// memory other than 0, so the twins of the loads and stores (scalar and
/// SIMD), the memory instructions and the copy between two memories all
/// run, and each bounds check must use its own memory's length (memory 0
/// is the largest).
const MULTI: &str = r#"(module
  (import "env" "b" (memory $b 1))
  (memory $zero 2)
  (memory $a 1 2)
  (data (memory $a) (i32.const 8) "\01\02\03\04\05\06\07\08")
  (data $seg "hello")
  (export "a" (memory $a))
  (func (export "load_a") (param i32) (result i32) (i32.load $a offset=4 (local.get 0)))
  (func (export "load8_b") (param i32) (result i32) (i32.load8_u $b (local.get 0)))
  (func (export "store_a") (param i32 i64) (i64.store $a offset=1 (local.get 0) (local.get 1)))
  (func (export "copy_a_to_b") (param i32 i32 i32) (memory.copy $b $a (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill_b") (param i32 i32 i32) (memory.fill $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init_b") (param i32) (memory.init $b $seg (local.get 0) (i32.const 0) (i32.const 5)))
  (func (export "grow_a") (param i32) (result i32) (memory.grow $a (local.get 0)))
  (func (export "sizes") (result i32)
    (i32.add (i32.mul (memory.size $zero) (i32.const 100))
      (i32.add (i32.mul (memory.size $a) (i32.const 10)) (memory.size $b))))
  ;; v128 from $a (bytes 8..24) to $b at 32, plus one lane stored alone.
  (func (export "simd") (result i64)
    (v128.store $b (i32.const 32) (i8x16.add (v128.load $a (i32.const 8)) (v128.load $a (i32.const 8))))
    (v128.store32_lane $b 1 (i32.const 48) (v128.load $a (i32.const 8)))
    (i64.load $b (i32.const 32)))
  ;; Sums memory $a's bytes 0..n into memory $b at 0, one byte at a time
  ;; (long enough to tier up and to enter compiled code by OSR).
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load8_u $a (local.get $i))))
      (i32.store $b (i32.const 0) (local.get $s))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.load $b (i32.const 0))))"#;

/// The message of the trap `r` holds.
fn trap(r: tandem::Result<()>) -> String {
    r.unwrap_err().to_string()
}

/// An instance of `MULTI` in `tier`, with memory `$b` from the host.
fn multi(tier: Tier) -> (Store<()>, Instance, Memory) {
    let mut cfg = Config::new();
    cfg.tier(tier);
    if tier == Tier::Tiered {
        cfg.tier_up_thresholds(2, 3).background_compilation(false);
    }
    let engine = Engine::new(&cfg);
    let module = Module::new(&engine, MULTI).unwrap();
    let mut store = Store::new(&engine, ());
    let b = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("env", "b", b).unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    (store, inst, b)
}

#[test]
fn multiple_memories_in_every_tier() {
    for tier in tiers() {
        let (mut store, inst, b) = multi(tier);
        let a = inst.get_memory(&mut store, "a").unwrap();
        let load_a = inst.get_typed_func::<i32, i32>(&mut store, "load_a").unwrap();
        // Bytes 12..16 of the data segment, little endian.
        assert_eq!(load_a.call(&mut store, 8).unwrap(), 0x0807_0605, "{tier:?}");
        // $a has one page (memory 0 has two): 65534 + 4 is past its end.
        assert!(trap(load_a.call(&mut store, 65530).map(drop)).contains("out of bounds"), "{tier:?}");
        let store_a = inst.get_typed_func::<(i32, i64), ()>(&mut store, "store_a").unwrap();
        store_a.call(&mut store, (99, 0x1122_3344_5566_7788)).unwrap();
        assert_eq!(a.data(&store)[100..108], 0x1122_3344_5566_7788u64.to_le_bytes(), "{tier:?}");
        assert!(trap(store_a.call(&mut store, (65528, 0))).contains("out of bounds"), "{tier:?}");
        // A copy between two memories, then a fill and an init of $b.
        let copy = inst.get_typed_func::<(i32, i32, i32), ()>(&mut store, "copy_a_to_b").unwrap();
        copy.call(&mut store, (1000, 8, 8)).unwrap();
        assert_eq!(b.data(&store)[1000..1008], [1, 2, 3, 4, 5, 6, 7, 8], "{tier:?}");
        assert!(trap(copy.call(&mut store, (0, 65535, 2))).contains("out of bounds"), "{tier:?}");
        let fill = inst.get_typed_func::<(i32, i32, i32), ()>(&mut store, "fill_b").unwrap();
        fill.call(&mut store, (2000, 0xab, 3)).unwrap();
        assert_eq!(b.data(&store)[1999..2004], [0, 0xab, 0xab, 0xab, 0], "{tier:?}");
        let init = inst.get_typed_func::<i32, ()>(&mut store, "init_b").unwrap();
        init.call(&mut store, 3000).unwrap();
        assert_eq!(&b.data(&store)[3000..3005], b"hello", "{tier:?}");
        let load8_b = inst.get_typed_func::<i32, i32>(&mut store, "load8_b").unwrap();
        assert_eq!(load8_b.call(&mut store, 3001).unwrap(), b'e' as i32, "{tier:?}");
        // Byte lanes doubled: 2, 4, .., 16 at 32..40 of $b; lane 1 (bytes 5..9) at 48.
        let simd = inst.get_typed_func::<(), i64>(&mut store, "simd").unwrap();
        assert_eq!(simd.call(&mut store, ()).unwrap(), i64::from_le_bytes([2, 4, 6, 8, 10, 12, 14, 16]), "{tier:?}");
        assert_eq!(b.data(&store)[48..52], [5, 6, 7, 8], "{tier:?}");
        // Sizes in pages, as 100 * zero + 10 * a + b; $a grows to its maximum.
        let sizes = inst.get_typed_func::<(), i32>(&mut store, "sizes").unwrap();
        assert_eq!(sizes.call(&mut store, ()).unwrap(), 211, "{tier:?}");
        let grow_a = inst.get_typed_func::<i32, i32>(&mut store, "grow_a").unwrap();
        assert_eq!(grow_a.call(&mut store, 1).unwrap(), 1, "{tier:?}");
        assert_eq!(grow_a.call(&mut store, 1).unwrap(), -1, "{tier:?}");
        assert_eq!(sizes.call(&mut store, ()).unwrap(), 221, "{tier:?}");
        // Grown, $a now holds the access that trapped.
        assert_eq!(load_a.call(&mut store, 65530).unwrap(), 0, "{tier:?}");
        // The host grows $b: compiled code sees the new length at once.
        assert!(trap(load8_b.call(&mut store, 70000).map(drop)).contains("out of bounds"), "{tier:?}");
        b.grow(&mut store, 1).unwrap();
        assert_eq!(load8_b.call(&mut store, 70000).unwrap(), 0, "{tier:?}");
        // 1..=8 from the segment, then zeros, then the 0x88 0x77 .. stored at 100.
        let sum = inst.get_typed_func::<i32, i32>(&mut store, "sum").unwrap();
        let want: i32 = (1..=8).sum::<i32>() + [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11].iter().sum::<i32>();
        for _ in 0..3 {
            assert_eq!(sum.call(&mut store, 4096).unwrap(), want, "{tier:?}");
        }
    }
}

#[test]
fn multiple_memories_are_on_by_default_and_can_be_switched_off() {
    let mut cfg = Config::new();
    cfg.wasm_multi_memory(false);
    let err = Module::new(&Engine::new(&cfg), MULTI).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("unsupported feature") && msg.contains("wasm_multi_memory"), "{msg}");
}

/// A body that uses a switched-off feature is refused as unsupported,
/// naming the switch, also when bodies are validated by the translator
/// (eager translation) rather than with the module.
#[test]
fn a_switched_off_feature_in_a_body_is_unsupported_in_every_translation_mode() {
    for translation in [Translation::Lazy, Translation::Eager] {
        let mut cfg = Config::new();
        cfg.translation(translation);
        let err = Module::new(&Engine::new(&cfg), WIDE).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("unsupported feature") && msg.contains("wasm_wide_arithmetic"), "{msg}");
        // A malformed body stays malformed.
        let bad = "(module (func (i32.add (i32.const 1))))";
        let msg = Module::new(&Engine::new(&cfg), bad).unwrap_err().to_string();
        assert!(msg.starts_with("invalid module"), "{msg}");
    }
}

/// A 64-bit memory next to a 32-bit one: `i64` addresses, offsets past
/// 2^32, an access whose end overflows 2^64 (a trap, not a wrapped
/// address), `i64` sizes and growth results, bulk operations with `i64`
/// operands, and a copy from the 64-bit memory to the 32-bit one (whose
/// length is an `i32`).
const MEM64: &str = r#"(module
  (memory $m i64 1 3)
  (memory $small 1)
  (func (export "load") (param i64) (result i64) (i64.load $m (local.get 0)))
  (func (export "load_far") (param i64) (result i32) (i32.load8_u $m offset=0x100000000 (local.get 0)))
  (func (export "store") (param i64 i32) (i32.store16 $m offset=2 (local.get 0) (local.get 1)))
  (func (export "simd") (param i64) (result i32)
    (i8x16.extract_lane_u 3 (v128.load $m offset=1 (local.get 0))))
  (func (export "size") (result i64) (memory.size $m))
  (func (export "grow") (param i64) (result i64) (memory.grow $m (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_to_small") (param i32 i64 i32) (memory.copy $small $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "small") (param i32) (result i32) (i32.load8_u $small (local.get 0))))"#;

#[test]
fn memory64_in_every_tier() {
    for tier in tiers() {
        let mut cfg = Config::new();
        cfg.tier(tier);
        let engine = Engine::new(&cfg);
        let module = Module::new(&engine, MEM64).unwrap();
        let mut store = Store::new(&engine, ());
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        let load = inst.get_typed_func::<i64, i64>(&mut store, "load").unwrap();
        let load_far = inst.get_typed_func::<i64, i32>(&mut store, "load_far").unwrap();
        let store16 = inst.get_typed_func::<(i64, i32), ()>(&mut store, "store").unwrap();
        let simd = inst.get_typed_func::<i64, i32>(&mut store, "simd").unwrap();
        let size = inst.get_typed_func::<(), i64>(&mut store, "size").unwrap();
        let grow = inst.get_typed_func::<i64, i64>(&mut store, "grow").unwrap();
        let fill = inst.get_typed_func::<(i64, i32, i64), ()>(&mut store, "fill").unwrap();
        let copy = inst.get_typed_func::<(i32, i64, i32), ()>(&mut store, "copy_to_small").unwrap();
        let small = inst.get_typed_func::<i32, i32>(&mut store, "small").unwrap();
        store16.call(&mut store, (100, 0x1234)).unwrap();
        // The i16 lands at 102..104: the top two bytes of the i64 at 96.
        assert_eq!(load.call(&mut store, 96).unwrap(), 0x1234_0000_0000_0000, "{tier:?}");
        // Lane 3 of the v128 at 98 + 1 is byte 102.
        assert_eq!(simd.call(&mut store, 98).unwrap(), 0x34, "{tier:?}");
        // The last 8 bytes of the page, then one past; addresses that only
        // wrap modulo 2^32 or 2^64 into the page trap.
        assert_eq!(load.call(&mut store, 65528).unwrap(), 0, "{tier:?}");
        for addr in [65529, 1 << 32, (1 << 32) + 96, -1, -8, i64::MIN] {
            assert!(trap(load.call(&mut store, addr).map(drop)).contains("out of bounds"), "{tier:?} {addr}");
        }
        // An offset past 2^32 on a small memory, and an address that makes
        // the offset's sum overflow 2^64.
        for addr in [0, -0x1_0000_0000, -1] {
            assert!(trap(load_far.call(&mut store, addr).map(drop)).contains("out of bounds"), "{tier:?} {addr}");
        }
        assert!(trap(store16.call(&mut store, (-2, 0))).contains("out of bounds"), "{tier:?}");
        // Sizes and growth are i64: to the maximum (3 pages), then -1.
        assert_eq!(size.call(&mut store, ()).unwrap(), 1, "{tier:?}");
        assert_eq!(grow.call(&mut store, 2).unwrap(), 1, "{tier:?}");
        assert_eq!(grow.call(&mut store, 1).unwrap(), -1, "{tier:?}");
        assert_eq!(grow.call(&mut store, 1 << 40).unwrap(), -1, "{tier:?}");
        assert_eq!(grow.call(&mut store, -1).unwrap(), -1, "{tier:?}");
        assert_eq!(size.call(&mut store, ()).unwrap(), 3, "{tier:?}");
        assert_eq!(load.call(&mut store, 3 * 65536 - 8).unwrap(), 0, "{tier:?}");
        // Bulk operations with i64 operands; a length past 2^32 traps.
        fill.call(&mut store, (70000, 7, 3)).unwrap();
        assert_eq!(load.call(&mut store, 69999).unwrap(), 0x0707_0700, "{tier:?}");
        assert!(trap(fill.call(&mut store, (0, 1, 1 << 32))).contains("out of bounds"), "{tier:?}");
        assert!(trap(fill.call(&mut store, (-1, 1, 2))).contains("out of bounds"), "{tier:?}");
        copy.call(&mut store, (10, 70000, 3)).unwrap();
        assert_eq!(small.call(&mut store, 12).unwrap(), 7, "{tier:?}");
        assert!(trap(copy.call(&mut store, (0, 1 << 32, 1))).contains("out of bounds"), "{tier:?}");
    }
}

#[test]
fn memory64_types_in_the_api_and_limits_past_4_gib() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let m = Memory::new(&mut store, MemoryType::new64(1, Some(1 << 40))).unwrap();
    assert!(m.ty(&store).is_64());
    assert!(!MemoryType::new(1, None).is_64());
    // A 32-bit memory does not satisfy a 64-bit import, nor the reverse.
    let wants64 = Module::new(&engine, r#"(module (import "env" "m" (memory i64 1)))"#).unwrap();
    let wants32 = Module::new(&engine, r#"(module (import "env" "m" (memory 1)))"#).unwrap();
    let m32 = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("env", "m", m).unwrap();
    assert!(linker.instantiate(&mut store, &wants64).is_ok());
    assert!(linker.instantiate(&mut store, &wants32).is_err());
    let mut linker = Linker::new(&engine);
    linker.define("env", "m", m32).unwrap();
    let err = linker.instantiate(&mut store, &wants64).unwrap_err().to_string();
    assert!(err.contains("i64"), "{err}");
    // Limits past 4 GiB validate; the store's limits (4 GiB by default)
    // refuse to create such a memory, and growth past them gives -1.
    let huge = Module::new(&engine, r#"(module (memory i64 0x10001))"#).unwrap();
    assert!(Instance::new(&mut store, &huge, &[]).is_err());
    let grows = r#"(module (memory i64 1) (func (export "g") (result i64) (memory.grow (i64.const 0x10000))))"#;
    let grows = Module::new(&engine, grows).unwrap();
    let inst = Instance::new(&mut store, &grows, &[]).unwrap();
    let g = inst.get_typed_func::<(), i64>(&mut store, "g").unwrap();
    assert_eq!(g.call(&mut store, ()).unwrap(), -1);
    let mut cfg = Config::new();
    cfg.wasm_memory64(false);
    let msg = Module::new(&Engine::new(&cfg), MEM64).unwrap_err().to_string();
    assert!(msg.starts_with("unsupported feature") && msg.contains("wasm_memory64"), "{msg}");
}

/// A 64-bit table next to a 32-bit one: `i64` indices in every table
/// instruction and in `call_indirect`, `i64` sizes and growth results, and
/// indices past 2^32 out of bounds (never wrapped onto a valid element).
const TABLE64: &str = r#"(module
  (type $ret (func (result i32)))
  (table $t i64 2 10 funcref)
  (table $s 4 funcref)
  (elem (table $t) (i64.const 0) func $one $two)
  (elem $e func $one)
  (func $one (result i32) (i32.const 1))
  (func $two (result i32) (i32.const 2))
  (func (export "call") (param i64) (result i32) (call_indirect $t (type $ret) (local.get 0)))
  (func (export "size") (result i64) (table.size $t))
  (func (export "grow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "is_null") (param i64) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "set") (param i64 i64) (table.set $t (local.get 0) (table.get $t (local.get 1))))
  (func (export "fill") (param i64 i64) (table.fill $t (local.get 0) (ref.func $two) (local.get 1)))
  (func (export "copy_to_s") (param i32 i64 i32) (table.copy $s $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "call_s") (param i32) (result i32) (call_indirect $s (type $ret) (local.get 0)))
  (func (export "init") (param i64) (table.init $t $e (local.get 0) (i32.const 0) (i32.const 1))))"#;

#[test]
fn table64_in_every_tier() {
    let far = 1i64 << 32;
    for tier in tiers() {
        let mut cfg = Config::new();
        cfg.tier(tier);
        let engine = Engine::new(&cfg);
        let module = Module::new(&engine, TABLE64).unwrap();
        let mut store = Store::new(&engine, ());
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        let call = inst.get_typed_func::<i64, i32>(&mut store, "call").unwrap();
        let size = inst.get_typed_func::<(), i64>(&mut store, "size").unwrap();
        let grow = inst.get_typed_func::<i64, i64>(&mut store, "grow").unwrap();
        let is_null = inst.get_typed_func::<i64, i32>(&mut store, "is_null").unwrap();
        let set = inst.get_typed_func::<(i64, i64), ()>(&mut store, "set").unwrap();
        let fill = inst.get_typed_func::<(i64, i64), ()>(&mut store, "fill").unwrap();
        let copy = inst.get_typed_func::<(i32, i64, i32), ()>(&mut store, "copy_to_s").unwrap();
        let call_s = inst.get_typed_func::<i32, i32>(&mut store, "call_s").unwrap();
        let init = inst.get_typed_func::<i64, ()>(&mut store, "init").unwrap();
        let oob = |r: tandem::Result<()>| trap(r).contains("out of bounds");
        assert_eq!(call.call(&mut store, 0).unwrap(), 1, "{tier:?}");
        assert_eq!(call.call(&mut store, 1).unwrap(), 2, "{tier:?}");
        for i in [2, far, far + 1, -1, i64::MIN] {
            assert!(oob(call.call(&mut store, i).map(drop)), "{tier:?} {i}");
            assert!(oob(is_null.call(&mut store, i).map(drop)), "{tier:?} {i}");
        }
        assert_eq!(size.call(&mut store, ()).unwrap(), 2, "{tier:?}");
        assert_eq!(grow.call(&mut store, 3).unwrap(), 2, "{tier:?}");
        for d in [6, far, far + 1, -1] {
            assert_eq!(grow.call(&mut store, d).unwrap(), -1, "{tier:?} {d}");
        }
        assert_eq!(size.call(&mut store, ()).unwrap(), 5, "{tier:?}");
        assert_eq!(is_null.call(&mut store, 4).unwrap(), 1, "{tier:?}");
        set.call(&mut store, (4, 0)).unwrap();
        assert_eq!(call.call(&mut store, 4).unwrap(), 1, "{tier:?}");
        assert!(oob(set.call(&mut store, (far, 0))), "{tier:?}");
        fill.call(&mut store, (2, 2)).unwrap();
        assert_eq!((call.call(&mut store, 2).unwrap(), call.call(&mut store, 3).unwrap()), (2, 2), "{tier:?}");
        assert!(oob(fill.call(&mut store, (4, far))), "{tier:?}");
        assert!(oob(fill.call(&mut store, (far, 0))), "{tier:?}");
        // $s[0..2] = $t[3..5] = two, one.
        copy.call(&mut store, (0, 3, 2)).unwrap();
        assert_eq!((call_s.call(&mut store, 0).unwrap(), call_s.call(&mut store, 1).unwrap()), (2, 1), "{tier:?}");
        assert!(oob(copy.call(&mut store, (0, far, 1))), "{tier:?}");
        init.call(&mut store, 1).unwrap();
        assert_eq!(call.call(&mut store, 1).unwrap(), 1, "{tier:?}");
        assert!(oob(init.call(&mut store, -1)), "{tier:?}");
    }
}

#[test]
fn table64_types_in_the_api() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let t64 = Table::new(&mut store, TableType::new64(ValType::FUNCREF, 1, None), Val::FuncRef(None)).unwrap();
    assert!(t64.ty(&store).is_64());
    let t32 = Table::new(&mut store, TableType::new(ValType::FUNCREF, 1, None), Val::FuncRef(None)).unwrap();
    assert!(!t32.ty(&store).is_64());
    let wants64 = Module::new(&engine, r#"(module (import "env" "t" (table i64 1 funcref)))"#).unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("env", "t", t64).unwrap();
    assert!(linker.instantiate(&mut store, &wants64).is_ok());
    let mut linker = Linker::new(&engine);
    linker.define("env", "t", t32).unwrap();
    let err = linker.instantiate(&mut store, &wants64).unwrap_err().to_string();
    assert!(err.contains("i64"), "{err}");
}

/// Memories of one-byte pages (custom page sizes), 32- and 64-bit, beside
/// a memory 0 of 64 KiB pages: sizes and growth count bytes, and bounds are
/// exact to the byte.
const BYTE_PAGES: &str = r#"(module
  (memory $big 1)
  (memory $b 5 (pagesize 1))
  (memory $w i64 3 10 (pagesize 1))
  (func (export "size") (result i32) (memory.size $b))
  (func (export "grow") (param i32) (result i32) (memory.grow $b (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load8_u $b (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store16 $b (local.get 0) (local.get 1)))
  (func (export "size64") (result i64) (memory.size $w))
  (func (export "grow64") (param i64) (result i64) (memory.grow $w (local.get 0)))
  (func (export "load64") (param i64) (result i32) (i32.load8_u $w (local.get 0)))
  (func (export "big") (result i32) (memory.size $big)))"#;

#[test]
fn custom_page_sizes_in_every_tier() {
    for tier in tiers() {
        let mut cfg = Config::new();
        cfg.tier(tier).wasm_custom_page_sizes(true);
        let engine = Engine::new(&cfg);
        let module = Module::new(&engine, BYTE_PAGES).unwrap();
        let mut store = Store::new(&engine, ());
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        let size = inst.get_typed_func::<(), i32>(&mut store, "size").unwrap();
        let grow = inst.get_typed_func::<i32, i32>(&mut store, "grow").unwrap();
        let load = inst.get_typed_func::<i32, i32>(&mut store, "load").unwrap();
        let store16 = inst.get_typed_func::<(i32, i32), ()>(&mut store, "store").unwrap();
        let size64 = inst.get_typed_func::<(), i64>(&mut store, "size64").unwrap();
        let grow64 = inst.get_typed_func::<i64, i64>(&mut store, "grow64").unwrap();
        let load64 = inst.get_typed_func::<i64, i32>(&mut store, "load64").unwrap();
        let big = inst.get_typed_func::<(), i32>(&mut store, "big").unwrap();
        assert_eq!(size.call(&mut store, ()).unwrap(), 5, "{tier:?}");
        assert_eq!(big.call(&mut store, ()).unwrap(), 1, "{tier:?}");
        store16.call(&mut store, (3, 0x0201)).unwrap();
        assert_eq!((load.call(&mut store, 3).unwrap(), load.call(&mut store, 4).unwrap()), (1, 2), "{tier:?}");
        assert!(trap(load.call(&mut store, 5).map(drop)).contains("out of bounds"), "{tier:?}");
        assert!(trap(store16.call(&mut store, (4, 0))).contains("out of bounds"), "{tier:?}");
        // One more byte: now the store at 4 fits, and byte 5 reads 0.
        assert_eq!(grow.call(&mut store, 1).unwrap(), 5, "{tier:?}");
        assert_eq!(size.call(&mut store, ()).unwrap(), 6, "{tier:?}");
        store16.call(&mut store, (4, 0x0403)).unwrap();
        assert_eq!(load.call(&mut store, 5).unwrap(), 4, "{tier:?}");
        assert!(trap(load.call(&mut store, 6).map(drop)).contains("out of bounds"), "{tier:?}");
        // The 64-bit memory of byte pages grows to its maximum of 10 bytes.
        assert_eq!(size64.call(&mut store, ()).unwrap(), 3, "{tier:?}");
        assert_eq!(grow64.call(&mut store, 7).unwrap(), 3, "{tier:?}");
        assert_eq!(grow64.call(&mut store, 1).unwrap(), -1, "{tier:?}");
        assert_eq!(load64.call(&mut store, 9).unwrap(), 0, "{tier:?}");
        assert!(trap(load64.call(&mut store, 10).map(drop)).contains("out of bounds"), "{tier:?}");
    }
}

#[test]
fn custom_page_sizes_are_off_by_default_and_checked_at_link_time() {
    let msg = Module::new(&Engine::default(), BYTE_PAGES).unwrap_err().to_string();
    assert!(msg.starts_with("unsupported feature") && msg.contains("wasm_custom_page_sizes"), "{msg}");
    let mut cfg = Config::new();
    cfg.wasm_custom_page_sizes(true);
    let engine = Engine::new(&cfg);
    let mut store = Store::new(&engine, ());
    let bytes = Memory::new(&mut store, MemoryType::new(100, None).with_page_size_log2(0)).unwrap();
    assert_eq!((bytes.size(&store), bytes.data_size(&store), bytes.ty(&store).page_size()), (100, 100, 1));
    let wants = Module::new(&engine, r#"(module (import "env" "m" (memory 1)))"#).unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("env", "m", bytes).unwrap();
    let err = linker.instantiate(&mut store, &wants).unwrap_err().to_string();
    assert!(err.contains("pages of 1 bytes") && err.contains("pages of 65536 bytes"), "{err}");
}

/// Tail calls: direct, indirect and imported (a host function as the tail
/// callee), to interpreted and to compiled callees (`leaf` makes no tail
/// call, so the JIT compiles it), from a caller the JIT compiles (`drive`).
const TAIL: &str = r#"(module
  (import "env" "host" (func $host (param i64) (result i64)))
  (type $t (func (param i64 i64) (result i64)))
  (table funcref (elem $even $odd))
  (func $even (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (return_call $leaf (local.get $acc)))
      (else (return_call $odd (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (i64.const 3))))))
  (func $odd (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (return_call $host (local.get $acc)))
      (else
        (return_call_indirect (type $t)
          (i64.sub (local.get $n) (i64.const 1)) (i64.xor (local.get $acc) (local.get $n)) (i32.const 0)))))
  (func $leaf (param i64) (result i64) (i64.mul (local.get 0) (i64.const 10)))
  ;; Two results through a chain of tail calls: (F(n), F(n + 1)), wrapping.
  (func $fib (param i64 i64 i64) (result i64 i64)
    (if (result i64 i64) (i64.eqz (local.get 0))
      (then (local.get 1) (local.get 2))
      (else
        (return_call $fib (i64.sub (local.get 0) (i64.const 1)) (local.get 2) (i64.add (local.get 1) (local.get 2))))))
  (func (export "fib2") (param i64) (result i64 i64) (return_call $fib (local.get 0) (i64.const 0) (i64.const 1)))
  (func (export "chain") (param i64) (result i64) (call $even (local.get 0) (i64.const 0)))
  (func (export "drive") (param i32) (result i64) (local $s i64)
    (loop $l
      (local.set $s (i64.add (local.get $s) (call $even (i64.extend_i32_u (local.get 0)) (i64.const 0))))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get $s)))"#;

/// `chain(n)` of `TAIL`, computed step by step (the host function negates).
fn tail_model(mut n: i64) -> i64 {
    let (mut acc, mut even) = (0i64, true);
    loop {
        match (even, n) {
            (true, 0) => return acc.wrapping_mul(10),
            (false, 0) => return acc.wrapping_neg(),
            (true, _) => (n, acc) = (n - 1, acc.wrapping_add(3)),
            (false, _) => (n, acc) = (n - 1, acc ^ n),
        }
        even = !even;
    }
}

/// An instance of `text` in `tier` (tiered: compiled on the 2nd call or
/// 3rd iteration), with a call-depth limit of 100 (a tail call must not
/// take a level) and `env.host` negating its `i64`.
fn tail_instance(tier: Tier, text: &str) -> (Store<()>, Instance) {
    let mut cfg = Config::new();
    cfg.tier(tier).max_call_depth(100);
    if tier == Tier::Tiered {
        cfg.tier_up_thresholds(2, 3).background_compilation(false);
    }
    let engine = Engine::new(&cfg);
    let module = Module::new(&engine, text).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.func_wrap("env", "host", |x: i64| x.wrapping_neg()).unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    (store, inst)
}

#[test]
fn tail_calls_run_in_constant_space_in_every_tier() {
    for tier in tiers() {
        let (mut store, inst) = tail_instance(tier, TAIL);
        let chain = inst.get_typed_func::<i64, i64>(&mut store, "chain").unwrap();
        for n in [0, 1, 2, 7, 10_000_000, 10_000_001] {
            assert_eq!(chain.call(&mut store, n).unwrap(), tail_model(n), "{tier:?} {n}");
        }
        let fib2 = inst.get_typed_func::<i64, (i64, i64)>(&mut store, "fib2").unwrap();
        for n in [0i64, 1, 90, 1_000_000] {
            let (mut a, mut b) = (0i64, 1i64);
            for _ in 0..n {
                (a, b) = (b, a.wrapping_add(b));
            }
            assert_eq!(fib2.call(&mut store, n).unwrap(), (a, b), "{tier:?} {n}");
        }
        let drive = inst.get_typed_func::<i32, i64>(&mut store, "drive").unwrap();
        let want: i64 = (1..=20).map(|n| tail_model(n as i64)).fold(0, i64::wrapping_add);
        assert_eq!(drive.call(&mut store, 20).unwrap(), want, "{tier:?}");
    }
}

#[test]
fn tail_calls_are_on_by_default_and_can_be_switched_off() {
    let engine = Engine::default();
    assert!(Module::new(&engine, TAIL).is_ok());
    let mut cfg = Config::new();
    cfg.wasm_tail_call(false);
    let msg = Module::new(&Engine::new(&cfg), TAIL).unwrap_err().to_string();
    assert!(msg.starts_with("unsupported feature") && msg.contains("wasm_tail_call"), "{msg}");
}

/// Typed function references: `(ref $t)` globals, a table of `(ref $t)`
/// with an initialiser, non-nullable locals, `call_ref` and
/// `return_call_ref` (to wasm and to an imported host function, in a chain
/// that must run in constant space), `ref.as_non_null`, `br_on_null` and
/// `br_on_non_null`. `chain` computes `tail_model`, as `TAIL` does.
const TYPED: &str = r#"(module
  (type $t (func (param i64 i64) (result i64)))
  (type $h (func (param i64) (result i64)))
  (import "env" "host" (func $host (type $h)))
  (global $even (ref $t) (ref.func $even))
  (global $odd (ref $t) (ref.func $odd))
  (global $to_host (ref null $h) (ref.func $host))
  (table $tab 2 (ref $t) (ref.func $even))
  (elem declare func $leaf)
  (func $even (type $t)
    (if (result i64) (i64.eqz (local.get 0))
      (then (return_call_ref $h (local.get 1) (ref.func $leaf)))
      (else (return_call_ref $t (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 3))
        (global.get $odd)))))
  (func $odd (type $t)
    (if (result i64) (i64.eqz (local.get 0))
      (then (return_call_ref $h (local.get 1) (ref.as_non_null (global.get $to_host))))
      (else (return_call_ref $t (i64.sub (local.get 0) (i64.const 1)) (i64.xor (local.get 1) (local.get 0))
        (table.get $tab (i32.const 1))))))
  (func $leaf (type $h) (i64.mul (local.get 0) (i64.const 10)))
  (func (export "chain") (param i64) (result i64) (local $f (ref $t))
    (local.set $f (table.get $tab (i32.const 0)))
    (call_ref $t (local.get 0) (i64.const 0) (local.get $f)))
  (func (export "apply") (param $f (ref $h)) (param i64) (result i64)
    (call_ref $h (local.get 1) (local.get $f)))
  (func (export "leaf") (type $h) (call $leaf (local.get 0)))
  (func (export "get_leaf") (result (ref $h)) (ref.func $leaf))
  (func (export "call_null") (result i64) (call_ref $h (i64.const 1) (ref.null $h)))
  (func (export "tail_null") (result i64) (return_call_ref $h (i64.const 1) (ref.null $h)))
  (func (export "as_non_null") (param funcref) (result i32) (ref.is_null (ref.as_non_null (local.get 0))))
  ;; -1 for null, else f(x).
  (func (export "on_null") (param $f (ref null $h)) (param i64) (result i64)
    (block $null
      (return (call_ref $h (local.get 1) (br_on_null $null (local.get $f)))))
    (i64.const -1))
  ;; -2 for null, else f(x).
  (func (export "on_non_null") (param $f (ref null $h)) (param i64) (result i64)
    (local.get 1)
    (block $some (result (ref $h))
      (br_on_non_null $some (local.get $f))
      (return (i64.const -2)))
    (call_ref $h))
  ;; Wasm 3.0 constant expressions: `global.get` of a defined global.
  (global $even2 (ref $t) (global.get $even))
  (func (export "set_even") (table.set $tab (i32.const 1) (global.get $even2))))"#;

#[test]
fn typed_function_references_in_every_tier() {
    for tier in tiers() {
        let (mut store, inst) = tail_instance(tier, TYPED);
        // The initialiser made both of the table's elements `$even`.
        let set_even = inst.get_typed_func::<(), ()>(&mut store, "set_even").unwrap();
        set_even.call(&mut store, ()).unwrap();
        let chain = inst.get_typed_func::<i64, i64>(&mut store, "chain").unwrap();
        for n in [0, 1, 2, 7, 10_000_000, 10_000_001] {
            assert_eq!(chain.call(&mut store, n).unwrap(), tail_model(n), "{tier:?} {n}");
        }
        let null = |name: &str, store: &mut Store<()>| {
            let f = inst.get_typed_func::<(), i64>(&mut *store, name).unwrap();
            f.call(&mut *store, ()).unwrap_err().to_string()
        };
        for name in ["call_null", "tail_null"] {
            assert!(null(name, &mut store).contains("null reference"), "{tier:?} {name}");
        }
        let leaf = inst.get_func(&mut store, "leaf").unwrap();
        let as_non_null = inst.get_typed_func::<Option<tandem::Func>, i32>(&mut store, "as_non_null").unwrap();
        assert_eq!(as_non_null.call(&mut store, Some(leaf)).unwrap(), 0);
        let err = as_non_null.call(&mut store, None).unwrap_err().to_string();
        assert!(err.contains("null reference"), "{tier:?}: {err}");
        let mut out = [Val::I64(0)];
        for (name, null_result) in [("on_null", -1), ("on_non_null", -2)] {
            let f = inst.get_func(&mut store, name).unwrap();
            f.call(&mut store, &[Val::FuncRef(Some(leaf)), Val::I64(4)], &mut out).unwrap();
            assert_eq!(out[0], Val::I64(40), "{tier:?} {name}");
            f.call(&mut store, &[Val::FuncRef(None), Val::I64(4)], &mut out).unwrap();
            assert_eq!(out[0], Val::I64(null_result), "{tier:?} {name}");
        }
        // `apply` takes a non-null `(ref $h)`: null and a function of
        // another type are refused before the call.
        let apply = inst.get_func(&mut store, "apply").unwrap();
        apply.call(&mut store, &[Val::FuncRef(Some(leaf)), Val::I64(5)], &mut out).unwrap();
        assert_eq!(out[0], Val::I64(50), "{tier:?}");
        let err = apply.call(&mut store, &[Val::FuncRef(None), Val::I64(5)], &mut out).unwrap_err();
        assert!(err.to_string().contains("argument 0"), "{err}");
        let err = apply.call(&mut store, &[Val::FuncRef(Some(apply)), Val::I64(5)], &mut out).unwrap_err();
        assert!(err.to_string().contains("argument 0"), "{err}");
        // Typed views: a `(ref $h)` result is a valid `Option<Func>`; an
        // `Option<Func>` (any function, or null) is not a valid `(ref $h)`.
        let get_leaf = inst.get_typed_func::<(), Option<tandem::Func>>(&mut store, "get_leaf").unwrap();
        let got = get_leaf.call(&mut store, ()).unwrap().expect("not null");
        got.call(&mut store, &[Val::I64(3)], &mut out).unwrap();
        assert_eq!(out[0], Val::I64(30), "{tier:?}");
        assert!(inst.get_typed_func::<(Option<tandem::Func>, i64), i64>(&mut store, "apply").is_err());
    }
}

/// Concrete reference types across modules and the API: a type declared
/// by two modules is one type (engine-wide id), so a `(ref $t)` global
/// links; one of another type does not; a mutable global's type must be
/// equal, an immutable one's may be a subtype; a host function and a host
/// global can have concrete reference types.
#[test]
fn typed_references_link_by_type_across_modules_and_the_host() {
    use tandem::{FuncType, HeapType, RefType};
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let exporter = Module::new(
        &engine,
        r#"(module (type $h (func (param i64) (result i64)))
             (func $f (type $h) (i64.add (local.get 0) (i64.const 1)))
             (global (export "g") (ref $h) (ref.func $f))
             (global (export "m") (mut (ref null $h)) (ref.func $f)))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &exporter, &[]).unwrap();
    let g = inst.get_export(&mut store, "g").unwrap();
    let m = inst.get_export(&mut store, "m").unwrap();
    let importer = |ty: &str, mutable: bool| {
        let g = if mutable { format!("(mut {ty})") } else { ty.to_string() };
        format!(
            r#"(module (type $h (func (param i64) (result i64))) (type $o (func (param i32) (result i64)))
                 (import "m" "g" (global $g {g}))
                 (func (export "run") (param i64) (result i64) (call_ref $h (local.get 0) (ref.as_non_null (global.get $g)))))"#
        )
    };
    let run = |store: &mut Store<()>, text: &str, ext: tandem::Extern| -> Result<i64, String> {
        let module = Module::new(&engine, text).map_err(|e| e.to_string())?;
        let inst = Instance::new(&mut *store, &module, &[ext]).map_err(|e| e.to_string())?;
        let f = inst.get_typed_func::<i64, i64>(&mut *store, "run").unwrap();
        f.call(&mut *store, 41).map_err(|e| e.to_string())
    };
    // Immutable: the exact type, or a supertype (nullable, or any func).
    for ty in ["(ref $h)", "(ref null $h)"] {
        assert_eq!(run(&mut store, &importer(ty, false), g), Ok(42), "{ty}");
    }
    // Another signature, or a mutable global of a supertype: unlinkable.
    let other =
        importer("(ref $o)", false).replace("call_ref $h (local.get 0)", "call_ref $o (i32.wrap_i64 (local.get 0))");
    let err = run(&mut store, &other, g);
    assert!(err.as_ref().is_err_and(|e| e.contains("incompatible import type")), "{err:?}");
    let err = run(&mut store, &importer("(ref null $h)", true), g);
    assert!(err.as_ref().is_err_and(|e| e.contains("incompatible import type")), "{err:?}");
    assert_eq!(run(&mut store, &importer("(ref null $h)", true), m), Ok(42));
    // The host: a global of type `(ref null $h)`, `$h` by its engine id,
    // holding a host function of that type.
    let h = engine.func_type_id(&FuncType::new([ValType::I64], [ValType::I64]));
    let f = tandem::Func::new(&mut store, engine.func_type(h).unwrap(), |_, args, out| {
        out[0] = Val::I64(args[0].i64().unwrap() * 2);
        Ok(())
    });
    let ref_h = ValType::Ref(RefType::new(true, HeapType::Concrete(h)));
    let host = Global::new(&mut store, GlobalType { ty: ref_h, mutable: true }, Val::FuncRef(Some(f))).unwrap();
    assert_eq!(run(&mut store, &importer("(ref null $h)", true), host.into()), Ok(82));
    // Its type holds only functions of `$h`.
    let other = tandem::Func::wrap(&mut store, |x: i32| x);
    let err = host.set(&mut store, Val::FuncRef(Some(other))).unwrap_err();
    assert!(err.to_string().contains("expected (ref null"), "{err}");
    assert_eq!(host.ty(&store).ty, ref_h);
    // A host table of non-null `(ref $h)`: no null initialiser, no element
    // or growth value of another type.
    let non_null = ValType::Ref(RefType::new(false, HeapType::Concrete(h)));
    assert!(Table::new(&mut store, TableType::new(non_null, 1, None), Val::FuncRef(None)).is_err());
    let table = Table::new(&mut store, TableType::new(non_null, 1, None), Val::FuncRef(Some(f))).unwrap();
    assert!(table.grow(&mut store, 1, Val::FuncRef(Some(other))).is_err());
    assert!(table.set(&mut store, 0, Val::FuncRef(None)).is_err());
    assert_eq!(table.grow(&mut store, 1, Val::FuncRef(Some(f))).unwrap(), 1);
}

#[test]
fn typed_function_references_are_on_by_default_and_can_be_switched_off() {
    let mut cfg = Config::new();
    cfg.wasm_function_references(false);
    let msg = Module::new(&Engine::new(&cfg), TYPED).unwrap_err().to_string();
    assert!(msg.starts_with("unsupported feature") && msg.contains("wasm_function_references"), "{msg}");
}
