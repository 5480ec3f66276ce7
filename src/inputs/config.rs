//! `--config FILE`: check parameters for a run, e.g. thresholds, break-glass names, PHI buckets.
//!
//! ```yaml
//! parameters:
//!   iam.user_unused_credentials:
//!     max_unused_days: 45
//!   cloudtrail.s3_data_events:
//!     phi_buckets: [clinic-phi-records, clinic-phi-imaging]
//! ```
//!
//! ```yaml
//! governance: {attestation_max_days: 365, waiver_max_days: 180}
//! sign: {key: keys/ops.pem}            # or kms_key: ARN; a flag or variable wins
//! scope:                               # which resources hold PHI (crate::phi_scope)
//!   tags: {phi: [true, yes]}
//!   exclude_arns: ["arn:aws:s3:::clinic-dev-*"]
//! ```
//!
//! Every parameter and its default is listed by `safeguard controls CHECK_ID`. `--set` given on
//! the command line wins over the file. A list is written as a YAML sequence.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::parse;
use crate::checks::{self, ParamValue, Params};
use crate::error::{Code, Diagnostics, Result, did_you_mean, yaml_at};
use crate::shape::{Shape, optional};

/// The file's structure, field for field as [`File`] and its parts take them.
const SHAPE: Shape = Shape::Record(&[
    optional("parameters", &Shape::Map(&Shape::Map(&Shape::ScalarOrList))),
    optional("report", &REPORT),
    optional("governance", &GOVERNANCE),
    optional("sign", &SIGN),
    optional("scope", &SCOPE),
]);
const REPORT: Shape = Shape::Record(&[
    optional("prepared_by", &Shape::Scalar),
    optional("organization", &Shape::Scalar),
]);
const GOVERNANCE: Shape = Shape::Record(&[
    optional("attestation_max_days", &Shape::Scalar),
    optional("waiver_max_days", &Shape::Scalar),
]);
const SCOPE: Shape = Shape::Record(&[
    optional("tags", &Shape::Map(&Shape::List(&Shape::Scalar))),
    optional("arns", &Shape::List(&Shape::Scalar)),
    optional("exclude_arns", &Shape::List(&Shape::Scalar)),
    optional("accounts", &Shape::List(&Shape::Scalar)),
    optional("ous", &Shape::List(&Shape::Scalar)),
]);
const SIGN: Shape = Shape::Record(&[
    optional("key", &Shape::Scalar),
    optional("kms_key", &Shape::Scalar),
]);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    parameters: BTreeMap<String, BTreeMap<String, Spanned<Value>>>,
    /// Who prepares the packages of this configuration.
    #[serde(default)]
    report: Report,
    /// How long attestations and waivers may hold.
    #[serde(default)]
    governance: Governance,
    /// How a scheduled run signs its packages, without a flag.
    #[serde(default)]
    sign: Option<Sign>,
    /// Which resources hold PHI.
    #[serde(default)]
    scope: Option<Scope>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scope {
    /// Tag key → its accepted values (a list; read as text, so `yes` stays `yes`).
    #[serde(default)]
    tags: BTreeMap<String, Spanned<Vec<String>>>,
    #[serde(default)]
    arns: Vec<Spanned<String>>,
    #[serde(default)]
    exclude_arns: Vec<Spanned<String>>,
    #[serde(default)]
    accounts: Vec<Spanned<String>>,
    #[serde(default)]
    ous: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sign {
    /// An Ed25519 PKCS#8 PEM key file, relative to the config file's folder.
    key: Option<Spanned<String>>,
    /// An AWS KMS key ARN (ECC_NIST_P256, SIGN_VERIFY).
    kms_key: Option<Spanned<String>>,
}

/// The signer `sign:` names: `--sign-key`/`--sign-kms-key` and their environment variables
/// win over it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignWith {
    /// A key file (resolved against the config file's folder).
    Key(std::path::PathBuf),
    Kms(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Governance {
    attestation_max_days: Option<Spanned<i64>>,
    waiver_max_days: Option<Spanned<i64>>,
}

/// The longest an attestation or waiver may hold, in days (`governance:` in `--config`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// From an attestation's `date` to its `expires`.
    pub attestation_max_days: u32,
    /// From a waiver's `approved_on` to its `expires`.
    pub waiver_max_days: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            attestation_max_days: super::attestations::DEFAULT_ATTESTATION_MAX_DAYS,
            waiver_max_days: super::waivers::DEFAULT_WAIVER_MAX_DAYS,
        }
    }
}

