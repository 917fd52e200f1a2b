//! The audit config parser on arbitrary text, as JSON and as TOML. A config
//! that parses must write back to JSON that parses to the same config.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tiaokuai::Config;

fn round_trip(config: &Config) {
    let json = config.to_json();
    let again = Config::from_json_str(&json).unwrap_or_else(|e| panic!("written config does not reload: {e}\n{json}"));
    assert_eq!(&again, config, "config round trip changed it\n{json}");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(config) = Config::from_json_str(text) {
        round_trip(&config);
    }
    if let Ok(config) = Config::from_toml_str(text) {
        round_trip(&config);
    }
});
