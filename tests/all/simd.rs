//! 128-bit SIMD (`Config::wasm_simd`, on by default) in every tier.

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
    let (mut store, inst) = instantiate(tier, text);
    let f = inst.get_typed_func::<i32, i32>(&mut store, "run").unwrap();
    f.call(&mut store, arg).unwrap()
}

/// A store of an engine of `tier` and an instance of `wasm` (text or
/// binary) in it, without imports.
pub(super) fn instantiate(tier: Tier, wasm: impl AsRef<[u8]>) -> (Store<()>, Instance) {
    let mut cfg = Config::new();
    cfg.tier(tier);
    let engine = Engine::new(&cfg);
    let module = Module::new(&engine, wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    (store, inst)
}

/// The tiers this build has.
pub(super) fn tiers() -> Vec<Tier> {
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

/// `v128.const` in every place an operand goes: op operands (the
/// translator gives it constant slots), a local, a block result, a branch
/// value, call arguments, `select`, a loop body, a return value.
const CONSTS: &str = r#"(module
  (func $pick (param v128 v128 i32) (result v128)
    (select (local.get 0) (local.get 1) (local.get 2)))
  (func $c (result v128) (v128.const i32x4 7 7 7 7))
  (func (export "run") (param i32) (result i32)
    (local $v v128) (local $i i32)
    (local.set $v (v128.const i32x4 1 2 3 4))
    (loop $l
      (local.set $v (i32x4.add (local.get $v) (v128.const i32x4 10 20 30 40)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get 0))))
    (local.set $v
      (i32x4.add (local.get $v)
        (block (result v128)
          (br_if 0 (v128.const i32x4 100 100 100 100) (i32.eqz (local.get 0)))
          (drop)
          (v128.const i32x4 1000 1000 1000 1000))))
    (local.set $v (i32x4.add (local.get $v)
      (call $pick (v128.const i32x4 5 5 5 5) (call $c) (i32.and (local.get 0) (i32.const 1)))))
    (i32.add
      (i32x4.extract_lane 1 (local.get $v))
      (i32x4.extract_lane 3 (select (v128.const i32x4 0 0 0 9) (local.get $v) (local.get 0))))))"#;

#[test]
fn v128_constants_work_as_operands_locals_results_and_arguments() {
    // n >= 1 iterations: lanes [1 2 3 4] + n * [10 20 30 40]; n = 0 runs
    // the loop once as well. Then + 1000 (n != 0) or + 100 (n = 0), then
    // + 5 (n odd) or + 7 (n even).
    let expect = |n: i32| {
        let iters = n.max(1);
        let extra = if n == 0 { 100 } else { 1000 } + if n & 1 == 1 { 5 } else { 7 };
        let lane = |base: i32, step: i32| base + iters * step + extra;
        lane(2, 20) + if n != 0 { 9 } else { lane(4, 40) }
    };
    for tier in tiers() {
        for n in [0, 1, 2, 7] {
            assert_eq!(run(tier, CONSTS, n), expect(n), "{tier:?} n={n}");
        }
    }
}

/// More distinct `v128.const`s than a function has constant slots: the
/// ones past the limit are computed into temporaries instead.
#[test]
fn more_v128_constants_than_constant_slots() {
    let n = 9000u32;
    let lane = |k: u32| k.wrapping_mul(2_654_435_761);
    let mut body = String::from("(v128.const i32x4 0 0 0 0)");
    let mut expect = 0u32;
    for k in 0..n {
        body = format!("(v128.xor {body} (v128.const i32x4 {} {} 0 {k}))", lane(k), k);
        expect ^= lane(k) ^ k;
    }
    // Lanes 0 and 1 folded together; lane 3 is the xor of 0..n.
    let text = format!(
        r#"(module (func (export "run") (param i32) (result i32)
             (local $v v128) (local.set $v {body})
             (i32.xor (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))))"#
    );
    for tier in tiers() {
        assert_eq!(run(tier, &text, 0) as u32, expect, "{tier:?}");
    }
}

