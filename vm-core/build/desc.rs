//! The description of every bytecode op: written once here, as data, and
//! turned into Rust by `gen.rs` (the `Opcode` and `Op` enums, the operand
//! structs, encoder, decoder, disassembler and assembler, the form maps,
//! the group facts, the comparison relations, the JIT's base-op view and
//! the interpreter's per-form handler list).
//!
//! # Naming
//! `<Type><Op>` for typed ops on slots (`I32Add`); `Imm` means the right
//! operand is an immediate (`I32AddImm`). `Br<Type><Cond>` fuse a
//! comparison with the branch that consumes it; `BrF32NotLt` and friends
//! jump when the comparison is false (with NaNs, not the opposite
//! comparison). `BrI32AddImm<Cond>` and `BrI32Add<Cond>` also fuse the
//! `i += k` (an immediate or a slot) before such a branch that tests `i`.
//!
//! # Operand kinds (fixed width, little endian)
//! - `Slot` (2 bytes): a value slot of the current frame;
//! - `Target` (4 bytes): an absolute byte position in the function's code;
//! - `U32` (4 bytes): an index, a VMContext offset, a memory offset, a fuel
//!   amount or a 32-bit immediate;
//! - `U64` (8 bytes): a 64-bit immediate;
//! - `Ty` (1 byte): a `ValType` code, kept so a compiler knows a slot's type;
//! - `MemRef` (4 bytes): a memory index, and whether its addresses are 64-bit.
//!
//! # Memories
//! Loads and stores access memory 0 through the interpreter's cached base
//! and length, with 32-bit addresses and offsets. Each has a twin named
//! `<Name>Mem` (`I32LoadMem`) that names its memory (`mem`) and takes a
//! 64-bit offset: the translator emits it for the other memories and for
//! 64-bit ones (`Op::on_memory`); a compiler lowers it as its memory-0 op
//! on that memory (`BaseOp::split_memory`). The memory instructions
//! (`memory.size`...) always name theirs.
//!
//! # Forms
//! Besides its plain form an op may have forms that only the interpreter
//! tells apart; a compiler lowers every form as its base op (`Op::base`).
//! Their names are the base op's name plus a suffix:
//! - `A` (accumulator): one operand is read from the interpreter's
//!   accumulator, the register holding what the previous instruction
//!   produced: for an op with a result the first after `dst`, for a
//!   *reader* (conditional branches, stores) its first. The slot still
//!   holds the value. `acc(reads, result)` gives the accumulator bank the
//!   form reads and the one the op writes; `commutes`: `lhs` and `rhs` may
//!   be swapped to bring the accumulator's slot first.
//! - `R` and `AR` (register result): the op and its `A` form writing their
//!   result to the accumulator only, not to `dst` (a temporary the next
//!   instruction reads from the accumulator and nothing else reads).
//! - `V` (value): a store taking its stored value from the accumulator.
//! - `Hot`: a call that also counts the callee's calls towards tier-up
//!   (emitted only for modules interpreted in tiered mode).

pub use crate::kinds::{AccBank as Bank, Group, MemUse};
use std::fmt;

/// An operand kind (see the module docs).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Slot,
    Target,
    U32,
    U64,
    Ty,
    /// A 16-byte immediate (`v128.const`, a shuffle's lane indices).
    V128,
    /// A lane index (1 byte).
    Lane,
    /// A memory index and its address width.
    MemRef,
}

