//! Software prefetching, for loops whose next steps' addresses are known before their data is
//! needed: the loaders' hand-over of parsed records and the id index's probes, where each step
//! is a cache miss at national scale and the hardware cannot guess the next address.

/// Asks the processor to bring the cache lines of `value` into its caches, without waiting for
/// them and without reading them: a hint only (nothing happens on other architectures).
#[inline(always)]
pub(crate) fn prefetch<T>(value: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let start = value.cast::<i8>();
        let mut line = 0;
        while line < std::mem::size_of::<T>().max(1) {
            // SAFETY: a prefetch reads nothing and cannot fault, whatever the address (Intel SDM,
            // PREFETCHh: "a hint ... does not affect program behavior"); `wrapping_add` makes no
            // claim about the pointer either. SSE is part of the x86_64 baseline.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(line)) };
            line += 64;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
