//! Wiring of the Cranelift tier (`tandem-jit`) to the interpreter: the
//! interpreter provides the bytecode, the JIT compiles it, and the tier-up
//! hook lets interpreted code request compilation of a hot function.

use crate::errors::{Error, Result};
use crate::module::Module;
use std::sync::Arc;
use tandem_vm_core::store::{ModuleInfo, NativeCode, OsrEntryFn, SigRegistry, TierUp};

/// Compiles every defined function of `module` (`Tier::Jit`).
pub(crate) fn compile_all(module: &Module) -> Result<()> {
    let info = &module.info;
    let mut funcs = Vec::with_capacity(info.env.num_defined_funcs() as usize);
    for def in 0..info.env.num_defined_funcs() {
        funcs.push((def, tandem_interp::compiled(info, def)?.clone()));
    }
    let sigs = &module.engine.inner.sigs;
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| tandem_jit::compile(info, sigs, &funcs))) {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(Error::usage(e.to_string())),
        Err(_) => Err(Error::usage("JIT compilation failed (compiler panic)")),
    }
}

/// The tier-up hook of `Tier::Tiered` stores.
pub(crate) struct TierUpHook {
    pub(crate) sigs: Arc<SigRegistry>,
}

impl TierUp for TierUpHook {
    fn compile(&self, info: &ModuleInfo, def: u32) -> Option<NativeCode> {
        let code = tandem_interp::compiled(info, def).ok()?.clone();
        // A compiler failure must not take the host down: the function
        // simply stays interpreted.
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            tandem_jit::compile(info, &self.sigs, &[(def, code)])
        }));
        match r {
            Ok(Ok(v)) => v.first().copied(),
            _ => None,
        }
    }

    fn compile_loop(&self, info: &ModuleInfo, def: u32, pc: u32) -> Option<OsrEntryFn> {
        let code = tandem_interp::compiled(info, def).ok()?.clone();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            tandem_jit::compile_osr(info, &self.sigs, def, &code, pc)
        }));
        r.ok()?.ok()
    }
}
