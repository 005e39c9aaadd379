//! Lowering of branches, fused compare-and-branches and returns.

use super::*;

impl<'a, 'm> Lower<'a, 'm> {
    pub(super) fn br_icmp(&mut self, lhs: Slot, rhs: Slot, c: Cls, cc: IntCC, target: Target) -> Lowered {
        let x = self.get(lhs, c)?;
        let y = self.get(rhs, c)?;
        let r = self.b.ins().icmp(cc, x, y);
        self.br_if(r, target);
        Ok(())
    }

    /// `lhs += step`, then branches when the new `lhs cc rhs`.
    pub(super) fn br_add(&mut self, lhs: Slot, step: Step, rhs: Slot, cc: IntCC, target: Target) -> Lowered {
        let x = self.get(lhs, I32)?;
        let v = match step {
            Step::Slot(slot) => {
                let y = self.get(slot, I32)?;
                self.b.ins().iadd(x, y)
            }
            Step::Imm(imm) => self.b.ins().iadd_imm_s(x, imm as i32 as i64),
        };
        self.set(lhs, I32, v);
        self.br_icmp(lhs, rhs, I32, cc, target)
    }

    /// Branches when `(lhs & rhs) cc 0` (cc: equal or not equal).
    pub(super) fn br_and(&mut self, lhs: Slot, rhs: Slot, c: Cls, cc: IntCC, target: Target) -> Lowered {
        let x = self.get(lhs, c)?;
        let y = self.get(rhs, c)?;
        let a = self.b.ins().band(x, y);
        let r = self.b.ins().icmp_imm_s(cc, a, 0);
        self.br_if(r, target);
        Ok(())
    }

    /// Branches when `lhs cc rhs` is true, or when it is false with `negate`.
    pub(super) fn br_fcmp(
        &mut self,
        lhs: Slot,
        rhs: Slot,
        c: Cls,
        cc: FloatCC,
        negate: bool,
        target: Target,
    ) -> Lowered {
        let x = self.get(lhs, c)?;
        let y = self.get(rhs, c)?;
        let r = self.b.ins().fcmp(cc, x, y);
        let r = if negate { self.b.ins().bxor_imm_s(r, 1) } else { r };
        self.br_if(r, target);
        Ok(())
    }

    pub(super) fn ret(&mut self) -> Lowered {
        self.flush_deferred();
        self.give_back_depth();
        let t = self.ty;
        let one = self.b.ins().iconst(types::I8, 1);
        if let Some(frame) = self.osr_frame {
            for (cell, rt) in cells(t.results()) {
                let v = self.get(Slot(cell), cls(rt))?;
                store_raw(&mut self.b, cls(rt), v, frame, 8 * cell as i32);
            }
            self.b.ins().return_(&[one]);
            return Ok(());
        }
        match t.results().len() {
            0 => {
                self.b.ins().return_(&[one]);
            }
            1 => {
                let v = self.get(Slot(0), cls(t.results()[0]))?;
                self.b.ins().return_(&[one, v]);
            }
            _ => {
                let area = self.results_area.ok_or_else(|| err("no results area"))?;
                for (cell, rt) in cells(t.results()) {
                    let v = self.get(Slot(cell), cls(rt))?;
                    store_raw(&mut self.b, cls(rt), v, area, 8 * cell as i32);
                }
                self.b.ins().return_(&[one]);
            }
        }
        Ok(())
    }

    /// Gives back the call-depth level taken at entry. The limits pointer
    /// and the counter are loaded again here rather than kept from the
    /// entry: keeping them live across the body's calls took two more
    /// callee-saved registers (fib: 13 instructions more per call, against
    /// 8 this way).
    pub(super) fn give_back_depth(&mut self) {
        if self.takes_depth {
            let off = VMOffsets::limits_depth_remaining() as i32;
            let limits = self.b.ins().load(PTR, trusted(), self.vmctx, VMOffsets::header_limits() as i32);
            let depth = self.b.ins().load(types::I64, trusted(), limits, off);
            let back = self.b.ins().iadd_imm_s(depth, 1);
            self.b.ins().store(trusted(), back, limits, off);
        }
    }

    pub(super) fn fail_return(&mut self) {
        self.give_back_depth();
        let zero8 = self.b.ins().iconst(types::I8, 0);
        if self.ty.results().len() == 1 && self.osr_frame.is_none() {
            let z = zero(&mut self.b, cls(self.ty.results()[0]));
            self.b.ins().return_(&[zero8, z]);
        } else {
            self.b.ins().return_(&[zero8]);
        }
    }
}

/// What a fused increment-and-branch (`BrI32AddImm<Cmp>`, `BrI32Add<Cmp>`)
/// adds.
#[derive(Clone, Copy)]
pub(super) enum Step {
    Imm(u32),
    Slot(super::Slot),
}
