//! safeguard's IAM policy engine.
//!
//! It judges a **principal** with all of its policies together, where other tools judge one
//! policy at a time:
//!
//! - [`policy`]: the policy language, parsed with precise diagnostics;
//! - [`condition`]: every condition operator, evaluated three-valued against what is known;
//! - [`catalog`]: every AWS action with its access level, for wildcards and `NotAction`;
//! - [`account`]: effective permissions (identity ∩ boundary ∩ every SCP level − Deny, by
//!   action and resource);
//! - [`trust`]: who may assume a role;
//! - [`escalation`]: the "can become" graph and paths to admin.
//!
//! No AWS SDK types and no snapshot types: the caller hands in JSON documents and who holds them.

pub mod account;
pub mod actionset;
pub mod catalog;
pub mod condition;
pub mod document;
pub mod error;
pub mod escalation;
pub mod glob;
pub mod ids;
pub mod policy;
pub mod trust;

#[cfg(test)]
pub(crate) mod testkit;

#[cfg(test)]
mod properties;

#[cfg(test)]
mod scp_tests;

pub use account::{
    Account, Decision, FullAccess, GroupInput, Outcome, PolicyInput, PolicyRef, PrincipalInput,
    PrincipalKind, ScpLevel, StatementRef, Target, is_service_linked,
};
pub use catalog::{AccessLevel, ActionId, Catalog};
pub use condition::{RequestContext, Tri};
pub use error::PolicyError;
pub use ids::{GroupId, Id, PolicyId, PrincipalId, Table};
pub use policy::{Policy, PolicyKind};
