//! Helm's rendering on top of the `gotmpl` engine: Sprig and Helm functions, the built-in
//! objects, the go-yaml-compatible `toYaml` emitter, Go-compatible `toJson`, NOTES.

pub mod data;
pub mod engine;
pub mod functions;
pub mod glob;
pub mod json;
mod json_struct;
pub mod objects;
pub mod output_dir;
pub mod sprig;
pub mod sprig_adapter;
pub mod template;
mod template_sink;
pub mod to_yaml;
pub mod toml_codec;
