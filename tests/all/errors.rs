//! Bad input gives clear errors, never panics.

use tandem::{Config, Engine, ErrorKind, Func, Instance, Linker, Module, Store, Tier, Translation, Val};

#[test]
fn malformed_bytes_give_an_error_with_offset() {
    let engine = Engine::default();
    for bytes in [&b""[..], b"\0asm", b"\0asm\x01\0\0\0\x01", b"\0asm\x02\0\0\0", b"garbage"] {
        let err = Module::from_binary(&engine, bytes).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Module(_)), "{err}");
    }
    let err = Module::from_binary(&engine, b"\0asm\x01\0\0\0\x01\x05").unwrap_err();
    assert!(err.to_string().contains("offset"), "{err}");
}

#[test]
fn invalid_module_is_rejected() {
    let engine = Engine::default();
    let err = Module::new(&engine, r#"(module (func (result i32) (i64.const 1)))"#).unwrap_err();
    assert!(err.to_string().contains("invalid module"), "{err}");
    let err = Module::new(&engine, "(module (func").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Wat(_)), "{err}");
}

#[test]
fn simd_switched_off_is_an_unsupported_feature() {
    let mut cfg = Config::new();
    cfg.wasm_simd(false);
    let engine = Engine::new(&cfg);
    let err = Module::new(&engine, r#"(module (func (result v128) (v128.const i64x2 1 2)))"#).unwrap_err();
    assert!(err.to_string().starts_with("unsupported feature"), "{err}");
}

/// A body that uses SIMD only inside (its signature and locals are plain
/// `i32`) reaches the operator validator in every translation mode: with
/// SIMD switched off a valid one is unsupported, an invalid one invalid, whether Module::new or the
/// first call finds it. So is a body using a proposal beyond Wasm 2.0.
#[test]
fn operators_beyond_wasm2_are_refused_in_every_translation_mode() {
    let valid = r#"(module (func (export "f") (result i32)
        (i32x4.extract_lane 2 (v128.const i32x4 1 2 3 4))))"#;
    let invalid = r#"(module (func (export "f") (result i32)
        (i32x4.extract_lane 2 (i64.const 1))))"#;
    // An operator of a proposal Tandem does not have (threads) is
    // unsupported too, saying so.
    let later = r#"(module (memory 1) (func $f (export "f") (result i32)
        (i32.atomic.load (i32.const 0))))"#;
    for (text, expect) in [(valid, "unsupported feature"), (invalid, "invalid module"), (later, "unsupported feature")]
    {
        let bytes = wat::parse_str(text).unwrap();
        for mode in [Translation::Lazy, Translation::Eager, Translation::LazyValidation] {
            let mut cfg = Config::new();
            cfg.translation(mode).wasm_simd(false);
            let engine = Engine::new(&cfg);
            let err = match Module::new(&engine, &bytes) {
                Err(e) => e,
                Ok(module) => {
                    assert_eq!(mode, Translation::LazyValidation, "{text}: accepted in {mode:?}");
                    let mut store = Store::new(&engine, ());
                    let inst = Instance::new(&mut store, &module, &[]).unwrap();
                    let f = inst.get_typed_func::<(), i32>(&mut store, "f").unwrap();
                    f.call(&mut store, ()).unwrap_err()
                }
            };
            assert!(err.to_string().starts_with(expect), "{mode:?}: {err}");
            if text == later {
                assert!(err.to_string().contains("a proposal Tandem does not implement"), "{err}");
            }
        }
    }
}

/// GC operators pass the validator (typed function references need its
/// GC rules, see `validator_features`) but are not implemented: every
/// translation mode reports them as unsupported, at `Module::new` or at the
/// first call of the function that uses one (translation is lazy). A GC
/// type in a signature is refused when the module is decoded.
#[test]
fn gc_is_an_unsupported_feature_in_every_translation_mode() {
    let op = r#"(module (func (export "f") (result i32) (i31.get_s (ref.i31 (i32.const 7)))))"#;
    let ty = r#"(module (type (struct (field i32))) (func (export "f") (result i32) (i32.const 0)))"#;
    for (text, at_load) in [(op, false), (ty, true)] {
        for mode in [Translation::Lazy, Translation::Eager, Translation::LazyValidation] {
            let engine = Engine::new(Config::new().translation(mode));
            let err = match Module::new(&engine, text) {
                Err(e) => e,
                Ok(module) => {
                    assert!(!at_load && mode != Translation::Eager, "{text}: accepted in {mode:?}");
                    let mut store = Store::new(&engine, ());
                    let inst = Instance::new(&mut store, &module, &[]).unwrap();
                    let f = inst.get_typed_func::<(), i32>(&mut store, "f").unwrap();
                    f.call(&mut store, ()).unwrap_err()
                }
            };
            let msg = err.to_string();
            assert!(msg.starts_with("unsupported feature") && msg.contains("GC"), "{mode:?}: {msg}");
        }
    }
}

#[test]
fn missing_and_mistyped_imports_name_the_import() {
    let engine = Engine::default();
    let module = Module::new(&engine, r#"(module (import "env" "f" (func (param i32))))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let linker = Linker::<()>::new(&engine);
    let err = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(err.to_string().contains("env::f"), "{err}");
    let wrong = Func::wrap(&mut store, |_: i64| {});
    let err = Instance::new(&mut store, &module, &[wrong.into()]).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("env::f") && msg.contains("(param i32)") && msg.contains("(param i64)"), "{msg}");
    let err = Instance::new(&mut store, &module, &[]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Link(_)), "{err}");
}

