//! An account's principals with every policy that applies to them, and the decision whether a
//! principal may perform an action on a resource: identity policies (inline, attached, and each
//! group's), intersected with the permissions boundary, minus explicit Denies compared by action
//! *and* resource (`NotAction` and `NotResource` included), within the organization's service
//! control policies when the account has any. Conditions that cannot be decided keep a grant
//! *conditional* rather than dropping or trusting it.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::actionset::ActionSet;
use crate::catalog::{ActionId, Catalog};
use crate::condition::{RequestContext, Tri};
use crate::glob;
use crate::ids::{GroupId, PolicyId, PrincipalId, Table};
use crate::policy::{Effect, Patterns, Policy, PolicyError, PolicyKind, Statement};

/// A policy as handed to the engine by whoever read the evidence.
#[derive(Debug, Clone)]
pub struct PolicyInput<'a> {
    /// How findings name it: a managed policy's ARN, or `role/x inline policy y`.
    pub label: String,
    /// Where the document is in the evidence (a JSON pointer into the snapshot).
    pub pointer: String,
    pub document: &'a Value,
    pub kind: PolicyKind,
    /// A managed policy's ARN, for the escalation methods that rewrite managed policies.
    pub managed_arn: Option<String>,
    /// How many versions a managed policy has (SetDefaultPolicyVersion needs more than one).
    pub versions: usize,
}

/// A parsed policy with each statement's actions expanded against the catalog.
#[derive(Debug)]
pub struct CompiledPolicy {
    pub label: String,
    pub pointer: String,
    pub managed_arn: Option<String>,
    pub versions: usize,
    /// `Err` for a document the grammar rejects: it grants nothing, and checks report it.
    pub policy: Result<Policy, PolicyError>,
    /// Per statement, the actions it names (after `NotAction` complement).
    pub actions: Vec<Arc<ActionSet>>,
    /// `(pointer, pattern)` of action patterns that name nothing in the catalog.
    pub unknown_actions: Vec<(String, String)>,
}

impl CompiledPolicy {
    pub fn statements(&self) -> &[Statement] {
        match &self.policy {
            Ok(p) => &p.statements,
            Err(_) => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    User,
    Role,
}

/// One of a principal's identity policies, and the group it comes through, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyRef {
    pub policy: PolicyId,
    pub via_group: Option<GroupId>,
}

#[derive(Debug, Clone)]
pub struct PrincipalInput {
    pub arn: String,
    pub name: String,
    pub kind: PrincipalKind,
    /// Indices into the policy table: inline and attached, the user's groups' included.
    pub policies: Vec<PolicyRef>,
    pub groups: Vec<GroupId>,
    pub boundary: Option<PolicyId>,
    /// A role's trust policy.
    pub trust: Option<PolicyId>,
    pub tags: Vec<(String, String)>,
    /// A user's console password, as the credential report shows it (`None`: unknown, or a
    /// role): `iam:CreateLoginProfile` works only on a user without one, `UpdateLoginProfile`
    /// only on a user with one.
    pub console_password: Option<bool>,
    /// A user's access keys, active or not, as the credential report shows them (`None`:
    /// unknown, or a role). IAM allows two: `iam:CreateAccessKey` on a user holding two needs
    /// `iam:DeleteAccessKey` on it first.
    pub access_keys: Option<u8>,
    /// A role with an instance profile (EC2 instances can carry it).
    pub instance_profile: bool,
}

#[derive(Debug, Clone)]
pub struct GroupInput {
    pub arn: String,
    pub name: String,
    pub policies: Vec<PolicyId>,
}

/// What the resource side of a question is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// Every resource (`"Resource": "*"`): "can it do this to anything at all it likes?"
    All,
    /// At least one resource, e.g. creating a new instance: any grant counts, only a Deny on
    /// every resource blocks.
    Some,
    /// One resource.
    Arn(&'a str),
}

/// A statement that took part in a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    pub policy: PolicyId,
    pub statement: usize,
    pub via_group: Option<GroupId>,
    /// Conditions the engine could not decide, in words.
    pub undecided: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// An explicit Deny applies.
    Denied,
    /// No identity policy grants it.
    NotGranted,
    /// Granted, but the permissions boundary does not allow it.
    OutsideBoundary,
    /// Granted, but a level of the organization's service control policies does not allow it.
    OutsideScp,
    /// Granted only under conditions the engine cannot decide, or unless a conditional Deny applies.
    Conditional,
    Allowed,
}

