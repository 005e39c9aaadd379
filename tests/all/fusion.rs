//! Fused compare-and-branch instructions against Rust's own comparisons, on
//! edge values (NaN, signed zeros, infinities, extremes), for both fused
//! forms: `br_if` (jump when true) and `if` (jump to `else` when false),
//! each also on `i32.eqz` of the comparison (fused as the opposite branch),
//! and with the comparison `local.tee`d first (the local must still be set).

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
               (i32.const 1))
             (func (export \"ifnot_{name}\") (param {ty} {ty}) (result i32)
               (if (result i32) (i32.eqz ({op} (local.get 0) (local.get 1))) (then (i32.const 0)) (else (i32.const 1))))
             (func (export \"brnot_{name}\") (param {ty} {ty}) (result i32)
               (block $no (br_if $no (i32.eqz ({op} (local.get 0) (local.get 1)))) (return (i32.const 1)))
               (i32.const 0))
             (func (export \"teenot_{name}\") (param {ty} {ty}) (result i32) (local $t i32)
               (block $no (br_if $no (i32.eqz (local.tee $t ({op} (local.get 0) (local.get 1)))))
                 (return (local.get $t)))
               (local.get $t))\n"
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
        for form in ["if", "br", "ifnot", "brnot", "teenot"] {
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

/// The `i32.eqz` forms really fuse: one opposite branch, no comparison and
/// no `eqz` left; a `local.tee`d comparison is kept (the local is read).
/// Checked on the disassembly (the results are checked above).
#[test]
fn eqz_of_a_comparison_fuses_into_the_opposite_branch() {
    let text = r#"(module
      (func (param f64 f64) (result i32)
        (block $no (br_if $no (i32.eqz (f64.lt (local.get 0) (local.get 1)))) (return (i32.const 1)))
        (i32.const 0))
      (func (param i32 i32) (result i32)
        (if (result i32) (i32.eqz (i32.lt_u (local.get 0) (local.get 1))) (then (i32.const 0)) (else (i32.const 1))))
      (func (param i64 i64) (result i32) (local $t i32)
        (block $no (br_if $no (i32.eqz (local.tee $t (i64.ge_s (local.get 0) (local.get 1)))))
          (return (local.get $t)))
        (local.get $t)))"#;
    let module = Module::new(&Engine::default(), text).expect("compiles");
    let ops = |def: u32| op_names(&module, def);
    // jumps to $no when !(a < b): NaN-aware "not" form
    assert_eq!(ops(0), ["BrF64NotLt", "ReturnSlot", "ReturnSlot"]);
    // jumps to `else` when eqz(a < b) is zero, i.e. when a < b
    assert_eq!(ops(1)[0], "BrI32LtU");
    assert!(!ops(1).iter().any(|op| op == "I32Eqz" || op == "I32LtU"), "{:?}", ops(1));
    // the tee'd comparison result is a local: it must still be computed
    assert_eq!(ops(2)[..2], ["I64GeS", "BrIfEqz"]);
}

/// `and` fused into a branch (`BrI32AndNz`, `BrI64AndZ`, ...), directly, under
/// `i32.eqz` / `i64.eqz`, and with the `and` `local.tee`d (not fused), against
/// Rust's `&` on edge values in the interpreter and the JIT; then the
/// bytecode shows the fused forms.
#[test]
fn and_fuses_into_test_and_branch() {
    let text = r#"(module
      (func (export "br32") (param i32 i32) (result i32)
        (block $yes (br_if $yes (i32.and (local.get 0) (local.get 1))) (return (i32.const 0)))
        (i32.const 1))
      (func (export "ifz32") (param i32 i32) (result i32)
        (if (result i32) (i32.eqz (i32.and (local.get 0) (local.get 1))) (then (i32.const 0)) (else (i32.const 1))))
      (func (export "tee32") (param i32 i32) (result i32) (local $t i32)
        (block $yes (br_if $yes (local.tee $t (i32.and (local.get 0) (local.get 1))))
          (return (i32.eqz (i32.eqz (local.get $t)))))
        (i32.eqz (i32.eqz (local.get $t))))
      (func (export "brz64") (param i64 i64) (result i32)
        (block $zero (br_if $zero (i64.eqz (i64.and (local.get 0) (local.get 1)))) (return (i32.const 1)))
        (i32.const 0))
      (func (export "ifnz64") (param i64 i64) (result i32)
        (if (result i32) (i32.eqz (i64.eqz (i64.and (local.get 0) (local.get 1)))) (then (i32.const 1)) (else (i32.const 0)))))"#;
    let tiers: &[tandem::Tier] =
        if cfg!(feature = "jit") { &[tandem::Tier::Interp, tandem::Tier::Jit] } else { &[tandem::Tier::Interp] };
    for &tier in tiers {
        let mut config = tandem::Config::new();
        config.tier(tier);
        and_branches_in(&Engine::new(&config), text);
    }
    let module = Module::new(&Engine::default(), text).expect("compiles");
    let first = |def: u32| op_names(&module, def).swap_remove(0);
    assert_eq!(first(0), "BrI32AndNz");
    // jumps to `else` when eqz(a & b) is zero
    assert_eq!(first(1), "BrI32AndNz");
    // the tee'd `and` result is a local: computed, not fused
    assert!(first(2).starts_with("I32And"), "{}", first(2));
    assert_eq!(first(3), "BrI64AndZ");
    // jumps to `else` when eqz(eqz(a & b)) is zero, i.e. a & b == 0
    assert_eq!(first(4), "BrI64AndZ");
}

/// The op names of defined function `def`'s bytecode, tier-up counters left out.
pub(crate) fn op_names(module: &Module, def: u32) -> Vec<String> {
    op_names_with_counters(module, def).into_iter().filter(|op| op != "HotLoop").collect()
}

/// As `op_names`, with the tier-up counters (`HotLoop`) of tiered code.
fn op_names_with_counters(module: &Module, def: u32) -> Vec<String> {
    let mut out = String::new();
    tandem::bytecode::disassemble(&module.compiled(def).expect("translates"), &mut out).unwrap();
    out.lines()
        .filter_map(|l| l.trim().split_once(": "))
        .filter(|(pos, _)| pos.chars().all(|c| c.is_ascii_digit()))
        .map(|(_, op)| op.split(' ').next().unwrap_or("").to_string())
        .collect()
}

fn and_branches_in(engine: &Engine, text: &str) {
    let module = Module::new(engine, text).expect("compiles");
    let mut store = Store::new(engine, ());
    let inst = Instance::new(&mut store, &module, &[]).expect("instantiates");
    let v32 = [i32::MIN, -1, 0, 1, 2, 3, 0x5555_5555, i32::MAX];
    let v64 = [i64::MIN, -1, 0, 1, 2, 1 << 40, 0x5555_5555_5555_5555, i64::MAX];
    // (function, a, b, whether a & b is non-zero)
    let mut cases = Vec::new();
    for name in ["br32", "ifz32", "tee32"] {
        cases.extend(v32.iter().flat_map(|&a| v32.map(|b| (name, Val::I32(a), Val::I32(b), a & b != 0))));
    }
    for name in ["brz64", "ifnz64"] {
        cases.extend(v64.iter().flat_map(|&a| v64.map(|b| (name, Val::I64(a), Val::I64(b), a & b != 0))));
    }
    for (name, a, b, nonzero) in cases {
        let f = inst.get_func(&mut store, name).unwrap();
        let mut out = [Val::I32(-1)];
        f.call(&mut store, &[a, b], &mut out).unwrap();
        assert_eq!(out[0], Val::I32(nonzero as i32), "{name} {a:?} & {b:?}");
    }
}

/// `text` instantiated in each tier this build has: the interpreter, and
/// with the `jit` feature compiled code and tiered mode (tier-up after 2
/// calls or 3 loop iterations, compiled on the spot, so loops move into
/// compiled code through their on-stack-replacement entry mid-run).
fn per_tier(text: &str) -> Vec<(tandem::Tier, Store<()>, Instance)> {
    let tiers: &[tandem::Tier] = if cfg!(feature = "jit") {
        &[tandem::Tier::Interp, tandem::Tier::Jit, tandem::Tier::Tiered]
    } else {
        &[tandem::Tier::Interp]
    };
    tiers
        .iter()
        .map(|&tier| {
            let mut config = tandem::Config::new();
            config.tier(tier).tier_up_thresholds(2, 3).background_compilation(false);
            let engine = Engine::new(&config);
            let module = Module::new(&engine, text).expect("compiles");
            let mut store = Store::new(&engine, ());
            let inst = Instance::new(&mut store, &module, &[]).expect("instantiates");
            (tier, store, inst)
        })
        .collect()
}

/// A loop whose header starts with a branch that stays in the loop (a
/// `continue`: `if (skip[i]) continue;`): the back edge copies that branch
/// and goes on past the header's. Counted against the same loop in Rust, in
/// every tier, for flags that skip none, some, or all of the iterations.
#[test]
fn continue_loops_copy_their_header_branch() {
    let text = r#"(module (memory (export "memory") 1)
      (func (export "count") (param $n i32) (result i32) (local $i i32) (local $kept i32) (local $skip i32)
        (local.set $skip (i32.load8_u (i32.const 0)))
        (block $done (loop $l
          (block $next
            (br_if $next (local.get $skip))
            (local.set $kept (i32.add (local.get $kept) (i32.const 1))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $skip (i32.load8_u (local.get $i)))
          (br $l)))
        (local.get $kept)))"#;
    let mut config = tandem::Config::new();
    config.tier(tandem::Tier::Interp);
    let module = Module::new(&Engine::new(&config), text).expect("compiles");
    let ops = op_names(&module, 0);
    // The header's branch, then at the back edge its copy and the jump on.
    let branches = ops.iter().filter(|op| op.starts_with("BrIfNez")).count();
    assert_eq!(branches, 2, "{ops:?}");
    assert!(ops.ends_with(&["BrIfNezA".into(), "Br".into(), "ReturnSlot".into()]), "{ops:?}");
    if cfg!(feature = "jit") {
        config.tier(tandem::Tier::Tiered);
        let module = Module::new(&Engine::new(&config), text).expect("compiles");
        let ops = op_names_with_counters(&module, 0).join(" ");
        assert!(ops.contains("HotLoop BrIfNez Br ReturnSlot"), "{ops}");
    }
    for (tier, mut store, inst) in per_tier(text) {
        let memory = inst.get_memory(&mut store, "memory").expect("exported");
        let count = inst.get_typed_func::<i32, i32>(&mut store, "count").unwrap();
        for (pattern, n) in [(0u8, 50), (1, 50), (2, 50), (3, 49), (7, 1)] {
            // Bytes with flags set by `pattern`: none, all, every other one...
            let flags: Vec<u8> = (0..n as u8).map(|i| u8::from(pattern != 0 && i % (pattern + 1) < pattern)).collect();
            memory.write(&mut store, 0, &flags).unwrap();
            let want = flags.iter().filter(|&&f| f == 0).count() as i32;
            assert_eq!(count.call(&mut store, n).unwrap(), want, "{tier:?} pattern {pattern} n {n}");
        }
    }
}

/// `while` loops (`loop { br_if $exit (cmp); ...; br $loop }`): the back
/// edge tests the opposite comparison itself and jumps past the header's
/// branch (in tiered code after counting the iteration). Each comparison,
/// on values that exit at once, after a few iterations, or never (NaN; a
/// cap of 100 iterations), against the same loop in Rust, in every tier.
#[test]
fn while_loops_thread_their_back_edge() {
    let mut text = String::from("(module\n");
    let cmps = [
        ("i32", "lt_s"),
        ("i32", "ge_u"),
        ("i32", "eq"),
        ("i64", "gt_s"),
        ("i64", "le_u"),
        ("f64", "lt"),
        ("f64", "ge"),
        ("f64", "ne"),
        ("f32", "le"),
    ];
    for (ty, cmp) in cmps {
        text += &format!(
            "(func (export \"{ty}_{cmp}\") (param $a {ty}) (param $b {ty}) (param $step {ty}) (result i32) (local $n i32)
               (block $exit (loop $l
                 (br_if $exit ({ty}.{cmp} (local.get $a) (local.get $b)))
                 (local.set $a ({ty}.add (local.get $a) (local.get $step)))
                 (local.set $n (i32.add (local.get $n) (i32.const 1)))
                 (br_if $exit (i32.ge_u (local.get $n) (i32.const 100)))
                 (br $l)))
               (local.get $n))\n"
        );
    }
    text += ")";
    let runs = |exits: &dyn Fn(f64) -> bool, a: f64, step: f64| {
        let (mut a, mut n) = (a, 0);
        loop {
            if exits(a) {
                break n;
            }
            a += step;
            n += 1;
            if n >= 100 {
                break n;
            }
        }
    };
    let mut config = tandem::Config::new();
    config.tier(tandem::Tier::Interp);
    let module = Module::new(&Engine::new(&config), text.as_str()).expect("compiles");
    // Interpreter-only code: the back edge is the opposite branch, then `br`.
    let threaded = [(0, "BrI32GeS Br"), (1, "BrI32LtU Br"), (5, "BrF64NotLt Br"), (8, "BrF32NotLe Br")];
    for (def, want) in threaded {
        let ops = op_names(&module, def).join(" ");
        assert!(ops.contains(want), "{def}: {ops}");
    }
    // Tiered code: the same, after the back edge's own counter.
    if cfg!(feature = "jit") {
        config.tier(tandem::Tier::Tiered);
        let module = Module::new(&Engine::new(&config), text.as_str()).expect("compiles");
        for (def, want) in threaded {
            let ops = op_names_with_counters(&module, def).join(" ");
            assert!(ops.contains(&format!("HotLoop {want}")), "{def}: {ops}");
        }
    }
    for (tier, mut store, inst) in per_tier(&text) {
        for (ty, cmp) in cmps {
            let f = inst.get_func(&mut store, &format!("{ty}_{cmp}")).unwrap();
            for (a, b, step) in
                [(0.0, 5.0, 1.0), (7.0, 3.0, -1.0), (3.0, 3.0, 1.0), (-4.0, 10.0, 3.0), (f64::NAN, 1.0, 1.0)]
            {
                if ty.starts_with('i') && a.is_nan() {
                    continue;
                }
                let want = match (ty, cmp) {
                    ("i32", "lt_s") | ("i64", "gt_s") | ("f64", "lt") => {
                        let gt = cmp == "gt_s";
                        runs(&|x| if gt { x > b } else { x < b }, a, step)
                    }
                    ("i32", "ge_u") | ("i64", "le_u") => {
                        // Unsigned: negative values are huge.
                        let u = |x: f64| if ty == "i32" { x as i32 as u32 as u64 } else { x as i64 as u64 };
                        let ge = cmp == "ge_u";
                        runs(&|x| if ge { u(x) >= u(b) } else { u(x) <= u(b) }, a, step)
                    }
                    ("i32", "eq") => runs(&|x| x == b, a, step),
                    ("f64", "ge") => runs(&|x| x >= b, a, step),
                    ("f64", "ne") => runs(&|x| x != b, a, step),
                    _ => runs(&|x| (x as f32) <= b as f32, a, step),
                };
                let args = match ty {
                    "i32" => [a, b, step].map(|x| Val::I32(x as i32)),
                    "i64" => [a, b, step].map(|x| Val::I64(x as i64)),
                    "f32" => [a, b, step].map(|x| Val::F32((x as f32).to_bits())),
                    _ => [a, b, step].map(|x| Val::F64(x.to_bits())),
                };
                let mut out = [Val::I32(-1)];
                f.call(&mut store, &args, &mut out).unwrap();
                assert_eq!(out[0], Val::I32(want), "{tier:?} {ty}.{cmp} a={a} b={b} step={step}");
            }
        }
    }
}

/// `x += k` just before a compare-and-branch that tests `x` becomes one
/// `BrI32AddImm<Cmp>` op (`BrI32Add<Cmp>` when `k` is a slot, on either
/// side of the add), with `x` on either side of the comparison (the other
/// side mirrors it). Each comparison, with steps that wrap around the
/// signed and unsigned limits, against the same loop in Rust, interpreted
/// and compiled; the loop returns its iteration count (capped at 50) and
/// the final `x`.
#[test]
fn increments_fuse_into_loop_branches() {
    type Cmp = fn(i32, i32) -> bool;
    let cmps: [(&str, Cmp, &str, &str); 10] = [
        ("eq", |a, b| a == b, "Eq", "Eq"),
        ("ne", |a, b| a != b, "Ne", "Ne"),
        ("lt_s", |a, b| a < b, "LtS", "GtS"),
        ("lt_u", |a, b| (a as u32) < (b as u32), "LtU", "GtU"),
        ("gt_s", |a, b| a > b, "GtS", "LtS"),
        ("gt_u", |a, b| (a as u32) > (b as u32), "GtU", "LtU"),
        ("le_s", |a, b| a <= b, "LeS", "GeS"),
        ("le_u", |a, b| (a as u32) <= (b as u32), "LeU", "GeU"),
        ("ge_s", |a, b| a >= b, "GeS", "LeS"),
        ("ge_u", |a, b| (a as u32) >= (b as u32), "GeU", "LeU"),
    ];
    let steps = [1, -1, 3, i32::MAX];
    let mut text = String::from("(module\n");
    for (cmp, ..) in cmps {
        for (k, step) in steps.iter().enumerate() {
            // `x` as the comparison's left operand, then as its right one.
            for (side, test) in [("l", "(local.get $x) (local.get $n)"), ("r", "(local.get $n) (local.get $x)")] {
                // The step as a constant, then from a slot (on either side
                // of the add).
                let slot_add =
                    if side == "l" { "(local.get $s) (local.get $x)" } else { "(local.get $x) (local.get $s)" };
                for (kind, add) in [("i", format!("(local.get $x) (i32.const {step})")), ("s", slot_add.to_string())] {
                    text += &format!(
                        "(func (export \"{cmp}_{k}_{side}{kind}\") (param $x i32) (param $n i32) (param $s i32) (result i32 i32)
                           (local $c i32)
                           (block $exit (loop $l
                             (br_if $exit (i32.ge_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 50)))
                             (local.set $x (i32.add {add}))
                             (br_if $l (i32.{cmp} {test}))))
                           (local.get $c) (local.get $x))\n"
                    );
                }
            }
        }
    }
    // `x` a temporary loaded just before (in the accumulator only): not
    // fused, since the fused op would read `x`'s slot.
    text += "(memory 1)
      (func (export \"loaded\") (param $x i32) (param $n i32) (result i32 i32) (local $c i32)
        (i32.store (i32.const 0) (local.get $x))
        (block $exit (loop $l
          (br_if $exit (i32.ge_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 50)))
          (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 3)))
          (br_if $l (i32.lt_u (i32.add (i32.load (i32.const 0)) (i32.const 1)) (local.get $n)))))
        (local.get $c) (i32.load (i32.const 0))))";
    let values = [0, 1, 2, 5, -1, -2, -5, i32::MAX, i32::MAX - 1, i32::MIN, i32::MIN + 1];
    let mut config = tandem::Config::new();
    config.tier(tandem::Tier::Interp);
    let module = Module::new(&Engine::new(&config), text.as_str()).expect("compiles");
    // Per comparison and step: l with a constant, l with a slot, r, r.
    let per_cmp = steps.len() * 4;
    for (i, (_, _, same, mirrored)) in cmps.iter().enumerate() {
        let wants = [
            format!("BrI32AddImm{same} "),
            format!("BrI32Add{same} "),
            format!("BrI32AddImm{mirrored} "),
            format!("BrI32Add{mirrored} "),
        ];
        for (j, want) in wants.iter().enumerate() {
            let ops = op_names(&module, (i * per_cmp + j) as u32).join(" ");
            assert!(ops.contains(want.as_str()), "{ops}");
        }
    }
    for (tier, mut store, inst) in per_tier(&text) {
        for (cmp, holds, ..) in cmps {
            for (k, &step) in steps.iter().enumerate() {
                for name in ["li", "ls", "ri", "rs"] {
                    let side = &name[..1];
                    let f = inst.get_func(&mut store, &format!("{cmp}_{k}_{name}")).unwrap();
                    for &x0 in &values {
                        for &n in &values {
                            let (mut c, mut x) = (0, x0);
                            loop {
                                c += 1;
                                if c >= 50 {
                                    break;
                                }
                                x = x.wrapping_add(step);
                                let go = if side == "l" { holds(x, n) } else { holds(n, x) };
                                if !go {
                                    break;
                                }
                            }
                            let mut out = [Val::I32(-1), Val::I32(-1)];
                            f.call(&mut store, &[Val::I32(x0), Val::I32(n), Val::I32(step)], &mut out).unwrap();
                            assert_eq!(
                                out,
                                [Val::I32(c), Val::I32(x)],
                                "{tier:?} {cmp} step={step} {name} x={x0} n={n}"
                            );
                        }
                    }
                }
            }
        }
        let f = inst.get_func(&mut store, "loaded").unwrap();
        for &x0 in &values {
            for &n in &values {
                let (mut c, mut x) = (0, x0);
                loop {
                    c += 1;
                    if c >= 50 {
                        break;
                    }
                    x = x.wrapping_add(3);
                    if x.wrapping_add(1) as u32 >= n as u32 {
                        break;
                    }
                }
                let mut out = [Val::I32(-1), Val::I32(-1)];
                f.call(&mut store, &[Val::I32(x0), Val::I32(n)], &mut out).unwrap();
                assert_eq!(out, [Val::I32(c), Val::I32(x)], "{tier:?} loaded x={x0} n={n}");
            }
        }
    }
}
