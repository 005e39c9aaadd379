//! Translation of one validated wasm function body into register bytecode.
//!
//! Slots: parameters and locals are slots `0..num_locals`; the operand at
//! stack height `h` lives in temporary slot `num_locals + h`. The translator
//! keeps a compile-time operand stack whose entries are a local, a constant
//! or a temporary, so `local.get` and constants cost no instruction: they
//! become operands of the instruction that consumes them. Results go straight
//! into their temporary, or into a local when a `local.set`/`local.tee`
//! follows. Branches copy their values into the label's result slots, which
//! are fixed when the block opens, so block ends need no shuffling.
//!
//! Everything here counts in `ValRaw` cells: a `v128` value takes two
//! consecutive cells (low half first), as in frames and argument buffers,
//! so it is two entries of the operand stack (the second marked `hi`), two
//! cells of the locals and two of a label's results. Moving a `v128` is
//! moving its two cells; only the ops that compute on it see it whole.
#![forbid(unsafe_code)]

use smallvec::SmallVec;
use std::collections::HashMap;
use tandem_vm_core::bytecode::{
    AccBank, CompiledFunc, Increment, Lane, MemRef, OPCODE_SIZE, Op, Opcode, Slot, Target, decode, to_acc_form,
    to_reg_form, to_value_form,
};
use tandem_vm_core::module_env::{BodyResources, ModuleEnv, ModuleError, supported_features, validator_features};
use tandem_vm_core::store::ModuleInfo;
use tandem_vm_core::value::{FuncType, V128_HI_CODE, ValType};
use wasmparser::{BlockType, FuncValidator, FunctionBody, MemArg, Operator};

mod control;
mod emit;
mod ops;
mod slots;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Local(u32),
    Temp,
    Const(u64),
    /// A `v128.const` (both cells): its value is `v128_consts[index]`.
    ConstV128(u32),
}

#[derive(Clone, Copy, Debug)]
struct Operand {
    kind: Kind,
    ty: ValType,
    /// The high cell of a `v128` (the entry below holds the low one).
    hi: bool,
}

impl Operand {
    /// The `Ty` operand code of this cell for copies.
    fn code(&self) -> u8 {
        Cell { ty: self.ty, hi: self.hi }.code()
    }
}

/// One `ValRaw` cell of a value of type `ty`: a `v128` takes two, the
/// second marked `hi`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Cell {
    ty: ValType,
    hi: bool,
}

impl Cell {
    /// The `Ty` operand code of a copy of this cell: the value type, or
    /// `V128_HI_CODE` for a `v128`'s high half (a compiler moves a `v128`
    /// as a whole with its low cell and ignores the high one).
    fn code(self) -> u8 {
        if self.hi { V128_HI_CODE } else { self.ty.code() }
    }
}

type Cells = SmallVec<[Cell; 2]>;

/// How many cells values of `types` take.
fn cell_count(types: &[ValType]) -> usize {
    types.iter().map(|t| t.cells()).sum()
}

