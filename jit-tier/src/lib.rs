//! Tandem's Cranelift tier. It compiles the interpreter's register bytecode
//! (not raw wasm) to machine code that runs on the same VMContext, so
//! compiled and interpreted functions call each other through the same
//! funcref records, trap with the same codes and charge the same fuel.
//!
//! # Calling convention of compiled code
//! Every compiled function has a native entry (`VMFuncRef::wasm_call`):
//!
//! ```text
//! fn(vmctx, [results_area if >1 result], params...) -> (ok: i8, [result if 1 result])
//! ```
//!
//! `ok == 0` means a trap or host error is pending in the store; callers
//! return at once, adding their own frame to the backtrace (no unwinding, no
//! signal handlers: every check is an explicit branch). With more than one
//! result, the callee writes them as `ValRaw`s to `results_area`. Each
//! compiled function also gets an array-call adapter (the `VMArrayCallFn`
//! every record has), so the interpreter and the host call it like anything
//! else.
//!
//! Compiled code calls a defined function of the same batch directly; every
//! other call goes through the callee's record: its native entry when it has
//! one, else its array-call entry (interpreted and host functions).

mod builtins;
mod lower;

use lower::err;

use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module, default_libcall_names};
use std::sync::{Arc, OnceLock};
use tandem_vm_core::bytecode::CompiledFunc;
use tandem_vm_core::store::{ModuleInfo, NativeCode, OsrEntryFn, SigRegistry};
use tandem_vm_core::value::FuncType;
use tandem_vm_core::vmctx::VMArrayCallFn;

/// Why a function could not be compiled.
#[derive(Debug, Clone)]
pub struct CompileError(pub String);

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JIT compilation failed: {}", self.0)
    }
}

impl std::error::Error for CompileError {}

/// Executable memory of one compiled batch, freed with its module.
struct CodeMemory(Option<JITModule>);

// SAFETY: after `finalize_definitions` the JIT module is only kept to free its
// memory on drop; no method is called on it from any thread before that.
unsafe impl Send for CodeMemory {}
// SAFETY: as above: shared references never touch it.
unsafe impl Sync for CodeMemory {}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        if let Some(m) = self.0.take() {
            // SAFETY: the module owning this memory is being dropped, which
            // happens only after every instance (and so every funcref record
            // pointing at this code) is gone.
            unsafe { m.free_memory() };
        }
    }
}

/// The host ISA, built once: detecting CPU features and building the
/// backend costs more than compiling a small function.
fn isa() -> Result<cranelift_codegen::isa::OwnedTargetIsa, CompileError> {
    static ISA: OnceLock<Result<cranelift_codegen::isa::OwnedTargetIsa, CompileError>> = OnceLock::new();
    ISA.get_or_init(|| {
        let mut flags = settings::builder();
        let set = |f: &mut settings::Builder, k: &str, v: &str| f.set(k, v).map_err(err);
        set(&mut flags, "opt_level", "speed")?;
        set(&mut flags, "is_pic", "false")?;
        set(&mut flags, "use_colocated_libcalls", "false")?;
        // Compiled code never unwinds: traps return a flag.
        set(&mut flags, "unwind_info", "false")?;
        // The IR verifier costs a quarter of compile time; debug builds
        // (and so the tests' debug runs) keep it.
        set(&mut flags, "enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" })?;
        cranelift_native::builder()
            .map_err(|e| CompileError(format!("unsupported host: {e}")))?
            .finish(settings::Flags::new(flags))
            .map_err(err)
    })
    .clone()
}

fn new_module() -> Result<JITModule, CompileError> {
    Ok(JITModule::new(JITBuilder::with_isa(isa()?, default_libcall_names())))
}

/// Hands the finalized `module`'s executable memory to `info`, which frees
/// it with the module.
fn keep(info: &ModuleInfo, module: JITModule) {
    info.native_owner.lock().unwrap_or_else(|e| e.into_inner()).push(Box::new(CodeMemory(Some(module))));
}

