//! Runtime functions compiled code calls for what is too big to inline
//! (bulk memory and table operations, growth) and to report traps. Each is
//! `extern "C"`, takes the caller's VMContext first and never unwinds.
//! Operations that can trap return 0 on success or `TrapCode as u32 + 1`.

use tandem_vm_core::store::{InstanceData, PendingTrap, StoreOpaque, TrapReason};
use tandem_vm_core::trap::TrapCode;
use tandem_vm_core::value::ValRaw;
use tandem_vm_core::vmctx::{VMContextHeader, VMMemoryDefinition, VMTableDefinition};

/// # Safety (all functions here)
/// `vmctx` is the VMContext of a live instance whose store is not otherwise
/// borrowed (compiled code passes its own), and indices were validated.
unsafe fn parts<'a>(vmctx: *mut u8) -> (&'a mut StoreOpaque, &'a mut InstanceData) {
    // SAFETY: see above; the header was written at instantiation.
    unsafe {
        let h = &*(vmctx as *const VMContextHeader);
        (&mut *(h.store as *mut StoreOpaque), &mut *(h.instance as *mut InstanceData))
    }
}

fn code(r: Result<(), TrapCode>) -> u32 {
    match r {
        Ok(()) => 0,
        Err(c) => c as u32 + 1,
    }
}

fn range_ok(start: u64, len: u64, size: u64) -> bool {
    start.checked_add(len).is_some_and(|end| end <= size)
}

/// Records trap `code` raised in function `func_index`.
pub unsafe extern "C" fn raise_trap(vmctx: *mut u8, code: u32, func_index: u32) {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    let reason = TrapReason::Wasm(TrapCode::from_u32(code).unwrap_or(TrapCode::Unreachable));
    store.pending = Some(PendingTrap { reason, backtrace: vec![inst.frame_info(func_index)] });
}

/// A callee of function `func_index` failed: add its frame to the backtrace.
pub unsafe extern "C" fn add_frame(vmctx: *mut u8, func_index: u32) {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    let frame = inst.frame_info(func_index);
    let p = store.pending.get_or_insert_with(|| PendingTrap {
        reason: TrapReason::Host("callee failed without reporting a trap".into()),
        backtrace: Vec::new(),
    });
    p.backtrace.push(frame);
}

pub unsafe extern "C" fn memory_grow(vmctx: *mut u8, delta: u32) -> u32 {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    match inst.memories.first() {
        Some(&m) => store.grow_memory(m, delta as u64).map(|old| old as u32).unwrap_or(u32::MAX),
        None => u32::MAX,
    }
}

fn memory0(inst: &InstanceData) -> (*mut u8, u64) {
    let o = &inst.module.offsets;
    if o.num_memories == 0 {
        return (core::ptr::null_mut(), 0);
    }
    // SAFETY: offset from VMOffsets, set at instantiation to a store-owned
    // definition.
    unsafe {
        let def = *(inst.vmctx.add(o.memory(0) as usize) as *const *const VMMemoryDefinition);
        ((*def).base, (*def).current_length as u64)
    }
}

fn table(inst: &InstanceData, t: u32) -> *mut VMTableDefinition {
    let off = inst.module.offsets.table(t);
    // SAFETY: offset from VMOffsets, set at instantiation.
    unsafe { *(inst.vmctx.add(off as usize) as *const *mut VMTableDefinition) }
}

