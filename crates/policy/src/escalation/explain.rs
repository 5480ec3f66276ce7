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
            parts.extend(cx.can(from, "sts:AssumeRole", Target::Arn(arn)));
            (
                "update_assume_role_policy",
                format!(
                    "iam:UpdateAssumeRolePolicy then sts:AssumeRole on role {}",
                    t.name
                ),
            )
        }
        Edge::Credential(c) => {
            let action = c.action();
            parts.extend(cx.can(from, action, Target::Arn(arn)));
            (c.method(), format!("{action} on user {}", t.name))
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
    queue: VecDeque<u32>,
}

impl Search {
    pub(super) fn new(nodes: usize) -> Self {
        Search {
            stamp: 0,
            seen: vec![0; nodes],
            prev: vec![0; nodes],
            queue: VecDeque::new(),
        }
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
        self.queue.push_back(start as u32);
        self.seen[start] = stamp;
        while let Some(p) = self.queue.pop_front() {
            let p = p as usize;
            if p != start && p < g.n && goal(p) {
                let mut path = vec![p];
                let mut cur = p;
                while cur != start {
                    cur = self.prev[cur] as usize;
                    path.push(cur);
                }
                path.reverse();
                return Some(path);
            }
            for &(q, _) in &g.out[p] {
                if self.seen[q as usize] != stamp {
                    self.seen[q as usize] = stamp;
                    self.prev[q as usize] = p as u32;
                    self.queue.push_back(q);
                }
            }
        }
        None
    }
}
