//! NIST SP 800-66r2's identifiers, which the catalog maps each citation to (`nist:`).
//!
//! NIST publishes SP 800-66r2 as an OSCAL catalog (CAPORDINO): the Security Rule's sections and
//! standards are groups (`SP_800_66-164.308.a.1`), NIST's key activities are controls
//! (`KA_164.308.a.1.2`), and the implementation specifications are description parts of a key
//! activity's statement (`D_164.308.a.1.2.1`, with an `imp_spec` Required/Addressable prop).
//! `controls/nist/sp800-66r2.oscal.json` is the extract of those identifiers that
//! `scripts/extract-sp800-66r2.py` makes from NIST's file (provenance in
//! `controls/nist/PROVENANCE.md`); it ships inside the binary and in every package that has
//! OSCAL, so the assessment plan's catalog link resolves offline, with its hash.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

/// The extract, as shipped.
pub const TEXT: &str = include_str!("../../controls/nist/sp800-66r2.oscal.json");

/// Its name inside a package.
pub const FILE_NAME: &str = "nist-sp800-66r2.oscal.json";

/// NIST's own file, the extract's source (a commit of usnistgov/capordino).
pub const SOURCE_URL: &str = "https://raw.githubusercontent.com/usnistgov/capordino/dea3567b8285e5539360124c033dc87426b94ade/catalogs/nist.gov/sp_800_66/SP_800_66_2_0_0_catalog_09-18-25.xml";

/// What an identifier names in NIST's catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A section of the rule or a standard (an OSCAL group).
    Group,
    /// A key activity (an OSCAL control).
    KeyActivity,
    /// A key activity's statement part (`statement_KA_…`).
    Statement,
    /// A description part of a statement: an implementation specification or part of one.
    Description,
}

/// One identifier: its kind, the key activity it belongs to (itself for a key activity) and
/// the group that holds it.
#[derive(Debug, Clone)]
pub struct Item {
    pub kind: Kind,
    pub key_activity: Option<String>,
    pub group: String,
    /// `Required` or `Addressable` where NIST marks the part as an implementation
    /// specification.
    pub imp_spec: Option<String>,
    /// The title (groups and key activities).
    pub title: Option<String>,
}

/// Every identifier of the extract, by id.
pub fn index() -> &'static BTreeMap<String, Item> {
    static INDEX: OnceLock<BTreeMap<String, Item>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let doc: Value = serde_json::from_str(TEXT).expect("the shipped NIST extract is JSON");
        let mut index = BTreeMap::new();
        for g in doc["catalog"]["groups"].as_array().into_iter().flatten() {
            walk_group(g, &mut index);
        }
        index
    })
}

/// The SHA-256 of the extract's bytes, as the assessment plan records it.
pub fn sha256() -> &'static str {
    static SHA: OnceLock<String> = OnceLock::new();
    SHA.get_or_init(|| crate::snapshot::sha256_hex(TEXT.as_bytes()))
}

/// The key activity a catalog target belongs to: a key activity itself, or the one whose
/// statement holds a description part.
pub fn key_activity_of(id: &str) -> Option<&'static str> {
    index().get(id).and_then(|i| i.key_activity.as_deref())
}

/// The statement id a finding about `id` targets: a description part is its own statement
/// id; a key activity's is its statement part.
pub fn statement_id(id: &str) -> String {
    match index().get(id).map(|i| i.kind) {
        Some(Kind::KeyActivity) => format!("statement_{id}"),
        _ => id.to_string(),
    }
}

fn walk_group(g: &Value, index: &mut BTreeMap<String, Item>) {
    let Some(id) = g["id"].as_str() else { return };
    index.insert(
        id.to_string(),
        Item {
            kind: Kind::Group,
            key_activity: None,
            group: id.to_string(),
            imp_spec: None,
            title: g["title"].as_str().map(str::to_string),
        },
    );
    for sub in g["groups"].as_array().into_iter().flatten() {
        walk_group(sub, index);
    }
    for c in g["controls"].as_array().into_iter().flatten() {
        let Some(ka) = c["id"].as_str() else { continue };
        index.insert(
            ka.to_string(),
            Item {
                kind: Kind::KeyActivity,
                key_activity: Some(ka.to_string()),
                group: id.to_string(),
                imp_spec: None,
                title: c["title"].as_str().map(str::to_string),
            },
        );
        for part in c["parts"].as_array().into_iter().flatten() {
            walk_part(part, ka, id, index);
        }
    }
}