pub unsafe extern "C" fn memory_fill(vmctx: *mut u8, dst: u32, val: u32, len: u32) -> u32 {
    // SAFETY: module contract.
    let (_, inst) = unsafe { parts(vmctx) };
    let (base, size) = memory0(inst);
    code((|| {
        if !range_ok(dst as u64, len as u64, size) {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        // SAFETY: the range was checked against the memory's length.
        unsafe { core::ptr::write_bytes(base.add(dst as usize), val as u8, len as usize) };
        Ok(())
    })())
}

pub unsafe extern "C" fn memory_copy(vmctx: *mut u8, dst: u32, src: u32, len: u32) -> u32 {
    // SAFETY: module contract.
    let (_, inst) = unsafe { parts(vmctx) };
    let (base, size) = memory0(inst);
    code((|| {
        if !range_ok(dst as u64, len as u64, size) || !range_ok(src as u64, len as u64, size) {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        // SAFETY: both ranges were checked; `copy` allows overlap.
        unsafe { core::ptr::copy(base.add(src as usize), base.add(dst as usize), len as usize) };
        Ok(())
    })())
}

pub unsafe extern "C" fn memory_init(vmctx: *mut u8, data: u32, dst: u32, src: u32, len: u32) -> u32 {
    // SAFETY: module contract.
    let (_, inst) = unsafe { parts(vmctx) };
    let (base, size) = memory0(inst);
    let seg = &inst.module.env.datas[data as usize];
    let bytes: &[u8] = if inst.datas_dropped[data as usize] { &[] } else { &inst.module.env.bytes[seg.bytes.clone()] };
    code((|| {
        if !range_ok(dst as u64, len as u64, size) || !range_ok(src as u64, len as u64, bytes.len() as u64) {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        // SAFETY: both ranges were checked; segment bytes and guest memory
        // do not overlap.
        unsafe {
            core::ptr::copy_nonoverlapping(bytes.as_ptr().add(src as usize), base.add(dst as usize), len as usize)
        };
        Ok(())
    })())
}

pub unsafe extern "C" fn data_drop(vmctx: *mut u8, data: u32) {
    // SAFETY: module contract.
    let (_, inst) = unsafe { parts(vmctx) };
    inst.datas_dropped[data as usize] = true;
}

pub unsafe extern "C" fn table_grow(vmctx: *mut u8, t: u32, init: u64, delta: u32) -> u32 {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    let id = inst.tables[t as usize];
    store.grow_table(id, delta as u64, ValRaw(init)).map(|old| old as u32).unwrap_or(u32::MAX)
}

pub unsafe extern "C" fn table_fill(vmctx: *mut u8, t: u32, dst: u32, val: u64, len: u32) -> u32 {
    // SAFETY: module contract.
    let (_, inst) = unsafe { parts(vmctx) };
    let t = table(inst, t);
    code((|| {
        // SAFETY: a live store-owned table definition.
        let (base, size) = unsafe { ((*t).base, (*t).current_elements as u64) };
        if !range_ok(dst as u64, len as u64, size) {
            return Err(TrapCode::TableOutOfBounds);
        }
        for k in 0..len as usize {
            // SAFETY: the range was checked.
            unsafe { *base.add(dst as usize + k) = ValRaw(val) };
        }
        Ok(())
    })())
}

pub unsafe extern "C" fn table_copy(vmctx: *mut u8, dt: u32, st: u32, dst: u32, src: u32, len: u32) -> u32 {
    // SAFETY: module contract.
    let (_, inst) = unsafe { parts(vmctx) };
    let (td, ts) = (table(inst, dt), table(inst, st));
    code((|| {
        // SAFETY: live store-owned table definitions.
        let (dn, sn) = unsafe { ((*td).current_elements as u64, (*ts).current_elements as u64) };
        if !range_ok(dst as u64, len as u64, dn) || !range_ok(src as u64, len as u64, sn) {
            return Err(TrapCode::TableOutOfBounds);
        }
        // SAFETY: both ranges were checked; `copy` allows overlap.
        unsafe { core::ptr::copy((*ts).base.add(src as usize), (*td).base.add(dst as usize), len as usize) };
        Ok(())
    })())
}

pub unsafe extern "C" fn table_init(vmctx: *mut u8, t: u32, elem: u32, dst: u32, src: u32, len: u32) -> u32 {
    // SAFETY: module contract.
    let (_, inst) = unsafe { parts(vmctx) };
    let t = table(inst, t);
    let items = &inst.elems[elem as usize];
    code((|| {
        // SAFETY: a live store-owned table definition.
        let n = unsafe { (*t).current_elements as u64 };
        if !range_ok(dst as u64, len as u64, n) || !range_ok(src as u64, len as u64, items.len() as u64) {
            return Err(TrapCode::TableOutOfBounds);
        }
        // SAFETY: both ranges were checked; segments and tables are distinct.
        unsafe {
            core::ptr::copy_nonoverlapping(items.as_ptr().add(src as usize), (*t).base.add(dst as usize), len as usize)
        };
        Ok(())
    })())
}

pub unsafe extern "C" fn elem_drop(vmctx: *mut u8, elem: u32) {
    // SAFETY: module contract.
    let (_, inst) = unsafe { parts(vmctx) };
    inst.elems[elem as usize] = Vec::new();
}
