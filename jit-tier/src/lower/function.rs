//! The function being lowered: its variables (one per slot and type), blocks, trap blocks and builtin calls, and `body`, which lowers the bytecode in two passes.

use super::*;

impl<'a, 'm> Lower<'a, 'm> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        mut b: FunctionBuilder<'a>,
        module: &'m mut JITModule,
        info: &'a ModuleInfo,
        sigs: &'a SigRegistry,
        def: u32,
        f: &'a CompiledFunc,
        ty: &'a FuncType,
        batch: &'a HashMap<u32, FuncId>,
        osr: bool,
    ) -> Result<Self, CompileError> {
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let params = b.block_params(entry).to_vec();
        let vmctx = params[0];
        let results_area = (!osr && ty.results().len() > 1).then(|| params[1]);
        let osr_frame = osr.then(|| params[1]);
        let osr_pc = osr.then(|| params[2]);
        let limits = b.ins().load(PTR, trusted(), vmctx, VMOffsets::header_limits() as i32);
        let trap_block = b.create_block();
        b.append_block_param(trap_block, types::I32);
        b.set_cold_block(trap_block);
        let fail_block = b.create_block();
        b.set_cold_block(fail_block);
        let mut l = Lower {
            b,
            module,
            info,
            sigs,
            f,
            ty,
            func_index: def + info.env.num_imported_funcs,
            batch,
            vars: vec![[None; NUM_CLS]; f.num_slots as usize],
            vmctx,
            limits,
            results_area,
            osr_frame,
            osr_pc,
            mem: Vec::new(),
            on_memory: None,
            blocks: HashMap::new(),
            trap_block,
            fail_block,
            fuel_block: None,
            trap_blocks: HashMap::new(),
            checked: HashMap::new(),
            region_checks: 0,
            pending_oob: None,
            scratch: None,
            seal_after: HashMap::new(),
            last_branch_to: HashMap::new(),
            cost: 0,
            takes_depth: false,
            var_block: Vec::new(),
            call_buf: None,
            ret_area: None,
            native_sigs: HashMap::new(),
            array_sig: None,
            direct: HashMap::new(),
            simd_buf: None,
        };
        // Stack-limit check: deep recursion traps instead of overflowing.
        // A normal entry also takes a level of the call-depth limit, as an
        // interpreted frame does (an OSR entry continues a frame that took
        // its level already), so the limit traps at the same depth in every
        // tier; `ret` and `fail_return` give it back.
        let sp = l.b.ins().get_stack_pointer(PTR);
        let limit = l.b.ins().load(PTR, trusted(), limits, VMOffsets::limits_stack_limit() as i32);
        let low = l.b.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
        l.trap_if(low, TrapCode::StackOverflow);
        if !osr {
            let depth = l.b.ins().load(types::I64, trusted(), limits, VMOffsets::limits_depth_remaining() as i32);
            let deepest = l.b.ins().icmp_imm_s(IntCC::Equal, depth, 0);
            l.trap_if(deepest, TrapCode::StackOverflow);
            let taken = l.b.ins().iadd_imm_s(depth, -1);
            l.b.ins().store(trusted(), taken, limits, VMOffsets::limits_depth_remaining() as i32);
            l.takes_depth = true;
        }
        if let Some(frame) = osr_frame {
            // Every slot of the running frame, in every class: the
            // interpreter does not record types, the code that follows reads
            // each slot in the class it was written with; the rest is dead.
            // Constant slots still hold their constants at every loop header
            // (only a return sequence writes over them): keep them constants
            // so shifts, masks and immediates fold as in the normal entry.
            let consts = f.const_base..f.const_base + f.consts.len() as u16;
            for k in 0..f.num_slots {
                if consts.contains(&k) {
                    l.def_const(Slot(k), f.consts[(k - f.const_base) as usize].0);
                    continue;
                }
                let v = l.b.ins().load(types::I64, trusted(), frame, 8 * k as i32);
                let w = l.b.ins().ireduce(types::I32, v);
                let f64v = l.b.ins().bitcast(types::F64, MemFlagsData::new(), v);
                let f32v = l.b.ins().bitcast(types::F32, MemFlagsData::new(), w);
                l.set(Slot(k), I64, v);
                l.set(Slot(k), I32, w);
                l.set(Slot(k), F64, f64v);
                l.set(Slot(k), F32, f32v);
            }
            return Ok(l);
        }
        let first = if results_area.is_some() { 2 } else { 1 };
        for (i, (cell, t)) in cells(ty.params()).enumerate() {
            l.set(Slot(cell), cls(t), params[first + i]);
        }
        for i in f.num_params as usize..f.num_locals as usize {
            let t = *f.local_types.get(i).ok_or_else(|| err("missing local type"))?;
            let z = zero(&mut l.b, cls(t));
            l.set(Slot(i as u16), cls(t), z);
        }
        // Constant slots start with their constant in every class; results
        // may later overwrite them (slot 0 can be a constant slot).
        for (k, c) in f.consts.iter().enumerate() {
            l.def_const(Slot(f.const_base + k as u16), c.0);
        }
        Ok(l)
    }

    /// Defines `slot` as the constant `bits` in every class.
    pub(super) fn def_const(&mut self, slot: Slot, bits: u64) {
        let i32v = self.b.ins().iconst(types::I32, bits as u32 as i64);
        let i64v = self.b.ins().iconst(types::I64, bits as i64);
        let f32v = self.b.ins().f32const(Ieee32::with_bits(bits as u32));
        let f64v = self.b.ins().f64const(Ieee64::with_bits(bits));
        self.set(slot, I32, i32v);
        self.set(slot, I64, i64v);
        self.set(slot, F32, f32v);
        self.set(slot, F64, f64v);
    }

    pub(super) fn var(&mut self, slot: Slot, c: Cls) -> Result<Variable, CompileError> {
        let entry = self.vars.get_mut(slot.index()).ok_or_else(|| err(format!("slot {slot} out of range")))?;
        let v = match entry[c as usize] {
            Some(v) => v,
            None => {
                let v = self.b.declare_var(ir(c));
                entry[c as usize] = Some(v);
                v
            }
        };
        self.charge_var(v);
        Ok(v)
    }

    /// Charges the use or definition of `v` in the current block. SSA
    /// construction keeps, per variable, a table indexed by block up to
    /// the highest block it was used or defined in (and the register
    /// allocator's liveness is of the same shape), so a function with many
    /// variables live across many blocks costs their product: the cost
    /// counts those table entries (4 bytes each), and stops the lowering
    /// once over `JitSettings::max_compile_cost`.
    pub(super) fn charge_var(&mut self, v: Variable) {
        let block = self.b.current_block().map_or(0, |b| b.as_u32());
        let i = v.index();
        if self.var_block.len() <= i {
            self.var_block.resize(i + 1, 0);
        }
        let seen = &mut self.var_block[i];
        if block > *seen {
            self.cost += u64::from(block - *seen);
            *seen = block;
        }
    }

    pub(super) fn check_budget(&self) -> Lowered {
        within_budget(self.info, self.func_index - self.info.env.num_imported_funcs, self.cost)
    }

    /// The value of `slot` read as class `c`.
    pub(super) fn get(&mut self, slot: Slot, c: Cls) -> Result<Value, CompileError> {
        let v = self.var(slot, c)?;
        Ok(self.b.use_var(v))
    }

    pub(super) fn set(&mut self, slot: Slot, c: Cls, v: Value) {
        if let Ok(var) = self.var(slot, c) {
            self.b.def_var(var, v);
        }
    }

    /// Loads the base and length of every memory the function accesses
    /// into their variables (at entry, and after each call or growth).
    pub(super) fn reload_memory(&mut self) {
        for k in 0..self.mem.len() {
            let (i, base, len) = self.mem[k];
            let o = &self.info.offsets;
            let def = self.b.ins().load(PTR, trusted(), self.vmctx, o.memory(i) as i32);
            let bv = self.b.ins().load(PTR, trusted(), def, VMOffsets::memory_base() as i32);
            let lv = self.b.ins().load(PTR, trusted(), def, VMOffsets::memory_length() as i32);
            self.b.def_var(base, bv);
            self.b.def_var(len, lv);
        }
    }

    /// The cold block that traps with `code`.
    pub(super) fn trap_block_for(&mut self, code: TrapCode) -> Block {
        *self.trap_blocks.entry(code as u32).or_insert_with(|| {
            let b = self.b.create_block();
            self.b.set_cold_block(b);
            b
        })
    }

    /// Branches to the trap block with `code` when `cond` is non-zero (after
    /// any deferred bounds check of the region, which comes first).
    pub(super) fn trap_if(&mut self, cond: Value, code: TrapCode) {
        self.flush_deferred();
        let blk = self.trap_block_for(code);
        self.branch_off(cond, blk);
    }

    /// Branches to `blk` when `cond` is non-zero, else goes on in a new
    /// block whose only predecessor is the current one, so the region (its
    /// known values and checked bounds) goes on too.
    pub(super) fn branch_off(&mut self, cond: Value, blk: Block) {
        let cont = self.b.create_block();
        self.b.ins().brif(cond, blk, &[], cont, &[]);
        self.continue_in(cont);
    }

    /// Goes on in `blk`, all of whose predecessors are already emitted and
    /// lie in the current region: it is sealed at once, so SSA construction
    /// never keeps a variable open in it.
    pub(super) fn continue_in(&mut self, blk: Block) {
        self.b.switch_to_block(blk);
        self.b.seal_block(blk);
    }

    /// Traps now if a deferred bounds check of the region failed. Called
    /// before every side effect other than a guest store (which deferral
    /// guards itself) and before every branch out of the region.
    pub(super) fn flush_deferred(&mut self) {
        if let Some(oob) = self.pending_oob.take() {
            let blk = self.trap_block_for(TrapCode::MemoryOutOfBounds);
            self.branch_off(oob, blk);
        }
    }

    /// Starts a new region in `blk` (a branch target: facts about the
    /// previous blocks no longer hold).
    pub(super) fn switch(&mut self, blk: Block) {
        debug_assert!(self.pending_oob.is_none(), "a deferred bounds check was not branched on");
        self.checked.clear();
        self.region_checks = 0;
        self.b.switch_to_block(blk);
    }

    pub(super) fn block_at(&mut self, at: Target) -> Block {
        *self.blocks.entry(at.0).or_insert_with(|| self.b.create_block())
    }

    pub(super) fn br_if(&mut self, cond: Value, target: Target) {
        self.flush_deferred();
        let t = self.block_at(target);
        self.branch_off(cond, t);
    }

    pub(super) fn builtin(&mut self, addr: usize, params: &[Type], ret: Option<Type>, args: &[Value]) -> Option<Value> {
        self.flush_deferred();
        let mut s = self.module.make_signature();
        s.params.extend(params.iter().map(|&t| AbiParam::new(t)));
        s.returns.extend(ret.map(AbiParam::new));
        let sig = self.b.import_signature(s);
        let f = self.b.ins().iconst(PTR, addr as i64);
        let call = self.b.ins().call_indirect(sig, f, args);
        self.b.inst_results(call).first().copied()
    }

    /// Calls a builtin returning 0 or `TrapCode + 1`, trapping on the latter.
    pub(super) fn checked_builtin(&mut self, addr: usize, params: &[Type], args: &[Value]) {
        let r = self.builtin(addr, params, Some(types::I32), args).expect("has a result");
        let cont = self.b.create_block();
        let failed = self.b.create_block();
        self.b.ins().brif(r, failed, &[], cont, &[]);
        self.continue_in(failed);
        let code = self.b.ins().iadd_imm_s(r, -1);
        self.b.ins().jump(self.trap_block, &[BlockArg::Value(code)]);
        self.continue_in(cont);
    }

    pub(super) fn body(&mut self) -> Lowered {
        let code = &self.f.code;
        // Pass 1: every branch target starts a block.
        let mut pc = 0;
        let mut insts = Vec::new();
        let mut loop_headers = Vec::new();
        // The memories whose base and length the function reads.
        let mut memories: Vec<u32> = Vec::new();
        let mut uses_v128 = false;
        while pc < code.len() {
            let (op, next) = decode(code, pc).map_err(err)?;
            if op.opcode().memory_use().is_some_and(MemUse::reads_cache) {
                let mem = match op.base() {
                    BaseOp::MemorySize { mem, .. } => mem.index(),
                    other => other.split_memory().map_or(0, |(_, mem, _)| mem.index()),
                };
                if !memories.contains(&mem) {
                    memories.push(mem);
                }
            }
            for t in op.branch_targets(code, pc) {
                let t = t.ok_or_else(|| err("bad br_table"))?;
                self.block_at(t);
                self.last_branch_to.insert(t.0, pc as u32);
            }
            // No accumulator here: every form is lowered as its base op.
            let op = op.base();
            uses_v128 |= holds_v128(op);
            if self.osr_pc.is_some() && matches!(op, BaseOp::HotLoop {}) {
                self.block_at(Target(pc as u32));
                loop_headers.push(pc as u32);
            }
            insts.push((pc as u32, op));
            pc = next;
        }
        // In a function with `v128` values, two adjacent constant slots can
        // hold a `v128.const` (the interpreter's translator puts them
        // there): each pair is also a vector constant, still in the entry
        // block (unused ones are dead code). An OSR entry also reads every
        // other slot as a `v128`, as it read them in every other class (`new`).
        let f = self.f;
        if uses_v128 || f.local_types.contains(&ValType::V128) {
            let consts = f.const_base..f.const_base + f.consts.len() as u16;
            for (k, pair) in f.consts.windows(2).enumerate() {
                let bits = pair[0].0 as u128 | (pair[1].0 as u128) << 64;
                let c = self.b.func.dfg.constants.insert(bits.to_le_bytes().to_vec().into());
                let v = self.b.ins().vconst(types::I8X16, c);
                self.set(Slot(f.const_base + k as u16), V128, v);
            }
            if let Some(frame) = self.osr_frame {
                for k in (0..f.num_slots.saturating_sub(1)).filter(|k| !consts.contains(k)) {
                    let v = load_raw(&mut self.b, V128, frame, 8 * k as i32);
                    self.set(Slot(k), V128, v);
                }
            }
        }
        // The base and length of each memory the function reads live in
        // variables, loaded here and after every call or growth; functions
        // that never read them skip it.
        for &i in memories.iter().filter(|&&i| i < self.info.offsets.num_memories) {
            let base = self.b.declare_var(PTR);
            let len = self.b.declare_var(PTR);
            self.mem.push((i, base, len));
        }
        self.reload_memory();
        // Pass 2: lower. An OSR entry jumps from its entry block straight
        // to the loop header the interpreter passed, through a chain of
        // tests in code order: Cranelift lays blocks out depth-first from
        // the entry, first successor first, so the first header's code
        // comes first and the rest follows in code order, as in the normal
        // entry. A `Switch` tests the last header first, which laid the
        // loops out backwards: a taken jump more per iteration (collatz:
        // 14% more instructions than the normal entry).
        let mut open = true;
        if let Some(at) = self.osr_pc {
            for pc in loop_headers {
                let blk = self.block_at(Target(pc));
                let here = self.b.ins().icmp_imm_u(IntCC::Equal, at, i64::from(pc));
                self.branch_off(here, blk);
            }
            let bad = self.trap_block_for(TrapCode::Unreachable);
            self.b.ins().jump(bad, &[]);
            open = false;
        }
        for (pc, op) in insts {
            if let Some(&blk) = self.blocks.get(&pc) {
                if open {
                    self.flush_deferred();
                    self.b.ins().jump(blk, &[]);
                }
                self.switch(blk);
                // Seal a block once all its predecessors are there (here,
                // unless a later branch jumps back to it), so that SSA
                // construction never keeps variables open across many
                // blocks.
                match self.last_branch_to.get(&pc) {
                    Some(&last) if last >= pc => self.seal_after.entry(last).or_default().push(blk),
                    _ => self.b.seal_block(blk),
                }
            } else if !open {
                // Unreachable code: lower it into a block nothing jumps to.
                let blk = self.b.create_block();
                self.switch(blk);
                self.b.seal_block(blk);
            }
            self.op(pc, op)?;
            let opcode = op.opcode();
            // A callee or a growth may have moved or resized a memory (not
            // after a tail call: control does not come back).
            if (opcode.is_call() || opcode.memory_use() == Some(MemUse::Grow)) && !opcode.ends_block() {
                self.reload_memory();
            }
            open = !opcode.ends_block();
            self.check_budget()?;
            for blk in self.seal_after.remove(&pc).unwrap_or_default() {
                self.b.seal_block(blk);
            }
        }
        if open {
            self.ret()?;
        }
        // Blocks whose last predecessor was never lowered (a back edge in
        // unreachable code that did not end up branching).
        for blk in std::mem::take(&mut self.seal_after).into_values().flatten() {
            self.b.seal_block(blk);
        }
        if let Some(fb) = self.fuel_block {
            self.switch(fb);
            let z = self.b.ins().iconst(types::I64, 0);
            self.b.ins().store(trusted(), z, self.limits, VMOffsets::limits_fuel() as i32);
            let blk = self.trap_block_for(TrapCode::OutOfFuel);
            self.b.ins().jump(blk, &[]);
        }
        let mut codes: Vec<(u32, Block)> = self.trap_blocks.iter().map(|(c, b)| (*c, *b)).collect();
        codes.sort_by_key(|(c, _)| *c);
        for (code, blk) in codes {
            self.switch(blk);
            let k = self.b.ins().iconst(types::I32, code as i64);
            self.b.ins().jump(self.trap_block, &[BlockArg::Value(k)]);
        }
        // Trap block: report, then fail.
        self.switch(self.trap_block);
        let code = self.b.block_params(self.trap_block)[0];
        let fi = self.b.ins().iconst(types::I32, self.func_index as i64);
        self.builtin(
            builtins::raise_trap as *const () as usize,
            &[PTR, types::I32, types::I32],
            None,
            &[self.vmctx, code, fi],
        );
        self.fail_return();
        // Failed callee: add our frame, then fail.
        self.switch(self.fail_block);
        let fi = self.b.ins().iconst(types::I32, self.func_index as i64);
        self.builtin(builtins::add_frame as *const () as usize, &[PTR, types::I32], None, &[self.vmctx, fi]);
        self.fail_return();
        Ok(())
    }

    pub(super) fn global_cls(&self, offset: u32) -> Result<Cls, CompileError> {
        let global = self.info.offsets.global_at(offset).and_then(|g| self.info.env.globals.get(g as usize));
        global.map(|g| cls(g.ty)).ok_or_else(|| err(format!("no global at {offset}")))
    }
}

/// Does `op` read or write a `v128` (a SIMD op, or a `v128` select, global
/// access or NaN canonicalisation)?
fn holds_v128(op: BaseOp) -> bool {
    op.opcode().group() == tandem_vm_core::bytecode::Group::Simd
        || matches!(
            op,
            BaseOp::V128Select { .. }
                | BaseOp::V128GlobalGet { .. }
                | BaseOp::V128GlobalSet { .. }
                | BaseOp::V128GlobalGetImported { .. }
                | BaseOp::V128GlobalSetImported { .. }
                | BaseOp::F32x4CanonNan { .. }
                | BaseOp::F64x2CanonNan { .. }
        )
}