impl Kind {
    pub fn size(self) -> usize {
        match self {
            Kind::Slot => 2,
            Kind::Target | Kind::U32 | Kind::MemRef => 4,
            Kind::U64 => 8,
            Kind::Ty | Kind::Lane => 1,
            Kind::V128 => 16,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// The accumulator forms of an op (see the module docs).
#[derive(Clone, Copy, Debug)]
pub struct Acc {
    pub reads: Bank,
    /// `None`: a reader (no result, so no register-result forms).
    pub result: Option<Bank>,
    pub commutes: bool,
}

/// One op's description.
#[derive(Clone, Debug)]
pub struct Op {
    pub name: String,
    pub group: Group,
    pub operands: Vec<(&'static str, Kind)>,
    /// The wasm types the op consumes and produces (`[i32 i32] -> [i32]`),
    /// for the ops that compute a value or store one; the build checks its
    /// accumulator banks against them.
    pub sig: Option<(&'static [&'static str], &'static [&'static str])>,
    pub acc: Option<Acc>,
    /// The `V` form, and the accumulator bank it reads the value from.
    pub value: Option<Bank>,
    /// The `Hot` form.
    pub hot: bool,
    /// Control never falls through to the next instruction.
    pub ends: bool,
    pub memory: Option<MemUse>,
    /// The trap codes the op itself may raise (`TrapCode` variants); a
    /// call also passes on whatever its callee raises.
    pub traps: Vec<&'static str>,
    pub call: bool,
    /// For a comparison or a compare-and-branch: its condition.
    pub cond: Option<&'static str>,
    /// The branch taken exactly when this one is not (`BrI32LtS` ->
    /// `BrI32GeS`; float `BrF32Lt` -> `BrF32NotLt`).
    pub opposite: Option<String>,
    /// The same op with its operands swapped (`BrI32LtS` -> `BrI32GtS`).
    pub swapped: Option<String>,
    /// A value op that a conditional branch on its result can absorb: the
    /// branch taken when the result is non-zero (`I32LtS` -> `BrI32LtS`,
    /// `I32And` -> `BrI32AndNz`, `I32Eqz` -> `BrIfEqz`).
    pub branch: Option<String>,
    /// A compare-and-branch that can absorb the `i += imm` (`.0`) or
    /// `i += step` (`.1`) just before it (`BrI32LtS` -> `BrI32AddImmLtS`).
    pub increment: Option<(String, String)>,
    /// The op computing the same with its two operands swapped, for a
    /// non-commuting op (`F64Sub` <-> `F64SubRev`).
    pub mirror: Option<String>,
    /// A SIMD op: its shape, which says what the op reads and writes.
    pub simd: Option<Shape>,
    /// A multiply fused with the add or subtract of its product
    /// (`F32x4MulAdd`): the two ops, and where the product goes in the
    /// second (its first operand, its second, or either: integer addition
    /// commutes).
    pub mul_then: Option<(&'static str, &'static str, Order)>,
    /// A vector test fused with the branch on its result
    /// (`BrV128AnyTrueNz`): the test.
    pub test: Option<&'static str>,
    /// An op whose float result may be a NaN it computed (arithmetic,
    /// rounding, min/max, promotion, demotion): the op that follows it
    /// when NaNs are canonicalised (`F32CanonNan`, ...). Sign and bit ops,
    /// selections (`pmin`) and moves pass NaNs on unchanged and have none.
    pub nan: Option<&'static str>,
    /// A load or store naming its memory (`I32LoadMem`): the memory-0 op it
    /// is the twin of (see the module docs).
    pub twin: Option<String>,
}

/// Where a fused op's product goes in its second op (`Op::mul_then`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    First,
    Second,
    Either,
}

/// The shape of a SIMD op (as wasmparser classifies the operators): what
/// it reads and writes, so that each tier's code for the shape is written
/// once. `v` is a `v128`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `v = load(addr + offset)` of the op's memory size.
    Load,
    /// `store(addr + offset, v)`.
    Store,
    /// `v = op(v, load(addr + offset), lane)`: a lane from memory.
    LoadLane(u8),
    /// `store(addr + offset, lane of v)`.
    StoreLane(u8),
    /// `v = imm`.
    Const,
    /// `v = op(v, v, imm)`.
    Shuffle,
    /// `v = op(v)`; `UnaryF` computes floats (its NaNs may be canonicalised).
    Unary,
    UnaryF,
    /// `v = op(v, v)`; `BinaryF` computes floats.
    Binary,
    BinaryF,
    /// `v = op(v, v, v)`.
    Ternary,
    /// `i32 = op(v)`.
    Test,
    /// `v = op(v, i32)`.
    Shift,
    /// `v = op(scalar)`.
    Splat(&'static str),
    /// `scalar = op(v, lane)`.
    Extract(&'static str, u8),
    /// `v = op(v, scalar, lane)`.
    Replace(&'static str, u8),
}

impl Shape {
    /// The name of the shape in the generated `for_each_simd!` list.
    pub fn ident(self) -> &'static str {
        match self {
            Shape::Load => "Load",
            Shape::Store => "Store",
            Shape::LoadLane(_) => "LoadLane",
            Shape::StoreLane(_) => "StoreLane",
            Shape::Const => "Const",
            Shape::Shuffle => "Shuffle",
            Shape::Unary => "Unary",
            Shape::UnaryF => "UnaryF",
            Shape::Binary => "Binary",
            Shape::BinaryF => "BinaryF",
            Shape::Ternary => "Ternary",
            Shape::Test => "Test",
            Shape::Shift => "Shift",
            Shape::Splat(_) => "Splat",
            Shape::Extract(..) => "Extract",
            Shape::Replace(..) => "Replace",
        }
    }
}

fn op(group: Group, name: impl Into<String>, operands: &[(&'static str, Kind)]) -> Op {
    Op {
        name: name.into(),
        group,
        operands: operands.to_vec(),
        sig: None,
        acc: None,
        value: None,
        hot: false,
        ends: false,
        memory: None,
        traps: Vec::new(),
        call: false,
        cond: None,
        opposite: None,
        swapped: None,
        branch: None,
        increment: None,
        mirror: None,
        simd: None,
        mul_then: None,
        test: None,
        nan: None,
        twin: None,
    }
}

impl Op {
    fn sig(mut self, params: &'static [&'static str], results: &'static [&'static str]) -> Op {
        self.sig = Some((params, results));
        self
    }
    /// `A`, `R` and `AR` forms.
    fn acc(mut self, reads: Bank, result: Bank, commutes: bool) -> Op {
        self.acc = Some(Acc { reads, result: Some(result), commutes });
        self
    }
    /// A reader's `A` form.
    fn reader(mut self, reads: Bank) -> Op {
        self.acc = Some(Acc { reads, result: None, commutes: false });
        self
    }
    fn value(mut self, bank: Bank) -> Op {
        self.value = Some(bank);
        self
    }
    fn hot(mut self) -> Op {
        self.hot = true;
        self
    }
    fn ends(mut self) -> Op {
        self.ends = true;
        self
    }
    fn memory(mut self, m: MemUse) -> Op {
        self.memory = Some(m);
        self
    }
    fn traps(mut self, codes: &[&'static str]) -> Op {
        self.traps.extend_from_slice(codes);
        self
    }
    fn call(mut self) -> Op {
        self.call = true;
        self.traps(&["StackOverflow"])
    }
    fn mirror(mut self, other: &str) -> Op {
        self.mirror = Some(other.into());
        self
    }
    fn nan(mut self, canon: &'static str) -> Op {
        self.nan = Some(canon);
        self
    }
}

/// The NaN-canonicalising op for a float result type (`f32`, `F32x4`...).
fn canon_of(ty: &str) -> &'static str {
    match ty {
        "f32" => "F32CanonNan",
        "f64" => "F64CanonNan",
        "F32x4" => "F32x4CanonNan",
        _ => "F64x2CanonNan",
    }
}

/// SIMD ops whose float lanes may be NaNs they computed (see `Op::nan`).
fn simd_nan(name: &str) -> Option<&'static str> {
    let (ty, op) = name.split_at(5);
    let computes = matches!(
        op,
        "Add"
            | "Sub"
            | "Mul"
            | "Div"
            | "Min"
            | "Max"
            | "Sqrt"
            | "Ceil"
            | "Floor"
            | "Trunc"
            | "Nearest"
            | "RelaxedMadd"
            | "RelaxedNmadd"
            | "RelaxedMin"
            | "RelaxedMax"
            | "DemoteF64x2Zero"
            | "PromoteLowF32x4"
    );
    (computes && (ty == "F32x4" || ty == "F64x2")).then(|| canon_of(ty))
}

use Bank::{F32 as BF32, F64 as BF64, Int};
use Kind::{Lane, MemRef, Slot, Target, Ty, U32, U64, V128};

const BIN: &[(&str, Kind)] = &[("dst", Slot), ("lhs", Slot), ("rhs", Slot)];
const UN: &[(&str, Kind)] = &[("dst", Slot), ("src", Slot)];
const CMP_BR: &[(&str, Kind)] = &[("lhs", Slot), ("rhs", Slot), ("target", Target)];
const COND_BR: &[(&str, Kind)] = &[("cond", Slot), ("target", Target)];
const LOAD: &[(&str, Kind)] = &[("dst", Slot), ("addr", Slot), ("offset", U32)];
const STORE: &[(&str, Kind)] = &[("addr", Slot), ("value", Slot), ("offset", U32)];

/// Integer conditions: name, the opposite, the swapped-operand one.
const INT_CONDS: &[(&str, &str, &str)] = &[
    ("Eq", "Ne", "Eq"),
    ("Ne", "Eq", "Ne"),
    ("LtS", "GeS", "GtS"),
    ("LtU", "GeU", "GtU"),
    ("GtS", "LeS", "LtS"),
    ("GtU", "LeU", "LtU"),
    ("LeS", "GtS", "GeS"),
    ("LeU", "GtU", "GeU"),
    ("GeS", "LtS", "LeS"),
    ("GeU", "LtU", "LeU"),
];

/// Float conditions: name, the opposite branch (which with NaNs is a
/// "not" condition), the swapped-operand one.
const FLOAT_CONDS: &[(&str, &str, &str)] = &[
    ("Eq", "Ne", "Eq"),
    ("Ne", "Eq", "Ne"),
    ("Lt", "NotLt", "Gt"),
    ("Gt", "NotGt", "Lt"),
    ("Le", "NotLe", "Ge"),
    ("Ge", "NotGe", "Le"),
];

/// The "not" float branches: name, opposite, swapped.
const FLOAT_NOT_CONDS: &[(&str, &str, &str)] =
    &[("NotLt", "Lt", "NotGt"), ("NotGt", "Gt", "NotLt"), ("NotLe", "Le", "NotGe"), ("NotGe", "Ge", "NotLe")];

/// The accumulator that holds values of wasm type `ty`.
pub fn bank_of(ty: &str) -> Bank {
    match ty {
        "f32" => BF32,
        "f64" => BF64,
        _ => Int,
    }
}

fn ty_name(ty: &'static str) -> &'static [&'static str] {
    match ty {
        "i32" => &["i32"],
        "i64" => &["i64"],
        "f32" => &["f32"],
        _ => &["f64"],
    }
}

fn pair(ty: &'static str) -> &'static [&'static str] {
    match ty {
        "i32" => &["i32", "i32"],
        "i64" => &["i64", "i64"],
        "f32" => &["f32", "f32"],
        _ => &["f64", "f64"],
    }
}

/// The bytes a SIMD memory op reads or writes: a lane for lane accesses,
/// else by the load's name.
fn simd_memory_size(name: &str, shape: Shape) -> u8 {
    match (shape, name) {
        (Shape::LoadLane(n) | Shape::StoreLane(n), _) => 16 / n,
        (_, "V128Load8Splat") => 1,
        (_, "V128Load16Splat") => 2,
        (_, "V128Load32Splat" | "V128Load32Zero") => 4,
        (_, "V128Load64Splat" | "V128Load64Zero") => 8,
        (
            _,
            "V128Load8x8S" | "V128Load8x8U" | "V128Load16x4S" | "V128Load16x4U" | "V128Load32x2S" | "V128Load32x2U",
        ) => 8,
        _ => 16,
    }
}

use Shape::{
    Binary, BinaryF, Const as VConst, Extract, Load as VLoad, LoadLane, Replace, Shift, Shuffle, Splat,
    Store as VStore, StoreLane, Ternary, Test, Unary, UnaryF,
};

/// Every operator of the `simd` and `relaxed-simd` proposals, with its shape.
const SIMD: &[(&str, Shape)] = &[
    ("V128Load", VLoad),
    ("V128Load8x8S", VLoad),
    ("V128Load8x8U", VLoad),
    ("V128Load16x4S", VLoad),
    ("V128Load16x4U", VLoad),
    ("V128Load32x2S", VLoad),
    ("V128Load32x2U", VLoad),
    ("V128Load8Splat", VLoad),
    ("V128Load16Splat", VLoad),
    ("V128Load32Splat", VLoad),
    ("V128Load64Splat", VLoad),
    ("V128Load32Zero", VLoad),
    ("V128Load64Zero", VLoad),
    ("V128Store", VStore),
    ("V128Load8Lane", LoadLane(16)),
    ("V128Load16Lane", LoadLane(8)),
    ("V128Load32Lane", LoadLane(4)),
    ("V128Load64Lane", LoadLane(2)),
    ("V128Store8Lane", StoreLane(16)),
    ("V128Store16Lane", StoreLane(8)),
    ("V128Store32Lane", StoreLane(4)),
    ("V128Store64Lane", StoreLane(2)),
    ("V128Const", VConst),
    ("I8x16Shuffle", Shuffle),
    ("I8x16ExtractLaneS", Extract("i32", 16)),
    ("I8x16ExtractLaneU", Extract("i32", 16)),
    ("I8x16ReplaceLane", Replace("i32", 16)),
    ("I16x8ExtractLaneS", Extract("i32", 8)),
    ("I16x8ExtractLaneU", Extract("i32", 8)),
    ("I16x8ReplaceLane", Replace("i32", 8)),
    ("I32x4ExtractLane", Extract("i32", 4)),
    ("I32x4ReplaceLane", Replace("i32", 4)),
    ("I64x2ExtractLane", Extract("i64", 2)),
    ("I64x2ReplaceLane", Replace("i64", 2)),
    ("F32x4ExtractLane", Extract("f32", 4)),
    ("F32x4ReplaceLane", Replace("f32", 4)),
    ("F64x2ExtractLane", Extract("f64", 2)),
    ("F64x2ReplaceLane", Replace("f64", 2)),
    ("I8x16Swizzle", Binary),
    ("I8x16Splat", Splat("i32")),
    ("I16x8Splat", Splat("i32")),
    ("I32x4Splat", Splat("i32")),
    ("I64x2Splat", Splat("i64")),
    ("F32x4Splat", Splat("f32")),
    ("F64x2Splat", Splat("f64")),
    ("I8x16Eq", Binary),
    ("I8x16Ne", Binary),
    ("I8x16LtS", Binary),
    ("I8x16LtU", Binary),
    ("I8x16GtS", Binary),
    ("I8x16GtU", Binary),
    ("I8x16LeS", Binary),
    ("I8x16LeU", Binary),
    ("I8x16GeS", Binary),
    ("I8x16GeU", Binary),
    ("I16x8Eq", Binary),
    ("I16x8Ne", Binary),
    ("I16x8LtS", Binary),
    ("I16x8LtU", Binary),
    ("I16x8GtS", Binary),
    ("I16x8GtU", Binary),
    ("I16x8LeS", Binary),
    ("I16x8LeU", Binary),
    ("I16x8GeS", Binary),
    ("I16x8GeU", Binary),
    ("I32x4Eq", Binary),
    ("I32x4Ne", Binary),
    ("I32x4LtS", Binary),
    ("I32x4LtU", Binary),
    ("I32x4GtS", Binary),
    ("I32x4GtU", Binary),
    ("I32x4LeS", Binary),
    ("I32x4LeU", Binary),
    ("I32x4GeS", Binary),
    ("I32x4GeU", Binary),
    ("I64x2Eq", Binary),
    ("I64x2Ne", Binary),
    ("I64x2LtS", Binary),
    ("I64x2GtS", Binary),
    ("I64x2LeS", Binary),
    ("I64x2GeS", Binary),
    ("F32x4Eq", BinaryF),
    ("F32x4Ne", BinaryF),
    ("F32x4Lt", BinaryF),
    ("F32x4Gt", BinaryF),
    ("F32x4Le", BinaryF),
    ("F32x4Ge", BinaryF),
    ("F64x2Eq", BinaryF),
    ("F64x2Ne", BinaryF),
    ("F64x2Lt", BinaryF),
    ("F64x2Gt", BinaryF),
    ("F64x2Le", BinaryF),
    ("F64x2Ge", BinaryF),
    ("V128Not", Unary),
    ("V128And", Binary),
    ("V128AndNot", Binary),
    ("V128Or", Binary),
    ("V128Xor", Binary),
    ("V128Bitselect", Ternary),
    ("V128AnyTrue", Test),
    ("I8x16Abs", Unary),
    ("I8x16Neg", Unary),
    ("I8x16Popcnt", Unary),
    ("I8x16AllTrue", Test),
    ("I8x16Bitmask", Test),
    ("I8x16NarrowI16x8S", Binary),
    ("I8x16NarrowI16x8U", Binary),
    ("I8x16Shl", Shift),
    ("I8x16ShrS", Shift),
    ("I8x16ShrU", Shift),
    ("I8x16Add", Binary),
    ("I8x16AddSatS", Binary),
    ("I8x16AddSatU", Binary),
    ("I8x16Sub", Binary),
    ("I8x16SubSatS", Binary),
    ("I8x16SubSatU", Binary),
    ("I8x16MinS", Binary),
    ("I8x16MinU", Binary),
    ("I8x16MaxS", Binary),
    ("I8x16MaxU", Binary),
    ("I8x16AvgrU", Binary),
    ("I16x8ExtAddPairwiseI8x16S", Unary),
    ("I16x8ExtAddPairwiseI8x16U", Unary),
    ("I16x8Abs", Unary),
    ("I16x8Neg", Unary),
    ("I16x8Q15MulrSatS", Binary),
    ("I16x8AllTrue", Test),
    ("I16x8Bitmask", Test),
    ("I16x8NarrowI32x4S", Binary),
    ("I16x8NarrowI32x4U", Binary),
    ("I16x8ExtendLowI8x16S", Unary),
    ("I16x8ExtendHighI8x16S", Unary),
    ("I16x8ExtendLowI8x16U", Unary),
    ("I16x8ExtendHighI8x16U", Unary),
    ("I16x8Shl", Shift),
    ("I16x8ShrS", Shift),
    ("I16x8ShrU", Shift),
    ("I16x8Add", Binary),
    ("I16x8AddSatS", Binary),
    ("I16x8AddSatU", Binary),
    ("I16x8Sub", Binary),
    ("I16x8SubSatS", Binary),
    ("I16x8SubSatU", Binary),
    ("I16x8Mul", Binary),
    ("I16x8MinS", Binary),
    ("I16x8MinU", Binary),
    ("I16x8MaxS", Binary),
    ("I16x8MaxU", Binary),
    ("I16x8AvgrU", Binary),
    ("I16x8ExtMulLowI8x16S", Binary),
    ("I16x8ExtMulHighI8x16S", Binary),
    ("I16x8ExtMulLowI8x16U", Binary),
    ("I16x8ExtMulHighI8x16U", Binary),
    ("I32x4ExtAddPairwiseI16x8S", Unary),
    ("I32x4ExtAddPairwiseI16x8U", Unary),
    ("I32x4Abs", Unary),
    ("I32x4Neg", Unary),
    ("I32x4AllTrue", Test),
    ("I32x4Bitmask", Test),
    ("I32x4ExtendLowI16x8S", Unary),
    ("I32x4ExtendHighI16x8S", Unary),
    ("I32x4ExtendLowI16x8U", Unary),
    ("I32x4ExtendHighI16x8U", Unary),
    ("I32x4Shl", Shift),
    ("I32x4ShrS", Shift),
    ("I32x4ShrU", Shift),
    ("I32x4Add", Binary),
    ("I32x4Sub", Binary),
    ("I32x4Mul", Binary),
    ("I32x4MinS", Binary),
    ("I32x4MinU", Binary),
    ("I32x4MaxS", Binary),
    ("I32x4MaxU", Binary),
    ("I32x4DotI16x8S", Binary),
    ("I32x4ExtMulLowI16x8S", Binary),
    ("I32x4ExtMulHighI16x8S", Binary),
    ("I32x4ExtMulLowI16x8U", Binary),
    ("I32x4ExtMulHighI16x8U", Binary),
    ("I64x2Abs", Unary),
    ("I64x2Neg", Unary),
    ("I64x2AllTrue", Test),
    ("I64x2Bitmask", Test),
    ("I64x2ExtendLowI32x4S", Unary),
    ("I64x2ExtendHighI32x4S", Unary),
    ("I64x2ExtendLowI32x4U", Unary),
    ("I64x2ExtendHighI32x4U", Unary),
    ("I64x2Shl", Shift),
    ("I64x2ShrS", Shift),
    ("I64x2ShrU", Shift),
    ("I64x2Add", Binary),
    ("I64x2Sub", Binary),
    ("I64x2Mul", Binary),
    ("I64x2ExtMulLowI32x4S", Binary),
    ("I64x2ExtMulHighI32x4S", Binary),
    ("I64x2ExtMulLowI32x4U", Binary),
    ("I64x2ExtMulHighI32x4U", Binary),
    ("F32x4Ceil", UnaryF),
    ("F32x4Floor", UnaryF),
    ("F32x4Trunc", UnaryF),
    ("F32x4Nearest", UnaryF),
    ("F32x4Abs", UnaryF),
    ("F32x4Neg", UnaryF),
    ("F32x4Sqrt", UnaryF),
    ("F32x4Add", BinaryF),
    ("F32x4Sub", BinaryF),
    ("F32x4Mul", BinaryF),
    ("F32x4Div", BinaryF),
    ("F32x4Min", BinaryF),
    ("F32x4Max", BinaryF),
    ("F32x4PMin", BinaryF),
    ("F32x4PMax", BinaryF),
    ("F64x2Ceil", UnaryF),
    ("F64x2Floor", UnaryF),
    ("F64x2Trunc", UnaryF),
    ("F64x2Nearest", UnaryF),
    ("F64x2Abs", UnaryF),
    ("F64x2Neg", UnaryF),
    ("F64x2Sqrt", UnaryF),
    ("F64x2Add", BinaryF),
    ("F64x2Sub", BinaryF),
    ("F64x2Mul", BinaryF),
    ("F64x2Div", BinaryF),
    ("F64x2Min", BinaryF),
    ("F64x2Max", BinaryF),
    ("F64x2PMin", BinaryF),
    ("F64x2PMax", BinaryF),
    ("I32x4TruncSatF32x4S", UnaryF),
    ("I32x4TruncSatF32x4U", UnaryF),
    ("F32x4ConvertI32x4S", UnaryF),
    ("F32x4ConvertI32x4U", UnaryF),
    ("I32x4TruncSatF64x2SZero", UnaryF),
    ("I32x4TruncSatF64x2UZero", UnaryF),
    ("F64x2ConvertLowI32x4S", UnaryF),
    ("F64x2ConvertLowI32x4U", UnaryF),
    ("F32x4DemoteF64x2Zero", UnaryF),
    ("F64x2PromoteLowF32x4", UnaryF),
    ("I8x16RelaxedSwizzle", Binary),
    ("I32x4RelaxedTruncF32x4S", Unary),
    ("I32x4RelaxedTruncF32x4U", Unary),
    ("I32x4RelaxedTruncF64x2SZero", Unary),
    ("I32x4RelaxedTruncF64x2UZero", Unary),
    ("F32x4RelaxedMadd", Ternary),
    ("F32x4RelaxedNmadd", Ternary),
    ("F64x2RelaxedMadd", Ternary),
    ("F64x2RelaxedNmadd", Ternary),
    ("I8x16RelaxedLaneselect", Ternary),
    ("I16x8RelaxedLaneselect", Ternary),
    ("I32x4RelaxedLaneselect", Ternary),
    ("I64x2RelaxedLaneselect", Ternary),
    ("F32x4RelaxedMin", Binary),
    ("F32x4RelaxedMax", Binary),
    ("F64x2RelaxedMin", Binary),
    ("F64x2RelaxedMax", Binary),
    ("I16x8RelaxedQ15mulrS", Binary),
    ("I16x8RelaxedDotI8x16I7x16S", Binary),
    ("I32x4RelaxedDotI8x16I7x16AddS", Ternary),
];

/// Every op, in opcode order (each op's forms follow it).
pub fn ops() -> Vec<Op> {
    use Group::*;
    let mut v = vec![
        // --- control ---
        op(Control, "Unreachable", &[]).ends().traps(&["Unreachable"]),
        op(Control, "ConsumeFuel", &[("amount", U32)]).traps(&["OutOfFuel"]),
        // Loop headers count towards tier-up (tiered mode only); charges no
        // fuel and compiles to nothing.
        op(Control, "HotLoop", &[]),
        op(Control, "Br", &[("target", Target)]).ends(),
    ];
    let mut nez = op(Control, "BrIfNez", COND_BR).reader(Int);
    nez.opposite = Some("BrIfEqz".into());
    nez.cond = Some("Nz");
    let mut eqz = op(Control, "BrIfEqz", COND_BR).reader(Int);
    eqz.opposite = Some("BrIfNez".into());
    eqz.cond = Some("Z");
    v.extend([nez, eqz]);
    let mut nez = op(Control, "BrI64Nez", COND_BR).reader(Int);
    nez.opposite = Some("BrI64Eqz".into());
    nez.cond = Some("Nz");
    let mut eqz = op(Control, "BrI64Eqz", COND_BR).reader(Int);
    eqz.opposite = Some("BrI64Nez".into());
    eqz.cond = Some("Z");
    v.extend([nez, eqz]);
    // `len + 1` targets follow (the last is the default).
    v.push(op(Control, "BrTable", &[("index", Slot), ("len", U32)]).ends());
    // test-and-branch: jump when `lhs & rhs` is non-zero (Nz) or zero (Z)
    for ty in ["I32", "I64"] {
        for (c, opp) in [("Nz", "Z"), ("Z", "Nz")] {
            let mut b = op(Control, format!("Br{ty}And{c}"), CMP_BR).reader(Int);
            b.cond = Some(c);
            b.opposite = Some(format!("Br{ty}And{opp}"));
            b.swapped = Some(b.name.clone());
            v.push(b);
        }
    }
    // compare-and-branch: jump when `lhs <cond> rhs`
    for ty in ["I32", "I64"] {
        for &(c, opp, swap) in INT_CONDS {
            let mut b = op(Control, format!("Br{ty}{c}"), CMP_BR).reader(Int);
            b.cond = Some(c);
            b.opposite = Some(format!("Br{ty}{opp}"));
            b.swapped = Some(format!("Br{ty}{swap}"));
            if ty == "I32" {
                b.increment = Some((format!("BrI32AddImm{c}"), format!("BrI32Add{c}")));
            }
            v.push(b);
        }
    }
    for ty in ["F32", "F64"] {
        let bank = if ty == "F32" { BF32 } else { BF64 };
        for &(c, opp, swap) in FLOAT_CONDS.iter().chain(FLOAT_NOT_CONDS) {
            let mut b = op(Control, format!("Br{ty}{c}"), CMP_BR).reader(bank);
            b.cond = Some(c);
            b.opposite = Some(format!("Br{ty}{opp}"));
            b.swapped = Some(format!("Br{ty}{swap}"));
            v.push(b);
        }
    }
    // increment-and-branch: `lhs += imm` (written back), then jump when the
    // new `lhs <cond> rhs`; the same with a slot, `lhs += step`.
    for &(c, _, swap) in INT_CONDS {
        let mut b =
            op(Control, format!("BrI32AddImm{c}"), &[("lhs", Slot), ("rhs", Slot), ("imm", U32), ("target", Target)]);
        b.cond = Some(c);
        b.swapped = Some(format!("BrI32AddImm{swap}"));
        v.push(b);
    }
    for &(c, _, swap) in INT_CONDS {
        let mut b =
            op(Control, format!("BrI32Add{c}"), &[("lhs", Slot), ("step", Slot), ("rhs", Slot), ("target", Target)]);
        b.cond = Some(c);
        b.swapped = Some(format!("BrI32Add{swap}"));
        v.push(b);
    }
    v.push(op(Control, "Return", &[]).ends());
    // Moves its one result to slot 0 and returns.
    v.push(op(Control, "ReturnSlot", &[("src", Slot)]).ends());

    // --- calls ---
    // `Call` names a defined function and the VMContext offset of its
    // funcref record; `CallImported` the offset of the pointer to the
    // exporter's record.
    v.push(op(Calls, "Call", &[("func", U32), ("offset", U32), ("args", Slot)]).call().hot());
    v.push(op(Calls, "CallImported", &[("func", U32), ("offset", U32), ("args", Slot)]).call().hot());
    v.push(
        op(Calls, "CallIndirect", &[("table", U32), ("sig", U32), ("index", Slot), ("args", Slot)])
            .call()
            .hot()
            .traps(&["TableOutOfBounds", "IndirectCallToNull", "BadSignature"]),
    );
    // Tail calls (`return_call`...): operands as the calls'; the callee
    // replaces the running frame, so control never comes back.
    v.push(op(Calls, "ReturnCall", &[("func", U32), ("offset", U32), ("args", Slot)]).call().ends());
    v.push(op(Calls, "ReturnCallImported", &[("func", U32), ("offset", U32), ("args", Slot)]).call().ends());
    v.push(
        op(Calls, "ReturnCallIndirect", &[("table", U32), ("sig", U32), ("index", Slot), ("args", Slot)])
            .call()
            .ends()
            .traps(&["TableOutOfBounds", "IndirectCallToNull", "BadSignature"]),
    );
    // `call_ref` and `return_call_ref`: `callee` holds a funcref of
    // signature `sig` (validation guarantees the type), or null.
    v.push(
        op(Calls, "CallRef", &[("sig", U32), ("callee", Slot), ("args", Slot)]).call().hot().traps(&["NullReference"]),
    );
    v.push(
        op(Calls, "ReturnCallRef", &[("sig", U32), ("callee", Slot), ("args", Slot)])
            .call()
            .ends()
            .traps(&["NullReference"]),
    );

    // --- variables: moves, constants, globals ---
    v.push(op(Variables, "Copy", &[("dst", Slot), ("src", Slot), ("ty", Ty)]).acc(Int, Int, false));
    // `dst = src` then `dst2 = src2`: two moves in a row, as at the end of
    // a loop body that rotates locals.
    v.push(op(
        Variables,
        "Copy2",
        &[("dst", Slot), ("src", Slot), ("dst2", Slot), ("src2", Slot), ("ty", Ty), ("ty2", Ty)],
    ));
    // Copies bits between the integer and float type of one width; `ty` is
    // the destination type.
    v.push(op(Variables, "Reinterpret", &[("dst", Slot), ("src", Slot), ("ty", Ty)]));
    v.push(op(Variables, "Const32", &[("dst", Slot), ("imm", U32)]));
    v.push(op(Variables, "Const64", &[("dst", Slot), ("imm", U64)]));
    v.push(op(Variables, "Select", &[("dst", Slot), ("cond", Slot), ("a", Slot), ("b", Slot), ("ty", Ty)]));
    v.push(op(Variables, "GlobalGet", &[("dst", Slot), ("offset", U32)]));
    v.push(op(Variables, "GlobalSet", &[("src", Slot), ("offset", U32)]));
    v.push(op(Variables, "GlobalGetImported", &[("dst", Slot), ("offset", U32)]));
    v.push(op(Variables, "GlobalSetImported", &[("src", Slot), ("offset", U32)]));
    // `v128` moves: a value in two cells (see `ValType::V128`).
    v.push(op(Variables, "V128Select", &[("dst", Slot), ("cond", Slot), ("a", Slot), ("b", Slot)]));
    v.push(op(Variables, "V128GlobalGet", &[("dst", Slot), ("offset", U32)]));
    v.push(op(Variables, "V128GlobalSet", &[("src", Slot), ("offset", U32)]));
    v.push(op(Variables, "V128GlobalGetImported", &[("dst", Slot), ("offset", U32)]));
    v.push(op(Variables, "V128GlobalSetImported", &[("src", Slot), ("offset", U32)]));

    // --- memory ---
    const LOADS: &[(&str, &str, u8)] = &[
        ("I32Load", "i32", 4),
        ("I64Load", "i64", 8),
        ("F32Load", "f32", 4),
        ("F64Load", "f64", 8),
        ("I32Load8S", "i32", 1),
        ("I32Load8U", "i32", 1),
        ("I32Load16S", "i32", 2),
        ("I32Load16U", "i32", 2),
        ("I64Load8S", "i64", 1),
        ("I64Load8U", "i64", 1),
        ("I64Load16S", "i64", 2),
        ("I64Load16U", "i64", 2),
        ("I64Load32S", "i64", 4),
        ("I64Load32U", "i64", 4),
    ];
    for &(name, ty, size) in LOADS {
        v.push(
            op(Memory, name, LOAD)
                .sig(&["i32"], ty_name(ty))
                .acc(Int, bank_of(ty), false)
                .memory(MemUse::Load(size))
                .traps(&["MemoryOutOfBounds"]),
        );
    }
    const STORES: &[(&str, &str, u8)] = &[
        ("I32Store", "i32", 4),
        ("I64Store", "i64", 8),
        ("F32Store", "f32", 4),
        ("F64Store", "f64", 8),
        ("I32Store8", "i32", 1),
        ("I32Store16", "i32", 2),
        ("I64Store8", "i64", 1),
        ("I64Store16", "i64", 2),
        ("I64Store32", "i64", 4),
    ];
    for &(name, ty, size) in STORES {
        let params: &'static [&'static str] = match ty {
            "i32" => &["i32", "i32"],
            "i64" => &["i32", "i64"],
            "f32" => &["i32", "f32"],
            _ => &["i32", "f64"],
        };
        v.push(
            op(Memory, name, STORE)
                .sig(params, &[])
                .reader(Int)
                .value(bank_of(ty))
                .memory(MemUse::Store(size))
                .traps(&["MemoryOutOfBounds"]),
        );
    }
    v.push(op(Memory, "MemorySize", &[("dst", Slot), ("mem", MemRef)]).memory(MemUse::Size));
    v.push(op(Memory, "MemoryGrow", &[("dst", Slot), ("delta", Slot), ("mem", MemRef)]).memory(MemUse::Grow));
    let bulk = ["MemoryOutOfBounds", "OutOfFuel"];
    v.push(
        op(Memory, "MemoryFill", &[("dst", Slot), ("value", Slot), ("len", Slot), ("mem", MemRef)])
            .memory(MemUse::Bulk)
            .traps(&bulk),
    );
    v.push(
        op(
            Memory,
            "MemoryCopy",
            &[("dst", Slot), ("src", Slot), ("len", Slot), ("dst_mem", MemRef), ("src_mem", MemRef)],
        )
        .memory(MemUse::Bulk)
        .traps(&bulk),
    );
    v.push(
        op(Memory, "MemoryInit", &[("data", U32), ("dst", Slot), ("src", Slot), ("len", Slot), ("mem", MemRef)])
            .memory(MemUse::Bulk)
            .traps(&bulk),
    );
    v.push(op(Memory, "DataDrop", &[("data", U32)]));

    // --- tables and references ---
    let oob = ["TableOutOfBounds"];
    let bulk = ["TableOutOfBounds", "OutOfFuel"];
    // An index of a 64-bit table as the `i32` the table ops take,
    // saturated: one past 2^32 stays out of bounds (tables are smaller).
    v.push(op(Tables, "I64SatIndex", UN).sig(&["i64"], &["i32"]));
    v.push(op(Tables, "TableGet", &[("dst", Slot), ("table", U32), ("index", Slot)]).traps(&oob));
    v.push(op(Tables, "TableSet", &[("table", U32), ("index", Slot), ("value", Slot)]).traps(&oob));
    v.push(op(Tables, "TableSize", &[("dst", Slot), ("table", U32)]));
    v.push(
        op(Tables, "TableGrow", &[("dst", Slot), ("table", U32), ("init", Slot), ("delta", Slot)])
            .traps(&["OutOfFuel"]),
    );
    v.push(op(Tables, "TableFill", &[("table", U32), ("dst", Slot), ("value", Slot), ("len", Slot)]).traps(&bulk));
    v.push(
        op(Tables, "TableCopy", &[("dst_table", U32), ("src_table", U32), ("dst", Slot), ("src", Slot), ("len", Slot)])
            .traps(&bulk),
    );
    v.push(
        op(Tables, "TableInit", &[("table", U32), ("elem", U32), ("dst", Slot), ("src", Slot), ("len", Slot)])
            .traps(&bulk),
    );
    v.push(op(Tables, "ElemDrop", &[("elem", U32)]));
    v.push(op(Tables, "RefFunc", &[("dst", Slot), ("func", U32)]));
    v.push(op(Tables, "RefIsNull", &[("dst", Slot), ("src", Slot)]));
    // `ref.as_non_null`: traps if `src` is null; the value stays where it is.
    v.push(op(Tables, "RefAsNonNull", &[("src", Slot)]).traps(&["NullReference"]));

    // --- integer arithmetic ---
    for ty in ["i32", "i64"] {
        let t = ty.to_uppercase();
        let bin = |name: &str| op(Numeric, format!("{t}{name}"), BIN).sig(pair(ty), ty_name(ty));
        for (name, commutes) in [("Add", true), ("Sub", false), ("Mul", true)] {
            v.push(bin(name).acc(Int, Int, commutes));
        }
        for name in ["DivS", "DivU", "RemS", "RemU"] {
            let overflow = name == "DivS";
            let b = bin(name).traps(&["IntegerDivisionByZero"]);
            v.push(if overflow { b.traps(&["IntegerOverflow"]) } else { b });
        }
        let mut and = bin("And").acc(Int, Int, true);
        and.branch = Some(format!("Br{t}AndNz"));
        v.push(and);
        for (name, commutes) in [
            ("Or", true),
            ("Xor", true),
            ("Shl", false),
            ("ShrS", false),
            ("ShrU", false),
            ("Rotl", false),
            ("Rotr", false),
        ] {
            v.push(bin(name).acc(Int, Int, commutes));
        }
        let imm = if ty == "i32" { U32 } else { U64 };
        v.push(
            op(Numeric, format!("{t}AddImm"), &[("dst", Slot), ("lhs", Slot), ("imm", imm)])
                .sig(ty_name(ty), ty_name(ty))
                .acc(Int, Int, false),
        );
        for &(c, _, swap) in INT_CONDS {
            let mut b = op(Numeric, format!("{t}{c}"), BIN).sig(pair(ty), &["i32"]);
            b.cond = Some(c);
            b.swapped = Some(format!("{t}{swap}"));
            b.branch = Some(format!("Br{t}{c}"));
            v.push(b);
        }
        for name in ["Clz", "Ctz", "Popcnt"] {
            v.push(op(Numeric, format!("{t}{name}"), UN).sig(ty_name(ty), ty_name(ty)));
        }
        let mut eqz = op(Numeric, format!("{t}Eqz"), UN).sig(ty_name(ty), &["i32"]).acc(Int, Int, false);
        eqz.cond = Some("Z");
        eqz.branch = Some(if ty == "i32" { "BrIfEqz".into() } else { "BrI64Eqz".into() });
        v.push(eqz);
        let sign_ext: &[&str] =
            if ty == "i32" { &["Extend8S", "Extend16S"] } else { &["Extend8S", "Extend16S", "Extend32S"] };
        for name in sign_ext {
            let b = op(Numeric, format!("{t}{name}"), UN).sig(ty_name(ty), ty_name(ty));
            v.push(if ty == "i32" { b.acc(Int, Int, false) } else { b });
        }
    }

    // --- float arithmetic ---
    for ty in ["f32", "f64"] {
        let t = ty.to_uppercase();
        let bank = bank_of(ty);
        let canon = canon_of(ty);
        let bin = |name: &str| op(Numeric, format!("{t}{name}"), BIN).sig(pair(ty), ty_name(ty)).nan(canon);
        v.push(bin("Add").acc(bank, bank, true));
        v.push(bin("Mul").acc(bank, bank, true));
        if ty == "f64" {
            // `rhs - lhs` and `rhs / lhs`: the translator's mirror of
            // `F64Sub`/`F64Div` when the right operand is in the
            // accumulator, never emitted otherwise.
            v.push(bin("Sub").acc(bank, bank, false).mirror("F64SubRev"));
            v.push(bin("Div").acc(bank, bank, false).mirror("F64DivRev"));
            v.push(bin("SubRev").acc(bank, bank, false).mirror("F64Sub"));
            v.push(bin("DivRev").acc(bank, bank, false).mirror("F64Div"));
        } else {
            v.push(bin("Sub").acc(bank, bank, false));
            v.push(bin("Div").acc(bank, bank, false));
        }
        for name in ["Min", "Max"] {
            v.push(bin(name));
        }
        let mut copysign = bin("Copysign");
        copysign.nan = None;
        v.push(copysign);
        for &(c, _, swap) in FLOAT_CONDS {
            let mut b = op(Numeric, format!("{t}{c}"), BIN).sig(pair(ty), &["i32"]);
            b.cond = Some(c);
            b.swapped = Some(format!("{t}{swap}"));
            b.branch = Some(format!("Br{t}{c}"));
            v.push(b);
        }
        for (name, acc) in [
            ("Abs", true),
            ("Neg", true),
            ("Sqrt", true),
            ("Ceil", false),
            ("Floor", false),
            ("Trunc", false),
            ("Nearest", false),
        ] {
            let mut u = op(Numeric, format!("{t}{name}"), UN).sig(ty_name(ty), ty_name(ty));
            if !matches!(name, "Abs" | "Neg") {
                u = u.nan(canon);
            }
            v.push(if acc { u.acc(bank, bank, false) } else { u });
        }
        // `Config::canonicalize_nans`: a NaN result becomes the canonical
        // (positive, quiet, no payload) NaN.
        v.push(op(Numeric, format!("{t}CanonNan"), UN).sig(ty_name(ty), ty_name(ty)));
    }
    for t in ["F32x4", "F64x2"] {
        v.push(op(Numeric, format!("{t}CanonNan"), UN).sig(&["v128"], &["v128"]));
    }
    // Wide arithmetic: 128-bit sums and differences of (low, high) i64
    // pairs and 64x64 -> 128-bit products; the result's low half goes to
    // `dst`, the high half to the slot after it.
    for name in ["I64Add128", "I64Sub128"] {
        let operands = &[("dst", Slot), ("a_lo", Slot), ("a_hi", Slot), ("b_lo", Slot), ("b_hi", Slot)];
        v.push(op(Numeric, name, operands).sig(&["i64", "i64", "i64", "i64"], &["i64", "i64"]));
    }
    for name in ["I64MulWideS", "I64MulWideU"] {
        v.push(op(Numeric, name, BIN).sig(&["i64", "i64"], &["i64", "i64"]));
    }
    // A vector multiply and the add or subtract that consumes its product,
    // in one instruction with the two roundings of the two ops (not a fused
    // multiply-add): `MulAdd` is `a * b + c`, `AddMul` `c + a * b` (the
    // operand order decides which NaN a float op passes on), `MulSub`
    // `a * b - c`, `SubMul` `c - a * b`. Integer addition commutes, so
    // `MulAdd` serves both orders.
    use Order::{Either, First, Second};
    const MUL_THEN: &[(&str, &str, &str, Order)] = &[
        ("F32x4MulAdd", "F32x4Mul", "F32x4Add", First),
        ("F32x4AddMul", "F32x4Mul", "F32x4Add", Second),
        ("F32x4MulSub", "F32x4Mul", "F32x4Sub", First),
        ("F32x4SubMul", "F32x4Mul", "F32x4Sub", Second),
        ("F64x2MulAdd", "F64x2Mul", "F64x2Add", First),
        ("F64x2AddMul", "F64x2Mul", "F64x2Add", Second),
        ("F64x2MulSub", "F64x2Mul", "F64x2Sub", First),
        ("F64x2SubMul", "F64x2Mul", "F64x2Sub", Second),
        ("I32x4MulAdd", "I32x4Mul", "I32x4Add", Either),
        ("I16x8MulAdd", "I16x8Mul", "I16x8Add", Either),
    ];
    for &(name, mul, then, order) in MUL_THEN {
        let mut o = op(Simd, name, &[("dst", Slot), ("a", Slot), ("b", Slot), ("c", Slot)])
            .sig(&["v128", "v128", "v128"], &["v128"]);
        o.nan = simd_nan(mul);
        o.mul_then = Some((mul, then, order));
        v.push(o);
    }

    // --- conversions ---
    // (name, from, to, traps, has accumulator forms)
    const CONVERSIONS: &[(&str, &str, &str, bool, bool)] = &[
        ("I32WrapI64", "i64", "i32", false, true),
        ("I64ExtendI32S", "i32", "i64", false, true),
        ("I64ExtendI32U", "i32", "i64", false, true),
        ("I32TruncF32S", "f32", "i32", true, false),
        ("I32TruncF32U", "f32", "i32", true, false),
        ("I32TruncF64S", "f64", "i32", true, false),
        ("I32TruncF64U", "f64", "i32", true, false),
        ("I64TruncF32S", "f32", "i64", true, false),
        ("I64TruncF32U", "f32", "i64", true, false),
        ("I64TruncF64S", "f64", "i64", true, false),
        ("I64TruncF64U", "f64", "i64", true, false),
        ("I32TruncSatF32S", "f32", "i32", false, false),
        ("I32TruncSatF32U", "f32", "i32", false, false),
        ("I32TruncSatF64S", "f64", "i32", false, false),
        ("I32TruncSatF64U", "f64", "i32", false, false),
        ("I64TruncSatF32S", "f32", "i64", false, false),
        ("I64TruncSatF32U", "f32", "i64", false, false),
        ("I64TruncSatF64S", "f64", "i64", false, false),
        ("I64TruncSatF64U", "f64", "i64", false, false),
        ("F32ConvertI32S", "i32", "f32", false, true),
        ("F32ConvertI32U", "i32", "f32", false, false),
        ("F32ConvertI64S", "i64", "f32", false, false),
        ("F32ConvertI64U", "i64", "f32", false, false),
        ("F32DemoteF64", "f64", "f32", false, true),
        ("F64ConvertI32S", "i32", "f64", false, true),
        ("F64ConvertI32U", "i32", "f64", false, true),
        ("F64ConvertI64S", "i64", "f64", false, false),
        ("F64ConvertI64U", "i64", "f64", false, false),
        ("F64PromoteF32", "f32", "f64", false, true),
    ];
    for &(name, from, to, traps, acc) in CONVERSIONS {
        let mut c = op(Conversions, name, UN).sig(ty_name(from), ty_name(to));
        if matches!(name, "F32DemoteF64" | "F64PromoteF32") {
            c = c.nan(canon_of(to));
        }
        if traps {
            c = c.traps(&["IntegerOverflow", "BadConversionToInteger"]);
        }
        v.push(if acc { c.acc(bank_of(from), bank_of(to), false) } else { c });
    }

    // --- 128-bit SIMD and relaxed SIMD (one op per operator, wasmparser's
    // names; the shape says the operands) ---
    for &(name, shape) in SIMD {
        let size = simd_memory_size(name, shape);
        let operands: &[(&str, Kind)] = match shape {
            Shape::Load => &[("dst", Slot), ("addr", Slot), ("offset", U32)],
            Shape::Store => &[("addr", Slot), ("value", Slot), ("offset", U32)],
            Shape::LoadLane(_) => &[("dst", Slot), ("addr", Slot), ("src", Slot), ("offset", U32), ("lane", Lane)],
            Shape::StoreLane(_) => &[("addr", Slot), ("value", Slot), ("offset", U32), ("lane", Lane)],
            Shape::Const => &[("dst", Slot), ("imm", V128)],
            Shape::Shuffle => &[("dst", Slot), ("lhs", Slot), ("rhs", Slot), ("imm", V128)],
            Shape::Unary | Shape::UnaryF | Shape::Test | Shape::Splat(_) => UN,
            Shape::Binary | Shape::BinaryF | Shape::Shift => BIN,
            Shape::Ternary => &[("dst", Slot), ("a", Slot), ("b", Slot), ("c", Slot)],
            Shape::Extract(..) => &[("dst", Slot), ("src", Slot), ("lane", Lane)],
            Shape::Replace(..) => &[("dst", Slot), ("lhs", Slot), ("rhs", Slot), ("lane", Lane)],
        };
        let mut o = op(Simd, name, operands);
        o.simd = Some(shape);
        o.nan = simd_nan(name);
        if VECTOR_TESTS.contains(&name) {
            o.branch = Some(format!("Br{name}Nz"));
        }
        o = match shape {
            Shape::Load | Shape::LoadLane(_) => o.memory(MemUse::Load(size)).traps(&["MemoryOutOfBounds"]),
            Shape::Store | Shape::StoreLane(_) => o.memory(MemUse::Store(size)).traps(&["MemoryOutOfBounds"]),
            _ => o,
        };
        v.push(o);
    }
    // A vector test and the branch on its result (`BrV128AnyTrueNz` jumps
    // when `v128.any_true` gives 1, `...Z` when it gives 0): SIMD loops
    // exit on `br_if (v128.any_true mask)`.
    for name in VECTOR_TESTS {
        for (c, opp) in [("Nz", "Z"), ("Z", "Nz")] {
            let mut b = op(Simd, format!("Br{name}{c}"), &[("src", Slot), ("target", Target)]);
            b.cond = Some(c);
            b.test = Some(name);
            b.opposite = Some(format!("Br{name}{opp}"));
            v.push(b);
        }
    }
    let twins: Vec<Op> =
        v.iter().filter(|o| matches!(o.memory, Some(MemUse::Load(_) | MemUse::Store(_)))).map(twin).collect();
    v.extend(twins);
    v
}

/// The twin of load or store `o` that names its memory (see the module
/// docs): a 64-bit offset, the memory last, no accumulator forms (the
/// other memories are not the hot path).
fn twin(o: &Op) -> Op {
    let mut t = o.clone();
    t.name = format!("{}Mem", o.name);
    for (field, kind) in &mut t.operands {
        if *field == "offset" {
            *kind = U64;
        }
    }
    t.operands.push(("mem", MemRef));
    t.acc = None;
    t.value = None;
    t.twin = Some(o.name.clone());
    t
}

/// The vector tests a conditional branch on their result absorbs.
const VECTOR_TESTS: [&str; 5] = ["V128AnyTrue", "I8x16AllTrue", "I16x8AllTrue", "I32x4AllTrue", "I64x2AllTrue"];