#[test]
fn simd_is_on_by_default_and_can_be_switched_off() {
    assert!(Module::new(&Engine::default(), MOVES).is_ok());
    let mut cfg = Config::new();
    cfg.wasm_simd(false);
    let err = Module::new(&Engine::new(&cfg), MOVES).unwrap_err();
    assert!(err.to_string().contains("wasm_simd"), "{err}");
}

/// Mixes one-cell values and `v128`s in params and results, so a value
/// read from the wrong cell shows.
const ACROSS: &str = r#"(module
  (import "host" "mix" (func $mix (param i32 v128 i64) (result v128 i32)))
  (import "host" "dyn" (func $dyn (param v128 i32) (result i64 v128)))
  (import "host" "g" (global $g (mut v128)))
  (func (export "wasm_mix") (param i32 v128 i64) (result v128 i32)
    (i32x4.add (local.get 1) (i32x4.splat (local.get 0)))
    (i32.wrap_i64 (local.get 2)))
  (func (export "via_host") (param v128) (result v128 i32)
    (call $mix (i32.const 7) (local.get 0) (i64.const 9)))
  (func (export "via_dyn") (param v128) (result i64 v128)
    (call $dyn (local.get 0) (i32.const 3)))
  (func (export "bump") (global.set $g (i64x2.add (global.get $g) (v128.const i64x2 1 2))))
  (global (export "mine") v128 (v128.const i64x2 -1 5)))"#;

#[test]
fn v128_crosses_the_api_in_calls_host_functions_and_globals() {
    use tandem::{FuncType, Global, GlobalType, Linker, Val, ValType};
    for tier in tiers() {
        let mut cfg = Config::new();
        cfg.tier(tier).wasm_simd(true);
        let engine = Engine::new(&cfg);
        let module = Module::new(&engine, ACROSS).unwrap();
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        // Typed host function: swaps the 64-bit halves and adds the ints.
        linker
            .func_wrap("host", "mix", |a: i32, v: u128, b: i64| -> (u128, i32) { (v.rotate_left(64), a + b as i32) })
            .unwrap();
        let ty = FuncType::new(vec![ValType::V128, ValType::I32], vec![ValType::I64, ValType::V128]);
        linker
            .func_new("host", "dyn", ty, |_, params, results| {
                let (Val::V128(v), Val::I32(k)) = (params[0], params[1]) else { panic!("{params:?}") };
                results[0] = Val::I64(v as i64 + k as i64);
                results[1] = Val::V128(!v);
                Ok(())
            })
            .unwrap();
        let g =
            Global::new(&mut store, GlobalType { ty: ValType::V128, mutable: true }, Val::V128(u128::MAX - 1)).unwrap();
        linker.define("host", "g", g).unwrap();
        let inst = linker.instantiate(&mut store, &module).unwrap();

        let v = 0x0000_0004_0000_0003_0000_0002_0000_0001u128;
        let typed = inst.get_typed_func::<(i32, u128, i64), (u128, i32)>(&mut store, "wasm_mix").unwrap();
        let want = (0x0000_0014_0000_0013_0000_0012_0000_0011u128, -2);
        assert_eq!(typed.call(&mut store, (0x10, v, 0xffff_fffe)).unwrap(), want, "{tier:?}");
        let f = inst.get_func(&mut store, "wasm_mix").unwrap();
        let mut out = [Val::I32(0), Val::I32(0)];
        f.call(&mut store, &[Val::I32(0x10), Val::V128(v), Val::I64(0xffff_fffe)], &mut out).unwrap();
        assert_eq!(out, [Val::V128(want.0), Val::I32(want.1)], "{tier:?}");

        let via = inst.get_typed_func::<u128, (u128, i32)>(&mut store, "via_host").unwrap();
        assert_eq!(via.call(&mut store, v).unwrap(), (v.rotate_left(64), 16), "{tier:?}");
        let via = inst.get_typed_func::<u128, (i64, u128)>(&mut store, "via_dyn").unwrap();
        assert_eq!(via.call(&mut store, v).unwrap(), (0x0000_0002_0000_0004, !v), "{tier:?}");

        let bump = inst.get_typed_func::<(), ()>(&mut store, "bump").unwrap();
        bump.call(&mut store, ()).unwrap();
        // [-2, -1] + [1, 2] as i64 lanes.
        assert_eq!(g.get(&mut store), Val::V128(1u128 << 64 | (u64::MAX as u128)), "{tier:?}");
        g.set(&mut store, Val::V128(7)).unwrap();
        bump.call(&mut store, ()).unwrap();
        assert_eq!(g.get(&mut store), Val::V128(2u128 << 64 | 8), "{tier:?}");
        let mine = inst.get_global(&mut store, "mine").unwrap();
        assert_eq!(mine.get(&mut store), Val::V128(5u128 << 64 | u64::MAX as u128), "{tier:?}");
        // A wrongly typed argument is an error, not a misread.
        let err = f.call(&mut store, &[Val::I32(0), Val::I64(0), Val::I64(0)], &mut out).unwrap_err();
        assert!(err.to_string().contains("v128"), "{err}");
    }
}

