use serde_json::json;

use super::*;

fn event() -> serde_json::Value {
    json!({
        "eventName": "ConsoleLogin",
        "eventSource": "signin.amazonaws.com",
        "errorMessage": "Failed authentication",
        "userIdentity": {"type": "IAMUser", "userName": "alice", "invokedBy": null},
        "sourceIPAddress": "198.51.100.23",
        "readOnly": false,
        "bytes": 512,
        "resources": [{"ARN": "arn:aws:iam::123456789012:user/alice"}]
    })
}

fn m(pattern: &str) -> Match {
    Pattern::parse(pattern)
        .unwrap_or_else(|e| panic!("{pattern}: {e}"))
        .matches(&event())
}

#[test]
fn equality_is_exact_and_case_sensitive_with_wildcards() {
    assert_eq!(m("{ $.eventName = ConsoleLogin }"), Match::Yes);
    assert_eq!(m(r#"{ $.eventName = "ConsoleLogin" }"#), Match::Yes);
    assert_eq!(m("{$.eventName=ConsoleLogin}"), Match::Yes);
    // A longer name, a prefix, a different case: no.
    assert_eq!(m("{ $.eventName = ConsoleLoginFailed }"), Match::No);
    assert_eq!(m("{ $.eventName = Console }"), Match::No);
    assert_eq!(m("{ $.eventName = consolelogin }"), Match::No);
    assert_eq!(m("{ $.eventName = Console* }"), Match::Yes);
    assert_eq!(m(r#"{ $.eventSource = "*.amazonaws.com" }"#), Match::Yes);
    assert_eq!(m(r#"{ $.eventSource = "*amazon*" }"#), Match::Yes);
    assert_eq!(m(r#"{ $.eventSource = "iam.*" }"#), Match::No);
    assert_eq!(
        m(r#"{ $.errorMessage = "Failed authentication" }"#),
        Match::Yes
    );
    assert_eq!(
        m(r#"{ $.errorMessage != "Failed authentication" }"#),
        Match::No
    );
    assert_eq!(m(r#"{ $.userIdentity.type != "Root" }"#), Match::Yes);
    assert_eq!(
        m(r#"{ $.resources[0].ARN = "arn:aws:iam::*:user/alice" }"#),
        Match::Yes
    );
    assert_eq!(m(r#"{ $.resources[1].ARN = "*" }"#), Match::No);
}

#[test]
fn logic_parentheses_and_narrowing() {
    let cis = r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#;
    assert_eq!(m(cis), Match::Yes);
    let narrowed = r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") && ($.sourceIPAddress = "192.0.2.1") }"#;
    assert_eq!(m(narrowed), Match::No);
    assert_eq!(
        m("{ ($.eventName = CreateUser) || ($.eventName = ConsoleLogin) }"),
        Match::Yes
    );
    assert_eq!(
        m("{ ($.eventName = CreateUser) && ($.eventName = ConsoleLogin) }"),
        Match::No
    );
    assert_eq!(
        m("{ (($.eventName = X) || ($.eventName = ConsoleLogin)) && $.readOnly IS FALSE }"),
        Match::Yes
    );
}

#[test]
fn mixed_operators_without_parentheses_are_decided_only_when_the_grouping_does_not_matter() {
    // (No && Yes) || Yes = Yes; No && (Yes || Yes) = No: the reading matters.
    assert!(matches!(
        m("{ $.eventName = X && $.eventName = ConsoleLogin || $.readOnly IS FALSE }"),
        Match::Undecided(_)
    ));
    // Every reading gives Yes.
    assert_eq!(
        m("{ $.eventName = ConsoleLogin && $.readOnly IS FALSE || $.eventName = X }"),
        Match::Yes
    );
}

#[test]
fn numbers_null_existence_and_booleans() {
    assert_eq!(m("{ $.bytes > 100 }"), Match::Yes);
    assert_eq!(m("{ $.bytes < 100 }"), Match::No);
    assert_eq!(m("{ $.bytes >= 512 && $.bytes <= 512 }"), Match::Yes);
    assert_eq!(m("{ $.bytes = 512.0 }"), Match::Yes);
    assert_eq!(m("{ $.bytes != 512 }"), Match::No);
    assert_eq!(m("{ $.missing > 1 }"), Match::No);
    assert_eq!(m("{ $.userIdentity.invokedBy IS NULL }"), Match::Yes);
    assert_eq!(m("{ $.userIdentity.invokedBy NOT EXISTS }"), Match::No);
    assert_eq!(
        m("{ $.userIdentity.sessionContext NOT EXISTS }"),
        Match::Yes
    );
    assert_eq!(m("{ $.readOnly IS FALSE }"), Match::Yes);
    assert_eq!(m("{ $.readOnly IS TRUE }"), Match::No);
    assert_eq!(m("{ $.missing = x }"), Match::No);
}

#[test]
fn what_aws_does_not_document_is_undecided() {
    for p in [
        "{ $.missing != x }",
        "{ $.eventName = 5 }",
        "{ $.bytes = five }",
        r#"{ $.eventName = %Console.*% }"#,
        "ConsoleLogin Failed",
        r#""Failed authentication""#,
        "[ip, user, ...]",
    ] {
        assert!(matches!(m(p), Match::Undecided(_)), "{p}");
    }
    // An undecided part cannot hide a decided No under &&, nor a decided Yes under ||.
    assert_eq!(m("{ $.missing != x && $.eventName = X }"), Match::No);
    assert_eq!(
        m("{ $.missing != x || $.eventName = ConsoleLogin }"),
        Match::Yes
    );
}

#[test]
fn the_empty_pattern_matches_everything() {
    assert_eq!(m(""), Match::Yes);
    assert_eq!(m("   "), Match::Yes);
}

#[test]
fn malformed_patterns_say_where_and_what_was_expected() {
    for (p, col, expected) in [
        ("{ $.eventName = }", 17, "a value after the operator"),
        ("{ $.eventName ConsoleLogin }", 15, "an operator"),
        ("{ ($.a = b }", 12, "`&&`, `||` or `)`"),
        ("{ $.a = b", 10, "`&&`, `||` or `}`"),
        ("{ $.a = \"b }", 9, "a closing `\"`"),
        ("{ $ = b }", 4, "`.field` or `[index]`"),
        ("{ $.a[x] = b }", 7, "an array index"),
        ("{ $.a < b }", 9, "a number after a numeric comparison"),
        ("{ $.a = b } x", 13, "the end of the pattern"),
        ("{ a = b }", 3, "`(` or a `$.` selector"),
    ] {
        let e = Pattern::parse(p).expect_err(p);
        assert_eq!(e.column, col, "{p}: {e}");
        assert!(e.expected.starts_with(expected), "{p}: {e}");
    }
}

#[test]
fn selectors_for_metric_values_and_dimensions() {
    let e = event();
    assert_eq!(select("$.bytes", &e).unwrap(), Some(&json!(512)));
    assert_eq!(
        select("$.userIdentity.userName", &e).unwrap(),
        Some(&json!("alice"))
    );
    assert_eq!(select("$.nope.deeper", &e).unwrap(), None);
    assert!(select("1", &e).is_err());
    assert!(select("$.a b", &e).is_err());
}

#[test]
fn wildcards_do_not_backtrack_exponentially() {
    let text = "a".repeat(5_000);
    let pattern = format!("{}b", "*a".repeat(2_000));
    let started = std::time::Instant::now();
    assert!(!eval::wildcard(&pattern, &text));
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}
