//! Calls, traps, memory growth and fuel across the interpreter and the JIT
//! inside one store. `Func::is_compiled` says which tier each function is in,
//! so every test first checks it is testing the mix it claims to.

use tandem::{Config, Engine, Func, Instance, Linker, Module, Store, Tier, TrapCode, Val};

fn tiered(calls: u32) -> Config {
    let mut cfg = Config::new();
    cfg.tier(Tier::Tiered).tier_up_thresholds(calls, u32::MAX).background_compilation(false);
    cfg
}

/// `wasm` instantiated in a new store of a new engine with `cfg`, the store
/// given `fuel` first when there is some.
fn instantiate(cfg: &Config, wasm: impl AsRef<[u8]>, fuel: Option<u64>) -> (Module, Store<()>, Instance) {
    let engine = Engine::new(cfg);
    let module = Module::new(&engine, wasm).unwrap();
    let mut store = Store::new(&engine, ());
    if let Some(fuel) = fuel {
        store.set_fuel(fuel).unwrap();
    }
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    (module, store, inst)
}

fn func(store: &mut Store<()>, inst: &Instance, name: &str) -> Func {
    inst.get_func(&mut *store, name).unwrap()
}

#[test]
fn mutual_recursion_through_interpreter_jit_and_host() {
    // ping (compiled) -> host -> pong (interpreted) -> ping -> host -> ...
    let wat = r#"(module
      (import "host" "bounce" (func $bounce (param i32) (result i32)))
      (func $ping (export "ping") (param $n i32) (result i32)
        (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
          (else (i32.add (call $bounce (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
      (func $pong (export "pong") (param $n i32) (result i32)
        (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
          (else (i32.add (call $ping (i32.sub (local.get $n) (i32.const 1))) (i32.const 10))))))"#;
    let engine = Engine::new(&tiered(50));
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "bounce", |mut caller: tandem::Caller<'_, ()>, n: i32| -> tandem::Result<i32> {
            let pong = caller.get_export("pong").and_then(|e| e.into_func()).unwrap();
            pong.typed::<i32, i32>(&caller)?.call(&mut caller, n)
        })
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let (ping, pong) = (func(&mut store, &inst, "ping"), func(&mut store, &inst, "pong"));
    let ping_t = ping.typed::<i32, i32>(&store).unwrap();
    for _ in 0..50 {
        assert_eq!(ping_t.call(&mut store, 0).unwrap(), 0);
    }
    assert!(ping.is_compiled(&store) && !pong.is_compiled(&store));
    // Hand-checked: levels alternate ping (+1) and pong (+10), ping first.
    let expect = |n: i32| (0..n).map(|i| if i % 2 == 0 { 1 } else { 10 }).sum::<i32>();
    assert_eq!(ping_t.call(&mut store, 20).unwrap(), expect(20));
    assert!(!pong.is_compiled(&store), "pong ran 10 times, below the threshold");
    // Now pong gets hot too (in the middle of a call) and the result holds.
    assert_eq!(ping_t.call(&mut store, 120).unwrap(), expect(120));
    assert!(pong.is_compiled(&store));
    assert_eq!(ping_t.call(&mut store, 121).unwrap(), expect(121));
}

const THREE: &str = r#"(module $m
  (func $outer (export "outer") (param $x i32) (result i32)
    (if (result i32) (local.get $x) (then (call $middle (local.get $x))) (else (i32.const 0))))
  (func $middle (export "middle") (param $x i32) (result i32)
    (i32.add (call $inner (local.get $x)) (i32.const 1)))
  (func $inner (export "inner") (param $x i32) (result i32)
    (if (i32.eq (local.get $x) (i32.const 7)) (then unreachable))
    (local.get $x)))"#;

#[test]
fn trap_three_frames_deep_through_mixed_tiers() {
    let (_, mut store, inst) = instantiate(&tiered(5), THREE, None);
    let outer = inst.get_typed_func::<i32, i32>(&mut store, "outer").unwrap();
    let inner = inst.get_typed_func::<i32, i32>(&mut store, "inner").unwrap();
    for _ in 0..5 {
        outer.call(&mut store, 0).unwrap();
        inner.call(&mut store, 1).unwrap();
    }
    let middle = func(&mut store, &inst, "middle");
    assert!(outer.func().is_compiled(&store) && inner.func().is_compiled(&store) && !middle.is_compiled(&store));
    // compiled outer -> interpreted middle -> compiled inner -> unreachable
    let err = outer.call(&mut store, 7).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::Unreachable));
    let trap = err.as_trap().unwrap();
    let names: Vec<Option<&str>> = trap.backtrace().frames().iter().map(|f| f.func_name.as_deref()).collect();
    assert_eq!(names, [Some("inner"), Some("middle"), Some("outer")]);
    // The store is still usable, through both tiers.
    assert_eq!(outer.call(&mut store, 3).unwrap(), 4);
    assert!(!middle.is_compiled(&store));
}

