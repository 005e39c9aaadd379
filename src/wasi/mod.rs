//! WASI preview1 (`wasi_snapshot_preview1`) for guests compiled to
//! `wasm32-wasi`/`wasm32-wasip1`.
//!
//! The guest sees only the directories it is given (`WasiCtxBuilder::preopened_dir`).
//! Path operations go through `cap-std` directory handles, which resolve
//! `..`, absolute paths and symlinks inside the preopen and refuse anything
//! that would leave it (the guest gets `EPERM`, as under wasmtime).
//!
//! ```no_run
//! use tandem::{Engine, Linker, Module, Store};
//! use tandem::wasi::{WasiCtxBuilder, add_to_linker};
//!
//! let engine = Engine::default();
//! let module = Module::from_binary(&engine, &std::fs::read("app.wasm")?)?;
//! let wasi = WasiCtxBuilder::new().args(["app", "--help"]).inherit_stdio().build();
//! let mut store = Store::new(&engine, wasi);
//! let mut linker = Linker::new(&engine);
//! add_to_linker(&mut linker)?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
//! match start.call(&mut store, ()) {
//!     Ok(()) => {}
//!     Err(e) => match e.downcast_ref::<tandem::wasi::I32Exit>() {
//!         Some(exit) => std::process::exit(exit.0),
//!         None => return Err(e.into()),
//!     },
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod host;
mod types;

pub use host::add_to_linker;
use std::io::Read;
use std::sync::{Arc, Mutex};
pub use types::Errno;

/// The guest called `proc_exit(code)`: returned as the error of the call
/// that was running, so the host decides what exiting means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct I32Exit(pub i32);

impl std::fmt::Display for I32Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit with status {}", self.0)
    }
}

impl std::error::Error for I32Exit {}

/// Gives WASI functions the context they work on.
pub trait WasiView {
    fn wasi(&mut self) -> &mut WasiCtx;
}

impl WasiView for WasiCtx {
    fn wasi(&mut self) -> &mut WasiCtx {
        self
    }
}

/// An in-memory output (for tests and embedders that capture output).
#[derive(Clone, Debug, Default)]
pub struct MemoryOutputPipe(Arc<Mutex<Vec<u8>>>);

impl MemoryOutputPipe {
    pub fn new() -> Self {
        Self::default()
    }
    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

/// Where the guest's stdin comes from.
pub(crate) enum Input {
    Inherit,
    Bytes(std::io::Cursor<Vec<u8>>),
    Closed,
}

/// Where the guest's stdout or stderr goes.
pub(crate) enum Output {
    Stdout,
    Stderr,
    Pipe(MemoryOutputPipe),
    Closed,
}

impl Input {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Input::Inherit => std::io::stdin().lock().read(buf),
            Input::Bytes(c) => c.read(buf),
            Input::Closed => Ok(0),
        }
    }
}

impl Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        match self {
            Output::Stdout => std::io::stdout().lock().write_all(buf),
            Output::Stderr => std::io::stderr().lock().write_all(buf),
            Output::Pipe(p) => {
                p.0.lock().map_err(|_| std::io::Error::other("pipe poisoned"))?.extend_from_slice(buf);
                Ok(())
            }
            Output::Closed => Ok(()),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        use std::io::Write;
        match self {
            Output::Stdout => std::io::stdout().lock().flush(),
            Output::Stderr => std::io::stderr().lock().flush(),
            _ => Ok(()),
        }
    }
}

/// What a file descriptor refers to.
pub(crate) enum FdKind {
    Stdin(Input),
    Stdout(Output),
    Stderr(Output),
    /// A regular file (opened through a sandboxed directory).
    File(std::fs::File),
    /// A directory; `entries` caches a listing for `fd_readdir` cookies.
    Dir {
        dir: cap_std::fs::Dir,
        preopen: Option<String>,
        entries: Option<Vec<DirEntry>>,
    },
}

#[derive(Clone)]
pub(crate) struct DirEntry {
    pub(crate) name: String,
    pub(crate) ino: u64,
    pub(crate) filetype: u8,
}

pub(crate) struct Fd {
    pub(crate) kind: FdKind,
    pub(crate) rights_base: u64,
    pub(crate) rights_inheriting: u64,
    pub(crate) flags: u16,
}

/// The state of one WASI guest: arguments, environment and open files.
pub struct WasiCtx {
    pub(crate) args: Vec<String>,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) fds: Vec<Option<Fd>>,
    pub(crate) epoch: std::time::Instant,
}

/// Builds a `WasiCtx`.
pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Input,
    stdout: Output,
    stderr: Output,
    preopens: Vec<(cap_std::fs::Dir, String)>,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl WasiCtxBuilder {
    /// No arguments, no environment, closed stdio, no directories.
    pub fn new() -> Self {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdin: Input::Closed,
            stdout: Output::Closed,
            stderr: Output::Closed,
            preopens: Vec::new(),
        }
    }
    /// The guest's `argv` (the first is the program name by convention).
    pub fn args<S: Into<String>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.args = args.into_iter().map(Into::into).collect();
        self
    }
    /// Adds one environment variable.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }
    /// The process's own stdin, stdout and stderr.
    pub fn inherit_stdio(mut self) -> Self {
        self.stdin = Input::Inherit;
        self.stdout = Output::Stdout;
        self.stderr = Output::Stderr;
        self
    }
    /// stdin reads these bytes, then end of file.
    pub fn stdin_bytes(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Input::Bytes(std::io::Cursor::new(bytes.into()));
        self
    }
    /// stdout goes to `pipe`.
    pub fn stdout_pipe(mut self, pipe: MemoryOutputPipe) -> Self {
        self.stdout = Output::Pipe(pipe);
        self
    }
    /// stderr goes to `pipe`.
    pub fn stderr_pipe(mut self, pipe: MemoryOutputPipe) -> Self {
        self.stderr = Output::Pipe(pipe);
        self
    }
    /// Lets the guest use host directory `host` under the name `guest`.
    pub fn preopened_dir(
        mut self,
        host: impl AsRef<std::path::Path>,
        guest: impl Into<String>,
    ) -> std::io::Result<Self> {
        let dir = cap_std::fs::Dir::open_ambient_dir(host, cap_std::ambient_authority())?;
        self.preopens.push((dir, guest.into()));
        Ok(self)
    }

    pub fn build(self) -> WasiCtx {
        let stdio = |kind| Some(Fd { kind, rights_base: types::rights::STDIO, rights_inheriting: 0, flags: 0 });
        let mut fds = vec![
            stdio(FdKind::Stdin(self.stdin)),
            stdio(FdKind::Stdout(self.stdout)),
            stdio(FdKind::Stderr(self.stderr)),
        ];
        for (dir, name) in self.preopens {
            fds.push(Some(Fd {
                kind: FdKind::Dir { dir, preopen: Some(name), entries: None },
                rights_base: types::rights::DIR,
                rights_inheriting: types::rights::DIR | types::rights::FILE,
                flags: 0,
            }));
        }
        WasiCtx { args: self.args, env: self.env, fds, epoch: std::time::Instant::now() }
    }
}
