//! The time a generated file says it was made: `SOURCE_DATE_EPOCH` (seconds since 1970, the
//! reproducible-builds convention) when set, else now. Evidence times (collection, events)
//! never come from here: they are what the evidence says.

use chrono::{DateTime, Utc};

/// The generation time of packages, reports, roll-ups and histories.
pub fn generated_at() -> DateTime<Utc> {
    from_epoch(std::env::var("SOURCE_DATE_EPOCH").ok().as_deref()).unwrap_or_else(Utc::now)
}

/// `SOURCE_DATE_EPOCH`'s value as a time; `None` when unset or not a whole number of seconds
/// (the convention says to ignore a malformed value rather than fail).
fn from_epoch(value: Option<&str>) -> Option<DateTime<Utc>> {
    let secs: i64 = value?.trim().parse().ok()?;
    DateTime::from_timestamp(secs, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_date_epoch_is_honoured_and_malformed_values_ignored() {
        assert_eq!(
            from_epoch(Some("1764806400")).unwrap().to_rfc3339(),
            "2025-12-04T00:00:00+00:00"
        );
        assert_eq!(from_epoch(Some("soon")), None);
        assert_eq!(from_epoch(Some("")), None);
        assert_eq!(from_epoch(None), None);
        assert_eq!(from_epoch(Some("99999999999999999")), None);
    }
}