/// The cells of values of `types`, in order.
fn cells_of(types: &[ValType]) -> Cells {
    let mut out = Cells::new();
    for ty in types.iter().map(|t| t.storage()) {
        out.push(Cell { ty, hi: false });
        if ty == ValType::V128 {
            out.push(Cell { ty, hi: true });
        }
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum CtrlKind {
    Function,
    Block,
    Loop,
    If,
    Else,
}

#[derive(Debug)]
struct Control {
    kind: CtrlKind,
    /// Stack height of the block's first param/result slot.
    base: usize,
    params: Cells,
    results: Cells,
    /// Code positions of `Target` fields to patch with the end label.
    patches: SmallVec<[usize; 2]>,
    /// Loop header position.
    loop_start: u32,
    /// For `if`: the `BrIfEqz` target to patch with the else/end position.
    else_patch: Option<usize>,
    /// For `if` with params: originals sit `shift` slots below `base`.
    shift: usize,
    /// Was any branch to this block's end emitted?
    branched: bool,
}

impl Control {
    fn label_types(&self) -> &[Cell] {
        if self.kind == CtrlKind::Loop { &self.params } else { &self.results }
    }
}

struct Translator<'a> {
    env: &'a ModuleEnv,
    /// The body's deferred validation, when it has one (its features).
    info: &'a ModuleInfo,
    code: Vec<u8>,
    stack: Vec<Operand>,
    ctrl: Vec<Control>,
    /// Cells of the parameters and locals.
    num_locals: u32,
    /// The type of each cell of the parameters and locals.
    local_types: Vec<ValType>,
    /// The first cell of each wasm local; empty when every local takes
    /// one cell (no `v128`), so that local `l` is cell `l`.
    local_cells: Vec<u32>,
    max_height: usize,
    reachable: bool,
    dead_depth: u32,
    /// (position of the dst field, the temporary it names) of the last
    /// result-producing instruction, for `local.set` fusion.
    last_result: Option<(usize, Slot)>,
    /// The last instruction when a conditional branch can absorb it.
    last_cmp: Option<PendingCmp>,
    /// What one of the interpreter's accumulators holds after the last
    /// instruction (`Opcode::acc_result`); `None` after any other
    /// instruction and at labels (other paths arrive there). An instruction
    /// that reads this slot from that accumulator is written in its
    /// accumulator form.
    acc: Option<Acc>,
    /// Start of the last instruction when it is a plain `Copy` that a
    /// following `Copy` may join (no label since).
    last_copy: Option<usize>,
    fuel_site: Option<usize>,
    fuel_count: u32,
    too_many_slots: bool,
    /// Distinct constants used as operands, each with its constant slot.
    consts: Vec<u64>,
    const_index: HashMap<u64, u16, BuildMulHasher>,
    /// The values of the `v128.const`s pushed (`Kind::ConstV128`), and the
    /// first of the two adjacent constant slots of each used as an operand.
    v128_consts: Vec<u128>,
    v128_const_index: HashMap<u128, u16>,
    /// Code positions of slot operands that name temporaries, constants or
    /// results (everything `layout_frame` renumbers).
    fixups: Vec<u32>,
}

/// During translation a constant's slot is written as `CONST_TAG + index`;
/// `layout_frame` rewrites it once the frame layout is known.
const CONST_TAG: u16 = 0xC000;
/// Result `j` of the function is written to absolute slot `j` on return;
/// during translation that slot is named `RESULT_TAG + j`.
const RESULT_TAG: u16 = 0xB000;

/// Buffers reused from one translated function to the next.
#[derive(Default)]
struct Scratch {
    stack: Vec<Operand>,
    ctrl: Vec<Control>,
    consts: Vec<u64>,
    const_index: HashMap<u64, u16, BuildMulHasher>,
    v128_consts: Vec<u128>,
    v128_const_index: HashMap<u128, u16>,
    fixups: Vec<u32>,
    validator: Option<wasmparser::FuncValidatorAllocations>,
}

std::thread_local! {
    static SCRATCH: std::cell::Cell<Option<Box<Scratch>>> = const { std::cell::Cell::new(None) };
}

/// Translates defined function `def_index` of `info` into bytecode.
pub fn translate(info: &ModuleInfo, def_index: u32) -> Result<CompiledFunc, ModuleError> {
    let mut scratch = SCRATCH.with(|s| s.take()).unwrap_or_default();
    let result = translate_with(info, def_index, &mut scratch);
    SCRATCH.with(|s| s.set(Some(scratch)));
    result
}

fn translate_with(info: &ModuleInfo, def_index: u32, scratch: &mut Scratch) -> Result<CompiledFunc, ModuleError> {
    translate_body(info, def_index, scratch).map_err(|e| {
        let env = &info.env;
        match (env.pending.get(def_index as usize), env.bodies.get(def_index as usize)) {
            (Some(p), Some(body)) => p.classify(e, &env.bytes[body.range.clone()], body.range.start),
            _ => e,
        }
    })
}

fn translate_body(info: &ModuleInfo, def_index: u32, scratch: &mut Scratch) -> Result<CompiledFunc, ModuleError> {
    let env = &info.env;
    let body = env.bodies.get(def_index as usize).ok_or_else(|| ModuleError::limit("no such function body"))?;
    let func_index = env.num_imported_funcs + def_index;
    let ty = env.func_type(func_index).ok_or_else(|| ModuleError::limit("no such function type"))?;
    // Deferred validation happens here, operator by operator, before each
    // operator is translated (the translator assumes valid input): decode
    // with the module's features (a body validated with the module decodes
    // the same with all of Tandem's).
    let pending = env.pending.get(def_index as usize);
    let features = pending.map_or_else(|| validator_features(supported_features()), |p| p.features);
    let bytes = &env.bytes[body.range.clone()];
    let body = FunctionBody::new(wasmparser::BinaryReader::new_features(bytes, body.range.start, features));
    let result_cells = cell_count(ty.results());
    let param_cells = cell_count(ty.params());
    if result_cells >= (CONST_TAG - RESULT_TAG) as usize {
        return Err(ModuleError::limit("more than 4095 result cells"));
    }
    let mut validator = pending.map(|p| p.validator(scratch.validator.take().unwrap_or_default()));
    let mut local_types: Vec<ValType> = ty.params().to_vec();
    let mut num_cells = param_cells;
    let mut locals = body.get_locals_reader()?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, t) = locals.read()?;
        if let Some(v) = &mut validator {
            v.define_locals(offset, count, t)?;
        }
        let t = ValType::from_wasmparser(t).ok_or_else(|| ModuleError::unsupported(format!("local type {t}"), None))?;
        let t = t.storage();
        num_cells += count as usize * t.cells();
        if num_cells > u16::MAX as usize {
            return Err(ModuleError::limit("more than 65535 local cells"));
        }
        local_types.extend(std::iter::repeat_n(t, count as usize));
    }
    // With a `v128` local, locals and cells no longer coincide.
    let local_cells = if local_types.contains(&ValType::V128) {
        let mut cells = Vec::with_capacity(local_types.len());
        let mut types = Vec::with_capacity(num_cells);
        for t in local_types {
            cells.push(types.len() as u32);
            types.extend(std::iter::repeat_n(t, t.cells()));
        }
        local_types = types;
        cells
    } else {
        Vec::new()
    };
    scratch.stack.clear();
    scratch.ctrl.clear();
    scratch.consts.clear();
    scratch.const_index.clear();
    scratch.v128_consts.clear();
    scratch.v128_const_index.clear();
    scratch.fixups.clear();
    let mut t = Translator {
        env,
        info,
        code: Vec::with_capacity(body.range().len() * 2),
        stack: std::mem::take(&mut scratch.stack),
        ctrl: std::mem::take(&mut scratch.ctrl),
        num_locals: local_types.len() as u32,
        local_types,
        local_cells,
        max_height: 0,
        reachable: true,
        dead_depth: 0,
        last_result: None,
        last_cmp: None,
        acc: None,
        last_copy: None,
        fuel_site: None,
        fuel_count: 0,
        too_many_slots: false,
        consts: std::mem::take(&mut scratch.consts),
        const_index: std::mem::take(&mut scratch.const_index),
        v128_consts: std::mem::take(&mut scratch.v128_consts),
        v128_const_index: std::mem::take(&mut scratch.v128_const_index),
        fixups: std::mem::take(&mut scratch.fixups),
    };
    let result = t.run(ty, body, validator.as_mut());
    // Hand the buffers back for the next function, whatever happened.
    if let Some(v) = validator {
        scratch.validator = Some(v.into_allocations());
    }
    let consts = t.consts.iter().map(|&c| tandem_vm_core::ValRaw(c)).collect();
    scratch.stack = std::mem::take(&mut t.stack);
    scratch.ctrl = std::mem::take(&mut t.ctrl);
    scratch.consts = std::mem::take(&mut t.consts);
    scratch.const_index = std::mem::take(&mut t.const_index);
    scratch.v128_consts = std::mem::take(&mut t.v128_consts);
    scratch.v128_const_index = std::mem::take(&mut t.v128_const_index);
    scratch.fixups = std::mem::take(&mut t.fixups);
    let num_slots = result?;
    // The buffer was sized for the worst case (twice the body); the rest
    // would stay allocated for as long as the module lives.
    t.code.shrink_to_fit();
    Ok(CompiledFunc {
        consts,
        const_base: t.num_locals as u16,
        code: t.code,
        num_params: param_cells as u16,
        num_locals: t.num_locals as u16,
        num_slots,
        num_results: result_cells as u16,
        local_types: t.local_types,
        hot: Default::default(),
    })
}

