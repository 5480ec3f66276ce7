//! Raising one's own permissions, or another's: attaching or putting policies, rewriting a
//! policy version, joining an admin group, dropping a boundary.

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
    /// Rewriting a customer-managed policy the target holds.
    Rewrite(PolicyId),
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
        Raise::Rewrite(policy) => {
            let mut step = rewrite_step(cx, p, policy).expect("a recorded rewrite is granted");
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

/// The methods that raise permissions: the principal's own (a target at once) or another's.
pub(super) fn raise_permissions(
    cx: &Ctx<'_>,
    p: usize,
    admin_groups: &Table<GroupId, bool>,
    users: &[usize],
    iam_all: &ActionSet,
    self_grant: &mut [Option<Step>],
    grants_on: &mut [Vec<(usize, Raise)>],
) {
    let account = cx.account;
    let me = &account.principals[principal(p)];
    let n = account.principals.len();
    // A grant on the principal itself is worded at once (it is a target); on another, only
    // recorded.
    let mut grant = |q: usize, raise: Raise| {
        if q == p {
            if self_grant[p].is_none() {
                self_grant[p] = Some(raise_step(cx, p, q, raise));
            }
        } else {
            grants_on[p].push((q, raise));
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
    // Per action, once per principal rather than once per target: whether it is granted at
    // all, and the statements' resource patterns that screen the targets.
    let screen = |a: &'static str| (a, may(a), raises_others.then(|| cx.filter(p, a)));
    let user_methods = [
        ("attach_user_policy", screen("iam:AttachUserPolicy")),
        ("put_user_policy", screen("iam:PutUserPolicy")),
    ];
    let role_methods = [
        ("attach_role_policy", screen("iam:AttachRolePolicy")),
        ("put_role_policy", screen("iam:PutRolePolicy")),
    ];
    let boundary_user =
        may("iam:DeleteUserPermissionsBoundary") || may("iam:PutUserPermissionsBoundary");
    let boundary_role =
        may("iam:DeleteRolePermissionsBoundary") || may("iam:PutRolePermissionsBoundary");
    // The customer-managed policies this principal can rewrite, each judged once.
    let mut rewritable: std::collections::HashSet<PolicyId> = std::collections::HashSet::new();
    if raises_others && (may("iam:CreatePolicyVersion") || may("iam:SetDefaultPolicyVersion")) {
        let fc = cx.filter(p, "iam:CreatePolicyVersion");
        let fs = cx.filter(p, "iam:SetDefaultPolicyVersion");
        for (pi, pol) in account.policies.iter_enumerated() {
            let Some(arn) = pol.managed_arn.as_deref() else {
                continue;
            };
            if arn.contains(":iam::aws:policy/") {
                continue;
            }
            if cx.can_on(p, "iam:CreatePolicyVersion", arn, &fc)
                || (pol.versions > 1 && cx.can_on(p, "iam:SetDefaultPolicyVersion", arn, &fs))
            {
                rewritable.insert(pi);
            }
        }
    }
    for q in (0..n).filter(|_| raises_others) {
        let t = &account.principals[principal(q)];
        let methods = match t.kind {
            PrincipalKind::User => &user_methods,
            PrincipalKind::Role => &role_methods,
        };
        for (method, (action, granted, filter)) in methods {
            let (method, action) = (*method, *action);
            if *granted
                && let Some(filter) = filter
                && cx.can_on(p, action, &t.arn, filter)
            {
                grant(q, Raise::Policy { method, action });
                break;
            }
        }
        // Rewriting a customer-managed policy the principal holds.
        for r in t.policies.iter().filter(|_| !rewritable.is_empty()) {
            if rewritable.contains(&r.policy) {
                grant(q, Raise::Rewrite(r.policy));
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
            let may_change = match t.kind {
                PrincipalKind::User => boundary_user,
                PrincipalKind::Role => boundary_role,
            };
            // Whether the target is admin without its boundary does not depend on who asks:
            // judged once per target, not once per pair.
            if may_change
                && *cx.unbounded_admin[q]
                    .get_or_init(|| unbounded_admin(account, q, &cx.ctxs[q], iam_all))
            {
                for (method, action) in [
                    ("delete_permissions_boundary", del),
                    ("put_permissions_boundary", put),
                ] {
                    if cx.can(p, action, Target::Arn(&t.arn)).is_some() {
                        grant(q, Raise::Boundary { method, action });
                        break;
                    }
                }
            }
        }
    }
    // Groups: changing a group's policies raises every member; joining an admin group.
    for (gi, g) in account.groups.iter_enumerated() {
        for (method, action) in [
            ("attach_group_policy", "iam:AttachGroupPolicy"),
            ("put_group_policy", "iam:PutGroupPolicy"),
        ] {
            if !may(action) {
                continue;
            }
            if cx.can(p, action, Target::Arn(&g.arn)).is_some() {
                for &q in users {
                    if account.principals[principal(q)].groups.contains(&gi) {
                        grant(
                            q,
                            Raise::Group {
                                group: gi,
                                method,
                                action,
                            },
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
            && cx
                .can(p, "iam:AddUserToGroup", Target::Arn(&g.arn))
                .is_some()
        {
            grant(p, Raise::JoinAdminGroup(gi));
        }
    }
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
        instance_profile: false,
    };
    let fa = account.full_access_of(&members_view, &RequestContext::new());
    fa.is_admin(account.catalog) || fa.sure.is_superset_of(iam_all)
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
    fa.maybe.len() == account.catalog.len() || fa.maybe.is_superset_of(iam_all)
}
