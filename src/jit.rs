//! Wiring of the Cranelift tier (`tandem-jit`) to the interpreter: the
//! interpreter provides the bytecode, the JIT compiles it, and the tier-up
//! hook lets interpreted code request compilation of a hot function, on a
//! background thread (default) or synchronously.

use crate::errors::{Error, Result};
use crate::module::Module;
use std::collections::HashSet;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use tandem_vm_core::parallel::Split;
use tandem_vm_core::store::{ModuleInfo, NativeCode, OsrEntryFn, SigRegistry, TierUp};

/// Compiles every defined function of `module` (`Tier::Jit`). With
/// `parallel`, a large module is cut into runs of contiguous functions
/// compiled on every core; calls inside a run are direct, calls between
/// runs go through the callee's record (as calls to any other function).
pub(crate) fn compile_all(module: &Module, parallel: bool) -> Result<()> {
    let info = &*module.info;
    let sigs = &*module.engine.inner.sigs;
    let defs: Vec<u32> = (0..info.env.num_defined_funcs()).collect();
    let compile_run = |_: &mut (), run: Vec<u32>| -> Result<()> {
        let funcs = run
            .into_iter()
            .map(|def| Ok((def, tandem_interp::compiled(info, def)?.clone())))
            .collect::<Result<Vec<_>>>()?;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| tandem_jit::compile(info, sigs, &funcs))) {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(Error::usage(e.to_string())),
            Err(_) => Err(Error::usage("JIT compilation failed (compiler panic)")),
        }
    };
    // Cranelift takes about 1.3 ms per KB of code: threads pay for
    // themselves on far smaller modules than validation (a few KB), and a
    // few runs per thread balance the load without losing many direct calls.
    let split = Split { min_weight: 8 * 1024, batches_per_thread: 4 }.only_if(parallel);
    tandem_vm_core::parallel::for_each_batch(defs, |&d| info.env.body_len(d), split, || (), compile_run)
}

/// Identifies a job: module (`ModuleInfo::id`), function, and whether it
/// is the function's OSR entry (else its normal entry).
type JobKey = (u64, u32, bool);

/// Compiles one job; a compiler failure (error or panic) must not take the
/// host down: the function simply stays interpreted.
fn run_job(sigs: &SigRegistry, info: &ModuleInfo, def: u32, osr: bool) -> bool {
    let Ok(code) = tandem_interp::compiled(info, def).map(Arc::clone) else { return false };
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if osr {
            tandem_jit::compile_osr(info, sigs, def, &code).is_ok()
        } else {
            tandem_jit::compile(info, sigs, &[(def, code)]).is_ok()
        }
    }));
    r.unwrap_or(false)
}

#[derive(Default)]
struct Jobs {
    /// Queued or being compiled.
    pending: HashSet<JobKey>,
    /// Failed: never retried.
    failed: HashSet<JobKey>,
    /// Functions (module, function) whose any-header OSR entry has been
    /// handed out once: the next time, their normal entry is compiled.
    used_any: HashSet<(u64, u32)>,
}

/// What compiling needs of the engine that asked.
struct EngineJobs {
    sigs: Arc<SigRegistry>,
    jobs: Mutex<Jobs>,
}

impl EngineJobs {
    fn finish(&self, k: JobKey, ok: bool) {
        let mut j = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        j.pending.remove(&k);
        if !ok {
            j.failed.insert(k);
        }
    }
}

/// A compilation request: a function's entry, or its OSR entry at a loop
/// header. The queue holds the module weakly: a queued job must not keep a
/// dropped module alive (and get compiled for nobody).
type Job = (Arc<EngineJobs>, Weak<ModuleInfo>, JobKey);

/// The background compiler: one thread for the whole process, shared by
/// every engine and started by the first request. A thread per engine cost
/// its spawn (20-60 us measured) on every `Engine::new` in tiered mode,
/// which is most of a short run's time. `None` if it could not be started.
fn background() -> Option<&'static Sender<Job>> {
    static QUEUE: OnceLock<Option<Sender<Job>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (tx, rx) = channel::<Job>();
            let spawned = std::thread::Builder::new().name("tandem-jit".into()).spawn(move || {
                while let Ok((engine, module, k)) = rx.recv() {
                    match module.upgrade() {
                        Some(info) => engine.finish(k, run_job(&engine.sigs, &info, k.1, k.2)),
                        // The module is gone: nothing to compile, nothing failed.
                        None => engine.finish(k, true),
                    }
                }
            });
            spawned.ok().map(|_| tx)
        })
        .as_ref()
}

/// The tier-up hook of an engine in `Tier::Tiered` (shared by its stores).
pub(crate) struct TierUpHook {
    engine: Arc<EngineJobs>,
    /// Compile on the background thread (else on the caller's thread).
    background: bool,
}

impl TierUpHook {
    pub(crate) fn new(sigs: Arc<SigRegistry>, background: bool) -> Self {
        TierUpHook { engine: Arc::new(EngineJobs { sigs, jobs: Mutex::default() }), background }
    }

    /// Runs the job, or queues it for the background compiler; the caller
    /// then looks the result up where the compiler leaves it.
    fn request(&self, info: &Arc<ModuleInfo>, def: u32, osr: bool) {
        let k = (info.id, def, osr);
        {
            let mut j = self.engine.jobs.lock().unwrap_or_else(|e| e.into_inner());
            if j.failed.contains(&k) || j.pending.contains(&k) {
                return;
            }
            if let Some(queue) = self.background.then(background).flatten() {
                if queue.send((self.engine.clone(), Arc::downgrade(info), k)).is_ok() {
                    j.pending.insert(k);
                } else {
                    j.failed.insert(k);
                }
                return;
            }
        }
        if !run_job(&self.engine.sigs, info, def, osr) {
            self.engine.finish(k, false);
        }
    }
}

impl TierUp for TierUpHook {
    fn compile(&self, info: &Arc<ModuleInfo>, def: u32) -> Option<NativeCode> {
        info.native_code(def).or_else(|| {
            self.request(info, def, false);
            info.native_code(def)
        })
    }

    /// The any-header entry: a call whose loop got hot leaves the
    /// interpreter through an entry usable at any loop header, the one that
    /// is certain to be usable when it is ready, wherever the frame has
    /// moved meanwhile (an entry for the header where the counter ran out
    /// came too late in sha256, matmul and sort, whose early loops end
    /// before their code is ready). When a second call of the function
    /// needs it, the function is hot across calls: its normal entry is
    /// compiled (in the background) for the calls after it, which then run
    /// compiled from their start instead of interpreted up to their first
    /// loop header. Not on the first use: a module run once
    /// would have that entry compiled for nobody, holding up the compiler
    /// thread (sha256(1) in the harness's cold table went from 1.0 to 1.8x
    /// jit). Before, the second use asked for an entry at its own header;
    /// a function with many loops called often, like wasi-libc's memmove,
    /// then had one compiled per header (16 jobs in the harness's memmove
    /// kernel), each compiling the whole function, queued ahead of the
    /// normal entry that made them useless.
    fn compile_loop(&self, info: &Arc<ModuleInfo>, def: u32) -> Option<OsrEntryFn> {
        let any = info.osr_entry(def).or_else(|| {
            self.request(info, def, true);
            info.osr_entry(def)
        })?;
        let used_before = {
            let mut j = self.engine.jobs.lock().unwrap_or_else(|e| e.into_inner());
            !j.used_any.insert((info.id, def))
        };
        if used_before {
            self.request(info, def, false);
        }
        Some(any)
    }
}
