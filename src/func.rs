//! Functions: `Func`, `TypedFunc`, host functions (`Func::wrap`, `Func::new`)
//! and the `Caller` they receive.

use crate::errors::{Error, Result};
use crate::externals::Extern;
use crate::store::{AsContext, AsContextMut, StoreInner, check_store};
use crate::values::{ExternRef, FuncType, Val, ValType, cells_of, raw_funcref, v128_cells, v128_of};
use smallvec::{SmallVec, smallvec};
use std::marker::PhantomData;
use std::sync::Arc;
use tandem_vm_core::store::StoreOpaque;
use tandem_vm_core::value::ValRaw;
use tandem_vm_core::vmctx::{VMContext, VMFuncRef};

/// A function (wasm or host) in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Func {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

/// A host function before it is placed in a store.
pub(crate) type HostFn<T> = Arc<dyn Fn(Caller<'_, T>, &mut [ValRaw]) -> Result<()> + Send + Sync>;

/// Places `f` in the store as a host function.
pub(crate) fn host_func_in_store<T: 'static>(store: &mut StoreInner<T>, ty: FuncType, f: HostFn<T>) -> Func {
    let callback = Box::new(move |opaque: *mut StoreOpaque, caller: *mut VMContext, buf: &mut [ValRaw]| {
        // Host functions of a `Store<T>` are only created here, with that
        // store's `StoreInner<T>`, whose first field (repr(C)) is the
        // `StoreOpaque`: `opaque` (the store's home) is also a pointer to the
        // whole `StoreInner<T>`, alive while wasm calls out. `Caller` relies
        // on this.
        let store = opaque as *mut StoreInner<T>;
        f(Caller { store, vmctx: caller, _borrow: PhantomData }, buf).map_err(Error::into_host_error)
    });
    let index = store.opaque.add_host_func(ty, callback);
    Func { store_id: store.opaque.id, index }
}

/// Calls `funcref` with `buf` holding the arguments; results replace them.
///
/// `store` is the store's `home()`: wasm reaches the store through that same
/// pointer, so the caller must hold no reference into the store across this
/// call and must borrow it afresh afterwards.
pub(crate) fn call_raw(store: *mut StoreOpaque, funcref: *const VMFuncRef, buf: &mut [ValRaw]) -> Result<()> {
    // The outermost entry fixes how low the native stack may go: compiled
    // code checks it in every prologue, the interpreter on every re-entry.
    let here = tandem_vm_core::alloc::stack_pointer();
    // SAFETY: `store` is the live store's home and no reference to it is held.
    let (outermost, saved_depth) = unsafe {
        let opaque = &mut *store;
        let outermost = opaque.limits.stack_limit == 0;
        if outermost {
            opaque.limits.stack_limit = here.saturating_sub(opaque.max_native_stack).max(1);
        }
        (outermost, opaque.limits.depth_remaining)
    };
    // SAFETY: `funcref` belongs to this store (checked by the callers), `buf`
    // holds max(params, results) slots of its type, and from here until the
    // call returns the store is reached only through raw pointers.
    let ok = unsafe { ((*funcref).array_call)(funcref, core::ptr::null_mut(), buf.as_mut_ptr(), buf.len()) };
    // SAFETY: the call has returned; the store is ours again.
    unsafe {
        (*store).limits.depth_remaining = saved_depth;
        if outermost {
            (*store).limits.stack_limit = 0;
        }
    }
    if ok {
        Ok(())
    } else {
        // SAFETY: the call has returned; the store is ours again.
        Err(Error::from_pending(unsafe { (*store).take_pending() }))
    }
}

