//! What the benches that run the binary share.

use std::path::PathBuf;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The release binary cargo built for this bench, or `SAFEGUARD_BENCH_BIN` (another build, to
/// compare with an earlier version).
pub fn binary() -> PathBuf {
    std::env::var_os("SAFEGUARD_BENCH_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_safeguard")))
}

/// `N` and `FINDINGS` from the bench's arguments (`-- N FINDINGS`), with their defaults.
pub fn size_args(n: usize, per: usize) -> (usize, usize) {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    (
        args.first().and_then(|a| a.parse().ok()).unwrap_or(n),
        args.get(1).and_then(|a| a.parse().ok()).unwrap_or(per),
    )
}

/// The bundled example's canonical snapshot.json and its results, assessed with the
/// built-in catalog.
pub fn example() -> (Vec<u8>, safeguard::results::Results) {
    use safeguard::assess::{AssessOptions, assess};
    let snapshot = safeguard::import::import_dir(
        &root().join("examples/clinic-account"),
        &safeguard::import::ImportOptions::default(),
    )
    .expect("the example imports");
    let catalog = safeguard::catalog::Catalog::builtin().expect("catalog");
    let snapshot_json = snapshot.to_canonical_json();
    let sha = safeguard::snapshot::sha256_hex(&snapshot_json);
    let results = assess(&snapshot, &sha, &catalog, &AssessOptions::default()).expect("assess");
    (snapshot_json, results)
}
