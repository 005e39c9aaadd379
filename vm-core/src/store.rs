//! The type-erased store: it owns every instance, memory, table, global and
//! host function, the value stack, the runtime limits and the pending trap.
//! Wasm code reaches it through the `store` pointer of a VMContext header.

use crate::bytecode::CompiledFunc;
use crate::memory::MemoryInstance;
use crate::module_env::{GlobalType, ModuleEnv, ModuleError};
use crate::table::TableInstance;
use crate::trap::{Backtrace, FrameInfo, TrapCode, bounded};
use crate::value::{FuncType, ValRaw, ValType};
use crate::vmctx::{
    VMArrayCallFn, VMContextHeader, VMFuncRef, VMGlobalDefinition, VMOffsets, VMRuntimeLimits, VMTableDefinition,
};
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// An error returned by a host function.
pub type HostError = Box<dyn std::error::Error + Send + Sync>;

/// Engine-wide interning of function signatures, so `call_indirect` compares
/// one integer and modules' types compare by id.
///
/// Types are interned a recursive type group at a time, keyed by the
/// group's types with each concrete reference written relative to the
/// group: `REC_LOCAL | j` for the group's `j`-th type, an engine id for a
/// type outside it. Two modules declaring the same group (a type of
/// Wasm 2.0 is a group of one) get the same ids, as the Wasm 3.0 type
/// equivalence requires; a reference into a group distinguishes a type
/// that refers to itself from one that refers to a copy of itself.
#[derive(Default)]
pub struct SigRegistry {
    map: Mutex<SigTables>,
}

#[derive(Default)]
struct SigTables {
    /// Group key (see `SigRegistry`) to the id of its first type; the
    /// others follow it.
    groups: HashMap<Box<[FuncType]>, u32>,
    /// Every type by id, its references as engine ids.
    types: Vec<FuncType>,
}

/// In a group key, marks a concrete type index relative to the group.
const REC_LOCAL: u32 = 1 << 31;

impl SigRegistry {
    /// The id of `ty`, a type on its own whose concrete references are
    /// engine ids (a host function's type), interning it on first sight.
    pub fn intern(&self, ty: &FuncType) -> u32 {
        self.intern_group(core::slice::from_ref(ty))
    }

    /// The id of the first type of the group `key` (see `SigRegistry`),
    /// interning it on first sight; the others follow in order.
    fn intern_group(&self, key: &[FuncType]) -> u32 {
        let mut guard = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let tables = &mut *guard;
        if let Some(&id) = tables.groups.get(key) {
            return id;
        }
        let first = tables.types.len() as u32;
        for ty in key {
            let resolved = ty.map_indices(|i| if i & REC_LOCAL != 0 { first + (i & !REC_LOCAL) } else { i });
            tables.types.push(resolved);
        }
        tables.groups.insert(key.into(), first);
        first
    }

    /// The signature with id `id` (its references as engine ids).
    pub fn lookup(&self, id: u32) -> Option<FuncType> {
        let guard = self.map.lock().unwrap_or_else(|e| e.into_inner());
        guard.types.get(id as usize).cloned()
    }

    /// Engine ids of a module's types, interning them by recursive group.
    fn intern_module(&self, env: &ModuleEnv) -> Vec<u32> {
        let mut ids: Vec<u32> = Vec::with_capacity(env.types.len());
        for g in env.rec_groups.iter().cloned() {
            let key: Vec<FuncType> = env.types[g.start as usize..g.end as usize]
                .iter()
                .map(|t| {
                    t.map_indices(|i| {
                        if i >= g.start {
                            REC_LOCAL | (i - g.start)
                        } else {
                            ids.get(i as usize).copied().unwrap_or(u32::MAX)
                        }
                    })
                })
                .collect();
            let first = self.intern_group(&key);
            ids.extend((0..g.len() as u32).map(|k| first + k));
        }
        ids
    }
}

/// Translation result cached per defined function.
pub type CodeSlot = OnceLock<Result<Arc<CompiledFunc>, ModuleError>>;

