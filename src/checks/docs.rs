//! Where a check's documentation lives: the anchor in `docs/checks.md` derived from its id, so
//! the link a check declares cannot drift from the generated reference (`catalog::docs`).

/// The anchor a check's `docs` field points at (`iam.root_mfa_enabled` → `iam-root_mfa_enabled`).
pub fn anchor(id: &str) -> String {
    id.replace('.', "-")
}