impl Outcome {
    pub fn is_possible(self) -> bool {
        matches!(self, Outcome::Allowed | Outcome::Conditional)
    }
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub outcome: Outcome,
    /// Allow statements that grant it (definite ones first).
    pub grants: Vec<StatementRef>,
    /// Deny statements that apply (definite) or may apply (with `undecided` conditions).
    pub denies: Vec<StatementRef>,
}

impl Decision {
    /// The conditions a conditional outcome rests on, in words.
    pub fn caveats(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.outcome == Outcome::Conditional {
            if let Some(g) = self.grants.first().filter(|g| !g.undecided.is_empty()) {
                out.push(format!("only when {}", g.undecided.join(" and ")));
            }
            for d in &self.denies {
                out.push(format!("unless denied when {}", d.undecided.join(" and ")));
            }
        }
        out
    }
}

/// One level of an organization's path to the account (the root, an OU, or the account
/// itself) and the service control policies attached there. An action is possible only if
/// some Allow at *every* level covers it, and no Deny at any level does.
#[derive(Debug, Clone)]
pub struct ScpLevel {
    /// How findings name the level, e.g. `OU ou-ab12-cdef3456 (Production)`.
    pub label: String,
    /// The SCPs attached there (policies in the account's table). None at a level allows
    /// nothing: AWS never leaves a level without one while SCPs are enabled.
    pub policies: Vec<PolicyId>,
}

/// Everything the engine knows of one account.
#[derive(Debug)]
pub struct Account {
    pub id: String,
    pub partition: String,
    pub catalog: &'static Catalog,
    pub policies: Table<PolicyId, CompiledPolicy>,
    pub principals: Table<PrincipalId, PrincipalInput>,
    pub groups: Table<GroupId, GroupInput>,
    by_arn: HashMap<String, PrincipalId>,
    /// The service control policies bounding the account, root first; empty when none do (no
    /// organization, SCPs not enabled, or the management account, which they never bind).
    scps: Vec<ScpLevel>,
}

/// Whether a role is service-linked (`/aws-service-role/` path): AWS exempts these from SCPs.
pub fn is_service_linked(arn: &str) -> bool {
    arn.contains(":role/aws-service-role/")
}

impl Account {
    /// Compiles every policy once (managed policies are shared by all who attach them).
    pub fn new(
        id: impl Into<String>,
        partition: impl Into<String>,
        catalog: &'static Catalog,
        policies: Vec<PolicyInput<'_>>,
        principals: Vec<PrincipalInput>,
        groups: Vec<GroupInput>,
    ) -> Account {
        let principals: Table<PrincipalId, PrincipalInput> = principals.into();
        let mut sets: HashMap<(bool, Vec<String>), Arc<ActionSet>> = HashMap::new();
        let compiled = policies
            .into_iter()
            .map(|p| compile(catalog, p, &mut sets))
            .collect();
        let by_arn = principals
            .iter_enumerated()
            .map(|(i, p)| (p.arn.clone(), i))
            .collect();
        Account {
            id: id.into(),
            partition: partition.into(),
            catalog,
            policies: compiled,
            principals,
            groups: groups.into(),
            by_arn,
            scps: Vec::new(),
        }
    }

    /// The account bounded by its organization's service control policies, root level first
    /// (policies already in the table). Leave it unset for the management account.
    pub fn with_scps(mut self, levels: Vec<ScpLevel>) -> Account {
        self.scps = levels;
        self
    }

    /// The SCP levels bounding the account (empty: none).
    pub fn scps(&self) -> &[ScpLevel] {
        &self.scps
    }

    /// The SCP levels that bound this principal: none for a service-linked role.
    pub fn scps_for(&self, pr: &PrincipalInput) -> &[ScpLevel] {
        // Asked on every decision: the ARN is looked at only when there are SCPs at all.
        if self.scps.is_empty() || is_service_linked(&pr.arn) {
            &[]
        } else {
            &self.scps
        }
    }

