//! Reading and writing models: `tiaokuai/1` JSON documents and CSV bundles.

mod csv;
mod csv_write;
mod encoding;
mod flat;
pub mod image;
pub(crate) mod json;
pub(crate) mod parallel;
mod stream;
pub(crate) mod strict;
#[cfg(feature = "xlsx")]
mod xlsx;

pub use self::csv::{
    BUNDLE_FILES, BundleOptions, HOLDS_COLUMNS, ITEM_COLUMNS, LINK_COLUMNS, MATTER_COLUMNS, PERSON_COLUMNS,
    TERRITORY_COLUMNS, UNIT_COLUMNS,
};
pub use csv_write::{CsvOptions, CsvWriter, Formulas};
pub use encoding::Encoding;
pub use image::{IMAGE_LAYOUT, IMAGE_MAGIC, is_image};
pub use json::{FORMAT, LoadOptions, Progress, problems};

/// Every problem of a CSV bundle folder that the loader can find in one pass, in the order
/// of its files and rows; empty when the bundle loads.
///
/// As [`problems`] does for JSON: a row with a problem is reported and left out, and what
/// only follows from leaving it out is not reported again. A problem of a file itself (it
/// cannot be read, its header, an unclosed quote) ends the search with that problem last.
///
/// # Example
/// ```
/// let dir = std::env::temp_dir().join(format!("tk-doc-bundle-problems-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("units.csv"), "id,name,kind,members\na,A,enterprise,-3\nb,B,no-such-kind,\nc,C,enterprise,\n").unwrap();
/// std::fs::write(dir.join("links.csv"), "from,to,kind\nc,ghost,leads\n").unwrap();
/// let found = tiaokuai::format::bundle_problems(&dir, &tiaokuai::LoadOptions::default());
/// assert_eq!(found.len(), 3, "{found:?}");
/// assert_eq!(found[0].field(), Some("members"));
/// assert_eq!(found[2].id(), Some("ghost"));
/// # std::fs::remove_dir_all(&dir).ok();
/// ```
pub fn bundle_problems(dir: impl AsRef<Path>, options: &LoadOptions) -> Vec<Error> {
    let mut found = json::Problems::default();
    if let Err(e) = Model::from_csv_dir_collecting(dir.as_ref(), options, &mut |_| {}, Some(&mut found))
        && found.list.last() != Some(&e)
    {
        found.push(e);
    }
    found.list
}

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::Model;

impl Model {
    /// Loads a model from a path: a `tiaokuai/1` JSON file, a folder holding a CSV bundle,
    /// an `.xlsx` bundle (a path ending in `.xlsx`, any case; cargo feature `xlsx`), or a
    /// model image ([`Model::open`]; known by its first bytes, whatever its name).
    ///
    /// # Errors
    /// [`Error::Io`] when the path cannot be read, and every loading error of
    /// [`Model::from_json`], [`Model::from_csv_dir`] or [`Model::from_image`].
    ///
    /// # Example
    /// ```no_run
    /// let model = tiaokuai::Model::load("data/samples/baoshan.json")?;
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Model> {
        Self::load_with(path, &LoadOptions::default())
    }

