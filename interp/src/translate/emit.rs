//! Emission: appending ops, accumulator and register-result forms, fusing a comparison or an increment into the branch that follows, fuel blocks.

use super::*;

impl Translator<'_> {
    pub(super) fn emit(&mut self, op: Op) {
        self.last_result = None;
        self.last_cmp = None;
        if let Some((at, fused)) = self.fuse_increment(op) {
            self.acc = None;
            self.last_copy = None;
            self.cut(at);
            self.encode(fused, None);
            return;
        }
        // Two moves in a row become one `Copy2`.
        if let (Op::Copy { dst: dst2, src: src2, ty: ty2 }, Some(at)) = (op, self.last_copy.take())
            && let Ok((Op::Copy { dst, src, ty }, _)) = decode(&self.code, at)
        {
            self.cut(at);
            self.encode(Op::Copy2 { dst, src, dst2, src2, ty, ty2 }, None);
            self.acc = None;
            return;
        }
        let start = self.code.len();
        self.encode(op, None);
        self.acc = None;
        if matches!(op, Op::Copy { .. })
            && self.code.get(start..start + OPCODE_SIZE) == Some(&(Opcode::Copy as u16).to_le_bytes())
        {
            self.last_copy = Some(start);
        }
    }

    /// Removes the code from `at` on (instructions about to be replaced),
    /// with the slot operands noted there for `layout_frame`.
    pub(super) fn cut(&mut self, at: usize) {
        self.code.truncate(at);
        while self.fixups.last().is_some_and(|&f| f as usize >= at) {
            self.fixups.pop();
        }
    }

    /// `op` joined with the instruction just before it (which starts at the
    /// returned position), when that is
    /// `x += k` (an `i32` add in place, of a constant or a slot) and `op`
    /// an `i32` compare-and-branch that tests `x` against another slot: a
    /// counted loop's `i++; if (i != n) continue` in one dispatch. The
    /// comparison is mirrored when `x` is its right operand. Not the
    /// accumulator forms (`I32AddImmA`...): the instruction before them may
    /// have left an operand in the accumulator only (a register-result
    /// form), and the fused op reads slots.
    pub(super) fn fuse_increment(&self, op: Op) -> Option<(usize, Op)> {
        let acc = self.acc?;
        let (x, step) = match decode(&self.code, acc.at).ok()? {
            (_, end) if end != self.code.len() => return None,
            (Op::I32AddImm { dst, lhs, imm }, _) if dst == lhs => (dst, Increment::Imm(imm)),
            (Op::I32Add { dst, lhs, rhs }, _) if dst == lhs => (dst, Increment::Slot(rhs)),
            (Op::I32Add { dst, lhs, rhs }, _) if dst == rhs => (dst, Increment::Slot(lhs)),
            _ => return None,
        };
        // `emit` gets plain branches: accumulator forms are chosen later.
        // The comparison is mirrored when `x` is its right operand.
        let (lhs, rhs) = op.compared()?;
        let br = if lhs == x {
            op
        } else if rhs == x {
            op.swapped()?
        } else {
            return None;
        };
        Some((acc.at, br.with_increment(step)?))
    }

    /// `op`, a vector add or subtract, joined with the multiply just
    /// before it when it consumes that product and nothing else reads the
    /// product (the multiply is cut; `Op::mul_then`, `F32x4MulAdd`...): a
    /// dot product's `acc += x * y` in one dispatch.
    fn fuse_mul_then(&mut self, op: Op, dst: Slot) -> Option<Op> {
        let (field, m) = self.last_result?;
        let at = field - OPCODE_SIZE;
        let (prev, end) = decode(&self.code, at).ok()?;
        if end != self.code.len() {
            return None;
        }
        let (fused, product) = Op::mul_then(prev, op)?;
        if product != m || !self.temp_dead(m, Some(dst)) {
            return None;
        }
        self.cut(at);
        Some(fused)
    }

    /// Emits an op whose first operand (`dst`) is the result slot.
    pub(super) fn emit_result(&mut self, op: Op, dst: Slot) {
        // (Tested first: `emit_result` runs for every op with a result.)
        let op = if op.opcode().takes_product() { self.fuse_mul_then(op, dst).unwrap_or(op) } else { op };
        self.last_copy = None;
        let start = self.code.len();
        // `i32.eqz` of the comparison just before it (into a temporary:
        // `local.tee` clears `last_result`) is that comparison inverted.
        // (`i64.eqz` can only take an `i64.and`: comparisons give i32.)
        let inverts = match (op, self.last_cmp, self.last_result) {
            (Op::I32Eqz { src, .. } | Op::I64Eqz { src, .. }, Some(c), Some((_, res))) if res == src => {
                Some(PendingCmp { inverted: !c.inverted, ..c })
            }
            _ => None,
        };
        let acc_before = self.acc;
        self.encode(op, Some(dst));
        self.acc = op.opcode().acc_result().map(|bank| Acc { slot: dst, bank, at: start });
        self.last_result = Some((start + OPCODE_SIZE, dst));
        self.last_cmp =
            inverts.or_else(|| fusable_compare(&op).then_some(PendingCmp { start, op, inverted: false, acc_before }));
        if self.info.canonicalize_nans
            && let Some(canon) = op.opcode().canon_nan()
        {
            // In place: a `local.set` that follows retargets the
            // canonicalising op's result (it is `last_result` now).
            let canon = match canon {
                Opcode::F32CanonNan => Op::F32CanonNan { dst, src: dst },
                Opcode::F64CanonNan => Op::F64CanonNan { dst, src: dst },
                Opcode::F32x4CanonNan => Op::F32x4CanonNan { dst, src: dst },
                _ => Op::F64x2CanonNan { dst, src: dst },
            };
            self.emit_result(canon, dst);
        }
    }

    /// Appends `op` (result slot `dst`, if any) in its accumulator form if
    /// it reads the accumulator's slot (a store whose value is that slot:
    /// its value form), and notes its slot operands that
    /// `layout_frame` renumbers. When that slot is a temporary that nothing
    /// reads afterwards, the instruction that produced it stops writing it
    /// (its register-result form): the value lives in the accumulator only.
    pub(super) fn encode(&mut self, op: Op, dst: Option<Slot>) {
        let start = self.code.len();
        op.encode(&mut self.code);
        if let Some(acc) = self.acc
            && (to_acc_form(&mut self.code[start..], acc.slot, acc.bank)
                || to_value_form(&mut self.code[start..], acc.slot, acc.bank))
            // A fused branch would replace `op` and read the slot instead.
            && !fusable_compare(&op)
            && self.temp_dead(acc.slot, dst)
        {
            to_reg_form(&mut self.code[acc.at..]);
        }
        let (offsets, n) = op.opcode().slot_offsets();
        for &off in &offsets[..n] {
            let at = start + off as usize;
            let slot = u16::from_le_bytes([self.code[at], self.code[at + 1]]);
            if slot as u32 >= self.num_locals {
                self.fixups.push(at as u32);
            }
        }
    }

    /// Emits a branch to `target` taken when `cond` is non-zero (`when`
    /// true) or zero (`when` false); returns the position of its target
    /// field. A comparison that produced `cond` just before is fused in.
    pub(super) fn cond_branch(&mut self, cond: Slot, when: bool, target: u32) -> usize {
        if let (Some(c), Some((_, dst))) = (self.last_cmp, self.last_result)
            && dst == cond
            && let Some(op) = fuse_compare(c.op, when != c.inverted, target)
        {
            self.cut(c.start);
            // The comparison is gone: the accumulator holds what it held before.
            self.acc = c.acc_before;
            self.emit(op);
            return self.code.len() - 4;
        }
        let target = Target(target);
        let op = if when { Op::BrIfNez { cond, target } } else { Op::BrIfEqz { cond, target } };
        self.emit(op);
        self.code.len() - 4
    }

    /// The position of the next instruction, which may become a jump
    /// target: it stays an instruction boundary.
    pub(super) fn pos(&mut self) -> u32 {
        self.last_copy = None;
        self.code.len() as u32
    }

    pub(super) fn patch(&mut self, at: usize, target: u32) {
        self.code[at..at + 4].copy_from_slice(&target.to_le_bytes());
    }

    pub(super) fn start_fuel_block(&mut self) {
        if !self.info.fuel {
            return;
        }
        self.flush_fuel();
        let site = self.code.len() + OPCODE_SIZE;
        self.emit(Op::ConsumeFuel { amount: 0 });
        self.fuel_site = Some(site);
    }

    pub(super) fn flush_fuel(&mut self) {
        if let Some(site) = self.fuel_site.take() {
            let n = std::mem::take(&mut self.fuel_count);
            self.patch(site, n);
        }
    }

    /// A new label: later code may be reached from elsewhere.
    pub(super) fn label_here(&mut self) {
        self.acc = None;
        self.last_copy = None;
        self.last_result = None;
        self.last_cmp = None;
        self.start_fuel_block();
    }
}
