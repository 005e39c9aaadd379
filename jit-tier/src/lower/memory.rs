//! Lowering of loads and stores: addresses and bounds checks (direct or deferred).

use super::*;

impl<'a, 'm> Lower<'a, 'm> {
    /// Host address of an access of `size` bytes at `addr + offset`, and the
    /// offset to add to it in the access itself.
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
        let (base, len) = self.mem.ok_or_else(|| err("memory access without a memory"))?;
        let a32 = self.get(addr, I32)?;
        let a = self.b.ins().uextend(types::I64, a32);
        let need = offset as u64 + size as u64;
        let known = self.checked.get(&a32).is_some_and(|&done| done >= need);
        let mut guard = if store { self.pending_oob } else { None };
        if !known {
            let end = self.b.ins().iadd_imm_s(a, need as i64);
            let len = self.b.use_var(len);
            let oob = self.b.ins().icmp(IntCC::UnsignedGreaterThan, end, len);
            if self.region_checks < self.info.jit.direct_bounds_checks {
                self.region_checks += 1;
                self.trap_if(oob, TrapCode::MemoryOutOfBounds);
                self.checked.insert(a32, need);
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
        let base = self.b.use_var(base);
        let p = self.b.ins().iadd(base, a);
        let (p, off) = if offset > i32::MAX as u32 || guard.is_some() {
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
