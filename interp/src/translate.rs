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
#![forbid(unsafe_code)]

use smallvec::SmallVec;
use std::collections::HashMap;
use tandem_vm_core::bytecode::{
    AccBank, CompiledFunc, Increment, OPCODE_SIZE, Op, Opcode, Slot, decode, to_acc_form, to_reg_form, to_value_form,
};
use tandem_vm_core::module_env::{BodyResources, ModuleEnv, ModuleError};
use tandem_vm_core::store::ModuleInfo;
use tandem_vm_core::value::{FuncType, ValType};
use wasmparser::{BlockType, FuncValidator, FunctionBody, Operator};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Local(u32),
    Temp,
    Const(u64),
}

#[derive(Clone, Copy, Debug)]
struct Operand {
    kind: Kind,
    ty: ValType,
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
    params: SmallVec<[ValType; 2]>,
    results: SmallVec<[ValType; 2]>,
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
    fn label_types(&self) -> &[ValType] {
        if self.kind == CtrlKind::Loop { &self.params } else { &self.results }
    }
}

struct Translator<'a> {
    env: &'a ModuleEnv,
    info: &'a ModuleInfo,
    code: Vec<u8>,
    stack: Vec<Operand>,
    ctrl: Vec<Control>,
    num_locals: u32,
    local_types: Vec<ValType>,
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
    /// Code positions of slot operands that name temporaries, constants or
    /// results (everything `layout_frame` renumbers).
    fixups: Vec<u32>,
}

/// During translation a constant's slot is written as `CONST_TAG + index`;
/// `place_consts` rewrites it once the frame layout is known.
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
    let env = &info.env;
    let body = env.bodies.get(def_index as usize).ok_or_else(|| ModuleError::limit("no such function body"))?;
    let func_index = env.num_imported_funcs + def_index;
    let ty = env.func_type(func_index).ok_or_else(|| ModuleError::limit("no such function type"))?;
    // Decode with the Wasm 2.0 feature set (so e.g. a non-zero "reserved"
    // memory byte is malformed), SIMD included so that SIMD reaches the
    // translator and is reported as unsupported rather than malformed.
    let body = FunctionBody::new(wasmparser::BinaryReader::new_features(
        &env.bytes[body.range.clone()],
        body.range.start,
        wasmparser::WasmFeatures::WASM2,
    ));
    if ty.results().len() >= (CONST_TAG - RESULT_TAG) as usize {
        return Err(ModuleError::limit("more than 4095 results"));
    }
    // Deferred validation happens here, operator by operator, before each
    // operator is translated (the translator assumes valid input).
    let mut validator =
        env.pending.get(def_index as usize).map(|p| p.validator(scratch.validator.take().unwrap_or_default()));
    let mut local_types: Vec<ValType> = ty.params().to_vec();
    let mut locals = body.get_locals_reader()?;
    for _ in 0..locals.get_count() {
        let offset = locals.original_position();
        let (count, t) = locals.read()?;
        if let Some(v) = &mut validator {
            v.define_locals(offset, count, t)?;
        }
        let t = ValType::from_wasmparser(t).ok_or_else(|| ModuleError::unsupported("local type", None))?;
        if local_types.len() + count as usize > u16::MAX as usize {
            return Err(ModuleError::limit("more than 65535 locals"));
        }
        local_types.extend(std::iter::repeat_n(t, count as usize));
    }
    scratch.stack.clear();
    scratch.ctrl.clear();
    scratch.consts.clear();
    scratch.const_index.clear();
    scratch.fixups.clear();
    let mut t = Translator {
        env,
        info,
        code: Vec::with_capacity(body.range().len() * 2),
        stack: std::mem::take(&mut scratch.stack),
        ctrl: std::mem::take(&mut scratch.ctrl),
        num_locals: local_types.len() as u32,
        local_types,
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
    scratch.fixups = std::mem::take(&mut t.fixups);
    let num_slots = result?;
    // The buffer was sized for the worst case (twice the body); the rest
    // would stay allocated for as long as the module lives.
    t.code.shrink_to_fit();
    Ok(CompiledFunc {
        consts,
        const_base: t.num_locals as u16,
        code: t.code,
        num_params: ty.params().len() as u16,
        num_locals: t.num_locals as u16,
        num_slots,
        num_results: ty.results().len() as u16,
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
    fuse_compare(*op, true, 0).is_some()
}

/// The branch to `target` that jumps when `cmp`'s result is non-zero
/// (`when`) or zero: the op's fused branch (`Op::fused_branch`), or its
/// opposite (`Op::opposite`; for floats a "not" branch, which is true with
/// NaNs).
fn fuse_compare(cmp: Op, when: bool, target: u32) -> Option<Op> {
    let yes = cmp.fused_branch(target)?;
    if when { Some(yes) } else { yes.opposite(target) }
}

type Types = SmallVec<[ValType; 2]>;

fn block_type(env: &ModuleEnv, bt: BlockType) -> (Types, Types) {
    match bt {
        BlockType::Empty => (SmallVec::new(), SmallVec::new()),
        BlockType::Type(t) => (SmallVec::new(), ValType::from_wasmparser(t).into_iter().collect()),
        BlockType::FuncType(i) => {
            let ft = &env.types[i as usize];
            (ft.params().iter().copied().collect(), ft.results().iter().copied().collect())
        }
    }
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

macro_rules! validate_simd {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                if let Some(v) = self.v.as_deref_mut() {
                    v.simd_visitor(self.offset).$visit($($($arg),*)?)?;
                }
                Err(ModuleError::unsupported(concat!("128-bit SIMD (", stringify!($op), ")"), Some(self.offset)))
            }
        )*
    };
}

