//! The dispatch loop: one handler function per op (generated from the op
//! list), each ending by calling the next op's handler. In release builds
//! those are sibling calls, compiled to jumps, so every handler dispatches
//! on its own (threaded code). Every handler also exists in a second
//! instance (`LOOP = true`) that returns to a driver loop instead: the
//! portable dispatch, for debug builds (which make no sibling calls), for
//! targets whose compiler may not (the `portable-dispatch` feature), and
//! when a store asks for it (`StoreOpaque::loop_dispatch`; the spec suite's
//! `interp-portable` mode). `tests/all/dispatch.rs` runs long loops on a
//! small thread stack in release mode to catch a handler whose tail call
//! the compiler dropped.
//!
//! # The trusted-bytecode contract
//! Bytecode comes only from `translate` run on a module that `wasmparser`
//! validated. Therefore: every opcode (2 bytes) is a valid `Opcode` followed by its
//! full operands; every `Slot` is below the function's `num_slots`; every
//! `Target` is the start of an instruction of the same function; global,
//! table, memory, segment and function indices and VMContext offsets are in
//! range for the instance running the code; operand types match the op.
//! Each frame has `num_slots` slots reserved on the value stack (checked when
//! the frame is pushed). Everything the guest controls at run time (addresses,
//! table indices, lengths, signatures, fuel, depth) is checked here.
//! `SAFETY: trusted bytecode` below refers to this contract.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::Relaxed;
use tandem_vm_core::bulk;
use tandem_vm_core::bytecode::{AccBank, CompiledFunc, Form, HotCounters, Opcode, ops};
use tandem_vm_core::module_env::ModuleError;
use tandem_vm_core::num;
use tandem_vm_core::store::{InstanceData, NativeCode, OsrEntryFn, PendingTrap, StoreOpaque, TrapReason};
use tandem_vm_core::trap::TrapCode;
use tandem_vm_core::value::ValRaw;
use tandem_vm_core::vmctx::{
    VMContext, VMContextHeader, VMFuncRef, VMGlobalDefinition, VMMemoryDefinition, VMRuntimeLimits, VMTableDefinition,
};

/// The array-call entry of every interpreted function.
///
/// # Safety
/// `callee` must be a funcref record of a live instance whose store is not
/// otherwise borrowed, and `args` must hold `capacity` slots, at least
/// max(params, results) of the callee's type, with the arguments in place.
pub unsafe extern "C" fn interp_array_call(
    callee: *const VMFuncRef,
    caller: *mut VMContext,
    args: *mut ValRaw,
    capacity: usize,
) -> bool {
    // SAFETY: per the contract, callee is a live record of an instance.
    let vmctx = unsafe { (*callee).vmctx as *mut u8 };
    if let Some(native) = compiled_since(callee, vmctx) {
        // SAFETY: the native array-call adapter takes the same arguments,
        // and the record now points at it (`set_native`).
        return unsafe { (native.array_call)(callee, caller, args, capacity) };
    }
    // SAFETY: a defined function's vmctx starts with a VMContextHeader.
    let store = unsafe { (*(vmctx as *const VMContextHeader)).store as *mut StoreOpaque };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: forwarded contract of this function.
        unsafe { execute(store, callee, args, capacity) }
    }));
    match result {
        Ok(ok) => ok,
        Err(payload) => {
            // SAFETY: the store outlives every call into it.
            unsafe {
                (*store).pending =
                    Some(PendingTrap { reason: TrapReason::Panic(payload), backtrace: Default::default() })
            };
            false
        }
    }
}

/// Native code of `callee`, an interpreted function of the instance at
/// `vmctx`, compiled (in tiered mode, often on the background thread) since
/// its record last pointed at the interpreter; the record is pointed at it
/// (`adopt_native`). A call from the host or from compiled code then runs
/// the native code from its start: the record is otherwise only updated
/// when one of the function's counters next runs out, so a long call made
/// right after the compilation finished stayed interpreted (collatz's third
/// call ran 45 ms against 36 ms for the fourth).
#[inline]
fn compiled_since(callee: *const VMFuncRef, vmctx: *mut u8) -> Option<NativeCode> {
    // SAFETY: the record belongs to a live instance, whose vmctx starts with
    // its header.
    unsafe {
        let inst = &*instance_of(vmctx);
        if !inst.module.hot_counters {
            // Not tiered: nothing is compiled after instantiation.
            return None;
        }
        inst.adopt_native((*callee).index.checked_sub(inst.module.env.num_imported_funcs)?)
    }
}

/// Is `f` interpreted code (so a call can push a frame instead of recursing)?
#[inline(always)]
fn is_interpreted(f: *const VMFuncRef) -> bool {
    // SAFETY: f is a live funcref record (trusted bytecode, checked null).
    let entry = unsafe { (*f).array_call };
    core::ptr::fn_addr_eq(entry, interp_array_call as tandem_vm_core::vmctx::VMArrayCallFn)
}

fn instance_of(vmctx: *mut u8) -> *mut InstanceData {
    // SAFETY: vmctx of a live instance starts with its header.
    unsafe { (*(vmctx as *const VMContextHeader)).instance as *mut InstanceData }
}

/// Bytecode of interpreted function `callee`, translated on first use and
/// then cached in the funcref record.
#[inline(always)]
fn code_for(callee: *const VMFuncRef) -> Result<*const CompiledFunc, Fault> {
    // SAFETY: callee is a live funcref record of an interpreted function.
    let code = unsafe { (*callee).code };
    if !code.is_null() {
        return Ok(code as *const CompiledFunc);
    }
    translate_now(callee)
}

/// Translates `callee` (first call) and caches its bytecode in the record, or
/// reports why it cannot run. Out of line: it lends stack addresses to
/// `OnceLock`, which would keep the call handlers from tail calling.
#[cold]
#[inline(never)]
fn translate_now(callee: *const VMFuncRef) -> Result<*const CompiledFunc, Fault> {
    // SAFETY: callee is live; its vmctx is its instance's VMContext, whose
    // instance lives as long as the store.
    let (vmctx, index) = unsafe { ((*callee).vmctx as *mut u8, (*callee).index) };
    // SAFETY: as above.
    let inst = unsafe { &*instance_of(vmctx) };
    let module = &inst.module;
    let def = index.wrapping_sub(module.env.num_imported_funcs);
    match crate::compiled(module, def) {
        Ok(f) => {
            let ptr = Arc::as_ptr(f);
            // SAFETY: records of defined functions live in their instance's
            // VMContext, which is writable and owned by the store; the module
            // (and so the Arc) outlives the instance.
            unsafe { (*(callee as *mut VMFuncRef)).code = ptr.cast() };
            Ok(ptr)
        }
        Err(e) => Err(Fault::Invalid(Box::new(e))),
    }
}

/// Memory 0 of the instance of `vmctx` (base, length); (null, 0) without one.
#[inline]
fn memory_of(vmctx: *mut u8) -> (*mut u8, usize) {
    // SAFETY: as in `code_for`.
    let inst = unsafe { &*instance_of(vmctx) };
    let o = &inst.module.offsets;
    if o.num_memories == 0 {
        return (core::ptr::null_mut(), 0);
    }
    // SAFETY: offset from VMOffsets; the pointer was set at instantiation to a
    // store-owned definition.
    unsafe {
        let def = *(vmctx.add(o.memory(0) as usize) as *const *const VMMemoryDefinition);
        ((*def).base, (*def).current_length)
    }
}

fn table_def(vmctx: *mut u8, table: u32) -> *mut VMTableDefinition {
    // SAFETY: as in `code_for`; trusted bytecode guarantees the index.
    let inst = unsafe { &*instance_of(vmctx) };
    let off = inst.module.offsets.table(table);
    // SAFETY: offset from VMOffsets, set at instantiation.
    unsafe { *(vmctx.add(off as usize) as *const *mut VMTableDefinition) }
}

struct Frame {
    func: *const CompiledFunc,
    vmctx: *mut u8,
    /// Index of slot 0 on the value stack.
    base: usize,
    /// Where to continue when a callee returns.
    ip: *const u8,
    func_index: u32,
}

/// Why the loop stopped early.
enum Fault {
    Trap(TrapCode),
    /// A callee already left a pending trap in the store.
    Pending,
    /// Not a fault: the outermost frame returned (handlers' way to stop).
    Returned,
    /// The callee's body failed (deferred) validation or translation.
    Invalid(Box<ModuleError>),
}

impl From<TrapCode> for Fault {
    fn from(c: TrapCode) -> Self {
        Fault::Trap(c)
    }
}

/// Runs function `index` of the instance of `vmctx` with the arguments in
/// `args`; leaves results there. Returns false with a pending trap.
///
/// # Safety
/// See `interp_array_call`.
unsafe fn execute(store: *mut StoreOpaque, callee: *const VMFuncRef, args: *mut ValRaw, capacity: usize) -> bool {
    // Host -> wasm -> host -> wasm re-entry uses native stack per activation:
    // the host entry set a bound (`limits.stack_limit`), so deep re-entry
    // traps instead of overflowing the thread's stack.
    let here = tandem_vm_core::alloc::stack_pointer();
    // SAFETY: the store outlives the call and no other reference to it is live.
    let (saved_top, limits) = unsafe {
        let s = &mut *store;
        if s.stack.is_empty() {
            match tandem_vm_core::alloc::value_stack(s.max_stack_slots) {
                Some(stack) => s.stack = stack,
                None => {
                    s.pending = Some(PendingTrap {
                        reason: TrapReason::Wasm(TrapCode::StackOverflow),
                        backtrace: Default::default(),
                    });
                    return false;
                }
            }
        }
        if here < s.limits.stack_limit {
            s.pending =
                Some(PendingTrap { reason: TrapReason::Wasm(TrapCode::StackOverflow), backtrace: Default::default() });
            return false;
        }
        (s.stack_top, &raw mut (*store).limits)
    };
    // SAFETY: limits points into the live store.
    let saved_depth = unsafe { (*limits).depth_remaining };
    let mut frames = SPARE_FRAMES.try_with(Cell::take).unwrap_or_default();
    let result = run(store, limits, &mut frames, callee, args, capacity);
    // SAFETY: as above.
    unsafe {
        (*store).stack_top = saved_top;
        (*limits).depth_remaining = saved_depth;
    }
    // SAFETY: the store outlives the call (this function's contract).
    let ok = unsafe { finish(store, result, &frames) };
    frames.clear();
    if frames.capacity() <= MAX_SPARE_FRAMES {
        let _ = SPARE_FRAMES.try_with(|spare| spare.set(frames));
    }
    ok
}

