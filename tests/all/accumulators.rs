//! The interpreter's accumulators: which instructions the translator writes
//! in accumulator (`...A`) and register-result (`...R`) forms, and that the
//! values come out as Rust's own arithmetic computes them, in every tier
//! (the JIT compiles the forms as the plain ops).

use crate::fusion::op_names;
use tandem::{Engine, Instance, Module, Store, Val};

const TEXT: &str = r#"(module
  ;; a * b + c: the product lives only in the f64 accumulator
  (func (export "fma") (param f64 f64 f64) (result f64)
    (f64.add (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
  ;; a * b + c * d: the first product is read two instructions later, so it is stored
  (func (export "dot") (param f64 f64 f64 f64) (result f64)
    (f64.add (f64.mul (local.get 0) (local.get 1)) (f64.mul (local.get 2) (local.get 3))))
  ;; across the accumulators: i32 -> f64 -> f32 -> f64 -> i32
  (func (export "banks") (param i32 i32 f64) (result i32)
    (i32.trunc_sat_f64_s
      (f64.promote_f32 (f32.demote_f64 (f64.mul (f64.convert_i32_s (i32.add (local.get 0) (local.get 1))) (local.get 2))))))
  ;; an integer op right after a float one reads its slot, not the integer accumulator
  (func (export "after_float") (param i32 f64) (result i32)
    (local $x i32)
    (local.set $x (i32.add (local.get 0) (i32.const 7)))
    (drop (f64.mul (local.get 1) (local.get 1)))
    (i32.mul (local.get $x) (i32.const 3)))
  ;; the sum is tee'd: it must reach the local as well as the product
  (func (export "tee") (param f32 f32) (result f32)
    (local $t f32)
    (f32.add (f32.mul (local.tee $t (f32.add (local.get 0) (local.get 1))) (local.get 1)) (local.get $t)))
  ;; eqz of the sum becomes a branch on the sum: while the eqz might still be
  ;; fused away, the sum must not lose its slot; the fused branch reads the accumulator
  (func (export "branch") (param i32 i32) (result i32)
    (block $zero (br_if $zero (i32.eqz (i32.add (local.get 0) (local.get 1)))) (return (i32.const 1)))
    (i32.const 0))
  (memory 1)
  ;; stores 1..=n at a and a+4 .. a+4n-4
  (func (export "fill") (param $a i32) (param $n i32) (local $i i32)
    (loop $l
      (i32.store (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))) (local.get $i))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  ;; locals rotated at the end of a loop body: the moves pair up into `Copy2`s,
  ;; each move seeing the one before it
  (func (export "rotate") (param $n i32) (result i32) (local $a i32) (local $b i32) (local $c i32) (local $t i32)
    (local.set $a (i32.const 1)) (local.set $b (i32.const 2)) (local.set $c (i32.const 3))
    (loop $l
      (local.set $t (i32.add (i32.mul (local.get $a) (i32.const 3)) (local.get $c)))
      (local.set $b (local.get $c))
      (local.set $a (local.get $b))
      (local.set $c (local.get $t))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (i32.add (local.get $a) (i32.mul (local.get $b) (i32.const 7))) (i32.mul (local.get $c) (i32.const 13))))
  ;; stored values computed just before: they come from the accumulators, never stored in a slot
  (func (export "store_computed") (param $a i32) (param $x f64) (param $y i32) (result f64)
    (f64.store (local.get $a) (f64.mul (local.get $x) (f64.const 2)))
    (i32.store8 offset=8 (local.get $a) (i32.add (local.get $y) (i32.const 1)))
    (f64.add (f64.load (local.get $a)) (f64.convert_i32_u (i32.load8_u offset=8 (local.get $a)))))
  ;; the accumulator as the right operand of `f64.div` and `f64.sub`: the
  ;; mirrored op reads it as its left operand
  (func (export "recip") (param f64 f64 f64) (result f64)
    (f64.div (local.get 2) (f64.mul (local.get 0) (local.get 1))))
  (func (export "rsub") (param f64 f64 f64) (result f64)
    (f64.sub (local.get 2) (f64.add (local.get 0) (local.get 1))))
)"#;

#[test]
fn forms_chosen_by_the_translator() {
    let module = Module::new(&Engine::default(), TEXT).expect("compiles");
    let ops = |def| op_names(&module, def).join(" ");
    assert_eq!(ops(0), "F64MulR F64AddA ReturnSlot");
    assert_eq!(ops(1), "F64Mul F64MulR F64AddA ReturnSlot");
    // `trunc_sat` has no accumulator form: the promoted value is stored.
    assert_eq!(ops(2), "I32AddR F64ConvertI32SAR F64MulAR F32DemoteF64AR F64PromoteF32A I32TruncSatF64S ReturnSlot");
    // The f64 product sets only the float accumulator: `i32.mul` must not
    // take the integer one (which still holds `x`'s sum) for anything.
    assert_eq!(ops(3), "I32AddImm F64Mul I32Mul ReturnSlot");
    // The sum goes to `$t` (a local: written), the product only to the accumulator.
    assert_eq!(ops(4), "F32Add F32MulAR F32AddA ReturnSlot");
    assert_eq!(ops(5), "I32AddR BrIfEqzA ReturnSlot ReturnSlot");
    // Stores read the accumulator too; the address is never stored. The
    // loop's `i++` and its test are one op (`fusion.rs`).
    assert_eq!(ops(6), "I32ShlR I32AddAR I32StoreA BrI32AddImmLtU Return");
    let rotate = ops(8);
    assert!(rotate.contains(" Copy2 Copy "), "{rotate}");
    let stores = ops(9);
    assert!(stores.starts_with("F64MulR F64StoreV I32AddImmR I32Store8V "), "{stores}");
    assert_eq!(ops(10), "F64MulR F64DivRevA ReturnSlot");
    assert_eq!(ops(11), "F64AddR F64SubRevA ReturnSlot");
}

#[test]
fn values_match_rust_arithmetic_in_every_tier() {
    let tiers: &[tandem::Tier] = if cfg!(feature = "jit") {
        &[tandem::Tier::Interp, tandem::Tier::Jit, tandem::Tier::Tiered]
    } else {
        &[tandem::Tier::Interp]
    };
    let floats = [0.0, -0.0, 1.5, -2.25, 1e300, -1e-300, f64::INFINITY, f64::MAX, 3.0e38];
    for &tier in tiers {
        let mut config = tandem::Config::new();
        config.tier(tier);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, TEXT).expect("compiles");
        let mut store = Store::new(&engine, ());
        let inst = Instance::new(&mut store, &module, &[]).expect("instantiates");
        let mut call = |name: &str, args: &[Val]| {
            let f = inst.get_func(&mut store, name).unwrap();
            let mut out = [Val::I32(0)];
            f.call(&mut store, args, &mut out).unwrap();
            out[0]
        };
        for &a in &floats {
            for &b in &floats {
                let c = b - 0.5;
                let got = call("fma", &[Val::F64(a.to_bits()), Val::F64(b.to_bits()), Val::F64(c.to_bits())]);
                assert_eq!(got, Val::F64((a * b + c).to_bits()), "{tier:?} fma {a} {b} {c}");
                let args = [a, b, c, a + 1.0].map(|x| Val::F64(x.to_bits()));
                assert_eq!(call("dot", &args), Val::F64((a * b + c * (a + 1.0)).to_bits()), "{tier:?} dot {a} {b}");
                for (name, want) in [("recip", c / (a * b)), ("rsub", c - (a + b))] {
                    let args = [a, b, c].map(|x| Val::F64(x.to_bits()));
                    match call(name, &args) {
                        Val::F64(bits) if want.is_nan() => assert!(f64::from_bits(bits).is_nan(), "{tier:?} {name}"),
                        got => assert_eq!(got, Val::F64(want.to_bits()), "{tier:?} {name} {a} {b} {c}"),
                    }
                }
                let (x, y) = (a as f32, b as f32);
                let got = call("tee", &[Val::F32(x.to_bits()), Val::F32(y.to_bits())]);
                assert_eq!(got, Val::F32(((x + y) * y + (x + y)).to_bits()), "{tier:?} tee {x} {y}");
            }
        }
        for (i, j, s) in [(1, 2, 0.5), (i32::MAX, 1, 1.0), (-7, 3, 1e10), (100, -1, -3.25), (5, 5, f64::NAN)] {
            let want = (((i.wrapping_add(j) as f64) * s) as f32 as f64) as i32;
            let got = call("banks", &[Val::I32(i), Val::I32(j), Val::F64(s.to_bits())]);
            assert_eq!(got, Val::I32(want), "{tier:?} banks {i} {j} {s}");
        }
        for (x, f) in [(0, 2.5), (-7, 1e300), (i32::MAX, -0.0)] {
            let got = call("after_float", &[Val::I32(x), Val::F64(f64::to_bits(f))]);
            assert_eq!(got, Val::I32(x.wrapping_add(7).wrapping_mul(3)), "{tier:?} after_float {x}");
        }
        for n in [1, 2, 3, 10, 1000] {
            let (mut a, mut b, mut c) = (1i32, 2i32, 3i32);
            for _ in 0..n {
                let t = a.wrapping_mul(3).wrapping_add(c);
                b = c;
                a = b;
                c = t;
            }
            let want = a.wrapping_add(b.wrapping_mul(7)).wrapping_add(c.wrapping_mul(13));
            assert_eq!(call("rotate", &[Val::I32(n)]), Val::I32(want), "{tier:?} rotate {n}");
        }
        for (x, y) in [(1.5, 0), (-0.25, 254), (1e300, 255), (f64::INFINITY, -1)] {
            let got = call("store_computed", &[Val::I32(100), Val::F64(f64::to_bits(x)), Val::I32(y)]);
            let want = x * 2.0 + (y.wrapping_add(1) as u8) as f64;
            assert_eq!(got, Val::F64(want.to_bits()), "{tier:?} store_computed {x} {y}");
        }
        for (a, b) in [(0, 0), (1, -1), (5, 6), (i32::MIN, i32::MIN)] {
            let got = call("branch", &[Val::I32(a), Val::I32(b)]);
            assert_eq!(got, Val::I32((a.wrapping_add(b) != 0) as i32), "{tier:?} branch {a} {b}");
        }
        for (at, n) in [(64, 5), (1000, 1), (4000, 30)] {
            let mut run = |name: &str, args: &[Val], results: usize| {
                let f = inst.get_func(&mut store, name).unwrap();
                let mut out = vec![Val::I32(0); results];
                f.call(&mut store, args, &mut out).unwrap();
                out
            };
            run("fill", &[Val::I32(at), Val::I32(n)], 0);
            for k in 0..n {
                assert_eq!(run("load", &[Val::I32(at + 4 * k)], 1), [Val::I32(k)], "{tier:?} fill {at} {n}: {k}");
            }
        }
    }
}
