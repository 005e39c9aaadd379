//! `Memory`, `Table`, `Global` and `Extern`.

use crate::errors::{Error, ErrorKind, Result};
use crate::func::Func;
use crate::store::{AsContext, AsContextMut, check_store};
use crate::values::{Val, ValType};
use tandem_vm_core::memory::MemoryInstance;
pub use tandem_vm_core::module_env::{GlobalType, MemoryType, TableType};
use tandem_vm_core::table::TableInstance;
use tandem_vm_core::vmctx::VMGlobalDefinition;

/// Anything an instance can import or export.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Extern {
    Func(Func),
    Table(Table),
    Memory(Memory),
    Global(Global),
}

impl Extern {
    pub fn into_func(self) -> Option<Func> {
        if let Extern::Func(f) = self { Some(f) } else { None }
    }
    pub fn into_memory(self) -> Option<Memory> {
        if let Extern::Memory(m) = self { Some(m) } else { None }
    }
    pub fn into_table(self) -> Option<Table> {
        if let Extern::Table(t) = self { Some(t) } else { None }
    }
    pub fn into_global(self) -> Option<Global> {
        if let Extern::Global(g) = self { Some(g) } else { None }
    }
    pub(crate) fn store_id(&self) -> u64 {
        match self {
            Extern::Func(f) => f.store_id,
            Extern::Table(t) => t.store_id,
            Extern::Memory(m) => m.store_id,
            Extern::Global(g) => g.store_id,
        }
    }
    pub(crate) fn to_core(self) -> tandem_vm_core::store::Extern {
        use tandem_vm_core::store::Extern as E;
        match self {
            Extern::Func(f) => E::Func(f.index),
            Extern::Table(t) => E::Table(t.index),
            Extern::Memory(m) => E::Memory(m.index),
            Extern::Global(g) => E::Global(g.index),
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Self {
        Extern::Func(f)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Self {
        Extern::Memory(m)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Self {
        Extern::Table(t)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Self {
        Extern::Global(g)
    }
}

/// A linear memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Memory {
    /// A new memory of `ty.min` pages.
    pub fn new(mut store: impl AsContextMut, ty: MemoryType) -> Result<Memory> {
        let opaque = &mut store.as_context_mut().opaque;
        let max = opaque.resource_limits.max_memory_bytes;
        let mem = MemoryInstance::new(ty, max)
            .ok_or_else(|| Error::from_kind(ErrorKind::Resource(format!("cannot allocate {} pages", ty.min))))?;
        let index =
            opaque.add_memory(mem).ok_or_else(|| Error::from_kind(ErrorKind::Resource("too many memories".into())))?;
        Ok(Memory { store_id: opaque.id, index })
    }

    fn get<'a>(&self, opaque: &'a tandem_vm_core::store::StoreOpaque) -> Result<&'a MemoryInstance> {
        check_store(opaque, self.store_id)?;
        opaque.memory(self.index).ok_or_else(|| Error::usage("unknown memory"))
    }

    /// The memory's bytes.
    pub fn data<'a, T: 'a>(&self, store: &'a impl AsContext<Data = T>) -> &'a [u8] {
        self.get(&store.as_context().opaque).map(|m| m.data()).unwrap_or(&[])
    }

    /// The memory's bytes, writable.
    pub fn data_mut<'a, T: 'a>(&self, store: &'a mut impl AsContextMut<Data = T>) -> &'a mut [u8] {
        let opaque = &mut store.as_context_mut().opaque;
        if check_store(opaque, self.store_id).is_err() {
            return &mut [];
        }
        opaque.memory_mut(self.index).map(|m| m.data_mut()).unwrap_or(&mut [])
    }

    /// The memory's bytes and the store's host data at once (host functions
    /// need both, e.g. WASI reading guest buffers while updating its state).
    pub fn data_and_store_mut<'a, T: 'a>(
        &self,
        store: &'a mut impl AsContextMut<Data = T>,
    ) -> (&'a mut [u8], &'a mut T) {
        let crate::store::StoreInner { opaque, data, .. } = store.as_context_mut();
        let bytes: &'a mut [u8] = match check_store(opaque, self.store_id) {
            Ok(()) => opaque.memory_mut(self.index).map(|m| m.data_mut()).unwrap_or(&mut []),
            Err(_) => &mut [],
        };
        (bytes, data)
    }

    /// Copies `buf.len()` bytes at `offset` into `buf`.
    pub fn read(&self, store: impl AsContext, offset: usize, buf: &mut [u8]) -> Result<()> {
        let data = self.get(&store.as_context().opaque)?.data();
        let src = offset
            .checked_add(buf.len())
            .and_then(|end| data.get(offset..end))
            .ok_or_else(|| Error::usage(format!("out of bounds memory read at {offset} (+{})", buf.len())))?;
        buf.copy_from_slice(src);
        Ok(())
    }

    /// Copies `buf` into memory at `offset`.
    pub fn write(&self, mut store: impl AsContextMut, offset: usize, buf: &[u8]) -> Result<()> {
        let opaque = &mut store.as_context_mut().opaque;
        check_store(opaque, self.store_id)?;
        let data = opaque.memory_mut(self.index).ok_or_else(|| Error::usage("unknown memory"))?.data_mut();
        let dst = offset
            .checked_add(buf.len())
            .and_then(|end| data.get_mut(offset..end))
            .ok_or_else(|| Error::usage(format!("out of bounds memory write at {offset} (+{})", buf.len())))?;
        dst.copy_from_slice(buf);
        Ok(())
    }

    /// Size in pages.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.get(&store.as_context().opaque).map(|m| m.pages()).unwrap_or(0)
    }

    /// Size in bytes.
    pub fn data_size(&self, store: impl AsContext) -> usize {
        self.get(&store.as_context().opaque).map(|m| m.data().len()).unwrap_or(0)
    }

    /// Grows by `delta` pages; returns the old size in pages.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64) -> Result<u64> {
        let opaque = &mut store.as_context_mut().opaque;
        check_store(opaque, self.store_id)?;
        opaque
            .grow_memory(self.index, delta)
            .ok_or_else(|| Error::from_kind(ErrorKind::Resource(format!("memory cannot grow by {delta} pages"))))
    }

    pub fn ty(&self, store: impl AsContext) -> MemoryType {
        self.get(&store.as_context().opaque).map(|m| m.ty).unwrap_or(MemoryType::new(0, None))
    }
}

/// A table of references.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Table {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Table {
    /// A new table of `ty.min` elements set to `init`.
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table> {
        let opaque = &mut store.as_context_mut().opaque;
        init.check(opaque, ty.element, "table initialiser")?;
        let raw = init.to_raw(opaque)?;
        let max = opaque.resource_limits.max_table_elements;
        let t = TableInstance::new(ty, raw, max)
            .ok_or_else(|| Error::from_kind(ErrorKind::Resource(format!("cannot allocate {} elements", ty.min))))?;
        let index =
            opaque.add_table(t).ok_or_else(|| Error::from_kind(ErrorKind::Resource("too many tables".into())))?;
        Ok(Table { store_id: opaque.id, index })
    }

