//! The streamed JSON load (`Model::load` of a file of 16 MiB or more) on arbitrary bytes,
//! whatever their size: the first byte picks the parts' size (1 to 255 bytes, so an item is
//! often cut across parts) and the threads (1 or 2); the rest is the file. A streamed load
//! either falls back to the whole-text loader or gives exactly its model.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tiaokuai::{LoadOptions, Model};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, text)) = data.split_first() else { return };
    let path = std::env::temp_dir().join(format!("tk-fuzz-streamed-{}.json", std::process::id()));
    std::fs::write(&path, text).expect("a scratch file");
    let options = LoadOptions::default().threads(1 + usize::from(mode & 1));
    let streamed = tiaokuai::format::load_streamed(&path, &options, 1 + usize::from(mode >> 1) * 2);
    let _ = std::fs::remove_file(&path);
    match streamed {
        Ok(None) => {}
        Ok(Some(model)) => {
            let whole = Model::from_json_bytes(text)
                .unwrap_or_else(|e| panic!("streamed, but the whole text is refused: {e}"));
            assert!(model == whole, "the streamed model differs from the whole text's");
            assert_eq!(model.to_json(), whole.to_json(), "the streamed model writes other JSON");
        }
        Err(e) => panic!("a file nobody changed: {e}"),
    }
});
