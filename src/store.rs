//! `Store<T>`: owns all wasm objects and the host's data `T`.
//! The type-erased part (`StoreOpaque`) lives in vm-core so the executor is
//! compiled once, not once per `T`.

use crate::engine::{Engine, next_id};
use crate::errors::{Error, Result};
use std::ptr::NonNull;
use tandem_vm_core::store::{ResourceLimiter, StoreLimits, StoreOpaque};

/// The store's state. `opaque` comes first so a `*mut StoreOpaque` handed to
/// host functions can be cast back to `*mut StoreInner<T>`.
#[repr(C)]
pub struct StoreInner<T> {
    pub(crate) opaque: StoreOpaque,
    pub(crate) engine: Engine,
    pub(crate) data: T,
}

/// A collection of instances and the host data `T` they run with.
pub struct Store<T> {
    /// From `Box::into_raw`, freed on drop. Not a `Box`: every `&mut Box`
    /// use would assert unique access to the whole store and so invalidate
    /// the pointers VMContexts and host functions hold (`StoreOpaque::home`,
    /// derived from this one); references made from this pointer do not.
    inner: NonNull<StoreInner<T>>,
}

// SAFETY: `Store<T>` owns its `StoreInner<T>` as a `Box` would; that is Send
// when `T` is (the store's raw pointers are its own allocations).
unsafe impl<T: Send> Send for Store<T> {}

impl<T> Drop for Store<T> {
    fn drop(&mut self) {
        // SAFETY: `inner` came from `Box::into_raw` and is freed only here.
        drop(unsafe { Box::from_raw(self.inner.as_ptr()) });
    }
}

impl<T> std::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("id", &self.inner().opaque.id).finish()
    }
}

impl<T> Store<T> {
    pub fn new(engine: &Engine, data: T) -> Self {
        let cfg = engine.config();
        let opaque = StoreOpaque::new(
            next_id(),
            engine.inner.id,
            engine.inner.sigs.clone(),
            cfg.consume_fuel,
            cfg.max_call_depth,
            cfg.max_stack_slots,
        );
        let mut opaque = opaque;
        opaque.max_native_stack = cfg.max_native_stack;
        opaque.loop_dispatch = cfg.portable_dispatch;
        #[cfg(feature = "jit")]
        if let Some(hook) = &engine.inner.tier_up {
            opaque.tier_up = Some(hook.clone());
            opaque.call_threshold = cfg.call_threshold;
            opaque.loop_threshold = cfg.loop_threshold;
        }
        let inner = Box::into_raw(Box::new(StoreInner { opaque, engine: engine.clone(), data }));
        // SAFETY: `inner` is the fresh allocation, owned by the store from
        // here on; `home` is derived from it without a reference in between.
        unsafe { (*inner).opaque.set_home(&raw mut (*inner).opaque) };
        // SAFETY: `Box::into_raw` never returns null.
        Store { inner: unsafe { NonNull::new_unchecked(inner) } }
    }

    fn inner(&self) -> &StoreInner<T> {
        // SAFETY: `inner` is live while the store is; `&self` rules out a
        // `&mut` made through this store at the same time.
        unsafe { self.inner.as_ref() }
    }

    fn inner_mut(&mut self) -> &mut StoreInner<T> {
        // SAFETY: as above; `&mut self` makes this the only reference.
        unsafe { self.inner.as_mut() }
    }

    pub fn engine(&self) -> &Engine {
        &self.inner().engine
    }
    pub fn data(&self) -> &T {
        &self.inner().data
    }
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.inner_mut().data
    }
    pub fn into_data(self) -> T {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `inner` came from `Box::into_raw`; `this` is never dropped,
        // so the allocation is taken back exactly once.
        unsafe { Box::from_raw(this.inner.as_ptr()) }.data
    }

    /// Sets the fuel left (requires `Config::consume_fuel`).
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.inner_mut().set_fuel(fuel)
    }

    /// The fuel left (requires `Config::consume_fuel`).
    pub fn get_fuel(&self) -> Result<u64> {
        self.inner().get_fuel()
    }

    /// Limits memory and table sizes and counts of this store.
    pub fn limits(&mut self, limits: StoreLimits) {
        self.inner_mut().opaque.resource_limits = limits;
    }

    /// Installs a limiter asked before every memory or table growth.
    pub fn limiter(&mut self, limiter: impl ResourceLimiter + 'static) {
        self.inner_mut().opaque.limiter = Some(Box::new(limiter));
    }
}

impl<T> StoreInner<T> {
    pub(crate) fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        if !self.opaque.fuel_enabled {
            return Err(Error::usage("fuel is not enabled: use Config::consume_fuel(true)"));
        }
        self.opaque.limits.fuel = fuel;
        Ok(())
    }
    pub(crate) fn get_fuel(&self) -> Result<u64> {
        if !self.opaque.fuel_enabled {
            return Err(Error::usage("fuel is not enabled: use Config::consume_fuel(true)"));
        }
        Ok(self.opaque.limits.fuel)
    }
    pub fn data(&self) -> &T {
        &self.data
    }
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }
}

/// Read access to a store (a `Store`, a `Caller`, or a reference to one).
pub trait AsContext {
    type Data;
    fn as_context(&self) -> &StoreInner<Self::Data>;
}

/// Write access to a store.
pub trait AsContextMut: AsContext {
    fn as_context_mut(&mut self) -> &mut StoreInner<Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_context(&self) -> &StoreInner<T> {
        self.inner()
    }
}
impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> &mut StoreInner<T> {
        self.inner_mut()
    }
}
impl<T> AsContext for StoreInner<T> {
    type Data = T;
    fn as_context(&self) -> &StoreInner<T> {
        self
    }
}
impl<T> AsContextMut for StoreInner<T> {
    fn as_context_mut(&mut self) -> &mut StoreInner<T> {
        self
    }
}
impl<C: AsContext + ?Sized> AsContext for &C {
    type Data = C::Data;
    fn as_context(&self) -> &StoreInner<C::Data> {
        (**self).as_context()
    }
}
impl<C: AsContext + ?Sized> AsContext for &mut C {
    type Data = C::Data;
    fn as_context(&self) -> &StoreInner<C::Data> {
        (**self).as_context()
    }
}
impl<C: AsContextMut + ?Sized> AsContextMut for &mut C {
    fn as_context_mut(&mut self) -> &mut StoreInner<C::Data> {
        (**self).as_context_mut()
    }
}

/// Checks that an object belongs to this store.
pub(crate) fn check_store(opaque: &StoreOpaque, store_id: u64) -> Result<()> {
    if opaque.id != store_id {
        return Err(Error::usage("object used with a store it does not belong to"));
    }
    Ok(())
}
