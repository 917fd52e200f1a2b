//! Writes `include/tiaokuai.h` from the crate's exports with cbindgen.
//!
//! The header is committed; `make -C bindings-c lint` fails when building
//! changed it, so a change to the ABI always comes with its header.

use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=include/tiaokuai.h");
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("bindings-c/cbindgen.toml is valid");
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
    // Only write when it changed, so the file's time stamp means something.
    if std::fs::read(&header).ok().as_deref() != Some(&text[..]) {
        std::fs::create_dir_all(header.parent().expect("include/ has a parent")).expect("include/ can be created");
        std::fs::write(&header, &text).expect("include/tiaokuai.h can be written");
    }
}