thread_local! {
    /// The frame list of this thread's last finished activation, for the
    /// next one. Each call from compiled code or the host into the
    /// interpreter allocated and freed its own: about 200 of the ~400
    /// instructions of such a call (callgrind, tiered `indirect`, where
    /// compiled code calls interpreted functions until they are compiled
    /// too). A nested activation finds none and makes its own.
    static SPARE_FRAMES: Cell<Vec<Frame>> = const { Cell::new(Vec::new()) };
}

/// Larger frame lists (deep recursion) are freed rather than kept.
const MAX_SPARE_FRAMES: usize = 4096;

/// The outcome of an activation: true if it returned; else the pending
/// trap, with the backtrace of `frames`, is set.
///
/// # Safety
/// `store` is live and not otherwise borrowed; `frames` are frames of its
/// instances.
unsafe fn finish(store: *mut StoreOpaque, result: Result<(), Fault>, frames: &[Frame]) -> bool {
    match result {
        Ok(()) => true,
        Err(fault) => {
            // SAFETY: per the contract.
            let s = unsafe { &mut *store };
            let p = match fault {
                Fault::Returned => return true,
                Fault::Trap(code) => {
                    s.pending.insert(PendingTrap { reason: TrapReason::Wasm(code), backtrace: Default::default() })
                }
                Fault::Invalid(e) => {
                    s.pending.insert(PendingTrap { reason: TrapReason::Host(e), backtrace: Default::default() })
                }
                Fault::Pending => s.pending.get_or_insert_with(|| PendingTrap {
                    reason: TrapReason::Host("callee failed without reporting a trap".into()),
                    backtrace: Default::default(),
                }),
            };
            for f in frames.iter().rev() {
                // SAFETY: the frame's instance is alive (owned by the store).
                unsafe { (*instance_of(f.vmctx)).push_frame(&mut p.backtrace, f.func_index) };
            }
            false
        }
    }
}

/// A counter of the running function reached its threshold: compile it
/// through the store's tier-up hook and point this instance's record at the
/// native code, so the next call runs it. From a loop header (`in_loop`),
/// only the on-stack-replacement entry is requested (a long-running `main`
/// never needs its own entry) and returned, so this very call can continue
/// in compiled code; the function's entry is still used if it exists.
#[cold]
#[inline(never)]
fn tier_up(cx: &mut Ctx<'_>, in_loop: bool) -> Option<OsrEntryFn> {
    let frame = cx.frames.last()?;
    // SAFETY: the frame's instance and the store are alive; the hook only
    // reads the module.
    unsafe {
        let inst = &*instance_of(frame.vmctx);
        let f = &*frame.func;
        let def = frame.func_index.wrapping_sub(inst.module.env.num_imported_funcs);
        let hook = (*cx.store).tier_up.as_ref()?;
        // Once a compilation has been requested, a counter running out only
        // looks for its code (no lock): while the compiler works, that
        // happens every 64 calls or iterations.
        if !in_loop && f.hot.ask(HotCounters::ENTRY) {
            // Compiled on the spot, or queued: either way it is found below.
            let _ = hook.compile(&inst.module, def);
        }
        let native = inst.adopt_native(def);
        // Code ready: count afresh. Still compiling in the background: ask
        // again after 64 more calls or iterations.
        let (calls, loops) = (cx.hot_calls, cx.hot_loops);
        let again = |t: u32| t.saturating_sub(64);
        if !in_loop {
            let ready = native.is_some();
            f.hot.calls.store(if ready { 0 } else { again(calls) }, Relaxed);
            f.hot.loops.store(if ready { 0 } else { again(loops) }, Relaxed);
            return None;
        }
        let waiting = inst.module.osr_entry(def).is_none() && !f.hot.ask(HotCounters::OSR);
        let entry = if waiting { None } else { hook.compile_loop(&inst.module, def) };
        // With an OSR entry the counter stays at the threshold, so the next
        // interpreted call of this function leaves at its first loop header.
        f.hot.loops.store(if entry.is_some() { loops } else { again(loops) }, Relaxed);
        entry
    }
}

/// The bytecode of the running frame.
///
/// # Safety
/// A frame is running (handlers only run inside one).
#[inline(always)]
unsafe fn running<'f>(cx: &Ctx<'_>) -> &'f CompiledFunc {
    // SAFETY: per the contract the frame stack is not empty; its bytecode is
    // kept alive by the module.
    unsafe { &*(*cx.frames.as_ptr().add(cx.frames.len() - 1)).func }
}

/// How many loop iterations (and calls: `count_call_sampled`) the
/// interpreter charges at a time in tiered mode. `HotLoop` only counts
/// down a budget in the activation's context (two instructions); when it
/// runs out, the function running then is charged with the whole batch
/// (`hot_loop_reached`). Counting into the running function's own counter
/// took a chain of four dependent loads (frame list, last frame, its code,
/// the counter) and a store on every iteration. Loops are thereby sampled:
/// a batch that spans a call or a return is charged to whichever function
/// runs when it ends. A sixteenth of the threshold keeps that error small
/// (and makes small thresholds, as tests use, exact); at most 64, so the
/// slow path costs about one instruction per iteration. The store keeps
/// the budgets between activations, so short loops of many calls from the
/// host add up too.
fn batch(threshold: u32) -> u32 {
    (threshold / 16).clamp(1, 64)
}

/// Charges `counter` with a batch of `threshold` (`batch`) when its
/// budget ran out. Returns the new budget (the batch) and whether the
/// counter reached the threshold, which `u32::MAX` never does; it
/// saturates, as a wrapping batch could step over a threshold near
/// `u32::MAX`.
fn charge(counter: &AtomicU32, threshold: u32) -> (u32, bool) {
    let batch = batch(threshold);
    let n = counter.load(Relaxed).saturating_add(batch);
    counter.store(n, Relaxed);
    (batch, n >= threshold && threshold != u32::MAX)
}

/// Counts a call made by the `Call*Hot` ops (tiered mode) of the function
/// whose frame just started (`hot` are its counters): as loop iterations
/// (`batch`), calls only count down a budget in the context, and the
/// function called when it runs out is charged with the whole batch.
/// `enter_fast` counts the calls that leave the budget above zero, so its
/// path needs no counter of the callee and no extra register (fib spilled
/// one); the call that takes the budget to zero goes the slow way, here.
#[inline(always)]
fn count_call_sampled(cx: &mut Ctx<'_>, hot: &HotCounters) {
    cx.call_budget -= 1;
    if cx.call_budget == 0 {
        charge_calls(cx, hot);
    }
}

#[cold]
#[inline(never)]
fn charge_calls(cx: &mut Ctx<'_>, hot: &HotCounters) {
    let due;
    (cx.call_budget, due) = charge(&hot.calls, cx.hot_calls);
    if due {
        tier_up(cx, false);
    }
}

/// Counts an activation (a call from the host or from compiled code) of
/// the function whose frame just started, exactly, and at the threshold
/// asks for its compilation.
#[inline(always)]
fn count_call(cx: &mut Ctx<'_>, hot: &HotCounters) {
    let n = hot.calls.load(Relaxed).wrapping_add(1);
    hot.calls.store(n, Relaxed);
    if n >= cx.hot_calls {
        tier_up(cx, false);
    }
}

/// Finishes the running frame in compiled code (on-stack replacement): the
/// entry reads the frame's slots and leaves its results in them, then the
/// frame returns as if `Return` had run.
///
/// Takes only the frame pointer and leaves the new registers in
/// `cx.resume`: a handler that lent the address of one of its locals to an
/// out-of-line call (`&mut r`, or a `Regs` passed or returned in memory)
/// could not tail call the next handler, and every instruction of that
/// kind would grow the native stack (`tests/all/dispatch.rs` checks).
///
/// # Safety
/// `entry` is the OSR entry of the running function at the current loop
/// header; trusted-bytecode contract.
#[cold]
#[inline(never)]
unsafe fn osr_enter(
    sp: *mut ValRaw,
    table: &'static HandlerTable,
    pc: u32,
    cx: &mut Ctx<'_>,
    entry: OsrEntryFn,
) -> Result<(), Fault> {
    // SAFETY: forwarded contract of this function.
    unsafe {
        let cur = cx.frames.last().expect("a frame is running");
        // Activations the compiled code starts (calls of interpreted
        // functions) begin above this frame.
        (*cx.store).stack_top = cur.base + (*cur.func).num_slots as usize;
        if !entry(cx.vmctx as *mut _, sp, pc) {
            // The compiled code reported this frame itself.
            cx.frames.pop();
            (*cx.limits).depth_remaining += 1;
            return Err(Fault::Pending);
        }
        let mem_base;
        (mem_base, cx.mem_len) = memory_of(cx.vmctx);
        let mut r = Regs { ip: core::ptr::null(), sp, mem_base, table, acc: 0, acc_f64: 0.0, acc_f32: 0.0 };
        do_return(&mut r, cx)?;
        cx.resume = r;
        Ok(())
    }
}

/// An empty `asm!` block, which LLVM must assume has side effects. Two uses:
/// - on the taken side of a conditional branch it keeps a conditional jump.
///   Without it LLVM turns `if c { ip = target }` into a `cmov`, and the
///   next handler's operand reads then wait for the comparison and its slot
///   loads instead of running ahead on the branch predictor's guess: every
///   branch serialised the dispatch chain;
/// - in a short copy loop it stops LLVM from turning the loop into a call of
///   `memcpy`/`memset`, which for a handful of slots costs more than the
///   copy and makes the handler save every callee-saved register.
#[inline(always)]
fn no_fold() {
    #[cfg(all(not(miri), any(target_arch = "x86_64", target_arch = "aarch64")))]
    // SAFETY: an empty asm block: no instructions, touches no state.
    unsafe {
        core::arch::asm!("", options(nomem, nostack, preserves_flags))
    };
}

