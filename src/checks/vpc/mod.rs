//! Checks on the VPCs that hold PHI: flow logs.

crate::checks::register! {
    flow_logs,
}
