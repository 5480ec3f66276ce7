//! `--waivers FILE`: accepted risks. A waiver names a check, a resource pattern (`*` and `?`),
//! the justification, who approved it and when it expires.
//!
//! ```yaml
//! waivers:
//!   - check: iam.root_hardware_mfa
//!     resource: "arn:aws:iam::*:root"
//!     justification: Hardware key ordered; virtual MFA until it arrives.
//!     risk: medium                      # low | medium | high
//!     approved_by: Dana Reyes, Security Officer
//!     approved_on: 2026-11-02
//!     expires: 2027-01-31               # at most waiver_max_days (default 365) after approved_on
//!     ticket: SEC-412                   # optional
//!     compensating_control: Virtual MFA on the root user; root use alarmed.   # optional
//! ```
//!
//! A failing finding a valid waiver covers no longer fails its control, and stays visible as
//! waived in every output; the control is "Risk accepted", never "Pass". An expired waiver is
//! ignored, and the report says so.
//!
//! A waiver is governed: who approved it (as "Name, Title"), when, the risk accepted, and an
//! expiry within `waiver_max_days` (`--config`). A resource pattern that names no particular
//! resource (`*`, `arn:aws:iam::*:user/*`) would accept every finding of the check, future
//! ones included: it is refused unless the waiver says `all_resources: true`, and the report
//! prints such a waiver in bold.
//!
//! The findings of [`EVENT_CHECKS`] are events (a root sign-in, an IAM change): a waiver of one
//! must name the event (`event_id`) or accept only events before a time (`events_before`), so it
//! cannot silently accept every future event on the same resource.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;
use std::path::Path;

use super::{date, parse, text};
use crate::checks;
use crate::error::{Code, Diagnostic, Diagnostics, Result, did_you_mean, yaml_at};
use crate::shape::{Shape, optional, required};

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
    approved_on: Spanned<String>,
    risk: Spanned<String>,
    expires: Spanned<String>,
    #[serde(default)]
    ticket: Option<Spanned<String>>,
    #[serde(default)]
    compensating_control: Option<Spanned<String>>,
    #[serde(default)]
    all_resources: Option<Spanned<bool>>,
    #[serde(default)]
    event_id: Option<Spanned<String>>,
    #[serde(default)]
    events_before: Option<Spanned<String>>,
}

/// The file's structure, field for field as [`WaiversFile`] and [`Entry`] take them.
const SHAPE: Shape = Shape::Record(&[required("waivers", &Shape::List(&ENTRY))]);
const ENTRY: Shape = Shape::Record(&[
    required("check", &Shape::Scalar),
    required("resource", &Shape::Scalar),
    required("justification", &Shape::Scalar),
    required("approved_by", &Shape::Scalar),
    required("approved_on", &Shape::Scalar),
    required("risk", &Shape::Scalar),
    required("expires", &Shape::Scalar),
    optional("ticket", &Shape::Scalar),
    optional("compensating_control", &Shape::Scalar),
    optional("all_resources", &Shape::Scalar),
    optional("event_id", &Shape::Scalar),
    optional("events_before", &Shape::Scalar),
]);

/// Checks whose findings are events: their waivers must be bound to an event or a time.
pub const EVENT_CHECKS: &[&str] = &["cloudtrail.access_change_log", "cloudtrail.root_activity"];

/// `waiver_max_days` when `--config` does not set it.
pub const DEFAULT_WAIVER_MAX_DAYS: u32 = 365;

/// The risk a waiver accepts, as its approver judged it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Low,
    Medium,
    High,
}

impl Risk {
    pub const ALL: [Risk; 3] = [Risk::Low, Risk::Medium, Risk::High];

    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }
}

/// Whether a resource pattern names no particular resource: its last segment (after the last
/// `/` or `:`) is only wildcards, as in `*`, `arn:aws:*` or `arn:aws:iam::*:user/*`. Such a
/// waiver accepts every finding of its check, future ones included.
pub fn names_no_resource(pattern: &str) -> bool {
    let last = pattern.rsplit(['/', ':']).next().unwrap_or("");
    last.chars().all(|c| c == '*' || c == '?')
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waiver {
    pub check: String,
    /// Resource pattern: `*` any run of characters, `?` one.
    pub resource: String,
    pub justification: String,
    pub approved_by: String,
    /// The day it was approved: it holds from then to `expires`.
    pub approved_on: NaiveDate,
    pub risk: Risk,
    pub expires: NaiveDate,
    /// The ticket that tracks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// What reduces the risk meanwhile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compensating_control: Option<String>,
    /// It accepts every finding of the check (a pattern naming no resource), on purpose.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_resources: bool,
    /// For event checks: the CloudTrail event id the waiver accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// For event checks: only events strictly before this time are accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events_before: Option<DateTime<Utc>>,
}

/// The event a finding stands for, as the waiver sees it.
#[derive(Debug, Clone, Copy)]
pub struct EventRef<'a> {
    pub id: &'a str,
    pub time: Option<DateTime<Utc>>,
}

