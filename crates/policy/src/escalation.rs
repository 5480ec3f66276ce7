//! The privilege-escalation graph.
//!
//! Nodes are principals. An edge `p → q` means "p can become q": assume q (both p's
//! permissions and q's trust policy allow it), create an access key or a console password for
//! user q, or pass role q to a compute service that runs code p controls. A principal is a
//! *target* when it is admin-equivalent (every action on every resource, or every IAM action,
//! which lets it grant itself anything), or when it can raise its own permissions (attach or
//! put a policy on itself or its group, rewrite a policy version it holds, join an admin group,
//! drop its permissions boundary). A principal escalates when a path leads from it to a target;
//! the path is reported step by step with the statements that enable each step.
//!
//! Every method is evaluated with the whole set of the principal's policies, boundary and
//! Denies (see [`Account::decide`]); a step whose grant rests on undecided conditions is kept
//! with those conditions in its text.

use std::collections::{HashMap, VecDeque};

use crate::account::{Account, Outcome, PrincipalKind, StatementRef, Target};
use crate::actionset::ActionSet;
use crate::catalog::ActionId;
use crate::condition::{RequestContext, Tri};
use crate::trust::{self, Trustee};

/// A way to become a role by handing it to (or reaching it inside) a service that runs code.
#[derive(Debug)]
pub struct ComputeMethod {
    pub id: &'static str,
    /// The service principal the role must trust.
    pub service: &'static str,
    /// Actions needed besides `iam:PassRole` (all of them, on some resource).
    pub actions: &'static [&'static str],
    /// Whether `iam:PassRole` on the role is needed (false: the method reaches roles already
    /// in use by existing resources, e.g. updating a Lambda function's code).
    pub pass_role: bool,
}

