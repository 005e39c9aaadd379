//! Runtime functions compiled code calls for what is too big to inline
//! (bulk memory and table operations, growth) and to report traps. Each is
//! `extern "C"`, takes the caller's VMContext first and never unwinds.
//! Operations that can trap return 0 on success or `TrapCode as u32 + 1`.

use tandem_vm_core::bulk;
use tandem_vm_core::bytecode::Opcode;
use tandem_vm_core::simd;
use tandem_vm_core::store::{InstanceData, PendingTrap, StoreOpaque, TrapReason};
use tandem_vm_core::trap::TrapCode;
use tandem_vm_core::value::ValRaw;
use tandem_vm_core::vmctx::VMContextHeader;

/// # Safety (all functions here)
/// `vmctx` is the VMContext of a live instance whose store is not otherwise
/// borrowed (compiled code passes its own), and indices were validated.
unsafe fn parts<'a>(vmctx: *mut u8) -> (&'a mut StoreOpaque, &'a mut InstanceData) {
    // SAFETY: see above; the header was written at instantiation.
    unsafe {
        let h = VMContextHeader::of(vmctx);
        (&mut *(h.store as *mut StoreOpaque), &mut *(h.instance as *mut InstanceData))
    }
}

fn code(r: Result<(), TrapCode>) -> u32 {
    match r {
        Ok(()) => 0,
        Err(c) => c as u32 + 1,
    }
}

/// Records trap `code` raised in function `func_index`.
pub unsafe extern "C" fn raise_trap(vmctx: *mut u8, code: u32, func_index: u32) {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    let reason = TrapReason::Wasm(TrapCode::from_u32(code).unwrap_or(TrapCode::Unreachable));
    let p = store.pending.insert(PendingTrap { reason, backtrace: Default::default() });
    inst.push_frame(&mut p.backtrace, func_index);
}

/// A callee of function `func_index` failed: add its frame to the backtrace.
pub unsafe extern "C" fn add_frame(vmctx: *mut u8, func_index: u32) {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    let p = store.pending.get_or_insert_with(|| PendingTrap {
        reason: TrapReason::Host("callee failed without reporting a trap".into()),
        backtrace: Default::default(),
    });
    inst.push_frame(&mut p.backtrace, func_index);
}

/// Grows memory `mem` by `delta` pages: the old size in pages, or
/// `u64::MAX` (which a 32-bit memory's caller narrows to -1).
pub unsafe extern "C" fn memory_grow(vmctx: *mut u8, mem: u32, delta: u64) -> u64 {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    match inst.memories.get(mem as usize) {
        Some(&m) => store.grow_memory(m, delta).unwrap_or(u64::MAX),
        None => u64::MAX,
    }
}

/// The store's fuel, if `inst`'s module meters it.
fn fuel<'a>(store: &'a mut StoreOpaque, inst: &InstanceData) -> Option<&'a mut u64> {
    inst.module.fuel.then_some(&mut store.limits.fuel)
}

pub unsafe extern "C" fn memory_fill(vmctx: *mut u8, mem: u32, dst: u64, val: u32, len: u64) -> u32 {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    // SAFETY: a memory of a live instance.
    code(unsafe { bulk::memory_fill(inst.memory(mem), dst, val as u8, len, fuel(store, inst)) })
}

pub unsafe extern "C" fn memory_copy(vmctx: *mut u8, dst_mem: u32, src_mem: u32, dst: u64, src: u64, len: u64) -> u32 {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    let (dm, sm) = (inst.memory(dst_mem), inst.memory(src_mem));
    // SAFETY: memories of a live instance.
    code(unsafe { bulk::memory_copy(dm, sm, dst, src, len, fuel(store, inst)) })
}

pub unsafe extern "C" fn memory_init(vmctx: *mut u8, mem: u32, data: u32, dst: u64, src: u32, len: u32) -> u32 {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    let bytes = inst.data_bytes(data);
    let (s, n) = (src as u64, len as u64);
    // SAFETY: a memory of a live instance; segment bytes are not guest memory.
    code(unsafe { bulk::memory_init(inst.memory(mem), bytes, dst, s, n, fuel(store, inst)) })
}

pub unsafe extern "C" fn data_drop(vmctx: *mut u8, data: u32) {
    // SAFETY: module contract.
    let (_, inst) = unsafe { parts(vmctx) };
    inst.datas_dropped[data as usize] = true;
}

/// Fuel for a `table.grow` by `delta` (compiled only when fuel is metered).
pub unsafe extern "C" fn charge_table_grow(vmctx: *mut u8, delta: u32) -> u32 {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    code(bulk::charge(fuel(store, inst), delta as u64, bulk::ELEMS_PER_FUEL))
}

pub unsafe extern "C" fn table_grow(vmctx: *mut u8, t: u32, init: u64, delta: u32) -> u32 {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    let id = inst.tables[t as usize];
    store.grow_table(id, delta as u64, ValRaw(init)).map(|old| old as u32).unwrap_or(u32::MAX)
}

