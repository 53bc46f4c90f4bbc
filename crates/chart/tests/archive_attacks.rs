//! Hostile chart archives, built in the tests: each must be refused with an error that
//! names the entry, and none may panic, hang or exhaust memory.

use std::io::Write;

use capstan_chart::archive::{ArchiveError, MAX_DECOMPRESSED_CHART_SIZE};
use capstan_chart::LoadError;
use flate2::write::GzEncoder;
use flate2::Compression;

/// One raw tar entry; names are written byte for byte (no path validation), so that
/// archives a well-behaved tool would never produce can be built.
struct Entry<'a> {
    name: &'a [u8],
    kind: tar::EntryType,
    link: &'a [u8],
    data: Vec<u8>,
}

fn file<'a>(name: &'a str, data: &[u8]) -> Entry<'a> {
    Entry {
        name: name.as_bytes(),
        kind: tar::EntryType::Regular,
        link: b"",
        data: data.to_vec(),
    }
}

fn tgz(entries: &[Entry]) -> Vec<u8> {
    let gz = GzEncoder::new(Vec::new(), Compression::fast());
    let mut b = tar::Builder::new(gz);
    for e in entries {
        let mut h = tar::Header::new_old();
        {
            let old = h.as_old_mut();
            old.name[..e.name.len()].copy_from_slice(e.name);
            old.linkname[..e.link.len()].copy_from_slice(e.link);
        }
        h.set_entry_type(e.kind);
        h.set_mode(0o644);
        h.set_mtime(1_700_000_000);
        h.set_size(e.data.len() as u64);
        h.set_cksum();
        b.append(&h, e.data.as_slice()).expect("append");
    }
    b.into_inner().expect("tar").finish().expect("gzip")
}

const CHART_YAML: &[u8] = b"apiVersion: v2\nname: c\nversion: 0.1.0\n";

fn load(entries: &[Entry]) -> Result<capstan_chart::Chart, LoadError> {
    capstan_chart::load_archive(&tgz(entries))
}

fn archive_err(entries: &[Entry]) -> ArchiveError {
    match load(entries) {
        Err(LoadError::ArchiveLoad(e)) => e,
        Err(other) => panic!("expected an archive error, got {other}"),
        Ok(_) => panic!("hostile archive was accepted"),
    }
}

#[test]
fn a_normal_archive_loads() {
    let c = load(&[
        file("c/Chart.yaml", CHART_YAML),
        file("c/values.yaml", b"\xEF\xBB\xBFa: 1\n"),
        file("c\\templates\\win.yaml", b"x"),
        file("c/templates/_helpers.tpl", b"{{/* */}}"),
    ])
    .expect("load");
    assert_eq!(c.name(), "c");
    assert_eq!(c.values.get("a").and_then(|v| v.as_f64()), Some(1.0));
    let names: Vec<&str> = c.templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["templates/win.yaml", "templates/_helpers.tpl"]);
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    assert_eq!(c.templates[0].mod_time, Some(when));
    assert_eq!(c.mod_time, Some(when));
}

#[test]
fn absolute_paths_are_refused() {
    let e = archive_err(&[file("c/Chart.yaml", CHART_YAML), file("/etc/passwd", b"x")]);
    assert!(
        matches!(&e, ArchiveError::AbsolutePath(n) if n == "/etc/passwd"),
        "{e}"
    );
    assert!(e.to_string().contains("/etc/passwd"));
    let e = archive_err(&[file("c//etc/passwd", b"x")]);
    assert!(matches!(e, ArchiveError::AbsolutePath(_)), "{e}");
}

#[test]
fn parent_traversal_is_refused() {
    let e = archive_err(&[file("c/Chart.yaml", CHART_YAML), file("c/../../evil", b"x")]);
    assert_eq!(
        e.to_string(),
        "chart illegally references parent directory: \"c/../../evil\""
    );
    let e = archive_err(&[file("c\\..\\..\\evil", b"x")]);
    assert!(matches!(e, ArchiveError::ParentReference(_)), "{e}");
}

#[test]
fn drive_paths_and_misplaced_chart_yaml() {
    let e = archive_err(&[file("c/c:/x", b"x")]);
    assert!(matches!(e, ArchiveError::IllegalName(_)), "{e}");
    let e = archive_err(&[file("Chart.yaml", CHART_YAML)]);
    assert!(matches!(e, ArchiveError::OutsideBase(_)), "{e}");
    let e = archive_err(&[file("Chart.yaml/x", CHART_YAML)]);
    assert_eq!(e.to_string(), "chart yaml not in base directory");
}

