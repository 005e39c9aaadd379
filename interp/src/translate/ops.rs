//! Operators: the `match` from each wasm operator to the ops it becomes, and the shapes it uses (binary, unary, loads, stores, calls).

use super::*;

impl Translator<'_> {
    pub(super) fn binary(&mut self, ty: ValType, make: fn(Slot, Slot, Slot) -> Op) {
        let (rhs, _) = self.pop_slot();
        let (lhs, h) = self.pop_slot();
        let dst = self.push_temp(ty);
        debug_assert_eq!(self.temp_slot(h), dst);
        self.emit_result(make(dst, lhs, rhs), dst);
    }

    pub(super) fn unary(&mut self, ty: ValType, make: fn(Slot, Slot) -> Op) {
        let (src, _) = self.pop_slot();
        let dst = self.push_temp(ty);
        self.emit_result(make(dst, src), dst);
    }

    /// `i32.add`/`i32.sub` (and i64) with a constant operand use the `Imm` form.
    pub(super) fn add_imm(&mut self, ty: ValType, negate: bool, make: fn(Slot, Slot, Slot) -> Op) {
        let len = self.stack.len();
        if len >= 2 {
            let rhs = self.stack[len - 1];
            let lhs = self.stack[len - 2];
            let (c, other) = match (lhs.kind, rhs.kind) {
                (_, Kind::Const(c)) => (Some(c), len - 2),
                (Kind::Const(c), _) if !negate => (Some(c), len - 1),
                _ => (None, 0),
            };
            if let Some(c) = c {
                let src = self.slot_at(other);
                self.stack.truncate(len - 2);
                let dst = self.push_temp(ty);
                let op = if ty == ValType::I32 {
                    let imm = if negate { (c as u32).wrapping_neg() } else { c as u32 };
                    Op::I32AddImm { dst, lhs: src, imm }
                } else {
                    let imm = if negate { c.wrapping_neg() } else { c };
                    Op::I64AddImm { dst, lhs: src, imm }
                };
                self.emit_result(op, dst);
                return;
            }
        }
        self.binary(ty, make);
    }

    pub(super) fn load(&mut self, ty: ValType, memarg: MemArg, make: fn(Slot, Slot, u32) -> Op) {
        let (addr, _) = self.pop_slot();
        let dst = self.push_temp(ty);
        let op = self.on_memory(make(dst, addr, memarg.offset as u32), memarg);
        self.emit_result(op, dst);
    }

    pub(super) fn store(&mut self, memarg: MemArg, make: fn(Slot, Slot, u32) -> Op) {
        let (value, _) = self.pop_slot();
        let (addr, _) = self.pop_slot();
        let op = self.on_memory(make(addr, value, memarg.offset as u32), memarg);
        self.emit(op);
    }

    /// If table `table` is 64-bit: the operand `depth` places below the top
    /// of the stack (an `i64` index or length of it) narrowed in place to
    /// the `i32` the table ops take (`I64SatIndex`).
    pub(super) fn table_index(&mut self, table: u32, depth: usize) {
        if !self.env.table64(table) {
            return;
        }
        let i = self.stack.len() - 1 - depth;
        let src = self.slot_at(i);
        let dst = self.temp_slot(i);
        self.emit(Op::I64SatIndex { dst, src });
        self.stack[i].kind = Kind::Temp;
        self.stack[i].ty = ValType::I32;
    }

    /// If table `table` is 64-bit: the `i32` size or growth result on top
    /// of the stack widened in place to an `i64` (sign-extended, so a
    /// failed growth's -1 stays -1; tables hold fewer than 2^31 elements).
    pub(super) fn table_result(&mut self, table: u32) {
        if !self.env.table64(table) {
            return;
        }
        let i = self.stack.len() - 1;
        let slot = self.temp_slot(i);
        self.emit(Op::I64ExtendI32S { dst: slot, src: slot });
        self.stack[i].ty = ValType::I64;
    }

    /// Load or store `op` (a memory-0 op, made with `memarg`'s offset) as
    /// `memarg` asks: itself for memory 0 with 32-bit addresses (whose
    /// offsets fit in `u32`: validated), else its twin naming the memory.
    pub(super) fn on_memory(&self, op: Op, memarg: MemArg) -> Op {
        let mem = self.env.memory_ref(memarg.memory);
        if mem == MemRef::ZERO {
            return op;
        }
        op.on_memory(mem, memarg.offset).expect("a load or store has a twin")
    }

    /// `local.set`/`local.tee` of wasm local `local`.
    pub(super) fn local_set(&mut self, local: u32, tee: bool) {
        let len = self.stack.len();
        if len == 0 {
            return;
        }
        let l = self.local_cell(local);
        let top = self.stack[len - 1];
        if top.hi {
            return self.local_set_v128(l, tee);
        }
        let reads_local = self.stack[..len - 1].iter().any(|o| o.kind == Kind::Local(l));
        let fusable = top.kind == Kind::Temp
            && !reads_local
            && self.last_result.is_some_and(|(_, s)| s == self.temp_slot(len - 1));
        if fusable {
            let (at, dst) = self.last_result.take().expect("checked above");
            self.code[at..at + 2].copy_from_slice(&(l as u16).to_le_bytes());
            // The value went to the local instead; the accumulator still has it.
            if let Some(acc) = self.acc.as_mut()
                && acc.slot == dst
            {
                acc.slot = Slot(l as u16);
            }
        } else {
            // Keep the old value for operands that still read it.
            for i in 0..len - 1 {
                if self.stack[i].kind == Kind::Local(l) {
                    self.materialize(i);
                }
            }
            self.copy_operand_to(len - 1, Slot(l as u16));
        }
        self.stack.pop();
        if tee {
            self.push(Kind::Local(l), top.ty);
        }
        self.last_result = None;
    }

    /// `local.set`/`local.tee` of the `v128` in the top two cells to the
    /// local at cells `l` and `l + 1`: the op that computed it writes the
    /// local instead of a temporary when it can (as for scalars), else a
    /// copy, cell by cell.
    fn local_set_v128(&mut self, l: u32, tee: bool) {
        let len = self.stack.len();
        if len < 2 {
            return;
        }
        let reads_local =
            self.stack[..len - 2].iter().any(|o| matches!(o.kind, Kind::Local(c) if c == l || c == l + 1));
        let fusable = self.stack[len - 2].kind == Kind::Temp
            && !reads_local
            && self.last_result.is_some_and(|(_, s)| s == self.temp_slot(len - 2));
        if fusable {
            // The op writes both cells from its `dst`. (Copy2 of every
            // v128 result was a third of simd_mandel's inner loop.)
            let (at, _) = self.last_result.take().expect("checked above");
            self.code[at..at + 2].copy_from_slice(&(l as u16).to_le_bytes());
        } else {
            // Keep the old value for operands that still read it.
            for i in 0..len - 2 {
                if matches!(self.stack[i].kind, Kind::Local(c) if c == l || c == l + 1) {
                    self.materialize(i);
                }
            }
            self.copy_operand_to(len - 2, Slot(l as u16));
            self.copy_operand_to(len - 1, Slot(l as u16 + 1));
        }
        self.stack.truncate(len - 2);
        if tee {
            self.push(Kind::Local(l), ValType::V128);
        }
        self.last_result = None;
    }

    /// A call (`tail`: a tail call, after which the code is unreachable)
    /// of a function of type `type_index`, named by `callee`.
    pub(super) fn call(&mut self, callee: Callee, type_index: u32, tail: bool) {
        let ft = self.env.types[type_index as usize].clone();
        // The table index or the funcref, above the arguments.
        let on_top = if matches!(callee, Callee::Direct(_)) { None } else { Some(self.pop_slot().0) };
        let n = cell_count(ft.params());
        let len = self.stack.len();
        for i in len - n..len {
            self.materialize(i);
        }
        let args = self.temp_slot(len - n);
        // Tiered mode: the forms that also count the callee's calls.
        let hot = self.info.hot_counters;
        match (callee, on_top) {
            (Callee::Direct(func), _) => {
                let o = &self.info.offsets;
                let nimp = self.env.num_imported_funcs;
                if func < nimp {
                    let offset = o.imported_func(func);
                    self.emit(match (tail, hot) {
                        (true, _) => Op::ReturnCallImported { func, offset, args },
                        (false, true) => Op::CallImportedHot { func, offset, args },
                        (false, false) => Op::CallImported { func, offset, args },
                    })
                } else {
                    let offset = o.defined_func(func - nimp);
                    self.emit(match (tail, hot) {
                        (true, _) => Op::ReturnCall { func, offset, args },
                        (false, true) => Op::CallHot { func, offset, args },
                        (false, false) => Op::Call { func, offset, args },
                    })
                }
            }
            (Callee::Indirect(table), Some(index)) => {
                let sig = self.info.sig_ids[type_index as usize];
                self.emit(match (tail, hot) {
                    (true, _) => Op::ReturnCallIndirect { table, sig, index, args },
                    (false, true) => Op::CallIndirectHot { table, sig, index, args },
                    (false, false) => Op::CallIndirect { table, sig, index, args },
                })
            }
            (Callee::Ref, Some(callee)) => {
                let sig = self.info.sig_ids[type_index as usize];
                self.emit(match (tail, hot) {
                    (true, _) => Op::ReturnCallRef { sig, callee, args },
                    (false, true) => Op::CallRefHot { sig, callee, args },
                    (false, false) => Op::CallRef { sig, callee, args },
                })
            }
            _ => {}
        }
        // The results land where the arguments were (a tail call to a host
        // or compiled callee puts them there too, before returning them).
        self.stack.truncate(len - n);
        for &ty in ft.results() {
            self.push(Kind::Temp, ty);
        }
        if tail {
            self.set_unreachable();
        }
    }

    /// A conditional branch to the label `depth` blocks out, taken when
    /// `cond`'s slot satisfies `when`; the label's values are on the top
    /// of the stack.
    fn branch_if(&mut self, depth: u32, when: Cond, cond: Slot) {
        let idx = self.ctrl.len() - 1 - depth as usize;
        if self.ctrl[idx].kind == CtrlKind::Function {
            let at = self.cond_branch_on(cond, when.not(), 0);
            self.emit_return();
            let here = self.pos();
            self.patch(at, here);
        } else {
            let n = self.ctrl[idx].label_types().len();
            let base = self.ctrl[idx].base;
            if self.needs_copies(n, base) {
                let at = self.cond_branch_on(cond, when.not(), 0);
                self.copy_top_to(n, base);
                self.jump_to(idx, |target| Op::Br { target });
                let here = self.pos();
                self.patch(at, here);
            } else if self.ctrl[idx].kind == CtrlKind::Loop {
                let target = self.ctrl[idx].loop_start;
                self.cond_branch_on(cond, when, target);
            } else {
                let at = self.cond_branch_on(cond, when, 0);
                self.ctrl[idx].branched = true;
                self.ctrl[idx].patches.push(at);
            }
        }
        self.start_fuel_block();
    }

    /// `cond_branch` for any `Cond`: references test all 64 bits.
    fn cond_branch_on(&mut self, cond: Slot, when: Cond, target: u32) -> usize {
        let op = match when {
            Cond::I32Nez => return self.cond_branch(cond, true, target),
            Cond::I32Eqz => return self.cond_branch(cond, false, target),
            Cond::RefNonNull => Op::BrI64Nez { cond, target: Target(target) },
            Cond::RefNull => Op::BrI64Eqz { cond, target: Target(target) },
        };
        self.emit(op);
        self.code.len() - 4
    }

    /// Translates `op` (one out-of-line copy, for the less common operators).
    #[inline(never)]
    pub(super) fn operator(&mut self, op: Operator<'_>) -> Result<(), ModuleError> {
        self.operator_inline(op)
    }

    /// `operator`, inlined into the reader's visit methods of the `INLINED`
    /// operators, where the match folds to one arm.
    #[inline(always)]
    pub(super) fn operator_inline(&mut self, op: Operator<'_>) -> Result<(), ModuleError> {
        use Operator as O;
        use ValType::{F32, F64, I32, I64};
        if !self.reachable {
            match op {
                O::Block { .. } | O::Loop { .. } | O::If { .. } => self.dead_depth += 1,
                O::Else if self.dead_depth == 0 => self.else_block(),
                O::End if self.dead_depth > 0 => self.dead_depth -= 1,
                O::End => self.end_block(),
                _ => {}
            }
            return Ok(());
        }
        if !matches!(op, O::End | O::Else | O::Nop | O::Drop) {
            self.fuel_count += 1;
        }
        macro_rules! bin {
            ($ty:expr, $op:ident) => {
                self.binary($ty, |dst, lhs, rhs| Op::$op { dst, lhs, rhs })
            };
        }
        macro_rules! un {
            ($ty:expr, $op:ident) => {
                self.unary($ty, |dst, src| Op::$op { dst, src })
            };
        }
        macro_rules! load {
            ($ty:expr, $m:expr, $op:ident) => {
                self.load($ty, $m, |dst, addr, offset| Op::$op { dst, addr, offset })
            };
        }
        macro_rules! store {
            ($m:expr, $op:ident) => {
                self.store($m, |addr, value, offset| Op::$op { addr, value, offset })
            };
        }
        match op {
            O::Unreachable => {
                self.emit(Op::Unreachable {});
                self.set_unreachable();
            }
            O::Nop => {}
            O::Block { blockty } => self.open_block(CtrlKind::Block, blockty)?,
            O::Loop { blockty } => {
                self.open_block(CtrlKind::Loop, blockty)?;
                // Back edges jump to `start`: the tier-up counter (tiered
                // mode), then the loop body's fuel charge.
                let start = self.pos();
                if self.info.hot_counters {
                    self.emit(Op::HotLoop {});
                }
                self.label_here();
                if let Some(c) = self.ctrl.last_mut() {
                    c.loop_start = start;
                }
            }
            O::If { blockty } => {
                let (cond, _) = self.pop_slot();
                let (params, _) = block_type(self.env, blockty)?;
                if params.is_empty() {
                    self.open_block(CtrlKind::If, blockty)?;
                } else {
                    // Keep the originals for `else`: copies go above the
                    // condition's (dead) slot.
                    self.materialize_locals();
                    let n = params.len();
                    let len = self.stack.len();
                    for i in len - n..len {
                        self.materialize(i);
                    }
                    self.push(Kind::Temp, I32); // the condition's hole
                    for (j, &cell) in params.iter().enumerate() {
                        let src = self.temp_slot(len - n + j);
                        let h = self.stack.len();
                        self.push_cell(Kind::Temp, cell);
                        let dst = self.temp_slot(h);
                        self.emit(Op::Copy { dst, src, ty: cell.code() });
                    }
                    self.open_block(CtrlKind::If, blockty)?;
                    if let Some(c) = self.ctrl.last_mut() {
                        c.shift = n + 1;
                    }
                }
                let at = self.cond_branch(cond, false, 0);
                if let Some(c) = self.ctrl.last_mut() {
                    c.else_patch = Some(at);
                }
                self.start_fuel_block();
            }
            O::Else => self.else_block(),
            O::End => self.end_block(),
            O::Br { relative_depth } => {
                self.branch(relative_depth);
                self.set_unreachable();
            }
            O::BrIf { relative_depth } => {
                let (cond, _) = self.pop_slot();
                self.branch_if(relative_depth, Cond::I32Nez, cond);
            }
            O::BrTable { targets } => {
                let (index, _) = self.pop_slot();
                let mut depths = Vec::with_capacity(targets.len() as usize + 1);
                for t in targets.targets() {
                    depths.push(t?);
                }
                depths.push(targets.default());
                let len = depths.len() as u32 - 1;
                self.emit(Op::BrTable { index, len });
                let table_at = self.code.len();
                self.code.resize(table_at + depths.len() * 4, 0);
                // One stub per distinct depth that needs moves (or is a return).
                let mut stubs: Vec<(u32, u32)> = Vec::new();
                for (k, &d) in depths.iter().enumerate() {
                    let at = table_at + k * 4;
                    let idx = self.ctrl.len() - 1 - d as usize;
                    let n = self.ctrl[idx].label_types().len();
                    let base = self.ctrl[idx].base;
                    let direct = self.ctrl[idx].kind != CtrlKind::Function && !self.needs_copies(n, base);
                    if direct {
                        let c = &mut self.ctrl[idx];
                        if c.kind == CtrlKind::Loop {
                            let s = c.loop_start;
                            self.patch(at, s);
                        } else {
                            c.branched = true;
                            c.patches.push(at);
                        }
                    } else if let Some(&(_, pos)) = stubs.iter().find(|(sd, _)| *sd == d) {
                        self.patch(at, pos);
                    } else {
                        let pos = self.pos();
                        stubs.push((d, pos));
                        self.patch(at, pos);
                        self.branch(d);
                    }
                }
                self.set_unreachable();
            }
            O::Return => {
                self.emit_return();
                self.set_unreachable();
            }
            O::Call { function_index } => {
                let ty = self.env.funcs[function_index as usize];
                self.call(Callee::Direct(function_index), ty, false);
            }
            O::ReturnCall { function_index } => {
                let ty = self.env.funcs[function_index as usize];
                self.call(Callee::Direct(function_index), ty, true);
            }
            O::ReturnCallIndirect { type_index, table_index } => {
                self.table_index(table_index, 0);
                self.call(Callee::Indirect(table_index), type_index, true)
            }
            O::CallIndirect { type_index, table_index } => {
                self.table_index(table_index, 0);
                self.call(Callee::Indirect(table_index), type_index, false)
            }
            O::CallRef { type_index } => self.call(Callee::Ref, type_index, false),
            O::ReturnCallRef { type_index } => self.call(Callee::Ref, type_index, true),
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let (cond, _) = self.pop_slot();
                let (b, _) = self.pop_slot();
                let ty = self.stack.last().map(|o| o.ty).unwrap_or(I32);
                let (a, _) = self.pop_slot();
                let dst = self.push_temp(ty);
                let op = if ty == ValType::V128 {
                    Op::V128Select { dst, cond, a, b }
                } else {
                    Op::Select { dst, cond, a, b, ty: ty.code() }
                };
                self.emit_result(op, dst);
            }
            O::LocalGet { local_index } => {
                let l = self.local_cell(local_index);
                let ty = self.local_type(l);
                self.push(Kind::Local(l), ty);
            }
            O::LocalSet { local_index } => self.local_set(local_index, false),
            O::LocalTee { local_index } => self.local_set(local_index, true),
            O::GlobalGet { global_index } => {
                let ty = self.env.globals[global_index as usize].ty;
                let dst = self.push_temp(ty);
                let op = self.global_op(global_index, dst, true);
                self.emit_result(op, dst);
            }
            O::GlobalSet { global_index } => {
                let (src, _) = self.pop_slot();
                let op = self.global_op(global_index, src, false);
                self.emit(op);
            }
            O::I32Load { memarg } => load!(I32, memarg, I32Load),
            O::I64Load { memarg } => load!(I64, memarg, I64Load),
            O::F32Load { memarg } => load!(F32, memarg, F32Load),
            O::F64Load { memarg } => load!(F64, memarg, F64Load),
            O::I32Load8S { memarg } => load!(I32, memarg, I32Load8S),
            O::I32Load8U { memarg } => load!(I32, memarg, I32Load8U),
            O::I32Load16S { memarg } => load!(I32, memarg, I32Load16S),
            O::I32Load16U { memarg } => load!(I32, memarg, I32Load16U),
            O::I64Load8S { memarg } => load!(I64, memarg, I64Load8S),
            O::I64Load8U { memarg } => load!(I64, memarg, I64Load8U),
            O::I64Load16S { memarg } => load!(I64, memarg, I64Load16S),
            O::I64Load16U { memarg } => load!(I64, memarg, I64Load16U),
            O::I64Load32S { memarg } => load!(I64, memarg, I64Load32S),
            O::I64Load32U { memarg } => load!(I64, memarg, I64Load32U),
            O::I32Store { memarg } => store!(memarg, I32Store),
            O::I64Store { memarg } => store!(memarg, I64Store),
            O::F32Store { memarg } => store!(memarg, F32Store),
            O::F64Store { memarg } => store!(memarg, F64Store),
            O::I32Store8 { memarg } => store!(memarg, I32Store8),
            O::I32Store16 { memarg } => store!(memarg, I32Store16),
            O::I64Store8 { memarg } => store!(memarg, I64Store8),
            O::I64Store16 { memarg } => store!(memarg, I64Store16),
            O::I64Store32 { memarg } => store!(memarg, I64Store32),
            O::MemorySize { mem } => {
                let mem = self.env.memory_ref(mem);
                let dst = self.push_temp(mem.index_type());
                self.emit_result(Op::MemorySize { dst, mem }, dst);
            }
            O::MemoryGrow { mem } => {
                let mem = self.env.memory_ref(mem);
                let (delta, _) = self.pop_slot();
                let dst = self.push_temp(mem.index_type());
                self.emit(Op::MemoryGrow { dst, delta, mem });
            }
            O::MemoryFill { mem } => {
                let mem = self.env.memory_ref(mem);
                let (len, _) = self.pop_slot();
                let (value, _) = self.pop_slot();
                let (dst, _) = self.pop_slot();
                self.emit(Op::MemoryFill { dst, value, len, mem });
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let (dst_mem, src_mem) = (self.env.memory_ref(dst_mem), self.env.memory_ref(src_mem));
                let (len, _) = self.pop_slot();
                let (src, _) = self.pop_slot();
                let (dst, _) = self.pop_slot();
                self.emit(Op::MemoryCopy { dst, src, len, dst_mem, src_mem });
            }
            O::MemoryInit { data_index, mem } => {
                let mem = self.env.memory_ref(mem);
                let (len, _) = self.pop_slot();
                let (src, _) = self.pop_slot();
                let (dst, _) = self.pop_slot();
                self.emit(Op::MemoryInit { data: data_index, dst, src, len, mem });
            }
            O::DataDrop { data_index } => self.emit(Op::DataDrop { data: data_index }),
            O::TableGet { table } => {
                self.table_index(table, 0);
                let (index, _) = self.pop_slot();
                let ty = self.env.tables[table as usize].element;
                let dst = self.push_temp(ty);
                self.emit_result(Op::TableGet { dst, table, index }, dst);
            }
            O::TableSet { table } => {
                self.table_index(table, 1);
                let (value, _) = self.pop_slot();
                let (index, _) = self.pop_slot();
                self.emit(Op::TableSet { table, index, value });
            }
            O::TableSize { table } => {
                let dst = self.push_temp(I32);
                self.emit_result(Op::TableSize { dst, table }, dst);
                self.table_result(table);
            }
            O::TableGrow { table } => {
                self.table_index(table, 0);
                let (delta, _) = self.pop_slot();
                let (init, _) = self.pop_slot();
                let dst = self.push_temp(I32);
                self.emit(Op::TableGrow { dst, table, init, delta });
                self.table_result(table);
            }
            O::TableFill { table } => {
                self.table_index(table, 2);
                self.table_index(table, 0);
                let (len, _) = self.pop_slot();
                let (value, _) = self.pop_slot();
                let (dst, _) = self.pop_slot();
                self.emit(Op::TableFill { table, dst, value, len });
            }
            O::TableCopy { dst_table, src_table } => {
                self.table_index(dst_table, 2);
                self.table_index(src_table, 1);
                // The length is an `i64` only between two 64-bit tables.
                if self.env.table64(src_table) {
                    self.table_index(dst_table, 0);
                }
                let (len, _) = self.pop_slot();
                let (src, _) = self.pop_slot();
                let (dst, _) = self.pop_slot();
                self.emit(Op::TableCopy { dst_table, src_table, dst, src, len });
            }
            O::TableInit { elem_index, table } => {
                self.table_index(table, 2);
                let (len, _) = self.pop_slot();
                let (src, _) = self.pop_slot();
                let (dst, _) = self.pop_slot();
                self.emit(Op::TableInit { table, elem: elem_index, dst, src, len });
            }
            O::ElemDrop { elem_index } => self.emit(Op::ElemDrop { elem: elem_index }),
            O::RefNull { hty } => {
                let r = wasmparser::RefType::new(true, hty).and_then(tandem_vm_core::value::RefType::from_wasmparser);
                let r =
                    r.ok_or_else(|| ModuleError::unsupported(format!("ref.null of heap type {hty:?} (GC)"), None))?;
                self.push(Kind::Const(0), ValType::Ref(r).storage());
            }
            O::RefIsNull => un!(I32, RefIsNull),
            O::RefFunc { function_index } => {
                let dst = self.push_temp(ValType::FUNCREF);
                self.emit_result(Op::RefFunc { dst, func: function_index }, dst);
            }
            O::RefAsNonNull => {
                // The check reads the operand where it is; the value
                // stays on the stack unchanged.
                let len = self.stack.len();
                let src = self.slot_at(len - 1);
                self.emit(Op::RefAsNonNull { src });
            }
            O::BrOnNull { relative_depth } => {
                // Branch (dropping the null) when null; else the reference
                // stays, known non-null. The label's values sit below it,
                // so the copies of a taken branch leave its slot alone.
                let len = self.stack.len();
                let cond = self.slot_at(len - 1);
                let top = self.pop();
                self.branch_if(relative_depth, Cond::RefNull, cond);
                self.stack.push(top);
            }
            O::BrOnNonNull { relative_depth } => {
                // Branch with the reference (the label's last value) when
                // it is not null; else drop it.
                let len = self.stack.len();
                let cond = self.slot_at(len - 1);
                self.branch_if(relative_depth, Cond::RefNonNull, cond);
                self.pop();
            }
            O::I32Const { value } => self.push(Kind::Const(value as u32 as u64), I32),
            O::I64Const { value } => self.push(Kind::Const(value as u64), I64),
            O::F32Const { value } => self.push(Kind::Const(value.bits() as u64), F32),
            O::F64Const { value } => self.push(Kind::Const(value.bits()), F64),
            O::I32Add => self.add_imm(I32, false, |dst, lhs, rhs| Op::I32Add { dst, lhs, rhs }),
            O::I32Sub => self.add_imm(I32, true, |dst, lhs, rhs| Op::I32Sub { dst, lhs, rhs }),
            O::I32Mul => bin!(I32, I32Mul),
            O::I32DivS => bin!(I32, I32DivS),
            O::I32DivU => bin!(I32, I32DivU),
            O::I32RemS => bin!(I32, I32RemS),
            O::I32RemU => bin!(I32, I32RemU),
            O::I32And => bin!(I32, I32And),
            O::I32Or => bin!(I32, I32Or),
            O::I32Xor => bin!(I32, I32Xor),
            O::I32Shl => bin!(I32, I32Shl),
            O::I32ShrS => bin!(I32, I32ShrS),
            O::I32ShrU => bin!(I32, I32ShrU),
            O::I32Rotl => bin!(I32, I32Rotl),
            O::I32Rotr => bin!(I32, I32Rotr),
            O::I32Eq => bin!(I32, I32Eq),
            O::I32Ne => bin!(I32, I32Ne),
            O::I32LtS => bin!(I32, I32LtS),
            O::I32LtU => bin!(I32, I32LtU),
            O::I32GtS => bin!(I32, I32GtS),
            O::I32GtU => bin!(I32, I32GtU),
            O::I32LeS => bin!(I32, I32LeS),
            O::I32LeU => bin!(I32, I32LeU),
            O::I32GeS => bin!(I32, I32GeS),
            O::I32GeU => bin!(I32, I32GeU),
            O::I32Clz => un!(I32, I32Clz),
            O::I32Ctz => un!(I32, I32Ctz),
            O::I32Popcnt => un!(I32, I32Popcnt),
            O::I32Eqz => un!(I32, I32Eqz),
            O::I32Extend8S => un!(I32, I32Extend8S),
            O::I32Extend16S => un!(I32, I32Extend16S),
            O::I32WrapI64 => un!(I32, I32WrapI64),
            O::I32TruncF32S => un!(I32, I32TruncF32S),
            O::I32TruncF32U => un!(I32, I32TruncF32U),
            O::I32TruncF64S => un!(I32, I32TruncF64S),
            O::I32TruncF64U => un!(I32, I32TruncF64U),
            O::I32TruncSatF32S => un!(I32, I32TruncSatF32S),
            O::I32TruncSatF32U => un!(I32, I32TruncSatF32U),
            O::I32TruncSatF64S => un!(I32, I32TruncSatF64S),
            O::I32TruncSatF64U => un!(I32, I32TruncSatF64U),
            O::I32ReinterpretF32 => self.reinterpret(I32),
            O::I64Add => self.add_imm(I64, false, |dst, lhs, rhs| Op::I64Add { dst, lhs, rhs }),
            O::I64Sub => self.add_imm(I64, true, |dst, lhs, rhs| Op::I64Sub { dst, lhs, rhs }),
            O::I64Mul => bin!(I64, I64Mul),
            O::I64DivS => bin!(I64, I64DivS),
            O::I64DivU => bin!(I64, I64DivU),
            O::I64RemS => bin!(I64, I64RemS),
            O::I64RemU => bin!(I64, I64RemU),
            O::I64And => bin!(I64, I64And),
            O::I64Or => bin!(I64, I64Or),
            O::I64Xor => bin!(I64, I64Xor),
            O::I64Shl => bin!(I64, I64Shl),
            O::I64ShrS => bin!(I64, I64ShrS),
            O::I64ShrU => bin!(I64, I64ShrU),
            O::I64Rotl => bin!(I64, I64Rotl),
            O::I64Rotr => bin!(I64, I64Rotr),
            O::I64Eq => bin!(I32, I64Eq),
            O::I64Ne => bin!(I32, I64Ne),
            O::I64LtS => bin!(I32, I64LtS),
            O::I64LtU => bin!(I32, I64LtU),
            O::I64GtS => bin!(I32, I64GtS),
            O::I64GtU => bin!(I32, I64GtU),
            O::I64LeS => bin!(I32, I64LeS),
            O::I64LeU => bin!(I32, I64LeU),
            O::I64GeS => bin!(I32, I64GeS),
            O::I64GeU => bin!(I32, I64GeU),
            O::I64Clz => un!(I64, I64Clz),
            O::I64Ctz => un!(I64, I64Ctz),
            O::I64Popcnt => un!(I64, I64Popcnt),
            O::I64Eqz => un!(I32, I64Eqz),
            O::I64Extend8S => un!(I64, I64Extend8S),
            O::I64Extend16S => un!(I64, I64Extend16S),
            O::I64Extend32S => un!(I64, I64Extend32S),
            O::I64ExtendI32S => un!(I64, I64ExtendI32S),
            O::I64ExtendI32U => un!(I64, I64ExtendI32U),
            O::I64TruncF32S => un!(I64, I64TruncF32S),
            O::I64TruncF32U => un!(I64, I64TruncF32U),
            O::I64TruncF64S => un!(I64, I64TruncF64S),
            O::I64TruncF64U => un!(I64, I64TruncF64U),
            O::I64TruncSatF32S => un!(I64, I64TruncSatF32S),
            O::I64TruncSatF32U => un!(I64, I64TruncSatF32U),
            O::I64TruncSatF64S => un!(I64, I64TruncSatF64S),
            O::I64TruncSatF64U => un!(I64, I64TruncSatF64U),
            O::I64ReinterpretF64 => self.reinterpret(I64),
            O::F32Add => bin!(F32, F32Add),
            O::F32Sub => bin!(F32, F32Sub),
            O::F32Mul => bin!(F32, F32Mul),
            O::F32Div => bin!(F32, F32Div),
            O::F32Min => bin!(F32, F32Min),
            O::F32Max => bin!(F32, F32Max),
            O::F32Copysign => bin!(F32, F32Copysign),
            O::F32Eq => bin!(I32, F32Eq),
            O::F32Ne => bin!(I32, F32Ne),
            O::F32Lt => bin!(I32, F32Lt),
            O::F32Gt => bin!(I32, F32Gt),
            O::F32Le => bin!(I32, F32Le),
            O::F32Ge => bin!(I32, F32Ge),
            O::F32Abs => un!(F32, F32Abs),
            O::F32Neg => un!(F32, F32Neg),
            O::F32Ceil => un!(F32, F32Ceil),
            O::F32Floor => un!(F32, F32Floor),
            O::F32Trunc => un!(F32, F32Trunc),
            O::F32Nearest => un!(F32, F32Nearest),
            O::F32Sqrt => un!(F32, F32Sqrt),
            O::F32ConvertI32S => un!(F32, F32ConvertI32S),
            O::F32ConvertI32U => un!(F32, F32ConvertI32U),
            O::F32ConvertI64S => un!(F32, F32ConvertI64S),
            O::F32ConvertI64U => un!(F32, F32ConvertI64U),
            O::F32DemoteF64 => un!(F32, F32DemoteF64),
            O::F32ReinterpretI32 => self.reinterpret(F32),
            O::F64Add => bin!(F64, F64Add),
            O::F64Sub => bin!(F64, F64Sub),
            O::F64Mul => bin!(F64, F64Mul),
            O::F64Div => bin!(F64, F64Div),
            O::F64Min => bin!(F64, F64Min),
            O::F64Max => bin!(F64, F64Max),
            O::F64Copysign => bin!(F64, F64Copysign),
            O::F64Eq => bin!(I32, F64Eq),
            O::F64Ne => bin!(I32, F64Ne),
            O::F64Lt => bin!(I32, F64Lt),
            O::F64Gt => bin!(I32, F64Gt),
            O::F64Le => bin!(I32, F64Le),
            O::F64Ge => bin!(I32, F64Ge),
            O::F64Abs => un!(F64, F64Abs),
            O::F64Neg => un!(F64, F64Neg),
            O::F64Ceil => un!(F64, F64Ceil),
            O::F64Floor => un!(F64, F64Floor),
            O::F64Trunc => un!(F64, F64Trunc),
            O::F64Nearest => un!(F64, F64Nearest),
            O::F64Sqrt => un!(F64, F64Sqrt),
            O::F64ConvertI32S => un!(F64, F64ConvertI32S),
            O::F64ConvertI32U => un!(F64, F64ConvertI32U),
            O::F64ConvertI64S => un!(F64, F64ConvertI64S),
            O::F64ConvertI64U => un!(F64, F64ConvertI64U),
            O::F64PromoteF32 => un!(F64, F64PromoteF32),
            O::F64ReinterpretI64 => self.reinterpret(F64),
            O::I64Add128 => {
                self.wide(4, |dst, s| Op::I64Add128 { dst, a_lo: s[0], a_hi: s[1], b_lo: s[2], b_hi: s[3] })
            }
            O::I64Sub128 => {
                self.wide(4, |dst, s| Op::I64Sub128 { dst, a_lo: s[0], a_hi: s[1], b_lo: s[2], b_hi: s[3] })
            }
            O::I64MulWideS => self.wide(2, |dst, s| Op::I64MulWideS { dst, lhs: s[0], rhs: s[1] }),
            O::I64MulWideU => self.wide(2, |dst, s| Op::I64MulWideU { dst, lhs: s[0], rhs: s[1] }),
            other => {
                return Err(ModuleError::unsupported(format!("operator {other:?}"), None));
            }
        }
        Ok(())
    }

    /// A wide-arithmetic op: `n` `i64` operands, two `i64` results (low,
    /// high) in two new temporaries, the first of them `dst`. The op reads
    /// every operand before it writes, so results may share operands' slots.
    pub(super) fn wide(&mut self, n: usize, make: impl FnOnce(Slot, [Slot; 4]) -> Op) {
        let mut s = [Slot(0); 4];
        for k in (0..n).rev() {
            s[k] = self.pop_slot().0;
        }
        let dst = self.push_temp(ValType::I64);
        self.push_temp(ValType::I64);
        self.emit(make(dst, s));
    }

    /// Reinterpretations change only the type: the bits stay where they are.
    pub(super) fn reinterpret(&mut self, ty: ValType) {
        let i = self.stack.len() - 1;
        match self.stack[i].kind {
            Kind::Const(_) => self.stack[i].ty = ty,
            _ => {
                let (src, _) = self.pop_slot();
                let dst = self.push_temp(ty);
                self.emit_result(Op::Reinterpret { dst, src, ty: ty.code() }, dst);
            }
        }
    }

    /// The type of the local whose (first) cell is `l`.
    pub(super) fn local_type(&self, l: u32) -> ValType {
        self.local_types.get(l as usize).copied().unwrap_or(ValType::I32)
    }

    /// The first cell of wasm local `local`.
    pub(super) fn local_cell(&self, local: u32) -> u32 {
        if self.local_cells.is_empty() {
            return local;
        }
        self.local_cells.get(local as usize).copied().unwrap_or(0)
    }

    pub(super) fn global_op(&self, g: u32, slot: Slot, get: bool) -> Op {
        let o = &self.info.offsets;
        let imported = g < self.env.num_imported_globals;
        let offset = if imported { o.imported_global(g) } else { o.defined_global(g - self.env.num_imported_globals) };
        let v128 = self.env.globals[g as usize].ty == ValType::V128;
        match (get, imported, v128) {
            (true, false, false) => Op::GlobalGet { dst: slot, offset },
            (true, true, false) => Op::GlobalGetImported { dst: slot, offset },
            (false, false, false) => Op::GlobalSet { src: slot, offset },
            (false, true, false) => Op::GlobalSetImported { src: slot, offset },
            (true, false, true) => Op::V128GlobalGet { dst: slot, offset },
            (true, true, true) => Op::V128GlobalGetImported { dst: slot, offset },
            (false, false, true) => Op::V128GlobalSet { src: slot, offset },
            (false, true, true) => Op::V128GlobalSetImported { src: slot, offset },
        }
    }
}