#[inline(always)]
fn bounds(mem_len: usize, addr: u32, offset: u32, size: u64) -> Result<usize, TrapCode> {
    let ea = addr as u64 + offset as u64;
    if ea + size > mem_len as u64 {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    Ok(ea as usize)
}

#[inline(always)]
/// The running instance's memory 0, for `tandem_vm_core::bulk`.
fn bulk_mem(r: &Regs, cx: &Ctx<'_>) -> bulk::Mem {
    bulk::Mem { base: r.mem_base, len: cx.mem_len as u64 }
}

/// The store's fuel, if the running module meters it, for
/// `tandem_vm_core::bulk`.
///
/// # Safety
/// `cx.limits` and `cx.vmctx` point into the live store.
unsafe fn bulk_fuel<'c>(cx: &'c mut Ctx<'_>) -> Option<&'c mut u64> {
    // SAFETY: per the contract; nothing else borrows the limits meanwhile.
    unsafe {
        let inst = &*instance_of(cx.vmctx);
        inst.module.fuel.then(|| &mut (*cx.limits).fuel)
    }
}

/// The state handlers keep in registers.
#[derive(Clone, Copy)]
struct Regs {
    ip: *const u8,
    sp: *mut ValRaw,
    mem_base: *mut u8,
    /// The handler table (`HANDLERS`), kept in a register so that a
    /// dispatch need not form its address (a `lea` in every handler).
    table: &'static HandlerTable,
    /// The accumulator: the value the last instruction with
    /// `Opcode::acc_result` produced (it is also in that instruction's `dst`
    /// slot). Accumulator forms (`I32AddA`...) read an operand from here
    /// instead of reloading the slot, so a chain of dependent instructions
    /// does not wait for a store to reach the next load at every step.
    /// Integer results (`AccBank::Int`).
    acc: u64,
    /// The accumulator of `f64` results (`AccBank::F64`): passed in a float
    /// register, so float chains do not cross register files either.
    acc_f64: f64,
    /// The accumulator of `f32` results (`AccBank::F32`).
    acc_f32: f32,
}

/// The rest of the interpreter state, reached through a pointer.
struct Ctx<'a> {
    store: *mut StoreOpaque,
    limits: *mut VMRuntimeLimits,
    frames: &'a mut Vec<Frame>,
    stack_base: *mut ValRaw,
    /// End of the value stack.
    stack_end: *mut ValRaw,
    vmctx: *mut u8,
    /// Byte length of `vmctx`'s memory 0 (the base is in `Regs`): read
    /// only by memory ops, so it need not take a register.
    mem_len: usize,
    /// Start of the running function's code (branch targets are offsets).
    code: *const u8,
    /// The store's tier-up thresholds (`u32::MAX`: never).
    hot_calls: u32,
    hot_loops: u32,
    /// `HotLoop`s left until the running function is charged with the next
    /// batch of iterations (`batch`; never 0 when a `HotLoop` runs).
    loop_budget: u32,
    /// The same for calls of the `Call*Hot` ops (`count_call_sampled`).
    call_budget: u32,
    fault: Option<Fault>,
    /// Where results go when the outermost frame returns.
    entry_results: u16,
    args: *mut ValRaw,
    capacity: usize,
    /// Registers after an on-stack replacement returned the frame.
    resume: Regs,
    /// Registers handed back to the driver loop (loop dispatch).
    regs: Regs,
}

/// How a handler finished.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Done {
    /// The outermost frame returned.
    Returned,
    /// `cx.fault` says why execution stopped.
    Faulted,
    /// Loop dispatch: run the handler for `cx.regs.ip` next.
    Next,
}

type Handler = unsafe fn(*const u8, *mut ValRaw, *mut u8, &'static HandlerTable, &mut Ctx<'_>, u64, f64, f32) -> Done;

/// Continues with the handler of the instruction at `r.ip`: by a tail
/// call, or (`LOOP`, the handler's const parameter: loop dispatch) by
/// returning to the driver loop in `run`.
macro_rules! dispatch {
    ($r:expr, $cx:expr) => {{
        let r: Regs = $r;
        if LOOP {
            $cx.regs = r;
            return Done::Next;
        }
        // SAFETY: trusted bytecode: `r.ip` is at the opcode of an instruction.
        return unsafe { r.table.at(r.ip)(r.ip, r.sp, r.mem_base, r.table, $cx, r.acc, r.acc_f64, r.acc_f32) };
    }};
}

macro_rules! get {
    ($r:ident, $s:expr) => {
        *$r.sp.add($s as usize)
    };
}
macro_rules! set {
    ($r:ident, $s:expr, $v:expr) => {
        *$r.sp.add($s as usize) = $v
    };
}
macro_rules! operands {
    ($r:ident, $Op:ident) => {{
        let o = ops::$Op::read($r.ip);
        $r.ip = $r.ip.add(ops::$Op::SIZE);
        o
    }};
}
/// Operand `$s` (slot operand number `$i` of the op, counting slots only)
/// as `ValRaw::$get` gives it: from the accumulator when `Opcode::$Op` reads
/// that operand from one (`Opcode::acc_operand`), else from its slot. The
/// choice is made at compile time, so each form's handler does only its own
/// read.
macro_rules! src {
    ($r:ident, $Op:ident, $s:expr, $i:literal, $get:ident) => {{
        // A typed getter reads the accumulator of its type.
        const {
            assert!(match (Opcode::$Op.acc_operand(), bank_of!($get)) {
                (Some((bank, $i)), Some(want)) => bank as u8 == want as u8,
                _ => true,
            })
        };
        match const { Opcode::$Op.acc_operand() } {
            Some((bank, $i)) => $r.read_acc(bank).$get(),
            _ => get!($r, $s).$get(),
        }
    }};
}
/// The accumulator that holds values of `ValRaw::$get`'s type (`None`:
/// raw bits, of any type).
macro_rules! bank_of {
    (get_f64) => {
        Some(AccBank::F64)
    };
    (get_f32) => {
        Some(AccBank::F32)
    };
    (get_u64) => {
        None::<AccBank>
    };
    ($get:ident) => {
        Some(AccBank::Int)
    };
}
/// Writes a result to its `dst` slot (unless `Opcode::$Op` is a
/// register-result form) and to an accumulator: the one
/// `Opcode::$Op.acc_result()` names, else the integer one. Every op that
/// computes a value writes an accumulator, not only those with
/// `Opcode::acc_result` (the only ones whose accumulator the translator
/// relies on): the integer accumulator's register is then free scratch in
/// every such handler, while keeping it intact would cost some of them a
/// saved register.
macro_rules! produce {
    ($r:ident, $Op:ident, $o:ident, $v:expr) => {{
        let v: ValRaw = $v;
        $r.write_acc(const { Opcode::$Op.acc_result() }, v);
        if const { Opcode::$Op.writes_dst() } {
            set!($r, $o.dst, v);
        }
    }};
}

impl Regs {
    /// The value in accumulator `bank`.
    #[inline(always)]
    fn read_acc(&self, bank: AccBank) -> ValRaw {
        match bank {
            AccBank::F64 => f64v(self.acc_f64),
            AccBank::F32 => f32v(self.acc_f32),
            AccBank::Int => ValRaw(self.acc),
        }
    }

    /// Puts `v` in accumulator `bank` (the integer one for `None`).
    #[inline(always)]
    fn write_acc(&mut self, bank: Option<AccBank>, v: ValRaw) {
        match bank {
            Some(AccBank::F64) => self.acc_f64 = f64::from_bits(v.0),
            Some(AccBank::F32) => self.acc_f32 = f32::from_bits(v.0 as u32),
            _ => self.acc = v.0,
        }
    }
}

// `binop!`, `immop!`, `unop!`, `copy!`, `load!` and `store!` define an op
// or any of its accumulator, register-result and value forms: each reads
// `Opcode::$Op`'s own description (`src!`, `produce!`).

/// `dst = lhs op rhs`.
macro_rules! binop {
    ($r:ident, $cx:ident, $Op:ident, $get:ident, |$a:ident, $b:ident| $e:expr) => {{
        let o = operands!($r, $Op);
        let $a = src!($r, $Op, o.lhs, 1, $get);
        let $b = get!($r, o.rhs).$get();
        produce!($r, $Op, o, $e);
    }};
}
/// `dst = lhs op imm`.
macro_rules! immop {
    ($r:ident, $cx:ident, $Op:ident, $get:ident, |$a:ident, $b:ident| $e:expr) => {{
        let o = operands!($r, $Op);
        let $a = src!($r, $Op, o.lhs, 1, $get);
        let $b = o.imm;
        produce!($r, $Op, o, $e);
    }};
}
/// `dst = op src`.
macro_rules! unop {
    ($r:ident, $cx:ident, $Op:ident, $get:ident, |$a:ident| $e:expr) => {{
        let o = operands!($r, $Op);
        let $a = src!($r, $Op, o.src, 1, $get);
        produce!($r, $Op, o, $e);
    }};
}
/// `dst = src`.
macro_rules! copy {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let o = operands!($r, $Op);
        produce!($r, $Op, o, ValRaw(src!($r, $Op, o.src, 1, get_u64)));
    }};
}
/// `dst = load(addr + offset)`.
macro_rules! load {
    ($r:ident, $cx:ident, $Op:ident, $n:literal, |$b:ident| $e:expr) => {{
        let o = operands!($r, $Op);
        let ea = bounds($cx.mem_len, src!($r, $Op, o.addr, 1, get_u32), o.offset, $n)?;
        let $b: [u8; $n] = core::ptr::read_unaligned($r.mem_base.add(ea) as *const [u8; $n]);
        produce!($r, $Op, o, $e);
    }};
}
/// `store(addr + offset, value)`.
macro_rules! store {
    ($r:ident, $cx:ident, $Op:ident, $n:literal, |$v:ident| $e:expr) => {{
        let o = operands!($r, $Op);
        let ea = bounds($cx.mem_len, src!($r, $Op, o.addr, 0, get_u32), o.offset, $n)?;
        let $v = ValRaw(src!($r, $Op, o.value, 1, get_u64));
        let bytes: [u8; $n] = $e;
        core::ptr::write_unaligned($r.mem_base.add(ea) as *mut [u8; $n], bytes);
    }};
}

