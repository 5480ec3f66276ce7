use serde_json::json;

use super::*;
use crate::checks::testutil::gaad::*;
use crate::checks::testutil::*;
use crate::checks::{FindingStatus, ParamValue};

#[test]
fn whole_services_on_every_resource_fail() {
    let s = with_details(details(
        vec![
            user("a", &[allow(&["s3:*", "ec2:Describe*"], "*")], &[], &[]),
            user("b", &[allow(&["s3:*"], "arn:aws:s3:::bucket/*")], &[], &[]),
            user(
                "c",
                &[
                    json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}),
                ],
                &[],
                &[],
            ),
            user(
                "d",
                &[allow(&["s3:GetObject"], "*")],
                &["arn:aws:iam::aws:policy/AmazonS3FullAccess"],
                &[],
            ),
        ],
        vec![],
        vec![],
        vec![managed(
            "arn:aws:iam::aws:policy/AmazonS3FullAccess",
            allow(&["s3:*", "s3-object-lambda:*"], "*"),
            1,
        )],
    ));
    let f = run(&ServiceWildcard, &s);
    let by = |n: &str| {
        f.iter()
            .find(|x| x.resource.contains(n))
            .unwrap_or_else(|| panic!("{n}: {f:#?}"))
    };
    assert_eq!(by("user/a ").status, FindingStatus::Fail);
    assert!(
        by("user/a ")
            .message
            .contains("statement #0 allows s3:* on every resource"),
        "{}",
        by("user/a ").message
    );
    assert_eq!(
        by("user/b ").status,
        FindingStatus::Pass,
        "scoped to a bucket"
    );
    let c = by("user/c ");
    assert_eq!(c.status, FindingStatus::Fail);
    assert!(c.message.contains("more services"), "{}", c.message);
    assert_eq!(by("user/d ").status, FindingStatus::Pass);
    assert_eq!(by("AmazonS3FullAccess").status, FindingStatus::Fail);
    let f = run_with(
        &ServiceWildcard,
        &s,
        &[("include_aws_managed", ParamValue::Bool(false))],
    );
    assert!(!f.iter().any(|x| x.resource.contains("AmazonS3FullAccess")));
}

#[test]
fn missing_details_is_an_error() {
    let mut s = snapshot();
    s.iam.authorization_details = None;
    assert_eq!(statuses(&run(&ServiceWildcard, &s)), ["error"]);
}
