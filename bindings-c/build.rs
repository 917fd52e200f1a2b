//! Sets the shared library's SONAME and, with the feature `header` (on in every
//! build `make` starts), writes `include/tiaokuai.h` from the crate's exports with
//! cbindgen.
//!
//! The header is committed; `make -C bindings-c lint` fails when building
//! changed it, so a change to the ABI always comes with its header.

#[cfg(feature = "header")]
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=include/tiaokuai.h");
    let soname = soname();
    // The shared library's SONAME (ELF targets): programs linked against it record
    // libtiaokuai.so.<ABI> and keep working across compatible upgrades; see abi_version.
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(target_os.as_str(), "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    }
    #[cfg(feature = "header")]
    write_header(&soname);
}

/// Regenerates `include/tiaokuai.h`, writing it only when it changed (so that its time
/// stamp means something), through a temporary file renamed over it (never half-written).
#[cfg(feature = "header")]
fn write_header(soname: &str) {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("bindings-c/cbindgen.toml is valid");
    config.after_includes = Some(version_macros(soname));
    let bindings = match cbindgen::Builder::new().with_crate(&dir).with_config(config).generate() {
        Ok(b) => b,
        // A syntax error in src/ is reported by rustc itself, more clearly.
        Err(e) => {
            println!("cargo:warning=tiaokuai.h not regenerated: {e}");
            return;
        }
    };
    let mut text = Vec::new();
    bindings.write(&mut text);
    let header = dir.join("include").join("tiaokuai.h");
    if std::fs::read(&header).ok().as_deref() != Some(&text[..]) {
        std::fs::create_dir_all(header.parent().expect("include/ has a parent")).expect("include/ can be created");
        let tmp = header.with_extension("h.tmp");
        std::fs::write(&tmp, &text).expect("include/tiaokuai.h.tmp can be written");
        std::fs::rename(&tmp, &header).expect("include/tiaokuai.h can be replaced");
    }
}

/// `MAJOR` from 1.0 on, `0.MINOR` before (as cargo-c does: under semver a 0.x minor
/// release may break the ABI, a 1.x minor release may not).
fn abi_version() -> String {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version");
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").expect("cargo sets the version");
    if major == "0" { format!("0.{minor}") } else { major }
}

/// The shared library's SONAME, e.g. `libtiaokuai.so.0.1`.
fn soname() -> String {
    format!("libtiaokuai.so.{}", abi_version())
}

/// The compile-time version macros of the header (the run-time one is `tiaokuai_version()`).
#[cfg(feature = "header")]
fn version_macros(soname: &str) -> String {
    let var = |name: &str| std::env::var(name).expect("cargo sets the version");
    let (major, minor, patch) =
        (var("CARGO_PKG_VERSION_MAJOR"), var("CARGO_PKG_VERSION_MINOR"), var("CARGO_PKG_VERSION_PATCH"));
    format!(
        r#"
/* The version of this header (compare with tiaokuai_version(), the library's, at run time). */
#define TIAOKUAI_VERSION_MAJOR {major}
#define TIAOKUAI_VERSION_MINOR {minor}
#define TIAOKUAI_VERSION_PATCH {patch}
#define TIAOKUAI_VERSION_STRING "{major}.{minor}.{patch}"
/* One number for comparisons: TIAOKUAI_VERSION_NUMBER >= TIAOKUAI_MAKE_VERSION(0, 2, 0). */
#define TIAOKUAI_MAKE_VERSION(major, minor, patch) ((major) * 1000000L + (minor) * 1000L + (patch))
#define TIAOKUAI_VERSION_NUMBER TIAOKUAI_MAKE_VERSION({major}, {minor}, {patch})
/* The shared library's SONAME: programs built with this header need this file at run time. */
#define TIAOKUAI_SONAME "{soname}""#
    )
}