/// Compiles the on-stack-replacement entry of defined function `def`: a
/// running interpreter frame of `def` stopped at any of its loop headers (a
/// `HotLoop` op, whose bytecode offset the entry takes) continues in
/// compiled code. Cached in `info.osr_entries` under `def`. Each entry edge
/// turns the values live at its header into unknowns merged from the
/// frame; with the headers laid out in code order that costs nothing
/// measurable (nbody's and collatz's loops execute as many instructions as
/// from the normal entry; see the tier-up hook for when it is asked for).
pub fn compile_osr(
    info: &ModuleInfo,
    sigs: &SigRegistry,
    def: u32,
    code: &CompiledFunc,
) -> Result<OsrEntryFn, CompileError> {
    let Some(slot) = info.osr_entries.get(def as usize) else {
        return Err(CompileError(format!("no defined function {def}")));
    };
    if let Some(f) = slot.get() {
        return Ok(*f);
    }
    let mut module = new_module()?;
    let id =
        module.declare_function(&format!("osr{def}"), Linkage::Local, &lower::osr_signature(&module)).map_err(err)?;
    let mut ctx = module.make_context();
    let mut fctx = cranelift_frontend::FunctionBuilderContext::new();
    let batch = Default::default();
    lower::lower_function(&mut module, &mut ctx, &mut fctx, info, sigs, def, code, id, &batch, true)?;
    module.finalize_definitions().map_err(err)?;
    let ptr = module.get_finalized_function(id);
    // SAFETY: compiled with `osr_signature`, the `OsrEntryFn` signature in
    // the platform's C convention.
    let entry = unsafe { core::mem::transmute::<*const u8, OsrEntryFn>(ptr) };
    keep(info, module);
    // A racing compilation of the same entry keeps the first.
    Ok(*slot.get_or_init(|| entry))
}

/// Compiles the defined functions `defs` of `info` (their bytecode in
/// `code`, same order) in one batch, records the result in `info.native`
/// and returns it. Functions of the batch call each other directly.
/// Functions already compiled are returned as they are.
pub fn compile(
    info: &ModuleInfo,
    sigs: &SigRegistry,
    defs: &[(u32, Arc<CompiledFunc>)],
) -> Result<Vec<NativeCode>, CompileError> {
    let todo: Vec<&(u32, Arc<CompiledFunc>)> =
        defs.iter().filter(|(d, _)| info.native.get(*d as usize).is_some_and(|n| n.get().is_none())).collect();
    if !todo.is_empty() {
        let mut module = new_module()?;
        let mut ids: Vec<(u32, FuncId, u32)> = Vec::with_capacity(todo.len());
        let mut batch = std::collections::HashMap::new();
        // One array-call adapter per signature, shared by the module's
        // functions of that type (it calls through the callee's record).
        // Not locked while compiling: batches compile in parallel, and one
        // that races another to a new signature's adapter keeps the first.
        let known: std::collections::HashSet<u32> =
            info.array_adapters.lock().unwrap_or_else(|e| e.into_inner()).keys().copied().collect();
        let mut new_adapters: Vec<(u32, FuncId, FuncType)> = Vec::new();
        for (def, _) in &todo {
            let ty = lower::func_type(info, *def).ok_or_else(|| err(format!("no function {def}")))?;
            let sig_id = info.func_sig(*def + info.env.num_imported_funcs);
            let sig = lower::native_signature(&module, ty);
            let native = module.declare_function(&format!("f{def}"), Linkage::Local, &sig).map_err(err)?;
            if !known.contains(&sig_id) && !new_adapters.iter().any(|(s, _, _)| *s == sig_id) {
                let id = module
                    .declare_function(&format!("a{sig_id}"), Linkage::Local, &lower::array_signature(&module))
                    .map_err(err)?;
                new_adapters.push((sig_id, id, ty.clone()));
            }
            batch.insert(*def, native);
            ids.push((*def, native, sig_id));
        }
        let mut ctx = module.make_context();
        let mut fctx = cranelift_frontend::FunctionBuilderContext::new();
        for ((def, code), (_, native, _)) in todo.iter().zip(&ids) {
            lower::lower_function(&mut module, &mut ctx, &mut fctx, info, sigs, *def, code, *native, &batch, false)?;
        }
        for (_, id, ty) in &new_adapters {
            lower::lower_array_adapter(&mut module, &mut ctx, &mut fctx, ty, *id)?;
        }
        module.finalize_definitions().map_err(err)?;
        let mut adapters = info.array_adapters.lock().unwrap_or_else(|e| e.into_inner());
        for (sig_id, id, _) in &new_adapters {
            let ptr = module.get_finalized_function(*id);
            // SAFETY: compiled with `array_signature`, the `VMArrayCallFn`
            // signature in the platform's C convention.
            adapters.entry(*sig_id).or_insert(unsafe { core::mem::transmute::<*const u8, VMArrayCallFn>(ptr) });
        }
        for (def, native, sig_id) in &ids {
            let wasm_call = module.get_finalized_function(*native);
            let array_call = adapters[sig_id];
            // A racing compilation of the same function may have won: keep
            // its code (both are equivalent) and ours stays unused.
            let _ = info.native[*def as usize].set(NativeCode { wasm_call, array_call });
        }
        drop(adapters);
        keep(info, module);
    }
    defs.iter()
        .map(|(d, _)| {
            info.native
                .get(*d as usize)
                .and_then(|n| n.get().copied())
                .ok_or_else(|| err(format!("function {d} was not compiled")))
        })
        .collect()
}