impl Func {
    /// A host function from a typed closure (optionally taking a `Caller` first).
    pub fn wrap<T: 'static, Params, Results>(
        mut store: impl AsContextMut<Data = T>,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        let (ty, hf) = f.into_func();
        host_func_in_store(store.as_context_mut(), ty, hf)
    }

    /// A host function with a dynamic signature.
    pub fn new<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Func {
        let hf = dynamic_host_fn(ty.clone(), f);
        host_func_in_store(store.as_context_mut(), ty, hf)
    }

    pub(crate) fn funcref(&self, store: &StoreOpaque) -> Result<*const VMFuncRef> {
        check_store(store, self.store_id)?;
        store.funcs.get(self.index as usize).map(|f| f.funcref).ok_or_else(|| Error::usage("unknown function"))
    }

    pub(crate) fn from_raw(raw: ValRaw, store: &mut StoreOpaque) -> Option<Func> {
        let f = raw_funcref(raw)?;
        // SAFETY: a non-null funcref value always points at a live record of this store.
        let sig = unsafe { (*f).sig };
        let ty = store.sigs.lookup(sig).unwrap_or_default();
        let index = store.register_func(f, &ty);
        Some(Func { store_id: store.id, index })
    }

    /// The function's type.
    pub fn ty(&self, store: impl AsContext) -> FuncType {
        let opaque = &store.as_context().opaque;
        match check_store(opaque, self.store_id) {
            Ok(()) => opaque.funcs.get(self.index as usize).map(|f| f.ty.clone()).unwrap_or_default(),
            Err(_) => FuncType::default(),
        }
    }

    /// Does a call of this function run compiled (JIT) code now? False for
    /// interpreted and host functions; in tiered mode it turns true once the
    /// function got hot.
    pub fn is_compiled(&self, store: impl AsContext) -> bool {
        let opaque = &store.as_context().opaque;
        match self.funcref(opaque) {
            // SAFETY: a funcref of this store (checked) is a live record.
            Ok(f) => unsafe { !(*f).wasm_call.is_null() },
            Err(_) => false,
        }
    }

    /// Calls the function; `results` must have room for its results.
    pub fn call(&self, mut store: impl AsContextMut, params: &[Val], results: &mut [Val]) -> Result<()> {
        let opaque = &mut store.as_context_mut().opaque;
        let funcref = self.funcref(opaque)?;
        let ty = &opaque.funcs[self.index as usize].ty;
        if params.len() != ty.params().len() {
            return Err(Error::type_error(format!("expected {} arguments, got {}", ty.params().len(), params.len())));
        }
        if results.len() != ty.results().len() {
            return Err(Error::type_error(format!(
                "expected room for {} results, got {}",
                ty.results().len(),
                results.len()
            )));
        }
        for (i, (p, want)) in params.iter().zip(ty.params()).enumerate() {
            p.check(opaque, *want, format_args!("argument {i}"))?;
        }
        // The result types, and the values, on the stack (no heap
        // allocation per call, as `TypedFunc::call`). A `v128` takes two
        // cells of the buffer.
        let result_types: SmallVec<[ValType; 8]> = ty.results().iter().copied().collect();
        let cells = cells_of(ty.params()).max(cells_of(&result_types)).max(1);
        let mut buf: SmallVec<[ValRaw; 8]> = smallvec![ValRaw(0); cells];
        let mut at = 0;
        for p in params {
            let n = p.ty().cells();
            buf[at..at + n].copy_from_slice(&p.to_cells(opaque)?[..n]);
            at += n;
        }
        call_raw(opaque.home(), funcref, &mut buf)?;
        let opaque = &mut store.as_context_mut().opaque;
        let mut at = 0;
        for (r, ty) in results.iter_mut().zip(result_types) {
            *r = Val::from_buf(&buf[at..], ty, opaque);
            at += ty.cells();
        }
        Ok(())
    }

    /// A statically typed view of this function.
    pub fn typed<P: WasmParams, R: WasmResults>(&self, store: impl AsContext) -> Result<TypedFunc<P, R>> {
        let ty = self.ty(&store);
        check_store(&store.as_context().opaque, self.store_id)?;
        // The Rust parameters must be valid wasm arguments (subtypes of the
        // parameters), the wasm results valid Rust results.
        let (params, results) = (P::valtypes(), R::valtypes());
        let fits = |sub: &[ValType], sup: &[ValType]| {
            sub.len() == sup.len() && sub.iter().zip(sup).all(|(a, b)| a.matches(*b))
        };
        if !fits(&params, ty.params()) || !fits(ty.results(), &results) {
            return Err(Error::type_error(format!(
                "function is {ty}, not {}",
                FuncType::new(P::valtypes(), R::valtypes())
            )));
        }
        Ok(TypedFunc { func: *self, _marker: PhantomData })
    }
}

