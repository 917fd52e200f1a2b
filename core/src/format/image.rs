//! Model images: a whole model in one compact binary file (`.tkz`) that opens without
//! parsing JSON (issue #19).
//!
//! JSON stays the interchange format; an image is a cache of it, always rebuilt from the
//! JSON (`tiaokuai convert MODEL --to image -o model.tkz`). It holds the same document:
//! loading an image gives the very model its JSON gives, and writing that model as JSON
//! gives the same bytes. (The name: [`Model::snapshot`] is already the document of a view
//! at a date.)
//!
//! # Layout (version [`IMAGE_LAYOUT`])
//! ```text
//! header   magic  8 bytes  89 54 4B 5A 0D 0A 1A 0A  ("\x89TKZ\r\n\x1a\n")
//!          layout u32 LE   2
//!          flags  u32 LE   0 (none defined; an image with any set is refused)
//!          writer 16 bytes the writing library's version, NUL-padded ("0.1.0")
//! content  the document:
//!          counts      territories, units, matters, items, people, links, meetings (varints)
//!          meta        an optional string (the `meta` object as JSON text)
//!          records     in document order, type by type (below)
//!          links       in document order
//!          meetings    in document order
//!          then, when the model's records and links are in document order, its columns:
//!          directory   count u32 LE, 0 u32, then per column: tag u32 LE, 0 u32,
//!                      offset u64 LE (from the file's first byte), length u64 LE
//!          columns     each at an offset that is a multiple of 64, zero bytes between
//! trailer  content length u64 LE, document length u64 LE, checksum u64 LE (XXH3-64 of
//!          header and content), "TKZ-END\n"
//! ```
//! The columns are the model's in-memory tables as a build of the document lays them out
//! (tags: records' keys 1, territory parents 2, link ends 3, kinds 4, details 5; outgoing,
//! incoming and children adjacency offsets and entries 6–11; the ids and names of
//! territories, units, matters, items and people 12–16), in this machine's byte order and
//! this build's layout. They are not read as data: [`Model::open`] builds the model from
//! the document and then points each column it built into the mapped file where the
//! file's bytes are the very bytes it built (see `model::col`), so that processes opening
//! one image share those pages. A column that differs (another build's layout, a model
//! changed in place before it was written) is kept as built.
//! Numbers are unsigned LEB128 varints; a string is its byte length then its UTF-8 bytes;
//! an optional value is 0 for none, else one more than its value (an optional string: its
//! length plus one); a date packs `year << 9 | month << 5 | day` (0 for an absent month or
//! day) and is optional. Records name other records by their place in the document (0 for
//! the first territory), not by id. Vocabulary words (kinds, lists, posts …) are written as
//! their text, so the layout does not depend on how the library numbers them.
//!
//! | record | fields |
//! |---|---|
//! | territory | id, name, kind, parent (place), attrs, since, until |
//! | unit | id, name, kind, sector, located_in (place), members, staff, in_service_members, attrs, since, until |
//! | matter | id, name, list, category, attrs, since, until |
//! | item | id, name, list, attrs, since, until |
//! | person | id, name (empty: none), attrs, since, until |
//! | link | kind, from (place), to (place), a varint of flags ([`flag`]), then the fields flagged |
//! | meeting | id, kind, territory (id), date, convener (id), topics (count, ids), attrs |
//!
//! # Safety of reading
//! The checksum is checked before anything is decoded, so a damaged or truncated file is an
//! error, never a wrong model. A well-formed image is then decoded through the same checks
//! as a JSON document (the builder's): a crafted image with a valid checksum is refused with
//! the same errors its JSON would get, and bounds on every count and length keep its
//! allocations within the file's size.

use std::io::Write;
use std::path::Path;

use serde_json::value::RawValue;

use super::LoadOptions;
use super::json::{At, Locate, word};
use crate::error::{Error, Position, Result};
use crate::model::builder::LinkFields;
use crate::model::*;

/// The first eight bytes of every model image.
pub const IMAGE_MAGIC: [u8; 8] = *b"\x89TKZ\r\n\x1a\n";

/// The image layout this library writes and reads; an image of another layout is refused
/// (rebuild it from the JSON).
pub const IMAGE_LAYOUT: u32 = 2;

/// The last eight bytes of every model image.
const END: [u8; 8] = *b"TKZ-END\n";
const HEADER: usize = 32;
const TRAILER: usize = 32;
/// The alignment of the columns after the document.
const ALIGN: u64 = 64;

/// The bits of a link's flags: which optional fields follow.
pub mod flag {
    /// `primary` is given.
    pub const PRIMARY: u64 = 1;
    /// `primary` is true (with [`PRIMARY`]).
    pub const PRIMARY_TRUE: u64 = 1 << 1;
    /// `power` follows.
    pub const POWER: u64 = 1 << 2;
    /// `role` follows.
    pub const ROLE: u64 = 1 << 3;
    /// `scope` (a place) follows.
    pub const SCOPE: u64 = 1 << 4;
    /// `members` follows.
    pub const MEMBERS: u64 = 1 << 5;
    /// `event` follows.
    pub const EVENT: u64 = 1 << 6;
    /// `post` follows.
    pub const POST: u64 = 1 << 7;
    /// `band` follows.
    pub const BAND: u64 = 1 << 8;
    /// `grade` follows.
    pub const GRADE: u64 = 1 << 9;
    /// `channel` follows.
    pub const CHANNEL: u64 = 1 << 10;
    /// `attrs` (JSON text) follows.
    pub const ATTRS: u64 = 1 << 11;
    /// `since` follows.
    pub const SINCE: u64 = 1 << 12;
    /// `until` follows.
    pub const UNTIL: u64 = 1 << 13;
    /// Every bit defined.
    pub const ALL: u64 = (1 << 14) - 1;
}

/// True when `bytes` start as a model image does ([`IMAGE_MAGIC`]).
///
/// # Example
/// ```
/// let image = tiaokuai::Model::sample().to_image();
/// assert!(tiaokuai::format::is_image(&image));
/// assert!(!tiaokuai::format::is_image(tiaokuai::SAMPLE_JSON.as_bytes()));
/// ```
pub fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(&IMAGE_MAGIC)
}

fn bad(message: impl Into<String>) -> Error {
    Error::Image { message: message.into() }
}

/// Writes varints and strings, hashing everything it writes.
struct Enc<W: Write> {
    w: W,
    hash: xxhash_rust::xxh3::Xxh3,
    len: u64,
}

impl<W: Write> Enc<W> {
    fn bytes(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.hash.update(b);
        self.len += b.len() as u64;
        self.w.write_all(b)
    }