    /// The SCPs bounding the principal, every level's together: what `reach` must also look
    /// at when it collects the resource patterns that decide a principal's reach.
    pub fn scp_policies(&self, pr: &PrincipalInput) -> impl Iterator<Item = PolicyId> + '_ {
        self.scps_for(pr)
            .iter()
            .flat_map(|l| l.policies.iter().copied())
    }

    pub fn principal_by_arn(&self, arn: &str) -> Option<PrincipalId> {
        self.by_arn.get(arn).copied()
    }

    /// The request context of a principal's own session: who it is (`aws:username`,
    /// `aws:PrincipalArn`, tags) on top of the caller's assumptions (`base`, e.g. no MFA).
    pub fn context_for(&self, p: PrincipalId, base: &RequestContext) -> RequestContext {
        let pr = &self.principals[p];
        let mut ctx = base.clone();
        ctx.set("aws:PrincipalArn", &[&pr.arn]);
        ctx.set("aws:PrincipalAccount", &[&self.id]);
        match pr.kind {
            PrincipalKind::User => {
                ctx.set("aws:username", &[&pr.name]);
                ctx.set("aws:PrincipalType", &["User"]);
                // Without MFA a user's request is signed with a long-term access key, which
                // carries no token issue time.
                if base
                    .get("aws:MultiFactorAuthPresent")
                    .is_some_and(|v| v.iter().any(|x| x == "false"))
                {
                    ctx.absent("aws:TokenIssueTime");
                }
            }
            PrincipalKind::Role => {
                ctx.absent("aws:username");
                ctx.set("aws:PrincipalType", &["AssumedRole"]);
            }
        }
        for (k, v) in &pr.tags {
            ctx.set(&format!("aws:PrincipalTag/{k}"), &[v]);
        }
        ctx
    }

    pub fn statement(&self, r: &StatementRef) -> &Statement {
        &self.policies[r.policy].statements()[r.statement]
    }

    /// `AdministratorAccess statement "Admin"`-style text naming where a grant comes from.
    pub fn describe(&self, r: &StatementRef) -> String {
        let pol = &self.policies[r.policy];
        let st = self.statement(r);
        let via = r
            .via_group
            .map(|g| format!(" (via group {})", self.groups[g].name))
            .unwrap_or_default();
        format!("{} {}{via}", pol.label, st.label())
    }

    /// Evidence pointer of a statement.
    pub fn pointer(&self, r: &StatementRef) -> String {
        let pol = &self.policies[r.policy];
        format!("{}{}", pol.pointer, self.statement(r).pointer)
    }

    /// May principal `p` perform `action` on `target`, in request context `ctx`?
    pub fn decide(
        &self,
        p: PrincipalId,
        action: ActionId,
        target: Target<'_>,
        ctx: &RequestContext,
    ) -> Decision {
        let pr = &self.principals[p];
        let mut grants = Vec::new();
        let mut maybe_grants = Vec::new();
        let mut denies = Vec::new();
        let mut maybe_denies = Vec::new();
        let boundary_refs = pr.boundary.map(|b| PolicyRef {
            policy: b,
            via_group: None,
        });
        let all = pr
            .policies
            .iter()
            .map(|r| (r, false))
            .chain(boundary_refs.iter().map(|r| (r, true)));
        for (pref, is_boundary) in all {
            let pol = &self.policies[pref.policy];
            for (si, st) in pol.statements().iter().enumerate() {
                if !pol.actions[si].contains(action) {
                    continue;
                }
                if st.effect == Effect::Allow && is_boundary {
                    continue;
                }
                let (t, undecided) = applies(st, target, ctx);
                if t == Tri::False {
                    continue;
                }
                let r = StatementRef {
                    policy: pref.policy,
                    statement: si,
                    via_group: pref.via_group,
                    undecided,
                };
                match (st.effect, t) {
                    (Effect::Deny, Tri::True) => denies.push(r),
                    (Effect::Deny, _) => maybe_denies.push(r),
                    (Effect::Allow, Tri::True) => grants.push(r),
                    (Effect::Allow, _) => maybe_grants.push(r),
                }
            }
        }
        // An SCP's Deny blocks like an identity Deny; its Allows only bound (below).
        for pi in self.scp_policies(pr) {
            let pol = &self.policies[pi];
            for (si, st) in pol.statements().iter().enumerate() {
                if st.effect != Effect::Deny || !pol.actions[si].contains(action) {
                    continue;
                }
                let (t, undecided) = applies(st, target, ctx);
                let r = StatementRef {
                    policy: pi,
                    statement: si,
                    via_group: None,
                    undecided,
                };
                match t {
                    Tri::False => {}
                    Tri::True => denies.push(r),
                    Tri::Unknown => maybe_denies.push(r),
                }
            }
        }
        if !denies.is_empty() {
            return Decision {
                outcome: Outcome::Denied,
                grants: Vec::new(),
                denies,
            };
        }
        let identity = if !grants.is_empty() {
            Tri::True
        } else if !maybe_grants.is_empty() {
            Tri::Unknown
        } else {
            return Decision {
                outcome: Outcome::NotGranted,
                grants: Vec::new(),
                denies: maybe_denies,
            };
        };
        let bound = match pr.boundary {
            None => Tri::True,
            Some(b) => {
                let pol = &self.policies[b];
                let mut best = Tri::False;
                for (si, st) in pol.statements().iter().enumerate() {
                    if st.effect == Effect::Allow && pol.actions[si].contains(action) {
                        best = best.or(applies(st, target, ctx).0);
                    }
                }
                best
            }
        };
        let scp = self.scp_allows(pr, action, |st| applies(st, target, ctx).0);
        grants.extend(maybe_grants);
        let outcome = if bound == Tri::False {
            Outcome::OutsideBoundary
        } else if scp == Tri::False {
            Outcome::OutsideScp
        } else if identity == Tri::True
            && bound == Tri::True
            && scp == Tri::True
            && maybe_denies.is_empty()
        {
            Outcome::Allowed
        } else {
            Outcome::Conditional
        };
        Decision {
            outcome,
            grants,
            denies: maybe_denies,
        }
    }

    /// The outcome of [`Account::decide`] alone, without collecting statements or wording
    /// conditions: what the escalation search asks hundreds of thousands of times.
    pub fn outcome(
        &self,
        p: PrincipalId,
        action: ActionId,
        target: Target<'_>,
        ctx: &RequestContext,
    ) -> Outcome {
        let pr = &self.principals[p];
        let mut grant = Tri::False;
        let mut maybe_denied = false;
        let tri = |st: &Statement| -> Tri {
            let r = resource_applies(st, target, ctx);
            if r == Tri::False {
                return Tri::False;
            }
            let mut t = r;
            for c in &st.conditions {
                t = t.and(c.evaluate(ctx));
                if t == Tri::False {
                    break;
                }
            }
            t
        };
        let boundary = pr.boundary.map(|b| PolicyRef {
            policy: b,
            via_group: None,
        });
        for (pref, is_boundary) in pr
            .policies
            .iter()
            .map(|r| (r, false))
            .chain(boundary.iter().map(|r| (r, true)))
        {
            let pol = &self.policies[pref.policy];
            for (si, st) in pol.statements().iter().enumerate() {
                if !pol.actions[si].contains(action) || (st.effect == Effect::Allow && is_boundary)
                {
                    continue;
                }
                match (st.effect, tri(st)) {
                    (_, Tri::False) => {}
                    (Effect::Deny, Tri::True) => return Outcome::Denied,
                    (Effect::Deny, Tri::Unknown) => maybe_denied = true,
                    (Effect::Allow, t) => grant = grant.or(t),
                }
            }
        }
        for pi in self.scp_policies(pr) {
            let pol = &self.policies[pi];
            for (si, st) in pol.statements().iter().enumerate() {
                if st.effect == Effect::Deny && pol.actions[si].contains(action) {
                    match tri(st) {
                        Tri::False => {}
                        Tri::True => return Outcome::Denied,
                        Tri::Unknown => maybe_denied = true,
                    }
                }
            }
        }
        if grant == Tri::False {
            return Outcome::NotGranted;
        }
        let bound = match pr.boundary {
            None => Tri::True,
            Some(b) => {
                let pol = &self.policies[b];
                let mut best = Tri::False;
                for (si, st) in pol.statements().iter().enumerate() {
                    if st.effect == Effect::Allow && pol.actions[si].contains(action) {
                        best = best.or(tri(st));
                    }
                }
                best
            }
        };
        let scp = self.scp_allows(pr, action, tri);
        if bound == Tri::False {
            Outcome::OutsideBoundary
        } else if scp == Tri::False {
            Outcome::OutsideScp
        } else if grant == Tri::True && bound == Tri::True && scp == Tri::True && !maybe_denied {
            Outcome::Allowed
        } else {
            Outcome::Conditional
        }
    }

    /// Whether every SCP level has an Allow covering `action` (`applies` judges a statement's
    /// resource and conditions): true when no SCP bounds the principal.
    fn scp_allows(
        &self,
        pr: &PrincipalInput,
        action: ActionId,
        applies: impl Fn(&Statement) -> Tri,
    ) -> Tri {
        let mut all = Tri::True;
        for level in self.scps_for(pr) {
            let mut any = Tri::False;
            'level: for &pi in &level.policies {
                let pol = &self.policies[pi];
                for (si, st) in pol.statements().iter().enumerate() {
                    if st.effect == Effect::Allow && pol.actions[si].contains(action) {
                        any = any.or(applies(st));
                        if any == Tri::True {
                            break 'level;
                        }
                    }
                }
            }
            all = all.and(any);
            if all == Tri::False {
                break;
            }
        }
        all
    }

    /// What the principal may do on every resource, computed over action sets at once.
    pub fn full_access(&self, p: PrincipalId, ctx: &RequestContext) -> FullAccess {
        self.full_access_of(&self.principals[p], ctx)
    }

    /// [`Account::full_access`] of a principal that need not be in the account (e.g. one with
    /// its boundary removed, to see what removing it would give).
    pub fn full_access_of(&self, pr: &PrincipalInput, ctx: &RequestContext) -> FullAccess {
        self.full_access_within(pr, ctx, self.scps_for(pr))
    }

    /// What a policy grants on its own terms, as if no SCP bounded the account: for judging a
    /// document rather than a principal.
    pub fn full_access_ignoring_scps(
        &self,
        pr: &PrincipalInput,
        ctx: &RequestContext,
    ) -> FullAccess {
        self.full_access_within(pr, ctx, &[])
    }

    fn full_access_within(
        &self,
        pr: &PrincipalInput,
        ctx: &RequestContext,
        levels: &[ScpLevel],
    ) -> FullAccess {
        let n = self.catalog.len();
        let mut sure = ActionSet::empty(n);
        let mut maybe = ActionSet::empty(n);
        let mut denied = ActionSet::empty(n);
        let mut grants = Vec::new();
        let mut maybe_denied = Vec::new();
        let mut scp_denied = ActionSet::empty(n);
        let mut visit = |pref: &PolicyRef,
                         allow_counts: bool,
                         sure: &mut ActionSet,
                         maybe: &mut ActionSet,
                         grants: &mut Vec<StatementRef>,
                         denied: &mut ActionSet| {
            let pol = &self.policies[pref.policy];
            for (si, st) in pol.statements().iter().enumerate() {
                if !is_universal_for_allow(st) {
                    continue;
                }
                let (t, undecided) = conditions(&st.conditions, ctx);
                let r = StatementRef {
                    policy: pref.policy,
                    statement: si,
                    via_group: pref.via_group,
                    undecided,
                };
                match (st.effect, t) {
                    (_, Tri::False) => {}
                    (Effect::Deny, Tri::True) => denied.union_with(&pol.actions[si]),
                    (Effect::Deny, _) => maybe_denied.push(r),
                    (Effect::Allow, _) if !allow_counts => {}
                    (Effect::Allow, Tri::True) => {
                        sure.union_with(&pol.actions[si]);
                        grants.push(r);
                    }
                    (Effect::Allow, _) => {
                        maybe.union_with(&pol.actions[si]);
                        grants.push(r);
                    }
                }
            }
        };
        for pref in &pr.policies {
            visit(pref, true, &mut sure, &mut maybe, &mut grants, &mut denied);
        }
        maybe.union_with(&sure);
        if let Some(b) = pr.boundary {
            let mut b_sure = ActionSet::empty(n);
            let mut b_maybe = ActionSet::empty(n);
            let mut b_grants = Vec::new();
            visit(
                &PolicyRef {
                    policy: b,
                    via_group: None,
                },
                true,
                &mut b_sure,
                &mut b_maybe,
                &mut b_grants,
                &mut denied,
            );
            b_maybe.union_with(&b_sure);
            sure.intersect_with(&b_sure);
            maybe.intersect_with(&b_maybe);
        }
        // The SCP ceiling: what every level allows on every resource, less its Denies.
        let mut ceiling = None;
        if !levels.is_empty() {
            let mut c_sure = ActionSet::full(n);
            let mut c_maybe = ActionSet::full(n);
            for level in levels {
                let mut l_sure = ActionSet::empty(n);
                let mut l_maybe = ActionSet::empty(n);
                let mut l_grants = Vec::new();
                for &policy in &level.policies {
                    visit(
                        &PolicyRef {
                            policy,
                            via_group: None,
                        },
                        true,
                        &mut l_sure,
                        &mut l_maybe,
                        &mut l_grants,
                        &mut scp_denied,
                    );
                }
                l_maybe.union_with(&l_sure);
                c_sure.intersect_with(&l_sure);
                c_maybe.intersect_with(&l_maybe);
            }
            sure.intersect_with(&c_sure);
            maybe.intersect_with(&c_maybe);
            ceiling = Some(c_maybe);
        }
        denied.union_with(&scp_denied);
        sure.subtract(&denied);
        maybe.subtract(&denied);
        // Only the SCPs' Denies lower the ceiling: a principal's own Deny keeps it from admin.
        if let Some(c) = &mut ceiling {
            c.subtract(&scp_denied);
        }
        FullAccess {
            sure,
            maybe,
            grants,
            maybe_denied,
            ceiling,
        }
    }
}

