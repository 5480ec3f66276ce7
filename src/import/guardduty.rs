//! GuardDuty, per region: the detector list, then per detector its status and protection
//! plans, the ids of its open high-severity findings and the first of them described.

use super::*;
use crate::snapshot::guardduty::{Detector, GuardDuty, GuardDutyRegion, ThreatFinding, valid_id};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListDetectors {
    #[serde(default)]
    detector_ids: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetDetector {
    status: String,
    #[serde(default)]
    features: Vec<Feature>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Feature {
    name: String,
    #[serde(default)]
    status: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListFindings {
    #[serde(default)]
    finding_ids: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetFindings {
    #[serde(default)]
    findings: Vec<Described>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Described {
    id: String,
    #[serde(rename = "Type")]
    kind: String,
    severity: f64,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    resource: Option<Resource>,
    #[serde(default)]
    updated_at: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Resource {
    #[serde(default)]
    resource_type: Option<String>,
}

impl Importer<'_> {
    pub(super) fn guardduty(&mut self, regions: &BTreeSet<String>) -> Result<GuardDuty> {
        let lists = self.region_lists(
            regions,
            ("guardduty", "detectors"),
            |region| format!("guardduty/{region}/detectors.json"),
            |region| format!("aws guardduty list-detectors --region {region}"),
            |im, region, rel, list: ListDetectors| im.detectors(region, rel, list),
        )?;
        Ok(GuardDuty {
            regions: lists
                .into_iter()
                .map(|(region, detectors)| (region, GuardDutyRegion { detectors }))
                .collect(),
        })
    }

    fn detectors(
        &mut self,
        region: &str,
        list_file: &str,
        list: ListDetectors,
    ) -> Result<Vec<Detector>> {
        let base = crate::snapshot::pointer::region("guardduty", region);
        let mut out = Vec::new();
        for (i, id) in list.detector_ids.into_iter().enumerate() {
            // The id becomes a path: only what GuardDuty issues goes further.
            if !valid_id(&id) {
                self.refuse_entry(
                    list_file,
                    format!("/DetectorIds/{i}"),
                    format!(
                        "{:?} is not a GuardDuty detector id (lower-case letters and digits)",
                        crate::text::line(&id)
                    ),
                    &format!("{base}/detectors"),
                )?;
                continue;
            }
            let at = format!("{base}/detectors/{}", out.len());
            let described = self.read_or_gap::<GetDetector>(
                &format!("guardduty/{region}/detectors/{id}/detector.json"),
                &format!("{at}/status"),
                &format!("aws guardduty get-detector --detector-id {id} --region {region}"),
            )?;
            let (status, features) = match described {
                Some(d) => (
                    Some(d.status),
                    d.features.into_iter().map(|f| (f.name, f.status)).collect(),
                ),
                None => (None, BTreeMap::new()),
            };
            let open_high_findings = self
                .read_or_gap::<ListFindings>(
                    &format!("guardduty/{region}/detectors/{id}/high-findings.json"),
                    &format!("{at}/open_high_findings"),
                    &format!(
                        "aws guardduty list-findings --detector-id {id} --region {region} --finding-criteria (severity >= {}, not archived)",
                        crate::snapshot::guardduty::HIGH_SEVERITY
                    ),
                )?
                .map(|l| l.finding_ids);
            let described = match &open_high_findings {
                Some(ids) if !ids.is_empty() => self.findings(region, &id, &at)?,
                _ => None,
            };
            out.push(Detector {
                id,
                status,
                features,
                open_high_findings,
                described,
            });
        }
        Ok(out)
    }

    /// The described findings of one detector; a finding whose id GuardDuty would not issue
    /// is bad input (ids reach messages).
    fn findings(
        &mut self,
        region: &str,
        detector: &str,
        at: &str,
    ) -> Result<Option<Vec<ThreatFinding>>> {
        let id = detector;
        let rel = format!("guardduty/{region}/detectors/{id}/findings.json");
        let Some(got) = self.read_or_gap::<GetFindings>(
            &rel,
            &format!("{at}/described"),
            &format!(
                "aws guardduty get-findings --detector-id {detector} --region {region} --finding-ids (the first {})",
                crate::snapshot::guardduty::FINDINGS_DESCRIBED
            ),
        )?
        else {
            return Ok(None);
        };
        let mut out = Vec::new();
        for (i, f) in got.findings.into_iter().enumerate() {
            if !valid_id(&f.id) {
                self.refuse_entry(
                    &rel,
                    format!("/Findings/{i}/Id"),
                    format!(
                        "{:?} is not a GuardDuty finding id (lower-case letters and digits)",
                        crate::text::line(&f.id)
                    ),
                    &format!("{at}/described"),
                )?;
                continue;
            }
            out.push(ThreatFinding {
                id: f.id,
                kind: crate::text::line(&f.kind).to_string(),
                severity: f.severity,
                title: f.title.map(|t| crate::text::line(&t).to_string()),
                resource_type: f.resource.and_then(|r| r.resource_type),
                updated_at: f.updated_at,
            });
        }
        Ok(Some(out))
    }
}
