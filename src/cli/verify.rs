//! `safeguard verify`: a package folder (or an `s3://` one downloaded first) re-hashed against
//! its manifest, and its signature checked when a key is given.

use std::io::Write;

use crate::error::Result;
use crate::package;

/// Refuses, with what to give instead, a path that is not a package folder: a file (its
/// manifest.json, say) or a folder without a manifest (reports/, with packages below it).
pub(super) fn local_package(target: &std::path::Path) -> Result<()> {
    use crate::error::Error;
    if target.is_file() {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        return Err(Error::Usage(format!(
            "{} is a file: give the package folder (safeguard verify {})",
            target.display(),
            parent.display()
        )));
    }
    if target.is_dir() && !target.join(package::MANIFEST).exists() {
        let below: Vec<String> = package::discover(&[target.to_path_buf()], 4)
            .map(|found| found.packages)
            .unwrap_or_default()
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect();
        return Err(Error::Usage(format!(
            "{} is not an evidence package (no manifest.json); {}",
            target.display(),
            crate::upload::describe_below(&below)
        )));
    }
    Ok(())
}

/// `safeguard verify`: every hash, and the signature when a key is given; an `s3://` package
/// is downloaded into a temporary folder and verified there.
pub(super) fn verify(
    target: &std::path::Path,
    key: Option<&std::path::Path>,
    kms_key: Option<&str>,
    profile: Option<&str>,
    call_timeout: std::time::Duration,
) -> Result<i32> {
    // The key first: a bad key file is a usage error before anything is read.
    let public = match (key, kms_key) {
        (Some(path), _) => Some(crate::sign::PublicKey::read(path)?),
        (None, Some(arn)) => Some(crate::sign::kms::KmsKey::new(arn, profile)?.public_key()?),
        (None, None) => None,
    };
    let mut stdout = std::io::stdout().lock();
    let text = target.to_string_lossy();
    let fetched_dir;
    let _staged;
    let mut fetched = None;
    let dir: &std::path::Path = if text.starts_with("s3://") {
        let url = crate::upload::S3Location::parse(&text)?;
        // An interrupt removes the download as it removes a package being written.
        (fetched_dir, _staged) = package::interrupt::create_staged(|| {
            tempfile::tempdir().map_err(|e| crate::error::Error::io(std::env::temp_dir(), e))
        })?;
        let f = crate::upload::fetch(&url, fetched_dir.path(), profile, None, call_timeout)?;
        let line = match &f.retention {
            Some((mode, until)) => {
                format!("RETAINED manifest.json: Object Lock {mode} until {until}")
            }
            None => "NOTE     manifest.json has no Object Lock retention".to_string(),
        };
        let _ = writeln!(stdout, "{}", crate::text::line(&line));
        fetched = Some(f);
        fetched_dir.path()
    } else {
        local_package(target)?;
        target
    };
    let mut v = package::verify(dir)?;
    if let Some(f) = fetched {
        // Not downloaded, so not there to hash: altered, not missing.
        for (name, size) in f.oversize {
            v.missing.retain(|m| *m != name);
            v.altered.push(format!(
                "{name} (larger than the {size} bytes the manifest lists)"
            ));
        }
        v.extra.extend(f.extra);
        v.inconsistent.extend(f.problems);
    }
    // Every name printed here (files, keys, S3 objects, reasons) may come from the package:
    // one line each, made inert, so none can paint over the verdict.
    let mut say = |tag: &str, text: &str| {
        let _ = writeln!(stdout, "{tag} {}", crate::text::line(text));
    };
    for m in &v.missing {
        say("MISSING ", m);
    }
    for a in &v.altered {
        say("ALTERED ", a);
    }
    for x in &v.extra {
        say("EXTRA   ", &format!("{x} (not in the manifest)"));
    }
    for i in v.inconsistent.iter().chain(&v.signature) {
        say("MISMATCH", i);
    }
    if let Some(schema) = &v.older {
        say(
            "OLDER   ",
            &format!(
                "results.json is {schema}, written by an earlier safeguard; this version \
                 checks its hashes but reads only {} (re-run `assess` on its snapshot.json for a current one)",
                crate::results::SCHEMA
            ),
        );
    }
    let mut signature_ok = true;
    match &public {
        Some(key) => match crate::sign::check(dir, key)? {
            crate::sign::SignatureCheck::Valid {
                key,
                keyid_matches,
                signed_at,
                preparer,
            } => {
                say(
                    "SIGNED  ",
                    &format!(
                        "by {key} (the key given) at {signed_at}{}",
                        preparer
                            .prepared_by
                            .as_deref()
                            .map(|p| format!(" (prepared by {p})"))
                            .unwrap_or_default()
                    ),
                );
                if !keyid_matches {
                    say(
                        "NOTE    ",
                        "the envelope's keyid names another key; it is not covered by the signature and is ignored",
                    );
                }
            }
            crate::sign::SignatureCheck::Missing => {
                signature_ok = false;
                say(
                    "UNSIGNED",
                    &format!(
                        "no {} in the package, and a key was given",
                        package::SIGNATURE
                    ),
                );
            }
            crate::sign::SignatureCheck::Invalid(why) => {
                signature_ok = false;
                say("BADSIG  ", &why);
            }
        },
        None if dir.join(package::SIGNATURE).exists() => {
            say(
                "NOTE    ",
                &format!(
                    "{} is present but not checked: give --key or --kms-key",
                    package::SIGNATURE
                ),
            );
        }
        // Hashes show the files are consistent, not who produced them: said on its own line.
        None => say(
            "UNSIGNED",
            "no signature.json: the hashes show the files are consistent, not who produced them",
        ),
    }
    if v.is_intact() && signature_ok {
        say(
            "OK:",
            &format!(
                "{} file(s) match manifest.json in {}{}",
                v.checked,
                target.display(),
                if public.is_some() {
                    ", signature verified"
                } else {
                    ""
                }
            ),
        );
        Ok(0)
    } else {
        say(
            "FAILED:",
            &format!(
                "{} problem(s) in {}",
                v.missing.len()
                    + v.altered.len()
                    + v.extra.len()
                    + v.inconsistent.len()
                    + v.signature.len()
                    + usize::from(!signature_ok),
                target.display()
            ),
        );
        Ok(1)
    }
}
