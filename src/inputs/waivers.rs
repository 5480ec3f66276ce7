//! `--waivers FILE`: accepted risks. A waiver names a check, a resource pattern (`*` and `?`),
//! the justification, who approved it and when it expires.
//!
//! ```yaml
//! waivers:
//!   - check: iam.root_hardware_mfa
//!     resource: "arn:aws:iam::*:root"
//!     justification: Hardware key ordered (ticket SEC-412); virtual MFA until it arrives.
//!     approved_by: Dana Reyes, Security Officer
//!     expires: 2027-01-31
//! ```
//!
//! A failing finding a valid waiver covers no longer fails its control, and stays visible as
//! waived in every output. An expired waiver is ignored, and the report says so.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;
use std::path::Path;

use super::{at, date, parse, text};
use crate::checks;
use crate::error::{Error, Result};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiversFile {
    waivers: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    check: Spanned<String>,
    resource: Spanned<String>,
    justification: Spanned<String>,
    approved_by: Spanned<String>,
    expires: Spanned<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waiver {
    pub check: String,
    /// Resource pattern: `*` any run of characters, `?` one.
    pub resource: String,
    pub justification: String,
    pub approved_by: String,
    pub expires: NaiveDate,
}

impl Waiver {
    pub fn covers(&self, check: &str, resource: &str) -> bool {
        self.check == check && safeguard_policy::glob::matches(&self.resource, resource, false)
    }
}

/// The waivers file, and its bytes (kept in the package).
pub fn load(path: &Path) -> Result<(Vec<Waiver>, Vec<u8>)> {
    let (source, file): (String, WaiversFile) = parse(path)?;
    let known: Vec<&str> = checks::registry().iter().map(|c| c.info().id).collect();
    let mut out = Vec::new();
    for e in file.waivers {
        let id = e.check.value.trim();
        if !known.contains(&id) {
            let hint = crate::catalog::did_you_mean(id, &known);
            return Err(Error::bad_input(
                path,
                at(&e.check),
                format!("unknown check id {id:?}{hint}"),
            ));
        }
        out.push(Waiver {
            check: id.to_string(),
            resource: text(path, &e.resource, "resource")?,
            justification: text(path, &e.justification, "justification")?,
            approved_by: text(path, &e.approved_by, "approved_by")?,
            expires: date(path, &e.expires, "expires")?,
        });
    }
    Ok((out, source.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = "waivers:\n  - check: iam.root_hardware_mfa\n    resource: \"arn:aws:iam::*:root\"\n    justification: Key ordered.\n    approved_by: Dana\n    expires: 2027-01-31\n";

    fn load_text(yaml: &str) -> Result<Vec<Waiver>> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("waivers.yaml");
        std::fs::write(&p, yaml).unwrap();
        load(&p).map(|(w, _)| w)
    }

    #[test]
    fn a_waiver_covers_its_check_and_resource_pattern() {
        let w = &load_text(ONE).unwrap()[0];
        assert!(w.covers("iam.root_hardware_mfa", "arn:aws:iam::123456789012:root"));
        assert!(!w.covers("iam.root_mfa_enabled", "arn:aws:iam::123456789012:root"));
        assert!(!w.covers(
            "iam.root_hardware_mfa",
            "arn:aws:iam::123456789012:user/root"
        ));
    }

    #[test]
    fn mistakes_are_located() {
        let e = load_text(&ONE.replace("iam.root_hardware_mfa", "iam.root_hardware_mfe"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("waivers.yaml:2:12: unknown check id")
                && e.contains("did you mean \"iam.root_hardware_mfa\""),
            "{e}"
        );
        let e = load_text(&ONE.replace("Key ordered.", "\"\""))
            .unwrap_err()
            .to_string();
        assert!(e.contains(":4:20: justification is empty"), "{e}");
        let e = load_text(&ONE.replace("    expires: 2027-01-31\n", ""))
            .unwrap_err()
            .to_string();
        assert!(e.contains("expires"), "{e}");
    }
}
