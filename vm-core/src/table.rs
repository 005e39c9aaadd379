//! Tables of references (funcref: a `VMFuncRef` address; externref: a
//! store-local handle; 0 is null).

use crate::alloc::ZeroedBuf;
use crate::module_env::TableType;
use crate::value::ValRaw;
use crate::vmctx::VMTableDefinition;

/// Most elements a table may have, whatever its type says.
pub const MAX_TABLE_ELEMENTS: u64 = 10_000_000;

/// A table owned by a store, boxed so VMContexts can point at `def`.
pub struct TableInstance {
    pub def: VMTableDefinition,
    elements: ZeroedBuf<ValRaw>,
    pub ty: TableType,
}

impl TableInstance {
    /// Creates a table of `ty.min` elements set to `init`.
    pub fn new(ty: TableType, init: ValRaw, max_elements: u64) -> Option<Box<TableInstance>> {
        if ty.min > max_elements.min(MAX_TABLE_ELEMENTS) {
            return None;
        }
        let mut elements = ZeroedBuf::try_zeroed(ty.min as usize)?;
        if init != ValRaw(0) {
            elements.fill(init);
        }
        let mut t = Box::new(TableInstance {
            def: VMTableDefinition { base: core::ptr::null_mut(), current_elements: 0 },
            elements,
            ty,
        });
        t.sync_def();
        Some(t)
    }

    fn sync_def(&mut self) {
        self.def.base = self.elements.as_mut_ptr();
        self.def.current_elements = self.elements.len();
    }

    pub fn size(&self) -> u64 {
        self.elements.len() as u64
    }

    /// Grows by `delta` elements set to `init`; returns the old size.
    pub fn grow(&mut self, delta: u64, init: ValRaw, max_elements: u64) -> Option<u64> {
        let old = self.size();
        let new = old.checked_add(delta)?;
        let max = self.ty.max.unwrap_or(u32::MAX as u64).min(max_elements).min(MAX_TABLE_ELEMENTS);
        if new > max {
            return None;
        }
        if delta > 0 {
            self.elements.try_grow(new as usize)?;
            if init != ValRaw(0) {
                self.elements[old as usize..].fill(init);
            }
            self.sync_def();
        }
        Some(old)
    }

    pub fn elements(&self) -> &[ValRaw] {
        &self.elements
    }

    pub fn elements_mut(&mut self) -> &mut [ValRaw] {
        &mut self.elements
    }
}