/// The compute-service methods, the classic ones and the PassRole combinations catalogued by
/// the community since.
pub const COMPUTE_METHODS: &[ComputeMethod] = &[
    ComputeMethod {
        id: "passrole_ec2_run_instances",
        service: "ec2.amazonaws.com",
        actions: &["ec2:RunInstances"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_ec2_spot_instances",
        service: "ec2.amazonaws.com",
        actions: &["ec2:RequestSpotInstances"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_ec2_associate_profile",
        service: "ec2.amazonaws.com",
        actions: &["ec2:AssociateIamInstanceProfile"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_autoscaling",
        service: "ec2.amazonaws.com",
        actions: &[
            "autoscaling:CreateLaunchConfiguration",
            "autoscaling:CreateAutoScalingGroup",
        ],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_lambda_invoke",
        service: "lambda.amazonaws.com",
        actions: &["lambda:CreateFunction", "lambda:InvokeFunction"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_lambda_event_source",
        service: "lambda.amazonaws.com",
        actions: &["lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_lambda_url",
        service: "lambda.amazonaws.com",
        actions: &["lambda:CreateFunction", "lambda:CreateFunctionUrlConfig"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_glue_dev_endpoint",
        service: "glue.amazonaws.com",
        actions: &["glue:CreateDevEndpoint"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_glue_job",
        service: "glue.amazonaws.com",
        actions: &["glue:CreateJob", "glue:StartJobRun"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_cloudformation",
        service: "cloudformation.amazonaws.com",
        actions: &["cloudformation:CreateStack"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_datapipeline",
        service: "datapipeline.amazonaws.com",
        actions: &[
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_codebuild",
        service: "codebuild.amazonaws.com",
        actions: &["codebuild:CreateProject", "codebuild:StartBuild"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_ecs_run_task",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:RegisterTaskDefinition", "ecs:RunTask"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_ecs_service",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:RegisterTaskDefinition", "ecs:CreateService"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_sagemaker_notebook",
        service: "sagemaker.amazonaws.com",
        actions: &[
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_sagemaker_training",
        service: "sagemaker.amazonaws.com",
        actions: &["sagemaker:CreateTrainingJob"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_sagemaker_processing",
        service: "sagemaker.amazonaws.com",
        actions: &["sagemaker:CreateProcessingJob"],
        pass_role: true,
    },
    ComputeMethod {
        id: "passrole_apprunner",
        service: "tasks.apprunner.amazonaws.com",
        actions: &["apprunner:CreateService"],
        pass_role: true,
    },
    ComputeMethod {
        id: "lambda_update_function_code",
        service: "lambda.amazonaws.com",
        actions: &["lambda:UpdateFunctionCode"],
        pass_role: false,
    },
    ComputeMethod {
        id: "glue_update_dev_endpoint",
        service: "glue.amazonaws.com",
        actions: &["glue:UpdateDevEndpoint"],
        pass_role: false,
    },
    ComputeMethod {
        id: "ssm_send_command",
        service: "ec2.amazonaws.com",
        actions: &["ssm:SendCommand"],
        pass_role: false,
    },
    ComputeMethod {
        id: "ssm_start_session",
        service: "ec2.amazonaws.com",
        actions: &["ssm:StartSession"],
        pass_role: false,
    },
    ComputeMethod {
        id: "codebuild_start_build",
        service: "codebuild.amazonaws.com",
        actions: &["codebuild:StartBuild"],
        pass_role: false,
    },
    ComputeMethod {
        id: "ecs_execute_command",
        service: "ecs-tasks.amazonaws.com",
        actions: &["ecs:ExecuteCommand"],
        pass_role: false,
    },
];

/// Every method id the graph uses, for documentation and tests.
pub const IAM_METHODS: &[&str] = &[
    "assume_role",
    "update_assume_role_policy",
    "create_access_key",
    "create_login_profile",
    "update_login_profile",
    "attach_user_policy",
    "put_user_policy",
    "attach_group_policy",
    "put_group_policy",
    "attach_role_policy",
    "put_role_policy",
    "create_policy_version",
    "set_default_policy_version",
    "add_user_to_group",
    "delete_permissions_boundary",
    "put_permissions_boundary",
];

/// Why a principal is a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Power {
    /// Every action on every resource.
    Admin,
    /// Every IAM action on every resource.
    FullIam,
}

/// One step of a path.
#[derive(Debug, Clone)]
pub struct Step {
    pub from: usize,
    /// A method id from [`COMPUTE_METHODS`] or [`IAM_METHODS`].
    pub method: &'static str,
    /// What is done, e.g. `iam:CreateAccessKey on user bob`.
    pub action: String,
    /// The principal it becomes, if the step changes identity.
    pub to: Option<usize>,
    pub enabled_by: Vec<StatementRef>,
    /// Conditions the step rests on that the engine could not decide.
    pub caveats: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Analysis {
    /// Per principal: admin-equivalent or not, and whether only under undecided conditions.
    pub power: Vec<Option<(Power, bool)>>,
    /// Per principal: the path to admin, if any (empty for those already admin-equivalent).
    pub paths: Vec<Option<Vec<Step>>>,
    /// Number of "can become" edges in the graph.
    pub edges: usize,
}

impl Analysis {
    pub fn escalates(&self, p: usize) -> bool {
        self.power[p].is_none() && self.paths[p].is_some()
    }
}

struct Ids {
    get: HashMap<&'static str, ActionId>,
}

impl Ids {
    fn new(account: &Account) -> Ids {
        let mut names: Vec<&'static str> = vec![
            "sts:AssumeRole",
            "iam:PassRole",
            "iam:UpdateAssumeRolePolicy",
            "iam:CreateAccessKey",
            "iam:CreateLoginProfile",
            "iam:UpdateLoginProfile",
            "iam:AttachUserPolicy",
            "iam:PutUserPolicy",
            "iam:AttachGroupPolicy",
            "iam:PutGroupPolicy",
            "iam:AttachRolePolicy",
            "iam:PutRolePolicy",
            "iam:CreatePolicyVersion",
            "iam:SetDefaultPolicyVersion",
            "iam:AddUserToGroup",
            "iam:DeleteUserPermissionsBoundary",
            "iam:DeleteRolePermissionsBoundary",
            "iam:PutUserPermissionsBoundary",
            "iam:PutRolePermissionsBoundary",
        ];
        for m in COMPUTE_METHODS {
            names.extend(m.actions);
        }
        let get = names
            .into_iter()
            .map(|n| {
                (
                    n,
                    account
                        .catalog
                        .id(n)
                        .unwrap_or_else(|| panic!("{n} is missing from the action catalog")),
                )
            })
            .collect();
        Ids { get }
    }
    fn id(&self, n: &str) -> ActionId {
        self.get[n]
    }
}

struct Ctx<'a> {
    account: &'a Account,
    ids: Ids,
    ctxs: Vec<RequestContext>,
    /// Per principal, every action any of its Allow statements names (a cheap pre-filter).
    named: Vec<ActionSet>,
}

impl Ctx<'_> {
    /// `Some((statements, caveats))` when `p` may do `action` on `target`.
    fn can(
        &self,
        p: usize,
        action: &str,
        target: Target<'_>,
    ) -> Option<(Vec<StatementRef>, Vec<String>)> {
        let id = self.ids.id(action);
        if !self.named[p].contains(id) {
            return None;
        }
        let d = self.account.decide(p, id, target, &self.ctxs[p]);
        if !d.outcome.is_possible() {
            return None;
        }
        let caveats = d.caveats();
        let mut grants = d.grants;
        grants.truncate(1);
        Some((grants, caveats))
    }

    fn step(
        &self,
        from: usize,
        method: &'static str,
        action: String,
        to: Option<usize>,
        parts: Vec<(Vec<StatementRef>, Vec<String>)>,
    ) -> Step {
        let mut enabled_by = Vec::new();
        let mut caveats = Vec::new();
        for (g, c) in parts {
            enabled_by.extend(g);
            caveats.extend(c);
        }
        Step {
            from,
            method,
            action,
            to,
            enabled_by,
            caveats,
        }
    }
}

/// Builds the graph and finds, for every principal, a shortest path to admin.
///
/// `base` is what is assumed of every session, e.g. `aws:MultiFactorAuthPresent` false for a
/// leaked access key.
pub fn analyze(account: &Account, base: &RequestContext) -> Analysis {
    let n = account.principals.len();
    let catalog = account.catalog;
    let ctxs: Vec<RequestContext> = (0..n).map(|p| account.context_for(p, base)).collect();
    let named: Vec<ActionSet> = (0..n)
        .map(|p| {
            let mut s = ActionSet::empty(catalog.len());
            for r in &account.principals[p].policies {
                let pol = &account.policies[r.policy];
                for (si, st) in pol.statements().iter().enumerate() {
                    if st.effect == crate::policy::Effect::Allow {
                        s.union_with(&pol.actions[si]);
                    }
                }
            }
            s
        })
        .collect();
    let cx = Ctx {
        account,
        ids: Ids::new(account),
        ctxs,
        named,
    };
    let iam_all = catalog.service_actions("iam");

    // Who is already admin-equivalent.
    let power: Vec<Option<(Power, bool)>> = (0..n)
        .map(|p| {
            let fa = account.full_access(p, &cx.ctxs[p]);
            if fa.is_admin(catalog) {
                Some((Power::Admin, false))
            } else if fa.sure.is_superset_of(&iam_all) {
                Some((Power::FullIam, false))
            } else if fa.maybe_admin(catalog) {
                Some((Power::Admin, true))
            } else if fa.maybe.is_superset_of(&iam_all) {
                Some((Power::FullIam, true))
            } else {
                None
            }
        })
        .collect();

    // Groups whose own policies make a member admin-equivalent (for AddUserToGroup).
    let admin_groups: Vec<bool> = account
        .groups
        .iter()
        .map(|g| group_is_admin(account, g, &iam_all))
        .collect();

    // Trust index: which roles each kind of trustee may assume.
    let mut trusted_by_arn: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    let mut trusted_by_account: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    let mut trusted_by_anyone: Vec<(usize, usize)> = Vec::new();
    let mut trusted_by_service: HashMap<&str, Vec<usize>> = HashMap::new();
    let grants_per_role: Vec<Vec<trust::TrustGrant>> = (0..n)
        .map(|q| {
            let pr = &account.principals[q];
            match pr
                .trust
                .and_then(|t| account.policies[t].policy.as_ref().ok())
            {
                Some(policy) if pr.kind == PrincipalKind::Role => trust::analyze(policy, catalog),
                _ => Vec::new(),
            }
        })
        .collect();
    for (q, grants) in grants_per_role.iter().enumerate() {
        for (gi, g) in grants.iter().enumerate() {
            match &g.trustee {
                Trustee::Anyone => trusted_by_anyone.push((q, gi)),
                Trustee::Account(a) => trusted_by_account.entry(a).or_default().push((q, gi)),
                Trustee::Principal { arn, .. } => {
                    trusted_by_arn.entry(arn).or_default().push((q, gi))
                }
                Trustee::Service(s) => trusted_by_service.entry(s.as_str()).or_default().push(q),
                _ => {}
            }
        }
    }

    let users: Vec<usize> = (0..n)
        .filter(|&q| account.principals[q].kind == PrincipalKind::User)
        .collect();
    let mut edges: Vec<Vec<(usize, Step)>> = (0..n).map(|_| Vec::new()).collect();
    let mut grants_on: Vec<Vec<(usize, Step)>> = (0..n).map(|_| Vec::new()).collect();
    let mut self_grant: Vec<Option<Step>> = vec![None; n];

    for p in 0..n {
        if power[p].is_some() {
            continue;
        }
        let me = &account.principals[p];

        // sts:AssumeRole, and rewriting a trust policy first.
        let mut seen = std::collections::HashSet::new();
        let candidates = trusted_by_arn
            .get(me.arn.as_str())
            .into_iter()
            .flatten()
            .map(|c| (c, true))
            .chain(
                trusted_by_account
                    .get(account.id.as_str())
                    .into_iter()
                    .flatten()
                    .map(|c| (c, false)),
            )
            .chain(trusted_by_anyone.iter().map(|c| (c, false)));
        for (&(q, gi), explicit) in candidates {
            if q == p || !seen.insert(q) {
                continue;
            }
            let role = &account.principals[q];
            let tg = &grants_per_role[q][gi];
            if !tg.assume.contains(&"sts:AssumeRole") {
                continue;
            }
            let (tri, undecided) = trust_conditions(tg, &cx.ctxs[p]);
            if tri == Tri::False {
                continue;
            }
            let identity = cx.can(p, "sts:AssumeRole", Target::Arn(&role.arn));
            // A trust policy naming the principal itself suffices within the account.
            let allowed = match (&identity, explicit) {
                (Some(_), _) => true,
                (None, true) => !denied(&cx, p, "sts:AssumeRole", &role.arn),
                (None, false) => false,
            };
            if !allowed {
                continue;
            }
            let mut parts = vec![identity.unwrap_or_default()];
            parts.push((
                Vec::new(),
                undecided
                    .into_iter()
                    .map(|u| format!("only when {u}"))
                    .collect(),
            ));
            let step = cx.step(
                p,
                "assume_role",
                format!("sts:AssumeRole on role {}", role.name),
                Some(q),
                parts,
            );
            edges[p].push((q, step));
        }
        if cx.named[p].contains(cx.ids.id("iam:UpdateAssumeRolePolicy")) {
            for q in 0..n {
                let role = &account.principals[q];
                if role.kind != PrincipalKind::Role
                    || q == p
                    || edges[p].iter().any(|(t, _)| *t == q)
                {
                    continue;
                }
                if let (Some(a), Some(b)) = (
                    cx.can(p, "iam:UpdateAssumeRolePolicy", Target::Arn(&role.arn)),
                    cx.can(p, "sts:AssumeRole", Target::Arn(&role.arn)),
                ) {
                    let step = cx.step(
                        p,
                        "update_assume_role_policy",
                        format!(
                            "iam:UpdateAssumeRolePolicy then sts:AssumeRole on role {}",
                            role.name
                        ),
                        Some(q),
                        vec![a, b],
                    );
                    edges[p].push((q, step));
                }
            }
        }

        // Credentials for another user.
        for (method, action) in [
            ("create_access_key", "iam:CreateAccessKey"),
            ("create_login_profile", "iam:CreateLoginProfile"),
            ("update_login_profile", "iam:UpdateLoginProfile"),
        ] {
            if !cx.named[p].contains(cx.ids.id(action)) {
                continue;
            }
            for &q in &users {
                if q == p || edges[p].iter().any(|(t, _)| *t == q) {
                    continue;
                }
                let u = &account.principals[q];
                if let Some(g) = cx.can(p, action, Target::Arn(&u.arn)) {
                    let step = cx.step(
                        p,
                        method,
                        format!("{action} on user {}", u.name),
                        Some(q),
                        vec![g],
                    );
                    edges[p].push((q, step));
                }
            }
        }

        // Compute services that run code under a role.
        for m in COMPUTE_METHODS {
            if m.pass_role && !cx.named[p].contains(cx.ids.id("iam:PassRole")) {
                continue;
            }
            let Some(roles) = trusted_by_service.get(m.service) else {
                continue;
            };
            let mut needs = Vec::new();
            let mut ok = true;
            for a in m.actions {
                match cx.can(p, a, Target::Some) {
                    Some(g) => needs.push(g),
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                continue;
            }
            for &q in roles {
                if q == p || edges[p].iter().any(|(t, _)| *t == q) {
                    continue;
                }
                let role = &account.principals[q];
                let mut parts = needs.clone();
                let action = if m.pass_role {
                    match cx.can(p, "iam:PassRole", Target::Arn(&role.arn)) {
                        Some(g) => parts.push(g),
                        None => continue,
                    }
                    format!(
                        "iam:PassRole on role {} with {}",
                        role.name,
                        m.actions.join(" + ")
                    )
                } else {
                    format!(
                        "{} reaching role {} (trusted by {})",
                        m.actions.join(" + "),
                        role.name,
                        m.service
                    )
                };
                let step = cx.step(p, m.id, action, Some(q), parts);
                edges[p].push((q, step));
            }
        }

        // Raising permissions: its own (a target at once) or another principal's.
        let mut grant = |q: usize, step: Step| {
            if q == p {
                if self_grant[p].is_none() {
                    self_grant[p] = Some(step);
                }
            } else {
                grants_on[p].push((q, step));
            }
        };
        let may = |a: &str| cx.named[p].contains(cx.ids.id(a));
        let raises_others = [
            "iam:AttachUserPolicy",
            "iam:PutUserPolicy",
            "iam:AttachRolePolicy",
            "iam:PutRolePolicy",
            "iam:CreatePolicyVersion",
            "iam:SetDefaultPolicyVersion",
            "iam:DeleteUserPermissionsBoundary",
            "iam:DeleteRolePermissionsBoundary",
            "iam:PutUserPermissionsBoundary",
            "iam:PutRolePermissionsBoundary",
        ]
        .iter()
        .any(|a| may(a));
        for q in (0..n).filter(|_| raises_others) {
            let t = &account.principals[q];
            let (attach, put) = match t.kind {
                PrincipalKind::User => (
                    ("attach_user_policy", "iam:AttachUserPolicy"),
                    ("put_user_policy", "iam:PutUserPolicy"),
                ),
                PrincipalKind::Role => (
                    ("attach_role_policy", "iam:AttachRolePolicy"),
                    ("put_role_policy", "iam:PutRolePolicy"),
                ),
            };
            for (method, action) in [attach, put] {
                if may(action)
                    && let Some(g) = cx.can(p, action, Target::Arn(&t.arn))
                {
                    let kind = if t.kind == PrincipalKind::User {
                        "user"
                    } else {
                        "role"
                    };
                    grant(
                        q,
                        cx.step(
                            p,
                            method,
                            format!("{action} on {kind} {}", t.name),
                            None,
                            vec![g],
                        ),
                    );
                    break;
                }
            }
            // Rewriting a customer-managed policy the principal holds.
            if may("iam:CreatePolicyVersion") || may("iam:SetDefaultPolicyVersion") {
                for r in &t.policies {
                    let pol = &account.policies[r.policy];
                    let Some(arn) = pol.managed_arn.as_deref() else {
                        continue;
                    };
                    if arn.starts_with("arn:aws:iam::aws:") || arn.contains(":iam::aws:policy/") {
                        continue;
                    }
                    if let Some(g) = cx.can(p, "iam:CreatePolicyVersion", Target::Arn(arn)) {
                        grant(
                            q,
                            cx.step(
                                p,
                                "create_policy_version",
                                format!("iam:CreatePolicyVersion on {arn} (held by {})", t.name),
                                None,
                                vec![g],
                            ),
                        );
                        break;
                    }
                    if pol.versions > 1
                        && let Some(g) = cx.can(p, "iam:SetDefaultPolicyVersion", Target::Arn(arn))
                    {
                        let mut s = cx.step(p, "set_default_policy_version", format!("iam:SetDefaultPolicyVersion on {arn} (held by {}; another of its {} versions may grant more)", t.name, pol.versions), None, vec![g]);
                        s.caveats
                            .push("only if another version is more permissive".into());
                        grant(q, s);
                        break;
                    }
                }
            }
            // Dropping or replacing a permissions boundary that is all that stands in the way.
            if t.boundary.is_some() {
                let (del, put) = match t.kind {
                    PrincipalKind::User => (
                        "iam:DeleteUserPermissionsBoundary",
                        "iam:PutUserPermissionsBoundary",
                    ),
                    PrincipalKind::Role => (
                        "iam:DeleteRolePermissionsBoundary",
                        "iam:PutRolePermissionsBoundary",
                    ),
                };
                if (may(del) || may(put)) && unbounded_admin(account, q, &cx.ctxs[q], &iam_all) {
                    for (method, action) in [
                        ("delete_permissions_boundary", del),
                        ("put_permissions_boundary", put),
                    ] {
                        if let Some(g) = cx.can(p, action, Target::Arn(&t.arn)) {
                            grant(q, cx.step(p, method, format!("{action} on {} (its policies without the boundary are admin-equivalent)", t.name), None, vec![g]));
                            break;
                        }
                    }
                }
            }
        }
        // Groups: changing a group's policies raises every member; joining an admin group.
        for (gi, g) in account.groups.iter().enumerate() {
            for (method, action) in [
                ("attach_group_policy", "iam:AttachGroupPolicy"),
                ("put_group_policy", "iam:PutGroupPolicy"),
            ] {
                if !may(action) {
                    continue;
                }
                if let Some(sr) = cx.can(p, action, Target::Arn(&g.arn)) {
                    for &q in &users {
                        if account.principals[q].groups.contains(&gi) {
                            grant(
                                q,
                                cx.step(
                                    p,
                                    method,
                                    format!(
                                        "{action} on group {} (member {})",
                                        g.name, account.principals[q].name
                                    ),
                                    None,
                                    vec![sr.clone()],
                                ),
                            );
                        }
                    }
                    break;
                }
            }
            if me.kind == PrincipalKind::User
                && admin_groups[gi]
                && !me.groups.contains(&gi)
                && may("iam:AddUserToGroup")
                && let Some(sr) = cx.can(p, "iam:AddUserToGroup", Target::Arn(&g.arn))
            {
                grant(
                    p,
                    cx.step(
                        p,
                        "add_user_to_group",
                        format!("iam:AddUserToGroup on admin group {}", g.name),
                        None,
                        vec![sr],
                    ),
                );
            }
        }
    }

    // A principal that can raise another's permissions and then become it is a target too.
    for p in 0..n {
        if self_grant[p].is_some() || grants_on[p].is_empty() {
            continue;
        }
        if let Some((path, q)) = bfs_to(&edges, p, |q| grants_on[p].iter().any(|(t, _)| *t == q)) {
            let (_, gstep) = grants_on[p]
                .iter()
                .find(|(t, _)| *t == q)
                .expect("found above");
            let mut s = gstep.clone();
            s.action = format!(
                "{} then become it: {}",
                s.action,
                path.iter()
                    .map(|st| st.action.clone())
                    .collect::<Vec<_>>()
                    .join(" → ")
            );
            for st in path {
                s.enabled_by.extend(st.enabled_by);
                s.caveats.extend(st.caveats);
            }
            self_grant[p] = Some(s);
        }
    }

    // Shortest paths to a target, by one reverse breadth-first search from all targets.
    let mut reverse: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut edge_count = 0;
    for (p, out) in edges.iter().enumerate() {
        for (k, (q, _)) in out.iter().enumerate() {
            reverse[*q].push((p, k));
            edge_count += 1;
        }
    }
    let mut next: Vec<Option<usize>> = vec![None; n]; // index into edges[p]
    let mut done = vec![false; n];
    let mut queue = VecDeque::new();
    for p in 0..n {
        if power[p].is_some() || self_grant[p].is_some() {
            done[p] = true;
            queue.push_back(p);
        }
    }
    while let Some(q) = queue.pop_front() {
        for &(p, k) in &reverse[q] {
            if !done[p] {
                done[p] = true;
                next[p] = Some(k);
                queue.push_back(p);
            }
        }
    }
    let paths = (0..n)
        .map(|p| {
            if power[p].is_some() {
                return Some(Vec::new());
            }
            if !done[p] {
                return None;
            }
            let mut out = Vec::new();
            let mut cur = p;
            while let Some(k) = next[cur] {
                let (q, step) = &edges[cur][k];
                out.push(step.clone());
                cur = *q;
            }
            if let Some(s) = &self_grant[cur] {
                out.push(s.clone());
            }
            Some(out)
        })
        .collect();
    Analysis {
        power,
        paths,
        edges: edge_count,
    }
}

fn denied(cx: &Ctx<'_>, p: usize, action: &str, arn: &str) -> bool {
    cx.account
        .decide(p, cx.ids.id(action), Target::Arn(arn), &cx.ctxs[p])
        .outcome
        == Outcome::Denied
}

fn trust_conditions(g: &trust::TrustGrant, ctx: &RequestContext) -> (Tri, Vec<String>) {
    let mut t = Tri::True;
    let mut undecided = Vec::new();
    for c in &g.conditions {
        match c.evaluate(ctx) {
            Tri::False => return (Tri::False, Vec::new()),
            Tri::Unknown => {
                t = Tri::Unknown;
                undecided.push(c.describe());
            }
            Tri::True => {}
        }
    }
    (t, undecided)
}

fn group_is_admin(account: &Account, g: &crate::account::GroupInput, iam_all: &ActionSet) -> bool {
    let n = account.catalog.len();
    let mut sure = ActionSet::empty(n);
    let mut denied = ActionSet::empty(n);
    for &pi in &g.policies {
        let pol = &account.policies[pi];
        for (si, st) in pol.statements().iter().enumerate() {
            let universal = match &st.resources {
                None | Some(crate::policy::Patterns::Except(_)) => true,
                Some(crate::policy::Patterns::Only(v)) => {
                    v.iter().any(|r| crate::account::is_universal(r))
                }
            };
            if !universal || !st.conditions.is_empty() {
                continue;
            }
            match st.effect {
                crate::policy::Effect::Allow => sure.union_with(&pol.actions[si]),
                crate::policy::Effect::Deny => denied.union_with(&pol.actions[si]),
            }
        }
    }
    sure.subtract(&denied);
    sure.len() == n || sure.is_superset_of(iam_all)
}

/// Whether the principal's identity policies alone (ignoring its boundary) are admin-equivalent.
fn unbounded_admin(account: &Account, q: usize, ctx: &RequestContext, iam_all: &ActionSet) -> bool {
    let mut shadow = account.principals[q].clone();
    shadow.boundary = None;
    let fa = account.full_access_of(&shadow, ctx);
    fa.maybe.len() == account.catalog.len() || fa.maybe.is_superset_of(iam_all)
}

/// Breadth-first search over "can become" edges from `start` to the first principal `goal` accepts.
fn bfs_to(
    edges: &[Vec<(usize, Step)>],
    start: usize,
    goal: impl Fn(usize) -> bool,
) -> Option<(Vec<Step>, usize)> {
    let mut prev: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let mut seen = std::collections::HashSet::from([start]);
    while let Some(p) = queue.pop_front() {
        if p != start && goal(p) {
            let mut path = Vec::new();
            let mut cur = p;
            while let Some(&(from, k)) = prev.get(&cur) {
                path.push(edges[from][k].1.clone());
                cur = from;
            }
            path.reverse();
            return Some((path, p));
        }
        for (k, (q, _)) in edges[p].iter().enumerate() {
            if seen.insert(*q) {
                prev.insert(*q, (p, k));
                queue.push_back(*q);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
