//! Fallible zeroed allocation: large zeroed buffers (linear memories, tables,
//! the value stack) come from `alloc_zeroed`, so the OS hands out lazily
//! zeroed pages instead of the process writing every byte.

use crate::value::ValRaw;

/// Types for which the all-zero bit pattern is a valid value.
///
/// # Safety
/// Implementors must be plain data whose every field accepts all-zero bits.
pub unsafe trait Zeroable: Copy {}

// SAFETY: every bit pattern is a valid u8.
unsafe impl Zeroable for u8 {}
// SAFETY: ValRaw is a transparent wrapper of u64; zero is a valid u64.
unsafe impl Zeroable for ValRaw {}

/// A vector of `len` zeroed elements, or `None` if the allocation fails.
pub fn try_zeroed_vec<T: Zeroable>(len: usize) -> Option<Vec<T>> {
    let layout = std::alloc::Layout::array::<T>(len).ok()?;
    if layout.size() == 0 {
        return Some(Vec::new());
    }
    // SAFETY: the layout has a non-zero size.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) } as *mut T;
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `ptr` was allocated by the global allocator with the layout of
    // `[T; len]` (so capacity == len), and all-zero bytes are valid `T`s
    // (`Zeroable`), so all `len` elements are initialised.
    Some(unsafe { Vec::from_raw_parts(ptr, len, len) })
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
        let v: Vec<u8> = try_zeroed_vec(len).unwrap();
        assert_eq!(v.len(), len);
        assert!(v.iter().all(|&b| b == 0));
        let v: Vec<ValRaw> = try_zeroed_vec(3).unwrap();
        assert_eq!(v, vec![ValRaw(0); 3]);
        assert!(try_zeroed_vec::<u8>(0).unwrap().is_empty());
        assert!(try_zeroed_vec::<ValRaw>(usize::MAX).is_none());
    }
}