/// A fast hasher for small integer keys (the constant pool's bit patterns).
#[derive(Default, Clone, Copy)]
struct BuildMulHasher;

struct MulHasher(u64);

impl std::hash::BuildHasher for BuildMulHasher {
    type Hasher = MulHasher;
    fn build_hasher(&self) -> MulHasher {
        MulHasher(0)
    }
}

impl std::hash::Hasher for MulHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Lays out the frame as `[params and locals][constants][temporaries]`:
/// constant placeholders (`CONST_TAG + i`) become `num_locals + i`, result
/// placeholders (`RESULT_TAG + j`) become `j`, and temporaries (written as
/// `num_locals + height`) move up by `num_consts`. `fixups` holds the code
/// position of every slot operand that was not a local when emitted.
/// Constants sit below every temporary, so a callee's frame, which starts at
/// a temporary of its caller, never overlaps them.
fn layout_frame(code: &mut [u8], fixups: &[u32], num_locals: u16, num_consts: u16) {
    for &at in fixups {
        let at = at as usize;
        let slot = u16::from_le_bytes([code[at], code[at + 1]]);
        let placed = if slot >= CONST_TAG {
            num_locals + (slot - CONST_TAG)
        } else if slot >= RESULT_TAG {
            slot - RESULT_TAG
        } else if slot >= num_locals {
            slot + num_consts
        } else {
            // A fused `local.set` retargeted this result to a local.
            slot
        };
        code[at..at + 2].copy_from_slice(&placed.to_le_bytes());
    }
}

