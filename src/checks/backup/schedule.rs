//! How often a backup rule runs: the longest time between two runs of its schedule
//! expression, AWS Backup's six-field `cron(minutes hours day-of-month month day-of-week year)`.
//!
//! The schedule is played over four calendar years (2024–2027, a leap year and every weekday
//! on every date), on the wall clock of its time zone: a daylight-saving change, which moves
//! a run by an hour, is not counted as a longer interval. What the engine does not evaluate
//! (`W`, `#`, `L` in the day of week, a year other than `*`) is said, never guessed.

use chrono::{Datelike, NaiveDate};

/// The longest time between two runs, in minutes; `None` when the schedule runs fewer than
/// twice in four years.
pub(crate) type Longest = Option<i64>;

/// The longest interval of `expr`, or why it cannot be evaluated.
pub(crate) fn longest_interval(expr: &str) -> Result<Longest, String> {
    let body = expr
        .trim()
        .strip_prefix("cron(")
        .and_then(|s| s.strip_suffix(')'))
        .ok_or("not a cron(...) expression")?;
    let fields: Vec<&str> = body.split_whitespace().collect();
    let [minutes, hours, dom, months, dow, year] = fields[..] else {
        return Err(format!("{} fields where cron has six", fields.len()));
    };
    if year != "*" {
        return Err("limited to some years (the year field is not evaluated)".into());
    }
    let minutes = set(minutes, 0, 59, &[])?.ok_or("'?' in the minutes")?;
    let hours = set(hours, 0, 23, &[])?.ok_or("'?' in the hours")?;
    let months = set(months, 1, 12, &MONTHS)?.ok_or("'?' in the month")?;
    let days = Days::parse(dom, dow)?;
    let times: Vec<i64> = hours
        .iter()
        .flat_map(|h| minutes.iter().map(move |m| (h * 60 + m) as i64))
        .collect();
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    let end = NaiveDate::from_ymd_opt(2028, 1, 1).expect("a date");
    let (mut first, mut last, mut longest) = (None::<i64>, None::<i64>, 0i64);
    for (n, day) in start.iter_days().take_while(|d| *d < end).enumerate() {
        if !months.contains(&day.month()) || !days.matches(day) {
            continue;
        }
        for t in &times {
            let at = n as i64 * 1440 + t;
            if let Some(prev) = last {
                longest = longest.max(at - prev);
            }
            first.get_or_insert(at);
            last = Some(at);
        }
    }
    Ok(match (first, last) {
        (Some(a), Some(b)) if a != b => Some(longest),
        _ => None,
    })
}

