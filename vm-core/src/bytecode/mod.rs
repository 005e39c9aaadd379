//! Tandem's register bytecode: the format both tiers consume.
//!
//! Every op is described once, as data, in `vm-core/build/desc.rs` (its
//! operands, forms, group, memory use, traps, condition and the relations
//! between comparisons and branches); the build script generates from it
//! the op list (`for_each_op!`), every form of every op, and the facts and
//! relations below (`Opcode::base`, `Opcode::acc_form`,
//! `Opcode::memory_use`, `Op::target`, `Op::opposite`, `Op::base` ...).
//! From the op list, `ops.rs` generates the `Opcode` and `Op` enums, one
//! operand struct per op (`ops::Name`, read unchecked by the dispatch loop),
//! the encoder and the checked decoder; `listing.rs` the disassembler and
//! the assembler.
//!
//! A function's code is a byte string of `opcode (2 bytes) operands...`.
//! [`decode`] is the checked decoder (disassembler, fuzzing, the JIT);
//! the interpreter reads operands with the unchecked `ops::Name::read`.

use crate::trap::TrapCode;

// The generated op list and facts; first, so the macros it defines are in
// scope in the modules below.
include!(concat!(env!("OUT_DIR"), "/ops.rs"));

mod codec;
mod forms;
mod func;
mod kinds;
mod listing;
mod operand;
#[cfg(test)]
mod tests;

pub use codec::{DecodeError, Op, Opcode, decode, ops, parse_op};
pub use forms::{to_acc_form, to_reg_form, to_value_form};
pub use func::{CompiledFunc, HotCounters};
pub use kinds::{AccBank, Form, Group, MemUse};
pub use listing::{assemble, br_table_target, disassemble};
pub use operand::{Lane, MemRef, OPCODE_SIZE, Operand, Slot, Target, Ty, U32, U64, V128};

/// How an op relates to the interpreter's accumulators
/// (`Opcode::acc_form`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccForm {
    /// The accumulator form of the op.
    pub acc: Opcode,
    /// The operand read from the accumulator and the next one may be swapped.
    pub commutes: bool,
    /// The accumulator the form reads.
    pub reads: AccBank,
    /// Which `Slot` operand (counting slots only) the form reads from the
    /// accumulator: the first after `dst` (1) for an op with a result, the
    /// first (0) for a reader.
    pub operand: usize,
}

impl MemUse {
    /// Does the op read the cached memory base or length?
    pub const fn reads_cache(self) -> bool {
        matches!(self, MemUse::Load(_) | MemUse::Store(_) | MemUse::Size)
    }
}

/// The condition of a comparison or a conditional branch (`Opcode::cond`).
/// `S`/`U`: signed or unsigned integers; `Lt`..`Ge` alone are float
/// comparisons (false with a NaN operand), `NotLt`..`NotGe` their
/// negations (true with a NaN operand); `Nz`/`Z`: non-zero and zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cond {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
    Lt,
    Gt,
    Le,
    Ge,
    NotLt,
    NotGt,
    NotLe,
    NotGe,
    Nz,
    Z,
}

/// `Cond::holds_i32` and `Cond::holds_i64`: `$u` is the unsigned type.
macro_rules! int_holds {
    ($(#[$doc:meta])* $name:ident, $t:ty, $u:ty) => {
        $(#[$doc])*
        #[inline(always)]
        pub const fn $name(self, a: $t, b: $t) -> bool {
            match self {
                Cond::Eq => a == b,
                Cond::Ne => a != b,
                Cond::LtS => a < b,
                Cond::LtU => (a as $u) < (b as $u),
                Cond::GtS => a > b,
                Cond::GtU => (a as $u) > (b as $u),
                Cond::LeS => a <= b,
                Cond::LeU => (a as $u) <= (b as $u),
                Cond::GeS => a >= b,
                Cond::GeU => (a as $u) >= (b as $u),
                Cond::Nz => a != 0,
                Cond::Z => a == 0,
                // A float condition: never asked of integers.
                _ => false,
            }
        }
    };
}

/// `Cond::holds_f32` and `Cond::holds_f64`.
macro_rules! float_holds {
    ($(#[$doc:meta])* $name:ident, $t:ty) => {
        $(#[$doc])*
        #[inline(always)]
        #[expect(
            clippy::neg_cmp_op_on_partial_ord,
            reason = "NotLt and friends mean exactly !(a < b): true when either operand is NaN"
        )]
        pub fn $name(self, a: $t, b: $t) -> bool {
            match self {
                Cond::Eq => a == b,
                Cond::Ne => a != b,
                Cond::Lt => a < b,
                Cond::Gt => a > b,
                Cond::Le => a <= b,
                Cond::Ge => a >= b,
                Cond::NotLt => !(a < b),
                Cond::NotGt => !(a > b),
                Cond::NotLe => !(a <= b),
                Cond::NotGe => !(a >= b),
                // An integer condition: never asked of floats.
                _ => false,
            }
        }
    };
}

/// The one place the interpreter's comparisons are written: each handler
/// of a comparison or compare-and-branch calls one of these with its
/// op's condition, a constant, so each folds to a single comparison.
impl Cond {
    int_holds!(
        /// Does `a <cond> b` hold for `i32`s?
        holds_i32, i32, u32
    );
    int_holds!(
        /// Does `a <cond> b` hold for `i64`s?
        holds_i64, i64, u64
    );
    int_holds!(
        /// Does `a <cond> b` hold for raw bits (`Nz`, `Z`, `Eq`, `Ne`)?
        holds_u64, u64, u64
    );
    float_holds!(
        /// Does `a <cond> b` hold for `f32`s (false with a NaN, except
        /// `Ne` and the `Not` conditions)?
        holds_f32, f32
    );
    float_holds!(
        /// Does `a <cond> b` hold for `f64`s (as `holds_f32`)?
        holds_f64, f64
    );
}

/// What a fused increment-and-branch adds to its `lhs`
/// (`Op::with_increment`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Increment {
    /// An immediate (`BrI32AddImm<Cond>`).
    Imm(u32),
    /// A slot (`BrI32Add<Cond>`).
    Slot(Slot),
}

impl Op {
    /// Every branch target of the op at `pc` of `code`: its `target`, or
    /// each entry of a `BrTable`.
    pub fn branch_targets<'c>(&self, code: &'c [u8], pc: usize) -> impl Iterator<Item = Option<Target>> + 'c {
        let (single, table) = match *self {
            Op::BrTable { len, .. } => (None, len as usize + 1),
            _ => (self.target(), 0),
        };
        single.map(Some).into_iter().chain((0..table).map(move |i| br_table_target(code, pc, i)))
    }
}
