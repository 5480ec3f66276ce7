//! The CloudWatch Logs log groups the trails deliver to, their metric filters, and the alarms
//! on the filters' metrics.

use super::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct LogGroupsFile {
    #[serde(default)]
    pub(super) log_groups: Vec<LogGroup>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MetricFiltersFile {
    #[serde(default)]
    pub(super) metric_filters: Vec<MetricFilter>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct AlarmsFile {
    #[serde(default)]
    pub(super) metric_alarms: Vec<MetricAlarm>,
}

impl Importer<'_> {
    /// CloudWatch Logs and alarms, for the regions holding a trail's log group.
    pub(super) fn cloudwatch(&mut self, ct: &CloudTrail) -> Result<CloudWatch> {
        let mut wanted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for t in &ct.trails {
            if let Some((region, name)) = t
                .trail
                .cloud_watch_logs_log_group_arn
                .as_deref()
                .and_then(log_group_of_arn)
            {
                wanted.entry(region).or_default().insert(name);
            }
        }
        self.cloudwatch_of(wanted, "", "/cloudwatch")
    }

    /// The organization trails' log evidence in the management account
    /// (`organizations/logs/`, `organizations/cloudwatch/`): read for the trails of this account
    /// that deliver to a log group of `management`, from the management side.
    pub(super) fn org_trail_logs(
        &mut self,
        ct: &CloudTrail,
        management: &str,
    ) -> Result<Option<crate::snapshot::organization::TrailLogs>> {
        let mut wanted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for t in &ct.trails {
            let arn = t.trail.cloud_watch_logs_log_group_arn.as_deref();
            if arn.and_then(|a| a.split(':').nth(4)) != Some(management) {
                continue;
            }
            if let Some((region, name)) = arn.and_then(log_group_of_arn) {
                wanted.entry(region).or_default().insert(name);
            }
        }
        // Nothing delivers there, or the evidence was not gathered from the management side
        // (an export of the member alone): the checks say the group is another account's.
        let gathered = wanted.keys().any(|region| {
            [
                format!("organizations/logs/{region}/log-groups.json"),
                format!("organizations/logs/{region}/metric-filters.json"),
            ]
            .iter()
            .any(|f| matches!(self.src.entry(f), Ok(Some(_))))
        });
        if wanted.is_empty() || !gathered {
            return Ok(None);
        }
        Ok(Some(crate::snapshot::organization::TrailLogs {
            account: management.to_string(),
            cloudwatch: self.cloudwatch_of(
                wanted,
                "organizations/",
                "/organization/trail_logs/cloudwatch",
            )?,
        }))
    }

    /// The log groups `wanted` names (region → names), their metric filters and the region's
    /// alarms, from `<prefix>logs/<region>/` and `<prefix>cloudwatch/<region>/`, with gaps at
    /// `<pointer>/regions/<region>/…`.
    fn cloudwatch_of(
        &mut self,
        wanted: BTreeMap<String, BTreeSet<String>>,
        prefix: &str,
        pointer: &str,
    ) -> Result<CloudWatch> {
        let mut cw = CloudWatch::default();
        for (region, names) in wanted {
            let base = format!("{pointer}/regions/{}", escape_pointer_token(&region));
            let log_groups = self
                .read_pages_or_gap::<LogGroupsFile>(
                    &format!("{prefix}logs/{region}/log-groups.json"),
                    &format!("{base}/log_groups"),
                    &format!("aws logs describe-log-groups --log-group-name-prefix NAME --region {region}"),
                )?
                .map(|pages| {
                    let mut groups: Vec<LogGroup> = pages
                        .into_iter()
                        .flat_map(|p| p.log_groups)
                        // A prefix query also returns longer names: keep the trails' own groups.
                        .filter(|g| names.contains(&g.log_group_name))
                        .collect();
                    groups.sort_by(|a, b| a.log_group_name.cmp(&b.log_group_name));
                    groups.dedup_by(|a, b| a.log_group_name == b.log_group_name);
                    groups
                });
            let metric_filters = self
                .read_pages_or_gap::<MetricFiltersFile>(
                    &format!("{prefix}logs/{region}/metric-filters.json"),
                    &format!("{base}/metric_filters"),
                    &format!(
                        "aws logs describe-metric-filters --log-group-name NAME --region {region}"
                    ),
                )?
                .map(|pages| {
                    let mut filters: Vec<MetricFilter> = pages
                        .into_iter()
                        .flat_map(|p| p.metric_filters)
                        .filter(|f| names.contains(&f.log_group_name))
                        .collect();
                    filters.sort_by(|a, b| {
                        (&a.log_group_name, &a.filter_name)
                            .cmp(&(&b.log_group_name, &b.filter_name))
                    });
                    filters.dedup_by(|a, b| {
                        a.log_group_name == b.log_group_name && a.filter_name == b.filter_name
                    });
                    filters
                });
            let alarms = self
                .read_pages_or_gap::<AlarmsFile>(
                    &format!("{prefix}cloudwatch/{region}/alarms.json"),
                    &format!("{base}/alarms"),
                    &format!(
                        "aws cloudwatch describe-alarms --alarm-types MetricAlarm --region {region}"
                    ),
                )?
                .map(|pages| {
                    let mut alarms: Vec<MetricAlarm> =
                        pages.into_iter().flat_map(|p| p.metric_alarms).collect();
                    alarms.sort_by(|a, b| a.alarm_name.cmp(&b.alarm_name));
                    alarms.dedup_by(|a, b| a.alarm_name == b.alarm_name);
                    alarms
                });
            cw.regions.insert(
                region,
                CloudWatchRegion {
                    log_groups,
                    metric_filters,
                    alarms,
                },
            );
        }
        Ok(cw)
    }
}
