//! Automated checks: each reads the snapshot and returns one finding per evaluated resource.
//!
//! One check per file, grouped by AWS service: the code for `iam.root_mfa_enabled` is
//! `src/checks/iam/root_mfa_enabled.rs` (a test holds id and path together). A check is one
//! `check!` declaration (id, description, typed parameters with defaults and ranges) and one
//! `fn evaluate(ctx, settings) -> Outcome`; naming its file in its service's `register!` list
//! declares the module and registers the check in one place.

/// Declares a check: the unit type `$name`, its [`CheckInfo`] (`INFO`), its typed parameters
/// (`Settings`, one field per parameter) and its [`Check`] impl, which calls the file's
/// `fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Outcome` and turns an early gap into
/// its single `error` finding. Every check says what the owner of a failing resource does next
/// (`remediation`). Parameter kinds: `int(DEFAULT in MIN..=MAX)`, `bool(DEFAULT)`,
/// `text("DEFAULT")` and `list("a,b")` (comma-separated, read as `Vec<String>`).
macro_rules! check {
    (
        $(#[$meta:meta])*
        $name:ident = $id:literal,
        $description:literal,
        severity: $severity:ident => $severity_why:literal,
        remediation: $remediation:literal
        $(, params {
            $( $param:ident : $kind:ident ( $($default:tt)* ) $pdesc:literal ),* $(,)?
        })?
        $(,)?
    ) => {
        $(#[$meta])*
        pub struct $name;

        /// This check, as its service's `register!` list hands it to the registry.
        pub static CHECK: &dyn $crate::checks::Check = &$name;

        static INFO: $crate::checks::CheckInfo = $crate::checks::CheckInfo {
            id: $id,
            description: $description,
            severity: $crate::checks::Severity::$severity,
            severity_why: $severity_why,
            remediation: $remediation,
            params: &[$($($crate::checks::ParamSpec {
                name: stringify!($param),
                description: $pdesc,
                default: $crate::checks::param_default!($kind $($default)*),
            }),*)?],
            source: file!(),
        };

        /// This check's parameters as the run resolved them, one typed field each.
        #[derive(Debug, Clone)]
        pub(crate) struct Settings {
            $($( pub $param: $crate::checks::param_type!($kind), )*)?
        }

        impl Settings {
            // A check without parameters reads none: `allow`, since it fires only for those.
            #[allow(unused_variables, reason = "a check without parameters reads none")]
            fn read(params: &$crate::checks::Params) -> Self {
                Settings {
                    $($( $param: $crate::checks::param_read!($kind, params, stringify!($param)), )*)?
                }
            }
        }

        impl $crate::checks::Check for $name {
            fn info(&self) -> &'static $crate::checks::CheckInfo {
                &INFO
            }

            fn evaluate(&self, ctx: &$crate::checks::Context<'_>) -> Vec<$crate::checks::Finding> {
                match evaluate(ctx, &Settings::read(ctx.params)) {
                    Ok(findings) => findings,
                    Err(gap) => vec![*gap],
                }
            }
        }
    };
}

macro_rules! param_default {
    (int $default:literal in $min:literal ..= $max:literal) => {
        $crate::checks::ParamDefault::Int {
            default: $default,
            min: $min,
            max: $max,
        }
    };
    (bool $default:literal) => {
        $crate::checks::ParamDefault::Bool($default)
    };
    (text $default:literal) => {
        $crate::checks::ParamDefault::Str($default)
    };
    (list $default:literal) => {
        $crate::checks::ParamDefault::List($default)
    };
}

macro_rules! param_type {
    (int) => { i64 };
    (bool) => { bool };
    (text) => { String };
    (list) => { Vec<String> };
}

macro_rules! param_read {
    (int, $params:expr, $name:expr) => {
        $params.int($name)
    };
    (bool, $params:expr, $name:expr) => {
        $params.bool($name)
    };
    (text, $params:expr, $name:expr) => {
        $params.str($name).to_string()
    };
    (list, $params:expr, $name:expr) => {
        $params.list($name).into_iter().map(String::from).collect()
    };
}

/// A service's checks: declares each named module and lists its `CHECK` for the registry.
macro_rules! register {
    ($($module:ident),* $(,)?) => {
        $(mod $module;)*

        pub fn checks() -> Vec<&'static dyn $crate::checks::Check> {
            vec![$($module::CHECK),*]
        }
    };
}

