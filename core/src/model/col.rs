//! Columns that live in the heap or in a mapped model image (issue #19, "opened by
//! memory-mapping").
//!
//! A model image ([`crate::format::image`]) carries, after its document, the model's largest
//! plain columns exactly as a build of that document lays them out: the ids and names of
//! each record type, the records' keys and the territory tree's parents, the links' ends,
//! kinds and details, and the three adjacency tables. [`Model::open`] builds the model from
//! the document as always and then, for each column whose bytes in the file are the very
//! bytes it built, points the column into the mapped file and frees its own copy. So a
//! column in a mapped file holds what the builder made, by comparison, whatever the file
//! claims: a crafted or stale section is simply not used, and the model is the document's.
//! Processes that open one image share those pages (the page cache's, counted once between
//! them by PSS) instead of each holding a copy.

#![cfg_attr(not(feature = "mmap"), allow(dead_code))]

use std::sync::Arc;

use super::record::{Node, RecordKey};

/// Bytes a model's columns may point into: a mapped image file, or bytes in memory.
pub(crate) struct Backing {
    bytes: Source,
}

enum Source {
    #[cfg(feature = "mmap")]
    Map(memmap2::Mmap),
    #[allow(dead_code)] // used by tests, and without the `mmap` feature
    Heap(Box<[u8]>),
}

impl Backing {
    /// Maps `len` bytes of `file` from `offset`, read-only.
    ///
    /// The mapping reflects the file: a file changed in place while mapped (rather than
    /// replaced by a new file renamed over it, as every writer of this library does) changes
    /// what the model reads, and one cut shorter makes reading its end fault (SIGBUS).
    #[cfg(feature = "mmap")]
    pub fn map(file: &std::fs::File, offset: u64, len: usize) -> std::io::Result<Arc<Backing>> {
        // SAFETY: the mapping is read-only and outlives every slice made from it (each
        // column holds the `Arc`); the hazard of a file changed in place is documented
        // above, on `LoadOptions::map` and in docs/format.md.
        let map = unsafe { memmap2::MmapOptions::new().offset(offset).len(len).map(file)? };
        Ok(Arc::new(Backing { bytes: Source::Map(map) }))
    }

    /// Bytes in memory (tests; and the same code path without the `mmap` feature).
    #[allow(dead_code)]
    pub fn heap(bytes: Vec<u8>) -> Arc<Backing> {
        Arc::new(Backing { bytes: Source::Heap(bytes.into_boxed_slice()) })
    }

    /// The bytes.
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        match &self.bytes {
            #[cfg(feature = "mmap")]
            Source::Map(map) => map,
            Source::Heap(b) => b,
        }
    }
}

impl std::fmt::Debug for Backing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Backing({} bytes)", self.bytes().len())
    }
}

/// A type whose values are their bytes: no padding, no pointers, no interior mutability.
///
/// # Safety
/// Every byte of a value is initialised (no padding), so a slice of values can be read as
/// bytes; and a value is nothing but those bytes, so bytes equal to a valid value's are that
/// value wherever they are (suitably aligned).
pub(crate) unsafe trait Plain: Copy + Send + Sync + 'static {}

// SAFETY: integers are their bytes.
unsafe impl Plain for u8 {}
// SAFETY: as above.
unsafe impl Plain for u32 {}
// SAFETY: a `NonZeroU32` newtype (4 bytes, no padding); its bytes are compared with valid
// values' before any are read as one, so the zero it forbids never is.
unsafe impl Plain for Node {}
// SAFETY: as `Node` (the niche of `NonZeroU32` makes `None` the zero bytes).
unsafe impl Plain for Option<Node> {}
// SAFETY: as `Node`.
unsafe impl Plain for RecordKey {}
// SAFETY: two `Node`s, 8 bytes (checked below): no padding.
unsafe impl Plain for (Node, Node) {}
// SAFETY: `repr(C, packed)`: a byte and a `u32`, 5 bytes, no padding.
unsafe impl Plain for super::Adj {}

const _: () = assert!(std::mem::size_of::<(Node, Node)>() == 8);
const _: () = assert!(std::mem::size_of::<super::Adj>() == 5);
const _: () = assert!(std::mem::size_of::<Option<Node>>() == 4);

/// The bytes of a slice of plain values.
pub(crate) fn bytes_of<T: Plain>(values: &[T]) -> &[u8] {
    // SAFETY: `T: Plain` has no padding, so all `size_of_val` bytes are initialised; `u8`
    // has alignment 1, and the bytes live as long as the values.
    unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), std::mem::size_of_val(values)) }
}

