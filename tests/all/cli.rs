//! The `tandem` command line.

use std::process::Command;

pub(super) fn tandem(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tandem")).args(args).output().expect("runs tandem");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn example() -> String {
    format!("{}/examples/fib.wat", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn run_prints_results() {
    let (code, out, _) = tandem(&["run", &example(), "--invoke", "fib", "20"]);
    assert_eq!((code, out.as_str()), (0, "6765\n"));
    let (code, out, _) = tandem(&["run", "--invoke", "sum", &example(), "100"]);
    assert_eq!((code, out.as_str()), (0, "5050\n"));
}

#[test]
fn floats_and_multiple_results() {
    let dir = std::env::temp_dir().join(format!("tandem-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("f.wat");
    std::fs::write(
        &file,
        r#"(module (func (export "f") (param f64 f32) (result f64 f32 i32 i64)
            (f64.div (local.get 0) (f64.const 0)) (f32.sqrt (local.get 1)) (i32.const -1) (i64.const -2)))"#,
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let (code, out, _) = tandem(&["run", f, "--invoke", "f", "1.5", "-4"]);
    // The sign of the NaN from sqrt(-4) is not specified by wasm.
    assert!(code == 0 && (out == "inf\nnan\n-1\n-2\n" || out == "inf\n-nan\n-1\n-2\n"), "{out}");
    let (code, out, _) = tandem(&["run", f, "--invoke", "f", "-1", "2.25"]);
    assert_eq!((code, out.as_str()), (0, "-inf\n1.5\n-1\n-2\n"));
}

/// `v128` arguments and results are unsigned 128-bit integers, lane 0 in
/// the low bits, decimal or 0x hex in, decimal out (as wasmtime's CLI).
#[test]
fn v128_arguments_and_results() {
    let dir = std::env::temp_dir().join(format!("tandem-cli-v128-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("v.wat");
    std::fs::write(&file, r#"(module (func (export "f") (param v128) (result v128) (i32x4.add (local.get 0) (v128.const i32x4 1 0 0 0))))"#).unwrap();
    let f = file.to_str().unwrap();
    for tier in ["interp", "jit"] {
        if tier == "jit" && !cfg!(feature = "jit") {
            continue;
        }
        let (code, out, _) = tandem(&["run", "--tier", tier, f, "--invoke", "f", "0xffffffff00000000000000000000002a"]);
        // Lane 0 (0x2a) + 1; lane 3 stays 0xffffffff.
        assert_eq!((code, out.as_str()), (0, "340282366841710300949110269838224261163\n"), "{tier}");
        let (code, out, _) = tandem(&["run", "--tier", tier, f, "--invoke", "f", "41"]);
        assert_eq!((code, out.as_str()), (0, "42\n"), "{tier}");
    }
    let (code, _, err) = tandem(&["run", f, "--invoke", "f", "-1"]);
    assert!(code != 0 && err.contains("not a valid v128"), "{err}");
}

#[test]
fn trap_prints_message_and_backtrace_and_fails() {
    let (code, out, err) = tandem(&["run", &example(), "--invoke", "divide", "1", "0"]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(err.contains("integer divide by zero") && err.contains("div (func 2)"), "{err}");
}

#[test]
fn bad_input_is_an_error_not_a_crash() {
    let dir = std::env::temp_dir().join(format!("tandem-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.wasm");
    std::fs::write(&bad, b"\0asm\x01\0\0\0\x0a\xff\xff").unwrap();
    let cases: Vec<Vec<String>> = vec![
        vec!["run".into(), bad.to_str().unwrap().into(), "--invoke".into(), "f".into()],
        vec!["run".into(), "/nonexistent.wasm".into()],
        vec!["run".into(), example(), "--invoke".into(), "fib".into()],
        vec!["run".into(), example(), "--invoke".into(), "fib".into(), "abc".into()],
        vec!["run".into(), example(), "--invoke".into(), "nope".into()],
        vec!["run".into(), example(), "--invoke".into(), "sum".into(), "99999999999".into()],
        vec!["inspect".into(), bad.to_str().unwrap().into()],
        vec!["frobnicate".into()],
    ];
    for args in cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, err) = tandem(&a);
        assert!(code == 1 || code == 2, "{args:?}: exit {code}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
    }
}

#[test]
fn fuel_flag_limits_execution() {
    let (code, _, err) = tandem(&["run", &example(), "--fuel", "1000", "--invoke", "fib", "30"]);
    assert_eq!(code, 1);
    assert!(err.contains("all fuel consumed"), "{err}");
    let (code, out, _) = tandem(&["run", &example(), "--fuel", "100000", "--invoke", "fib", "10"]);
    assert_eq!((code, out.as_str()), (0, "55\n"));
}

#[test]
fn inspect_disassembles_every_function() {
    let (code, out, _) = tandem(&["inspect", &example()]);
    assert_eq!(code, 0);
    // The default engine is tiered when the JIT is built in: its calls count.
    let call = if cfg!(feature = "jit") { "CallHot func=0" } else { "Call func=0" };
    assert!(out.contains("func[0] $fib:") && out.contains(call) && out.contains("Return"), "{out}");
    assert_eq!(out.matches("func[").count(), 4);
}

#[test]
fn inspect_shows_the_bytecode_of_a_tier() {
    // Interpreter-only code has no tier-up counters.
    let (code, out, _) = tandem(&["inspect", "--tier", "interp", &example()]);
    assert_eq!(code, 0);
    assert!(out.contains("Call func=0") && !out.contains("CallHot") && !out.contains("HotLoop"), "{out}");
    if cfg!(feature = "jit") {
        let (code, out, _) = tandem(&["inspect", "--tier", "tiered", &example()]);
        assert_eq!(code, 0);
        assert!(out.contains("CallHot func=0"), "{out}");
    }
    let (code, _, err) = tandem(&["inspect", "--tier", "fast", &example()]);
    assert_eq!(code, 2);
    assert!(err.contains("fast"), "{err}");
    let (code, _, err) = tandem(&["inspect", "--tier", &example()]);
    assert_eq!(code, 2);
    assert!(err.contains("exactly one FILE"), "{err}");
}

#[test]
fn closed_stdout_is_not_a_panic() {
    use std::process::Stdio;
    // Megabytes of disassembly: far more than a pipe buffer, so writing
    // fails whether or not the child started before the pipe was closed.
    let big = format!("{}/benches/built/zstd.wasm", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["inspect", &big])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(1));
}

/// `proc_exit` with a status a process cannot report is an error and a
/// non-zero exit (it exited 0 for 256, and looked like SIGSEGV for 139).
#[cfg(feature = "wasi")]
#[test]
fn exit_statuses_outside_0_to_125_fail() {
    let dir = std::env::temp_dir().join(format!("tandem-cli-exit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (status, want) in [(0, 0), (42, 42), (125, 125), (139, 1), (256, 1)] {
        let path = dir.join(format!("exit{status}.wat"));
        let wat = format!(
            r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $e (param i32)))
               (memory (export "memory") 1) (func (export "_start") (call $e (i32.const {status}))))"#
        );
        std::fs::write(&path, wat).unwrap();
        let (code, _, err) = tandem(&["run", path.to_str().unwrap()]);
        assert_eq!(code, want, "proc_exit({status}): {err}");
        if want == 1 {
            assert!(err.contains("invalid exit status"), "{err}");
        }
    }
}
