//! Access analysis: the snapshot's IAM evidence handed to the policy engine
//! (`safeguard-policy`), built once per assessment and shared by the IAM checks.
//!
//! This is the only place that knows both the snapshot's layout (for evidence pointers) and the
//! engine's model, so the engine stays free of snapshot and SDK types.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use safeguard_policy::escalation::{self, Analysis};
use safeguard_policy::{
    Account, Catalog, GroupId, GroupInput, PolicyId, PolicyInput, PolicyKind, PolicyRef,
    PrincipalId, PrincipalInput, PrincipalKind, RequestContext, ScpLevel, Table,
};
use serde_json::Value;

use crate::snapshot::{AttachedPolicy, AuthorizationDetails, InlinePolicy, Snapshot};

const DETAILS: &str = "/iam/authorization_details";

/// The engine's view of the account plus what the checks need to cite evidence.
pub(crate) struct Model {
    pub account: Account,
    /// Per principal: pointer to its entry in the authorization details.
    pub evidence: Table<PrincipalId, String>,
    /// Per principal: policies it holds whose documents are not in the evidence (an attached
    /// managed policy missing from the export, an unparseable document). Verdicts that would
    /// pass on such a principal are `error` instead.
    pub incomplete: Table<PrincipalId, Vec<String>>,
    /// Per principal: a service-linked role (path `/aws-service-role/`), which AWS manages.
    pub service_linked: Table<PrincipalId, bool>,
    /// Per policy: who holds it, for messages.
    pub holders: Table<PolicyId, Vec<String>>,
    /// Per policy: the attachment count as the evidence states it (managed policies).
    pub attachment_count: Table<PolicyId, Option<i64>>,
    /// Per policy: whether it is a managed policy owned by AWS.
    pub aws_managed: Table<PolicyId, bool>,
    /// Per policy: whether it is one of the organization's service control policies (which
    /// bound the account; they are not identity policies of it).
    pub scp: Table<PolicyId, bool>,
    /// The collection time: the `aws:CurrentTime` of every request judged.
    pub as_of: chrono::DateTime<chrono::Utc>,
}

/// The policy table being built, with what the checks need per policy alongside.
#[derive(Default)]
struct PolicyTable<'a> {
    inputs: Vec<PolicyInput<'a>>,
    holders: Table<PolicyId, Vec<String>>,
    attachment_count: Table<PolicyId, Option<i64>>,
    aws_managed: Table<PolicyId, bool>,
}

impl<'a> PolicyTable<'a> {
    fn push(
        &mut self,
        input: PolicyInput<'a>,
        holders: Vec<String>,
        count: Option<i64>,
        aws: bool,
    ) -> PolicyId {
        self.inputs.push(input);
        self.attachment_count.push(count);
        self.aws_managed.push(aws);
        self.holders.push(holders)
    }

    /// An inline policy of `owner` (`user/alice`), at `{base}/{list}/{j}`.
    fn inline(
        &mut self,
        owner_arn: &str,
        owner: String,
        base: &str,
        list: &str,
        j: usize,
        ip: &'a InlinePolicy,
    ) -> PolicyId {
        self.push(
            PolicyInput {
                label: format!("{owner_arn} (inline policy {})", ip.policy_name),
                pointer: format!("{base}/{list}/{j}/PolicyDocument"),
                document: &ip.policy_document.0,
                kind: PolicyKind::Identity,
                managed_arn: None,
                versions: 1,
            },
            vec![owner],
            None,
            false,
        )
    }
}

/// The managed policies of the evidence, by ARN, and why the others cannot be used.
struct Managed {
    ids: BTreeMap<String, PolicyId>,
    broken: HashMap<String, String>,
}

impl<'a> PolicyTable<'a> {
    /// Every managed policy's default version, or why it has none.
    fn managed(&mut self, details: &'a AuthorizationDetails) -> Managed {
        let mut m = Managed {
            ids: BTreeMap::new(),
            broken: HashMap::new(),
        };
        for (i, p) in details.policies.iter().enumerate() {
            let base = format!("{DETAILS}/Policies/{i}");
            match p.default_version() {
                Some((vi, v)) => {
                    let idx = self.push(
                        PolicyInput {
                            label: p.arn.clone(),
                            pointer: format!("{base}/PolicyVersionList/{vi}/Document"),
                            document: &v.document.0,
                            kind: PolicyKind::Identity,
                            managed_arn: Some(p.arn.clone()),
                            versions: p.policy_version_list.len(),
                        },
                        Vec::new(),
                        p.attachment_count,
                        p.is_aws_managed(),
                    );
                    m.ids.insert(p.arn.clone(), idx);
                }
                None => {
                    let why = format!("{} has no default version document in the evidence", p.arn);
                    m.broken.insert(p.arn.clone(), why);
                }
            }
        }
        m
    }

