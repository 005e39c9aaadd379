//! Host functions in both directions, memory, globals, tables, linking.

use tandem::{
    Caller, Config, Engine, Extern, Func, FuncType, Global, GlobalType, Instance, Linker, Memory, MemoryType, Module,
    Store, Translation, Val, ValType,
};

fn wat(engine: &Engine, text: &str) -> Module {
    Module::new(engine, text).expect("test module compiles")
}

/// A new store of `module`'s engine with `module` instantiated in it (no
/// imports).
fn instantiate(module: &Module) -> (Store<()>, Instance) {
    let mut store = Store::new(module.engine(), ());
    let inst = Instance::new(&mut store, module, &[]).expect("test module instantiates");
    (store, inst)
}

#[test]
fn host_function_called_from_wasm_and_wasm_called_from_host() {
    let engine = Engine::default();
    let module = wat(
        &engine,
        r#"(module
            (import "env" "add_and_log" (func $h (param i32 i64) (result i64)))
            (func (export "run") (param i32) (result i64)
              (call $h (local.get 0) (i64.const 1000))
              (i64.const 5)
              (i64.mul)))"#,
    );
    let mut store = Store::new(&engine, Vec::<i64>::new());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "add_and_log", |mut caller: Caller<'_, Vec<i64>>, a: i32, b: i64| -> i64 {
            let sum = a as i64 + b;
            caller.data_mut().push(sum);
            sum
        })
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_typed_func::<i32, i64>(&mut store, "run").unwrap();
    assert_eq!(run.call(&mut store, 7).unwrap(), 5035);
    assert_eq!(run.call(&mut store, -7).unwrap(), 4965);
    assert_eq!(store.data(), &vec![1007, 993]);
}

#[test]
fn host_calls_back_into_wasm_through_caller_exports() {
    let engine = Engine::default();
    let module = wat(
        &engine,
        r#"(module
            (import "env" "twice" (func $twice (param i32) (result i32)))
            (memory (export "memory") 1)
            (func (export "square") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
            (func (export "run") (param i32) (result i32)
              (i32.store (i32.const 16) (i32.const 99))
              (call $twice (local.get 0))))"#,
    );
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "twice", |mut caller: Caller<'_, ()>, x: i32| -> tandem::Result<i32> {
            // Re-enter wasm from the host, and read the caller's memory.
            let square = caller.get_export("square").and_then(Extern::into_func).expect("square export");
            let square = square.typed::<i32, i32>(&caller)?;
            let sq = square.call(&mut caller, x)?;
            let mem = caller.get_export("memory").and_then(Extern::into_memory).expect("memory export");
            let mut b = [0u8; 4];
            mem.read(&caller, 16, &mut b)?;
            Ok(sq + sq + i32::from_le_bytes(b))
        })
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_typed_func::<i32, i32>(&mut store, "run").unwrap();
    assert_eq!(run.call(&mut store, 6).unwrap(), 36 + 36 + 99);
}

#[test]
fn memory_read_write_and_grow_from_host() {
    let engine = Engine::default();
    let module = wat(
        &engine,
        r#"(module
            (memory (export "mem") 1 3)
            (func (export "sum") (param $p i32) (param $n i32) (result i32) (local $acc i32)
              (block $done (loop $l
                (br_if $done (i32.eqz (local.get $n)))
                (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $p))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br $l)))
              (local.get $acc))
            (func (export "size") (result i32) (memory.size)))"#,
    );
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let mem = inst.get_memory(&mut store, "mem").unwrap();
    mem.write(&mut store, 100, &[1, 2, 3, 4, 250]).unwrap();
    let sum = inst.get_typed_func::<(i32, i32), i32>(&mut store, "sum").unwrap();
    assert_eq!(sum.call(&mut store, (100, 5)).unwrap(), 260);
    assert!(mem.write(&mut store, 65535, &[1, 2]).is_err(), "write past the end is an error");
    assert_eq!(mem.grow(&mut store, 2).unwrap(), 1);
    assert!(mem.grow(&mut store, 1).is_err(), "maximum is 3 pages");
    let size = inst.get_typed_func::<(), i32>(&mut store, "size").unwrap();
    assert_eq!(size.call(&mut store, ()).unwrap(), 3, "wasm sees the host's growth");
    mem.data_mut(&mut store)[3 * 65536 - 1] = 7;
    assert_eq!(sum.call(&mut store, (3 * 65536 - 1, 1)).unwrap(), 7);
}

