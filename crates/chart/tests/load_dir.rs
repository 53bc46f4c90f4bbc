//! Directory loading: .helmignore, symlinks, irregular and oversize files, and the
//! same chart loaded from a directory and from a .tgz giving the same result.

use std::fs;
use std::path::{Path, PathBuf};

use capstan_chart::LoadError;

fn scratch(name: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("load_dir")
        .join(name);
    let _ = fs::remove_dir_all(&p);
    fs::create_dir_all(&p).expect("scratch dir");
    p
}

fn write(root: &Path, rel: &str, data: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    fs::write(p, data).expect("write");
}

fn basic(root: &Path) {
    write(
        root,
        "Chart.yaml",
        b"apiVersion: v2\nname: c\nversion: 0.1.0\n",
    );
    write(root, "values.yaml", b"a: 1\n");
    write(root, "templates/a.yaml", b"a");
    write(root, "templates/_helpers.tpl", b"h");
    write(root, "templates/NOTES.txt", b"n");
    write(root, "crds/crd.yaml", b"c");
    write(root, "README.md", b"r");
}

#[test]
fn sorts_files_into_the_chart() {
    let d = scratch("basic");
    basic(&d);
    write(&d, "values.schema.json", b"{}");
    write(&d, "Chart.lock", b"digest: x\ndependencies: []\n");
    let c = capstan_chart::load_dir(&d).expect("load");
    let t: Vec<&str> = c.templates.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        t,
        vec![
            "templates/NOTES.txt",
            "templates/_helpers.tpl",
            "templates/a.yaml"
        ]
    );
    let f: Vec<&str> = c.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(f, vec!["README.md", "crds/crd.yaml"]);
    assert_eq!(c.schema.as_deref(), Some(&b"{}"[..]));
    assert_eq!(c.lock.as_ref().map(|l| l.digest.as_str()), Some("x"));
    assert!(c.templates.iter().all(|t| t.mod_time.is_some()));
    assert!(c.mod_time.is_some() && c.schema_mod_time.is_some());
    let crds: Vec<String> = c.crd_objects().into_iter().map(|(n, _)| n).collect();
    assert_eq!(crds, vec!["c/crds/crd.yaml"]);
}

#[test]
fn helmignore_and_default_rules() {
    let d = scratch("ignore");
    basic(&d);
    write(&d, ".helmignore", b"# comment\n*.md\nsecret/\n");
    write(&d, "secret/key", b"k");
    write(&d, "templates/.hidden.yaml", b"h");
    let c = capstan_chart::load_dir(&d).expect("load");
    let f: Vec<&str> = c.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(f, vec![".helmignore", "crds/crd.yaml"]);
    assert!(c
        .templates
        .iter()
        .all(|t| t.name != "templates/.hidden.yaml"));
    write(&d, ".helmignore", b"a/**/b\n");
    let e = capstan_chart::load_dir(&d).expect_err("double star");
    assert_eq!(e.to_string(), "double-star (**) syntax is not supported");
}

#[test]
fn symlinks_are_followed_and_cycles_refused() {
    let d = scratch("links");
    let outside = scratch("links-outside");
    write(&outside, "shared.yaml", b"from outside");
    basic(&d);
    std::os::unix::fs::symlink(outside.join("shared.yaml"), d.join("templates/linked.yaml"))
        .expect("symlink");
    std::os::unix::fs::symlink(&outside, d.join("extra")).expect("dir symlink");
    let c = capstan_chart::load_dir(&d).expect("load");
    let linked = c
        .templates
        .iter()
        .find(|t| t.name == "templates/linked.yaml")
        .expect("linked");
    assert_eq!(&*linked.data, b"from outside");
    assert!(c.files.iter().any(|f| f.name == "extra/shared.yaml"));

    std::os::unix::fs::symlink(&d, d.join("templates/loop")).expect("loop");
    let e = capstan_chart::load_dir(&d).expect_err("cycle");
    assert!(matches!(e, LoadError::SymlinkCycle(_)), "{e}");
}

#[test]
fn dangling_links_irregular_and_oversize_files() {
    let d = scratch("bad-files");
    basic(&d);
    std::os::unix::fs::symlink(d.join("nope"), d.join("dangling")).expect("symlink");
    assert!(capstan_chart::load_dir(&d).is_err());
    fs::remove_file(d.join("dangling")).expect("rm");

    let status = std::process::Command::new("mkfifo")
        .arg(d.join("fifo"))
        .status()
        .expect("mkfifo (coreutils) is needed for this test");
    assert!(status.success());
    let e = capstan_chart::load_dir(&d).expect_err("fifo");
    assert!(
        e.to_string().starts_with("cannot load irregular file "),
        "{e}"
    );
    fs::remove_file(d.join("fifo")).expect("rm");

    write(&d, "big.bin", &vec![0u8; 5 * 1024 * 1024 + 1]);
    let e = capstan_chart::load_dir(&d).expect_err("big");
    assert_eq!(
        e.to_string(),
        "chart file \"big.bin\" is larger than the maximum file size 5242880"
    );
}

