//! Timestamps as AWS sends them: ISO 8601 strings from the CLI, epoch seconds from some SDKs.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A timestamp kept as AWS wrote it (for the evidence) and parseable on demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsTime(pub String);

impl AwsTime {
    pub fn parse(&self) -> Option<DateTime<Utc>> {
        parse_aws_time(&self.0)
    }
}

/// Parses the timestamp shapes AWS tools emit; `None` for "N/A", "no_information" and the like.
pub fn parse_aws_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // Credential reports and some CLI versions print "+00:00" without a colon or no zone.
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z"] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Utc.from_utc_datetime(&t));
        }
    }
    None
}

impl Serialize for AwsTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AwsTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(s) => Ok(AwsTime(s)),
            Value::Number(n) => {
                let secs = n
                    .as_f64()
                    .ok_or_else(|| serde::de::Error::custom("timestamp out of range"))?;
                let millis = (secs * 1000.0).round() as i64;
                let t = Utc
                    .timestamp_millis_opt(millis)
                    .single()
                    .ok_or_else(|| serde::de::Error::custom("timestamp out of range"))?;
                Ok(AwsTime(
                    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                ))
            }
            _ => Err(serde::de::Error::custom(
                "expected a timestamp (ISO 8601 string or epoch seconds)",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cli_and_epoch_forms() {
        let a = parse_aws_time("2026-11-01T10:00:00+00:00").unwrap();
        let b = parse_aws_time("2026-11-01T10:00:00Z").unwrap();
        let c: AwsTime = serde_json::from_str("1793527200").unwrap();
        assert_eq!(a, b);
        assert_eq!(c.parse().unwrap(), a);
        assert_eq!(
            parse_aws_time("2026-11-01T10:00:00.123000+00:00")
                .unwrap()
                .timestamp(),
            a.timestamp()
        );
        assert!(parse_aws_time("N/A").is_none());
        assert!(parse_aws_time("no_information").is_none());
    }
}
