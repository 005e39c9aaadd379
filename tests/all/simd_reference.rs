//! Every SIMD op that computes, in every tier, against a lane-by-lane
//! reference written here from the spec's definitions in plain Rust
//! (integer lanes as `i128`, float lanes as Rust floats): an independent
//! source of truth for `tandem_vm_core::simd` and the JIT's lowering.
//!
//! A NaN lane the reference computes may be any NaN the spec allows
//! (`nans` in the spec): canonical when no operand lane is a
//! non-canonical NaN, else any quiet NaN. Every other lane must match
//! bit for bit. Relaxed ops are held to the choice Tandem makes (see
//! `tandem_vm_core::simd`): their deterministic relatives, fused
//! multiply-adds, signed `i7x16` dot products with wrapping 16-bit sums.

use super::simd::{F32_BITS, F64_BITS, INT_BITS, Kind, instantiate, simd_op_module, tiers};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, TestRng, TestRunner};
use std::cell::RefCell;
use tandem::{Func, Instance, Store, Tier, Val};

fn ones(w: u32) -> u128 {
    if w >= 128 { !0 } else { (1u128 << w) - 1 }
}

/// Lane `i` of width `w`, zero-extended.
fn lane(v: u128, w: u32, i: u32) -> u128 {
    (v >> (w * i)) & ones(w)
}

/// `x` (of `w` bits) sign-extended.
fn sext(x: u128, w: u32) -> i128 {
    ((x << (128 - w)) as i128) >> (128 - w)
}

/// The vector of `w`-bit lanes `f(0), f(1), ...`, each wrapped to `w` bits.
fn build(w: u32, f: impl Fn(u32) -> i128) -> u128 {
    (0..128 / w).fold(0u128, |v, i| v | ((f(i) as u128) & ones(w)) << (w * i))
}

fn mask(c: bool) -> i128 {
    if c { -1 } else { 0 }
}

/// What the reference expects of a result: exact bits, or, for float
/// lanes of `nan_width` bits where it computed a NaN, any NaN the spec's
/// `nans` allows.
struct Expect {
    val: Val,
    nan_width: Option<u32>,
}

fn exact(val: Val) -> Option<Expect> {
    Some(Expect { val, nan_width: None })
}

fn v128_arg(args: &[Val], k: usize) -> u128 {
    match args.get(k) {
        Some(Val::V128(v)) => *v,
        _ => 0,
    }
}

/// The scalar argument's bits (splat, replace, shift count).
fn scalar_arg(args: &[Val]) -> u64 {
    match args.last() {
        Some(Val::I32(x)) => *x as u32 as u64,
        Some(Val::I64(x)) => *x as u64,
        Some(Val::F32(x)) => *x as u64,
        Some(Val::F64(x)) => *x,
        _ => 0,
    }
}

/// `name` split into its lane shape (`I32x4`, `F64x2`, `V128`) and op.
fn split(name: &str) -> (&str, &str) {
    for shape in ["I8x16", "I16x8", "I32x4", "I64x2", "F32x4", "F64x2", "V128"] {
        if let Some(op) = name.strip_prefix(shape) {
            return (shape, op);
        }
    }
    ("", name)
}

fn width(shape: &str) -> u32 {
    match shape {
        "I8x16" => 8,
        "I16x8" => 16,
        "I32x4" | "F32x4" => 32,
        _ => 64,
    }
}

