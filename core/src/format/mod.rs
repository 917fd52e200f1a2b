//! Reading and writing models: `tiaokuai/1` JSON documents and CSV bundles.

mod csv;
mod json;
mod parallel;

pub use self::csv::{ITEM_COLUMNS, LINK_COLUMNS, MATTER_COLUMNS, TERRITORY_COLUMNS, UNIT_COLUMNS};
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
    /// # Errors
    /// As [`Model::load`], and [`Error::TooLarge`].
    pub fn load_with(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Model> {
        let path = path.as_ref();
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, &e))?;
        if meta.is_dir() {
            return Self::from_csv_dir_with(path, options);
        }
        if meta.len() > options.max_bytes {
            return Err(Error::TooLarge { size: meta.len(), limit: options.max_bytes });
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, &e))?;
        let after = std::fs::metadata(path).map_err(|e| Error::io(path, &e))?;
        if after.len() != bytes.len() as u64 || after.modified().ok() != meta.modified().ok() {
            return Err(Error::Io {
                path: path.display().to_string(),
                message: "the file changed while it was being read; try again".into(),
            });
        }
        Self::from_json_bytes_with(&bytes, options)
    }

    /// Saves the model: as JSON to a file, or as a CSV bundle when `path` is an
    /// existing folder or ends with a path separator. The file is written to a
    /// temporary file beside it and renamed into place, so a crash never leaves
    /// a half-written model.
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

/// Writes a file through a temporary file in the same folder, then renames it into place.
pub(crate) fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "model".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, &e))?;
        let mut w = std::io::BufWriter::new(file);
        write(&mut w).map_err(|e| match e {
            Error::Io { message, .. } => Error::Io { path: path.display().to_string(), message },
            other => other,
        })?;
        w.flush().map_err(|e| Error::io(path, &e))?;
        w.get_ref().sync_all().map_err(|e| Error::io(path, &e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, &e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
