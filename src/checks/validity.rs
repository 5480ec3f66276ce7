//! Whether a dated statement (a waiver, an attestation) holds on the day the evidence was
//! collected.

use chrono::NaiveDate;

/// Whether a dated statement holds on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Valid,
    Expired,
    /// Dated after the evidence it would cover.
    NotYetValid,
}

impl Validity {
    pub fn on(from: Option<NaiveDate>, expires: NaiveDate, day: NaiveDate) -> Validity {
        if from.is_some_and(|f| f > day) {
            Validity::NotYetValid
        } else if expires < day {
            Validity::Expired
        } else {
            Validity::Valid
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Validity::Valid => "valid",
            Validity::Expired => "expired",
            Validity::NotYetValid => "not yet valid",
        }
    }
}