    /// Loads a model from a path with options (a size limit).
    ///
    /// A JSON file of 16 MiB or more is read in parts, never held whole: an outline of its
    /// structure first (on a thread of its own unless [`LoadOptions::threads`] is 1), then its
    /// records a part at a time; any problem of the document makes the load read it whole and
    /// report the problem exactly as for a smaller file (docs/architecture.md, "Streamed JSON
    /// loads").
    ///
    /// A file is never read past the limit, and a file that changes while it
    /// is read (its length or modification time differ after reading, or the
    /// bytes read are not as many as it held) is reported rather than loaded
    /// half old and half new; likewise a CSV bundle whose folder changes (a
    /// file renamed into it) while its files are read.
    ///
    /// # Errors
    /// As [`Model::load`], [`Error::TooLarge`] over the size limit, and
    /// [`Error::Changed`] for a file or bundle that changed while it was read.
    pub fn load_with(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Model> {
        Self::load_with_hook(path, options, &mut |_| {})
    }

    /// [`Model::load_with`], calling `hook` with each file's path after the
    /// file was read and before it is checked for changes. For tests of the
    /// change check only (a test changes the file in the hook).
    ///
    /// # Errors
    /// As [`Model::load_with`].
    #[doc(hidden)]
    pub fn load_with_hook(path: impl AsRef<Path>, options: &LoadOptions, hook: &mut dyn FnMut(&Path)) -> Result<Model> {
        let path = path.as_ref();
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, &e))?;
        if meta.is_dir() {
            return Self::from_csv_dir_hooked(path, options, hook);
        }
        if is_xlsx(path) {
            #[cfg(feature = "xlsx")]
            return Self::from_xlsx_with(path, options);
            #[cfg(not(feature = "xlsx"))]
            return Err(Error::Io {
                path: path.display().to_string(),
                message: NO_XLSX.into(),
                io_kind: std::io::ErrorKind::Unsupported,
            });
        }
        if meta.is_file() && starts_as_image(path) {
            // Decoded as it is read, not read whole first.
            return Self::open_with(path, options);
        }
        // A large JSON file is read in parts (twice: see `stream`), never whole, unless its
        // document has a problem: then it is read whole, and the problem reported as ever.
        if meta.is_file()
            && (stream::MIN_STREAMED..=options.max_bytes).contains(&meta.len())
            && let Some(model) = stream::load(path, options, hook)?
        {
            return Ok(model);
        }
        let bytes = read_checked(path, 0, options.max_bytes, hook)?;
        if image::is_image(&bytes) {
            return Self::from_image_with(&bytes, options);
        }
        Self::from_json_bytes_with(&bytes, options)
    }

    /// Saves the model: as a CSV bundle when `path` ends with a path separator
    /// (`out/`) or is an existing folder, as an `.xlsx` bundle when it ends in
    /// `.xlsx` (cargo feature `xlsx`), as a model image ([`Model::write_image`]) when it ends
    /// in `.tkz`, as a JSON file otherwise. (Callers
    /// with an explicit format, such as the command line's `--to json`, write
    /// JSON with [`write_atomic`] and [`Model::write_json`], so that a folder
    /// there is refused rather than filled with a CSV bundle.)
    ///
    /// The JSON file is written by [`write_atomic`] (a temporary file beside it,
    /// synced and renamed into place), the bundle by [`Model::write_csv_dir`]
    /// (a temporary folder beside it, renamed into place), so a failed or
    /// interrupted save leaves the previous output as it was and a crash never
    /// leaves a half-written model. Neither writes through a symbolic link or
    /// onto a device, FIFO or socket, nor replaces a folder holding other files.
    ///
    /// # Errors
    /// [`Error::Io`] when the output cannot be written or is refused (see
    /// [`check_output_file`] and [`check_output_folder`]).
    ///
    /// # Example
    /// ```
    /// let dir = std::env::temp_dir().join(format!("tk-doc-save-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let model = tiaokuai::Model::sample();
    /// model.save(dir.join("model.json"))?;
    /// model.save(format!("{}/bundle/", dir.display()))?;
    /// assert_eq!(tiaokuai::Model::load(dir.join("bundle"))?, model);
    /// // A folder holding other files is not replaced by a bundle.
    /// assert!(model.save(&dir).is_err());
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let text = path.to_string_lossy();
        let folder = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
        if folder || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
            return self.write_csv_dir(path);
        }
        if is_xlsx(path) {
            #[cfg(feature = "xlsx")]
            return self.write_xlsx(path);
            #[cfg(not(feature = "xlsx"))]
            return Err(Error::Io {
                path: path.display().to_string(),
                message: NO_XLSX.into(),
                io_kind: std::io::ErrorKind::Unsupported,
            });
        }
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tkz")) {
            return write_atomic(path, |w| self.write_image(w));
        }
        write_atomic(path, |w| self.write_json(w))
    }
}

/// The streamed load of a JSON file ([`Model::load_with`]'s path for files of 16 MiB and more)
/// whatever the file's size, in parts of about `chunk` bytes: `Ok(None)` when it falls back
/// to reading the file whole. For the `load_json_streamed` fuzz target; not a stable API.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::Changed`] when it changed while read.
#[doc(hidden)]
pub fn load_streamed(path: &Path, options: &LoadOptions, chunk: usize) -> Result<Option<Model>> {
    stream::load_in(path, options, &mut |_| {}, chunk)
}

/// True when the file at `path` starts with a model image's magic bytes (false when it cannot
/// be read: the load that follows reports why).
fn starts_as_image(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 8];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut magic)).is_ok() && image::is_image(&magic)
}

