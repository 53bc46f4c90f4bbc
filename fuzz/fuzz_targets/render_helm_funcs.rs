//! Helm's `tpl`, `fromYaml`, `fromYamlArray`, `toYaml` and `toJson` on arbitrary text,
//! through the real render path (a one-template chart rendered in memory).
//! Checks: no panic, no stack overflow, no hang.
#![no_main]

use std::sync::Arc;

use capstan_chart::{Chart, File};
use capstan_render::data::ReleaseInfo;
use capstan_render::engine::{render, EngineOptions, RenderContext};
use capstan_render::objects::Capabilities;
use libfuzzer_sys::fuzz_target;

const TEMPLATE: &str = "{{ tpl .Values.s . }}\n{{ fromYaml .Values.s | toYaml }}\n{{ fromYamlArray .Values.s | toJson }}\n{{ .Values.s | toYaml }}\n{{ fromYaml .Values.s | toJson }}\n";

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else { return };
    if text.len() > 4096 {
        return;
    }
    // `tpl` runs the input as a template: skip long loops the way the engine target does.
    let mut digits = 0;
    for c in text.chars() {
        digits = if c.is_ascii_digit() { digits + 1 } else { 0 };
        if digits > 3 {
            return;
        }
    }
    let mut chart = Chart::default();
    chart.metadata.name = "c".into();
    chart.metadata.version = "0.1.0".into();
    chart.metadata.api_version = "v2".into();
    chart.templates.push(File { name: "templates/t.yaml".into(), data: TEMPLATE.as_bytes().into(), mod_time: None });
    let mut values = capstan_chart::Values::new();
    values.insert("s".into(), serde_json::Value::String(text.to_string()));
    let ctx = RenderContext {
        release: ReleaseInfo { name: "r".into(), namespace: "ns".into(), revision: 1, is_upgrade: false },
        capabilities: Arc::new(Capabilities::for_template(None, &[])),
        values,
    };
    let _ = render(&chart, &ctx, EngineOptions::default());
});
