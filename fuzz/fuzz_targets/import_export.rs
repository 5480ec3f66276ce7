//! The importer, the policy engine with the organization's SCPs, and every check on an export
//! folder built from fuzzed file contents: the
//! input is split on a separator byte and handed out, in order, as the export's files (the
//! caller identity stays valid so the import gets past it). The import must give a snapshot or
//! bad input, and a snapshot must assess without a panic.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use safeguard::import::{Entry, ImportOptions, MemorySource, import_from};

const FILES: &[&str] = &[
    "iam/account-authorization-details.json",
    "iam/credential-report.json",
    "iam/password-policy.json",
    "iam/account-summary.json",
    "iam/virtual-mfa-devices.json",
    "iam/roles.json",
    "cloudtrail/us-east-1/trails.json",
    "cloudtrail/us-east-1/trail-status/main.json",
    "cloudtrail/us-east-1/event-selectors/main.json",
    "logs/us-east-1/log-groups.json",
    "logs/us-east-1/metric-filters.json",
    "cloudwatch/us-east-1/alarms.json",
    "events/iam-changes.json",
    "events/us-east-1/root-activity.json",
    "config/us-east-1/configuration-recorders.json",
    "config/us-east-1/configuration-recorder-status.json",
    "config/us-east-1/delivery-channels.json",
    "config/us-east-1/delivery-channel-status.json",
    "account/regions.json",
    "export-info.json",
    // The organization evidence of a member account (OU path, SCPs), after the rest so that
    // older corpus entries keep their meaning.
    "organizations/organization.json",
    "organizations/account.json",
    "organizations/account-tags.json",
    "organizations/roots.json",
    "organizations/parents/123456789012.json",
    "organizations/parents/ou-ab12-clinical1.json",
    "organizations/ous/ou-ab12-clinical1.json",
    "organizations/policies-for-target/r-ab12.json",
    "organizations/policies-for-target/ou-ab12-clinical1.json",
    "organizations/policies-for-target/123456789012.json",
    "organizations/policies/p-FullAWSAccess.json",
    "organizations/policies/p-denyiam0001.json",
    // The data stores and their keys, after the rest for the same reason.
    "s3/buckets.json",
    "s3/clinic-records/location.json",
    "s3/clinic-records/tagging.json",
    "s3/clinic-records/encryption.json",
    "s3/clinic-records/versioning.json",
    "s3/clinic-records/policy.json",
    "kms/us-east-1/keys.json",
    "kms/us-east-1/aliases.json",
    "kms/us-east-1/keys/1234abcd-12ab-34cd-56ef-1234567890ab/describe.json",
    "kms/us-east-1/keys/1234abcd-12ab-34cd-56ef-1234567890ab/rotation.json",
    "rds/us-east-1/db-instances.json",
    "rds/us-east-1/db-clusters.json",
    // Threat detection, after the rest for the same reason.
    "guardduty/us-east-1/detectors.json",
    "guardduty/us-east-1/detectors/6ab6e6ee780ed494f3b7ca56acdc74df/detector.json",
    "guardduty/us-east-1/detectors/6ab6e6ee780ed494f3b7ca56acdc74df/high-findings.json",
    "guardduty/us-east-1/detectors/6ab6e6ee780ed494f3b7ca56acdc74df/findings.json",
    "dynamodb/us-east-1/tables.json",
    "dynamodb/us-east-1/tables/clinic-phi-visits/describe.json",
    "dynamodb/us-east-1/tables/clinic-phi-visits/continuous-backups.json",
    "dynamodb/us-east-1/tables/clinic-phi-visits/tags.json",
    "elb/us-east-1/load-balancers.json",
    "elb/us-east-1/load-balancers/clinic-portal-alb/listeners.json",
    "elb/us-east-1/load-balancers/clinic-portal-alb/rules-80.json",
    "elb/us-east-1/load-balancers/clinic-portal-alb/tags.json",
    "efs/us-east-1/file-systems.json",
    // AWS Backup, after the rest for the same reason.
    "backup/us-east-1/plans.json",
    "backup/us-east-1/plans/3f2a9c1e-7b4d-4e8a-9c6f-1d2e3f4a5b6c/plan.json",
    "backup/us-east-1/plans/3f2a9c1e-7b4d-4e8a-9c6f-1d2e3f4a5b6c/selections.json",
    "backup/us-east-1/plans/3f2a9c1e-7b4d-4e8a-9c6f-1d2e3f4a5b6c/selections/a7e1c2d3-4b5f-4e6a-9b8c-7d6e5f4a3b2c.json",
    "backup/us-east-1/vaults.json",
    "backup/us-east-1/region-settings.json",
    // CloudFront, after the rest for the same reason.
    "cloudfront/distributions.json",
    "cloudfront/distributions/E1PORTAL7XK2QD/tags.json",
    // S3 Block Public Access, after the rest for the same reason.
    "s3control/public-access-block.json",
    "s3/clinic-records/public-access-block.json",
    "s3/clinic-records/policy-status.json",
    // EBS and the VPCs, after the rest for the same reason.
    "ec2/us-east-1/ebs-encryption-by-default.json",
    "ec2/us-east-1/volumes.json",
    "ec2/us-east-1/instances.json",
    "ec2/us-east-1/vpcs.json",
    "ec2/us-east-1/flow-logs.json",
];

fuzz_target!(|data: &[u8]| {
    let mut entries = BTreeMap::new();
    entries.insert(
        "sts/caller-identity.json".to_string(),
        Entry::Json(
            br#"{"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/fuzz"}"#
                .to_vec(),
        ),
    );
    for (name, part) in FILES.iter().zip(data.split(|b| *b == 0x1e)) {
        // A leading '!' makes the file a failed call (<file>.error) instead.
        let entry = match part.split_first() {
            Some((b'!', rest)) => Entry::Failed(String::from_utf8_lossy(rest).into_owned()),
            _ => Entry::Json(part.to_vec()),
        };
        entries.insert(name.to_string(), entry);
    }
    let source = MemorySource {
        entries,
        regions: ["us-east-1".to_string()].into(),
        method: "import",
        gaps: Vec::new(),
    };
    let Ok(snapshot) = import_from(&source, &ImportOptions::default()) else {
        return;
    };
    let catalog = safeguard::catalog::Catalog::builtin().expect("built-in catalog");
    let results = safeguard::assess::assess(&snapshot, &catalog, &Default::default())
        .expect("a valid snapshot assesses");
    // What the package would hold must render.
    let _ = results.to_json();
    let _ = safeguard::render::csv::render(&results);
});