    fn varint(&mut self, mut v: u64) -> std::io::Result<()> {
        let mut buf = [0u8; 10];
        let mut n = 0;
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                buf[n] = byte;
                n += 1;
                break;
            }
            buf[n] = byte | 0x80;
            n += 1;
        }
        self.bytes(&buf[..n])
    }

    fn str(&mut self, s: &str) -> std::io::Result<()> {
        self.varint(s.len() as u64)?;
        self.bytes(s.as_bytes())
    }

    fn opt_str(&mut self, s: Option<&str>) -> std::io::Result<()> {
        match s {
            None => self.varint(0),
            Some(s) => {
                self.varint(s.len() as u64 + 1)?;
                self.bytes(s.as_bytes())
            }
        }
    }

    fn opt(&mut self, v: Option<u64>) -> std::io::Result<()> {
        self.varint(v.map_or(0, |v| v + 1))
    }

    fn date(&mut self, d: Option<Date>) -> std::io::Result<()> {
        self.varint(d.map_or(0, pack))
    }

    fn validity(&mut self, v: &Validity) -> std::io::Result<()> {
        self.date(v.since)?;
        self.date(v.until)
    }
}

/// A date as one number: `year << 9 | month << 5 | day`, 0 for an absent month or day.
fn pack(d: Date) -> u64 {
    u64::from(d.year()) << 9 | u64::from(d.month().unwrap_or(0)) << 5 | u64::from(d.day().unwrap_or(0))
}

/// The date [`pack`] made `v` from, if it is one (and written as `pack` writes it).
fn unpack(v: u64) -> Option<Date> {
    let year = u32::try_from(v >> 9).ok()?;
    let (month, day) = (((v >> 5) & 15) as u32, (v & 31) as u32);
    let d = match (month, day) {
        (0, 0) => Date::year_of(year),
        (_, 0) => Date::month_of(year, month),
        (0, _) => None,
        _ => Date::new(year, month, day),
    }?;
    (pack(d) == v).then_some(d)
}

impl Model {
    /// Writes the model as a model image (see [`crate::format::image`]): the whole document,
    /// history, people and meetings included, as [`Model::write_json`] writes it.
    ///
    /// # Errors
    /// [`Error::Io`] when the writer fails.
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::sample();
    /// let mut image = Vec::new();
    /// model.write_image(&mut image)?;
    /// assert_eq!(tiaokuai::Model::from_image(&image)?, model);
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn write_image<W: Write>(&self, w: W) -> Result<()> {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
        self.write_image_inner(&mut w).and_then(|()| w.flush()).map_err(|e| Error::Io {
            path: "(output)".into(),
            message: e.to_string(),
            io_kind: e.kind(),
        })
    }

    /// The model image of the model, in memory ([`Model::write_image`]).
    ///
    /// # Example
    /// ```
    /// let image = tiaokuai::Model::sample().to_image();
    /// assert!(image.starts_with(&tiaokuai::format::IMAGE_MAGIC));
    /// ```
    pub fn to_image(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // Writing to a vector cannot fail.
        let _ = self.write_image_inner(&mut out);
        out
    }

    fn write_image_inner<W: Write>(&self, w: W) -> std::io::Result<()> {
        // Unbuffered: `write_image` buffers, `to_image` writes to memory.
        let mut e = Enc { w, hash: Default::default(), len: 0 };
        let mut header = [0u8; HEADER];
        header[..8].copy_from_slice(&IMAGE_MAGIC);
        header[8..12].copy_from_slice(&IMAGE_LAYOUT.to_le_bytes());
        let version = env!("CARGO_PKG_VERSION").as_bytes();
        let n = version.len().min(16);
        header[16..16 + n].copy_from_slice(&version[..n]);
        e.bytes(&header)?;
        let body_start = e.len;

        // Each record's place in the document, by node index.
        let mut place = vec![u32::MAX; self.len()];
        let mut counts = [0u64; 5];
        // Whether the nodes are in document order, as a build of the document numbers them
        // (the links always are): then its columns are the build's, and worth writing.
        let mut in_order = true;
        for (i, (n, r)) in self.document_records().enumerate() {
            place[n.index()] = i as u32;
            in_order &= n.index() == i;
            counts[crate::model::type_slot(r.record_type())] += 1;
        }
        let at = |n: Node| u64::from(place[n.index()]);
        for c in counts {
            e.varint(c)?;
        }
        e.varint(self.link_count() as u64)?;
        e.varint(self.meetings().len() as u64)?;
        e.opt_str(self.meta().map(|m| m.as_json()))?;
        for (_, r) in self.document_records() {
            e.str(r.id())?;
            e.str(r.name())?;
            match r {
                RecordRef::Territory(t) => {
                    e.str(t.kind.as_str())?;
                    e.opt(t.parent.map(at))?;
                }
                RecordRef::Unit(u) => {
                    e.str(u.kind.as_str())?;
                    e.opt_str(u.sector.as_ref().map(|s| s.as_str()))?;
                    e.opt(u.located_in.map(at))?;
                    for c in [u.members(), u.staff(), u.in_service_members()] {
                        e.opt(c.map(u64::from))?;
                    }
                }
                RecordRef::Matter(m) => {
                    e.str(m.list.as_str())?;
                    e.opt_str(m.category.as_deref())?;
                }
                RecordRef::Item(i) => e.str(i.list.as_str())?,
                RecordRef::Person(_) => {}
            }
            e.opt_str(r.attrs().map(|a| a.as_json()))?;
            e.validity(&r.validity())?;
        }
        for (id, l) in self.document_links() {
            let h = self.holding(id);
            let attrs = self.link_attrs(id);
            let v = l.validity;
            let mut flags = 0;
            for (present, bit) in [
                (l.primary.is_some(), flag::PRIMARY),
                (l.primary == Some(true), flag::PRIMARY_TRUE),
                (l.power.is_some(), flag::POWER),
                (l.role.is_some(), flag::ROLE),
                (l.scope.is_some(), flag::SCOPE),
                (l.members.is_some(), flag::MEMBERS),
                (l.event.is_some(), flag::EVENT),
                (h.is_some(), flag::POST),
                (h.is_some_and(|h| h.band.is_some()), flag::BAND),
                (h.is_some_and(|h| h.grade.is_some()), flag::GRADE),
                (h.is_some_and(|h| h.channel.is_some()), flag::CHANNEL),
                (attrs.is_some(), flag::ATTRS),
                (v.since.is_some(), flag::SINCE),
                (v.until.is_some(), flag::UNTIL),
            ] {
                if present {
                    flags |= bit;
                }
            }
            e.str(l.kind.as_str())?;
            e.varint(at(l.from))?;
            e.varint(at(l.to))?;
            e.varint(flags)?;
            if let Some(p) = l.power {
                e.str(p.as_str())?;
            }
            if let Some(r) = l.role {
                e.str(r.as_str())?;
            }
            if let Some(s) = l.scope {
                e.varint(at(s))?;
            }
            if let Some(m) = l.members {
                e.varint(u64::from(m))?;
            }
            if let Some(ev) = l.event {
                e.str(ev.as_str())?;
            }
            if let Some(h) = h {
                e.str(h.post.as_str())?;
                if let Some(b) = h.band {
                    e.str(b.as_str())?;
                }
                if let Some(g) = h.grade {
                    e.varint(u64::from(g))?;
                }
                if let Some(c) = h.channel {
                    e.str(c.as_str())?;
                }
            }
            if let Some(a) = attrs {
                e.str(a.as_json())?;
            }
            if let Some(d) = v.since {
                e.varint(pack(d))?;
            }
            if let Some(d) = v.until {
                e.varint(pack(d))?;
            }
        }
        for m in self.meetings().iter() {
            e.str(&m.id)?;
            e.str(m.kind.as_str())?;
            e.str(self.id(m.territory))?;
            e.varint(pack(m.date))?;
            e.opt_str(m.convener.map(|c| self.id(c)))?;
            e.varint(m.topics.len() as u64)?;
            for &t in m.topics.iter() {
                e.str(self.id(t))?;
            }
            e.opt_str(m.attrs.as_ref().map(|a| a.as_json()))?;
        }
        let document = e.len - body_start;
        if in_order {
            write_columns(&mut e, &self.image_sections())?;
        }
        let content = e.len - body_start;
        let sum = e.hash.digest();
        let mut w = e.w;
        w.write_all(&content.to_le_bytes())?;
        w.write_all(&document.to_le_bytes())?;
        w.write_all(&sum.to_le_bytes())?;
        w.write_all(&END)
    }

