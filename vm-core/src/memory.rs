//! Linear memories: page-granular growth within the type's maximum, the
//! 4 GiB limit of 32-bit memories and the store's limits. Growth failure is
//! reported, never a crash.

use crate::alloc::ZeroedBuf;
use crate::module_env::MemoryType;
use crate::vmctx::VMMemoryDefinition;

/// Most pages a memory of type `ty` can have: 4 GiB of a 32-bit memory's,
/// 2^64 bytes (less one page) of a 64-bit one's.
fn type_max_pages(ty: &MemoryType) -> u64 {
    if ty.memory64 { u64::MAX >> ty.page_size_log2 } else { (1u64 << 32) >> ty.page_size_log2 }
}

/// `pages` of type `ty` in bytes, if that is below `max_bytes` and fits in
/// the host's address space.
fn bytes_within(ty: &MemoryType, pages: u64, max_bytes: u64) -> Option<usize> {
    let bytes = pages.checked_mul(ty.page_size()).filter(|&b| b <= max_bytes)?;
    usize::try_from(bytes).ok()
}

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
        if ty.min > type_max_pages(&ty) {
            return None;
        }
        let bytes = bytes_within(&ty, ty.min, max_bytes)?;
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
        self.data.len() as u64 >> self.ty.page_size_log2
    }

    /// Largest size in pages this memory may reach.
    pub fn max_pages(&self) -> u64 {
        let limit = type_max_pages(&self.ty);
        self.ty.max.unwrap_or(limit).min(limit)
    }

    /// Grows by `delta` pages; returns the old size in pages, or `None` when
    /// the type's maximum, `max_bytes` or the allocator says no.
    pub fn grow(&mut self, delta: u64, max_bytes: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages() {
            return None;
        }
        let new_bytes = bytes_within(&self.ty, new, max_bytes)?;
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
        if Some(self.data.len() as u64) == self.ty.min.checked_mul(self.ty.page_size()) {
            crate::alloc::recycle_linear_memory(core::mem::take(&mut self.data));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grow_respects_maximum_and_limit() {
        let mut m = MemoryInstance::new(MemoryType::new(1, Some(3)), u64::MAX).unwrap();
        assert_eq!(m.def.current_length, 65536);
        assert_eq!(m.grow(2, u64::MAX), Some(1));
        assert_eq!(m.pages(), 3);
        assert_eq!(m.grow(1, u64::MAX), None);
        assert_eq!(m.grow(0, u64::MAX), Some(3));
        assert_eq!(m.def.current_length, 3 * 65536);
        let base = m.data_mut().as_mut_ptr();
        assert_eq!(m.def.base, base);
        let mut m = MemoryInstance::new(MemoryType::new(0, None), 2 * 65536).unwrap();
        assert_eq!(m.grow(3, 2 * 65536), None);
        assert_eq!(m.grow(2, 2 * 65536), Some(0));
        assert!(MemoryInstance::new(MemoryType::new(65537, None), u64::MAX).is_none());
        // A 64-bit memory may ask for more than 4 GiB; the store's limit
        // refuses it (and growth past it) cleanly, and sizes near 2^64
        // bytes do not overflow.
        assert!(MemoryInstance::new(MemoryType::new64(65537, None), 1 << 32).is_none());
        let mut m = MemoryInstance::new(MemoryType::new64(1, None), 1 << 32).unwrap();
        assert_eq!(m.grow(65536, 1 << 32), None);
        assert_eq!(m.grow(u64::MAX - 1, u64::MAX), None);
        assert_eq!(m.grow((1 << 48) - 1, u64::MAX), None);
        assert_eq!(m.grow(1, 1 << 32), Some(1));
        // Pages of one byte: a 32-bit memory of up to 2^32 of them.
        let ty = MemoryType::new(3, None).with_page_size_log2(0);
        let mut m = MemoryInstance::new(ty, u64::MAX).unwrap();
        assert_eq!((m.pages(), m.def.current_length), (3, 3));
        assert_eq!(m.grow(5, u64::MAX), Some(3));
        assert_eq!((m.pages(), m.def.current_length), (8, 8));
        assert_eq!(m.max_pages(), 1 << 32);
        assert_eq!(m.grow(1 << 32, u64::MAX), None);
    }
}
