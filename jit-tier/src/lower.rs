//! Register bytecode -> Cranelift IR. This file is the only place compiled
//! code reaches VMContext fields, always through vm-core's `VMOffsets`.
//!
//! Every (slot, type) pair is a Cranelift `Variable`: the bytecode is typed
//! (a slot read with type T was last written with type T on every path, by
//! wasm validation), so each class (i32, i64 and references, f32, f64) of a
//! slot gets its own variable and SSA construction does the rest. Constant
//! slots start as constants (of every class). `Const32`/`Const64` do not say
//! which type they hold, so they define both classes of their width.
//!
//! Traps branch to a cold block per trap code, which passes the code to one
//! block that reports it and returns `ok = 0`; a failed callee branches to a
//! block that adds this function's frame to the backtrace and returns
//! `ok = 0` too. Fuel is charged exactly
//! where the interpreter charges it (`ConsumeFuel`, same amounts, same
//! behaviour when it runs out).

use crate::CompileError;
use crate::builtins;
use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{
    AbiParam, Block, BlockArg, FuncRef, InstBuilder, JumpTableData, MemFlagsData, SigRef, Signature, StackSlot,
    StackSlotData, StackSlotKind, Type, UserFuncName, Value, types,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, Module};
use std::collections::HashMap;
use tandem_vm_core::bytecode::{BaseOp, CompiledFunc, Cond, MemUse, br_table_target, decode};
use tandem_vm_core::store::{ModuleInfo, SigRegistry};
use tandem_vm_core::trap::TrapCode;
use tandem_vm_core::value::{FuncType, ValType};
use tandem_vm_core::vmctx::VMOffsets;

/// Value classes: each slot has one variable per class it is used with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cls {
    I32 = 0,
    I64 = 1,
    F32 = 2,
    F64 = 3,
}
use Cls::*;

fn cls(t: ValType) -> Cls {
    match t {
        ValType::I32 => I32,
        ValType::I64 | ValType::FuncRef | ValType::ExternRef => I64,
        ValType::F32 => F32,
        ValType::F64 => F64,
    }
}

fn ir(c: Cls) -> Type {
    match c {
        I32 => types::I32,
        I64 => types::I64,
        F32 => types::F32,
        F64 => types::F64,
    }
}

const PTR: Type = types::I64;

/// Loads and stores of VMContext records and of our own buffers: aligned,
/// never trapping.
fn trusted() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// Guest memory accesses: bounds-checked before, so they cannot trap, but
/// may be unaligned; wasm memory is little endian.
fn guest() -> MemFlagsData {
    MemFlagsData::new().with_notrap().with_endianness(cranelift_codegen::ir::Endianness::Little)
}

pub(crate) fn func_type(info: &ModuleInfo, def: u32) -> Option<&FuncType> {
    info.env.func_type(def.checked_add(info.env.num_imported_funcs)?)
}

/// `fn(vmctx, [results_area], params...) -> (ok, [result])`.
pub(crate) fn native_signature(module: &JITModule, ty: &FuncType) -> Signature {
    let mut sig = module.make_signature();
    sig.params.push(AbiParam::new(PTR));
    if ty.results().len() > 1 {
        sig.params.push(AbiParam::new(PTR));
    }
    sig.params.extend(ty.params().iter().map(|&t| AbiParam::new(ir(cls(t)))));
    sig.returns.push(AbiParam::new(types::I8));
    if ty.results().len() == 1 {
        sig.returns.push(AbiParam::new(ir(cls(ty.results()[0]))));
    }
    sig
}

/// The `VMArrayCallFn` signature: `fn(callee, caller_vmctx, args, capacity) -> bool`.
pub(crate) fn array_signature(module: &JITModule) -> Signature {
    let mut sig = module.make_signature();
    sig.params.extend([AbiParam::new(PTR); 4]);
    sig.returns.push(AbiParam::new(types::I8));
    sig
}

/// The on-stack-replacement entry: `fn(vmctx, frame, pc) -> ok`, where
/// `frame` is the interpreter frame's slots (read on entry, results written
/// to its first slots on return) and `pc` the loop header (`HotLoop`) where
/// the frame stopped: one entry serves every loop of the function.
pub(crate) fn osr_signature(module: &JITModule) -> Signature {
    let mut sig = module.make_signature();
    sig.params.extend([AbiParam::new(PTR); 2]);
    sig.params.push(AbiParam::new(types::I32));
    sig.returns.push(AbiParam::new(types::I8));
    sig
}

/// Loads a `ValRaw` slot at `p + off` as class `c`.
fn load_raw(b: &mut FunctionBuilder<'_>, c: Cls, p: Value, off: i32) -> Value {
    b.ins().load(ir(c), trusted(), p, off)
}

/// Stores `v` of class `c` as a whole `ValRaw` (32-bit values zero-extended).
fn store_raw(b: &mut FunctionBuilder<'_>, c: Cls, v: Value, p: Value, off: i32) {
    let v = match c {
        I32 => b.ins().uextend(types::I64, v),
        F32 => {
            let bits = b.ins().bitcast(types::I32, MemFlagsData::new(), v);
            b.ins().uextend(types::I64, bits)
        }
        I64 | F64 => v,
    };
    b.ins().store(trusted(), v, p, off);
}

