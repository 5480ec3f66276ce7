//! `results.csv`: one row per finding per control, for spreadsheets.

use crate::results::Results;

pub const HEADER: [&str; 14] = [
    "control_id",
    "control_title",
    "control_status",
    "check_id",
    "check_role",
    "check_status",
    "resource",
    "finding_status",
    "message",
    "evidence",
    "collected_at",
    "waiver_status",
    "waiver_approved_by",
    "waiver_expires",
];

pub fn render(results: &Results) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).expect("in-memory write");
    for c in &results.controls {
        if c.checks.iter().all(|k| k.findings.is_empty()) {
            // Manual-only and inherited controls still get a row, so the sheet lists every control.
            w.write_record([
                c.id.as_str(),
                &c.title,
                c.status.as_str(),
                "",
                "",
                "",
                "",
                "",
                &c.status_reason,
                "",
                &results.snapshot.collected_at,
                "",
                "",
                "",
            ])
            .expect("in-memory write");
        }
        for k in &c.checks {
            let role = c
                .mappings
                .iter()
                .find(|m| m.check == k.id)
                .map_or("", |m| m.role.as_str());
            for f in &k.findings {
                w.write_record([
                    c.id.as_str(),
                    &c.title,
                    c.status.as_str(),
                    &k.id,
                    role,
                    k.status.as_str(),
                    &defuse(&f.resource),
                    f.status.as_str(),
                    &defuse(&f.message),
                    &f.evidence,
                    &results.snapshot.collected_at,
                    f.waiver.as_ref().map_or("", |w| w.status.as_str()),
                    &f.waiver
                        .as_ref()
                        .map_or(String::new(), |w| defuse(&w.approved_by)),
                    &f.waiver
                        .as_ref()
                        .map_or(String::new(), |w| w.expires.to_string()),
                ])
                .expect("in-memory write");
            }
        }
    }
    w.into_inner().expect("in-memory flush")
}

/// Spreadsheets run cells that start with = + - @ as formulas; IAM names may start with some
/// of these, so such cells get a leading apostrophe (the OWASP CSV-injection advice).
fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(super::defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(
            super::defuse("arn:aws:iam::1:user/a"),
            "arn:aws:iam::1:user/a"
        );
    }
}
