//! Tandem's register bytecode: the format both tiers consume.
//!
//! The op list lives in `list.rs`; everything here is generated from it.
//! A function's code is a byte string of `opcode (2 bytes) operands...`.
//! [`decode`] is the checked decoder (disassembler, fuzzing, the JIT);
//! the interpreter reads operands with the unchecked `ops::Name::read`.

mod list;

use crate::value::ValType;
use core::fmt;

/// A frame-relative value slot.
pub type Slot = u16;
/// A 32-bit index, offset or immediate.
pub type U32 = u32;
/// A 64-bit immediate.
pub type U64 = u64;
/// An absolute code position.
pub type Target = u32;
/// A `ValType` code.
pub type Ty = u8;

/// Bytes of an opcode: a little-endian `u16`, so the list can outgrow 256
/// instructions (the accumulator forms did).
pub const OPCODE_SIZE: usize = 2;

/// An operand kind: fixed width, little endian.
pub trait Operand: Copy + fmt::Display {
    const SIZE: usize;
    /// Is this operand kind a `Slot`?
    const IS_SLOT: bool = false;
    fn write(self, out: &mut Vec<u8>);
    /// Stores `self` at `buf[*at..]` and advances `at` past it.
    fn put(self, buf: &mut [u8], at: &mut usize);
    fn read(bytes: &[u8]) -> Self;
}

macro_rules! impl_operand {
    ($($t:ty),*) => {$(
        impl Operand for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
            const IS_SLOT: bool = core::mem::size_of::<$t>() == core::mem::size_of::<Slot>();
            #[inline(always)]
            fn write(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            #[inline(always)]
            fn put(self, buf: &mut [u8], at: &mut usize) {
                buf[*at..*at + Self::SIZE].copy_from_slice(&self.to_le_bytes());
                *at += Self::SIZE;
            }
            #[inline(always)]
            fn read(bytes: &[u8]) -> Self {
                let mut buf = [0u8; core::mem::size_of::<$t>()];
                buf.copy_from_slice(&bytes[..Self::SIZE]);
                <$t>::from_le_bytes(buf)
            }
        }
    )*};
}
impl_operand!(u8, u16, u32, u64);

/// The checked decoder found bytes that are not an instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub pc: usize,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid bytecode at {}", self.pc)
    }
}

