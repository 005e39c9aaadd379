//! Zeroed allocation: linear memories, tables and the value stack are
//! `ZeroedBuf`s. Large ones (64 KiB and up) are mapped from the OS on Unix, so
//! the kernel hands out zero pages as they are first touched and growth
//! moves pages instead of copying bytes. `alloc_zeroed` cannot promise that:
//! once glibc has freed one large block it raises its mmap threshold (up to
//! 32 MiB) and serves the next ones from the heap, zeroing every byte. An
//! 8 MiB value stack then costs a full `memset` on the first call of every
//! store.

use crate::value::ValRaw;
use core::ptr::NonNull;

/// Types for which the all-zero bit pattern is a valid value.
///
/// # Safety
/// Implementors must be plain data whose every field accepts all-zero bits.
pub unsafe trait Zeroable: Copy {}

// SAFETY: every bit pattern is a valid u8.
unsafe impl Zeroable for u8 {}
// SAFETY: ValRaw is a transparent wrapper of u64; zero is a valid u64.
unsafe impl Zeroable for ValRaw {}

/// Buffers of at least this many bytes are mapped from the OS (where
/// `os` supports it); smaller ones come from the global allocator.
const MAP_THRESHOLD: usize = 64 * 1024;

/// A fixed-length buffer of `T`s that starts zeroed and can grow (the new
/// elements zeroed too). Its address changes only when it grows.
pub struct ZeroedBuf<T: Zeroable> {
    ptr: NonNull<T>,
    len: usize,
    /// Mapped from the OS (`os::map`) rather than the global allocator.
    mapped: bool,
}

// SAFETY: a ZeroedBuf owns its elements like a `Vec<T>` does.
unsafe impl<T: Zeroable + Send> Send for ZeroedBuf<T> {}
// SAFETY: as above; shared references only read.
unsafe impl<T: Zeroable + Sync> Sync for ZeroedBuf<T> {}

impl<T: Zeroable> ZeroedBuf<T> {
    /// An empty buffer (no allocation).
    pub const fn new() -> Self {
        ZeroedBuf { ptr: NonNull::dangling(), len: 0, mapped: false }
    }

    /// `len` zeroed elements, or `None` if the allocation fails.
    pub fn try_zeroed(len: usize) -> Option<Self> {
        let mut b = Self::new();
        b.try_grow(len)?;
        Some(b)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn as_mut_ptr(&mut self) -> *mut T {
        self.ptr.as_ptr()
    }

    /// Grows to `new_len` elements (no-op if not larger); the new ones are
    /// zero. `None` (and the buffer unchanged) if the allocation fails.
    pub fn try_grow(&mut self, new_len: usize) -> Option<()> {
        if new_len <= self.len {
            return Some(());
        }
        let size = |n: usize| std::alloc::Layout::array::<T>(n).ok().map(|l| l.size());
        let (old_bytes, new_bytes) = (size(self.len)?, size(new_len)?);
        if new_bytes == 0 {
            // Zero-sized elements: nothing to allocate.
            self.len = new_len;
            return Some(());
        }
        let align = core::mem::align_of::<T>();
        let old_layout = std::alloc::Layout::from_size_align(old_bytes, align).ok()?;
        let ptr = if self.mapped {
            // SAFETY: the mapping is `old_bytes` long and owned by `self`.
            unsafe { os::remap(self.ptr.as_ptr().cast(), old_bytes, new_bytes)? }
        } else if os::AVAILABLE && new_bytes >= MAP_THRESHOLD {
            let p = os::map(new_bytes)?;
            if old_bytes > 0 {
                // SAFETY: both regions are valid for `old_bytes` and distinct
                // (the mapping is new); the old block is ours to free.
                unsafe {
                    core::ptr::copy_nonoverlapping(self.ptr.as_ptr().cast::<u8>(), p, old_bytes);
                    std::alloc::dealloc(self.ptr.as_ptr().cast(), old_layout);
                }
            }
            self.mapped = true;
            p
        } else if old_bytes == 0 {
            let layout = std::alloc::Layout::from_size_align(new_bytes, align).ok()?;
            // SAFETY: the layout has a non-zero size.
            unsafe { std::alloc::alloc_zeroed(layout) }
        } else {
            // SAFETY: the block was allocated with `old_layout`; `new_bytes`
            // is non-zero and, being a valid array layout's size, fits `isize`.
            let p = unsafe { std::alloc::realloc(self.ptr.as_ptr().cast(), old_layout, new_bytes) };
            if !p.is_null() {
                // SAFETY: `p` is valid for `new_bytes`; only the grown tail
                // is written.
                unsafe { p.add(old_bytes).write_bytes(0, new_bytes - old_bytes) };
            }
            p
        };
        self.ptr = NonNull::new(ptr.cast::<T>())?;
        self.len = new_len;
        Some(())
    }
}

impl<T: Zeroable> Default for ZeroedBuf<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Zeroable> core::ops::Deref for ZeroedBuf<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        // SAFETY: `ptr` is valid for `len` initialised elements (zeroed at
        // allocation, `Zeroable`), or dangling and aligned with `len == 0`.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Zeroable> core::ops::DerefMut for ZeroedBuf<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as in `deref`, and `&mut self` makes the access unique.
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Zeroable> Drop for ZeroedBuf<T> {
    fn drop(&mut self) {
        let Some(bytes) = std::alloc::Layout::array::<T>(self.len).ok().map(|l| l.size()) else { return };
        if bytes == 0 {
            return;
        }
        if self.mapped {
            // SAFETY: the mapping is `bytes` long, owned by `self` and no
            // longer used.
            unsafe { os::unmap(self.ptr.as_ptr().cast(), bytes) };
        } else if let Ok(layout) = std::alloc::Layout::from_size_align(bytes, core::mem::align_of::<T>()) {
            // SAFETY: allocated by the global allocator with this layout.
            unsafe { std::alloc::dealloc(self.ptr.as_ptr().cast(), layout) };
        }
    }
}

/// Mapped buffers of dropped stores, kept for the next stores of the
/// process: unmapping one costs a TLB shootdown on every core running a
/// thread of the process (a VM exit per core under virtualisation). With
/// tiered mode's compiler thread at work, dropping a store took 34 us
/// instead of 8, most of a short run's cost.
struct Spares<T: Zeroable> {
    list: std::sync::Mutex<Vec<ZeroedBuf<T>>>,
    /// How many are kept: each keeps the pages it had touched resident.
    max: usize,
}

impl<T: Zeroable> Spares<T> {
    const fn new(max: usize) -> Self {
        Spares { list: std::sync::Mutex::new(Vec::new()), max }
    }