fn zero(b: &mut FunctionBuilder<'_>, c: Cls) -> Value {
    match c {
        I32 => b.ins().iconst(types::I32, 0),
        I64 => b.ins().iconst(types::I64, 0),
        F32 => b.ins().f32const(Ieee32::with_bits(0)),
        F64 => b.ins().f64const(Ieee64::with_bits(0)),
    }
}

pub(crate) fn err(e: impl std::fmt::Display) -> CompileError {
    CompileError::Failed(e.to_string())
}

/// The array-call adapter of every compiled function of type `ty`: reads
/// the arguments from the buffer, calls the callee record's native entry,
/// writes the results back.
pub(crate) fn lower_array_adapter(
    module: &mut JITModule,
    ctx: &mut cranelift_codegen::Context,
    fctx: &mut FunctionBuilderContext,
    ty: &FuncType,
    id: FuncId,
) -> Result<(), CompileError> {
    ctx.func.signature = array_signature(module);
    ctx.func.name = UserFuncName::user(0, id.as_u32());
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
        let nsig = b.import_signature(native_signature(module, ty));
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let (callee, args) = (b.block_params(entry)[0], b.block_params(entry)[2]);
        let vmctx = b.ins().load(PTR, trusted(), callee, VMOffsets::funcref_vmctx() as i32);
        let code = b.ins().load(PTR, trusted(), callee, VMOffsets::funcref_wasm_call() as i32);
        let mut call_args = vec![vmctx];
        if ty.results().len() > 1 {
            // Results go straight to the buffer: the parameters are in
            // registers by the time the callee writes them.
            call_args.push(args);
        }
        for (i, &t) in ty.params().iter().enumerate() {
            call_args.push(load_raw(&mut b, cls(t), args, 8 * i as i32));
        }
        let call = b.ins().call_indirect(nsig, code, &call_args);
        let rets = b.inst_results(call).to_vec();
        if ty.results().len() == 1 {
            store_raw(&mut b, cls(ty.results()[0]), rets[1], args, 0);
        }
        b.ins().return_(&[rets[0]]);
        b.seal_all_blocks();
        b.finalize(module.target_config());
    }
    module.define_function(id, ctx).map_err(|e| err(format!("{e:?}")))?;
    module.clear_context(ctx);
    Ok(())
}

/// The budget error for defined function `def` once `cost` is over the
/// module's `JitSettings::max_compile_cost`.
fn within_budget(info: &ModuleInfo, def: u32, cost: u64) -> Result<(), CompileError> {
    let limit = info.jit.max_compile_cost;
    if cost > limit {
        return Err(CompileError::OverBudget { def, cost, limit });
    }
    Ok(())
}

/// Compiles defined function `def` (bytecode `code`) as `id`; `batch` maps
/// the defined functions compiled together to their ids (direct calls).
/// With `osr` it compiles the on-stack-replacement entry instead: it takes
/// over a running interpreter frame stopped at any loop header
/// (`osr_signature`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn lower_function(
    module: &mut JITModule,
    ctx: &mut cranelift_codegen::Context,
    fctx: &mut FunctionBuilderContext,
    info: &ModuleInfo,
    sigs: &SigRegistry,
    def: u32,
    code: &CompiledFunc,
    id: FuncId,
    batch: &HashMap<u32, FuncId>,
    osr: bool,
) -> Result<(), CompileError> {
    let ty = func_type(info, def).ok_or_else(|| err("no such function"))?.clone();
    ctx.func.signature = if osr { osr_signature(module) } else { native_signature(module, &ty) };
    ctx.func.name = UserFuncName::user(0, id.as_u32());
    {
        let b = FunctionBuilder::new(&mut ctx.func, fctx);
        let cfg = module.target_config();
        let mut l = Lower::new(b, module, info, sigs, def, code, &ty, batch, osr)?;
        l.body()?;
        let Lower { mut b, mut cost, .. } = l;
        b.seal_all_blocks();
        b.finalize(cfg);
        // The register allocator's liveness: a bit per block and value at
        // worst, in 4-byte units like the rest of the cost.
        cost += ctx.func.dfg.num_blocks() as u64 * ctx.func.dfg.num_values() as u64 / 32;
        if let Err(e) = within_budget(info, def, cost) {
            module.clear_context(ctx);
            return Err(e);
        }
    }
    // Development aid: `TANDEM_JIT_CLIF=1` prints each function's Cranelift IR.
    if std::env::var_os("TANDEM_JIT_CLIF").is_some() {
        eprintln!("; function {def} (osr entry: {osr:?})\n{}", ctx.func.display());
    }
    // Development aid: `TANDEM_JIT_DISASM=1` prints each function's machine code.
    let disasm = std::env::var_os("TANDEM_JIT_DISASM").is_some();
    ctx.set_disasm(disasm);
    module.define_function(id, ctx).map_err(|e| err(format!("{e:?}")))?;
    if disasm && let Some(code) = ctx.compiled_code().and_then(|c| c.vcode.as_ref()) {
        eprintln!("; function {def} (osr entry: {osr:?})\n{code}");
    }
    module.clear_context(ctx);
    Ok(())
}

