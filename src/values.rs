//! `Val`, `ExternRef` and the conversions between API values and raw slots.

use crate::errors::{Error, Result};
use crate::func::Func;
use crate::store::{AsContext, AsContextMut};
use tandem_vm_core::store::StoreOpaque;
use tandem_vm_core::value::ValRaw;
pub use tandem_vm_core::value::{FuncType, HeapType, RefType, ValType};
use tandem_vm_core::vmctx::VMFuncRef;

/// A wasm value. Floats are kept as bits so NaN payloads survive.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    FuncRef(Option<Func>),
    ExternRef(Option<ExternRef>),
    /// A 128-bit vector, lane 0 in the low bits (`Config::wasm_simd`).
    V128(u128),
}

impl Val {
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::FuncRef(_) => ValType::FUNCREF,
            Val::ExternRef(_) => ValType::EXTERNREF,
            Val::V128(_) => ValType::V128,
        }
    }
    pub fn i32(&self) -> Option<i32> {
        if let Val::I32(v) = self { Some(*v) } else { None }
    }
    pub fn i64(&self) -> Option<i64> {
        if let Val::I64(v) = self { Some(*v) } else { None }
    }
    pub fn f32(&self) -> Option<f32> {
        if let Val::F32(v) = self { Some(f32::from_bits(*v)) } else { None }
    }
    pub fn f64(&self) -> Option<f64> {
        if let Val::F64(v) = self { Some(f64::from_bits(*v)) } else { None }
    }
    /// The zero (or null) value of `ty`.
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::Ref(r) if r.heap_type().is_func() => Val::FuncRef(None),
            ValType::Ref(_) => Val::ExternRef(None),
            ValType::V128 => Val::V128(0),
        }
    }

    /// Is this value of type `ty` (or a subtype)? A function's type is its
    /// signature: it matches `funcref`, `(ref func)` and `(ref $t)` of its
    /// own signature id (see `HeapType::Concrete`); null matches the
    /// nullable types of its kind.
    pub fn matches_ty(&self, store: impl AsContext, ty: ValType) -> bool {
        self.matches(&store.as_context().opaque, ty)
    }

    pub(crate) fn matches(&self, store: &StoreOpaque, ty: ValType) -> bool {
        let ValType::Ref(r) = ty else { return self.ty() == ty };
        let (null, func) = match self {
            Val::FuncRef(f) => (f.is_none(), true),
            Val::ExternRef(e) => (e.is_none(), false),
            _ => return false,
        };
        if func != r.heap_type().is_func() {
            return false;
        }
        if null {
            return r.is_nullable();
        }
        match (self, r.heap_type()) {
            (_, HeapType::Func | HeapType::Extern) => true,
            (Val::FuncRef(Some(f)), HeapType::Concrete(sig)) => {
                // SAFETY: a funcref of this store points at a live record.
                f.funcref(store).is_ok_and(|p| unsafe { (*p).sig } == sig)
            }
            _ => false,
        }
    }

    /// `Error` unless the value matches `ty` (`what` says where it goes).
    pub(crate) fn check(&self, store: &StoreOpaque, ty: ValType, what: impl std::fmt::Display) -> Result<()> {
        if self.matches(store, ty) {
            return Ok(());
        }
        let got = match self {
            Val::FuncRef(None) | Val::ExternRef(None) => format!("null {}", self.ty()),
            v => v.ty().to_string(),
        };
        Err(Error::type_error(format!("{what}: expected {ty}, got {got}")))
    }

    /// The value in the cells it takes in a call buffer or a global:
    /// `ty().cells()` of the two, the second only for a `v128`.
    pub(crate) fn to_cells(self, store: &StoreOpaque) -> Result<[ValRaw; 2]> {
        Ok(match self {
            Val::V128(v) => v128_cells(v),
            one => [one.to_raw(store)?, ValRaw(0)],
        })
    }

    /// The value in one cell, for tables (whose elements are references).
    pub(crate) fn to_raw(self, store: &StoreOpaque) -> Result<ValRaw> {
        Ok(match self {
            Val::I32(v) => ValRaw::i32(v),
            Val::I64(v) => ValRaw::i64(v),
            Val::F32(v) => ValRaw::f32_bits(v),
            Val::F64(v) => ValRaw::f64_bits(v),
            Val::FuncRef(None) | Val::ExternRef(None) => ValRaw(0),
            Val::FuncRef(Some(f)) => ValRaw::funcref(f.funcref(store)?),
            Val::ExternRef(Some(r)) => {
                crate::store::check_store(store, r.store_id)?;
                ValRaw(r.index as u64 + 1)
            }
            Val::V128(_) => return Err(Error::type_error("a v128 does not fit one cell")),
        })
    }

    /// The value of type `ty` in one cell (a table element).
    pub(crate) fn from_raw(raw: ValRaw, ty: ValType, store: &mut StoreOpaque) -> Val {
        Val::from_cells(raw, ValRaw(0), ty, store)
    }

    /// The value of type `ty` at the start of `cells` (a call buffer);
    /// missing cells read as zero.
    pub(crate) fn from_buf(cells: &[ValRaw], ty: ValType, store: &mut StoreOpaque) -> Val {
        let cell = |i: usize| cells.get(i).copied().unwrap_or_default();
        Val::from_cells(cell(0), cell(1), ty, store)
    }

    /// The value of type `ty` in cells `lo` and `hi` (the second only
    /// matters for a `v128`).
    pub(crate) fn from_cells(raw: ValRaw, hi: ValRaw, ty: ValType, store: &mut StoreOpaque) -> Val {
        match ty {
            ValType::I32 => Val::I32(raw.get_i32()),
            ValType::I64 => Val::I64(raw.get_i64()),
            ValType::F32 => Val::F32(raw.get_u32()),
            ValType::F64 => Val::F64(raw.0),
            ValType::Ref(r) if r.heap_type().is_func() => Val::FuncRef(Func::from_raw(raw, store)),
            ValType::Ref(_) => Val::ExternRef(ExternRef::from_raw(raw, store)),
            ValType::V128 => Val::V128(v128_of(raw, hi)),
        }
    }
}

