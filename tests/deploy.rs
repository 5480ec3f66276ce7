//! The fan-out recipes in deploy/ checked by their real linters (cfn-lint, check-jsonschema's
//! GitHub workflow schema), and kept in step with the binary: every flag they pass exists, the
//! IAM they grant is what the code calls, the shard count matches where it is said twice.

use crate::support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lint_bin() -> PathBuf {
    support::venv_with("lint", support::LINT_PACKAGES)
}

fn templates() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("deploy/aws"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    v.sort();
    assert!(v.len() >= 3, "{v:?}");
    v
}

/// A YAML file as JSON, read by the linters' own Python: CloudFormation's short-form tags
/// (`!Sub`, `!Ref`) through cfn-lint's decoder, anything else through PyYAML.
fn yaml(path: &Path, cloudformation: bool) -> Value {
    let script = if cloudformation {
        "import json,sys\nfrom cfnlint.decode import decode\nt,_=decode(sys.argv[1])\nprint(json.dumps(t, default=str))"
    } else {
        "import json,sys,yaml\nprint(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))"
    };
    let out = Command::new(lint_bin().join("python"))
        .args(["-c", script])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn cloudformation_templates_pass_cfn_lint() {
    let out = Command::new(lint_bin().join("cfn-lint"))
        .args(templates())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cfn-lint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_github_workflow_matches_githubs_schema() {
    let out = Command::new(lint_bin().join("check-jsonschema"))
        .args(["--builtin-schema", "vendor.github-workflows"])
        .arg(root().join("deploy/github-actions/safeguard-org.yml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The flags `safeguard SUBCOMMAND --help` lists.
fn flags(sub: &str) -> BTreeSet<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .args([sub, "--help"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
        .filter(|w| w.starts_with("--"))
        .map(|w| {
            w.split('=')
                .next()
                .unwrap()
                .trim_end_matches('.')
                .to_string()
        })
        .collect()
}

#[test]
fn every_flag_a_recipe_passes_exists() {
    let known: BTreeSet<String> = flags("run").union(&flags("aggregate")).cloned().collect();
    assert!(known.contains("--role-name") && known.contains("--shards"));
    // Flags of the other tools the recipes call.
    let others = [
        "--job-name",
        "--job-queue",
        "--job-definition",
        "--array-properties",
        "--parameters",
        "--depends-on",
        "--container-overrides",
        "--release",
        "--locked",
        "--bin",
        "--help",
        "--from",
    ];
    let mut checked = 0;
    for file in [
        "deploy/aws/step-functions.yaml",
        "deploy/aws/batch-array.yaml",
        "deploy/kubernetes/safeguard-org.yaml",
        "deploy/github-actions/safeguard-org.yml",
        "deploy/Dockerfile",
    ] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
            let mut rest = line;
            while let Some(i) = rest.find("--") {
                let flag: String = rest[i..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                rest = &rest[i + flag.len().max(2)..];
                if flag.len() < 4 || !flag[2..].starts_with(|c: char| c.is_ascii_lowercase()) {
                    continue;
                }
                assert!(
                    known.contains(&flag) || others.contains(&flag.as_str()),
                    "{file} passes {flag}, which safeguard does not have"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "{checked}");
}

/// `organizations:<Action>` for every Organizations call the hub makes (its SDK operations).
fn hub_calls() -> BTreeSet<String> {
    let src = std::fs::read_to_string(root().join("src/collect/organizations.rs")).unwrap();
    let mut out = BTreeSet::new();
    // `client.op()`, `self.client.op()` and `self.client` then `.op()` on the next line.
    for piece in src.split("client").skip(1) {
        let Some(after) = piece.trim_start().strip_prefix('.') else {
            continue;
        };
        let op: String = after
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        if op.is_empty() {
            continue;
        }
        let pascal: String = op
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        out.insert(format!("organizations:{pascal}"));
    }
    assert!(out.contains("organizations:ListAccounts"), "{out:?}");
    // The organization trails' log evidence, read through the collector's own calls.
    if src.contains("calls::log_evidence") {
        out.extend(
            [
                "cloudwatch:DescribeAlarms",
                "logs:DescribeLogGroups",
                "logs:DescribeMetricFilters",
            ]
            .map(String::from),
        );
    }
    out
}

/// The S3 operations called in `src` (each call is `.op()` followed by `.bucket(`), as IAM
/// actions by the AWS service authorization reference's mapping, for the calls whose action is
/// not their name.
fn s3_actions(src: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in src.match_indices(".bucket(") {
        let before = src[..at].trim_end();
        let Some(call) = before.strip_suffix("()") else {
            continue;
        };
        let op: String = call
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect::<String>()
            .chars()
            .rev()
            .collect();
        let actions: &[&str] = match op.as_str() {
            "put_object" => &["s3:PutObject", "s3:PutObjectRetention"],
            "get_object_lock_configuration" => &["s3:GetBucketObjectLockConfiguration"],
            "get_bucket_location" => &["s3:GetBucketLocation"],
            "get_object" => &["s3:GetObject", "s3:GetObjectRetention"],
            "list_objects_v2" => &["s3:ListBucket"],
            other => {
                panic!("src/upload.rs calls {other}: add its IAM action here and to the policy")
            }
        };
        out.extend(actions.iter().map(|a| a.to_string()));
    }
    out
}

/// The Security Hub policy grants exactly the calls `src/securityhub/` makes (STS's
/// GetCallerIdentity needs no permission), on default products only.
#[test]
fn the_security_hub_policy_grants_exactly_what_the_import_calls() {
    let policy: Value = serde_json::from_slice(
        &std::fs::read(root().join("policies/safeguard-securityhub.json")).unwrap(),
    )
    .unwrap();
    // Every operation called on an SDK client: `client.op()` or `Client::new(config).op()`,
    // white space removed.
    let mut calls = BTreeSet::new();
    let mut operations = 0;
    for file in ["mod.rs", "findings.rs"] {
        let src: String = std::fs::read_to_string(root().join("src/securityhub").join(file))
            .unwrap()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        for marker in ["client.", "Client::new(config)."] {
            for (i, _) in src.match_indices(marker) {
                let op: String = src[i + marker.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                operations += 1;
                match op.as_str() {
                    "batch_import_findings" => {
                        calls.insert("securityhub:BatchImportFindings".to_string());
                    }
                    // Who the credentials are: no permission needed.
                    "get_caller_identity" => {}
                    other => panic!(
                        "src/securityhub calls {other}: add its IAM action here and to the policy"
                    ),
                }
            }
        }
    }
    assert_eq!(operations, 2, "the import's calls were not found");
    assert_eq!(actions(&policy["Statement"]), calls);
    for st in policy["Statement"].as_array().unwrap() {
        assert_eq!(
            st["Resource"], "arn:aws:securityhub:*:*:product/*/default",
            "the import policy reaches past default products"
        );
    }
}

#[test]
fn the_upload_policy_grants_exactly_what_the_upload_calls() {
    let policy: Value = serde_json::from_slice(
        &std::fs::read(root().join("policies/safeguard-upload.json")).unwrap(),
    )
    .unwrap();
    // Uploading: everything before `fetch` (the bucket's region, its Object Lock, the objects);
    // verifying in place: the bucket's region and `fetch`.
    let src = std::fs::read_to_string(root().join("src/upload.rs")).unwrap();
    let (upload, fetch) = src.split_at(src.find("pub fn fetch(").unwrap());
    let region = s3_actions(&upload[..upload.find("pub fn upload(").unwrap()]);
    assert_eq!(region, BTreeSet::from(["s3:GetBucketLocation".to_string()]));
    assert_eq!(actions(&policy["Statement"]), s3_actions(upload));
    let verify: Value = serde_json::from_slice(
        &std::fs::read(root().join("policies/safeguard-verify-s3.json")).unwrap(),
    )
    .unwrap();
    let mut reads = s3_actions(fetch);
    reads.extend(region);
    assert_eq!(actions(&verify["Statement"]), reads);
    for st in policy["Statement"].as_array().unwrap() {
        let resource = st["Resource"].as_str().unwrap();
        assert!(
            resource.starts_with("arn:aws:s3:::EVIDENCE_BUCKET") && !resource.contains('*')
                || resource == "arn:aws:s3:::EVIDENCE_BUCKET/EVIDENCE_PREFIX/*",
            "the upload policy reaches past the evidence prefix: {resource}"
        );
    }
    // The CloudFormation recipes' optional upload and signing policies are these same ones.
    let sign: Value = serde_json::from_slice(
        &std::fs::read(root().join("policies/safeguard-sign-kms.json")).unwrap(),
    )
    .unwrap();
    for t in ["step-functions.yaml", "batch-array.yaml"] {
        let doc = yaml(&root().join("deploy/aws").join(t), true);
        let optional: Vec<&Value> = doc["Resources"]["HubRole"]["Properties"]["Policies"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.get("Fn::If").map(|f| &f[1]))
            .collect();
        let named = |name: &str| {
            optional
                .iter()
                .find(|p| p["PolicyName"] == name)
                .unwrap_or_else(|| panic!("{t}: no optional {name} policy"))["PolicyDocument"]
                ["Statement"]
                .clone()
        };
        assert_eq!(
            actions(&named("safeguard-upload")),
            actions(&policy["Statement"]),
            "{t}"
        );
        assert_eq!(
            actions(&named("safeguard-sign")),
            actions(&sign["Statement"]),
            "{t}"
        );
    }
    // The KMS calls the signer makes are what that policy grants.
    let kms = std::fs::read_to_string(root().join("src/sign/kms.rs")).unwrap();
    let kms_src = &kms[..kms.find("#[cfg(test)]").unwrap()];
    let mut calls = BTreeSet::new();
    for (op, action) in [
        (".sign()", "kms:Sign"),
        (".get_public_key()", "kms:GetPublicKey"),
    ] {
        if kms_src.contains(op) {
            calls.insert(action.to_string());
        }
    }
    assert_eq!(calls, actions(&sign["Statement"]));
    // The collector's policy stays read-only.
    let collector: Value = serde_json::from_slice(
        &std::fs::read(root().join("policies/safeguard-collector.json")).unwrap(),
    )
    .unwrap();
    assert!(
        actions(&collector["Statement"])
            .iter()
            .all(|a| !a.starts_with("s3:Put"))
    );
}

fn actions(statements: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for st in statements.as_array().unwrap() {
        match &st["Action"] {
            Value::String(a) => {
                out.insert(a.clone());
            }
            Value::Array(v) => out.extend(v.iter().map(|a| a.as_str().unwrap().to_string())),
            _ => {}
        }
    }
    out
}

#[test]
fn the_iam_the_recipes_grant_is_what_the_code_calls() {
    let calls = hub_calls();
    let hub: Value =
        serde_json::from_slice(&std::fs::read(root().join("deploy/iam/hub-policy.json")).unwrap())
            .unwrap();
    // Everything but sts and the file system, which each recipe grants on its own terms.
    let org_actions = |set: BTreeSet<String>| -> BTreeSet<String> {
        set.into_iter()
            .filter(|a| !a.starts_with("sts:") && !a.starts_with("elasticfilesystem:"))
            .collect()
    };
    assert_eq!(
        org_actions(actions(&hub["Statement"])),
        calls,
        "deploy/iam/hub-policy.json"
    );
    for t in ["step-functions.yaml", "batch-array.yaml"] {
        let doc = yaml(&root().join("deploy/aws").join(t), true);
        let policy = &doc["Resources"]["HubRole"]["Properties"]["Policies"][0]["PolicyDocument"];
        let granted = actions(&policy["Statement"]);
        assert_eq!(org_actions(granted.clone()), calls, "{t}");
        assert!(granted.contains("sts:AssumeRole"), "{t}");
    }
    // The member role grants exactly policies/safeguard-collector.json.
    let collector: Value = serde_json::from_slice(
        &std::fs::read(root().join("policies/safeguard-collector.json")).unwrap(),
    )
    .unwrap();
    let member = yaml(&root().join("deploy/aws/member-role.yaml"), true);
    let role = &member["Resources"]["CollectorRole"]["Properties"];
    assert_eq!(
        actions(&role["Policies"][0]["PolicyDocument"]["Statement"]),
        actions(&collector["Statement"])
    );
    // Its trust admits only the hub, only with the external id.
    let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
    assert!(
        trust["Condition"]["StringEquals"]["sts:ExternalId"].is_object()
            || trust["Condition"]["StringEquals"]["sts:ExternalId"].is_string()
    );
    let file_trust: Value = serde_json::from_slice(
        &std::fs::read(root().join("deploy/iam/member-trust-policy.json")).unwrap(),
    )
    .unwrap();
    assert!(file_trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"].is_string());
}

#[test]
fn the_kubernetes_recipe_is_an_indexed_non_root_job_with_its_shard_count_said_once() {
    let docs = yaml(&root().join("deploy/kubernetes/safeguard-org.yaml"), false);
    let docs = docs.as_array().unwrap();
    let cron = docs
        .iter()
        .find(|d| d["kind"] == "CronJob" && d["metadata"]["name"] == "safeguard-org")
        .unwrap();
    let job = &cron["spec"]["jobTemplate"]["spec"];
    assert_eq!(job["completionMode"], "Indexed");
    assert!(job["backoffLimitPerIndex"].as_u64().unwrap() >= 1);
    let pod = &job["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    let c = &pod["containers"][0];
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    let args: Vec<&str> = c["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let shards = args[args.iter().position(|a| *a == "--shards").unwrap() + 1];
    assert_eq!(
        shards,
        job["completions"].as_u64().unwrap().to_string(),
        "--shards equals completions"
    );
    assert!(docs.iter().any(|d| d["kind"] == "ServiceAccount"
        && d["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].is_string()));
    assert!(
        docs.iter()
            .any(|d| d["metadata"]["name"] == "safeguard-aggregate")
    );
}

#[test]
fn the_container_image_is_multi_stage_and_non_root() {
    let text = std::fs::read_to_string(root().join("deploy/Dockerfile")).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect();
    assert_eq!(lines.iter().filter(|l| l.starts_with("FROM ")).count(), 2);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("cargo build --release --locked"))
    );
    let user = lines.iter().rev().find(|l| l.starts_with("USER ")).unwrap();
    assert!(!user.contains("root") || user.contains("nonroot"), "{user}");
    assert!(
        !user.trim_end().ends_with(" 0") && !user.contains(" 0:"),
        "{user}"
    );
    // The runtime stage copies the binary alone.
    let runtime = &lines[lines.iter().rposition(|l| l.starts_with("FROM ")).unwrap()..];
    let copies: Vec<&&str> = runtime.iter().filter(|l| l.starts_with("COPY")).collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(copies[0].contains("safeguard"));
}

/// The security linters (zizmor, checkov, hadolint, actionlint with shellcheck), pinned.
fn security_bin() -> PathBuf {
    support::venv_with("security-lint", support::SECURITY_LINT_PACKAGES)
}

fn workflow() -> PathBuf {
    root().join("deploy/github-actions/safeguard-org.yml")
}

/// Runs a linter and returns its stdout; a non-zero exit fails the test with all it said.
/// Linters are offline here: any request one tries goes to a closed port on this machine.
fn lint(what: &str, cmd: &mut Command) -> String {
    let out = cmd
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("NO_PROXY", "")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} found problems:\n{said}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// zizmor finds nothing in the workflow, in its strictest persona too (auditor: false
/// positives accepted), and nothing is suppressed: every action is pinned to a commit,
/// checkout keeps no credentials, and no `${{ }}` is expanded into a script.
#[test]
fn the_workflow_passes_zizmor_in_every_persona() {
    for persona in ["regular", "pedantic", "auditor"] {
        let out = lint(
            &format!("zizmor --persona {persona}"),
            Command::new(security_bin().join("zizmor"))
                .args([
                    "--offline",
                    "--no-progress",
                    "--persona",
                    persona,
                    "--format",
                    "plain",
                ])
                .arg(workflow()),
        );
        assert!(
            out.contains("No findings to report") && !out.contains("suppressed"),
            "zizmor --persona {persona}: {out}"
        );
    }
    // Every `uses:` names a commit: 40 hex digits, its release in a comment.
    let text = std::fs::read_to_string(workflow()).unwrap();
    for line in text
        .lines()
        .filter(|l| l.trim_start().starts_with("- uses:"))
    {
        let reference = line.split('@').nth(1).unwrap_or_default();
        let sha: String = reference
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        assert!(sha.len() == 40 && reference.contains("# v"), "{line}");
    }
}

/// actionlint passes the workflow, with shellcheck judging every `run:` script; a script with
/// an unquoted expansion, the same workflow otherwise, fails (so shellcheck did run).
#[test]
fn the_workflow_passes_actionlint_with_shellcheck() {
    let bin = security_bin();
    let shellcheck = format!("-shellcheck={}", bin.join("shellcheck").display());
    lint(
        "actionlint",
        Command::new(bin.join("actionlint"))
            .arg(&shellcheck)
            .arg(workflow()),
    );
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken.yml");
    let text = std::fs::read_to_string(workflow()).unwrap();
    let rustup = "run: rustup toolchain install stable --profile minimal";
    assert!(text.contains(rustup));
    std::fs::write(
        &broken,
        text.replace(
            rustup,
            "run: cd $RUNNER_TEMP && rustup toolchain install stable",
        ),
    )
    .unwrap();
    let out = Command::new(bin.join("actionlint"))
        .arg(&shellcheck)
        .arg(&broken)
        .output()
        .unwrap();
    assert!(
        !out.status.success() && String::from_utf8_lossy(&out.stdout).contains("SC2086"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// hadolint passes the Dockerfile, and each base image is pinned by digest.
#[test]
fn the_dockerfile_passes_hadolint_and_pins_its_bases_by_digest() {
    let dockerfile = root().join("deploy/Dockerfile");
    lint(
        "hadolint",
        Command::new(security_bin().join("hadolint")).arg(&dockerfile),
    );
    let text = std::fs::read_to_string(&dockerfile).unwrap();
    let froms: Vec<&str> = text.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(froms.len(), 2, "{froms:?}");
    for from in froms {
        let digest = from.split("@sha256:").nth(1).unwrap_or_default();
        let hex: String = digest.chars().take_while(char::is_ascii_hexdigit).collect();
        assert_eq!(hex.len(), 64, "not pinned by digest: {from}");
    }
}

/// checkov fails no check over deploy/ (Kubernetes, Dockerfile, CloudFormation) nor over the
/// workflow; each check it skips is skipped in the file, with its reason.
#[test]
fn deploy_passes_checkov_and_every_skip_says_why() {
    let checkov = security_bin().join("checkov");
    // `--skip-download`: no policies fetched from a platform; the checks are the package's own.
    let out = lint(
        "checkov",
        Command::new(&checkov)
            .args(["--skip-download", "--output", "json", "--directory"])
            .arg(root().join("deploy")),
    );
    let reports: Value = serde_json::from_str(&out).unwrap();
    let reports = match reports {
        Value::Array(a) => a,
        one => vec![one],
    };
    let kinds: BTreeSet<&str> = reports
        .iter()
        .filter_map(|r| r["check_type"].as_str())
        .collect();
    assert!(
        ["kubernetes", "dockerfile", "cloudformation"]
            .iter()
            .all(|k| kinds.contains(k)),
        "checkov did not read every recipe: {kinds:?}"
    );
    let mut skipped = Vec::new();
    for r in &reports {
        assert_eq!(
            r["summary"]["failed"], 0,
            "{}",
            r["results"]["failed_checks"]
        );
        assert!(r["summary"]["passed"].as_u64().unwrap() > 0, "{r}");
        for s in r["results"]["skipped_checks"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let why = s["check_result"]["suppress_comment"]
                .as_str()
                .unwrap_or("")
                .trim();
            assert!(
                why.len() > 20 && why != "No comment provided",
                "{} is skipped without a reason",
                s["check_id"]
            );
            skipped.push(s["check_id"].as_str().unwrap().to_string());
        }
    }
    skipped.sort();
    assert_eq!(
        skipped,
        ["CKV_DOCKER_2", "CKV_K8S_35", "CKV_K8S_38", "CKV_K8S_38"],
        "only the skips the closing note explains"
    );
    // The workflow, as checkov reads workflows: from a .github/workflows folder.
    let tmp = tempfile::tempdir().unwrap();
    let workflows = tmp.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::copy(workflow(), workflows.join("safeguard-org.yml")).unwrap();
    let out = lint(
        "checkov (github_actions)",
        Command::new(&checkov)
            .args([
                "--skip-download",
                "--framework",
                "github_actions",
                "--output",
                "json",
                "--directory",
            ])
            .arg(tmp.path()),
    );
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["failed"], 0, "{report}");
    assert!(
        report["summary"]["passed"].as_u64().unwrap() > 0,
        "{report}"
    );
}

/// The shell scripts users run (the AWS CLI export above all, which auditors run on a
/// client's machine) pass shellcheck at warning level.
#[test]
fn the_scripts_pass_shellcheck() {
    let bin = security_bin();
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(root().join("scripts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sh"))
        .collect();
    scripts.sort();
    assert!(
        scripts
            .iter()
            .any(|s| s.ends_with("export-aws-evidence.sh")),
        "{scripts:?}"
    );
    lint(
        "shellcheck",
        Command::new(bin.join("shellcheck"))
            .args(["--severity", "warning"])
            .args(&scripts),
    );
}
