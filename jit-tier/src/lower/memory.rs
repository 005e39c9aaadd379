//! Lowering of loads and stores: addresses and bounds checks (direct or deferred).

use super::*;

impl<'a, 'm> Lower<'a, 'm> {
    /// Host address of an access of `size` bytes at `addr + offset`, and the
    /// offset to add to it in the access itself. The access is to memory 0
    /// with a 32-bit address, or to the memory and at the offset that
    /// `on_memory` names while a twin (`I32LoadMem`) is lowered: a 64-bit
    /// memory's addresses are `i64` and the end of the access is checked
    /// for overflow.
    ///
    /// The first `JitSettings::direct_bounds_checks` bounds checks of a region each
    /// branch to the trap. Later ones are deferred, so that a region with
    /// thousands of accesses stays one block (each block would hold a live
    /// range of every value live across it in the register allocator: the
    /// compile cost grew with accesses × live values). A deferred check ORs
    /// its failure into `pending_oob`, which `flush_deferred` branches on
    /// before the region's next side effect; until then an out-of-bounds
    /// load reads the scratch slot instead (its value is garbage that only
    /// pure ops and guarded stores see), and every store after a failed
    /// check writes the scratch slot, so no store lands after the access
    /// that traps. Same traps, same memory, as checking each access.
    pub(super) fn addr(
        &mut self,
        addr: Slot,
        offset: u32,
        size: u32,
        store: bool,
    ) -> Result<(Value, i32), CompileError> {
        let (mem, offset) = self.on_memory.unwrap_or((MemRef::ZERO, offset as u64));
        let (a, key) = if mem.is64() {
            let a = self.get(addr, I64)?;
            (a, a)
        } else {
            let a32 = self.get(addr, I32)?;
            (self.b.ins().uextend(types::I64, a32), a32)
        };
        // `None`: the end of the access is past 2^64, out of every memory.
        let need = offset.checked_add(size as u64);
        let known = need.is_some_and(|need| self.checked.get(&(mem.index(), key)).is_some_and(|&done| done >= need));
        let mut guard = if store { self.pending_oob } else { None };
        if !known {
            let len = self.memory_len(mem)?;
            let oob = match need {
                None => self.b.ins().iconst(types::I8, 1),
                Some(need) if !mem.is64() => {
                    let end = self.b.ins().iadd_imm_s(a, need as i64);
                    self.b.ins().icmp(IntCC::UnsignedGreaterThan, end, len)
                }
                Some(need) => {
                    let k = self.b.ins().iconst(types::I64, need as i64);
                    let (end, carry) = self.b.ins().uadd_overflow(a, k);
                    let past = self.b.ins().icmp(IntCC::UnsignedGreaterThan, end, len);
                    self.b.ins().bor(past, carry)
                }
            };
            if self.region_checks < self.info.jit.direct_bounds_checks {
                self.region_checks += 1;
                self.trap_if(oob, TrapCode::MemoryOutOfBounds);
                if let Some(need) = need {
                    self.checked.insert((mem.index(), key), need);
                }
                guard = None;
            } else {
                let failed = match self.pending_oob {
                    Some(p) => self.b.ins().bor(p, oob),
                    None => oob,
                };
                self.pending_oob = Some(failed);
                guard = Some(if store { failed } else { oob });
            }
        }
        let base = self.memory_base(mem)?;
        let p = self.b.ins().iadd(base, a);
        let (p, off) = if offset > i32::MAX as u64 || guard.is_some() {
            (self.b.ins().iadd_imm_s(p, offset as i64), 0)
        } else {
            (p, offset as i32)
        };
        let Some(g) = guard else { return Ok((p, off)) };
        let slot = *self.scratch.get_or_insert_with(|| {
            self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 16, 4))
        });
        let safe = self.b.ins().stack_addr(PTR, slot, 0);
        Ok((self.b.ins().select(g, safe, p), 0))
    }

    /// Memory `mem`'s current base address.
    pub(super) fn memory_base(&mut self, mem: MemRef) -> Result<Value, CompileError> {
        self.memory_field(mem, true)
    }

    /// Memory `mem`'s current length in bytes.
    pub(super) fn memory_len(&mut self, mem: MemRef) -> Result<Value, CompileError> {
        self.memory_field(mem, false)
    }

    /// Memory `mem`'s base or length, from the variables that hold it.
    fn memory_field(&mut self, mem: MemRef, base: bool) -> Result<Value, CompileError> {
        let &(_, b, l) =
            self.mem.iter().find(|(i, ..)| *i == mem.index()).ok_or_else(|| err("memory access without its memory"))?;
        Ok(self.b.use_var(if base { b } else { l }))
    }

    /// Slot `s`, an address, length or page count, an `i64` (`is64`) or an
    /// `i32`, as an `i64`.
    pub(super) fn index_value(&mut self, s: Slot, is64: bool) -> Result<Value, CompileError> {
        if is64 {
            return self.get(s, I64);
        }
        let v = self.get(s, I32)?;
        Ok(self.b.ins().uextend(types::I64, v))
    }

    /// An `i64` page count or size as memory `mem`'s index type.
    pub(super) fn narrow_index(&mut self, v: Value, mem: MemRef) -> Value {
        if mem.is64() { v } else { self.b.ins().ireduce(types::I32, v) }
    }

    /// The class of memory `mem`'s index type.
    pub(super) fn index_cls(mem: MemRef) -> Cls {
        if mem.is64() { I64 } else { I32 }
    }

    pub(super) fn load(&mut self, dst: Slot, addr: Slot, offset: u32, size: u32, to: Cls, kind: LoadKind) -> Lowered {
        let (p, off) = self.addr(addr, offset, size, false)?;
        let t = ir(to);
        let v = match kind {
            LoadKind::Full => self.b.ins().load(t, guest(), p, off),
            LoadKind::S8 => self.b.ins().sload8(t, guest(), p, off),
            LoadKind::U8 => self.b.ins().uload8(t, guest(), p, off),
            LoadKind::S16 => self.b.ins().sload16(t, guest(), p, off),
            LoadKind::U16 => self.b.ins().uload16(t, guest(), p, off),
            LoadKind::S32 => self.b.ins().sload32(guest(), p, off),
            LoadKind::U32 => self.b.ins().uload32(guest(), p, off),
        };
        self.set(dst, to, v);
        Ok(())
    }

    pub(super) fn store(&mut self, addr: Slot, value: Slot, offset: u32, size: u32, from: Cls) -> Lowered {
        let v = self.get(value, from)?;
        let (p, off) = self.addr(addr, offset, size, true)?;
        let full = ir(from).bytes() == size;
        if full {
            self.b.ins().store(guest(), v, p, off);
        } else {
            match size {
                1 => self.b.ins().istore8(guest(), v, p, off),
                2 => self.b.ins().istore16(guest(), v, p, off),
                _ => self.b.ins().istore32(guest(), v, p, off),
            };
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
pub(super) enum LoadKind {
    Full,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
}
