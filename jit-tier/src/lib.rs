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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompileError {
    /// The compiler failed (an unsupported host, or a bug).
    Failed(String),
    /// Compiling defined function `def` would cost more than
    /// `JitSettings::max_compile_cost` (see `Lower`'s cost accounting): it
    /// stays interpreted.
    OverBudget { def: u32, cost: u64, limit: u64 },
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompileError::Failed(m) => write!(f, "JIT compilation failed: {m}"),
            CompileError::OverBudget { def, cost, limit } => write!(
                f,
                "defined function {def} stays interpreted: its compile cost ({cost}) is over the budget ({limit})"
            ),
        }
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

type Isa = Result<cranelift_codegen::isa::OwnedTargetIsa, CompileError>;

/// Records that defined function `def` stays interpreted, and why.
fn refuse(info: &ModuleInfo, def: u32, reason: String) {
    info.jit_refused.lock().unwrap_or_else(|e| e.into_inner()).insert(def, reason);
}

/// The host ISA, built once: detecting CPU features and building the
/// backend costs more than compiling a small function. `SinglePass` picks
/// Cranelift's single-pass register allocator instead of the backtracking
/// one, for functions whose register pressure would make the backtracking
/// allocator's time grow with the square of their size (`Regalloc::of`).
fn isa(regalloc: Regalloc) -> Isa {
    static BACKTRACKING: OnceLock<Isa> = OnceLock::new();
    static SINGLE_PASS: OnceLock<Isa> = OnceLock::new();
    let cell = match regalloc {
        Regalloc::Backtracking => &BACKTRACKING,
        Regalloc::SinglePass => &SINGLE_PASS,
    };
    cell.get_or_init(|| {
        let mut flags = settings::builder();
        let set = |f: &mut settings::Builder, k: &str, v: &str| f.set(k, v).map_err(err);
        set(&mut flags, "opt_level", "speed")?;
        if regalloc == Regalloc::SinglePass {
            set(&mut flags, "regalloc_algorithm", "single_pass")?;
        }
        set(&mut flags, "is_pic", "false")?;
        set(&mut flags, "use_colocated_libcalls", "false")?;
        // Compiled code never unwinds: traps return a flag.
        set(&mut flags, "unwind_info", "false")?;
        // Cranelift's tail calls (`return_call`, from wasm tail calls)
        // need frame pointers on x86-64.
        set(&mut flags, "preserve_frame_pointers", "true")?;
        // The IR verifier costs a quarter of compile time; debug builds
        // (and so the tests' debug runs) keep it.
        set(&mut flags, "enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" })?;
        cranelift_native::builder()
            .map_err(|e| CompileError::Failed(format!("unsupported host: {e}")))?
            .finish(settings::Flags::new(flags))
            .map_err(err)
    })
    .clone()
}

fn new_module(regalloc: Regalloc) -> Result<JITModule, CompileError> {
    Ok(JITModule::new(JITBuilder::with_isa(isa(regalloc)?, default_libcall_names())))
}

/// Which register allocator compiles a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Regalloc {
    /// Cranelift's default: the best code.
    Backtracking,
    /// Linear in the function's size whatever its register pressure; its
    /// code runs about 2x slower (measured on the bench kernels).
    SinglePass,
}

impl Regalloc {
    /// Above this estimate of values live at once times ops, the
    /// backtracking allocator's time grows with the square of the function
    /// (a function keeping 5,000 loaded values live took 3.9 s with it and
    /// 0.1 s with the single-pass one; every function of the bench kernels
    /// and of zstd stays far below).
    pub const PRESSURE_LIMIT: u64 = 1 << 24;

    /// The allocator for `code`: the estimate bounds the values live at
    /// once by both the frame's slots and the number of ops (an op takes
    /// at least 4 bytes of bytecode).
    pub fn of(code: &CompiledFunc) -> Regalloc {
        let ops = code.code.len() as u64 / 4;
        if (code.num_slots as u64).min(ops) * ops > Self::PRESSURE_LIMIT {
            Regalloc::SinglePass
        } else {
            Regalloc::Backtracking
        }
    }
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
        return Err(CompileError::Failed(format!("no defined function {def}")));
    };
    if let Some(f) = slot.get() {
        return Ok(*f);
    }
    let mut module = new_module(Regalloc::of(code))?;
    let id =
        module.declare_function(&format!("osr{def}"), Linkage::Local, &lower::osr_signature(&module)).map_err(err)?;
    let mut ctx = module.make_context();
    let mut fctx = cranelift_frontend::FunctionBuilderContext::new();
    let batch = Default::default();
    let lowered = lower::lower_function(&mut module, &mut ctx, &mut fctx, info, sigs, def, code, id, &batch, true);
    if let Err(e @ CompileError::OverBudget { .. }) = &lowered {
        refuse(info, def, format!("{e} (loop entry)"));
    }
    lowered?;
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
/// `code`, same order) and records the result in `info.native`; returns
/// each one's code, `None` for those that stay interpreted because their
/// compile cost is over the budget (recorded in `info.jit_refused`).
/// Functions compiled with the same register allocator form one batch and
/// call each other directly. Functions already compiled are returned as
/// they are.
pub fn compile(
    info: &ModuleInfo,
    sigs: &SigRegistry,
    defs: &[(u32, Arc<CompiledFunc>)],
) -> Result<Vec<Option<NativeCode>>, CompileError> {
    let todo: Vec<&(u32, Arc<CompiledFunc>)> =
        defs.iter().filter(|(d, _)| info.native.get(*d as usize).is_some_and(|n| n.get().is_none())).collect();
    for regalloc in [Regalloc::Backtracking, Regalloc::SinglePass] {
        let mut part: Vec<&(u32, Arc<CompiledFunc>)> =
            todo.iter().copied().filter(|(_, c)| Regalloc::of(c) == regalloc).collect();
        // A function over budget leaves the batch, which starts again
        // without it (its callers in the batch call it through its record).
        while !part.is_empty() {
            match compile_batch(info, sigs, &part, regalloc) {
                Err(e @ CompileError::OverBudget { def, .. }) => {
                    refuse(info, def, e.to_string());
                    part.retain(|(d, _)| *d != def);
                }
                r => {
                    r?;
                    break;
                }
            }
        }
    }
    Ok(defs.iter().map(|(d, _)| info.native_code(*d)).collect())
}

/// Compiles `todo` as one batch with `regalloc`.
fn compile_batch(
    info: &ModuleInfo,
    sigs: &SigRegistry,
    todo: &[&(u32, Arc<CompiledFunc>)],
    regalloc: Regalloc,
) -> Result<(), CompileError> {
    let mut module = new_module(regalloc)?;
    let mut ids: Vec<(u32, FuncId, u32)> = Vec::with_capacity(todo.len());
    let mut batch = std::collections::HashMap::new();
    // One array-call adapter per signature, shared by the module's
    // functions of that type (it calls through the callee's record).
    // Not locked while compiling: batches compile in parallel, and one
    // that races another to a new signature's adapter keeps the first.
    let known: std::collections::HashSet<u32> =
        info.array_adapters.lock().unwrap_or_else(|e| e.into_inner()).keys().copied().collect();
    let mut new_adapters: Vec<(u32, FuncId, FuncType)> = Vec::new();
    for (def, _) in todo {
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
    for ((def, code), (_, native, _)) in todo.iter().copied().zip(&ids) {
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
    Ok(())
}
