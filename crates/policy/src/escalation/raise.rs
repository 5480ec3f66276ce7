//! Raising one's own permissions, or another's: attaching or putting policies, rewriting a
//! policy version, joining an admin group, dropping a boundary.

use std::rc::Rc;

use super::*;

/// How a principal can raise another's permissions: kept as this small record per target, and
/// worded as a [`Step`] by [`raise_step`] only for the one target a reported path uses (a dense
/// account holds millions of such pairs; their words would take gigabytes).
#[derive(Debug, Clone, Copy)]
pub(super) enum Raise {
    /// Attaching or putting a policy on the target itself.
    Policy {
        method: &'static str,
        action: &'static str,
    },
    /// Rewriting a customer-managed policy the target holds (the first one, when worded).
    Rewrite,
    /// Removing or replacing the target's permissions boundary.
    Boundary {
        method: &'static str,
        action: &'static str,
    },
    /// Changing the policies of a group the target is in.
    Group {
        group: GroupId,
        method: &'static str,
        action: &'static str,
    },
    /// Joining an admin group (the principal itself).
    JoinAdminGroup(GroupId),
}

/// The step `raise` stands for, from principal `p` to target `q`, worded as the search found it.
pub(super) fn raise_step(cx: &Ctx<'_>, p: usize, q: usize, raise: Raise) -> Step {
    let t = &cx.account.principals[principal(q)];
    let granted = |action: &str, arn: &str| {
        cx.can(p, action, Target::Arn(arn))
            .expect("a recorded grant is granted")
    };
    match raise {
        Raise::Policy { method, action } => {
            let kind = if t.kind == PrincipalKind::User {
                "user"
            } else {
                "role"
            };
            cx.step(
                p,
                method,
                format!("{action} on {kind} {}", t.name),
                None,
                vec![granted(action, &t.arn)],
            )
        }
        Raise::Rewrite => {
            let mut step = t
                .policies
                .iter()
                .filter(|r| {
                    cx.account.policies[r.policy]
                        .managed_arn
                        .as_deref()
                        .is_some_and(|arn| !arn.contains(":iam::aws:policy/"))
                })
                .find_map(|r| rewrite_step(cx, p, r.policy))
                .expect("a recorded rewrite is granted");
            step.action = format!("{} (held by {})", step.action, t.name);
            step
        }
        Raise::Boundary { method, action } => cx.step(
            p,
            method,
            format!(
                "{action} on {} (its policies without the boundary are admin-equivalent)",
                t.name
            ),
            None,
            vec![granted(action, &t.arn)],
        ),
        Raise::Group {
            group,
            method,
            action,
        } => {
            let g = &cx.account.groups[group];
            cx.step(
                p,
                method,
                format!("{action} on group {} (member {})", g.name, t.name),
                None,
                vec![granted(action, &g.arn)],
            )
        }
        Raise::JoinAdminGroup(group) => {
            let g = &cx.account.groups[group];
            cx.step(
                p,
                "add_user_to_group",
                format!("iam:AddUserToGroup on admin group {}", g.name),
                None,
                vec![granted("iam:AddUserToGroup", &g.arn)],
            )
        }
    }
}

/// Rewriting customer-managed policy `policy`: a new default version, or another existing
/// version made default; `None` when `p` may do neither.
fn rewrite_step(cx: &Ctx<'_>, p: usize, policy: PolicyId) -> Option<Step> {
    let pol = &cx.account.policies[policy];
    let arn = pol.managed_arn.as_deref()?;
    if let Some(g) = cx.can(p, "iam:CreatePolicyVersion", Target::Arn(arn)) {
        return Some(cx.step(
            p,
            "create_policy_version",
            format!("iam:CreatePolicyVersion on {arn}"),
            None,
            vec![g],
        ));
    }
    if pol.versions > 1
        && let Some(g) = cx.can(p, "iam:SetDefaultPolicyVersion", Target::Arn(arn))
    {
        let mut s = cx.step(
            p,
            "set_default_policy_version",
            format!(
                "iam:SetDefaultPolicyVersion on {arn} (another of its {} versions may grant more)",
                pol.versions
            ),
            None,
            vec![g],
        );
        s.caveats
            .push("only if another version is more permissive".into());
        return Some(s);
    }
    None
}

