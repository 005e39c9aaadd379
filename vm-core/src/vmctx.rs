//! The VMContext contract: the `#[repr(C)]` records shared by the interpreter
//! and JIT code, and `VMOffsets`, the only place their offsets are computed.
//!
//! Layout of one instance's VMContext (all offsets from its start):
//!
//! ```text
//! header            VMContextHeader (magic, store, limits, instance)
//! imported funcs    [*const VMFuncRef; imported functions]   (the exporter's record)
//! defined funcs     [VMFuncRef; defined functions]
//! memories          [*mut VMMemoryDefinition; all memories]  (owned by the store)
//! tables            [*mut VMTableDefinition; all tables]     (owned by the store)
//! imported globals  [*mut VMGlobalDefinition; imported globals]
//! defined globals   [VMGlobalDefinition; defined globals]    (16-byte aligned, inline)
//! ```

use crate::value::ValRaw;
use core::ffi::c_void;

/// Magic number in every VMContext header, checked in debug builds.
pub const VMCONTEXT_MAGIC: u32 = u32::from_le_bytes(*b"tndm");

/// Opaque marker for a pointer to a VMContext.
#[repr(C)]
pub struct VMContext {
    _private: [u8; 0],
}

/// The array-call entry every callable has (interpreted, compiled, host).
///
/// `callee` is the record being called (its `vmctx` and `index` say what to
/// run), `caller_vmctx` the caller's VMContext (null from the host),
/// `args_results` a buffer of `capacity` slots holding the arguments on entry
/// and the results on return. Returns `false` when a trap or host error is
/// pending in the store.
pub type VMArrayCallFn = unsafe extern "C" fn(
    callee: *const VMFuncRef,
    caller_vmctx: *mut VMContext,
    args_results: *mut ValRaw,
    capacity: usize,
) -> bool;

/// A function reference: what `ref.func`, tables and calls go through.
#[repr(C)]
pub struct VMFuncRef {
    pub array_call: VMArrayCallFn,
    /// Native entry of compiled code (null until the function is compiled).
    pub wasm_call: *const u8,
    /// The owning instance's VMContext, or the host function's context.
    pub vmctx: *mut c_void,
    /// Engine-wide interned signature id.
    pub sig: u32,
    /// Function index in its module (unused for host functions).
    pub index: u32,
    /// The interpreter's bytecode (`CompiledFunc`) once translated, else
    /// null: lets interpreted calls skip the module lookup.
    pub code: *const c_void,
}

/// A linear memory's base and length in bytes.
#[repr(C)]
pub struct VMMemoryDefinition {
    pub base: *mut u8,
    pub current_length: usize,
}

/// A table's element base and length.
#[repr(C)]
pub struct VMTableDefinition {
    pub base: *mut ValRaw,
    pub current_elements: usize,
}

/// A global's storage: 16 bytes, so that a `v128` fits.
#[repr(C, align(16))]
#[derive(Default)]
pub struct VMGlobalDefinition {
    /// The value (the low half of a `v128`).
    pub value: ValRaw,
    /// The high half of a `v128`; unused by other types.
    pub hi: ValRaw,
}

/// Per-store limits both tiers check.
#[repr(C)]
#[derive(Default)]
pub struct VMRuntimeLimits {
    /// Fuel left; execution traps when a block needs more than this.
    pub fuel: u64,
    /// Wasm frames that may still be pushed before `StackOverflow`.
    pub depth_remaining: u64,
    /// Lowest native stack address wasm code may run at (0: no wasm is
    /// running; the outermost entry sets it `max_native_stack` below itself).
    /// Compiled code checks it in every prologue.
    pub stack_limit: usize,
}

