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
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: the search looks up short keys millions of times; SipHash's DoS resistance buys
/// nothing on our own keys and costs a third of the run.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

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
    // Stacks already run by a CloudFormation service role: an update runs as that role.
    // (`SetStackPolicy` only lifts a stack's own update protection; it needs one of these.)
    ComputeMethod {
        id: "cloudformation_update_stack",
        service: "cloudformation.amazonaws.com",
        actions: &["cloudformation:UpdateStack"],
        pass_role: false,
    },
    ComputeMethod {
        id: "cloudformation_execute_change_set",
        service: "cloudformation.amazonaws.com",
        actions: &[
            "cloudformation:CreateChangeSet",
            "cloudformation:ExecuteChangeSet",
        ],
        pass_role: false,
    },
    // Instances whose instance profile carries the role: a shell on one is the role.
    ComputeMethod {
        id: "ec2_instance_connect",
        service: "ec2.amazonaws.com",
        actions: &["ec2-instance-connect:SendSSHPublicKey"],
        pass_role: false,
    },
    ComputeMethod {
        id: "ec2_serial_console",
        service: "ec2.amazonaws.com",
        actions: &["ec2-instance-connect:SendSerialConsoleSSHPublicKey"],
        pass_role: false,
    },
    ComputeMethod {
        id: "sagemaker_presigned_notebook_url",
        service: "sagemaker.amazonaws.com",
        actions: &["sagemaker:CreatePresignedNotebookInstanceUrl"],
        pass_role: false,
    },
    ComputeMethod {
        id: "codebuild_update_project",
        service: "codebuild.amazonaws.com",
        actions: &["codebuild:UpdateProject"],
        pass_role: false,
    },
];

impl ComputeMethod {
    /// Methods without `iam:PassRole` reach a role only through a resource that may already
    /// exist (a function, stack, instance, notebook, project): such a path is *possible*, not
    /// proven, since the resources themselves are not in the evidence.
    pub fn through_existing_resource(&self) -> bool {
        !self.pass_role
    }

    /// EC2 methods without PassRole reach only roles that have an instance profile.
    pub fn needs_instance_profile(&self) -> bool {
        !self.pass_role && self.service == "ec2.amazonaws.com"
    }
}

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