/// Entries of a function compiled to native code.
#[derive(Clone, Copy, Debug)]
pub struct NativeCode {
    /// Native entry (the JIT's calling convention, see `tandem-jit`).
    pub wasm_call: *const u8,
    /// Array-call adapter for callers that are not compiled code.
    pub array_call: VMArrayCallFn,
}

// SAFETY: the pointers are entries into immutable, finalized machine code
// owned by the module (`ModuleInfo::native_owner`), shared read-only.
unsafe impl Send for NativeCode {}
// SAFETY: as above.
unsafe impl Sync for NativeCode {}

/// On-stack-replacement entry of a function: `fn(vmctx, frame, pc) -> ok`.
/// It takes over an interpreter frame stopped at the loop header at bytecode
/// position `pc` (all its slots at `frame`), runs the function to its end
/// and leaves the results in the frame's first slots; `false` means a trap
/// is pending (with this function's frame already in its backtrace).
pub type OsrEntryFn = unsafe extern "C" fn(vmctx: *mut u8, frame: *mut ValRaw, pc: u32) -> bool;

/// Compiles hot functions for the interpreter (DESIGN §5 "tier-up hook").
/// Implemented by the root crate over `tandem-jit`, so the interpreter does
/// not depend on the JIT.
pub trait TierUp: Send + Sync {
    /// Native code of defined function `def` of `module`, compiling it if
    /// needed; `None` if it cannot be compiled (the function stays
    /// interpreted).
    /// With background compilation it returns `None` until the code is
    /// ready (the interpreter asks again a little later).
    fn compile(&self, module: &Arc<ModuleInfo>, def: u32) -> Option<NativeCode>;

    /// The on-stack-replacement entry of defined function `def`, usable at
    /// any of its loop headers, compiling it if needed (or `None` while it
    /// is compiled in the background).
    fn compile_loop(&self, module: &Arc<ModuleInfo>, def: u32) -> Option<OsrEntryFn>;
}

/// A validated module ready to instantiate: its environment, interned
/// signatures, VMContext layout and the lazily filled bytecode cache.
pub struct ModuleInfo {
    pub env: ModuleEnv,
    /// Interned signature id of each type index.
    pub sig_ids: Vec<u32>,
    pub offsets: VMOffsets,
    /// One slot per defined function, filled on first call (or eagerly).
    pub code: Box<[CodeSlot]>,
    /// Whether the bytecode charges fuel.
    pub fuel: bool,
    /// Whether the bytecode counts calls and loop iterations for tier-up.
    pub hot_counters: bool,
    /// Whether every op whose float result may be a NaN it computed is
    /// followed by the op that canonicalises it (`Opcode::canon_nan`).
    pub canonicalize_nans: bool,
    pub engine_id: u64,
    /// Unique in the process (unlike the address, which a later module may
    /// reuse): names the module in the tier-up hook's job records.
    pub id: u64,
    /// Native code per defined function, once compiled.
    pub native: Box<[OnceLock<NativeCode>]>,
    /// Owners of the executable memory `native` points into (freed with the
    /// module, after every instance using it).
    pub native_owner: Mutex<Vec<Box<dyn Any + Send + Sync>>>,
    /// On-stack-replacement entry (usable at any loop header) per defined
    /// function, once compiled: read without a lock, as the interpreter
    /// polls it while the compiler works.
    pub osr_entries: Box<[OnceLock<OsrEntryFn>]>,
    /// Array-call adapters of compiled code by interned signature.
    pub array_adapters: Mutex<HashMap<u32, VMArrayCallFn>>,
    /// How the JIT compiles this module's functions.
    pub jit: JitSettings,
    /// Defined functions the JIT refused to compile, with the reason (they
    /// stay interpreted).
    pub jit_refused: Mutex<HashMap<u32, String>>,
}