/// The fixed header at the start of every VMContext.
#[repr(C)]
pub struct VMContextHeader {
    /// `VMCONTEXT_MAGIC`, written at instantiation and checked in debug
    /// builds by `VMContextHeader::of`, through which both tiers reach the
    /// header; it also tells a VMContext apart in a debugger or a core dump.
    pub magic: u32,
    pub _pad: u32,
    /// The owning `StoreOpaque`.
    pub store: *mut c_void,
    /// The store's `VMRuntimeLimits`.
    pub limits: *mut VMRuntimeLimits,
    /// The owning `InstanceData`.
    pub instance: *mut c_void,
}

impl VMContextHeader {
    /// The header of `vmctx`.
    ///
    /// # Safety
    /// `vmctx` is the VMContext of a live instance (its header was written
    /// at instantiation and outlives `'a`).
    #[inline(always)]
    pub unsafe fn of<'a>(vmctx: *const u8) -> &'a VMContextHeader {
        // SAFETY: the caller's contract: a VMContext starts with its header.
        let h = unsafe { &*(vmctx as *const VMContextHeader) };
        debug_assert_eq!(h.magic, VMCONTEXT_MAGIC, "not a VMContext: {vmctx:p}");
        h
    }
}

/// Size in bytes of one pointer field.
const PTR: u32 = core::mem::size_of::<usize>() as u32;

/// Offsets of everything in one module's VMContext.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VMOffsets {
    pub num_imported_funcs: u32,
    pub num_defined_funcs: u32,
    pub num_memories: u32,
    pub num_tables: u32,
    pub num_imported_globals: u32,
    pub num_defined_globals: u32,
    imported_funcs: u32,
    defined_funcs: u32,
    memories: u32,
    tables: u32,
    imported_globals: u32,
    defined_globals: u32,
    size: u32,
}

impl VMOffsets {
    /// Computes the layout; `None` if it would not fit in 4 GiB.
    pub fn new(
        num_imported_funcs: u32,
        num_defined_funcs: u32,
        num_memories: u32,
        num_tables: u32,
        num_imported_globals: u32,
        num_defined_globals: u32,
    ) -> Option<Self> {
        let header = core::mem::size_of::<VMContextHeader>() as u32;
        let imported_funcs = header;
        let defined_funcs = imported_funcs.checked_add(num_imported_funcs.checked_mul(PTR)?)?;
        let memories = defined_funcs.checked_add(num_defined_funcs.checked_mul(Self::size_of_funcref() as u32)?)?;
        let tables = memories.checked_add(num_memories.checked_mul(PTR)?)?;
        let imported_globals = tables.checked_add(num_tables.checked_mul(PTR)?)?;
        let after = imported_globals.checked_add(num_imported_globals.checked_mul(PTR)?)?;
        let defined_globals = after.checked_add(15)? & !15;
        let size = defined_globals.checked_add(num_defined_globals.checked_mul(16)?)?;
        Some(VMOffsets {
            num_imported_funcs,
            num_defined_funcs,
            num_memories,
            num_tables,
            num_imported_globals,
            num_defined_globals,
            imported_funcs,
            defined_funcs,
            memories,
            tables,
            imported_globals,
            defined_globals,
            size,
        })
    }

    pub const fn size_of_funcref() -> usize {
        4 * PTR as usize + 8
    }
    pub const fn header_magic() -> u32 {
        0
    }
    pub const fn header_store() -> u32 {
        8
    }
    pub const fn header_limits() -> u32 {
        8 + PTR
    }
    pub const fn header_instance() -> u32 {
        8 + 2 * PTR
    }
    pub const fn funcref_array_call() -> u32 {
        0
    }
    pub const fn funcref_wasm_call() -> u32 {
        PTR
    }
    pub const fn funcref_vmctx() -> u32 {
        2 * PTR
    }
    pub const fn funcref_sig() -> u32 {
        3 * PTR
    }
    pub const fn funcref_index() -> u32 {
        3 * PTR + 4
    }
    pub const fn funcref_code() -> u32 {
        3 * PTR + 8
    }
    pub const fn memory_base() -> u32 {
        0
    }
    pub const fn memory_length() -> u32 {
        PTR
    }
    pub const fn table_base() -> u32 {
        0
    }
    pub const fn table_length() -> u32 {
        PTR
    }
    pub const fn limits_fuel() -> u32 {
        0
    }
    pub const fn limits_depth_remaining() -> u32 {
        8
    }
    pub const fn limits_stack_limit() -> u32 {
        16
    }