struct Lower<'a, 'm> {
    b: FunctionBuilder<'a>,
    module: &'m mut JITModule,
    info: &'a ModuleInfo,
    sigs: &'a SigRegistry,
    f: &'a CompiledFunc,
    ty: &'a FuncType,
    func_index: u32,
    batch: &'a HashMap<u32, FuncId>,
    vars: Vec<[Option<Variable>; 4]>,
    vmctx: Value,
    limits: Value,
    results_area: Option<Value>,
    /// OSR entry: the interpreter frame the results go back to.
    osr_frame: Option<Value>,
    /// OSR entry: the loop header offset the interpreter passed (the entry
    /// jumps to the block of that header).
    osr_pc: Option<Value>,
    mem: Option<(Variable, Variable)>,
    blocks: HashMap<u32, Block>,
    trap_block: Block,
    fail_block: Block,
    fuel_block: Option<Block>,
    /// One cold block per trap code, jumping to `trap_block` with it.
    trap_blocks: HashMap<u32, Block>,
    /// Bounds already checked in the current region: address value -> end
    /// offset known to be in bounds (memories never shrink).
    checked: HashMap<Value, u64>,
    /// Bounds checks of the current region that branched on their own.
    region_checks: u32,
    /// Deferred bounds checks of the current region (see `addr`): set when
    /// one of them failed; branched on at the region's next side effect.
    pending_oob: Option<Value>,
    /// Where a deferred access that is out of bounds reads and writes.
    scratch: Option<StackSlot>,
    /// Blocks to seal once the op at a bytecode offset is lowered (loop
    /// headers: their last back edge is there).
    seal_after: HashMap<u32, Vec<Block>>,
    /// Last bytecode offset that branches to each branch target.
    last_branch_to: HashMap<u32, u32>,
    /// Compile cost so far (see `charge_var`).
    cost: u64,
    /// Whether this activation took a level of the call-depth limit
    /// (normal entries), given back when it returns.
    takes_depth: bool,
    /// Highest block index each variable was used or defined in.
    var_block: Vec<u32>,
    call_buf: Option<(StackSlot, u32)>,
    ret_area: Option<StackSlot>,
    native_sigs: HashMap<u32, SigRef>,
    array_sig: Option<SigRef>,
    direct: HashMap<u32, FuncRef>,
}