#[test]
fn escaping_links_are_refused() {
    let e = archive_err(&[
        file("c/Chart.yaml", CHART_YAML),
        Entry {
            name: b"c/templates/link.yaml",
            kind: tar::EntryType::Symlink,
            link: b"../../../etc/passwd",
            data: Vec::new(),
        },
    ]);
    assert!(
        matches!(&e, ArchiveError::LinkEscapes { name, .. } if name == "c/templates/link.yaml"),
        "{e}"
    );
    let e = archive_err(&[Entry {
        name: b"c/x",
        kind: tar::EntryType::Symlink,
        link: b"/etc/shadow",
        data: Vec::new(),
    }]);
    assert!(matches!(e, ArchiveError::LinkEscapes { .. }), "{e}");
    let e = archive_err(&[Entry {
        name: b"c/x",
        kind: tar::EntryType::Link,
        link: b"../outside",
        data: Vec::new(),
    }]);
    assert!(matches!(e, ArchiveError::LinkEscapes { .. }), "{e}");
    // A link that stays inside is kept, as an empty file (what Helm reads from it).
    let c = load(&[
        file("c/Chart.yaml", CHART_YAML),
        Entry {
            name: b"c/templates/inner.yaml",
            kind: tar::EntryType::Symlink,
            link: b"../values.yaml",
            data: Vec::new(),
        },
    ])
    .expect("inner link");
    assert_eq!(&*c.templates[0].data, b"");
}

#[test]
fn duplicates_and_non_utf8_names_are_refused() {
    let e = archive_err(&[
        file("c/Chart.yaml", CHART_YAML),
        file("c/values.yaml", b"a: 1\n"),
        file("c/./values.yaml", b"a: 2\n"),
    ]);
    assert_eq!(
        e.to_string(),
        "chart archive contains duplicate entry \"c/./values.yaml\""
    );
    let e = archive_err(&[
        file("c/Chart.yaml", CHART_YAML),
        Entry {
            name: b"c/templates/\xff\xfe.yaml",
            kind: tar::EntryType::Regular,
            link: b"",
            data: b"x".to_vec(),
        },
    ]);
    assert!(matches!(e, ArchiveError::NonUtf8Name(_)), "{e}");
}

#[test]
fn oversize_file_is_refused() {
    let big = vec![b'a'; 5 * 1024 * 1024 + 1];
    let e = archive_err(&[file("c/Chart.yaml", CHART_YAML), file("c/big.txt", &big)]);
    assert_eq!(
        e.to_string(),
        "decompressed chart file \"c/big.txt\" is larger than the maximum file size 5242880"
    );
}

#[test]
fn gzip_bomb_is_refused() {
    // 21 files of 5 MiB of zeros: about 100 KiB compressed, over 100 MiB expanded.
    let chunk = vec![0u8; 5 * 1024 * 1024];
    let names: Vec<String> = (0..21).map(|i| format!("c/f{i}.bin")).collect();
    let mut entries = vec![file("c/Chart.yaml", CHART_YAML)];
    for n in &names {
        entries.push(file(n, &chunk));
    }
    let bytes = tgz(&entries);
    assert!(
        bytes.len() < 2 * 1024 * 1024,
        "bomb should be small: {}",
        bytes.len()
    );
    match capstan_chart::load_archive(&bytes) {
        Err(LoadError::ArchiveLoad(ArchiveError::ChartTooLarge { max })) => {
            assert_eq!(max, MAX_DECOMPRESSED_CHART_SIZE)
        }
        other => panic!(
            "expected ChartTooLarge, got {:?}",
            other.map(|c| c.name().to_string())
        ),
    }
}

#[test]
fn garbage_and_truncated_input_are_errors() {
    assert!(capstan_chart::load_archive(b"not gzip at all").is_err());
    assert!(capstan_chart::load_archive(b"").is_err());
    let good = tgz(&[
        file("c/Chart.yaml", CHART_YAML),
        file("c/values.yaml", b"a: 1\n"),
    ]);
    // (A cut inside the gzip trailer goes unnoticed, as in Helm: tar stops reading at
    // its end-of-archive blocks.)
    for cut in [10, good.len() / 2, good.len() - 30] {
        assert!(
            capstan_chart::load_archive(&good[..cut]).is_err(),
            "cut at {cut}"
        );
    }
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0xff;
    let _ = capstan_chart::load_archive(&flipped);
    let e = archive_err(&[]);
    assert_eq!(e.to_string(), "no files in chart archive");
    // Helm says only "unable to load chart archive"; we keep its words and add why.
    let e = capstan_chart::load_archive(b"\x1f\x8b\x08\x00garbage").expect_err("bad gzip");
    assert!(
        e.to_string().starts_with("unable to load chart archive: "),
        "{e}"
    );
    assert_eq!(
        load(&[file("c/values.yaml", b"a: 1\n")])
            .expect_err("no Chart.yaml")
            .to_string(),
        "unable to detect chart version, no Chart.yaml found"
    );
    assert_eq!(
        load(&[file(
            "c/Chart.yaml",
            b"apiVersion: v9\nname: c\nversion: 1.0.0\n"
        )])
        .expect_err("v9")
        .to_string(),
        "unsupported chart version"
    );
}