/// What a principal may do on every resource.
#[derive(Debug, Clone)]
pub struct FullAccess {
    /// Allowed on `*` with no undecided condition and no Deny.
    pub sure: ActionSet,
    /// Allowed on `*` at least under some conditions (a superset of `sure`).
    pub maybe: ActionSet,
    /// The statements granting on every resource.
    pub grants: Vec<StatementRef>,
    /// Denies on every resource whose conditions could not be decided.
    pub maybe_denied: Vec<StatementRef>,
    /// The most the principal could be allowed on every resource when SCPs bound it: what
    /// all their levels allow less their Denies (`None`: no SCP, so every action).
    /// "Admin-equivalent" means all of it.
    pub ceiling: Option<ActionSet>,
}

impl FullAccess {
    /// Allowed everything the account can allow (every action, or all the SCPs leave).
    pub fn is_admin(&self, catalog: &Catalog) -> bool {
        match &self.ceiling {
            None => self.sure.len() == catalog.len(),
            Some(c) => !c.is_empty() && self.sure.is_superset_of(c),
        }
    }
    pub fn maybe_admin(&self, catalog: &Catalog) -> bool {
        match &self.ceiling {
            None => self.maybe.len() == catalog.len(),
            Some(c) => !c.is_empty() && self.maybe.is_superset_of(c),
        }
    }
    /// How many actions "everything" is: the catalog's, or the SCP ceiling's.
    pub fn ceiling_len(&self, catalog: &Catalog) -> usize {
        self.ceiling.as_ref().map_or(catalog.len(), ActionSet::len)
    }
    /// Surely allowed every action of `set` the account can allow (at least one).
    pub fn surely_covers(&self, set: &ActionSet) -> bool {
        covers(&self.sure, &self.ceiling, set)
    }
    /// Allowed, at least under some conditions, every action of `set` the account can allow.
    pub fn maybe_covers(&self, set: &ActionSet) -> bool {
        covers(&self.maybe, &self.ceiling, set)
    }
}

