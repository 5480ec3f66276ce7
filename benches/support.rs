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
