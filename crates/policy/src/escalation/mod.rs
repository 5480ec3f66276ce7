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

mod explain;
mod graph;
mod methods;
mod query;
mod raise;

use explain::*;
use graph::*;
use methods::*;
use query::*;
use raise::*;

pub use methods::{COMPUTE_METHODS, ComputeMethod, IAM_METHODS};

/// The principal a graph node stands for: nodes `0..n` are the principals in table order, and
/// the hubs follow them.
fn principal(node: usize) -> PrincipalId {
    PrincipalId::from_index(node)
}

use crate::account::{Account, Outcome, PrincipalKind, StatementRef, Target};
use crate::actionset::ActionSet;
use crate::catalog::ActionId;
use crate::condition::{RequestContext, Tri};
use crate::ids::{GroupId, Id, PolicyId, PrincipalId, Table};
use crate::trust::{self, Trustee};

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
    pub from: PrincipalId,
    /// A method id from [`COMPUTE_METHODS`] or [`IAM_METHODS`].
    pub method: &'static str,
    /// What is done, e.g. `iam:CreateAccessKey on user bob`.
    pub action: String,
    /// The principal it becomes, if the step changes identity.
    pub to: Option<PrincipalId>,
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
    pub power: Table<PrincipalId, Option<(Power, bool)>>,
    /// Per principal: the path to admin, if any (empty for those already admin-equivalent).
    pub paths: Table<PrincipalId, Option<Vec<Step>>>,
    /// Number of "can become" edges in the graph.
    pub edges: usize,
}

