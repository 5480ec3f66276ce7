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
use std::rc::Rc;

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
mod reach;

use explain::{Search, explain_nodes};
use graph::{Graph, TrustIndex};
use methods::{Credential, Edge, Ids};
use query::Ctx;
use raise::{
    RaiseSet, denied, group_is_admin, not_denied, raise_of, raise_permissions, raise_step,
    trust_conditions,
};
use reach::{Reach, Universe, Universes};

pub use methods::{COMPUTE_METHODS, ComputeMethod, IAM_METHODS, IamMethod};

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
    let cx = context(account, base);
    let iam_all = account.catalog.service_actions("iam");
    let u = Universes::new(account);
    let power = powers(&cx, &iam_all);
    // Groups whose own policies make a member admin-equivalent (for AddUserToGroup).
    let admin_groups: Table<GroupId, bool> = account
        .groups
        .iter()
        .map(|g| group_is_admin(account, g, &iam_all))
        .collect();
    let trust = TrustIndex::new(account, base);
    let within = Reachable::new(account, &trust, &u);

    let mut g = Graph {
        n,
        out: vec![Vec::new(); n],
        hubs: HashMap::new(),
        except: FastMap::default(),
    };
    let mut grants_on: Vec<Vec<RaiseSet>> = (0..n).map(|_| Vec::new()).collect();
    let mut self_grant: Vec<Option<Step>> = vec![None; n];
    for (p, _) in power.iter().enumerate().filter(|(_, pw)| pw.is_none()) {
        become_edges(&cx, &trust, &u, &within, &mut g, p);
        grants_on[p] = raise_permissions(&cx, &u, p, &admin_groups, &iam_all);
        if let Some(raise) = raise_of(&grants_on[p], p) {
            self_grant[p] = Some(raise_step(&cx, p, p, raise));
        }
    }
    raise_then_become(&cx, &trust, &g, &grants_on, &mut self_grant);

    let routes = Routes::search(&g, |p| power[p].is_some() || self_grant[p].is_some());
    let paths = (0..n)
        .map(|p| {
            if power[p].is_some() {
                return Some(Vec::new());
            }
            if !routes.done[p] {
                return None;
            }
            if !explain(principal(p)) {
                return Some(Vec::new());
            }
            let nodes = routes.nodes_from(p);
            let last = *nodes.last().expect("a path starts somewhere");
            let mut out = explain_nodes(&cx, &trust, &g, &nodes);
            if let Some(s) = &self_grant[last] {
                out.push(s.clone());
            }
            Some(out)
        })
        .collect();
    Analysis {
        power: power.into(),
        paths,
        edges: routes.edges,
    }
}

/// What every question about a principal starts from: its request context (`base` with its
/// own keys) and the actions its policies name in an Allow.
fn context<'a>(account: &'a Account, base: &RequestContext) -> Ctx<'a> {
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
    Ctx {
        account,
        ids: Ids::new(account),
        ctxs,
        named,
        some_cache: Default::default(),
        pass_ctxs: Default::default(),
        unbounded: std::cell::OnceCell::new(),
    }
}

/// Who is already admin-equivalent, and whether only under undecided conditions.
fn powers(cx: &Ctx<'_>, iam_all: &ActionSet) -> Vec<Option<(Power, bool)>> {
    let account = cx.account;
    let catalog = account.catalog;
    (0..account.principals.len())
        .map(|p| {
            let fa = account.full_access(principal(p), &cx.ctxs[p]);
            if fa.is_admin(catalog) {
                Some((Power::Admin, false))
            } else if fa.surely_covers(iam_all) {
                Some((Power::FullIam, false))
            } else if fa.maybe_admin(catalog) {
                Some((Power::Admin, true))
            } else if fa.maybe_covers(iam_all) {
                Some((Power::FullIam, true))
            } else {
                None
            }
        })
        .collect()
}

/// The principals each way of becoming another can reach at all, whoever asks.
struct Reachable {
    /// Per compute method: the roles it can reach (trusted by its service, with an instance
    /// profile where the method needs one).
    by_compute: Vec<Rc<[u32]>>,
    /// Roles whose trust policy admits the whole account.
    open_to_account: Rc<[u32]>,
    /// Per credential kind: the users it can be made for.
    keyable: [Rc<[u32]>; 4],
}

