//! Change sets (issue #13) on arbitrary bytes: the part before the first `0xFF` is a model
//! (the sample when it does not load, or when there is no `0xFF`), the rest a change set,
//! read and applied. Bad input is an error, never a panic; a change set that reads writes
//! back to the same change set; an apply that succeeds gives a model whose JSON reloads to
//! the same JSON, and the diff from the model to it, when it applies, gives it back.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tiaokuai::Model;
use tiaokuai::change::{ChangeSet, diff};

fn sample() -> &'static Model {
    static SAMPLE: OnceLock<Model> = OnceLock::new();
    SAMPLE.get_or_init(Model::sample)
}

fuzz_target!(|data: &[u8]| {
    let (model_bytes, change_bytes) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&[][..], data),
    };
    let loaded = if model_bytes.is_empty() { None } else { Model::from_json_bytes(model_bytes).ok() };
    let model = loaded.as_ref().unwrap_or_else(|| sample());
    let Ok(change) = ChangeSet::from_json_bytes(change_bytes) else { return };
    let text = change.to_json();
    let again = ChangeSet::from_json(&text).unwrap_or_else(|e| panic!("a written change set does not reread: {e}\n{text}"));
    assert_eq!(again, change, "the change set's round trip changed it\n{text}");
    let before = model.to_json();
    let Ok(after) = model.apply(&change) else {
        assert_eq!(model.to_json(), before, "a refused apply changed the model");
        return;
    };
    let json = after.to_json();
    let reloaded = Model::from_json(&json).unwrap_or_else(|e| panic!("an applied model does not reload: {e}\n{json}"));
    assert_eq!(reloaded.to_json(), json, "an applied model reloads different");
    let d = diff(model, &after);
    if let Ok(back) = model.apply(&d) {
        assert_eq!(back.to_json(), json, "the diff to an applied model does not give it back\n{}", d.to_json());
    }
});