/// The longest limit `governance:` accepts: ten years.
const MAX_LIMIT_DAYS: i64 = 3650;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    prepared_by: Option<Spanned<String>>,
    organization: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Value {
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<String>),
}

/// Who prepares the packages: the cover and sign-off pages, the PDF metadata and results.json.
/// Defined with the file that can name them (results re-exports it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preparer {
    /// "Name, Title".
    pub prepared_by: Option<String>,
    pub organization: Option<String>,
}

impl Preparer {
    /// Whether `who` ("Name, Title") is the person preparing the package: the report then says
    /// an attestation is self-attested, a waiver self-approved. Not an error (a small clinic
    /// may have one person), but an auditor weighs independence.
    pub fn is(&self, who: &str) -> bool {
        let name = |s: &str| s.split(',').next().unwrap_or("").trim().to_lowercase();
        self.prepared_by
            .as_deref()
            .is_some_and(|p| !name(p).is_empty() && name(p) == name(who))
    }
}

/// The parameter overrides of a config file, validated against the checks' declarations.
#[derive(Debug, Default)]
pub struct ConfigFile {
    pub params: BTreeMap<String, BTreeMap<String, ParamValue>>,
    /// `report: {prepared_by, organization}`: the cover page's people, unless the command line
    /// names them.
    pub preparer: Preparer,
    /// `governance: {attestation_max_days, waiver_max_days}`.
    pub limits: Limits,
    /// `sign: {key}` or `sign: {kms_key}`.
    pub sign: Option<SignWith>,
    /// `scope:`: which resources hold PHI (every data store without it).
    pub scope: crate::phi_scope::PhiScope,
    pub source: Vec<u8>,
}

/// The config file, every problem in it reported at once.
pub fn load(path: &Path) -> Result<ConfigFile> {
    let (source, file): (String, File) = parse(path, &SHAPE, "a configuration file")?;
    let mut diags = Diagnostics::new(path);
    let mut params: BTreeMap<String, BTreeMap<String, ParamValue>> = BTreeMap::new();
    for (check, values) in file.parameters {
        for (name, value) in values {
            let loc = yaml_at(&value);
            let Some(c) = checks::find(&check) else {
                let known: Vec<&str> = checks::registry().iter().map(|c| c.info().id).collect();
                let hint = did_you_mean(&check, &known);
                diags.push(
                    loc,
                    Code::UnknownCheck,
                    format!("parameters for unknown check {check:?}{hint}"),
                );
                // One diagnostic per unknown check, not one per parameter under it.
                break;
            };
            let v = match value.value {
                Value::Bool(b) => ParamValue::Bool(b),
                Value::Int(i) => ParamValue::Int(i),
                Value::Str(s) => ParamValue::Str(s),
                Value::List(items) => ParamValue::List(items),
            };
            // The declaration decides: unknown names, wrong types and values out of range.
            match Params::validate(c.info(), &name, &v) {
                Ok(_) => {
                    params.entry(check.clone()).or_default().insert(name, v);
                }
                Err((code, message)) => diags.push(loc, code, message),
            }
        }
    }
    let mut text = |s: &Option<Spanned<String>>, what: &str| {
        s.as_ref().and_then(|s| diags.take(super::text(s, what)))
    };
    let preparer = Preparer {
        prepared_by: text(&file.report.prepared_by, "report.prepared_by"),
        organization: text(&file.report.organization, "report.organization"),
    };
    let mut limits = Limits::default();
    for (value, into, what) in [
        (
            &file.governance.attestation_max_days,
            &mut limits.attestation_max_days,
            "governance.attestation_max_days",
        ),
        (
            &file.governance.waiver_max_days,
            &mut limits.waiver_max_days,
            "governance.waiver_max_days",
        ),
    ] {
        if let Some(v) = value {
            match u32::try_from(v.value) {
                Ok(days) if (1..=MAX_LIMIT_DAYS).contains(&v.value) => *into = days,
                _ => diags.push(
                    yaml_at(v),
                    Code::ParameterRange,
                    format!(
                        "{what} is {}, outside its range 1 to {MAX_LIMIT_DAYS} days",
                        v.value
                    ),
                ),
            }
        }
    }
    let sign = match &file.sign {
        None => None,
        Some(Sign {
            key: Some(k),
            kms_key: None,
        }) => diags
            .take(super::text(k, "sign.key"))
            .map(|k| SignWith::Key(path.parent().unwrap_or(Path::new(".")).join(k))),
        Some(Sign {
            key: None,
            kms_key: Some(arn),
        }) => diags
            .take(super::text(arn, "sign.kms_key"))
            .map(SignWith::Kms),
        Some(Sign { key, kms_key }) => {
            let at = key.as_ref().or(kms_key.as_ref());
            diags.push(
                at.map(yaml_at).unwrap_or_default(),
                Code::Inconsistent,
                "sign: names one signer: key (a key file) or kms_key (a KMS key ARN)",
            );
            None
        }
    };
    let scope = match &file.scope {
        None => crate::phi_scope::PhiScope::everything(),
        Some(block) => crate::phi_scope::PhiScope::defined(scope_of(block, &mut diags)),
    };
    diags.finish(ConfigFile {
        params,
        preparer,
        limits,
        sign,
        scope,
        source: source.into_bytes(),
    })
}

