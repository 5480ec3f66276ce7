//! `--upload s3://BUCKET/PREFIX`: a written, verified package → one S3 object per file under
//! `PREFIX/<account>/<timestamp>/`, each sent with its SHA-256 checksum (S3 refuses an object
//! whose bytes do not match) and, when the bucket has Object Lock, a retention of
//! `--retain-days` in `--retention-mode`. manifest.json goes last and signature.json after it,
//! so a reader that finds the manifest finds every file it names.
//!
//! `verify s3://BUCKET/PREFIX/<account>/<ts>/` downloads the manifest and the files it names
//! (each bounded by its listed size) into a temporary folder and verifies them there.

use std::path::Path;

use aws_sdk_s3::primitives::{ByteStream, DateTime as AwsDateTime};
use aws_sdk_s3::types::{ChecksumAlgorithm, ObjectLockMode};
use base64::Engine;
use sha2::Digest;

use crate::collect::{block_on_own, delivery_config, sdk_error_text};
use crate::error::{Error, Result};
use crate::package;

/// Six years: §164.316(b)(2)(i) keeps documentation for six years from creation or from
/// when it was last in effect.
pub const DEFAULT_RETAIN_DAYS: u32 = 2190;

/// Where packages go: a bucket and a key prefix (without a trailing slash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    pub prefix: String,
}

impl S3Location {
    /// `s3://BUCKET[/PREFIX]`: a bucket name as S3 allows (3 to 63 lowercase letters, digits,
    /// dots and hyphens) and a prefix of plain key parts.
    pub fn parse(url: &str) -> Result<Self> {
        let bad = |why: &str| Error::Usage(format!("{url:?}: {why} (expected s3://BUCKET/PREFIX)"));
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| bad("not an s3:// URL"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if !(3..=63).contains(&bucket.len())
            || !bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            || !bucket.as_bytes()[0].is_ascii_alphanumeric()
        {
            return Err(bad("not an S3 bucket name"));
        }
        let prefix = prefix.trim_end_matches('/');
        if !prefix.is_empty()
            && prefix
                .split('/')
                .any(|p| p.is_empty() || p == "." || p == ".." || p.chars().any(|c| c.is_control()))
        {
            return Err(bad("the prefix has an empty, `.` or `..` part"));
        }
        Ok(S3Location {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        })
    }

    pub fn key(&self, rel: &str) -> String {
        if self.prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.prefix)
        }
    }

    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetentionMode {
    Governance,
    Compliance,
}

impl RetentionMode {
    fn sdk(self) -> ObjectLockMode {
        match self {
            RetentionMode::Governance => ObjectLockMode::Governance,
            RetentionMode::Compliance => ObjectLockMode::Compliance,
        }
    }
}

#[derive(Debug, Clone)]
pub struct UploadOptions {
    pub destination: S3Location,
    pub retain_days: u32,
    pub mode: RetentionMode,
    pub profile: Option<String>,
    pub region: Option<String>,
}

/// What an upload did.
#[derive(Debug, Clone)]
pub struct Uploaded {
    pub url: String,
    pub objects: usize,
    pub bytes: u64,
    /// The retention every object got (`None`: the bucket has no Object Lock).
    pub retention: Option<(RetentionMode, chrono::DateTime<chrono::Utc>)>,
}

async fn client_for(bucket: &str, opts: &UploadOptions) -> Result<aws_sdk_s3::Client> {
    let config = delivery_config(opts.profile.as_deref(), opts.region.as_deref()).await;
    let client = aws_sdk_s3::Client::new(&config);
    // A bucket answers only in its own region: ask where it is.
    let location = client
        .get_bucket_location()
        .bucket(bucket)
        .send()
        .await
        .map_err(|e| {
            Error::Delivery(format!(
                "s3:GetBucketLocation {bucket}: {}",
                sdk_error_text(&e)
            ))
        })?;
    let region = match location.location_constraint().map(|c| c.as_str()) {
        None | Some("") => "us-east-1".to_string(),
        Some("EU") => "eu-west-1".to_string(),
        Some(r) => r.to_string(),
    };
    if config.region().map(|r| r.as_ref()) == Some(region.as_str()) {
        return Ok(client);
    }
    let config = config
        .into_builder()
        .region(aws_config::Region::new(region))
        .build();
    Ok(aws_sdk_s3::Client::new(&config))
}