fn covers(have: &ActionSet, ceiling: &Option<ActionSet>, set: &ActionSet) -> bool {
    match ceiling {
        None => !set.is_empty() && have.is_superset_of(set),
        Some(c) => {
            let mut need = set.clone();
            need.intersect_with(c);
            !need.is_empty() && have.is_superset_of(&need)
        }
    }
}

fn compile(
    catalog: &'static Catalog,
    input: PolicyInput<'_>,
    sets: &mut HashMap<(bool, Vec<String>), Arc<ActionSet>>,
) -> CompiledPolicy {
    let policy = Policy::parse(input.document, input.kind);
    let mut actions = Vec::new();
    let mut unknown_actions = Vec::new();
    if let Ok(p) = &policy {
        for st in &p.statements {
            let (negated, patterns) = match &st.actions {
                Patterns::Only(v) => (false, v),
                Patterns::Except(v) => (true, v),
            };
            let key = (
                negated,
                patterns
                    .iter()
                    .map(|s| s.to_ascii_lowercase())
                    .collect::<Vec<_>>(),
            );
            let field = if negated { "NotAction" } else { "Action" };
            for (i, pat) in patterns.iter().enumerate() {
                if catalog.expand(pat).unknown {
                    let ptr = if patterns.len() == 1 {
                        format!("{}{}/{field}", input.pointer, st.pointer)
                    } else {
                        format!("{}{}/{field}/{i}", input.pointer, st.pointer)
                    };
                    unknown_actions.push((ptr, pat.clone()));
                }
            }
            let set = sets
                .entry(key)
                .or_insert_with(|| {
                    let mut set = ActionSet::empty(catalog.len());
                    for pat in patterns {
                        set.union_with(&catalog.expand(pat).actions);
                    }
                    Arc::new(if negated {
                        set.complement(catalog.len())
                    } else {
                        set
                    })
                })
                .clone();
            actions.push(set);
        }
    }
    CompiledPolicy {
        label: input.label,
        pointer: input.pointer,
        managed_arn: input.managed_arn,
        versions: input.versions,
        policy,
        actions,
        unknown_actions,
    }
}

