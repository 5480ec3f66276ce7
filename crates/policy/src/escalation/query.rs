//! What a principal may do, as the search asks it: cached per (principal, action, service
//! passed to); which members of a kind it may act on is [`super::reach`].

use super::*;

pub(super) struct Ctx<'a> {
    pub(super) account: &'a Account,
    pub(super) ids: Ids,
    pub(super) ctxs: Vec<RequestContext>,
    /// Per principal, every action any of its Allow statements names (a cheap pre-filter).
    pub(super) named: Vec<ActionSet>,
    /// [`Ctx::may`] answers, per (principal, action, service passed to, by [`service_key`]).
    pub(super) some_cache: std::cell::RefCell<FastMap<(usize, ActionId, usize), bool>>,
    /// Per (principal, service): the principal's context with `iam:PassedToService` set to the
    /// service a method passes the role to, so a PassRole scoped to one service does not
    /// enable another's method.
    pub(super) pass_ctxs: std::cell::RefCell<FastMap<(usize, usize), std::rc::Rc<RequestContext>>>,
    /// The users and roles admin-equivalent once their permissions boundary is gone (found on
    /// first need; the same for every principal that could remove a boundary).
    pub(super) unbounded: std::cell::OnceCell<[Universe; 2]>,
}

/// A cache key for the service a role is passed to: where its `&'static str` is, not its text.
/// The search looks keys up millions of times, and comparing service names was a fifth of its
/// time; two copies of one name at different addresses only cost a second cache entry.
fn service_key(service: Option<&'static str>) -> usize {
    service.map_or(0, |s| s.as_ptr() as usize)
}

impl Ctx<'_> {
    pub(super) fn pass_ctx(&self, p: usize, service: &'static str) -> std::rc::Rc<RequestContext> {
        self.pass_ctxs
            .borrow_mut()
            .entry((p, service_key(Some(service))))
            .or_insert_with(|| {
                let mut c = self.ctxs[p].clone();
                c.set("iam:PassedToService", &[service]);
                std::rc::Rc::new(c)
            })
            .clone()
    }

    /// [`Ctx::can`] for `iam:PassRole` of one role to `service`.
    pub(super) fn can_pass(
        &self,
        p: usize,
        target: Target<'_>,
        service: &'static str,
    ) -> Option<(Vec<StatementRef>, Vec<String>)> {
        self.can_in(p, "iam:PassRole", target, Some(service))
    }

    /// `Some((statements, caveats))` when `p` may do `action` on `target`.
    pub(super) fn can(
        &self,
        p: usize,
        action: &str,
        target: Target<'_>,
    ) -> Option<(Vec<StatementRef>, Vec<String>)> {
        self.can_in(p, action, target, None)
    }

    /// [`Ctx::can`], passing a role to `service` when given.
    pub(super) fn can_in(
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
            None => self.account.decide(principal(p), id, target, &self.ctxs[p]),
            Some(s) => self
                .account
                .decide(principal(p), id, target, &self.pass_ctx(p, s)),
        };
        if !d.outcome.is_possible() {
            return None;
        }
        let caveats = d.caveats();
        let mut grants = d.grants;
        grants.truncate(1);
        Some((grants, caveats))
    }

    pub(super) fn step(
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
            from: principal(from),
            method,
            action,
            to: to.map(principal),
            enabled_by,
            caveats,
        }
    }
}

impl Ctx<'_> {
    /// Whether `p` may do `action` on at least one resource. Any grant on one ARN implies
    /// this, so when it is false no target needs enumerating (e.g. a principal whose every
    /// action is denied without MFA). Cached: it is asked many times per principal.
    pub(super) fn may(&self, p: usize, action: &str) -> bool {
        self.may_in(p, action, None)
    }

    /// [`Ctx::may`], passing a role to `service` when given.
    pub(super) fn may_in(&self, p: usize, action: &str, service: Option<&'static str>) -> bool {
        let id = self.ids.id(action);
        if !self.named[p].contains(id) {
            return false;
        }
        let key = (p, id, service_key(service));
        if let Some(&hit) = self.some_cache.borrow().get(&key) {
            return hit;
        }
        let ok = match service {
            None => self
                .account
                .outcome(principal(p), id, Target::Some, &self.ctxs[p]),
            Some(s) => self
                .account
                .outcome(principal(p), id, Target::Some, &self.pass_ctx(p, s)),
        }
        .is_possible();
        self.some_cache.borrow_mut().insert(key, ok);
        ok
    }
}
