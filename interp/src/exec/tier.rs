//! Tier-up: counting calls and loop iterations in batches, asking for compilation, on-stack replacement.

use super::*;

/// A counter of the running function reached its threshold: compile it
/// through the store's tier-up hook and point this instance's record at the
/// native code, so the next call runs it. From a loop header (`in_loop`),
/// only the on-stack-replacement entry is requested (a long-running `main`
/// never needs its own entry) and returned, so this very call can continue
/// in compiled code; the function's entry is still used if it exists.
#[cold]
#[inline(never)]
pub(super) fn tier_up(cx: &mut Ctx<'_>, in_loop: bool) -> Option<OsrEntryFn> {
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
        let (calls, loops) = (cx.call_threshold, cx.loop_threshold);
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
pub(super) unsafe fn running<'f>(cx: &Ctx<'_>) -> &'f CompiledFunc {
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
pub(super) fn batch(threshold: u32) -> u32 {
    (threshold / 16).clamp(1, 64)
}

/// Charges `counter` with a batch of `threshold` (`batch`) when its
/// budget ran out. Returns the new budget (the batch) and whether the
/// counter reached the threshold, which `u32::MAX` never does; it
/// saturates, as a wrapping batch could step over a threshold near
/// `u32::MAX`.
pub(super) fn charge(counter: &AtomicU32, threshold: u32) -> (u32, bool) {
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
pub(super) fn count_call_sampled(cx: &mut Ctx<'_>, hot: &HotCounters) {
    cx.call_budget -= 1;
    if cx.call_budget == 0 {
        charge_calls(cx, hot);
    }
}

#[cold]
#[inline(never)]
pub(super) fn charge_calls(cx: &mut Ctx<'_>, hot: &HotCounters) {
    let due;
    (cx.call_budget, due) = charge(&hot.calls, cx.call_threshold);
    if due {
        tier_up(cx, false);
    }
}

/// Counts an activation (a call from the host or from compiled code) of
/// the function whose frame just started, exactly, and at the threshold
/// asks for its compilation.
#[inline(always)]
pub(super) fn count_call(cx: &mut Ctx<'_>, hot: &HotCounters) {
    let n = hot.calls.load(Relaxed).wrapping_add(1);
    hot.calls.store(n, Relaxed);
    if n >= cx.call_threshold {
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
pub(super) unsafe fn osr_enter(
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

handler_shaped!(
    /// `HotLoop` at its threshold (`r.ip` is past the op): tier-up, and
    /// on-stack replacement when the entry at this loop header is ready;
    /// then the next instruction. Handler-shaped and reached by a tail call.
    ///
    /// # Safety
    /// As a handler: trusted bytecode, live store.
    #[cold]
    #[expect(clippy::too_many_arguments, reason = "a handler takes the interpreter's registers as arguments")]
    pub(super) hot_loop_reached, r, cx, {
        // SAFETY: a frame is running.
        let f = unsafe { running(cx) };
        let due;
        (cx.loop_budget, due) = charge(&f.hot.loops, cx.loop_threshold);
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
);
