//! The coverage table (`safeguard controls --coverage`, `docs/coverage.md`): every citation of
//! the catalog, its checks, its manual part, and how each anchor tool's mapping to it is
//! answered. Generated from the catalog, so the documentation cannot drift from the data.

use super::{Anchor, AnchorAnswer, Catalog};

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(catalog: &Catalog) -> String {
    let mut s = String::from(
        "# HIPAA Security Rule coverage\n\n\
         Generated from `controls/*.yaml` by `UPDATE_DOCS=1 cargo test --test suite docs::`, and printed by\n\
         `safeguard controls --coverage`; do not edit by hand.\n\n\
         Each citation of 45 CFR §164.308, §164.310, §164.312, §164.314 and §164.316 is listed with the automated\n\
         checks that evidence it, whether a person must attest a part of it, and — one column per\n\
         anchor tool — every mapping that tool makes to the citation and how safeguard answers it:\n\
         with a check, with the manual part (an attestation), or declined (reason below).\n\n",
    );
    let controls = &catalog.controls;
    let automated = controls.iter().filter(|c| !c.checks.is_empty()).count();
    let manual_only = controls
        .iter()
        .filter(|c| c.checks.is_empty() && c.manual.is_some())
        .count();
    let inherited = controls.iter().filter(|c| c.inherited.is_some()).count();
    let mappings: Vec<_> = controls.iter().flat_map(|c| &c.anchors).collect();
    let count = |f: fn(&AnchorAnswer) -> bool| mappings.iter().filter(|m| f(&m.answer)).count();
    s.push_str(&format!(
        "{} citations: {automated} evidenced by automated checks, {manual_only} by attestation only, {inherited} inherited from AWS under the BAA (`inherited` until an attestation that the BAA is executed makes them `pass`).\n\
         {} anchor mappings: {} answered by a check, {} by the manual part, {} declined.\n\n",
        controls.len(),
        mappings.len(),
        count(|a| matches!(a, AnchorAnswer::Check(_))),
        count(|a| matches!(a, AnchorAnswer::Manual)),
        count(|a| matches!(a, AnchorAnswer::Declined(_))),
    ));
    s.push_str(&data_plane_line(catalog));
    s.push_str("| anchor | citations it maps (of these) |\n|---|---:|\n");
    for a in Anchor::ALL {
        let n = controls
            .iter()
            .filter(|c| c.anchors.iter().any(|m| m.tools.contains(&a)))
            .count();
        s.push_str(&format!("| {} | {n} |\n", a.title()));
    }
    s.push_str("| **safeguard** | **");
    s.push_str(&controls.len().to_string());
    s.push_str("** |\n\n");

    s.push_str("| citation | title | requirement | checks | manual part |");
    for a in Anchor::ALL {
        s.push_str(&format!(" {} |", a.title()));
    }
    s.push_str("\n|---|---|---|---|---|");
    for _ in Anchor::ALL {
        s.push_str("---|");
    }
    s.push('\n');
    for c in controls {
        let checks = if c.checks.is_empty() {
            "—".to_string()
        } else {
            c.mappings
                .iter()
                .map(|m| match m.role {
                    super::Role::Primary => format!("`{}`", m.check),
                    super::Role::Supporting => format!("`{}` (supporting)", m.check),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let manual = if c.inherited.is_some() {
            "inherited from AWS"
        } else if c.manual.is_some() {
            "attest"
        } else {
            "—"
        };
        s.push_str(&format!(
            "| {} | {} | {} | {checks} | {manual} |",
            c.id,
            cell(&c.title),
            c.requirement.as_str()
        ));
        for a in Anchor::ALL {
            let answers: Vec<String> = c
                .anchors
                .iter()
                .filter(|m| m.tools.contains(&a))
                .map(|m| {
                    let how = match &m.answer {
                        AnchorAnswer::Check(id) => format!("`{id}`"),
                        AnchorAnswer::Manual => "manual part".to_string(),
                        AnchorAnswer::Declined(_) => "declined".to_string(),
                    };
                    format!("{} → {how}", cell(&m.mapping))
                })
                .collect();
            s.push_str(&format!(
                " {} |",
                if answers.is_empty() {
                    "—".to_string()
                } else {
                    answers.join("; ")
                }
            ));
        }
        s.push('\n');
    }

    s.push_str(
        "\n## Supporting mappings\n\nA check is *primary* for a citation when it evidences the citation itself, *supporting* when it shows part of it or a precondition (an auditor would not accept it alone). A control whose checks are all supporting has a manual part, so it cannot pass on them. The supporting mappings, and why each is no more than that:\n\n| citation | check | why |\n|---|---|---|\n",
    );
    for c in controls {
        for m in &c.mappings {
            if m.role == super::Role::Supporting {
                s.push_str(&format!(
                    "| {} | `{}` | {} |\n",
                    c.id,
                    m.check,
                    cell(&m.why)
                ));
            }
        }
    }

    s.push_str(
        "\n## Declined mappings\n\n| citation | mapping | anchors | why |\n|---|---|---|---|\n",
    );
    for c in controls {
        for m in &c.anchors {
            if let AnchorAnswer::Declined(why) = &m.answer {
                let tools: Vec<&str> = m.tools.iter().map(|t| t.title()).collect();
                s.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    c.id,
                    cell(&m.mapping),
                    tools.join(", "),
                    cell(why)
                ));
            }
        }
    }

    s.push_str("\n## Where the anchors disagree\n\nSettled as parameters: the default is ours, the parameter gives the other reading (`--set` or `--config`).\n\n| topic | the anchors | safeguard by default | parameter |\n|---|---|---|---|\n");
    for d in &catalog.decisions {
        s.push_str(&format!(
            "| {} | {} | {} | `{}` |\n",
            cell(&d.topic),
            cell(&d.anchors),
            cell(&d.default),
            d.parameter
        ));
    }
    s
}

/// A check of the data plane: the stores themselves (S3, RDS, DynamoDB, EFS), their backups,
/// the load balancers and CloudFront distributions in front of them, their keys, and the PHI
/// scope.
fn is_data_plane(check: &str) -> bool {
    [
        "s3.",
        "rds.",
        "dynamodb.",
        "efs.",
        "elb.",
        "kms.",
        "scope.",
        "backup.",
        "cloudfront.",
        "ebs.",
        "vpc.",
    ]
    .iter()
    .any(|p| check.starts_with(p))
}

/// The citations the data plane decides, each with its deciding checks: those it alone decides
/// (before the stores were judged, attestation-only or with supporting checks alone), then
/// those it decides beside the identity and audit checks.
fn data_plane_line(catalog: &Catalog) -> String {
    let (mut alone, mut beside) = (Vec::new(), Vec::new());
    for c in &catalog.controls {
        let primary = || c.mappings.iter().filter(|m| m.role == super::Role::Primary);
        let deciding: Vec<String> = primary()
            .filter(|m| is_data_plane(&m.check))
            .map(|m| format!("`{}`", m.check))
            .collect();
        if deciding.is_empty() {
            continue;
        }
        let line = format!("{} ({})", c.id, deciding.join(", "));
        if primary().all(|m| is_data_plane(&m.check)) {
            alone.push(line);
        } else {
            beside.push(line);
        }
    }
    let mut out = String::new();
    if !alone.is_empty() {
        out.push_str(&format!(
            "Decided by data-plane checks (the data stores within the PHI scope, their backups, what carries ePHI to them, and the keys they name), where before they were attestation-only or had supporting checks alone: {}.\n\n",
            alone.join("; ")
        ));
    }
    if !beside.is_empty() {
        out.push_str(&format!(
            "Decided by data-plane checks beside the identity and audit checks: {}.\n\n",
            beside.join("; ")
        ));
    }
    out
}