impl Analysis {
    pub fn escalates(&self, p: PrincipalId) -> bool {
        self.power[p].is_none() && self.paths[p].is_some()
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
    explain: &dyn Fn(PrincipalId) -> bool,
) -> Analysis {
    let n = account.principals.len();
    let catalog = account.catalog;
    let ctxs: Vec<RequestContext> = (0..n)
        .map(|p| account.context_for(principal(p), base))
        .collect();
    let named: Vec<ActionSet> = (0..n)
        .map(|p| {
            let mut s = ActionSet::empty(catalog.len());
            for r in &account.principals[principal(p)].policies {
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
        unbounded_admin: vec![std::cell::OnceCell::new(); n],
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
            let fa = account.full_access(principal(p), &cx.ctxs[p]);
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
    let admin_groups: Table<GroupId, bool> = account
        .groups
        .iter()
        .map(|g| group_is_admin(account, g, &iam_all))
        .collect();

    // Trust: who may assume each role.
    let trust = TrustIndex::new(account, base);
    let users: Vec<usize> = (0..n)
        .filter(|&q| account.principals[principal(q)].kind == PrincipalKind::User)
        .collect();
    let roles: Vec<usize> = (0..n)
        .filter(|&q| account.principals[principal(q)].kind == PrincipalKind::Role)
        .collect();

    let mut g = Graph {
        n,
        out: vec![Vec::new(); n],
        hubs: HashMap::new(),
    };
    let mut grants_on: Vec<Vec<(usize, Raise)>> = (0..n).map(|_| Vec::new()).collect();
    let mut self_grant: Vec<Option<Step>> = vec![None; n];

    for (p, _) in power.iter().enumerate().filter(|(_, pw)| pw.is_none()) {
        // sts:AssumeRole: a trust policy naming the principal itself suffices within the account;
        // one trusting the account also needs the principal's own permission.
        for &(q, gi) in trust.by_principal.get(&p).into_iter().flatten() {
            if q != p
                && trust.admits(&cx, p, q, gi).is_some()
                && !denied(
                    &cx,
                    p,
                    "sts:AssumeRole",
                    &account.principals[principal(q)].arn,
                )
            {
                g.edge(p, q, Edge::Assume);
            }
        }
        if cx.may(p, "sts:AssumeRole") {
            // Roles open to the whole account are one hub edge when the principal may assume
            // any role; otherwise they are judged one by one, with the undecided ones.
            let one_by_one: &[(usize, usize)] = if cx.universal(p, "sts:AssumeRole", &role_probe) {
                let open = trust.open_to_account.clone();
                let h = g.hub(Edge::Assume, move || open);
                g.edge(p, h, Edge::Assume);
                &[]
            } else {
                &trust.account_grants
            };
            // The statements' resource patterns screen the roles first: a role none of them
            // names cannot be granted, and matching a pattern costs far less than a decision
            // (what keeps dense accounts from being principal × principal).
            let assume = cx.filter(p, "sts:AssumeRole");
            for &(q, gi) in one_by_one.iter().chain(&trust.account_grants_undecided) {
                let arn = &account.principals[principal(q)].arn;
                if q != p
                    && assume.admits(arn)
                    && trust.admits(&cx, p, q, gi).is_some()
                    && cx.can_on(p, "sts:AssumeRole", arn, &assume)
                {
                    g.edge(p, q, Edge::Assume);
                }
            }
            // Rewriting a role's trust policy, then assuming it.
            if cx.may(p, "iam:UpdateAssumeRolePolicy") {
                if cx.universal(p, "iam:UpdateAssumeRolePolicy", &role_probe)
                    && cx.universal(p, "sts:AssumeRole", &role_probe)
                {
                    let all = roles.clone();
                    let h = g.hub(Edge::UpdateTrust, move || all);
                    g.edge(p, h, Edge::UpdateTrust);
                } else {
                    let update = cx.filter(p, "iam:UpdateAssumeRolePolicy");
                    let assume = cx.filter(p, "sts:AssumeRole");
                    for &q in &roles {
                        let arn = &account.principals[principal(q)].arn;
                        if q != p
                            && cx.can_on(p, "iam:UpdateAssumeRolePolicy", arn, &update)
                            && cx.can_on(p, "sts:AssumeRole", arn, &assume)
                        {
                            g.edge(p, q, Edge::UpdateTrust);
                        }
                    }
                }
            }
        }

        // Credentials for another user.
        for credential in Credential::ALL {
            let (m, action) = (Edge::Credential(credential), credential.action());
            if !cx.may(p, action) {
                continue;
            }
            let applies =
                |q: usize| credential.applies(account.principals[principal(q)].console_password);
            if cx.universal(p, action, &user_probe) {
                let all: Vec<usize> = users.iter().copied().filter(|&q| applies(q)).collect();
                let h = g.hub(m, move || all);
                g.edge(p, h, m);
            } else {
                let filter = cx.filter(p, action);
                for &q in &users {
                    if q != p
                        && applies(q)
                        && cx.can_on(p, action, &account.principals[principal(q)].arn, &filter)
                    {
                        g.edge(p, q, m);
                    }
                }
            }
        }

        // Compute services that run code under a role.
        for (mi, m) in COMPUTE_METHODS.iter().enumerate() {
            let method = Edge::Compute(mi as u16);
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
                    .filter(|&q| account.principals[principal(q)].instance_profile)
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
                let pass = cx.filter(p, "iam:PassRole");
                for &q in trusted {
                    let arn = &account.principals[principal(q)].arn;
                    if q != p
                        && pass.admits(arn)
                        && cx.can_pass(p, Target::Arn(arn), m.service).is_some()
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
        // The targets as a set: the search asks of every node it reaches.
        let mut targets = vec![false; n];
        for (t, _) in &grants_on[p] {
            targets[*t] = true;
        }
        if let Some(nodes) = bfs_to(&g, p, |q| q < n && targets[q]) {
            let q = *nodes.last().expect("a path ends somewhere");
            let (_, raise) = grants_on[p]
                .iter()
                .find(|(t, _)| *t == q)
                .expect("found above");
            let path = explain_nodes(&cx, &trust, &g, &nodes);
            let mut s = raise_step(&cx, p, q, *raise);
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
    let mut reverse: Vec<Vec<(u32, Edge)>> = vec![Vec::new(); total];
    let mut edge_count = 0;
    for (from, out) in g.out.iter().enumerate() {
        for &(to, m) in out {
            reverse[to as usize].push((from as u32, m));
            edge_count += 1;
        }
    }
    let mut next: Vec<Option<(u32, Edge)>> = vec![None; total];
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
            if !explain(principal(p)) {
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
        power: power.into(),
        paths,
        edges: edge_count,
    }
}

#[cfg(test)]
mod tests;
