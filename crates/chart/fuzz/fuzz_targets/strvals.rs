//! Fuzzes the `--set` family parsers: no input may panic, hang or overflow the stack, and
//! every result must serialise.
#![no_main]

use capstan_chart::strvals::{self, merge_set_flags, SetFlags, Values};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Long inputs only repeat what short ones find, and `[65536]` chains make memory grow
    // with the length (as in Helm).
    if data.is_empty() || data.len() > 512 {
        return;
    }
    let Ok(line) = std::str::from_utf8(&data[1..]) else {
        return;
    };
    let mut values = Values::new();
    // Start from values a -f file could have given, so type clashes are exercised.
    values.insert(
        "m".into(),
        serde_json::json!({"k": [1.5, {"x": null}], "s": "t"}),
    );
    values.insert("l".into(), serde_json::json!([null, "a", [true]]));
    let read = |path: &str| -> Result<String, String> {
        if path.len() % 2 == 0 {
            Ok(path.repeat(2))
        } else {
            Err(format!("open {path}: no such file or directory"))
        }
    };
    let result = match data[0] % 6 {
        0 => strvals::parse_into(line, &mut values).map_err(|e| e.to_string()),
        1 => strvals::parse_into_string(line, &mut values).map_err(|e| e.to_string()),
        2 => strvals::parse_json_into(line, &mut values).map_err(|e| e.to_string()),
        3 => strvals::parse_literal_into(line, &mut values).map_err(|e| e.to_string()),
        4 => strvals::parse_file_into(line, &mut values, read).map_err(|e| e.to_string()),
        _ => {
            let flags = SetFlags {
                json: vec![line.to_string()],
                values: vec![line.to_string()],
                ..SetFlags::default()
            };
            merge_set_flags(&mut values, &flags, read).map_err(|e| e.to_string())
        }
    };
    if let Err(msg) = result {
        assert!(!msg.is_empty());
    }
    serde_json::to_string(&values).expect("values serialise");
});