/// Jumps to `o.target` when `$cond` holds.
macro_rules! branch_if {
    ($r:ident, $cx:ident, $o:ident, $cond:expr) => {
        if $cond {
            no_fold();
            $r.ip = $cx.code.add($o.target as usize);
        }
    };
}
/// Is `$Op` a call that counts the callee's calls (`Form::Hot`)?
macro_rules! hot {
    ($Op:ident) => {
        matches!(Opcode::$Op.form(), Form::Hot)
    };
}
/// A direct call of a defined function.
macro_rules! call {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let o = operands!($r, $Op);
        let callee = $cx.vmctx.add(o.offset as usize) as *const VMFuncRef;
        do_call::<{ hot!($Op) }>(&mut $r, $cx, callee, o.args as usize)?;
    }};
}
/// A call of an imported function, through its pointer in the VMContext.
macro_rules! call_imported {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let o = operands!($r, $Op);
        let callee = *($cx.vmctx.add(o.offset as usize) as *const *const VMFuncRef);
        do_call::<{ hot!($Op) }>(&mut $r, $cx, callee, o.args as usize)?;
    }};
}
/// `call_indirect`: bounds, null and signature checks, then the call.
macro_rules! call_indirect {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let o = operands!($r, $Op);
        let callee = indirect_callee($cx, o.table, get!($r, o.index).get_u32(), o.sig)?;
        do_call::<{ hot!($Op) }>(&mut $r, $cx, callee, o.args as usize)?;
    }};
}
/// The condition of op `$Op` (`Opcode::cond`), a constant.
macro_rules! cond {
    ($Op:ident) => {
        const { Opcode::$Op.cond().expect("a comparison has a condition") }
    };
}
/// Jumps when `lhs <cond> rhs` (`Cond::$holds`).
macro_rules! br_cmp {
    ($r:ident, $cx:ident, $Op:ident, $get:ident, $holds:ident) => {{
        let o = operands!($r, $Op);
        branch_if!($r, $cx, o, cond!($Op).$holds(src!($r, $Op, o.lhs, 0, $get), get!($r, o.rhs).$get()));
    }};
}
/// `dst = lhs <cond> rhs` (`Cond::$holds`).
macro_rules! cmp {
    ($r:ident, $cx:ident, $Op:ident, $get:ident, $holds:ident) => {{
        let o = operands!($r, $Op);
        let v = cond!($Op).$holds(src!($r, $Op, o.lhs, 1, $get), get!($r, o.rhs).$get());
        produce!($r, $Op, o, ValRaw(v as u64));
    }};
}
/// `lhs += imm` (`imm`) or `lhs += step` (`step`), then jumps when the new
/// `lhs <cond> rhs`.
macro_rules! br_add {
    ($r:ident, $cx:ident, $Op:ident, $by:ident) => {{
        let o = operands!($r, $Op);
        let x = ValRaw::i32(get!($r, o.lhs).get_i32().wrapping_add(add_step!($r, o, $by)));
        set!($r, o.lhs, x);
        // Unused after a branch, but writing it frees its register.
        $r.acc = x.0;
        branch_if!($r, $cx, o, cond!($Op).holds_i32(x.get_i32(), get!($r, o.rhs).get_i32()));
    }};
}
/// The amount `br_add!` adds: the immediate or the `step` slot.
macro_rules! add_step {
    ($r:ident, $o:ident, imm) => {
        $o.imm as i32
    };
    ($r:ident, $o:ident, step) => {
        get!($r, $o.step).get_i32()
    };
}
/// Jumps when `lhs & rhs` is non-zero (`Cond::Nz`) or zero (`Cond::Z`).
macro_rules! br_and {
    ($r:ident, $cx:ident, $Op:ident, $get:ident) => {{
        let o = operands!($r, $Op);
        let v = (src!($r, $Op, o.lhs, 0, $get) & get!($r, o.rhs).$get()) as u64;
        branch_if!($r, $cx, o, cond!($Op).holds_u64(v, 0));
    }};
}
/// Jumps when `cond` is non-zero (`Cond::Nz`) or zero (`Cond::Z`).
macro_rules! br_cond {
    ($r:ident, $cx:ident, $Op:ident, $get:ident) => {{
        let o = operands!($r, $Op);
        branch_if!($r, $cx, o, cond!($Op).holds_u64(src!($r, $Op, o.cond, 0, $get) as u64, 0));
    }};
}

/// Defines the handlers. Before `@raw`, `Name => body;` is the handler of
/// an op without forms: `body` may use `?` on `Result<_, impl Into<Fault>>`,
/// reads and writes registers through `r` and the rest of the state
/// through `cx`. After `@raw`, `A | B | .. => how!(args);` defines the
/// handlers of ops `A`, `B`, .. and of every form of each
/// (`tandem_vm_core::for_each_form!`, generated from the op description),
/// each as `how!(r, cx, Form, args..)`; what a form reads and writes comes
/// from its opcode (`src!`, `produce!`). After `@ops`, the same, but `how!`
/// is a whole handler body that ends by dispatching (or tail calling
/// another handler-shaped function) itself.
macro_rules! handlers {
    (
        $r:ident, $cx:ident;
        $($name:ident => $body:expr;)*
        @raw $($($rname:ident)|+ => $rhow:ident! $rargs:tt;)*
        @ops $($($first:ident)|+ => $how:ident! $args:tt;)*
    ) => {
        #[allow(non_snake_case, unused_mut, unused_unsafe, clippy::redundant_closure_call, clippy::allow_attributes)]
        #[expect(clippy::too_many_arguments, reason = "a handler takes the interpreter's registers as arguments")]
        mod h {
            use super::*;
            $(
                const _: () = assert!(
                    Opcode::$name.hot_form().is_none() && Opcode::$name.acc_form().is_none(),
                    concat!(stringify!($name), " has forms: define it after `@ops`"),
                );
                handler_fn!($r, $cx, $name, $body);
            )*
            $($( tandem_vm_core::for_each_form!($rname, raw_handler, $r, $cx, $rhow, $rargs); )+)*
            $($( tandem_vm_core::for_each_form!($first, form_handler, $r, $cx, $how, $args); )+)*
        }
    };
}

/// The handler-shaped function of op `$name`, whose body `$how!($r, $cx,
/// $name, args..)` dispatches itself.
macro_rules! raw_handler {
    ($name:ident, $r:ident, $cx:ident, $how:ident, ($($args:tt)*)) => {
        pub(super) unsafe fn $name<const LOOP: bool>(
            ip: *const u8,
            sp: *mut ValRaw,
            mem_base: *mut u8,
            table: &'static HandlerTable,
            $cx: &mut Ctx<'_>,
            acc: u64,
            acc_f64: f64,
            acc_f32: f32,
        ) -> Done {
            let mut $r = Regs { ip, sp, mem_base, table, acc, acc_f64, acc_f32 };
            // SAFETY: trusted-bytecode contract (module docs); the store
            // and its instances outlive the call.
            unsafe { $how!($r, $cx, $name, $($args)*) }
        }
    };
}

/// The handler of op `$name`, defined by `$how!($r, $cx, $name, args..)`.
macro_rules! form_handler {
    ($name:ident, $r:ident, $cx:ident, $how:ident, ($($args:tt)*)) => {
        handler_fn!($r, $cx, $name, $how!($r, $cx, $name, $($args)*));
    };
}

/// One handler function (see `handlers!`).
macro_rules! handler_fn {
    ($r:ident, $cx:ident, $name:ident, $body:expr) => {
        // Handlers run from the table; the only direct calls are the tail
        // calls of a fast call path into its general handler (`slow`),
        // which must not be inlined into the fast one: LLVM did so in one
        // build, and the fast path then paid the general one's stack frame
        // (fib: 1054.8 M instructions instead of 984.4 M).
        #[inline(never)]
        pub(super) unsafe fn $name<const LOOP: bool>(
            ip: *const u8,
            sp: *mut ValRaw,
            mem_base: *mut u8,
            table: &'static HandlerTable,
            $cx: &mut Ctx<'_>,
            acc: u64,
            acc_f64: f64,
            acc_f32: f32,
        ) -> Done {
            let mut $r = Regs { ip, sp, mem_base, table, acc, acc_f64, acc_f32 };
            #[allow(unreachable_code, clippy::allow_attributes)]
            let result: Result<(), Fault> = (|| {
                // SAFETY: trusted-bytecode contract (module docs); the
                // store and its instances outlive the call.
                unsafe { $body };
                Ok(())
            })();
            match result {
                Ok(()) => dispatch!($r, $cx),
                Err(f) => stop($cx, f),
            }
        }
    };
}

/// Size of the handler table: the number of opcodes, rounded up.
const TABLE_SIZE: usize = Opcode::ALL.len().next_power_of_two();

/// The handlers, indexed by opcode.
struct HandlerTable([Handler; TABLE_SIZE]);

impl HandlerTable {
    /// The handler of the instruction at `ip`.
    ///
    /// The opcode indexes the table unchecked: a mask (one instruction in
    /// every dispatch) would add no safety, since trusted bytecode is already
    /// trusted with every slot index, each able to reach as far past the
    /// frame as a bad opcode past the table.
    ///
    /// # Safety
    /// `ip` points at an instruction's opcode (trusted bytecode).
    #[inline(always)]
    unsafe fn at(&self, ip: *const u8) -> Handler {
        // SAFETY: trusted bytecode: two opcode bytes are readable at `ip`, and
        // they are an `Opcode`, below `Opcode::ALL.len()` <= TABLE_SIZE.
        unsafe {
            let code = core::ptr::read_unaligned(ip as *const u16);
            *self.0.get_unchecked(u16::from_le(code) as usize)
        }
    }
}

/// The handler tables, in opcode order; codes past the list trap:
/// `HANDLERS` dispatch by tail calls, `LOOP_HANDLERS` return to the loop.
macro_rules! handler_table {
    ($( $name:ident { $($field:ident : $kind:ident),* } ; )*) => {
        static HANDLERS: HandlerTable = handler_table!(@list false, $($name)*);
        static LOOP_HANDLERS: HandlerTable = handler_table!(@list true, $($name)*);
    };
    (@list $loop:literal, $($name:ident)*) => {
        HandlerTable({
            let list: &[Handler] = &[$(h::$name::<$loop> as Handler),*];
            let mut table = [invalid_opcode as Handler; TABLE_SIZE];
            let mut i = 0;
            while i < list.len() {
                table[i] = list[i];
                i += 1;
            }
            table
        })
    };
}
tandem_vm_core::for_each_op!(handler_table);