#[test]
fn wrong_arguments_through_the_api_are_errors() {
    let engine = Engine::default();
    let module =
        Module::new(&engine, r#"(module (func (export "f") (param i32) (result i32) (local.get 0)))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let f = inst.get_func(&mut store, "f").unwrap();
    let mut out = [Val::I32(0)];
    assert!(matches!(f.call(&mut store, &[], &mut out).unwrap_err().kind(), ErrorKind::Type(_)));
    assert!(matches!(f.call(&mut store, &[Val::I64(1)], &mut out).unwrap_err().kind(), ErrorKind::Type(_)));
    assert!(f.call(&mut store, &[Val::I32(1)], &mut []).is_err());
    assert!(inst.get_typed_func::<i64, i32>(&mut store, "f").is_err());
    assert!(inst.get_typed_func::<i32, i32>(&mut store, "nope").is_err());
    // Objects of another store are refused.
    let mut other = Store::new(&engine, ());
    assert!(f.call(&mut other, &[Val::I32(1)], &mut out).is_err());
}

#[test]
fn resource_limits_are_errors() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    store.limits(tandem::StoreLimits { max_memory_bytes: 2 * 65536, ..Default::default() });
    let module = Module::new(&engine, r#"(module (memory 3))"#).unwrap();
    let err = Instance::new(&mut store, &module, &[]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Resource(_)), "{err}");
    let module = Module::new(
        &engine,
        r#"(module (memory 1) (func (export "g") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    )
    .unwrap();
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    let g = inst.get_typed_func::<i32, i32>(&mut store, "g").unwrap();
    assert_eq!(g.call(&mut store, 5).unwrap(), -1, "growth past the limit fails with -1");
    assert_eq!(g.call(&mut store, 1).unwrap(), 1);
}

/// The shape of the `differential` target's OOM input (artifact oom-b641...):
/// a recursive function doubling its memory with `memory.grow
/// (memory.size)`. Under store limits every tier stops the growth at the
/// limit with -1 (no trap, no allocation past it), and tables likewise.
#[test]
fn growth_stops_at_store_limits_in_every_tier() {
    let text = r#"(module
        (memory 1) (table 10 funcref)
        (func $double (export "double") (param i32) (result i32)
          (if (result i32) (i32.eqz (local.get 0)) (then (memory.size))
            (else
              (if (i32.eq (memory.grow (memory.size)) (i32.const -1))
                (then (return (i32.sub (i32.const 0) (memory.size)))))
              (call $double (i32.sub (local.get 0) (i32.const 1))))))
        (func (export "grow-table") (param i32) (result i32)
          (table.grow (ref.null func) (local.get 0)))
        (func (export "table-size") (result i32) (table.size)))"#;
    let tiers: &[tandem::Tier] =
        if cfg!(feature = "jit") { &[tandem::Tier::Interp, tandem::Tier::Jit] } else { &[tandem::Tier::Interp] };
    for &tier in tiers {
        let mut cfg = tandem::Config::new();
        cfg.tier(tier);
        let engine = Engine::new(&cfg);
        let module = Module::new(&engine, text).unwrap();
        let mut store = Store::new(&engine, ());
        // 40 pages of memory, 25 table elements.
        store.limits(tandem::StoreLimits {
            max_memory_bytes: 40 * 65536,
            max_table_elements: 25,
            ..Default::default()
        });
        let inst = Instance::new(&mut store, &module, &[]).unwrap();
        let double = inst.get_typed_func::<i32, i32>(&mut store, "double").unwrap();
        // 1 -> 2 -> 4 -> 8 -> 16 -> 32; doubling 32 would pass 40: refused,
        // reported as minus the size reached.
        assert_eq!(double.call(&mut store, 100).unwrap(), -32, "{tier:?}");
        let grow = inst.get_typed_func::<i32, i32>(&mut store, "grow-table").unwrap();
        let size = inst.get_typed_func::<(), i32>(&mut store, "table-size").unwrap();
        assert_eq!(grow.call(&mut store, 16).unwrap(), -1, "{tier:?}: 26 elements > 25");
        assert_eq!(grow.call(&mut store, 15).unwrap(), 10, "{tier:?}");
        assert_eq!(size.call(&mut store, ()).unwrap(), 25, "{tier:?}");
        assert_eq!(grow.call(&mut store, 1).unwrap(), -1, "{tier:?}");
    }
}

/// A module over the parallel threshold (128 KiB of code) with invalid
/// functions `bad`: validated and translated on several threads, it must
/// fail exactly as the serial loop does, with the first invalid function
/// in module order, in every translation mode that looks at bodies.
#[test]
fn parallel_validation_and_translation_report_the_first_error() {
    let module = |bad: &[usize]| {
        let body = "(drop (i32.const 1)) ".repeat(1500);
        let funcs: String = (0..120)
            .map(|i| {
                if bad.contains(&i) {
                    "(func (result i32) (i64.const 1))\n".to_string()
                } else {
                    format!("(func {body})\n")
                }
            })
            .collect();
        wat::parse_str(format!("(module {funcs})")).unwrap()
    };
    for translation in [Translation::Lazy, Translation::Eager] {
        let error = |bad: &[usize], parallel: bool| {
            let mut cfg = Config::new();
            cfg.tier(Tier::Interp).translation(translation).parallel_validation(parallel);
            Module::new(&Engine::new(&cfg), module(bad)).unwrap_err().to_string()
        };
        let (first, second) = (error(&[17], false), error(&[95], false));
        assert_ne!(first, second, "the message names where the error is");
        for _ in 0..5 {
            assert_eq!(error(&[17, 95], true), first, "{translation:?}");
            assert_eq!(error(&[17, 95], false), first, "{translation:?}");
        }
        assert!(Module::new(&Engine::new(Config::new().translation(translation)), module(&[])).is_ok());
    }
}
