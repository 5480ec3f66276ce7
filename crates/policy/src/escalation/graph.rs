//! The "can become" graph (principals, then hubs that stand for "any user" or "any role a
//! service is trusted by") and the index of who each role's trust policy admits.

use std::rc::Rc;

use super::*;

/// The graph: principals are nodes `0..n`; *hubs* after them stand for "any user" or "any role
/// trusted by a service", so a principal that may create keys for every user costs one edge, not
/// one per user (what keeps a 10,000-principal account linear).
pub(super) struct Graph {
    pub(super) n: usize,
    pub(super) out: Vec<Vec<(u32, Edge)>>,
    /// Per method (and the fan-out it stands for): the hub.
    pub(super) hubs: HashMap<(Edge, usize, usize), u32>,
    /// Edges into a hub that leave out some of its members: (from, hub) → the members left
    /// out, ascending. Kept beside the edge rather than as a hub of their own: when every
    /// principal leaves out a different member (a Deny on one role each), hubs of their own
    /// would be principal × principal edges.
    pub(super) except: FastMap<(u32, u32), Rc<[u32]>>,
}

impl Graph {
    pub(super) fn edge(&mut self, from: usize, to: usize, method: Edge) {
        self.out[from].push((to as u32, method));
    }

    /// The members the edge `from → hub` leaves out (ascending), if any.
    pub(super) fn left_out(&self, from: usize, hub: usize) -> Option<&[u32]> {
        self.except.get(&(from as u32, hub as u32)).map(|e| &e[..])
    }

    /// Edges from `from` by `method` to the principals of `within` (ascending; the same slice
    /// for every call with this method) that `reach` admits: "all but a few" is one edge to the
    /// method's hub, with the few kept beside the edge; "only these" is one edge each.
    pub(super) fn edges_to(&mut self, from: usize, method: Edge, reach: &Reach, within: &[u32]) {
        match reach {
            Reach::AllBut(except) => {
                if within.is_empty() {
                    return;
                }
                let except: Vec<u32> = except
                    .iter()
                    .copied()
                    .filter(|q| within.binary_search(q).is_ok())
                    .collect();
                let key = (method, within.as_ptr() as usize, within.len());
                let h = match self.hubs.get(&key) {
                    Some(&h) => h as usize,
                    None => {
                        let h = self.out.len();
                        self.out.push(within.iter().map(|&q| (q, method)).collect());
                        self.hubs.insert(key, h as u32);
                        h
                    }
                };
                self.edge(from, h, method);
                if !except.is_empty() {
                    self.except
                        .insert((from as u32, h as u32), Rc::from(except));
                }
            }
            Reach::Only(list) => {
                for &q in list {
                    if q as usize != from && within.binary_search(&q).is_ok() {
                        self.edge(from, q as usize, method);
                    }
                }
            }
        }
    }
}

/// Who may assume which role.
pub(super) struct TrustIndex {
    pub(super) grants: Vec<Vec<trust::TrustGrant>>,
    /// Roles whose trust policy names this principal: (role, grant).
    pub(super) by_principal: HashMap<usize, Vec<(usize, usize)>>,
    /// Grants to this account (or to anyone) whose conditions hold for every session: the
    /// "any role trusting the account" hub fans out to these roles.
    pub(super) open_to_account: Vec<usize>,
    pub(super) account_grants: Vec<(usize, usize)>,
    /// Per role: its grants to this account or anyone, decided or not.
    pub(super) by_account: HashMap<usize, Vec<usize>>,
    /// Grants to this account (or anyone) whose conditions depend on who the caller is.
    pub(super) account_grants_undecided: Vec<(usize, usize)>,
    pub(super) by_service: HashMap<String, Vec<usize>>,
}

impl TrustIndex {
    pub(super) fn new(account: &Account, base: &RequestContext) -> Self {
        let n = account.principals.len();
        let grants: Vec<Vec<trust::TrustGrant>> = (0..n)
            .map(|q| {
                let pr = &account.principals[principal(q)];
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
            by_account: HashMap::new(),
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
                            idx.by_principal.entry(i.index()).or_default().push((q, gi));
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
        for &(q, gi) in idx
            .account_grants
            .iter()
            .chain(&idx.account_grants_undecided)
        {
            idx.by_account.entry(q).or_default().push(gi);
        }
        for v in idx.by_service.values_mut() {
            v.dedup();
        }
        idx.grants = grants;
        idx
    }

    pub(super) fn account_grants_or_open(
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
    pub(super) fn admits(
        &self,
        cx: &Ctx<'_>,
        p: usize,
        q: usize,
        gi: usize,
    ) -> Option<Vec<String>> {
        let (t, undecided) = trust_conditions(&self.grants[q][gi], &cx.ctxs[p]);
        (t != Tri::False).then_some(undecided)
    }

    /// The first grant of role `q` that admits `p` (explicitly, through the account, or as anyone).
    pub(super) fn grant_for(
        &self,
        cx: &Ctx<'_>,
        p: usize,
        q: usize,
    ) -> Option<(bool, Vec<String>)> {
        let me = &cx.account.principals[principal(p)];
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
