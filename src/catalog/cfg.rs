//! The catalog file format (`controls/*.yaml`), as users and reviewers write it.

use serde::Deserialize;
use serde_saphyr::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    pub controls: Vec<ControlEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlEntry {
    /// The citation, e.g. `164.312(b)`.
    pub id: Spanned<String>,
    pub title: String,
    pub safeguard: Safeguard,
    pub requirement: Requirement,
    /// What the regulation asks, in our own words.
    pub summary: String,
    /// Automated checks whose findings decide the control.
    #[serde(default)]
    pub checks: Vec<Spanned<String>>,
    /// What a person must attest; present means the control has a manual part.
    #[serde(default)]
    pub manual: Option<String>,
    /// Why the control is not the customer's to evidence (e.g. inherited from AWS).
    #[serde(default)]
    pub not_applicable: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Safeguard {
    Administrative,
    Physical,
    Technical,
    Organizational,
    Documentation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// A standard: mandatory in itself.
    Standard,
    /// An implementation specification that must be implemented.
    Required,
    /// An implementation specification that must be implemented if reasonable and
    /// appropriate, or its alternative documented.
    Addressable,
}

impl Safeguard {
    pub fn as_str(self) -> &'static str {
        match self {
            Safeguard::Administrative => "administrative",
            Safeguard::Physical => "physical",
            Safeguard::Technical => "technical",
            Safeguard::Organizational => "organizational",
            Safeguard::Documentation => "documentation",
        }
    }
}

impl Requirement {
    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::Standard => "standard",
            Requirement::Required => "required",
            Requirement::Addressable => "addressable",
        }
    }
}