/// How the JIT compiles a module's functions (from the engine's `Config`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JitSettings {
    /// Bounds checks of a straight-line region that each branch to the trap
    /// before later ones are deferred to the region's next side effect.
    pub direct_bounds_checks: u32,
    /// Largest estimated compile cost of one function (SSA and liveness
    /// bookkeeping, counted by the JIT's lowering in 4-byte units); a
    /// costlier function stays interpreted.
    pub max_compile_cost: u64,
}

impl Default for JitSettings {
    fn default() -> Self {
        JitSettings { direct_bounds_checks: 16, max_compile_cost: 1 << 28 }
    }
}

impl ModuleInfo {
    /// Native code of defined function `def`, once compiled.
    pub fn native_code(&self, def: u32) -> Option<NativeCode> {
        self.native.get(def as usize)?.get().copied()
    }

    /// On-stack-replacement entry of defined function `def`, once compiled.
    pub fn osr_entry(&self, def: u32) -> Option<OsrEntryFn> {
        self.osr_entries.get(def as usize)?.get().copied()
    }

    /// `ty` of this module's declarations as the store and the API see it:
    /// a concrete reference's type index becomes its engine signature id.
    pub fn engine_type(&self, ty: ValType) -> ValType {
        ty.map_index(|i| self.sig_ids.get(i as usize).copied().unwrap_or(u32::MAX))
    }

    /// Interned signature id of function `index` (imports included).
    pub fn func_sig(&self, index: u32) -> u32 {
        self.sig_ids[self.env.funcs[index as usize] as usize]
    }

    pub fn new(env: ModuleEnv, sigs: &SigRegistry, fuel: bool, engine_id: u64) -> Result<Self, ModuleError> {
        let sig_ids = sigs.intern_module(&env);
        let num_imported_globals = env.num_imported_globals;
        let offsets = VMOffsets::new(
            env.num_imported_funcs,
            env.num_defined_funcs(),
            env.memories.len() as u32,
            env.tables.len() as u32,
            num_imported_globals,
            env.globals.len() as u32 - num_imported_globals,
        )
        .ok_or_else(|| ModuleError::limit("VMContext larger than 4 GiB"))?;
        let code = (0..env.num_defined_funcs()).map(|_| OnceLock::new()).collect();
        let native = (0..env.num_defined_funcs()).map(|_| OnceLock::new()).collect();
        let osr_entries = (0..env.num_defined_funcs()).map(|_| OnceLock::new()).collect();
        Ok(ModuleInfo {
            env,
            sig_ids,
            offsets,
            code,
            fuel,
            hot_counters: false,
            canonicalize_nans: false,
            engine_id,
            id: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
            native,
            native_owner: Mutex::new(Vec::new()),
            osr_entries,
            array_adapters: Mutex::new(HashMap::new()),
            jit: JitSettings::default(),
            jit_refused: Mutex::new(HashMap::new()),
        })
    }
}

/// Why execution stopped.
pub enum TrapReason {
    Wasm(TrapCode),
    Host(HostError),
    /// A host function panicked; the panic resumes at the API boundary.
    Panic(Box<dyn Any + Send>),
}

impl core::fmt::Debug for TrapReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            TrapReason::Wasm(c) => write!(f, "Wasm({c:?})"),
            TrapReason::Host(e) => write!(f, "Host({e})"),
            TrapReason::Panic(_) => write!(f, "Panic"),
        }
    }
}

/// A trap on its way out to the host, collecting frames as it unwinds.
#[derive(Debug)]
pub struct PendingTrap {
    pub reason: TrapReason,
    pub backtrace: Backtrace,
}

/// Store-wide resource limits.
#[derive(Clone, Copy, Debug)]
pub struct StoreLimits {
    pub max_memory_bytes: u64,
    pub max_table_elements: u64,
    pub max_instances: usize,
    pub max_memories: usize,
    pub max_tables: usize,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits {
            max_memory_bytes: 1 << 32,
            max_table_elements: crate::table::MAX_TABLE_ELEMENTS,
            max_instances: 10_000,
            max_memories: 10_000,
            max_tables: 10_000,
        }
    }
}

