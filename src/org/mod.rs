//! AWS Organizations: which accounts a run covers ([`plan`]) and the organization run itself
//! ([`run`]: assume a role in each member, collect, assess, package, roll up).

pub mod plan;
#[cfg(feature = "collect")]
pub mod run;
