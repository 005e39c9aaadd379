//! Tandem's interpreter: validated wasm is translated per function (lazily on
//! first call, or eagerly) into the register bytecode defined in vm-core, and
//! one dispatch loop runs it. Wasm-to-wasm calls push frames on a data
//! structure instead of recursing on the native stack.

mod exec;
mod translate;

pub use exec::interp_array_call;
pub use translate::translate;
