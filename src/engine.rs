//! `Engine` and `Config`: settings shared by every store and module.

use crate::values::FuncType;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tandem_vm_core::module_env::WasmFeatures;
use tandem_vm_core::store::SigRegistry;

/// When function bodies are validated and translated to bytecode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Translation {
    /// Validate every body when the module is created, translate each on
    /// its first call (start-up pays only for validation).
    #[default]
    Lazy,
    /// Validate and translate every body when the module is created (one
    /// pass per body).
    Eager,
    /// Validate and translate each body on its first call: the fastest
    /// start-up, but an invalid body is only reported when it is first
    /// called (as an `ErrorKind::Module` error), so whether a module is
    /// accepted depends on what runs.
    LazyValidation,
}

/// Which tier runs wasm code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// The interpreter only: nothing needs executable memory.
    Interp,
    /// Compile every function with Cranelift when the module is created.
    Jit,
    /// Interpret first; compile a function once it has been called, or its
    /// loops have iterated, often enough (see `Config::tier_up_thresholds`).
    Tiered,
}

impl Default for Tier {
    /// `Tiered` when the `jit` feature is built in, else `Interp`.
    fn default() -> Self {
        if cfg!(feature = "jit") { Tier::Tiered } else { Tier::Interp }
    }
}

impl std::str::FromStr for Tier {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "interp" => Ok(Tier::Interp),
            "jit" => Ok(Tier::Jit),
            "tiered" => Ok(Tier::Tiered),
            _ => Err(format!("unknown tier `{s}` (expected interp, jit or tiered)")),
        }
    }
}

/// Engine configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) consume_fuel: bool,
    pub(crate) canonicalize_nans: bool,
    pub(crate) translation: Translation,
    pub(crate) max_call_depth: u64,
    pub(crate) max_stack_slots: usize,
    pub(crate) max_native_stack: usize,
    pub(crate) parallel_validation: bool,
    pub(crate) tier: Tier,
    pub(crate) call_threshold: u32,
    pub(crate) loop_threshold: u32,
    pub(crate) background_compilation: bool,
    pub(crate) portable_dispatch: bool,
    pub(crate) jit: tandem_vm_core::store::JitSettings,
    /// The wasm proposals modules may use.
    pub(crate) features: WasmFeatures,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            consume_fuel: false,
            canonicalize_nans: false,
            translation: Translation::Lazy,
            max_call_depth: 10_000,
            max_stack_slots: 1 << 20,
            max_native_stack: 1024 * 1024,
            parallel_validation: true,
            tier: Tier::default(),
            call_threshold: 1_000,
            loop_threshold: 1_000,
            background_compilation: true,
            portable_dispatch: false,
            jit: Default::default(),
            features: tandem_vm_core::module_env::default_features(),
        }
    }
}