impl Waiver {
    /// Whether the waiver covers a finding of `check` on `resource` (about `event`, for
    /// event checks). An event-bound waiver never covers a finding without its event, and an
    /// event whose time is unknown is not "before" anything.
    pub fn covers(&self, check: &str, resource: &str, event: Option<EventRef<'_>>) -> bool {
        if self.check != check || !safeguard_policy::glob::matches(&self.resource, resource, false)
        {
            return false;
        }
        if let Some(id) = &self.event_id
            && event.is_none_or(|e| e.id != id)
        {
            return false;
        }
        if let Some(before) = self.events_before
            && event.and_then(|e| e.time).is_none_or(|t| t >= before)
        {
            return false;
        }
        true
    }
}

/// The waivers file, and its bytes (kept in the package); every problem in it at once.
pub fn load(path: &Path, max_days: u32) -> Result<(Vec<Waiver>, Vec<u8>)> {
    let (source, file): (String, WaiversFile) =
        parse(path, &SHAPE, "a waivers file (waivers: a list)")?;
    let known: Vec<&str> = checks::registry().iter().map(|c| c.info().id).collect();
    let mut diags = Diagnostics::new(path);
    let mut out = Vec::new();
    for e in file.waivers {
        let id = e.check.value.trim();
        if !known.contains(&id) {
            let hint = did_you_mean(id, &known);
            diags.push(
                yaml_at(&e.check),
                Code::UnknownCheck,
                format!("unknown check id {id:?}{hint}"),
            );
        }
        let event_check = EVENT_CHECKS.contains(&id);
        let event_id = e
            .event_id
            .as_ref()
            .and_then(|s| diags.take(text(s, "event_id")));
        let events_before = e
            .events_before
            .as_ref()
            .and_then(|s| diags.take(instant(s)));
        if event_check && e.event_id.is_none() && e.events_before.is_none() {
            diags.push(
                yaml_at(&e.check),
                Code::EventScope,
                format!(
                    "a waiver of {id} must name the event (event_id) or a time window (events_before): its findings are events, and a waiver on the resource alone would accept every future one"
                ),
            );
        }
        if !event_check
            && known.contains(&id)
            && let Some(s) = e.event_id.as_ref().or(e.events_before.as_ref())
        {
            diags.push(
                yaml_at(s),
                Code::EventScope,
                format!(
                    "event_id and events_before apply only to the event checks ({}), not {id}",
                    EVENT_CHECKS.join(", ")
                ),
            );
        }
        let all_resources = e.all_resources.as_ref().is_some_and(|b| b.value);
        let resource = diags
            .take(text(&e.resource, "resource"))
            .filter(|r| {
                let broad = names_no_resource(r) && !all_resources;
                if broad {
                    diags.push(
                        yaml_at(&e.resource),
                        Code::AllResources,
                        format!(
                            "resource {r:?} names no particular resource, so the waiver would accept every finding of {id}, future ones included: name the resources, or add all_resources: true to accept that on purpose (the report prints it in bold)"
                        ),
                    );
                }
                !broad
            });
        let justification = diags.take(text(&e.justification, "justification"));
        let approved_by = diags
            .take(text(&e.approved_by, "approved_by"))
            .and_then(|who| {
                diags.take(super::attestations::person(
                    &e.approved_by,
                    who,
                    "approved_by",
                ))
            });
        let approved_on = diags.take(date(&e.approved_on, "approved_on"));
        let expires = diags.take(date(&e.expires, "expires"));
        if let (Some(from), Some(to)) = (approved_on, expires) {
            diags.take(super::held_within(
                &e.expires,
                (from, "approved_on"),
                to,
                (max_days, "a waiver", "waiver_max_days"),
            ));
        }
        let risk = {
            let v = e.risk.value.trim();
            let found = Risk::ALL.into_iter().find(|r| r.as_str() == v);
            if found.is_none() {
                diags.push(
                    yaml_at(&e.risk),
                    Code::Choice,
                    format!("risk {v:?} is not one of low, medium, high"),
                );
            }
            found
        };
        let ticket = e
            .ticket
            .as_ref()
            .and_then(|s| diags.take(text(s, "ticket")));
        let compensating_control = e
            .compensating_control
            .as_ref()
            .and_then(|s| diags.take(text(s, "compensating_control")));
        if let (
            Some(resource),
            Some(justification),
            Some(approved_by),
            Some(approved_on),
            Some(risk),
            Some(expires),
        ) = (
            resource,
            justification,
            approved_by,
            approved_on,
            risk,
            expires,
        ) {
            out.push(Waiver {
                check: id.to_string(),
                resource,
                justification,
                approved_by,
                approved_on,
                risk,
                expires,
                ticket,
                compensating_control,
                all_resources,
                event_id,
                events_before,
            });
        }
    }
    diags.finish((out, source.into_bytes()))
}