macro_rules! define_ops {
    ($( $name:ident { $($field:ident : $kind:ident),* } ; )*) => {
        /// One `u16` per instruction kind, in list order.
        #[repr(u16)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Opcode { $($name),* }

        impl Opcode {
            /// All opcodes in list order.
            pub const ALL: &'static [Opcode] = &[$(Opcode::$name),*];

            /// The opcode for a code, if any.
            #[inline]
            pub fn from_u16(b: u16) -> Option<Opcode> {
                Self::ALL.get(b as usize).copied()
            }

            /// Byte offsets (from the opcode) of this instruction's
            /// `Slot` operands, and how many there are.
            pub fn slot_offsets(self) -> ([u8; 8], usize) {
                match self {
                    $(Opcode::$name => {
                        #[allow(unused_mut, unused_variables, unused_assignments, clippy::allow_attributes)]
                        {
                            let mut out = [0u8; 8];
                            let mut n = 0;
                            let mut at = OPCODE_SIZE;
                            $(
                                if <$kind as Operand>::IS_SLOT {
                                    out[n] = at as u8;
                                    n += 1;
                                }
                                at += <$kind as Operand>::SIZE;
                            )*
                            (out, n)
                        }
                    })*
                }
            }

            /// The instruction's name as written in the list.
            pub fn name(self) -> &'static str {
                match self { $(Opcode::$name => stringify!($name)),* }
            }
        }

        /// A decoded instruction.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Op { $($name { $($field: $kind),* }),* }

        impl Op {
            pub fn opcode(&self) -> Opcode {
                match self { $(Op::$name { .. } => Opcode::$name),* }
            }

            /// Appends the encoding of `self` to `out`. The instruction is
            /// assembled first and appended in one piece: one append per
            /// operand cost the translator ~13% of its time.
            pub fn encode(&self, out: &mut Vec<u8>) {
                match *self {
                    $(Op::$name { $($field),* } => {
                        let mut buf = [0u8; ops::$name::SIZE];
                        let mut at = 0;
                        Operand::put(Opcode::$name as u16, &mut buf, &mut at);
                        $( Operand::put($field, &mut buf, &mut at); )*
                        debug_assert_eq!(at, buf.len());
                        out.extend_from_slice(&buf);
                    })*
                }
            }

            /// Encoded size in bytes (trailing `BrTable` targets excluded).
            pub fn size(&self) -> usize {
                Self::size_of(self.opcode())
            }

            /// Encoded size of an `opcode` instruction (`BrTable` targets excluded).
            pub fn size_of(opcode: Opcode) -> usize {
                match opcode { $(Opcode::$name => ops::$name::SIZE),* }
            }

            fn fmt_operands(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match *self {
                    $(Op::$name { $($field),* } => {
                        let mut _first = true;
                        $(
                            if !_first { f.write_str(",")?; }
                            _first = false;
                            write!(f, " {}={}", stringify!($field), OperandDisplay::<$kind>($field))?;
                        )*
                        Ok(())
                    })*
                }
            }
        }

        /// One operand struct per instruction, read by the dispatch loop.
        #[allow(non_snake_case, dead_code)]
        pub mod ops {
            use super::*;
            $(
                #[derive(Clone, Copy, Debug)]
                pub struct $name { $(pub $field: $kind),* }
                impl $name {
                    /// Encoded size including the opcode.
                    pub const SIZE: usize = OPCODE_SIZE $(+ <$kind as Operand>::SIZE)*;

                    /// Reads the operands that follow the opcode.
                    ///
                    /// # Safety
                    /// `ip` must point at the opcode of this instruction
                    /// inside a code buffer with at least `SIZE` readable bytes.
                    #[inline(always)]
                    #[allow(unused_mut, unused_variables, unused_assignments, clippy::allow_attributes)]
                    pub unsafe fn read(ip: *const u8) -> Self {
                        // SAFETY: the caller guarantees SIZE bytes are readable at ip.
                        let bytes = unsafe { core::slice::from_raw_parts(ip, Self::SIZE) };
                        let mut at = OPCODE_SIZE;
                        $(
                            let $field = <$kind as Operand>::read(&bytes[at..]);
                            at += <$kind as Operand>::SIZE;
                        )*
                        $name { $($field),* }
                    }
                }
            )*
        }

        /// Parses one instruction as [`Op`]'s `Display` writes it: the
        /// inverse of the disassembler, so a listing provably loses nothing.
        pub fn parse_op(text: &str) -> Option<Op> {
            let (name, rest) = text.split_once(' ').unwrap_or((text, ""));
            let mut _fields = rest.split(", ").filter(|s| !s.is_empty());
            let op = match name {
                $(stringify!($name) => Op::$name {
                    $($field: <$kind as OperandText>::parse(
                        _fields.next()?.strip_prefix(concat!(stringify!($field), "="))?,
                    )?),*
                },)*
                _ => return None,
            };
            if _fields.next().is_some() {
                return None;
            }
            Some(op)
        }

        /// Checked decode of the instruction at `pc`; returns it and the next pc.
        pub fn decode(code: &[u8], pc: usize) -> Result<(Op, usize), DecodeError> {
            let err = DecodeError { pc };
            let opcode = opcode_at(code.get(pc..).ok_or(err.clone())?).ok_or(err.clone())?;
            match opcode {
                $(Opcode::$name => {
                    let size = ops::$name::SIZE;
                    let _bytes = code.get(pc..pc + size).ok_or(err.clone())?;
                    let mut _at = OPCODE_SIZE;
                    $(
                        let $field = <$kind as Operand>::read(&_bytes[_at..]);
                        _at += <$kind as Operand>::SIZE;
                    )*
                    let op = Op::$name { $($field),* };
                    let mut next = pc + size;
                    if let Op::BrTable { len, .. } = op {
                        let extra = (len as usize + 1).checked_mul(4).ok_or(err.clone())?;
                        if code.len() < next + extra { return Err(err); }
                        next += extra;
                    }
                    Ok((op, next))
                })*
            }
        }
    };
}

crate::for_each_op!(define_ops);

/// The opcode at the start of `code`, if `code` starts with one.
fn opcode_at(code: &[u8]) -> Option<Opcode> {
    Opcode::from_u16(u16::read(code.get(..OPCODE_SIZE)?))
}

/// Overwrites the opcode at the start of the encoded instruction `inst`.
fn set_opcode(inst: &mut [u8], opcode: Opcode) {
    inst[..OPCODE_SIZE].copy_from_slice(&(opcode as u16).to_le_bytes());
}

/// One of the interpreter's accumulators (`for_each_acc_form`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccBank {
    /// Integer results and copies, as raw bits.
    Int,
    /// `f32` results, in a float register.
    F32,
    /// `f64` results, in a float register.
    F64,
}

/// How an op relates to the interpreter's accumulators (`for_each_acc_form`).
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