/// A pattern that matches every ARN: `*`, `arn:*`, `arn:aws:*:*:*:*` and the like.
pub fn is_universal(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some(rest) = pattern.strip_prefix("arn:") else {
        return false;
    };
    let mut parts = rest.splitn(5, ':');
    let partition = parts.next().unwrap_or_default();
    (partition == "*" && rest.chars().all(|c| c == '*' || c == ':'))
        || (partition.starts_with("aws")
            && parts.all(|p| p.chars().all(|c| c == '*'))
            && rest.contains('*'))
}

/// Whether a statement's resource element covers every resource. A `NotResource` counts, for
/// an Allow as for a Deny: "everything except ..." is reported, not allowed to hide the grant.
pub fn is_universal_for_allow(st: &Statement) -> bool {
    match &st.resources {
        None | Some(Patterns::Except(_)) => true,
        Some(Patterns::Only(v)) => v.iter().any(|p| is_universal(p)),
    }
}

/// Whether a statement's resource element and conditions apply, three-valued, with the
/// undecided conditions in words.
fn applies(st: &Statement, target: Target<'_>, ctx: &RequestContext) -> (Tri, Vec<String>) {
    let r = resource_applies(st, target, ctx);
    if r == Tri::False {
        return (Tri::False, Vec::new());
    }
    let (c, mut undecided) = conditions(&st.conditions, ctx);
    if r == Tri::Unknown {
        undecided.push("the resource matches a policy variable the engine cannot resolve".into());
    }
    (r.and(c), undecided)
}