impl Config {
    pub fn new() -> Self {
        Self::default()
    }
    /// Accept modules that use 128-bit SIMD (`v128`); on by default, as in
    /// wasmtime. Switched off, such a module is refused as an unsupported
    /// feature (and relaxed SIMD is switched off too).
    pub fn wasm_simd(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::SIMD, enable);
        if !enable {
            self.features.remove(WasmFeatures::RELAXED_SIMD);
        }
        self
    }
    /// Accept modules that use relaxed SIMD (implies `wasm_simd`); on by
    /// default. Each relaxed op makes one deterministic choice, the same on
    /// every host and in every tier (`tandem_vm_core::simd`).
    pub fn wasm_relaxed_simd(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::RELAXED_SIMD, enable);
        if enable {
            self.features.insert(WasmFeatures::SIMD);
        }
        self
    }
    /// Accept extended constant expressions (`i32`/`i64` `add`, `sub` and
    /// `mul` in global initialisers and segment offsets, as in Wasm 3.0);
    /// on by default, as in wasmtime.
    pub fn wasm_extended_const(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::EXTENDED_CONST, enable);
        self
    }
    /// Accept tail calls (`return_call`, `return_call_indirect`); on by
    /// default, as in wasmtime. A chain of tail calls runs in constant
    /// space between interpreted functions (the callee replaces the
    /// frame; a compiled callee is interpreted too, so the chain stays in
    /// the interpreter) and between compiled ones (Cranelift's
    /// `return_call`); a compiled function's tail call of an interpreted
    /// one is a call and a return.
    pub fn wasm_tail_call(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::TAIL_CALL, enable);
        self
    }
    /// Accept modules with several memories (loads, stores, `memory.*`
    /// and bulk operations name theirs; `memory.copy` between two); on by
    /// default, as in wasmtime. Memory 0 stays the fast one: the others are
    /// reached through their definitions at each access.
    pub fn wasm_multi_memory(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::MULTI_MEMORY, enable);
        self
    }
    /// Accept 64-bit memories (memory64: `i64` addresses, lengths and page
    /// counts, limits past 4 GiB, which the store's limits then refuse
    /// cleanly); on by default, as in wasmtime.
    pub fn wasm_memory64(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::MEMORY64, enable);
        self
    }
    /// Accept typed function references (`(ref $t)` and `(ref null $t)`
    /// types, non-nullable locals, `call_ref`, `return_call_ref`,
    /// `ref.as_non_null`, `br_on_null`, `br_on_non_null`, table
    /// initialisers, and Wasm 3.0's constant expressions, where `global.get`
    /// reads any earlier immutable global); on by default, as in wasmtime.
    /// The GC proposal (struct and array types, subtype declarations) is
    /// not supported: such a module is refused as unsupported.
    pub fn wasm_function_references(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::FUNCTION_REFERENCES, enable);
        self
    }
    /// Accept memories with custom page sizes (pages of 1 byte, or the
    /// default 64 KiB); off by default, as in wasmtime.
    pub fn wasm_custom_page_sizes(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::CUSTOM_PAGE_SIZES, enable);
        self
    }
    /// Accept the wide-arithmetic operators (`i64.add128`, `i64.sub128`,
    /// `i64.mul_wide_s`, `i64.mul_wide_u`); off by default, as in wasmtime.
    pub fn wasm_wide_arithmetic(&mut self, enable: bool) -> &mut Self {
        self.features.set(WasmFeatures::WIDE_ARITHMETIC, enable);
        self
    }
    /// Make every NaN that a float operation computes (arithmetic, square
    /// root, rounding, min/max, promotion and demotion, scalar or in SIMD
    /// lanes) the canonical NaN: positive, quiet, zero payload
    /// (`0x7fc00000`, `0x7ff8000000000000`), in every tier. Default off.
    /// Without it the NaNs are still the same in both tiers on x86-64, but
    /// which NaN depends on the operands' payloads; a fuzzer comparing with
    /// another runtime wants this on. Costs an op after each such operation
    /// in the interpreter and a compare and select in compiled code.
    pub fn canonicalize_nans(&mut self, enable: bool) -> &mut Self {
        self.canonicalize_nans = enable;
        self
    }
    /// Charge fuel for executed instructions (see `Store::set_fuel`).
    pub fn consume_fuel(&mut self, enable: bool) -> &mut Self {
        self.consume_fuel = enable;
        self
    }
    /// Lazy (default) or eager translation.
    pub fn translation(&mut self, mode: Translation) -> &mut Self {
        self.translation = mode;
        self
    }
    /// Most nested wasm calls before a `StackOverflow` trap (default
    /// 10 000). Interpreted and compiled frames count alike, so a call
    /// traps at the same depth in every tier, whatever tiered up when. The
    /// native-stack bound (`max_native_stack`) is a second guard that
    /// compiled frames can reach first when they are large (at the
    /// defaults, frames over ~100 bytes deeper than ~10 000): a fuzzing
    /// harness that needs the same trap in every tier keeps
    /// `depth × largest frame` under it.
    pub fn max_call_depth(&mut self, depth: u64) -> &mut Self {
        self.max_call_depth = depth.max(1);
        self
    }
    /// Validate function bodies of large modules on several threads (default
    /// on); with `Translation::Eager` translate them, and with `Tier::Jit`
    /// compile them, on several threads too. `Translation::Lazy` validates
    /// all bodies at load, `Eager` validates and translates them,
    /// `LazyValidation` leaves both to first use.
    pub fn parallel_validation(&mut self, enable: bool) -> &mut Self {
        self.parallel_validation = enable;
        self
    }
    /// Native stack, in bytes, that compiled wasm code and nested host ->
    /// wasm re-entries may use (default 1 MiB); deeper use traps with
    /// `StackOverflow`. Interpreted wasm-to-wasm calls use no native stack.
    /// The thread must have this much stack to spare.
    pub fn max_native_stack(&mut self, bytes: usize) -> &mut Self {
        self.max_native_stack = bytes.max(16 * 1024);
        self
    }
    /// Which tier runs the code (default: `Tiered` with the `jit` feature,
    /// else `Interp`). `Jit` and `Tiered` need the `jit` feature: without it,
    /// creating a module fails with a clear error.
    pub fn tier(&mut self, tier: Tier) -> &mut Self {
        self.tier = tier;
        self
    }
    /// Tiered mode: compile a function after `calls` calls, or after its
    /// loops have iterated `loop_iterations` times in total (defaults 1 000
    /// and 1 000). Iterations are charged in batches (a sixteenth of
    /// `loop_iterations`, at most 64) to the function running when a batch
    /// ends, so a loop that calls a function with loops of its own shares
    /// its count with it. Calls between interpreted functions are charged
    /// the same way (a sixteenth of `calls`) to the function called when a
    /// batch ends; calls from the host count one each. A hot loop moves its
    /// running call into compiled code (on-stack replacement); other
    /// running calls finish interpreted.
    pub fn tier_up_thresholds(&mut self, calls: u32, loop_iterations: u32) -> &mut Self {
        self.call_threshold = calls.max(1);
        self.loop_threshold = loop_iterations.max(1);
        self
    }
    /// The interpreter dispatches through a loop instead of threading its
    /// handlers by tail calls (default off: a tail call is the cheaper
    /// dispatch). Debug builds and builds with the `portable-dispatch`
    /// feature always use the loop; both dispatchers run the same handlers.
    pub fn portable_dispatch(&mut self, enable: bool) -> &mut Self {
        self.portable_dispatch = enable;
        self
    }
    /// Tiered mode: compile hot functions on a background thread while the
    /// interpreter keeps running (default on; one thread for the whole
    /// process, started by the first request), or on the thread that found
    /// them hot (the switch then happens at a deterministic point).
    pub fn background_compilation(&mut self, enable: bool) -> &mut Self {
        self.background_compilation = enable;
        self
    }
    /// Largest compile cost the JIT spends on one function (default 2^28);
    /// a function that would cost more stays interpreted, and
    /// `Module::jit_refused` says which and why. The cost counts the
    /// compiler's per-block bookkeeping of values that live across blocks
    /// (4 bytes each), which is what grows faster than a function's size:
    /// compile memory beyond the part linear in the function's size stays
    /// under about 4 bytes per unit (1 GiB at the default), and compile
    /// time grows with it. Functions whose register pressure would make
    /// the optimising register allocator's time grow with the square of
    /// their size are compiled with a single-pass allocator instead.
    pub fn jit_compile_budget(&mut self, cost: u64) -> &mut Self {
        self.jit.max_compile_cost = cost;
        self
    }
    /// How many bounds checks of a straight-line stretch of code branch to
    /// their trap one by one before the rest are deferred to its next side
    /// effect (default 16); both give the same results. For tests of the
    /// deferred path.
    #[doc(hidden)]
    pub fn jit_direct_bounds_checks(&mut self, n: u32) -> &mut Self {
        self.jit.direct_bounds_checks = n;
        self
    }
    /// Size of a store's value stack in 8-byte slots (default 1 Mi slots).
    pub fn max_stack_slots(&mut self, slots: usize) -> &mut Self {
        self.max_stack_slots = slots.max(16);
        self
    }
}

