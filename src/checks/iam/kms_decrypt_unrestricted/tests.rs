use serde_json::json;

use super::*;
use crate::checks::testutil::gaad::*;
use crate::checks::testutil::*;

#[test]
fn decrypt_with_every_key_fails_unless_scoped() {
    let s = with_details(details(
        vec![
            user("kmsall", &[allow(&["kms:*"], "*")], &[], &[]),
            user(
                "reencrypt",
                &[allow(
                    &["kms:ReEncrypt*"],
                    "arn:aws:kms:*:123456789012:key/*",
                )],
                &[],
                &[],
            ),
            user(
                "onekey",
                &[allow(
                    &["kms:Decrypt"],
                    "arn:aws:kms:us-east-1:123456789012:key/1111",
                )],
                &[],
                &[],
            ),
            user(
                "via",
                &[
                    json!({"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
                "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}]}),
                ],
                &[],
                &[],
            ),
            user(
                "encrypt-only",
                &[allow(&["kms:Encrypt", "kms:GenerateDataKey"], "*")],
                &[],
                &[],
            ),
        ],
        vec![],
        vec![],
        vec![],
    ));
    let f = run(&KmsDecryptUnrestricted, &s);
    assert_eq!(statuses(&f), ["fail", "fail", "pass", "pass", "pass"]);
    assert!(
        f[0].message.contains("kms:Decrypt with every KMS key"),
        "{}",
        f[0].message
    );
    assert!(
        f[1].message.contains("kms:ReEncryptFrom"),
        "{}",
        f[1].message
    );
    assert!(f[3].message.contains("kms:ViaService"), "{}", f[3].message);
    let mut s = s;
    s.iam.authorization_details = None;
    assert_eq!(statuses(&run(&KmsDecryptUnrestricted, &s)), ["error"]);
}