#[test]
fn missing_and_invalid_chart_yaml() {
    let d = scratch("no-chart-yaml");
    write(&d, "values.yaml", b"a: 1\n");
    let cy = std::path::absolute(d.join("Chart.yaml")).expect("abs");
    assert_eq!(
        capstan_chart::load_dir(&d)
            .expect_err("missing")
            .to_string(),
        format!(
            "unable to detect chart at {0}: open {0}: no such file or directory",
            cy.display()
        )
    );
    write(&d, "charts/sub/values.yaml", b"a: 1\n");
    write(
        &d,
        "Chart.yaml",
        b"apiVersion: v2\nname: c\nversion: 0.1.0\n",
    );
    assert_eq!(
        capstan_chart::load_dir(&d).expect_err("sub").to_string(),
        "error unpacking subchart sub in c: Chart.yaml file is missing"
    );
    std::fs::remove_dir_all(d.join("charts")).expect("rm");
    write(
        &d,
        "Chart.yaml",
        b"apiVersion: v3\nname: c\nversion: 0.1.0\n",
    );
    assert_eq!(
        capstan_chart::load_dir(&d).expect_err("v3").to_string(),
        "invalid chart apiVersion"
    );
    write(
        &d,
        "Chart.yaml",
        b"apiVersion: v2\nname: c\nversion: 0.1.0\n  x: y\n",
    );
    let e = capstan_chart::load_dir(&d).expect_err("invalid");
    assert!(
        e.to_string()
            .starts_with("cannot load Chart.yaml: error converting YAML to JSON: yaml: line "),
        "{e}"
    );
    write(
        &d,
        "Chart.yaml",
        b"apiVersion: v2\nname: c\nversion: 0.1.0\n",
    );
    write(&d, "values.yaml", b"a: 1\n  b: 2\n");
    let e = capstan_chart::load_dir(&d).expect_err("values");
    assert!(e.to_string().starts_with("cannot load values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 2"), "{e}");
}

#[test]
fn v1_requirements_are_dependencies_and_files() {
    let d = scratch("v1");
    write(&d, "Chart.yaml", b"name: old\nversion: 1.0.0\n");
    write(
        &d,
        "requirements.yaml",
        b"dependencies:\n- name: sub\n  version: 1.0.0\n",
    );
    write(&d, "requirements.lock", b"digest: d\ndependencies: []\n");
    write(&d, "charts/sub/Chart.yaml", b"name: sub\nversion: 1.0.0\n");
    let c = capstan_chart::load_dir(&d).expect("load");
    assert_eq!(c.metadata.api_version, "v1");
    assert_eq!(
        c.metadata.deps().next().map(|d| d.name.as_str()),
        Some("sub")
    );
    let f: Vec<&str> = c.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(f, vec!["requirements.lock", "requirements.yaml"]);
    assert_eq!(c.lock.as_ref().map(|l| l.digest.as_str()), Some("d"));
}

/// Packs a directory into a .tgz with a top-level folder, as `helm package` does.
fn pack(dir: &Path, top: &str) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    b.follow_symlinks(true);
    b.append_dir_all(top, dir).expect("pack");
    b.into_inner().expect("tar").finish().expect("gz")
}

#[test]
#[ignore = "needs the shared corpus beside the repository (../shared/corpus); .ci/run runs it"]
fn corpus_directory_and_archive_agree() {
    let corpus =
        PathBuf::from(std::env::var("CAPSTAN_CORPUS").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus").into()
        }));
    let dir = corpus.join("charts/helm-subpop");
    assert!(
        dir.is_dir(),
        "the Helm corpus is missing at {}: set CAPSTAN_CORPUS",
        corpus.display()
    );
    let from_dir = capstan_chart::load_dir(&dir).expect("dir");
    let from_tgz = capstan_chart::load_archive(&pack(&dir, "subpop")).expect("tgz");
    assert_eq!(from_dir.metadata, from_tgz.metadata);
    assert_eq!(from_dir.values, from_tgz.values);
    let mut a: Vec<String> = from_dir
        .all_templates()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let mut b: Vec<String> = from_tgz
        .all_templates()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(from_dir.dependencies.len(), from_tgz.dependencies.len());
}

#[test]
fn an_archive_made_by_helm_package_loads_like_its_directory() {
    let tests = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests");
    let packaged = tests.join("fixtures/packaged/tgzsub-0.1.0.tgz");
    let mut from_tgz = capstan_chart::load(&packaged).expect("helm-packaged archive");
    let mut from_dir =
        capstan_chart::load_dir(tests.join("fixtures/values/tgzsub/chart")).expect("directory");
    assert_eq!(from_tgz.name(), from_dir.name());
    assert_eq!(from_tgz.values, from_dir.values);
    let none = capstan_chart::Values::new();
    let a = capstan_chart::helm_values(&mut from_tgz, &none, false).expect("values");
    let b = capstan_chart::helm_values(&mut from_dir, &none, false).expect("values");
    assert_eq!(a, b);
    let names = |c: &capstan_chart::Chart| {
        let mut v: Vec<String> = c.all_templates().into_iter().map(|(n, _)| n).collect();
        v.sort();
        v
    };
    assert_eq!(names(&from_tgz), names(&from_dir));
    assert_eq!(
        names(&from_tgz),
        vec!["tgzsub/charts/inner/templates/cm.yaml"]
    );
}