macro_rules! define_acc_forms {
    (
        $( $base:ident => $acc:ident, $reg:ident, $acc_reg:ident, $commutes:literal, $reads:ident, $result:ident; )*
        @readers
        $( $rbase:ident => $racc:ident, $rreads:ident; )*
        @values
        $( $vbase:ident => $vacc:ident, $vreads:ident; )*
    ) => {
        impl Opcode {
            /// The accumulator form of this op, if it has one.
            pub const fn acc_form(self) -> Option<AccForm> {
                match self {
                    $(Opcode::$base => Some(AccForm {
                        acc: Opcode::$acc,
                        commutes: $commutes,
                        reads: AccBank::$reads,
                        operand: 1,
                    }),)*
                    $(Opcode::$rbase => Some(AccForm {
                        acc: Opcode::$racc,
                        commutes: false,
                        reads: AccBank::$rreads,
                        operand: 0,
                    }),)*
                    _ => None,
                }
            }

            /// The plain op of an accumulator or register-result form.
            pub const fn acc_base(self) -> Option<Opcode> {
                match self {
                    $(Opcode::$acc | Opcode::$reg | Opcode::$acc_reg => Some(Opcode::$base),)*
                    $(Opcode::$racc => Some(Opcode::$rbase),)*
                    $(Opcode::$vacc => Some(Opcode::$vbase),)*
                    _ => None,
                }
            }

            /// The accumulator this op leaves its result in, if any: every
            /// op with an accumulator form has one, and so do its forms.
            pub const fn acc_result(self) -> Option<AccBank> {
                match self {
                    $(Opcode::$base | Opcode::$acc | Opcode::$reg | Opcode::$acc_reg => Some(AccBank::$result),)*
                    _ => None,
                }
            }

            /// The form of this op that leaves its result in the
            /// accumulator only (`Base` -> `BaseR`, `BaseA` -> `BaseAR`).
            pub const fn reg_form(self) -> Option<Opcode> {
                match self {
                    $(Opcode::$base => Some(Opcode::$reg),
                      Opcode::$acc => Some(Opcode::$acc_reg),)*
                    _ => None,
                }
            }

            /// Does this op write its `dst` slot? Not the register-result
            /// forms.
            pub const fn writes_dst(self) -> bool {
                match self {
                    $(Opcode::$reg | Opcode::$acc_reg => false,)*
                    _ => true,
                }
            }

            /// The accumulator this op reads an operand from, and which
            /// `Slot` operand that is (as `AccForm::operand`): `BaseA` and
            /// `BaseAR` of an op with a result read the first after `dst`
            /// (1), a reader's `BaseA` its first (0), a store's `BaseV` its
            /// value (1).
            pub const fn acc_operand(self) -> Option<(AccBank, usize)> {
                match self {
                    $(Opcode::$acc | Opcode::$acc_reg => Some((AccBank::$reads, 1)),)*
                    $(Opcode::$racc => Some((AccBank::$rreads, 0)),)*
                    $(Opcode::$vacc => Some((AccBank::$vreads, 1)),)*
                    _ => None,
                }
            }

            /// Does this op read an operand from an accumulator (`BaseA`,
            /// `BaseAR`, `BaseV`)?
            pub const fn reads_acc(self) -> bool {
                self.acc_operand().is_some()
            }

            /// The store form that takes the stored value (`value`) from
            /// an accumulator, and which one.
            pub const fn value_form(self) -> Option<(Opcode, AccBank)> {
                match self {
                    $(Opcode::$vbase => Some((Opcode::$vacc, AccBank::$vreads)),)*
                    _ => None,
                }
            }
        }
    };
}
crate::for_each_acc_form!(define_acc_forms);

/// Rewrites the encoded instruction `inst` (opcode first) into its
/// accumulator form when one of its operands is slot `acc`, whose value the
/// accumulator `bank` holds: the operand the form reads from the
/// accumulator, or, for a commuting op, the next one (then the two are
/// swapped). Returns whether it did.
pub fn to_acc_form(inst: &mut [u8], acc: Slot, bank: AccBank) -> bool {
    let Some(form) = opcode_at(inst).and_then(Opcode::acc_form) else { return false };
    rewrite(inst, form, acc, bank)
}

/// Rewrites the encoded store `inst` (opcode first) into its value form
/// when its stored value (slot operand 1) is slot `acc`, whose value the
/// accumulator `bank` holds. Returns whether it did.
pub fn to_value_form(inst: &mut [u8], acc: Slot, bank: AccBank) -> bool {
    let Some((form, reads)) = opcode_at(inst).and_then(Opcode::value_form) else { return false };
    rewrite(inst, AccForm { acc: form, commutes: false, reads, operand: 1 }, acc, bank)
}

