//! What the benches that run the binary share.

use std::path::{Path, PathBuf};

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
    let mut results = assess(&snapshot, &catalog, &AssessOptions::default()).expect("assess");
    results.snapshot.sha256 = safeguard::snapshot::sha256_hex(&snapshot_json);
    (snapshot_json, results)
}

/// Grows `results` to `per` findings, spread over its first 40 checks, each copy on a resource of
/// its own (and its own stable id).
pub fn grow(results: &mut safeguard::results::Results, per: usize) {
    let spread = results.checks.len().min(40);
    let mut have: usize = results.checks.iter().map(|k| k.findings.len()).sum();
    let mut k = 0;
    while have < per {
        let check = &mut results.checks[k % spread];
        if let Some(mut f) = check.findings.first().cloned() {
            f.resource = format!("{}-{have}", f.resource);
            check.findings.push(f);
            have += 1;
        }
        k += 1;
    }
    for c in &mut results.checks {
        safeguard::verdict::assign_ids(&results.account.id, &c.id, &mut c.findings);
    }
}

/// Writes `results` as a package (results.json, results.csv, snapshot.json) under `reports`
/// through the real package writer.
pub fn write_package(
    reports: &Path,
    snapshot_json: &[u8],
    results: &safeguard::results::Results,
    created_at: chrono::DateTime<chrono::Utc>,
) -> PathBuf {
    use safeguard::render::Format;
    let formats: std::collections::BTreeSet<Format> =
        [Format::Json, Format::Csv].into_iter().collect();
    // The snapshot says the account and collection time the results say, as a real run's does
    // (verify checks that they agree), and the results name its hash.
    let mut snapshot: serde_json::Value =
        serde_json::from_slice(snapshot_json).expect("a snapshot");
    snapshot["collected_at"] = results.snapshot.collected_at.clone().into();
    snapshot["account"]["id"] = results.account.id.clone().into();
    let snapshot_json = serde_json::to_vec(&snapshot).expect("serializes");
    let mut results = results.clone();
    results.snapshot.sha256 = safeguard::snapshot::sha256_hex(&snapshot_json);
    safeguard::package::write(
        reports,
        &safeguard::package::PackageRequest {
            snapshot_json: &snapshot_json,
            results: &results,
            formats: &formats,
            templates: None,
            created_at,
            cover: Default::default(),
            detail: safeguard::render::view::Detail::All,
            phases: None,
            oscal_ssp: None,
            extra: Vec::new(),
        },
    )
    .expect("package written")
}
