//! The kinds of facts the op description states (`Opcode::form`,
//! `Opcode::group`, `Opcode::memory_use`, the accumulator banks). The build
//! script that generates the op list includes this file too (`#[path]`),
//! so the description and the crate name them with the same types.

/// One of the interpreter's accumulators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccBank {
    /// Integer results and copies, as raw bits.
    Int,
    /// `f32` results, in a float register.
    F32,
    /// `f64` results, in a float register.
    F64,
}

/// Which form of its base op an opcode is (`Opcode::form`); a compiler
/// lowers every form as the base op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// The base op itself.
    Plain,
    /// Reads one operand from an accumulator (`BaseA`).
    Acc,
    /// Writes its result to the accumulator only, not to `dst` (`BaseR`).
    Reg,
    /// Both (`BaseAR`).
    AccReg,
    /// A store taking its value from an accumulator (`BaseV`).
    Value,
    /// A call that counts the callee's calls towards tier-up (`BaseHot`).
    Hot,
}

/// The group of an op: the file of each tier that holds its handler and
/// its lowering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Control,
    Calls,
    Variables,
    Memory,
    Tables,
    Numeric,
    Conversions,
    /// 128-bit SIMD and relaxed SIMD.
    Simd,
}

/// What an op does with linear memory 0 (`Opcode::memory_use`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemUse {
    /// Reads this many bytes at `addr + offset`, through the cached base.
    Load(u8),
    /// Writes this many bytes at `addr + offset`, through the cached base.
    Store(u8),
    /// Reads the cached length.
    Size,
    /// Grows the memory: its base and length may change.
    Grow,
    /// Bulk work through `crate::bulk`.
    Bulk,
}