/// Never reached with trusted bytecode; a defence for the unexpected.
#[expect(clippy::too_many_arguments, reason = "a handler takes the interpreter's registers as arguments")]
unsafe fn invalid_opcode(
    _: *const u8,
    _: *mut ValRaw,
    _: *mut u8,
    _: &'static HandlerTable,
    cx: &mut Ctx<'_>,
    _: u64,
    _: f64,
    _: f32,
) -> Done {
    cx.fault = Some(Fault::Trap(TrapCode::Unreachable));
    Done::Faulted
}

/// Zeroes a new frame's declared locals and fills its constant slots.
///
/// # Safety
/// `sp` must have `f.num_slots` writable slots.
#[inline(always)]
unsafe fn init_frame(sp: *mut ValRaw, f: &CompiledFunc) {
    // SAFETY: locals and constants lie below `num_slots` (translator invariant).
    unsafe {
        for i in f.num_params as usize..f.num_locals as usize {
            no_fold();
            *sp.add(i) = ValRaw(0);
        }
        let consts = sp.add(f.const_base as usize);
        for (i, c) in f.consts.iter().enumerate() {
            no_fold();
            *consts.add(i) = *c;
        }
    }
}

/// Pops the current frame (results are in its slots `0..`), continuing in
/// the caller or finishing the activation (`Fault::Returned`).
///
/// # Safety
/// Trusted-bytecode contract.
#[inline(always)]
unsafe fn do_return(r: &mut Regs, cx: &mut Ctx<'_>) -> Result<(), Fault> {
    // SAFETY: forwarded contract of this function.
    unsafe {
        cx.frames.pop();
        (*cx.limits).depth_remaining += 1;
        match cx.frames.last() {
            None => {
                let n = (cx.entry_results as usize).min(cx.capacity);
                core::ptr::copy_nonoverlapping(r.sp, cx.args, n);
                return Err(Fault::Returned);
            }
            Some(caller) => {
                r.sp = cx.stack_base.add(caller.base);
                r.ip = caller.ip;
                cx.code = (*caller.func).code.as_ptr();
                // Growth inside this instance already updated the registers
                // (MemoryGrow, and every return from a host call refreshes).
                if caller.vmctx != cx.vmctx {
                    cx.vmctx = caller.vmctx;
                    (r.mem_base, cx.mem_len) = memory_of(cx.vmctx);
                }
            }
        }
    }
    Ok(())
}

/// The common call, with no calls of its own, so that a call handler needs
/// no stack frame and saves no registers (the general path made `Call` 92
/// instructions, 14 of them pushes and pops): an interpreted callee of the
/// running instance whose bytecode exists, with room on the value stack, in
/// the frame list and under the depth limit, and (`HOT`) below its tier-up
/// threshold. Otherwise returns false having changed nothing but the
/// accumulator (which no call reads), and the caller runs the op's general
/// handler (`slow`).
///
/// # Safety
/// Trusted-bytecode contract; `callee` is a live funcref record; `r.ip` is
/// past the call op.
#[inline(always)]
unsafe fn enter_fast<const HOT: bool>(
    r: &mut Regs,
    cx: &mut Ctx<'_>,
    callee: *const VMFuncRef,
    args_slot: usize,
) -> bool {
    // SAFETY: forwarded contract of this function; `code` is the callee's
    // live bytecode; the frame list has a running frame and, checked,
    // room for one more; the new frame's slots fit the stack (checked).
    unsafe {
        let code = (*callee).code as *const CompiledFunc;
        if code.is_null() || (*callee).vmctx as *mut u8 != cx.vmctx {
            return false;
        }
        let f = &*code;
        // Clobbering the accumulator (no call leaves a value there) frees
        // its register for this path.
        r.acc = args_slot as u64;
        let len = cx.frames.len();
        if !take_room(r, cx, f, args_slot) || len == cx.frames.capacity() || (HOT && cx.call_budget == 1) {
            return false;
        }
        push_frame(r, cx, code, cx.vmctx, (*callee).index, args_slot);
        if HOT {
            cx.call_budget -= 1;
        }
        true
    }
}

/// Is there room for a frame of `f` over the arguments at `args_slot`: on
/// the value stack and under the call-depth limit?
///
/// # Safety
/// `r.sp` is the running frame's first slot.
#[inline(always)]
unsafe fn take_room(r: &Regs, cx: &Ctx<'_>, f: &CompiledFunc, args_slot: usize) -> bool {
    // SAFETY: `limits` points into the live store.
    r.sp.wrapping_add(args_slot + f.num_slots as usize) <= cx.stack_end && unsafe { (*cx.limits).depth_remaining } != 0
}

/// Saves the running frame's `ip`, takes a level of the call-depth limit,
/// and pushes the frame of interpreted function `code` (instance `vmctx`,
/// function `index`) over the arguments at `args_slot`, continuing at its
/// first instruction. The caller has checked `take_room` and made room in
/// the frame list. Everything is read before the first store: a store
/// through `cx.limits` would otherwise make LLVM reload the frame list.
///
/// # Safety
/// As above; `code` is live bytecode.
#[inline(always)]
unsafe fn push_frame(
    r: &mut Regs,
    cx: &mut Ctx<'_>,
    code: *const CompiledFunc,
    vmctx: *mut u8,
    index: u32,
    args_slot: usize,
) {
    // SAFETY: forwarded contract of this function: the frame list has a
    // running frame and room for one more, and the new frame fits the stack.
    unsafe {
        let f = &*code;
        let len = cx.frames.len();
        let frames = cx.frames.as_mut_ptr();
        let cur = frames.add(len - 1);
        let base = (*cur).base + args_slot;
        (*cur).ip = r.ip;
        (*cx.limits).depth_remaining -= 1;
        r.sp = r.sp.add(args_slot);
        init_frame(r.sp, f);
        frames.add(len).write(Frame { func: code, vmctx, base, ip: f.code.as_ptr(), func_index: index });
        cx.frames.set_len(len + 1);
        r.ip = f.code.as_ptr();
        cx.code = r.ip;
    }
}

/// The callee of a `call_indirect` of signature `sig` through entry `i` of
/// table `table`, checked: in bounds, not null, of that signature.
///
/// # Safety
/// `cx.vmctx` is live and has table `table` (validated code).
#[inline(always)]
unsafe fn indirect_callee(cx: &Ctx<'_>, table: u32, i: u32, sig: u32) -> Result<*const VMFuncRef, TrapCode> {
    // SAFETY: forwarded contract: the table definition and its elements
    // below `current_elements` are live.
    unsafe {
        let t = table_def(cx.vmctx, table);
        if i as usize >= (*t).current_elements {
            return Err(TrapCode::TableOutOfBounds);
        }
        let callee = (*(*t).base.add(i as usize)).get_funcref();
        if callee.is_null() {
            return Err(TrapCode::IndirectCallToNull);
        }
        if (*callee).sig != sig {
            return Err(TrapCode::BadSignature);
        }
        Ok(callee)
    }
}

/// `Call`/`CallHot`: `enter_fast`, else the general handler from the start.
macro_rules! fast_call {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let at = $r.ip;
        let o = operands!($r, $Op);
        let callee = $cx.vmctx.add(o.offset as usize) as *const VMFuncRef;
        if !enter_fast::<{ hot!($Op) }>(&mut $r, $cx, callee, o.args as usize) {
            return slow::$Op::<LOOP>(at, $r.sp, $r.mem_base, $r.table, $cx, $r.acc, $r.acc_f64, $r.acc_f32);
        }
        dispatch!($r, $cx)
    }};
}

/// `CallIndirect`/`CallIndirectHot`: when the checks pass, `enter_fast`;
/// else (traps included) the general handler from the start.
macro_rules! fast_call_indirect {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let at = $r.ip;
        let o = operands!($r, $Op);
        if let Ok(callee) = indirect_callee($cx, o.table, get!($r, o.index).get_u32(), o.sig)
            && enter_fast::<{ hot!($Op) }>(&mut $r, $cx, callee, o.args as usize)
        {
            dispatch!($r, $cx)
        }
        return slow::$Op::<LOOP>(at, $r.sp, $r.mem_base, $r.table, $cx, $r.acc, $r.acc_f64, $r.acc_f32);
    }};
}

/// The general handlers of the call ops that have a fast path.
#[expect(clippy::too_many_arguments, reason = "a handler takes the interpreter's registers as arguments")]
mod slow {
    use super::*;
    tandem_vm_core::for_each_form!(Call, form_handler, r, cx, call, ());
    tandem_vm_core::for_each_form!(CallIndirect, form_handler, r, cx, call_indirect, ());
}

/// Pushes a frame for an interpreted callee, or calls a host/compiled callee
/// through its array-call entry. `HOT`: count the callee's call (tiered).
///
/// # Safety
/// Trusted-bytecode contract; `callee` is a live funcref record.
#[inline(always)]
unsafe fn do_call<const HOT: bool>(
    r: &mut Regs,
    cx: &mut Ctx<'_>,
    callee: *const VMFuncRef,
    args_slot: usize,
) -> Result<(), Fault> {
    // SAFETY: forwarded contract of this function.
    unsafe {
        if !(*callee).code.is_null() || is_interpreted(callee) {
            let cvmctx = (*callee).vmctx as *mut u8;
            let cf = code_for(callee)?;
            let cfr = &*cf;
            if !take_room(r, cx, cfr, args_slot) {
                return Err(TrapCode::StackOverflow.into());
            }
            cx.frames.reserve(1);
            push_frame(r, cx, cf, cvmctx, (*callee).index, args_slot);
            if cvmctx != cx.vmctx {
                cx.vmctx = cvmctx;
                (r.mem_base, cx.mem_len) = memory_of(cvmctx);
            }
            if HOT {
                count_call_sampled(cx, &cfr.hot);
            }
        } else {
            cx.frames.last_mut().expect("a frame is running").ip = r.ip;
            call_native(r.sp, cx, callee, args_slot)?;
            r.mem_base = cx.resume.mem_base;
        }
        Ok(())
    }
}

