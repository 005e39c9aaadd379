//! Operand kinds: how each is encoded, printed and parsed back.

use crate::value::ValType;
use core::fmt;

/// A frame-relative value slot: an index into the function's register
/// file (parameters, locals, constants, then temporaries).
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot(pub u16);
/// A 32-bit index, offset or immediate.
pub type U32 = u32;
/// A 64-bit immediate.
pub type U64 = u64;
/// An absolute code position: a byte offset into the function's code.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target(pub u32);
/// A `ValType` code.
pub type Ty = u8;
/// A 16-byte immediate: a `v128` constant or a shuffle's lane indices.
pub type V128 = u128;
/// A lane index of a `v128`.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lane(pub u8);

/// Which memory a memory op accesses, whether the memory's addresses are
/// 64-bit (memory64) and whether its pages are single bytes (custom page
/// sizes; else 64 KiB): the index in the low 30 bits, the flags in the top
/// two. (Validation limits a module to far fewer memories.)
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MemRef(pub u32);

impl MemRef {
    /// Memory 0, 32-bit, 64 KiB pages.
    pub const ZERO: MemRef = MemRef(0);
    const WIDE: u32 = 1 << 31;
    const BYTE_PAGES: u32 = 1 << 30;

    /// Memory `index`, with 64-bit addresses when `is64`, and pages of
    /// `2^page_size_log2` bytes (16, or 0: the two sizes there are); `None`
    /// past the encodable indices or for another page size.
    pub const fn new(index: u32, is64: bool, page_size_log2: u8) -> Option<MemRef> {
        let default = crate::module_env::MemoryType::DEFAULT_PAGE_SIZE_LOG2;
        if index >= Self::BYTE_PAGES || (page_size_log2 != 0 && page_size_log2 != default) {
            return None;
        }
        let wide = if is64 { Self::WIDE } else { 0 };
        let bytes = if page_size_log2 == 0 { Self::BYTE_PAGES } else { 0 };
        Some(MemRef(index | wide | bytes))
    }

    /// The memory's index in its module.
    #[inline(always)]
    pub const fn index(self) -> u32 {
        self.0 & !(Self::WIDE | Self::BYTE_PAGES)
    }

    /// The log2 of the memory's page size in bytes (16, or 0).
    #[inline(always)]
    pub const fn page_size_log2(self) -> u32 {
        if self.0 & Self::BYTE_PAGES != 0 { 0 } else { crate::module_env::MemoryType::DEFAULT_PAGE_SIZE_LOG2 as u32 }
    }

    /// Are the memory's addresses 64-bit?
    #[inline(always)]
    pub const fn is64(self) -> bool {
        self.0 & Self::WIDE != 0
    }

    /// Is `memory.copy`'s length from memory `src` to memory `dst` an
    /// `i64`? Only between two 64-bit memories (else the narrower type).
    pub const fn copy_length_is64(dst: MemRef, src: MemRef) -> bool {
        dst.is64() && src.is64()
    }

    /// The type of the memory's addresses, lengths and page counts.
    pub const fn index_type(self) -> ValType {
        if self.is64() { ValType::I64 } else { ValType::I32 }
    }
}

/// Bytes of an opcode: a little-endian `u16`, so the list can outgrow 256
/// instructions (the accumulator forms did).
pub const OPCODE_SIZE: usize = 2;

/// An operand kind: fixed width, little endian. Which operands are slots
/// comes from the op description (`Opcode::slot_offsets`), not from here.
pub trait Operand: Copy {
    const SIZE: usize;
    fn write(self, out: &mut Vec<u8>);
    /// Stores `self` at `buf[*at..]` and advances `at` past it.
    fn put(self, buf: &mut [u8], at: &mut usize);
    fn read(bytes: &[u8]) -> Self;
}

