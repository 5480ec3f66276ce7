//! CloudTrail trails, each with its status and event selectors read from its home region.

use super::*;

#[derive(Deserialize)]
pub(super) struct TrailsFile {
    #[serde(rename = "trailList")]
    pub(super) trail_list: Vec<Trail>,
}

/// AWS's rule for trail names (CloudTrail API, CreateTrail `Name`): 3 to 128 of letters,
/// digits, `.`, `_` and `-`, starting with a letter or digit.
pub(super) fn valid_trail_name(name: &str) -> bool {
    (3..=128).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

impl Importer<'_> {
    pub(super) fn cloudtrail(&mut self, regions: &BTreeSet<String>) -> Result<CloudTrail> {
        let mut ct = CloudTrail::default();
        let mut by_arn: BTreeMap<String, Trail> = BTreeMap::new();
        for region in regions {
            let rel = format!("cloudtrail/{region}/trails.json");
            let ptr = crate::snapshot::pointer::region("cloudtrail", region);
            let listed = self.read_or_gap::<TrailsFile>(
                &rel,
                &ptr,
                &format!(
                    "aws cloudtrail describe-trails --include-shadow-trails --region {region}"
                ),
            )?;
            if let Some(f) = &listed {
                for (i, t) in f.trail_list.iter().enumerate() {
                    // The name becomes part of a path below (trail-status/<name>.json): only
                    // what AWS allows in a trail name is accepted.
                    if !valid_trail_name(&t.name) {
                        return Err(Error::bad_input(
                            self.path(&rel),
                            Location {
                                pointer: Some(format!("/trailList/{i}/Name")),
                                ..Location::default()
                            },
                            format!(
                                "{:?} is not a trail name: expected 3 to 128 letters, digits, '.', '_' or '-'",
                                t.name
                            ),
                        ));
                    }
                }
            }
            let arns = listed.map(|f| {
                let mut arns: Vec<String> = Vec::new();
                for t in f.trail_list {
                    arns.push(t.trail_arn.clone());
                    // Prefer the copy listed in the trail's home region: it is authoritative.
                    let is_home = t.home_region.as_deref() == Some(region.as_str());
                    match by_arn.get(&t.trail_arn) {
                        Some(_) if !is_home => {}
                        _ => {
                            by_arn.insert(t.trail_arn.clone(), t);
                        }
                    }
                }
                arns.sort();
                arns.dedup();
                arns
            });
            ct.regions.insert(region.clone(), arns);
        }
        for (idx, (_, trail)) in by_arn.into_iter().enumerate() {
            // Status and selectors are exported from the trail's home region, and read from
            // there only: two single-region trails may share a name, and one's missing status
            // must not be filled from the other's.
            let home = trail
                .home_region
                .clone()
                .or_else(|| trail.trail_arn.split(':').nth(3).map(str::to_string))
                .unwrap_or_default();
            let candidates: Vec<&String> = regions.iter().filter(|r| **r == home).collect();
            let name = trail.name.clone();
            let status = self.trail_file::<TrailStatus>(
                &candidates,
                "trail-status",
                &name,
                idx,
                "status",
                "aws cloudtrail get-trail-status",
            )?;
            let event_selectors = self.trail_file::<EventSelectors>(
                &candidates,
                "event-selectors",
                &name,
                idx,
                "event_selectors",
                "aws cloudtrail get-event-selectors",
            )?;
            ct.trails.push(TrailEvidence {
                trail,
                status,
                event_selectors,
            });
        }
        Ok(ct)
    }

    pub(super) fn trail_file<T: DeserializeOwned>(
        &mut self,
        regions: &[&String],
        folder: &str,
        name: &str,
        idx: usize,
        field: &str,
        command: &str,
    ) -> Result<Option<T>> {
        let mut failure = None;
        for region in regions {
            let rel = format!("cloudtrail/{region}/{folder}/{name}.json");
            match self.read::<T>(&rel)? {
                Read::Ok(v) => return Ok(Some(v)),
                Read::Failed(reason) => failure = failure.or(Some((rel, reason))),
                Read::Missing => {}
            }
        }
        let ptr = format!("/cloudtrail/trails/{idx}/{field}");
        match failure {
            Some((rel, reason)) => self.gap(
                &ptr,
                &format!("{command} --name {name} ({rel})"),
                format!("the call failed: {reason}"),
            ),
            None => self.gap(
                &ptr,
                &format!("{command} --name {name} (cloudtrail/<home region>/{folder}/{name}.json)"),
                "file missing from the export",
            ),
        }
        Ok(None)
    }
}