/// A column of plain values: in the heap, or in a mapped image whose bytes there equal the
/// values it was built with ([`Col::adopt`]). Reads go through `Deref` to a slice; a change
/// ([`Col::make_mut`]) copies a mapped column into the heap first.
#[derive(Clone)]
pub(crate) enum Col<T: Plain> {
    Heap(Vec<T>),
    Mapped {
        backing: Arc<Backing>,
        /// The first byte of the values in `backing`.
        start: usize,
        /// The number of values.
        len: usize,
    },
}

impl<T: Plain> Default for Col<T> {
    fn default() -> Self {
        Col::Heap(Vec::new())
    }
}

impl<T: Plain> From<Vec<T>> for Col<T> {
    fn from(values: Vec<T>) -> Self {
        Col::Heap(values)
    }
}

impl<T: Plain> std::ops::Deref for Col<T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        match self {
            Col::Heap(values) => values,
            Col::Mapped { backing, start, len } => {
                // SAFETY: `adopt` made this variant only for a range of `backing` in bounds,
                // aligned for `T`, whose bytes equalled those of `len` valid values of `T`;
                // the bytes are read-only while mapped and `backing` lives as long as `self`.
                unsafe { std::slice::from_raw_parts(backing.bytes().as_ptr().add(*start).cast::<T>(), *len) }
            }
        }
    }
}

impl<T: Plain + std::fmt::Debug> std::fmt::Debug for Col<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Plain> Col<T> {
    /// The values, in the heap (a mapped column is copied there first), to change.
    pub fn make_mut(&mut self) -> &mut Vec<T> {
        if let Col::Mapped { .. } = self {
            *self = Col::Heap(self.to_vec());
        }
        match self {
            Col::Heap(values) => values,
            Col::Mapped { .. } => unreachable!("made a heap column above"),
        }
    }

    /// Points the column at `backing[start..start + len]` when those bytes are exactly its
    /// values' (and aligned for them), freeing its heap copy; true when it did.
    pub fn adopt(&mut self, backing: &Arc<Backing>, start: usize, len: usize) -> bool {
        let Col::Heap(values) = self else { return false };
        let Some(bytes) = start.checked_add(len).and_then(|end| backing.bytes().get(start..end)) else {
            return false;
        };
        if bytes.as_ptr().align_offset(std::mem::align_of::<T>()) != 0 || bytes != bytes_of(values) {
            return false;
        }
        let count = values.len();
        *self = Col::Mapped { backing: backing.clone(), start, len: count };
        true
    }

    /// True when the column points into a mapped image.
    pub fn is_mapped(&self) -> bool {
        matches!(self, Col::Mapped { .. })
    }

    /// Frees the heap's spare capacity.
    pub fn shrink_to_fit(&mut self) {
        if let Col::Heap(values) = self {
            values.shrink_to_fit();
        }
    }
}

/// A column as its bytes, for the image writer and [`Model::adopt_sections`].
pub(crate) trait Column {
    /// The values' bytes.
    fn bytes(&self) -> &[u8];
    /// [`Col::adopt`] with `len` in bytes.
    fn adopt_bytes(&mut self, backing: &Arc<Backing>, start: usize, len: usize) -> bool;
    /// The bytes of the column in a mapped image (0 in the heap).
    fn mapped_bytes(&self) -> usize;
}

impl<T: Plain> Column for Col<T> {
    fn bytes(&self) -> &[u8] {
        bytes_of(self)
    }

    fn adopt_bytes(&mut self, backing: &Arc<Backing>, start: usize, len: usize) -> bool {
        self.adopt(backing, start, len)
    }

    fn mapped_bytes(&self) -> usize {
        if self.is_mapped() { std::mem::size_of_val::<[T]>(self) } else { 0 }
    }
}

/// The tags of the columns an image carries after its document (docs/format.md, "Model
/// images"), in the order written: the records' keys, the territory tree's parents, the
/// links' ends, kinds and details, the offsets and entries of the outgoing, incoming and
/// children adjacency, and the ids and names of territories, units, matters, items and
/// people. A tag not listed is skipped by readers.
pub(crate) const TAGS: std::ops::RangeInclusive<u32> = 1..=16;

/// The columns of a `Data` in [`TAGS`] order, borrowed as `$r` (`&` or `&mut`) through the
/// link table's and the records' accessors named: one list for both borrows, so the order the
/// writer gives and the order a reader adopts in cannot drift apart.
macro_rules! data_columns {
    ($d:expr, [$($r:tt)+], $links:ident, $texts:ident) => {{
        let d = $d;
        let [lends, lkind, ldetail] = d.links.$links();
        let [t0, t1, t2, t3, t4] = d.records.$texts();
        [
            $($r)+ d.keys,
            $($r)+ d.parents,
            lends,
            lkind,
            ldetail,
            $($r)+ d.out.offsets,
            $($r)+ d.out.entries,
            $($r)+ d.inc.offsets,
            $($r)+ d.inc.entries,
            $($r)+ d.children.offsets,
            $($r)+ d.children.entries,
            t0,
            t1,
            t2,
            t3,
            t4,
        ]
    }};
}