/// The principals one way of raising permissions reaches: `reach` among `within`.
#[derive(Debug, Clone)]
pub(super) struct RaiseSet {
    pub(super) raise: Raise,
    pub(super) within: Rc<[u32]>,
    pub(super) reach: Reach,
}

impl RaiseSet {
    pub(super) fn contains(&self, q: usize) -> bool {
        let q = q as u32;
        self.within.binary_search(&q).is_ok() && self.reach.contains(q)
    }
}

/// The first way in `sets` of raising `q`'s permissions.
pub(super) fn raise_of(sets: &[RaiseSet], q: usize) -> Option<Raise> {
    sets.iter().find(|s| s.contains(q)).map(|s| s.raise)
}

/// The ways `p` can raise permissions, its own or another's, in the order a path prefers them:
/// a policy on the target, a rewritten policy it holds, its boundary, then its groups. Each is
/// a set decided once per principal through [`Ctx::reach`], never target by target.
pub(super) fn raise_permissions(
    cx: &Ctx<'_>,
    u: &Universes,
    p: usize,
    admin_groups: &Table<GroupId, bool>,
    iam_all: &ActionSet,
) -> Vec<RaiseSet> {
    let account = cx.account;
    let me = &account.principals[principal(p)];
    let mut sets = Vec::new();
    let mut add = |raise: Raise, within: &Rc<[u32]>, reach: Reach| {
        if !reach.is_none() {
            sets.push(RaiseSet {
                raise,
                within: within.clone(),
                reach,
            });
        }
    };
    for (method, action, kind) in [
        ("attach_user_policy", "iam:AttachUserPolicy", &u.users),
        ("put_user_policy", "iam:PutUserPolicy", &u.users),
        ("attach_role_policy", "iam:AttachRolePolicy", &u.roles),
        ("put_role_policy", "iam:PutRolePolicy", &u.roles),
    ] {
        add(
            Raise::Policy { method, action },
            kind.ids(),
            cx.reach(p, action, kind, None),
        );
    }

    // Rewriting a customer-managed policy the target holds.
    let create = cx.reach(p, "iam:CreatePolicyVersion", &u.policies, None);
    let set_default = Reach::Only(
        cx.reach(p, "iam:SetDefaultPolicyVersion", &u.policies, None)
            .among(&u.multi_version),
    );
    match create.or(&set_default) {
        Reach::AllBut(except) if except.is_empty() => {
            add(Raise::Rewrite, &u.all_holders, Reach::AllBut(Vec::new()))
        }
        rewritable if !rewritable.is_none() => {
            let mut holders: Vec<u32> = match &rewritable {
                Reach::Only(list) => list
                    .iter()
                    .flat_map(|pi| u.holders.get(pi).into_iter().flatten())
                    .copied()
                    .collect(),
                Reach::AllBut(_) => u
                    .holders
                    .iter()
                    .filter(|(pi, _)| rewritable.contains(**pi))
                    .flat_map(|(_, h)| h.iter().copied())
                    .collect(),
            };
            holders.sort_unstable();
            holders.dedup();
            add(
                Raise::Rewrite,
                &Rc::from(holders),
                Reach::AllBut(Vec::new()),
            );
        }
        _ => {}
    }

    // Dropping or replacing a permissions boundary that is all that stands in the way.
    let boundary_actions = [
        (
            "iam:DeleteUserPermissionsBoundary",
            "iam:PutUserPermissionsBoundary",
        ),
        (
            "iam:DeleteRolePermissionsBoundary",
            "iam:PutRolePermissionsBoundary",
        ),
    ];
    if boundary_actions
        .iter()
        .any(|(d, s)| cx.may(p, d) || cx.may(p, s))
    {
        let bounded = cx
            .unbounded
            .get_or_init(|| unbounded_admins(account, &cx.ctxs, iam_all));
        for ((del, put), kind) in boundary_actions.into_iter().zip(bounded) {
            for (method, action) in [
                ("delete_permissions_boundary", del),
                ("put_permissions_boundary", put),
            ] {
                add(
                    Raise::Boundary { method, action },
                    kind.ids(),
                    cx.reach(p, action, kind, None),
                );
            }
        }
    }

    // Groups: changing a group's policies raises every member; joining an admin group.
    let attach = cx.reach(p, "iam:AttachGroupPolicy", &u.groups, None);
    let put = cx.reach(p, "iam:PutGroupPolicy", &u.groups, None);
    let join = if me.kind == PrincipalKind::User {
        cx.reach(p, "iam:AddUserToGroup", &u.groups, None)
    } else {
        Reach::none()
    };
    if !(attach.is_none() && put.is_none() && join.is_none()) {
        let me_only: Rc<[u32]> = Rc::from([p as u32]);
        for (gi, _) in account.groups.iter_enumerated() {
            let g = gi.index() as u32;
            for (method, action, reach) in [
                ("attach_group_policy", "iam:AttachGroupPolicy", &attach),
                ("put_group_policy", "iam:PutGroupPolicy", &put),
            ] {
                if reach.contains(g) {
                    add(
                        Raise::Group {
                            group: gi,
                            method,
                            action,
                        },
                        &u.members[gi],
                        Reach::AllBut(Vec::new()),
                    );
                    break;
                }
            }
            if admin_groups[gi] && !me.groups.contains(&gi) && join.contains(g) {
                add(
                    Raise::JoinAdminGroup(gi),
                    &me_only,
                    Reach::AllBut(Vec::new()),
                );
            }
        }
    }
    sets
}

