//! Frames and calls: pushing and popping interpreted frames, the call fast path, indirect-call checks, calls into host and compiled code.

use super::*;

/// Zeroes a new frame's declared locals and fills its constant slots.
///
/// # Safety
/// `sp` must have `f.num_slots` writable slots.
#[inline(always)]
pub(super) unsafe fn init_frame(sp: *mut ValRaw, f: &CompiledFunc) {
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
pub(super) unsafe fn do_return(r: &mut Regs, cx: &mut Ctx<'_>) -> Result<(), Fault> {
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
                enter_instance(r, cx, caller.vmctx);
            }
        }
    }
    Ok(())
}

/// Makes `vmctx` the running instance, if it is not: its memories, and
/// memory 0's base and length in the registers.
#[inline(always)]
fn enter_instance(r: &mut Regs, cx: &mut Ctx<'_>, vmctx: *mut u8) {
    if vmctx != cx.vmctx {
        cx.vmctx = vmctx;
        cx.memories = memories_of(vmctx);
        (r.mem_base, cx.mem_len) = memory_of(vmctx);
    }
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
pub(super) unsafe fn enter_fast<const HOT: bool>(
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
pub(super) unsafe fn take_room(r: &Regs, cx: &Ctx<'_>, f: &CompiledFunc, args_slot: usize) -> bool {
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
pub(super) unsafe fn push_frame(
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
pub(super) unsafe fn indirect_callee(cx: &Ctx<'_>, table: u32, i: u32, sig: u32) -> Result<*const VMFuncRef, TrapCode> {
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

/// The callee of `call_ref`: the funcref in `v`, unless it is null.
#[inline(always)]
pub(super) fn ref_callee(v: ValRaw) -> Result<*const VMFuncRef, TrapCode> {
    let callee = v.get_funcref();
    if callee.is_null() { Err(TrapCode::NullReference) } else { Ok(callee) }
}

/// Pushes a frame for an interpreted callee, or calls a host/compiled callee
/// through its array-call entry. `HOT`: count the callee's call (tiered).
///
/// # Safety
/// Trusted-bytecode contract; `callee` is a live funcref record.
#[inline(always)]
pub(super) unsafe fn do_call<const HOT: bool>(
    r: &mut Regs,
    cx: &mut Ctx<'_>,
    callee: *const VMFuncRef,
    args_slot: usize,
) -> Result<(), Fault> {
    // SAFETY: forwarded contract of this function.
    unsafe {
        if is_interpreted(callee) {
            let cvmctx = (*callee).vmctx as *mut u8;
            let cf = code_for(callee)?;
            let cfr = &*cf;
            if !take_room(r, cx, cfr, args_slot) {
                return Err(TrapCode::StackOverflow.into());
            }
            cx.frames.reserve(1);
            push_frame(r, cx, cf, cvmctx, (*callee).index, args_slot);
            enter_instance(r, cx, cvmctx);
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

/// A tail call: the callee replaces the running frame. A wasm callee's
/// frame starts where the running one did (the arguments at `args_slot`
/// move down to slot 0), so a chain of tail calls runs in constant space
/// and takes no level of the call-depth limit. That holds for a compiled
/// callee too: the interpreter runs its bytecode. Calling its native code
/// would nest, once per hop, every time the chain came back into the
/// interpreter through a compiled function's tail call of an interpreted
/// one (which is a call: the spec's million-deep chains ran out of call
/// depth while one of two mutually tail-calling functions was compiled in
/// the background). A host callee is called, and its results returned as
/// the running function's (validation makes them the same types).
///
/// Inlined, as `do_call`: a handler that passes its registers' address to
/// a function out of line can no longer tail call the next handler (the
/// native stack then grows with every instruction).
///
/// # Safety
/// As `do_call`.
#[inline(always)]
pub(super) unsafe fn do_tail_call(
    r: &mut Regs,
    cx: &mut Ctx<'_>,
    callee: *const VMFuncRef,
    args_slot: usize,
) -> Result<(), Fault> {
    // SAFETY: forwarded contract of this function; the running frame's
    // slots from `args_slot` hold the callee's arguments, and the callee's
    // frame is checked to fit the value stack from the running frame's base.
    unsafe {
        let interpreted = is_interpreted(callee);
        if interpreted || !(*callee).wasm_call.is_null() {
            let cvmctx = (*callee).vmctx as *mut u8;
            let cf = if interpreted { code_for(callee)? } else { bytecode_of(callee)? };
            let f = &*cf;
            if r.sp.wrapping_add(f.num_slots as usize) > cx.stack_end {
                return Err(TrapCode::StackOverflow.into());
            }
            core::ptr::copy(r.sp.add(args_slot), r.sp, f.num_params as usize);
            init_frame(r.sp, f);
            let cur = cx.frames.last_mut().expect("a frame is running");
            cur.func = cf;
            cur.vmctx = cvmctx;
            cur.func_index = (*callee).index;
            r.ip = f.code.as_ptr();
            cx.code = r.ip;
            enter_instance(r, cx, cvmctx);
            Ok(())
        } else {
            let cur = cx.frames.last_mut().expect("a frame is running");
            cur.ip = r.ip;
            let results = (*cur.func).num_results as usize;
            call_native(r.sp, cx, callee, args_slot)?;
            r.mem_base = cx.resume.mem_base;
            core::ptr::copy(r.sp.add(args_slot), r.sp, results);
            do_return(r, cx)
        }
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
pub(super) unsafe fn call_native(
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
pub(super) fn stop(cx: &mut Ctx<'_>, f: Fault) -> Done {
    match f {
        Fault::Returned => Done::Returned,
        f => {
            cx.fault = Some(f);
            Done::Faulted
        }
    }
}