impl Func {
    /// The raw adapter behind `Func::new`, shared with `Linker::func_new`.
    pub(crate) fn new_dynamic_adapter<T: 'static>(
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> HostFn<T> {
        dynamic_host_fn(ty, f)
    }
}

fn dynamic_host_fn<T: 'static>(
    ty: FuncType,
    f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
) -> HostFn<T> {
    Arc::new(move |caller: Caller<'_, T>, buf: &mut [ValRaw]| {
        let opaque = caller.home();
        let mut params = Vec::with_capacity(ty.params().len());
        let mut at = 0;
        for t in ty.params() {
            // SAFETY: the store outlives the call; this reference ends before
            // `caller` is handed to the closure.
            params.push(Val::from_buf(buf.get(at..).unwrap_or_default(), *t, unsafe { &mut *opaque }));
            at += t.cells();
        }
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        f(caller, &params, &mut results)?;
        let mut at = 0;
        for (i, (r, want)) in results.iter().zip(ty.results()).enumerate() {
            // SAFETY: `caller` was consumed; the store is reachable only via `opaque`.
            r.check(unsafe { &*opaque }, *want, format_args!("host result {i}"))?;
            // SAFETY: `caller` was consumed; the store is reachable only via `opaque`.
            let cells = r.to_cells(unsafe { &*opaque })?;
            let n = want.cells();
            if let Some(slots) = buf.get_mut(at..at + n) {
                slots.copy_from_slice(&cells[..n]);
            }
            at += n;
        }
        Ok(())
    })
}

/// The calling context a host function receives: the store and the calling instance.
pub struct Caller<'a, T> {
    /// The store's home pointer (not a reference: wasm called from this
    /// host function reaches the store through the same pointer, which
    /// would invalidate a reference held here).
    store: *mut StoreInner<T>,
    pub(crate) vmctx: *mut VMContext,
    _borrow: PhantomData<&'a mut StoreInner<T>>,
}

impl<T> Caller<'_, T> {
    fn store(&self) -> &StoreInner<T> {
        // SAFETY: the store outlives the host call that made this Caller,
        // and `&self` rules out a `&mut` made through it at the same time.
        unsafe { &*self.store }
    }
    fn store_mut(&mut self) -> &mut StoreInner<T> {
        // SAFETY: as above; `&mut self` makes this the only reference.
        unsafe { &mut *self.store }
    }
    /// The store's home pointer (`StoreInner` is `repr(C)` with its
    /// `StoreOpaque` first).
    fn home(&self) -> *mut StoreOpaque {
        self.store.cast()
    }
    pub fn data(&self) -> &T {
        &self.store().data
    }
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.store_mut().data
    }

    /// An export of the calling instance (e.g. its "memory").
    pub fn get_export(&mut self, name: &str) -> Option<Extern> {
        if self.vmctx.is_null() {
            return None;
        }
        // SAFETY: a non-null caller vmctx is the live VMContext of a wasm
        // instance of this store; its header names the instance.
        let id = unsafe { tandem_vm_core::store::InstanceData::of(self.vmctx.cast()) }.id;
        let instance = crate::instance::Instance { store_id: self.store().opaque.id, index: id };
        instance.get_export(self.store_mut(), name)
    }

    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.store_mut().set_fuel(fuel)
    }
    pub fn get_fuel(&self) -> Result<u64> {
        self.store().get_fuel()
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_context(&self) -> &StoreInner<T> {
        self.store()
    }
}
impl<T> AsContextMut for Caller<'_, T> {
    fn as_context_mut(&mut self) -> &mut StoreInner<T> {
        self.store_mut()
    }
}