    pub fn ty(&self, store: impl AsContext) -> TableType {
        let opaque = &store.as_context().opaque;
        match check_store(opaque, self.store_id).ok().and_then(|_| opaque.table(self.index)) {
            Some(t) => t.ty,
            None => TableType::new(ValType::FUNCREF, 0, None),
        }
    }

    pub fn size(&self, store: impl AsContext) -> u64 {
        let opaque = &store.as_context().opaque;
        check_store(opaque, self.store_id).ok().and_then(|_| opaque.table(self.index)).map(|t| t.size()).unwrap_or(0)
    }

    /// Element `index`, or `None` out of bounds.
    pub fn get(&self, mut store: impl AsContextMut, index: u64) -> Option<Val> {
        let opaque = &mut store.as_context_mut().opaque;
        check_store(opaque, self.store_id).ok()?;
        let t = opaque.table(self.index)?;
        let raw = *t.elements().get(usize::try_from(index).ok()?)?;
        let ty = t.ty.element;
        Some(Val::from_raw(raw, ty, opaque))
    }

    pub fn set(&self, mut store: impl AsContextMut, index: u64, val: Val) -> Result<()> {
        let opaque = &mut store.as_context_mut().opaque;
        check_store(opaque, self.store_id)?;
        let ty = opaque.table(self.index).ok_or_else(|| Error::usage("unknown table"))?.ty;
        val.check(opaque, ty.element, "table element")?;
        let raw = val.to_raw(opaque)?;
        let t = opaque.table_mut(self.index).ok_or_else(|| Error::usage("unknown table"))?;
        let slot = usize::try_from(index)
            .ok()
            .and_then(|i| t.elements_mut().get_mut(i))
            .ok_or_else(|| Error::usage(format!("table index {index} out of bounds")))?;
        *slot = raw;
        Ok(())
    }

