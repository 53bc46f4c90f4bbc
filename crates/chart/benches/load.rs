//! Loading the largest corpus chart (kube-prometheus-stack, read in place) from its
//! directory and from a .tgz packed in memory, plus computing its values.
//! Set CAPSTAN_CORPUS if the corpus is not at ../shared/corpus beside the repository.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};

fn largest_chart() -> PathBuf {
    let corpus =
        PathBuf::from(std::env::var("CAPSTAN_CORPUS").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus").into()
        }));
    let dir = corpus.join("charts/kube-prometheus-stack");
    assert!(
        dir.is_dir(),
        "the Helm corpus is missing at {}: set CAPSTAN_CORPUS",
        corpus.display()
    );
    dir
}

fn pack(dir: &std::path::Path) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut b = tar::Builder::new(gz);
    b.follow_symlinks(true);
    b.append_dir_all("kube-prometheus-stack", dir)
        .expect("pack");
    b.into_inner().expect("tar").finish().expect("gz")
}

fn bench(c: &mut Criterion) {
    let dir = largest_chart();
    let tgz = pack(&dir);
    let mut g = c.benchmark_group("load kube-prometheus-stack");
    g.sample_size(20);
    g.bench_function("directory", |b| {
        b.iter(|| capstan_chart::load_dir(&dir).expect("load"))
    });
    g.bench_function("tgz", |b| {
        b.iter(|| capstan_chart::load_archive(&tgz).expect("load"))
    });
    let chart = capstan_chart::load_dir(&dir).expect("load");
    g.bench_function("values", |b| {
        b.iter(|| {
            let mut c = chart.clone();
            capstan_chart::helm_values(&mut c, &capstan_chart::Values::new(), false)
                .expect("values")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
