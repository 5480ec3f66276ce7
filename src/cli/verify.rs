//! `safeguard verify`: a package folder (or an `s3://` one downloaded first) re-hashed against
//! its manifest, and its signature checked when a key is given.

use std::io::Write;
use std::path::Path;

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
    target: &Path,
    key: Option<&Path>,
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
    // Every name printed here (files, keys, S3 objects, reasons) may come from the package:
    // one line each, made inert, so none can paint over the verdict.
    let mut say = |tag: &str, text: &str| {
        let _ = writeln!(stdout, "{tag} {}", crate::text::line(text));
    };
    let text = target.to_string_lossy();
    let (dir, _download, v) = if text.starts_with("s3://") {
        let (download, staged, v) = remote(&text, profile, call_timeout, &mut say)?;
        (download.path().to_path_buf(), Some((download, staged)), v)
    } else {
        local_package(target)?;
        (target.to_path_buf(), None, package::verify(target)?)
    };
    say_files(&v, &mut say);
    let signature_ok = say_signature(&dir, public.as_ref(), &mut say)?;
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
        let problems = v.problems().len() + usize::from(!signature_ok);
        say(
            "FAILED:",
            &format!("{problems} problem(s) in {}", target.display()),
        );
        Ok(1)
    }
}

/// Downloads an `s3://` package into a temporary folder (removed on an interrupt, as a
/// package being written is) and verifies the copy, with what the download found.
fn remote(
    url: &str,
    profile: Option<&str>,
    call_timeout: std::time::Duration,
    say: &mut impl FnMut(&str, &str),
) -> Result<(
    tempfile::TempDir,
    package::interrupt::Staged,
    package::Verification,
)> {
    let url = crate::upload::S3Location::parse(url)?;
    let (download, staged) = package::interrupt::create_staged(|| {
        tempfile::tempdir().map_err(|e| crate::error::Error::io(std::env::temp_dir(), e))
    })?;
    let fetched = crate::upload::fetch(&url, download.path(), profile, None, call_timeout)?;
    match &fetched.retention {
        Some((mode, until)) => say(
            "RETAINED",
            &format!("manifest.json: Object Lock {mode} until {until}"),
        ),
        None => say("NOTE    ", "manifest.json has no Object Lock retention"),
    }
    let mut v = package::verify(download.path())?;
    fetched.apply_to(&mut v);
    Ok((download, staged, v))
}

/// One line per problem of the files, and a note for an older results.json.
fn say_files(v: &package::Verification, say: &mut impl FnMut(&str, &str)) {
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
}

/// What the signature shows, with the key given or without one; whether it holds.
fn say_signature(
    dir: &Path,
    public: Option<&crate::sign::PublicKey>,
    say: &mut impl FnMut(&str, &str),
) -> Result<bool> {
    let Some(key) = public else {
        if package::is_signed(dir) {
            say(
                "NOTE    ",
                &format!(
                    "{} is present but not checked: give --key or --kms-key",
                    package::SIGNATURE
                ),
            );
        } else {
            // Hashes show the files are consistent, not who produced them: said on its own
            // line.
            say(
                "UNSIGNED",
                "no signature.json: the hashes show the files are consistent, not who produced them",
            );
        }
        return Ok(true);
    };
    match crate::sign::check(dir, key)? {
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
            Ok(true)
        }
        crate::sign::SignatureCheck::Missing => {
            say(
                "UNSIGNED",
                &format!(
                    "no {} in the package, and a key was given",
                    package::SIGNATURE
                ),
            );
            Ok(false)
        }
        crate::sign::SignatureCheck::Invalid(why) => {
            say("BADSIG  ", &why);
            Ok(false)
        }
    }
}
