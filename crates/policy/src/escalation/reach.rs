//! Which of a kind of resource (users, roles, groups, customer-managed policies) a principal may
//! act on, decided without asking of every member.
//!
//! A decision depends on the target only through which resource patterns of the principal's
//! statements match its ARN. So the members no *specific* pattern names (one that does not
//! cover the whole kind, such as a single role's ARN) all share one outcome, decided once on a
//! representative; only the members a specific pattern names are decided one by one, and a
//! pattern's members are found once per account through [`Universe`], not once per principal.
//! That is what keeps the search near-linear on accounts where many principals may act on many
//! others: the answer "every role except these two" costs the two, not ten thousand.

use std::cell::RefCell;
use std::rc::Rc;

use super::*;
use crate::condition::Subst;
use crate::policy::Patterns;

/// The members of one kind of resource, by ARN: `ids` are the caller's numbers for them
/// (principal or group or policy indices), ascending.
pub(super) struct Universe {
    ids: Rc<[u32]>,
    arns: Vec<String>,
    /// Per ARN, its members (more than one only in evidence that lists a name twice).
    exact: HashMap<String, Rc<[u32]>>,
    /// Per resource pattern (after policy variables): the ids it matches, ascending.
    by_pattern: RefCell<FastMap<String, Rc<[u32]>>>,
}

impl Universe {
    /// `members`: (id, ARN), ids ascending.
    pub(super) fn new(members: impl IntoIterator<Item = (usize, String)>) -> Self {
        let (ids, arns): (Vec<u32>, Vec<String>) =
            members.into_iter().map(|(i, a)| (i as u32, a)).unzip();
        debug_assert!(ids.windows(2).all(|w| w[0] < w[1]));
        let mut by_arn: HashMap<String, Vec<u32>> = HashMap::new();
        for (&i, a) in ids.iter().zip(&arns) {
            by_arn.entry(a.clone()).or_default().push(i);
        }
        let exact = by_arn.into_iter().map(|(a, v)| (a, Rc::from(v))).collect();
        Universe {
            ids: ids.into(),
            arns,
            exact,
            by_pattern: Default::default(),
        }
    }

    pub(super) fn ids(&self) -> &Rc<[u32]> {
        &self.ids
    }

    pub(super) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The members `pattern` matches (case-sensitively, as IAM matches resource ARNs).
    fn matching(&self, pattern: &str) -> Rc<[u32]> {
        if !pattern.contains(['*', '?']) {
            return self
                .exact
                .get(pattern)
                .cloned()
                .unwrap_or_else(|| Rc::from([]));
        }
        if let Some(hit) = self.by_pattern.borrow().get(pattern) {
            return hit.clone();
        }
        let hit: Rc<[u32]> = self
            .ids
            .iter()
            .zip(&self.arns)
            .filter(|(_, arn)| crate::glob::matches(pattern, arn, false))
            .map(|(&i, _)| i)
            .collect();
        self.by_pattern
            .borrow_mut()
            .insert(pattern.to_string(), hit.clone());
        hit
    }

    fn arn(&self, id: u32) -> &str {
        let at = self
            .ids
            .binary_search(&id)
            .expect("a member of the universe");
        &self.arns[at]
    }
}

/// The members a principal may act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Reach {
    /// Every member but these (ascending).
    AllBut(Vec<u32>),
    /// Only these (ascending; possibly none).
    Only(Vec<u32>),
}

impl Reach {
    pub(super) fn none() -> Reach {
        Reach::Only(Vec::new())
    }

    pub(super) fn is_none(&self) -> bool {
        matches!(self, Reach::Only(v) if v.is_empty())
    }

    pub(super) fn contains(&self, id: u32) -> bool {
        match self {
            Reach::AllBut(except) => except.binary_search(&id).is_err(),
            Reach::Only(v) => v.binary_search(&id).is_ok(),
        }
    }