/// Calls a host or compiled callee through its array-call entry, with the
/// arguments in the running frame's slots from `args_slot`; leaves the
/// memory registers (which the callee may have moved) in `cx.resume`.
///
/// Out of line so that the interpreted-call path above, which makes no
/// call, need not save callee-saved registers; it takes and returns only
/// scalars so the handler can still tail call.
///
/// # Safety
/// Trusted-bytecode contract; `callee` is a live funcref record; `sp` is
/// the running frame's first slot.
#[inline(never)]
unsafe fn call_native(
    sp: *mut ValRaw,
    cx: &mut Ctx<'_>,
    callee: *const VMFuncRef,
    args_slot: usize,
) -> Result<(), Fault> {
    // SAFETY: forwarded contract of this function.
    unsafe {
        let cur = cx.frames.last().expect("a frame is running");
        let cap = (*cur.func).num_slots as usize - args_slot;
        (*cx.store).stack_top = cur.base + (*cur.func).num_slots as usize;
        let ok = ((*callee).array_call)(callee, cx.vmctx as *mut VMContext, sp.add(args_slot), cap);
        if !ok {
            return Err(Fault::Pending);
        }
        (cx.resume.mem_base, cx.mem_len) = memory_of(cx.vmctx);
        Ok(())
    }
}

/// How a handler stops on `f`: the outermost return, or a fault recorded
/// in `cx`. Inlined: marked `#[cold]`, it moved the load handlers' trap
/// paths out of the way (one instruction fewer in some handlers) but ran
/// the vm kernel 1.5x slower with the same instruction count, most likely
/// a code-layout effect of this machine (see README, "Performance notes").
fn stop(cx: &mut Ctx<'_>, f: Fault) -> Done {
    match f {
        Fault::Returned => Done::Returned,
        f => {
            cx.fault = Some(f);
            Done::Faulted
        }
    }
}

/// `HotLoop`: counts an iteration down the budget (`batch`); charging the
/// batch is out of line, so this path saves no registers (it was 12 pushes
/// and pops).
macro_rules! hot_loop {
    ($r:ident, $cx:ident, $Op:ident,) => {{
        let _ = operands!($r, $Op);
        $cx.loop_budget -= 1;
        if $cx.loop_budget == 0 {
            return hot_loop_reached::<LOOP>($r.ip, $r.sp, $r.mem_base, $r.table, $cx, $r.acc, $r.acc_f64, $r.acc_f32);
        }
        dispatch!($r, $cx)
    }};
}

/// `HotLoop` at its threshold (`ip` is past the op): tier-up, and
/// on-stack replacement when the entry at this loop header is ready; then
/// the next instruction. Handler-shaped and reached by a tail call.
///
/// # Safety
/// As a handler: trusted bytecode, live store.
#[cold]
#[inline(never)]
#[expect(clippy::too_many_arguments, reason = "a handler takes the interpreter's registers as arguments")]
unsafe fn hot_loop_reached<const LOOP: bool>(
    ip: *const u8,
    sp: *mut ValRaw,
    mem_base: *mut u8,
    table: &'static HandlerTable,
    cx: &mut Ctx<'_>,
    acc: u64,
    acc_f64: f64,
    acc_f32: f32,
) -> Done {
    let mut r = Regs { ip, sp, mem_base, table, acc, acc_f64, acc_f32 };
    // SAFETY: a frame is running.
    let f = unsafe { running(cx) };
    let due;
    (cx.loop_budget, due) = charge(&f.hot.loops, cx.hot_loops);
    if !due {
        dispatch!(r, cx)
    }
    // SAFETY: `ip` is past a `HotLoop` op of the running function's code.
    let pc = unsafe { r.ip.sub(ops::HotLoop::SIZE).offset_from(cx.code) } as u32;
    if let Some(entry) = tier_up(cx, true) {
        // SAFETY: `entry` is the OSR entry of the running function at this
        // loop header, where the frame stands.
        if let Err(f) = unsafe { osr_enter(r.sp, r.table, pc, cx, entry) } {
            return stop(cx, f);
        }
        r = cx.resume;
    }
    dispatch!(r, cx)
}