/// `ValType` of a scalar type name in the SIMD op list.
macro_rules! scalar {
    (i32) => {
        ValType::I32
    };
    (i64) => {
        ValType::I64
    };
    (f32) => {
        ValType::F32
    };
    (f64) => {
        ValType::F64
    };
}

/// The translation of every SIMD operator, by shape, from the op list
/// (`for_each_simd!`): each operator becomes its op, whose operands the
/// shape gives.
macro_rules! simd_translate {
    ($($name:ident $f:ident $shape:ident ($($x:tt)*);)*) => {
        impl Translator<'_> {
            /// Translates SIMD operator `op`.
            pub(super) fn simd(&mut self, op: Operator<'_>) -> Result<(), ModuleError> {
                if !self.reachable {
                    return Ok(());
                }
                self.fuel_count += 1;
                match op {
                    $( simd_translate!(@pat [memarg lane value lanes] $name $shape) => simd_translate!(@emit self [memarg lane value lanes], $name, $shape, $($x)*), )*
                    _ => return Err(ModuleError::unsupported("SIMD operator", None)),
                }
                Ok(())
            }
        }
    };
    (@pat [$memarg:ident $lane:ident $value:ident $lanes:ident] $name:ident Load) => { Operator::$name { memarg: $memarg } };
    (@pat [$memarg:ident $lane:ident $value:ident $lanes:ident] $name:ident Store) => { Operator::$name { memarg: $memarg } };
    (@pat [$memarg:ident $lane:ident $value:ident $lanes:ident] $name:ident LoadLane) => { Operator::$name { memarg: $memarg, lane: $lane } };
    (@pat [$memarg:ident $lane:ident $value:ident $lanes:ident] $name:ident StoreLane) => { Operator::$name { memarg: $memarg, lane: $lane } };
    (@pat [$memarg:ident $lane:ident $value:ident $lanes:ident] $name:ident Const) => { Operator::$name { value: $value } };
    (@pat [$memarg:ident $lane:ident $value:ident $lanes:ident] $name:ident Shuffle) => { Operator::$name { lanes: $lanes } };
    (@pat [$memarg:ident $lane:ident $value:ident $lanes:ident] $name:ident Extract) => { Operator::$name { lane: $lane } };
    (@pat [$memarg:ident $lane:ident $value:ident $lanes:ident] $name:ident Replace) => { Operator::$name { lane: $lane } };
    (@pat [$memarg:ident $lane:ident $value:ident $lanes:ident] $name:ident $other:ident) => { Operator::$name };
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, Load,) => {{
        let (addr, _) = $t.pop_slot();
        let dst = $t.push_temp(ValType::V128);
        let op = $t.on_memory(Op::$name { dst, addr, offset: $memarg.offset as u32 }, $memarg);
        $t.emit_result(op, dst);
    }};
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, Store,) => {{
        let (value, _) = $t.pop_slot();
        let (addr, _) = $t.pop_slot();
        let op = $t.on_memory(Op::$name { addr, value, offset: $memarg.offset as u32 }, $memarg);
        $t.emit(op);
    }};
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, LoadLane, $n:literal) => {{
        let (src, _) = $t.pop_slot();
        let (addr, _) = $t.pop_slot();
        let dst = $t.push_temp(ValType::V128);
        let op = $t.on_memory(Op::$name { dst, addr, src, offset: $memarg.offset as u32, lane: Lane($lane) }, $memarg);
        $t.emit_result(op, dst);
    }};
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, StoreLane, $n:literal) => {{
        let (value, _) = $t.pop_slot();
        let (addr, _) = $t.pop_slot();
        let op = $t.on_memory(Op::$name { addr, value, offset: $memarg.offset as u32, lane: Lane($lane) }, $memarg);
        $t.emit(op);
    }};
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, Const,) => {{
        const _: () = assert!(matches!(Opcode::$name, Opcode::V128Const), "the one constant op");
        $t.push_v128_const(u128::from_le_bytes(*$value.bytes()));
    }};
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, Shuffle,) => {{
        let (rhs, _) = $t.pop_slot();
        let (lhs, _) = $t.pop_slot();
        let dst = $t.push_temp(ValType::V128);
        $t.emit_result(Op::$name { dst, lhs, rhs, imm: u128::from_le_bytes($lanes) }, dst);
    }};
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, Unary,) => { $t.unary(ValType::V128, |dst, src| Op::$name { dst, src }) };
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, UnaryF,) => { $t.unary(ValType::V128, |dst, src| Op::$name { dst, src }) };
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, Test,) => { $t.unary(ValType::I32, |dst, src| Op::$name { dst, src }) };
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, Splat, $s:ident) => { $t.unary(ValType::V128, |dst, src| Op::$name { dst, src }) };
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, Binary,) => { $t.binary(ValType::V128, |dst, lhs, rhs| Op::$name { dst, lhs, rhs }) };
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, BinaryF,) => { $t.binary(ValType::V128, |dst, lhs, rhs| Op::$name { dst, lhs, rhs }) };
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, Shift,) => { $t.binary(ValType::V128, |dst, lhs, rhs| Op::$name { dst, lhs, rhs }) };
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, Ternary,) => {{
        let (c, _) = $t.pop_slot();
        let (b, _) = $t.pop_slot();
        let (a, _) = $t.pop_slot();
        let dst = $t.push_temp(ValType::V128);
        $t.emit_result(Op::$name { dst, a, b, c }, dst);
    }};
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, Extract, $s:ident $n:literal) => {{
        let (src, _) = $t.pop_slot();
        let dst = $t.push_temp(scalar!($s));
        $t.emit_result(Op::$name { dst, src, lane: Lane($lane) }, dst);
    }};
    (@emit $t:ident [$memarg:ident $lane:ident $value:ident $lanes:ident], $name:ident, Replace, $s:ident $n:literal) => {{
        let (rhs, _) = $t.pop_slot();
        let (lhs, _) = $t.pop_slot();
        let dst = $t.push_temp(ValType::V128);
        $t.emit_result(Op::$name { dst, lhs, rhs, lane: Lane($lane) }, dst);
    }};
}

tandem_vm_core::for_each_simd!(simd_translate);

/// What a function calls: a function by index, an element of a table
/// (index on the stack) or a funcref on the stack.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Callee {
    Direct(u32),
    Indirect(u32),
    Ref,
}

/// When a conditional branch is taken: an i32 is non-zero or zero, a
/// reference is null or not.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cond {
    I32Nez,
    I32Eqz,
    RefNonNull,
    RefNull,
}

impl Cond {
    fn not(self) -> Cond {
        match self {
            Cond::I32Nez => Cond::I32Eqz,
            Cond::I32Eqz => Cond::I32Nez,
            Cond::RefNonNull => Cond::RefNull,
            Cond::RefNull => Cond::RefNonNull,
        }
    }
}
