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

/// How many places ahead of the item it works on a loop asks for the next items' data: far
/// enough for a cache miss to arrive (a few hundred nanoseconds) in the loaders' loops, near
/// enough that what arrives is still in the cache. Measured on the national load: 16 no better.
pub(crate) const AHEAD: usize = 8;

/// Calls `each` on the items in order, with `state`, after calling `ahead` on the item
/// [`AHEAD`] places on (the first [`AHEAD`] before starting): the loop the loaders use to
/// prefetch what the next items will read. Stops at `each`'s first error.
pub(crate) fn each_ahead<S, T, E>(
    state: &mut S,
    mut items: impl Iterator<Item = T> + Rest<T>,
    ahead: impl Fn(&S, &T),
    mut each: impl FnMut(&mut S, T) -> Result<(), E>,
) -> Result<(), E> {
    for item in items.as_slice().iter().take(AHEAD) {
        ahead(state, item);
    }
    while let Some(item) = items.next() {
        if let Some(next) = items.as_slice().get(AHEAD - 1) {
            ahead(state, next);
        }
        each(state, item)?;
    }
    Ok(())
}

/// The items an iterator over a vector has not given yet, for [`each_ahead`]'s look-ahead.
pub(crate) trait Rest<T> {
    fn as_slice(&self) -> &[T];
}

impl<T> Rest<T> for std::vec::Drain<'_, T> {
    fn as_slice(&self) -> &[T] {
        std::vec::Drain::as_slice(self)
    }
}

impl<T> Rest<T> for std::vec::IntoIter<T> {
    fn as_slice(&self) -> &[T] {
        std::vec::IntoIter::as_slice(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each item is looked at once, `AHEAD` places before it is worked on (the first ones
    /// before the first), in order; the first error stops the loop.
    #[test]
    fn each_ahead_looks_at_each_item_ahead_then_stops_at_an_error() {
        for n in [0, 1, AHEAD - 1, AHEAD, AHEAD + 1, 3 * AHEAD + 2] {
            let looked = std::cell::RefCell::new(Vec::new());
            let mut done: Vec<usize> = Vec::new();
            let ahead = |d: &Vec<usize>, &i: &usize| {
                assert!(i >= d.len() && i < d.len() + AHEAD.max(1) + 1, "{i} with {} done", d.len());
                looked.borrow_mut().push(i);
            };
            each_ahead(&mut done, (0..n).collect::<Vec<_>>().into_iter(), ahead, |d, i| {
                d.push(i);
                Ok::<_, ()>(())
            })
            .unwrap();
            assert_eq!(done, (0..n).collect::<Vec<_>>());
            assert_eq!(looked.into_inner(), (0..n).collect::<Vec<_>>());
        }
        let mut done = Vec::new();
        let err = each_ahead(
            &mut done,
            (0..20usize).collect::<Vec<_>>().into_iter(),
            |_, _| {},
            |d, i| {
                if i == 5 {
                    Err(i)
                } else {
                    d.push(i);
                    Ok(())
                }
            },
        );
        assert_eq!((err, done), (Err(5), vec![0, 1, 2, 3, 4]));
    }
}
