//! Traps: codes, backtraces with names, and a store that stays usable.

use tandem::{Caller, Engine, Error, Instance, Linker, Module, Store, TrapCode};

#[test]
fn trap_code_and_named_backtrace() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module $m
            (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
            (func $middle (param i32) (result i32) (call $inner (local.get 0)))
            (func (export "outer") (param i32) (result i32) (call $middle (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let outer = inst.get_typed_func::<i32, i32>(&mut store, "outer").unwrap();
    let err = outer.call(&mut store, 0).unwrap_err();
    let trap = err.as_trap().expect("a trap");
    assert_eq!(trap.code(), TrapCode::IntegerDivisionByZero);
    let frames: Vec<(u32, Option<&str>)> =
        trap.backtrace().frames().iter().map(|f| (f.func_index, f.func_name.as_deref())).collect();
    assert_eq!(frames, vec![(0, Some("inner")), (1, Some("middle")), (2, None)]);
    assert_eq!(trap.backtrace().frames()[0].module_name.as_deref(), Some("m"));
    // The store is still usable after the trap.
    assert_eq!(outer.call(&mut store, 1).unwrap(), 1);
}

#[test]
fn every_runtime_trap_kind() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (memory 1)
            (table 2 funcref)
            (type $v (func))
            (func $i (result i32) (i32.const 0))
            (elem (i32.const 1) $i)
            (func (export "unreachable") (unreachable))
            (func (export "oob") (drop (i32.load (i32.const 65533))))
            (func (export "overflow") (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))))
            (func (export "conv") (drop (i32.trunc_f32_s (f32.const nan))))
            (func (export "null") (call_indirect (type $v) (i32.const 0)))
            (func (export "sig") (call_indirect (type $v) (i32.const 1)))
            (func (export "undefined") (call_indirect (type $v) (i32.const 5)))
            (func $rec (export "recurse") (call $rec)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let cases = [
        ("unreachable", TrapCode::Unreachable),
        ("oob", TrapCode::MemoryOutOfBounds),
        ("overflow", TrapCode::IntegerOverflow),
        ("conv", TrapCode::BadConversionToInteger),
        ("null", TrapCode::IndirectCallToNull),
        ("sig", TrapCode::BadSignature),
        ("undefined", TrapCode::TableOutOfBounds),
        ("recurse", TrapCode::StackOverflow),
    ];
    for (name, code) in cases {
        let f = inst.get_typed_func::<(), ()>(&mut store, name).unwrap();
        let err = f.call(&mut store, ()).unwrap_err();
        assert_eq!(err.trap_code(), Some(code), "{name}: {err}");
    }
}

#[derive(Debug)]
struct HostFailure(u32);
impl std::fmt::Display for HostFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "host failure {}", self.0)
    }
}
impl std::error::Error for HostFailure {}

#[test]
fn host_error_unwinds_through_wasm_with_its_value() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "h" "fail" (func $fail (param i32)))
            (func $w (export "w") (param i32) (call $fail (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("h", "fail", |_: Caller<'_, ()>, code: i32| -> tandem::Result<()> {
            if code != 0 { Err(Error::host(HostFailure(code as u32))) } else { Ok(()) }
        })
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let w = inst.get_typed_func::<i32, ()>(&mut store, "w").unwrap();
    w.call(&mut store, 0).unwrap();
    let err = w.call(&mut store, 9).unwrap_err();
    assert_eq!(err.downcast_ref::<HostFailure>().map(|h| h.0), Some(9));
    assert!(err.to_string().contains("host failure 9"), "{err}");
    assert!(err.to_string().contains("w (func 1)"), "backtrace names the wasm frame: {err}");
}

#[test]
fn host_panic_resumes_in_the_host_and_store_survives() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "h" "p" (func $p)) (func (export "go") (call $p)) (func (export "ok") (result i32) (i32.const 3)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.func_wrap("h", "p", || -> () { panic!("host bug") }).unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let go = inst.get_typed_func::<(), ()>(&mut store, "go").unwrap();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| go.call(&mut store, ())));
    assert!(r.is_err(), "the host's panic reaches the host");
    let ok = inst.get_typed_func::<(), i32>(&mut store, "ok").unwrap();
    assert_eq!(ok.call(&mut store, ()).unwrap(), 3);
}

#[test]
fn trap_in_start_function_fails_instantiation() {
    let engine = Engine::default();
    let module = Module::new(&engine, r#"(module (func $s unreachable) (start $s))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let err = Instance::new(&mut store, &module, &[]).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::Unreachable));
}

/// wasm -> host -> wasm recursion `n` deep; returns `n` when it completes.
fn reentry(n: i32) -> tandem::Result<i32> {
    use tandem::Extern;
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "h" "down" (func $down (param i32) (result i32)))
            (func (export "f") (param i32) (result i32)
              (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
                (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))"#,
    )?;
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.func_wrap("h", "down", |mut c: Caller<'_, ()>, n: i32| -> tandem::Result<i32> {
        let f = c.get_export("f").and_then(Extern::into_func).expect("export f").typed::<i32, i32>(&c)?;
        f.call(&mut c, n)
    })?;
    let inst = linker.instantiate(&mut store, &module)?;
    let f = inst.get_typed_func::<i32, i32>(&mut store, "f")?;
    f.call(&mut store, n)
}

#[test]
fn deep_host_reentry_traps_instead_of_overflowing_the_native_stack() {
    // Runs on the test thread's default 2 MiB stack.
    assert_eq!(reentry(200).unwrap(), 200);
    let err = reentry(1_000_000).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
}