#[test]
fn nested_subchart_archives_load_and_their_errors_are_wrapped() {
    let sub = tgz(&[
        file(
            "sub/Chart.yaml",
            b"apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        ),
        file("sub/templates/s.yaml", b"s"),
    ]);
    let c = load(&[
        file("c/Chart.yaml", CHART_YAML),
        file("c/charts/sub-1.0.0.tgz", &sub),
    ])
    .expect("load");
    assert_eq!(c.dependencies[0].name(), "sub");
    let names: Vec<String> = c.all_templates().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, vec!["c/charts/sub/templates/s.yaml"]);

    let evil = tgz(&[file("sub/../../x", b"x")]);
    let e = load(&[
        file("c/Chart.yaml", CHART_YAML),
        file("c/charts/evil.tgz", &evil),
    ])
    .expect_err("nested evil archive");
    assert_eq!(
        e.to_string(),
        "error unpacking subchart evil.tgz in c: chart illegally references parent directory: \"sub/../../x\""
    );
}

#[test]
fn load_sniffs_like_go() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sniff");
    std::fs::create_dir_all(&dir).expect("dir");
    for (name, data, want) in [
        ("short.bin", b"hello".to_vec(), "application/octet-stream"),
        ("long.txt", vec![b'a'; 600], "text/plain; charset=utf-8"),
        ("z.zip", b"PK\x03\x04zzzz".to_vec(), "application/zip"),
    ] {
        let p = dir.join(name);
        std::fs::write(&p, &data).expect("write");
        assert_eq!(
            capstan_chart::load(&p).expect_err("not gzip").to_string(),
            format!(
                "file '{}' does not appear to be a gzipped archive; got '{want}'",
                p.display()
            )
        );
    }
}

#[test]
fn load_refuses_non_archives_with_helms_message() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("not-archive");
    std::fs::create_dir_all(&dir).expect("dir");
    let yaml = dir.join("values.yaml");
    std::fs::File::create(&yaml)
        .and_then(|mut f| f.write_all(b"a: 1\n"))
        .expect("write");
    let e = capstan_chart::load(&yaml).expect_err("yaml is not a chart");
    assert_eq!(
        e.to_string(),
        format!(
            "file '{}' seems to be a YAML file, but expected a gzipped archive",
            yaml.display()
        )
    );
}

#[test]
fn nested_archives_are_bounded() {
    // 100 levels of charts/x.tgz inside charts/x.tgz: refused, not a stack overflow.
    let mut inner = tgz(&[file(
        "x/Chart.yaml",
        b"apiVersion: v2\nname: x\nversion: 1.0.0\n",
    )]);
    for _ in 0..100 {
        inner = tgz(&[
            file("x/Chart.yaml", b"apiVersion: v2\nname: x\nversion: 1.0.0\n"),
            file("x/charts/x.tgz", &inner),
        ]);
    }
    let e = capstan_chart::load_archive(&inner).expect_err("too deep");
    assert!(
        e.to_string().contains("nested more than 64 levels deep"),
        "{e}"
    );
}

#[test]
fn repeated_nested_archives_share_one_budget() {
    // Each level holds 8 copies of the level below: 8^12 charts from a small file.
    let mut inner = tgz(&[file(
        "x/Chart.yaml",
        b"apiVersion: v2\nname: x\nversion: 1.0.0\n",
    )]);
    for _ in 0..12 {
        let names: Vec<String> = (0..8).map(|i| format!("x/charts/c{i}.tgz")).collect();
        let mut entries = vec![file(
            "x/Chart.yaml",
            b"apiVersion: v2\nname: x\nversion: 1.0.0\n",
        )];
        for n in &names {
            entries.push(file(n, &inner));
        }
        inner = tgz(&entries);
        if inner.len() > 4 * 1024 * 1024 {
            break;
        }
    }
    assert!(capstan_chart::load_archive(&inner).is_err());
}

#[test]
fn long_names_from_gnu_and_pax_headers_load() {
    let long = format!("c/templates/{}/x.yaml", "d".repeat(150));
    for mut h in [tar::Header::new_gnu(), tar::Header::new_ustar()] {
        let mut b = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
        for (name, data) in [("c/Chart.yaml", CHART_YAML), (long.as_str(), &b"x"[..])] {
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_entry_type(tar::EntryType::Regular);
            // append_data writes a GNU long-name entry or, for ustar, a PAX header.
            if name.len() > 100 && h.as_gnu().is_none() {
                b.append_pax_extensions([("path", name.as_bytes())])
                    .expect("pax");
                h.set_path("c/short").expect("short path");
                h.set_cksum();
                b.append(&h, data).expect("append");
            } else {
                b.append_data(&mut h, name, data).expect("append");
            }
        }
        let bytes = b.into_inner().expect("tar").finish().expect("gz");
        let c = capstan_chart::load_archive(&bytes).expect("long names load");
        assert_eq!(c.templates[0].name, long.trim_start_matches("c/"));
    }
}