impl super::Data {
    /// The columns an image carries, in [`TAGS`] order.
    fn columns(&self) -> [&dyn Column; 16] {
        data_columns!(self, [&], columns, texts)
    }

    /// As [`Data::columns`], to point them into a mapped image.
    fn columns_mut(&mut self) -> [&mut dyn Column; 16] {
        data_columns!(self, [&mut], columns_mut, texts_mut)
    }
}

impl super::Model {
    /// The columns a model image carries after its document, as (tag, bytes) in [`TAGS`]
    /// order: what a build of this model's document makes when the model was built from its
    /// document as it stands (a model changed in place may differ; a reader then keeps its
    /// own build of those columns).
    pub(crate) fn image_sections(&self) -> Vec<(u32, &[u8])> {
        TAGS.zip(self.data.columns()).map(|(tag, c)| (tag, c.bytes())).collect()
    }

    /// Points each column whose section (tag, first byte, length in bytes) in `backing`
    /// holds exactly its bytes into `backing`, freeing the heap's copy; gives the bytes now
    /// shared. A column without a section, or whose section differs, stays as built. Only a
    /// model that alone holds its document (just built) is changed.
    pub(crate) fn adopt_sections(&mut self, backing: &Arc<Backing>, sections: &[(u32, usize, usize)]) -> usize {
        let Some(data) = Arc::get_mut(&mut self.data) else { return 0 };
        let mut columns = data.columns_mut();
        let mut shared = 0;
        for &(tag, start, len) in sections {
            let Some(i) = tag.checked_sub(*TAGS.start()).map(|i| i as usize) else { continue };
            if let Some(column) = columns.get_mut(i)
                && column.adopt_bytes(backing, start, len)
            {
                shared += len;
            }
        }
        shared
    }

    /// The bytes of the model's columns that point into a mapped model image, shared with
    /// every process that maps the same file: 0 for a model loaded from JSON, CSV or .xlsx,
    /// read from an image in memory, or opened with [`crate::LoadOptions::map`] off.
    ///
    /// # Example
    /// ```
    /// let path = std::env::temp_dir().join(format!("tk-doc-mapped-{}.tkz", std::process::id()));
    /// tiaokuai::Model::sample().save(&path)?;
    /// let model = tiaokuai::Model::open(&path)?;
    /// assert_eq!(model, tiaokuai::Model::sample());
    /// # #[cfg(feature = "mmap")]
    /// assert!(model.mapped_bytes() > 0);
    /// assert_eq!(tiaokuai::Model::sample().mapped_bytes(), 0);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn mapped_bytes(&self) -> usize {
        self.data.columns().iter().map(|c| c.mapped_bytes()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_adopts_equal_aligned_bytes_only_and_copies_before_a_change() {
        let values: Vec<u32> = vec![1, 2, 3, 0xdead_beef];
        let mut file = vec![0u8; 4];
        file.extend_from_slice(bytes_of(&values));
        file.extend_from_slice(&[9, 9, 9, 9, 9]);
        let backing = Backing::heap(file);

        // Another value, a range past the end, a misaligned start: kept in the heap.
        let mut other = Col::from(vec![1u32, 2, 3, 4]);
        assert!(!other.adopt(&backing, 4, 16));
        assert!(!Col::from(values.clone()).adopt(&backing, 8, 16));
        assert!(!Col::from(values.clone()).adopt(&backing, usize::MAX, 16));
        let mut short = Col::from(vec![9u8, 9, 9, 9]);
        assert!(short.adopt(&backing, 21, 4)); // bytes need no alignment
        assert_eq!(&*short, &[9, 9, 9, 9]);
        let unaligned = Backing::heap([&[0u8][..], bytes_of(&values)].concat());
        let mut col = Col::from(values.clone());
        // The heap's allocation is at least 4-aligned, so offset 1 is not.
        assert!(!col.adopt(&unaligned, 1, 16));

        let mut col = Col::from(values.clone());
        assert!(col.adopt(&backing, 4, 16));
        assert!(col.is_mapped() && col.mapped_bytes() == 16);
        assert_eq!(&*col, &values[..]);
        assert_eq!(col.clone().to_vec(), values, "a clone points at the same bytes");
        col.make_mut().push(5);
        assert!(!col.is_mapped());
        assert_eq!(&*col, &[1, 2, 3, 0xdead_beef, 5]);
        assert_eq!(&backing.bytes()[4..20], bytes_of(&values), "the mapped bytes are unchanged");
    }
}
