//! Tandem's shared runtime model: everything the interpreter and the JIT
//! agree on (module environment, VMContext layout, values, traps, memories,
//! tables, globals, instantiation, the bytecode format).

pub mod alloc;
pub mod bulk;
pub mod bytecode;
pub mod module_env;
pub mod num;
pub mod parallel;
pub mod simd;
pub mod trap;
pub mod value;
pub mod vmctx;

pub use value::{FuncType, ValRaw, ValType};
pub mod instantiate;
pub mod memory;
pub mod store;
pub mod table;
