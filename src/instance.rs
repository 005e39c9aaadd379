//! `Instance`: an instantiated module and its exports.

use crate::errors::{Error, Result};
use crate::externals::{Extern, Global, Memory, Table};
use crate::func::{Func, TypedFunc, WasmParams, WasmResults};
use crate::module::Module;
use crate::store::{AsContext, AsContextMut, check_store};
use tandem_vm_core::module_env::ExportIndex;
use tandem_vm_core::value::ValRaw;

/// An instance of a module in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instance {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Instance {
    /// Instantiates `module` with `imports` in import order.
    pub fn new<T>(mut store: impl AsContextMut<Data = T>, module: &Module, imports: &[Extern]) -> Result<Instance> {
        instantiate(&mut store, module, imports)
    }

    /// The export called `name`.
    pub fn get_export(&self, mut store: impl AsContextMut, name: &str) -> Option<Extern> {
        let opaque = &mut store.as_context_mut().opaque;
        check_store(opaque, self.store_id).ok()?;
        let inst = opaque.instance(self.index)?;
        let (_, idx) = inst.module.env.exports.iter().find(|(n, _)| n == name)?;
        let id = opaque.id;
        Some(match *idx {
            ExportIndex::Func(f) => {
                let funcref = inst.func_ref(f);
                let ty = opaque.sigs.lookup(inst.module.func_sig(f))?;
                Extern::Func(Func { store_id: id, index: opaque.register_func(funcref, &ty) })
            }
            ExportIndex::Memory(m) => Extern::Memory(Memory { store_id: id, index: *inst.memories.get(m as usize)? }),
            ExportIndex::Table(t) => Extern::Table(Table { store_id: id, index: *inst.tables.get(t as usize)? }),
            ExportIndex::Global(g) => Extern::Global(Global { store_id: id, index: *inst.globals.get(g as usize)? }),
        })
    }

    /// Names of all exports, in order.
    pub fn export_names(&self, store: impl AsContext) -> Vec<String> {
        let opaque = &store.as_context().opaque;
        if check_store(opaque, self.store_id).is_err() {
            return Vec::new();
        }
        opaque
            .instance(self.index)
            .map(|i| i.module.env.exports.iter().map(|(n, _)| n.clone()).collect())
            .unwrap_or_default()
    }

    pub fn get_func(&self, store: impl AsContextMut, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    pub fn get_typed_func<P: WasmParams, R: WasmResults>(
        &self,
        mut store: impl AsContextMut,
        name: &str,
    ) -> Result<TypedFunc<P, R>> {
        let f =
            self.get_func(&mut store, name).ok_or_else(|| Error::usage(format!("no exported function `{name}`")))?;
        f.typed(&store)
    }

    pub fn get_memory(&self, store: impl AsContextMut, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }
    pub fn get_table(&self, store: impl AsContextMut, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }
    pub fn get_global(&self, store: impl AsContextMut, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }
}

/// Takes the store's owner, not a `&mut StoreInner`: a reference argument
/// stays protected for the whole call, while the start function writes the
/// store through its home pointer.
pub(crate) fn instantiate(store: &mut impl AsContextMut, module: &Module, imports: &[Extern]) -> Result<Instance> {
    let store = store.as_context_mut();
    if module.engine.inner.id != store.engine.inner.id {
        return Err(Error::usage("module and store belong to different engines"));
    }
    let opaque = &mut store.opaque;
    let store_id = opaque.id;
    let mut core = Vec::with_capacity(imports.len());
    for e in imports {
        check_store(opaque, e.store_id())?;
        core.push(e.to_core());
    }
    let id = tandem_vm_core::store::instantiate(opaque, &module.info, &core, tandem_interp::interp_array_call)?;
    if module.engine.config().tier == crate::engine::Tier::Jit
        && let Some(inst) = opaque.instance(id)
    {
        // Every function was compiled with the module: point the records at it.
        for def in 0..module.info.env.num_defined_funcs() {
            inst.adopt_native(def);
        }
    }
    if let Some(start) = module.info.env.start {
        let funcref = opaque.instance(id).map(|i| i.func_ref(start)).ok_or_else(|| Error::usage("lost instance"))?;
        let mut buf = [ValRaw(0); 1];
        crate::func::call_raw(opaque.home(), funcref, &mut buf)?;
    }
    Ok(Instance { store_id, index: id })
}