    /// Reads a model image ([`Model::write_image`]).
    ///
    /// # Errors
    /// [`Error::Image`] for bytes that are not an image, an image of another layout, and a
    /// damaged or truncated one (its checksum or length do not match); the loading errors of
    /// [`Model::from_json`] for a well-formed image whose document a JSON load would refuse.
    ///
    /// # Example
    /// ```
    /// let image = tiaokuai::Model::sample().to_image();
    /// let model = tiaokuai::Model::from_image(&image)?;
    /// assert_eq!(model.len(), tiaokuai::Model::sample().len());
    /// let err = tiaokuai::Model::from_image(&image[..image.len() - 1]).unwrap_err();
    /// assert_eq!(err.kind(), "image");
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn from_image(bytes: &[u8]) -> Result<Model> {
        Self::from_image_with(bytes, &LoadOptions::default())
    }

    /// [`Model::from_image`] with options (the size limit, the threads the model's tables
    /// are built on).
    ///
    /// # Errors
    /// As [`Model::from_image`], and [`Error::TooLarge`] over the size limit.
    pub fn from_image_with(bytes: &[u8], options: &LoadOptions) -> Result<Model> {
        if bytes.len() as u64 > options.max_bytes {
            return Err(Error::TooLarge { size: bytes.len() as u64, limit: options.max_bytes });
        }
        if !is_image(bytes) {
            return Err(bad("not a model image: it does not start with the image's magic bytes"));
        }
        if bytes.len() < HEADER + TRAILER {
            return Err(bad(format!("truncated: {} bytes, shorter than an image's header and trailer", bytes.len())));
        }
        let (header, rest) = bytes.split_at(HEADER);
        let (body, trailer) = rest.split_at(rest.len() - TRAILER);
        let (header, trailer) = (header.try_into().unwrap_or([0; HEADER]), trailer.try_into().unwrap_or([0; TRAILER]));
        // The bytes are all here: a damaged image is refused before any decoding (read_image
        // checksums it again as it decodes).
        let (sum, document) = check_ends(&header, &trailer, body.len() as u64)?;
        if xxhash_rust::xxh3::xxh3_64(&bytes[..bytes.len() - TRAILER]) != sum {
            return Err(damaged());
        }
        // The columns after the document are the build's own: in memory, nothing to share.
        let body = &body[..document as usize];
        read_image(&header, body, document, None, options, None, WINDOW, &mut |_, _| Ok(()))
    }

    /// Opens a model image file ([`Model::write_image`], `tiaokuai convert MODEL --to image`).
    /// [`Model::load`] opens images too (it knows them by their first bytes); this refuses
    /// anything else.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read, [`Error::Changed`] when it changed while it
    /// was read, and those of [`Model::from_image_with`].
    ///
    /// # Example
    /// ```
    /// let path = std::env::temp_dir().join(format!("tk-doc-open-{}.tkz", std::process::id()));
    /// let model = tiaokuai::Model::sample();
    /// model.save(&path)?; // .tkz: an image
    /// assert_eq!(tiaokuai::Model::open(&path)?, model);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Model> {
        Self::open_with(path, &LoadOptions::default())
    }

    /// [`Model::open`] with options.
    ///
    /// # Errors
    /// As [`Model::open`].
    pub fn open_with(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Model> {
        use std::io::{Read, Seek, SeekFrom};
        let path = path.as_ref();
        let io = |e: std::io::Error| Error::io(path, &e);
        let mut file = std::fs::File::open(path).map_err(io)?;
        let before = file.metadata().map_err(io)?;
        let not_image = || {
            bad(format!(
                "{} is not a model image (it does not start with the image's magic bytes); load JSON, CSV or \
                 .xlsx models with Model::load",
                path.display()
            ))
        };
        if !before.is_file() {
            // A pipe or a device has no end to read the trailer from: read it whole.
            let bytes = super::read_checked(path, 0, options.max_bytes, &mut |_| {})?;
            return if is_image(&bytes) { Self::from_image_with(&bytes, options) } else { Err(not_image()) };
        }
        let len = before.len();
        if len > options.max_bytes {
            return Err(Error::TooLarge { size: len, limit: options.max_bytes });
        }
        let mut header = Vec::with_capacity(HEADER);
        (&mut file).take(HEADER as u64).read_to_end(&mut header).map_err(io)?;
        if !is_image(&header) {
            return Err(not_image());
        }
        let (Ok(header), true) = (<[u8; HEADER]>::try_from(header), len >= (HEADER + TRAILER) as u64) else {
            return Err(bad(format!("truncated: {len} bytes, shorter than an image's header and trailer")));
        };
        let mut trailer = [0u8; TRAILER];
        file.seek(SeekFrom::End(-(TRAILER as i64))).map_err(io)?;
        file.read_exact(&mut trailer).map_err(io)?;
        file.seek(SeekFrom::Start(HEADER as u64)).map_err(io)?;
        let body_len = len - (HEADER + TRAILER) as u64;
        let (sum, document) = check_ends(&header, &trailer, body_len)?;
        // The columns after the document: mapped (once the document is read) and checksummed
        // from the mapping, or read and checksummed. The document itself is read, not mapped:
        // its pages would count in the process's memory for nothing once decoded.
        let columns = body_len - document;
        let start = HEADER as u64 + document;
        let mut rest = file.try_clone().map_err(io)?; // the same position: after the document, once read
        // A directory that does not fit its content: reported once the checksum has matched
        // (damage elsewhere is reported as damage).
        #[cfg_attr(not(feature = "mmap"), allow(unused_mut))]
        let mut broken = None;
        let mut hash_rest = |hash: &mut xxhash_rust::xxh3::Xxh3, _model: Option<&mut Model>| -> Result<()> {
            if columns == 0 {
                return Ok(());
            }
            #[cfg(feature = "mmap")]
            if options.map
                && let Ok(len) = usize::try_from(columns)
                && let Ok(map) = crate::model::col::Backing::map(&rest, start, len)
            {
                // The columns are compared with the model's before the whole is checksummed,
                // so that each built column is freed as its mapped twin is taken (the peak is
                // the model's, not the model and the mapped columns): a damaged file is still
                // refused as damaged, its model dropped.
                if let Some(model) = _model {
                    match directory(map.bytes(), start) {
                        Ok(columns) => _ = model.adopt_sections(&map, &columns),
                        Err(e) => broken = Some(e),
                    }
                }
                hash.update(map.bytes());
                return Ok(());
            }
            rest.seek(SeekFrom::Start(start)).map_err(io)?;
            let mut buf = vec![0u8; WINDOW.min(columns as usize)];
            let mut left = columns;
            while left > 0 {
                let n = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                rest.read_exact(&mut buf[..n]).map_err(io)?;
                hash.update(&buf[..n]);
                left -= n as u64;
            }
            Ok(())
        };
        let model = read_image(
            &header,
            (&mut file).take(document),
            document,
            Some(sum),
            options,
            Some(path),
            WINDOW,
            &mut hash_rest,
        )?;
        if let Some(e) = broken {
            return Err(e);
        }
        let after = file.metadata().map_err(io)?;
        if after.len() != len || after.modified().ok() != before.modified().ok() {
            return Err(Error::Changed { path: path.display().to_string() });
        }
        Ok(model)
    }
}

