//! The organization as its management (or delegated-administrator) account sees it: the member
//! accounts, and for each the `organizations/` evidence files (docs/evidence-format.md) that a
//! member account cannot show about itself — its OU path, tags and the service control
//! policies along that path. Responses shared by many accounts (an OU's parent, a policy's
//! document) are asked once per run.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use aws_config::SdkConfig;
use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::{ParentType, PolicyType};
use serde_json::{Value, json};

use super::calls::all_pages;
use super::{CallCounter, failure};
use crate::error::{Error, Result};
use crate::import::Entry;

/// A member account as `ListAccounts` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub name: Option<String>,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, ... (`State`, else the older `Status`).
    pub state: String,
}

impl Member {
    /// Whether the account can be assessed: a suspended or closing one cannot be signed into.
    pub fn is_active(&self) -> bool {
        self.state == "ACTIVE"
    }
}

/// The organization seen from the hub account.
pub struct Hub {
    client: Client,
    pub id: String,
    pub management_account_id: String,
    organization: Value,
    /// Files shared by many accounts, by their path under the export folder.
    shared: Mutex<HashMap<String, Entry>>,
    max_pages: usize,
}

/// OUs nest five deep under the root: a longer chain is a loop in the answers.
const MAX_DEPTH: usize = 6;

impl Hub {
    /// `DescribeOrganization` from the hub's credentials: without it nothing else can work.
    pub async fn new(config: &SdkConfig, counter: &CallCounter, max_pages: usize) -> Result<Hub> {
        let client = Client::from_conf(
            aws_sdk_organizations::config::Builder::from(config)
                .interceptor(counter.clone())
                .retry_classifier(crate::collect::retry::NotImplemented)
                .build(),
        );
        let out = client.describe_organization().send().await.map_err(|e| {
            Error::Collection(format!(
                "cannot read the organization from this account ({}); run from the management account or a delegated administrator with organizations:Describe*/List* (deploy/iam/hub-policy.json)",
                failure("DescribeOrganization", &e)
            ))
        })?;
        let org = out.organization().ok_or_else(|| {
            Error::Collection("DescribeOrganization answered without an organization".into())
        })?;
        let id = org.id().unwrap_or_default().to_string();
        let management_account_id = org.master_account_id().unwrap_or_default().to_string();
        if !crate::snapshot::organization::valid_org_id(&id)
            || !crate::snapshot::valid_account_id(&management_account_id)
        {
            return Err(Error::Collection(format!(
                "DescribeOrganization answered organization {id:?} with management account {management_account_id:?}: not ids AWS issues"
            )));
        }
        let organization = json!({"Organization": {
            "Id": id,
            "Arn": org.arn(),
            "MasterAccountId": management_account_id,
            "FeatureSet": org.feature_set().map(|f| f.as_str()),
        }});
        Ok(Hub {
            client,
            id,
            management_account_id,
            organization,
            shared: Mutex::default(),
            max_pages: max_pages.max(1),
        })
    }

    /// Every account of the organization, or those under the OUs named (recursively), by id.
    /// Each listing goes through the collector's pagination (page limit, repeated markers).
    pub async fn members(&self, ous: &[String]) -> Result<Vec<Member>> {
        let mut out = BTreeMap::new();
        let mut add = |accounts: &[aws_sdk_organizations::types::Account]| {
            for a in accounts {
                let m = member(a);
                out.insert(m.id.clone(), m);
            }
        };
        let listing = |what: String| {
            move |why: String| Error::Collection(format!("cannot list {what}: {why}"))
        };
        if ous.is_empty() {
            all_pages(
                self.client.list_accounts().into_paginator().send(),
                "ListAccounts",
                self.max_pages,
                |p| p.next_token(),
                |p| add(p.accounts()),
            )
            .await
            .map_err(listing("the accounts".into()))?;
        } else {
            let mut stack: Vec<(String, usize)> = ous.iter().map(|o| (o.clone(), 0)).collect();
            while let Some((parent, depth)) = stack.pop() {
                if depth > MAX_DEPTH {
                    return Err(Error::Collection(format!(
                        "the OUs under {parent} nest deeper than AWS allows"
                    )));
                }
                all_pages(
                    self.client
                        .list_accounts_for_parent()
                        .parent_id(&parent)
                        .into_paginator()
                        .send(),
                    "ListAccountsForParent",
                    self.max_pages,
                    |p| p.next_token(),
                    |p| add(p.accounts()),
                )
                .await
                .map_err(listing(format!("the accounts of {parent}")))?;
                all_pages(
                    self.client
                        .list_organizational_units_for_parent()
                        .parent_id(&parent)
                        .into_paginator()
                        .send(),
                    "ListOrganizationalUnitsForParent",
                    self.max_pages,
                    |p| p.next_token(),
                    |p| {
                        stack.extend(
                            p.organizational_units()
                                .iter()
                                .filter_map(|ou| Some((ou.id()?.to_string(), depth + 1))),
                        )
                    },
                )
                .await
                .map_err(listing(format!("the OUs under {parent}")))?;
            }
        }
        Ok(out.into_values().collect())
    }

