//! Checks on AWS Config: the configuration recorder that keeps resource history.

mod recorder_all_regions;

use super::Check;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![&recorder_all_regions::RecorderAllRegions]
}