    /// A kept buffer of `len` elements, if there is one.
    fn take(&self, len: usize) -> Option<ZeroedBuf<T>> {
        let mut list = self.list.lock().unwrap_or_else(|e| e.into_inner());
        let i = list.iter().position(|b| b.len() == len)?;
        Some(list.swap_remove(i))
    }

    /// Keeps `buf` if it is mapped; when enough are kept, the oldest is
    /// freed (so the sizes kept follow what the stores ask for).
    fn keep(&self, buf: ZeroedBuf<T>) {
        if !buf.mapped {
            return;
        }
        let mut list = self.list.lock().unwrap_or_else(|e| e.into_inner());
        let evicted = (list.len() >= self.max).then(|| list.remove(0));
        list.push(buf);
        drop(list);
        drop(evicted);
    }
}

static STACKS: Spares<ValRaw> = Spares::new(2);
static MEMORIES: Spares<u8> = Spares::new(4);

/// Linear memories up to this size are kept when their store is dropped,
/// cleared with a `memset`. That touches every page, also those the store
/// never used, and a first touch costs ~4 us in this VM: a fresh 1 MiB
/// memory barely used would cost 1 ms to clear. Larger memories are
/// unmapped. (`mincore` could tell which pages to clear, but reports
/// swapped-out pages as absent too; those would have to be dropped with
/// `madvise` instead. Not done.)
const MAX_KEPT_MEMORY: usize = 256 << 10;

/// A value stack of `slots` slots: a kept one of that size if there is
/// one, else a new zeroed buffer; `None` if allocation fails. A kept stack
/// holds what its last store left there: the interpreter writes every slot
/// of a frame before reading it (locals are zeroed when the frame starts,
/// temporaries are written by the instruction that pushes them), as it
/// does when one store reuses its own stack.
pub fn value_stack(slots: usize) -> Option<ZeroedBuf<ValRaw>> {
    STACKS.take(slots).or_else(|| ZeroedBuf::try_zeroed(slots))
}

/// Keeps the value stack of a dropped store for `value_stack`.
pub fn recycle_value_stack(stack: ZeroedBuf<ValRaw>) {
    STACKS.keep(stack);
}

/// A zeroed linear memory of `bytes` bytes: a kept one if there is one,
/// else a new buffer; `None` if allocation fails.
pub fn linear_memory(bytes: usize) -> Option<ZeroedBuf<u8>> {
    MEMORIES.take(bytes).or_else(|| ZeroedBuf::try_zeroed(bytes))
}

/// Clears and keeps the linear memory of a dropped store for
/// `linear_memory`, if it is small enough.
pub fn recycle_linear_memory(mut memory: ZeroedBuf<u8>) {
    if memory.len() <= MAX_KEPT_MEMORY {
        memory.fill(0);
        MEMORIES.keep(memory);
    }
}

/// Anonymous private mappings: zero pages on first touch.
#[cfg(all(unix, not(miri)))]
mod os {
    pub const AVAILABLE: bool = true;

    /// A new zeroed, read-write mapping of `bytes` bytes (page aligned).
    pub fn map(bytes: usize) -> Option<*mut u8> {
        // SAFETY: an anonymous mapping at an address the kernel picks
        // touches no existing memory.
        let p = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        (p != libc::MAP_FAILED).then_some(p.cast())
    }