#[test]
fn jit_and_interpreter_backtraces_agree() {
    let run = |tier: Tier| {
        let mut cfg = Config::new();
        cfg.tier(tier);
        let (_, mut store, inst) = instantiate(&cfg, THREE, None);
        let outer = inst.get_typed_func::<i32, i32>(&mut store, "outer").unwrap();
        assert_eq!(outer.func().is_compiled(&store), tier == Tier::Jit);
        let err = outer.call(&mut store, 7).unwrap_err();
        err.as_trap().map(|t| (t.code(), t.backtrace().clone()))
    };
    let (jit, interp) = (run(Tier::Jit), run(Tier::Interp));
    assert!(jit.is_some());
    assert_eq!(jit, interp);
}

#[test]
fn memory_grow_in_jit_code_is_seen_by_interpreter_and_host() {
    let wat = r#"(module (memory (export "mem") 1)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
      (func (export "size") (result i32) (memory.size))
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))"#;
    let (_, mut store, inst) = instantiate(&tiered(3), wat, None);
    let grow = inst.get_typed_func::<i32, i32>(&mut store, "grow").unwrap();
    let st = inst.get_typed_func::<(i32, i32), ()>(&mut store, "store").unwrap();
    let size = inst.get_typed_func::<(), i32>(&mut store, "size").unwrap();
    let load = inst.get_typed_func::<i32, i32>(&mut store, "load").unwrap();
    for _ in 0..3 {
        grow.call(&mut store, 0).unwrap();
        st.call(&mut store, (0, 0)).unwrap();
    }
    assert!(grow.func().is_compiled(&store) && st.func().is_compiled(&store));
    assert!(!size.func().is_compiled(&store) && !load.func().is_compiled(&store));
    let top = 3 * 65536 - 4;
    // Before growing, compiled code traps past the end.
    assert_eq!(st.call(&mut store, (top, 1)).unwrap_err().trap_code(), Some(TrapCode::MemoryOutOfBounds));
    assert_eq!(grow.call(&mut store, 2).unwrap(), 1);
    assert_eq!(size.call(&mut store, ()).unwrap(), 3);
    let mem = inst.get_memory(&mut store, "mem").unwrap();
    assert_eq!(mem.size(&store), 3);
    st.call(&mut store, (top, 0x1234_5678)).unwrap();
    assert_eq!(load.call(&mut store, top).unwrap(), 0x1234_5678);
    let mut buf = [0u8; 4];
    mem.read(&store, top as usize, &mut buf).unwrap();
    assert_eq!(u32::from_le_bytes(buf), 0x1234_5678);
    // The interpreter sees the new end too.
    assert_eq!(load.call(&mut store, top + 1).unwrap_err().trap_code(), Some(TrapCode::MemoryOutOfBounds));
}