/// A host callback: the store (to be cast back by its creator, who knows the
/// store's data type) and the argument/result buffer.
pub type HostCallback =
    Box<dyn Fn(*mut StoreOpaque, *mut crate::vmctx::VMContext, &mut [ValRaw]) -> Result<(), HostError> + Send + Sync>;

/// A host function owned by a store; `funcref.vmctx` points at it.
pub struct HostFunc {
    pub funcref: VMFuncRef,
    pub ty: FuncType,
    pub callback: HostCallback,
    pub store: *mut StoreOpaque,
}

/// The array-call entry of every host function.
///
/// # Safety
/// `callee` must be the `funcref` of a live `HostFunc`, `args` must hold
/// `capacity` slots, at least max(params, results) of its type.
pub unsafe extern "C" fn host_array_call(
    callee: *const VMFuncRef,
    caller: *mut crate::vmctx::VMContext,
    args: *mut ValRaw,
    capacity: usize,
) -> bool {
    // SAFETY: per the contract, callee.vmctx is the HostFunc that owns callee.
    let func = unsafe { &*((*callee).vmctx as *const HostFunc) };
    // SAFETY: the caller provides `capacity` writable slots at `args`.
    let buf = unsafe { core::slice::from_raw_parts_mut(args, capacity) };
    let store = func.store;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (func.callback)(store, caller, buf)));
    let reason = match result {
        Ok(Ok(())) => return true,
        Ok(Err(e)) => TrapReason::Host(e),
        Err(payload) => TrapReason::Panic(payload),
    };
    // SAFETY: a HostFunc's store outlives it and no other reference to the
    // store is live while wasm runs (callers hold only raw pointers).
    unsafe { (*store).pending = Some(PendingTrap { reason, backtrace: Default::default() }) };
    false
}

/// A store-level handle to something an instance can import or export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extern {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
}

/// A function known to the store.
pub struct FuncEntry {
    pub funcref: *const VMFuncRef,
    pub ty: FuncType,
}

/// A global known to the store.
pub struct GlobalEntry {
    pub def: *mut VMGlobalDefinition,
    pub ty: GlobalType,
}

/// Hook for the embedder to veto growth.
pub trait ResourceLimiter: Send {
    /// May a memory grow from `current` to `desired` bytes?
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> bool;
    /// May a table grow from `current` to `desired` elements?
    fn table_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> bool;
}

/// The non-generic part of a store.
pub struct StoreOpaque {
    pub id: u64,
    pub engine_id: u64,
    /// Fuel, call depth and native stack bound; VMContexts point here.
    pub limits: VMRuntimeLimits,
    /// Where this store lives, as set by its owner (`set_home`): the one
    /// pointer every VMContext, host function and call into wasm uses, so
    /// none of them is invalidated by the owner's later `&mut` borrows.
    home: *mut StoreOpaque,
    pub fuel_enabled: bool,
    pub max_call_depth: u64,
    pub resource_limits: StoreLimits,
    pub limiter: Option<Box<dyn ResourceLimiter>>,
    pub sigs: Arc<SigRegistry>,
    instances: Vec<*mut InstanceData>,
    memories: Vec<*mut MemoryInstance>,
    tables: Vec<*mut TableInstance>,
    host_globals: Vec<*mut VMGlobalDefinition>,
    host_funcs: Vec<*mut HostFunc>,
    pub globals: Vec<GlobalEntry>,
    pub funcs: Vec<FuncEntry>,
    func_ids: HashMap<usize, u32>,
    pub externrefs: Vec<Box<dyn Any + Send + Sync>>,
    /// The interpreter's value stack (allocated on first use, never moved).
    pub stack: crate::alloc::ZeroedBuf<ValRaw>,
    pub stack_top: usize,
    pub max_stack_slots: usize,
    /// Native stack (bytes) that nested wasm activations may use, measured
    /// from the outermost entry; re-entry past it traps with `StackOverflow`.
    pub max_native_stack: usize,
    /// Tier-up: compiles a hot function (set in tiered mode).
    pub tier_up: Option<Arc<dyn TierUp>>,
    /// Calls of an interpreted function before it is compiled.
    pub call_threshold: u32,
    /// The interpreter dispatches through its loop, not by tail calls
    /// (`Config::portable_dispatch`).
    pub loop_dispatch: bool,
    /// Loop iterations in an interpreted function before it is compiled.
    pub loop_threshold: u32,
    /// Loop iterations left before the interpreter charges the running
    /// function with its next batch (kept between activations; see
    /// `tandem-interp`'s `HotLoop`). 0: a full batch.
    pub loop_budget: u32,
    /// The same for calls between interpreted functions.
    pub call_budget: u32,
    pub pending: Option<PendingTrap>,
}