pub(super) fn denied(cx: &Ctx<'_>, p: usize, action: &str, arn: &str) -> bool {
    cx.account
        .decide(
            principal(p),
            cx.ids.id(action),
            Target::Arn(arn),
            &cx.ctxs[p],
        )
        .outcome
        == Outcome::Denied
}

/// `reach` without the members on which `action` is explicitly denied to `p`.
pub(super) fn not_denied(
    cx: &Ctx<'_>,
    p: usize,
    action: &str,
    reach: Reach,
    universe: &Universe,
) -> Reach {
    let denied_on = |q: u32| {
        denied(
            cx,
            p,
            action,
            &cx.account.principals[principal(q as usize)].arn,
        )
    };
    match reach {
        Reach::Only(v) => Reach::Only(v.into_iter().filter(|&q| !denied_on(q)).collect()),
        Reach::AllBut(mut except) => {
            except.extend(universe.ids().iter().copied().filter(|&q| denied_on(q)));
            except.sort_unstable();
            except.dedup();
            Reach::AllBut(except)
        }
    }
}

pub(super) fn trust_conditions(g: &trust::TrustGrant, ctx: &RequestContext) -> (Tri, Vec<String>) {
    crate::account::conditions(&g.conditions, ctx)
}

/// Whether a group's own policies make a member admin-equivalent, by the same full-access
/// computation as a principal's (conditions left undecided do not count).
pub(super) fn group_is_admin(
    account: &Account,
    g: &crate::account::GroupInput,
    iam_all: &ActionSet,
) -> bool {
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
        access_keys: None,
        instance_profile: false,
    };
    let fa = account.full_access_of(&members_view, &RequestContext::new());
    fa.is_admin(account.catalog) || fa.surely_covers(iam_all)
}

/// The users and the roles whose boundary is all that keeps them from being admin-equivalent.
pub(super) fn unbounded_admins(
    account: &Account,
    ctxs: &[RequestContext],
    iam_all: &ActionSet,
) -> [Universe; 2] {
    [PrincipalKind::User, PrincipalKind::Role].map(|kind| {
        Universe::new(
            account
                .principals
                .iter_enumerated()
                .filter(|(q, pr)| {
                    pr.kind == kind
                        && pr.boundary.is_some()
                        && unbounded_admin(account, q.index(), &ctxs[q.index()], iam_all)
                })
                .map(|(q, pr)| (q.index(), pr.arn.clone())),
        )
    })
}

/// Whether the principal's identity policies alone (ignoring its boundary) are admin-equivalent.
pub(super) fn unbounded_admin(
    account: &Account,
    q: usize,
    ctx: &RequestContext,
    iam_all: &ActionSet,
) -> bool {
    let mut shadow = account.principals[principal(q)].clone();
    shadow.boundary = None;
    let fa = account.full_access_of(&shadow, ctx);
    fa.maybe_admin(account.catalog) || fa.maybe_covers(iam_all)
}
