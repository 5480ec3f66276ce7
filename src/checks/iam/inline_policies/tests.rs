use serde_json::json;

use super::*;
use crate::checks::ParamValue;
use crate::checks::testutil::gaad::*;
use crate::checks::testutil::*;

#[test]
fn inline_policies_fail_on_users_groups_and_roles_but_not_service_linked_roles() {
    let mut slr = role(
        "AWSServiceRoleForSupport",
        trust(json!({"Service": "support.amazonaws.com"})),
        &[allow(&["support:*"], "*")],
        &[],
    );
    slr["Path"] = json!("/aws-service-role/support.amazonaws.com/");
    let s = with_details(details(
        vec![
            user("a", &[allow(&["s3:GetObject"], "*")], &[], &[]),
            user("b", &[], &[], &[]),
        ],
        vec![group(
            "g",
            &[allow(&["s3:GetObject"], "*"), allow(&["s3:PutObject"], "*")],
            &[],
        )],
        vec![
            role(
                "r",
                trust(account_root()),
                &[allow(&["s3:GetObject"], "*")],
                &[],
            ),
            slr,
        ],
        vec![],
    ));
    let f = run(&InlinePolicies, &s);
    assert_eq!(statuses(&f), ["fail", "pass", "fail", "fail"]);
    assert_eq!(
        f[0].evidence,
        "/iam/authorization_details/UserDetailList/0/UserPolicyList/0"
    );
    assert!(
        f[2].message.contains("2 inline policies"),
        "{}",
        f[2].message
    );
    let f = run_with(
        &InlinePolicies,
        &s,
        &[("include_roles", ParamValue::Bool(false))],
    );
    assert_eq!(statuses(&f), ["fail", "pass", "fail"]);
    let mut s = s;
    s.iam.authorization_details = None;
    assert_eq!(statuses(&run(&InlinePolicies, &s)), ["error"]);
}