#[test]
fn fuel_runs_out_inside_jit_code() {
    let wat = r#"(module (func (export "spin") (param $n i32) (result i32) (local $i i32)
      (block $d (loop $l
        (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (local.get $i)))"#;
    let used = |tier: Tier, fuel: u64, n: i32| {
        let mut cfg = Config::new();
        cfg.tier(tier).consume_fuel(true);
        let (_, mut store, inst) = instantiate(&cfg, wat, Some(fuel));
        let spin = inst.get_typed_func::<i32, i32>(&mut store, "spin").unwrap();
        assert_eq!(spin.func().is_compiled(&store), tier == Tier::Jit);
        let r = spin.call(&mut store, n).map_err(|e| e.trap_code());
        (r, store.get_fuel().unwrap())
    };
    let (r, left) = used(Tier::Jit, 10_000, i32::MAX);
    assert_eq!((r, left), (Err(Some(TrapCode::OutOfFuel)), 0));
    // Both tiers charge the same, down to the last unit.
    for n in [0, 1, 7, 1000] {
        assert_eq!(used(Tier::Jit, 1_000_000, n), used(Tier::Interp, 1_000_000, n));
    }
    // Just enough fuel, and one unit less, behave the same in both tiers.
    let need = 1_000_000 - used(Tier::Interp, 1_000_000, 100).1;
    for fuel in [need, need - 1] {
        assert_eq!(used(Tier::Jit, fuel, 100), used(Tier::Interp, fuel, 100));
    }
}

#[test]
fn kernels_agree_on_results_and_fuel_in_every_tier() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/");
    // (file, small argument): the benchmark kernels at test size.
    let kernels: [(&str, i32); 14] = [
        ("kernels/fib.wat", 15),
        ("built/ackermann.wasm", 8),
        ("kernels/collatz.wat", 2000),
        ("built/sieve.wasm", 1),
        ("built/matmul.wasm", 1),
        ("built/sort.wasm", 1),
        ("built/memmove.wasm", 300),
        ("built/nbody.wasm", 1000),
        ("built/mandelbrot.wasm", 30),
        ("built/spectral.wasm", 30),
        ("built/sha256.wasm", 1),
        ("built/vm.wasm", 3),
        ("built/indirect.wasm", 20),
        ("built/zstd.wasm", 1),
    ];
    for (file, arg) in kernels {
        let wasm = std::fs::read(format!("{dir}{file}")).unwrap();
        let run = |tier: Tier| {
            let mut cfg = Config::new();
            cfg.tier(tier).consume_fuel(true).tier_up_thresholds(2, 3).background_compilation(false);
            let (_, mut store, inst) = instantiate(&cfg, &wasm, Some(u64::MAX / 2));
            let f = inst.get_func(&mut store, "run").unwrap();
            let mut out = [Val::I64(0)];
            // Twice: in tiered mode the second call starts in compiled code.
            let mut results = Vec::new();
            for _ in 0..2 {
                f.call(&mut store, &[Val::I32(arg)], &mut out).unwrap();
                results.push((out[0].i64(), u64::MAX / 2 - store.get_fuel().unwrap()));
            }
            (results, f.is_compiled(&store))
        };
        let (interp, jit, tiered) = (run(Tier::Interp), run(Tier::Jit), run(Tier::Tiered));
        assert!(!interp.1 && jit.1 && tiered.1, "{file}: tiers not as configured");
        assert_eq!(jit.0, interp.0, "{file}: jit differs from the interpreter");
        assert_eq!(tiered.0, interp.0, "{file}: tiered differs from the interpreter");
    }
}

const SUM: &str = r#"(module
  (func $outer (export "outer") (param $n i32) (param $trap_at i32) (result i64)
    (i64.add (call $sum (local.get $n) (local.get $trap_at)) (i64.const 1)))
  (func $sum (export "sum") (param $n i32) (param $trap_at i32) (result i64) (local $i i32) (local $acc i64)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.eq (local.get $i) (local.get $trap_at)) (then unreachable))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $acc)))"#;