/// An interval in minutes as an auditor reads it: `24 hours`, `7 days`, `30 minutes`.
pub(crate) fn describe(minutes: i64) -> String {
    match minutes {
        m if m % 1440 == 0 && m > 1440 => format!("{} days", m / 1440),
        m if m % 60 == 0 => format!("{} hours", m / 60),
        m if m > 120 => format!("{:.1} hours", m as f64 / 60.0),
        m => format!("{m} minutes"),
    }
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// Which days a schedule runs on: by date, by weekday, or the last day of the month.
enum Days {
    Dates(Vec<u32>),
    LastOfMonth,
    /// AWS numbers weekdays 1 (Sunday) to 7 (Saturday).
    Weekdays(Vec<u32>),
}

impl Days {
    fn parse(dom: &str, dow: &str) -> Result<Self, String> {
        match (dom, dow) {
            ("?", "?") => Err("'?' in both day fields".into()),
            ("?", dow) => {
                if dow.contains(['#', 'L']) {
                    return Err(format!(
                        "day of week {dow:?} ('#' and 'L' are not evaluated)"
                    ));
                }
                Ok(Days::Weekdays(set(dow, 1, 7, &WEEKDAYS)?.ok_or("'?'")?))
            }
            ("L", "?") => Ok(Days::LastOfMonth),
            (dom, "?") => {
                if dom.contains(['W', 'L']) {
                    return Err(format!(
                        "day of month {dom:?} ('W' and 'L' are not evaluated)"
                    ));
                }
                Ok(Days::Dates(set(dom, 1, 31, &[])?.ok_or("'?'")?))
            }
            // Both given: AWS requires one of them to be '?'.
            _ => Err("both day fields are set (AWS requires '?' in one)".into()),
        }
    }

    fn matches(&self, day: NaiveDate) -> bool {
        match self {
            Days::Dates(d) => d.contains(&day.day()),
            Days::LastOfMonth => day
                .succ_opt()
                .is_none_or(|next| next.month() != day.month()),
            Days::Weekdays(w) => w.contains(&(day.weekday().num_days_from_sunday() + 1)),
        }
    }
}

/// The values a cron field allows within `lo..=hi` (`names` spell `lo`, `lo+1`, …), or `None`
/// for `?`.
fn set(field: &str, lo: u32, hi: u32, names: &[&str]) -> Result<Option<Vec<u32>>, String> {
    if field == "?" {
        return Ok(None);
    }
    let value = |s: &str| -> Result<u32, String> {
        let v = match names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            Some(i) => lo + i as u32,
            None => s
                .parse::<u32>()
                .map_err(|_| format!("{s:?} is not a value of {field:?}"))?,
        };
        if (lo..=hi).contains(&v) {
            Ok(v)
        } else {
            Err(format!("{v} is outside {lo}-{hi} in {field:?}"))
        }
    };
    let mut out = Vec::new();
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("{s:?} is not a step in {field:?}"))?,
            ),
            None => (part, 1),
        };
        let (from, to) = match range {
            "*" => (lo, hi),
            r => match r.split_once('-') {
                Some((a, b)) => (value(a)?, value(b)?),
                // `5/15`: from 5 to the end, every 15.
                None if part.contains('/') => (value(r)?, hi),
                None => (value(r)?, value(r)?),
            },
        };
        if from > to {
            return Err(format!("the range {range:?} runs backwards in {field:?}"));
        }
        out.extend((from..=to).step_by(step as usize));
    }
    out.sort_unstable();
    out.dedup();
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(expr: &str) -> f64 {
        longest_interval(expr).unwrap().unwrap() as f64 / 60.0
    }

    #[test]
    fn common_schedules_are_measured() {
        assert_eq!(hours("cron(0 5 ? * * *)"), 24.0);
        assert_eq!(hours("cron(0 5 * * ? *)"), 24.0);
        assert_eq!(hours("cron(0 */12 ? * * *)"), 12.0);
        assert_eq!(hours("cron(30 1,13 ? * * *)"), 12.0);
        assert_eq!(hours("cron(0 1,2 ? * * *)"), 23.0);
        assert_eq!(hours("cron(0 5 ? * SUN *)"), 168.0);
        assert_eq!(hours("cron(0 5 ? * 1 *)"), 168.0);
        // Weekdays only: Friday to Monday is three days.
        assert_eq!(hours("cron(0 5 ? * MON-FRI *)"), 72.0);
        // Monthly on the 1st: the longest month is 31 days.
        assert_eq!(hours("cron(0 5 1 * ? *)"), 31.0 * 24.0);
        assert_eq!(hours("cron(0 5 L * ? *)"), 31.0 * 24.0);
        // The 31st exists in seven months: July to August is one day, August to October 61.
        assert_eq!(hours("cron(0 5 31 * ? *)"), 61.0 * 24.0);
        assert_eq!(hours("cron(0 0 1 JAN ? *)"), 366.0 * 24.0);
        assert_eq!(longest_interval("cron(5/15 * ? * * *)").unwrap(), Some(15));
    }

    #[test]
    fn schedules_that_run_once_or_never_have_no_interval() {
        // 29 February: once in the four years played.
        assert_eq!(longest_interval("cron(0 0 29 2 ? *)").unwrap(), None);
        assert_eq!(longest_interval("cron(0 0 30 2 ? *)").unwrap(), None);
    }

    #[test]
    fn what_is_not_evaluated_is_said() {
        for bad in [
            "rate(1 day)",
            "cron(0 5 ? * *)",
            "cron(0 5 * * * *)",
            "cron(0 5 ? * ? *)",
            "cron(0 5 15W * ? *)",
            "cron(0 5 ? * 6#3 *)",
            "cron(0 5 ? * 6L *)",
            "cron(0 5 ? * * 2026)",
            "cron(0 25 ? * * *)",
            "cron(0 5-1 ? * * *)",
            "cron(0 */0 ? * * *)",
            "cron(x 5 ? * * *)",
        ] {
            assert!(longest_interval(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn intervals_read_as_an_auditor_says_them() {
        assert_eq!(describe(1440), "24 hours");
        assert_eq!(describe(10080), "7 days");
        assert_eq!(describe(30), "30 minutes");
        assert_eq!(describe(150), "2.5 hours");
    }
}