/// Checks an image's header (layout, flags) and trailer (its end, the content's length);
/// the checksum and the document's length the trailer gives.
fn check_ends(header: &[u8; HEADER], trailer: &[u8; TRAILER], body_len: u64) -> Result<(u64, u64)> {
    let layout = u32::from_le_bytes([header[8], header[9], header[10], header[11]]);
    let writer = String::from_utf8_lossy(&header[16..32]).trim_end_matches('\0').to_string();
    if layout != IMAGE_LAYOUT {
        return Err(bad(format!(
            "written by tiaokuai {writer:?} in image layout {layout}; this tiaokuai ({}) reads layout {IMAGE_LAYOUT}: \
             rebuild the image from the model's JSON (tiaokuai convert MODEL --to image -o FILE.tkz)",
            env!("CARGO_PKG_VERSION")
        )));
    }
    let flags = u32::from_le_bytes([header[12], header[13], header[14], header[15]]);
    if flags != 0 {
        return Err(bad(format!("unknown header flags {flags:#x} (written by tiaokuai {writer:?})")));
    }
    if trailer[24..] != END {
        return Err(bad("truncated or damaged: it does not end as an image does (was it copied whole?)"));
    }
    let declared = u64::from_le_bytes(trailer[..8].try_into().unwrap_or_default());
    if declared != body_len {
        return Err(bad(format!(
            "truncated or damaged: its trailer gives {declared} bytes of content, it holds {body_len}"
        )));
    }
    let document = u64::from_le_bytes(trailer[8..16].try_into().unwrap_or_default());
    if document > body_len {
        return Err(bad(format!(
            "truncated or damaged: its trailer gives a document of {document} bytes in {body_len} bytes of content"
        )));
    }
    Ok((u64::from_le_bytes(trailer[16..24].try_into().unwrap_or_default()), document))
}

/// Writes the directory and the columns after the document (`e.len` is the file offset of
/// the next byte).
fn write_columns<W: Write>(e: &mut Enc<W>, columns: &[(u32, &[u8])]) -> std::io::Result<()> {
    let mut dir = Vec::with_capacity(8 + 24 * columns.len());
    dir.extend_from_slice(&(columns.len() as u32).to_le_bytes());
    dir.extend_from_slice(&0u32.to_le_bytes());
    let mut at = e.len + dir.capacity() as u64;
    for &(tag, bytes) in columns {
        at = at.next_multiple_of(ALIGN);
        dir.extend_from_slice(&tag.to_le_bytes());
        dir.extend_from_slice(&0u32.to_le_bytes());
        dir.extend_from_slice(&at.to_le_bytes());
        dir.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        at += bytes.len() as u64;
    }
    e.bytes(&dir)?;
    for &(_, bytes) in columns {
        let pad = e.len.next_multiple_of(ALIGN) - e.len;
        e.bytes(&[0u8; ALIGN as usize][..pad as usize])?;
        e.bytes(bytes)?;
    }
    Ok(())
}

/// The columns listed by the directory at the start of `part` (the content after the
/// document, which starts at file offset `base`), as (tag, start, length) in `part`'s bytes.
/// A directory that does not fit, or a column outside `part` or before the directory's
/// end, is damage (the checksum matched, so the file was made so).
#[cfg_attr(not(feature = "mmap"), allow(dead_code))]
fn directory(part: &[u8], base: u64) -> Result<Vec<(u32, usize, usize)>> {
    let broken = || bad("damaged: the directory of its columns does not fit its content");
    let word = |at: usize| part.get(at..at + 4).map(|b| u32::from_le_bytes(b.try_into().unwrap_or_default()));
    let long = |at: usize| part.get(at..at + 8).map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default()));
    let count = word(0).ok_or_else(broken)? as usize;
    let end = count.checked_mul(24).and_then(|n| n.checked_add(8)).filter(|&n| n <= part.len()).ok_or_else(broken)?;
    (0..count)
        .map(|i| {
            let at = 8 + 24 * i;
            let (tag, offset, len) = (word(at), long(at + 8), long(at + 16));
            let (Some(tag), Some(offset), Some(len)) = (tag, offset, len) else { return Err(broken()) };
            let start = offset.checked_sub(base).and_then(|s| usize::try_from(s).ok()).filter(|&s| s >= end);
            match (start, usize::try_from(len)) {
                (Some(start), Ok(len)) if start.checked_add(len).is_some_and(|e| e <= part.len()) => {
                    Ok((tag, start, len))
                }
                _ => Err(broken()),
            }
        })
        .collect()
}

