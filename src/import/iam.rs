//! IAM evidence: the authorization details, the credential report (decoded, its columns
//! checked), the password policy, the account summary, virtual MFA devices and roles.

use super::*;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RolesFile {
    pub(super) roles: Vec<RoleSummary>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct CredentialReportFile {
    pub(super) content: String,
    #[serde(default)]
    pub(super) generated_time: Option<AwsTime>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct PasswordPolicyFile {
    pub(super) password_policy: PasswordPolicy,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct AccountSummaryFile {
    pub(super) summary_map: BTreeMap<String, i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct VirtualMfaFile {
    #[serde(rename = "VirtualMFADevices")]
    pub(super) virtual_mfa_devices: Vec<Value>,
}

/// A credential-report file (the output of `aws iam get-credential-report`) read and decoded as
/// the importer does: the report, or bad input naming `path`. Public for the fuzzer.
pub fn read_credential_report(path: &Path, bytes: &[u8]) -> Result<CredentialReport> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let file: CredentialReportFile =
        serde_path_to_error::deserialize(de).map_err(|e| Error::from_json(path, e))?;
    decode_credential_report(path, file)
}

/// The credential-report columns the checks read.
pub(super) const CREDENTIAL_REPORT_COLUMNS: &[&str] = &[
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
];

pub(super) fn decode_credential_report(
    path: &Path,
    file: CredentialReportFile,
) -> Result<CredentialReport> {
    let bad = |msg: String| {
        Error::bad_input(
            path,
            Location {
                pointer: Some("/Content".into()),
                ..Default::default()
            },
            msg,
        )
    };
    let cleaned: String = file
        .content
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let csv_bytes = base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|e| bad(format!("credential report Content is not base64: {e}")))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(csv_bytes.as_slice());
    let headers = reader
        .headers()
        .map_err(|e| bad(format!("credential report CSV has no header row: {e}")))?
        .clone();
    // The columns the checks read (IAM User Guide, "Getting credential reports"). A renamed
    // or missing one would read as "not enabled" and turn a failure into a pass.
    let present: Vec<&str> = headers.iter().collect();
    for column in CREDENTIAL_REPORT_COLUMNS {
        if !present.contains(column) {
            let hint = crate::error::did_you_mean(column, &present);
            return Err(bad(format!(
                "credential report CSV has no {column:?} column{hint}; expected the columns of aws iam get-credential-report"
            )));
        }
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| bad(format!("credential report CSV row {}: {e}", i + 2)))?;
        rows.push(
            headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect(),
        );
    }
    Ok(CredentialReport {
        generated_time: file.generated_time,
        rows,
    })
}

impl Importer<'_> {
    pub(super) fn iam(&mut self) -> Result<Iam> {
        let details = self.authorization_details();
        let authorization_details = self
            .soften(
                details,
                "/iam/authorization_details",
                "aws iam get-account-authorization-details (iam/account-authorization-details.json)",
            )?
            .flatten();
        let credential_report =
            match self.read::<CredentialReportFile>("iam/credential-report.json")? {
                Read::Ok(file) => {
                    let decoded =
                        decode_credential_report(&self.path("iam/credential-report.json"), file);
                    self.soften(
                        decoded,
                        "/iam/credential_report",
                        "aws iam get-credential-report (iam/credential-report.json)",
                    )?
                }
                Read::Failed(reason) => {
                    self.gap(
                        "/iam/credential_report",
                        "aws iam get-credential-report (iam/credential-report.json)",
                        format!("the call failed: {reason}"),
                    );
                    None
                }
                Read::Missing => {
                    self.gap(
                        "/iam/credential_report",
                        "aws iam get-credential-report (iam/credential-report.json)",
                        "file missing from the export",
                    );
                    None
                }
            };
        let password_policy = match self.read::<PasswordPolicyFile>("iam/password-policy.json")? {
            Read::Ok(file) => Some(PasswordPolicyEvidence::Set {
                policy: file.password_policy,
            }),
            Read::Failed(reason) if reason.contains("NoSuchEntity") => {
                Some(PasswordPolicyEvidence::NotSet { detail: reason })
            }
            Read::Failed(reason) => {
                self.gap(
                    "/iam/password_policy",
                    "aws iam get-account-password-policy (iam/password-policy.json)",
                    format!("the call failed: {reason}"),
                );
                None
            }
            Read::Missing => {
                self.gap(
                    "/iam/password_policy",
                    "aws iam get-account-password-policy (iam/password-policy.json)",
                    "file missing from the export",
                );
                None
            }
        };
        let account_summary = self
            .read_or_gap::<AccountSummaryFile>(
                "iam/account-summary.json",
                "/iam/account_summary",
                "aws iam get-account-summary",
            )?
            .map(|f| f.summary_map);
        let virtual_mfa_devices = self
            .read_or_gap::<VirtualMfaFile>(
                "iam/virtual-mfa-devices.json",
                "/iam/virtual_mfa_devices",
                "aws iam list-virtual-mfa-devices",
            )?
            // Seeds and QR codes are dropped with every other secret when the snapshot is
            // sanitized, at the end of the import.
            .map(|f| f.virtual_mfa_devices);
        let roles = self
            .read_or_gap::<RolesFile>("iam/roles.json", "/iam/roles", "aws iam list-roles")?
            .map(|f| {
                let mut roles = f.roles;
                roles.sort_by(|a, b| a.arn.cmp(&b.arn));
                roles
            });
        Ok(Iam {
            authorization_details,
            credential_report,
            password_policy,
            account_summary,
            virtual_mfa_devices,
            roles,
        })
    }

    /// get-account-authorization-details, possibly several pages concatenated in one file.
    pub(super) fn authorization_details(&mut self) -> Result<Option<AuthorizationDetails>> {
        let rel = "iam/account-authorization-details.json";
        let path = self.path(rel);
        let Some(Entry::Json(bytes)) = self.src.entry(rel)? else {
            let source = format!("aws iam get-account-authorization-details ({rel})");
            match self.read::<Value>(rel)? {
                Read::Failed(reason) => self.gap(
                    "/iam/authorization_details",
                    &source,
                    format!("the call failed: {reason}"),
                ),
                _ => self.gap(
                    "/iam/authorization_details",
                    &source,
                    "file missing from the export",
                ),
            }
            return Ok(None);
        };
        let mut merged = AuthorizationDetails::default();
        let mut pages = 0;
        for (start, end) in json_document_ranges(&path, &bytes)? {
            let page: AuthorizationDetails = parse_at_offset(&path, &bytes, start, end)?;
            pages += 1;
            merged.user_detail_list.extend(page.user_detail_list);
            merged.group_detail_list.extend(page.group_detail_list);
            merged.role_detail_list.extend(page.role_detail_list);
            merged.policies.extend(page.policies);
        }
        if pages == 0 {
            return Err(super::read::empty_file(&path));
        }
        for p in merged
            .policies
            .iter_mut()
            .filter(|p| p.policy_name.is_empty())
        {
            p.policy_name = p.arn.rsplit('/').next().unwrap_or_default().to_string();
        }
        // One stable order whatever the pagination: collect and import must agree.
        merged.user_detail_list.sort_by(|a, b| a.arn.cmp(&b.arn));
        merged.group_detail_list.sort_by(|a, b| a.arn.cmp(&b.arn));
        merged.role_detail_list.sort_by(|a, b| a.arn.cmp(&b.arn));
        merged.policies.sort_by(|a, b| a.arn.cmp(&b.arn));
        merged.user_detail_list.dedup_by(|a, b| a.arn == b.arn);
        merged.group_detail_list.dedup_by(|a, b| a.arn == b.arn);
        merged.role_detail_list.dedup_by(|a, b| a.arn == b.arn);
        merged.policies.dedup_by(|a, b| a.arn == b.arn);
        Ok(Some(merged))
    }
}