/// The two cells of a `v128`, low half first.
pub(crate) fn v128_cells(v: u128) -> [ValRaw; 2] {
    [ValRaw(v as u64), ValRaw((v >> 64) as u64)]
}

/// The `v128` in cells `lo` and `hi`.
pub(crate) fn v128_of(lo: ValRaw, hi: ValRaw) -> u128 {
    ((hi.0 as u128) << 64) | lo.0 as u128
}

/// How many cells the values of `types` take in a call buffer.
pub(crate) fn cells_of(types: &[ValType]) -> usize {
    types.iter().map(|t| t.cells()).sum()
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}
impl From<u128> for Val {
    fn from(v: u128) -> Val {
        Val::V128(v)
    }
}

/// An opaque host reference passed to wasm as `externref`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExternRef {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl ExternRef {
    /// Wraps `value` in a new reference owned by the store.
    pub fn new<T>(mut store: impl AsContextMut<Data = T>, value: impl std::any::Any + Send + Sync) -> ExternRef {
        let opaque = &mut store.as_context_mut().opaque;
        opaque.externrefs.push(Box::new(value));
        ExternRef { store_id: opaque.id, index: opaque.externrefs.len() as u32 - 1 }
    }

    /// The value this reference wraps.
    pub fn data<'a, T: 'a>(
        &self,
        store: &'a impl AsContext<Data = T>,
    ) -> Result<&'a (dyn std::any::Any + Send + Sync)> {
        let opaque = &store.as_context().opaque;
        crate::store::check_store(opaque, self.store_id)?;
        opaque.externrefs.get(self.index as usize).map(|b| &**b).ok_or_else(|| Error::usage("dangling externref"))
    }

    pub(crate) fn from_raw(raw: ValRaw, store: &StoreOpaque) -> Option<ExternRef> {
        if raw.0 == 0 {
            return None;
        }
        Some(ExternRef { store_id: store.id, index: (raw.0 - 1) as u32 })
    }
}

/// The funcref record of a raw funcref value, if not null.
pub(crate) fn raw_funcref(raw: ValRaw) -> Option<*const VMFuncRef> {
    let f = raw.get_funcref();
    (!f.is_null()).then_some(f)
}
