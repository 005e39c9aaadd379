//! Tandem's interpreter: validated wasm is translated per function (lazily on
//! first call, or eagerly) into the register bytecode defined in vm-core, and
//! one dispatch loop runs it. Wasm-to-wasm calls push frames on a data
//! structure instead of recursing on the native stack.

mod exec;
mod translate;

pub use exec::interp_array_call;
pub use translate::translate;

use std::sync::Arc;
use tandem_vm_core::bytecode::CompiledFunc;
use tandem_vm_core::module_env::ModuleError;
use tandem_vm_core::store::ModuleInfo;

/// The bytecode of defined function `def` of `info`, translated on first
/// use and cached in the module (shared by every instance).
pub fn compiled(info: &ModuleInfo, def: u32) -> Result<&Arc<CompiledFunc>, ModuleError> {
    let slot = info.code.get(def as usize).ok_or_else(|| ModuleError::limit(format!("no defined function {def}")))?;
    slot.get_or_init(|| translate(info, def).map(Arc::new)).as_ref().map_err(Clone::clone)
}