    /// An identity's own policies: its inline ones (at `{base}/{list}`) and the managed ones
    /// attached to it. Each attached policy the evidence lacks is noted in `missing`.
    #[expect(
        clippy::too_many_arguments,
        reason = "one identity's whole evidence, named"
    )]
    fn own(
        &mut self,
        arn: &str,
        owner: String,
        base: &str,
        list: &str,
        inline: &'a [InlinePolicy],
        attached: &[AttachedPolicy],
        managed: &Managed,
        missing: &mut Vec<String>,
    ) -> Vec<PolicyId> {
        let mut pols = Vec::new();
        for (j, ip) in inline.iter().enumerate() {
            pols.push(self.inline(arn, owner.clone(), base, list, j, ip));
        }
        for ap in attached {
            match managed.ids.get(&ap.policy_arn) {
                Some(&idx) => {
                    pols.push(idx);
                    self.holders[idx].push(owner.clone());
                }
                None => missing.push(missing_text(&managed.broken, &ap.policy_arn)),
            }
        }
        pols
    }
}

/// The principals being built, with what the checks need per principal alongside.
#[derive(Default)]
struct Principals {
    inputs: Vec<PrincipalInput>,
    evidence: Table<PrincipalId, String>,
    incomplete: Table<PrincipalId, Vec<String>>,
    service_linked: Table<PrincipalId, bool>,
}

impl Principals {
    fn push(&mut self, input: PrincipalInput, base: String, missing: Vec<String>, linked: bool) {
        self.inputs.push(input);
        self.evidence.push(base);
        self.incomplete.push(missing);
        self.service_linked.push(linked);
    }
}

/// The groups with their policies, and per group the policies the evidence lacks.
struct Groups {
    inputs: Table<GroupId, GroupInput>,
    missing: Table<GroupId, Vec<String>>,
}

impl Groups {
    fn read<'a>(
        details: &'a AuthorizationDetails,
        table: &mut PolicyTable<'a>,
        managed: &Managed,
    ) -> Groups {
        let mut groups = Groups {
            inputs: Table::new(),
            missing: Table::new(),
        };
        for (gi, g) in details.group_detail_list.iter().enumerate() {
            let base = format!("{DETAILS}/GroupDetailList/{gi}");
            let mut missing = Vec::new();
            let policies = table.own(
                &g.arn,
                format!("group/{}", g.group_name),
                &base,
                "GroupPolicyList",
                &g.group_policy_list,
                &g.attached_managed_policies,
                managed,
                &mut missing,
            );
            groups.inputs.push(GroupInput {
                arn: g.arn.clone(),
                name: g.group_name.clone(),
                policies,
            });
            groups.missing.push(missing);
        }
        groups
    }
}

/// Policies an identity holds directly.
fn direct(policies: Vec<PolicyId>) -> Vec<PolicyRef> {
    policies
        .into_iter()
        .map(|policy| PolicyRef {
            policy,
            via_group: None,
        })
        .collect()
}

impl Model {
    pub fn build(snapshot: &Snapshot, details: &AuthorizationDetails) -> Model {
        let mut table = PolicyTable::default();
        let managed = table.managed(details);
        let groups = Groups::read(details, &mut table, &managed);
        let mut people = Principals::default();
        users(
            snapshot,
            details,
            &mut table,
            &managed,
            &groups,
            &mut people,
        );
        roles(details, &mut table, &managed, &mut people);

        let scp_levels = scp_levels(snapshot, &mut table);
        let mut scp: Table<PolicyId, bool> = table.inputs.iter().map(|_| false).collect();
        for &p in scp_levels.iter().flat_map(|l| &l.policies) {
            scp[p] = true;
        }
        let account = Account::new(
            snapshot.account.id.clone(),
            snapshot.account.partition.clone(),
            Catalog::builtin(),
            table.inputs,
            people.inputs,
            groups.inputs.iter().cloned().collect(),
        )
        .with_scps(scp_levels);
        let mut incomplete = people.incomplete;
        unreadable_policies(&account, &mut incomplete);
        Model {
            account,
            evidence: people.evidence,
            incomplete,
            service_linked: people.service_linked,
            holders: table.holders,
            attachment_count: table.attachment_count,
            aws_managed: table.aws_managed,
            scp,
            as_of: snapshot.collected_at,
        }
    }