fn damaged() -> Error {
    bad("damaged: its checksum does not match its content; rebuild it from the model's JSON")
}

/// Decodes an image's content (`body_len` bytes from `body`; its header and trailer checked
/// by [`check_ends`]). With `sum`, the content is checksummed as it is read and the model
/// returned only when it matches that sum; a damaged image is then reported as damaged even
/// when its damage made the decoding fail first. Without, the caller checked it already.
/// The content is read `window` bytes at a time at least ([`WINDOW`] but in tests). `body`
/// is the document (`body_len` bytes); `rest` checksums the content after it, given the
/// model decoded (to point its columns into that content first, see [`Model::open_with`]).
#[allow(clippy::too_many_arguments)]
fn read_image<R: std::io::Read + Send>(
    header: &[u8; HEADER],
    body: R,
    body_len: u64,
    sum: Option<u64>,
    options: &LoadOptions,
    path: Option<&Path>,
    window: usize,
    rest: &mut dyn FnMut(&mut xxhash_rust::xxh3::Xxh3, Option<&mut Model>) -> Result<()>,
) -> Result<Model> {
    let hash = sum.map(|_| {
        let mut hash = xxhash_rust::xxh3::Xxh3::new();
        hash.update(header);
        hash
    });
    let d = &mut Dec { r: body, buf: Vec::new(), pos: 0, end: 0, consumed: 0, left: body_len, hash, path, window };
    let mut decoded = decode(d, super::parallel::threads(options.threads));
    let Some(sum) = sum else { return decoded };
    // Whatever the decoding found, the checksum decides first: the rest of the content is read
    // (when the decoding stopped early) and the whole compared with the trailer's.
    let drained = d.drain();
    let rest = match (&drained, d.hash.as_mut()) {
        (Ok(()), Some(hash)) => rest(hash, decoded.as_mut().ok()),
        _ => Ok(()),
    };
    if drained.is_ok() && rest.is_ok() && d.hash.as_ref().map(|h| h.digest()) != Some(sum) {
        return Err(damaged());
    }
    drained?;
    rest?;
    decoded
}

/// Reads varints and strings from an image's content as it reads it, a window at a time,
/// checksumming every byte read; errors name the byte.
struct Dec<'p, R> {
    r: R,
    /// The window: `buf[pos..end]` is read and not yet decoded.
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// Content bytes before `buf[0]`.
    consumed: u64,
    /// Content bytes not read yet.
    left: u64,
    /// The checksum of what was read, when it is to be checked.
    hash: Option<xxhash_rust::xxh3::Xxh3>,
    /// The file, for read errors.
    path: Option<&'p Path>,
    /// What one read asks for, at least ([`WINDOW`]; tests take a few bytes).
    window: usize,
}

/// The window's size: what one read asks for.
const WINDOW: usize = 1 << 22;

impl<R: std::io::Read> Dec<'_, R> {
    fn fail(&self, what: &str) -> Error {
        // The offset in the file: the content starts after the header.
        bad(format!("{what} at byte {}", self.consumed + self.pos as u64 + HEADER as u64))
    }

    /// Content bytes not decoded yet.
    fn remaining(&self) -> u64 {
        (self.end - self.pos) as u64 + self.left
    }

    /// Makes `n` bytes available at `buf[pos..]`, reading more (an error when fewer are left).
    #[inline]
    fn need(&mut self, n: usize) -> Result<()> {
        if self.end - self.pos >= n { Ok(()) } else { self.refill(n) }
    }

    /// [`Dec::need`] when the window holds fewer than `n` bytes: out of line, so that the
    /// check every varint's byte and every string makes stays a compare and a branch.
    #[cold]
    #[inline(never)]
    fn refill(&mut self, n: usize) -> Result<()> {
        if self.remaining() < n as u64 {
            return Err(self.fail(if n == 1 { "unexpected end of content" } else { "a string longer than the rest" }));
        }
        self.buf.copy_within(self.pos..self.end, 0);
        self.consumed += self.pos as u64;
        self.end -= self.pos;
        self.pos = 0;
        // `n` is at most what is left of the content, which the file holds: bounded by its size.
        let want = (n.max(self.window) as u64).min(self.end as u64 + self.left) as usize;
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        while self.end < n {
            let room = (self.buf.len() - self.end).min(usize::try_from(self.left).unwrap_or(usize::MAX));
            let got = match self.r.read(&mut self.buf[self.end..self.end + room]) {
                Ok(0) => return Err(self.fail("the file ended early (was it cut while being read?)")),
                Ok(got) => got,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(match self.path {
                        Some(p) => Error::io(p, &e),
                        None => bad(format!("reading failed: {e}")),
                    });
                }
            };
            if let Some(hash) = &mut self.hash {
                hash.update(&self.buf[self.end..self.end + got]);
            }
            self.end += got;
            self.left -= got as u64;
        }
        Ok(())
    }

    /// Reads (and checksums) the rest of the content, undecoded.
    fn drain(&mut self) -> Result<()> {
        self.pos = self.end;
        while self.left > 0 {
            self.need(1)?;
            self.pos = self.end;
        }
        Ok(())
    }

    #[inline]
    fn byte(&mut self) -> Result<u8> {
        self.need(1)?;
        let b = self.buf[self.pos];
        self.pos += 1;
        Ok(b)
    }

    #[inline]
    fn varint(&mut self) -> Result<u64> {
        // Most are one byte (a string's length, a flag set, a small place), read here.
        if let Some(&b) = self.buf[..self.end].get(self.pos)
            && b & 0x80 == 0
        {
            self.pos += 1;
            return Ok(u64::from(b));
        }
        self.varint_long()
    }

    /// [`Dec::varint`] of more than one byte, or at the window's end.
    #[inline(never)]
    fn varint_long(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(self.fail("a number larger than 64 bits"));
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.fail("a number larger than 64 bits"))
    }

    /// A varint that is a count of things each at least `min` bytes long: never more than
    /// what is left could hold, so a crafted count cannot make a large allocation.
    fn count(&mut self, min: usize) -> Result<usize> {
        let n = self.varint()?;
        let room = self.remaining() / min.max(1) as u64;
        usize::try_from(n)
            .ok()
            .filter(|&n| n as u64 <= room)
            .ok_or_else(|| self.fail(&format!("a count of {n} that the rest cannot hold")))
    }

    #[inline]
    fn text(&mut self, len: u64) -> Result<&str> {
        let Some(len) = usize::try_from(len).ok().filter(|&l| l as u64 <= self.remaining()) else {
            return Err(self.fail("a string longer than the rest"));
        };
        self.need(len)?;
        let start = self.pos;
        let bytes = &self.buf[start..start + len];
        // Ids and words are short and mostly ASCII: checked here, in line; the rest by the
        // standard library's check, which costs a call even for a few bytes.
        if len <= 32 && bytes.iter().all(u8::is_ascii) {
            self.pos += len;
            // SAFETY: every byte is ASCII, so the bytes are UTF-8.
            return Ok(unsafe { std::str::from_utf8_unchecked(&self.buf[start..start + len]) });
        }
        if std::str::from_utf8(bytes).is_err() {
            return Err(self.fail("a string that is not UTF-8"));
        }
        self.pos += len;
        // SAFETY: checked just above to be UTF-8.
        Ok(unsafe { std::str::from_utf8_unchecked(&self.buf[start..start + len]) })
    }

    fn str(&mut self) -> Result<&str> {
        let len = self.varint()?;
        self.text(len)
    }

    fn opt_str(&mut self) -> Result<Option<&str>> {
        match self.varint()? {
            0 => Ok(None),
            n => self.text(n - 1).map(Some),
        }
    }

    fn opt(&mut self) -> Result<Option<u64>> {
        Ok(self.varint()?.checked_sub(1))
    }

    fn u32_opt(&mut self, what: &str) -> Result<Option<u32>> {
        match self.opt()? {
            None => Ok(None),
            Some(v) => self.fit(v, what).map(Some),
        }
    }

    /// `v` as a `T` (a count, a grade), or an error naming `what` and `T`'s largest value.
    #[inline]
    fn fit<T: Narrow>(&self, v: u64, what: &str) -> Result<T> {
        T::try_from(v).map_err(|_| self.fail(&format!("{what} {v} larger than {}", T::MAX)))
    }

    fn date_of(&self, v: u64) -> Result<Date> {
        unpack(v).ok_or_else(|| self.fail(&format!("{v} is not a date")))
    }

    fn opt_date(&mut self) -> Result<Option<Date>> {
        match self.varint()? {
            0 => Ok(None),
            v => self.date_of(v).map(Some),
        }
    }

    fn validity(&mut self) -> Result<Validity> {
        Ok(Validity::new(self.opt_date()?, self.opt_date()?))
    }

    /// A place among the first `limit` records (`what` names it in the error).
    fn place(&mut self, v: u64, limit: usize, what: &str) -> Result<Node> {
        usize::try_from(v)
            .ok()
            .filter(|&p| p < limit)
            .map(|p| Node::new(p as u32))
            .ok_or_else(|| self.fail(&format!("{what} names record {v}, not one of the {limit} it may name")))
    }
}