pub(crate) struct EngineInner {
    pub(crate) config: Config,
    pub(crate) sigs: Arc<SigRegistry>,
    pub(crate) id: u64,
    /// Tiered mode: the tier-up hook every store of the engine uses.
    #[cfg(feature = "jit")]
    pub(crate) tier_up: Option<Arc<crate::jit::TierUpHook>>,
}

/// Compilation and configuration context shared by modules and stores.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<EngineInner>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

pub(crate) fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("config", &self.inner.config).finish()
    }
}

impl Engine {
    pub fn new(config: &Config) -> Self {
        let sigs: Arc<SigRegistry> = Arc::default();
        #[cfg(feature = "jit")]
        let tier_up = (config.tier == Tier::Tiered)
            .then(|| Arc::new(crate::jit::TierUpHook::new(sigs.clone(), config.background_compilation)));
        Engine {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                sigs,
                id: next_id(),
                #[cfg(feature = "jit")]
                tier_up,
            }),
        }
    }
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The engine-wide id of function type `ty`: what
    /// `HeapType::Concrete` holds outside a module, so a host function,
    /// global or table can have the type `(ref $t)`; `ty`'s own concrete
    /// references must be ids too. A module's type declared on its own (not
    /// in a `rec` group) that does not refer to itself gets the same id;
    /// types of a `rec` group, and a type that refers to itself, are
    /// distinct from any type built here (Wasm 3.0's type equivalence).
    pub fn func_type_id(&self, ty: &FuncType) -> u32 {
        self.inner.sigs.intern(ty)
    }

    /// The function type with engine-wide id `id`, if there is one.
    pub fn func_type(&self, id: u32) -> Option<FuncType> {
        self.inner.sigs.lookup(id)
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(&Config::default())
    }
}