/// How a SIMD op is called in the tier comparison: its operands and
/// result. Memory, constant and shuffle ops are left to the spec tests
/// (they choose no NaNs).
#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    Unary,
    Binary,
    Ternary,
    Test,
    Shift,
    Splat(&'static str),
    Extract(&'static str, u8),
    Replace(&'static str, u8),
}

type Encode = fn(u8) -> wasm_encoder::Instruction<'static>;

macro_rules! simd_case {
    ($name:ident Unary) => { Some((stringify!($name), Kind::Unary, (|_| wasm_encoder::Instruction::$name) as Encode)) };
    ($name:ident UnaryF) => { simd_case!($name Unary) };
    ($name:ident Binary) => { Some((stringify!($name), Kind::Binary, (|_| wasm_encoder::Instruction::$name) as Encode)) };
    ($name:ident BinaryF) => { simd_case!($name Binary) };
    ($name:ident Ternary) => { Some((stringify!($name), Kind::Ternary, (|_| wasm_encoder::Instruction::$name) as Encode)) };
    ($name:ident Test) => { Some((stringify!($name), Kind::Test, (|_| wasm_encoder::Instruction::$name) as Encode)) };
    ($name:ident Shift) => { Some((stringify!($name), Kind::Shift, (|_| wasm_encoder::Instruction::$name) as Encode)) };
    ($name:ident Splat $t:ident) => {
        Some((stringify!($name), Kind::Splat(stringify!($t)), (|_| wasm_encoder::Instruction::$name) as Encode))
    };
    ($name:ident Extract $t:ident $n:literal) => {
        Some((stringify!($name), Kind::Extract(stringify!($t), $n), (|l| wasm_encoder::Instruction::$name(l)) as Encode))
    };
    ($name:ident Replace $t:ident $n:literal) => {
        Some((stringify!($name), Kind::Replace(stringify!($t), $n), (|l| wasm_encoder::Instruction::$name(l)) as Encode))
    };
    ($name:ident $($other:tt)*) => { None };
}

macro_rules! simd_cases {
    ($($name:ident $f:ident $shape:ident ($($x:tt)*);)*) => {
        vec![$( simd_case!($name $shape $($x)*) ),*].into_iter().flatten().collect::<Vec<(&str, Kind, Encode)>>()
    };
}

fn wasm_ty(t: &str) -> wasm_encoder::ValType {
    match t {
        "i64" => wasm_encoder::ValType::I64,
        "f32" => wasm_encoder::ValType::F32,
        "f64" => wasm_encoder::ValType::F64,
        _ => wasm_encoder::ValType::I32,
    }
}

/// One module with a function per (op, lane): `f0`, `f1`, ...; returns
/// it and, per function, the op's name, kind and lane.
pub(super) fn simd_op_module() -> (Vec<u8>, Vec<(&'static str, Kind, u8)>) {
    use wasm_encoder::{
        CodeSection, ExportKind, ExportSection, Function, FunctionSection, Instruction, TypeSection, ValType as W,
    };
    let cases = tandem_vm_core::for_each_simd!(simd_cases);
    let (mut types, mut funcs, mut exports, mut code) =
        (TypeSection::new(), FunctionSection::new(), ExportSection::new(), CodeSection::new());
    let mut list = Vec::new();
    for (name, kind, encode) in cases {
        let lanes: Vec<u8> = match kind {
            Kind::Extract(_, n) | Kind::Replace(_, n) => vec![0, n - 1],
            _ => vec![0],
        };
        for lane in lanes {
            let (params, result): (Vec<W>, W) = match kind {
                Kind::Unary => (vec![W::V128], W::V128),
                Kind::Binary => (vec![W::V128; 2], W::V128),
                Kind::Ternary => (vec![W::V128; 3], W::V128),
                Kind::Test => (vec![W::V128], W::I32),
                Kind::Shift => (vec![W::V128, W::I32], W::V128),
                Kind::Splat(t) => (vec![wasm_ty(t)], W::V128),
                Kind::Extract(t, _) => (vec![W::V128], wasm_ty(t)),
                Kind::Replace(t, _) => (vec![W::V128, wasm_ty(t)], W::V128),
            };
            let i = list.len() as u32;
            types.ty().function(params.clone(), [result]);
            funcs.function(i);
            exports.export(&format!("f{i}"), ExportKind::Func, i);
            let mut f = Function::new([]);
            for p in 0..params.len() as u32 {
                f.instruction(&Instruction::LocalGet(p));
            }
            f.instruction(&encode(lane));
            f.instruction(&Instruction::End);
            code.function(&f);
            list.push((name, kind, lane));
        }
    }
    let mut m = wasm_encoder::Module::new();
    m.section(&types).section(&funcs).section(&exports).section(&code);
    (m.finish(), list)
}

/// Lane values that meet every corner of the ops: NaNs quiet and
/// signalling with payloads and both signs, zeros, infinities, subnormals,
/// rounding ties, the limits of float-to-int conversion, integer extremes.
pub(super) const F32_BITS: &[u32] = &[
    0x7fc0_0000,
    0xffc0_0000,
    0x7fa0_0001,
    0xff81_2345,
    0x7fc1_2345,
    0x7f80_0001,
    0x7f80_0000,
    0xff80_0000,
    0,
    0x8000_0000,
    0x3fc0_0000,
    0xc020_0000,
    0x4020_0000,
    0x3f00_0000,
    0x0000_0001,
    0x8000_0001,
    0x4f00_0000,
    0xcf00_0000,
    0x4f80_0000,
    0xcf00_0001,
    0x7149_f2ca,
    0x3f80_0000,
    0xbf80_0000,
    0x4b80_0001,
];
pub(super) const F64_BITS: &[u64] = &[
    0x7ff8_0000_0000_0000,
    0xfff8_0000_0000_0000,
    0x7ff4_0000_0000_0001,
    0xfff0_0000_1234_5678,
    0x7ff8_0000_0012_3456,
    0x7ff0_0000_0000_0000,
    0xfff0_0000_0000_0000,
    0,
    0x8000_0000_0000_0000,
    0x3ff8_0000_0000_0000,
    0xc004_0000_0000_0000,
    0x0000_0000_0000_0001,
    0x41e0_0000_0000_0000,
    0xc1e0_0000_0000_0000,
    0x41f0_0000_0000_0000,
    0x41df_ffff_ffc0_0000,
    0x3fe0_0000_0000_0000,
    0x4004_0000_0000_0000,
    0x47ef_ffff_e000_0000,
    0x3810_0000_0000_0000,
];
pub(super) const INT_BITS: &[u64] =
    &[0, 1, u64::MAX, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 1 << 63];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[(self.next() % from.len() as u64) as usize]
    }
}

/// Vectors built from the corner lanes (as f32, f64 and integer lanes of
/// every width) and random bits.
fn simd_inputs(rng: &mut Rng, n: usize) -> Vec<u128> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let v = match i % 5 {
            0 => (0..4).fold(0u128, |v, k| v | (rng.pick(F32_BITS) as u128) << (32 * k)),
            1 => (rng.pick(F64_BITS) as u128) | (rng.pick(F64_BITS) as u128) << 64,
            2 => {
                let w = [8, 16, 32, 64][(rng.next() % 4) as usize];
                (0..128 / w).fold(0u128, |v, k| {
                    let lane = rng.pick(INT_BITS) as u128 & ((1u128 << w) - 1);
                    v | lane << (w * k)
                })
            }
            3 => (rng.next() as u128) << 64 | rng.next() as u128,
            // Small lanes: the bytes of swizzle indices, shifts, narrowing.
            _ => (rng.next() as u128 & 0x1f1f_1f1f_1f1f_1f1f) << 64 | (rng.next() as u128 & 0x1f1f_1f1f_1f1f_1f1f),
        };
        out.push(v);
    }
    out
}

