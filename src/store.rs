//! `Store<T>`: owns all wasm objects and the host's data `T`.
//! The type-erased part (`StoreOpaque`) lives in vm-core so the executor is
//! compiled once, not once per `T`.

use crate::engine::{Engine, next_id};
use crate::errors::{Error, Result};
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
    pub(crate) inner: Box<StoreInner<T>>,
}

impl<T> std::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("id", &self.inner.opaque.id).finish()
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
        #[cfg(feature = "jit")]
        if let Some(hook) = &engine.inner.tier_up {
            opaque.tier_up = Some(hook.clone());
            opaque.hot_calls = cfg.hot_calls;
            opaque.hot_loops = cfg.hot_loops;
        }
        Store { inner: Box::new(StoreInner { opaque, engine: engine.clone(), data }) }
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }
    pub fn data(&self) -> &T {
        &self.inner.data
    }
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.inner.data
    }
    pub fn into_data(self) -> T {
        self.inner.data
    }

    /// Sets the fuel left (requires `Config::consume_fuel`).
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.inner.set_fuel(fuel)
    }

    /// The fuel left (requires `Config::consume_fuel`).
    pub fn get_fuel(&self) -> Result<u64> {
        self.inner.get_fuel()
    }

    /// Limits memory and table sizes and counts of this store.
    pub fn limits(&mut self, limits: StoreLimits) {
        self.inner.opaque.resource_limits = limits;
    }

    /// Installs a limiter asked before every memory or table growth.
    pub fn limiter(&mut self, limiter: impl ResourceLimiter + 'static) {
        self.inner.opaque.limiter = Some(Box::new(limiter));
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
        &self.inner
    }
}
impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> &mut StoreInner<T> {
        &mut self.inner
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
