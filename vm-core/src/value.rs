//! Value types and the untyped 64-bit slot (`ValRaw`) that every tier and the
//! array-call convention pass values in.

use crate::vmctx::VMFuncRef;
use core::fmt;

/// A WebAssembly value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    FuncRef,
    ExternRef,
    /// A 128-bit vector. It takes two consecutive `ValRaw` cells wherever
    /// values sit in memory (frames, argument buffers): low half first.
    V128,
}

impl ValType {
    /// Converts a wasmparser value type; `None` for types Tandem does not support.
    pub fn from_wasmparser(ty: wasmparser::ValType) -> Option<Self> {
        Some(match ty {
            wasmparser::ValType::I32 => ValType::I32,
            wasmparser::ValType::I64 => ValType::I64,
            wasmparser::ValType::F32 => ValType::F32,
            wasmparser::ValType::F64 => ValType::F64,
            wasmparser::ValType::V128 => ValType::V128,
            wasmparser::ValType::Ref(r) if r == wasmparser::RefType::FUNCREF => ValType::FuncRef,
            wasmparser::ValType::Ref(r) if r == wasmparser::RefType::EXTERNREF => ValType::ExternRef,
            _ => return None,
        })
    }

    /// Is this a reference type?
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }

    /// How many `ValRaw` cells a value of this type takes: 2 for `v128`
    /// (low half first), else 1.
    #[inline(always)]
    pub fn cells(self) -> usize {
        if self == ValType::V128 { 2 } else { 1 }
    }

    /// A one-byte code used in bytecode operands (`Ty` operand kind).
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The text-format name (`i32`, `funcref`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
            ValType::V128 => "v128",
        }
    }

    /// Inverse of [`ValType::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        (0..=u8::MAX).filter_map(ValType::from_code).find(|t| t.name() == name)
    }

    /// Inverse of [`ValType::code`].
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => ValType::I32,
            1 => ValType::I64,
            2 => ValType::F32,
            3 => ValType::F64,
            4 => ValType::FuncRef,
            5 => ValType::ExternRef,
            6 => ValType::V128,
            _ => return None,
        })
    }
}

/// The `Ty` operand code of a copy of a `v128`'s high cell: the
/// interpreter moves it like any cell; a compiler, which moves a `v128` as
/// a whole with its low cell, ignores it. Not a `ValType` code.
pub const V128_HI_CODE: u8 = 0x40;

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct FuncType {
    params: Box<[ValType]>,
    results: Box<[ValType]>,
}

impl FuncType {
    pub fn new(params: impl IntoIterator<Item = ValType>, results: impl IntoIterator<Item = ValType>) -> Self {
        FuncType { params: params.into_iter().collect(), results: results.into_iter().collect() }
    }
    pub fn params(&self) -> &[ValType] {
        &self.params
    }
    pub fn results(&self) -> &[ValType] {
        &self.results
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(func")?;
        if !self.params.is_empty() {
            write!(f, " (param")?;
            for p in self.params.iter() {
                write!(f, " {p}")?;
            }
            write!(f, ")")?;
        }
        if !self.results.is_empty() {
            write!(f, " (result")?;
            for r in self.results.iter() {
                write!(f, " {r}")?;
            }
            write!(f, ")")?;
        }
        write!(f, ")")
    }
}

/// One untyped value slot: the unit of the interpreter's value stack, of
/// globals' payload and of the array-call convention's argument buffer.
///
/// i32/f32 live in the low 32 bits (upper bits unspecified), i64/f64 use all
/// 64 bits, a funcref is the address of a `VMFuncRef` (0 = null; see
/// `ValRaw::funcref`), an externref is a store-local handle (0 = null).
#[derive(Clone, Copy, Default, PartialEq, Eq)]
#[repr(transparent)]
pub struct ValRaw(pub u64);

impl ValRaw {
    #[inline(always)]
    pub fn i32(v: i32) -> Self {
        ValRaw(v as u32 as u64)
    }
    #[inline(always)]
    pub fn i64(v: i64) -> Self {
        ValRaw(v as u64)
    }
    #[inline(always)]
    pub fn f32_bits(v: u32) -> Self {
        ValRaw(v as u64)
    }
    #[inline(always)]
    pub fn f64_bits(v: u64) -> Self {
        ValRaw(v)
    }
    #[inline(always)]
    pub fn get_i32(self) -> i32 {
        self.0 as u32 as i32
    }
    #[inline(always)]
    pub fn get_u32(self) -> u32 {
        self.0 as u32
    }
    #[inline(always)]
    pub fn get_i64(self) -> i64 {
        self.0 as i64
    }
    #[inline(always)]
    pub fn get_u64(self) -> u64 {
        self.0
    }
    #[inline(always)]
    pub fn get_f32(self) -> f32 {
        f32::from_bits(self.0 as u32)
    }
    #[inline(always)]
    pub fn get_f64(self) -> f64 {
        f64::from_bits(self.0)
    }
    /// A funcref (null is 0). The address's provenance is exposed, so
    /// `get_funcref` can turn it back into a usable pointer.
    #[inline(always)]
    pub fn funcref(f: *const VMFuncRef) -> Self {
        ValRaw(f.expose_provenance() as u64)
    }
    /// The funcref stored by `funcref` (null for 0).
    #[inline(always)]
    pub fn get_funcref(self) -> *const VMFuncRef {
        core::ptr::with_exposed_provenance(self.0 as usize)
    }
}

impl fmt::Debug for ValRaw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ValRaw({:#x})", self.0)
    }
}