    /// The `organizations/` files for one account: each call that fails is filed as failed, so
    /// the importer records the gap.
    pub async fn evidence(&self, account: &str) -> BTreeMap<String, Entry> {
        let mut files = BTreeMap::new();
        files.insert(
            "organizations/organization.json".to_string(),
            json_entry(&self.organization),
        );
        let described = self
            .client
            .describe_account()
            .account_id(account)
            .send()
            .await;
        files.insert(
            "organizations/account.json".into(),
            match described {
                Ok(o) => json_entry(&json!({"Account": o.account().map(|a| json!({
                    "Id": a.id(), "Name": a.name(),
                    "Status": a.status().map(|s| s.as_str()),
                    "State": a.state().map(|s| s.as_str()),
                }))})),
                Err(e) => Entry::Failed(failure("DescribeAccount", &e)),
            },
        );
        let tags = self
            .client
            .list_tags_for_resource()
            .resource_id(account)
            .send()
            .await;
        files.insert(
            "organizations/account-tags.json".into(),
            match tags {
                Ok(o) => json_entry(&json!({"Tags": o.tags().iter().map(|t| json!({"Key": t.key(), "Value": t.value()})).collect::<Vec<_>>()})),
                Err(e) => Entry::Failed(failure("ListTagsForResource", &e)),
            },
        );
        let roots = self
            .shared("organizations/roots.json", || async {
                match self.client.list_roots().send().await {
                    Ok(o) => json_entry(&json!({"Roots": o.roots().iter().map(|r| json!({
                    "Id": r.id(), "Name": r.name(),
                    "PolicyTypes": r.policy_types().iter().map(|t| json!({
                        "Type": t.r#type().map(|x| x.as_str()),
                        "Status": t.status().map(|x| x.as_str()),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>()})),
                    Err(e) => Entry::Failed(failure("ListRoots", &e)),
                }
            })
            .await;
        files.insert("organizations/roots.json".into(), roots);

        let targets = self.path_to_root(account, &mut files).await;
        self.policies_of(account, &targets, &mut files).await;
        files
    }

    /// Up from the account to the root: each parent, each OU's name. Returns the account and
    /// the OUs and root above it (what SCPs attach to), nearest first.
    async fn path_to_root(
        &self,
        account: &str,
        files: &mut BTreeMap<String, Entry>,
    ) -> Vec<String> {
        let mut targets = vec![account.to_string()];
        let mut child = account.to_string();
        for _ in 0..=MAX_DEPTH {
            let rel = format!("organizations/parents/{child}.json");
            let entry = if child == account {
                self.parents(&child).await
            } else {
                let c = child.clone();
                self.shared(&rel, || async move { self.parents(&c).await })
                    .await
            };
            let next = match &entry {
                Entry::Json(bytes) => serde_json::from_slice::<Value>(bytes).ok().and_then(|v| {
                    let p = v["Parents"].get(0)?;
                    Some((p["Id"].as_str()?.to_string(), p["Type"].as_str()? == "ROOT"))
                }),
                Entry::Failed(_) => None,
            };
            files.insert(rel, entry);
            let Some((parent, is_root)) = next else { break };
            // Ids name files: only what AWS issues goes further.
            let valid = if is_root {
                crate::snapshot::organization::valid_root_id(&parent)
            } else {
                crate::snapshot::organization::valid_ou_id(&parent)
            };
            if !valid || targets.contains(&parent) {
                break;
            }
            targets.push(parent.clone());
            if is_root {
                break;
            }
            let rel = format!("organizations/ous/{parent}.json");
            let ou = parent.clone();
            let entry = self
                .shared(&rel, || async move {
                    match self
                        .client
                        .describe_organizational_unit()
                        .organizational_unit_id(&ou)
                        .send()
                        .await
                    {
                        Ok(o) => json_entry(
                            &json!({"OrganizationalUnit": o.organizational_unit().map(|u| json!({
                                "Id": u.id(), "Arn": u.arn(), "Name": u.name(),
                            }))}),
                        ),
                        Err(e) => Entry::Failed(failure("DescribeOrganizationalUnit", &e)),
                    }
                })
                .await;
            files.insert(rel, entry);
            child = parent;
        }

        targets
    }

    /// The SCPs at every level of `targets`, and each document once.
    async fn policies_of(
        &self,
        account: &str,
        targets: &[String],
        files: &mut BTreeMap<String, Entry>,
    ) {
        for target in targets {
            let rel = format!("organizations/policies-for-target/{target}.json");
            let entry = if target == account {
                self.policies_for(target).await
            } else {
                let t = target.clone();
                self.shared(&rel, || async move { self.policies_for(&t).await })
                    .await
            };
            let ids: Vec<String> = match &entry {
                Entry::Json(bytes) => serde_json::from_slice::<Value>(bytes)
                    .ok()
                    .and_then(|v| {
                        v["Policies"].as_array().map(|a| {
                            a.iter()
                                .filter_map(|p| p["Id"].as_str().map(str::to_string))
                                .collect()
                        })
                    })
                    .unwrap_or_default(),
                Entry::Failed(_) => Vec::new(),
            };
            files.insert(rel, entry);
            for id in ids {
                if !crate::snapshot::organization::valid_policy_id(&id) {
                    continue;
                }
                let rel = format!("organizations/policies/{id}.json");
                let pid = id.clone();
                let entry = self
                    .shared(&rel, || async move {
                        match self.client.describe_policy().policy_id(&pid).send().await {
                            Ok(o) => json_entry(&json!({"Policy": o.policy().map(|p| json!({
                                "PolicySummary": p.policy_summary().map(|s| json!({
                                    "Id": s.id(), "Arn": s.arn(), "Name": s.name(),
                                    "Type": s.r#type().map(|t| t.as_str()), "AwsManaged": s.aws_managed(),
                                })),
                                "Content": p.content(),
                            }))})),
                            Err(e) => Entry::Failed(failure("DescribePolicy", &e)),
                        }
                    })
                    .await;
                files.insert(rel, entry);
            }
        }
    }

    /// The management account's log groups, metric filters and alarms for the organization
    /// trails a member's evidence (`entries`) shows delivering there, filed under
    /// `organizations/logs/` and `organizations/cloudwatch/`. Only when the hub *is* the
    /// management account (`hub_account`): a delegated administrator cannot read them, and the
    /// checks then say the group is another account's.
    pub async fn trail_logs(
        &self,
        config: &SdkConfig,
        counter: &CallCounter,
        hub_account: &str,
        entries: &BTreeMap<String, Entry>,
    ) -> BTreeMap<String, Entry> {
        let mut out = BTreeMap::new();
        if hub_account != self.management_account_id {
            return out;
        }
        for (region, names) in log_groups_in(entries, &self.management_account_id) {
            let files =
                super::calls::log_evidence(config, counter, &region, &names, self.max_pages).await;
            out.extend(
                files
                    .into_iter()
                    .map(|(k, v)| (format!("organizations/{k}"), v)),
            );
        }
        out
    }

    async fn parents(&self, child: &str) -> Entry {
        match self.client.list_parents().child_id(child).send().await {
            Ok(o) => json_entry(&json!({"Parents": o.parents().iter().map(|p| json!({
                "Id": p.id(),
                "Type": p.r#type().map(ParentType::as_str),
            })).collect::<Vec<_>>()})),
            Err(e) => Entry::Failed(failure("ListParents", &e)),
        }
    }

    async fn policies_for(&self, target: &str) -> Entry {
        let mut all = Vec::new();
        let outcome = all_pages(
            self.client
                .list_policies_for_target()
                .target_id(target)
                .filter(PolicyType::ServiceControlPolicy)
                .into_paginator()
                .send(),
            "ListPoliciesForTarget",
            self.max_pages,
            |p| p.next_token(),
            |p| {
                all.extend(p.policies().iter().map(|s| {
                    json!({
                        "Id": s.id(), "Arn": s.arn(), "Name": s.name(),
                        "Type": s.r#type().map(PolicyType::as_str), "AwsManaged": s.aws_managed(),
                    })
                }))
            },
        )
        .await;
        match outcome {
            Ok(()) => json_entry(&json!({"Policies": all})),
            Err(text) => Entry::Failed(text),
        }
    }

    /// A file shared by accounts: asked the first time, then copied.
    async fn shared<F, Fut>(&self, rel: &str, ask: F) -> Entry
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Entry>,
    {
        if let Some(e) = self
            .shared
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(rel)
        {
            return e.clone();
        }
        let entry = ask().await;
        self.shared
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string(), entry.clone());
        entry
    }
}

/// The log groups in `account`, by region, that the trails in a member's evidence deliver to.
fn log_groups_in(
    entries: &BTreeMap<String, Entry>,
    account: &str,
) -> BTreeMap<String, Vec<String>> {
    let mut wanted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (rel, entry) in entries {
        let (true, Entry::Json(bytes)) = (rel.ends_with("/trails.json"), entry) else {
            continue;
        };
        let Ok(v) = serde_json::from_slice::<Value>(bytes) else {
            continue;
        };
        for t in v["trailList"].as_array().into_iter().flatten() {
            let Some(arn) = t["CloudWatchLogsLogGroupArn"].as_str() else {
                continue;
            };
            // arn:<partition>:logs:<region>:<account>:log-group:<name>[:*]
            let parts: Vec<&str> = arn.split(':').collect();
            // Regions name files: only what AWS names a region goes further.
            let region_ok = !parts.get(3).is_none_or(|r| r.is_empty())
                && parts[3]
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if parts.len() >= 7 && parts[4] == account && parts[5] == "log-group" && region_ok {
                let names = wanted.entry(parts[3].to_string()).or_default();
                if !names.iter().any(|n| n == parts[6]) {
                    names.push(parts[6].to_string());
                }
            }
        }
    }
    wanted
}

fn member(a: &aws_sdk_organizations::types::Account) -> Member {
    Member {
        id: a.id().unwrap_or_default().to_string(),
        name: a.name().map(str::to_string),
        state: a
            .state()
            .map(|s| s.as_str().to_string())
            .or_else(|| a.status().map(|s| s.as_str().to_string()))
            .unwrap_or_else(|| "UNKNOWN".into()),
    }
}

fn json_entry(v: &Value) -> Entry {
    Entry::Json(serde_json::to_vec(v).expect("json serializes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_management_accounts_log_groups_are_asked_for() {
        let trails = json!({"trailList": [
            {"Name": "org", "CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111111111111:log-group:org-events:*"},
            {"Name": "again", "CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111111111111:log-group:org-events:*"},
            {"Name": "own", "CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:222222222222:log-group:mine:*"},
            {"Name": "odd", "CloudWatchLogsLogGroupArn": "arn:aws:logs:../../x:111111111111:log-group:g:*"},
            {"Name": "none"},
        ]});
        let mut entries = BTreeMap::new();
        entries.insert(
            "cloudtrail/us-east-1/trails.json".to_string(),
            json_entry(&trails),
        );
        entries.insert(
            "cloudtrail/eu-west-1/trails.json".to_string(),
            Entry::Failed("denied".into()),
        );
        let wanted = log_groups_in(&entries, "111111111111");
        assert_eq!(wanted.len(), 1);
        assert_eq!(wanted["us-east-1"], vec!["org-events".to_string()]);
    }
}
