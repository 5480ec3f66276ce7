//! The check reference (`docs/checks.md`), generated from the registry and the catalog so the
//! docs links each check declares always resolve. A test fails when the file is stale.

use super::Catalog;

use crate::checks::docs::anchor;
use crate::checks::{ParamValue, registry};

pub fn reference_markdown(catalog: &Catalog) -> String {
    let mut s = String::from(
        "# Check reference\n\n\
         Generated from the check registry and `controls/` by `UPDATE_DOCS=1 cargo test --test suite docs::`; do not edit by hand.\n\n\
         Every check returns one finding per resource it evaluates: `pass`, `fail`, `not_applicable`, or `error` when the\n\
         evidence it needs is missing from the snapshot (which makes the controls it serves `insufficient_evidence`, never `pass`).\n\
         Parameters are overridden per run with `--set CHECK.PARAM=VALUE`.\n\n\
         Each check declares a severity, which its findings carry: `high` for a path to the whole account or\n\
         to ePHI (escalation to administrator, administrators or console users without MFA, root access keys,\n\
         root use), `medium` for a weakened detective or preventive control, `low` for hygiene that makes\n\
         access reviews harder. The report orders \"Controls that need action\" by the worst severity failing.\n\n\
         | check | severity | serves | parameters |\n|---|---|---|---|\n",
    );
    for c in registry() {
        let info = c.info();
        let serves: Vec<String> = catalog
            .controls_using(info.id)
            .iter()
            .map(|c| c.id.clone())
            .collect();
        let params: Vec<&str> = info.params.iter().map(|p| p.name).collect();
        s.push_str(&format!(
            "| [`{}`](#{}) | {} | {} | {} |\n",
            info.id,
            anchor(info.id),
            info.severity.as_str(),
            serves.join(", "),
            if params.is_empty() {
                "—".to_string()
            } else {
                params.join(", ")
            }
        ));
    }
    for c in registry() {
        let info = c.info();
        let (service, name) = info.id.split_once('.').expect("dotted id");
        s.push_str(&format!(
            "\n<a id=\"{}\"></a>\n## `{}`\n\n{}.\n\n",
            anchor(info.id),
            info.id,
            info.description
        ));
        s.push_str(&format!(
            "Source: [`src/checks/{service}/{name}.rs`](../src/checks/{service}/{name}.rs)\n\n"
        ));
        s.push_str(&format!(
            "Severity: **{}**, because {}.\n\n",
            info.severity.as_str(),
            info.severity_why
        ));
        s.push_str(&format!("When it fails: {}\n\n", info.remediation));
        let serves: Vec<String> = catalog
            .controls_using(info.id)
            .iter()
            .map(|c| format!("§{} {}", c.id, c.title))
            .collect();
        s.push_str(&format!("Serves: {}.\n", serves.join("; ")));
        if !info.params.is_empty() {
            s.push_str("\n| parameter | default | meaning |\n|---|---|---|\n");
            for p in info.params {
                s.push_str(&format!(
                    "| `{}` | `{}` | {}{} |\n",
                    p.name,
                    ParamValue::from(p.default),
                    p.description,
                    p.default.range_text()
                ));
            }
        }
    }
    s.push_str(&escalation_methods());
    s
}

/// The escalation methods `iam.privilege_escalation` judges, each with where it is published:
/// generated from the engine's tables (`crates/policy/src/escalation/methods.rs`).
fn escalation_methods() -> String {
    use safeguard_policy::escalation::{COMPUTE_METHODS, IAM_METHODS};
    let mut s = format!(
        "\n<a id=\"escalation-methods\"></a>\n## Escalation methods\n\n\
         `iam.privilege_escalation` follows {} methods, each judged with all of a principal's policies, boundary, Denies and SCPs \
         ([`crates/policy/src/escalation/methods.rs`](../crates/policy/src/escalation/methods.rs)). \
         A method that reaches a role through a resource that may already exist (no `iam:PassRole`) gives a *possible* path; \
         the EC2 ones reach only roles with an instance profile.\n\n\
         | method | actions | reaches | source |\n|---|---|---|---|\n",
        IAM_METHODS.len() + COMPUTE_METHODS.len()
    );
    let code = |a: &[&str]| {
        a.iter()
            .map(|x| format!("`{x}`"))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    for m in IAM_METHODS {
        s.push_str(&format!(
            "| `{}` | {} | the user, role, group or policy it acts on | {} |\n",
            m.id,
            code(m.actions),
            m.source
        ));
    }
    for m in COMPUTE_METHODS {
        let reaches = if m.pass_role {
            format!("a role passed to `{}`", m.service)
        } else {
            format!("a role `{}` already runs (possible)", m.service)
        };
        let mut actions: Vec<&str> = m.actions.to_vec();
        if m.pass_role {
            actions.insert(0, "iam:PassRole");
        }
        s.push_str(&format!(
            "| `{}` | {} | {reaches} | {} |\n",
            m.id,
            code(&actions),
            m.source
        ));
    }
    s
}