/// One long call moves from the interpreter into compiled code at a loop
/// header (on-stack replacement), with the same result, fuel and traps.
#[test]
fn a_long_running_call_moves_into_compiled_code() {
    let run = |tier: Tier, n: i32, trap_at: i32| {
        let mut cfg = Config::new();
        cfg.tier(tier).tier_up_thresholds(u32::MAX, 100).consume_fuel(true).background_compilation(false);
        let (module, mut store, inst) = instantiate(&cfg, SUM, Some(u64::MAX / 2));
        let outer = inst.get_typed_func::<(i32, i32), i64>(&mut store, "outer").unwrap();
        let sum = func(&mut store, &inst, "sum");
        assert!(!sum.is_compiled(&store));
        let r = outer.call(&mut store, (n, trap_at)).map_err(|e| {
            let t = e.as_trap().unwrap();
            (t.code(), t.backtrace().frames().iter().map(|f| f.func_name.clone().unwrap()).collect::<Vec<_>>())
        });
        let compiled = (sum.is_compiled(&store), outer.func().is_compiled(&store), module.compiled_functions());
        // The store is usable afterwards.
        assert_eq!(outer.call(&mut store, (3, -1)).unwrap(), 4);
        (r, u64::MAX / 2 - store.get_fuel().unwrap(), compiled)
    };
    let n = 100_000;
    let (r, fuel, compiled) = run(Tier::Tiered, n, -1);
    assert_eq!(r, Ok((0..n as i64).sum::<i64>() + 1));
    // sum's one call moved into its OSR entry; its own entry (for later
    // calls) and outer stay uncompiled: neither was called often.
    assert_eq!(compiled, (false, false, (0, 1)), "sum switched tiers during its only call");
    let (ri, fuel_i, _) = run(Tier::Interp, n, -1);
    assert_eq!((r, fuel), (ri, fuel_i));
    // A trap after the switch: same code, same backtrace, same fuel.
    let (r, fuel, _) = run(Tier::Tiered, n, 5000);
    assert_eq!(r, Err((TrapCode::Unreachable, vec!["sum".to_string(), "outer".to_string()])));
    assert_eq!((r, fuel), {
        let (r, f, _) = run(Tier::Interp, n, 5000);
        (r, f)
    });
}

/// OSR entries: the first call's counter runs out in the inner loop and
/// enters through the any-header entry; the second call, with the counter
/// still at its threshold, leaves the interpreter at the first header it
/// meets (the outer loop's) through the same entry, and as the function
/// needed it twice, its normal entry is compiled (synchronously here); the
/// third call runs that from its start. Every call gives the hand-computed
/// result and the interpreter's fuel.
#[test]
fn a_function_that_needs_osr_twice_gets_its_normal_entry() {
    let wat = r#"(module
      (func (export "nested") (param $n i32) (result i64) (local $i i32) (local $j i32) (local $acc i64)
        (block $done (loop $outer
          (br_if $done (i32.ge_u (local.get $i) (i32.const 4)))
          (local.set $j (i32.const 0))
          (block $end (loop $inner
            (br_if $end (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.mul (local.get $i) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $inner)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $outer)))
        (local.get $acc)))"#;
    let n = 1000;
    // sum over i < 4, j < n of i * j
    let want = 6 * (n as i64) * (n as i64 - 1) / 2;
    let run = |tier: Tier| {
        let mut cfg = Config::new();
        cfg.tier(tier).tier_up_thresholds(u32::MAX, 100).consume_fuel(true).background_compilation(false);
        let (module, mut store, inst) = instantiate(&cfg, wat, Some(u64::MAX / 2));
        let nested = inst.get_typed_func::<i32, i64>(&mut store, "nested").unwrap();
        let mut out = Vec::new();
        for _ in 0..3 {
            let r = nested.call(&mut store, n).unwrap();
            out.push((r, u64::MAX / 2 - store.get_fuel().unwrap(), module.compiled_functions()));
        }
        out
    };
    let (tiered, interp) = (run(Tier::Tiered), run(Tier::Interp));
    assert_eq!(
        tiered.iter().map(|c| c.2).collect::<Vec<_>>(),
        [(0, 1), (1, 1), (1, 1)],
        "any-header entry, then the normal entry, and no other OSR entry"
    );
    for (t, i) in tiered.iter().zip(&interp) {
        assert_eq!((t.0, t.1), (want, i.1), "result and fuel as interpreted");
    }
}

/// A call made after a function's normal entry was compiled runs that entry
/// from its start, even when no counter of the function has run out since
/// (the record used to be updated only then, and the call stayed
/// interpreted until its loop counter sent it to the OSR entry). Here the
/// second call compiles the entry while it runs (its second use of the
/// any-header OSR entry); the function asks the host, on entry, whether it
/// is compiled: only the third call may see it so.
#[test]
fn the_call_after_compilation_runs_the_normal_entry() {
    let wat = r#"(module
      (import "env" "probe" (func $probe))
      (func (export "count") (param $n i32) (result i64) (local $i i32) (local $acc i64)
        (call $probe)
        (block $done (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (local.get $acc)))"#;
    let mut cfg = Config::new();
    cfg.tier(Tier::Tiered).tier_up_thresholds(u32::MAX, 100).background_compilation(false);
    let engine = Engine::new(&cfg);
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, Vec::<bool>::new());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "probe", |mut caller: tandem::Caller<'_, Vec<bool>>| {
            let f = caller.get_export("count").and_then(|e| e.into_func()).unwrap();
            let compiled = f.is_compiled(&caller);
            caller.data_mut().push(compiled);
        })
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let count = inst.get_typed_func::<i32, i64>(&mut store, "count").unwrap();
    let n = 10_000;
    for _ in 0..4 {
        assert_eq!(count.call(&mut store, n).unwrap(), (0..n as i64).sum::<i64>());
    }
    assert_eq!(store.data(), &[false, false, true, true], "compiled on entry, per call");
    assert_eq!(module.compiled_functions(), (1, 1));
}