pub(crate) use {param_default, param_read, param_type, register};

pub mod backup;
pub mod cloudfront;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
pub mod docs;
pub mod dynamodb;
pub mod ebs;
pub mod efs;
pub mod elb;
pub mod guardduty;
pub mod iam;
pub mod kms;
mod params;
pub mod rds;
pub mod reference_events;
pub mod s3;
pub mod scope;
pub(crate) mod stores;
pub mod vpc;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::snapshot::Snapshot;
pub use crate::verdict::{AppliedWaiver, Finding, FindingStatus, Severity, Validity};
pub use params::{ParamDefault, ParamSpec, ParamValue, Params, parse_param_override};

/// What a check declares about itself (written by `check!`, not by hand).
#[derive(Debug)]
pub struct CheckInfo {
    pub id: &'static str,
    pub description: &'static str,
    /// How much a failure of this check matters, and in one line why (docs/checks.md).
    pub severity: Severity,
    pub severity_why: &'static str,
    /// What the owner of a failing resource does next, in one sentence.
    pub remediation: &'static str,
    pub params: &'static [ParamSpec],
    /// The file that declares it, `src/checks/<service>/<name>.rs` for `<service>.<name>`.
    pub source: &'static str,
}

impl CheckInfo {
    /// Where docs/checks.md documents the check, derived from the id so it cannot drift.
    pub fn docs(&self) -> String {
        format!("docs/checks.md#{}", docs::anchor(self.id))
    }
}

/// A check's findings, or the one `error` finding (a gap) that ends it early because evidence
/// it cannot do without is missing: `?` on a helper returning `Result<_, Box<Finding>>`.
pub type Outcome = Result<Vec<Finding>, Box<Finding>>;

/// Everything a check may read.
pub struct Context<'a> {
    pub snapshot: &'a Snapshot,
    pub params: &'a Params,
    /// Time-based checks are evaluated as of the snapshot's collection time, not the wall
    /// clock, so re-assessing an old snapshot gives the same verdicts.
    pub as_of: DateTime<Utc>,
    /// The IAM evidence as the policy engine sees it, built once per assessment.
    pub access: &'a crate::access::AccessModel<'a>,
    /// `iam.credential_report.max_age_hours`: every check reading the credential report
    /// treats an older report as a gap.
    pub credential_report_max_age_hours: i64,
    /// Which resources hold PHI: the data-plane checks judge those and report the others as
    /// not applicable.
    pub phi_scope: &'a crate::phi_scope::PhiScope,
}

impl Context<'_> {
    /// An `error` finding for evidence that is not in the snapshot, quoting the recorded gap.
    pub fn missing(&self, resource: impl Into<String>, pointer: &str, what: &str) -> Finding {
        let gap =
            self.snapshot.gaps.iter().find(|g| {
                pointer == g.evidence || pointer.starts_with(&format!("{}/", g.evidence))
            });
        let message = match gap {
            Some(g) => format!(
                "{what} is missing from the evidence: {} — {}",
                g.source, g.reason
            ),
            None => format!("{what} is missing from the evidence"),
        };
        Finding::new(resource, FindingStatus::Error, message, pointer)
    }

    /// For checks that claim something of every region: the `error` finding that says the set
    /// of enabled regions is not in the evidence, so "every region" is not proven.
    pub(crate) fn region_scope_gap(&self) -> Option<Finding> {
        if self.snapshot.enabled_regions.is_some() {
            return None;
        }
        let mut f = self.missing(
            self.account_resource("regions"),
            "/enabled_regions",
            "the account's list of enabled regions",
        );
        f.message.push_str(&format!(
            "; regions beyond the {} assessed ({}) may exist unassessed",
            self.snapshot.regions.len(),
            self.snapshot.regions.join(", ")
        ));
        Some(f)
    }

    pub(crate) fn account_resource(&self, what: &str) -> String {
        format!("account/{}/{what}", self.snapshot.account.id)
    }

    pub(crate) fn days_since(&self, t: DateTime<Utc>) -> i64 {
        (self.as_of - t).num_days()
    }
}

