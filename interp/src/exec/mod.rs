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
use tandem_vm_core::bytecode::{AccBank, CompiledFunc, Form, Group, HotCounters, MemRef, Opcode, Slot, ops};
use tandem_vm_core::module_env::ModuleError;
use tandem_vm_core::num;
use tandem_vm_core::store::{InstanceData, NativeCode, OsrEntryFn, PendingTrap, StoreOpaque, TrapReason};
use tandem_vm_core::trap::TrapCode;
use tandem_vm_core::value::ValRaw;
use tandem_vm_core::vmctx::{
    VMContext, VMContextHeader, VMFuncRef, VMGlobalDefinition, VMMemoryDefinition, VMRuntimeLimits, VMTableDefinition,
};

#[macro_use]
mod dispatch;
#[macro_use]
mod shapes;
mod calls;
mod control;
mod conversions;
mod entry;
mod frames;
mod memory;
mod numeric;
mod simd;
mod tables;
mod tier;
mod variables;

use dispatch::*;
pub use entry::interp_array_call;
use entry::*;
use frames::*;
use tier::*;

/// Every handler, by op name, for the handler tables.
mod h {
    pub(super) use super::calls::h::*;
    pub(super) use super::control::h::*;
    pub(super) use super::conversions::h::*;
    pub(super) use super::memory::h::*;
    pub(super) use super::numeric::h::*;
    pub(super) use super::simd::h::*;
    pub(super) use super::tables::h::*;
    pub(super) use super::variables::h::*;
}

fn instance_of(vmctx: *mut u8) -> *mut InstanceData {
    // SAFETY: vmctx of a live instance starts with its header.
    unsafe { VMContextHeader::of(vmctx).instance as *mut InstanceData }
}

/// Memory 0 of the instance of `vmctx` (base, length); (null, 0) without one.
#[inline]
fn memory_of(vmctx: *mut u8) -> (*mut u8, usize) {
    // SAFETY: as in `code_for`; the instance's offsets lay out `vmctx`.
    unsafe { InstanceData::of(vmctx).module.offsets.memory0_in(vmctx) }
}

/// The array of memory definition pointers in `vmctx` (dangling, and
/// never read, without memories).
fn memories_of(vmctx: *mut u8) -> *const *const VMMemoryDefinition {
    // SAFETY: as in `code_for`; the instance's offsets lay out `vmctx`, and
    // the offset of memory 0's pointer is inside it when there is one.
    unsafe {
        let o = &InstanceData::of(vmctx).module.offsets;
        if o.num_memories == 0 {
            return core::ptr::NonNull::dangling().as_ptr();
        }
        vmctx.add(o.memory(0) as usize) as *const *const VMMemoryDefinition
    }
}

fn table_def(vmctx: *mut u8, table: u32) -> *mut VMTableDefinition {
    // SAFETY: as in `code_for`; trusted bytecode guarantees the index.
    unsafe { InstanceData::of(vmctx).module.offsets.table_def_in(vmctx, table) }
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

/// Memory `mem` of the running instance (base, length): memory 0 from the
/// cache, the others through their definitions.
#[inline(always)]
fn memory_at(r: &Regs, cx: &Ctx<'_>, mem: MemRef) -> (*mut u8, usize) {
    if mem.index() == 0 {
        return (r.mem_base, cx.mem_len);
    }
    // SAFETY: trusted bytecode: the index names a memory of the running
    // instance, whose definition pointers `cx.memories` points at.
    unsafe {
        let def = *cx.memories.add(mem.index() as usize);
        ((*def).base, (*def).current_length)
    }
}

/// Memory `mem` for `tandem_vm_core::bulk`.
#[inline(always)]
fn bulk_memory(r: &Regs, cx: &Ctx<'_>, mem: MemRef) -> bulk::Mem {
    let (base, len) = memory_at(r, cx, mem);
    bulk::Mem { base, len: len as u64 }
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
    /// `vmctx`'s memory definition pointers (`memories_of`), through which
    /// the ops naming a memory reach it.
    memories: *const *const VMMemoryDefinition,
    /// Byte length of `vmctx`'s memory 0 (the base is in `Regs`): read
    /// only by memory ops, so it need not take a register.
    mem_len: usize,
    /// Start of the running function's code (branch targets are offsets).
    code: *const u8,
    /// The store's tier-up thresholds (`u32::MAX`: never).
    call_threshold: u32,
    loop_threshold: u32,
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

#[inline(always)]
fn f32v(x: f32) -> ValRaw {
    ValRaw(x.to_bits() as u64)
}

#[inline(always)]
fn f64v(x: f64) -> ValRaw {
    ValRaw(x.to_bits())
}