/// The `scope:` block, each value checked where it stands: a tag needs a value, an ARN
/// pattern starts `arn:`, an account is 12 digits, an OU is `ou-…` (or a root `r-…`), and the
/// block must name something that could hold PHI.
fn scope_of(block: &Scope, diags: &mut Diagnostics) -> crate::phi_scope::Definition {
    let before = diags.len();
    let mut d = crate::phi_scope::Definition::default();
    for (key, values) in &block.tags {
        let list: Vec<String> = values.value.iter().map(|v| v.trim().to_string()).collect();
        if key.trim().is_empty() || list.is_empty() || list.iter().any(String::is_empty) {
            diags.push(
                yaml_at(values),
                Code::Empty,
                format!(
                    "scope.tags.{key} needs a tag key and one or more values, none of them empty"
                ),
            );
            continue;
        }
        d.tags.insert(key.clone(), list);
    }
    let mut list = |items: &[Spanned<String>],
                    what: &str,
                    valid: fn(&str) -> bool,
                    expected: &str,
                    into: &mut Vec<String>| {
        for item in items {
            let t = item.value.trim().to_string();
            if valid(&t) {
                into.push(t);
            } else {
                diags.push(
                    yaml_at(item),
                    Code::Choice,
                    format!("scope.{what}: {t:?} is not {expected}"),
                );
            }
        }
    };
    let arn = |t: &str| t.starts_with("arn:") && t.split(':').count() >= 6;
    list(
        &block.arns,
        "arns",
        arn,
        "an ARN pattern (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, * and ? allowed)",
        &mut d.arns,
    );
    list(
        &block.exclude_arns,
        "exclude_arns",
        arn,
        "an ARN pattern (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, * and ? allowed)",
        &mut d.exclude_arns,
    );
    list(
        &block.accounts,
        "accounts",
        crate::snapshot::valid_account_id,
        "an AWS account id (12 digits)",
        &mut d.accounts,
    );
    let ou = |t: &str| {
        crate::snapshot::organization::valid_ou_id(t)
            || crate::snapshot::organization::valid_root_id(t)
    };
    list(
        &block.ous,
        "ous",
        ou,
        "an organizational unit id (ou-…) or a root id (r-…)",
        &mut d.ous,
    );
    if d.is_empty() && diags.len() == before {
        diags.push(
            crate::error::Location::default(),
            Code::Empty,
            "scope: names nothing that could hold PHI (tags, arns, accounts or ous); without a scope: block every data store is judged",
        );
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(yaml: &str) -> Result<ConfigFile> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.yaml");
        std::fs::write(&p, yaml).unwrap();
        load(&p)
    }

    /// `--set` and `--config` read a value alike: `yes`/`no`, `on`/`off` for a boolean, a
    /// quoted number for an integer; a message quotes what it got, never a Rust Debug form.
    #[test]
    fn the_shape_names_the_fields_serde_takes() {
        use crate::shape::{field_names, fields_of};
        assert_eq!(field_names(&SHAPE), fields_of::<File>());
        assert_eq!(field_names(&REPORT), fields_of::<Report>());
        assert_eq!(field_names(&GOVERNANCE), fields_of::<Governance>());
        assert_eq!(field_names(&SIGN), fields_of::<Sign>());
        assert_eq!(field_names(&SCOPE), fields_of::<Scope>());
    }

    #[test]
    fn set_and_config_agree_on_booleans_and_numbers() {
        let info = crate::checks::find("iam.password_policy").unwrap().info();
        for (raw, yaml) in [
            ("yes", "yes"),
            ("on", "\"on\""),
            ("No", "\"No\""),
            ("14", "\"14\""),
        ] {
            let name = if raw == "14" {
                "min_length"
            } else {
                "require_symbols"
            };
            let (_, _, from_set) =
                checks::parse_param_override(&format!("iam.password_policy.{name}={raw}")).unwrap();
            let set = Params::resolve(info, Some(&BTreeMap::from([(name.to_string(), from_set)])))
                .unwrap();
            let c = load_text(&format!(
                "parameters:\n  iam.password_policy:\n    {name}: {yaml}\n"
            ))
            .unwrap();
            let config = Params::resolve(info, Some(&c.params["iam.password_policy"])).unwrap();
            assert_eq!(set, config, "{raw}");
        }
        let e = load_text("parameters:\n  iam.password_policy:\n    require_symbols: maybe\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("got \"maybe\"") && !e.contains("Str("), "{e}");
    }

    #[test]
    fn a_scope_block_keeps_tag_values_as_written() {
        let c = load_text(
            "scope:\n  tags:\n    phi: [true, yes, \" Restricted \"]\n    data-classification: [phi]\n  arns: [\"arn:aws:s3:::clinic-*\"]\n  exclude_arns: [\"arn:aws:s3:::clinic-dev-*\"]\n  accounts: [111122223333]\n  ous: [ou-ab12-cd34ef56, r-ab12]\n",
        )
        .unwrap();
        let d = c.scope.definition().expect("a scope is defined");
        assert_eq!(d.tags["phi"], ["true", "yes", "Restricted"]);
        assert_eq!(d.tags["data-classification"], ["phi"]);
        assert_eq!(d.accounts, ["111122223333"]);
        assert_eq!(d.ous, ["ou-ab12-cd34ef56", "r-ab12"]);
        assert!(c.scope.sha256().is_some());
        // No block: every data store is in scope.
        assert!(
            load_text("governance: {}\n")
                .unwrap()
                .scope
                .definition()
                .is_none()
        );
    }

    #[test]
    fn every_problem_of_a_scope_block_is_reported_where_it_stands() {
        let e = load_text(
            "scope:\n  tags:\n    phi: []\n  arns: [clinic-records]\n  accounts: [\"1234\"]\n  ous: [engineering]\n",
        )
        .unwrap_err()
        .to_string();
        for want in [
            "scope.tags.phi needs",
            "scope.arns: \"clinic-records\" is not an ARN pattern",
            "scope.accounts: \"1234\" is not an AWS account id",
            "scope.ous: \"engineering\" is not an organizational unit id",
        ] {
            assert!(e.contains(want), "{want} in {e}");
        }
        // A block that could hold nothing is refused: it would leave every store out.
        let e = load_text("scope:\n  exclude_arns: [\"arn:aws:s3:::dev-*\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("names nothing that could hold PHI"), "{e}");
        // An unknown field is named, with the one meant.
        let e = load_text("scope:\n  tag: {phi: yes}\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("tag") && e.contains("tags"), "{e}");
    }

    #[test]
    fn values_are_typed_and_lists_kept_as_lists() {
        let c = load_text("parameters:\n  iam.user_unused_credentials:\n    max_unused_days: 45\n  cloudtrail.s3_data_events:\n    phi_buckets: [a, b]\n  iam.admin_access:\n    break_glass_names: [\"odd,name\"]\n").unwrap();
        assert_eq!(
            c.params["iam.user_unused_credentials"]["max_unused_days"],
            ParamValue::Int(45)
        );
        assert_eq!(
            c.params["cloudtrail.s3_data_events"]["phi_buckets"],
            ParamValue::List(vec!["a".into(), "b".into()])
        );
        // A YAML list keeps its items whole, a comma in one too; --set splits at commas.
        let info = crate::checks::find("iam.admin_access").unwrap().info();
        let p = Params::resolve(info, Some(&c.params["iam.admin_access"])).unwrap();
        assert_eq!(p.list("break_glass_names"), ["odd,name"]);
        let (_, _, v) =
            checks::parse_param_override("iam.admin_access.break_glass_names=a*, b*").unwrap();
        let p = Params::resolve(
            info,
            Some(&BTreeMap::from([("break_glass_names".into(), v)])),
        )
        .unwrap();
        assert_eq!(p.list("break_glass_names"), ["a*", "b*"]);
    }

    #[test]
    fn unknown_checks_parameters_and_wrong_types_are_located() {
        let e = load_text("parameters:\n  iam.user_unused_credential:\n    max_unused_days: 45\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("config.yaml:3:22: parameters for unknown check")
                && e.contains("did you mean"),
            "{e}"
        );
        let e = load_text("parameters:\n  iam.user_unused_credentials:\n    max_days: 45\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("config.yaml:3:15:") && e.contains("has no parameter \"max_days\""),
            "{e}"
        );
        let e = load_text(
            "parameters:\n  iam.user_unused_credentials:\n    max_unused_days: yes please\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("config.yaml:3:22:") && e.contains("expects an integer"),
            "{e}"
        );
    }

    #[test]
    fn values_outside_a_parameters_range_are_located() {
        for (yaml, says) in [
            (
                "parameters:\n  iam.role_max_session_duration:\n    max_hours: 5124095576030431\n",
                "config.yaml:3:16: iam.role_max_session_duration.max_hours is 5124095576030431, outside its range 1 to 12",
            ),
            (
                "parameters:\n  iam.user_unused_credentials:\n    max_unused_days: -5\n",
                "config.yaml:3:22: iam.user_unused_credentials.max_unused_days is -5, outside its range 1 to 3650",
            ),
        ] {
            let e = load_text(yaml).unwrap_err().to_string();
            assert!(e.contains(says), "{e}");
        }
    }

    #[test]
    fn every_problem_of_the_file_is_reported_at_once() {
        let e = load_text(
            "parameters:\n  iam.user_unused_credential:\n    max_unused_days: 45\n  iam.password_policy:\n    min_lenght: 16\n    max_age_days: 5000\n  iam.user_console_mfa:\n    all_users: often\n",
        )
        .unwrap_err();
        let text = e.to_string();
        for (at, code) in [
            ("config.yaml:3:22:", "[unknown-check]"),
            ("config.yaml:5:17:", "[unknown-parameter]"),
            ("config.yaml:6:19:", "[parameter-range]"),
            ("config.yaml:8:16:", "[parameter-type]"),
        ] {
            assert!(
                text.lines().any(|l| l.contains(at) && l.ends_with(code)),
                "{at} {code} not in:\n{text}"
            );
        }
        assert!(text.contains("did you mean \"min_length\"?"), "{text}");
        assert!(text.contains("4 problems in "), "{text}");
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn the_preparer_is_recognised_by_name_whatever_the_title() {
        let p = Preparer {
            prepared_by: Some("Dana Reyes, Security Officer".into()),
            organization: None,
        };
        assert!(p.is("Dana Reyes, Privacy and Security Officer"));
        assert!(p.is("dana reyes"));
        assert!(!p.is("Marcus Lee, Chief Executive Officer"));
        assert!(!Preparer::default().is("Dana Reyes"));
    }
}
