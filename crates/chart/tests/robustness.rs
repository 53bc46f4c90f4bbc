//! Deterministic mutation testing: corrupted YAML, values, Chart.yaml and archives must
//! give errors or values, never panics or hangs.

use flate2::write::GzEncoder;
use flate2::Compression;

/// A small xorshift generator, seeded, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const ALPHABET: &[u8] = b" \n\t:-[]{},&*!|>'\"#%@`?<=~.0123456789abxyYnN";

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..=rng.below(4) {
        let pos = rng.below(v.len() + 1);
        match rng.below(4) {
            0 if pos < v.len() => {
                v.remove(pos);
            }
            1 => v.insert(pos, ALPHABET[rng.below(ALPHABET.len())]),
            2 if pos < v.len() => v[pos] = ALPHABET[rng.below(ALPHABET.len())],
            _ => {
                let end = (pos + rng.below(8)).min(v.len());
                let chunk = v[pos.min(end)..end].to_vec();
                v.splice(pos..pos, chunk);
            }
        }
    }
    v
}

const SEEDS: &[&str] = &[
    "a: 1\nb: [1, 2, {c: d}]\nanchors:\n  base: &b {x: 1}\n  use: {<<: *b, y: 2}\n",
    "global:\n  image: {registry: docker.io}\nlist:\n- name: x\n  value: |\n    multi\n    line\n",
    "key: 'single ''quoted'''\nother: \"double \\\"quoted\\\" \\u00e9\"\nfolded: >\n  a\n  b\n",
    "apiVersion: v2\nname: c\nversion: 1.2.3\ndependencies:\n- name: s\n  version: ~1\n  import-values: [a, {child: b, parent: c}]\n",
    "? complex\n: value\n!!binary aGk=: 1\n0x1F: hex\n---\nsecond: doc\n",
];

#[test]
fn mutated_yaml_never_panics() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    for seed in SEEDS {
        for _ in 0..2000 {
            let m = mutate(&mut rng, seed.as_bytes());
            let text = String::from_utf8_lossy(&m);
            let _ = capstan_chart::yaml::from_str(&text);
            let _ = capstan_chart::values::parse_values(&m);
            let _ = capstan_chart::metadata::Metadata::from_yaml(&text);
        }
    }
}

fn tgz(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data).expect("append");
    }
    b.into_inner().expect("tar").finish().expect("gz")
}

#[test]
fn mutated_archives_never_panic() {
    let good = tgz(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n- name: s\n  version: 1.0.0\n"),
        ("c/values.yaml", b"a: 1\ns: {b: 2}\n"),
        ("c/templates/x.yaml", b"{{ .Values.a }}"),
        ("c/charts/s/Chart.yaml", b"apiVersion: v2\nname: s\nversion: 1.0.0\n"),
        ("c/charts/s/values.schema.json", b"{\"type\": \"object\"}"),
    ]);
    let mut c = capstan_chart::load_archive(&good).expect("the unmutated archive loads");
    capstan_chart::helm_values(&mut c, &capstan_chart::Values::new(), false).expect("values");
    let mut rng = Rng(0xfeed_beef_0123_4567);
    for _ in 0..3000 {
        let mut bytes = good.clone();
        for _ in 0..=rng.below(3) {
            let pos = rng.below(bytes.len());
            bytes[pos] = rng.next() as u8;
        }
        if let Ok(mut c) = capstan_chart::load_archive(&bytes) {
            let _ = capstan_chart::helm_values(&mut c, &capstan_chart::Values::new(), false);
        }
    }
}

#[test]
fn deeply_nested_values_do_not_overflow() {
    // Just under the YAML depth limit, in both the chart defaults and the user values,
    // through coalescing, import processing and schema validation.
    let depth = capstan_chart::yaml::MAX_DEPTH - 2;
    let mut doc = String::new();
    for i in 0..depth {
        doc.push_str(&" ".repeat(i));
        doc.push_str("k:\n");
    }
    doc.push_str(&" ".repeat(depth));
    doc.push_str("leaf: 1\n");
    let values = capstan_chart::values::parse_values(doc.as_bytes()).expect("deep values parse");
    let files = vec![
        capstan_chart::archive::BufferedFile::new(
            "Chart.yaml",
            &b"apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n- name: s\n  version: 0.1.0\n  import-values: [{child: k, parent: imported}]\n"[..],
        ),
        capstan_chart::archive::BufferedFile::new("values.yaml", doc.as_bytes()),
        capstan_chart::archive::BufferedFile::new("values.schema.json", &b"{\"type\": \"object\"}"[..]),
        capstan_chart::archive::BufferedFile::new(
            "charts/s/Chart.yaml",
            &b"apiVersion: v2\nname: s\nversion: 0.1.0\n"[..],
        ),
        capstan_chart::archive::BufferedFile::new("charts/s/values.yaml", doc.as_bytes()),
    ];
    let mut c = capstan_chart::loader::load_files(files).expect("load");
    let out = capstan_chart::helm_values(&mut c, &values, false).expect("values");
    assert!(out.contains_key("k") && out.contains_key("imported"));
    let too_deep = format!(
        "{}{}",
        "[".repeat(capstan_chart::yaml::MAX_DEPTH + 5),
        "]".repeat(capstan_chart::yaml::MAX_DEPTH + 5)
    );
    assert!(capstan_chart::yaml::from_str(&too_deep).is_err());
}
