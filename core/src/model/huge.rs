//! Tables read at random, in memory the kernel may back with 2 MiB pages.
//!
//! The id index is 60–150 MB nationally and every look-up lands on a line of it at random: with
//! 4 KiB pages nearly every one also misses the processor's address translation cache, and the
//! page walk stalls the loop that had prefetched the line. On Linux, with the `mmap` feature,
//! `HugeTable` asks for transparent huge pages (`madvise(MADV_HUGEPAGE)`, which systems set to
//! `madvise` honour) for tables of `MIN_BYTES` or more; elsewhere, and below that size, it is a
//! `Vec`.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The bytes of every `HugeTable` mapping of the process, which an allocator does not see.
static MAPPED: AtomicUsize = AtomicUsize::new(0);

/// The bytes the process holds in the tables' own mappings (the id index of a large model), for
/// a count of a model's memory made by counting allocations (`benches/src/bin/memory.rs`).
pub fn mapped_bytes() -> usize {
    MAPPED.load(Ordering::Relaxed)
}

/// Tables smaller than this stay in a `Vec` (a huge page is 2 MiB).
#[cfg_attr(not(all(feature = "mmap", target_os = "linux")), allow(dead_code))]
const MIN_BYTES: usize = 8 << 20;

/// A huge page's size, to which the table's start is aligned.
#[cfg(all(feature = "mmap", target_os = "linux"))]
const HUGE: usize = 2 << 20;

/// A table of `T` of a fixed length.
pub(crate) struct HugeTable<T: Copy> {
    store: Store<T>,
}

enum Store<T> {
    Heap(Vec<T>),
    /// An anonymous mapping, `offset` bytes into which `len` values start (aligned to [`HUGE`]).
    #[cfg(all(feature = "mmap", target_os = "linux"))]
    Map {
        map: memmap2::MmapMut,
        offset: usize,
        len: usize,
    },
}

impl<T: Copy> HugeTable<T> {
    /// `len` copies of `value`.
    pub fn filled(value: T, len: usize) -> HugeTable<T> {
        #[cfg(all(feature = "mmap", target_os = "linux"))]
        if let Some(bytes) = len.checked_mul(std::mem::size_of::<T>())
            && bytes >= MIN_BYTES
            && std::mem::align_of::<T>() <= HUGE
            && let Ok(mut map) = memmap2::MmapMut::map_anon(bytes + HUGE)
        {
            // A hint: without huge pages (`never`, or none free) the table is in 4 KiB pages.
            let _ = map.advise(memmap2::Advice::HugePage);
            let offset = map.as_ptr().align_offset(HUGE);
            let start = map[offset..].as_mut_ptr().cast::<T>();
            for i in 0..len {
                // SAFETY: `start` is aligned for `T` (to `HUGE`, at least `T`'s alignment) and
                // `offset + len * size_of::<T>()` is within the mapping (`offset < HUGE`).
                unsafe { start.add(i).write(value) };
            }
            MAPPED.fetch_add(map.len(), Ordering::Relaxed);
            return HugeTable { store: Store::Map { map, offset, len } };
        }
        HugeTable { store: Store::Heap(vec![value; len]) }
    }
}

impl<T: Copy> Deref for HugeTable<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match &self.store {
            Store::Heap(v) => v,
            #[cfg(all(feature = "mmap", target_os = "linux"))]
            // SAFETY: `filled` wrote `len` values of `T` from `offset` (within the mapping),
            // aligned; the mapping lives as long as `self`, and only `deref_mut` (taking
            // `&mut self`) writes to it. No slicing of the mapping: every probe of the id index
            // comes through here, and the bounds were checked once, by `filled`.
            Store::Map { map, offset, len } => unsafe {
                std::slice::from_raw_parts(map.as_ptr().add(*offset).cast::<T>(), *len)
            },
        }
    }
}

impl<T: Copy> DerefMut for HugeTable<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.store {
            Store::Heap(v) => v,
            #[cfg(all(feature = "mmap", target_os = "linux"))]
            // SAFETY: as in `deref`, with `&mut self` the only reference.
            Store::Map { map, offset, len } => unsafe {
                std::slice::from_raw_parts_mut(map.as_mut_ptr().add(*offset).cast::<T>(), *len)
            },
        }
    }
}

impl<T: Copy> Drop for HugeTable<T> {
    fn drop(&mut self) {
        #[cfg(all(feature = "mmap", target_os = "linux"))]
        if let Store::Map { map, .. } = &self.store {
            MAPPED.fetch_sub(map.len(), Ordering::Relaxed);
        }
    }
}

impl<T: Copy> Default for HugeTable<T> {
    fn default() -> Self {
        HugeTable { store: Store::Heap(Vec::new()) }
    }
}

impl<T: Copy> Clone for HugeTable<T> {
    fn clone(&self) -> Self {
        HugeTable { store: Store::Heap(self.to_vec()) }
    }
}

impl<T: Copy + std::fmt::Debug> std::fmt::Debug for HugeTable<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HugeTable({} entries)", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table holds its values whatever its size (above `MIN_BYTES` in its own mapping on
    /// Linux), takes writes, and clones and frees as a vector does.
    #[test]
    fn tables_of_any_size_hold_their_values() {
        for len in [0, 1, 1000, MIN_BYTES / 8 + 12_345] {
            let mut t = HugeTable::filled(7u64, len);
            assert_eq!(t.len(), len);
            assert!(t.iter().all(|&v| v == 7));
            for (i, v) in t.iter_mut().enumerate() {
                *v = i as u64;
            }
            let c = t.clone();
            assert!(c.iter().enumerate().all(|(i, &v)| v == i as u64));
            assert_eq!(&*c, &*t);
            if len * 8 >= MIN_BYTES && cfg!(all(feature = "mmap", target_os = "linux")) {
                assert!(mapped_bytes() >= len * 8, "a large table is mapped");
                assert!(matches!(t.store, Store::Heap(_)) == cfg!(not(all(feature = "mmap", target_os = "linux"))));
                assert_eq!(t.as_ptr() as usize % (2 << 20), 0, "aligned to a huge page");
            }
        }
        assert!(HugeTable::<u8>::default().is_empty());
    }
}
