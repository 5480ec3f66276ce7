//! Checks on AWS Config: the configuration recorder that keeps resource history.

crate::checks::register! {
    recorder_all_regions,
}