/// An integer type a varint is narrowed to ([`Dec::fit`]), with its largest value for errors.
trait Narrow: TryFrom<u64> {
    const MAX: u64;
}

impl Narrow for u8 {
    const MAX: u64 = u8::MAX as u64;
}

impl Narrow for u32 {
    const MAX: u64 = u32::MAX as u64;
}

/// A record's or link's `attrs`, checked as the JSON loader checks them.
fn attrs(at: &impl Locate, text: Option<&str>) -> Result<Option<Attrs>> {
    let Some(text) = text else { return Ok(None) };
    let raw: &RawValue = serde_json::from_str(text).map_err(|e| Error::InvalidField {
        at: at.pos(),
        field: "attrs".into(),
        message: format!("not JSON: {e}"),
    })?;
    super::json::attrs(at, Some(raw))
}

/// Records as the image gives them: each with the hash of its id, where its id and name end
/// in `text`, and its row. A row's `parent` or `located_in` is set already: a place is a node
/// (records are added in document order), and a territory's (the first `territories` places
/// are the territories). The ids and names of a batch share one string, so decoding a record
/// allocates nothing (and the thread that adds it frees nothing).
#[derive(Default)]
struct Batch {
    text: String,
    rows: Vec<(u64, usize, usize, Row)>,
}

/// Records decoded at a time by the second thread of [`add_records`].
const BATCH: usize = 4096;

/// Decodes the `index`th record of type `t` (`territories`: how many territories there are),
/// its id and name appended to `text`: gives its row and where the id ends in `text`.
fn record<R: std::io::Read>(
    d: &mut Dec<'_, R>,
    t: RecordType,
    index: usize,
    territories: usize,
    text: &mut String,
) -> Result<(Row, usize)> {
    let start = text.len();
    text.push_str(d.str()?);
    let id_end = text.len();
    text.push_str(d.str()?);
    let at = At { array: t.array(), index, id: &text[start..id_end] };
    let row = match t {
        RecordType::Territory => {
            let kind = word(&at, "kind", d.str()?)?;
            let parent = match d.opt()? {
                None => None,
                Some(p) => Some(d.place(p, territories, "\"parent\"")?),
            };
            let (attrs, validity) = (attrs(&at, d.opt_str()?)?, d.validity()?);
            Row::Territory(TerritoryRow { kind, parent, attrs, validity })
        }
        RecordType::Unit => {
            let kind = word(&at, "kind", d.str()?)?;
            let sector = d.opt_str()?.map(|s| word(&at, "sector", s)).transpose()?;
            let located_in = match d.opt()? {
                None => None,
                Some(p) => Some(d.place(p, territories, "\"located_in\"")?),
            };
            let (members, staff, in_service_members) =
                (d.u32_opt("members")?, d.u32_opt("staff")?, d.u32_opt("in_service_members")?);
            let (attrs, validity) = (attrs(&at, d.opt_str()?)?, d.validity()?);
            Row::Unit(UnitRow {
                kind,
                sector,
                located_in,
                counts: UnitCounts::new(members, staff, in_service_members),
                attrs,
                validity,
            })
        }
        RecordType::Matter => {
            let list = word(&at, "list", d.str()?)?;
            let category = d.opt_str()?.map(Into::into);
            let (attrs, validity) = (attrs(&at, d.opt_str()?)?, d.validity()?);
            Row::Matter(MatterRow { list, category, attrs, validity })
        }
        RecordType::Item => {
            let list = word(&at, "list", d.str()?)?;
            let (attrs, validity) = (attrs(&at, d.opt_str()?)?, d.validity()?);
            Row::Item(ItemRow { list, attrs, validity })
        }
        RecordType::Person => {
            let (attrs, validity) = (attrs(&at, d.opt_str()?)?, d.validity()?);
            Row::Person(PersonRow { attrs, validity })
        }
    };
    Ok((row, id_end))
}

