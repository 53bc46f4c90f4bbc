//! Feeds arbitrary bytes to the YAML readers Helm users hit first: `values.yaml` (go-yaml v2
//! semantics plus the JSON normalisation) and `Chart.yaml` (decoding and validation).
//! Checks: no panic, no stack overflow, no hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    if input.len() > 64 * 1024 {
        return;
    }
    let _ = capstan_chart::values::parse_values(input);
    if let Ok(text) = std::str::from_utf8(input) {
        if let Ok(mut meta) = capstan_chart::metadata::Metadata::from_yaml(text) {
            let _ = meta.validate();
        }
        let _ = capstan_chart::yaml::from_str(text);
    }
});
