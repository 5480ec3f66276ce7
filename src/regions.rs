//! AWS region names as the command line takes them: each checked, so that a typo
//! (`eu-wst-1`) or a space-separated list (`"us-east-1 eu-west-1"`) is refused with the name
//! meant, rather than collected as a region that does not exist.

use crate::error::{Error, Result};

/// The commercial, GovCloud and China regions AWS lists (docs.aws.amazon.com, "AWS Regions",
/// 2026). A well-formed name not listed and not a near miss of one is accepted: a region
/// launched after this list is not refused.
pub const KNOWN: [&str; 38] = [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
];

/// The shape of a region name: lower-case words joined by `-`, ending in a number
/// (`us-east-1`, `us-gov-west-1`, `us-isob-east-1`).
fn well_formed(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// Checks one region name given as `flag`.
pub fn check(flag: &str, name: &str) -> Result<()> {
    if KNOWN.contains(&name) {
        return Ok(());
    }
    if name.contains(char::is_whitespace) {
        return Err(Error::Usage(format!(
            "{flag} {name:?}: one region name per entry; separate regions with commas (us-east-1,eu-west-1)"
        )));
    }
    let near = crate::error::closest(&name.to_ascii_lowercase(), &KNOWN);
    match near {
        Some(k) if strsim::levenshtein(name, k) <= 2 || !well_formed(name) => Err(Error::Usage(
            format!("{flag} {name:?}: not an AWS region; did you mean {k:?}?"),
        )),
        _ if well_formed(name) => Ok(()),
        _ => Err(Error::Usage(format!(
            "{flag} {name:?}: not an AWS region name (such as us-east-1 or eu-west-1)"
        ))),
    }
}

/// `--regions` as given: comma- or space-separated, each name checked, duplicates dropped.
pub fn parse_list(flag: &str, given: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for name in given
        .iter()
        .flat_map(|g| g.split([',', ' ', '\t', '\n']))
        .filter(|n| !n.is_empty())
    {
        check(flag, name)?;
        if !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    Ok(out)
}

/// The partition a region belongs to, by the name prefixes AWS gives each partition's regions
/// (the `regionRegex` of each partition in the SDKs' endpoint rules: `cn-` is aws-cn, `us-gov-`
/// aws-us-gov, `us-iso-`, `us-isob-`, `eu-isoe-` and `us-isof-` the isolated partitions,
/// everything else aws). An account lives in one partition, so a region of another cannot be
/// one of its enabled regions, whatever a listing says.
pub fn partition_of(region: &str) -> &'static str {
    const PREFIXES: [(&str, &str); 6] = [
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-iso-", "aws-iso"),
        ("us-isob-", "aws-iso-b"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-isof-", "aws-iso-f"),
    ];
    PREFIXES
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("aws", |(_, partition)| partition)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_region_belongs_to_its_partition() {
        for (region, partition) in [
            ("us-east-1", "aws"),
            ("il-central-1", "aws"),
            ("us-gov-west-1", "aws-us-gov"),
            ("cn-northwest-1", "aws-cn"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
        ] {
            assert_eq!(partition_of(region), partition, "{region}");
        }
        // Every listed region is in one of the three public partitions.
        assert!(
            KNOWN
                .iter()
                .all(|r| ["aws", "aws-cn", "aws-us-gov"].contains(&partition_of(r)))
        );
    }

    #[test]
    fn names_are_checked_and_near_misses_named() {
        assert!(check("--region", "eu-west-1").is_ok());
        // A region newer than the list, well formed and far from any listed: accepted.
        assert!(check("--region", "xx-mars-1").is_ok());
        let e = check("--region", "eu-wst-1").unwrap_err().to_string();
        assert!(e.contains("did you mean \"eu-west-1\""), "{e}");
        let e = check("--region", "US-EAST-1").unwrap_err().to_string();
        assert!(e.contains("did you mean \"us-east-1\""), "{e}");
        let e = check("--region", "useast1").unwrap_err().to_string();
        assert!(e.contains("did you mean \"us-east-1\""), "{e}");
        assert!(check("--region", "").is_err());
        assert_eq!(
            parse_list(
                "--regions",
                &["us-east-1 eu-west-1".into(), "us-east-1".into()]
            )
            .unwrap(),
            ["us-east-1", "eu-west-1"]
        );
        assert!(parse_list("--regions", &["us-east-1,eu-wst-1".into()]).is_err());
    }
}
