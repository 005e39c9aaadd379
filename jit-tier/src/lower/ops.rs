//! `Lower::op`: the one exhaustive `match` over `BaseOp` (every op of the description, forms excluded) that lowers each op.

use super::*;

impl<'a, 'm> Lower<'a, 'm> {
    /// Lowers one op; returns whether control can fall through it.
    pub(super) fn op(&mut self, pc: u32, op: BaseOp) -> Lowered {
        use IntCC as C;
        // Comparisons and compare-and-branches take their condition from
        // the op description (`int_cc`, `float_cc`).
        let cond = op.opcode().cond();
        match op {
            BaseOp::Unreachable {} => {
                self.flush_deferred();
                let blk = self.trap_block_for(TrapCode::Unreachable);
                self.b.ins().jump(blk, &[]);
            }
            BaseOp::ConsumeFuel { amount } => {
                self.flush_deferred();
                let fuel = self.b.ins().load(types::I64, trusted(), self.limits, VMOffsets::limits_fuel() as i32);
                let short = self.b.ins().icmp_imm_s(C::UnsignedLessThan, fuel, amount as i64);
                let fb = match self.fuel_block {
                    Some(b) => b,
                    None => {
                        let b = self.b.create_block();
                        self.b.set_cold_block(b);
                        self.fuel_block = Some(b);
                        b
                    }
                };
                self.branch_off(short, fb);
                let left = self.b.ins().iadd_imm_s(fuel, -(amount as i64));
                self.b.ins().store(trusted(), left, self.limits, VMOffsets::limits_fuel() as i32);
            }
            BaseOp::HotLoop {} => {}
            BaseOp::Br { target } => {
                self.flush_deferred();
                let t = self.block_at(target);
                self.b.ins().jump(t, &[]);
            }
            BaseOp::BrIfNez { cond, target } => {
                let c = self.get(cond, I32)?;
                self.br_if(c, target);
            }
            BaseOp::BrIfEqz { cond, target } => {
                let c = self.get(cond, I32)?;
                let z = self.b.ins().icmp_imm_s(C::Equal, c, 0);
                self.br_if(z, target);
            }
            BaseOp::BrI64Eqz { cond, target } => {
                let c = self.get(cond, I64)?;
                let z = self.b.ins().icmp_imm_s(C::Equal, c, 0);
                self.br_if(z, target);
            }
            BaseOp::BrI64Nez { cond, target } => {
                let c = self.get(cond, I64)?;
                let z = self.b.ins().icmp_imm_s(C::NotEqual, c, 0);
                self.br_if(z, target);
            }
            BaseOp::BrF32Eq { lhs, rhs, target }
            | BaseOp::BrF32Ne { lhs, rhs, target }
            | BaseOp::BrF32Lt { lhs, rhs, target }
            | BaseOp::BrF32Gt { lhs, rhs, target }
            | BaseOp::BrF32Le { lhs, rhs, target }
            | BaseOp::BrF32Ge { lhs, rhs, target }
            | BaseOp::BrF32NotLt { lhs, rhs, target }
            | BaseOp::BrF32NotGt { lhs, rhs, target }
            | BaseOp::BrF32NotLe { lhs, rhs, target }
            | BaseOp::BrF32NotGe { lhs, rhs, target } => {
                let (cc, negate) = float_cc(cond)?;
                self.br_fcmp(lhs, rhs, F32, cc, negate, target)?
            }
            BaseOp::BrF64Eq { lhs, rhs, target }
            | BaseOp::BrF64Ne { lhs, rhs, target }
            | BaseOp::BrF64Lt { lhs, rhs, target }
            | BaseOp::BrF64Gt { lhs, rhs, target }
            | BaseOp::BrF64Le { lhs, rhs, target }
            | BaseOp::BrF64Ge { lhs, rhs, target }
            | BaseOp::BrF64NotLt { lhs, rhs, target }
            | BaseOp::BrF64NotGt { lhs, rhs, target }
            | BaseOp::BrF64NotLe { lhs, rhs, target }
            | BaseOp::BrF64NotGe { lhs, rhs, target } => {
                let (cc, negate) = float_cc(cond)?;
                self.br_fcmp(lhs, rhs, F64, cc, negate, target)?
            }
            BaseOp::BrI32Eq { lhs, rhs, target }
            | BaseOp::BrI32Ne { lhs, rhs, target }
            | BaseOp::BrI32LtS { lhs, rhs, target }
            | BaseOp::BrI32LtU { lhs, rhs, target }
            | BaseOp::BrI32GtS { lhs, rhs, target }
            | BaseOp::BrI32GtU { lhs, rhs, target }
            | BaseOp::BrI32LeS { lhs, rhs, target }
            | BaseOp::BrI32LeU { lhs, rhs, target }
            | BaseOp::BrI32GeS { lhs, rhs, target }
            | BaseOp::BrI32GeU { lhs, rhs, target } => self.br_icmp(lhs, rhs, I32, int_cc(cond)?, target)?,
            BaseOp::BrI32AddImmEq { lhs, rhs, imm, target }
            | BaseOp::BrI32AddImmNe { lhs, rhs, imm, target }
            | BaseOp::BrI32AddImmLtS { lhs, rhs, imm, target }
            | BaseOp::BrI32AddImmLtU { lhs, rhs, imm, target }
            | BaseOp::BrI32AddImmGtS { lhs, rhs, imm, target }
            | BaseOp::BrI32AddImmGtU { lhs, rhs, imm, target }
            | BaseOp::BrI32AddImmLeS { lhs, rhs, imm, target }
            | BaseOp::BrI32AddImmLeU { lhs, rhs, imm, target }
            | BaseOp::BrI32AddImmGeS { lhs, rhs, imm, target }
            | BaseOp::BrI32AddImmGeU { lhs, rhs, imm, target } => {
                self.br_add(lhs, Step::Imm(imm), rhs, int_cc(cond)?, target)?
            }
            BaseOp::BrI32AddEq { lhs, step, rhs, target }
            | BaseOp::BrI32AddNe { lhs, step, rhs, target }
            | BaseOp::BrI32AddLtS { lhs, step, rhs, target }
            | BaseOp::BrI32AddLtU { lhs, step, rhs, target }
            | BaseOp::BrI32AddGtS { lhs, step, rhs, target }
            | BaseOp::BrI32AddGtU { lhs, step, rhs, target }
            | BaseOp::BrI32AddLeS { lhs, step, rhs, target }
            | BaseOp::BrI32AddLeU { lhs, step, rhs, target }
            | BaseOp::BrI32AddGeS { lhs, step, rhs, target }
            | BaseOp::BrI32AddGeU { lhs, step, rhs, target } => {
                self.br_add(lhs, Step::Slot(step), rhs, int_cc(cond)?, target)?
            }
            BaseOp::BrI64Eq { lhs, rhs, target }
            | BaseOp::BrI64Ne { lhs, rhs, target }
            | BaseOp::BrI64LtS { lhs, rhs, target }
            | BaseOp::BrI64LtU { lhs, rhs, target }
            | BaseOp::BrI64GtS { lhs, rhs, target }
            | BaseOp::BrI64GtU { lhs, rhs, target }
            | BaseOp::BrI64LeS { lhs, rhs, target }
            | BaseOp::BrI64LeU { lhs, rhs, target }
            | BaseOp::BrI64GeS { lhs, rhs, target }
            | BaseOp::BrI64GeU { lhs, rhs, target } => self.br_icmp(lhs, rhs, I64, int_cc(cond)?, target)?,
            BaseOp::BrI32AndNz { lhs, rhs, target } | BaseOp::BrI32AndZ { lhs, rhs, target } => {
                self.br_and(lhs, rhs, I32, int_cc(cond)?, target)?
            }
            BaseOp::BrI64AndNz { lhs, rhs, target } | BaseOp::BrI64AndZ { lhs, rhs, target } => {
                self.br_and(lhs, rhs, I64, int_cc(cond)?, target)?
            }
            BaseOp::BrTable { index, len } => {
                self.flush_deferred();
                let i = self.get(index, I32)?;
                let code = &self.f.code;
                let mut calls = Vec::with_capacity(len as usize);
                for k in 0..len as usize {
                    let t = br_table_target(code, pc as usize, k).ok_or_else(|| err("bad br_table"))?;
                    let blk = self.block_at(t);
                    calls.push(self.b.func.dfg.block_call(blk, &[]));
                }
                let d = br_table_target(code, pc as usize, len as usize).ok_or_else(|| err("bad br_table"))?;
                let dblk = self.block_at(d);
                let def = self.b.func.dfg.block_call(dblk, &[]);
                let jt = self.b.create_jump_table(JumpTableData::new(def, &calls));
                self.b.ins().br_table(i, jt);
            }
            BaseOp::Return {} => {
                self.ret()?;
            }
            BaseOp::ReturnSlot { src } => {
                let rt = *self.ty.results().first().ok_or_else(|| err("ReturnSlot without a result"))?;
                let v = self.get(src, cls(rt))?;
                self.set(Slot(0), cls(rt), v);
                self.ret()?;
            }
            BaseOp::Call { func, offset, args } | BaseOp::ReturnCall { func, offset, args } => {
                let def = func.wrapping_sub(self.info.env.num_imported_funcs);
                let ty = self.info.env.func_type(func).ok_or_else(|| err("bad callee"))?.clone();
                let sig = self.info.func_sig(func);
                let rec = self.b.ins().iadd_imm_s(self.vmctx, offset as i64);
                let direct = self.batch.get(&def).copied();
                self.call_or_tail(op, rec, &ty, sig, args, direct)?;
            }
            BaseOp::CallImported { func, offset, args } | BaseOp::ReturnCallImported { func, offset, args } => {
                let ty = self.info.env.func_type(func).ok_or_else(|| err("bad callee"))?.clone();
                let sig = self.info.func_sig(func);
                let rec = self.b.ins().load(PTR, trusted(), self.vmctx, offset as i32);
                self.call_or_tail(op, rec, &ty, sig, args, None)?;
            }
            BaseOp::CallIndirect { table, sig, index, args }
            | BaseOp::ReturnCallIndirect { table, sig, index, args } => {
                let ty = self.sig_type(sig)?;
                let p = self.table_elem(table, index)?;
                let rec = self.b.ins().load(PTR, trusted(), p, 0);
                let null = self.b.ins().icmp_imm_s(C::Equal, rec, 0);
                self.trap_if(null, TrapCode::IndirectCallToNull);
                let got = self.b.ins().load(types::I32, trusted(), rec, VMOffsets::funcref_sig() as i32);
                let bad = self.b.ins().icmp_imm_s(C::NotEqual, got, sig as i64);
                self.trap_if(bad, TrapCode::BadSignature);
                self.call_or_tail(op, rec, &ty, sig, args, None)?;
            }
            BaseOp::CallRef { sig, callee, args } | BaseOp::ReturnCallRef { sig, callee, args } => {
                let ty = self.sig_type(sig)?;
                let rec = self.get(callee, I64)?;
                let null = self.b.ins().icmp_imm_s(C::Equal, rec, 0);
                self.trap_if(null, TrapCode::NullReference);
                self.call_or_tail(op, rec, &ty, sig, args, None)?;
            }
            BaseOp::Copy { dst, src, ty } => self.copy(dst, src, ty)?,
            BaseOp::Copy2 { dst, src, dst2, src2, ty, ty2 } => {
                self.copy(dst, src, ty)?;
                self.copy(dst2, src2, ty2)?;
            }
            BaseOp::Reinterpret { dst, src, ty } => {
                let to = cls(ValType::from_code(ty).ok_or_else(|| err("bad type code"))?);
                let from = match to {
                    I32 => F32,
                    F32 => I32,
                    I64 => F64,
                    F64 => I64,
                    V128 => return Err(err("reinterpret to v128")),
                };
                let v = self.get(src, from)?;
                let v = self.b.ins().bitcast(ir(to), MemFlagsData::new(), v);
                self.set(dst, to, v);
            }
            BaseOp::Const32 { dst, imm } => {
                let i = self.b.ins().iconst(types::I32, imm as i64);
                let f = self.b.ins().f32const(Ieee32::with_bits(imm));
                self.set(dst, I32, i);
                self.set(dst, F32, f);
            }
            BaseOp::Const64 { dst, imm } => {
                let i = self.b.ins().iconst(types::I64, imm as i64);
                let f = self.b.ins().f64const(Ieee64::with_bits(imm));
                self.set(dst, I64, i);
                self.set(dst, F64, f);
            }
            BaseOp::Select { dst, cond, a, b, ty } => {
                let c = cls(ValType::from_code(ty).ok_or_else(|| err("bad type code"))?);
                self.select(dst, cond, a, b, c)?;
            }
            BaseOp::V128Select { dst, cond, a, b } => self.select(dst, cond, a, b, V128)?,
            // A `v128` global's class is `V128` (`global_cls`): its ops
            // lower as the others.
            BaseOp::GlobalGet { dst, offset } | BaseOp::V128GlobalGet { dst, offset } => {
                let c = self.global_cls(offset)?;
                let v = load_raw(&mut self.b, c, self.vmctx, offset as i32);
                self.set(dst, c, v);
            }
            BaseOp::GlobalSet { src, offset } | BaseOp::V128GlobalSet { src, offset } => {
                self.flush_deferred();
                let c = self.global_cls(offset)?;
                let v = self.get(src, c)?;
                store_raw(&mut self.b, c, v, self.vmctx, offset as i32);
            }
            BaseOp::GlobalGetImported { dst, offset } | BaseOp::V128GlobalGetImported { dst, offset } => {
                let c = self.global_cls(offset)?;
                let p = self.b.ins().load(PTR, trusted(), self.vmctx, offset as i32);
                let v = load_raw(&mut self.b, c, p, 0);
                self.set(dst, c, v);
            }
            BaseOp::GlobalSetImported { src, offset } | BaseOp::V128GlobalSetImported { src, offset } => {
                self.flush_deferred();
                let c = self.global_cls(offset)?;
                let v = self.get(src, c)?;
                let p = self.b.ins().load(PTR, trusted(), self.vmctx, offset as i32);
                store_raw(&mut self.b, c, v, p, 0);
            }
            tandem_vm_core::twin_base_ops!() => {
                // The memory-0 op, on the twin's memory (`addr` reads it).
                let (op0, mem, offset) = op.split_memory().ok_or_else(|| err("not a memory twin"))?;
                self.on_memory = Some((mem, offset));
                let done = self.op(pc, op0);
                self.on_memory = None;
                done?
            }
            tandem_vm_core::simd_base_ops!() => self.simd(op)?,
            tandem_vm_core::branch_test_base_ops!(src, target) => self.br_test(op.opcode(), src, target)?,
            tandem_vm_core::mul_then_base_ops!(dst, a, b, c) => self.mul_then(op.opcode(), dst, [a, b, c])?,
            BaseOp::I64Add128 { dst, a_lo, a_hi, b_lo, b_hi } => self.wide128(dst, [a_lo, a_hi], [b_lo, b_hi], true)?,
            BaseOp::I64Sub128 { dst, a_lo, a_hi, b_lo, b_hi } => {
                self.wide128(dst, [a_lo, a_hi], [b_lo, b_hi], false)?
            }
            BaseOp::I64MulWideS { dst, lhs, rhs } => self.mul_wide(dst, lhs, rhs, true)?,
            BaseOp::I64MulWideU { dst, lhs, rhs } => self.mul_wide(dst, lhs, rhs, false)?,
            BaseOp::F32CanonNan { dst, src } => self.canon_nan(dst, src, types::F32)?,
            BaseOp::F64CanonNan { dst, src } => self.canon_nan(dst, src, types::F64)?,
            BaseOp::F32x4CanonNan { dst, src } => self.canon_nan(dst, src, types::F32X4)?,
            BaseOp::F64x2CanonNan { dst, src } => self.canon_nan(dst, src, types::F64X2)?,
            BaseOp::I32Load { dst, addr, offset } => self.load(dst, addr, offset, 4, I32, LoadKind::Full)?,
            BaseOp::I64Load { dst, addr, offset } => self.load(dst, addr, offset, 8, I64, LoadKind::Full)?,
            BaseOp::F32Load { dst, addr, offset } => self.load(dst, addr, offset, 4, F32, LoadKind::Full)?,
            BaseOp::F64Load { dst, addr, offset } => self.load(dst, addr, offset, 8, F64, LoadKind::Full)?,
            BaseOp::I32Load8S { dst, addr, offset } => self.load(dst, addr, offset, 1, I32, LoadKind::S8)?,
            BaseOp::I32Load8U { dst, addr, offset } => self.load(dst, addr, offset, 1, I32, LoadKind::U8)?,
            BaseOp::I32Load16S { dst, addr, offset } => self.load(dst, addr, offset, 2, I32, LoadKind::S16)?,
            BaseOp::I32Load16U { dst, addr, offset } => self.load(dst, addr, offset, 2, I32, LoadKind::U16)?,
            BaseOp::I64Load8S { dst, addr, offset } => self.load(dst, addr, offset, 1, I64, LoadKind::S8)?,
            BaseOp::I64Load8U { dst, addr, offset } => self.load(dst, addr, offset, 1, I64, LoadKind::U8)?,
            BaseOp::I64Load16S { dst, addr, offset } => self.load(dst, addr, offset, 2, I64, LoadKind::S16)?,
            BaseOp::I64Load16U { dst, addr, offset } => self.load(dst, addr, offset, 2, I64, LoadKind::U16)?,
            BaseOp::I64Load32S { dst, addr, offset } => self.load(dst, addr, offset, 4, I64, LoadKind::S32)?,
            BaseOp::I64Load32U { dst, addr, offset } => self.load(dst, addr, offset, 4, I64, LoadKind::U32)?,
            BaseOp::I32Store { addr, value, offset } => self.store(addr, value, offset, 4, I32)?,
            BaseOp::I64Store { addr, value, offset } => self.store(addr, value, offset, 8, I64)?,
            BaseOp::F32Store { addr, value, offset } => self.store(addr, value, offset, 4, F32)?,
            BaseOp::F64Store { addr, value, offset } => self.store(addr, value, offset, 8, F64)?,
            BaseOp::I32Store8 { addr, value, offset } => self.store(addr, value, offset, 1, I32)?,
            BaseOp::I32Store16 { addr, value, offset } => self.store(addr, value, offset, 2, I32)?,
            BaseOp::I64Store8 { addr, value, offset } => self.store(addr, value, offset, 1, I64)?,
            BaseOp::I64Store16 { addr, value, offset } => self.store(addr, value, offset, 2, I64)?,
            BaseOp::I64Store32 { addr, value, offset } => self.store(addr, value, offset, 4, I64)?,
            BaseOp::MemorySize { dst, mem } => {
                let len = self.memory_len(mem)?;
                let pages = self.b.ins().ushr_imm_s(len, mem.page_size_log2() as i64);
                let v = self.narrow_index(pages, mem);
                self.set(dst, Self::index_cls(mem), v);
            }
            BaseOp::MemoryGrow { dst, delta, mem } => {
                let d = self.index_value(delta, mem.is64())?;
                let idx = self.b.ins().iconst(types::I32, mem.index() as i64);
                let r = self.builtin(
                    builtins::memory_grow as *const () as usize,
                    &[PTR, types::I32, types::I64],
                    Some(types::I64),
                    &[self.vmctx, idx, d],
                );
                let v = self.narrow_index(r.expect("has a result"), mem);
                self.set(dst, Self::index_cls(mem), v);
            }
            BaseOp::MemoryFill { dst, value, len, mem } => {
                let idx = self.b.ins().iconst(types::I32, mem.index() as i64);
                let a = [
                    self.vmctx,
                    idx,
                    self.index_value(dst, mem.is64())?,
                    self.get(value, I32)?,
                    self.index_value(len, mem.is64())?,
                ];
                self.checked_builtin(
                    builtins::memory_fill as *const () as usize,
                    &[PTR, types::I32, types::I64, types::I32, types::I64],
                    &a,
                );
            }
            BaseOp::MemoryCopy { dst, src, len, dst_mem, src_mem } => {
                let di = self.b.ins().iconst(types::I32, dst_mem.index() as i64);
                let si = self.b.ins().iconst(types::I32, src_mem.index() as i64);
                let a = [
                    self.vmctx,
                    di,
                    si,
                    self.index_value(dst, dst_mem.is64())?,
                    self.index_value(src, src_mem.is64())?,
                    self.index_value(len, MemRef::copy_length_is64(dst_mem, src_mem))?,
                ];
                self.checked_builtin(
                    builtins::memory_copy as *const () as usize,
                    &[PTR, types::I32, types::I32, types::I64, types::I64, types::I64],
                    &a,
                );
            }
            BaseOp::MemoryInit { data, dst, src, len, mem } => {
                let idx = self.b.ins().iconst(types::I32, mem.index() as i64);
                let k = self.b.ins().iconst(types::I32, data as i64);
                let a =
                    [self.vmctx, idx, k, self.index_value(dst, mem.is64())?, self.get(src, I32)?, self.get(len, I32)?];
                self.checked_builtin(
                    builtins::memory_init as *const () as usize,
                    &[PTR, types::I32, types::I32, types::I64, types::I32, types::I32],
                    &a,
                );
            }
            BaseOp::DataDrop { data } => {
                let k = self.b.ins().iconst(types::I32, data as i64);
                self.builtin(builtins::data_drop as *const () as usize, &[PTR, types::I32], None, &[self.vmctx, k]);
            }
            BaseOp::I64SatIndex { dst, src } => {
                let x = self.get(src, I64)?;
                let max = self.b.ins().iconst(types::I64, u32::MAX as i64);
                let v = self.b.ins().umin(x, max);
                let v = self.b.ins().ireduce(types::I32, v);
                self.set(dst, I32, v);
            }
            BaseOp::TableGet { dst, table, index } => {
                let p = self.table_elem(table, index)?;
                let v = self.b.ins().load(types::I64, trusted(), p, 0);
                self.set(dst, I64, v);
            }
            BaseOp::TableSet { table, index, value } => {
                let v = self.get(value, I64)?;
                let p = self.table_elem(table, index)?;
                self.b.ins().store(trusted(), v, p, 0);
            }
            BaseOp::TableSize { dst, table } => {
                let def = self.table_def(table);
                let n = self.b.ins().load(PTR, trusted(), def, VMOffsets::table_length() as i32);
                let v = self.b.ins().ireduce(types::I32, n);
                self.set(dst, I32, v);
            }
            BaseOp::TableGrow { dst, table, init, delta } => {
                if self.info.fuel {
                    let d = self.get(delta, I32)?;
                    self.checked_builtin(
                        builtins::charge_table_grow as *const () as usize,
                        &[PTR, types::I32],
                        &[self.vmctx, d],
                    );
                }
                let k = self.b.ins().iconst(types::I32, table as i64);
                let a = [self.vmctx, k, self.get(init, I64)?, self.get(delta, I32)?];
                let r = self.builtin(
                    builtins::table_grow as *const () as usize,
                    &[PTR, types::I32, types::I64, types::I32],
                    Some(types::I32),
                    &a,
                );
                self.set(dst, I32, r.expect("has a result"));
            }
            BaseOp::TableFill { table, dst, value, len } => {
                let k = self.b.ins().iconst(types::I32, table as i64);
                let a = [self.vmctx, k, self.get(dst, I32)?, self.get(value, I64)?, self.get(len, I32)?];
                self.checked_builtin(
                    builtins::table_fill as *const () as usize,
                    &[PTR, types::I32, types::I32, types::I64, types::I32],
                    &a,
                );
            }
            BaseOp::TableCopy { dst_table, src_table, dst, src, len } => {
                let k1 = self.b.ins().iconst(types::I32, dst_table as i64);
                let k2 = self.b.ins().iconst(types::I32, src_table as i64);
                let a = [self.vmctx, k1, k2, self.get(dst, I32)?, self.get(src, I32)?, self.get(len, I32)?];
                self.checked_builtin(
                    builtins::table_copy as *const () as usize,
                    &[PTR, types::I32, types::I32, types::I32, types::I32, types::I32],
                    &a,
                );
            }
            BaseOp::TableInit { table, elem, dst, src, len } => {
                let k1 = self.b.ins().iconst(types::I32, table as i64);
                let k2 = self.b.ins().iconst(types::I32, elem as i64);
                let a = [self.vmctx, k1, k2, self.get(dst, I32)?, self.get(src, I32)?, self.get(len, I32)?];
                self.checked_builtin(
                    builtins::table_init as *const () as usize,
                    &[PTR, types::I32, types::I32, types::I32, types::I32, types::I32],
                    &a,
                );
            }
            BaseOp::ElemDrop { elem } => {
                let k = self.b.ins().iconst(types::I32, elem as i64);
                self.builtin(builtins::elem_drop as *const () as usize, &[PTR, types::I32], None, &[self.vmctx, k]);
            }
            BaseOp::RefFunc { dst, func } => {
                let o = &self.info.offsets;
                let v = if func < o.num_imported_funcs {
                    self.b.ins().load(PTR, trusted(), self.vmctx, o.imported_func(func) as i32)
                } else {
                    let off = o.defined_func(func - o.num_imported_funcs);
                    self.b.ins().iadd_imm_s(self.vmctx, off as i64)
                };
                self.set(dst, I64, v);
            }
            BaseOp::RefAsNonNull { src } => {
                let x = self.get(src, I64)?;
                let null = self.b.ins().icmp_imm_s(C::Equal, x, 0);
                self.trap_if(null, TrapCode::NullReference);
            }
            BaseOp::RefIsNull { dst, src } => {
                let x = self.get(src, I64)?;
                let z = self.b.ins().icmp_imm_s(C::Equal, x, 0);
                let v = self.b.ins().uextend(types::I32, z);
                self.set(dst, I32, v);
            }
            // --- i32 ---
            BaseOp::I32Add { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I32, |b, x, y| b.ins().iadd(x, y))?,
            BaseOp::I32AddImm { dst, lhs, imm } => {
                self.un(dst, lhs, I32, I32, |b, x| b.ins().iadd_imm_s(x, imm as i32 as i64))?
            }
            BaseOp::I32Sub { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I32, |b, x, y| b.ins().isub(x, y))?,
            BaseOp::I32Mul { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I32, |b, x, y| b.ins().imul(x, y))?,
            BaseOp::I32DivS { dst, lhs, rhs } => self.div(dst, lhs, rhs, I32, true, false)?,
            BaseOp::I32DivU { dst, lhs, rhs } => self.div(dst, lhs, rhs, I32, false, false)?,
            BaseOp::I32RemS { dst, lhs, rhs } => self.div(dst, lhs, rhs, I32, true, true)?,
            BaseOp::I32RemU { dst, lhs, rhs } => self.div(dst, lhs, rhs, I32, false, true)?,
            BaseOp::I32And { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I32, |b, x, y| b.ins().band(x, y))?,
            BaseOp::I32Or { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I32, |b, x, y| b.ins().bor(x, y))?,
            BaseOp::I32Xor { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I32, |b, x, y| b.ins().bxor(x, y))?,
            BaseOp::I32Shl { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I32, |b, x, y| b.ins().ishl(x, y))?,
            BaseOp::I32ShrS { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I32, |b, x, y| b.ins().sshr(x, y))?,
            BaseOp::I32ShrU { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I32, |b, x, y| b.ins().ushr(x, y))?,
            BaseOp::I32Rotl { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I32, |b, x, y| b.ins().rotl(x, y))?,
            BaseOp::I32Rotr { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I32, |b, x, y| b.ins().rotr(x, y))?,
            BaseOp::I32Eq { dst, lhs, rhs }
            | BaseOp::I32Ne { dst, lhs, rhs }
            | BaseOp::I32LtS { dst, lhs, rhs }
            | BaseOp::I32LtU { dst, lhs, rhs }
            | BaseOp::I32GtS { dst, lhs, rhs }
            | BaseOp::I32GtU { dst, lhs, rhs }
            | BaseOp::I32LeS { dst, lhs, rhs }
            | BaseOp::I32LeU { dst, lhs, rhs }
            | BaseOp::I32GeS { dst, lhs, rhs }
            | BaseOp::I32GeU { dst, lhs, rhs } => self.icmp(dst, lhs, rhs, I32, int_cc(cond)?)?,
            BaseOp::I32Clz { dst, src } => self.un(dst, src, I32, I32, |b, x| b.ins().clz(x))?,
            BaseOp::I32Ctz { dst, src } => self.un(dst, src, I32, I32, |b, x| b.ins().ctz(x))?,
            BaseOp::I32Popcnt { dst, src } => self.un(dst, src, I32, I32, |b, x| b.ins().popcnt(x))?,
            BaseOp::I32Eqz { dst, src } => self.un(dst, src, I32, I32, |b, x| {
                let z = b.ins().icmp_imm_s(C::Equal, x, 0);
                b.ins().uextend(types::I32, z)
            })?,
            BaseOp::I32Extend8S { dst, src } => self.un(dst, src, I32, I32, |b, x| {
                let n = b.ins().ireduce(types::I8, x);
                b.ins().sextend(types::I32, n)
            })?,
            BaseOp::I32Extend16S { dst, src } => self.un(dst, src, I32, I32, |b, x| {
                let n = b.ins().ireduce(types::I16, x);
                b.ins().sextend(types::I32, n)
            })?,
            BaseOp::I32WrapI64 { dst, src } => self.un(dst, src, I64, I32, |b, x| b.ins().ireduce(types::I32, x))?,
            BaseOp::I32TruncF32S { dst, src } => self.trunc(dst, src, F32, I32, true)?,
            BaseOp::I32TruncF32U { dst, src } => self.trunc(dst, src, F32, I32, false)?,
            BaseOp::I32TruncF64S { dst, src } => self.trunc(dst, src, F64, I32, true)?,
            BaseOp::I32TruncF64U { dst, src } => self.trunc(dst, src, F64, I32, false)?,
            BaseOp::I32TruncSatF32S { dst, src } => {
                self.un(dst, src, F32, I32, |b, x| b.ins().fcvt_to_sint_sat(types::I32, x))?
            }
            BaseOp::I32TruncSatF32U { dst, src } => {
                self.un(dst, src, F32, I32, |b, x| b.ins().fcvt_to_uint_sat(types::I32, x))?
            }
            BaseOp::I32TruncSatF64S { dst, src } => {
                self.un(dst, src, F64, I32, |b, x| b.ins().fcvt_to_sint_sat(types::I32, x))?
            }
            BaseOp::I32TruncSatF64U { dst, src } => {
                self.un(dst, src, F64, I32, |b, x| b.ins().fcvt_to_uint_sat(types::I32, x))?
            }
            // --- i64 ---
            BaseOp::I64Add { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I64, |b, x, y| b.ins().iadd(x, y))?,
            BaseOp::I64AddImm { dst, lhs, imm } => {
                self.un(dst, lhs, I64, I64, |b, x| b.ins().iadd_imm_s(x, imm as i64))?
            }
            BaseOp::I64Sub { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I64, |b, x, y| b.ins().isub(x, y))?,
            BaseOp::I64Mul { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I64, |b, x, y| b.ins().imul(x, y))?,
            BaseOp::I64DivS { dst, lhs, rhs } => self.div(dst, lhs, rhs, I64, true, false)?,
            BaseOp::I64DivU { dst, lhs, rhs } => self.div(dst, lhs, rhs, I64, false, false)?,
            BaseOp::I64RemS { dst, lhs, rhs } => self.div(dst, lhs, rhs, I64, true, true)?,
            BaseOp::I64RemU { dst, lhs, rhs } => self.div(dst, lhs, rhs, I64, false, true)?,
            BaseOp::I64And { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I64, |b, x, y| b.ins().band(x, y))?,
            BaseOp::I64Or { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I64, |b, x, y| b.ins().bor(x, y))?,
            BaseOp::I64Xor { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I64, |b, x, y| b.ins().bxor(x, y))?,
            BaseOp::I64Shl { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I64, |b, x, y| b.ins().ishl(x, y))?,
            BaseOp::I64ShrS { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I64, |b, x, y| b.ins().sshr(x, y))?,
            BaseOp::I64ShrU { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I64, |b, x, y| b.ins().ushr(x, y))?,
            BaseOp::I64Rotl { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I64, |b, x, y| b.ins().rotl(x, y))?,
            BaseOp::I64Rotr { dst, lhs, rhs } => self.bin(dst, lhs, rhs, I64, |b, x, y| b.ins().rotr(x, y))?,
            BaseOp::I64Eq { dst, lhs, rhs }
            | BaseOp::I64Ne { dst, lhs, rhs }
            | BaseOp::I64LtS { dst, lhs, rhs }
            | BaseOp::I64LtU { dst, lhs, rhs }
            | BaseOp::I64GtS { dst, lhs, rhs }
            | BaseOp::I64GtU { dst, lhs, rhs }
            | BaseOp::I64LeS { dst, lhs, rhs }
            | BaseOp::I64LeU { dst, lhs, rhs }
            | BaseOp::I64GeS { dst, lhs, rhs }
            | BaseOp::I64GeU { dst, lhs, rhs } => self.icmp(dst, lhs, rhs, I64, int_cc(cond)?)?,
            BaseOp::I64Clz { dst, src } => self.un(dst, src, I64, I64, |b, x| b.ins().clz(x))?,
            BaseOp::I64Ctz { dst, src } => self.un(dst, src, I64, I64, |b, x| b.ins().ctz(x))?,
            BaseOp::I64Popcnt { dst, src } => self.un(dst, src, I64, I64, |b, x| b.ins().popcnt(x))?,
            BaseOp::I64Eqz { dst, src } => self.un(dst, src, I64, I32, |b, x| {
                let z = b.ins().icmp_imm_s(C::Equal, x, 0);
                b.ins().uextend(types::I32, z)
            })?,
            BaseOp::I64Extend8S { dst, src } => self.un(dst, src, I64, I64, |b, x| {
                let n = b.ins().ireduce(types::I8, x);
                b.ins().sextend(types::I64, n)
            })?,
            BaseOp::I64Extend16S { dst, src } => self.un(dst, src, I64, I64, |b, x| {
                let n = b.ins().ireduce(types::I16, x);
                b.ins().sextend(types::I64, n)
            })?,
            BaseOp::I64Extend32S { dst, src } => self.un(dst, src, I64, I64, |b, x| {
                let n = b.ins().ireduce(types::I32, x);
                b.ins().sextend(types::I64, n)
            })?,
            BaseOp::I64ExtendI32S { dst, src } => self.un(dst, src, I32, I64, |b, x| b.ins().sextend(types::I64, x))?,
            BaseOp::I64ExtendI32U { dst, src } => self.un(dst, src, I32, I64, |b, x| b.ins().uextend(types::I64, x))?,
            BaseOp::I64TruncF32S { dst, src } => self.trunc(dst, src, F32, I64, true)?,
            BaseOp::I64TruncF32U { dst, src } => self.trunc(dst, src, F32, I64, false)?,
            BaseOp::I64TruncF64S { dst, src } => self.trunc(dst, src, F64, I64, true)?,
            BaseOp::I64TruncF64U { dst, src } => self.trunc(dst, src, F64, I64, false)?,
            BaseOp::I64TruncSatF32S { dst, src } => {
                self.un(dst, src, F32, I64, |b, x| b.ins().fcvt_to_sint_sat(types::I64, x))?
            }
            BaseOp::I64TruncSatF32U { dst, src } => {
                self.un(dst, src, F32, I64, |b, x| b.ins().fcvt_to_uint_sat(types::I64, x))?
            }
            BaseOp::I64TruncSatF64S { dst, src } => {
                self.un(dst, src, F64, I64, |b, x| b.ins().fcvt_to_sint_sat(types::I64, x))?
            }
            BaseOp::I64TruncSatF64U { dst, src } => {
                self.un(dst, src, F64, I64, |b, x| b.ins().fcvt_to_uint_sat(types::I64, x))?
            }
            // --- f32 / f64 ---
            BaseOp::F32Add { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F32, |b, x, y| b.ins().fadd(x, y))?,
            BaseOp::F32Sub { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F32, |b, x, y| b.ins().fsub(x, y))?,
            BaseOp::F32Mul { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F32, |b, x, y| b.ins().fmul(x, y))?,
            BaseOp::F32Div { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F32, |b, x, y| b.ins().fdiv(x, y))?,
            BaseOp::F32Min { dst, lhs, rhs } => self.min_max(dst, lhs, rhs, F32, false)?,
            BaseOp::F32Max { dst, lhs, rhs } => self.min_max(dst, lhs, rhs, F32, true)?,
            BaseOp::F32Copysign { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F32, |b, x, y| b.ins().fcopysign(x, y))?,
            BaseOp::F32Eq { dst, lhs, rhs }
            | BaseOp::F32Ne { dst, lhs, rhs }
            | BaseOp::F32Lt { dst, lhs, rhs }
            | BaseOp::F32Gt { dst, lhs, rhs }
            | BaseOp::F32Le { dst, lhs, rhs }
            | BaseOp::F32Ge { dst, lhs, rhs } => self.fcmp(dst, lhs, rhs, F32, float_cc(cond)?.0)?,
            BaseOp::F32Abs { dst, src } => self.un(dst, src, F32, F32, |b, x| b.ins().fabs(x))?,
            BaseOp::F32Neg { dst, src } => self.un(dst, src, F32, F32, |b, x| b.ins().fneg(x))?,
            BaseOp::F32Ceil { dst, src } => self.un(dst, src, F32, F32, |b, x| b.ins().ceil(x))?,
            BaseOp::F32Floor { dst, src } => self.un(dst, src, F32, F32, |b, x| b.ins().floor(x))?,
            BaseOp::F32Trunc { dst, src } => self.un(dst, src, F32, F32, |b, x| b.ins().trunc(x))?,
            BaseOp::F32Nearest { dst, src } => self.un(dst, src, F32, F32, |b, x| b.ins().nearest(x))?,
            BaseOp::F32Sqrt { dst, src } => self.un(dst, src, F32, F32, |b, x| b.ins().sqrt(x))?,
            BaseOp::F32ConvertI32S { dst, src } => {
                self.un(dst, src, I32, F32, |b, x| b.ins().fcvt_from_sint(types::F32, x))?
            }
            BaseOp::F32ConvertI32U { dst, src } => {
                self.un(dst, src, I32, F32, |b, x| b.ins().fcvt_from_uint(types::F32, x))?
            }
            BaseOp::F32ConvertI64S { dst, src } => {
                self.un(dst, src, I64, F32, |b, x| b.ins().fcvt_from_sint(types::F32, x))?
            }
            BaseOp::F32ConvertI64U { dst, src } => {
                self.un(dst, src, I64, F32, |b, x| b.ins().fcvt_from_uint(types::F32, x))?
            }
            BaseOp::F32DemoteF64 { dst, src } => self.un(dst, src, F64, F32, |b, x| b.ins().fdemote(types::F32, x))?,
            BaseOp::F64Add { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F64, |b, x, y| b.ins().fadd(x, y))?,
            BaseOp::F64Sub { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F64, |b, x, y| b.ins().fsub(x, y))?,
            BaseOp::F64Mul { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F64, |b, x, y| b.ins().fmul(x, y))?,
            BaseOp::F64Div { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F64, |b, x, y| b.ins().fdiv(x, y))?,
            BaseOp::F64SubRev { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F64, |b, x, y| b.ins().fsub(y, x))?,
            BaseOp::F64DivRev { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F64, |b, x, y| b.ins().fdiv(y, x))?,
            BaseOp::F64Min { dst, lhs, rhs } => self.min_max(dst, lhs, rhs, F64, false)?,
            BaseOp::F64Max { dst, lhs, rhs } => self.min_max(dst, lhs, rhs, F64, true)?,
            BaseOp::F64Copysign { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F64, |b, x, y| b.ins().fcopysign(x, y))?,
            BaseOp::F64Eq { dst, lhs, rhs }
            | BaseOp::F64Ne { dst, lhs, rhs }
            | BaseOp::F64Lt { dst, lhs, rhs }
            | BaseOp::F64Gt { dst, lhs, rhs }
            | BaseOp::F64Le { dst, lhs, rhs }
            | BaseOp::F64Ge { dst, lhs, rhs } => self.fcmp(dst, lhs, rhs, F64, float_cc(cond)?.0)?,
            BaseOp::F64Abs { dst, src } => self.un(dst, src, F64, F64, |b, x| b.ins().fabs(x))?,
            BaseOp::F64Neg { dst, src } => self.un(dst, src, F64, F64, |b, x| b.ins().fneg(x))?,
            BaseOp::F64Ceil { dst, src } => self.un(dst, src, F64, F64, |b, x| b.ins().ceil(x))?,
            BaseOp::F64Floor { dst, src } => self.un(dst, src, F64, F64, |b, x| b.ins().floor(x))?,
            BaseOp::F64Trunc { dst, src } => self.un(dst, src, F64, F64, |b, x| b.ins().trunc(x))?,
            BaseOp::F64Nearest { dst, src } => self.un(dst, src, F64, F64, |b, x| b.ins().nearest(x))?,
            BaseOp::F64Sqrt { dst, src } => self.un(dst, src, F64, F64, |b, x| b.ins().sqrt(x))?,
            BaseOp::F64ConvertI32S { dst, src } => {
                self.un(dst, src, I32, F64, |b, x| b.ins().fcvt_from_sint(types::F64, x))?
            }
            BaseOp::F64ConvertI32U { dst, src } => {
                self.un(dst, src, I32, F64, |b, x| b.ins().fcvt_from_uint(types::F64, x))?
            }
            BaseOp::F64ConvertI64S { dst, src } => {
                self.un(dst, src, I64, F64, |b, x| b.ins().fcvt_from_sint(types::F64, x))?
            }
            BaseOp::F64ConvertI64U { dst, src } => {
                self.un(dst, src, I64, F64, |b, x| b.ins().fcvt_from_uint(types::F64, x))?
            }
            BaseOp::F64PromoteF32 { dst, src } => {
                self.un(dst, src, F32, F64, |b, x| b.ins().fpromote(types::F64, x))?
            }
        }
        Ok(())
    }

    /// `dst = src` of a value of type code `ty`. A `v128` moves whole with
    /// its low cell; the copy of its high cell (`V128_HI_CODE`) does nothing.
    fn copy(&mut self, dst: Slot, src: Slot, ty: u8) -> Lowered {
        if ty == V128_HI_CODE {
            return Ok(());
        }
        let c = cls(ValType::from_code(ty).ok_or_else(|| err("bad type code"))?);
        let v = self.get(src, c)?;
        self.set(dst, c, v);
        Ok(())
    }
}