/// Rewrites `inst` into `form` of its op when the operand `form` reads is
/// slot `acc` held by accumulator `bank` (see `to_acc_form`).
fn rewrite(inst: &mut [u8], form: AccForm, acc: Slot, bank: AccBank) -> bool {
    let Some(opcode) = opcode_at(inst) else { return false };
    if form.reads != bank {
        return false;
    }
    let (offsets, n) = opcode.slot_offsets();
    let i = form.operand;
    if i >= n || inst.len() < Op::size_of(opcode) {
        return false;
    }
    let at = |k: usize| offsets[k] as usize;
    let mut acc_op = form.acc;
    if u16::read(&inst[at(i)..]) != acc {
        // The accumulator is the next operand: swap the two, keeping the
        // op if it commutes, else taking its mirror (`a - acc` is
        // `acc -rev a`).
        let swapped =
            if form.commutes { Some(form.acc) } else { opcode.mirror().and_then(Opcode::acc_form).map(|m| m.acc) };
        let Some(swapped) = swapped else { return false };
        if i + 1 >= n || u16::read(&inst[at(i + 1)..]) != acc {
            return false;
        }
        for k in 0..size_of::<Slot>() {
            inst.swap(at(i) + k, at(i + 1) + k);
        }
        acc_op = swapped;
    }
    set_opcode(inst, acc_op);
    true
}

impl Opcode {
    /// The op that computes this non-commuting op with its two operands
    /// swapped, where the list has one (`F64Sub` and `F64SubRev`...): the
    /// accumulator form of the mirror reads what was the right operand
    /// from the accumulator (`x / acc`, as in `1.0 / (a * b)`).
    pub const fn mirror(self) -> Option<Opcode> {
        match self {
            Opcode::F64Sub => Some(Opcode::F64SubRev),
            Opcode::F64SubRev => Some(Opcode::F64Sub),
            Opcode::F64Div => Some(Opcode::F64DivRev),
            Opcode::F64DivRev => Some(Opcode::F64Div),
            _ => None,
        }
    }
}

/// Rewrites the encoded instruction `inst` (opcode first) into its
/// register-result form, which leaves `dst` unwritten. Returns whether it
/// did (the op has such a form).
pub fn to_reg_form(inst: &mut [u8]) -> bool {
    let Some(reg) = opcode_at(inst).and_then(Opcode::reg_form) else { return false };
    set_opcode(inst, reg);
    true
}

impl Op {
    /// The plain op an accumulator form stands for (same operands); any
    /// other op unchanged. For compilers, which have no accumulator.
    pub fn without_acc(self) -> Op {
        let Some(base) = self.opcode().acc_base() else { return self };
        let mut code = Vec::with_capacity(Op::size_of(base));
        self.encode(&mut code);
        set_opcode(&mut code, base);
        // The two forms have the same operands (checked by a unit test).
        decode(&code, 0).map_or(self, |(op, _)| op)
    }
}

struct OperandDisplay<T>(T);

/// Reads an operand back from its disassembly text.
trait OperandText: Sized {
    fn parse(text: &str) -> Option<Self>;
}
impl OperandText for u16 {
    fn parse(text: &str) -> Option<Self> {
        text.strip_prefix('r')?.parse().ok()
    }
}
impl OperandText for u32 {
    fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}
impl OperandText for u64 {
    fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}
impl OperandText for u8 {
    fn parse(text: &str) -> Option<Self> {
        match text.strip_prefix('?') {
            Some(code) => code.parse().ok(),
            None => ValType::from_name(text).map(ValType::code),
        }
    }
}

impl fmt::Display for OperandDisplay<u16> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}
impl fmt::Display for OperandDisplay<u32> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl fmt::Display for OperandDisplay<u64> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl fmt::Display for OperandDisplay<u8> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match ValType::from_code(self.0) {
            Some(t) => write!(f, "{t}"),
            None => write!(f, "?{}", self.0),
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.opcode().name())?;
        self.fmt_operands(f)
    }
}

/// Reads target `i` of the `BrTable` at `pc` (checked).
pub fn br_table_target(code: &[u8], pc: usize, i: usize) -> Option<Target> {
    let at = pc + ops::BrTable::SIZE + i * 4;
    code.get(at..at + 4).map(u32::read)
}