#[test]
fn instances_link_by_name_and_share_memory_table_global() {
    let engine = Engine::default();
    let a = wat(
        &engine,
        r#"(module
            (memory (export "mem") 1)
            (global (export "g") (mut i32) (i32.const 10))
            (table (export "tab") 2 funcref)
            (func $f (result i32) (i32.const 42))
            (elem (i32.const 1) $f)
            (func (export "bump") (global.set 0 (i32.add (global.get 0) (i32.const 1)))))"#,
    );
    let b = wat(
        &engine,
        r#"(module
            (import "a" "mem" (memory 1))
            (import "a" "g" (global $g (mut i32)))
            (import "a" "tab" (table 2 funcref))
            (import "a" "bump" (func $bump))
            (type $t (func (result i32)))
            (func (export "run") (result i32)
              (call $bump)
              (i32.store (i32.const 0) (global.get $g))
              (i32.add (call_indirect (type $t) (i32.const 1)) (i32.load (i32.const 0)))))"#,
    );
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let ia = linker.instantiate(&mut store, &a).unwrap();
    linker.instance(&mut store, "a", ia).unwrap();
    let ib = linker.instantiate(&mut store, &b).unwrap();
    let run = ib.get_typed_func::<(), i32>(&mut store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 42 + 11);
    let g = ia.get_global(&mut store, "g").unwrap();
    assert_eq!(g.get(&mut store), Val::I32(11));
    g.set(&mut store, Val::I32(100)).unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 42 + 101);
    let mem = ia.get_memory(&mut store, "mem").unwrap();
    assert_eq!(&mem.data(&store)[..4], &101i32.to_le_bytes());
}

#[test]
fn dynamic_host_function_and_funcref_roundtrip() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let ty = FuncType::new([ValType::F64, ValType::F64], [ValType::F64, ValType::I32]);
    let hyp = Func::new(&mut store, ty, |_caller, params, results| {
        let (a, b) = (params[0].f64().unwrap(), params[1].f64().unwrap());
        results[0] = Val::from((a * a + b * b).sqrt());
        results[1] = Val::I32(7);
        Ok(())
    });
    let module = wat(
        &engine,
        r#"(module
            (import "m" "hyp" (func $hyp (param f64 f64) (result f64 i32)))
            (table $t 1 funcref)
            (func (export "run") (param f64 f64) (result f64 i32) (call $hyp (local.get 0) (local.get 1)))
            (func (export "get") (result funcref) (table.get $t (i32.const 0)))
            (func (export "set") (param funcref) (table.set $t (i32.const 0) (local.get 0))))"#,
    );
    let inst = Instance::new(&mut store, &module, &[hyp.into()]).unwrap();
    let run = inst.get_func(&mut store, "run").unwrap();
    let mut out = [Val::I32(0), Val::I32(0)];
    run.call(&mut store, &[Val::from(3.0), Val::from(4.0)], &mut out).unwrap();
    assert_eq!(out, [Val::from(5.0f64), Val::I32(7)]);
    // A host function stored in a wasm table comes back as the same function.
    let set = inst.get_typed_func::<Option<Func>, ()>(&mut store, "set").unwrap();
    let get = inst.get_typed_func::<(), Option<Func>>(&mut store, "get").unwrap();
    assert_eq!(get.call(&mut store, ()).unwrap(), None);
    set.call(&mut store, Some(hyp)).unwrap();
    let back = get.call(&mut store, ()).unwrap().expect("non-null funcref");
    back.call(&mut store, &[Val::from(6.0), Val::from(8.0)], &mut out).unwrap();
    assert_eq!(out[0], Val::from(10.0f64));
}

