//! Reading and writing models: `tiaokuai/1` JSON documents and CSV bundles.

mod csv;
mod csv_write;
pub(crate) mod json;
mod parallel;
pub(crate) mod strict;

pub use self::csv::{ITEM_COLUMNS, LINK_COLUMNS, MATTER_COLUMNS, TERRITORY_COLUMNS, UNIT_COLUMNS};
pub use csv_write::{CsvOptions, CsvWriter, Formulas};
pub use json::{FORMAT, LoadOptions};

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::Model;

impl Model {
    /// Loads a model from a path: a `tiaokuai/1` JSON file, or a folder holding a CSV bundle.
    ///
    /// # Errors
    /// [`Error::Io`] when the path cannot be read, and every loading error of
    /// [`Model::from_json`] or [`Model::from_csv_dir`].
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
        let bytes = read_checked(path, 0, options.max_bytes, hook)?;
        Self::from_json_bytes_with(&bytes, options)
    }

    /// Saves the model: as JSON to a file, or as a CSV bundle when `path` is an
    /// existing folder or ends with a path separator. The file is written to a
    /// temporary file beside it, synced and renamed into place, so a failed or
    /// interrupted save leaves the previous file as it was and a crash never
    /// leaves a half-written model. A CSV bundle is
    /// written file by file, each atomically: a crash in the middle can leave
    /// some files new and others old.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let text = path.to_string_lossy();
        if path.is_dir() || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
            return self.write_csv_dir(path);
        }
        write_atomic(path, |w| self.write_json(w))
    }
}

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

/// Writes a file atomically: through a temporary file beside it, renamed into place.
///
/// - The temporary file (`.NAME.tmp-PID-N`) is created new, never reusing an
///   existing file, so concurrent saves of one path (threads or processes)
///   cannot write into each other's temporary file.
/// - When `write`, the flush, the fsync or the rename fails, the temporary
///   file is removed and the file at `path` is left as it was.
/// - The data is synced to disk before the rename, and the folder after it
///   (on Unix), so after a crash `path` holds the old or the new content, whole.
/// - An existing file's permissions are kept.
///
/// Public for tests only (a test injects a failing `write`).
///
/// # Errors
/// [`Error::Io`] naming `path` when a step fails, or `write`'s own error.
#[doc(hidden)]
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
) -> Result<()> {
    use std::io::Write;
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "model".into());
    let (tmp, file) = loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => break (tmp, file),
            // Left behind by a process that was killed: take the next number.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&tmp, &e)),
        }
    };
    let result = (|| {
        if let Ok(old) = std::fs::metadata(path) {
            // Best effort: a file we may not chmod is still written.
            let _ = file.set_permissions(old.permissions());
        }
        let mut w = std::io::BufWriter::new(file);
        write(&mut w).map_err(|e| match e {
            Error::Io { message, .. } => Error::Io { path: path.display().to_string(), message },
            other => other,
        })?;
        w.flush().map_err(|e| Error::io(path, &e))?;
        w.get_ref().sync_all().map_err(|e| Error::io(path, &e))?;
        drop(w);
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, &e))
    })();
    match result {
        Ok(()) => {
            #[cfg(unix)]
            if let Ok(d) = std::fs::File::open(dir) {
                // Makes the rename itself durable; some file systems refuse, which is harmless.
                let _ = d.sync_all();
            }
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}