/// Decodes the records (`counts` of each type) and adds them to `b`: decoded and their ids
/// hashed on a second thread, a batch at a time, when `threads` > 1 and there are many.
fn add_records<R: std::io::Read + Send>(
    b: &mut ModelBuilder,
    d: &mut Dec<'_, R>,
    counts: [usize; 5],
    threads: usize,
) -> Result<()> {
    let territories = counts[0];
    let hash = b.id_hasher();
    let fresh = || Batch { text: String::new(), rows: Vec::with_capacity(BATCH) };
    let decode = |send: &mut dyn FnMut(Batch) -> Option<Batch>| -> Result<()> {
        let mut batch = fresh();
        for (&t, &n) in crate::model::TYPES.iter().zip(&counts) {
            for index in 0..n {
                let start = batch.text.len();
                let (row, id_end) = match record(d, t, index, territories, &mut batch.text) {
                    Ok(decoded) => decoded,
                    Err(e) => {
                        // The records decoded before it are added first: an error of theirs
                        // comes before this one in the document.
                        send(batch);
                        return Err(e);
                    }
                };
                let h = hash(&batch.text[start..id_end]);
                batch.rows.push((h, id_end, batch.text.len(), row));
                if batch.rows.len() == BATCH {
                    let Some(next) = send(batch) else { return Ok(()) };
                    batch = next;
                }
            }
        }
        send(batch);
        Ok(())
    };
    // The id index's bucket of a record is prefetched a few records ahead (see
    // `ModelBuilder::prefetch_id`): each insert was a cache miss at national scale.
    let add = |b: &mut ModelBuilder, mut batch: Batch| -> Result<Batch> {
        let mut start = 0;
        let text = &batch.text;
        let ahead = |b: &ModelBuilder, &(h, ..): &(u64, usize, usize, Row)| b.prefetch_id(h);
        crate::model::prefetch::each_ahead(b, batch.rows.drain(..), ahead, |b, (h, id_end, name_end, row)| {
            b.add_row(h, &text[start..id_end], &text[id_end..name_end], row)?;
            start = name_end;
            Ok(())
        })?;
        batch.text.clear();
        Ok(batch)
    };
    let records: usize = counts.iter().sum();
    handed_over(threads > 1 && records >= 4 * BATCH, fresh, decode, |batch| add(b, batch))
}

/// Runs `produce`, which hands its batches on until it ends, fails, or is told to stop (its
/// `send` gives `None`; else a batch to fill next), and `consume` on each batch in order
/// until it fails: on a second thread for `produce` when `two_threads`, else both on this
/// one. `consume` gives each batch back emptied, and `send` hands it to `produce` again:
/// batches are made (`fresh`) only until the first come back, so their memory is reused,
/// not freed on one thread and taken fresh from the system on the other (each new batch was
/// pages for the kernel to clear). The first error in the batches' order comes back:
/// `consume`'s, whose batch came before any `produce` failed on (it hands over what it made
/// before its error, and nothing after).
fn handed_over<B: Send>(
    two_threads: bool,
    fresh: impl Fn() -> B + Sync,
    produce: impl FnOnce(&mut dyn FnMut(B) -> Option<B>) -> Result<()> + Send,
    mut consume: impl FnMut(B) -> Result<B>,
) -> Result<()> {
    let mut taken = Ok(());
    if !two_threads {
        let produced = produce(&mut |batch| match consume(batch) {
            Ok(empty) => Some(empty),
            Err(e) => {
                taken = Err(e);
                None
            }
        });
        return taken.and(produced);
    }
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<B>(4);
        let (back, returned) = std::sync::mpsc::channel::<B>();
        let fresh = &fresh;
        // The second thread stops when this one does (its channel is closed) or at its first error.
        let producing = scope.spawn(move || {
            produce(&mut |batch| {
                tx.send(batch).ok()?;
                Some(returned.try_recv().unwrap_or_else(|_| fresh()))
            })
        });
        for batch in rx.iter() {
            match consume(batch) {
                // The producer may have ended: then nobody takes it back.
                Ok(empty) => _ = back.send(empty),
                Err(e) => {
                    taken = Err(e);
                    break;
                }
            }
        }
        drop(rx);
        let produced = producing.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        taken.and(produced)
    })
}

/// A link as an image gives it: its place in the `links` array, its ends (and scope) as
/// nodes, and its fields, decoded and not yet checked against the records.
type Decoded = (usize, Node, Node, Option<Node>, LinkFields<'static>);

/// Where a link an image gives is, for an error: its `from` id is read from the builder
/// only when an error is made.
struct LinkAt<'b> {
    b: &'b ModelBuilder,
    index: usize,
    from: Node,
}

impl Locate for LinkAt<'_> {
    fn pos(&self) -> Position {
        Position::link(self.index, Some(self.b.id_at(self.from)))
    }
}

/// Decodes link `index` (its ends are places among `records`); `b` names its `from` in
/// errors about its words.
fn decode_link<R: std::io::Read>(
    d: &mut Dec<'_, R>,
    b: &ModelBuilder,
    index: usize,
    records: usize,
) -> Result<Decoded> {
    // Read now, named in an error once the link's `from` is known.
    let kind: std::result::Result<LinkKind, crate::model::UnknownWord> = d.str()?.parse();
    let (from, to) = (d.varint()?, d.varint()?);
    let (from, to) = (d.place(from, records, "\"from\"")?, d.place(to, records, "\"to\"")?);
    let flags = d.varint()?;
    if flags & !flag::ALL != 0 {
        return Err(d.fail(&format!("unknown link flags {flags:#x}")));
    }
    let has = |bit: u64| flags & bit != 0;
    if has(flag::PRIMARY_TRUE) && !has(flag::PRIMARY) {
        return Err(d.fail("a link flagged primary-true but not primary"));
    }
    let holding_bits = flag::BAND | flag::GRADE | flag::CHANNEL;
    if flags & holding_bits != 0 && !has(flag::POST) {
        return Err(d.fail("a link with a band, grade or channel but no post"));
    }
    // The link's position for the words' errors, its `from` id read only for an error: the
    // thread that checks the link reads only its ends' keys (their types), so reading the
    // record here would warm nothing it uses, and was this thread's costliest read.
    let at = LinkAt { b, index, from };
    let kind = kind.map_err(|source| Error::UnknownWord { at: at.pos(), field: "kind".into(), source })?;
    let power = if has(flag::POWER) { Some(word(&at, "power", d.str()?)?) } else { None };
    let role = if has(flag::ROLE) { Some(word(&at, "role", d.str()?)?) } else { None };
    let scope = if has(flag::SCOPE) {
        let p = d.varint()?;
        Some(d.place(p, records, "\"scope\"")?)
    } else {
        None
    };
    let members = if has(flag::MEMBERS) { Some(d.varint().and_then(|v| d.fit(v, "members"))?) } else { None };
    let event = if has(flag::EVENT) { Some(word(&at, "event", d.str()?)?) } else { None };
    let holding = if has(flag::POST) {
        let post = word(&at, "post", d.str()?)?;
        let band = if has(flag::BAND) { Some(word(&at, "band", d.str()?)?) } else { None };
        let grade = if has(flag::GRADE) { Some(d.varint().and_then(|v| d.fit(v, "grade"))?) } else { None };
        let channel = if has(flag::CHANNEL) { Some(word(&at, "channel", d.str()?)?) } else { None };
        Some(Holding { post, band, grade, channel })
    } else {
        None
    };
    let attrs = if has(flag::ATTRS) { attrs(&at, Some(d.str()?))? } else { None };
    let since = if has(flag::SINCE) { Some(d.varint().and_then(|v| d.date_of(v))?) } else { None };
    let until = if has(flag::UNTIL) { Some(d.varint().and_then(|v| d.date_of(v))?) } else { None };
    let fields = LinkFields {
        kind,
        primary: has(flag::PRIMARY).then_some(has(flag::PRIMARY_TRUE)),
        power,
        role,
        scope: None,
        members,
        event,
        holding,
        attrs,
        validity: Validity::new(since, until),
    };
    Ok((index, from, to, scope, fields))
}

