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
//! - `Ty` (1 byte): a `ValType` code, kept so a compiler knows a slot's type.
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
}

impl Kind {
    pub fn size(self) -> usize {
        match self {
            Kind::Slot => 2,
            Kind::Target | Kind::U32 => 4,
            Kind::U64 => 8,
            Kind::Ty => 1,
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
}

use Bank::{F32 as BF32, F64 as BF64, Int};
use Kind::{Slot, Target, Ty, U32, U64};

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
    v.push(op(Memory, "MemorySize", &[("dst", Slot)]).memory(MemUse::Size));
    v.push(op(Memory, "MemoryGrow", &[("dst", Slot), ("delta", Slot)]).memory(MemUse::Grow));
    let bulk = ["MemoryOutOfBounds", "OutOfFuel"];
    v.push(
        op(Memory, "MemoryFill", &[("dst", Slot), ("value", Slot), ("len", Slot)]).memory(MemUse::Bulk).traps(&bulk),
    );
    v.push(op(Memory, "MemoryCopy", &[("dst", Slot), ("src", Slot), ("len", Slot)]).memory(MemUse::Bulk).traps(&bulk));
    v.push(
        op(Memory, "MemoryInit", &[("data", U32), ("dst", Slot), ("src", Slot), ("len", Slot)])
            .memory(MemUse::Bulk)
            .traps(&bulk),
    );
    v.push(op(Memory, "DataDrop", &[("data", U32)]));

    // --- tables and references ---
    let oob = ["TableOutOfBounds"];
    let bulk = ["TableOutOfBounds", "OutOfFuel"];
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
        let bin = |name: &str| op(Numeric, format!("{t}{name}"), BIN).sig(pair(ty), ty_name(ty));
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
        for name in ["Min", "Max", "Copysign"] {
            v.push(bin(name));
        }
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
            let u = op(Numeric, format!("{t}{name}"), UN).sig(ty_name(ty), ty_name(ty));
            v.push(if acc { u.acc(bank, bank, false) } else { u });
        }
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
        if traps {
            c = c.traps(&["IntegerOverflow", "BadConversionToInteger"]);
        }
        v.push(if acc { c.acc(bank_of(from), bank_of(to), false) } else { c });
    }
    v
}
