//! `Linker<T>`: imports by (module, name), host functions and instance exports.

use crate::engine::Engine;
use crate::errors::{Error, ErrorKind, Result};
use crate::externals::Extern;
use crate::func::{Caller, HostFn, IntoFunc, host_func_in_store};
use crate::instance::{Instance, instantiate};
use crate::module::Module;
use crate::store::AsContextMut;
use crate::values::{FuncType, Val};
use std::collections::HashMap;

enum Definition<T> {
    Extern(Extern),
    HostFunc(FuncType, HostFn<T>),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(*e),
            Definition::HostFunc(t, f) => Definition::HostFunc(t.clone(), f.clone()),
        }
    }
}

/// Resolves imports by name.
pub struct Linker<T> {
    engine: Engine,
    defs: HashMap<(String, String), Definition<T>>,
    allow_shadowing: bool,
}

impl<T> std::fmt::Debug for Linker<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Linker").field("definitions", &self.defs.len()).finish()
    }
}

impl<T: 'static> Linker<T> {
    pub fn new(engine: &Engine) -> Self {
        Linker { engine: engine.clone(), defs: HashMap::new(), allow_shadowing: false }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a later definition may replace an earlier one of the same name.
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) -> Result<&mut Self> {
        let key = (module.to_string(), name.to_string());
        if !self.allow_shadowing && self.defs.contains_key(&key) {
            return Err(Error::from_kind(ErrorKind::Link(format!("`{module}::{name}` is already defined"))));
        }
        self.defs.insert(key, def);
        Ok(self)
    }

    /// Defines a host function from a typed closure.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self> {
        let (ty, hf) = f.into_func();
        self.insert(module, name, Definition::HostFunc(ty, hf))
    }

    /// Defines a host function with a dynamic signature.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self> {
        let hf = crate::func::Func::new_dynamic_adapter(ty.clone(), f);
        self.insert(module, name, Definition::HostFunc(ty, hf))
    }

    /// Defines `item` (a store object) as `module::name`.
    pub fn define(&mut self, module: &str, name: &str, item: impl Into<Extern>) -> Result<&mut Self> {
        self.insert(module, name, Definition::Extern(item.into()))
    }

    /// Defines every export of `instance` under `module`.
    pub fn instance(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self> {
        for name in instance.export_names(&store) {
            if let Some(e) = instance.get_export(&mut store, &name) {
                self.insert(module, &name, Definition::Extern(e))?;
            }
        }
        Ok(self)
    }

    /// The definition of `module::name`, placed in `store` if it is a host function.
    pub fn get(&self, mut store: impl AsContextMut<Data = T>, module: &str, name: &str) -> Option<Extern> {
        let def = self.defs.get(&(module.to_string(), name.to_string()))?;
        Some(match def {
            Definition::Extern(e) => *e,
            Definition::HostFunc(ty, f) => {
                Extern::Func(host_func_in_store(store.as_context_mut(), ty.clone(), f.clone()))
            }
        })
    }

    /// Instantiates `module`, resolving each import by name.
    pub fn instantiate(&self, mut store: impl AsContextMut<Data = T>, module: &Module) -> Result<Instance> {
        let mut imports = Vec::new();
        for (m, n, _) in module.imports() {
            let e = self.get(&mut store, m, n).ok_or_else(|| {
                Error::from_kind(ErrorKind::Link(format!("unknown import: `{m}::{n}` has not been defined")))
            })?;
            imports.push(e);
        }
        instantiate(&mut store, module, &imports)
    }
}
