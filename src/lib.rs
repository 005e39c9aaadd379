//! Tandem: a WebAssembly runtime with a register-bytecode interpreter.
//!
//! The API follows wasmtime and wasmi: an [`Engine`] holds configuration, a
//! [`Store`] owns instances and host data, a [`Module`] is validated wasm, a
//! [`Linker`] resolves imports by name.
//!
//! ```
//! # #[cfg(feature = "wat")] {
//! use tandem::{Caller, Engine, Linker, Module, Store};
//!
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"
//!     (module
//!       (import "host" "double" (func $double (param i32) (result i32)))
//!       (func (export "run") (param i32) (result i32)
//!         (i32.add (call $double (local.get 0)) (i32.const 1))))
//! "#)?;
//! let mut store = Store::new(&engine, 0u32);
//! let mut linker = Linker::new(&engine);
//! linker.func_wrap("host", "double", |mut caller: Caller<'_, u32>, x: i32| {
//!     *caller.data_mut() += 1;
//!     x * 2
//! })?;
//! let instance = linker.instantiate(&mut store, &module)?;
//! let run = instance.get_typed_func::<i32, i32>(&mut store, "run")?;
//! assert_eq!(run.call(&mut store, 20)?, 41);
//! assert_eq!(*store.data(), 1);
//! # }
//! # Ok::<(), tandem::Error>(())
//! ```

mod engine;
mod errors;
mod externals;
mod func;
mod instance;
#[cfg(feature = "jit")]
mod jit;
mod linker;
mod module;
mod store;
mod values;
#[cfg(feature = "wasi")]
pub mod wasi;

pub use engine::{Config, Engine, Tier, Translation};
pub use errors::{Backtrace, Error, ErrorKind, FrameInfo, Result, Trap, TrapCode};
pub use externals::{Extern, Global, GlobalType, Memory, MemoryType, Table, TableType};
pub use func::{Caller, Func, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmRet, WasmTy, WithCaller};
pub use instance::Instance;
pub use linker::Linker;
pub use module::{ExternType, Module};
pub use store::{AsContext, AsContextMut, Store, StoreInner};
pub use tandem_vm_core::module_env::{ModuleError, ModuleErrorKind};
pub use tandem_vm_core::store::{ResourceLimiter, StoreLimits};
pub use values::{ExternRef, FuncType, HeapType, RefType, Val, ValType};

/// The README's example is compiled and run as a doctest.
#[cfg(all(doctest, feature = "wat"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The bytecode format, for tools (`tandem inspect`).
pub mod bytecode {
    pub use tandem_vm_core::bytecode::{CompiledFunc, Op, assemble, decode, disassemble, parse_op};
}