pub unsafe extern "C" fn table_fill(vmctx: *mut u8, t: u32, dst: u32, val: u64, len: u32) -> u32 {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    let t = inst.table_def(t);
    // SAFETY: a live store-owned table definition.
    code(unsafe { bulk::table_fill(t, dst as u64, ValRaw(val), len as u64, fuel(store, inst)) })
}

pub unsafe extern "C" fn table_copy(vmctx: *mut u8, dt: u32, st: u32, dst: u32, src: u32, len: u32) -> u32 {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    let (td, ts) = (inst.table_def(dt), inst.table_def(st));
    // SAFETY: live store-owned table definitions.
    code(unsafe { bulk::table_copy(td, ts, dst as u64, src as u64, len as u64, fuel(store, inst)) })
}

pub unsafe extern "C" fn table_init(vmctx: *mut u8, t: u32, elem: u32, dst: u32, src: u32, len: u32) -> u32 {
    // SAFETY: module contract.
    let (store, inst) = unsafe { parts(vmctx) };
    let t = inst.table_def(t);
    let items = &inst.elems[elem as usize];
    // SAFETY: a live store-owned table definition; segments are not tables.
    code(unsafe { bulk::table_init(t, items, dst as u64, src as u64, len as u64, fuel(store, inst)) })
}

pub unsafe extern "C" fn elem_drop(vmctx: *mut u8, elem: u32) {
    // SAFETY: module contract.
    let (_, inst) = unsafe { parts(vmctx) };
    inst.elems[elem as usize] = Vec::new();
}

/// The result of SIMD op function `$f` of shape `$shape` on the operands of
/// a `simd_op` call (see there).
macro_rules! simd_apply {
    ($f:ident, Load, $b:ident, $s:ident, $l:ident) => {
        simd::$f($b[0])
    };
    ($f:ident, Store, $b:ident, $s:ident, $l:ident) => {
        simd::$f($b[0])
    };
    ($f:ident, Const, $b:ident, $s:ident, $l:ident) => {
        simd::$f($b[0])
    };
    ($f:ident, Unary, $b:ident, $s:ident, $l:ident) => {
        simd::$f($b[0])
    };
    ($f:ident, UnaryF, $b:ident, $s:ident, $l:ident) => {
        simd::$f($b[0])
    };
    ($f:ident, Binary, $b:ident, $s:ident, $l:ident) => {
        simd::$f($b[0], $b[1])
    };
    ($f:ident, BinaryF, $b:ident, $s:ident, $l:ident) => {
        simd::$f($b[0], $b[1])
    };
    ($f:ident, Ternary, $b:ident, $s:ident, $l:ident) => {
        simd::$f($b[0], $b[1], $b[2])
    };
    ($f:ident, Shuffle, $b:ident, $s:ident, $l:ident) => {
        simd::$f($b[0], $b[1], $b[2])
    };
    ($f:ident, Test, $b:ident, $s:ident, $l:ident) => {
        simd::from_bits(simd::$f($b[0]) as u128)
    };
    ($f:ident, Shift, $b:ident, $s:ident, $l:ident) => {
        simd::$f($b[0], $s as u32)
    };
    ($f:ident, Splat, $b:ident, $s:ident, $l:ident) => {
        simd::$f($s)
    };
    ($f:ident, Extract, $b:ident, $s:ident, $l:ident) => {
        simd::from_bits(simd::$f($b[0], $l) as u128)
    };
    ($f:ident, Replace, $b:ident, $s:ident, $l:ident) => {
        simd::$f($b[0], $s, $l)
    };
    ($f:ident, LoadLane, $b:ident, $s:ident, $l:ident) => {
        simd::$f($b[0], $s, $l)
    };
    ($f:ident, StoreLane, $b:ident, $s:ident, $l:ident) => {
        simd::from_bits(simd::$f($b[0], $l) as u128)
    };
}

macro_rules! simd_builtin {
    ($($name:ident $f:ident $shape:ident ($($x:tt)*);)*) => {
        /// Computes SIMD op `op` (an `Opcode`) with `tandem_vm_core::simd`,
        /// the code the interpreter runs, so both tiers give the same bits:
        /// the JIT calls this for the ops it does not lower to Cranelift's
        /// vector instructions. `buf` holds the `v128` operands in order
        /// (at most three, the bytes read for a load); `scalar` is the
        /// scalar operand's bits (splat, replace, shift count, lane read
        /// from memory) and `lane` the lane immediate. The result replaces
        /// the first operand (a scalar result in its low 64 bits).
        ///
        /// # Safety
        /// `buf` points at three writable, 16-byte aligned `v128`s.
        pub unsafe extern "C" fn simd_op(op: u32, buf: *mut u128, scalar: u64, lane: u32) {
            // SAFETY: per the contract; a `simd::V` is 16 bytes in memory
            // order, as the JIT stores its vectors.
            let b = unsafe { &mut *(buf as *mut [simd::V; 3]) };
            let lane = lane as u8;
            let Some(op) = Opcode::from_u16(op as u16) else { return };
            b[0] = match op {
                $( Opcode::$name => simd_apply!($f, $shape, b, scalar, lane), )*
                _ => return,
            };
        }
    };
}
tandem_vm_core::for_each_simd!(simd_builtin);
