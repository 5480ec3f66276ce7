//! The catalog file format (`controls/*.yaml`), as users and reviewers write it.

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::shape::{Shape, optional, required};

/// A catalog file's structure, field for field as [`CatalogFile`] and its parts take them.
pub(crate) const SHAPE: Shape = Shape::Record(&[
    required("controls", &Shape::List(&CONTROL)),
    optional("decisions", &Shape::List(&DECISION)),
]);
const DECISION: Shape = Shape::Record(&[
    required("topic", &Shape::Scalar),
    required("anchors", &Shape::Scalar),
    required("default", &Shape::Scalar),
    required("parameter", &Shape::Scalar),
]);
const CONTROL: Shape = Shape::Record(&[
    required("id", &Shape::Scalar),
    required("title", &Shape::Scalar),
    required("safeguard", &Shape::Scalar),
    required("requirement", &Shape::Scalar),
    optional("nist", &Shape::List(&Shape::Scalar)),
    required("summary", &Shape::Scalar),
    optional("checks", &Shape::List(&MAPPING)),
    optional("manual", &Shape::Scalar),
    optional("inherited", &Shape::Scalar),
    optional("anchors", &Shape::List(&ANCHOR)),
]);
const MAPPING: Shape = Shape::Record(&[
    required("check", &Shape::Scalar),
    required("role", &Shape::Scalar),
    required("why", &Shape::Scalar),
]);
const ANCHOR: Shape = Shape::Record(&[
    required("mapping", &Shape::Scalar),
    required("tools", &Shape::List(&Shape::Scalar)),
    optional("by", &Shape::Scalar),
    optional("manual", &Shape::Scalar),
    optional("declined", &Shape::Scalar),
]);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogFile {
    pub controls: Vec<ControlEntry>,
    /// Where the anchor tools disagree, what we chose and the parameter that switches it.
    #[serde(default)]
    pub decisions: Vec<DecisionEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecisionEntry {
    pub topic: String,
    /// What each anchor does.
    pub anchors: String,
    /// What safeguard does by default.
    pub default: String,
    /// `check.param` that switches between the readings.
    pub parameter: Spanned<String>,
}

/// The established tools whose HIPAA mappings the catalog answers (shared/reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
pub enum Anchor {
    /// Prowler `--compliance hipaa_aws`.
    P,
    /// AWS Config conformance pack "Operational Best Practices for HIPAA Security".
    C,
    /// Steampipe/Powerpipe HIPAA benchmark, 2013 omnibus rule.
    S,
    /// Steampipe/Powerpipe HIPAA benchmark, 2003 rule.
    #[serde(rename = "s")]
    S2003,
    /// The reference lists the mapping for the citation without naming the tool.
    #[serde(rename = "any")]
    Unattributed,
}

impl Anchor {
    pub const ALL: [Anchor; 5] = [
        Anchor::P,
        Anchor::C,
        Anchor::S,
        Anchor::S2003,
        Anchor::Unattributed,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Anchor::P => "Prowler hipaa_aws",
            Anchor::C => "AWS Config HIPAA pack",
            Anchor::S => "Steampipe 2013",
            Anchor::S2003 => "Steampipe 2003",
            Anchor::Unattributed => "tool not named",
        }
    }
}

/// One mapping an anchor tool makes to the control, and how safeguard answers it: with a
/// check (`by`), with the manual part (`manual: true`), or deliberately not (`declined`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnchorEntry {
    pub mapping: Spanned<String>,
    pub tools: Vec<Anchor>,
    #[serde(default)]
    pub by: Option<Spanned<String>>,
    #[serde(default)]
    pub manual: bool,
    #[serde(default)]
    pub declined: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ControlEntry {
    /// The citation, e.g. `164.312(b)`.
    pub id: Spanned<String>,
    pub title: String,
    pub safeguard: Safeguard,
    pub requirement: Requirement,
    /// The identifiers of NIST SP 800-66r2's OSCAL catalog the citation is: key activities
    /// (`KA_…`) or the description parts of their statements (`D_…`).
    #[serde(default)]
    pub nist: Vec<Spanned<String>>,
    /// What the regulation asks, in our own words.
    pub summary: String,
    /// Automated checks whose findings decide the control, each with its role and why.
    #[serde(default)]
    pub checks: Vec<MappingEntry>,
    /// What a person must attest; present means the control has a manual part.
    #[serde(default)]
    pub manual: Option<String>,
    /// Why AWS operates the control for this account (the §164.310 facility controls): the
    /// control is `inherited` until an attestation (the BAA executed) makes it pass.
    #[serde(default)]
    pub inherited: Option<String>,
    /// The anchor tools' mappings to this citation, each matched or declined.
    #[serde(default)]
    pub anchors: Vec<AnchorEntry>,
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

/// One check mapped to a control: `{check: ID, role: primary|supporting, why: "..."}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MappingEntry {
    pub check: Spanned<String>,
    pub role: Role,
    /// One line: what the check shows about this citation.
    pub why: Spanned<String>,
}

/// What a check's verdict means for a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The check evidences the citation itself: its failure fails the control, and with the
    /// other checks passing and no manual part, the control passes.
    Primary,
    /// The check evidences part of the citation or a precondition of it: it can fail the
    /// control, but a control whose checks are all supporting needs its manual part to pass.
    Supporting,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Primary => "primary",
            Role::Supporting => "supporting",
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::{field_names, fields_of};

    #[test]
    fn the_shape_names_the_fields_serde_takes() {
        assert_eq!(field_names(&SHAPE), fields_of::<CatalogFile>());
        assert_eq!(field_names(&DECISION), fields_of::<DecisionEntry>());
        assert_eq!(field_names(&CONTROL), fields_of::<ControlEntry>());
        assert_eq!(field_names(&MAPPING), fields_of::<MappingEntry>());
        assert_eq!(field_names(&ANCHOR), fields_of::<AnchorEntry>());
    }
}
