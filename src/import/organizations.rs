//! `organizations/`: the account's place in its AWS Organization and the service control
//! policies along its path, read from the AWS CLI's output as the management (or delegated
//! administrator) account gives it. No `organizations/` folder: the evidence does not speak
//! of an organization, and nothing is bounded by SCPs.

use crate::snapshot::organization::{
    OrgAccount, OrgUnit, Organization, Scp, ScpTarget, valid_org_id, valid_ou_id, valid_policy_id,
    valid_root_id,
};

use super::*;

/// AWS nests OUs five deep under the root; a longer chain in the evidence is a loop.
const MAX_DEPTH: usize = 6;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeOrganization {
    organization: OrgInfo,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OrgInfo {
    id: String,
    master_account_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeAccount {
    account: AccountInfo,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AccountInfo {
    name: Option<String>,
    status: Option<String>,
    state: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagList {
    tags: Vec<Tag>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Tag {
    key: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Roots {
    roots: Vec<Root>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Root {
    id: String,
    name: Option<String>,
    #[serde(default)]
    policy_types: Vec<PolicyType>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyType {
    r#type: String,
    status: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Parents {
    parents: Vec<Parent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Parent {
    id: String,
    r#type: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeOu {
    organizational_unit: OuInfo,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OuInfo {
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PoliciesForTarget {
    policies: Vec<PolicySummary>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicySummary {
    id: String,
    name: Option<String>,
    #[serde(default)]
    aws_managed: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribePolicy {
    policy: PolicyDetail,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyDetail {
    content: PolicyDocument,
}

impl Importer<'_> {
    /// A value from the evidence that will name a file, checked first: anything but an id AWS
    /// issues is bad input (or, collected live, a gap).
    fn org_id(
        &mut self,
        file: &str,
        pointer: &str,
        id: &str,
        valid: bool,
        what: &str,
    ) -> Result<bool> {
        if valid {
            return Ok(true);
        }
        let e = Error::bad_input(
            self.path(file),
            Location {
                pointer: Some(pointer.into()),
                ..Location::default()
            },
            format!("{id:?} is not {what}"),
        );
        Ok(self.soften::<()>(Err(e), "/organization", file)?.is_some())
    }

    pub(super) fn organization(&mut self, account_id: &str) -> Result<Option<Organization>> {
        const FILE: &str = "organizations/organization.json";
        let info = match self.read::<DescribeOrganization>(FILE)? {
            Read::Ok(d) => d.organization,
            Read::Missing => return Ok(None),
            // Not a member of any organization: nothing to record, nothing missing.
            Read::Failed(reason) if reason.contains("AWSOrganizationsNotInUseException") => {
                return Ok(None);
            }
            Read::Failed(reason) => {
                self.gap(
                    "/organization",
                    &format!("aws organizations describe-organization ({FILE})"),
                    format!("the call failed: {reason}; the account's OU path and service control policies are unknown, so no SCP is applied"),
                );
                return Ok(None);
            }
        };
        if !self.org_id(
            FILE,
            "/Organization/Id",
            &info.id,
            valid_org_id(&info.id),
            "an organization id (o- and 10 to 32 lower-case letters or digits)",
        )? || !self.org_id(
            FILE,
            "/Organization/MasterAccountId",
            &info.master_account_id,
            valid_account_id(&info.master_account_id),
            "an AWS account id (12 digits)",
        )? {
            return Ok(None);
        }

        let account = self.org_account(account_id)?;

        let roots = self.read_or_gap::<Roots>(
            "organizations/roots.json",
            "/organization/scp_enabled",
            "aws organizations list-roots",
        )?;
        let path = self.org_path(account_id, roots.as_ref())?;
        let scp_enabled = roots.as_ref().map(|r| {
            r.roots.iter().any(|root| {
                root.policy_types
                    .iter()
                    .any(|t| t.r#type == "SERVICE_CONTROL_POLICY" && t.status == "ENABLED")
            })
        });
        let mut org = Organization {
            id: info.id,
            management_account_id: info.master_account_id,
            account,
            path,
            scp_enabled,
            service_control_policies: None,
            trail_logs: None,
        };
        // SCPs never bind the management account; disabled, they bind no one.
        if org.is_management(account_id) || scp_enabled != Some(true) {
            return Ok(Some(org));
        }
        if org.path.is_empty() {
            self.gap(
                "/organization/service_control_policies",
                "organizations/parents/",
                "the account's path to the root is not in the evidence, so the SCPs bounding it are unknown and none is applied",
            );
            return Ok(Some(org));
        }
        org.service_control_policies = self.scp_levels(account_id, &org.path)?;
        Ok(Some(org))
    }

    /// The SCPs at each level from the root down to the account. `None` (with a gap) when a
    /// level's list, a policy, or a document cannot be read: a partial set would bound the
    /// account by less than AWS does, so none is applied.
    fn scp_levels(&mut self, account_id: &str, path: &[OrgUnit]) -> Result<Option<Vec<ScpTarget>>> {
        let mut targets: Vec<String> = path.iter().map(|u| u.id.clone()).collect();
        targets.push(account_id.to_string());
        let mut levels = Vec::new();
        for (i, target) in targets.iter().enumerate() {
            let file = format!("organizations/policies-for-target/{id}.json", id = target);
            let pointer = format!("/organization/service_control_policies/{i}");
            let Some(list) = self.read_or_gap::<PoliciesForTarget>(
                &file,
                &pointer,
                "aws organizations list-policies-for-target --filter SERVICE_CONTROL_POLICY --target-id <id>",
            )?
            else {
                return Ok(None);
            };
            let mut policies = Vec::new();
            for (j, summary) in list.policies.into_iter().enumerate() {
                if !self.org_id(
                    &file,
                    &format!("/Policies/{j}/Id"),
                    &summary.id,
                    valid_policy_id(&summary.id),
                    "a policy id (p- and 8 to 128 letters, digits or _)",
                )? {
                    return Ok(None);
                }
                let Some(detail) = self.read_or_gap::<DescribePolicy>(
                    &format!("organizations/policies/{policy}.json", policy = summary.id),
                    &format!("{pointer}/policies/{j}"),
                    "aws organizations describe-policy --policy-id <id>",
                )?
                else {
                    return Ok(None);
                };
                // A document the engine cannot read would allow nothing at its level and hide
                // every path: the whole set is left out instead, and said so.
                if let Err(e) = safeguard_policy::Policy::parse(
                    &detail.policy.content.0,
                    safeguard_policy::PolicyKind::Identity,
                ) {
                    self.gap(
                        &format!("{pointer}/policies/{j}/document"),
                        &format!("organizations/policies/{policy}.json", policy = summary.id),
                        format!("the SCP cannot be read ({e}), so no SCP is applied"),
                    );
                    return Ok(None);
                }
                policies.push(Scp {
                    id: summary.id,
                    name: summary.name,
                    aws_managed: summary.aws_managed,
                    document: detail.policy.content,
                });
            }
            levels.push(ScpTarget {
                target: target.clone(),
                policies,
            });
        }
        Ok(Some(levels))
    }

    /// The account's name, state and tags in the organization.
    fn org_account(&mut self, account_id: &str) -> Result<Option<OrgAccount>> {
        let account = self
            .read_or_gap::<DescribeAccount>(
                "organizations/account.json",
                "/organization/account",
                "aws organizations describe-account --account-id <id>",
            )?
            .map(|d| (d.account.name, d.account.state.or(d.account.status)));
        let tags = self.read_or_gap::<TagList>(
            "organizations/account-tags.json",
            "/organization/account/tags",
            "aws organizations list-tags-for-resource --resource-id <id>",
        )?;
        Ok(account.map(|(name, status)| OrgAccount {
            id: account_id.to_string(),
            name,
            status,
            tags: tags
                .into_iter()
                .flat_map(|t| t.tags)
                .map(|t| (t.key, t.value))
                .collect(),
        }))
    }

    /// The root, then each OU down to the account's parent, walking `parents/<child>.json`
    /// up from the account. Empty (with a gap) when a link is missing or the chain loops.
    fn org_path(&mut self, account_id: &str, roots: Option<&Roots>) -> Result<Vec<OrgUnit>> {
        let mut up = Vec::new();
        let mut child = account_id.to_string();
        for _ in 0..=MAX_DEPTH {
            let file = format!("organizations/parents/{id}.json", id = child);
            let Some(parents) = self.read_or_gap::<Parents>(
                &file,
                "/organization/path",
                "aws organizations list-parents --child-id <id>",
            )?
            else {
                return Ok(Vec::new());
            };
            let Some(parent) = parents.parents.into_iter().next() else {
                self.gap(
                    "/organization/path",
                    &file,
                    format!("{child} has no parent in the evidence"),
                );
                return Ok(Vec::new());
            };
            match parent.r#type.as_str() {
                "ROOT" => {
                    if !self.org_id(
                        &file,
                        "/Parents/0/Id",
                        &parent.id,
                        valid_root_id(&parent.id),
                        "a root id (r- and 4 to 32 lower-case letters or digits)",
                    )? {
                        return Ok(Vec::new());
                    }
                    let name = roots
                        .and_then(|r| r.roots.iter().find(|x| x.id == parent.id))
                        .and_then(|x| x.name.clone());
                    up.push(OrgUnit {
                        id: parent.id,
                        name: name.or_else(|| Some("Root".into())),
                    });
                    up.reverse();
                    return Ok(up);
                }
                "ORGANIZATIONAL_UNIT" => {
                    if !self.org_id(
                        &file,
                        "/Parents/0/Id",
                        &parent.id,
                        valid_ou_id(&parent.id),
                        "an OU id (ou-, 4 to 32 and 8 to 32 lower-case letters or digits)",
                    )? {
                        return Ok(Vec::new());
                    }
                    if up.iter().any(|u: &OrgUnit| u.id == parent.id) {
                        break;
                    }
                    let name = self
                        .read_or_gap::<DescribeOu>(
                            &format!("organizations/ous/{ou}.json", ou = parent.id),
                            "/organization/path",
                            "aws organizations describe-organizational-unit --organizational-unit-id <id>",
                        )?
                        .and_then(|d| d.organizational_unit.name);
                    child = parent.id.clone();
                    up.push(OrgUnit {
                        id: parent.id,
                        name,
                    });
                }
                other => {
                    let e = Error::bad_input(
                        self.path(&file),
                        Location {
                            pointer: Some("/Parents/0/Type".into()),
                            ..Location::default()
                        },
                        format!(
                            "{other:?} is not a parent type: expected ROOT or ORGANIZATIONAL_UNIT"
                        ),
                    );
                    self.soften::<()>(Err(e), "/organization/path", &file)?;
                    return Ok(Vec::new());
                }
            }
        }
        self.gap(
            "/organization/path",
            "organizations/parents/",
            format!("the chain of parents from {account_id} loops or is deeper than AWS allows"),
        );
        Ok(Vec::new())
    }
}
