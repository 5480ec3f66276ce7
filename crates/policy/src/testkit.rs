//! Small accounts for tests, written as JSON: users, roles and groups with their policies.

use serde_json::{Value, json};

use crate::account::{Account, GroupInput, PolicyInput, PolicyRef, PrincipalInput, PrincipalKind};
use crate::catalog::Catalog;
use crate::ids::{GroupId, Id, PolicyId, PrincipalId};
use crate::policy::PolicyKind;

pub const ACCOUNT: &str = "111122223333";

/// `{"managed": {name: {"doc": doc, "versions": n}}, "groups": [{name, policies}],
///   "users": [{name, policies, groups, boundary, tags}], "roles": [{name, policies, trust, boundary}],
///   "scps": [[doc, ...], ...]}` (SCP levels, root first)
/// where a policy is an inline document or the name of a managed one.
struct Kit {
    docs: Vec<Value>,
    inputs: Vec<(String, String, usize, PolicyKind, Option<String>, usize)>,
    managed: std::collections::HashMap<String, PolicyId>,
}

impl Kit {
    fn add(
        &mut self,
        label: String,
        doc: Value,
        kind: PolicyKind,
        arn: Option<String>,
        versions: usize,
    ) -> PolicyId {
        self.docs.push(doc);
        let ptr = format!("/policies/{}", self.inputs.len());
        self.inputs
            .push((label, ptr, self.docs.len() - 1, kind, arn, versions));
        PolicyId::from_index(self.inputs.len() - 1)
    }
    fn resolve(&mut self, owner: &str, v: &Value, i: usize) -> PolicyId {
        match v {
            Value::String(name) => self.managed[name],
            doc => self.add(
                format!("{owner} inline policy p{i}"),
                doc.clone(),
                PolicyKind::Identity,
                None,
                1,
            ),
        }
    }
}

impl Kit {
    /// A user or role of the spec: its policies, its groups' (as via the group), boundary,
    /// trust policy (a role trusts the account unless the spec says otherwise) and tags.
    fn principal(
        &mut self,
        kind: PrincipalKind,
        u: &Value,
        groups: &[GroupInput],
    ) -> PrincipalInput {
        let name = u["name"].as_str().unwrap().to_string();
        let noun = if kind == PrincipalKind::User {
            "user"
        } else {
            "role"
        };
        let mut policies: Vec<PolicyRef> = u["policies"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, p)| PolicyRef {
                policy: self.resolve(&format!("{noun}/{name}"), p, i),
                via_group: None,
            })
            .collect();
        let mut member = Vec::new();
        for g in u["groups"].as_array().into_iter().flatten() {
            let i = groups
                .iter()
                .position(|x: &GroupInput| x.name == g.as_str().unwrap())
                .expect("group");
            let gi = GroupId::from_index(i);
            member.push(gi);
            policies.extend(groups[i].policies.iter().map(|&p| PolicyRef {
                policy: p,
                via_group: Some(gi),
            }));
        }
        let boundary = match &u["boundary"] {
            Value::Null => None,
            b => Some(self.resolve(&format!("{noun}/{name} boundary"), b, 99)),
        };
        let trust = match &u["trust"] {
            Value::Null if kind == PrincipalKind::Role => Some(self.add(
                format!("role/{name} trust"),
                trust_account(),
                PolicyKind::Resource,
                None,
                1,
            )),
            Value::Null => None,
            t => Some(self.add(
                format!("role/{name} trust"),
                t.clone(),
                PolicyKind::Resource,
                None,
                1,
            )),
        };
        let tags = u["tags"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        PrincipalInput {
            arn: format!("arn:aws:iam::{ACCOUNT}:{noun}/{name}"),
            name,
            kind,
            policies,
            groups: member,
            boundary,
            trust,
            tags,
            console_password: u["console_password"].as_bool(),
            access_keys: u["access_keys"].as_u64().map(|n| n.min(2) as u8),
            // Roles carry an instance profile unless the spec says otherwise.
            instance_profile: u["instance_profile"]
                .as_bool()
                .unwrap_or(kind == PrincipalKind::Role),
        }
    }

    /// `"scps": [[doc, ...], ...]`: the SCP levels, root first.
    fn scps(&mut self, spec: &Value) -> Vec<crate::account::ScpLevel> {
        let mut scps = Vec::new();
        for (li, level) in spec["scps"].as_array().into_iter().flatten().enumerate() {
            let policies = level
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(j, doc)| {
                    self.add(
                        format!("SCP {li}.{j}"),
                        doc.clone(),
                        PolicyKind::Identity,
                        None,
                        1,
                    )
                })
                .collect();
            scps.push(crate::account::ScpLevel {
                label: format!("level {li}"),
                policies,
            });
        }
        scps
    }
}

pub fn account(spec: &Value) -> Account {
    let mut kit = Kit {
        docs: Vec::new(),
        inputs: Vec::new(),
        managed: Default::default(),
    };
    for (name, m) in spec["managed"].as_object().into_iter().flatten() {
        let arn = format!("arn:aws:iam::{ACCOUNT}:policy/{name}");
        let idx = kit.add(
            arn.clone(),
            m["doc"].clone(),
            PolicyKind::Identity,
            Some(arn),
            m["versions"].as_u64().unwrap_or(1) as usize,
        );
        kit.managed.insert(name.clone(), idx);
    }
    let mut groups = Vec::new();
    for g in spec["groups"].as_array().into_iter().flatten() {
        let name = g["name"].as_str().unwrap().to_string();
        let pols = g["policies"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, p)| kit.resolve(&format!("group/{name}"), p, i))
            .collect();
        groups.push(GroupInput {
            arn: format!("arn:aws:iam::{ACCOUNT}:group/{name}"),
            name,
            policies: pols,
        });
    }
    let mut principals = Vec::new();
    for (kind, key) in [
        (PrincipalKind::User, "users"),
        (PrincipalKind::Role, "roles"),
    ] {
        for u in spec[key].as_array().into_iter().flatten() {
            principals.push(kit.principal(kind, u, &groups));
        }
    }
    let scps = kit.scps(spec);
    // Tests hold the account for their whole run; leaking the documents keeps this simple.
    let docs: &'static Vec<Value> = Box::leak(Box::new(kit.docs));
    let policies = kit
        .inputs
        .into_iter()
        .map(
            |(label, pointer, d, kind, managed_arn, versions)| PolicyInput {
                label,
                pointer,
                document: &docs[d],
                kind,
                managed_arn,
                versions,
            },
        )
        .collect();
    Account::new(
        ACCOUNT,
        "aws",
        Catalog::builtin(),
        policies,
        principals,
        groups,
    )
    .with_scps(scps)
}

pub fn allow(actions: &[&str], resource: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}]})
}

pub fn admin() -> Value {
    allow(&["*"], "*")
}

pub fn trust_account() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}]})
}

pub fn trust_service(service: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
}

pub fn index(a: &Account, name: &str) -> PrincipalId {
    a.principals
        .iter_enumerated()
        .find(|(_, p)| p.name == name)
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no principal {name}"))
}