/// The reference result of op `name` on `args` (`lane` for lane ops), or
/// `None` for an op it does not know (which fails the test).
fn reference(name: &str, args: &[Val], lane_index: u8) -> Option<Expect> {
    let (shape, op) = split(name);
    let (a, b, c) = (v128_arg(args, 0), v128_arg(args, 1), v128_arg(args, 2));
    let l = lane_index as u32;
    if shape == "V128" {
        let r = match op {
            "Not" => !a,
            "And" => a & b,
            "AndNot" => a & !b,
            "Or" => a | b,
            "Xor" => a ^ b,
            "Bitselect" => (a & c) | (b & !c),
            "AnyTrue" => return exact(Val::I32((a != 0) as i32)),
            _ => return None,
        };
        return exact(Val::V128(r));
    }
    if shape.starts_with('F') {
        return if shape == "F32x4" { float32(op, args, l) } else { float64(op, args, l) };
    }
    let w = width(shape);
    let n = 128 / w;
    let s = |v: u128, i: u32| sext(lane(v, w, i), w);
    let u = |v: u128, i: u32| lane(v, w, i) as i128;
    let (smin, smax, umax) = (-(1i128 << (w - 1)), (1i128 << (w - 1)) - 1, (1i128 << w) - 1);
    let sc = scalar_arg(args);
    // Ops on lanes of half the width (`src` bits), signed or unsigned.
    let half = w / 2;
    let src = |v: u128, i: u32, signed: bool| {
        let x = lane(v, half, i);
        if signed { sext(x, half) } else { x as i128 }
    };
    let signed = op.ends_with('S') || op.ends_with("SZero");
    let r = match op {
        "Add" => build(w, |i| s(a, i) + s(b, i)),
        "Sub" => build(w, |i| s(a, i) - s(b, i)),
        "Mul" => build(w, |i| s(a, i) * s(b, i)),
        "AddSatS" => build(w, |i| (s(a, i) + s(b, i)).clamp(smin, smax)),
        "AddSatU" => build(w, |i| (u(a, i) + u(b, i)).clamp(0, umax)),
        "SubSatS" => build(w, |i| (s(a, i) - s(b, i)).clamp(smin, smax)),
        "SubSatU" => build(w, |i| (u(a, i) - u(b, i)).clamp(0, umax)),
        "MinS" => build(w, |i| s(a, i).min(s(b, i))),
        "MinU" => build(w, |i| u(a, i).min(u(b, i))),
        "MaxS" => build(w, |i| s(a, i).max(s(b, i))),
        "MaxU" => build(w, |i| u(a, i).max(u(b, i))),
        "AvgrU" => build(w, |i| (u(a, i) + u(b, i) + 1) >> 1),
        "Eq" => build(w, |i| mask(u(a, i) == u(b, i))),
        "Ne" => build(w, |i| mask(u(a, i) != u(b, i))),
        "LtS" => build(w, |i| mask(s(a, i) < s(b, i))),
        "LtU" => build(w, |i| mask(u(a, i) < u(b, i))),
        "GtS" => build(w, |i| mask(s(a, i) > s(b, i))),
        "GtU" => build(w, |i| mask(u(a, i) > u(b, i))),
        "LeS" => build(w, |i| mask(s(a, i) <= s(b, i))),
        "LeU" => build(w, |i| mask(u(a, i) <= u(b, i))),
        "GeS" => build(w, |i| mask(s(a, i) >= s(b, i))),
        "GeU" => build(w, |i| mask(u(a, i) >= u(b, i))),
        "Abs" => build(w, |i| s(a, i).abs()),
        "Neg" => build(w, |i| -s(a, i)),
        "Popcnt" => build(w, |i| u(a, i).count_ones() as i128),
        "Shl" => build(w, |i| s(a, i) << (sc as u32 % w)),
        "ShrS" => build(w, |i| s(a, i) >> (sc as u32 % w)),
        "ShrU" => build(w, |i| u(a, i) >> (sc as u32 % w)),
        "AllTrue" => return exact(Val::I32((0..n).all(|i| u(a, i) != 0) as i32)),
        "Bitmask" => return exact(Val::I32((0..n).map(|i| ((s(a, i) < 0) as i32) << i).sum())),
        "Q15MulrSatS" | "RelaxedQ15mulrS" => build(w, |i| ((s(a, i) * s(b, i) + 0x4000) >> 15).clamp(smin, smax)),
        "Swizzle" | "RelaxedSwizzle" => build(w, |i| if u(b, i) < 16 { u(a, u(b, i) as u32) } else { 0 }),
        "Splat" => build(w, |_| sc as i128),
        "ExtractLaneS" => return exact(Val::I32(s(a, l) as i32)),
        "ExtractLaneU" => return exact(Val::I32(u(a, l) as i32)),
        "ExtractLane" if w == 64 => return exact(Val::I64(u(a, l) as i64)),
        "ExtractLane" => return exact(Val::I32(u(a, l) as i32)),
        "ReplaceLane" => build(w, |i| if i == l { sc as i128 } else { u(a, i) }),
        "RelaxedLaneselect" => (a & c) | (b & !c),
        "DotI16x8S" => {
            build(w, |i| src(a, 2 * i, true) * src(b, 2 * i, true) + src(a, 2 * i + 1, true) * src(b, 2 * i + 1, true))
        }
        "RelaxedDotI8x16I7x16S" => {
            build(w, |i| src(a, 2 * i, true) * src(b, 2 * i, true) + src(a, 2 * i + 1, true) * src(b, 2 * i + 1, true))
        }
        "RelaxedDotI8x16I7x16AddS" => {
            // Byte products summed in pairs, each sum wrapped to 16 bits,
            // then two pair sums and the accumulator lane.
            let byte = |v: u128, k: u32| sext(lane(v, 8, k), 8);
            let pair = |k: u32| {
                sext(((byte(a, 2 * k) * byte(b, 2 * k) + byte(a, 2 * k + 1) * byte(b, 2 * k + 1)) as u128) & 0xffff, 16)
            };
            build(w, |i| pair(2 * i) + pair(2 * i + 1) + s(c, i))
        }
        _ if op.starts_with("Narrow") => {
            let wide = |i: u32| {
                if i < n / 2 { sext(lane(a, 2 * w, i), 2 * w) } else { sext(lane(b, 2 * w, i - n / 2), 2 * w) }
            };
            if signed { build(w, |i| wide(i).clamp(smin, smax)) } else { build(w, |i| wide(i).clamp(0, umax)) }
        }
        _ if op.starts_with("Extend") => {
            let off = if op.starts_with("ExtendHigh") { n } else { 0 };
            build(w, |i| src(a, i + off, signed))
        }
        _ if op.starts_with("ExtMul") => {
            let off = if op.starts_with("ExtMulHigh") { n } else { 0 };
            build(w, |i| src(a, i + off, signed) * src(b, i + off, signed))
        }
        _ if op.starts_with("ExtAddPairwise") => build(w, |i| src(a, 2 * i, signed) + src(a, 2 * i + 1, signed)),
        _ if op.starts_with("TruncSatF32x4") || op.starts_with("RelaxedTruncF32x4") => build(w, |i| {
            let x = f32::from_bits(lane(a, 32, i) as u32);
            if signed { x as i32 as i128 } else { x as u32 as i128 }
        }),
        _ if op.starts_with("TruncSatF64x2") || op.starts_with("RelaxedTruncF64x2") => build(w, |i| {
            if i >= 2 {
                return 0;
            }
            let x = f64::from_bits(lane(a, 64, i) as u64);
            if signed { x as i32 as i128 } else { x as u32 as i128 }
        }),
        _ => return None,
    };
    exact(Val::V128(r))
}

