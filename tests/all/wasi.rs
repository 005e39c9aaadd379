//! WASI preview1 through the API (in-memory stdio, every translation mode)
//! and through the CLI, with C programs built by tests/wasi/build.sh.
//! Expected outputs are what the programs must print on a POSIX system.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use tandem::wasi::{I32Exit, MemoryOutputPipe, WasiCtxBuilder, add_to_linker};
use tandem::{Config, Engine, Linker, Module, Store, Translation};

const SUITE: &[u8] = include_bytes!("../wasi/suite.wasm");
const HELLO: &[u8] = include_bytes!("../wasi/hello.wasm");

/// A fresh directory for one test: `root/sb` is the sandbox, `root/outside.txt`
/// is outside it, and `sb/link_out` is a symlink pointing at it.
fn sandbox(name: &str) -> (PathBuf, PathBuf) {
    let root = std::env::temp_dir().join(format!("tandem-wasi-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let sb = root.join("sb");
    std::fs::create_dir_all(&sb).unwrap();
    std::fs::write(root.join("outside.txt"), "secret").unwrap();
    std::fs::write(sb.join("data.txt"), "some data\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("../outside.txt", sb.join("link_out")).unwrap();
    (root, sb)
}

/// Runs `wasm` with `args` and `stdin` in a sandbox, through the API.
fn run_api(mode: Translation, wasm: &[u8], args: &[&str], sb: &PathBuf, stdin: &[u8]) -> (Option<i32>, String) {
    let mut cfg = Config::new();
    cfg.translation(mode);
    let engine = Engine::new(&cfg);
    let module = Module::new(&engine, wasm).unwrap();
    let out = MemoryOutputPipe::new();
    let err = MemoryOutputPipe::new();
    let ctx = WasiCtxBuilder::new()
        .args(args.iter().copied())
        .env("TANDEM_TEST", "yes")
        .stdin_bytes(stdin.to_vec())
        .stdout_pipe(out.clone())
        .stderr_pipe(err.clone())
        .preopened_dir(sb, "/sb")
        .unwrap()
        .build();
    let mut store = Store::new(&engine, ctx);
    let mut linker = Linker::new(&engine);
    add_to_linker(&mut linker).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start").unwrap();
    let code = match start.call(&mut store, ()) {
        Ok(()) => None,
        Err(e) => Some(e.downcast_ref::<I32Exit>().map(|x| x.0).unwrap_or_else(|| panic!("not an exit: {e}"))),
    };
    let stderr = String::from_utf8_lossy(&err.contents()).into_owned();
    assert!(stderr.is_empty() || code.is_some_and(|c| c != 0), "stderr: {stderr}");
    (code, String::from_utf8_lossy(&out.contents()).into_owned())
}

const MODES: [Translation; 3] = [Translation::Lazy, Translation::Eager, Translation::LazyValidation];

fn expect(test: &str, want: &str) {
    for mode in MODES {
        let (_root, sb) = sandbox(&format!("{test}-{mode:?}"));
        let (code, out) = run_api(mode, SUITE, &["suite", test, "/sb"], &sb, b"");
        assert_eq!(code, None, "{test} {mode:?}: exited");
        assert_eq!(out, want, "{test} {mode:?}");
    }
}

#[test]
fn file_io_round_trip() {
    expect("roundtrip", "read: line one\nread: line two\nread: line three\nsize 29 regular 1\n");
}

#[test]
fn seek_pread_pwrite_truncate() {
    expect("seek", "at 3: 345\nlast two: 89\ntell: 10\npread: AB2\ntruncated size 4\n");
}

#[test]
fn directory_listing() {
    expect("listing", "entry: .\nentry: ..\nentry: a.txt\nentry: b.txt\nentry: c.txt\nsub exists after rmdir: 0\n");
}

#[test]
fn rename_and_unlink() {
    expect(
        "rename",
        "old exists: 0\nnew contains: moved\nunlink again: -1 No such file or directory\n\
         rmdir missing: -1 No such file or directory\n",
    );
}

#[test]
fn timestamps() {
    expect("times", "atime 1000000000 mtime 1234567890.000000500\n");
}

#[test]
fn clocks_and_random() {
    expect(
        "clocks",
        "realtime after 2020: 1\nmonotonic advances: 1\nprocess cputime positive: 1\nslept at least 20ms: 1\n",
    );
    expect("random", "random differs: 1\n");
}

#[test]
fn args_and_env() {
    expect("args", "argv[0] = suite\nargv[1] = args\nargv[2] = /sb\nTANDEM_TEST = yes\nHOME = (unset)\n");
}

#[test]
fn escapes_fail_with_eperm_and_create_nothing() {
    for mode in MODES {
        let (root, sb) = sandbox(&format!("escape-{mode:?}"));
        std::fs::create_dir(sb.join("sub")).unwrap();
        let (code, out) = run_api(mode, SUITE, &["suite", "escape", "/sb"], &sb, b"");
        assert_eq!(code, None);
        assert_eq!(
            out,
            "open ../outside.txt: Operation not permitted\nopen link_out: Operation not permitted\n\
             open sub/../../outside.txt: Operation not permitted\nopen /etc/passwd: failed\n\
             mkdir ../escaped_dir: Operation not permitted\n",
            "{mode:?}"
        );
        assert!(!root.join("escaped_dir").exists());
        assert_eq!(std::fs::read_to_string(root.join("outside.txt")).unwrap(), "secret");
    }
}

#[test]
fn stdin_and_exit_codes() {
    let (_root, sb) = sandbox("stdin");
    let (code, out) = run_api(Translation::Lazy, SUITE, &["suite", "stdin"], &sb, b"abc\n");
    assert_eq!((code, out.as_str()), (None, "stdin bytes 4 hash 2986984\n"));
    let (code, _) = run_api(Translation::Lazy, SUITE, &["suite", "exit", "42"], &sb, b"");
    assert_eq!(code, Some(42));
    let (code, out) = run_api(Translation::Eager, HELLO, &["hello", "/sb"], &sb, b"");
    assert_eq!((code, out.as_str()), (Some(3), "hello from wasi\ndata: some data\n"));
}

fn tandem() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
}

fn wasm_file(name: &str) -> String {
    format!("{}/tests/wasi/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `tandem run suite.wasm TEST` with stdin and stdout piped.
fn spawn_suite(test: &str) -> std::process::Child {
    tandem().args(["run", &wasm_file("suite.wasm"), test]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap()
}

#[test]
fn cli_runs_a_wasi_command() {
    let (_root, sb) = sandbox("cli-hello");
    let out = tandem()
        .args(["run", "--dir", &format!("{}::/data", sb.display()), &wasm_file("hello.wasm"), "/data"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello from wasi\ndata: some data\n");
    // Guest flags after the file belong to the guest, not to tandem.
    let out = tandem()
        .args(["run", "--env", "TANDEM_TEST=cli", &wasm_file("suite.wasm"), "args", "--invoke", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "argv[0] = suite.wasm\nargv[1] = args\nargv[2] = --invoke\nargv[3] = x\nTANDEM_TEST = cli\nHOME = (unset)\n"
    );
}

#[test]
fn cli_pipes_stdin_and_propagates_exit_codes() {
    use std::io::Write;
    let mut child = spawn_suite("stdin");
    child.stdin.take().unwrap().write_all(b"abc\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "stdin bytes 4 hash 2986984\n");
    let out = tandem().args(["run", &wasm_file("suite.wasm"), "exit", "7"]).output().unwrap();
    assert_eq!(out.status.code(), Some(7));
    let out =
        tandem().args(["run", "--dir", "/nonexistent-tandem-dir", &wasm_file("suite.wasm"), "args"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open directory"));
}

#[test]
fn cli_sandbox_escapes_fail() {
    let (root, sb) = sandbox("cli-escape");
    std::fs::create_dir(sb.join("sub")).unwrap();
    let out = tandem()
        .args(["run", "--dir", &format!("{}::/sb", sb.display()), &wasm_file("suite.wasm"), "escape", "/sb"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("open link_out: Operation not permitted"));
    assert!(!root.join("escaped_dir").exists());
}

#[test]
fn cli_poll_waits_for_stdin_or_timeout() {
    use std::io::Write;
    // An open pipe with no data: poll(stdin, 100 ms) times out.
    let mut child = spawn_suite("poll");
    let stdin = child.stdin.take().unwrap();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "poll: 0 readable 0 waited at least 100ms 1\n");
    // Data waiting: readable at once.
    let mut child = spawn_suite("poll");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"x").unwrap();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "poll: 1 readable 1 waited at least 100ms 0\n");
}

#[test]
fn errnos_and_file_flags() {
    // Identical to wasmtime 48.0.0 except the first line: wasmtime answers
    // fd_allocate with ENOTSUP; Tandem implements it.
    expect(
        "misc",
        "fallocate: ok size 4096\nappend before: 0\nappend after: 1\ngetres realtime ok: 1\n\
         isatty(fd) on a file: 0\nread from closed fd 77: -1 Bad file descriptor\n\
         read a directory: -1 Bad file descriptor\nopen missing: -1 No such file or directory\n\
         create over a dir: -1 Is a directory\nexcl existing: -1 File exists\n\
         rmdir non-empty: -1 Invalid argument\nrmdir d (not empty): -1 Directory not empty\n\
         unlink a dir: -1 Is a directory\nmkdir existing: -1 File exists\nreadlink: 3 d/x\nlstat is link: 1\n",
    );
}