    /// "user/alice" or "role/deployer".
    pub fn noun(&self, p: PrincipalId) -> String {
        let pr = &self.account.principals[p];
        match pr.kind {
            PrincipalKind::User => format!("user/{}", pr.name),
            PrincipalKind::Role => format!("role/{}", pr.name),
        }
    }

    /// The request context assumed for a principal's sessions.
    pub(crate) fn context(&self, p: PrincipalId, mfa: bool) -> RequestContext {
        self.account.context_for(p, &base_context(mfa, self.as_of))
    }
}

/// The users: their own policies, their groups' (noted as via the group), their boundary,
/// and what the credential report says of their password and keys.
fn users<'a>(
    snapshot: &Snapshot,
    details: &'a AuthorizationDetails,
    table: &mut PolicyTable<'a>,
    managed: &Managed,
    groups: &Groups,
    people: &mut Principals,
) {
    let group_index: HashMap<&str, GroupId> = groups
        .inputs
        .iter_enumerated()
        .map(|(i, g)| (g.name.as_str(), i))
        .collect();
    let passwords = console_passwords(snapshot);
    let keys = access_key_counts(snapshot);
    for (ui, u) in details.user_detail_list.iter().enumerate() {
        let base = format!("{DETAILS}/UserDetailList/{ui}");
        let mut missing = Vec::new();
        let mut policies = direct(table.own(
            &u.arn,
            format!("user/{}", u.user_name),
            &base,
            "UserPolicyList",
            &u.user_policy_list,
            &u.attached_managed_policies,
            managed,
            &mut missing,
        ));
        let mut member = Vec::new();
        for gname in &u.group_list {
            match group_index.get(gname.as_str()) {
                Some(&gi) => {
                    member.push(gi);
                    policies.extend(groups.inputs[gi].policies.iter().map(|&p| PolicyRef {
                        policy: p,
                        via_group: Some(gi),
                    }));
                    missing.extend(
                        groups.missing[gi]
                            .iter()
                            .map(|m| format!("{m} (via group {gname})")),
                    );
                }
                None => missing.push(format!("group {gname} is not in the evidence")),
            }
        }
        let boundary = boundary_of(&u.extra, &managed.ids, &managed.broken, &mut missing);
        let input = PrincipalInput {
            arn: u.arn.clone(),
            name: u.user_name.clone(),
            kind: PrincipalKind::User,
            policies,
            groups: member,
            boundary,
            trust: None,
            tags: tags_of(&u.extra),
            console_password: passwords.get(u.arn.as_str()).copied().flatten(),
            access_keys: keys.get(u.arn.as_str()).copied().flatten(),
            instance_profile: false,
        };
        people.push(input, base, missing, false);
    }
}

/// The roles: their own policies, trust policy, boundary and instance profiles.
fn roles<'a>(
    details: &'a AuthorizationDetails,
    table: &mut PolicyTable<'a>,
    managed: &Managed,
    people: &mut Principals,
) {
    for (ri, r) in details.role_detail_list.iter().enumerate() {
        let base = format!("{DETAILS}/RoleDetailList/{ri}");
        let mut missing = Vec::new();
        let policies = direct(table.own(
            &r.arn,
            format!("role/{}", r.role_name),
            &base,
            "RolePolicyList",
            &r.role_policy_list,
            &r.attached_managed_policies,
            managed,
            &mut missing,
        ));
        let trust = r.assume_role_policy_document.as_ref().map(|doc| {
            table.push(
                PolicyInput {
                    label: format!("{} (trust policy)", r.arn),
                    pointer: format!("{base}/AssumeRolePolicyDocument"),
                    document: &doc.0,
                    kind: PolicyKind::Resource,
                    managed_arn: None,
                    versions: 1,
                },
                Vec::new(),
                None,
                false,
            )
        });
        if trust.is_none() {
            missing.push("the role's trust policy is not in the evidence".into());
        }
        let boundary = boundary_of(&r.extra, &managed.ids, &managed.broken, &mut missing);
        let path = r.extra.get("Path").and_then(Value::as_str).unwrap_or("/");
        let input = PrincipalInput {
            arn: r.arn.clone(),
            name: r.role_name.clone(),
            kind: PrincipalKind::Role,
            policies,
            groups: Vec::new(),
            boundary,
            trust,
            tags: tags_of(&r.extra),
            console_password: None,
            access_keys: None,
            instance_profile: r
                .extra
                .get("InstanceProfileList")
                .and_then(Value::as_array)
                .is_some_and(|l| !l.is_empty()),
        };
        people.push(input, base, missing, path.starts_with("/aws-service-role/"));
    }
}

