//! `Model::from_image` (model images, `.tkz`) on arbitrary bytes. The first byte picks how
//! the rest is read: 0, as a whole image (header, content, trailer: almost every change is
//! caught by the checksum); else as an image's content, sealed here with a right header and
//! checksum, so that the fuzzer reaches the decoder itself. Whatever loads must be a valid
//! model: its image and its JSON load again to an equal model, the image byte-identical.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tiaokuai::Model;
use tiaokuai::format::{IMAGE_LAYOUT, IMAGE_MAGIC};

/// An image of `body`, as `format::image` lays it out.
fn seal(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 56);
    out.extend_from_slice(&IMAGE_MAGIC);
    out.extend_from_slice(&IMAGE_LAYOUT.to_le_bytes());
    out.extend_from_slice(&[0; 20]); // flags, and no writer's version
    out.extend_from_slice(body);
    let sum = xxhash_rust::xxh3::xxh3_64(&out);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes()); // the document is the whole content
    out.extend_from_slice(&sum.to_le_bytes());
    out.extend_from_slice(b"TKZ-END\n");
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let sealed;
    let image = if mode == 0 {
        rest
    } else {
        sealed = seal(rest);
        &sealed
    };
    let Ok(model) = Model::from_image(image) else { return };
    let again = model.to_image();
    let reloaded = Model::from_image(&again).unwrap_or_else(|e| panic!("a written image does not reload: {e}"));
    assert!(reloaded == model, "the image's model differs after writing it again");
    assert!(reloaded.to_image() == again, "image round trip is not byte-identical");
    let text = model.to_json();
    let from_json = Model::from_json(&text).unwrap_or_else(|e| panic!("its JSON does not load: {e}\n{text}"));
    assert!(from_json == model, "its JSON loads to another model\n{text}");
});