/// A comparison (or `i32.eqz`, or `and`) just emitted, which a conditional
/// branch on its result can absorb.
#[derive(Clone, Copy)]
struct PendingCmp {
    /// Where it starts; the fused branch replaces the code from here.
    start: usize,
    op: Op,
    /// The last instruction was an `eqz` of `op` (or of an `eqz` of it, and
    /// so on, flipping each time) into a temporary read by nothing else: a
    /// branch on it is `op`'s opposite branch.
    inverted: bool,
    /// The translator's accumulator before `op`.
    acc_before: Option<Acc>,
}

/// The value in an accumulator (`Translator::acc`).
#[derive(Clone, Copy, Debug)]
struct Acc {
    /// The slot the value was also written to (by the instruction at `at`).
    slot: Slot,
    bank: AccBank,
    /// Code position of the instruction that produced it.
    at: usize,
}

/// Can `op` be fused into a following conditional branch? (Float
/// comparisons branch on "not" forms when inverted: NaN compares false.)
fn fusable_compare(op: &Op) -> bool {
    op.fused_branch(Target(0)).is_some()
}

/// The branch to `target` that jumps when `cmp`'s result is non-zero
/// (`when`) or zero: the op's fused branch (`Op::fused_branch`), or its
/// opposite (`Op::opposite`; for floats a "not" branch, which is true with
/// NaNs).
fn fuse_compare(cmp: Op, when: bool, target: u32) -> Option<Op> {
    let target = Target(target);
    let yes = cmp.fused_branch(target)?;
    if when { Some(yes) } else { yes.opposite(target) }
}