    /// The members of `within` (ascending) this reaches.
    pub(super) fn among(&self, within: &[u32]) -> Vec<u32> {
        within
            .iter()
            .copied()
            .filter(|&i| self.contains(i))
            .collect()
    }

    /// Both reaches together.
    pub(super) fn and(&self, other: &Reach) -> Reach {
        match (self, other) {
            (Reach::AllBut(a), Reach::AllBut(b)) => {
                let mut v: Vec<u32> = a.iter().chain(b).copied().collect();
                v.sort_unstable();
                v.dedup();
                Reach::AllBut(v)
            }
            (Reach::Only(v), r) | (r, Reach::Only(v)) => Reach::Only(r.among(v)),
        }
    }
}

impl Ctx<'_> {
    /// Which members of `universe` `p` may do `action` on (passing a role to `service` when
    /// given), exactly as [`Account::outcome`] would answer member by member.
    pub(super) fn reach(
        &self,
        p: usize,
        action: &str,
        universe: &Universe,
        service: Option<&'static str>,
    ) -> Reach {
        if universe.len() == 0 || !self.may_in(p, action, service) {
            return Reach::none();
        }
        let id = self.ids.id(action);
        let ctx_rc;
        let ctx: &RequestContext = match service {
            None => &self.ctxs[p],
            Some(s) => {
                ctx_rc = self.pass_ctx(p, s);
                &ctx_rc
            }
        };
        let possible = |arn: &str| {
            self.account
                .outcome(principal(p), id, Target::Arn(arn), ctx)
                .is_possible()
        };
        let decide_all = || {
            Reach::Only(
                universe
                    .ids
                    .iter()
                    .zip(&universe.arns)
                    .filter(|(_, arn)| possible(arn))
                    .map(|(&i, _)| i)
                    .collect(),
            )
        };
        // The members some pattern names without naming them all.
        let mut specific: Vec<u32> = Vec::new();
        let pr = &self.account.principals[principal(p)];
        let refs = pr
            .policies
            .iter()
            .map(|r| r.policy)
            .chain(pr.boundary)
            .chain(self.account.scp_policies(pr));
        for pi in refs {
            let pol = &self.account.policies[pi];
            for (si, st) in pol.statements().iter().enumerate() {
                // Every statement naming the action counts: identity Allows and Denies, the
                // boundary's and the SCPs' Allows and Denies.
                if !pol.actions[si].contains(id) {
                    continue;
                }
                let Some(Patterns::Only(patterns)) = &st.resources else {
                    // NotResource (or no resource element): every member, one by one.
                    return decide_all();
                };
                for pat in patterns {
                    let text = match ctx.substitute(pat) {
                        Subst::Text(t) => t,
                        Subst::Absent => continue,
                        Subst::Unknown => return decide_all(),
                    };
                    let hit = universe.matching(&text);
                    if hit.len() < universe.len() {
                        specific.extend(hit.iter());
                    }
                }
            }
        }
        specific.sort_unstable();
        specific.dedup();
        let decided: Vec<(u32, bool)> = specific
            .iter()
            .map(|&i| (i, possible(universe.arn(i))))
            .collect();
        // Every other member matches exactly the patterns that cover the whole kind: one
        // representative decides for them all.
        let representative = universe
            .ids
            .iter()
            .zip(&universe.arns)
            .find(|(i, _)| specific.binary_search(i).is_err());
        match representative {
            Some((_, arn)) if possible(arn) => Reach::AllBut(
                decided
                    .into_iter()
                    .filter(|(_, ok)| !ok)
                    .map(|(i, _)| i)
                    .collect(),
            ),
            _ => Reach::Only(
                decided
                    .into_iter()
                    .filter(|(_, ok)| *ok)
                    .map(|(i, _)| i)
                    .collect(),
            ),
        }
    }
}