pub trait Check: Sync {
    fn info(&self) -> &'static CheckInfo;
    fn evaluate(&self, ctx: &Context<'_>) -> Vec<Finding>;
}

/// Every check, in id order.
pub fn registry() -> Vec<&'static dyn Check> {
    let mut all: Vec<&'static dyn Check> = Vec::new();
    all.extend(iam::checks());
    all.extend(cloudtrail::checks());
    all.extend(cloudwatch::checks());
    all.extend(config::checks());
    all.extend(backup::checks());
    all.extend(cloudfront::checks());
    all.extend(dynamodb::checks());
    all.extend(ebs::checks());
    all.extend(efs::checks());
    all.extend(elb::checks());
    all.extend(guardduty::checks());
    all.extend(kms::checks());
    all.extend(rds::checks());
    all.extend(s3::checks());
    all.extend(scope::checks());
    all.extend(vpc::checks());
    all.sort_by_key(|c| c.info().id);
    all
}

pub fn find(id: &str) -> Option<&'static dyn Check> {
    registry().into_iter().find(|c| c.info().id == id)
}

/// The effective parameters of every check: declared defaults overridden per run.
pub(crate) fn effective_params(
    overrides: &BTreeMap<String, BTreeMap<String, ParamValue>>,
) -> crate::error::Result<BTreeMap<String, Params>> {
    let mut out = BTreeMap::new();
    for check in registry() {
        let info = check.info();
        out.insert(
            info.id.to_string(),
            Params::resolve(info, overrides.get(info.id))?,
        );
    }
    for id in overrides.keys() {
        if !out.contains_key(id) {
            return Err(crate::error::Error::Usage(format!(
                "parameter given for unknown check {id:?}"
            )));
        }
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod testutil;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_dotted_lower_snake_case() {
        let ids: Vec<&str> = registry().iter().map(|c| c.info().id).collect();
        let mut sorted = ids.clone();
        sorted.dedup();
        assert_eq!(ids, sorted, "duplicate check id");
        for id in ids {
            let (service, what) = id.split_once('.').expect("dotted id");
            for part in [service, what] {
                assert!(
                    !part.is_empty()
                        && part
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                    "{id}"
                );
            }
        }
    }

    #[test]
    fn every_check_declares_a_one_line_description_and_next_step() {
        for c in registry() {
            let info = c.info();
            assert!(
                !info.description.is_empty() && !info.description.contains('\n'),
                "{}",
                info.id
            );
            assert!(
                info.remediation.len() > 20
                    && info.remediation.ends_with('.')
                    && !info.remediation.contains('\n'),
                "{}: remediation must be one sentence",
                info.id
            );
        }
    }

    /// The id names the file: `iam.password_policy` is declared in
    /// `src/checks/iam/password_policy.rs`, so a newcomer finds any check from its id.
    #[test]
    fn every_check_is_declared_in_the_file_its_id_names() {
        for c in registry() {
            let info = c.info();
            let (service, name) = info.id.split_once('.').expect("dotted id");
            assert_eq!(
                info.source.replace('\\', "/"),
                format!("src/checks/{service}/{name}.rs"),
                "{}",
                info.id
            );
        }
    }

    /// Every file that declares a check is registered: a `check!` outside a `register!` list
    /// would never run.
    #[test]
    fn every_declared_check_is_registered() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        walk(&root.join("src/checks"), &mut files);
        let registered: Vec<&str> = registry().iter().map(|c| c.info().source).collect();
        let mut declared = 0;
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            if !text.lines().any(|l| l.starts_with("check! {")) {
                continue;
            }
            declared += 1;
            let rel = f
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            assert!(
                registered.contains(&rel.as_str()),
                "{rel} declares a check that no register! list names"
            );
        }
        assert_eq!(declared, registry().len());
    }

    /// A parameter two checks declare under one name to mean one thing (the break-glass
    /// designation, the event-history look-back) has one default and one description.
    #[test]
    fn shared_parameters_are_declared_alike() {
        for (name, users) in [
            (
                "break_glass_names",
                ["iam.admin_access", "iam.break_glass_role"],
            ),
            (
                "break_glass_tag",
                ["iam.admin_access", "iam.break_glass_role"],
            ),
            (
                "min_lookback_days",
                ["cloudtrail.root_activity", "cloudtrail.access_change_log"],
            ),
        ] {
            let specs: Vec<String> = users
                .iter()
                .map(|id| {
                    let p = find(id)
                        .unwrap()
                        .info()
                        .params
                        .iter()
                        .find(|p| p.name == name);
                    format!("{:?}", p.expect(name))
                })
                .collect();
            assert_eq!(specs[0], specs[1], "{name}");
        }
    }
}