/// A policy the engine could not parse makes every holder's verdict incomplete.
fn unreadable_policies(account: &Account, incomplete: &mut Table<PrincipalId, Vec<String>>) {
    for (p, pr) in account.principals.iter_enumerated() {
        let held = pr.policies.iter().map(|r| r.policy).chain(pr.boundary);
        for policy in held {
            if let Err(e) = &account.policies[policy].policy {
                incomplete[p].push(format!(
                    "{} cannot be read: {e}",
                    account.policies[policy].label
                ));
            }
        }
    }
}

/// The SCP levels bounding the account — root, each OU, the account — with their policies
/// added to the table; none when the snapshot holds no complete set (see
/// `Organization::service_control_policies`).
fn scp_levels<'a>(snapshot: &'a Snapshot, table: &mut PolicyTable<'a>) -> Vec<ScpLevel> {
    let Some(org) = &snapshot.organization else {
        return Vec::new();
    };
    let Some(targets) = &org.service_control_policies else {
        return Vec::new();
    };
    let names: HashMap<&str, &str> = org
        .path
        .iter()
        .filter_map(|u| Some((u.id.as_str(), u.name.as_deref()?)))
        .collect();
    targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let at = match names.get(t.target.as_str()) {
                Some(name) => format!("{} ({name})", t.target),
                None => t.target.clone(),
            };
            let policies = t
                .policies
                .iter()
                .enumerate()
                .map(|(j, scp)| {
                    let name = scp.name.as_deref().unwrap_or(&scp.id);
                    table.push(
                        PolicyInput {
                            label: format!("SCP {} ({name}) attached to {at}", scp.id),
                            pointer: format!(
                                "/organization/service_control_policies/{i}/policies/{j}/document"
                            ),
                            document: &scp.document.0,
                            kind: PolicyKind::Identity,
                            managed_arn: None,
                            versions: 1,
                        },
                        Vec::new(),
                        None,
                        scp.aws_managed,
                    )
                })
                .collect();
            ScpLevel {
                label: at,
                policies,
            }
        })
        .collect()
}

/// The longest a session lasts (GetSessionToken with an IAM user's credentials: 36 hours).
pub(crate) const MAX_SESSION_HOURS: u32 = 36;

/// What every session is assumed to be: with or without MFA, at the collection time, over TLS.
///
/// Decided from what the evidence fixes: `aws:CurrentTime` and `aws:EpochTime` are the
/// collection time (a grant that has expired by then is not counted, one not yet valid is
/// not either); `aws:SecureTransport` is true, as every AWS API caller uses TLS. Without MFA
/// the session is a long-term access key (see `Account::context_for` for `aws:TokenIssueTime`).
pub(crate) fn base_context(mfa: bool, as_of: chrono::DateTime<chrono::Utc>) -> RequestContext {
    let mut c = RequestContext::new();
    let now = as_of.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    c.set("aws:CurrentTime", &[&now]);
    c.set("aws:EpochTime", &[&as_of.timestamp().to_string()]);
    // A session that exists at the collection time was issued at most 36 hours before it
    // (GetSessionToken's longest; role sessions are shorter) and not after it. A long-term key
    // carries no issue time: `Account::context_for` marks it absent for those.
    let now = as_of.timestamp() as f64;
    c.window(
        "aws:TokenIssueTime",
        now - f64::from(MAX_SESSION_HOURS * 3600),
        now,
    );
    c.set("aws:SecureTransport", &["true"]);
    if mfa {
        c.set("aws:MultiFactorAuthPresent", &["true"]);
    } else {
        c.set("aws:MultiFactorAuthPresent", &["false"]);
        c.absent("aws:MultiFactorAuthAge");
    }
    c
}