impl Reach {
    /// Either reach.
    pub(super) fn or(&self, other: &Reach) -> Reach {
        match (self, other) {
            (Reach::AllBut(a), Reach::AllBut(b)) => Reach::AllBut(
                a.iter()
                    .copied()
                    .filter(|i| b.binary_search(i).is_ok())
                    .collect(),
            ),
            (Reach::AllBut(a), only @ Reach::Only(_))
            | (only @ Reach::Only(_), Reach::AllBut(a)) => {
                Reach::AllBut(a.iter().copied().filter(|&i| !only.contains(i)).collect())
            }
            (Reach::Only(a), Reach::Only(b)) => {
                let mut v: Vec<u32> = a.iter().chain(b).copied().collect();
                v.sort_unstable();
                v.dedup();
                Reach::Only(v)
            }
        }
    }
}

/// The kinds of resource the escalation methods act on, each indexed once per account.
pub(super) struct Universes {
    pub(super) users: Universe,
    pub(super) roles: Universe,
    pub(super) groups: Universe,
    /// Customer-managed policies (AWS-managed ones cannot be rewritten).
    pub(super) policies: Universe,
    /// Customer-managed policies with more than one version (another may be made default).
    pub(super) multi_version: Vec<u32>,
    /// Per customer-managed policy: the principals holding it, directly or through a group.
    pub(super) holders: FastMap<u32, Vec<u32>>,
    /// The principals holding any customer-managed policy.
    pub(super) all_holders: Rc<[u32]>,
    /// Per group: its member users.
    pub(super) members: Table<GroupId, Rc<[u32]>>,
}

impl Universes {
    pub(super) fn new(account: &Account) -> Self {
        let kind = |k: PrincipalKind| {
            Universe::new(
                account
                    .principals
                    .iter_enumerated()
                    .filter(|(_, pr)| pr.kind == k)
                    .map(|(i, pr)| (i.index(), pr.arn.clone())),
            )
        };
        let customer = |pol: &crate::account::CompiledPolicy| {
            pol.managed_arn
                .as_deref()
                .filter(|arn| !arn.contains(":iam::aws:policy/"))
                .map(str::to_string)
        };
        let policies = Universe::new(
            account
                .policies
                .iter_enumerated()
                .filter_map(|(i, pol)| customer(pol).map(|arn| (i.index(), arn))),
        );
        let multi_version = account
            .policies
            .iter_enumerated()
            .filter(|(_, pol)| pol.versions > 1 && customer(pol).is_some())
            .map(|(i, _)| i.index() as u32)
            .collect();
        let mut holders: FastMap<u32, Vec<u32>> = FastMap::default();
        let mut all_holders = Vec::new();
        for (q, pr) in account.principals.iter_enumerated() {
            let mut any = false;
            for r in &pr.policies {
                if policies.exact.contains_key(
                    account.policies[r.policy]
                        .managed_arn
                        .as_deref()
                        .unwrap_or_default(),
                ) {
                    let list = holders.entry(r.policy.index() as u32).or_default();
                    if list.last() != Some(&(q.index() as u32)) {
                        list.push(q.index() as u32);
                    }
                    any = true;
                }
            }
            if any {
                all_holders.push(q.index() as u32);
            }
        }
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); account.groups.len()];
        for (q, pr) in account.principals.iter_enumerated() {
            for g in &pr.groups {
                let list = &mut members[g.index()];
                if list.last() != Some(&(q.index() as u32)) {
                    list.push(q.index() as u32);
                }
            }
        }
        let members = members.into_iter().map(Rc::from).collect();
        Universes {
            users: kind(PrincipalKind::User),
            roles: kind(PrincipalKind::Role),
            groups: Universe::new(
                account
                    .groups
                    .iter_enumerated()
                    .map(|(i, g)| (i.index(), g.arn.clone())),
            ),
            policies,
            multi_version,
            holders,
            all_holders: all_holders.into(),
            members,
        }
    }
}