/// A function with a statically known signature.
pub struct TypedFunc<P, R> {
    func: Func,
    _marker: PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, R> Copy for TypedFunc<P, R> {}

impl<P, R> std::fmt::Debug for TypedFunc<P, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedFunc").field("func", &self.func).finish()
    }
}

impl<P: WasmParams, R: WasmResults> TypedFunc<P, R> {
    pub fn func(&self) -> Func {
        self.func
    }

    pub fn call(&self, mut store: impl AsContextMut, params: P) -> Result<R> {
        let opaque = &mut store.as_context_mut().opaque;
        let funcref = self.func.funcref(opaque)?;
        // On the stack: a heap buffer per call was a third of the
        // instructions of a call of a small export (callgrind: 670 per
        // call of a two-argument add).
        let mut buf: SmallVec<[ValRaw; 8]> = smallvec![ValRaw(0); P::CELLS.max(R::CELLS).max(1)];
        params.into_raws(opaque, &mut buf)?;
        call_raw(opaque.home(), funcref, &mut buf)?;
        Ok(R::from_raws(&buf, &mut store.as_context_mut().opaque))
    }
}

/// A Rust type that is a wasm value type.
pub trait WasmTy: Sized + Send + 'static {
    /// How many cells of a call buffer a value takes (2 for `u128`, the
    /// `v128` type).
    #[doc(hidden)]
    const CELLS: usize = 1;
    fn valtype() -> ValType;
    /// Writes the value into the first `CELLS` of `cells` (as many as fit).
    #[doc(hidden)]
    fn into_cells(self, store: &StoreOpaque, cells: &mut [ValRaw]) -> Result<()>;
    /// Reads a value from the first `CELLS` of `cells` (zero where missing).
    #[doc(hidden)]
    fn from_cells(cells: &[ValRaw], store: &mut StoreOpaque) -> Self;
}

/// Stores a one-cell value at the start of `cells`.
fn put_cell(cells: &mut [ValRaw], raw: ValRaw) {
    if let Some(c) = cells.first_mut() {
        *c = raw;
    }
}

/// The first cell of `cells`, zero if there is none.
fn first_cell(cells: &[ValRaw]) -> ValRaw {
    cells.first().copied().unwrap_or_default()
}

macro_rules! wasm_ty_num {
    ($($t:ty => $vt:ident, |$v:ident| $to:expr, |$r:ident| $from:expr;)*) => {$(
        impl WasmTy for $t {
            fn valtype() -> ValType { ValType::$vt }
            fn into_cells(self, _: &StoreOpaque, cells: &mut [ValRaw]) -> Result<()> {
                let $v = self;
                put_cell(cells, $to);
                Ok(())
            }
            fn from_cells(cells: &[ValRaw], _: &mut StoreOpaque) -> Self { let $r = first_cell(cells); $from }
        }
    )*};
}
wasm_ty_num! {
    i32 => I32, |v| ValRaw::i32(v), |r| r.get_i32();
    u32 => I32, |v| ValRaw(v as u64), |r| r.get_u32();
    i64 => I64, |v| ValRaw::i64(v), |r| r.get_i64();
    u64 => I64, |v| ValRaw(v), |r| r.0;
    f32 => F32, |v| ValRaw::f32_bits(v.to_bits()), |r| r.get_f32();
    f64 => F64, |v| ValRaw::f64_bits(v.to_bits()), |r| r.get_f64();
}