impl<'a> wasmparser::VisitOperator<'a> for Visit<'_, '_, '_> {
    type Output = Result<(), ModuleError>;

    wasmparser::for_each_visit_operator!(visit_and_translate);

    /// SIMD is validated (so that an invalid body is reported as invalid)
    /// and then refused as unsupported.
    fn simd_visitor(&mut self) -> Option<&mut dyn wasmparser::VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }
}

impl<'a> wasmparser::VisitSimdOperator<'a> for Visit<'_, '_, '_> {
    wasmparser::for_each_visit_simd_operator!(validate_simd);
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
            results: ty.results().iter().copied().collect(),
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
            .max(ty.results().len())
            .max(ty.params().len());
        if self.too_many_slots || num_slots >= RESULT_TAG as usize {
            return Err(ModuleError::limit("function needs more than 45055 value slots"));
        }
        layout_frame(&mut self.code, &self.fixups, self.num_locals as u16, self.consts.len() as u16);
        Ok(num_slots as u16)
    }

    // ----- emission -----

    fn emit(&mut self, op: Op) {
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
    fn cut(&mut self, at: usize) {
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
    fn fuse_increment(&self, op: Op) -> Option<(usize, Op)> {
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

    /// Emits an op whose first operand (`dst`) is the result slot.
    fn emit_result(&mut self, op: Op, dst: Slot) {
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
    }

    /// Appends `op` (result slot `dst`, if any) in its accumulator form if
    /// it reads the accumulator's slot (a store whose value is that slot:
    /// its value form), and notes its slot operands that
    /// `layout_frame` renumbers. When that slot is a temporary that nothing
    /// reads afterwards, the instruction that produced it stops writing it
    /// (its register-result form): the value lives in the accumulator only.
    fn encode(&mut self, op: Op, dst: Option<Slot>) {
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
    fn cond_branch(&mut self, cond: Slot, when: bool, target: u32) -> usize {
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
        let op = if when { Op::BrIfNez { cond, target } } else { Op::BrIfEqz { cond, target } };
        self.emit(op);
        self.code.len() - 4
    }

    /// The position of the next instruction, which may become a jump
    /// target: it stays an instruction boundary.
    fn pos(&mut self) -> u32 {
        self.last_copy = None;
        self.code.len() as u32
    }

    fn patch(&mut self, at: usize, target: u32) {
        self.code[at..at + 4].copy_from_slice(&target.to_le_bytes());
    }

    fn start_fuel_block(&mut self) {
        if !self.info.fuel {
            return;
        }
        self.flush_fuel();
        let site = self.code.len() + OPCODE_SIZE;
        self.emit(Op::ConsumeFuel { amount: 0 });
        self.fuel_site = Some(site);
    }

    fn flush_fuel(&mut self) {
        if let Some(site) = self.fuel_site.take() {
            let n = std::mem::take(&mut self.fuel_count);
            self.patch(site, n);
        }
    }

    /// A new label: later code may be reached from elsewhere.
    fn label_here(&mut self) {
        self.acc = None;
        self.last_copy = None;
        self.last_result = None;
        self.last_cmp = None;
        self.start_fuel_block();
    }

    // ----- slots and operands -----

    /// Is `slot` a temporary whose value nothing reads after the
    /// instruction being emitted (result slot `dst`)? Temporaries are only
    /// read through the operand stack, so it is when no operand on the
    /// stack is that temporary, other than the instruction's own result.
    fn temp_dead(&self, slot: Slot, dst: Option<Slot>) -> bool {
        let (slot, locals) = (slot as usize, self.num_locals as usize);
        if slot < locals || slot >= RESULT_TAG as usize {
            return false;
        }
        let k = slot - locals;
        match self.stack.get(k) {
            None => true,
            Some(o) => o.kind == Kind::Temp && k + 1 == self.stack.len() && dst == Some(slot as Slot),
        }
    }

    fn temp_slot(&mut self, height: usize) -> Slot {
        let s = self.num_locals as usize + height;
        if s > u16::MAX as usize {
            self.too_many_slots = true;
            return 0;
        }
        s as Slot
    }

    fn push_temp(&mut self, ty: ValType) -> Slot {
        let h = self.stack.len();
        self.stack.push(Operand { kind: Kind::Temp, ty });
        self.max_height = self.max_height.max(h + 1);
        self.temp_slot(h)
    }

    fn push(&mut self, kind: Kind, ty: ValType) {
        self.stack.push(Operand { kind, ty });
        self.max_height = self.max_height.max(self.stack.len());
    }

    fn pop(&mut self) -> Operand {
        self.stack.pop().unwrap_or(Operand { kind: Kind::Temp, ty: ValType::I32 })
    }

    /// Slot holding operand `i` of the stack (a constant's slot for a constant).
    fn slot_at(&mut self, i: usize) -> Slot {
        let op = self.stack[i];
        match op.kind {
            Kind::Local(l) => l as Slot,
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
        }
    }

    /// The placeholder slot of constant `bits` (`None` once the function
    /// has as many distinct constants as placeholders can name).
    fn const_slot(&mut self, bits: u64) -> Option<Slot> {
        if let Some(&i) = self.const_index.get(&bits) {
            return Some(CONST_TAG + i);
        }
        let i = self.consts.len();
        if i >= (u16::MAX - CONST_TAG) as usize {
            return None;
        }
        self.consts.push(bits);
        self.const_index.insert(bits, i as u16);
        Some(CONST_TAG + i as u16)
    }

    fn emit_const(&mut self, dst: Slot, bits: u64, ty: ValType) {
        match ty {
            ValType::I32 | ValType::F32 => self.emit(Op::Const32 { dst, imm: bits as u32 }),
            _ => self.emit(Op::Const64 { dst, imm: bits }),
        }
    }

    /// Pops the top operand and returns its slot and the height it sat at.
    fn pop_slot(&mut self) -> (Slot, usize) {
        let i = self.stack.len().saturating_sub(1);
        if self.stack.is_empty() {
            return (self.temp_slot(0), 0);
        }
        let s = self.slot_at(i);
        self.stack.pop();
        (s, i)
    }

    /// Moves operand `i` into its own temporary (if it is not there yet).
    fn materialize(&mut self, i: usize) {
        let op = self.stack[i];
        let dst = self.temp_slot(i);
        match op.kind {
            Kind::Temp => {}
            Kind::Local(l) => {
                self.emit(Op::Copy { dst, src: l as Slot, ty: op.ty.code() });
                self.stack[i].kind = Kind::Temp;
            }
            Kind::Const(bits) => {
                self.emit_const(dst, bits, op.ty);
                self.stack[i].kind = Kind::Temp;
            }
        }
    }

    /// Copies operand `i` (of any kind) into slot `dst`.
    fn copy_operand_to(&mut self, i: usize, dst: Slot) {
        let op = self.stack[i];
        match op.kind {
            Kind::Const(bits) => self.emit_const(dst, bits, op.ty),
            Kind::Local(l) => {
                if l as Slot != dst {
                    self.emit(Op::Copy { dst, src: l as Slot, ty: op.ty.code() })
                }
            }
            Kind::Temp => {
                let src = self.temp_slot(i);
                if src != dst {
                    self.emit(Op::Copy { dst, src, ty: op.ty.code() })
                }
            }
        }
    }

    /// Would copying the top `n` operands to heights `base..` emit anything?
    fn needs_copies(&mut self, n: usize, base: usize) -> bool {
        let len = self.stack.len();
        (0..n).any(|j| {
            let i = len - n + j;
            !(self.stack[i].kind == Kind::Temp && i == base + j)
        })
    }

    /// Copies the top `n` operands to heights `base..base + n` (in order,
    /// which is safe: every source sits at or above its destination).
    fn copy_top_to(&mut self, n: usize, base: usize) {
        let len = self.stack.len();
        for j in 0..n {
            let dst = self.temp_slot(base + j);
            self.copy_operand_to(len - n + j, dst);
        }
    }

    /// Materialises every `local.get` operand on the stack (before control
    /// flow, so each path sees the value the local had at that point).
    fn materialize_locals(&mut self) {
        for i in 0..self.stack.len() {
            if matches!(self.stack[i].kind, Kind::Local(_)) {
                self.materialize(i);
            }
        }
    }

    // ----- branches -----

    /// Emits the moves and jump for a branch to relative depth `depth`.
    fn branch(&mut self, depth: u32) {
        let idx = self.ctrl.len() - 1 - depth as usize;
        if self.ctrl[idx].kind == CtrlKind::Function {
            self.emit_return();
            return;
        }
        let n = self.ctrl[idx].label_types().len();
        let base = self.ctrl[idx].base;
        self.copy_top_to(n, base);
        self.jump_to(idx, |target| Op::Br { target });
    }

    /// Emits `make(target)` jumping to the label of `ctrl[idx]`.
    fn jump_to(&mut self, idx: usize, make: impl Fn(u32) -> Op) {
        let c = &mut self.ctrl[idx];
        if c.kind == CtrlKind::Loop {
            let target = c.loop_start;
            let mut op = make(target);
            if matches!(op, Op::Br { .. })
                && let Some(past_head) = self.thread_back_edge(idx, target)
            {
                op = make(past_head);
            }
            self.emit(op);
        } else {
            c.branched = true;
            // The target field is the branch's last 4 bytes (`emit` may
            // fuse it with the instruction before).
            self.emit(make(0));
            let at = self.code.len() - 4;
            self.ctrl[idx].patches.push(at);
        }
    }

    /// Before an unconditional back edge to loop `ctrl[idx]` whose header
    /// starts with a conditional branch out of the loop (a `while` loop:
    /// `loop { br_if $exit ...; ...; br $loop }`), tests the opposite
    /// condition and, when it holds, jumps to where the header's branch
    /// falls through: one dispatch per iteration instead of two. Otherwise
    /// the `br` goes on to the header, whose branch then leaves, as before.
    /// A header branch that stays in the loop (a `continue`, its target
    /// already known) usually jumps, and would then cost three dispatches
    /// that way; it is copied instead, with the `br` going on past the
    /// header's branch (returned): one dispatch where it jumps, two where
    /// it does not, as before (sieve's `if (composite[i]) continue`).
    /// Headers that start with a fuel charge are left alone (it must run
    /// every iteration). A header that starts with a tier-up counter
    /// (`HotLoop`, tiered mode) gets its own counter before the test or the
    /// copy, so tiered bytecode keeps this shape too (it had one dispatch
    /// more per iteration than the interpreter's, and the JIT, which
    /// compiles the same bytecode, gave collatz 14% more instructions). A
    /// loop that leaves this way counts its last iteration twice, which
    /// only moves its tier-up by one. Landing after the header's branch is
    /// safe for the translator's state: the header starts at a label, so
    /// the accumulator is empty there and the branch leaves it empty;
    /// `HotLoop` leaves it empty too.
    fn thread_back_edge(&mut self, idx: usize, start: u32) -> Option<u32> {
        let (mut head, mut next) = decode(&self.code, start as usize).ok()?;
        let counted = matches!(head, Op::HotLoop {});
        if counted {
            (head, next) = decode(&self.code, next).ok()?;
        }
        // A conditional branch (one with an opposite) whose target field
        // (the last 4 bytes) waits for the end of a block around the loop,
        // or is known: not waiting for any block.
        let opposite = head.opposite(next as u32)?;
        let field = next - 4;
        let exits = self.ctrl[..idx].iter().any(|c| c.patches.contains(&field));
        if !exits && self.ctrl.iter().any(|c| c.patches.contains(&field)) {
            return None;
        }
        if counted {
            self.emit(Op::HotLoop {});
        }
        if exits {
            self.emit(opposite);
            None
        } else {
            self.emit(head);
            Some(next as u32)
        }
    }

    fn emit_return(&mut self) {
        let n = self.ctrl[0].results.len();
        let len = self.stack.len();
        if n == 1 {
            let src = self.slot_at(len - 1);
            self.emit(Op::ReturnSlot { src });
            return;
        }
        // Sources that are locals inside the destination range are moved out first.
        for j in 0..n {
            if let Kind::Local(l) = self.stack[len - n + j].kind
                && (l as usize) < n
            {
                self.materialize(len - n + j);
            }
        }
        for j in 0..n {
            let i = len - n + j;
            // Results below `num_locals` are ordinary slots; above, they
            // would read as temporaries, so they get a placeholder.
            let dst = if j < self.num_locals as usize { j as Slot } else { RESULT_TAG + j as Slot };
            self.copy_operand_to(i, dst);
        }
        self.emit(Op::Return {});
    }

    // ----- blocks -----

    fn open_block(&mut self, kind: CtrlKind, bt: BlockType) {
        let (params, results) = block_type(self.env, bt);
        self.materialize_locals();
        let n = params.len();
        let len = self.stack.len();
        for i in len - n..len {
            self.materialize(i);
        }
        let base = len - n;
        self.ctrl.push(Control {
            kind,
            base,
            params,
            results,
            patches: SmallVec::new(),
            loop_start: 0,
            else_patch: None,
            shift: 0,
            branched: false,
        });
    }

    fn set_unreachable(&mut self) {
        self.reachable = false;
        let base = self.ctrl.last().map(|c| c.base).unwrap_or(0);
        self.stack.truncate(base);
    }

    /// Handles `end` of the innermost block.
    fn end_block(&mut self) {
        let Some(c) = self.ctrl.last() else { return };
        if c.kind == CtrlKind::Function {
            if self.reachable {
                self.emit_return();
            }
            self.stack.clear();
            self.ctrl.pop();
            return;
        }
        let n = c.results.len();
        let base = c.base;
        if c.kind == CtrlKind::If {
            // An `if` without `else`: the false path falls through to here
            // with its params as results.
            if self.reachable {
                self.copy_top_to(n, base);
            }
            let c = self.ctrl.last_mut().expect("innermost block exists");
            if let Some(at) = c.else_patch.take() {
                // The false path of an `if` without `else` jumps to the end.
                c.branched = true;
                c.patches.push(at);
            }
        } else if self.reachable {
            self.copy_top_to(n, base);
        }
        let c = self.ctrl.pop().expect("innermost block exists");
        let end = self.pos();
        for &at in &c.patches {
            self.patch(at, end);
        }
        let reachable = self.reachable || (c.kind != CtrlKind::Loop && c.branched);
        self.stack.truncate(base);
        if c.shift > 0 {
            // `if` with params: results move down over the params and the
            // condition's hole.
            self.stack.truncate(base - c.shift);
            let new_base = base - c.shift;
            if reachable {
                self.label_here();
                for j in 0..n {
                    let dst = self.temp_slot(new_base + j);
                    let src = self.temp_slot(base + j);
                    self.emit(Op::Copy { dst, src, ty: c.results[j].code() });
                }
            }
            for &ty in &c.results {
                self.push(Kind::Temp, ty);
            }
        } else {
            for &ty in &c.results {
                self.push(Kind::Temp, ty);
            }
            if c.branched {
                self.label_here();
            }
        }
        if c.kind == CtrlKind::Loop {
            self.last_result = None;
        }
        self.reachable = reachable;
    }

    fn else_block(&mut self) {
        let Some(c) = self.ctrl.last() else { return };
        let n = c.results.len();
        let base = c.base;
        if self.reachable {
            self.copy_top_to(n, base);
            let idx = self.ctrl.len() - 1;
            self.jump_to(idx, |target| Op::Br { target });
        }
        let here = self.pos();
        let c = self.ctrl.last_mut().expect("innermost block exists");
        c.kind = CtrlKind::Else;
        if let Some(at) = c.else_patch.take() {
            self.patch(at, here);
        }
        let c = self.ctrl.last().expect("innermost block exists");
        let (shift, params) = (c.shift, c.params.clone());
        self.stack.truncate(base);
        self.label_here();
        if shift > 0 {
            // Re-copy the params (which sit below the condition's hole).
            for (j, &ty) in params.iter().enumerate() {
                let dst = self.temp_slot(base + j);
                let src = self.temp_slot(base - shift + j);
                self.emit(Op::Copy { dst, src, ty: ty.code() });
                self.push(Kind::Temp, ty);
            }
        } else {
            for &ty in &params {
                self.push(Kind::Temp, ty);
            }
        }
        self.reachable = true;
    }

    // ----- operators -----

    fn binary(&mut self, ty: ValType, make: fn(Slot, Slot, Slot) -> Op) {
        let (rhs, _) = self.pop_slot();
        let (lhs, h) = self.pop_slot();
        let dst = self.push_temp(ty);
        debug_assert_eq!(self.temp_slot(h), dst);
        self.emit_result(make(dst, lhs, rhs), dst);
    }

    fn unary(&mut self, ty: ValType, make: fn(Slot, Slot) -> Op) {
        let (src, _) = self.pop_slot();
        let dst = self.push_temp(ty);
        self.emit_result(make(dst, src), dst);
    }

    /// `i32.add`/`i32.sub` (and i64) with a constant operand use the `Imm` form.
    fn add_imm(&mut self, ty: ValType, negate: bool, make: fn(Slot, Slot, Slot) -> Op) {
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

    fn load(&mut self, ty: ValType, offset: u64, make: fn(Slot, Slot, u32) -> Op) {
        let (addr, _) = self.pop_slot();
        let dst = self.push_temp(ty);
        // Offsets of 32-bit memories fit in u32 (validated).
        self.emit_result(make(dst, addr, offset as u32), dst);
    }

    fn store(&mut self, offset: u64, make: fn(Slot, Slot, u32) -> Op) {
        let (value, _) = self.pop_slot();
        let (addr, _) = self.pop_slot();
        self.emit(make(addr, value, offset as u32));
    }

    fn local_set(&mut self, l: u32, tee: bool) {
        let len = self.stack.len();
        if len == 0 {
            return;
        }
        let top = self.stack[len - 1];
        let reads_local = self.stack[..len - 1].iter().any(|o| o.kind == Kind::Local(l));
        let fusable = top.kind == Kind::Temp
            && !reads_local
            && self.last_result.is_some_and(|(_, s)| s == self.temp_slot(len - 1));
        if fusable {
            let (at, dst) = self.last_result.take().expect("checked above");
            self.code[at..at + 2].copy_from_slice(&(l as Slot).to_le_bytes());
            // The value went to the local instead; the accumulator still has it.
            if let Some(acc) = self.acc.as_mut()
                && acc.slot == dst
            {
                acc.slot = l as Slot;
            }
        } else {
            // Keep the old value for operands that still read it.
            for i in 0..len - 1 {
                if self.stack[i].kind == Kind::Local(l) {
                    self.materialize(i);
                }
            }
            self.copy_operand_to(len - 1, l as Slot);
        }
        self.stack.pop();
        if tee {
            self.push(Kind::Local(l), top.ty);
        }
        self.last_result = None;
    }

    fn call(&mut self, func: Option<u32>, type_index: u32, table: u32) {
        let ft = self.env.types[type_index as usize].clone();
        let index = if func.is_none() { Some(self.pop_slot().0) } else { None };
        let n = ft.params().len();
        let len = self.stack.len();
        for i in len - n..len {
            self.materialize(i);
        }
        let args = self.temp_slot(len - n);
        // Tiered mode: the forms that also count the callee's calls.
        let hot = self.info.hot_counters;
        match (func, index) {
            (Some(func), _) => {
                let o = &self.info.offsets;
                let nimp = self.env.num_imported_funcs;
                if func < nimp {
                    let offset = o.imported_func(func);
                    self.emit(if hot {
                        Op::CallImportedHot { func, offset, args }
                    } else {
                        Op::CallImported { func, offset, args }
                    })
                } else {
                    let offset = o.defined_func(func - nimp);
                    self.emit(if hot { Op::CallHot { func, offset, args } } else { Op::Call { func, offset, args } })
                }
            }
            (None, Some(index)) => {
                let sig = self.info.sig_ids[type_index as usize];
                self.emit(if hot {
                    Op::CallIndirectHot { table, sig, index, args }
                } else {
                    Op::CallIndirect { table, sig, index, args }
                })
            }
            _ => {}
        }
        self.stack.truncate(len - n);
        for &ty in ft.results() {
            self.push(Kind::Temp, ty);
        }
    }

    /// Translates `op` (one out-of-line copy, for the less common operators).
    #[inline(never)]
    fn operator(&mut self, op: Operator<'_>) -> Result<(), ModuleError> {
        self.operator_inline(op)
    }

    /// `operator`, inlined into the reader's visit methods of the `INLINED`
    /// operators, where the match folds to one arm.
    #[inline(always)]
    fn operator_inline(&mut self, op: Operator<'_>) -> Result<(), ModuleError> {
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
                self.load($ty, $m.offset, |dst, addr, offset| Op::$op { dst, addr, offset })
            };
        }
        macro_rules! store {
            ($m:expr, $op:ident) => {
                self.store($m.offset, |addr, value, offset| Op::$op { addr, value, offset })
            };
        }
        match op {
            O::Unreachable => {
                self.emit(Op::Unreachable {});
                self.set_unreachable();
            }
            O::Nop => {}
            O::Block { blockty } => self.open_block(CtrlKind::Block, blockty),
            O::Loop { blockty } => {
                self.open_block(CtrlKind::Loop, blockty);
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
                let (params, _) = block_type(self.env, blockty);
                if params.is_empty() {
                    self.open_block(CtrlKind::If, blockty);
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
                    for (j, &ty) in params.iter().enumerate() {
                        let src = self.temp_slot(len - n + j);
                        let dst = self.push_temp(ty);
                        self.emit(Op::Copy { dst, src, ty: ty.code() });
                    }
                    self.open_block(CtrlKind::If, blockty);
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
                let idx = self.ctrl.len() - 1 - relative_depth as usize;
                if self.ctrl[idx].kind == CtrlKind::Function {
                    let at = self.cond_branch(cond, false, 0);
                    self.emit_return();
                    let here = self.pos();
                    self.patch(at, here);
                } else {
                    let n = self.ctrl[idx].label_types().len();
                    let base = self.ctrl[idx].base;
                    if self.needs_copies(n, base) {
                        let at = self.cond_branch(cond, false, 0);
                        self.copy_top_to(n, base);
                        self.jump_to(idx, |target| Op::Br { target });
                        let here = self.pos();
                        self.patch(at, here);
                    } else if self.ctrl[idx].kind == CtrlKind::Loop {
                        let target = self.ctrl[idx].loop_start;
                        self.cond_branch(cond, true, target);
                    } else {
                        let at = self.cond_branch(cond, true, 0);
                        self.ctrl[idx].branched = true;
                        self.ctrl[idx].patches.push(at);
                    }
                }
                self.start_fuel_block();
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
                self.call(Some(function_index), ty, 0);
            }
            O::CallIndirect { type_index, table_index } => self.call(None, type_index, table_index),
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let (cond, _) = self.pop_slot();
                let (b, _) = self.pop_slot();
                let ty = self.stack.last().map(|o| o.ty).unwrap_or(I32);
                let (a, _) = self.pop_slot();
                let dst = self.push_temp(ty);
                self.emit_result(Op::Select { dst, cond, a, b, ty: ty.code() }, dst);
            }
            O::LocalGet { local_index } => {
                let ty = self.local_type(local_index);
                self.push(Kind::Local(local_index), ty);
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
            O::MemorySize { .. } => {
                let dst = self.push_temp(I32);
                self.emit_result(Op::MemorySize { dst }, dst);
            }
            O::MemoryGrow { .. } => {
                let (delta, _) = self.pop_slot();
                let dst = self.push_temp(I32);
                self.emit(Op::MemoryGrow { dst, delta });
            }
            O::MemoryFill { .. } => {
                let (len, _) = self.pop_slot();
                let (value, _) = self.pop_slot();
                let (dst, _) = self.pop_slot();
                self.emit(Op::MemoryFill { dst, value, len });
            }
            O::MemoryCopy { .. } => {
                let (len, _) = self.pop_slot();
                let (src, _) = self.pop_slot();
                let (dst, _) = self.pop_slot();
                self.emit(Op::MemoryCopy { dst, src, len });
            }
            O::MemoryInit { data_index, .. } => {
                let (len, _) = self.pop_slot();
                let (src, _) = self.pop_slot();
                let (dst, _) = self.pop_slot();
                self.emit(Op::MemoryInit { data: data_index, dst, src, len });
            }
            O::DataDrop { data_index } => self.emit(Op::DataDrop { data: data_index }),
            O::TableGet { table } => {
                let (index, _) = self.pop_slot();
                let ty = self.env.tables[table as usize].element;
                let dst = self.push_temp(ty);
                self.emit_result(Op::TableGet { dst, table, index }, dst);
            }
            O::TableSet { table } => {
                let (value, _) = self.pop_slot();
                let (index, _) = self.pop_slot();
                self.emit(Op::TableSet { table, index, value });
            }
            O::TableSize { table } => {
                let dst = self.push_temp(I32);
                self.emit_result(Op::TableSize { dst, table }, dst);
            }
            O::TableGrow { table } => {
                let (delta, _) = self.pop_slot();
                let (init, _) = self.pop_slot();
                let dst = self.push_temp(I32);
                self.emit(Op::TableGrow { dst, table, init, delta });
            }
            O::TableFill { table } => {
                let (len, _) = self.pop_slot();
                let (value, _) = self.pop_slot();
                let (dst, _) = self.pop_slot();
                self.emit(Op::TableFill { table, dst, value, len });
            }
            O::TableCopy { dst_table, src_table } => {
                let (len, _) = self.pop_slot();
                let (src, _) = self.pop_slot();
                let (dst, _) = self.pop_slot();
                self.emit(Op::TableCopy { dst_table, src_table, dst, src, len });
            }
            O::TableInit { elem_index, table } => {
                let (len, _) = self.pop_slot();
                let (src, _) = self.pop_slot();
                let (dst, _) = self.pop_slot();
                self.emit(Op::TableInit { table, elem: elem_index, dst, src, len });
            }
            O::ElemDrop { elem_index } => self.emit(Op::ElemDrop { elem: elem_index }),
            O::RefNull { hty } => {
                let ty = if hty == wasmparser::HeapType::FUNC { ValType::FuncRef } else { ValType::ExternRef };
                self.push(Kind::Const(0), ty);
            }
            O::RefIsNull => un!(I32, RefIsNull),
            O::RefFunc { function_index } => {
                let dst = self.push_temp(ValType::FuncRef);
                self.emit_result(Op::RefFunc { dst, func: function_index }, dst);
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
            other => {
                return Err(ModuleError::unsupported(format!("operator {other:?}"), None));
            }
        }
        Ok(())
    }

    /// Reinterpretations change only the type: the bits stay where they are.
    fn reinterpret(&mut self, ty: ValType) {
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

    fn local_type(&self, l: u32) -> ValType {
        self.local_types.get(l as usize).copied().unwrap_or(ValType::I32)
    }

    fn global_op(&self, g: u32, slot: Slot, get: bool) -> Op {
        let o = &self.info.offsets;
        let imported = g < self.env.num_imported_globals;
        let offset = if imported { o.imported_global(g) } else { o.defined_global(g - self.env.num_imported_globals) };
        match (get, imported) {
            (true, false) => Op::GlobalGet { dst: slot, offset },
            (true, true) => Op::GlobalGetImported { dst: slot, offset },
            (false, false) => Op::GlobalSet { src: slot, offset },
            (false, true) => Op::GlobalSetImported { src: slot, offset },
        }
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
