//! `iam.kms_decrypt_unrestricted`: no principal may decrypt with every KMS key.
//!
//! `kms:Decrypt` or `kms:ReEncryptFrom` on all keys reads whatever ePHI is encrypted under any
//! of them. Judged per principal with all of its policies (so `kms:*` and `*` count too);
//! `kms:ViaService`, `kms:CallerAccount` and encryption-context conditions scope it. Key
//! policies can narrow it further; they are not in the evidence yet.

use safeguard_policy::{Outcome as Access, Target};

use super::access::{cite, in_scope, model, only_scoped_by, pass_or_incomplete, pointer};
use crate::checks::{Context, Finding, Outcome};

check! {
    KmsDecryptUnrestricted = "iam.kms_decrypt_unrestricted",
    "No user or role may decrypt (kms:Decrypt, kms:ReEncryptFrom) with every KMS key",
    severity: High => "decrypting with every key reads every encrypted ePHI store the principal can reach",
    remediation: "Scope kms:Decrypt to the keys the holder needs, or to kms:ViaService."
}

const ACTIONS: &[&str] = &["kms:Decrypt", "kms:ReEncryptFrom"];
const SCOPING_KEYS: &[&str] = &[
    "kms:ViaService",
    "kms:CallerAccount",
    "kms:EncryptionContext:*",
    "kms:EncryptionContextKeys",
    "kms:GrantIsForAWSResource",
];

fn evaluate(ctx: &Context<'_>, _: &Settings) -> Outcome {
    let model = model(ctx)?;
    let acct = &model.account;
    let probe = format!(
        "arn:{}:kms:us-east-1:{}:key/00000000-0000-0000-0000-safeguardprobe",
        acct.partition, acct.id
    );
    let mut out = Vec::new();
    for p in in_scope(model) {
        let c = model.context(p, false);
        let arn = &acct.principals[p].arn;
        let mut verdict = None;
        let mut scoped = Vec::new();
        for name in ACTIONS {
            let id = acct.catalog.id(name).expect("KMS actions in the catalog");
            let mut d = acct.decide(p, id, Target::All, &c);
            if !d.outcome.is_possible() {
                d = acct.decide(p, id, Target::Arn(&probe), &c);
            }
            match d.outcome {
                Access::Allowed => {
                    verdict = Some(Finding::fail(
                        arn,
                        format!(
                            "{} may {name} with every KMS key, through {}",
                            model.noun(p),
                            cite(model, &d.grants)
                        ),
                        pointer(model, p, &d.grants),
                    ));
                    break;
                }
                Access::Conditional if only_scoped_by(&d, SCOPING_KEYS, model) => {
                    scoped.push(format!(
                        "{name} on every key only {}",
                        d.caveats().join(", ")
                    ));
                }
                Access::Conditional => {
                    verdict = Some(Finding::fail(
                        arn,
                        format!(
                            "{} may {name} with every KMS key {} (through {})",
                            model.noun(p),
                            d.caveats().join(", "),
                            cite(model, &d.grants)
                        ),
                        pointer(model, p, &d.grants),
                    ));
                    break;
                }
                _ => {}
            }
        }
        out.push(verdict.unwrap_or_else(|| {
            let msg = if scoped.is_empty() {
                format!("{} may not decrypt with every KMS key", model.noun(p))
            } else {
                format!("{}: {}", model.noun(p), scoped.join("; "))
            };
            pass_or_incomplete(ctx, model, p, msg)
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