// SAFETY: the raw pointers are owned allocations of this store (or of host
// closures that are Send + Sync); a store is used by one thread at a time.
unsafe impl Send for StoreOpaque {}

impl StoreOpaque {
    pub fn new(
        id: u64,
        engine_id: u64,
        sigs: Arc<SigRegistry>,
        fuel_enabled: bool,
        max_call_depth: u64,
        max_stack_slots: usize,
    ) -> Self {
        StoreOpaque {
            id,
            engine_id,
            limits: VMRuntimeLimits { fuel: 0, depth_remaining: max_call_depth, stack_limit: 0 },
            home: core::ptr::null_mut(),
            fuel_enabled,
            max_call_depth,
            resource_limits: StoreLimits::default(),
            limiter: None,
            sigs,
            instances: Vec::new(),
            memories: Vec::new(),
            tables: Vec::new(),
            host_globals: Vec::new(),
            host_funcs: Vec::new(),
            globals: Vec::new(),
            funcs: Vec::new(),
            func_ids: HashMap::new(),
            externrefs: Vec::new(),
            stack: crate::alloc::ZeroedBuf::new(),
            stack_top: 0,
            max_stack_slots,
            max_native_stack: 1024 * 1024,
            tier_up: None,
            call_threshold: u32::MAX,
            loop_dispatch: false,
            loop_threshold: u32::MAX,
            loop_budget: 0,
            call_budget: 0,
            pending: None,
        }
    }

    /// Registers a funcref (deduplicated) and returns its store index.
    pub fn register_func(&mut self, funcref: *const VMFuncRef, ty: &FuncType) -> u32 {
        if let Some(&id) = self.func_ids.get(&(funcref as usize)) {
            return id;
        }
        let id = self.funcs.len() as u32;
        self.funcs.push(FuncEntry { funcref, ty: ty.clone() });
        self.func_ids.insert(funcref as usize, id);
        id
    }

    /// Adds a host function and returns its store index.
    pub fn add_host_func(&mut self, ty: FuncType, callback: HostCallback) -> u32 {
        let sig = self.sigs.intern(&ty);
        let store = self.home();
        let func = Box::into_raw(Box::new(HostFunc {
            funcref: VMFuncRef {
                array_call: host_array_call,
                wasm_call: core::ptr::null(),
                vmctx: core::ptr::null_mut(),
                sig,
                index: u32::MAX,
                code: core::ptr::null(),
            },
            ty: ty.clone(),
            callback,
            store,
        }));
        // SAFETY: `func` was just allocated and is owned by this store.
        unsafe {
            (*func).funcref.vmctx = func as *mut core::ffi::c_void;
        }
        self.host_funcs.push(func);
        // SAFETY: as above; the funcref lives as long as the store.
        let funcref = unsafe { &raw const (*func).funcref };
        self.register_func(funcref, &ty)
    }

    /// Adds a host-owned global (`hi` is the high half of a `v128`).
    pub fn add_global(&mut self, ty: GlobalType, value: ValRaw, hi: ValRaw) -> u32 {
        let def = Box::into_raw(Box::new(VMGlobalDefinition { value, hi }));
        self.host_globals.push(def);
        self.globals.push(GlobalEntry { def, ty });
        self.globals.len() as u32 - 1
    }