    /// Grows the mapping `p` of `old` bytes to `new` bytes, moving it if
    /// needed; the new bytes are zero. `None` leaves it as it was.
    ///
    /// # Safety
    /// `p` is a mapping of `old` bytes made by `map` and owned by the caller.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub unsafe fn remap(p: *mut u8, old: usize, new: usize) -> Option<*mut u8> {
        // SAFETY: per the contract; MREMAP_MAYMOVE keeps the contents and
        // maps zero pages for the new part.
        let q = unsafe { libc::mremap(p.cast(), old, new, libc::MREMAP_MAYMOVE) };
        (q != libc::MAP_FAILED).then_some(q.cast())
    }

    /// As above, without `mremap`: a new mapping and a copy.
    ///
    /// # Safety
    /// `p` is a mapping of `old` bytes made by `map` and owned by the caller.
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    pub unsafe fn remap(p: *mut u8, old: usize, new: usize) -> Option<*mut u8> {
        let q = map(new)?;
        // SAFETY: both mappings are valid for `old` bytes and distinct; the
        // old one is ours to unmap.
        unsafe {
            core::ptr::copy_nonoverlapping(p, q, old);
            unmap(p, old);
        }
        Some(q)
    }

    /// # Safety
    /// `p` is a mapping of `bytes` bytes made by `map`, no longer used.
    pub unsafe fn unmap(p: *mut u8, bytes: usize) {
        // SAFETY: per the contract. A failure cannot be handled here and
        // only leaks address space.
        unsafe { libc::munmap(p.cast(), bytes) };
    }
}

/// No OS mappings (non-Unix targets, Miri): every buffer comes from the
/// global allocator.
#[cfg(not(all(unix, not(miri))))]
mod os {
    pub const AVAILABLE: bool = false;

    pub fn map(_bytes: usize) -> Option<*mut u8> {
        None
    }

    /// # Safety
    /// Never called: nothing is mapped.
    pub unsafe fn remap(_p: *mut u8, _old: usize, _new: usize) -> Option<*mut u8> {
        None
    }

    /// # Safety
    /// Never called: nothing is mapped.
    pub unsafe fn unmap(_p: *mut u8, _bytes: usize) {}
}

/// The current native stack pointer (approximately, on targets without an
/// implementation below and under Miri, which cannot run inline assembly:
/// the address of a local). Used to bound how deep wasm may run on the
/// native stack. The address of a local is not enough everywhere:
/// AddressSanitizer may place locals on a heap "fake stack".
#[inline(always)]
pub fn stack_pointer() -> usize {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        let sp: usize;
        // SAFETY: reads the stack pointer register; no memory is accessed
        // and no register but the output is changed.
        unsafe { core::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags)) };
        sp
    }
    #[cfg(all(target_arch = "aarch64", not(miri)))]
    {
        let sp: usize;
        // SAFETY: as above.
        unsafe { core::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags)) };
        sp
    }
    #[cfg(any(miri, not(any(target_arch = "x86_64", target_arch = "aarch64"))))]
    {
        let marker = 0u8;
        core::hint::black_box(&marker) as *const u8 as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroed_vectors() {
        // Miri checks every byte read one by one: a smaller buffer there.
        let len = if cfg!(miri) { 1 << 12 } else { 1 << 20 };
        let v: ZeroedBuf<u8> = ZeroedBuf::try_zeroed(len).unwrap();
        assert_eq!(v.len(), len);
        assert!(v.iter().all(|&b| b == 0));
        let v: ZeroedBuf<ValRaw> = ZeroedBuf::try_zeroed(3).unwrap();
        assert_eq!(&v[..], &vec![ValRaw(0); 3][..]);
        assert!(ZeroedBuf::<u8>::try_zeroed(0).unwrap().is_empty());
        assert!(ZeroedBuf::<ValRaw>::try_zeroed(usize::MAX).is_none());
    }

    /// Both backings (allocator below `MAP_THRESHOLD`, OS mapping above)
    /// and the moves between them: contents survive growth, new elements
    /// are zero, impossible sizes fail without touching the buffer.
    #[test]
    fn zeroed_buffers_grow() {
        let big = if cfg!(miri) { 1 << 15 } else { 1 << 20 };
        for steps in [vec![3usize, 100, 5000], vec![10, MAP_THRESHOLD / 8 + 1, big], vec![big, big + 4096]] {
            let mut b: ZeroedBuf<ValRaw> = ZeroedBuf::new();
            assert!(b.is_empty());
            let mut written = 0;
            for n in steps {
                b.try_grow(n).unwrap();
                assert_eq!(b.len(), n);
                assert!(b[..written].iter().enumerate().all(|(i, v)| v.0 == i as u64 * 7 + 1));
                assert!(b[written..].iter().all(|v| v.0 == 0));
                for (i, v) in b.iter_mut().enumerate() {
                    v.0 = i as u64 * 7 + 1;
                }
                written = n;
            }
            assert_eq!(b.try_grow(usize::MAX), None);
            assert_eq!(b.len(), written);
            b.try_grow(1).unwrap();
            assert_eq!(b.len(), written);
        }
        let b: ZeroedBuf<u8> = ZeroedBuf::try_zeroed(0).unwrap();
        assert!(b.is_empty());
        let b: ZeroedBuf<u8> = ZeroedBuf::try_zeroed(3 * MAP_THRESHOLD).unwrap();
        assert!(b.iter().all(|&x| x == 0));
    }
}
