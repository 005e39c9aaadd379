//! The operand stack and slots: temporaries, constants, materialising locals, copies to block results.

use super::*;

impl Translator<'_> {
    /// Is `slot` a temporary whose value nothing reads after the
    /// instruction being emitted (result slot `dst`)? Temporaries are only
    /// read through the operand stack, so it is when no operand on the
    /// stack is that temporary, other than the instruction's own result.
    pub(super) fn temp_dead(&self, slot: Slot, dst: Option<Slot>) -> bool {
        let (slot, locals) = (slot.index(), self.num_locals as usize);
        if slot < locals || slot >= RESULT_TAG as usize {
            return false;
        }
        let k = slot - locals;
        match self.stack.get(k) {
            None => true,
            Some(o) => {
                let cells = if o.ty == ValType::V128 { 2 } else { 1 };
                o.kind == Kind::Temp && k + cells == self.stack.len() && dst == Some(Slot(slot as u16))
            }
        }
    }

    pub(super) fn temp_slot(&mut self, height: usize) -> Slot {
        let s = self.num_locals as usize + height;
        if s > u16::MAX as usize {
            self.too_many_slots = true;
            return Slot(0);
        }
        Slot(s as u16)
    }

    /// Pushes a temporary of type `ty` (two cells for a `v128`) and
    /// returns its (first) slot.
    pub(super) fn push_temp(&mut self, ty: ValType) -> Slot {
        let h = self.stack.len();
        self.push(Kind::Temp, ty);
        self.temp_slot(h)
    }

    /// Pushes a value of type `ty`: a `v128` as its two cells (a
    /// `v128.const` is a `Kind::ConstV128`, never a `Kind::Const`).
    pub(super) fn push(&mut self, kind: Kind, ty: ValType) {
        debug_assert!(ty != ValType::V128 || !matches!(kind, Kind::Const(_)));
        self.push_cell(kind, Cell { ty, hi: false });
        if ty == ValType::V128 {
            let hi = match kind {
                Kind::Local(c) => Kind::Local(c + 1),
                k => k,
            };
            self.push_cell(hi, Cell { ty, hi: true });
        }
    }

    /// Pushes one cell (a label's params and results come as cells).
    pub(super) fn push_cell(&mut self, kind: Kind, cell: Cell) {
        self.stack.push(Operand { kind, ty: cell.ty, hi: cell.hi });
        self.max_height = self.max_height.max(self.stack.len());
    }

    /// Pops the top value (both cells of a `v128`) and returns its first cell.
    pub(super) fn pop(&mut self) -> Operand {
        let top = self.stack.pop().unwrap_or(Operand { kind: Kind::Temp, ty: ValType::I32, hi: false });
        if top.hi { self.stack.pop().unwrap_or(top) } else { top }
    }

    /// Slot holding operand `i` of the stack (a constant's slot for a constant).
    pub(super) fn slot_at(&mut self, i: usize) -> Slot {
        let op = self.stack[i];
        match op.kind {
            Kind::Local(l) => Slot(l as u16),
            Kind::Temp => self.temp_slot(i),
            Kind::Const(bits) => match self.const_slot(bits) {
                Some(s) => s,
                None => {
                    let dst = self.temp_slot(i);
                    self.emit_const(dst, bits, op.ty);
                    self.stack[i].kind = Kind::Temp;
                    dst
                }
            },
            Kind::ConstV128(k) => match self.const_slot_v128(self.v128_consts[k as usize]) {
                Some(s) => s,
                None => {
                    self.materialize(i);
                    self.temp_slot(i)
                }
            },
        }
    }

    /// Pushes `v128.const value`. Its cells become adjacent constant slots
    /// when it is used as an operand: compilers rematerialise vector
    /// constants inside loops, where a `V128Const` would run every time.
    pub(super) fn push_v128_const(&mut self, value: u128) {
        let k = self.v128_consts.len() as u32;
        self.v128_consts.push(value);
        self.push(Kind::ConstV128(k), ValType::V128);
    }

    /// The placeholder of the first of two adjacent constant slots holding
    /// `value` (`None` once placeholders run out).
    fn const_slot_v128(&mut self, value: u128) -> Option<Slot> {
        if let Some(&i) = self.v128_const_index.get(&value) {
            return Some(Slot(CONST_TAG + i));
        }
        let i = self.consts.len();
        if i + 1 >= (u16::MAX - CONST_TAG) as usize {
            return None;
        }
        for (j, half) in [value as u64, (value >> 64) as u64].into_iter().enumerate() {
            self.consts.push(half);
            self.const_index.entry(half).or_insert((i + j) as u16);
        }
        self.v128_const_index.insert(value, i as u16);
        Some(Slot(CONST_TAG + i as u16))
    }

    /// The placeholder slot of constant `bits` (`None` once the function
    /// has as many distinct constants as placeholders can name).
    pub(super) fn const_slot(&mut self, bits: u64) -> Option<Slot> {
        if let Some(&i) = self.const_index.get(&bits) {
            return Some(Slot(CONST_TAG + i));
        }
        let i = self.consts.len();
        if i >= (u16::MAX - CONST_TAG) as usize {
            return None;
        }
        self.consts.push(bits);
        self.const_index.insert(bits, i as u16);
        Some(Slot(CONST_TAG + i as u16))
    }

    pub(super) fn emit_const(&mut self, dst: Slot, bits: u64, ty: ValType) {
        match ty {
            ValType::I32 | ValType::F32 => self.emit(Op::Const32 { dst, imm: bits as u32 }),
            _ => self.emit(Op::Const64 { dst, imm: bits }),
        }
    }

    /// Pops the top value and returns its (first) slot and the height it
    /// sat at. A `v128`'s cells are both locals or both temporaries (they
    /// are pushed, materialised and copied together), so they are adjacent.
    pub(super) fn pop_slot(&mut self) -> (Slot, usize) {
        let Some(top) = self.stack.last() else {
            return (self.temp_slot(0), 0);
        };
        let i = self.stack.len() - if top.hi && self.stack.len() >= 2 { 2 } else { 1 };
        let s = self.slot_at(i);
        self.stack.truncate(i);
        (s, i)
    }

    /// Moves operand `i` into its own temporary (if it is not there yet).
    pub(super) fn materialize(&mut self, i: usize) {
        let op = self.stack[i];
        let dst = self.temp_slot(i);
        match op.kind {
            Kind::Temp => {}
            Kind::Local(l) => {
                self.emit(Op::Copy { dst, src: Slot(l as u16), ty: op.code() });
                self.stack[i].kind = Kind::Temp;
            }
            Kind::Const(bits) => {
                self.emit_const(dst, bits, op.ty);
                self.stack[i].kind = Kind::Temp;
            }
            // The low cell writes both.
            Kind::ConstV128(_) if op.hi => {}
            Kind::ConstV128(k) => {
                self.emit(Op::V128Const { dst, imm: self.v128_consts[k as usize] });
                self.stack[i].kind = Kind::Temp;
                self.stack[i + 1].kind = Kind::Temp;
            }
        }
    }

    /// Copies operand `i` (of any kind) into slot `dst`.
    pub(super) fn copy_operand_to(&mut self, i: usize, dst: Slot) {
        let op = self.stack[i];
        match op.kind {
            Kind::Const(bits) => self.emit_const(dst, bits, op.ty),
            // The low cell writes both.
            Kind::ConstV128(_) if op.hi => {}
            Kind::ConstV128(k) => self.emit(Op::V128Const { dst, imm: self.v128_consts[k as usize] }),
            Kind::Local(l) => {
                if Slot(l as u16) != dst {
                    self.emit(Op::Copy { dst, src: Slot(l as u16), ty: op.code() })
                }
            }
            Kind::Temp => {
                let src = self.temp_slot(i);
                if src != dst {
                    self.emit(Op::Copy { dst, src, ty: op.code() })
                }
            }
        }
    }

    /// Would copying the top `n` operands to heights `base..` emit anything?
    pub(super) fn needs_copies(&mut self, n: usize, base: usize) -> bool {
        let len = self.stack.len();
        (0..n).any(|j| {
            let i = len - n + j;
            !(self.stack[i].kind == Kind::Temp && i == base + j)
        })
    }

    /// Copies the top `n` operands to heights `base..base + n` (in order,
    /// which is safe: every source sits at or above its destination).
    pub(super) fn copy_top_to(&mut self, n: usize, base: usize) {
        let len = self.stack.len();
        for j in 0..n {
            let dst = self.temp_slot(base + j);
            self.copy_operand_to(len - n + j, dst);
        }
    }

    /// Materialises every `local.get` operand on the stack (before control
    /// flow, so each path sees the value the local had at that point).
    pub(super) fn materialize_locals(&mut self) {
        for i in 0..self.stack.len() {
            if matches!(self.stack[i].kind, Kind::Local(_)) {
                self.materialize(i);
            }
        }
    }
}
