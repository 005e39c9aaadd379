//! The array-call entry of interpreted functions, lazy translation, and `run`, which sets up an activation and drives the handlers.

use super::*;

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
    let store = unsafe { VMContextHeader::of(vmctx).store as *mut StoreOpaque };
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
pub(super) fn compiled_since(callee: *const VMFuncRef, vmctx: *mut u8) -> Option<NativeCode> {
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

/// Does the interpreter run `f` (so a call can push a frame instead of
/// recursing): its bytecode is cached, or its entry is the interpreter's?
#[inline(always)]
pub(super) fn is_interpreted(f: *const VMFuncRef) -> bool {
    // SAFETY: f is a live funcref record (trusted bytecode, checked null).
    // The entry is read only when there is no bytecode (calls' fast path).
    unsafe {
        !(*f).code.is_null()
            || core::ptr::fn_addr_eq((*f).array_call, interp_array_call as tandem_vm_core::vmctx::VMArrayCallFn)
    }
}

/// Bytecode of interpreted function `callee`, translated on first use and
/// then cached in the funcref record.
#[inline(always)]
pub(super) fn code_for(callee: *const VMFuncRef) -> Result<*const CompiledFunc, Fault> {
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
pub(super) fn translate_now(callee: *const VMFuncRef) -> Result<*const CompiledFunc, Fault> {
    let ptr = bytecode_of(callee)?;
    // SAFETY: records of defined functions live in their instance's
    // VMContext, which is writable and owned by the store; the module (and
    // so the bytecode) outlives the instance.
    unsafe { (*(callee as *mut VMFuncRef)).code = ptr.cast() };
    Ok(ptr)
}

/// Bytecode of wasm function `callee` (interpreted or compiled), translated
/// on first use, without pointing its record at it.
#[cold]
#[inline(never)]
pub(super) fn bytecode_of(callee: *const VMFuncRef) -> Result<*const CompiledFunc, Fault> {
    // SAFETY: callee is a live record of a wasm function; its vmctx is its
    // instance's VMContext, whose instance lives as long as the store.
    let (vmctx, index) = unsafe { ((*callee).vmctx as *mut u8, (*callee).index) };
    // SAFETY: as above.
    let inst = unsafe { &*instance_of(vmctx) };
    let module = &inst.module;
    let def = index.wrapping_sub(module.env.num_imported_funcs);
    match crate::compiled(module, def) {
        Ok(f) => Ok(Arc::as_ptr(f)),
        Err(e) => Err(Fault::Invalid(Box::new(e))),
    }
}

/// Runs function `index` of the instance of `vmctx` with the arguments in
/// `args`; leaves results there. Returns false with a pending trap.
///
/// # Safety
/// See `interp_array_call`.
pub(super) unsafe fn execute(
    store: *mut StoreOpaque,
    callee: *const VMFuncRef,
    args: *mut ValRaw,
    capacity: usize,
) -> bool {
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
pub(super) const MAX_SPARE_FRAMES: usize = 4096;

/// The outcome of an activation: true if it returned; else the pending
/// trap, with the backtrace of `frames`, is set.
///
/// # Safety
/// `store` is live and not otherwise borrowed; `frames` are frames of its
/// instances.
pub(super) unsafe fn finish(store: *mut StoreOpaque, result: Result<(), Fault>, frames: &[Frame]) -> bool {
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

pub(super) fn run(
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
            memories: memories_of(entry_vmctx),
            mem_len,
            code: regs.ip,
            call_threshold: (*store).call_threshold,
            loop_threshold: (*store).loop_threshold,
            // A new store's budgets are 0: a full batch. A threshold
            // never changes for a store, so a kept budget never exceeds
            // its batch.
            loop_budget: match (*store).loop_budget {
                0 => batch((*store).loop_threshold),
                kept => kept,
            },
            call_budget: match (*store).call_budget {
                0 => batch((*store).call_threshold),
                kept => kept,
            },
            fault: None,
            entry_results: f.num_results,
            args,
            capacity,
            resume: regs,
            regs,
        };
        if cx.call_threshold != u32::MAX {
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