/// The float reference, once per lane type.
macro_rules! float_reference {
    ($name:ident, $f:ty, $bits:ty, $w:literal, $val:ident) => {
        fn $name(op: &str, args: &[Val], l: u32) -> Option<Expect> {
            const N: u32 = 128 / $w;
            const SIGN: $bits = 1 << ($w - 1);
            let (a, b, c) = (v128_arg(args, 0), v128_arg(args, 1), v128_arg(args, 2));
            let x = |v: u128, i: u32| <$f>::from_bits(lane(v, $w, i) as $bits);
            let bits = |f: &dyn Fn(u32) -> $bits| (0..N).fold(0u128, |v, i| v | (f(i) as u128) << ($w * i));
            let floats = |f: &dyn Fn(u32) -> $f| bits(&|i| f(i).to_bits());
            let sc = scalar_arg(args);
            // Ops whose NaN results follow the spec's `nans` rule.
            let arith = |r: u128| Some(Expect { val: Val::V128(r), nan_width: Some($w) });
            let cmp =
                |p: &dyn Fn($f, $f) -> bool| exact(Val::V128(bits(&|i| if p(x(a, i), x(b, i)) { !0 } else { 0 })));
            match op {
                "Add" => arith(floats(&|i| x(a, i) + x(b, i))),
                "Sub" => arith(floats(&|i| x(a, i) - x(b, i))),
                "Mul" => arith(floats(&|i| x(a, i) * x(b, i))),
                "Div" => arith(floats(&|i| x(a, i) / x(b, i))),
                "Sqrt" => arith(floats(&|i| x(a, i).sqrt())),
                "Ceil" => arith(floats(&|i| x(a, i).ceil())),
                "Floor" => arith(floats(&|i| x(a, i).floor())),
                "Trunc" => arith(floats(&|i| x(a, i).trunc())),
                "Nearest" => arith(floats(&|i| x(a, i).round_ties_even())),
                "Min" | "RelaxedMin" => arith(floats(&|i| {
                    let (p, q) = (x(a, i), x(b, i));
                    if p.is_nan() || q.is_nan() {
                        <$f>::NAN
                    } else if p == q {
                        // -0 is below +0.
                        <$f>::from_bits(p.to_bits() | q.to_bits())
                    } else {
                        p.min(q)
                    }
                })),
                "Max" | "RelaxedMax" => arith(floats(&|i| {
                    let (p, q) = (x(a, i), x(b, i));
                    if p.is_nan() || q.is_nan() {
                        <$f>::NAN
                    } else if p == q {
                        <$f>::from_bits(p.to_bits() & q.to_bits())
                    } else {
                        p.max(q)
                    }
                })),
                "PMin" => exact(Val::V128(floats(&|i| if x(b, i) < x(a, i) { x(b, i) } else { x(a, i) }))),
                "PMax" => exact(Val::V128(floats(&|i| if x(a, i) < x(b, i) { x(b, i) } else { x(a, i) }))),
                "RelaxedMadd" => arith(floats(&|i| x(a, i).mul_add(x(b, i), x(c, i)))),
                "RelaxedNmadd" => arith(floats(&|i| (-x(a, i)).mul_add(x(b, i), x(c, i)))),
                "Abs" => exact(Val::V128(bits(&|i| x(a, i).to_bits() & !SIGN))),
                "Neg" => exact(Val::V128(bits(&|i| x(a, i).to_bits() ^ SIGN))),
                "Eq" => cmp(&|p, q| p == q),
                "Ne" => cmp(&|p, q| p != q),
                "Lt" => cmp(&|p, q| p < q),
                "Gt" => cmp(&|p, q| p > q),
                "Le" => cmp(&|p, q| p <= q),
                "Ge" => cmp(&|p, q| p >= q),
                "Splat" => exact(Val::V128(bits(&|_| sc as $bits))),
                "ExtractLane" => exact(Val::$val(x(a, l).to_bits())),
                "ReplaceLane" => exact(Val::V128(bits(&|i| if i == l { sc as $bits } else { x(a, i).to_bits() }))),
                "ConvertI32x4S" => exact(Val::V128(floats(&|i| lane(a, 32, i) as u32 as i32 as $f))),
                "ConvertI32x4U" => exact(Val::V128(floats(&|i| lane(a, 32, i) as u32 as $f))),
                "ConvertLowI32x4S" => exact(Val::V128(floats(&|i| lane(a, 32, i) as u32 as i32 as $f))),
                "ConvertLowI32x4U" => exact(Val::V128(floats(&|i| lane(a, 32, i) as u32 as $f))),
                "DemoteF64x2Zero" => {
                    arith(floats(&|i| if i < 2 { f64::from_bits(lane(a, 64, i) as u64) as $f } else { 0.0 }))
                }
                "PromoteLowF32x4" => arith(floats(&|i| f32::from_bits(lane(a, 32, i) as u32) as $f)),
                _ => None,
            }
        }
    };
}
float_reference!(float32, f32, u32, 32, F32);
float_reference!(float64, f64, u64, 64, F64);

