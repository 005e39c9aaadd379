//! Lowering of calls: direct, through funcref records, and into the interpreter or the host through array-call entries.

use super::*;

impl<'a, 'm> Lower<'a, 'm> {
    pub(super) fn native_sig(&mut self, ty: &FuncType, key: u32) -> SigRef {
        if let Some(s) = self.native_sigs.get(&key) {
            return *s;
        }
        let s = self.b.import_signature(native_signature(self.module, ty));
        self.native_sigs.insert(key, s);
        s
    }

    pub(super) fn array_sig(&mut self) -> SigRef {
        if let Some(s) = self.array_sig {
            return s;
        }
        let sig = array_signature(self.module);
        let s = self.b.import_signature(sig);
        self.array_sig = Some(s);
        s
    }

    /// A buffer of at least `slots` `ValRaw`s in this frame (shared by every
    /// call site; calls do not nest within a frame).
    pub(super) fn call_buffer(&mut self, slots: u32) -> Value {
        let slots = slots.max(1);
        let ss = match self.call_buf {
            Some((ss, n)) if n >= slots => ss,
            _ => {
                let ss = self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, slots * 8, 3));
                self.call_buf = Some((ss, slots));
                ss
            }
        };
        self.b.ins().stack_addr(PTR, ss, 0)
    }

    pub(super) fn results_buffer(&mut self, n: u32) -> Value {
        let ss = match self.ret_area {
            Some(ss) if self.b.func.sized_stack_slots[ss].size >= n * 8 => ss,
            _ => {
                let ss = self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, n * 8, 3));
                self.ret_area = Some(ss);
                ss
            }
        };
        self.b.ins().stack_addr(PTR, ss, 0)
    }

    /// A call of the function whose record is `rec` (type `ty`, interned
    /// signature `sig`), arguments and results at slot `args`. `direct` is
    /// the callee's id when it is compiled in this batch.
    pub(super) fn call(&mut self, rec: Value, ty: &FuncType, sig: u32, args: Slot, direct: Option<FuncId>) -> Lowered {
        self.flush_deferred();
        let nr = ty.results().len();
        // Buffers and frames hold a `v128` in two cells.
        let (param_cells, result_cells) = (cell_count(ty.params()), cell_count(ty.results()));
        let mut params = Vec::with_capacity(ty.params().len());
        for (cell, t) in cells(ty.params()) {
            params.push(self.get(args + cell, cls(t))?);
        }
        let ok;
        let mut results: Vec<Value> = Vec::with_capacity(nr);
        let area = if nr > 1 { Some(self.results_buffer(result_cells)) } else { None };
        match direct {
            Some(fid) => {
                let fref = self.direct_ref(fid);
                let mut a = vec![self.vmctx];
                a.extend(area);
                a.extend(&params);
                let call = self.b.ins().call(fref, &a);
                let rets = self.b.inst_results(call).to_vec();
                ok = rets[0];
                if nr == 1 {
                    results.push(rets[1]);
                }
            }
            None => {
                let native_blk = self.b.create_block();
                let array_blk = self.b.create_block();
                let merge = self.b.create_block();
                self.b.append_block_param(merge, types::I8);
                if nr == 1 {
                    self.b.append_block_param(merge, ir(cls(ty.results()[0])));
                }
                let wc = self.b.ins().load(PTR, trusted(), rec, VMOffsets::funcref_wasm_call() as i32);
                self.b.ins().brif(wc, native_blk, &[], array_blk, &[]);

                self.continue_in(native_blk);
                let nsig = self.native_sig(ty, sig);
                let cvm = self.b.ins().load(PTR, trusted(), rec, VMOffsets::funcref_vmctx() as i32);
                let mut a = vec![cvm];
                a.extend(area);
                a.extend(&params);
                let call = self.b.ins().call_indirect(nsig, wc, &a);
                let rets: Vec<BlockArg> = self.b.inst_results(call).iter().map(|&v| BlockArg::Value(v)).collect();
                self.b.ins().jump(merge, &rets);

                self.continue_in(array_blk);
                let cap = param_cells.max(result_cells);
                let buf = self.call_buffer(cap);
                for ((cell, t), &v) in cells(ty.params()).zip(&params) {
                    store_raw(&mut self.b, cls(t), v, buf, 8 * cell as i32);
                }
                let asig = self.array_sig();
                let ac = self.b.ins().load(PTR, trusted(), rec, VMOffsets::funcref_array_call() as i32);
                let capv = self.b.ins().iconst(PTR, cap.max(1) as i64);
                let call = self.b.ins().call_indirect(asig, ac, &[rec, self.vmctx, buf, capv]);
                let aok = self.b.inst_results(call)[0];
                let mut rets = vec![BlockArg::Value(aok)];
                if nr == 1 {
                    rets.push(BlockArg::Value(load_raw(&mut self.b, cls(ty.results()[0]), buf, 0)));
                } else if let Some(area) = area {
                    // Multiple results: move them to the area the native
                    // path uses, so both paths leave them in one place.
                    for (cell, t) in cells(ty.results()) {
                        let v = load_raw(&mut self.b, cls(t), buf, 8 * cell as i32);
                        store_raw(&mut self.b, cls(t), v, area, 8 * cell as i32);
                    }
                }
                self.b.ins().jump(merge, &rets);

                self.continue_in(merge);
                let ps = self.b.block_params(merge).to_vec();
                ok = ps[0];
                if nr == 1 {
                    results.push(ps[1]);
                }
            }
        }
        let cont = self.b.create_block();
        self.b.ins().brif(ok, cont, &[], self.fail_block, &[]);
        self.continue_in(cont);
        if let Some(area) = area {
            for (cell, t) in cells(ty.results()) {
                results.push(load_raw(&mut self.b, cls(t), area, 8 * cell as i32));
            }
        }
        for ((cell, t), v) in cells(ty.results()).zip(results) {
            self.set(args + cell, cls(t), v);
        }
        Ok(())
    }

    /// Call op `op`: a tail call when it ends the function (`ReturnCall`...).
    pub(super) fn call_or_tail(
        &mut self,
        op: BaseOp,
        rec: Value,
        ty: &FuncType,
        sig: u32,
        args: Slot,
        direct: Option<FuncId>,
    ) -> Lowered {
        if op.opcode().ends_block() {
            self.tail_call(rec, ty, sig, args, direct)
        } else {
            self.call(rec, ty, sig, args, direct)
        }
    }

    /// The batch function `fid` as a callee of this function.
    fn direct_ref(&mut self, fid: FuncId) -> FuncRef {
        if let Some(f) = self.direct.get(&fid.as_u32()) {
            return *f;
        }
        let f = self.module.declare_func_in_func(fid, self.b.func);
        self.direct.insert(fid.as_u32(), f);
        f
    }

    /// A tail call (`return_call`...) of the function whose record is `rec`
    /// (as `call`). A compiled callee replaces this function's frame
    /// (Cranelift's `return_call`: every compiled function has the `tail`
    /// calling convention), so a chain of tail calls between compiled
    /// functions runs in constant space, and the callee writes its results
    /// where this function's caller expects them (a multi-value callee
    /// gets this function's results area). An interpreted or host callee
    /// is called and its results returned; so is every callee of an
    /// on-stack-replacement entry, whose signature is not a wasm function's.
    pub(super) fn tail_call(
        &mut self,
        rec: Value,
        ty: &FuncType,
        sig: u32,
        args: Slot,
        direct: Option<FuncId>,
    ) -> Lowered {
        if self.osr_frame.is_some() {
            self.call(rec, ty, sig, args, direct)?;
            return self.return_results_at(args);
        }
        self.flush_deferred();
        let mut params = Vec::with_capacity(ty.params().len());
        for (cell, t) in cells(ty.params()) {
            params.push(self.get(args + cell, cls(t))?);
        }
        let area =
            if ty.results().len() > 1 { Some(self.results_area.ok_or_else(|| err("no results area"))?) } else { None };
        if let Some(fid) = direct {
            let fref = self.direct_ref(fid);
            self.give_back_depth();
            let mut a = vec![self.vmctx];
            a.extend(area);
            a.extend(&params);
            self.b.ins().return_call(fref, &a);
            return Ok(());
        }
        let native_blk = self.b.create_block();
        let array_blk = self.b.create_block();
        let wc = self.b.ins().load(PTR, trusted(), rec, VMOffsets::funcref_wasm_call() as i32);
        self.b.ins().brif(wc, native_blk, &[], array_blk, &[]);
        self.continue_in(native_blk);
        let nsig = self.native_sig(ty, sig);
        let cvm = self.b.ins().load(PTR, trusted(), rec, VMOffsets::funcref_vmctx() as i32);
        self.give_back_depth();
        let mut a = vec![cvm];
        a.extend(area);
        a.extend(&params);
        self.b.ins().return_call_indirect(nsig, wc, &a);
        // Not compiled: a call (which tests the entry again), then a return.
        self.continue_in(array_blk);
        self.call(rec, ty, sig, args, None)?;
        self.return_results_at(args)
    }

    /// Returns the results a call left at slot `args` and on.
    fn return_results_at(&mut self, args: Slot) -> Lowered {
        let ty = self.ty;
        for (cell, t) in cells(ty.results()) {
            let v = self.get(args + cell, cls(t))?;
            self.set(Slot(cell), cls(t), v);
        }
        self.ret()
    }

    pub(super) fn sig_type(&self, sig: u32) -> Result<FuncType, CompileError> {
        self.sigs.lookup(sig).ok_or_else(|| err(format!("unknown signature {sig}")))
    }
}