/// A statement's conditions together (all must hold), with the undecided ones in words.
pub(crate) fn conditions(
    conds: &[crate::condition::Condition],
    ctx: &RequestContext,
) -> (Tri, Vec<String>) {
    let mut t = Tri::True;
    let mut undecided = Vec::new();
    for c in conds {
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

fn resource_applies(st: &Statement, target: Target<'_>, ctx: &RequestContext) -> Tri {
    let Some(res) = &st.resources else {
        return Tri::True;
    };
    let allow = st.effect == Effect::Allow;
    match (res, target) {
        (Patterns::Only(v), Target::All) => Tri::from_bool(v.iter().any(|p| is_universal(p))),
        (Patterns::Only(v), Target::Some) => {
            Tri::from_bool(allow || v.iter().any(|p| is_universal(p)))
        }
        (Patterns::Except(_), Target::All) => Tri::True,
        // Something is exempt from the Deny, so it does not block "some resource".
        (Patterns::Except(_), Target::Some) => Tri::from_bool(allow),
        (Patterns::Only(v), Target::Arn(arn)) => any_match(v, arn, ctx),
        (Patterns::Except(v), Target::Arn(arn)) => any_match(v, arn, ctx).negate(),
    }
}

fn any_match(patterns: &[String], arn: &str, ctx: &RequestContext) -> Tri {
    let mut out = Tri::False;
    for p in patterns {
        let t = match ctx.substitute(p) {
            crate::condition::Subst::Text(s) => Tri::from_bool(glob::matches(&s, arn, false)),
            crate::condition::Subst::Absent => Tri::False,
            crate::condition::Subst::Unknown => Tri::Unknown,
        };
        out = out.or(t);
        if out == Tri::True {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests;
