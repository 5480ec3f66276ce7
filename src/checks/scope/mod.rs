//! Checks on the PHI scope itself: what it leaves out.

crate::checks::register! {
    unscoped_data_stores,
}