#[test]
fn host_defined_global_and_memory_imports() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let g = Global::new(&mut store, GlobalType { ty: ValType::I64, mutable: true }, Val::I64(5)).unwrap();
    let m = Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let module = wat(
        &engine,
        r#"(module
            (import "h" "g" (global $g (mut i64)))
            (import "h" "m" (memory 1))
            (data (i32.const 8) "\2a")
            (func (export "f") (result i64)
              (global.set $g (i64.add (global.get $g) (i64.load8_u (i32.const 8))))
              (global.get $g)))"#,
    );
    let mut linker = Linker::new(&engine);
    linker.define("h", "g", g).unwrap().define("h", "m", m).unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let f = inst.get_typed_func::<(), i64>(&mut store, "f").unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 47);
    assert_eq!(g.get(&mut store), Val::I64(47));
    assert_eq!(m.data(&store)[8], 42);
}

#[test]
fn eager_and_lazy_translation_agree() {
    let text = r#"(module (func (export "f") (param i32) (result i32)
        (local $i i32) (local $acc i32)
        (loop $l
          (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $i) (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_s (local.get $i) (local.get 0))))
        (local.get $acc)))"#;
    for mode in [Translation::Lazy, Translation::Eager, Translation::LazyValidation] {
        let mut cfg = Config::new();
        cfg.translation(mode);
        let engine = Engine::new(&cfg);
        let (mut store, inst) = instantiate(&wat(&engine, text));
        let f = inst.get_typed_func::<i32, i32>(&mut store, "f").unwrap();
        // sum of i^2 for i in 0..10 = 285
        assert_eq!(f.call(&mut store, 10).unwrap(), 285, "{mode:?}");
    }
}

#[test]
fn lazy_validation_reports_an_invalid_body_on_first_call() {
    // Function 1 is invalid (returns i64 for i32); function 0 is fine.
    let text = r#"(module
        (func (export "good") (result i32) (i32.const 7))
        (func (export "bad") (result i32) (i64.const 1)))"#;
    // The text parser does not type-check, so this yields the invalid binary.
    let bytes = wat::parse_str(text).unwrap();
    for mode in [Translation::Lazy, Translation::Eager] {
        let mut cfg = Config::new();
        cfg.translation(mode);
        let err = Module::new(&Engine::new(&cfg), &bytes).unwrap_err();
        assert!(matches!(err.kind(), tandem::ErrorKind::Module(_)), "{mode:?}: {err}");
    }
    let mut cfg = Config::new();
    cfg.translation(Translation::LazyValidation);
    let engine = Engine::new(&cfg);
    let module = Module::new(&engine, &bytes).expect("bodies are not validated yet");
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let good = inst.get_typed_func::<(), i32>(&mut store, "good").unwrap();
    assert_eq!(good.call(&mut store, ()).unwrap(), 7);
    let bad = inst.get_typed_func::<(), i32>(&mut store, "bad").unwrap();
    let err = bad.call(&mut store, ()).unwrap_err();
    assert!(matches!(err.kind(), tandem::ErrorKind::Module(_)), "{err}");
    assert!(err.to_string().contains("type mismatch"), "{err}");
    // The store stays usable.
    assert_eq!(good.call(&mut store, ()).unwrap(), 7);
}