impl Reachable {
    fn new(account: &Account, trust: &TrustIndex, u: &Universes) -> Reachable {
        let by_compute = COMPUTE_METHODS
            .iter()
            .map(|m| {
                trust
                    .by_service
                    .get(m.service)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&q| {
                        !m.needs_instance_profile()
                            || account.principals[principal(q)].instance_profile
                    })
                    .map(|q| q as u32)
                    .collect()
            })
            .collect();
        let keyable = Credential::ALL.map(|c| {
            u.users
                .ids()
                .iter()
                .copied()
                .filter(|&q| c.applies(&account.principals[principal(q as usize)]))
                .collect()
        });
        Reachable {
            by_compute,
            open_to_account: trust.open_to_account.iter().map(|&q| q as u32).collect(),
            keyable,
        }
    }
}

/// Adds `p`'s "can become" edges: assuming a role, rewriting a role's trust then assuming
/// it, making another user's credentials, and running code under a role in a compute service.
fn become_edges(
    cx: &Ctx<'_>,
    trust: &TrustIndex,
    u: &Universes,
    within: &Reachable,
    g: &mut Graph,
    p: usize,
) {
    assume_edges(cx, trust, u, within, g, p);
    // Rewriting a role's trust policy to name the principal, then assuming it: within one
    // account a trust policy naming the caller's ARN needs no identity-policy allow for
    // sts:AssumeRole (as for the Assume edges), so only an explicit Deny stops it.
    let update = cx.reach(p, "iam:UpdateAssumeRolePolicy", &u.roles, None);
    if !update.is_none() {
        let update = not_denied(cx, p, "sts:AssumeRole", update, &u.roles);
        g.edges_to(p, Edge::UpdateTrust, &update, u.roles.ids());
    }
    // Credentials for another user.
    for (credential, users) in Credential::ALL.into_iter().zip(&within.keyable) {
        if users.is_empty() {
            continue;
        }
        let reach = credential
            .actions()
            .iter()
            .map(|a| cx.reach(p, a, &u.users, None))
            .reduce(|a, b| a.and(&b))
            .unwrap_or_else(Reach::none);
        g.edges_to(p, Edge::Credential(credential), &reach, users);
    }
    // Compute services that run code under a role.
    let mut pass: FastMap<usize, Reach> = FastMap::default();
    for (mi, m) in COMPUTE_METHODS.iter().enumerate() {
        let method = Edge::Compute(mi as u16);
        if within.by_compute[mi].is_empty()
            || !m
                .actions
                .iter()
                .all(|a| cx.may(p, a) && cx.can(p, a, Target::Some).is_some())
        {
            continue;
        }
        if !m.pass_role {
            g.edges_to(
                p,
                method,
                &Reach::AllBut(Vec::new()),
                &within.by_compute[mi],
            );
            continue;
        }
        let reach = pass
            .entry(m.service.as_ptr() as usize)
            .or_insert_with(|| cx.reach(p, "iam:PassRole", &u.roles, Some(m.service)));
        g.edges_to(p, method, reach, &within.by_compute[mi]);
    }
}

/// sts:AssumeRole edges: a trust policy naming the principal itself suffices within the
/// account; one trusting the account also needs the principal's own permission.
fn assume_edges(
    cx: &Ctx<'_>,
    trust: &TrustIndex,
    u: &Universes,
    within: &Reachable,
    g: &mut Graph,
    p: usize,
) {
    let account = cx.account;
    for &(q, gi) in trust.by_principal.get(&p).into_iter().flatten() {
        if q != p
            && trust.admits(cx, p, q, gi).is_some()
            && !denied(
                cx,
                p,
                "sts:AssumeRole",
                &account.principals[principal(q)].arn,
            )
        {
            g.edge(p, q, Edge::Assume);
        }
    }
    let assume = cx.reach(p, "sts:AssumeRole", &u.roles, None);
    match &assume {
        // Roles open to the whole account are one hub edge when the principal may assume
        // all (or all but a few) of them; the undecided ones are judged one by one.
        Reach::AllBut(_) => {
            g.edges_to(p, Edge::Assume, &assume, &within.open_to_account);
            for &(q, gi) in &trust.account_grants_undecided {
                if q != p && assume.contains(q as u32) && trust.admits(cx, p, q, gi).is_some() {
                    g.edge(p, q, Edge::Assume);
                }
            }
        }
        Reach::Only(roles) => {
            for &q in roles {
                let q = q as usize;
                let admitted = trust
                    .by_account
                    .get(&q)
                    .into_iter()
                    .flatten()
                    .any(|&gi| trust.admits(cx, p, q, gi).is_some());
                if q != p && admitted {
                    g.edge(p, q, Edge::Assume);
                }
            }
        }
    }
}