fn scalar_input(rng: &mut Rng, t: &str) -> tandem::Val {
    use tandem::Val;
    match t {
        "i64" => Val::I64(rng.pick(INT_BITS) as i64 ^ (rng.next() % 3) as i64),
        "f32" => Val::F32(rng.pick(F32_BITS)),
        "f64" => Val::F64(rng.pick(F64_BITS)),
        _ => Val::I32(rng.pick(&[0, 1, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, -1, 0x80, 0x7fff_ffff, i32::MIN])),
    }
}

/// Every SIMD op that computes (all but memory, constants and shuffles)
/// gives bit-identical results, NaN payloads included, in the interpreter
/// (`tandem_vm_core::simd`, checked against the spec testsuite) and in
/// compiled code (Cranelift's vector instructions or calls of the same
/// functions), on corner-case and random operands.
#[test]
fn every_simd_op_gives_the_same_bits_in_both_tiers() {
    compare_tiers(false);
}

/// The same with `Config::canonicalize_nans`: and every NaN lane an op
/// computed is the canonical one.
#[test]
fn canonicalized_nans_are_canonical_and_the_same_in_both_tiers() {
    compare_tiers(true);
}

/// Is every NaN lane of `v` (lanes of `name`'s float type) canonical?
fn nan_lanes_canonical(name: &str, v: u128) -> bool {
    if name.starts_with("F32x4") {
        (0..4).all(|i| {
            let x = (v >> (32 * i)) as u32;
            !f32::from_bits(x).is_nan() || x == 0x7fc0_0000
        })
    } else {
        (0..2).all(|i| {
            let x = (v >> (64 * i)) as u64;
            !f64::from_bits(x).is_nan() || x == 0x7ff8_0000_0000_0000
        })
    }
}

