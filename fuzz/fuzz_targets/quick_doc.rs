//! Feeds arbitrary text to the fast whole-document reader (`capstan_chart::yaml::document_of`,
//! which `yaml::from_str` and so `values.yaml`, `fromYaml` and manifest decoding try first)
//! and checks its promise: whenever it answers, the event parser accepts the document and
//! gives the same value. Also: no panic, no hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    if input.len() > 64 * 1024 {
        return;
    }
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let Some(fast) = capstan_chart::yaml::document_of(text) else {
        return;
    };
    let full = capstan_chart::yaml::from_str_with_event_parser(text)
        .unwrap_or_else(|e| panic!("document_of answered but the decoder refuses: {e}"));
    assert_eq!(fast, full, "values differ");
});