    /// Adds a memory; `None` if limits forbid it.
    pub fn add_memory(&mut self, mem: Box<MemoryInstance>) -> Option<u32> {
        if self.memories.len() >= self.resource_limits.max_memories {
            return None;
        }
        self.memories.push(Box::into_raw(mem));
        Some(self.memories.len() as u32 - 1)
    }

    /// Adds a table; `None` if limits forbid it.
    pub fn add_table(&mut self, table: Box<TableInstance>) -> Option<u32> {
        if self.tables.len() >= self.resource_limits.max_tables {
            return None;
        }
        self.tables.push(Box::into_raw(table));
        Some(self.tables.len() as u32 - 1)
    }

    pub fn memory_ptr(&self, i: u32) -> Option<*mut MemoryInstance> {
        self.memories.get(i as usize).copied()
    }
    pub fn table_ptr(&self, i: u32) -> Option<*mut TableInstance> {
        self.tables.get(i as usize).copied()
    }
    /// The `VMMemoryDefinition` of memory `i` (what VMContexts point at).
    pub fn memory_def_ptr(&self, i: u32) -> Option<*mut crate::vmctx::VMMemoryDefinition> {
        // SAFETY: the pointer is a live allocation owned by this store.
        self.memory_ptr(i).map(|p| unsafe { &raw mut (*p).def })
    }
    /// The `VMTableDefinition` of table `i` (what VMContexts point at).
    pub fn table_def_ptr(&self, i: u32) -> Option<*mut crate::vmctx::VMTableDefinition> {
        // SAFETY: the pointer is a live allocation owned by this store.
        self.table_ptr(i).map(|p| unsafe { &raw mut (*p).def })
    }
    pub fn memory(&self, i: u32) -> Option<&MemoryInstance> {
        // SAFETY: the pointer is a live allocation owned by this store.
        self.memories.get(i as usize).map(|&p| unsafe { &*p })
    }
    pub fn memory_mut(&mut self, i: u32) -> Option<&mut MemoryInstance> {
        // SAFETY: as in `memory`; `&mut self` excludes other store users.
        self.memories.get(i as usize).map(|&p| unsafe { &mut *p })
    }
    pub fn table(&self, i: u32) -> Option<&TableInstance> {
        // SAFETY: the pointer is a live allocation owned by this store.
        self.tables.get(i as usize).map(|&p| unsafe { &*p })
    }
    pub fn table_mut(&mut self, i: u32) -> Option<&mut TableInstance> {
        // SAFETY: as in `table`; `&mut self` excludes other store users.
        self.tables.get(i as usize).map(|&p| unsafe { &mut *p })
    }
    pub fn instance(&self, i: u32) -> Option<&InstanceData> {
        // SAFETY: the pointer is a live allocation owned by this store.
        self.instances.get(i as usize).map(|&p| unsafe { &*p })
    }
    pub fn num_instances(&self) -> usize {
        self.instances.len()
    }

