//! The check reference (`docs/checks.md`), generated from the registry and the catalog so the
//! docs links each check declares always resolve. A test fails when the file is stale.

use super::Catalog;

use crate::checks::docs::anchor;
use crate::checks::{ParamValue, registry};

pub fn reference_markdown(catalog: &Catalog) -> String {
    let mut s = String::from(
        "# Check reference\n\n\
         Generated from the check registry and `controls/` by `UPDATE_DOCS=1 cargo test --test docs`; do not edit by hand.\n\n\
         Every check returns one finding per resource it evaluates: `pass`, `fail`, `not_applicable`, or `error` when the\n\
         evidence it needs is missing from the snapshot (which makes the controls it serves `insufficient_evidence`, never `pass`).\n\
         Parameters are overridden per run with `--set CHECK.PARAM=VALUE`.\n\n\
         | check | serves | parameters |\n|---|---|---|\n",
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
            "| [`{}`](#{}) | {} | {} |\n",
            info.id,
            anchor(info.id),
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
    s
}