/// `v128`, lane 0 in the low bits.
impl WasmTy for u128 {
    const CELLS: usize = 2;
    fn valtype() -> ValType {
        ValType::V128
    }
    fn into_cells(self, _: &StoreOpaque, cells: &mut [ValRaw]) -> Result<()> {
        for (c, half) in cells.iter_mut().zip(v128_cells(self)) {
            *c = half;
        }
        Ok(())
    }
    fn from_cells(cells: &[ValRaw], _: &mut StoreOpaque) -> Self {
        let cell = |i: usize| cells.get(i).copied().unwrap_or_default();
        v128_of(cell(0), cell(1))
    }
}

impl WasmTy for Option<Func> {
    fn valtype() -> ValType {
        ValType::FUNCREF
    }
    fn into_cells(self, store: &StoreOpaque, cells: &mut [ValRaw]) -> Result<()> {
        put_cell(cells, Val::FuncRef(self).to_raw(store)?);
        Ok(())
    }
    fn from_cells(cells: &[ValRaw], store: &mut StoreOpaque) -> Self {
        Func::from_raw(first_cell(cells), store)
    }
}

impl WasmTy for Option<ExternRef> {
    fn valtype() -> ValType {
        ValType::EXTERNREF
    }
    fn into_cells(self, store: &StoreOpaque, cells: &mut [ValRaw]) -> Result<()> {
        put_cell(cells, Val::ExternRef(self).to_raw(store)?);
        Ok(())
    }
    fn from_cells(cells: &[ValRaw], store: &mut StoreOpaque) -> Self {
        ExternRef::from_raw(first_cell(cells), store)
    }
}

/// A list of wasm values: `()`, one `WasmTy`, or a tuple of them.
pub trait WasmParams: Sized + Send + 'static {
    /// How many cells the values take in a call buffer.
    #[doc(hidden)]
    const CELLS: usize;
    fn valtypes() -> Vec<ValType>;
    #[doc(hidden)]
    fn into_raws(self, store: &StoreOpaque, buf: &mut [ValRaw]) -> Result<()>;
    #[doc(hidden)]
    fn from_raws(buf: &[ValRaw], store: &mut StoreOpaque) -> Self;
}

pub use WasmParams as WasmResults;

impl<A: WasmTy> WasmParams for A {
    const CELLS: usize = A::CELLS;
    fn valtypes() -> Vec<ValType> {
        vec![A::valtype()]
    }
    fn into_raws(self, store: &StoreOpaque, buf: &mut [ValRaw]) -> Result<()> {
        self.into_cells(store, buf)
    }
    fn from_raws(buf: &[ValRaw], store: &mut StoreOpaque) -> Self {
        A::from_cells(buf, store)
    }
}

macro_rules! wasm_params_tuple {
    ($($A:ident)*) => {
        #[allow(non_snake_case, unused_mut, unused_variables, unused_assignments, clippy::unused_unit, clippy::allow_attributes)]
        impl<$($A: WasmTy),*> WasmParams for ($($A,)*) {
            const CELLS: usize = 0 $(+ $A::CELLS)*;
            fn valtypes() -> Vec<ValType> {
                vec![$($A::valtype()),*]
            }
            fn into_raws(self, store: &StoreOpaque, buf: &mut [ValRaw]) -> Result<()> {
                let ($($A,)*) = self;
                let mut i = 0;
                $(
                    $A.into_cells(store, buf.get_mut(i..).unwrap_or_default())?;
                    i += $A::CELLS;
                )*
                Ok(())
            }
            fn from_raws(buf: &[ValRaw], store: &mut StoreOpaque) -> Self {
                let mut i = 0;
                $(
                    let $A = $A::from_cells(buf.get(i..).unwrap_or_default(), store);
                    i += $A::CELLS;
                )*
                ($($A,)*)
            }
        }
    };
}
wasm_params_tuple!();
wasm_params_tuple!(A1);
wasm_params_tuple!(A1 A2);
wasm_params_tuple!(A1 A2 A3);
wasm_params_tuple!(A1 A2 A3 A4);
wasm_params_tuple!(A1 A2 A3 A4 A5);
wasm_params_tuple!(A1 A2 A3 A4 A5 A6);
wasm_params_tuple!(A1 A2 A3 A4 A5 A6 A7);
wasm_params_tuple!(A1 A2 A3 A4 A5 A6 A7 A8);
wasm_params_tuple!(A1 A2 A3 A4 A5 A6 A7 A8 A9);
wasm_params_tuple!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10);