/// Loop iterations are charged in batches (64 at this threshold) from a
/// budget the store keeps between calls: short loops of many separate
/// calls from the host add up to a tier-up, and only once they reach the
/// threshold.
#[test]
fn short_loops_of_many_host_calls_add_up_to_a_tier_up() {
    let mut cfg = Config::new();
    cfg.tier(Tier::Tiered).tier_up_thresholds(u32::MAX, 1600).background_compilation(false);
    let (module, mut store, inst) = instantiate(&cfg, SUM, None);
    let sum = inst.get_typed_func::<(i32, i32), i64>(&mut store, "sum").unwrap();
    // Each call counts 12 iterations (its entry, ten back edges, the exit
    // through the header): 125 calls stay below 1600.
    for _ in 0..125 {
        assert_eq!(sum.call(&mut store, (10, -1)).unwrap(), 45);
    }
    assert_eq!(module.compiled_functions(), (0, 0), "below the threshold");
    for _ in 0..100 {
        assert_eq!(sum.call(&mut store, (10, -1)).unwrap(), 45);
    }
    assert_ne!(module.compiled_functions(), (0, 0), "2700 iterations in calls of 10");
}

/// Calls between interpreted functions are charged in batches too (64 at
/// this threshold): the callee tiers up once about as many calls as the
/// threshold have been made, not before.
#[test]
fn calls_from_interpreted_code_are_charged_in_batches() {
    let wat = r#"(module
      (func $leaf (export "leaf") (param $x i32) (result i32) (i32.add (local.get $x) (i32.const 3)))
      (func (export "calls") (param $n i32) (result i32) (local $i i32) (local $acc i32)
        (block $done (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $acc (call $leaf (local.get $acc)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (local.get $acc)))"#;
    let mut cfg = Config::new();
    cfg.tier(Tier::Tiered).tier_up_thresholds(1600, u32::MAX).background_compilation(false);
    let (_, mut store, inst) = instantiate(&cfg, wat, None);
    let calls = inst.get_typed_func::<i32, i32>(&mut store, "calls").unwrap();
    let leaf = func(&mut store, &inst, "leaf");
    assert_eq!(calls.call(&mut store, 1500).unwrap(), 4500);
    assert!(!leaf.is_compiled(&store), "1500 calls: below the threshold");
    assert_eq!(calls.call(&mut store, 200).unwrap(), 600);
    assert!(leaf.is_compiled(&store), "1700 calls");
}

/// With background compilation (the default) the interpreter keeps running
/// while the function compiles, and later calls switch to the native code.
#[test]
fn background_compilation_switches_later_calls() {
    let mut cfg = Config::new();
    cfg.tier(Tier::Tiered).tier_up_thresholds(10, u32::MAX).consume_fuel(true);
    let (_, mut store, inst) = instantiate(&cfg, SUM, None);
    let sum = inst.get_typed_func::<(i32, i32), i64>(&mut store, "sum").unwrap();
    let start = std::time::Instant::now();
    let mut calls = 0u64;
    let mut fuel_per_call = std::collections::HashSet::new();
    while !sum.func().is_compiled(&store) {
        assert!(start.elapsed().as_secs() < 30, "the background compiler never delivered");
        store.set_fuel(1_000_000).unwrap();
        assert_eq!(sum.call(&mut store, (100, -1)).unwrap(), 4950);
        fuel_per_call.insert(1_000_000 - store.get_fuel().unwrap());
        calls += 1;
    }
    assert!(calls >= 10);
    store.set_fuel(1_000_000).unwrap();
    assert_eq!(sum.call(&mut store, (100, -1)).unwrap(), 4950);
    fuel_per_call.insert(1_000_000 - store.get_fuel().unwrap());
    assert_eq!(fuel_per_call.len(), 1, "both tiers charge the same fuel per call");
}

/// Scalar float ops give the same bits in the interpreter and in compiled
/// code with NaN operands (quiet and signalling, payloads, both signs) in
/// either position, and with `inf - inf` style NaNs made by the op: a
/// fuzzer comparing the tiers without canonicalisation relies on it.
/// (In Rust, `x + y` may be commuted by the compiler, which changes which
/// NaN an SSE instruction returns.)
#[test]
fn scalar_float_nans_are_the_same_bits_in_both_tiers() {
    let ops32 = ["add", "sub", "mul", "div", "min", "max", "copysign"];
    let un = ["sqrt", "ceil", "floor", "trunc", "nearest", "neg", "abs"];
    let mut text = String::from("(module\n");
    for t in ["f32", "f64"] {
        for op in ops32 {
            text += &format!(
                "(func (export \"{t}.{op}\") (param {t} {t}) (result {t}) ({t}.{op} (local.get 0) (local.get 1)))\n"
            );
        }
        for op in un {
            text += &format!("(func (export \"{t}.{op}\") (param {t}) (result {t}) ({t}.{op} (local.get 0)))\n");
        }
    }
    text += "(func (export \"demote\") (param f64) (result f32) (f32.demote_f64 (local.get 0)))\n";
    text += "(func (export \"promote\") (param f32) (result f64) (f64.promote_f32 (local.get 0)))\n)";
    // The SIMD tests' corner values: NaNs of every kind, zeros, infinities.
    let (f32s, f64s) = (super::simd::F32_BITS, super::simd::F64_BITS);
    let run = |tier: Tier| {
        let mut cfg = Config::new();
        cfg.tier(tier);
        let (_, mut store, inst) = instantiate(&cfg, &text, None);
        let mut out = Vec::new();
        let mut call = |store: &mut Store<()>, name: &str, args: &[Val], ty: Val| {
            let mut r = [ty];
            func(store, &inst, name).call(store, args, &mut r).unwrap();
            out.push((name.to_string(), format!("{args:x?}"), r[0]));
        };
        for op in ops32 {
            for &a in f32s {
                for &b in f32s {
                    call(&mut store, &format!("f32.{op}"), &[Val::F32(a), Val::F32(b)], Val::F32(0));
                }
            }
            for &a in f64s {
                for &b in f64s {
                    call(&mut store, &format!("f64.{op}"), &[Val::F64(a), Val::F64(b)], Val::F64(0));
                }
            }
        }
        for op in un {
            for &a in f32s {
                call(&mut store, &format!("f32.{op}"), &[Val::F32(a)], Val::F32(0));
            }
            for &a in f64s {
                call(&mut store, &format!("f64.{op}"), &[Val::F64(a)], Val::F64(0));
            }
        }
        for &a in f64s {
            call(&mut store, "demote", &[Val::F64(a)], Val::F32(0));
        }
        for &a in f32s {
            call(&mut store, "promote", &[Val::F32(a)], Val::F64(0));
        }
        out
    };
    let (interp, jit) = (run(Tier::Interp), run(Tier::Jit));
    let differ: Vec<String> = interp
        .iter()
        .zip(&jit)
        .filter(|(i, j)| i.2 != j.2)
        .map(|(i, j)| format!("{} {}: interp {:x?}, jit {:x?}", i.0, i.1, i.2, j.2))
        .collect();
    assert!(differ.is_empty(), "{} differ:\n{}", differ.len(), differ.join("\n"));
}
