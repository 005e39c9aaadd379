//! Bulk memory and table operations (`memory.fill/copy/init`,
//! `table.fill/copy/init`), written once for both tiers: the interpreter's
//! handlers and the JIT's builtins call these.
//!
//! With fuel metering on, an operation charges fuel for its length on top
//! of what its basic block charged, after its range checks and before any
//! work: one unit per `BYTES_PER_FUEL` bytes, or per `ELEMS_PER_FUEL` table
//! elements (rounded down). Without enough fuel left it does nothing and
//! traps with `OutOfFuel`, leaving no fuel, exactly like a basic block that
//! runs out. So `Store::set_fuel(n)` bounds the bulk work a guest does by
//! about `64 × n` bytes.

use crate::trap::TrapCode;
use crate::value::ValRaw;
use crate::vmctx::VMTableDefinition;

/// Bytes of bulk memory work per unit of fuel.
pub const BYTES_PER_FUEL: u64 = 64;
/// Table elements of bulk table work (and of `table.grow`) per unit of fuel.
pub const ELEMS_PER_FUEL: u64 = 8;

/// The effective address of a `size`-byte access at `addr + offset` in a
/// memory of `mem_len` bytes, or the out-of-bounds trap. The interpreter's
/// loads and stores check through this; compiled code makes the same
/// check inline (`addr + offset + size > len` in 64 bits, which cannot
/// overflow for 32-bit addresses and offsets).
#[inline(always)]
pub fn access(mem_len: usize, addr: u32, offset: u32, size: u64) -> Result<usize, TrapCode> {
    let ea = addr as u64 + offset as u64;
    if ea + size > mem_len as u64 {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    Ok(ea as usize)
}

/// `access` for any memory: a 64-bit address and offset, whose sum may
/// overflow (memory64), checked without wrapping.
#[inline(always)]
pub fn access64(mem_len: usize, addr: u64, offset: u64, size: u64) -> Result<usize, TrapCode> {
    match addr.checked_add(offset) {
        Some(ea) if range_ok(ea, size, mem_len as u64) => Ok(ea as usize),
        _ => Err(TrapCode::MemoryOutOfBounds),
    }
}

/// Is `start..start + len` inside `0..size`?
pub fn range_ok(start: u64, len: u64, size: u64) -> bool {
    start.checked_add(len).is_some_and(|end| end <= size)
}

/// Charges the fuel of `units` of work at `per` units per fuel to `fuel`
/// (`None`: not metered).
pub fn charge(fuel: Option<&mut u64>, units: u64, per: u64) -> Result<(), TrapCode> {
    let Some(fuel) = fuel else { return Ok(()) };
    let cost = units / per;
    if *fuel < cost {
        *fuel = 0;
        return Err(TrapCode::OutOfFuel);
    }
    *fuel -= cost;
    Ok(())
}

/// A linear memory as bulk operations see it.
#[derive(Clone, Copy)]
pub struct Mem {
    pub base: *mut u8,
    pub len: u64,
}

/// `memory.fill`.
///
/// # Safety
/// `mem` describes a live allocation of `mem.len` bytes.
pub unsafe fn memory_fill(mem: Mem, dst: u64, val: u8, len: u64, fuel: Option<&mut u64>) -> Result<(), TrapCode> {
    if !range_ok(dst, len, mem.len) {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    charge(fuel, len, BYTES_PER_FUEL)?;
    // SAFETY: the range was checked against the memory's length.
    unsafe { core::ptr::write_bytes(mem.base.add(dst as usize), val, len as usize) };
    Ok(())
}

/// `memory.copy` from `src_mem` to `dst_mem` (the same memory or two).
///
/// # Safety
/// As `memory_fill`, for both memories.
pub unsafe fn memory_copy(
    dst_mem: Mem,
    src_mem: Mem,
    dst: u64,
    src: u64,
    len: u64,
    fuel: Option<&mut u64>,
) -> Result<(), TrapCode> {
    if !range_ok(dst, len, dst_mem.len) || !range_ok(src, len, src_mem.len) {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    charge(fuel, len, BYTES_PER_FUEL)?;
    // SAFETY: both ranges were checked; `copy` allows overlap (one memory).
    unsafe { core::ptr::copy(src_mem.base.add(src as usize), dst_mem.base.add(dst as usize), len as usize) };
    Ok(())
}

/// `memory.init` from the segment bytes `data` (empty once dropped).
///
/// # Safety
/// As `memory_fill`; `data` does not overlap the memory.
pub unsafe fn memory_init(
    mem: Mem,
    data: &[u8],
    dst: u64,
    src: u64,
    len: u64,
    fuel: Option<&mut u64>,
) -> Result<(), TrapCode> {
    if !range_ok(dst, len, mem.len) || !range_ok(src, len, data.len() as u64) {
        return Err(TrapCode::MemoryOutOfBounds);
    }
    charge(fuel, len, BYTES_PER_FUEL)?;
    // SAFETY: both ranges were checked; segment bytes and guest memory do
    // not overlap.
    unsafe {
        core::ptr::copy_nonoverlapping(data.as_ptr().add(src as usize), mem.base.add(dst as usize), len as usize)
    };
    Ok(())
}

/// `table.fill`.
///
/// # Safety
/// `t` points to a live table definition.
pub unsafe fn table_fill(
    t: *const VMTableDefinition,
    dst: u64,
    val: ValRaw,
    len: u64,
    fuel: Option<&mut u64>,
) -> Result<(), TrapCode> {
    // SAFETY: per the contract.
    let t = unsafe { &*t };
    if !range_ok(dst, len, t.current_elements as u64) {
        return Err(TrapCode::TableOutOfBounds);
    }
    charge(fuel, len, ELEMS_PER_FUEL)?;
    // SAFETY: the range was checked against the table's length.
    unsafe { core::slice::from_raw_parts_mut(t.base.add(dst as usize), len as usize).fill(val) };
    Ok(())
}

/// `table.copy` (the two tables may be the same one).
///
/// # Safety
/// `dst_t` and `src_t` point to live table definitions.
pub unsafe fn table_copy(
    dst_t: *const VMTableDefinition,
    src_t: *const VMTableDefinition,
    dst: u64,
    src: u64,
    len: u64,
    fuel: Option<&mut u64>,
) -> Result<(), TrapCode> {
    // SAFETY: per the contract.
    let (td, ts) = unsafe { (&*dst_t, &*src_t) };
    if !range_ok(dst, len, td.current_elements as u64) || !range_ok(src, len, ts.current_elements as u64) {
        return Err(TrapCode::TableOutOfBounds);
    }
    charge(fuel, len, ELEMS_PER_FUEL)?;
    // SAFETY: both ranges were checked; `copy` allows overlap.
    unsafe { core::ptr::copy(ts.base.add(src as usize), td.base.add(dst as usize), len as usize) };
    Ok(())
}

/// `table.init` from the segment's elements `items` (empty once dropped).
///
/// # Safety
/// `t` points to a live table definition; `items` is not its storage.
pub unsafe fn table_init(
    t: *const VMTableDefinition,
    items: &[ValRaw],
    dst: u64,
    src: u64,
    len: u64,
    fuel: Option<&mut u64>,
) -> Result<(), TrapCode> {
    // SAFETY: per the contract.
    let t = unsafe { &*t };
    if !range_ok(dst, len, t.current_elements as u64) || !range_ok(src, len, items.len() as u64) {
        return Err(TrapCode::TableOutOfBounds);
    }
    charge(fuel, len, ELEMS_PER_FUEL)?;
    // SAFETY: both ranges were checked; segment and table do not overlap.
    unsafe { core::ptr::copy_nonoverlapping(items.as_ptr().add(src as usize), t.base.add(dst as usize), len as usize) };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuel_is_charged_per_64_bytes_before_the_work() {
        let mut bytes = [0u8; 256];
        let mem = Mem { base: bytes.as_mut_ptr(), len: 256 };
        let mut fuel = 10;
        // SAFETY: `mem` is `bytes`.
        unsafe {
            assert_eq!(memory_fill(mem, 0, 7, 200, Some(&mut fuel)), Ok(()));
            assert_eq!(fuel, 7); // 200 / 64 = 3
            assert_eq!(memory_fill(mem, 0, 9, 256, Some(&mut 3)), Err(TrapCode::OutOfFuel));
            assert_eq!(memory_fill(mem, 1, 9, 256, Some(&mut 0)), Err(TrapCode::MemoryOutOfBounds));
        }
        // The refused fills wrote nothing.
        assert!(bytes[..200].iter().all(|&b| b == 7) && bytes[200..].iter().all(|&b| b == 0));
        // SAFETY: as above.
        assert_eq!(unsafe { memory_fill(mem, 0, 9, 256, None) }, Ok(()));
        assert!(bytes.iter().all(|&b| b == 9));
        let mut fuel = 3;
        let mut full = [7u8; 256];
        let mem = Mem { base: full.as_mut_ptr(), len: 256 };
        // SAFETY: as above.
        assert_eq!(unsafe { memory_copy(mem, mem, 0, 0, 256, Some(&mut fuel)) }, Err(TrapCode::OutOfFuel));
        assert_eq!(fuel, 0);
    }
}