/// An RFC 3339 time, or a `YYYY-MM-DD` date meaning its midnight UTC.
fn instant(s: &Spanned<String>) -> std::result::Result<DateTime<Utc>, Diagnostic> {
    let v = s.value.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(t.with_timezone(&Utc));
    }
    let d = date(s, "events_before").map_err(|_| {
        Diagnostic::new(
            yaml_at(s),
            Code::Date,
            format!("events_before {v:?} is neither an RFC 3339 time nor a date (YYYY-MM-DD)"),
        )
    })?;
    Ok(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = "waivers:\n  - check: iam.root_hardware_mfa\n    resource: \"arn:aws:iam::*:root\"\n    justification: Key ordered.\n    approved_by: Dana Reyes, Security Officer\n    expires: 2027-01-31\n    approved_on: 2026-11-02\n    risk: medium\n";

    fn load_text(yaml: &str) -> Result<Vec<Waiver>> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("waivers.yaml");
        std::fs::write(&p, yaml).unwrap();
        load(&p, DEFAULT_WAIVER_MAX_DAYS).map(|(w, _)| w)
    }

    #[test]
    fn the_shape_names_the_fields_serde_takes() {
        use crate::shape::{field_names, fields_of};
        assert_eq!(field_names(&SHAPE), fields_of::<WaiversFile>());
        assert_eq!(field_names(&ENTRY), fields_of::<Entry>());
    }

    #[test]
    fn a_waiver_covers_its_check_and_resource_pattern() {
        let w = &load_text(ONE).unwrap()[0];
        assert!(w.covers(
            "iam.root_hardware_mfa",
            "arn:aws:iam::123456789012:root",
            None
        ));
        assert!(!w.covers(
            "iam.root_mfa_enabled",
            "arn:aws:iam::123456789012:root",
            None
        ));
        assert!(!w.covers(
            "iam.root_hardware_mfa",
            "arn:aws:iam::123456789012:user/root",
            None
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

    #[test]
    fn every_mistake_of_the_file_is_reported_at_once() {
        let two = format!(
            "{ONE}{}",
            ONE.trim_start_matches("waivers:\n")
                .replace("iam.root_hardware_mfa", "cloudtrail.root_activity")
                .replace("2027-01-31", "next year")
        );
        let e = load_text(&two.replacen("Key ordered.", "\"\"", 1)).unwrap_err();
        let text = e.to_string();
        for (at, code) in [
            (":4:20: justification is empty", "[empty]"),
            (
                ":9:12: a waiver of cloudtrail.root_activity",
                "[event-scope]",
            ),
            (":13:14: expires \"next year\" is not a date", "[date]"),
        ] {
            assert!(
                text.lines().any(|l| l.contains(at) && l.ends_with(code)),
                "{at} not in:\n{text}"
            );
        }
        assert!(text.contains("3 problems in"), "{text}");
    }

    const ROOT: &str = "waivers:\n  - check: cloudtrail.root_activity\n    resource: \"arn:aws:iam::*:root\"\n    justification: Break-glass drill.\n    approved_by: Dana Reyes, Security Officer\n    expires: 2027-01-31\n    approved_on: 2026-11-02\n    risk: high\n";

    #[test]
    fn a_waiver_of_events_must_name_the_event_or_a_window() {
        let e = load_text(ROOT).unwrap_err().to_string();
        assert!(
            e.contains(
                "waivers.yaml:2:12: a waiver of cloudtrail.root_activity must name the event"
            ),
            "{e}"
        );
        let by_id = &load_text(&format!("{ROOT}    event_id: ev-1\n")).unwrap()[0];
        let root = "arn:aws:iam::123456789012:root";
        let at = |s: &str| Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc));
        let ev = |id, time| Some(EventRef { id, time });
        assert!(by_id.covers("cloudtrail.root_activity", root, ev("ev-1", None)));
        assert!(!by_id.covers("cloudtrail.root_activity", root, ev("ev-2", None)));
        assert!(!by_id.covers("cloudtrail.root_activity", root, None));
        let before = &load_text(&format!("{ROOT}    events_before: 2026-10-15\n")).unwrap()[0];
        assert!(before.covers(
            "cloudtrail.root_activity",
            root,
            ev("a", at("2026-10-14T23:59:59Z"))
        ));
        assert!(!before.covers(
            "cloudtrail.root_activity",
            root,
            ev("b", at("2026-10-15T00:00:00Z"))
        ));
        assert!(!before.covers("cloudtrail.root_activity", root, ev("c", None)));
        let e = load_text(&format!("{ROOT}    events_before: last week\n"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(":9:20: events_before \"last week\" is neither"),
            "{e}"
        );
        let e = load_text(&format!("{ONE}    event_id: ev-1\n"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(":9:15: event_id and events_before apply only to the event checks"),
            "{e}"
        );
    }

    #[test]
    fn waivers_are_governed() {
        let e = |yaml: &str| load_text(yaml).unwrap_err().to_string();
        // approved_on and risk are required.
        let t = e(&ONE.replace("    approved_on: 2026-11-02\n", ""));
        assert!(
            t.contains("waivers, item 1 lacks the field \"approved_on\" [structure]"),
            "{t}"
        );
        let t = e(&ONE.replace("risk: medium", "risk: tolerable"));
        assert!(
            t.contains(":8:11: risk \"tolerable\" is not one of low, medium, high [choice]"),
            "{t}"
        );
        // expires at most waiver_max_days after approved_on, and not before it.
        let t = e(&ONE.replace("2027-01-31", "2028-01-31"));
        assert!(
            t.contains(":6:14: expires 2028-01-31 is 455 days after approved_on 2026-11-02")
                && t.contains("[validity]"),
            "{t}"
        );
        let t = e(&ONE.replace("2027-01-31", "2026-10-01"));
        assert!(
            t.contains("expires 2026-10-01 is before approved_on 2026-11-02 [date]"),
            "{t}"
        );
        // The approver's role.
        let t = e(&ONE.replace("Dana Reyes, Security Officer", "Dana"));
        assert!(
            t.contains(":5:18: approved_by \"Dana\" names no role") && t.contains("[person]"),
            "{t}"
        );
        // A pattern naming no resource is refused, in every spelling, unless all_resources.
        for broad in [
            "*",
            "**",
            "arn:aws:*",
            "arn:aws:iam::*:*",
            "arn:aws:iam::123456789012:user/*",
            "?*",
        ] {
            let yaml = ONE.replace("arn:aws:iam::*:root", broad);
            let t = e(&yaml);
            assert!(
                t.contains(":3:15: resource") && t.contains("[all-resources]"),
                "{broad}: {t}"
            );
            let w = &load_text(&format!("{yaml}    all_resources: true\n")).unwrap()[0];
            assert!(w.all_resources);
        }
        for specific in [
            "arn:aws:iam::*:root",
            "arn:aws:iam::123456789012:user/dev-*",
            "account/123456789012/password-policy",
        ] {
            assert!(!names_no_resource(specific), "{specific}");
        }
        // Optional fields are kept.
        let w = &load_text(&format!(
            "{ONE}    ticket: SEC-412\n    compensating_control: Root use alarmed.\n"
        ))
        .unwrap()[0];
        assert_eq!(w.ticket.as_deref(), Some("SEC-412"));
        assert_eq!(w.risk, Risk::Medium);
        assert_eq!(w.compensating_control.as_deref(), Some("Root use alarmed."));
        // A tighter limit from --config.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("waivers.yaml");
        std::fs::write(&p, ONE).unwrap();
        let t = load(&p, 30).unwrap_err().to_string();
        assert!(t.contains("at most waiver_max_days (30) days"), "{t}");
    }
}
