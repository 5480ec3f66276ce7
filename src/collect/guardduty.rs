//! GuardDuty in one region: the detectors (every page), then per detector GetDetector, the ids
//! of its open findings of high severity (ListFindings, every page) and the first of them
//! described (GetFindings), each filed as the AWS CLI writes it (`guardduty/<region>/…`), a
//! failed call as its error text.

use aws_config::{Region, SdkConfig};
use aws_sdk_guardduty::types::{Condition, FindingCriteria};
use serde_json::{Value, json};

use super::calls::{CallCounter, all_pages};
use super::{Sink, failure};
use crate::snapshot::guardduty::{FINDINGS_DESCRIBED, HIGH_SEVERITY, valid_id};

pub(super) async fn region(config: &SdkConfig, counter: &CallCounter, region: &str, sink: &Sink) {
    let gd = aws_sdk_guardduty::Client::from_conf(
        aws_sdk_guardduty::config::Builder::from(config)
            .region(Region::new(region.to_string()))
            .interceptor(counter.clone())
            .retry_classifier(crate::collect::retry::NotImplemented)
            .build(),
    );
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
        let open = open_high_findings(&gd, &id, sink).await;
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
