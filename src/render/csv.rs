//! `results.csv`, for spreadsheets: one row per control (its verdict and why), then one row per
//! finding with the citations its check serves in one column. Each finding appears once, however
//! many controls its check serves.

use crate::results::Results;

pub(crate) const HEADER: [&str; 26] = [
    "row",
    "account_id",
    "ou_path",
    "control_id",
    "control_title",
    "control_status",
    "controls",
    "check_id",
    "check_status",
    "resource",
    "finding_status",
    "message",
    "evidence",
    "collected_at",
    "waiver_status",
    "waiver_approved_by",
    "waiver_expires",
    "finding_id",
    "first_seen",
    "change",
    // Control rows: what the status rests on, the addressable decision, and the counted
    // attestation (attested_by, attested_on, expires); finding rows: the check's severity.
    "basis",
    "decision",
    "attested_by",
    "attested_on",
    "expires",
    "severity",
];

/// A CSV file whose every cell, header included, is defused: no value that reaches a
/// spreadsheet starts a formula, wherever it came from (evidence, a previous package, a
/// catalog).
pub(crate) struct Sheet(csv::Writer<Vec<u8>>);

impl Default for Sheet {
    fn default() -> Self {
        Sheet(csv::Writer::from_writer(Vec::new()))
    }
}

impl Sheet {
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for c in cells {
            self.0
                .write_field(defuse(c.as_ref()).as_bytes())
                .expect("in-memory write");
        }
        // An empty record ends the one the fields began.
        self.0
            .write_record(std::iter::empty::<&[u8]>())
            .expect("in-memory write");
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0.into_inner().expect("in-memory flush")
    }
}

pub fn render(results: &Results) -> Vec<u8> {
    let mut w = Sheet::default();
    w.row(HEADER);
    let at = results.snapshot.collected_at.as_str();
    // Every row names its account, so the files of many accounts concatenate into one table.
    let account = results.account.id.as_str();
    let ou = results
        .account
        .organization
        .as_ref()
        .and_then(|o| o.ou_path.as_deref())
        .unwrap_or_default();
    for c in &results.controls {
        let counted = c
            .attestations
            .iter()
            .find(|a| a.status == crate::verdict::Validity::Valid);
        let (by, on, until) = counted.map_or((String::new(), String::new(), String::new()), |a| {
            (
                a.attested_by.clone(),
                a.date.to_string(),
                a.expires.to_string(),
            )
        });
        w.row([
            "control",
            account,
            ou,
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
            at,
            "",
            "",
            "",
            "",
            "",
            "",
            c.basis.as_str(),
            c.decision.map_or("", |d| d.as_str()),
            &by,
            &on,
            &until,
            "",
        ]);
    }
    for k in &results.checks {
        // "164.308(a)(1)(ii)(D); 164.312(b)", in catalog order. Each check's role for each
        // control is in results.json and the report: in a column it took a third of the file.
        let controls = k.controls.join("; ");
        for f in &k.findings {
            w.row([
                "finding",
                &f.account,
                f.ou_path.as_deref().unwrap_or_default(),
                "",
                "",
                "",
                &controls,
                &k.id,
                k.status.as_str(),
                &f.resource,
                f.status.as_str(),
                &f.message,
                &f.evidence,
                at,
                f.waiver.as_ref().map_or("", |w| w.status.as_str()),
                f.waiver.as_ref().map_or("", |w| w.approved_by.as_str()),
                &f.waiver
                    .as_ref()
                    .map_or(String::new(), |w| w.expires.to_string()),
                &f.id,
                f.first_seen.as_deref().unwrap_or(""),
                f.change.map_or("", |c| c.as_str()),
                "",
                "",
                "",
                "",
                "",
                f.severity.or(k.severity).map_or("", |s| s.as_str()),
            ]);
        }
    }
    w.into_bytes()
}

/// Spreadsheets run cells that start with = + - @ as formulas; IAM names may start with some
/// of these, so such cells get a leading apostrophe (the OWASP CSV-injection advice).
pub(crate) fn defuse(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_cell_of_a_sheet_is_defused_the_header_too() {
        let mut w = super::Sheet::default();
        w.row(["account_id", "=cmd|' /C calc'!A0"]);
        w.row(["@SUM(1)", "plain"]);
        let text = String::from_utf8(w.into_bytes()).unwrap();
        assert_eq!(text, "account_id,'=cmd|' /C calc'!A0\n'@SUM(1),plain\n");
    }

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(super::defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(
            super::defuse("arn:aws:iam::1:user/a"),
            "arn:aws:iam::1:user/a"
        );
    }
}