    /// Asks the limiter (if any) and the store limits whether a memory may grow.
    pub fn memory_may_grow(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> bool {
        match &mut self.limiter {
            Some(l) => l.memory_growing(current, desired, maximum),
            None => true,
        }
    }

    /// Asks the limiter (if any) whether a table may grow.
    pub fn table_may_grow(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> bool {
        match &mut self.limiter {
            Some(l) => l.table_growing(current, desired, maximum),
            None => true,
        }
    }

    /// Grows memory `i` by `delta` pages, asking the limiter; old size or `None`.
    pub fn grow_memory(&mut self, i: u32, delta: u64) -> Option<u64> {
        let max_bytes = self.resource_limits.max_memory_bytes;
        let mem = self.memory_ptr(i)?;
        // SAFETY: live allocation owned by this store; no other reference is held.
        let (cur, max, page) = unsafe { ((*mem).pages(), (*mem).max_pages(), (*mem).ty.page_size()) };
        let desired = cur.checked_add(delta)?;
        if delta > 0
            && !self.memory_may_grow(
                (cur * page) as usize,
                desired.saturating_mul(page) as usize,
                Some(max.saturating_mul(page) as usize),
            )
        {
            return None;
        }
        // SAFETY: as above.
        unsafe { (*mem).grow(delta, max_bytes) }
    }

    /// Grows table `i` by `delta` elements, asking the limiter; old size or `None`.
    pub fn grow_table(&mut self, i: u32, delta: u64, init: ValRaw) -> Option<u64> {
        let max_elems = self.resource_limits.max_table_elements;
        let table = self.table_ptr(i)?;
        // SAFETY: live allocation owned by this store; no other reference is held.
        let (cur, max) = unsafe { ((*table).size(), (*table).ty.max) };
        let desired = cur.checked_add(delta)?;
        if delta > 0 && !self.table_may_grow(cur as usize, desired as usize, max.map(|m| m as usize)) {
            return None;
        }
        // SAFETY: as above.
        unsafe { (*table).grow(delta, init, max_elems) }
    }

    /// Takes the pending trap, or makes one up if a callee failed to set it.
    pub fn take_pending(&mut self) -> PendingTrap {
        self.pending.take().unwrap_or(PendingTrap {
            reason: TrapReason::Host("callee failed without reporting a trap".into()),
            backtrace: Default::default(),
        })
    }

    /// Records where the store lives. Its owner calls this once, with a
    /// pointer that stays valid and is not derived from a reference it will
    /// reborrow later (e.g. straight from `Box::into_raw`).
    ///
    /// # Safety
    /// `home` must point at this store for as long as it lives.
    pub unsafe fn set_home(&mut self, home: *mut StoreOpaque) {
        self.home = home;
    }

    /// The pointer wasm code and host functions reach the store through
    /// (`set_home`'s, or for a store whose owner never set one, this
    /// borrow's).
    pub fn home(&mut self) -> *mut StoreOpaque {
        if self.home.is_null() { self } else { self.home }
    }

    /// Appends an instance (used by instantiation).
    pub(crate) fn push_instance(&mut self, inst: *mut InstanceData) -> u32 {
        self.instances.push(inst);
        self.instances.len() as u32 - 1
    }
}

impl Drop for StoreOpaque {
    fn drop(&mut self) {
        crate::alloc::recycle_value_stack(core::mem::take(&mut self.stack));
        // SAFETY: every pointer below was produced by Box::into_raw for this
        // store and is freed exactly once, here.
        unsafe {
            for &p in &self.instances {
                drop(Box::from_raw(p));
            }
            for &p in &self.memories {
                drop(Box::from_raw(p));
            }
            for &p in &self.tables {
                drop(Box::from_raw(p));
            }
            for &p in &self.host_globals {
                drop(Box::from_raw(p));
            }
            for &p in &self.host_funcs {
                drop(Box::from_raw(p));
            }
        }
    }
}

/// One instance: its module, its VMContext allocation and its segments.
pub struct InstanceData {
    pub module: Arc<ModuleInfo>,
    pub vmctx: *mut u8,
    pub(crate) vmctx_layout: std::alloc::Layout,
    /// Evaluated element segments (empty once dropped).
    pub elems: Vec<Vec<ValRaw>>,
    /// Dropped flags of data segments.
    pub datas_dropped: Vec<bool>,
    /// Store indices of this instance's memories, tables and globals.
    pub memories: Vec<u32>,
    pub tables: Vec<u32>,
    pub globals: Vec<u32>,
    pub id: u32,
}

impl InstanceData {
    /// The instance owning `vmctx`.
    ///
    /// # Safety
    /// `vmctx` is the VMContext of a live instance that outlives `'a`.
    #[inline(always)]
    pub unsafe fn of<'a>(vmctx: *const u8) -> &'a InstanceData {
        // SAFETY: the caller's contract; the header's instance pointer was
        // set at instantiation to this instance's `InstanceData`.
        unsafe { &*(VMContextHeader::of(vmctx).instance as *const InstanceData) }
    }

    /// Memory 0 (base and current length), empty if the instance has none:
    /// the memory both tiers cache, and bulk operations work on.
    #[inline]
    pub fn memory0(&self) -> crate::bulk::Mem {
        // SAFETY: this instance's VMContext is live and laid out by its
        // module's offsets.
        let (base, len) = unsafe { self.module.offsets.memory0_in(self.vmctx) };
        crate::bulk::Mem { base, len: len as u64 }
    }

    /// Memory `i` (base and current length; validated index).
    #[inline]
    pub fn memory(&self, i: u32) -> crate::bulk::Mem {
        // SAFETY: as in `memory0`; a validated index is below the count.
        unsafe {
            let def = self.module.offsets.memory_def_in(self.vmctx, i);
            crate::bulk::Mem { base: (*def).base, len: (*def).current_length as u64 }
        }
    }

    /// The definition of table `t` (validated index).
    #[inline]
    pub fn table_def(&self, t: u32) -> *mut VMTableDefinition {
        // SAFETY: as in `memory0`.
        unsafe { self.module.offsets.table_def_in(self.vmctx, t) }
    }

    /// The bytes of data segment `data`: empty once dropped (`memory.init`
    /// then traps for any non-empty range).
    pub fn data_bytes(&self, data: u32) -> &[u8] {
        if self.datas_dropped[data as usize] {
            return &[];
        }
        &self.module.env.bytes[self.module.env.datas[data as usize].bytes.clone()]
    }

    /// The funcref record of function `index` (imports included).
    pub fn func_ref(&self, index: u32) -> *const VMFuncRef {
        let o = &self.module.offsets;
        if index < o.num_imported_funcs {
            // SAFETY: the offset is inside this VMContext and holds a pointer
            // written at instantiation.
            unsafe { *(self.vmctx.add(o.imported_func(index) as usize) as *const *const VMFuncRef) }
        } else {
            // SAFETY: the offset is inside this VMContext.
            unsafe { self.vmctx.add(o.defined_func(index - o.num_imported_funcs) as usize) as *const VMFuncRef }
        }
    }

    /// Points defined function `def`'s record at native code: every caller
    /// (interpreter, compiled code, host, importers, tables) goes through the
    /// record, so the next call runs `code`.
    pub fn set_native(&self, def: u32, code: &NativeCode) {
        if def >= self.module.offsets.num_defined_funcs {
            return;
        }
        let off = self.module.offsets.defined_func(def) as usize;
        // SAFETY: the offset is a defined function's record inside this
        // VMContext; no Rust reference to it is live (wasm reaches records
        // through raw pointers only).
        unsafe {
            let rec = self.vmctx.add(off) as *mut VMFuncRef;
            (*rec).wasm_call = code.wasm_call;
            (*rec).array_call = code.array_call;
            (*rec).code = core::ptr::null();
        }
    }

    /// Points defined function `def`'s record at its native code if the
    /// module has it (compiled since the record last pointed at the
    /// interpreter, often on the background thread), and returns it.
    pub fn adopt_native(&self, def: u32) -> Option<NativeCode> {
        let code = self.module.native_code(def)?;
        self.set_native(def, &code);
        Some(code)
    }

    /// The backtrace frame of function `func_index` of this instance.
    pub fn frame_info(&self, func_index: u32) -> FrameInfo {
        let env = &self.module.env;
        FrameInfo {
            func_index,
            func_name: env.func_name(func_index).map(bounded),
            module_name: env.module_name().map(bounded),
        }
    }

    /// Adds function `func_index` of this instance as the next outer frame
    /// of `backtrace`.
    pub fn push_frame(&self, backtrace: &mut Backtrace, func_index: u32) {
        backtrace.push(self as *const InstanceData as usize, func_index, || self.frame_info(func_index));
    }
}

impl Drop for InstanceData {
    fn drop(&mut self) {
        // SAFETY: allocated in `instantiate` with exactly this layout.
        unsafe { std::alloc::dealloc(self.vmctx, self.vmctx_layout) };
    }
}

pub use crate::instantiate::{InstantiationError, instantiate};