/// The exponent, fraction and quiet-bit masks of a `w`-bit float.
fn float_masks(w: u32) -> (u128, u128, u128) {
    if w == 32 { (0xff << 23, ones(23), 1 << 22) } else { (0x7ff << 52, ones(52), 1 << 51) }
}

fn is_nan(x: u128, w: u32) -> bool {
    let (exp, frac, _) = float_masks(w);
    x & exp == exp && x & frac != 0
}

/// Is every NaN lane (of `w` bits) of every `v128` argument canonical?
fn nan_inputs_canonical(args: &[Val], w: u32) -> bool {
    let (_, frac, quiet) = float_masks(w);
    args.iter().all(|v| match v {
        Val::V128(v) => (0..128 / w).map(|i| lane(*v, w, i)).all(|x| !is_nan(x, w) || x & frac == quiet),
        _ => true,
    })
}

/// Does `got` meet `want` (see the module docs)?
fn meets(name: &str, args: &[Val], want: &Expect, got: &Val) -> bool {
    let (Some(w), Val::V128(e), Val::V128(g)) = (want.nan_width, &want.val, got) else {
        return want.val == *got;
    };
    // The float width of the operands (a conversion's differs).
    let input_w = match split(name).1 {
        "DemoteF64x2Zero" => 64,
        "PromoteLowF32x4" => 32,
        _ => w,
    };
    let canonical_only = nan_inputs_canonical(args, input_w);
    let (_, frac, quiet) = float_masks(w);
    (0..128 / w).all(|i| {
        let (e, g) = (lane(*e, w, i), lane(*g, w, i));
        if !is_nan(e, w) {
            return e == g;
        }
        is_nan(g, w) && g & quiet != 0 && (!canonical_only || g & frac == quiet)
    })
}

