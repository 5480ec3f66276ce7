use serde_json::json;

use super::*;
use crate::checks::ParamValue;
use crate::checks::testutil::gaad::*;
use crate::checks::testutil::*;

#[test]
fn other_accounts_need_an_external_id_unless_trusted() {
    let s = with_details(details(
        vec![],
        vec![],
        vec![
            role(
                "vendor",
                trust(json!({"AWS": "arn:aws:iam::999988887777:root"})),
                &[],
                &[],
            ),
            role(
                "vendor-ok",
                trust_with(
                    json!({"AWS": "999988887777"}),
                    "sts:AssumeRole",
                    json!({"StringEquals": {"sts:ExternalId": "c2f1-77"}}),
                ),
                &[],
                &[],
            ),
            role(
                "vendor-wild",
                trust_with(
                    json!({"AWS": "999988887777"}),
                    "sts:AssumeRole",
                    json!({"StringLike": {"sts:ExternalId": "*"}}),
                ),
                &[],
                &[],
            ),
            role(
                "org",
                trust(json!({"AWS": "arn:aws:iam::111111111111:role/deployer"})),
                &[],
                &[],
            ),
            role("local", trust(account_root()), &[], &[]),
        ],
        vec![],
    ));
    let f = run(&RoleTrustCrossAccountExternalId, &s);
    assert_eq!(
        statuses(&f),
        ["fail", "pass", "fail", "fail", "not_applicable"]
    );
    assert!(
        f[0].message
            .contains("any principal of account 999988887777"),
        "{}",
        f[0].message
    );
    assert!(
        f[3].message
            .contains("arn:aws:iam::111111111111:role/deployer"),
        "{}",
        f[3].message
    );
    let f = run_with(
        &RoleTrustCrossAccountExternalId,
        &s,
        &[("trusted_accounts", ParamValue::Int(111111111111))],
    );
    assert_eq!(
        statuses(&f),
        ["fail", "pass", "fail", "pass", "not_applicable"]
    );
}