/// Uploads the package at `dir` as `<prefix>/<rel>/...` (`rel` is `<account>/<timestamp>`).
/// The package is verified first; a failure of any call is [`Error::Delivery`] (exit 4), and
/// the local package is left as it is.
pub fn upload(dir: &Path, rel: &str, opts: &UploadOptions) -> Result<Uploaded> {
    let v = package::verify(dir)?;
    if !v.is_intact() {
        return Err(Error::Delivery(format!(
            "{} fails verification; it is not uploaded",
            dir.display()
        )));
    }
    let manifest_path = dir.join(package::MANIFEST);
    let manifest_bytes = std::fs::read(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;
    #[derive(serde::Deserialize)]
    struct Files {
        files: Vec<package::ManifestFile>,
    }
    let listed: Files = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| Error::Delivery(format!("{}: {e}", manifest_path.display())))?;
    let mut names: Vec<String> = listed.files.into_iter().map(|f| f.path).collect();
    names.push(package::MANIFEST.into());
    if dir.join(package::SIGNATURE).is_file() {
        names.push(package::SIGNATURE.into());
    }
    let dest = &opts.destination;
    block_on_own(async {
        let client = client_for(&dest.bucket, opts).await?;
        let locked = match client
            .get_object_lock_configuration()
            .bucket(&dest.bucket)
            .send()
            .await
        {
            Ok(out) => out
                .object_lock_configuration()
                .and_then(|c| c.object_lock_enabled())
                .is_some_and(|e| e.as_str() == "Enabled"),
            Err(e)
                if e.as_service_error()
                    .and_then(aws_sdk_s3::error::ProvideErrorMetadata::code)
                    == Some("ObjectLockConfigurationNotFoundError") =>
            {
                false
            }
            Err(e) => {
                return Err(Error::Delivery(format!(
                    "s3:GetObjectLockConfiguration {}: {}",
                    dest.bucket,
                    sdk_error_text(&e)
                )));
            }
        };
        let until = chrono::Utc::now() + chrono::Duration::days(i64::from(opts.retain_days));
        let until = until
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .expect("formatted time parses");
        let retention = (locked && opts.retain_days > 0).then_some((opts.mode, until));
        let mut bytes_sent = 0u64;
        for name in &names {
            let path = dir.join(name);
            let body = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            bytes_sent += body.len() as u64;
            let checksum =
                base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&body));
            let key = dest.key(&format!("{rel}/{name}"));
            let mut put = client
                .put_object()
                .bucket(&dest.bucket)
                .key(&key)
                .checksum_algorithm(ChecksumAlgorithm::Sha256)
                .checksum_sha256(checksum)
                .content_type(content_type(name))
                .body(ByteStream::from(body));
            if let Some((mode, until)) = retention {
                put = put
                    .object_lock_mode(mode.sdk())
                    .object_lock_retain_until_date(AwsDateTime::from_secs(until.timestamp()));
            }
            put.send().await.map_err(|e| {
                Error::Delivery(format!(
                    "s3:PutObject s3://{}/{key}: {}",
                    dest.bucket,
                    sdk_error_text(&e)
                ))
            })?;
        }
        Ok(Uploaded {
            url: format!("s3://{}/{}/", dest.bucket, dest.key(rel)),
            objects: names.len(),
            bytes: bytes_sent,
            retention,
        })
    })?
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("json") => "application/json",
        Some("md") => "text/markdown; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("pdf") => "application/pdf",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("yaml") | Some("yml") => "application/yaml",
        _ => "application/octet-stream",
    }
}

/// What `verify s3://...` learned beyond the hashes.
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    /// Objects under the prefix that the manifest does not name (nor signature.json).
    pub extra: Vec<String>,
    /// Objects larger than the manifest lists them, with the listed size (not downloaded).
    pub oversize: Vec<(String, u64)>,
    /// manifest.json's Object Lock retention, as S3 reports it.
    pub retention: Option<(String, String)>,
}