/// Vectors from corner lanes of every type and width, and random bits.
fn v128() -> impl Strategy<Value = u128> {
    let join = |w: u32, lanes: &[u64]| {
        lanes.iter().enumerate().fold(0u128, |v, (i, &x)| v | (x as u128 & ones(w)) << (w * i as u32))
    };
    prop_oneof![
        prop::array::uniform4(prop::sample::select(F32_BITS)).prop_map(move |l| join(32, &l.map(u64::from))),
        prop::array::uniform2(prop::sample::select(F64_BITS)).prop_map(move |l| join(64, &l)),
        (prop::sample::select(&[8u32, 16, 32, 64][..]), prop::array::uniform16(prop::sample::select(INT_BITS)))
            .prop_map(move |(w, l)| join(w, &l[..(128 / w) as usize])),
        any::<u128>(),
        // Small bytes: swizzle indices, shift counts, narrowing.
        any::<u128>().prop_map(|v| v & 0x1f1f_1f1f_1f1f_1f1f_1f1f_1f1f_1f1f_1f1f),
    ]
}

/// A scalar operand's bits.
fn scalar() -> impl Strategy<Value = u64> {
    prop_oneof![
        prop::sample::select(INT_BITS),
        prop::sample::select(F32_BITS).prop_map(u64::from),
        prop::sample::select(F64_BITS),
        0u64..140,
        any::<u64>(),
    ]
}

fn scalar_val(t: &str, bits: u64) -> Val {
    match t {
        "i64" => Val::I64(bits as i64),
        "f32" => Val::F32(bits as u32),
        "f64" => Val::F64(bits),
        _ => Val::I32(bits as i32),
    }
}

#[test]
fn every_simd_op_matches_a_lane_by_lane_reference() {
    let (bytes, list) = simd_op_module();
    let stores: Vec<RefCell<(Tier, Store<()>, Instance)>> = tiers()
        .into_iter()
        .map(|tier| {
            let (store, inst) = instantiate(tier, &bytes);
            RefCell::new((tier, store, inst))
        })
        .collect();
    let cases = std::env::var("TANDEM_SIMD_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(256);
    for (k, &(name, kind, lane)) in list.iter().enumerate() {
        let config = ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() };
        let mut runner = TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
        let result = runner.run(&(v128(), v128(), v128(), scalar()), |(a, b, c, s)| {
            let args = match kind {
                Kind::Unary | Kind::Test | Kind::Extract(..) => vec![Val::V128(a)],
                Kind::Binary => vec![Val::V128(a), Val::V128(b)],
                Kind::Ternary => vec![Val::V128(a), Val::V128(b), Val::V128(c)],
                Kind::Shift => vec![Val::V128(a), Val::I32(s as i32)],
                Kind::Splat(t) => vec![scalar_val(t, s)],
                Kind::Replace(t, _) => vec![Val::V128(a), scalar_val(t, s)],
            };
            let want = reference(name, &args, lane);
            prop_assert!(want.is_some(), "the reference does not know {name}");
            let want = want.expect("checked");
            for cell in &stores {
                let (tier, store, inst) = &mut *cell.borrow_mut();
                let f: Func = inst.get_func(&mut *store, &format!("f{k}")).unwrap();
                let mut got = [Val::default_for(f.ty(&*store).results()[0])];
                f.call(&mut *store, &args, &mut got).unwrap();
                prop_assert!(
                    meets(name, &args, &want, &got[0]),
                    "{name} (lane {lane}) {args:x?} in {tier:?}: got {:x?}, want {:x?}",
                    got[0],
                    want.val
                );
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
    }
}