/// The cells of a block's params and results; a block type Tandem does
/// not support (a GC reference) is refused.
fn block_type(env: &ModuleEnv, bt: BlockType) -> Result<(Cells, Cells), ModuleError> {
    Ok(match bt {
        BlockType::Empty => (SmallVec::new(), SmallVec::new()),
        BlockType::Type(t) => {
            let ty =
                ValType::from_wasmparser(t).ok_or_else(|| ModuleError::unsupported(format!("block type {t}"), None))?;
            (SmallVec::new(), cells_of(&[ty]))
        }
        BlockType::FuncType(i) => {
            let ft = &env.types[i as usize];
            (cells_of(ft.params()), cells_of(ft.results()))
        }
    })
}

/// One operator as the reader decodes it: validated (when a validator is
/// given), then translated. The reader calls the operator's own `visit_*`
/// method, which validates through the validator's method for that operator;
/// reading an `Operator` and matching on it once to validate and once to
/// translate cost a third more time for the same instructions (mispredicted
/// dispatch), and is what `FuncValidator::op` does.
struct Visit<'t, 'e, 'v> {
    t: &'t mut Translator<'e>,
    v: Option<&'v mut FuncValidator<BodyResources>>,
    offset: usize,
}

macro_rules! visit_and_translate {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $( visit_and_translate!(one @$proposal $op $({ $($arg: $argty),* })? => $visit); )*
    };
    // Wasm 2.0: translated.
    (one @mvp $($rest:tt)*) => { visit_and_translate!(translate $($rest)*); };
    (one @sign_extension $($rest:tt)*) => { visit_and_translate!(translate $($rest)*); };
    (one @saturating_float_to_int $($rest:tt)*) => { visit_and_translate!(translate $($rest)*); };
    (one @bulk_memory $($rest:tt)*) => { visit_and_translate!(translate $($rest)*); };
    (one @reference_types $($rest:tt)*) => { visit_and_translate!(translate $($rest)*); };
    // Later proposals Tandem has (the validator checks they are enabled).
    (one @wide_arithmetic $($rest:tt)*) => { visit_and_translate!(translate $($rest)*); };
    (one @tail_call $($rest:tt)*) => { visit_and_translate!(translate $($rest)*); };
    (one @function_references $($rest:tt)*) => { visit_and_translate!(translate $($rest)*); };
    // GC: validated (typed function references need the GC feature in the
    // validator, see `validator_features`), not implemented.
    (one @gc $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident) => {
        fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
            $($(let _ = $arg;)*)?
            Err(ModuleError::unsupported(format!("GC operator {}", stringify!($op)), Some(self.offset)))
        }
    };
    // Later proposals, which Tandem does not enable: invalid (what the
    // validator would say, without a copy of its code for each of them).
    (one @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident) => {
        fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
            $($(let _ = $arg;)*)?
            Err(operator_not_enabled(stringify!($op), stringify!($proposal), self.offset))
        }
    };
    (translate $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident) => {
        fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
            if let Some(v) = self.v.as_deref_mut() {
                v.visitor(self.offset).$visit($($(Clone::clone(&$arg)),*)?)?;
            }
            let op = Operator::$op $({ $($arg),* })?;
            if const { inlined(stringify!($op)) } { self.t.operator_inline(op) } else { self.t.operator(op) }
        }
    };
}

/// The most common operators of compiled C and Rust (locals, constants,
/// blocks and branches, calls, i32/i64/f64 loads and stores, i32 arithmetic
/// and comparisons): their visit methods inline `operator_inline`, where
/// the match folds to one arm. The rest of Wasm 2.0 share the out-of-line
/// `operator`: inlining it everywhere added 365 KB of code.
const INLINED: &[&str] = &[
    "LocalGet",
    "LocalSet",
    "LocalTee",
    "GlobalGet",
    "GlobalSet",
    "I32Const",
    "I64Const",
    "F64Const",
    "Block",
    "Loop",
    "If",
    "Else",
    "End",
    "Br",
    "BrIf",
    "Return",
    "Call",
    "Drop",
    "Select",
    "I32Load",
    "I32Load8U",
    "I32Store",
    "I32Store8",
    "I64Load",
    "I64Store",
    "F64Load",
    "F64Store",
    "I32Add",
    "I32Sub",
    "I32Mul",
    "I32And",
    "I32Or",
    "I32Xor",
    "I32Shl",
    "I32ShrU",
    "I32ShrS",
    "I32Eqz",
    "I32Eq",
    "I32Ne",
    "I32LtS",
    "I32LtU",
    "I32GtS",
    "I32GtU",
    "I32LeS",
    "I32LeU",
    "I32GeS",
    "I32GeU",
    "I64Add",
    "I64Mul",
    "F64Add",
    "F64Mul",
];