/// Value stacks are reused across stores (`alloc::value_stack`) without
/// being cleared: a store that follows one that filled its stack with
/// non-zero values must still see its declared locals start at zero, at
/// every depth.
#[test]
fn locals_start_at_zero_on_a_value_stack_another_store_used() {
    let text = r#"(module
      (func $dirty (export "dirty") (param $n i32) (result i64)
        (local $a i64) (local $b i64) (local $c f64) (local $d i32)
        (local.set $a (i64.const -1)) (local.set $b (i64.const 0x5555))
        (local.set $c (f64.const -3.5)) (local.set $d (i32.const 7))
        (if (result i64) (i32.eqz (local.get $n))
          (then (i64.add (local.get $a) (local.get $b)))
          (else (i64.add (local.get $a)
                  (call $dirty (i32.sub (local.get $n) (i32.const 1)))))))
      (func $fresh (export "fresh") (param $n i32) (result i64)
        (local $a i64) (local $b i64) (local $c f64) (local $d i32)
        (i64.add
          (i64.add (i64.or (local.get $a) (local.get $b))
                   (i64.or (i64.reinterpret_f64 (local.get $c)) (i64.extend_i32_u (local.get $d))))
          (if (result i64) (i32.eqz (local.get $n))
            (then (i64.const 0))
            (else (call $fresh (i32.sub (local.get $n) (i32.const 1))))))))"#;
    let mut cfg = Config::new();
    cfg.tier(tandem::Tier::Interp);
    let engine = Engine::new(&cfg);
    let module = wat(&engine, text);
    for round in 0..4 {
        let (mut store, inst) = instantiate(&module);
        let dirty = inst.get_typed_func::<i32, i64>(&mut store, "dirty").unwrap();
        let fresh = inst.get_typed_func::<i32, i64>(&mut store, "fresh").unwrap();
        // 2000 frames of -1: -2000, plus 0x5554 at the bottom.
        assert_eq!(dirty.call(&mut store, 2000).unwrap(), 0x5554 - 2000, "round {round}");
        assert_eq!(fresh.call(&mut store, 2000).unwrap(), 0, "round {round}, same store");
        drop(store);
        let (mut store, inst) = instantiate(&module);
        let fresh = inst.get_typed_func::<i32, i64>(&mut store, "fresh").unwrap();
        assert_eq!(fresh.call(&mut store, 2000).unwrap(), 0, "round {round}, next store");
    }
}

/// Small linear memories are kept when their store is dropped
/// (`alloc::linear_memory`): the next store's memory of that size must
/// still start zeroed. Memories of 1 to 4 pages are kept, 8 are not; a
/// memory that grew is not kept either, and must not leak into a memory
/// created at its size.
#[test]
fn a_new_memory_is_zero_after_another_store_filled_one_of_its_size() {
    let module_text = |min: u32| {
        format!(
            r#"(module (memory (export "m") {min})
              (func (export "grow_and_fill") (param $pages i32)
                (drop (memory.grow (i32.sub (local.get $pages) (memory.size))))
                (memory.fill (i32.const 0) (i32.const 0xab) (i32.mul (memory.size) (i32.const 65536))))
              (func (export "or_all") (result i64) (local $i i32) (local $s i64)
                (block $done (loop $l
                  (br_if $done (i32.ge_u (local.get $i) (i32.mul (memory.size) (i32.const 65536))))
                  (local.set $s (i64.or (local.get $s) (i64.load (local.get $i))))
                  (local.set $i (i32.add (local.get $i) (i32.const 8)))
                  (br $l)))
                (local.get $s)))"#
        )
    };
    let engine = Engine::default();
    let grown = wat(&engine, &module_text(1));
    for pages in [1, 2, 4, 8] {
        let sized = wat(&engine, &module_text(pages));
        for round in 0..3 {
            // Filled at its own size, then at a size it grew to.
            for module in [&sized, &grown] {
                let (mut store, inst) = instantiate(module);
                let fill = inst.get_typed_func::<i32, ()>(&mut store, "grow_and_fill").unwrap();
                let or_all = inst.get_typed_func::<(), i64>(&mut store, "or_all").unwrap();
                assert_eq!(or_all.call(&mut store, ()).unwrap(), 0, "{pages} pages, round {round}, new store");
                fill.call(&mut store, pages as i32).unwrap();
                assert_eq!(or_all.call(&mut store, ()).unwrap(), 0xabab_abab_abab_abab_u64 as i64);
                let mem = inst.get_memory(&mut store, "m").unwrap();
                assert_eq!(mem.data(&store).len(), pages as usize * 65536);
                drop(store);
                // A memory created at this size takes the kept one, if any.
                let (mut store, inst) = instantiate(&sized);
                let mem = inst.get_memory(&mut store, "m").unwrap();
                assert!(mem.data(&store).iter().all(|&b| b == 0), "{pages} pages, round {round}, next store");
            }
        }
    }
}
