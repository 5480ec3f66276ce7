//! What the commands say on stderr about the evidence they read: the snapshot written, its
//! gaps, and where its collection time came from.

use std::path::Path;

use crate::error::Result;
use crate::snapshot::{Snapshot, sha256_hex};

/// Writes snapshot.json (`import`, `collect`) and says what it holds, with each gap on a line
/// of its own; `api_calls` for a live collection.
pub(super) fn write_snapshot(
    output: &Path,
    snapshot: &Snapshot,
    api_calls: Option<usize>,
) -> Result<()> {
    let bytes = snapshot.to_canonical_json();
    crate::app::write_atomically(output, &bytes)?;
    crate::say_err!(
        "wrote {} (account {}, {} region(s), {}{} gap(s), sha256 {})",
        output.display(),
        snapshot.account.id,
        snapshot.regions.len(),
        api_calls.map_or(String::new(), |n| format!("{n} API call(s), ")),
        snapshot.gaps.len(),
        sha256_hex(&bytes)
    );
    say_gaps(snapshot);
    Ok(())
}

/// The snapshot's gaps on stderr, one line each: where the evidence would be and why it is not.
fn say_gaps(snapshot: &Snapshot) {
    for g in &snapshot.gaps {
        crate::say_err!("  gap {}: {}", g.evidence, crate::text::one_line(&g.reason));
    }
}

/// Says on stderr when an export's collection time did not come from its export-info.json:
/// every verdict that depends on age is measured from it.
pub(super) fn say_collected_at(snapshot: &Snapshot) {
    use crate::import::account_time as from;
    let at = snapshot
        .collected_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    match snapshot.source.collected_at_from.as_deref() {
        Some(f) if f == from::FROM_OPTION => {
            if let Some(claimed) = &snapshot.source.export.collected_at {
                crate::say_err!(
                    "safeguard: --collected-at {at} overrides export-info.json, which says {claimed}"
                );
            }
        }
        Some(f) if f == from::FROM_CREDENTIAL_REPORT || f == from::FROM_IMPORT_TIME => {
            crate::say_err!(
                "safeguard: evidence as of {at}, inferred from {f}; pass --collected-at if that is wrong"
            );
        }
        _ => {}
    }
}