handlers! { r, cx;
    Return => do_return(&mut r, cx)?;
    ReturnSlot => {
        let o = operands!(r, ReturnSlot);
        *r.sp = get!(r, o.src);
        do_return(&mut r, cx)?;
    };
    Unreachable => return Err(TrapCode::Unreachable.into());
    ConsumeFuel => {
                    let o = operands!(r, ConsumeFuel);
                    let fuel = &mut (*cx.limits).fuel;
                    if *fuel < o.amount as u64 {
                        *fuel = 0;
                        return Err(TrapCode::OutOfFuel.into());
                    }
                    *fuel -= o.amount as u64;
                };
    Br => {
                    let o = ops::Br::read(r.ip);
                    r.ip = cx.code.add(o.target as usize);
                };
    BrTable => {
                    let o = ops::BrTable::read(r.ip);
                    let i = get!(r, o.index).get_u32().min(o.len) as usize;
                    let at = r.ip.add(ops::BrTable::SIZE + i * 4);
                    let target = u32::from_le_bytes(core::ptr::read_unaligned(at as *const [u8; 4]));
                    r.ip = cx.code.add(target as usize);
                };
    Copy2 => {
                    let o = operands!(r, Copy2);
                    set!(r, o.dst, get!(r, o.src));
                    // Through the integer accumulator, free here: a
                    // register the handler need not save.
                    r.acc = get!(r, o.src2).0;
                    set!(r, o.dst2, ValRaw(r.acc));
                };
    Reinterpret => {
                    let o = operands!(r, Reinterpret);
                    set!(r, o.dst, get!(r, o.src));
                };
    Const32 => {
                    let o = operands!(r, Const32);
                    set!(r, o.dst, ValRaw(o.imm as u64));
                };
    Const64 => {
                    let o = operands!(r, Const64);
                    set!(r, o.dst, ValRaw(o.imm));
                };
    Select => {
                    let o = operands!(r, Select);
                    let v = if get!(r, o.cond).get_u32() != 0 { get!(r, o.a) } else { get!(r, o.b) };
                    set!(r, o.dst, v);
                };
    GlobalGet => {
                    let o = operands!(r, GlobalGet);
                    set!(r, o.dst, (*(cx.vmctx.add(o.offset as usize) as *const VMGlobalDefinition)).value);
                };
    GlobalSet => {
                    let o = operands!(r, GlobalSet);
                    (*(cx.vmctx.add(o.offset as usize) as *mut VMGlobalDefinition)).value = get!(r, o.src);
                };
    GlobalGetImported => {
                    let o = operands!(r, GlobalGetImported);
                    let p = *(cx.vmctx.add(o.offset as usize) as *const *const VMGlobalDefinition);
                    set!(r, o.dst, (*p).value);
                };
    GlobalSetImported => {
                    let o = operands!(r, GlobalSetImported);
                    let p = *(cx.vmctx.add(o.offset as usize) as *const *mut VMGlobalDefinition);
                    (*p).value = get!(r, o.src);
                };
    MemorySize => {
                    let o = operands!(r, MemorySize);
                    set!(r, o.dst, ValRaw((cx.mem_len as u64) / 65536));
                };
    MemoryGrow => {
                    let o = operands!(r, MemoryGrow);
                    let delta = get!(r, o.delta).get_u32() as u64;
                    let mem = (&(*instance_of(cx.vmctx)).memories)[0];
                    let grown = (*cx.store).grow_memory(mem, delta);
                    set!(r, o.dst, ValRaw::i32(grown.map(|old| old as i32).unwrap_or(-1)));
                    (r.mem_base, cx.mem_len) = memory_of(cx.vmctx);
                };
    MemoryFill => {
                    let o = operands!(r, MemoryFill);
                    let (d, v, n) = (get!(r, o.dst).get_u32() as u64, get!(r, o.value).0 as u8, get!(r, o.len).get_u32() as u64);
                    bulk::memory_fill(bulk_mem(&r, cx), d, v, n, bulk_fuel(cx))?;
                };
    MemoryCopy => {
                    let o = operands!(r, MemoryCopy);
                    let (d, s, n) =
                        (get!(r, o.dst).get_u32() as u64, get!(r, o.src).get_u32() as u64, get!(r, o.len).get_u32() as u64);
                    bulk::memory_copy(bulk_mem(&r, cx), d, s, n, bulk_fuel(cx))?;
                };
    MemoryInit => {
                    let o = operands!(r, MemoryInit);
                    let bytes = (*instance_of(cx.vmctx)).data_bytes(o.data);
                    let (d, s, n) =
                        (get!(r, o.dst).get_u32() as u64, get!(r, o.src).get_u32() as u64, get!(r, o.len).get_u32() as u64);
                    bulk::memory_init(bulk_mem(&r, cx), bytes, d, s, n, bulk_fuel(cx))?;
                };
    DataDrop => {
                    let o = operands!(r, DataDrop);
                    (&mut (*instance_of(cx.vmctx)).datas_dropped)[o.data as usize] = true;
                };
    TableGet => {
                    let o = operands!(r, TableGet);
                    let t = table_def(cx.vmctx, o.table);
                    let i = get!(r, o.index).get_u32() as usize;
                    if i >= (*t).current_elements {
                        return Err(TrapCode::TableOutOfBounds.into());
                    }
                    set!(r, o.dst, *(*t).base.add(i));
                };
    TableSet => {
                    let o = operands!(r, TableSet);
                    let t = table_def(cx.vmctx, o.table);
                    let i = get!(r, o.index).get_u32() as usize;
                    if i >= (*t).current_elements {
                        return Err(TrapCode::TableOutOfBounds.into());
                    }
                    *(*t).base.add(i) = get!(r, o.value);
                };
    TableSize => {
                    let o = operands!(r, TableSize);
                    let t = table_def(cx.vmctx, o.table);
                    set!(r, o.dst, ValRaw((*t).current_elements as u64));
                };
    TableGrow => {
                    let o = operands!(r, TableGrow);
                    let id = (&(*instance_of(cx.vmctx)).tables)[o.table as usize];
                    let delta = get!(r, o.delta).get_u32() as u64;
                    bulk::charge(bulk_fuel(cx), delta, bulk::ELEMS_PER_FUEL)?;
                    let grown = (*cx.store).grow_table(id, delta, get!(r, o.init));
                    set!(r, o.dst, ValRaw::i32(grown.map(|old| old as i32).unwrap_or(-1)));
                };
    TableFill => {
                    let o = operands!(r, TableFill);
                    let t = table_def(cx.vmctx, o.table);
                    let (d, n) = (get!(r, o.dst).get_u32() as u64, get!(r, o.len).get_u32() as u64);
                    bulk::table_fill(t, d, get!(r, o.value), n, bulk_fuel(cx))?;
                };
    TableCopy => {
                    let o = operands!(r, TableCopy);
                    let td = table_def(cx.vmctx, o.dst_table);
                    let ts = table_def(cx.vmctx, o.src_table);
                    let (d, s, n) =
                        (get!(r, o.dst).get_u32() as u64, get!(r, o.src).get_u32() as u64, get!(r, o.len).get_u32() as u64);
                    bulk::table_copy(td, ts, d, s, n, bulk_fuel(cx))?;
                };
    TableInit => {
                    let o = operands!(r, TableInit);
                    let inst = &*instance_of(cx.vmctx);
                    let items = &inst.elems[o.elem as usize];
                    let t = table_def(cx.vmctx, o.table);
                    let (d, s, n) =
                        (get!(r, o.dst).get_u32() as u64, get!(r, o.src).get_u32() as u64, get!(r, o.len).get_u32() as u64);
                    bulk::table_init(t, items, d, s, n, bulk_fuel(cx))?;
                };
    ElemDrop => {
                    let o = operands!(r, ElemDrop);
                    (&mut (*instance_of(cx.vmctx)).elems)[o.elem as usize] = Vec::new();
                };
    RefFunc => {
                    let o = operands!(r, RefFunc);
                    set!(r, o.dst, ValRaw::funcref((*instance_of(cx.vmctx)).func_ref(o.func)));
                };
    @raw
    // Calls of defined functions: `enter_fast`, else the whole op again in
    // its general handler (`slow`), by a tail call.
    Call => fast_call!();
    CallIndirect => fast_call_indirect!();
    HotLoop => hot_loop!();
    @ops
    CallImported => call_imported!();
    RefIsNull => unop!(get_i64, |a| ValRaw((a == 0) as u64));
    I32DivS => binop!(get_i32, |a, b| ValRaw::i32(num::i32_div_s(a, b)?));
    I32DivU => binop!(get_u32, |a, b| ValRaw(num::i32_div_u(a, b)? as u64));
    I32RemS => binop!(get_i32, |a, b| ValRaw::i32(num::i32_rem_s(a, b)?));
    I32RemU => binop!(get_u32, |a, b| ValRaw(num::i32_rem_u(a, b)? as u64));
    I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS | I32GeU => cmp!(get_i32, holds_i32);
    I32Clz => unop!(get_u32, |a| ValRaw(a.leading_zeros() as u64));
    I32Ctz => unop!(get_u32, |a| ValRaw(a.trailing_zeros() as u64));
    I32Popcnt => unop!(get_u32, |a| ValRaw(a.count_ones() as u64));
    I32TruncF32S => unop!(get_f32, |a| ValRaw::i32(num::i32_trunc_f32_s(a)?));
    I32TruncF32U => unop!(get_f32, |a| ValRaw(num::i32_trunc_f32_u(a)? as u64));
    I32TruncF64S => unop!(get_f64, |a| ValRaw::i32(num::i32_trunc_f64_s(a)?));
    I32TruncF64U => unop!(get_f64, |a| ValRaw(num::i32_trunc_f64_u(a)? as u64));
    I32TruncSatF32S => unop!(get_f32, |a| ValRaw::i32(a as i32));
    I32TruncSatF32U => unop!(get_f32, |a| ValRaw(a as u32 as u64));
    I32TruncSatF64S => unop!(get_f64, |a| ValRaw::i32(a as i32));
    I32TruncSatF64U => unop!(get_f64, |a| ValRaw(a as u32 as u64));
    I64DivS => binop!(get_i64, |a, b| ValRaw::i64(num::i64_div_s(a, b)?));
    I64DivU => binop!(get_i64, |a, b| ValRaw(num::i64_div_u(a as u64, b as u64)?));
    I64RemS => binop!(get_i64, |a, b| ValRaw::i64(num::i64_rem_s(a, b)?));
    I64RemU => binop!(get_i64, |a, b| ValRaw(num::i64_rem_u(a as u64, b as u64)?));
    I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS | I64GeU => cmp!(get_i64, holds_i64);
    I64Clz => unop!(get_i64, |a| ValRaw(a.leading_zeros() as u64));
    I64Ctz => unop!(get_i64, |a| ValRaw(a.trailing_zeros() as u64));
    I64Popcnt => unop!(get_i64, |a| ValRaw(a.count_ones() as u64));
    I64Extend8S => unop!(get_i64, |a| ValRaw::i64(a as i8 as i64));
    I64Extend16S => unop!(get_i64, |a| ValRaw::i64(a as i16 as i64));
    I64Extend32S => unop!(get_i64, |a| ValRaw::i64(a as i32 as i64));
    I64TruncF32S => unop!(get_f32, |a| ValRaw::i64(num::i64_trunc_f32_s(a)?));
    I64TruncF32U => unop!(get_f32, |a| ValRaw(num::i64_trunc_f32_u(a)?));
    I64TruncF64S => unop!(get_f64, |a| ValRaw::i64(num::i64_trunc_f64_s(a)?));
    I64TruncF64U => unop!(get_f64, |a| ValRaw(num::i64_trunc_f64_u(a)?));
    I64TruncSatF32S => unop!(get_f32, |a| ValRaw::i64(a as i64));
    I64TruncSatF32U => unop!(get_f32, |a| ValRaw(a as u64));
    I64TruncSatF64S => unop!(get_f64, |a| ValRaw::i64(a as i64));
    I64TruncSatF64U => unop!(get_f64, |a| ValRaw(a as u64));
    F32Min => binop!(get_f32, |a, b| f32v(num::f32_min(a, b)));
    F32Max => binop!(get_f32, |a, b| f32v(num::f32_max(a, b)));
    F32Copysign => binop!(get_f32, |a, b| f32v(a.copysign(b)));
    F32Eq | F32Ne | F32Lt | F32Gt | F32Le | F32Ge => cmp!(get_f32, holds_f32);
    F32Ceil => unop!(get_f32, |a| f32v(num::f32_ceil(a)));
    F32Floor => unop!(get_f32, |a| f32v(num::f32_floor(a)));
    F32Trunc => unop!(get_f32, |a| f32v(num::f32_trunc(a)));
    F32Nearest => unop!(get_f32, |a| f32v(num::f32_nearest(a)));
    F32ConvertI32U => unop!(get_u32, |a| f32v(a as f32));
    F32ConvertI64S => unop!(get_i64, |a| f32v(a as f32));
    F32ConvertI64U => unop!(get_i64, |a| f32v(num::f32_convert_u64(a as u64)));
    F64Min => binop!(get_f64, |a, b| f64v(num::f64_min(a, b)));
    F64Max => binop!(get_f64, |a, b| f64v(num::f64_max(a, b)));
    F64Copysign => binop!(get_f64, |a, b| f64v(a.copysign(b)));
    F64Eq | F64Ne | F64Lt | F64Gt | F64Le | F64Ge => cmp!(get_f64, holds_f64);
    F64Ceil => unop!(get_f64, |a| f64v(num::f64_ceil(a)));
    F64Floor => unop!(get_f64, |a| f64v(num::f64_floor(a)));
    F64Trunc => unop!(get_f64, |a| f64v(num::f64_trunc(a)));
    F64Nearest => unop!(get_f64, |a| f64v(num::f64_nearest(a)));
    F64ConvertI64S => unop!(get_i64, |a| f64v(a as f64));
    F64ConvertI64U => unop!(get_i64, |a| f64v(a as u64 as f64));
    I32Store => store!(4, |v| v.get_u32().to_le_bytes());
    I64Store => store!(8, |v| v.0.to_le_bytes());
    F32Store => store!(4, |v| v.get_u32().to_le_bytes());
    F64Store => store!(8, |v| v.0.to_le_bytes());
    I32Store8 => store!(1, |v| [v.0 as u8]);
    I32Store16 => store!(2, |v| (v.0 as u16).to_le_bytes());
    I64Store8 => store!(1, |v| [v.0 as u8]);
    I64Store16 => store!(2, |v| (v.0 as u16).to_le_bytes());
    I64Store32 => store!(4, |v| (v.0 as u32).to_le_bytes());
    BrIfNez | BrIfEqz => br_cond!(get_u32);
    BrI64Nez | BrI64Eqz => br_cond!(get_u64);
    BrI32Eq | BrI32Ne | BrI32LtS | BrI32LtU | BrI32GtS | BrI32GtU | BrI32LeS | BrI32LeU | BrI32GeS | BrI32GeU => br_cmp!(get_i32, holds_i32);
    BrI32AddImmEq | BrI32AddImmNe | BrI32AddImmLtS | BrI32AddImmLtU | BrI32AddImmGtS | BrI32AddImmGtU | BrI32AddImmLeS | BrI32AddImmLeU | BrI32AddImmGeS | BrI32AddImmGeU => br_add!(imm);
    BrI32AddEq | BrI32AddNe | BrI32AddLtS | BrI32AddLtU | BrI32AddGtS | BrI32AddGtU | BrI32AddLeS | BrI32AddLeU | BrI32AddGeS | BrI32AddGeU => br_add!(step);
    BrI64Eq | BrI64Ne | BrI64LtS | BrI64LtU | BrI64GtS | BrI64GtU | BrI64LeS | BrI64LeU | BrI64GeS | BrI64GeU => br_cmp!(get_i64, holds_i64);
    BrI32AndNz | BrI32AndZ => br_and!(get_u32);
    BrI64AndNz | BrI64AndZ => br_and!(get_u64);
    BrF32Eq | BrF32Ne | BrF32Lt | BrF32Gt | BrF32Le | BrF32Ge | BrF32NotLt | BrF32NotGt | BrF32NotLe | BrF32NotGe => br_cmp!(get_f32, holds_f32);
    BrF64Eq | BrF64Ne | BrF64Lt | BrF64Gt | BrF64Le | BrF64Ge | BrF64NotLt | BrF64NotGt | BrF64NotLe | BrF64NotGe => br_cmp!(get_f64, holds_f64);
    I32Add => binop!(get_i32, |a, b| ValRaw::i32(a.wrapping_add(b)));
    I32Mul => binop!(get_i32, |a, b| ValRaw::i32(a.wrapping_mul(b)));
    I32And => binop!(get_u32, |a, b| ValRaw((a & b) as u64));
    I32Or => binop!(get_u32, |a, b| ValRaw((a | b) as u64));
    I32Xor => binop!(get_u32, |a, b| ValRaw((a ^ b) as u64));
    I32Sub => binop!(get_i32, |a, b| ValRaw::i32(a.wrapping_sub(b)));
    I32Shl => binop!(get_u32, |a, b| ValRaw(a.wrapping_shl(b) as u64));
    I32ShrS => binop!(get_i32, |a, b| ValRaw::i32(a.wrapping_shr(b as u32)));
    I32ShrU => binop!(get_u32, |a, b| ValRaw(a.wrapping_shr(b) as u64));
    I32Rotl => binop!(get_u32, |a, b| ValRaw(a.rotate_left(b & 31) as u64));
    I32Rotr => binop!(get_u32, |a, b| ValRaw(a.rotate_right(b & 31) as u64));
    I32AddImm => immop!(get_i32, |a, imm| ValRaw::i32(a.wrapping_add(imm as i32)));
    I64Add => binop!(get_i64, |a, b| ValRaw::i64(a.wrapping_add(b)));
    I64Mul => binop!(get_i64, |a, b| ValRaw::i64(a.wrapping_mul(b)));
    I64And => binop!(get_i64, |a, b| ValRaw::i64(a & b));
    I64Or => binop!(get_i64, |a, b| ValRaw::i64(a | b));
    I64Xor => binop!(get_i64, |a, b| ValRaw::i64(a ^ b));
    I64Sub => binop!(get_i64, |a, b| ValRaw::i64(a.wrapping_sub(b)));
    I64Shl => binop!(get_i64, |a, b| ValRaw::i64(a.wrapping_shl(b as u32)));
    I64ShrS => binop!(get_i64, |a, b| ValRaw::i64(a.wrapping_shr(b as u32)));
    I64ShrU => binop!(get_i64, |a, b| ValRaw((a as u64).wrapping_shr(b as u32)));
    I64Rotl => binop!(get_i64, |a, b| ValRaw((a as u64).rotate_left((b & 63) as u32)));
    I64Rotr => binop!(get_i64, |a, b| ValRaw((a as u64).rotate_right((b & 63) as u32)));
    I64AddImm => immop!(get_u64, |a, imm| ValRaw(a.wrapping_add(imm)));
    F32Add => binop!(get_f32, |a, b| f32v(a + b));
    F32Mul => binop!(get_f32, |a, b| f32v(a * b));
    F32Sub => binop!(get_f32, |a, b| f32v(a - b));
    F32Div => binop!(get_f32, |a, b| f32v(a / b));
    F64Add => binop!(get_f64, |a, b| f64v(a + b));
    F64Mul => binop!(get_f64, |a, b| f64v(a * b));
    F64Sub => binop!(get_f64, |a, b| f64v(a - b));
    F64Div => binop!(get_f64, |a, b| f64v(a / b));
    F64SubRev => binop!(get_f64, |a, b| f64v(b - a));
    F64DivRev => binop!(get_f64, |a, b| f64v(b / a));
    I32Eqz => unop!(get_u32, |a| ValRaw((a == 0) as u64));
    I64Eqz => unop!(get_i64, |a| ValRaw((a == 0) as u64));
    I32WrapI64 => unop!(get_u32, |a| ValRaw(a as u64));
    I64ExtendI32S => unop!(get_i32, |a| ValRaw::i64(a as i64));
    I64ExtendI32U => unop!(get_u32, |a| ValRaw(a as u64));
    I32Extend8S => unop!(get_u32, |a| ValRaw::i32(a as i8 as i32));
    I32Extend16S => unop!(get_u32, |a| ValRaw::i32(a as i16 as i32));
    F64ConvertI32S => unop!(get_i32, |a| f64v(a as f64));
    F64ConvertI32U => unop!(get_u32, |a| f64v(a as f64));
    F32ConvertI32S => unop!(get_i32, |a| f32v(a as f32));
    F64PromoteF32 => unop!(get_f32, |a| f64v(a as f64));
    F32DemoteF64 => unop!(get_f64, |a| f32v(a as f32));
    F32Abs => unop!(get_f32, |a| f32v(a.abs()));
    F32Neg => unop!(get_f32, |a| f32v(-a));
    F32Sqrt => unop!(get_f32, |a| f32v(a.sqrt()));
    F64Abs => unop!(get_f64, |a| f64v(a.abs()));
    F64Neg => unop!(get_f64, |a| f64v(-a));
    F64Sqrt => unop!(get_f64, |a| f64v(a.sqrt()));
    Copy => copy!();
    I32Load => load!(4, |b| ValRaw(u32::from_le_bytes(b) as u64));
    I64Load => load!(8, |b| ValRaw(u64::from_le_bytes(b)));
    F32Load => load!(4, |b| ValRaw(u32::from_le_bytes(b) as u64));
    F64Load => load!(8, |b| ValRaw(u64::from_le_bytes(b)));
    I32Load8S => load!(1, |b| ValRaw::i32(b[0] as i8 as i32));
    I32Load8U => load!(1, |b| ValRaw(b[0] as u64));
    I32Load16S => load!(2, |b| ValRaw::i32(i16::from_le_bytes(b) as i32));
    I32Load16U => load!(2, |b| ValRaw(u16::from_le_bytes(b) as u64));
    I64Load8S => load!(1, |b| ValRaw::i64(b[0] as i8 as i64));
    I64Load8U => load!(1, |b| ValRaw(b[0] as u64));
    I64Load16S => load!(2, |b| ValRaw::i64(i16::from_le_bytes(b) as i64));
    I64Load16U => load!(2, |b| ValRaw(u16::from_le_bytes(b) as u64));
    I64Load32S => load!(4, |b| ValRaw::i64(i32::from_le_bytes(b) as i64));
    I64Load32U => load!(4, |b| ValRaw(u32::from_le_bytes(b) as u64));
}

