//! `Model::from_json_bytes` on arbitrary bytes. Whatever loads must write back
//! to JSON that loads again to an equal model and writes the identical bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tiaokuai::Model;

fuzz_target!(|data: &[u8]| {
    let Ok(model) = Model::from_json_bytes(data) else { return };
    let first = model.to_json();
    let again = Model::from_json(&first).unwrap_or_else(|e| panic!("written JSON does not reload: {e}\n{first}"));
    assert!(again == model, "the reloaded model differs from the loaded one\n{first}");
    assert_eq!(first, again.to_json(), "JSON round trip is not byte-identical");
});