impl Step {
    /// Whether the step is possible rather than proven: it rests on conditions the engine
    /// could not decide, or on a resource that may exist (a method without PassRole).
    pub fn is_possible(&self) -> bool {
        !self.caveats.is_empty()
            || COMPUTE_METHODS
                .iter()
                .any(|m| m.id == self.method && m.through_existing_resource())
    }
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
    get: FastMap<&'static str, ActionId>,
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
    /// [`Ctx::may`] answers, per (principal, action, service passed to: `""` for none).
    some_cache: std::cell::RefCell<FastMap<(usize, ActionId, &'static str), bool>>,
    /// Per (principal, service): the principal's context with `iam:PassedToService` set to the
    /// service a method passes the role to, so a PassRole scoped to one service does not
    /// enable another's method.
    pass_ctxs: std::cell::RefCell<FastMap<(usize, &'static str), std::rc::Rc<RequestContext>>>,
}

impl Ctx<'_> {
    fn pass_ctx(&self, p: usize, service: &'static str) -> std::rc::Rc<RequestContext> {
        self.pass_ctxs
            .borrow_mut()
            .entry((p, service))
            .or_insert_with(|| {
                let mut c = self.ctxs[p].clone();
                c.set("iam:PassedToService", &[service]);
                std::rc::Rc::new(c)
            })
            .clone()
    }

    /// Whether `p` may pass some role to `service`.
    fn may_pass(&self, p: usize, service: &'static str) -> bool {
        self.may_in(p, "iam:PassRole", Some(service))
    }

    /// Whether `p` may pass every role (`*` or an unnamed probe) to `service`.
    fn universal_pass(&self, p: usize, probe: &str, service: &'static str) -> bool {
        if !self.may_pass(p, service) {
            return false;
        }
        let id = self.ids.id("iam:PassRole");
        let c = self.pass_ctx(p, service);
        self.account.outcome(p, id, Target::All, &c).is_possible()
            || self
                .account
                .outcome(p, id, Target::Arn(probe), &c)
                .is_possible()
    }

    /// [`Ctx::can`] for `iam:PassRole` of one role to `service`.
    fn can_pass(
        &self,
        p: usize,
        target: Target<'_>,
        service: &'static str,
    ) -> Option<(Vec<StatementRef>, Vec<String>)> {
        self.can_in(p, "iam:PassRole", target, Some(service))
    }

    /// `Some((statements, caveats))` when `p` may do `action` on `target`.
    fn can(
        &self,
        p: usize,
        action: &str,
        target: Target<'_>,
    ) -> Option<(Vec<StatementRef>, Vec<String>)> {
        self.can_in(p, action, target, None)
    }

    /// [`Ctx::can`], passing a role to `service` when given.
    fn can_in(
        &self,
        p: usize,
        action: &str,
        target: Target<'_>,
        service: Option<&'static str>,
    ) -> Option<(Vec<StatementRef>, Vec<String>)> {
        let id = self.ids.id(action);
        if !self.named[p].contains(id)
            || (target != Target::Some && !self.may_in(p, action, service))
        {
            return None;
        }
        let d = match service {
            None => self.account.decide(p, id, target, &self.ctxs[p]),
            Some(s) => self.account.decide(p, id, target, &self.pass_ctx(p, s)),
        };
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

/// Edge methods ("can become"), numbered: the IAM ones, then one per compute method.
const M_ASSUME: u16 = 0;
const M_UPDATE_TRUST: u16 = 1;
const CREDENTIAL_METHODS: [(u16, &str, &str); 3] = [
    (2, "create_access_key", "iam:CreateAccessKey"),
    (3, "create_login_profile", "iam:CreateLoginProfile"),
    (4, "update_login_profile", "iam:UpdateLoginProfile"),
];
const M_CREATE_LOGIN_PROFILE: u16 = 3;
const M_UPDATE_LOGIN_PROFILE: u16 = 4;
const M_COMPUTE: u16 = 5;

/// The graph: principals are nodes `0..n`; *hubs* after them stand for "any user" or "any role
/// trusted by a service", so a principal that may create keys for every user costs one edge, not
/// one per user (what keeps a 10,000-principal account linear).
struct Graph {
    n: usize,
    out: Vec<Vec<(u32, u16)>>,
    hubs: HashMap<u16, u32>,
}

impl Graph {
    fn edge(&mut self, from: usize, to: usize, method: u16) {
        self.out[from].push((to as u32, method));
    }

    /// The hub for `method`, created with its fan-out on first use.
    fn hub(&mut self, method: u16, fanout: impl FnOnce() -> Vec<usize>) -> usize {
        if let Some(&h) = self.hubs.get(&method) {
            return h as usize;
        }
        let h = self.out.len();
        let targets = fanout();
        self.out
            .push(targets.into_iter().map(|q| (q as u32, method)).collect());
        self.hubs.insert(method, h as u32);
        h
    }
}

impl Ctx<'_> {
    /// Whether `p` may do `action` on every resource of a kind: on `*`, or on a made-up name
    /// no grant would name on purpose (so `role/*` counts). An exception in a `NotResource`
    /// naming one principal is not honoured through this shortcut; it errs toward reporting.
    fn universal(&self, p: usize, action: &str, probe: &str) -> bool {
        self.possible(p, action, Target::All) || self.possible(p, action, Target::Arn(probe))
    }

    /// [`Ctx::can`] without the explanation, for the search itself.
    fn possible(&self, p: usize, action: &str, target: Target<'_>) -> bool {
        let id = self.ids.id(action);
        self.named[p].contains(id)
            && (target == Target::Some || self.may(p, action))
            && self
                .account
                .outcome(p, id, target, &self.ctxs[p])
                .is_possible()
    }

    /// Whether `p` may do `action` on at least one resource. Any grant on one ARN implies
    /// this, so when it is false no target needs enumerating (e.g. a principal whose every
    /// action is denied without MFA). Cached: it is asked many times per principal.
    fn may(&self, p: usize, action: &str) -> bool {
        self.may_in(p, action, None)
    }

    /// [`Ctx::may`], passing a role to `service` when given.
    fn may_in(&self, p: usize, action: &str, service: Option<&'static str>) -> bool {
        let id = self.ids.id(action);
        if !self.named[p].contains(id) {
            return false;
        }
        let key = (p, id, service.unwrap_or(""));
        if let Some(&hit) = self.some_cache.borrow().get(&key) {
            return hit;
        }
        let ok = match service {
            None => self.account.outcome(p, id, Target::Some, &self.ctxs[p]),
            Some(s) => self
                .account
                .outcome(p, id, Target::Some, &self.pass_ctx(p, s)),
        }
        .is_possible();
        self.some_cache.borrow_mut().insert(key, ok);
        ok
    }

    /// A cheap pre-filter for enumerating targets: the resource patterns of `p`'s Allow
    /// statements naming `action`. A target none of them matches cannot be granted, so the full
    /// decision is skipped for it.
    fn filter(&self, p: usize, action: &str) -> Filter {
        let id = self.ids.id(action);
        let pr = &self.account.principals[p];
        let patterns = |refs: &mut dyn Iterator<Item = usize>| -> Option<Vec<String>> {
            let mut out = Vec::new();
            for pi in refs {
                let pol = &self.account.policies[pi];
                for (si, st) in pol.statements().iter().enumerate() {
                    if st.effect != crate::policy::Effect::Allow || !pol.actions[si].contains(id) {
                        continue;
                    }
                    match &st.resources {
                        Some(crate::policy::Patterns::Only(v)) => {
                            for pat in v {
                                match self.ctxs[p].substitute(pat) {
                                    crate::condition::Subst::Text(t) => out.push(t.into_owned()),
                                    crate::condition::Subst::Absent => {}
                                    crate::condition::Subst::Unknown => return None,
                                }
                            }
                        }
                        _ => return None,
                    }
                }
            }
            Some(out)
        };
        // The boundary must allow the target too.
        let boundary = pr.boundary.and_then(|b| patterns(&mut std::iter::once(b)));
        Filter(
            patterns(&mut pr.policies.iter().map(|r| r.policy)),
            boundary,
        )
    }

    /// [`Ctx::can`] on one ARN, through a pre-filter.
    fn can_on(&self, p: usize, action: &str, arn: &str, filter: &Filter) -> bool {
        filter.admits(arn) && self.possible(p, action, Target::Arn(arn))
    }
}

/// Resource patterns of the identity policies and of the boundary (`None`: no filtering).
struct Filter(Option<Vec<String>>, Option<Vec<String>>);

impl Filter {
    fn admits(&self, arn: &str) -> bool {
        let ok = |pats: &Option<Vec<String>>| match pats {
            None => true,
            Some(patterns) => patterns.iter().any(|p| crate::glob::matches(p, arn, false)),
        };
        ok(&self.0) && ok(&self.1)
    }
}

/// Builds the graph and finds, for every principal, a shortest path to admin.
///
/// `base` is what is assumed of every session, e.g. `aws:MultiFactorAuthPresent` false for a
/// leaked access key.
pub fn analyze(account: &Account, base: &RequestContext) -> Analysis {
    analyze_explaining(account, base, &|_| true)
}

/// [`analyze`], wording the paths only of the principals `explain` selects (the others that
/// escalate get an empty path): wording is most of the cost on large accounts, and a caller
/// that already holds a worse path for a principal does not need this one.
pub fn analyze_explaining(
    account: &Account,
    base: &RequestContext,
    explain: &dyn Fn(usize) -> bool,
) -> Analysis {
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
        some_cache: Default::default(),
        pass_ctxs: Default::default(),
    };
    let iam_all = catalog.service_actions("iam");
    let user_probe = format!(
        "arn:{}:iam::{}:user/safeguard-probe/any-user",
        account.partition, account.id
    );
    let role_probe = format!(
        "arn:{}:iam::{}:role/safeguard-probe/any-role",
        account.partition, account.id
    );

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

    // Trust: who may assume each role.
    let trust = TrustIndex::new(account, base);
    let users: Vec<usize> = (0..n)
        .filter(|&q| account.principals[q].kind == PrincipalKind::User)
        .collect();
    let roles: Vec<usize> = (0..n)
        .filter(|&q| account.principals[q].kind == PrincipalKind::Role)
        .collect();

    let mut g = Graph {
        n,
        out: vec![Vec::new(); n],
        hubs: HashMap::new(),
    };
    let mut grants_on: Vec<Vec<(usize, Step)>> = (0..n).map(|_| Vec::new()).collect();
    let mut self_grant: Vec<Option<Step>> = vec![None; n];

    for (p, _) in power.iter().enumerate().filter(|(_, pw)| pw.is_none()) {
        // sts:AssumeRole: a trust policy naming the principal itself suffices within the account;
        // one trusting the account also needs the principal's own permission.
        for &(q, gi) in trust.by_principal.get(&p).into_iter().flatten() {
            if q != p
                && trust.admits(&cx, p, q, gi).is_some()
                && !denied(&cx, p, "sts:AssumeRole", &account.principals[q].arn)
            {
                g.edge(p, q, M_ASSUME);
            }
        }
        if cx.may(p, "sts:AssumeRole") {
            if cx.universal(p, "sts:AssumeRole", &role_probe) {
                let open = trust.open_to_account.clone();
                let h = g.hub(M_ASSUME, move || open);
                g.edge(p, h, M_ASSUME);
            } else {
                for &(q, gi) in &trust.account_grants {
                    if q != p
                        && trust.admits(&cx, p, q, gi).is_some()
                        && cx
                            .can(p, "sts:AssumeRole", Target::Arn(&account.principals[q].arn))
                            .is_some()
                    {
                        g.edge(p, q, M_ASSUME);
                    }
                }
            }
            for &(q, gi) in &trust.account_grants_undecided {
                if q != p
                    && trust.admits(&cx, p, q, gi).is_some()
                    && cx
                        .can(p, "sts:AssumeRole", Target::Arn(&account.principals[q].arn))
                        .is_some()
                {
                    g.edge(p, q, M_ASSUME);
                }
            }
            // Rewriting a role's trust policy, then assuming it.
            if cx.may(p, "iam:UpdateAssumeRolePolicy") {
                if cx.universal(p, "iam:UpdateAssumeRolePolicy", &role_probe)
                    && cx.universal(p, "sts:AssumeRole", &role_probe)
                {
                    let all = roles.clone();
                    let h = g.hub(M_UPDATE_TRUST, move || all);
                    g.edge(p, h, M_UPDATE_TRUST);
                } else {
                    for &q in &roles {
                        let arn = &account.principals[q].arn;
                        if q != p
                            && cx
                                .can(p, "iam:UpdateAssumeRolePolicy", Target::Arn(arn))
                                .is_some()
                            && cx.can(p, "sts:AssumeRole", Target::Arn(arn)).is_some()
                        {
                            g.edge(p, q, M_UPDATE_TRUST);
                        }
                    }
                }
            }
        }

        // Credentials for another user.
        for (m, _, action) in CREDENTIAL_METHODS {
            if !cx.may(p, action) {
                continue;
            }
            // A login profile can be created only where none exists, and updated only where
            // one does (the credential report says which; unknown keeps both).
            let applies = |q: usize| match (m, account.principals[q].console_password) {
                (M_CREATE_LOGIN_PROFILE, Some(true)) | (M_UPDATE_LOGIN_PROFILE, Some(false)) => {
                    false
                }
                _ => true,
            };
            if cx.universal(p, action, &user_probe) {
                let all: Vec<usize> = users.iter().copied().filter(|&q| applies(q)).collect();
                let h = g.hub(m, move || all);
                g.edge(p, h, m);
            } else {
                for &q in &users {
                    if q != p
                        && applies(q)
                        && cx
                            .can(p, action, Target::Arn(&account.principals[q].arn))
                            .is_some()
                    {
                        g.edge(p, q, m);
                    }
                }
            }
        }

        // Compute services that run code under a role.
        for (mi, m) in COMPUTE_METHODS.iter().enumerate() {
            let method = M_COMPUTE + mi as u16;
            if (m.pass_role && !cx.may_pass(p, m.service))
                || !m.actions.iter().all(|a| cx.may(p, a))
            {
                continue;
            }
            let Some(trusted) = trust.by_service.get(m.service) else {
                continue;
            };
            let profiled: Vec<usize>;
            let trusted = if m.needs_instance_profile() {
                profiled = trusted
                    .iter()
                    .copied()
                    .filter(|&q| account.principals[q].instance_profile)
                    .collect();
                &profiled
            } else {
                trusted
            };
            if !m
                .actions
                .iter()
                .all(|a| cx.can(p, a, Target::Some).is_some())
            {
                continue;
            }
            if !m.pass_role || cx.universal_pass(p, &role_probe, m.service) {
                let all = trusted.clone();
                let h = g.hub(method, move || all);
                g.edge(p, h, method);
            } else {
                for &q in trusted {
                    if q != p
                        && cx
                            .can_pass(p, Target::Arn(&account.principals[q].arn), m.service)
                            .is_some()
                    {
                        g.edge(p, q, method);
                    }
                }
            }
        }

        raise_permissions(
            &cx,
            p,
            &admin_groups,
            &users,
            &iam_all,
            &mut self_grant,
            &mut grants_on,
        );
    }

    // A principal that can raise another's permissions and then become it is a target too.
    for p in 0..n {
        if self_grant[p].is_some() || grants_on[p].is_empty() {
            continue;
        }
        if let Some(nodes) = bfs_to(&g, p, |q| grants_on[p].iter().any(|(t, _)| *t == q)) {
            let q = *nodes.last().expect("a path ends somewhere");
            let (_, gstep) = grants_on[p]
                .iter()
                .find(|(t, _)| *t == q)
                .expect("found above");
            let path = explain_nodes(&cx, &trust, &g, &nodes);
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
    let total = g.out.len();
    let mut reverse: Vec<Vec<(u32, u16)>> = vec![Vec::new(); total];
    let mut edge_count = 0;
    for (from, out) in g.out.iter().enumerate() {
        for &(to, m) in out {
            reverse[to as usize].push((from as u32, m));
            edge_count += 1;
        }
    }
    let mut next: Vec<Option<(u32, u16)>> = vec![None; total];
    let mut done = vec![false; total];
    let mut queue = VecDeque::new();
    for p in 0..n {
        if power[p].is_some() || self_grant[p].is_some() {
            done[p] = true;
            queue.push_back(p);
        }
    }
    while let Some(q) = queue.pop_front() {
        for &(from, m) in &reverse[q] {
            let from = from as usize;
            if !done[from] {
                done[from] = true;
                next[from] = Some((q as u32, m));
                queue.push_back(from);
            }
        }
    }
    drop(reverse);
    let paths = (0..n)
        .map(|p| {
            if power[p].is_some() {
                return Some(Vec::new());
            }
            if !done[p] {
                return None;
            }
            if !explain(p) {
                return Some(Vec::new());
            }
            let mut nodes = vec![p];
            let mut cur = p;
            while let Some((to, _)) = next[cur] {
                cur = to as usize;
                nodes.push(cur);
            }
            let mut out = explain_nodes(&cx, &trust, &g, &nodes);
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

/// Who may assume which role.
struct TrustIndex {
    grants: Vec<Vec<trust::TrustGrant>>,
    /// Roles whose trust policy names this principal: (role, grant).
    by_principal: HashMap<usize, Vec<(usize, usize)>>,
    /// Grants to this account (or to anyone) whose conditions hold for every session: the
    /// "any role trusting the account" hub fans out to these roles.
    open_to_account: Vec<usize>,
    account_grants: Vec<(usize, usize)>,
    /// Grants to this account (or anyone) whose conditions depend on who the caller is.
    account_grants_undecided: Vec<(usize, usize)>,
    by_service: HashMap<String, Vec<usize>>,
}

impl TrustIndex {
    fn new(account: &Account, base: &RequestContext) -> Self {
        let n = account.principals.len();
        let grants: Vec<Vec<trust::TrustGrant>> = (0..n)
            .map(|q| {
                let pr = &account.principals[q];
                match pr
                    .trust
                    .and_then(|t| account.policies[t].policy.as_ref().ok())
                {
                    Some(policy) if pr.kind == PrincipalKind::Role => {
                        trust::analyze(policy, account.catalog)
                    }
                    _ => Vec::new(),
                }
            })
            .collect();
        let mut idx = TrustIndex {
            grants: Vec::new(),
            by_principal: HashMap::new(),
            open_to_account: Vec::new(),
            account_grants: Vec::new(),
            account_grants_undecided: Vec::new(),
            by_service: HashMap::new(),
        };
        for (q, gs) in grants.iter().enumerate() {
            let mut open = false;
            for (gi, g) in gs.iter().enumerate() {
                let assume = g.assume.contains(&"sts:AssumeRole");
                match &g.trustee {
                    Trustee::Principal { arn, .. } if assume => {
                        if let Some(i) = account.principal_by_arn(arn) {
                            idx.by_principal.entry(i).or_default().push((q, gi));
                        }
                    }
                    Trustee::Account(a) if assume && *a == account.id => {
                        idx.account_grants_or_open(q, gi, g, base, &mut open);
                    }
                    Trustee::Anyone if assume => {
                        idx.account_grants_or_open(q, gi, g, base, &mut open)
                    }
                    Trustee::Service(s) => idx.by_service.entry(s.clone()).or_default().push(q),
                    _ => {}
                }
            }
            if open {
                idx.open_to_account.push(q);
            }
        }
        for v in idx.by_service.values_mut() {
            v.dedup();
        }
        idx.grants = grants;
        idx
    }

    fn account_grants_or_open(
        &mut self,
        q: usize,
        gi: usize,
        g: &trust::TrustGrant,
        base: &RequestContext,
        open: &mut bool,
    ) {
        match trust_conditions(g, base).0 {
            Tri::True => {
                *open = true;
                self.account_grants.push((q, gi));
            }
            Tri::Unknown => self.account_grants_undecided.push((q, gi)),
            Tri::False => {}
        }
    }

    /// Whether grant `gi` of role `q` lets `p` in, with the conditions it could not decide.
    fn admits(&self, cx: &Ctx<'_>, p: usize, q: usize, gi: usize) -> Option<Vec<String>> {
        let (t, undecided) = trust_conditions(&self.grants[q][gi], &cx.ctxs[p]);
        (t != Tri::False).then_some(undecided)
    }

    /// The first grant of role `q` that admits `p` (explicitly, through the account, or as anyone).
    fn grant_for(&self, cx: &Ctx<'_>, p: usize, q: usize) -> Option<(bool, Vec<String>)> {
        let me = &cx.account.principals[p];
        for (gi, g) in self.grants[q].iter().enumerate() {
            if !g.assume.contains(&"sts:AssumeRole") {
                continue;
            }
            let explicit = match &g.trustee {
                Trustee::Principal { arn, .. } if *arn == me.arn => true,
                Trustee::Account(a) if *a == cx.account.id => false,
                Trustee::Anyone => false,
                _ => continue,
            };
            if let Some(u) = self.admits(cx, p, q, gi) {
                return Some((explicit, u));
            }
        }
        None
    }
}

/// The steps along a node path, hubs folded into the step that passes through them.
fn explain_nodes(cx: &Ctx<'_>, trust: &TrustIndex, g: &Graph, nodes: &[usize]) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut i = 0;
    while i + 1 < nodes.len() {
        let from = nodes[i];
        let mut j = i + 1;
        while nodes[j] >= g.n {
            j += 1;
        }
        let to = nodes[j];
        let method = g.out[from]
            .iter()
            .find(|(t, _)| *t as usize == nodes[i + 1])
            .map(|(_, m)| *m)
            .expect("consecutive nodes are joined by an edge");
        steps.push(explain(cx, trust, from, method, to));
        i = j;
    }
    steps
}

/// One step in words, with the statements that enable it.
fn explain(cx: &Ctx<'_>, trust: &TrustIndex, from: usize, method: u16, to: usize) -> Step {
    let t = &cx.account.principals[to];
    let arn = t.arn.as_str();
    let mut parts = Vec::new();
    let (id, action): (&'static str, String) = match method {
        M_ASSUME => {
            parts.extend(cx.can(from, "sts:AssumeRole", Target::Arn(arn)));
            if let Some((_, undecided)) = trust.grant_for(cx, from, to) {
                parts.push((
                    Vec::new(),
                    undecided
                        .into_iter()
                        .map(|u| format!("only when {u}"))
                        .collect(),
                ));
            }
            ("assume_role", format!("sts:AssumeRole on role {}", t.name))
        }
        M_UPDATE_TRUST => {
            parts.extend(cx.can(from, "iam:UpdateAssumeRolePolicy", Target::Arn(arn)));
            parts.extend(cx.can(from, "sts:AssumeRole", Target::Arn(arn)));
            (
                "update_assume_role_policy",
                format!(
                    "iam:UpdateAssumeRolePolicy then sts:AssumeRole on role {}",
                    t.name
                ),
            )
        }
        m if m < M_COMPUTE => {
            let (_, mid, action) = CREDENTIAL_METHODS
                .iter()
                .find(|(x, _, _)| *x == m)
                .expect("credential method");
            parts.extend(cx.can(from, action, Target::Arn(arn)));
            (*mid, format!("{action} on user {}", t.name))
        }
        m => {
            let cm = &COMPUTE_METHODS[(m - M_COMPUTE) as usize];
            for a in cm.actions {
                parts.extend(cx.can(from, a, Target::Some));
            }
            let action = if cm.pass_role {
                parts.extend(cx.can_pass(from, Target::Arn(arn), cm.service));
                format!(
                    "iam:PassRole on role {} with {}",
                    t.name,
                    cm.actions.join(" + ")
                )
            } else {
                format!(
                    "{} reaching role {} (trusted by {}) — possible (through an existing resource)",
                    cm.actions.join(" + "),
                    t.name,
                    cm.service
                )
            };
            (cm.id, action)
        }
    };
    cx.step(from, id, action, Some(to), parts)
}

/// The methods that raise permissions: the principal's own (a target at once) or another's.
fn raise_permissions(
    cx: &Ctx<'_>,
    p: usize,
    admin_groups: &[bool],
    users: &[usize],
    iam_all: &ActionSet,
    self_grant: &mut [Option<Step>],
    grants_on: &mut [Vec<(usize, Step)>],
) {
    let account = cx.account;
    let me = &account.principals[p];
    let n = account.principals.len();
    let mut grant = |q: usize, step: Step| {
        if q == p {
            if self_grant[p].is_none() {
                self_grant[p] = Some(step);
            }
        } else {
            grants_on[p].push((q, step));
        }
    };
    let may = |a: &str| cx.may(p, a);
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
    let filters: HashMap<&str, Filter> = if raises_others {
        [
            "iam:AttachUserPolicy",
            "iam:PutUserPolicy",
            "iam:AttachRolePolicy",
            "iam:PutRolePolicy",
        ]
        .into_iter()
        .map(|a| (a, cx.filter(p, a)))
        .collect()
    } else {
        HashMap::new()
    };
    // The customer-managed policies this principal can rewrite, each judged once.
    let mut rewritable: HashMap<usize, Step> = HashMap::new();
    if raises_others && (may("iam:CreatePolicyVersion") || may("iam:SetDefaultPolicyVersion")) {
        let fc = cx.filter(p, "iam:CreatePolicyVersion");
        let fs = cx.filter(p, "iam:SetDefaultPolicyVersion");
        for (pi, pol) in account.policies.iter().enumerate() {
            let Some(arn) = pol.managed_arn.as_deref() else {
                continue;
            };
            if arn.contains(":iam::aws:policy/") {
                continue;
            }
            if cx.can_on(p, "iam:CreatePolicyVersion", arn, &fc)
                && let Some(g) = cx.can(p, "iam:CreatePolicyVersion", Target::Arn(arn))
            {
                rewritable.insert(
                    pi,
                    cx.step(
                        p,
                        "create_policy_version",
                        format!("iam:CreatePolicyVersion on {arn}"),
                        None,
                        vec![g],
                    ),
                );
            } else if pol.versions > 1
                && cx.can_on(p, "iam:SetDefaultPolicyVersion", arn, &fs)
                && let Some(g) = cx.can(p, "iam:SetDefaultPolicyVersion", Target::Arn(arn))
            {
                let mut s = cx.step(p, "set_default_policy_version", format!("iam:SetDefaultPolicyVersion on {arn} (another of its {} versions may grant more)", pol.versions), None, vec![g]);
                s.caveats
                    .push("only if another version is more permissive".into());
                rewritable.insert(pi, s);
            }
        }
    }
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
                && cx.can_on(p, action, &t.arn, &filters[action])
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
        for r in &t.policies {
            if let Some(step) = rewritable.get(&r.policy) {
                let mut step = step.clone();
                step.action = format!("{} (held by {})", step.action, t.name);
                grant(q, step);
                break;
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
            if (may(del) || may(put)) && unbounded_admin(account, q, &cx.ctxs[q], iam_all) {
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
                for &q in users {
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

fn denied(cx: &Ctx<'_>, p: usize, action: &str, arn: &str) -> bool {
    cx.account
        .decide(p, cx.ids.id(action), Target::Arn(arn), &cx.ctxs[p])
        .outcome
        == Outcome::Denied
}

fn trust_conditions(g: &trust::TrustGrant, ctx: &RequestContext) -> (Tri, Vec<String>) {
    crate::account::conditions(&g.conditions, ctx)
}

/// Whether a group's own policies make a member admin-equivalent, by the same full-access
/// computation as a principal's (conditions left undecided do not count).
fn group_is_admin(account: &Account, g: &crate::account::GroupInput, iam_all: &ActionSet) -> bool {
    let members_view = crate::account::PrincipalInput {
        arn: g.arn.clone(),
        name: g.name.clone(),
        kind: PrincipalKind::User,
        policies: g
            .policies
            .iter()
            .map(|&policy| crate::account::PolicyRef {
                policy,
                via_group: None,
            })
            .collect(),
        groups: Vec::new(),
        boundary: None,
        trust: None,
        tags: Vec::new(),
        console_password: None,
        instance_profile: false,
    };
    let fa = account.full_access_of(&members_view, &RequestContext::new());
    fa.is_admin(account.catalog) || fa.sure.is_superset_of(iam_all)
}

/// Whether the principal's identity policies alone (ignoring its boundary) are admin-equivalent.
fn unbounded_admin(account: &Account, q: usize, ctx: &RequestContext, iam_all: &ActionSet) -> bool {
    let mut shadow = account.principals[q].clone();
    shadow.boundary = None;
    let fa = account.full_access_of(&shadow, ctx);
    fa.maybe.len() == account.catalog.len() || fa.maybe.is_superset_of(iam_all)
}

/// Breadth-first search over "can become" edges from `start` to the first principal `goal`
/// accepts; the node path, hubs included.
fn bfs_to(g: &Graph, start: usize, goal: impl Fn(usize) -> bool) -> Option<Vec<usize>> {
    let mut prev: HashMap<usize, usize> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let mut seen = std::collections::HashSet::from([start]);
    while let Some(p) = queue.pop_front() {
        if p != start && p < g.n && goal(p) {
            let mut path = vec![p];
            let mut cur = p;
            while let Some(&from) = prev.get(&cur) {
                path.push(from);
                cur = from;
            }
            path.reverse();
            return Some(path);
        }
        for &(q, _) in &g.out[p] {
            let q = q as usize;
            if seen.insert(q) {
                prev.insert(q, p);
                queue.push_back(q);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