/// Decodes `links` links and adds them to `b`, checked against its records (see
/// [`ModelBuilder::prepare_link_nodes`]): decoded on a second thread, a batch at a time, while
/// this one checks and adds them, when `threads` > 1 and there are many.
fn add_links<R: std::io::Read + Send>(
    b: &mut ModelBuilder,
    d: &mut Dec<'_, R>,
    links: usize,
    records: usize,
    threads: usize,
) -> Result<()> {
    // The links are added to a sink taken out of the builder, so that the records can be
    // read (to decode and check the links) while they are added.
    let mut sink = b.take_links();
    let shared: &ModelBuilder = b;
    let fresh = || Vec::with_capacity(BATCH.min(links));
    let decode = |send: &mut dyn FnMut(Vec<Decoded>) -> Option<Vec<Decoded>>| -> Result<()> {
        let mut batch = fresh();
        for index in 0..links {
            match decode_link(d, shared, index, records) {
                Ok(link) => batch.push(link),
                Err(e) => {
                    // The links decoded before it are checked first: an error of theirs
                    // comes before this one in the document.
                    send(batch);
                    return Err(e);
                }
            }
            if batch.len() == BATCH {
                let Some(next) = send(batch) else { return Ok(()) };
                batch = next;
            }
        }
        send(batch);
        Ok(())
    };
    let check = |mut batch: Vec<Decoded>| -> Result<Vec<Decoded>> {
        for (index, from, to, scope, fields) in batch.drain(..) {
            sink.push(shared.prepare_link_nodes(index, from, to, scope, fields)?);
        }
        Ok(batch)
    };
    let added = handed_over(threads > 1 && links >= 4 * BATCH, fresh, decode, check);
    b.put_links(sink);
    added
}

/// Decodes an image's body into a model, through the builder's checks.
fn decode<R: std::io::Read + Send>(d: &mut Dec<'_, R>, threads: usize) -> Result<Model> {
    // A record takes at least 9 bytes (two strings, a word and the optional fields), a link 4,
    // a meeting 6.
    let mut counts = [0usize; 5];
    for c in &mut counts {
        *c = d.count(9)?;
    }
    let records: usize = counts.iter().sum();
    if records as u64 > d.remaining() / 9 {
        return Err(d.fail("more records than the rest can hold"));
    }
    let links = d.count(4)?;
    let meetings = d.count(6)?;
    let mut b = ModelBuilder::with_capacity(records, links);
    for (t, n) in crate::model::TYPES.iter().zip(counts) {
        b.reserve_records(*t, n);
    }
    b.set_threads(threads);
    if let Some(meta) = d.opt_str()?.map(str::to_string) {
        let raw: &RawValue =
            serde_json::from_str(&meta).map_err(|e| d.fail(&format!("meta that is not JSON ({e})")))?;
        let m = Attrs::from_raw(raw, crate::model::record::META_DEPTH).map_err(|message| Error::InvalidField {
            at: Position::record("document", 0, None),
            field: "meta".into(),
            message,
        })?;
        b.meta(m);
    }
    add_records(&mut b, d, counts, threads)?;
    debug_assert_eq!(b.len(), records);
    add_links(&mut b, d, links, records, threads)?;
    for index in 0..meetings {
        let id = d.str()?.to_string();
        let at = At { array: "meetings", index, id: &id };
        let kind = word(&at, "kind", d.str()?)?;
        let territory = d.str()?.to_string();
        let v = d.varint()?;
        let date = d.date_of(v)?;
        let mut spec = crate::meetings::MeetingSpec::new(id.as_str(), kind, territory, date);
        spec.convener = d.opt_str()?.map(str::to_string);
        let topics = d.count(1)?;
        spec.topics = (0..topics).map(|_| d.str().map(str::to_string)).collect::<Result<_>>()?;
        spec.attrs = attrs(&at, d.opt_str()?)?;
        b.meeting(spec)?;
    }
    if d.remaining() != 0 {
        return Err(d.fail(&format!("{} bytes after the last meeting", d.remaining())));
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An image read a few bytes at a time (every string and number cut across reads) gives
    /// the same model, and the same errors for damage found while decoding.
    #[test]
    fn small_windows_read_the_same_model() {
        let model = Model::sample();
        let image = model.to_image();
        let (header, rest) = image.split_at(HEADER);
        let (body, trailer) = rest.split_at(rest.len() - TRAILER);
        let (header, trailer): ([u8; HEADER], [u8; TRAILER]) =
            (header.try_into().unwrap(), trailer.try_into().unwrap());
        for window in [1, 2, 7, 64, 4096] {
            let options = LoadOptions::default();
            let (sum, document) = check_ends(&header, &trailer, body.len() as u64).unwrap();
            let (document, columns) = body.split_at(document as usize);
            assert!(!columns.is_empty(), "the sample is in document order: its columns are written");
            let sum = Some(sum);
            let mut rest = |hash: &mut xxhash_rust::xxh3::Xxh3, _: Option<&mut Model>| {
                hash.update(columns);
                Ok(())
            };
            let read = read_image(&header, document, document.len() as u64, sum, &options, None, window, &mut rest);
            assert_eq!(read.as_ref(), Ok(&model), "window {window}");
            // Damage the decoder meets before the checksum is known: still reported as damage.
            let mut damaged = document.to_vec();
            damaged[0] = 0xff; // the territories' count: a varint now running into the next bytes
            let n = damaged.len() as u64;
            let err = read_image(&header, &damaged[..], n, sum, &options, None, window, &mut rest);
            assert_eq!(err.unwrap_err(), super::damaged(), "window {window}");
        }
    }
}