    /// Grows by `delta` elements set to `init`; returns the old size.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64, init: Val) -> Result<u64> {
        let opaque = &mut store.as_context_mut().opaque;
        check_store(opaque, self.store_id)?;
        let ty = opaque.table(self.index).ok_or_else(|| Error::usage("unknown table"))?.ty;
        init.check(opaque, ty.element, "table growth value")?;
        let raw = init.to_raw(opaque)?;
        opaque
            .grow_table(self.index, delta, raw)
            .ok_or_else(|| Error::from_kind(ErrorKind::Resource(format!("table cannot grow by {delta}"))))
    }
}

/// A global variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Global {
    pub(crate) store_id: u64,
    pub(crate) index: u32,
}

impl Global {
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, val: Val) -> Result<Global> {
        let opaque = &mut store.as_context_mut().opaque;
        val.check(opaque, ty.ty, "global initialiser")?;
        let [value, hi] = val.to_cells(opaque)?;
        let index = opaque.add_global(ty, value, hi);
        Ok(Global { store_id: opaque.id, index })
    }

    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        let opaque = &store.as_context().opaque;
        match check_store(opaque, self.store_id).ok().and_then(|_| opaque.globals.get(self.index as usize)) {
            Some(g) => g.ty,
            None => GlobalType { ty: ValType::I32, mutable: false },
        }
    }

    pub fn get(&self, mut store: impl AsContextMut) -> Val {
        let opaque = &mut store.as_context_mut().opaque;
        if check_store(opaque, self.store_id).is_err() {
            return Val::I32(0);
        }
        let Some(g) = opaque.globals.get(self.index as usize) else { return Val::I32(0) };
        let ty = g.ty.ty;
        // SAFETY: global definitions live as long as the store.
        let (raw, hi) = unsafe { ((*g.def).value, (*g.def).hi) };
        Val::from_cells(raw, hi, ty, opaque)
    }

    pub fn set(&self, mut store: impl AsContextMut, val: Val) -> Result<()> {
        let opaque = &mut store.as_context_mut().opaque;
        check_store(opaque, self.store_id)?;
        let g = opaque.globals.get(self.index as usize).ok_or_else(|| Error::usage("unknown global"))?;
        if !g.ty.mutable {
            return Err(Error::usage("cannot set an immutable global"));
        }
        val.check(opaque, g.ty.ty, "global value")?;
        let def = g.def;
        let [value, hi] = val.to_cells(opaque)?;
        // SAFETY: global definitions live as long as the store; no wasm runs now.
        unsafe { *def = VMGlobalDefinition { value, hi } };
        Ok(())
    }
}
