use serde_json::json;

use super::*;
use crate::checks::testutil::gaad::*;
use crate::checks::testutil::*;

#[test]
fn passrole_on_every_role_fails_unless_scoped() {
    let s = with_details(details(
        vec![
            user("star", &[allow(&["iam:PassRole"], "*")], &[], &[]),
            user(
                "allroles",
                &[allow(&["iam:Pass*"], "arn:aws:iam::123456789012:role/*")],
                &[],
                &[],
            ),
            user(
                "one",
                &[allow(
                    &["iam:PassRole"],
                    "arn:aws:iam::123456789012:role/app",
                )],
                &[],
                &[],
            ),
            user(
                "svc",
                &[
                    json!({"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}]}),
                ],
                &[],
                &[],
            ),
            user(
                "ip",
                &[
                    json!({"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}),
                ],
                &[],
                &[],
            ),
            user(
                "denied",
                &[
                    allow(&["*"], "*"),
                    json!({"Statement": [{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}]}),
                ],
                &[],
                &[],
            ),
        ],
        vec![],
        vec![],
        vec![],
    ));
    let f = run(&PassroleUnrestricted, &s);
    assert_eq!(
        statuses(&f),
        ["fail", "fail", "pass", "pass", "fail", "pass"]
    );
    assert!(f[0].message.contains("may pass any role"));
    assert_eq!(
        f[0].evidence,
        "/iam/authorization_details/UserDetailList/0/UserPolicyList/0/PolicyDocument/Statement/0"
    );
    assert!(
        f[3].message.contains("iam:PassedToService"),
        "{}",
        f[3].message
    );
    assert!(
        f[4].message.contains("only when IpAddress aws:SourceIp"),
        "{}",
        f[4].message
    );
    let mut s = s;
    s.iam.authorization_details = None;
    assert_eq!(statuses(&run(&PassroleUnrestricted, &s)), ["error"]);
}
