//! Output helpers shared by the release commands, each matching what helm's Go code writes:
//! `-o table|json|yaml` parsing, `gosuri/uitable` tables, `encoding/json` encoder lines,
//! `sigs.k8s.io/yaml` documents and Go's time layouts.

use capstan_release::record::{Timestamp, ZERO_TIME};
use jiff::tz::{Offset, TimeZone};
use jiff::Zoned;
use serde::Serialize;

/// `-o/--output`: helm's three formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable (the default).
    Table,
    /// One JSON document and a newline.
    Json,
    /// A YAML document.
    Yaml,
}

impl Format {
    /// Parses the flag value with helm's error text (cobra's wording for a bad flag value).
    pub fn parse(s: &str) -> anyhow::Result<Format> {
        match s {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "yaml" => Ok(Format::Yaml),
            other => anyhow::bail!(
                "invalid argument {} for \"-o, --output\" flag: invalid format type",
                go_quote(other)
            ),
        }
    }
}

/// Go's `%q` for the plain strings flag values are (escapes `"` and `\`).
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A `gosuri/uitable` table as helm uses it: every cell right-padded to its column's width
/// (the last column too), cells separated by a tab, rows by newlines.
#[derive(Debug, Default)]
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a row.
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// The text `output.EncodeTable` writes: the table and one newline.
    pub fn render(&self) -> String {
        let ncols = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0usize; ncols];
        for row in &self.rows {
            for (i, c) in row.iter().enumerate() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
        let lines: Vec<String> = self
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(i, c)| format!("{c:<w$}", w = widths[i]))
                    .collect::<Vec<_>>()
                    .join("\t")
            })
            .collect();
        let mut out = lines.join("\n");
        out.push('\n');
        out
    }
}

/// `output.EncodeJSON`: Go's `json.Encoder` output (HTML characters escaped) and a newline.
pub fn json_line<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<String> {
    let bytes = capstan_release::gojson::to_go_json(value)
        .map_err(|e| anyhow::anyhow!("unable to write JSON output: {e}"))?;
    let mut s = String::from_utf8(bytes)?;
    s.push('\n');
    Ok(s)
}

/// `output.EncodeYAML`: `sigs.k8s.io/yaml.Marshal` of the value (through its JSON form).
pub fn yaml_doc<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<String> {
    let bytes = capstan_release::gojson::to_go_json(value)
        .map_err(|e| anyhow::anyhow!("unable to write YAML output: {e}"))?;
    let json: serde_json::Value = serde_json::from_slice(&bytes)?;
    let v = capstan_render::data::json_to_value(&json);
    capstan_render::to_yaml::to_yaml_document(&v)
        .map_err(|e| anyhow::anyhow!("unable to write YAML output: {e}"))
}

/// A stored timestamp as Go's `time.Time` reads it back: `Z` is UTC, any other offset a
/// zone without a name. `None` for an empty, unparsable or zero time (Go's `IsZero`).
pub fn parse_time(ts: &str) -> Option<Zoned> {
    if ts.is_empty() || ts == ZERO_TIME {
        return None;
    }
    let instant: jiff::Timestamp = ts.parse().ok()?;
    let tz = if ts.ends_with('Z') || ts.ends_with('z') {
        TimeZone::UTC
    } else {
        // The offset is the last 6 characters: `+hh:mm`.
        let tail = ts.get(ts.len().checked_sub(6)?..)?;
        let sign = if tail.starts_with('-') { -1 } else { 1 };
        let h: i32 = tail.get(1..3)?.parse().ok()?;
        let m: i32 = tail.get(4..6)?.parse().ok()?;
        TimeZone::fixed(Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()?)
    };
    Some(instant.to_zoned(tz))
}

/// Go's `Time.Format(layout)` of a stored timestamp; Go's zero time when it has none.
pub fn format_time(ts: Option<&Timestamp>, layout: &str) -> String {
    let z = ts
        .and_then(|t| parse_time(t))
        .unwrap_or_else(capstan_render::sprig::golayout::zero_time);
    capstan_render::sprig::golayout::format(&z, layout)
}

/// `time.ANSIC`, the layout of `helm status` and `helm history`.
pub const ANSIC: &str = "Mon Jan _2 15:04:05 2006";
/// Go's `Time.String()` layout, used by `helm list`.
pub const GO_STRING: &str = "2006-01-02 15:04:05.999999999 -0700 MST";
/// `time.RFC3339`, used by `helm get metadata`.
pub const RFC3339: &str = "2006-01-02T15:04:05Z07:00";

/// The record as helm 4 writes it back after reading it: times that are empty or Go's zero
/// time (as helm 3 stored them: `""` or `0001-01-01T00:00:00Z`) are left out, as helm 4's
/// `omitzero` does.
pub fn helm4_times(rel: &mut capstan_release::Release) {
    let clear = |t: &mut Option<Timestamp>| {
        if !is_set(t.as_ref()) {
            *t = None;
        }
    };
    if let Some(info) = rel.info.as_mut() {
        clear(&mut info.first_deployed);
        clear(&mut info.last_deployed);
        clear(&mut info.deleted);
    }
    for h in &mut rel.hooks {
        clear(&mut h.last_run.started_at);
        clear(&mut h.last_run.completed_at);
    }
}

/// Whether a stored timestamp is set (Go's `!t.IsZero()`).
pub fn is_set(ts: Option<&Timestamp>) -> bool {
    ts.is_some_and(|t| parse_time(t).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uitable_pads_every_column() {
        let mut t = Table::new();
        t.row(["NAME", "REV"]);
        t.row(["a-long-name", "1"]);
        assert_eq!(t.render(), "NAME       \tREV\na-long-name\t1  \n");
    }

    #[test]
    fn go_time_layouts() {
        let ts = "2026-12-05T18:18:12.030779997Z".to_owned();
        assert_eq!(
            format_time(Some(&ts), GO_STRING),
            "2026-12-05 18:18:12.030779997 +0000 UTC"
        );
        assert_eq!(format_time(Some(&ts), ANSIC), "Sat Dec  5 18:18:12 2026");
        assert_eq!(format_time(Some(&ts), RFC3339), "2026-12-05T18:18:12Z");
        let off = "2026-12-05T20:18:12+02:00".to_owned();
        assert_eq!(
            format_time(Some(&off), GO_STRING),
            "2026-12-05 20:18:12 +0200 +0200"
        );
        assert_eq!(
            format_time(Some(&off), RFC3339),
            "2026-12-05T20:18:12+02:00"
        );
        assert!(!is_set(Some(&ZERO_TIME.to_owned())));
        assert_eq!(
            format_time(None, ANSIC),
            "Mon Jan  1 00:00:00 0001",
            "Go's zero time"
        );
    }

    #[test]
    fn bad_format_is_refused_with_helms_text() {
        let e = Format::parse("xml").expect_err("xml is no format");
        assert_eq!(
            e.to_string(),
            "invalid argument \"xml\" for \"-o, --output\" flag: invalid format type"
        );
    }
}