/// True for a path ending in `.xlsx` (any case): loaded and saved as an `.xlsx` bundle.
fn is_xlsx(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Why an `.xlsx` path is refused by a build without the `xlsx` feature.
#[cfg(not(feature = "xlsx"))]
const NO_XLSX: &str = "this build of tiaokuai reads and writes no .xlsx files (cargo feature \"xlsx\" is off)";

/// Reads a whole file, at most `limit - already` bytes (`already`: bytes of
/// other files of the same input counted against the limit), and checks that
/// it did not change while it was being read.
///
/// The length and modification time are taken from the open file before and
/// after reading (after calling `hook`), so a file replaced by a rename while
/// it is read is read whole, as it was; one written in place is caught. Only
/// regular files are checked: pipes and devices have no length to compare.
pub(crate) fn read_checked(path: &Path, already: u64, limit: u64, hook: &mut dyn FnMut(&Path)) -> Result<Vec<u8>> {
    use std::io::Read;
    let io = |e: std::io::Error| Error::io(path, &e);
    let mut file = std::fs::File::open(path).map_err(io)?;
    let before = file.metadata().map_err(io)?;
    let regular = before.is_file();
    let room = limit.saturating_sub(already);
    if regular && before.len() > room {
        return Err(Error::TooLarge { size: already + before.len(), limit });
    }
    let mut bytes = Vec::with_capacity(if regular { before.len() as usize } else { 8192 });
    // One byte past the limit tells "too large" from "exactly the limit" without reading on.
    (&mut file).take(room.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    hook(path);
    let changed = || Error::Changed { path: path.display().to_string() };
    if regular {
        let after = file.metadata().map_err(io)?;
        if bytes.len() as u64 != before.len()
            || after.len() != before.len()
            || after.modified().ok() != before.modified().ok()
        {
            return Err(changed());
        }
    } else if bytes.len() as u64 > room {
        return Err(Error::TooLarge { size: already + bytes.len() as u64, limit });
    }
    Ok(bytes)
}

/// The most threads a load uses, whatever it is asked for
/// ([`LoadOptions::threads`]): a larger request is capped, never an error and
/// never an abort. The `tiaokuai` command line refuses larger `--threads`.
pub const MAX_THREADS: usize = 256;

/// What kind of file an existing path is, for messages ("a symbolic link").
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_symlink() {
        return "a symbolic link";
    }
    if t.is_dir() {
        return "a folder";
    }
    if t.is_file() {
        return "a file";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    "not a regular file"
}

fn refused(path: &Path, message: String) -> Error {
    Error::Io { path: path.display().to_string(), message, io_kind: std::io::ErrorKind::InvalidInput }
}

/// Checks that a file may be written at `path` by [`write_atomic`]: nothing is
/// there, or a regular file (which will be replaced whole).
///
/// Refused, with the path named and nothing touched: a symbolic link (even one
/// to a regular file: it would be replaced by a file, or its target written
/// through), a folder, a device, a FIFO or a socket. Only the last component
/// is checked; folders above it may be links.
///
/// # Errors
/// [`Error::Io`] naming `path` and saying what is there.
///
/// # Example
/// ```
/// use std::path::Path;
/// use tiaokuai::format::check_output_file;
/// assert!(check_output_file(Path::new("surely-not-here.json")).is_ok());
/// let err = check_output_file(&std::env::temp_dir()).unwrap_err();
/// assert!(err.to_string().contains("is a folder"), "{err}");
/// ```
pub fn check_output_file(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        // Nothing there (or nothing that can be looked at: the write names the problem).
        Err(_) => Ok(()),
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(meta) => {
            let what = file_kind(&meta);
            let advice = if meta.is_dir() {
                "a file was asked for; name a file inside it, or a new path"
            } else {
                "refusing to replace it or write through it; name a regular file (or write to standard output)"
            };
            Err(refused(path, format!("is {what}: {advice}")))
        }
    }
}

/// Checks that a folder output (a CSV bundle, a Neo4j or edge-list export)
/// may be written at `dir` by [`write_dir_atomic`]: nothing is there, or a
/// folder holding only regular files named in `names` (a previous output of
/// the same kind, or an empty folder), which will be replaced whole.
///
/// Refused, with the path named and nothing touched: a symbolic link, a file,
/// a device, a FIFO, and a folder holding anything else (another file, a
/// subfolder, a link), so that replacing it never deletes what tiaokuai did
/// not write. Temporary files left by an interrupted tiaokuai write
/// (`.NAME.tmp-…`) are allowed and go with the old folder.
///
/// # Errors
/// [`Error::Io`] naming `dir` (and the first entry that is not `kind`'s).
///
/// # Example
/// ```
/// use tiaokuai::format::check_output_folder;
/// let dir = std::env::temp_dir().join(format!("tk-doc-check-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// assert!(check_output_folder(&dir, "edge list", &["edges.csv"]).is_ok());
/// std::fs::write(dir.join("notes.txt"), "mine").unwrap();
/// let err = check_output_folder(&dir, "edge list", &["edges.csv"]).unwrap_err();
/// assert!(err.to_string().contains("notes.txt"), "{err}");
/// # std::fs::remove_dir_all(&dir).ok();
/// ```
pub fn check_output_folder(dir: &Path, kind: &str, names: &[&str]) -> Result<()> {
    // `link/` would be resolved through the link: look at `link` itself.
    let dir = &without_trailing_separator(dir);
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        // Nothing there (or nothing that can be looked at: the write names the problem).
        return Ok(());
    };
    if !meta.is_dir() {
        let what = file_kind(&meta);
        return Err(refused(dir, format!("is {what}, not a folder: refusing to replace it or write through it")));
    }
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, &e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = names.contains(&name.as_ref()) || (name.starts_with('.') && name.contains(".tmp-"));
        let regular = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
        if !(ours && regular) {
            return Err(refused(
                dir,
                format!(
                    "holds {name:?}, which is not part of a previous {kind}: refusing to replace the folder; \
                     name a new folder, or empty this one"
                ),
            ));
        }
    }
    Ok(())
}