/// A principal that can raise another's permissions and then become it is a target too.
fn raise_then_become(
    cx: &Ctx<'_>,
    trust: &TrustIndex,
    g: &Graph,
    grants_on: &[Vec<RaiseSet>],
    self_grant: &mut [Option<Step>],
) {
    let n = grants_on.len();
    let mut search = Search::new(g.out.len());
    for p in 0..n {
        if self_grant[p].is_some() || grants_on[p].is_empty() {
            continue;
        }
        let sets = &grants_on[p];
        if let Some(nodes) = search.to(g, p, |q| q < n && raise_of(sets, q).is_some()) {
            let q = *nodes.last().expect("a path ends somewhere");
            let raise = raise_of(sets, q).expect("found above");
            let path = explain_nodes(cx, trust, g, &nodes);
            let mut s = raise_step(cx, p, q, raise);
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
}

/// Shortest paths to a target, by one reverse breadth-first search from all targets.
struct Routes {
    /// The node after each on its path.
    next: Vec<Option<u32>>,
    /// For an edge into a hub that leaves members out, the member it goes through.
    through: Vec<Option<u32>>,
    /// Whether a node reaches a target.
    done: Vec<bool>,
    /// Number of "can become" edges in the graph.
    edges: usize,
}

impl Routes {
    fn search(g: &Graph, is_target: impl Fn(usize) -> bool) -> Routes {
        let total = g.out.len();
        let mut reverse: Vec<Vec<u32>> = vec![Vec::new(); total];
        // Per hub: the principals whose edge into it leaves some members out, until a member
        // they admit is reached.
        let mut pending: Vec<Vec<u32>> = vec![Vec::new(); total];
        let mut edges = 0;
        for (from, out) in g.out.iter().enumerate() {
            for &(to, _) in out {
                if g.left_out(from, to as usize).is_some() {
                    pending[to as usize].push(from as u32);
                } else {
                    reverse[to as usize].push(from as u32);
                }
                edges += 1;
            }
        }
        let mut r = Routes {
            next: vec![None; total],
            through: vec![None; total],
            done: vec![false; total],
            edges,
        };
        let mut queue = VecDeque::new();
        for p in (0..g.n).filter(|&p| is_target(p)) {
            r.done[p] = true;
            queue.push_back(p);
        }
        while let Some(q) = queue.pop_front() {
            for &from in &reverse[q] {
                let from = from as usize;
                if !pending[from].is_empty() {
                    let waiting = std::mem::take(&mut pending[from]);
                    pending[from] = r.reach_hub_member(g, from, q, waiting, &mut queue);
                }
                if !r.done[from] {
                    r.done[from] = true;
                    r.next[from] = Some(q as u32);
                    queue.push_back(from);
                }
            }
        }
        r
    }

    /// `hub` and its member `q` are now reached: the waiting principals that do not leave `q`
    /// out reach it; those still waiting are returned. One that leaves `q` out waits for the
    /// next member, so each is looked at no more often than it has members left out, plus one.
    fn reach_hub_member(
        &mut self,
        g: &Graph,
        hub: usize,
        q: usize,
        mut waiting: Vec<u32>,
        queue: &mut VecDeque<usize>,
    ) -> Vec<u32> {
        waiting.retain(|&p| {
            let p = p as usize;
            if self.done[p] {
                return false;
            }
            let left = g
                .left_out(p, hub)
                .expect("a waiting edge leaves members out");
            if left.binary_search(&(q as u32)).is_ok() {
                return true;
            }
            self.done[p] = true;
            self.next[p] = Some(hub as u32);
            self.through[p] = Some(q as u32);
            queue.push_back(p);
            false
        });
        waiting
    }

    /// The nodes of `p`'s path, `p` first and the target last (a hub's member after the hub).
    fn nodes_from(&self, p: usize) -> Vec<usize> {
        let mut nodes = vec![p];
        let mut cur = p;
        while let Some(to) = self.next[cur] {
            nodes.push(to as usize);
            cur = match self.through[cur] {
                Some(member) => {
                    nodes.push(member as usize);
                    member as usize
                }
                None => to as usize,
            };
        }
        nodes
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod reference;
