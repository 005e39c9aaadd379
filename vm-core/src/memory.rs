//! Linear memories: page-granular growth within the type's maximum, the
//! 4 GiB limit of 32-bit memories and the store's limits. Growth failure is
//! reported, never a crash.

use crate::alloc::ZeroedBuf;
use crate::module_env::MemoryType;
use crate::vmctx::VMMemoryDefinition;

/// Size of a wasm page.
pub const WASM_PAGE_SIZE: u64 = 65536;
/// Most pages a 32-bit memory can have.
pub const MAX_PAGES: u64 = 65536;

/// A linear memory owned by a store. Its address is stable (it is boxed) so
/// VMContexts can point at `def`.
pub struct MemoryInstance {
    pub def: VMMemoryDefinition,
    data: ZeroedBuf<u8>,
    pub ty: MemoryType,
}

impl MemoryInstance {
    /// Creates a memory of `ty.min` pages; `None` if the allocation fails or
    /// exceeds `max_bytes`.
    pub fn new(ty: MemoryType, max_bytes: u64) -> Option<Box<MemoryInstance>> {
        if ty.min > MAX_PAGES || ty.min * WASM_PAGE_SIZE > max_bytes {
            return None;
        }
        let bytes = usize::try_from(ty.min * WASM_PAGE_SIZE).ok()?;
        let data = crate::alloc::linear_memory(bytes)?;
        let mut mem = Box::new(MemoryInstance {
            def: VMMemoryDefinition { base: core::ptr::null_mut(), current_length: 0 },
            data,
            ty,
        });
        mem.sync_def();
        Some(mem)
    }

    fn sync_def(&mut self) {
        self.def.base = self.data.as_mut_ptr();
        self.def.current_length = self.data.len();
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        self.data.len() as u64 / WASM_PAGE_SIZE
    }

    /// Largest size in pages this memory may reach.
    pub fn max_pages(&self) -> u64 {
        self.ty.max.unwrap_or(MAX_PAGES).min(MAX_PAGES)
    }

    /// Grows by `delta` pages; returns the old size in pages, or `None` when
    /// the type's maximum, `max_bytes` or the allocator says no.
    pub fn grow(&mut self, delta: u64, max_bytes: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages() || new * WASM_PAGE_SIZE > max_bytes {
            return None;
        }
        let new_bytes = usize::try_from(new * WASM_PAGE_SIZE).ok()?;
        if delta > 0 {
            self.data.try_grow(new_bytes)?;
            self.sync_def();
        }
        Some(old)
    }

    pub fn data(&self) -> &[u8] {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }
}

impl Drop for MemoryInstance {
    fn drop(&mut self) {
        // A grown memory is not what a new instance asks for (its
        // minimum): kept, it would only have been cleared for nothing.
        if self.data.len() as u64 == self.ty.min * WASM_PAGE_SIZE {
            crate::alloc::recycle_linear_memory(core::mem::take(&mut self.data));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grow_respects_maximum_and_limit() {
        let mut m = MemoryInstance::new(MemoryType { min: 1, max: Some(3) }, u64::MAX).unwrap();
        assert_eq!(m.def.current_length, 65536);
        assert_eq!(m.grow(2, u64::MAX), Some(1));
        assert_eq!(m.pages(), 3);
        assert_eq!(m.grow(1, u64::MAX), None);
        assert_eq!(m.grow(0, u64::MAX), Some(3));
        assert_eq!(m.def.current_length, 3 * 65536);
        let base = m.data_mut().as_mut_ptr();
        assert_eq!(m.def.base, base);
        let mut m = MemoryInstance::new(MemoryType { min: 0, max: None }, 2 * 65536).unwrap();
        assert_eq!(m.grow(3, 2 * 65536), None);
        assert_eq!(m.grow(2, 2 * 65536), Some(0));
        assert!(MemoryInstance::new(MemoryType { min: 65537, max: None }, u64::MAX).is_none());
    }
}
