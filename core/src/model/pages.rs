//! Fresh memory that is read before it is written.
//!
//! `vec![0; n]` of a large `n` asks the allocator for zeroed memory, which on Linux is a fresh
//! mapping whose pages the kernel provides on first touch. A page touched first by a *read*
//! is mapped to the kernel's shared zero page; the first *write* then faults a second time, and
//! the kernel, replacing the page, must flush it from the translation caches of every core
//! running the process (an inter-processor interrupt each, costly on virtual machines). The
//! counting sorts (`offsets[k] += 1` on some records, then prefix sums reading every count)
//! and the flag columns the audit reads before it sets do exactly that: a profile of the
//! national audit's context with people and history had 35 % of its samples in page faults,
//! half of them such second faults and their flushes, and no gain at all from a second
//! thread, whose presence is what turns each flush into an interrupt.
//!
//! [`zeroed`] gives the same zeros with every page written first, so each page costs the one
//! fault that zero-fills it.

/// The size of a page on the platforms that matter here (4 KiB on x86-64 and most ARM Linux);
/// a larger page is simply written more than once.
pub(crate) const PAGE: usize = 4096;

/// `n` copies of `T::default()` (zeros, for the integer and flag types this is used for) in
/// memory whose every page has been written: a vector that will be read before it is written,
/// or written from several threads, without the double fault of a page first mapped as the
/// zero page (see the module documentation). For small `n` it is `vec![T::default(); n]`.
/// Only for vectors that will be read or written nearly whole: an untouched page of
/// `vec![0; n]` costs nothing, one of this costs a fault.
pub(crate) fn zeroed<T: Copy + Default>(n: usize) -> Vec<T> {
    let mut v = vec![T::default(); n];
    if n * size_of::<T>() >= PAGE {
        touch(&mut v);
    }
    v
}

/// Writes `T::default()` over elements of `zeros` (which must hold only `T::default()`s: what
/// it writes is what is there) so that every page it lies on is written: one element a page's
/// length apart, and the last (a slice need not start on a page boundary, so its end may lie on
/// a page the strides miss). A few stores, where filling the slice would write every byte the
/// kernel has just zeroed once more.
pub(crate) fn touch<T: Copy + Default>(zeros: &mut [T]) {
    // An opaque copy of the default: the compiler cannot prove the store changes nothing, so it
    // keeps it (and cannot turn an allocation and the stores into one zeroed allocation).
    let zero = std::hint::black_box(T::default());
    let step = (PAGE / size_of::<T>().max(1)).max(1);
    for x in zeros.iter_mut().step_by(step) {
        *x = zero;
    }
    if let Some(last) = zeros.last_mut() {
        *last = zero;
    }
}

#[cfg(test)]
mod tests {
    use super::{touch, zeroed};

    #[test]
    fn touch_leaves_the_zeros_as_they_were() {
        let mut v = vec![0u32; 5000];
        for (a, b) in [(0, 0), (0, 1), (3, 1027), (1000, 5000), (0, 5000)] {
            touch(&mut v[a..b]);
            assert!(v.iter().all(|&x| x == 0), "{a}..{b}");
        }
    }

    #[test]
    fn zeroed_is_zeros_of_the_length_asked() {
        for n in [0, 1, 1023, 1024, 1025, 100_000] {
            let v: Vec<u32> = zeroed(n);
            assert_eq!(v.len(), n);
            assert!(v.iter().all(|&x| x == 0), "n = {n}");
            let b: Vec<u8> = zeroed(n);
            assert_eq!(b.len(), n);
            assert!(b.iter().all(|&x| x == 0), "n = {n}");
        }
    }
}
