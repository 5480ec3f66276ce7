//! What the commands say on stderr about the evidence they read: its gaps, and where its
//! collection time came from.

use crate::snapshot::Snapshot;

/// The snapshot's gaps on stderr, one line each: where the evidence would be and why it is not.
pub(super) fn say_gaps(snapshot: &Snapshot) {
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