    /// Offset of the pointer to imported function `i`'s record.
    pub fn imported_func(&self, i: u32) -> u32 {
        debug_assert!(i < self.num_imported_funcs);
        self.imported_funcs + i * PTR
    }
    /// Offset of defined function `i`'s record.
    pub fn defined_func(&self, i: u32) -> u32 {
        debug_assert!(i < self.num_defined_funcs);
        self.defined_funcs + i * Self::size_of_funcref() as u32
    }
    /// Offset of the pointer to memory `i`'s definition.
    pub fn memory(&self, i: u32) -> u32 {
        debug_assert!(i < self.num_memories);
        self.memories + i * PTR
    }
    /// Offset of the pointer to table `i`'s definition.
    pub fn table(&self, i: u32) -> u32 {
        debug_assert!(i < self.num_tables);
        self.tables + i * PTR
    }
    /// The definition of table `t` (a validated index) of `vmctx`.
    ///
    /// # Safety
    /// `vmctx` is a live VMContext laid out by `self` (its table pointers
    /// were set at instantiation).
    #[inline(always)]
    pub unsafe fn table_def_in(&self, vmctx: *const u8, t: u32) -> *mut VMTableDefinition {
        // SAFETY: the caller's contract: the offset is inside `vmctx` and
        // holds a table definition pointer.
        unsafe { *(vmctx.add(self.table(t) as usize) as *const *mut VMTableDefinition) }
    }
    /// The definition of memory `i` of `vmctx`.
    ///
    /// # Safety
    /// As `table_def_in`, and `i < num_memories`.
    #[inline(always)]
    pub unsafe fn memory_def_in(&self, vmctx: *const u8, i: u32) -> *mut VMMemoryDefinition {
        // SAFETY: the caller's contract: the offset is inside `vmctx` and
        // holds a pointer, set at instantiation, to a store-owned memory
        // definition.
        unsafe { *(vmctx.add(self.memory(i) as usize) as *const *mut VMMemoryDefinition) }
    }
    /// Memory 0 of `vmctx` (base and current length); `(null, 0)` without one.
    ///
    /// # Safety
    /// As `table_def_in`: `vmctx` is live and laid out by `self`.
    #[inline(always)]
    pub unsafe fn memory0_in(&self, vmctx: *const u8) -> (*mut u8, usize) {
        if self.num_memories == 0 {
            return (core::ptr::null_mut(), 0);
        }
        // SAFETY: the caller's contract: the offset holds a pointer, set at
        // instantiation, to a store-owned memory definition.
        unsafe {
            let def = *(vmctx.add(self.memory(0) as usize) as *const *const VMMemoryDefinition);
            ((*def).base, (*def).current_length)
        }
    }
    /// Offset of the pointer to imported global `i`.
    pub fn imported_global(&self, i: u32) -> u32 {
        debug_assert!(i < self.num_imported_globals);
        self.imported_globals + i * PTR
    }
    /// Offset of defined global `i`'s inline storage.
    pub fn defined_global(&self, i: u32) -> u32 {
        debug_assert!(i < self.num_defined_globals);
        self.defined_globals + i * 16
    }
    /// The global (module index space) whose pointer (imported) or storage
    /// (defined) is at `offset`: the inverse of `imported_global` and
    /// `defined_global`.
    pub fn global_at(&self, offset: u32) -> Option<u32> {
        let imported_end = self.imported_globals + self.num_imported_globals * PTR;
        if (self.imported_globals..imported_end).contains(&offset)
            && (offset - self.imported_globals).is_multiple_of(PTR)
        {
            return Some((offset - self.imported_globals) / PTR);
        }
        if (self.defined_globals..self.size).contains(&offset) && (offset - self.defined_globals).is_multiple_of(16) {
            return Some(self.num_imported_globals + (offset - self.defined_globals) / 16);
        }
        None
    }
    /// Total size of the VMContext in bytes.
    pub fn size(&self) -> u32 {
        self.size
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{align_of, offset_of, size_of};

    #[test]
    fn records_match_offsets() {
        assert_eq!(size_of::<VMFuncRef>(), VMOffsets::size_of_funcref());
        assert_eq!(offset_of!(VMFuncRef, array_call) as u32, VMOffsets::funcref_array_call());
        assert_eq!(offset_of!(VMFuncRef, wasm_call) as u32, VMOffsets::funcref_wasm_call());
        assert_eq!(offset_of!(VMFuncRef, vmctx) as u32, VMOffsets::funcref_vmctx());
        assert_eq!(offset_of!(VMFuncRef, sig) as u32, VMOffsets::funcref_sig());
        assert_eq!(offset_of!(VMFuncRef, index) as u32, VMOffsets::funcref_index());
        assert_eq!(offset_of!(VMFuncRef, code) as u32, VMOffsets::funcref_code());
        assert_eq!(offset_of!(VMMemoryDefinition, base) as u32, VMOffsets::memory_base());
        assert_eq!(offset_of!(VMMemoryDefinition, current_length) as u32, VMOffsets::memory_length());
        assert_eq!(offset_of!(VMTableDefinition, base) as u32, VMOffsets::table_base());
        assert_eq!(offset_of!(VMTableDefinition, current_elements) as u32, VMOffsets::table_length());
        assert_eq!(size_of::<VMGlobalDefinition>(), 16);
        assert_eq!(align_of::<VMGlobalDefinition>(), 16);
        assert_eq!(offset_of!(VMRuntimeLimits, fuel) as u32, VMOffsets::limits_fuel());
        assert_eq!(offset_of!(VMRuntimeLimits, depth_remaining) as u32, VMOffsets::limits_depth_remaining());
        assert_eq!(offset_of!(VMRuntimeLimits, stack_limit) as u32, VMOffsets::limits_stack_limit());
        assert_eq!(offset_of!(VMContextHeader, magic) as u32, VMOffsets::header_magic());
        assert_eq!(offset_of!(VMContextHeader, store) as u32, VMOffsets::header_store());
        assert_eq!(offset_of!(VMContextHeader, limits) as u32, VMOffsets::header_limits());
        assert_eq!(offset_of!(VMContextHeader, instance) as u32, VMOffsets::header_instance());
    }

    #[test]
    fn regions_are_disjoint_and_aligned() {
        let o = VMOffsets::new(2, 3, 1, 2, 1, 3).unwrap();
        let header = size_of::<VMContextHeader>() as u32;
        assert_eq!(o.imported_func(0), header);
        assert_eq!(o.defined_func(0), header + 2 * PTR);
        assert_eq!(o.memory(0), o.defined_func(2) + VMOffsets::size_of_funcref() as u32);
        assert_eq!(o.table(0), o.memory(0) + PTR);
        assert_eq!(o.imported_global(0), o.table(1) + PTR);
        assert_eq!(o.defined_global(0) % 16, 0);
        assert!(o.defined_global(0) >= o.imported_global(0) + PTR);
        assert_eq!(o.size(), o.defined_global(2) + 16);
        assert_eq!(o.global_at(o.imported_global(0)), Some(0));
        assert_eq!(o.global_at(o.defined_global(0)), Some(1));
        assert_eq!(o.global_at(o.defined_global(2)), Some(3));
        assert_eq!(o.global_at(o.defined_global(0) + 8), None);
        assert_eq!(o.global_at(o.table(0)), None);
        assert!(VMOffsets::new(u32::MAX, 1, 0, 0, 0, 0).is_none());
    }
}