/// A translated function. Equality compares the translation, not the
/// tier-up counters (run-time state, reset by `Clone` too).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CompiledFunc {
    /// The bytecode.
    pub code: Vec<u8>,
    /// Number of parameters (slots `0..num_params`).
    pub num_params: u16,
    /// Parameters plus declared locals (slots `0..num_locals`).
    pub num_locals: u16,
    /// Total slots of a frame (locals and temporaries).
    pub num_slots: u16,
    /// Number of results, written to slots `0..num_results` on return.
    pub num_results: u16,
    /// Types of the parameters and locals, in slot order.
    pub local_types: Vec<ValType>,
    /// Constants, copied into slots `const_base..` when a frame starts.
    pub consts: Vec<crate::value::ValRaw>,
    /// First constant slot.
    pub const_base: u16,
    /// Calls (counted when a frame starts) and loop iterations (`HotLoop`).
    pub hot: HotCounters,
}

/// Tier-up counters of one function (shared by every instance of its module;
/// racy increments are fine, they only decide when to compile).
#[derive(Debug, Default)]
pub struct HotCounters {
    pub calls: core::sync::atomic::AtomicU32,
    pub loops: core::sync::atomic::AtomicU32,
    /// Which compilations have been requested (`HotCounters::ENTRY`,
    /// `HotCounters::OSR`): once asked, the interpreter only looks for the
    /// code, which costs no lock.
    pub asked: core::sync::atomic::AtomicU8,
}

impl HotCounters {
    /// The function's normal entry.
    pub const ENTRY: u8 = 1;
    /// The function's on-stack-replacement entry.
    pub const OSR: u8 = 2;

    /// Marks compilation `what` as requested; true the first time.
    pub fn ask(&self, what: u8) -> bool {
        self.asked.fetch_or(what, core::sync::atomic::Ordering::Relaxed) & what == 0
    }
}

impl Clone for HotCounters {
    fn clone(&self) -> Self {
        HotCounters::default()
    }
}