/// Is `op` (an `Operator` variant's name) in `INLINED`?
const fn inlined(op: &str) -> bool {
    let op = op.as_bytes();
    let mut i = 0;
    while i < INLINED.len() {
        let name = INLINED[i].as_bytes();
        let mut k = 0;
        while k < name.len() && k < op.len() && name[k] == op[k] {
            k += 1;
        }
        if k == name.len() && k == op.len() {
            return true;
        }
        i += 1;
    }
    false
}

/// An operator of a proposal beyond Wasm 2.0.
#[cold]
fn operator_not_enabled(name: &str, proposal: &str, offset: usize) -> ModuleError {
    ModuleError::invalid(format!("operator {name} needs the {proposal} proposal, which is not enabled"), offset)
}

macro_rules! translate_simd {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                if let Some(v) = self.v.as_deref_mut() {
                    v.simd_visitor(self.offset).$visit($($(Clone::clone(&$arg)),*)?)?;
                }
                self.t.simd(Operator::$op $({ $($arg),* })?)
            }
        )*
    };
}

impl<'a> wasmparser::VisitOperator<'a> for Visit<'_, '_, '_> {
    type Output = Result<(), ModuleError>;

    wasmparser::for_each_visit_operator!(visit_and_translate);

    fn simd_visitor(&mut self) -> Option<&mut dyn wasmparser::VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }
}

impl<'a> wasmparser::VisitSimdOperator<'a> for Visit<'_, '_, '_> {
    wasmparser::for_each_visit_simd_operator!(translate_simd);
}

impl Translator<'_> {
    /// Translates the operators of `body`, validating each first when a
    /// validator is given; returns the frame size in slots.
    fn run(
        &mut self,
        ty: &FuncType,
        body: FunctionBody<'_>,
        mut validator: Option<&mut FuncValidator<BodyResources>>,
    ) -> Result<u16, ModuleError> {
        self.ctrl.push(Control {
            kind: CtrlKind::Function,
            base: 0,
            params: SmallVec::new(),
            results: cells_of(ty.results()),
            patches: SmallVec::new(),
            loop_start: 0,
            else_patch: None,
            shift: 0,
            branched: false,
        });
        self.start_fuel_block();
        let mut reader = body.get_operators_reader()?;
        while !reader.eof() {
            let offset = reader.original_position();
            reader.visit_operator(&mut Visit { t: self, v: validator.as_deref_mut(), offset })??;
        }
        if let Some(v) = validator.as_deref()
            && v.control_stack_height() != 0
        {
            return Err(ModuleError::invalid(
                "control frames remain at end of function body",
                reader.original_position(),
            ));
        }
        self.flush_fuel();
        let num_slots = (self.num_locals as usize + self.consts.len() + self.max_height)
            .max(cell_count(ty.results()))
            .max(cell_count(ty.params()));
        if self.too_many_slots || num_slots >= RESULT_TAG as usize {
            return Err(ModuleError::limit("function needs more than 45055 value slots"));
        }
        layout_frame(&mut self.code, &self.fixups, self.num_locals as u16, self.consts.len() as u16);
        Ok(num_slots as u16)
    }
}

#[cfg(test)]
mod tests {
    use super::inlined;

    #[test]
    fn inlined_matches_whole_operator_names_only() {
        assert!(inlined("LocalGet") && inlined("I32Add") && inlined("F64Mul"));
        assert!(!inlined("Local") && !inlined("LocalGetX") && !inlined("I32AddX") && !inlined(""));
        assert!(!inlined("I64Sub") && !inlined("F32Add"));
    }
}