macro_rules! impl_operand {
    ($($t:ty),*) => {$(
        impl Operand for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
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
impl_operand!(u8, u16, u32, u64, u128);

/// Newtype operands encode as the integer they wrap.
macro_rules! impl_newtype_operand {
    ($($t:ident($inner:ty)),*) => {$(
        impl Operand for $t {
            const SIZE: usize = <$inner as Operand>::SIZE;
            #[inline(always)]
            fn write(self, out: &mut Vec<u8>) {
                self.0.write(out)
            }
            #[inline(always)]
            fn put(self, buf: &mut [u8], at: &mut usize) {
                self.0.put(buf, at)
            }
            #[inline(always)]
            fn read(bytes: &[u8]) -> Self {
                $t(<$inner>::read(bytes))
            }
        }
    )*};
}
impl_newtype_operand!(Slot(u16), Target(u32), Lane(u8), MemRef(u32));

impl Slot {
    /// The slot's index in the register file.
    #[inline(always)]
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

impl Target {
    /// The code position as a byte offset.
    #[inline(always)]
    pub const fn pos(self) -> usize {
        self.0 as usize
    }
}

/// How the disassembler prints an operand (`Op`'s `Display`).
pub(super) struct OperandDisplay<T>(pub(super) T);

impl<T: OperandText> fmt::Display for OperandDisplay<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.show(f)
    }
}

/// The disassembly text of an operand kind, both ways.
pub(super) trait OperandText: Copy + Sized {
    fn show(self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    fn parse(text: &str) -> Option<Self>;
}

impl OperandText for Slot {
    fn show(self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
    fn parse(text: &str) -> Option<Self> {
        text.strip_prefix('r')?.parse().ok().map(Slot)
    }
}
impl OperandText for Target {
    fn show(self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
    fn parse(text: &str) -> Option<Self> {
        text.parse().ok().map(Target)
    }
}
impl OperandText for Lane {
    fn show(self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
    fn parse(text: &str) -> Option<Self> {
        text.parse().ok().map(Lane)
    }
}
/// `m1`, with `:64` for a 64-bit memory and `:b` for one of byte pages
/// (`m1:64:b`).
impl OperandText for MemRef {
    fn show(self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let wide = if self.is64() { ":64" } else { "" };
        let bytes = if self.page_size_log2() == 0 { ":b" } else { "" };
        write!(f, "m{}{wide}{bytes}", self.index())
    }
    fn parse(text: &str) -> Option<Self> {
        let text = text.strip_prefix('m')?;
        let (text, bytes) = text.strip_suffix(":b").map_or((text, false), |t| (t, true));
        let (text, wide) = text.strip_suffix(":64").map_or((text, false), |t| (t, true));
        MemRef::new(
            text.parse().ok()?,
            wide,
            if bytes { 0 } else { crate::module_env::MemoryType::DEFAULT_PAGE_SIZE_LOG2 },
        )
    }
}
/// Plain integers print as numbers.
macro_rules! integer_text {
    ($($t:ty),*) => {$(
        impl OperandText for $t {
            fn show(self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{self}")
            }
            fn parse(text: &str) -> Option<Self> {
                text.parse().ok()
            }
        }
    )*};
}
integer_text!(u32, u64);
/// A `v128` immediate prints as 32 hex digits.
impl OperandText for u128 {
    fn show(self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:#034x}")
    }
    fn parse(text: &str) -> Option<Self> {
        u128::from_str_radix(text.strip_prefix("0x")?, 16).ok()
    }
}
/// A type code prints as the type's name (`?code` if it names none).
impl OperandText for u8 {
    fn show(self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match ValType::from_code(self) {
            Some(t) => write!(f, "{t}"),
            None => write!(f, "?{self}"),
        }
    }
    fn parse(text: &str) -> Option<Self> {
        match text.strip_prefix('?') {
            Some(code) => code.parse().ok(),
            None => ValType::from_name(text).map(ValType::code),
        }
    }
}

/// The slot `n` places after `self` (a call's arguments and results sit in
/// consecutive slots).
impl core::ops::Add<u16> for Slot {
    type Output = Slot;
    #[inline(always)]
    fn add(self, n: u16) -> Slot {
        Slot(self.0 + n)
    }
}