/// Whether the credential report shows a console password for the user (`None`: not known).
/// Per user ARN, whether the credential report says a console password is enabled (the first
/// row naming the ARN; `None` where the report does not say). Indexed once: looking each user
/// up in the report was quadratic on large accounts.
fn console_passwords(snapshot: &Snapshot) -> HashMap<&str, Option<bool>> {
    let mut out = HashMap::new();
    if let Some(report) = snapshot.iam.credential_report.as_ref() {
        for (_, row) in report.users() {
            if let Some(arn) = row.get("arn") {
                out.entry(arn.as_str())
                    .or_insert_with(|| crate::snapshot::report_flag(row, "password_enabled"));
            }
        }
    }
    out
}

/// Per user ARN, how many access keys the credential report shows (active or inactive: a key
/// exists where its `access_key_N_last_rotated` is a time, not `N/A`); `None` where the report
/// does not say.
fn access_key_counts(snapshot: &Snapshot) -> HashMap<&str, Option<u8>> {
    let mut out = HashMap::new();
    if let Some(report) = snapshot.iam.credential_report.as_ref() {
        for (_, row) in report.users() {
            if let Some(arn) = row.get("arn") {
                out.entry(arn.as_str()).or_insert_with(|| {
                    let slot = |n: u8| -> Option<u8> {
                        let rotated = row.get(&format!("access_key_{n}_last_rotated"))?;
                        let active =
                            crate::snapshot::report_flag(row, &format!("access_key_{n}_active"))?;
                        Some(u8::from(active || !matches!(rotated.trim(), "N/A" | "")))
                    };
                    Some(slot(1)? + slot(2)?)
                });
            }
        }
    }
    out
}

fn missing_text(broken: &HashMap<String, String>, arn: &str) -> String {
    broken
        .get(arn)
        .cloned()
        .unwrap_or_else(|| format!("attached policy {arn} is not in the evidence"))
}

fn boundary_of(
    extra: &BTreeMap<String, Value>,
    managed: &BTreeMap<String, PolicyId>,
    broken: &HashMap<String, String>,
    missing: &mut Vec<String>,
) -> Option<PolicyId> {
    let arn = extra
        .get("PermissionsBoundary")?
        .get("PermissionsBoundaryArn")?
        .as_str()?;
    match managed.get(arn) {
        Some(&i) => Some(i),
        None => {
            missing.push(format!(
                "permissions boundary {}",
                missing_text(broken, arn)
            ));
            None
        }
    }
}

fn tags_of(extra: &BTreeMap<String, Value>) -> Vec<(String, String)> {
    extra
        .get("Tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                t.get("Key")?.as_str()?.to_string(),
                t.get("Value")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            ))
        })
        .collect()
}

/// Built on first use and shared by every check of one assessment.
pub struct AccessModel<'s> {
    snapshot: &'s Snapshot,
    model: OnceLock<Option<Model>>,
    /// Without MFA, then with: each built once, by whichever check asks first; a check on
    /// another thread asking for the other one is not held up.
    escalation: [OnceLock<Arc<Analysis>>; 2],
}

impl<'s> AccessModel<'s> {
    pub fn new(snapshot: &'s Snapshot) -> Self {
        AccessModel {
            snapshot,
            model: OnceLock::new(),
            escalation: [OnceLock::new(), OnceLock::new()],
        }
    }

    /// `None` when the authorization details are missing from the evidence.
    pub(crate) fn model(&self) -> Option<&Model> {
        self.model
            .get_or_init(|| {
                self.snapshot
                    .iam
                    .authorization_details
                    .as_ref()
                    .map(|d| Model::build(self.snapshot, d))
            })
            .as_ref()
    }

    /// The escalation graph, for sessions with or without MFA.
    /// With MFA, paths are worded only for principals that have none without MFA (the worse
    /// path is the one reported; wording is most of the cost on large accounts).
    pub fn escalation(&self, mfa: bool) -> Option<Arc<Analysis>> {
        let model = self.model()?;
        let without = if mfa {
            Some(self.escalation(false)?)
        } else {
            None
        };
        Some(
            self.escalation[usize::from(mfa)]
                .get_or_init(|| {
                    let base = base_context(mfa, self.snapshot.collected_at);
                    Arc::new(match &without {
                        Some(w) => escalation::analyze_explaining(&model.account, &base, &|p| {
                            w.paths[p].as_ref().is_none_or(|path| path.is_empty())
                        }),
                        None => escalation::analyze(&model.account, &base),
                    })
                })
                .clone(),
        )
    }
}