impl<'a, 'm> Lower<'a, 'm> {
    #[allow(clippy::too_many_arguments)]
    fn new(
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
            vars: vec![[None; 4]; f.num_slots as usize],
            vmctx,
            limits,
            results_area,
            osr_frame,
            osr_pc,
            mem: None,
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
                    l.def_const(k, f.consts[(k - f.const_base) as usize].0);
                    continue;
                }
                let v = l.b.ins().load(types::I64, trusted(), frame, 8 * k as i32);
                let w = l.b.ins().ireduce(types::I32, v);
                let f64v = l.b.ins().bitcast(types::F64, MemFlagsData::new(), v);
                let f32v = l.b.ins().bitcast(types::F32, MemFlagsData::new(), w);
                l.set(k, I64, v);
                l.set(k, I32, w);
                l.set(k, F64, f64v);
                l.set(k, F32, f32v);
            }
            return Ok(l);
        }
        let first = if results_area.is_some() { 2 } else { 1 };
        for (i, &t) in ty.params().iter().enumerate() {
            l.set(i as u16, cls(t), params[first + i]);
        }
        for i in f.num_params as usize..f.num_locals as usize {
            let t = *f.local_types.get(i).ok_or_else(|| err("missing local type"))?;
            let z = zero(&mut l.b, cls(t));
            l.set(i as u16, cls(t), z);
        }
        // Constant slots start with their constant in every class; results
        // may later overwrite them (slot 0 can be a constant slot).
        for (k, c) in f.consts.iter().enumerate() {
            l.def_const(f.const_base + k as u16, c.0);
        }
        Ok(l)
    }

    /// Defines `slot` as the constant `bits` in every class.
    fn def_const(&mut self, slot: u16, bits: u64) {
        let i32v = self.b.ins().iconst(types::I32, bits as u32 as i64);
        let i64v = self.b.ins().iconst(types::I64, bits as i64);
        let f32v = self.b.ins().f32const(Ieee32::with_bits(bits as u32));
        let f64v = self.b.ins().f64const(Ieee64::with_bits(bits));
        self.set(slot, I32, i32v);
        self.set(slot, I64, i64v);
        self.set(slot, F32, f32v);
        self.set(slot, F64, f64v);
    }

    fn var(&mut self, slot: u16, c: Cls) -> Result<Variable, CompileError> {
        let entry = self.vars.get_mut(slot as usize).ok_or_else(|| err(format!("slot {slot} out of range")))?;
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
    fn charge_var(&mut self, v: Variable) {
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

    fn check_budget(&self) -> R {
        within_budget(self.info, self.func_index - self.info.env.num_imported_funcs, self.cost)
    }

    /// The value of `slot` read as class `c`.
    fn get(&mut self, slot: u16, c: Cls) -> Result<Value, CompileError> {
        let v = self.var(slot, c)?;
        Ok(self.b.use_var(v))
    }

    fn set(&mut self, slot: u16, c: Cls, v: Value) {
        if let Ok(var) = self.var(slot, c) {
            self.b.def_var(var, v);
        }
    }

    fn reload_memory(&mut self) {
        if let Some((base, len)) = self.mem {
            let o = &self.info.offsets;
            let def = self.b.ins().load(PTR, trusted(), self.vmctx, o.memory(0) as i32);
            let bv = self.b.ins().load(PTR, trusted(), def, VMOffsets::memory_base() as i32);
            let lv = self.b.ins().load(PTR, trusted(), def, VMOffsets::memory_length() as i32);
            self.b.def_var(base, bv);
            self.b.def_var(len, lv);
        }
    }

    /// The cold block that traps with `code`.
    fn trap_block_for(&mut self, code: TrapCode) -> Block {
        *self.trap_blocks.entry(code as u32).or_insert_with(|| {
            let b = self.b.create_block();
            self.b.set_cold_block(b);
            b
        })
    }

    /// Branches to the trap block with `code` when `cond` is non-zero (after
    /// any deferred bounds check of the region, which comes first).
    fn trap_if(&mut self, cond: Value, code: TrapCode) {
        self.flush_deferred();
        let blk = self.trap_block_for(code);
        self.branch_off(cond, blk);
    }

    /// Branches to `blk` when `cond` is non-zero, else goes on in a new
    /// block whose only predecessor is the current one, so the region (its
    /// known values and checked bounds) goes on too.
    fn branch_off(&mut self, cond: Value, blk: Block) {
        let cont = self.b.create_block();
        self.b.ins().brif(cond, blk, &[], cont, &[]);
        self.continue_in(cont);
    }

    /// Goes on in `blk`, all of whose predecessors are already emitted and
    /// lie in the current region: it is sealed at once, so SSA construction
    /// never keeps a variable open in it.
    fn continue_in(&mut self, blk: Block) {
        self.b.switch_to_block(blk);
        self.b.seal_block(blk);
    }

    /// Traps now if a deferred bounds check of the region failed. Called
    /// before every side effect other than a guest store (which deferral
    /// guards itself) and before every branch out of the region.
    fn flush_deferred(&mut self) {
        if let Some(oob) = self.pending_oob.take() {
            let blk = self.trap_block_for(TrapCode::MemoryOutOfBounds);
            self.branch_off(oob, blk);
        }
    }

    /// Starts a new region in `blk` (a branch target: facts about the
    /// previous blocks no longer hold).
    fn switch(&mut self, blk: Block) {
        debug_assert!(self.pending_oob.is_none(), "a deferred bounds check was not branched on");
        self.checked.clear();
        self.region_checks = 0;
        self.b.switch_to_block(blk);
    }

    fn block_at(&mut self, pc: u32) -> Block {
        *self.blocks.entry(pc).or_insert_with(|| self.b.create_block())
    }

    fn br_if(&mut self, cond: Value, target: u32) {
        self.flush_deferred();
        let t = self.block_at(target);
        self.branch_off(cond, t);
    }

    fn builtin(&mut self, addr: usize, params: &[Type], ret: Option<Type>, args: &[Value]) -> Option<Value> {
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
    fn checked_builtin(&mut self, addr: usize, params: &[Type], args: &[Value]) {
        let r = self.builtin(addr, params, Some(types::I32), args).expect("has a result");
        let cont = self.b.create_block();
        let failed = self.b.create_block();
        self.b.ins().brif(r, failed, &[], cont, &[]);
        self.continue_in(failed);
        let code = self.b.ins().iadd_imm_s(r, -1);
        self.b.ins().jump(self.trap_block, &[BlockArg::Value(code)]);
        self.continue_in(cont);
    }

    fn bin(
        &mut self,
        dst: u16,
        lhs: u16,
        rhs: u16,
        c: Cls,
        f: impl FnOnce(&mut FunctionBuilder<'_>, Value, Value) -> Value,
    ) -> R {
        let x = self.get(lhs, c)?;
        let y = self.get(rhs, c)?;
        let v = f(&mut self.b, x, y);
        self.set(dst, c, v);
        Ok(())
    }

    fn un(
        &mut self,
        dst: u16,
        src: u16,
        from: Cls,
        to: Cls,
        f: impl FnOnce(&mut FunctionBuilder<'_>, Value) -> Value,
    ) -> R {
        let x = self.get(src, from)?;
        let v = f(&mut self.b, x);
        self.set(dst, to, v);
        Ok(())
    }

    fn icmp(&mut self, dst: u16, lhs: u16, rhs: u16, c: Cls, cc: IntCC) -> R {
        let x = self.get(lhs, c)?;
        let y = self.get(rhs, c)?;
        let r = self.b.ins().icmp(cc, x, y);
        let r = self.b.ins().uextend(types::I32, r);
        self.set(dst, I32, r);
        Ok(())
    }

    fn fcmp(&mut self, dst: u16, lhs: u16, rhs: u16, c: Cls, cc: FloatCC) -> R {
        let x = self.get(lhs, c)?;
        let y = self.get(rhs, c)?;
        let r = self.b.ins().fcmp(cc, x, y);
        let r = self.b.ins().uextend(types::I32, r);
        self.set(dst, I32, r);
        Ok(())
    }

    fn br_icmp(&mut self, lhs: u16, rhs: u16, c: Cls, cc: IntCC, target: u32) -> R {
        let x = self.get(lhs, c)?;
        let y = self.get(rhs, c)?;
        let r = self.b.ins().icmp(cc, x, y);
        self.br_if(r, target);
        Ok(())
    }

    /// `lhs += step`, then branches when the new `lhs cc rhs`.
    fn br_add(&mut self, lhs: u16, step: Step, rhs: u16, cc: IntCC, target: u32) -> R {
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
    fn br_and(&mut self, lhs: u16, rhs: u16, c: Cls, cc: IntCC, target: u32) -> R {
        let x = self.get(lhs, c)?;
        let y = self.get(rhs, c)?;
        let a = self.b.ins().band(x, y);
        let r = self.b.ins().icmp_imm_s(cc, a, 0);
        self.br_if(r, target);
        Ok(())
    }

    /// Branches when `lhs cc rhs` is true, or when it is false with `negate`.
    fn br_fcmp(&mut self, lhs: u16, rhs: u16, c: Cls, cc: FloatCC, negate: bool, target: u32) -> R {
        let x = self.get(lhs, c)?;
        let y = self.get(rhs, c)?;
        let r = self.b.ins().fcmp(cc, x, y);
        let r = if negate { self.b.ins().bxor_imm_s(r, 1) } else { r };
        self.br_if(r, target);
        Ok(())
    }

    /// Integer division and remainder with the wasm traps checked first.
    fn div(&mut self, dst: u16, lhs: u16, rhs: u16, c: Cls, signed: bool, rem: bool) -> R {
        let x = self.get(lhs, c)?;
        let y = self.get(rhs, c)?;
        let zero = self.b.ins().icmp_imm_s(IntCC::Equal, y, 0);
        self.trap_if(zero, TrapCode::IntegerDivisionByZero);
        let t = ir(c);
        let v = if signed {
            let minus1 = self.b.ins().icmp_imm_s(IntCC::Equal, y, -1);
            if rem {
                // x % -1 == 0; keep the hardware from seeing MIN % -1.
                let one = self.b.ins().iconst(t, 1);
                let y = self.b.ins().select(minus1, one, y);
                self.b.ins().srem(x, y)
            } else {
                let min = if c == I32 { i32::MIN as i64 } else { i64::MIN };
                let is_min = self.b.ins().icmp_imm_s(IntCC::Equal, x, min);
                let ovf = self.b.ins().band(is_min, minus1);
                self.trap_if(ovf, TrapCode::IntegerOverflow);
                self.b.ins().sdiv(x, y)
            }
        } else if rem {
            self.b.ins().urem(x, y)
        } else {
            self.b.ins().udiv(x, y)
        };
        self.set(dst, c, v);
        Ok(())
    }

    /// Trapping float -> int conversion (the interpreter's `num::*_trunc_*`
    /// bounds: exclusive `lo`, or inclusive with `lo_inclusive`).
    fn trunc(&mut self, dst: u16, src: u16, from: Cls, to: Cls, signed: bool) -> R {
        let x = self.get(src, from)?;
        let nan = self.b.ins().fcmp(FloatCC::Unordered, x, x);
        self.trap_if(nan, TrapCode::BadConversionToInteger);
        let wide = if from == F32 { self.b.ins().fpromote(types::F64, x) } else { x };
        let (lo, hi, lo_inclusive) = match (to, signed) {
            (I32, true) => (-2147483649.0, 2147483648.0, false),
            (I32, false) => (-1.0, 4294967296.0, false),
            (_, true) => (-9223372036854775808.0, 9223372036854775808.0, true),
            (_, false) => (-1.0, 18446744073709551616.0, false),
        };
        let lo = self.b.ins().f64const(lo);
        let hi = self.b.ins().f64const(hi);
        let lo_cc = if lo_inclusive { FloatCC::LessThan } else { FloatCC::LessThanOrEqual };
        let below = self.b.ins().fcmp(lo_cc, wide, lo);
        let above = self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, wide, hi);
        let out = self.b.ins().bor(below, above);
        self.trap_if(out, TrapCode::IntegerOverflow);
        let v =
            if signed { self.b.ins().fcvt_to_sint_sat(ir(to), x) } else { self.b.ins().fcvt_to_uint_sat(ir(to), x) };
        self.set(dst, to, v);
        Ok(())
    }

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
    fn addr(&mut self, addr: u16, offset: u32, size: u32, store: bool) -> Result<(Value, i32), CompileError> {
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

    fn load(&mut self, dst: u16, addr: u16, offset: u32, size: u32, to: Cls, kind: LoadKind) -> R {
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

    fn store(&mut self, addr: u16, value: u16, offset: u32, size: u32, from: Cls) -> R {
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

    fn table_def(&mut self, table: u32) -> Value {
        let off = self.info.offsets.table(table);
        self.b.ins().load(PTR, trusted(), self.vmctx, off as i32)
    }

    /// Address of element `index` of `table`, bounds-checked.
    fn table_elem(&mut self, table: u32, index: u16) -> Result<Value, CompileError> {
        let def = self.table_def(table);
        let i = self.get(index, I32)?;
        let i = self.b.ins().uextend(types::I64, i);
        let n = self.b.ins().load(PTR, trusted(), def, VMOffsets::table_length() as i32);
        let oob = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, i, n);
        self.trap_if(oob, TrapCode::TableOutOfBounds);
        let base = self.b.ins().load(PTR, trusted(), def, VMOffsets::table_base() as i32);
        let off = self.b.ins().ishl_imm_s(i, 3);
        Ok(self.b.ins().iadd(base, off))
    }

    fn native_sig(&mut self, ty: &FuncType, key: u32) -> SigRef {
        if let Some(s) = self.native_sigs.get(&key) {
            return *s;
        }
        let s = self.b.import_signature(native_signature(self.module, ty));
        self.native_sigs.insert(key, s);
        s
    }

    fn array_sig(&mut self) -> SigRef {
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
    fn call_buffer(&mut self, slots: u32) -> Value {
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

    fn results_buffer(&mut self, n: u32) -> Value {
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
    fn call(&mut self, rec: Value, ty: &FuncType, sig: u32, args: u16, direct: Option<FuncId>) -> R {
        self.flush_deferred();
        let np = ty.params().len();
        let nr = ty.results().len();
        let mut params = Vec::with_capacity(np);
        for (i, &t) in ty.params().iter().enumerate() {
            params.push(self.get(args + i as u16, cls(t))?);
        }
        let ok;
        let mut results: Vec<Value> = Vec::with_capacity(nr);
        let area = if nr > 1 { Some(self.results_buffer(nr as u32)) } else { None };
        match direct {
            Some(fid) => {
                let fref = match self.direct.get(&fid.as_u32()) {
                    Some(f) => *f,
                    None => {
                        let f = self.module.declare_func_in_func(fid, self.b.func);
                        self.direct.insert(fid.as_u32(), f);
                        f
                    }
                };
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
                let cap = np.max(nr) as u32;
                let buf = self.call_buffer(cap);
                for (i, (&t, &v)) in ty.params().iter().zip(&params).enumerate() {
                    store_raw(&mut self.b, cls(t), v, buf, 8 * i as i32);
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
                    for (i, &t) in ty.results().iter().enumerate() {
                        let v = load_raw(&mut self.b, cls(t), buf, 8 * i as i32);
                        store_raw(&mut self.b, cls(t), v, area, 8 * i as i32);
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
            for (i, &t) in ty.results().iter().enumerate() {
                results.push(load_raw(&mut self.b, cls(t), area, 8 * i as i32));
            }
        }
        for (i, (&t, v)) in ty.results().iter().zip(results).enumerate() {
            self.set(args + i as u16, cls(t), v);
        }
        self.reload_memory();
        Ok(())
    }

    fn sig_type(&self, sig: u32) -> Result<FuncType, CompileError> {
        self.sigs.lookup(sig).ok_or_else(|| err(format!("unknown signature {sig}")))
    }

    fn ret(&mut self) -> R {
        self.flush_deferred();
        self.give_back_depth();
        let t = self.ty;
        let one = self.b.ins().iconst(types::I8, 1);
        if let Some(frame) = self.osr_frame {
            for (i, &rt) in t.results().iter().enumerate() {
                let v = self.get(i as u16, cls(rt))?;
                store_raw(&mut self.b, cls(rt), v, frame, 8 * i as i32);
            }
            self.b.ins().return_(&[one]);
            return Ok(());
        }
        match t.results().len() {
            0 => {
                self.b.ins().return_(&[one]);
            }
            1 => {
                let v = self.get(0, cls(t.results()[0]))?;
                self.b.ins().return_(&[one, v]);
            }
            _ => {
                let area = self.results_area.ok_or_else(|| err("no results area"))?;
                for (i, &rt) in t.results().iter().enumerate() {
                    let v = self.get(i as u16, cls(rt))?;
                    store_raw(&mut self.b, cls(rt), v, area, 8 * i as i32);
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
    fn give_back_depth(&mut self) {
        if self.takes_depth {
            let off = VMOffsets::limits_depth_remaining() as i32;
            let limits = self.b.ins().load(PTR, trusted(), self.vmctx, VMOffsets::header_limits() as i32);
            let depth = self.b.ins().load(types::I64, trusted(), limits, off);
            let back = self.b.ins().iadd_imm_s(depth, 1);
            self.b.ins().store(trusted(), back, limits, off);
        }
    }

    fn fail_return(&mut self) {
        self.give_back_depth();
        let zero8 = self.b.ins().iconst(types::I8, 0);
        if self.ty.results().len() == 1 && self.osr_frame.is_none() {
            let z = zero(&mut self.b, cls(self.ty.results()[0]));
            self.b.ins().return_(&[zero8, z]);
        } else {
            self.b.ins().return_(&[zero8]);
        }
    }

    fn body(&mut self) -> R {
        let code = &self.f.code;
        // Pass 1: every branch target starts a block.
        let mut pc = 0;
        let mut insts = Vec::new();
        let mut loop_headers = Vec::new();
        let mut uses_memory = false;
        while pc < code.len() {
            let (op, next) = decode(code, pc).map_err(err)?;
            uses_memory |= op.opcode().memory_use().is_some_and(MemUse::reads_cache);
            for t in op.branch_targets(code, pc) {
                let t = t.ok_or_else(|| err("bad br_table"))?;
                self.block_at(t);
                self.last_branch_to.insert(t, pc as u32);
            }
            // No accumulator here: every form is lowered as its base op.
            let op = op.base();
            if self.osr_pc.is_some() && matches!(op, BaseOp::HotLoop {}) {
                self.block_at(pc as u32);
                loop_headers.push(pc as u32);
            }
            insts.push((pc as u32, op));
            pc = next;
        }
        // The memory base and length live in variables, loaded here and
        // after every call or growth; functions that never read them skip it.
        if self.info.offsets.num_memories > 0 && uses_memory {
            let base = self.b.declare_var(PTR);
            let len = self.b.declare_var(PTR);
            self.mem = Some((base, len));
            self.reload_memory();
        }
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
                let blk = self.block_at(pc);
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
            open = self.op(pc, op)?;
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

    /// Lowers one op; returns whether control can fall through it.
    fn op(&mut self, pc: u32, op: BaseOp) -> Result<bool, CompileError> {
        use IntCC as C;
        // Comparisons and compare-and-branches take their condition from
        // the op description (`int_cc`, `float_cc`).
        let cond = op.opcode().cond();
        match op {
            BaseOp::Unreachable {} => {
                self.flush_deferred();
                let blk = self.trap_block_for(TrapCode::Unreachable);
                self.b.ins().jump(blk, &[]);
                return Ok(false);
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
                return Ok(false);
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
                return Ok(false);
            }
            BaseOp::Return {} => {
                self.ret()?;
                return Ok(false);
            }
            BaseOp::ReturnSlot { src } => {
                let rt = *self.ty.results().first().ok_or_else(|| err("ReturnSlot without a result"))?;
                let v = self.get(src, cls(rt))?;
                self.set(0, cls(rt), v);
                self.ret()?;
                return Ok(false);
            }
            BaseOp::Call { func, offset, args } => {
                let def = func.wrapping_sub(self.info.env.num_imported_funcs);
                let ty = self.info.env.func_type(func).ok_or_else(|| err("bad callee"))?.clone();
                let sig = self.info.func_sig(func);
                let rec = self.b.ins().iadd_imm_s(self.vmctx, offset as i64);
                let direct = self.batch.get(&def).copied();
                self.call(rec, &ty, sig, args, direct)?;
            }
            BaseOp::CallImported { func, offset, args } => {
                let ty = self.info.env.func_type(func).ok_or_else(|| err("bad callee"))?.clone();
                let sig = self.info.func_sig(func);
                let rec = self.b.ins().load(PTR, trusted(), self.vmctx, offset as i32);
                self.call(rec, &ty, sig, args, None)?;
            }
            BaseOp::CallIndirect { table, sig, index, args } => {
                let ty = self.sig_type(sig)?;
                let p = self.table_elem(table, index)?;
                let rec = self.b.ins().load(PTR, trusted(), p, 0);
                let null = self.b.ins().icmp_imm_s(C::Equal, rec, 0);
                self.trap_if(null, TrapCode::IndirectCallToNull);
                let got = self.b.ins().load(types::I32, trusted(), rec, VMOffsets::funcref_sig() as i32);
                let bad = self.b.ins().icmp_imm_s(C::NotEqual, got, sig as i64);
                self.trap_if(bad, TrapCode::BadSignature);
                self.call(rec, &ty, sig, args, None)?;
            }
            BaseOp::Copy { dst, src, ty } => {
                let c = cls(ValType::from_code(ty).ok_or_else(|| err("bad type code"))?);
                let v = self.get(src, c)?;
                self.set(dst, c, v);
            }
            BaseOp::Copy2 { dst, src, dst2, src2, ty, ty2 } => {
                for (dst, src, ty) in [(dst, src, ty), (dst2, src2, ty2)] {
                    let c = cls(ValType::from_code(ty).ok_or_else(|| err("bad type code"))?);
                    let v = self.get(src, c)?;
                    self.set(dst, c, v);
                }
            }
            BaseOp::Reinterpret { dst, src, ty } => {
                let to = cls(ValType::from_code(ty).ok_or_else(|| err("bad type code"))?);
                let from = match to {
                    I32 => F32,
                    F32 => I32,
                    I64 => F64,
                    F64 => I64,
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
                let k = self.get(cond, I32)?;
                let x = self.get(a, c)?;
                let y = self.get(b, c)?;
                let v = self.b.ins().select(k, x, y);
                self.set(dst, c, v);
            }
            BaseOp::GlobalGet { dst, offset } => {
                let c = self.global_cls(offset)?;
                let v = load_raw(&mut self.b, c, self.vmctx, offset as i32);
                self.set(dst, c, v);
            }
            BaseOp::GlobalSet { src, offset } => {
                self.flush_deferred();
                let c = self.global_cls(offset)?;
                let v = self.get(src, c)?;
                store_raw(&mut self.b, c, v, self.vmctx, offset as i32);
            }
            BaseOp::GlobalGetImported { dst, offset } => {
                let c = self.global_cls(offset)?;
                let p = self.b.ins().load(PTR, trusted(), self.vmctx, offset as i32);
                let v = load_raw(&mut self.b, c, p, 0);
                self.set(dst, c, v);
            }
            BaseOp::GlobalSetImported { src, offset } => {
                self.flush_deferred();
                let c = self.global_cls(offset)?;
                let v = self.get(src, c)?;
                let p = self.b.ins().load(PTR, trusted(), self.vmctx, offset as i32);
                store_raw(&mut self.b, c, v, p, 0);
            }
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
            BaseOp::MemorySize { dst } => {
                let (_, len) = self.mem.ok_or_else(|| err("memory.size without a memory"))?;
                let n = self.b.use_var(len);
                let pages = self.b.ins().ushr_imm_s(n, 16);
                let v = self.b.ins().ireduce(types::I32, pages);
                self.set(dst, I32, v);
            }
            BaseOp::MemoryGrow { dst, delta } => {
                let d = self.get(delta, I32)?;
                let r = self.builtin(
                    builtins::memory_grow as *const () as usize,
                    &[PTR, types::I32],
                    Some(types::I32),
                    &[self.vmctx, d],
                );
                self.set(dst, I32, r.expect("has a result"));
                self.reload_memory();
            }
            BaseOp::MemoryFill { dst, value, len } => {
                let a = [self.vmctx, self.get(dst, I32)?, self.get(value, I32)?, self.get(len, I32)?];
                self.checked_builtin(
                    builtins::memory_fill as *const () as usize,
                    &[PTR, types::I32, types::I32, types::I32],
                    &a,
                );
            }
            BaseOp::MemoryCopy { dst, src, len } => {
                let a = [self.vmctx, self.get(dst, I32)?, self.get(src, I32)?, self.get(len, I32)?];
                self.checked_builtin(
                    builtins::memory_copy as *const () as usize,
                    &[PTR, types::I32, types::I32, types::I32],
                    &a,
                );
            }
            BaseOp::MemoryInit { data, dst, src, len } => {
                let k = self.b.ins().iconst(types::I32, data as i64);
                let a = [self.vmctx, k, self.get(dst, I32)?, self.get(src, I32)?, self.get(len, I32)?];
                self.checked_builtin(
                    builtins::memory_init as *const () as usize,
                    &[PTR, types::I32, types::I32, types::I32, types::I32],
                    &a,
                );
            }
            BaseOp::DataDrop { data } => {
                let k = self.b.ins().iconst(types::I32, data as i64);
                self.builtin(builtins::data_drop as *const () as usize, &[PTR, types::I32], None, &[self.vmctx, k]);
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
            BaseOp::F32Min { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F32, |b, x, y| b.ins().fmin(x, y))?,
            BaseOp::F32Max { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F32, |b, x, y| b.ins().fmax(x, y))?,
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
            BaseOp::F64Min { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F64, |b, x, y| b.ins().fmin(x, y))?,
            BaseOp::F64Max { dst, lhs, rhs } => self.bin(dst, lhs, rhs, F64, |b, x, y| b.ins().fmax(x, y))?,
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
        Ok(true)
    }

    fn global_cls(&self, offset: u32) -> Result<Cls, CompileError> {
        let global = self.info.offsets.global_at(offset).and_then(|g| self.info.env.globals.get(g as usize));
        global.map(|g| cls(g.ty)).ok_or_else(|| err(format!("no global at {offset}")))
    }
}

type R = Result<(), CompileError>;

#[derive(Clone, Copy)]
enum LoadKind {
    Full,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
}

/// What a fused increment-and-branch (`BrI32AddImm<Cmp>`, `BrI32Add<Cmp>`)
/// adds.
#[derive(Clone, Copy)]
enum Step {
    Imm(u32),
    Slot(u16),
}

/// The Cranelift condition of an integer comparison.
fn int_cc(cond: Option<Cond>) -> Result<IntCC, CompileError> {
    Ok(match cond {
        Some(Cond::Eq | Cond::Z) => IntCC::Equal,
        Some(Cond::Ne | Cond::Nz) => IntCC::NotEqual,
        Some(Cond::LtS) => IntCC::SignedLessThan,
        Some(Cond::LtU) => IntCC::UnsignedLessThan,
        Some(Cond::GtS) => IntCC::SignedGreaterThan,
        Some(Cond::GtU) => IntCC::UnsignedGreaterThan,
        Some(Cond::LeS) => IntCC::SignedLessThanOrEqual,
        Some(Cond::LeU) => IntCC::UnsignedLessThanOrEqual,
        Some(Cond::GeS) => IntCC::SignedGreaterThanOrEqual,
        Some(Cond::GeU) => IntCC::UnsignedGreaterThanOrEqual,
        other => return Err(err(format!("{other:?} is not an integer condition"))),
    })
}

/// The Cranelift condition of a float comparison, and whether the branch
/// is taken when it is false (`NotLt`...: true with a NaN operand).
fn float_cc(cond: Option<Cond>) -> Result<(FloatCC, bool), CompileError> {
    Ok(match cond {
        Some(Cond::Eq) => (FloatCC::Equal, false),
        Some(Cond::Ne) => (FloatCC::NotEqual, false),
        Some(Cond::Lt) => (FloatCC::LessThan, false),
        Some(Cond::Gt) => (FloatCC::GreaterThan, false),
        Some(Cond::Le) => (FloatCC::LessThanOrEqual, false),
        Some(Cond::Ge) => (FloatCC::GreaterThanOrEqual, false),
        Some(Cond::NotLt) => (FloatCC::LessThan, true),
        Some(Cond::NotGt) => (FloatCC::GreaterThan, true),
        Some(Cond::NotLe) => (FloatCC::LessThanOrEqual, true),
        Some(Cond::NotGe) => (FloatCC::GreaterThanOrEqual, true),
        other => return Err(err(format!("{other:?} is not a float condition"))),
    })
}