/// Counters are not part of what a function is: any two compare equal.
impl PartialEq for HotCounters {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Writes a readable listing of `func`'s code to `out`.
pub fn disassemble(func: &CompiledFunc, out: &mut impl fmt::Write) -> fmt::Result {
    writeln!(
        out,
        "  ; params={} locals={} slots={} results={} const_base={}",
        func.num_params, func.num_locals, func.num_slots, func.num_results, func.const_base
    )?;
    write!(out, "  ; types:")?;
    for t in &func.local_types {
        write!(out, " {t}")?;
    }
    writeln!(out)?;
    for (i, c) in func.consts.iter().enumerate() {
        writeln!(out, "  ; r{} = const {:#x}", func.const_base as usize + i, c.0)?;
    }
    let mut pc = 0;
    while pc < func.code.len() {
        match decode(&func.code, pc) {
            Ok((op, next)) => {
                write!(out, "  {pc:>6}: {op}")?;
                if let Op::BrTable { len, .. } = op {
                    write!(out, " [")?;
                    for i in 0..=len as usize {
                        let t = br_table_target(&func.code, pc, i).unwrap_or(u32::MAX);
                        write!(out, "{}{t}", if i == 0 { "" } else { " " })?;
                    }
                    write!(out, "]")?;
                }
                writeln!(out)?;
                pc = next;
            }
            Err(e) => {
                writeln!(out, "  {e}")?;
                break;
            }
        }
    }
    Ok(())
}

/// Rebuilds a function from its [`disassemble`] listing: the inverse of the
/// disassembler, so `assemble(disassemble(f)) == f` shows the listing loses
/// nothing. Fails on any line it cannot read, including decode errors.
pub fn assemble(listing: &str) -> Result<CompiledFunc, String> {
    let mut f = CompiledFunc::default();
    for (n, raw) in listing.lines().enumerate() {
        let bad = || format!("line {}: cannot assemble `{raw}`", n + 1);
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(header) = line.strip_prefix("; ") {
            if let Some(types) = header.strip_prefix("types:") {
                for name in types.split_whitespace() {
                    f.local_types.push(ValType::from_name(name).ok_or_else(bad)?);
                }
            } else if header.starts_with("params=") {
                let mut fields = header.split(' ').map(|kv| kv.split_once('=').and_then(|(_, v)| v.parse().ok()));
                for field in
                    [&mut f.num_params, &mut f.num_locals, &mut f.num_slots, &mut f.num_results, &mut f.const_base]
                {
                    *field = fields.next().flatten().ok_or_else(bad)?;
                }
            } else {
                let (slot, hex) = header.split_once(" = const 0x").ok_or_else(bad)?;
                let slot: usize = u16::parse(slot).ok_or_else(bad)?.into();
                if slot != f.const_base as usize + f.consts.len() {
                    return Err(bad());
                }
                f.consts.push(crate::value::ValRaw(u64::from_str_radix(hex, 16).map_err(|_| bad())?));
            }
            continue;
        }
        let (pc, text) = line.split_once(": ").ok_or_else(bad)?;
        if pc.parse::<usize>().ok() != Some(f.code.len()) {
            return Err(bad());
        }
        let (text, targets) = match text.split_once(" [") {
            Some((op, targets)) => (op, Some(targets.strip_suffix(']').ok_or_else(bad)?)),
            None => (text, None),
        };
        let op = parse_op(text).ok_or_else(bad)?;
        op.encode(&mut f.code);
        match (op, targets) {
            (Op::BrTable { len, .. }, Some(targets)) => {
                let mut count = 0usize;
                for t in targets.split(' ') {
                    u32::parse(t).ok_or_else(bad)?.write(&mut f.code);
                    count += 1;
                }
                if count != len as usize + 1 {
                    return Err(bad());
                }
            }
            (_, None) => {}
            _ => return Err(bad()),
        }
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_roundtrip() {
        let list = [
            Op::I32Add { dst: 3, lhs: 1, rhs: 2 },
            Op::Const64 { dst: 9, imm: 0x1234_5678_9abc_def0 },
            Op::Copy { dst: 1, src: 65535, ty: ValType::F64.code() },
            Op::CallIndirect { table: 2, sig: 7, index: 4, args: 5 },
            Op::Return {},
        ];
        let mut code = Vec::new();
        for op in &list {
            op.encode(&mut code);
        }
        let mut pc = 0;
        for op in &list {
            let (got, next) = decode(&code, pc).unwrap();
            assert_eq!(&got, op);
            assert_eq!(next - pc, op.size());
            pc = next;
        }
        assert_eq!(pc, code.len());
    }

    /// Every accumulator form has exactly its base op's operands (sizes,
    /// slot positions, field names), and the rewrite round-trips.
    #[test]
    fn acc_forms_mirror_their_base_ops() {
        let mut pairs = 0;
        for &base in Opcode::ALL {
            let Some(form) = base.acc_form() else { continue };
            pairs += 1;
            assert_eq!(form.acc.acc_base(), Some(base));
            assert_eq!(Op::size_of(form.acc), Op::size_of(base), "{}", base.name());
            assert_eq!(form.acc.slot_offsets(), base.slot_offsets(), "{}", base.name());
            assert_eq!(form.acc.name(), format!("{}A", base.name()));
            assert_eq!(base.acc_result(), form.acc.acc_result());
            // A reader (no result) reads its first slot and has no
            // register-result forms; the others read the first after `dst`.
            if base.acc_result().is_none() {
                assert_eq!(form.operand, 0, "{}", base.name());
                assert!(base.reg_form().is_none() && form.acc.reg_form().is_none());
                assert!(form.acc.reads_acc() && !base.reads_acc());
            } else {
                assert_eq!(form.operand, 1, "{}", base.name());
            }
            // The register-result forms mirror the op and its form.
            for (plain, reg) in [(base, base.reg_form()), (form.acc, form.acc.reg_form())] {
                if base.acc_result().is_none() {
                    continue;
                }
                let reg = reg.expect("every accumulator op has a register-result form");
                assert_eq!(reg.name(), format!("{}R", plain.name()));
                assert_eq!(reg.acc_base(), Some(base));
                assert_eq!(reg.acc_result(), base.acc_result());
                assert_eq!(Op::size_of(reg), Op::size_of(base));
                assert_eq!(reg.slot_offsets(), base.slot_offsets());
                assert_eq!(reg.reads_acc(), plain.reads_acc());
                assert!(!reg.writes_dst() && plain.writes_dst());
            }
            assert!(form.acc.reads_acc() && !base.reads_acc());
            // Operands 3, 4, 5, ... in every field; the accumulator is slot 3, 4 or 5.
            let size = Op::size_of(base);
            let mut code = (base as u16).to_le_bytes().to_vec();
            code.extend((0..size - OPCODE_SIZE).map(|i| if i % 2 == 0 { 3 + i as u8 / 2 } else { 0 }));
            if base == Opcode::BrTable {
                continue;
            }
            let (plain, _) = decode(&code, 0).expect("well-formed");
            let (offsets, _) = base.slot_offsets();
            let want = u16::from_le_bytes([code[offsets[form.operand] as usize], 0]);
            let mut acc = code.clone();
            assert!(to_acc_form(&mut acc, want, form.reads), "{}", base.name());
            let (op, _) = decode(&acc, 0).expect("well-formed");
            assert_eq!(op.opcode(), form.acc);
            assert_eq!(op.without_acc(), plain);
            let fields = |o: &Op| o.to_string().split_once(' ').map(|(_, f)| f.to_string());
            assert_eq!(fields(&op), fields(&plain));
            // A slot the op does not read is not the accumulator.
            assert!(!to_acc_form(&mut code.clone(), 999, form.reads));
            // Nor is a value in another accumulator.
            for bank in [AccBank::Int, AccBank::F32, AccBank::F64] {
                assert_eq!(to_acc_form(&mut code.clone(), want, bank), bank == form.reads, "{}", base.name());
            }
        }
        assert!(pairs > 100, "{pairs}");
        // The stores' value forms mirror the store too.
        let mut values = 0;
        for &base in Opcode::ALL {
            let Some((form, _)) = base.value_form() else { continue };
            values += 1;
            assert_eq!(form.acc_base(), Some(base));
            assert!(form.reads_acc() && form.acc_result().is_none());
            assert_eq!(Op::size_of(form), Op::size_of(base));
            assert_eq!(form.slot_offsets(), base.slot_offsets());
            assert_eq!(form.name(), format!("{}V", base.name()));
        }
        assert_eq!(values, 9);
        assert_eq!(Opcode::F64Store.value_form(), Some((Opcode::F64StoreV, AccBank::F64)));
        let mut code = Vec::new();
        Op::F64Store { addr: 4, value: 5, offset: 8 }.encode(&mut code);
        assert!(!to_value_form(&mut code, 4, AccBank::F64));
        assert!(!to_value_form(&mut code, 5, AccBank::Int));
        assert!(to_value_form(&mut code, 5, AccBank::F64));
        assert_eq!(decode(&code, 0).unwrap().0, Op::F64StoreV { addr: 4, value: 5, offset: 8 });
        // A branch reads its first operand.
        let mut code = Vec::new();
        Op::BrI32LtU { lhs: 4, rhs: 5, target: 9 }.encode(&mut code);
        assert!(!to_acc_form(&mut code, 5, AccBank::Int));
        assert!(to_acc_form(&mut code, 4, AccBank::Int));
        assert_eq!(decode(&code, 0).unwrap().0, Op::BrI32LtUA { lhs: 4, rhs: 5, target: 9 });
        // A commuting op swaps its operands to read the accumulator first.
        let mut code = Vec::new();
        Op::I32Add { dst: 1, lhs: 2, rhs: 3 }.encode(&mut code);
        assert!(to_acc_form(&mut code, 3, AccBank::Int));
        assert_eq!(decode(&code, 0).unwrap().0, Op::I32AddA { dst: 1, lhs: 3, rhs: 2 });
        // Float addition too, from the f64 accumulator only.
        let mut code = Vec::new();
        Op::F64Add { dst: 1, lhs: 2, rhs: 3 }.encode(&mut code);
        assert!(!to_acc_form(&mut code, 3, AccBank::Int));
        assert!(to_acc_form(&mut code, 3, AccBank::F64));
        assert_eq!(decode(&code, 0).unwrap().0, Op::F64AddA { dst: 1, lhs: 3, rhs: 2 });
        assert_eq!(Opcode::F64ConvertI32S.acc_form().map(|f| f.reads), Some(AccBank::Int));
        assert_eq!(Opcode::F64ConvertI32SA.acc_result(), Some(AccBank::F64));
        assert_eq!(Opcode::F64Sqrt.acc_result(), Some(AccBank::F64));
        assert_eq!(Opcode::F64Min.acc_result(), None);
        let mut code = Vec::new();
        Op::I32Sub { dst: 1, lhs: 2, rhs: 3 }.encode(&mut code);
        assert!(!to_acc_form(&mut code, 3, AccBank::Int), "i32.sub does not commute");
        assert_eq!(Op::I32Sub { dst: 1, lhs: 2, rhs: 3 }.without_acc(), Op::I32Sub { dst: 1, lhs: 2, rhs: 3 });
    }

    #[test]
    fn slot_offsets_follow_the_list() {
        // After the 2-byte opcode: dst at 2, lhs at 4, rhs at 6.
        assert_eq!(Opcode::I32Add.slot_offsets(), ([2, 4, 6, 0, 0, 0, 0, 0], 3));
        // Const64 { dst: Slot, imm: U64 }: one slot, at 2.
        assert_eq!(Opcode::Const64.slot_offsets(), ([2, 0, 0, 0, 0, 0, 0, 0], 1));
        // CallIndirect { table: U32, sig: U32, index: Slot, args: Slot }
        assert_eq!(Opcode::CallIndirect.slot_offsets(), ([10, 12, 0, 0, 0, 0, 0, 0], 2));
        assert_eq!(Opcode::Br.slot_offsets().1, 0);
    }

    #[test]
    fn decode_rejects_truncated_and_unknown() {
        let mut code = Vec::new();
        Op::I32Add { dst: 3, lhs: 1, rhs: 2 }.encode(&mut code);
        assert!(decode(&code[..3], 0).is_err());
        assert!(decode(&[0x01], 0).is_err());
        assert!(decode(&[0xff, 0xff], 0).is_err());
        assert!(decode(&(Opcode::ALL.len() as u16).to_le_bytes(), 0).is_err());
    }

    #[test]
    fn unchecked_read_matches_checked_decode() {
        let mut code = Vec::new();
        Op::I64AddImm { dst: 7, lhs: 8, imm: u64::MAX - 3 }.encode(&mut code);
        // SAFETY: `code` holds exactly one encoded I64AddImm.
        let o = unsafe { ops::I64AddImm::read(code.as_ptr()) };
        assert_eq!((o.dst, o.lhs, o.imm), (7, 8, u64::MAX - 3));
    }

    /// One encoded instruction of any kind with arbitrary operands (a
    /// `BrTable` gets a short, well-formed target list).
    fn any_instruction() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        (0..Opcode::ALL.len() as u16, proptest::collection::vec(any::<u8>(), 64), 0u32..6).prop_map(
            |(opcode, operands, table_len)| {
                let size = Op::size_of(Opcode::ALL[opcode as usize]);
                let mut code = opcode.to_le_bytes().to_vec();
                code.extend_from_slice(&operands[..size - OPCODE_SIZE]);
                if opcode == Opcode::BrTable as u16 {
                    // BrTable { index: Slot, len: U32 }: len follows the index.
                    let at = OPCODE_SIZE + 2;
                    code[at..at + 4].copy_from_slice(&table_len.to_le_bytes());
                    code.extend_from_slice(&operands[..4 * (table_len as usize + 1)]);
                }
                code
            },
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(if cfg!(miri) { 8 } else { 512 }))]

        /// Decode, re-encode and print-then-parse give back the same bytes
        /// and the same instruction, for every opcode and operand value.
        #[test]
        fn every_instruction_round_trips(code in any_instruction()) {
            let (op, next) = decode(&code, 0).expect("well-formed instruction");
            proptest::prop_assert_eq!(next, code.len());
            let mut again = Vec::new();
            op.encode(&mut again);
            proptest::prop_assert_eq!(&again[..], &code[..op.size()]);
            proptest::prop_assert_eq!(parse_op(&op.to_string()), Some(op));
        }

        /// A whole function survives disassemble -> assemble unchanged.
        #[test]
        fn listing_round_trips(
            body in proptest::collection::vec(any_instruction(), 0..24),
            counts in proptest::array::uniform5(proptest::prelude::any::<u16>()),
            types in proptest::collection::vec(0u8..6, 0..8),
            consts in proptest::collection::vec(proptest::prelude::any::<u64>(), 0..8),
        ) {
            let f = CompiledFunc {
                code: body.concat(),
                num_params: counts[0],
                num_locals: counts[1],
                num_slots: counts[2],
                num_results: counts[3],
                const_base: counts[4].min(u16::MAX - 8),
                local_types: types.into_iter().filter_map(ValType::from_code).collect(),
                consts: consts.into_iter().map(crate::value::ValRaw).collect(),
                hot: HotCounters::default(),
            };
            let mut text = String::new();
            disassemble(&f, &mut text).unwrap();
            let back = assemble(&text).map_err(proptest::test_runner::TestCaseError::fail)?;
            proptest::prop_assert_eq!(back, f);
        }
    }

    #[test]
    fn assemble_rejects_what_it_cannot_read() {
        assert!(assemble("  ; params=0 locals=0 slots=0 results=0 const_base=0\n  0: Nope").is_err());
        assert!(assemble("  5: Return").is_err(), "pc must match the code so far");
        assert!(assemble("  0: I32Add dst=r1, lhs=r2").is_err(), "missing operand");
        assert!(assemble("  0: I32Add dst=r1, lhs=r2, rhs=r3, x=r4").is_err(), "extra operand");
        assert!(assemble("  0: BrTable index=r1, len=1 [7]").is_err(), "too few targets");
        assert!(assemble("  invalid bytecode at 0").is_err());
    }

    #[test]
    fn disassembly_names_every_operand() {
        let mut f = CompiledFunc::default();
        Op::I32Load { dst: 2, addr: 0, offset: 16 }.encode(&mut f.code);
        let mut s = String::new();
        disassemble(&f, &mut s).unwrap();
        assert!(s.contains("I32Load dst=r2, addr=r0, offset=16"), "{s}");
    }
}