fn walk_part(p: &Value, ka: &str, group: &str, index: &mut BTreeMap<String, Item>) {
    let Some(id) = p["id"].as_str() else { return };
    let imp_spec = p["props"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|prop| prop["name"] == "imp_spec")
        .and_then(|prop| prop["value"].as_str())
        .map(str::to_string);
    index.insert(
        id.to_string(),
        Item {
            kind: if p["name"] == "statement" {
                Kind::Statement
            } else {
                Kind::Description
            },
            key_activity: Some(ka.to_string()),
            group: group.to_string(),
            imp_spec,
            title: None,
        },
    );
    for sub in p["parts"].as_array().into_iter().flatten() {
        walk_part(sub, ka, group, index);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extract_holds_nists_structure() {
        let ix = index();
        // The five sections, 22 standards, 104 key activities and 44 specifications NIST's
        // catalog has.
        let groups = ix.values().filter(|i| i.kind == Kind::Group).count();
        assert_eq!(groups, 5 + 22);
        assert_eq!(
            ix.values().filter(|i| i.kind == Kind::KeyActivity).count(),
            104
        );
        assert_eq!(ix.values().filter(|i| i.imp_spec.is_some()).count(), 44);
        assert_eq!(key_activity_of("D_164.312.a.8.1.2"), Some("KA_164.312.a.8"));
        assert_eq!(ix["D_164.312.a.8.1.2"].group, "SP_800_66-164.312.a");
        assert_eq!(statement_id("KA_164.310.b.1"), "statement_KA_164.310.b.1");
        assert_eq!(statement_id("D_164.308.a.1.2.1"), "D_164.308.a.1.2.1");
        assert_eq!(
            ix["D_164.308.a.7.5.1"].imp_spec.as_deref(),
            Some("Required")
        );
        assert_eq!(sha256().len(), 64);
    }

    /// The built-in catalog maps every citation, and together the citations cover NIST's
    /// catalog: every implementation specification is some specification's target, every key
    /// activity is reviewed, and a standard's key activities are its own group's.
    #[test]
    fn the_builtin_catalog_maps_every_citation_onto_nists() {
        let catalog = crate::catalog::Catalog::builtin().unwrap();
        let ix = index();
        let mut claimed = std::collections::BTreeSet::new();
        let mut reviewed = std::collections::BTreeSet::new();
        for c in &catalog.controls {
            assert!(
                !c.nist.is_empty(),
                "{} maps to nothing in NIST's catalog",
                c.id
            );
            let groups: std::collections::BTreeSet<&str> =
                c.nist.iter().map(|t| ix[t].group.as_str()).collect();
            assert_eq!(groups.len(), 1, "{} spans standards: {groups:?}", c.id);
            // The group is the citation's standard, the longest NIST group its paragraphs
            // name; NIST names a standard cited with its first paragraph by it (`…b.1` for
            // 164.308(b)(1)–(3), `…e.1` for 164.312(e)(1)–(2)).
            let group = groups.into_iter().next().unwrap();
            let paragraphs: Vec<&str> = c.id.split(['(', ')']).filter(|p| !p.is_empty()).collect();
            let group_of = |parts: &[&str]| {
                let id = format!("SP_800_66-{}", parts.join("."));
                (ix.get(&id).map(|i| i.kind) == Some(Kind::Group)).then_some(id)
            };
            let expected = (1..=paragraphs.len())
                .rev()
                .find_map(|d| {
                    group_of(&paragraphs[..d]).or_else(|| {
                        (d >= 2)
                            .then(|| group_of(&[&paragraphs[..d - 1], &["1"]].concat()))
                            .flatten()
                    })
                })
                .unwrap();
            assert_eq!(group, expected, "{} maps into {group}", c.id);
            for t in &c.nist {
                claimed.insert(t.as_str());
                reviewed.insert(key_activity_of(t).unwrap());
                if c.requirement == crate::catalog::Requirement::Standard {
                    assert_eq!(ix[t].kind, Kind::KeyActivity, "{}: {t}", c.id);
                }
            }
        }
        for (id, item) in ix {
            if item.imp_spec.is_some() {
                // A specification whose sub-parts are targets is claimed through them.
                let through_parts = ix
                    .keys()
                    .any(|k| k.starts_with(&format!("{id}.")) && claimed.contains(k.as_str()));
                assert!(
                    claimed.contains(id.as_str()) || through_parts,
                    "no citation targets {id}"
                );
            }
            if item.kind == Kind::KeyActivity {
                assert!(reviewed.contains(id.as_str()), "no citation reviews {id}");
            }
        }
    }
}