/// Has `v` a NaN lane (lanes of `name`'s float type)?
fn has_nan_lane(name: &str, v: u128) -> bool {
    if name.starts_with("F32x4") {
        (0..4).any(|i| f32::from_bits((v >> (32 * i)) as u32).is_nan())
    } else {
        (0..2).any(|i| f64::from_bits((v >> (64 * i)) as u64).is_nan())
    }
}

fn compare_tiers(canonicalize: bool) {
    use tandem::{Func, Val};
    use tandem_vm_core::bytecode::Opcode;
    if !cfg!(feature = "jit") {
        return;
    }
    let (bytes, list) = simd_op_module();
    let instance = |tier: Tier| {
        let mut cfg = Config::new();
        cfg.tier(tier).canonicalize_nans(canonicalize);
        let engine = Engine::new(&cfg);
        let module = Module::new(&engine, &bytes).unwrap();
        let mut store = Store::new(&engine, ());
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        (store, inst)
    };
    let (mut si, ii) = instance(Tier::Interp);
    let (mut sj, ij) = instance(Tier::Jit);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let pool = simd_inputs(&mut rng, 48);
    let mut mismatches = Vec::new();
    let (mut canonical_checks, mut nan_results) = (0, 0);
    for (i, (name, kind, lane)) in list.iter().enumerate() {
        let makes_nans = Opcode::ALL.iter().find(|o| o.name() == *name).and_then(|o| o.canon_nan()).is_some();
        let fi: Func = ii.get_func(&mut si, &format!("f{i}")).unwrap();
        let fj: Func = ij.get_func(&mut sj, &format!("f{i}")).unwrap();
        let calls: Vec<Vec<Val>> = (0..400)
            .map(|k| {
                let mut v = || Val::V128(if k < pool.len() { pool[k] } else { rng.pick(&pool) });
                match kind {
                    Kind::Unary | Kind::Test | Kind::Extract(..) => vec![v()],
                    Kind::Binary => vec![v(), v()],
                    Kind::Ternary => vec![v(), v(), v()],
                    Kind::Shift => {
                        let a = v();
                        vec![a, scalar_input(&mut rng, "i32")]
                    }
                    Kind::Splat(t) => vec![scalar_input(&mut rng, t)],
                    Kind::Replace(t, _) => {
                        let a = v();
                        vec![a, scalar_input(&mut rng, t)]
                    }
                }
            })
            .collect();
        for args in calls {
            let ty = fi.ty(&si);
            let mut ri = [Val::default_for(ty.results()[0])];
            let mut rj = ri;
            fi.call(&mut si, &args, &mut ri).unwrap();
            fj.call(&mut sj, &args, &mut rj).unwrap();
            if ri != rj && mismatches.len() < 40 {
                mismatches.push(format!("{name} (lane {lane}) {args:x?}: interp {ri:x?}, jit {rj:x?}"));
            }
            if canonicalize
                && makes_nans
                && let Val::V128(v) = ri[0]
            {
                canonical_checks += 1;
                nan_results += usize::from(has_nan_lane(name, v));
                if !nan_lanes_canonical(name, v) && mismatches.len() < 40 {
                    mismatches.push(format!("{name} {args:x?}: non-canonical NaN in {v:#x}"));
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
    if canonicalize {
        // Every float op that computes was checked, on many NaN results.
        assert!(canonical_checks >= 30 * 400, "{canonical_checks}");
        assert!(nan_results >= canonical_checks / 4, "{nan_results} of {canonical_checks}");
    }
}

/// Scalar float ops with `Config::canonicalize_nans`, hand-checked: a NaN
/// computed from a NaN with a payload is canonical with the option and
/// keeps its payload (quieted) without it, in every tier; sign ops pass
/// NaNs on unchanged either way.
#[test]
fn canonicalize_nans_covers_scalar_float_ops() {
    let text = r#"(module
      (func (export "add") (param f32) (result f32) (f32.add (local.get 0) (f32.const 1)))
      (func (export "sqrt") (param f64) (result f64) (f64.sqrt (local.get 0)))
      (func (export "min") (param f64) (result f64) (f64.min (local.get 0) (f64.const 2)))
      (func (export "demote") (param f64) (result f32) (f32.demote_f64 (local.get 0)))
      (func (export "neg") (param f32) (result f32) (f32.neg (local.get 0)))
      (func (export "local") (param f32) (result f32) (local f32)
        (local.set 1 (f32.mul (local.get 0) (local.get 0))) (local.get 1)))"#;
    let payload32 = 0x7fa0_0001u32; // signalling, with a payload
    let payload64 = 0xfff4_0000_0000_0001u64;
    for tier in tiers() {
        for canon in [false, true] {
            let mut cfg = Config::new();
            cfg.tier(tier).canonicalize_nans(canon);
            let engine = Engine::new(&cfg);
            let module = Module::new(&engine, text).unwrap();
            let mut store = Store::new(&engine, ());
            let inst = Instance::new(&mut store, &module, &[]).unwrap();
            let f32f = |store: &mut Store<()>, name: &str, x: u32| {
                let f = inst.get_typed_func::<f32, f32>(&mut *store, name).unwrap();
                f.call(store, f32::from_bits(x)).unwrap().to_bits()
            };
            let (c32, c64) = (0x7fc0_0000u32, 0x7ff8_0000_0000_0000u64);
            let want32 = if canon { c32 } else { payload32 | 0x0040_0000 };
            assert_eq!(f32f(&mut store, "add", payload32), want32, "{tier:?} {canon}");
            assert_eq!(f32f(&mut store, "local", payload32), want32, "{tier:?} {canon}");
            assert_eq!(f32f(&mut store, "neg", payload32), payload32 ^ 0x8000_0000, "{tier:?} {canon}");
            let sqrt = inst.get_typed_func::<f64, f64>(&mut store, "sqrt").unwrap();
            let want64 = if canon { c64 } else { payload64 | 0x0008_0000_0000_0000 };
            assert_eq!(sqrt.call(&mut store, f64::from_bits(payload64)).unwrap().to_bits(), want64);
            // sqrt(-1) makes a NaN of its own (x86: negative, quiet).
            let own = sqrt.call(&mut store, -1.0).unwrap().to_bits();
            assert_eq!(own == c64, canon, "{tier:?}: {own:#x}");
            let min = inst.get_typed_func::<f64, f64>(&mut store, "min").unwrap();
            assert_eq!(min.call(&mut store, f64::from_bits(payload64)).unwrap().to_bits() == c64, canon);
            let demote = inst.get_typed_func::<f64, f32>(&mut store, "demote").unwrap();
            assert_eq!(demote.call(&mut store, f64::from_bits(payload64)).unwrap().to_bits() == c32, canon);
        }
    }
}

/// A vector multiply whose product feeds an add or subtract runs as one
/// fused instruction (`F32x4MulAdd`...) with the two roundings of the
/// two ops: in every tier it gives the bits of the same computation kept
/// apart (the product `local.tee`d, which stops the fusion), NaN payloads
/// included (the operand order decides which NaN passes), and the
/// interpreter's code does contain the fused ops.
#[test]
fn multiply_then_add_fuses_and_keeps_the_bits_of_the_two_ops() {
    use tandem::Val;
    let forms = [
        ("f32x4", "add", true),
        ("f32x4", "add", false),
        ("f32x4", "sub", true),
        ("f32x4", "sub", false),
        ("f64x2", "add", true),
        ("f64x2", "add", false),
        ("f64x2", "sub", true),
        ("f64x2", "sub", false),
        ("i32x4", "add", true),
        ("i16x8", "add", false),
    ];
    let mut text = String::from("(module\n");
    for (i, (t, then, first)) in forms.iter().enumerate() {
        let (fused, apart) = if *first {
            (
                format!("({t}.{then} ({t}.mul (local.get 0) (local.get 1)) (local.get 2))"),
                format!("({t}.{then} (local.tee 3 ({t}.mul (local.get 0) (local.get 1))) (local.get 2))"),
            )
        } else {
            (
                format!("({t}.{then} (local.get 2) ({t}.mul (local.get 0) (local.get 1)))"),
                format!("({t}.{then} (local.get 2) (local.tee 3 ({t}.mul (local.get 0) (local.get 1))))"),
            )
        };
        text += &format!(
            "(func (export \"fused{i}\") (param v128 v128 v128) (result v128) (local v128) {fused})
             (func (export \"apart{i}\") (param v128 v128 v128) (result v128) (local v128) {apart})\n"
        );
    }
    text += ")";
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let pool = simd_inputs(&mut rng, 40);
    for tier in tiers() {
        let (mut store, inst) = instantiate(tier, &text);
        for (i, form) in forms.iter().enumerate() {
            let fused = inst.get_func(&mut store, &format!("fused{i}")).unwrap();
            let apart = inst.get_func(&mut store, &format!("apart{i}")).unwrap();
            for k in 0..300 {
                let args: Vec<Val> = (0..3).map(|j| Val::V128(pool[(k * 7 + j * 13 + k / 40) % pool.len()])).collect();
                let (mut x, mut y) = ([Val::V128(0)], [Val::V128(0)]);
                fused.call(&mut store, &args, &mut x).unwrap();
                apart.call(&mut store, &args, &mut y).unwrap();
                assert_eq!(x, y, "{tier:?} {form:?} {args:x?}");
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("tandem-mul-add-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.wat");
    std::fs::write(&path, &text).unwrap();
    let (code, out, err) = super::cli::tandem(&["inspect", "--tier", "interp", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    for op in [
        "F32x4MulAdd",
        "F32x4AddMul",
        "F32x4MulSub",
        "F32x4SubMul",
        "F64x2MulAdd",
        "F64x2SubMul",
        "I32x4MulAdd",
        "I16x8MulAdd",
    ] {
        assert!(out.contains(op), "{op} missing:\n{out}");
    }
    // Kept apart where the product is also read.
    assert_eq!(
        out.matches("MulAdd").count()
            + out.matches("AddMul").count()
            + out.matches("MulSub").count()
            + out.matches("SubMul").count(),
        forms.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `br_if`, `if` and `br_if (i32.eqz ...)` on `v128.any_true` and the
/// `all_true`s fuse into one test-and-branch (`BrV128AnyTrueNz`...):
/// results hand-checked in every tier on vectors with no, some and all
/// lanes set, and the fused ops in the interpreter's code.
#[test]
fn vector_tests_fuse_with_the_branch_on_them() {
    let tests = ["v128.any_true", "i8x16.all_true", "i16x8.all_true", "i32x4.all_true", "i64x2.all_true"];
    let mut text = String::from("(module\n");
    for (i, t) in tests.iter().enumerate() {
        text += &format!(
            "(func (export \"br{i}\") (param v128) (result i32)
               (block $yes (br_if $yes ({t} (local.get 0))) (return (i32.const 0))) (i32.const 1))
             (func (export \"brnot{i}\") (param v128) (result i32)
               (block $no (br_if $no (i32.eqz ({t} (local.get 0)))) (return (i32.const 1))) (i32.const 0))
             (func (export \"if{i}\") (param v128) (result i32)
               (if (result i32) ({t} (local.get 0)) (then (i32.const 1)) (else (i32.const 0))))\n"
        );
    }
    text += ")";
    // Each lane width's lanes all set, one lane set (in a lane of each
    // width), none set.
    let inputs: [(u128, [bool; 5]); 5] = [
        (0, [false, false, false, false, false]),
        (u128::MAX, [true, true, true, true, true]),
        (1, [true, false, false, false, false]),
        (0x0101_0101_0101_0101_0101_0101_0101_0101, [true, true, true, true, true]),
        (0x0001_0001_0001_0001_0001_0001_0001_0000, [true, false, false, true, true]),
    ];
    for tier in tiers() {
        let (mut store, inst) = instantiate(tier, &text);
        for (v, want) in inputs {
            for (i, &w) in want.iter().enumerate() {
                for form in ["br", "brnot", "if"] {
                    let f = inst.get_typed_func::<u128, i32>(&mut store, &format!("{form}{i}")).unwrap();
                    assert_eq!(f.call(&mut store, v).unwrap(), w as i32, "{tier:?} {form} {} {v:#x}", tests[i]);
                }
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("tandem-br-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.wat");
    std::fs::write(&path, &text).unwrap();
    let (code, out, err) = super::cli::tandem(&["inspect", "--tier", "interp", path.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 0, "{err}");
    for op in ["BrV128AnyTrue", "BrI8x16AllTrue", "BrI16x8AllTrue", "BrI32x4AllTrue", "BrI64x2AllTrue"] {
        assert!(out.contains(&format!("{op}Nz")) && out.contains(&format!("{op}Z")), "{op} missing:\n{out}");
    }
    assert!(!out.contains("AnyTrue dst") && !out.contains("AllTrue dst"), "an unfused test:\n{out}");
}