/// Writes a file atomically: through a temporary file beside it, renamed into
/// place. Every file tiaokuai writes goes through here.
///
/// - What is at `path` is checked first ([`check_output_file`]): a symbolic
///   link, a folder, a device, a FIFO or a socket is refused and left as it
///   was; a regular file is replaced, never written in place.
/// - The temporary file (`.NAME.tmp-PID-N`) is created new, never reusing an
///   existing file or following a link, so concurrent saves of one path
///   (threads or processes) cannot write into each other's temporary file.
/// - When `write`, the flush, the fsync or the rename fails, the temporary
///   file is removed and the file at `path` is left as it was.
/// - The data is synced to disk before the rename, and the folder after it
///   (on Unix), so after a crash `path` holds the old or the new content, whole.
/// - An existing file's permissions are kept.
///
/// # Errors
/// [`Error::Io`] naming `path` when it is refused or a step fails, or `write`'s own error.
///
/// # Example
/// ```
/// use std::io::Write;
/// let path = std::env::temp_dir().join(format!("tk-doc-atomic-{}.txt", std::process::id()));
/// tiaokuai::format::write_atomic(&path, |w| {
///     w.write_all(b"hello\n").map_err(|e| tiaokuai::Error::Io { path: "hello".into(), message: e.to_string(), io_kind: e.kind() })
/// })?;
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello\n");
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), tiaokuai::Error>(())
/// ```
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
) -> Result<()> {
    use std::io::Write;
    check_output_file(path)?;
    let dir = parent_of(path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "model".into());
    let (tmp, file) =
        fresh_sibling(dir, &name, |tmp| std::fs::OpenOptions::new().write(true).create_new(true).open(tmp))?;
    let result = (|| {
        if let Ok(old) = std::fs::metadata(path) {
            // Best effort: a file we may not chmod is still written.
            let _ = file.set_permissions(old.permissions());
        }
        let mut w = std::io::BufWriter::new(file);
        write(&mut w).map_err(|e| match e {
            Error::Io { message, io_kind, .. } => Error::Io { path: path.display().to_string(), message, io_kind },
            other => other,
        })?;
        w.flush().map_err(|e| Error::io(path, &e))?;
        w.get_ref().sync_all().map_err(|e| Error::io(path, &e))?;
        drop(w);
        // Checked again just before: a link or device put there meanwhile is refused too.
        check_output_file(path)?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, &e))
    })();
    match result {
        Ok(()) => {
            sync_folder(dir);
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Writes a new file inside the fresh temporary folder of [`write_dir_atomic`]:
/// created new (never an existing file or a link), written, flushed and synced.
/// Unlike [`write_atomic`] it takes no temporary name and no rename: nobody else
/// sees the folder until it is renamed into place whole.
///
/// # Errors
/// [`Error::Io`] naming `path` when a step fails, or `write`'s own error.
pub fn write_new(path: &Path, write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>) -> Result<()> {
    use std::io::Write;
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| Error::io(path, &e))?;
    let mut w = std::io::BufWriter::new(file);
    write(&mut w)?;
    w.flush().map_err(|e| Error::io(path, &e))?;
    w.get_ref().sync_all().map_err(|e| Error::io(path, &e))
}

/// Writes a folder output atomically: `write` fills a fresh temporary folder
/// beside `dir` (`.NAME.tmp-PID-N`), which is then renamed to `dir`.
///
/// - What is at `dir` is checked first ([`check_output_folder`]): a link, a
///   file, a device, or a folder holding anything but `names` is refused and
///   left as it was. An empty folder or a previous output of the same kind is
///   replaced whole: moved aside (`.NAME.old.tmp-PID-N`), the new folder renamed
///   into place, the old one removed. A crash between those two renames
///   leaves `dir` absent and both siblings present, never a mix of old and new
///   files.
/// - The temporary folder is new, so nothing in it is a link planted in
///   advance; `write` fills it with [`write_new`] (each file created new and
///   synced: the folder's rename is what makes the output atomic, so the files
///   need no rename of their own). Missing folders above `dir` are created.
/// - When `write` or a rename fails, the temporary folder is removed and `dir`
///   is left as it was. Errors name paths inside `dir`, not the temporary folder.
///
/// # Errors
/// [`Error::Io`] naming `dir` when it is refused or a step fails, or `write`'s own error.
pub fn write_dir_atomic<T>(
    dir: &Path,
    kind: &str,
    names: &[&str],
    write: impl FnOnce(&Path) -> Result<T>,
) -> Result<T> {
    let dir = &without_trailing_separator(dir);
    check_output_folder(dir, kind, names)?;
    let parent = parent_of(dir);
    let Some(name) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(refused(dir, "names no folder (it ends in `..` or is a root): name the output folder".into()));
    };
    // Folders above the output are created as needed (they may be links).
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e))?;
    let (tmp, ()) = fresh_sibling(parent, &name, |tmp| std::fs::create_dir(tmp))?;
    // Paths inside the temporary folder are reported as paths inside `dir`.
    let renamed = |e: Error| match e {
        Error::Io { path, message, io_kind } => {
            let tmp_text = tmp.display().to_string();
            let path = match path.strip_prefix(&tmp_text) {
                Some(rest) => format!("{}{rest}", dir.display()),
                None => path,
            };
            Error::Io { path, message, io_kind }
        }
        other => other,
    };
    let result = (|| {
        let value = write(&tmp).map_err(renamed)?;
        if let Ok(old) = std::fs::metadata(dir) {
            let _ = std::fs::set_permissions(&tmp, old.permissions());
        }
        sync_folder(&tmp);
        // Checked again just before: a file written into the folder meanwhile is kept.
        check_output_folder(dir, kind, names)?;
        match std::fs::symlink_metadata(dir) {
            Err(_) => std::fs::rename(&tmp, dir).map_err(|e| Error::io(dir, &e))?,
            Ok(_) => {
                let (old, ()) = fresh_sibling(parent, &format!("{name}.old"), |old| {
                    // Only reserves a free name; the rename below takes it.
                    std::fs::create_dir(old)
                })?;
                if let Err(e) = std::fs::rename(dir, &old) {
                    let _ = std::fs::remove_dir(&old);
                    return Err(Error::io(dir, &e));
                }
                if let Err(e) = std::fs::rename(&tmp, dir) {
                    let _ = std::fs::rename(&old, dir);
                    return Err(Error::io(dir, &e));
                }
                let _ = std::fs::remove_dir_all(&old);
            }
        }
        Ok(value)
    })();
    match result {
        Ok(value) => {
            sync_folder(parent);
            Ok(value)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

/// `path` without trailing separators (`out/` is `out`), so that a link named
/// with one is looked at, not resolved.
fn without_trailing_separator(path: &Path) -> std::path::PathBuf {
    let text = path.as_os_str().to_string_lossy();
    if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
        // Components drop the trailing separator (and nothing else that changes the path).
        path.components().collect()
    } else {
        path.to_path_buf()
    }
}

/// The folder holding `path` (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Creates a new entry `.NAME.tmp-PID-N` in `dir` with `create`, taking the next
/// `N` while the name is taken (left behind by a process that was killed).
fn fresh_sibling<T>(
    dir: &Path,
    name: &str,
    create: impl Fn(&Path) -> std::io::Result<T>,
) -> Result<(std::path::PathBuf, T)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
        match create(&tmp) {
            Ok(made) => return Ok((tmp, made)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&tmp, &e)),
        }
    }
}

/// Makes renames in `dir` durable (on Unix); some file systems refuse, which is harmless.
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
