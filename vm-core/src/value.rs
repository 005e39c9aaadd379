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
    /// A 128-bit vector. It takes two consecutive `ValRaw` cells wherever
    /// values sit in memory (frames, argument buffers): low half first.
    V128,
    /// A reference (`funcref`, `externref`, `(ref null $t)`, `(ref $t)`...).
    Ref(RefType),
}

/// What a reference points at.
///
/// `Concrete(i)` names a function type. Its index is relative to where the
/// type sits: inside a module's declarations (`ModuleEnv`) it is the
/// module's type index; everywhere else (the embedding API, stores,
/// imports and exports) it is the engine-wide signature id, the one a
/// `VMFuncRef` carries, so types from different modules compare by value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// Any function (`func`).
    Func,
    /// Any host reference (`extern`).
    Extern,
    /// No function: the type of `ref.null nofunc`, below every function type.
    NoFunc,
    /// No host reference: below `extern`.
    NoExtern,
    /// Functions of one type (see above for the index).
    Concrete(u32),
}

impl HeapType {
    /// Is this a function heap type (`func`, a concrete function type or
    /// `nofunc`)? Else it is `extern` or `noextern`.
    pub fn is_func(self) -> bool {
        !matches!(self, HeapType::Extern | HeapType::NoExtern)
    }

    /// Is `self` a subtype of `other`? Concrete types are final and have no
    /// declared supertypes (GC's `sub` is not supported), so a concrete type
    /// is below `func` and equal only to itself.
    pub fn matches(self, other: HeapType) -> bool {
        use HeapType::*;
        self == other
            || matches!(
                (self, other),
                (Concrete(_), Func) | (NoFunc, Func) | (NoFunc, Concrete(_)) | (NoExtern, Extern)
            )
    }
}

/// A reference type: a heap type and whether null is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RefType {
    // `HeapType` taken apart (`heap_type` puts it together): 8 bytes rather
    // than 12, so a `ValType` stays 8 bytes. `index` is 0 unless `kind` is
    // `CONCRETE`, so the derived equality is the types'.
    index: u32,
    kind: u8,
    nullable: bool,
}

const CONCRETE: u8 = 4;

// The translator copies value types constantly: 8 bytes, not 12 (with a
// whole `HeapType` inside, zstd's start-up took 164k more instructions).
const _: () = assert!(core::mem::size_of::<ValType>() == 8);

impl RefType {
    /// `funcref`, i.e. `(ref null func)`.
    pub const FUNCREF: RefType = RefType::new(true, HeapType::Func);
    /// `externref`, i.e. `(ref null extern)`.
    pub const EXTERNREF: RefType = RefType::new(true, HeapType::Extern);

    /// `(ref null heap)` if `nullable`, else `(ref heap)`.
    pub const fn new(nullable: bool, heap: HeapType) -> RefType {
        let (kind, index) = match heap {
            HeapType::Func => (0, 0),
            HeapType::Extern => (1, 0),
            HeapType::NoFunc => (2, 0),
            HeapType::NoExtern => (3, 0),
            HeapType::Concrete(i) => (CONCRETE, i),
        };
        RefType { index, kind, nullable }
    }
    /// Does the type include null?
    pub fn is_nullable(self) -> bool {
        self.nullable
    }
    /// What a non-null value of the type points at.
    pub fn heap_type(self) -> HeapType {
        match self.kind {
            0 => HeapType::Func,
            1 => HeapType::Extern,
            2 => HeapType::NoFunc,
            3 => HeapType::NoExtern,
            _ => HeapType::Concrete(self.index),
        }
    }
    /// Is `self` a subtype of `other` (a value of `self` is a valid `other`)?
    pub fn matches(self, other: RefType) -> bool {
        (!self.nullable || other.nullable) && self.heap_type().matches(other.heap_type())
    }
    /// Converts a wasmparser reference type; `None` for GC and exception
    /// heap types.
    pub fn from_wasmparser(r: wasmparser::RefType) -> Option<RefType> {
        use wasmparser::{AbstractHeapType as A, HeapType as H};
        let heap = match r.heap_type() {
            H::Abstract { shared: false, ty: A::Func } => HeapType::Func,
            H::Abstract { shared: false, ty: A::Extern } => HeapType::Extern,
            H::Abstract { shared: false, ty: A::NoFunc } => HeapType::NoFunc,
            H::Abstract { shared: false, ty: A::NoExtern } => HeapType::NoExtern,
            H::Concrete(wasmparser::UnpackedIndex::Module(i)) => HeapType::Concrete(i),
            _ => return None,
        };
        Some(RefType::new(r.is_nullable(), heap))
    }
    /// The same type with its concrete index mapped by `f` (module type
    /// index to engine signature id, say).
    pub fn map_index(self, f: impl FnOnce(u32) -> u32) -> RefType {
        match self.heap_type() {
            HeapType::Concrete(i) => RefType { index: f(i), ..self },
            _ => self,
        }
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.nullable, self.heap_type()) {
            (true, HeapType::Func) => f.write_str("funcref"),
            (true, HeapType::Extern) => f.write_str("externref"),
            (true, HeapType::NoFunc) => f.write_str("nullfuncref"),
            (true, HeapType::NoExtern) => f.write_str("nullexternref"),
            (nullable, heap) => {
                f.write_str(if nullable { "(ref null " } else { "(ref " })?;
                match heap {
                    HeapType::Func => f.write_str("func")?,
                    HeapType::Extern => f.write_str("extern")?,
                    HeapType::NoFunc => f.write_str("nofunc")?,
                    HeapType::NoExtern => f.write_str("noextern")?,
                    HeapType::Concrete(i) => write!(f, "{i}")?,
                }
                f.write_str(")")
            }
        }
    }
}