/// Most a manifest may be (as `verify` allows locally).
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// Downloads the package at `url` (a prefix holding manifest.json) into `into`: the manifest
/// and the files it names, each bounded by its listed size, never a key that would leave
/// `into`. The caller verifies `into`.
pub fn fetch(
    url: &S3Location,
    into: &Path,
    profile: Option<&str>,
    region: Option<&str>,
) -> Result<Fetched> {
    let opts = UploadOptions {
        destination: url.clone(),
        retain_days: 0,
        mode: RetentionMode::Governance,
        profile: profile.map(str::to_string),
        region: region.map(str::to_string),
    };
    block_on_own(async {
        let client = client_for(&url.bucket, &opts).await?;
        let get = |rel: String, max: u64| {
            let client = client.clone();
            let key = url.key(&rel);
            async move {
                let out = client
                    .get_object()
                    .bucket(&url.bucket)
                    .key(&key)
                    .send()
                    .await
                    .map_err(|e| {
                        Error::Delivery(format!(
                            "s3:GetObject s3://{}/{key}: {}",
                            url.bucket,
                            sdk_error_text(&e)
                        ))
                    })?;
                if out
                    .content_length()
                    .is_some_and(|n| n < 0 || n as u64 > max)
                {
                    return Ok::<_, Error>((
                        None,
                        out.object_lock_mode().map(|m| m.as_str().to_string()),
                        out.object_lock_retain_until_date().map(|d| d.to_string()),
                    ));
                }
                let mode = out.object_lock_mode().map(|m| m.as_str().to_string());
                let until = out.object_lock_retain_until_date().map(|d| d.to_string());
                let bytes = out
                    .body
                    .collect()
                    .await
                    .map_err(|e| {
                        Error::Delivery(format!("reading s3://{}/{key}: {e}", url.bucket))
                    })?
                    .into_bytes();
                if bytes.len() as u64 > max {
                    return Ok((None, mode, until));
                }
                Ok((Some(bytes.to_vec()), mode, until))
            }
        };
        let (manifest, mode, until) = get(package::MANIFEST.into(), MAX_MANIFEST_BYTES).await?;
        let manifest = manifest.ok_or_else(|| {
            Error::Delivery(format!(
                "{}/manifest.json is larger than a manifest can be",
                url.url()
            ))
        })?;
        write_under(into, package::MANIFEST, &manifest)?;
        #[derive(serde::Deserialize)]
        struct Files {
            files: Vec<package::ManifestFile>,
        }
        let listed: Files = serde_json::from_slice(&manifest).map_err(|e| {
            Error::bad_input(
                url.url() + "/manifest.json",
                crate::error::Location::default(),
                format!("not a safeguard manifest: {e}"),
            )
        })?;
        let mut fetched = Fetched {
            retention: mode.map(|m| (m, until.unwrap_or_default())),
            ..Fetched::default()
        };
        let mut known: std::collections::BTreeSet<String> = [
            package::MANIFEST.to_string(),
            package::SIGNATURE.to_string(),
        ]
        .into();
        for f in &listed.files {
            // A path that would leave the folder is left for verify to refuse.
            if !safe_rel(&f.path) {
                continue;
            }
            known.insert(f.path.clone());
            match get(f.path.clone(), f.size).await {
                // Larger than listed: not downloaded, reported altered.
                Ok((None, ..)) => fetched.oversize.push((f.path.clone(), f.size)),
                Ok((Some(b), ..)) => write_under(into, &f.path, &b)?,
                // Missing: verify names it.
                Err(_) => {}
            }
        }
        if let Ok((Some(sig), ..)) = get(package::SIGNATURE.into(), 1 << 20).await {
            write_under(into, package::SIGNATURE, &sig)?;
        }
        // Every object under the prefix that the manifest does not name.
        let prefix = format!("{}/", url.prefix.trim_end_matches('/'));
        let mut pages = client
            .list_objects_v2()
            .bucket(&url.bucket)
            .prefix(if url.prefix.is_empty() { "" } else { &prefix })
            .into_paginator()
            .send();
        let mut seen = 0usize;
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                Error::Delivery(format!(
                    "s3:ListObjectsV2 {}: {}",
                    url.url(),
                    sdk_error_text(&e)
                ))
            })?;
            for o in page.contents() {
                let key = o.key().unwrap_or_default();
                let rel = if url.prefix.is_empty() {
                    key
                } else {
                    key.strip_prefix(&prefix).unwrap_or(key)
                };
                if !known.contains(rel) {
                    fetched.extra.push(rel.to_string());
                }
                seen += 1;
            }
            if seen > 100_000 {
                break;
            }
        }
        Ok(fetched)
    })?
}

fn safe_rel(rel: &str) -> bool {
    !rel.is_empty()
        && rel
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != ".." && !p.contains('\\'))
}

fn write_under(root: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))
}

#[cfg(test)]
mod tests {
    use super::S3Location;

    #[test]
    fn destinations_are_buckets_and_plain_prefixes() {
        let l = S3Location::parse("s3://evidence-bucket/hipaa/weekly/").unwrap();
        assert_eq!(l.bucket, "evidence-bucket");
        assert_eq!(l.key("123/x"), "hipaa/weekly/123/x");
        assert_eq!(
            S3Location::parse("s3://evidence-bucket").unwrap().key("a"),
            "a"
        );
        for bad in [
            "evidence-bucket/x",
            "s3://",
            "s3://Evidence/x",
            "s3://ab/x",
            "s3://evidence-bucket/a/../b",
            "s3://evidence-bucket//b",
            "s3://-bucket/x",
        ] {
            assert!(S3Location::parse(bad).is_err(), "{bad}");
        }
    }
}
