//! `cloudwatch.root_usage_alarm`: any use of the root user raises an alarm (security incident
//! procedures, §164.308(a)(6)). The filter must match `$.userIdentity.type = "Root"`.

use crate::checks::{Check, CheckInfo, Context, Finding};

pub struct RootUsageAlarm;

static INFO: CheckInfo = CheckInfo {
    id: "cloudwatch.root_usage_alarm",
    description: "A metric filter and an alarm with an action watch the trail's log group for use of the root user",
    docs: "docs/checks.md#cloudwatch-root_usage_alarm",
    params: &[],
};

impl Check for RootUsageAlarm {
    fn info(&self) -> &'static CheckInfo {
        &INFO
    }

    fn evaluate(&self, ctx: &Context<'_>) -> Vec<Finding> {
        super::alarm_check(ctx, "root-usage", "use of the root user", |p| {
            if p.contains("$.userIdentity.type=Root") {
                Ok(())
            } else {
                Err("lacks $.userIdentity.type=Root".into())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudwatch::fixtures::monitored;
    use crate::checks::testutil::*;

    #[test]
    fn the_cis_pattern_passes_a_negated_one_fails() {
        let cis = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;
        assert_eq!(
            statuses(&run(&RootUsageAlarm, &monitored(cis, true))),
            ["pass"]
        );
        let negated = r#"{ $.userIdentity.type != "Root" }"#;
        assert_eq!(
            statuses(&run(&RootUsageAlarm, &monitored(negated, true))),
            ["fail"]
        );
    }
}
