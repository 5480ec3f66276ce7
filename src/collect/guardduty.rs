//! GuardDuty in one region: the detectors (every page), then per detector GetDetector, the ids
//! of its open findings of high severity (ListFindings, every page) and the first of them
//! described (GetFindings), each filed as the AWS CLI writes it (`guardduty/<region>/…`), a
//! failed call as its error text.

use aws_config::SdkConfig;
use aws_sdk_guardduty::types::{Condition, FindingCriteria};
use serde_json::{Value, json};

use super::calls::{CallCounter, all_pages};
use super::{Sink, failure};
use crate::snapshot::guardduty::{FINDINGS_DESCRIBED, HIGH_SEVERITY, valid_id};

pub(super) async fn region(config: &SdkConfig, counter: &CallCounter, region: &str, sink: &Sink) {
    let gd = regional_client!(aws_sdk_guardduty, config, counter, region);
    detectors(&gd, region, sink).await;
}

/// Everything of one region's GuardDuty, asked of `gd` (a client for that region).
async fn detectors(gd: &aws_sdk_guardduty::Client, region: &str, sink: &Sink) {
    let dir = format!("guardduty/{region}");
    let mut ids = Vec::new();
    let outcome = all_pages(
        gd.list_detectors().into_paginator().send(),
        "ListDetectors",
        sink.max_pages(),
        |p| p.next_token(),
        |p| ids.extend(p.detector_ids().iter().cloned()),
    )
    .await;
    if let Err(text) = outcome {
        sink.failed(format!("{dir}/detectors.json"), text);
        return;
    }
    sink.json(
        format!("{dir}/detectors.json"),
        &json!({"DetectorIds": ids}),
    );
    for id in ids {
        // Only ids GuardDuty issues become paths (the importer checks again).
        if !valid_id(&id) {
            continue;
        }
        let at = format!("{dir}/detectors/{id}");
        match gd.get_detector().detector_id(&id).send().await {
            Ok(d) => sink.json(
                format!("{at}/detector.json"),
                &json!({
                    "Status": d.status().map(|s| s.as_str()),
                    "Features": d.features().iter().map(|f| json!({
                        "Name": f.name().map(|n| n.as_str()),
                        "Status": f.status().map(|s| s.as_str()),
                    })).collect::<Vec<_>>(),
                }),
            ),
            Err(e) => sink.failed(format!("{at}/detector.json"), failure("GetDetector", &e)),
        }
        let open = open_high_findings(gd, &id, sink).await;
        match &open {
            Ok(list) => sink.json(
                format!("{at}/high-findings.json"),
                &json!({"FindingIds": list}),
            ),
            Err(text) => sink.failed(format!("{at}/high-findings.json"), text.clone()),
        }
        let first: Vec<String> = match open {
            Ok(list) => list.into_iter().take(FINDINGS_DESCRIBED).collect(),
            Err(_) => continue,
        };
        if first.is_empty() {
            continue;
        }
        match gd
            .get_findings()
            .detector_id(&id)
            .set_finding_ids(Some(first))
            .send()
            .await
        {
            Ok(out) => sink.json(
                format!("{at}/findings.json"),
                &json!({"Findings": out.findings().iter().map(finding).collect::<Vec<_>>()}),
            ),
            Err(e) => sink.failed(format!("{at}/findings.json"), failure("GetFindings", &e)),
        }
    }
}

/// The ids of the detector's findings of severity [`HIGH_SEVERITY`] or more that are not
/// archived, every page.
async fn open_high_findings(
    gd: &aws_sdk_guardduty::Client,
    detector: &str,
    sink: &Sink,
) -> Result<Vec<String>, String> {
    let criteria = FindingCriteria::builder()
        .criterion(
            "severity",
            Condition::builder()
                .greater_than_or_equal(HIGH_SEVERITY)
                .build(),
        )
        .criterion(
            "service.archived",
            Condition::builder().equals("false").build(),
        )
        .build();
    let mut ids = Vec::new();
    all_pages(
        gd.list_findings()
            .detector_id(detector)
            .finding_criteria(criteria)
            .into_paginator()
            .send(),
        "ListFindings",
        sink.max_pages(),
        |p| p.next_token(),
        |p| ids.extend(p.finding_ids().iter().cloned()),
    )
    .await?;
    Ok(ids)
}

