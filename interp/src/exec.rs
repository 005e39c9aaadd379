//! The dispatch loop.
//!
//! # The trusted-bytecode contract
//! Bytecode comes only from `translate` run on a module that `wasmparser`
//! validated. Therefore: every opcode byte is a valid `Opcode` followed by its
//! full operands; every `Slot` is below the function's `num_slots`; every
//! `Target` is the start of an instruction of the same function; global,
//! table, memory, segment and function indices and VMContext offsets are in
//! range for the instance running the code; operand types match the op.
//! Each frame has `num_slots` slots reserved on the value stack (checked when
//! the frame is pushed). Everything the guest controls at run time (addresses,
//! table indices, lengths, signatures, fuel, depth) is checked here.
//! `SAFETY: trusted bytecode` below refers to this contract.

use crate::translate::translate;
use std::sync::Arc;
use tandem_vm_core::bytecode::{CompiledFunc, Opcode, ops};
use tandem_vm_core::num;
use tandem_vm_core::store::{InstanceData, PendingTrap, StoreOpaque, TrapReason};
use tandem_vm_core::trap::{FrameInfo, TrapCode};
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
    _caller: *mut VMContext,
    args: *mut ValRaw,
    capacity: usize,
) -> bool {
    // SAFETY: per the contract, callee is a live record of an instance.
    let (vmctx, index) = unsafe { ((*callee).vmctx as *mut u8, (*callee).index) };
    // SAFETY: a defined function's vmctx starts with a VMContextHeader.
    let store = unsafe { (*(vmctx as *const VMContextHeader)).store as *mut StoreOpaque };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: forwarded contract of this function.
        unsafe { execute(store, vmctx, index, args, capacity) }
    }));
    match result {
        Ok(ok) => ok,
        Err(payload) => {
            // SAFETY: the store outlives every call into it.
            unsafe {
                (*store).pending = Some(PendingTrap { reason: TrapReason::Panic(payload), backtrace: Vec::new() })
            };
            false
        }
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

/// Bytecode of `func_index` in the instance of `vmctx`, translated on first use.
fn code_for(vmctx: *mut u8, func_index: u32) -> Result<*const CompiledFunc, TrapCode> {
    // SAFETY: the instance lives as long as its store, which outlives this call.
    let inst = unsafe { &*instance_of(vmctx) };
    let module = &inst.module;
    let def = func_index.checked_sub(module.env.num_imported_funcs).ok_or(TrapCode::TranslationFailed)?;
    let slot = module.code.get(def as usize).ok_or(TrapCode::TranslationFailed)?;
    match slot.get_or_init(|| translate(module, def).map(Arc::new)) {
        Ok(f) => Ok(Arc::as_ptr(f)),
        Err(_) => Err(TrapCode::TranslationFailed),
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
unsafe fn execute(store: *mut StoreOpaque, vmctx: *mut u8, index: u32, args: *mut ValRaw, capacity: usize) -> bool {
    // Host -> wasm -> host -> wasm re-entry uses native stack per activation:
    // bound it so deep re-entry traps instead of overflowing the thread's stack.
    let marker = 0u8;
    let here = &marker as *const u8 as usize;
    // SAFETY: the store outlives the call and no other reference to it is live.
    let (saved_top, limits, outermost) = unsafe {
        let s = &mut *store;
        if s.stack.is_empty() {
            match tandem_vm_core::alloc::try_zeroed_vec(s.max_stack_slots) {
                Some(stack) => s.stack = stack,
                None => {
                    s.pending =
                        Some(PendingTrap { reason: TrapReason::Wasm(TrapCode::StackOverflow), backtrace: Vec::new() });
                    return false;
                }
            }
        }
        let outermost = s.native_stack_limit == 0;
        if outermost {
            s.native_stack_limit = here.saturating_sub(s.max_native_stack).max(1);
        } else if here < s.native_stack_limit {
            s.pending = Some(PendingTrap { reason: TrapReason::Wasm(TrapCode::StackOverflow), backtrace: Vec::new() });
            return false;
        }
        (s.stack_top, &mut *s.limits as *mut VMRuntimeLimits, outermost)
    };
    // SAFETY: limits is the store's boxed limits.
    let saved_depth = unsafe { (*limits).depth_remaining };
    let mut frames: Vec<Frame> = Vec::new();
    let result = run(store, limits, &mut frames, vmctx, index, args, capacity);
    // SAFETY: as above.
    unsafe {
        (*store).stack_top = saved_top;
        (*limits).depth_remaining = saved_depth;
        if outermost {
            (*store).native_stack_limit = 0;
        }
    }
    match result {
        Ok(()) => true,
        Err(fault) => {
            let mut trace: Vec<FrameInfo> = frames.iter().rev().map(frame_info).collect();
            // SAFETY: as above.
            let s = unsafe { &mut *store };
            match fault {
                Fault::Trap(code) => {
                    s.pending = Some(PendingTrap { reason: TrapReason::Wasm(code), backtrace: trace });
                }
                Fault::Pending => {
                    let p = s.pending.get_or_insert_with(|| PendingTrap {
                        reason: TrapReason::Host("callee failed without reporting a trap".into()),
                        backtrace: Vec::new(),
                    });
                    p.backtrace.append(&mut trace);
                }
            }
            false
        }
    }
}

fn frame_info(f: &Frame) -> FrameInfo {
    // SAFETY: the frame's instance is alive (owned by the store).
    let inst = unsafe { &*instance_of(f.vmctx) };
    let env = &inst.module.env;
    FrameInfo {
        func_index: f.func_index,
        func_name: env.func_name(f.func_index).map(str::to_string),
        module_name: env.names.module.clone(),
    }
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
fn range_ok(start: u64, len: u64, size: u64) -> bool {
    start.checked_add(len).is_some_and(|end| end <= size)
}

#[allow(clippy::too_many_arguments)]
fn run(
    store: *mut StoreOpaque,
    limits: *mut VMRuntimeLimits,
    frames: &mut Vec<Frame>,
    entry_vmctx: *mut u8,
    entry_index: u32,
    args: *mut ValRaw,
    capacity: usize,
) -> Result<(), Fault> {
    // SAFETY: everything in this function relies on the trusted-bytecode
    // contract (module docs) and on the store outliving the call with no
    // other live reference to it; each raw access below cites one of these.
    unsafe {
        let stack_base: *mut ValRaw = (*store).stack.as_mut_ptr();
        let stack_len = (*store).stack.len();
        let entry = code_for(entry_vmctx, entry_index)?;
        let base = (*store).stack_top;
        let f = &*entry;
        if base + f.num_slots as usize > stack_len || (*limits).depth_remaining == 0 {
            frames.push(Frame { func: entry, vmctx: entry_vmctx, base, ip: f.code.as_ptr(), func_index: entry_index });
            return Err(TrapCode::StackOverflow.into());
        }
        (*limits).depth_remaining -= 1;
        let mut sp = stack_base.add(base);
        let nparams = (f.num_params as usize).min(capacity);
        core::ptr::copy_nonoverlapping(args, sp, nparams);
        for i in f.num_params as usize..f.num_locals as usize {
            *sp.add(i) = ValRaw(0);
        }
        frames.push(Frame { func: entry, vmctx: entry_vmctx, base, ip: f.code.as_ptr(), func_index: entry_index });
        let mut vmctx = entry_vmctx;
        let mut ip: *const u8 = f.code.as_ptr();
        let mut code: *const u8 = ip;
        let (mut mem_base, mut mem_len) = memory_of(vmctx);

        macro_rules! get {
            ($s:expr) => {
                *sp.add($s as usize)
            };
        }
        macro_rules! set {
            ($s:expr, $v:expr) => {
                *sp.add($s as usize) = $v
            };
        }
        macro_rules! operands {
            ($Op:ident) => {{
                let o = ops::$Op::read(ip);
                ip = ip.add(ops::$Op::SIZE);
                o
            }};
        }
        macro_rules! binop {
            ($Op:ident, $get:ident, |$a:ident, $b:ident| $e:expr) => {{
                let o = operands!($Op);
                let $a = get!(o.lhs).$get();
                let $b = get!(o.rhs).$get();
                set!(o.dst, $e);
            }};
        }
        macro_rules! unop {
            ($Op:ident, $get:ident, |$a:ident| $e:expr) => {{
                let o = operands!($Op);
                let $a = get!(o.src).$get();
                set!(o.dst, $e);
            }};
        }
        macro_rules! load {
            ($Op:ident, $n:literal, |$b:ident| $e:expr) => {{
                let o = operands!($Op);
                let ea = bounds(mem_len, get!(o.addr).get_u32(), o.offset, $n)?;
                let $b: [u8; $n] = core::ptr::read_unaligned(mem_base.add(ea) as *const [u8; $n]);
                set!(o.dst, $e);
            }};
        }
        macro_rules! store {
            ($Op:ident, $n:literal, |$v:ident| $e:expr) => {{
                let o = operands!($Op);
                let ea = bounds(mem_len, get!(o.addr).get_u32(), o.offset, $n)?;
                let $v = get!(o.value);
                let bytes: [u8; $n] = $e;
                core::ptr::write_unaligned(mem_base.add(ea) as *mut [u8; $n], bytes);
            }};
        }
        macro_rules! br_cmp {
            ($Op:ident, $get:ident, $cmp:tt) => {{
                let o = operands!($Op);
                if get!(o.lhs).$get() $cmp get!(o.rhs).$get() {
                    ip = code.add(o.target as usize);
                }
            }};
        }
        // A call: push an interpreter frame, or call the entry natively.
        macro_rules! call {
            ($callee:expr, $args:expr) => {{
                let callee: *const VMFuncRef = $callee;
                let args_slot = $args as usize;
                let cur = frames.last_mut().expect("a frame is running");
                cur.ip = ip;
                if is_interpreted(callee) {
                    let cvmctx = (*callee).vmctx as *mut u8;
                    let cindex = (*callee).index;
                    let cf = code_for(cvmctx, cindex)?;
                    let new_base = cur.base + args_slot;
                    let cfr = &*cf;
                    if new_base + cfr.num_slots as usize > stack_len || (*limits).depth_remaining == 0 {
                        return Err(TrapCode::StackOverflow.into());
                    }
                    (*limits).depth_remaining -= 1;
                    sp = stack_base.add(new_base);
                    for i in cfr.num_params as usize..cfr.num_locals as usize {
                        *sp.add(i) = ValRaw(0);
                    }
                    frames.push(Frame {
                        func: cf,
                        vmctx: cvmctx,
                        base: new_base,
                        ip: cfr.code.as_ptr(),
                        func_index: cindex,
                    });
                    if cvmctx != vmctx {
                        vmctx = cvmctx;
                        (mem_base, mem_len) = memory_of(vmctx);
                    }
                    ip = cfr.code.as_ptr();
                    code = ip;
                } else {
                    let cap = (*cur.func).num_slots as usize - args_slot;
                    (*store).stack_top = cur.base + (*cur.func).num_slots as usize;
                    let ok = ((*callee).array_call)(callee, vmctx as *mut VMContext, sp.add(args_slot), cap);
                    if !ok {
                        return Err(Fault::Pending);
                    }
                    (mem_base, mem_len) = memory_of(vmctx);
                }
            }};
        }

        loop {
            match Opcode::from_u8_unchecked(*ip) {
                Opcode::Unreachable => return Err(TrapCode::Unreachable.into()),
                Opcode::ConsumeFuel => {
                    let o = operands!(ConsumeFuel);
                    let fuel = &mut (*limits).fuel;
                    if *fuel < o.amount as u64 {
                        *fuel = 0;
                        return Err(TrapCode::OutOfFuel.into());
                    }
                    *fuel -= o.amount as u64;
                }
                Opcode::Br => {
                    let o = ops::Br::read(ip);
                    ip = code.add(o.target as usize);
                }
                Opcode::BrIfNez => {
                    let o = operands!(BrIfNez);
                    if get!(o.cond).get_u32() != 0 {
                        ip = code.add(o.target as usize);
                    }
                }
                Opcode::BrIfEqz => {
                    let o = operands!(BrIfEqz);
                    if get!(o.cond).get_u32() == 0 {
                        ip = code.add(o.target as usize);
                    }
                }
                Opcode::BrI32Eq => br_cmp!(BrI32Eq, get_i32, ==),
                Opcode::BrI32Ne => br_cmp!(BrI32Ne, get_i32, !=),
                Opcode::BrI32LtS => br_cmp!(BrI32LtS, get_i32, <),
                Opcode::BrI32LtU => br_cmp!(BrI32LtU, get_u32, <),
                Opcode::BrI32GtS => br_cmp!(BrI32GtS, get_i32, >),
                Opcode::BrI32GtU => br_cmp!(BrI32GtU, get_u32, >),
                Opcode::BrI32LeS => br_cmp!(BrI32LeS, get_i32, <=),
                Opcode::BrI32LeU => br_cmp!(BrI32LeU, get_u32, <=),
                Opcode::BrI32GeS => br_cmp!(BrI32GeS, get_i32, >=),
                Opcode::BrI32GeU => br_cmp!(BrI32GeU, get_u32, >=),
                Opcode::BrI64Eq => br_cmp!(BrI64Eq, get_i64, ==),
                Opcode::BrI64Ne => br_cmp!(BrI64Ne, get_i64, !=),
                Opcode::BrI64LtS => br_cmp!(BrI64LtS, get_i64, <),
                Opcode::BrI64LtU => br_cmp!(BrI64LtU, get_u64, <),
                Opcode::BrI64GtS => br_cmp!(BrI64GtS, get_i64, >),
                Opcode::BrI64GtU => br_cmp!(BrI64GtU, get_u64, >),
                Opcode::BrI64LeS => br_cmp!(BrI64LeS, get_i64, <=),
                Opcode::BrI64LeU => br_cmp!(BrI64LeU, get_u64, <=),
                Opcode::BrI64GeS => br_cmp!(BrI64GeS, get_i64, >=),
                Opcode::BrI64GeU => br_cmp!(BrI64GeU, get_u64, >=),
                Opcode::BrTable => {
                    let o = ops::BrTable::read(ip);
                    let i = get!(o.index).get_u32().min(o.len) as usize;
                    let at = ip.add(ops::BrTable::SIZE + i * 4);
                    let target = u32::from_le_bytes(core::ptr::read_unaligned(at as *const [u8; 4]));
                    ip = code.add(target as usize);
                }
                Opcode::Return => {
                    frames.pop();
                    (*limits).depth_remaining += 1;
                    match frames.last() {
                        None => {
                            let f = &*entry;
                            let n = (f.num_results as usize).min(capacity);
                            core::ptr::copy_nonoverlapping(sp, args, n);
                            return Ok(());
                        }
                        Some(caller) => {
                            sp = stack_base.add(caller.base);
                            ip = caller.ip;
                            code = (*caller.func).code.as_ptr();
                            if caller.vmctx != vmctx {
                                vmctx = caller.vmctx;
                            }
                            (mem_base, mem_len) = memory_of(vmctx);
                        }
                    }
                }
                Opcode::Call => {
                    let o = operands!(Call);
                    let callee = (*instance_of(vmctx)).func_ref(o.func);
                    call!(callee, o.args);
                }
                Opcode::CallIndirect => {
                    let o = operands!(CallIndirect);
                    let t = table_def(vmctx, o.table);
                    let i = get!(o.index).get_u32() as usize;
                    if i >= (*t).current_elements {
                        return Err(TrapCode::TableOutOfBounds.into());
                    }
                    let callee = (*(*t).base.add(i)).0 as *const VMFuncRef;
                    if callee.is_null() {
                        return Err(TrapCode::IndirectCallToNull.into());
                    }
                    if (*callee).sig != o.sig {
                        return Err(TrapCode::BadSignature.into());
                    }
                    call!(callee, o.args);
                }
                Opcode::Copy => {
                    let o = operands!(Copy);
                    set!(o.dst, get!(o.src));
                }
                Opcode::Const32 => {
                    let o = operands!(Const32);
                    set!(o.dst, ValRaw(o.imm as u64));
                }
                Opcode::Const64 => {
                    let o = operands!(Const64);
                    set!(o.dst, ValRaw(o.imm));
                }
                Opcode::Select => {
                    let o = operands!(Select);
                    let v = if get!(o.cond).get_u32() != 0 { get!(o.a) } else { get!(o.b) };
                    set!(o.dst, v);
                }
                Opcode::GlobalGet => {
                    let o = operands!(GlobalGet);
                    set!(o.dst, (*(vmctx.add(o.offset as usize) as *const VMGlobalDefinition)).value);
                }
                Opcode::GlobalSet => {
                    let o = operands!(GlobalSet);
                    (*(vmctx.add(o.offset as usize) as *mut VMGlobalDefinition)).value = get!(o.src);
                }
                Opcode::GlobalGetImported => {
                    let o = operands!(GlobalGetImported);
                    let p = *(vmctx.add(o.offset as usize) as *const *const VMGlobalDefinition);
                    set!(o.dst, (*p).value);
                }
                Opcode::GlobalSetImported => {
                    let o = operands!(GlobalSetImported);
                    let p = *(vmctx.add(o.offset as usize) as *const *mut VMGlobalDefinition);
                    (*p).value = get!(o.src);
                }
                Opcode::I32Load => load!(I32Load, 4, |b| ValRaw(u32::from_le_bytes(b) as u64)),
                Opcode::I64Load => load!(I64Load, 8, |b| ValRaw(u64::from_le_bytes(b))),
                Opcode::F32Load => load!(F32Load, 4, |b| ValRaw(u32::from_le_bytes(b) as u64)),
                Opcode::F64Load => load!(F64Load, 8, |b| ValRaw(u64::from_le_bytes(b))),
                Opcode::I32Load8S => load!(I32Load8S, 1, |b| ValRaw::i32(b[0] as i8 as i32)),
                Opcode::I32Load8U => load!(I32Load8U, 1, |b| ValRaw(b[0] as u64)),
                Opcode::I32Load16S => load!(I32Load16S, 2, |b| ValRaw::i32(i16::from_le_bytes(b) as i32)),
                Opcode::I32Load16U => load!(I32Load16U, 2, |b| ValRaw(u16::from_le_bytes(b) as u64)),
                Opcode::I64Load8S => load!(I64Load8S, 1, |b| ValRaw::i64(b[0] as i8 as i64)),
                Opcode::I64Load8U => load!(I64Load8U, 1, |b| ValRaw(b[0] as u64)),
                Opcode::I64Load16S => load!(I64Load16S, 2, |b| ValRaw::i64(i16::from_le_bytes(b) as i64)),
                Opcode::I64Load16U => load!(I64Load16U, 2, |b| ValRaw(u16::from_le_bytes(b) as u64)),
                Opcode::I64Load32S => load!(I64Load32S, 4, |b| ValRaw::i64(i32::from_le_bytes(b) as i64)),
                Opcode::I64Load32U => load!(I64Load32U, 4, |b| ValRaw(u32::from_le_bytes(b) as u64)),
                Opcode::I32Store => store!(I32Store, 4, |v| v.get_u32().to_le_bytes()),
                Opcode::I64Store => store!(I64Store, 8, |v| v.0.to_le_bytes()),
                Opcode::F32Store => store!(F32Store, 4, |v| v.get_u32().to_le_bytes()),
                Opcode::F64Store => store!(F64Store, 8, |v| v.0.to_le_bytes()),
                Opcode::I32Store8 => store!(I32Store8, 1, |v| [v.0 as u8]),
                Opcode::I32Store16 => store!(I32Store16, 2, |v| (v.0 as u16).to_le_bytes()),
                Opcode::I64Store8 => store!(I64Store8, 1, |v| [v.0 as u8]),
                Opcode::I64Store16 => store!(I64Store16, 2, |v| (v.0 as u16).to_le_bytes()),
                Opcode::I64Store32 => store!(I64Store32, 4, |v| (v.0 as u32).to_le_bytes()),
                Opcode::MemorySize => {
                    let o = operands!(MemorySize);
                    set!(o.dst, ValRaw((mem_len as u64) / 65536));
                }
                Opcode::MemoryGrow => {
                    let o = operands!(MemoryGrow);
                    let delta = get!(o.delta).get_u32() as u64;
                    let mem = (&(*instance_of(vmctx)).memories)[0];
                    let r = (*store).grow_memory(mem, delta);
                    set!(o.dst, ValRaw::i32(r.map(|old| old as i32).unwrap_or(-1)));
                    (mem_base, mem_len) = memory_of(vmctx);
                }
                Opcode::MemoryFill => {
                    let o = operands!(MemoryFill);
                    let (d, v, n) = (get!(o.dst).get_u32() as u64, get!(o.value).0 as u8, get!(o.len).get_u32() as u64);
                    if !range_ok(d, n, mem_len as u64) {
                        return Err(TrapCode::MemoryOutOfBounds.into());
                    }
                    core::ptr::write_bytes(mem_base.add(d as usize), v, n as usize);
                }
                Opcode::MemoryCopy => {
                    let o = operands!(MemoryCopy);
                    let (d, s, n) =
                        (get!(o.dst).get_u32() as u64, get!(o.src).get_u32() as u64, get!(o.len).get_u32() as u64);
                    if !range_ok(d, n, mem_len as u64) || !range_ok(s, n, mem_len as u64) {
                        return Err(TrapCode::MemoryOutOfBounds.into());
                    }
                    core::ptr::copy(mem_base.add(s as usize), mem_base.add(d as usize), n as usize);
                }
                Opcode::MemoryInit => {
                    let o = operands!(MemoryInit);
                    let inst = &*instance_of(vmctx);
                    let seg = &inst.module.env.datas[o.data as usize];
                    let bytes: &[u8] = if inst.datas_dropped[o.data as usize] {
                        &[]
                    } else {
                        &inst.module.env.bytes[seg.bytes.clone()]
                    };
                    let (d, s, n) =
                        (get!(o.dst).get_u32() as u64, get!(o.src).get_u32() as u64, get!(o.len).get_u32() as u64);
                    if !range_ok(d, n, mem_len as u64) || !range_ok(s, n, bytes.len() as u64) {
                        return Err(TrapCode::MemoryOutOfBounds.into());
                    }
                    core::ptr::copy_nonoverlapping(
                        bytes.as_ptr().add(s as usize),
                        mem_base.add(d as usize),
                        n as usize,
                    );
                }
                Opcode::DataDrop => {
                    let o = operands!(DataDrop);
                    (&mut (*instance_of(vmctx)).datas_dropped)[o.data as usize] = true;
                }
                Opcode::TableGet => {
                    let o = operands!(TableGet);
                    let t = table_def(vmctx, o.table);
                    let i = get!(o.index).get_u32() as usize;
                    if i >= (*t).current_elements {
                        return Err(TrapCode::TableOutOfBounds.into());
                    }
                    set!(o.dst, *(*t).base.add(i));
                }
                Opcode::TableSet => {
                    let o = operands!(TableSet);
                    let t = table_def(vmctx, o.table);
                    let i = get!(o.index).get_u32() as usize;
                    if i >= (*t).current_elements {
                        return Err(TrapCode::TableOutOfBounds.into());
                    }
                    *(*t).base.add(i) = get!(o.value);
                }
                Opcode::TableSize => {
                    let o = operands!(TableSize);
                    let t = table_def(vmctx, o.table);
                    set!(o.dst, ValRaw((*t).current_elements as u64));
                }
                Opcode::TableGrow => {
                    let o = operands!(TableGrow);
                    let id = (&(*instance_of(vmctx)).tables)[o.table as usize];
                    let r = (*store).grow_table(id, get!(o.delta).get_u32() as u64, get!(o.init));
                    set!(o.dst, ValRaw::i32(r.map(|old| old as i32).unwrap_or(-1)));
                }
                Opcode::TableFill => {
                    let o = operands!(TableFill);
                    let t = table_def(vmctx, o.table);
                    let (d, n) = (get!(o.dst).get_u32() as u64, get!(o.len).get_u32() as u64);
                    if !range_ok(d, n, (*t).current_elements as u64) {
                        return Err(TrapCode::TableOutOfBounds.into());
                    }
                    let v = get!(o.value);
                    for k in 0..n as usize {
                        *(*t).base.add(d as usize + k) = v;
                    }
                }
                Opcode::TableCopy => {
                    let o = operands!(TableCopy);
                    let td = table_def(vmctx, o.dst_table);
                    let ts = table_def(vmctx, o.src_table);
                    let (d, s, n) =
                        (get!(o.dst).get_u32() as u64, get!(o.src).get_u32() as u64, get!(o.len).get_u32() as u64);
                    if !range_ok(d, n, (*td).current_elements as u64) || !range_ok(s, n, (*ts).current_elements as u64)
                    {
                        return Err(TrapCode::TableOutOfBounds.into());
                    }
                    core::ptr::copy((*ts).base.add(s as usize), (*td).base.add(d as usize), n as usize);
                }
                Opcode::TableInit => {
                    let o = operands!(TableInit);
                    let inst = &*instance_of(vmctx);
                    let items = &inst.elems[o.elem as usize];
                    let t = table_def(vmctx, o.table);
                    let (d, s, n) =
                        (get!(o.dst).get_u32() as u64, get!(o.src).get_u32() as u64, get!(o.len).get_u32() as u64);
                    if !range_ok(d, n, (*t).current_elements as u64) || !range_ok(s, n, items.len() as u64) {
                        return Err(TrapCode::TableOutOfBounds.into());
                    }
                    core::ptr::copy_nonoverlapping(
                        items.as_ptr().add(s as usize),
                        (*t).base.add(d as usize),
                        n as usize,
                    );
                }
                Opcode::ElemDrop => {
                    let o = operands!(ElemDrop);
                    (&mut (*instance_of(vmctx)).elems)[o.elem as usize] = Vec::new();
                }
                Opcode::RefFunc => {
                    let o = operands!(RefFunc);
                    set!(o.dst, ValRaw((*instance_of(vmctx)).func_ref(o.func) as u64));
                }
                Opcode::RefIsNull => unop!(RefIsNull, get_i64, |a| ValRaw((a == 0) as u64)),
                // --- i32 ---
                Opcode::I32Add => binop!(I32Add, get_i32, |a, b| ValRaw::i32(a.wrapping_add(b))),
                Opcode::I32AddImm => {
                    let o = operands!(I32AddImm);
                    set!(o.dst, ValRaw::i32(get!(o.lhs).get_i32().wrapping_add(o.imm as i32)));
                }
                Opcode::I32Sub => binop!(I32Sub, get_i32, |a, b| ValRaw::i32(a.wrapping_sub(b))),
                Opcode::I32Mul => binop!(I32Mul, get_i32, |a, b| ValRaw::i32(a.wrapping_mul(b))),
                Opcode::I32DivS => binop!(I32DivS, get_i32, |a, b| ValRaw::i32(num::i32_div_s(a, b)?)),
                Opcode::I32DivU => binop!(I32DivU, get_u32, |a, b| ValRaw(num::i32_div_u(a, b)? as u64)),
                Opcode::I32RemS => binop!(I32RemS, get_i32, |a, b| ValRaw::i32(num::i32_rem_s(a, b)?)),
                Opcode::I32RemU => binop!(I32RemU, get_u32, |a, b| ValRaw(num::i32_rem_u(a, b)? as u64)),
                Opcode::I32And => binop!(I32And, get_u32, |a, b| ValRaw((a & b) as u64)),
                Opcode::I32Or => binop!(I32Or, get_u32, |a, b| ValRaw((a | b) as u64)),
                Opcode::I32Xor => binop!(I32Xor, get_u32, |a, b| ValRaw((a ^ b) as u64)),
                Opcode::I32Shl => binop!(I32Shl, get_u32, |a, b| ValRaw(a.wrapping_shl(b) as u64)),
                Opcode::I32ShrS => binop!(I32ShrS, get_i32, |a, b| ValRaw::i32(a.wrapping_shr(b as u32))),
                Opcode::I32ShrU => binop!(I32ShrU, get_u32, |a, b| ValRaw(a.wrapping_shr(b) as u64)),
                Opcode::I32Rotl => binop!(I32Rotl, get_u32, |a, b| ValRaw(a.rotate_left(b & 31) as u64)),
                Opcode::I32Rotr => binop!(I32Rotr, get_u32, |a, b| ValRaw(a.rotate_right(b & 31) as u64)),
                Opcode::I32Eq => binop!(I32Eq, get_u32, |a, b| ValRaw((a == b) as u64)),
                Opcode::I32Ne => binop!(I32Ne, get_u32, |a, b| ValRaw((a != b) as u64)),
                Opcode::I32LtS => binop!(I32LtS, get_i32, |a, b| ValRaw((a < b) as u64)),
                Opcode::I32LtU => binop!(I32LtU, get_u32, |a, b| ValRaw((a < b) as u64)),
                Opcode::I32GtS => binop!(I32GtS, get_i32, |a, b| ValRaw((a > b) as u64)),
                Opcode::I32GtU => binop!(I32GtU, get_u32, |a, b| ValRaw((a > b) as u64)),
                Opcode::I32LeS => binop!(I32LeS, get_i32, |a, b| ValRaw((a <= b) as u64)),
                Opcode::I32LeU => binop!(I32LeU, get_u32, |a, b| ValRaw((a <= b) as u64)),
                Opcode::I32GeS => binop!(I32GeS, get_i32, |a, b| ValRaw((a >= b) as u64)),
                Opcode::I32GeU => binop!(I32GeU, get_u32, |a, b| ValRaw((a >= b) as u64)),
                Opcode::I32Clz => unop!(I32Clz, get_u32, |a| ValRaw(a.leading_zeros() as u64)),
                Opcode::I32Ctz => unop!(I32Ctz, get_u32, |a| ValRaw(a.trailing_zeros() as u64)),
                Opcode::I32Popcnt => unop!(I32Popcnt, get_u32, |a| ValRaw(a.count_ones() as u64)),
                Opcode::I32Eqz => unop!(I32Eqz, get_u32, |a| ValRaw((a == 0) as u64)),
                Opcode::I32Extend8S => unop!(I32Extend8S, get_u32, |a| ValRaw::i32(a as i8 as i32)),
                Opcode::I32Extend16S => unop!(I32Extend16S, get_u32, |a| ValRaw::i32(a as i16 as i32)),
                Opcode::I32WrapI64 => unop!(I32WrapI64, get_u32, |a| ValRaw(a as u64)),
                Opcode::I32TruncF32S => unop!(I32TruncF32S, get_f32, |a| ValRaw::i32(num::i32_trunc_f32_s(a)?)),
                Opcode::I32TruncF32U => unop!(I32TruncF32U, get_f32, |a| ValRaw(num::i32_trunc_f32_u(a)? as u64)),
                Opcode::I32TruncF64S => unop!(I32TruncF64S, get_f64, |a| ValRaw::i32(num::i32_trunc_f64_s(a)?)),
                Opcode::I32TruncF64U => unop!(I32TruncF64U, get_f64, |a| ValRaw(num::i32_trunc_f64_u(a)? as u64)),
                Opcode::I32TruncSatF32S => unop!(I32TruncSatF32S, get_f32, |a| ValRaw::i32(a as i32)),
                Opcode::I32TruncSatF32U => unop!(I32TruncSatF32U, get_f32, |a| ValRaw(a as u32 as u64)),
                Opcode::I32TruncSatF64S => unop!(I32TruncSatF64S, get_f64, |a| ValRaw::i32(a as i32)),
                Opcode::I32TruncSatF64U => unop!(I32TruncSatF64U, get_f64, |a| ValRaw(a as u32 as u64)),
                // --- i64 ---
                Opcode::I64Add => binop!(I64Add, get_i64, |a, b| ValRaw::i64(a.wrapping_add(b))),
                Opcode::I64AddImm => {
                    let o = operands!(I64AddImm);
                    set!(o.dst, ValRaw(get!(o.lhs).0.wrapping_add(o.imm)));
                }
                Opcode::I64Sub => binop!(I64Sub, get_i64, |a, b| ValRaw::i64(a.wrapping_sub(b))),
                Opcode::I64Mul => binop!(I64Mul, get_i64, |a, b| ValRaw::i64(a.wrapping_mul(b))),
                Opcode::I64DivS => binop!(I64DivS, get_i64, |a, b| ValRaw::i64(num::i64_div_s(a, b)?)),
                Opcode::I64DivU => binop!(I64DivU, get_i64, |a, b| ValRaw(num::i64_div_u(a as u64, b as u64)?)),
                Opcode::I64RemS => binop!(I64RemS, get_i64, |a, b| ValRaw::i64(num::i64_rem_s(a, b)?)),
                Opcode::I64RemU => binop!(I64RemU, get_i64, |a, b| ValRaw(num::i64_rem_u(a as u64, b as u64)?)),
                Opcode::I64And => binop!(I64And, get_i64, |a, b| ValRaw::i64(a & b)),
                Opcode::I64Or => binop!(I64Or, get_i64, |a, b| ValRaw::i64(a | b)),
                Opcode::I64Xor => binop!(I64Xor, get_i64, |a, b| ValRaw::i64(a ^ b)),
                Opcode::I64Shl => binop!(I64Shl, get_i64, |a, b| ValRaw::i64(a.wrapping_shl(b as u32))),
                Opcode::I64ShrS => binop!(I64ShrS, get_i64, |a, b| ValRaw::i64(a.wrapping_shr(b as u32))),
                Opcode::I64ShrU => binop!(I64ShrU, get_i64, |a, b| ValRaw((a as u64).wrapping_shr(b as u32))),
                Opcode::I64Rotl => binop!(I64Rotl, get_i64, |a, b| ValRaw((a as u64).rotate_left((b & 63) as u32))),
                Opcode::I64Rotr => binop!(I64Rotr, get_i64, |a, b| ValRaw((a as u64).rotate_right((b & 63) as u32))),
                Opcode::I64Eq => binop!(I64Eq, get_i64, |a, b| ValRaw((a == b) as u64)),
                Opcode::I64Ne => binop!(I64Ne, get_i64, |a, b| ValRaw((a != b) as u64)),
                Opcode::I64LtS => binop!(I64LtS, get_i64, |a, b| ValRaw((a < b) as u64)),
                Opcode::I64LtU => binop!(I64LtU, get_i64, |a, b| ValRaw(((a as u64) < (b as u64)) as u64)),
                Opcode::I64GtS => binop!(I64GtS, get_i64, |a, b| ValRaw((a > b) as u64)),
                Opcode::I64GtU => binop!(I64GtU, get_i64, |a, b| ValRaw(((a as u64) > (b as u64)) as u64)),
                Opcode::I64LeS => binop!(I64LeS, get_i64, |a, b| ValRaw((a <= b) as u64)),
                Opcode::I64LeU => binop!(I64LeU, get_i64, |a, b| ValRaw(((a as u64) <= (b as u64)) as u64)),
                Opcode::I64GeS => binop!(I64GeS, get_i64, |a, b| ValRaw((a >= b) as u64)),
                Opcode::I64GeU => binop!(I64GeU, get_i64, |a, b| ValRaw(((a as u64) >= (b as u64)) as u64)),
                Opcode::I64Clz => unop!(I64Clz, get_i64, |a| ValRaw(a.leading_zeros() as u64)),
                Opcode::I64Ctz => unop!(I64Ctz, get_i64, |a| ValRaw(a.trailing_zeros() as u64)),
                Opcode::I64Popcnt => unop!(I64Popcnt, get_i64, |a| ValRaw(a.count_ones() as u64)),
                Opcode::I64Eqz => unop!(I64Eqz, get_i64, |a| ValRaw((a == 0) as u64)),
                Opcode::I64Extend8S => unop!(I64Extend8S, get_i64, |a| ValRaw::i64(a as i8 as i64)),
                Opcode::I64Extend16S => unop!(I64Extend16S, get_i64, |a| ValRaw::i64(a as i16 as i64)),
                Opcode::I64Extend32S => unop!(I64Extend32S, get_i64, |a| ValRaw::i64(a as i32 as i64)),
                Opcode::I64ExtendI32S => unop!(I64ExtendI32S, get_i32, |a| ValRaw::i64(a as i64)),
                Opcode::I64ExtendI32U => unop!(I64ExtendI32U, get_u32, |a| ValRaw(a as u64)),
                Opcode::I64TruncF32S => unop!(I64TruncF32S, get_f32, |a| ValRaw::i64(num::i64_trunc_f32_s(a)?)),
                Opcode::I64TruncF32U => unop!(I64TruncF32U, get_f32, |a| ValRaw(num::i64_trunc_f32_u(a)?)),
                Opcode::I64TruncF64S => unop!(I64TruncF64S, get_f64, |a| ValRaw::i64(num::i64_trunc_f64_s(a)?)),
                Opcode::I64TruncF64U => unop!(I64TruncF64U, get_f64, |a| ValRaw(num::i64_trunc_f64_u(a)?)),
                Opcode::I64TruncSatF32S => unop!(I64TruncSatF32S, get_f32, |a| ValRaw::i64(a as i64)),
                Opcode::I64TruncSatF32U => unop!(I64TruncSatF32U, get_f32, |a| ValRaw(a as u64)),
                Opcode::I64TruncSatF64S => unop!(I64TruncSatF64S, get_f64, |a| ValRaw::i64(a as i64)),
                Opcode::I64TruncSatF64U => unop!(I64TruncSatF64U, get_f64, |a| ValRaw(a as u64)),
                // --- f32 ---
                Opcode::F32Add => binop!(F32Add, get_f32, |a, b| f32v(a + b)),
                Opcode::F32Sub => binop!(F32Sub, get_f32, |a, b| f32v(a - b)),
                Opcode::F32Mul => binop!(F32Mul, get_f32, |a, b| f32v(a * b)),
                Opcode::F32Div => binop!(F32Div, get_f32, |a, b| f32v(a / b)),
                Opcode::F32Min => binop!(F32Min, get_f32, |a, b| f32v(num::f32_min(a, b))),
                Opcode::F32Max => binop!(F32Max, get_f32, |a, b| f32v(num::f32_max(a, b))),
                Opcode::F32Copysign => binop!(F32Copysign, get_f32, |a, b| f32v(a.copysign(b))),
                Opcode::F32Eq => binop!(F32Eq, get_f32, |a, b| ValRaw((a == b) as u64)),
                Opcode::F32Ne => binop!(F32Ne, get_f32, |a, b| ValRaw((a != b) as u64)),
                Opcode::F32Lt => binop!(F32Lt, get_f32, |a, b| ValRaw((a < b) as u64)),
                Opcode::F32Gt => binop!(F32Gt, get_f32, |a, b| ValRaw((a > b) as u64)),
                Opcode::F32Le => binop!(F32Le, get_f32, |a, b| ValRaw((a <= b) as u64)),
                Opcode::F32Ge => binop!(F32Ge, get_f32, |a, b| ValRaw((a >= b) as u64)),
                Opcode::F32Abs => unop!(F32Abs, get_f32, |a| f32v(a.abs())),
                Opcode::F32Neg => unop!(F32Neg, get_f32, |a| f32v(-a)),
                Opcode::F32Ceil => unop!(F32Ceil, get_f32, |a| f32v(num::f32_ceil(a))),
                Opcode::F32Floor => unop!(F32Floor, get_f32, |a| f32v(num::f32_floor(a))),
                Opcode::F32Trunc => unop!(F32Trunc, get_f32, |a| f32v(num::f32_trunc(a))),
                Opcode::F32Nearest => unop!(F32Nearest, get_f32, |a| f32v(num::f32_nearest(a))),
                Opcode::F32Sqrt => unop!(F32Sqrt, get_f32, |a| f32v(a.sqrt())),
                Opcode::F32ConvertI32S => unop!(F32ConvertI32S, get_i32, |a| f32v(a as f32)),
                Opcode::F32ConvertI32U => unop!(F32ConvertI32U, get_u32, |a| f32v(a as f32)),
                Opcode::F32ConvertI64S => unop!(F32ConvertI64S, get_i64, |a| f32v(a as f32)),
                Opcode::F32ConvertI64U => unop!(F32ConvertI64U, get_i64, |a| f32v(num::f32_convert_u64(a as u64))),
                Opcode::F32DemoteF64 => unop!(F32DemoteF64, get_f64, |a| f32v(a as f32)),
                // --- f64 ---
                Opcode::F64Add => binop!(F64Add, get_f64, |a, b| f64v(a + b)),
                Opcode::F64Sub => binop!(F64Sub, get_f64, |a, b| f64v(a - b)),
                Opcode::F64Mul => binop!(F64Mul, get_f64, |a, b| f64v(a * b)),
                Opcode::F64Div => binop!(F64Div, get_f64, |a, b| f64v(a / b)),
                Opcode::F64Min => binop!(F64Min, get_f64, |a, b| f64v(num::f64_min(a, b))),
                Opcode::F64Max => binop!(F64Max, get_f64, |a, b| f64v(num::f64_max(a, b))),
                Opcode::F64Copysign => binop!(F64Copysign, get_f64, |a, b| f64v(a.copysign(b))),
                Opcode::F64Eq => binop!(F64Eq, get_f64, |a, b| ValRaw((a == b) as u64)),
                Opcode::F64Ne => binop!(F64Ne, get_f64, |a, b| ValRaw((a != b) as u64)),
                Opcode::F64Lt => binop!(F64Lt, get_f64, |a, b| ValRaw((a < b) as u64)),
                Opcode::F64Gt => binop!(F64Gt, get_f64, |a, b| ValRaw((a > b) as u64)),
                Opcode::F64Le => binop!(F64Le, get_f64, |a, b| ValRaw((a <= b) as u64)),
                Opcode::F64Ge => binop!(F64Ge, get_f64, |a, b| ValRaw((a >= b) as u64)),
                Opcode::F64Abs => unop!(F64Abs, get_f64, |a| f64v(a.abs())),
                Opcode::F64Neg => unop!(F64Neg, get_f64, |a| f64v(-a)),
                Opcode::F64Ceil => unop!(F64Ceil, get_f64, |a| f64v(num::f64_ceil(a))),
                Opcode::F64Floor => unop!(F64Floor, get_f64, |a| f64v(num::f64_floor(a))),
                Opcode::F64Trunc => unop!(F64Trunc, get_f64, |a| f64v(num::f64_trunc(a))),
                Opcode::F64Nearest => unop!(F64Nearest, get_f64, |a| f64v(num::f64_nearest(a))),
                Opcode::F64Sqrt => unop!(F64Sqrt, get_f64, |a| f64v(a.sqrt())),
                Opcode::F64ConvertI32S => unop!(F64ConvertI32S, get_i32, |a| f64v(a as f64)),
                Opcode::F64ConvertI32U => unop!(F64ConvertI32U, get_u32, |a| f64v(a as f64)),
                Opcode::F64ConvertI64S => unop!(F64ConvertI64S, get_i64, |a| f64v(a as f64)),
                Opcode::F64ConvertI64U => unop!(F64ConvertI64U, get_i64, |a| f64v(a as u64 as f64)),
                Opcode::F64PromoteF32 => unop!(F64PromoteF32, get_f32, |a| f64v(a as f64)),
            }
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