fn run(
    store: *mut StoreOpaque,
    limits: *mut VMRuntimeLimits,
    frames: &mut Vec<Frame>,
    callee: *const VMFuncRef,
    args: *mut ValRaw,
    capacity: usize,
) -> Result<(), Fault> {
    // SAFETY: the store outlives the call with no other live reference to
    // it; `code_for` gives trusted bytecode whose frame fits the stack
    // (checked below).
    unsafe {
        let stack_base: *mut ValRaw = (*store).stack.as_mut_ptr();
        let stack_len = (*store).stack.len();
        let (entry_vmctx, entry_index) = ((*callee).vmctx as *mut u8, (*callee).index);
        let entry = code_for(callee)?;
        let base = (*store).stack_top;
        let f = &*entry;
        frames.push(Frame { func: entry, vmctx: entry_vmctx, base, ip: f.code.as_ptr(), func_index: entry_index });
        if base + f.num_slots as usize > stack_len || (*limits).depth_remaining == 0 {
            return Err(TrapCode::StackOverflow.into());
        }
        (*limits).depth_remaining -= 1;
        let sp = stack_base.add(base);
        let nparams = (f.num_params as usize).min(capacity);
        core::ptr::copy_nonoverlapping(args, sp, nparams);
        init_frame(sp, f);
        let (mem_base, mem_len) = memory_of(entry_vmctx);
        // Loop dispatch in debug builds (no guaranteed tail calls there),
        // with the `portable-dispatch` feature, or when the store asks.
        let loop_dispatch = cfg!(any(debug_assertions, feature = "portable-dispatch")) || (*store).loop_dispatch;
        let table = if loop_dispatch { &LOOP_HANDLERS } else { &HANDLERS };
        let regs = Regs { ip: f.code.as_ptr(), sp, mem_base, table, acc: 0, acc_f64: 0.0, acc_f32: 0.0 };
        let mut cx = Ctx {
            store,
            limits,
            frames,
            stack_base,
            stack_end: stack_base.add(stack_len),
            vmctx: entry_vmctx,
            mem_len,
            code: regs.ip,
            hot_calls: (*store).hot_calls,
            hot_loops: (*store).hot_loops,
            // A new store's budgets are 0: a full batch. A threshold
            // never changes for a store, so a kept budget never exceeds
            // its batch.
            loop_budget: match (*store).loop_budget {
                0 => batch((*store).hot_loops),
                kept => kept,
            },
            call_budget: match (*store).call_budget {
                0 => batch((*store).hot_calls),
                kept => kept,
            },
            fault: None,
            entry_results: f.num_results,
            args,
            capacity,
            resume: regs,
            regs,
        };
        if cx.hot_calls != u32::MAX {
            count_call(&mut cx, &f.hot);
        }
        let done = if loop_dispatch {
            loop {
                let r = cx.regs;
                match table.at(r.ip)(r.ip, r.sp, r.mem_base, table, &mut cx, r.acc, r.acc_f64, r.acc_f32) {
                    Done::Next => continue,
                    other => break other,
                }
            }
        } else {
            table.at(regs.ip)(regs.ip, regs.sp, regs.mem_base, table, &mut cx, 0, 0.0, 0.0)
        };
        ((*store).loop_budget, (*store).call_budget) = (cx.loop_budget, cx.call_budget);
        match done {
            Done::Returned => Ok(()),
            _ => Err(cx.fault.take().unwrap_or(Fault::Trap(TrapCode::Unreachable))),
        }
    }
}

#[inline(always)]
fn f32v(x: f32) -> ValRaw {
    ValRaw(x.to_bits() as u64)
}

#[inline(always)]
fn f64v(x: f64) -> ValRaw {
    ValRaw(x.to_bits())
}
