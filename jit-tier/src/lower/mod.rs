//! Register bytecode -> Cranelift IR. The code it emits reaches VMContext
//! fields only through vm-core's `VMOffsets` (as do the JIT's builtins and
//! the interpreter, which read the same records from Rust).
//!
//! The files follow the op description's groups: `ops.rs` holds the one
//! exhaustive `match` over `BaseOp`, whose arms call the helpers of
//! `numeric.rs`, `control.rs`, `memory.rs`, `tables.rs` and `calls.rs`;
//! `function.rs` holds the function being lowered (variables, blocks,
//! traps) and the two passes over its bytecode.
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
use Cls::*;
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
use tandem_vm_core::bytecode::{BaseOp, CompiledFunc, Cond, MemRef, MemUse, Slot, Target, br_table_target, decode};
use tandem_vm_core::store::{ModuleInfo, SigRegistry};
use tandem_vm_core::trap::TrapCode;
use tandem_vm_core::value::{FuncType, V128_HI_CODE, ValType};
use tandem_vm_core::vmctx::VMOffsets;

mod calls;
mod control;
mod function;
mod memory;
mod numeric;
mod ops;
mod simd;
mod tables;

use control::Step;
use memory::LoadKind;
use numeric::{float_cc, int_cc};

/// Whether the host's float arithmetic picks NaNs as the interpreter does
/// (`tandem_vm_core::num::f32_first_nan`: first NaN operand, quieted).
const X86: bool = cfg!(target_arch = "x86_64");

/// Value classes: each slot has one variable per class it is used with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cls {
    I32 = 0,
    I64 = 1,
    F32 = 2,
    F64 = 3,
    /// A `v128` (in the slot of its low cell).
    V128 = 4,
}

/// How many classes there are.
const NUM_CLS: usize = 5;

fn cls(t: ValType) -> Cls {
    match t {
        ValType::I32 => I32,
        ValType::I64 | ValType::Ref(_) => I64,
        ValType::F32 => F32,
        ValType::F64 => F64,
        ValType::V128 => V128,
    }
}

fn ir(c: Cls) -> Type {
    match c {
        I32 => types::I32,
        I64 => types::I64,
        F32 => types::F32,
        F64 => types::F64,
        V128 => types::I8X16,
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
    sig.call_conv = cranelift_codegen::isa::CallConv::Tail;
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

/// Flags of an access of class `c` to our own buffers: a `v128` takes two
/// 8-byte aligned cells, so it is not known to be 16-byte aligned (which
/// would let Cranelift fold it into an SSE instruction that requires it).
fn raw_flags(c: Cls) -> MemFlagsData {
    if c == V128 { MemFlagsData::new().with_notrap() } else { trusted() }
}

/// Loads a `ValRaw` slot (two for a `v128`) at `p + off` as class `c`.
fn load_raw(b: &mut FunctionBuilder<'_>, c: Cls, p: Value, off: i32) -> Value {
    b.ins().load(ir(c), raw_flags(c), p, off)
}

/// Each of `types` with the cell it starts at, in a buffer or frame where
/// a `v128` takes two cells.
fn cells(types: &[ValType]) -> impl Iterator<Item = (u16, ValType)> + '_ {
    types.iter().scan(0u16, |at, &t| {
        let start = *at;
        *at += t.cells() as u16;
        Some((start, t))
    })
}

/// How many cells `types` take.
fn cell_count(types: &[ValType]) -> u32 {
    types.iter().map(|t| t.cells() as u32).sum()
}

/// Stores `v` of class `c` as a whole `ValRaw` (32-bit values zero-extended).
fn store_raw(b: &mut FunctionBuilder<'_>, c: Cls, v: Value, p: Value, off: i32) {
    let v = match c {
        I32 => b.ins().uextend(types::I64, v),
        F32 => {
            let bits = b.ins().bitcast(types::I32, MemFlagsData::new(), v);
            b.ins().uextend(types::I64, bits)
        }
        I64 | F64 | V128 => v,
    };
    b.ins().store(raw_flags(c), v, p, off);
}

fn zero(b: &mut FunctionBuilder<'_>, c: Cls) -> Value {
    match c {
        I32 => b.ins().iconst(types::I32, 0),
        I64 => b.ins().iconst(types::I64, 0),
        F32 => b.ins().f32const(Ieee32::with_bits(0)),
        F64 => b.ins().f64const(Ieee64::with_bits(0)),
        V128 => {
            let zero = b.func.dfg.constants.insert(vec![0u8; 16].into());
            b.ins().vconst(types::I8X16, zero)
        }
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
        for (cell, t) in cells(ty.params()) {
            call_args.push(load_raw(&mut b, cls(t), args, 8 * cell as i32));
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
    vars: Vec<[Option<Variable>; NUM_CLS]>,
    vmctx: Value,
    limits: Value,
    results_area: Option<Value>,
    /// OSR entry: the interpreter frame the results go back to.
    osr_frame: Option<Value>,
    /// OSR entry: the loop header offset the interpreter passed (the entry
    /// jumps to the block of that header).
    osr_pc: Option<Value>,
    /// Each memory the function reads, with the variables holding its base
    /// and length.
    mem: Vec<(u32, Variable, Variable)>,
    /// While a load or store twin is lowered as its memory-0 op: the
    /// memory and offset it really accesses (see `addr`).
    on_memory: Option<(MemRef, u64)>,
    blocks: HashMap<u32, Block>,
    trap_block: Block,
    fail_block: Block,
    fuel_block: Option<Block>,
    /// One cold block per trap code, jumping to `trap_block` with it.
    trap_blocks: HashMap<u32, Block>,
    /// Bounds already checked in the current region: (memory, address
    /// value) -> end offset known to be in bounds (memories never shrink).
    checked: HashMap<(u32, Value), u64>,
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
    /// The operand buffer of `simd_op` calls.
    simd_buf: Option<StackSlot>,
}

/// What lowering one op or one piece of a function gives: nothing, or why
/// the function cannot be compiled.
type Lowered = Result<(), CompileError>;