/// A finding as the CLI prints it, reduced to what says what it is: no IP addresses, access
/// key ids or user names (`Resource` and `Service` keep only the fields read).
fn finding(f: &aws_sdk_guardduty::types::Finding) -> Value {
    json!({
        "Id": f.id(),
        "Type": f.r#type(),
        "Severity": f.severity(),
        "Title": f.title(),
        "UpdatedAt": f.updated_at(),
        "Resource": {"ResourceType": f.resource().and_then(|r| r.resource_type())},
    })
}

#[cfg(test)]
mod tests {
    use aws_sdk_guardduty::operation::get_detector::GetDetectorOutput;
    use aws_sdk_guardduty::operation::get_findings::GetFindingsOutput;
    use aws_sdk_guardduty::operation::list_detectors::ListDetectorsOutput;
    use aws_sdk_guardduty::operation::list_findings::ListFindingsOutput;
    use aws_sdk_guardduty::types::{AccessKeyDetails, DetectorStatus, Finding, Resource, Service};
    use aws_smithy_mocks::mock;

    use super::*;
    use crate::import::Entry;

    const DETECTOR: &str = "12abc34d567e8fa901bc2d34e56789f0";

    fn threat(id: &str, severity: f64) -> Finding {
        Finding::builder()
            .id(id)
            .r#type("UnauthorizedAccess:IAMUser/MaliciousIPCaller")
            .severity(severity)
            .title("API called from a known malicious IP address.")
            .updated_at("2026-11-18T22:14:09.512Z")
            .resource(
                Resource::builder()
                    .resource_type("AccessKey")
                    .access_key_details(
                        AccessKeyDetails::builder()
                            .access_key_id("AKIAIOSFODNN7EXAMPLE")
                            .user_name("mallory")
                            .build(),
                    )
                    .build(),
            )
            .service(Service::builder().archived(false).count(3).build())
            .build()
    }

    /// moto serves neither ListFindings nor GetFindings: the paging of the open findings, the
    /// reduction of each to what says what it is, and the verdict are pinned here.
    #[tokio::test]
    async fn open_findings_are_paged_reduced_and_fail_the_check() {
        let client = mocked_client!(
            aws_sdk_guardduty,
            &[
                mock!(aws_sdk_guardduty::Client::list_detectors).then_output(|| {
                    ListDetectorsOutput::builder()
                        .detector_ids(DETECTOR)
                        .build()
                }),
                mock!(aws_sdk_guardduty::Client::get_detector).then_output(|| {
                    GetDetectorOutput::builder()
                        .status(DetectorStatus::Enabled)
                        .build()
                }),
                mock!(aws_sdk_guardduty::Client::list_findings)
                    .match_requests(|r| r.next_token().is_none())
                    .then_output(|| {
                        ListFindingsOutput::builder()
                            .finding_ids("a1")
                            .next_token("page-2")
                            .build()
                    }),
                mock!(aws_sdk_guardduty::Client::list_findings)
                    .match_requests(|r| r.next_token() == Some("page-2"))
                    .then_output(|| ListFindingsOutput::builder().finding_ids("b2").build()),
                mock!(aws_sdk_guardduty::Client::get_findings)
                    .match_requests(|r| r.finding_ids() == ["a1", "b2"])
                    .then_output(|| {
                        GetFindingsOutput::builder()
                            .findings(threat("a1", 8.0))
                            .findings(threat("b2", 7.2))
                            .build()
                    }),
            ]
        );
        let sink = Sink::default();
        detectors(&client, "us-east-1", &sink).await;
        let entries = std::mem::take(&mut *sink.0.lock().unwrap());
        let Some(Entry::Json(described)) = entries.get(&format!(
            "guardduty/us-east-1/detectors/{DETECTOR}/findings.json"
        )) else {
            panic!("the findings are filed: {:?}", entries.keys());
        };
        let text = String::from_utf8_lossy(described);
        assert!(
            !text.contains("AKIA") && !text.contains("mallory"),
            "a finding's key id or user name reached the evidence: {text}"
        );
        let snapshot = super::super::imported(entries);
        let d = &snapshot.guardduty.regions["us-east-1"]
            .detectors
            .as_ref()
            .unwrap()[0];
        assert_eq!(
            d.open_high_findings.as_deref(),
            Some(&["a1".to_string(), "b2".to_string()][..])
        );
        assert_eq!(d.described.as_ref().unwrap()[1].severity, 7.2);
        let check = crate::checks::find("guardduty.open_high_findings").unwrap();
        let f = crate::checks::testutil::run(check, &snapshot);
        assert_eq!(crate::checks::testutil::statuses(&f), ["fail"]);
        assert!(
            f[0].message.contains("2 open finding(s)"),
            "{}",
            f[0].message
        );
    }
}