impl ValType {
    /// `funcref`.
    pub const FUNCREF: ValType = ValType::Ref(RefType::FUNCREF);
    /// `externref`.
    pub const EXTERNREF: ValType = ValType::Ref(RefType::EXTERNREF);

    /// Converts a wasmparser value type; `None` for types Tandem does not
    /// support. Concrete heap types keep the module's type index.
    pub fn from_wasmparser(ty: wasmparser::ValType) -> Option<Self> {
        Some(match ty {
            wasmparser::ValType::I32 => ValType::I32,
            wasmparser::ValType::I64 => ValType::I64,
            wasmparser::ValType::F32 => ValType::F32,
            wasmparser::ValType::F64 => ValType::F64,
            wasmparser::ValType::V128 => ValType::V128,
            wasmparser::ValType::Ref(r) => ValType::Ref(RefType::from_wasmparser(r)?),
        })
    }

    /// Is this a reference type?
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::Ref(_))
    }

    /// Is `self` a subtype of `other` (equal, or references that match)?
    pub fn matches(self, other: ValType) -> bool {
        match (self, other) {
            (ValType::Ref(a), ValType::Ref(b)) => a.matches(b),
            (a, b) => a == b,
        }
    }

    /// The same type with a concrete reference's index mapped by `f`.
    pub fn map_index(self, f: impl FnOnce(u32) -> u32) -> ValType {
        match self {
            ValType::Ref(r) => ValType::Ref(r.map_index(f)),
            t => t,
        }
    }

    /// How many `ValRaw` cells a value of this type takes: 2 for `v128`
    /// (low half first), else 1.
    #[inline(always)]
    pub fn cells(self) -> usize {
        if self == ValType::V128 { 2 } else { 1 }
    }

    /// A one-byte code used in bytecode operands (`Ty` operand kind). It
    /// names how a value is held, not its full type: every function
    /// reference has the code of `funcref`, every host reference that of
    /// `externref`.
    pub fn code(self) -> u8 {
        match self {
            ValType::I32 => 0,
            ValType::I64 => 1,
            ValType::F32 => 2,
            ValType::F64 => 3,
            ValType::Ref(r) if r.heap_type().is_func() => 4,
            ValType::Ref(_) => 5,
            ValType::V128 => 6,
        }
    }

    /// The type that holds a value of `self` at run time (what `code`
    /// names): references become `funcref` or `externref`.
    pub fn storage(self) -> ValType {
        ValType::from_code(self.code()).unwrap_or(self)
    }

    /// Inverse of `Display` for the types `code` names (`i32`, `funcref`...).
    pub fn from_name(name: &str) -> Option<Self> {
        (0..=u8::MAX).filter_map(ValType::from_code).find(|t| t.to_string() == name)
    }

    /// Inverse of [`ValType::code`].
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => ValType::I32,
            1 => ValType::I64,
            2 => ValType::F32,
            3 => ValType::F64,
            4 => ValType::FUNCREF,
            5 => ValType::EXTERNREF,
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
        match self {
            ValType::I32 => f.write_str("i32"),
            ValType::I64 => f.write_str("i64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::V128 => f.write_str("v128"),
            ValType::Ref(r) => r.fmt(f),
        }
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
    /// The same signature with every concrete reference's index mapped by `f`.
    pub fn map_indices(&self, mut f: impl FnMut(u32) -> u32) -> FuncType {
        let mut map = |t: &ValType| t.map_index(&mut f);
        FuncType {
            params: self.params.iter().map(&mut map).collect(),
            results: self.results.iter().map(&mut map).collect(),
        }
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