/// What a host closure may return: results, or `Result` of results.
pub trait WasmRet {
    fn valtypes() -> Vec<ValType>;
    #[doc(hidden)]
    fn store_results(self, store: &StoreOpaque, buf: &mut [ValRaw]) -> Result<()>;
}

impl<R: WasmResults> WasmRet for R {
    fn valtypes() -> Vec<ValType> {
        R::valtypes()
    }
    fn store_results(self, store: &StoreOpaque, buf: &mut [ValRaw]) -> Result<()> {
        self.into_raws(store, buf)
    }
}

impl<R: WasmResults> WasmRet for Result<R> {
    fn valtypes() -> Vec<ValType> {
        R::valtypes()
    }
    fn store_results(self, store: &StoreOpaque, buf: &mut [ValRaw]) -> Result<()> {
        self?.into_raws(store, buf)
    }
}

/// Marker for closures that take a `Caller` first.
pub struct WithCaller;

/// A Rust closure usable as a host function.
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_func(self) -> (FuncType, HostFn<T>);
}

macro_rules! into_func {
    ($($A:ident)*) => {
        #[allow(non_snake_case, unused_mut, unused_variables, unused_assignments, clippy::allow_attributes)]
        impl<T: 'static, F, $($A: WasmTy,)* R: WasmRet> IntoFunc<T, ($($A,)*), R> for F
        where
            F: Fn($($A),*) -> R + Send + Sync + 'static,
        {
            fn into_func(self) -> (FuncType, HostFn<T>) {
                let ty = FuncType::new(vec![$($A::valtype()),*], R::valtypes());
                let f: HostFn<T> = Arc::new(move |mut caller: Caller<'_, T>, buf: &mut [ValRaw]| {
                    let opaque = &mut caller.store_mut().opaque;
                    let mut i = 0;
                    $(
                        let $A = $A::from_cells(buf.get(i..).unwrap_or_default(), opaque);
                        i += $A::CELLS;
                    )*
                    let r = (self)($($A),*);
                    r.store_results(opaque, buf)
                });
                (ty, f)
            }
        }

        #[allow(non_snake_case, unused_mut, unused_variables, unused_assignments, clippy::allow_attributes)]
        impl<T: 'static, F, $($A: WasmTy,)* R: WasmRet> IntoFunc<T, (WithCaller, $($A,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($A),*) -> R + Send + Sync + 'static,
        {
            fn into_func(self) -> (FuncType, HostFn<T>) {
                let ty = FuncType::new(vec![$($A::valtype()),*], R::valtypes());
                let f: HostFn<T> = Arc::new(move |mut caller: Caller<'_, T>, buf: &mut [ValRaw]| {
                    let opaque = caller.home();
                    let mut i = 0;
                    $(
                        // SAFETY: the store is alive; this borrow ends at once.
                        let $A = $A::from_cells(buf.get(i..).unwrap_or_default(), unsafe { &mut *opaque });
                        i += $A::CELLS;
                    )*
                    let r = (self)(caller, $($A),*);
                    // SAFETY: `caller` was consumed by the closure; the store is
                    // alive and reachable only through `opaque` now.
                    r.store_results(unsafe { &*opaque }, buf)
                });
                (ty, f)
            }
        }
    };
}
into_func!();
into_func!(A1);
into_func!(A1 A2);
into_func!(A1 A2 A3);
into_func!(A1 A2 A3 A4);
into_func!(A1 A2 A3 A4 A5);
into_func!(A1 A2 A3 A4 A5 A6);
into_func!(A1 A2 A3 A4 A5 A6 A7);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9);
into_func!(A1 A2 A3 A4 A5 A6 A7 A8 A9 A10);
