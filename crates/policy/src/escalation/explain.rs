//! Paths in words: each step with the action, the principal it becomes and the statements
//! that enable it, rebuilt only for the principals that are reported.

use super::*;

/// The steps along a node path, hubs folded into the step that passes through them.
pub(super) fn explain_nodes(
    cx: &Ctx<'_>,
    trust: &TrustIndex,
    g: &Graph,
    nodes: &[usize],
) -> Vec<Step> {
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
pub(super) fn explain(
    cx: &Ctx<'_>,
    trust: &TrustIndex,
    from: usize,
    method: Edge,
    to: usize,
) -> Step {
    let t = &cx.account.principals[principal(to)];
    let arn = t.arn.as_str();
    let mut parts = Vec::new();
    let (id, action): (&'static str, String) = match method {
        Edge::Assume => {
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
        Edge::UpdateTrust => {
            parts.extend(cx.can(from, "iam:UpdateAssumeRolePolicy", Target::Arn(arn)));
            (
                "update_assume_role_policy",
                format!(
                    "iam:UpdateAssumeRolePolicy on role {} (its trust policy made to name the caller), then sts:AssumeRole",
                    t.name
                ),
            )
        }
        Edge::Credential(c) => {
            for action in c.actions() {
                parts.extend(cx.can(from, action, Target::Arn(arn)));
            }
            let action = match c {
                Credential::ReplaceAccessKey => format!(
                    "iam:DeleteAccessKey then iam:CreateAccessKey on user {} (it holds two keys already)",
                    t.name
                ),
                _ => format!("{} on user {}", c.actions()[0], t.name),
            };
            (c.method(), action)
        }
        Edge::Compute(i) => {
            let cm = &COMPUTE_METHODS[usize::from(i)];
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

/// Breadth-first search over "can become" edges from a start to the first principal a goal
/// accepts. Its buffers are kept between searches and cleared by stamp, not by refilling, so a
/// search costs what it visits, not the size of the graph.
pub(super) struct Search {
    stamp: u32,
    seen: Vec<u32>,
    prev: Vec<u32>,
    /// For a principal reached through an edge that leaves hub members out: the hub (valid
    /// when `via_stamp` is this search's).
    via: Vec<u32>,
    via_stamp: Vec<u32>,
    /// Per hub entered only through such edges in this search (`rest_stamp`): its members not
    /// yet visited, so the next such edge looks at those alone.
    rest: Vec<Vec<u32>>,
    rest_stamp: Vec<u32>,
    queue: VecDeque<u32>,
}

impl Search {
    pub(super) fn new(nodes: usize) -> Self {
        Search {
            stamp: 0,
            seen: vec![0; nodes],
            prev: vec![0; nodes],
            via: vec![0; nodes],
            via_stamp: vec![0; nodes],
            rest: vec![Vec::new(); nodes],
            rest_stamp: vec![0; nodes],
            queue: VecDeque::new(),
        }
    }

    fn visit(&mut self, node: usize, from: usize, hub: Option<usize>) {
        self.seen[node] = self.stamp;
        self.prev[node] = from as u32;
        match hub {
            Some(h) => {
                self.via[node] = h as u32;
                self.via_stamp[node] = self.stamp;
            }
            None => self.via_stamp[node] = 0,
        }
        self.queue.push_back(node as u32);
    }

    /// The node path from `start` to the first principal `goal` accepts, hubs included.
    pub(super) fn to(
        &mut self,
        g: &Graph,
        start: usize,
        goal: impl Fn(usize) -> bool,
    ) -> Option<Vec<usize>> {
        self.stamp += 1;
        let stamp = self.stamp;
        self.queue.clear();
        self.visit(start, start, None);
        while let Some(x) = self.queue.pop_front() {
            let x = x as usize;
            if x != start && x < g.n && goal(x) {
                let mut path = vec![x];
                let mut cur = x;
                while cur != start {
                    if self.via_stamp[cur] == stamp {
                        path.push(self.via[cur] as usize);
                    }
                    cur = self.prev[cur] as usize;
                    path.push(cur);
                }
                path.reverse();
                return Some(path);
            }
            for &(y, _) in &g.out[x] {
                let y = y as usize;
                if self.seen[y] == stamp {
                    continue;
                }
                let Some(left) = g.left_out(x, y) else {
                    self.visit(y, x, None);
                    continue;
                };
                // Through hub `y`, leaving `left` out: its members are visited here rather than
                // by queuing the hub, since another edge into it may leave out others.
                let members: Vec<u32> = if self.rest_stamp[y] == stamp {
                    std::mem::take(&mut self.rest[y])
                } else {
                    self.rest_stamp[y] = stamp;
                    g.out[y].iter().map(|&(z, _)| z).collect()
                };
                let mut rest = Vec::new();
                for z in members {
                    if self.seen[z as usize] == stamp {
                        continue;
                    }
                    if left.binary_search(&z).is_ok() {
                        rest.push(z);
                    } else {
                        self.visit(z as usize, x, Some(y));
                    }
                }
                self.rest[y] = rest;
            }
        }
        None
    }
}
