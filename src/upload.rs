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
    /// `s3://BUCKET[/PREFIX]`: a bucket name as S3's general-purpose naming rules allow, and a
    /// prefix of plain key parts short enough that every key of a package stays within S3's
    /// 1,024 bytes. Checked before any call, so a name S3 would refuse costs no collection.
    pub fn parse(url: &str) -> Result<Self> {
        let shown = crate::text::line(url);
        let bad =
            |why: &str| Error::Usage(format!("{shown:?}: {why} (expected s3://BUCKET/PREFIX)"));
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| bad("not an s3:// URL"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if let Some(why) = bucket_name_problem(bucket) {
            return Err(bad(&format!("not an S3 bucket name: {why}")));
        }
        let prefix = prefix.trim_end_matches('/');
        if !prefix.is_empty()
            && prefix.split('/').any(|p| {
                p.is_empty() || p == "." || p == ".." || p.chars().any(crate::text::is_unsafe)
            })
        {
            return Err(bad(
                "the prefix has an empty, `.` or `..` part, or a control character",
            ));
        }
        if prefix.len() > MAX_PREFIX_BYTES {
            return Err(bad(&format!(
                "the prefix is {} bytes; at most {MAX_PREFIX_BYTES}, so that <prefix>/<account>/<timestamp>/<file> stays within S3's {MAX_KEY_BYTES}-byte keys",
                prefix.len()
            )));
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

/// S3's longest object key, in bytes.
pub const MAX_KEY_BYTES: usize = 1024;
/// Room left for `<account>/<timestamp>/<file>` under a prefix.
const MAX_PREFIX_BYTES: usize = 768;

/// Why `name` is not a general-purpose bucket name S3 accepts (`None`: it is one): 3 to 63
/// lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit, no
/// `..`, not an IP address, none of the reserved prefixes and suffixes.
pub fn bucket_name_problem(name: &str) -> Option<&'static str> {
    if !(3..=63).contains(&name.len()) {
        return Some("3 to 63 characters");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return Some("only lowercase letters, digits, `.` and `-`");
    }
    let (first, last) = (name.as_bytes()[0], name.as_bytes()[name.len() - 1]);
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Some("it must start and end with a letter or digit");
    }
    if name.contains("..") {
        return Some("two adjacent dots");
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some("formatted as an IP address");
    }
    const RESERVED_PREFIXES: [&str; 3] = ["xn--", "sthree-", "amzn-s3-demo-"];
    const RESERVED_SUFFIXES: [&str; 5] = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
    if RESERVED_PREFIXES.iter().any(|p| name.starts_with(p))
        || RESERVED_SUFFIXES.iter().any(|x| name.ends_with(x))
    {
        return Some("a prefix or suffix S3 reserves");
    }
    None
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
    let opened = package::Package::open(dir).map_err(|r| match r {
        package::Rejected::Unverifiable(e) => e,
        other => Error::Delivery(format!("{} {other}; it is not uploaded", dir.display())),
    })?;
    let mut names: Vec<String> = opened
        .manifest()
        .files()
        .iter()
        .map(|f| f.path.clone())
        .collect();
    names.push(package::MANIFEST.into());
    if package::is_signed(dir) {
        names.push(package::SIGNATURE.into());
    }
    let dest = &opts.destination;
    // Every key within S3's limit before the first object is sent: never half a package.
    if let Some(long) = names
        .iter()
        .map(|n| dest.key(&format!("{rel}/{n}")))
        .find(|k| k.len() > MAX_KEY_BYTES)
    {
        return Err(Error::Usage(format!(
            "the S3 key {:?} is {} bytes, over S3's {MAX_KEY_BYTES}: shorten --upload's prefix or the evidence file names; nothing was uploaded",
            crate::text::line(&long),
            long.len()
        )));
    }
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
    /// Objects larger than the manifest lists them, with the listed size (not downloaded
    /// past it).
    pub oversize: Vec<(String, u64)>,
    /// manifest.json's Object Lock retention, as S3 reports it.
    pub retention: Option<(String, String)>,
    /// What the endpoint did that makes the copy untrustworthy: a body that did not arrive
    /// before its deadline, a listing that would not end. Each fails the verification.
    pub problems: Vec<String>,
}

impl Fetched {
    /// What the download found that the local verification of the copy cannot see: an
    /// object not downloaded past its listed size is altered (not missing), an unlisted
    /// object under the prefix is extra, and an endpoint's misbehaviour is a mismatch.
    pub fn apply_to(self, v: &mut package::Verification) {
        for (name, size) in self.oversize {
            v.missing.retain(|m| *m != name);
            v.altered.push(format!(
                "{name} (larger than the {size} bytes the manifest lists)"
            ));
        }
        v.extra.extend(self.extra);
        v.inconsistent.extend(self.problems);
    }
}

/// Most a manifest may be (as `verify` allows locally).
const MAX_MANIFEST_BYTES: u64 = 64 << 20;
/// A package holds a few dozen objects; a listing of this many pages (1,000 keys each) is an
/// endpoint that will not stop, whatever its continuation tokens say.
const MAX_LIST_PAGES: usize = 100;
/// The slowest body accepted: an object may take `call_timeout` plus its size at this rate.
const MIN_BYTES_PER_SECOND: u64 = 64 << 10;

/// How long reading an object of `size` bytes may take, from the request to its last byte.
fn deadline(call_timeout: std::time::Duration, size: u64) -> std::time::Duration {
    call_timeout + std::time::Duration::from_secs(size / MIN_BYTES_PER_SECOND)
}

/// Downloads the package at `url` (a prefix holding manifest.json) into `into`: the manifest
/// and the files it names, each bounded by its listed size and a deadline, never a key that
/// would leave `into`. The caller verifies `into`.
pub fn fetch(
    url: &S3Location,
    into: &Path,
    profile: Option<&str>,
    region: Option<&str>,
    call_timeout: std::time::Duration,
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
        let get = |rel: &str, max: u64| {
            let key = url.key(rel);
            let client = client.clone();
            async move { get_bounded(&client, &url.bucket, &key, max, call_timeout).await }
        };
        let manifest_url = format!("{}/manifest.json", url.url().trim_end_matches('/'));
        let (manifest, lock) = get(package::MANIFEST, MAX_MANIFEST_BYTES).await;
        let manifest = match manifest {
            Got::Body(b) => b,
            Got::Oversize => {
                return Err(Error::Delivery(format!(
                    "{manifest_url} is larger than a manifest can be ({MAX_MANIFEST_BYTES} bytes)"
                )));
            }
            Got::Absent => {
                return Err(Error::Delivery(format!(
                    "{manifest_url}: it cannot be read (access denied, or the bucket is unreachable)"
                )));
            }
            // A prefix that holds no package is a wrong argument, as a local folder without a
            // manifest is (exit 2), not a transfer failure (exit 4).
            Got::NotFound => {
                let below = packages_below(&client, url, call_timeout).await;
                return Err(Error::Usage(format!(
                    "{} is not an evidence package: no manifest.json there; {}",
                    url.url(),
                    below
                )));
            }
            Got::Failed(why) => return Err(Error::Delivery(why)),
        };
        write_under(into, package::MANIFEST, &manifest)?;
        let listed = package::Manifest::parse(Path::new(&manifest_url), &manifest)?;
        let mut fetched = Fetched {
            retention: lock,
            ..Fetched::default()
        };
        let mut known: std::collections::BTreeSet<String> = [
            package::MANIFEST.to_string(),
            package::SIGNATURE.to_string(),
        ]
        .into();
        for f in listed.files() {
            // A path that would leave the folder is left for verify to refuse.
            if !safe_rel(&f.path) {
                continue;
            }
            known.insert(f.path.clone());
            match get(&f.path, f.size).await.0 {
                Got::Body(b) => write_under(into, &f.path, &b)?,
                // Larger than listed: not downloaded past it, reported altered.
                Got::Oversize => fetched.oversize.push((f.path.clone(), f.size)),
                // Missing: verify names it.
                Got::Absent | Got::NotFound => {}
                Got::Failed(why) => fetched.problems.push(why),
            }
        }
        match get(package::SIGNATURE, 1 << 20).await.0 {
            Got::Body(sig) => write_under(into, package::SIGNATURE, &sig)?,
            Got::Oversize => fetched
                .problems
                .push("signature.json is larger than a signature can be (1 MiB)".into()),
            Got::Absent | Got::NotFound => {}
            Got::Failed(why) => fetched.problems.push(why),
        }
        unlisted_objects(&client, url, &known, call_timeout, &mut fetched).await?;
        Ok(fetched)
    })?
}

/// Every object under the package's prefix that the manifest does not name, into
/// `fetched.extra`. Pages are counted, not objects: an endpoint answering empty pages with
/// fresh tokens must still end.
async fn unlisted_objects(
    client: &aws_sdk_s3::Client,
    url: &S3Location,
    known: &std::collections::BTreeSet<String>,
    call_timeout: std::time::Duration,
    fetched: &mut Fetched,
) -> Result<()> {
    let prefix = format!("{}/", url.prefix.trim_end_matches('/'));
    let mut token: Option<String> = None;
    let mut pages = 0usize;
    loop {
        pages += 1;
        if pages > MAX_LIST_PAGES {
            fetched.problems.push(format!(
                "s3:ListObjectsV2 {} was still paging after {MAX_LIST_PAGES} pages: the objects beside the package are not known",
                url.url()
            ));
            break;
        }
        let request = client
            .list_objects_v2()
            .bucket(&url.bucket)
            .prefix(if url.prefix.is_empty() { "" } else { &prefix })
            .set_continuation_token(token.clone())
            .send();
        let page = match tokio::time::timeout(call_timeout, request).await {
            Ok(Ok(page)) => page,
            Ok(Err(e)) => {
                return Err(Error::Delivery(format!(
                    "s3:ListObjectsV2 {}: {}",
                    url.url(),
                    sdk_error_text(&e)
                )));
            }
            Err(_) => {
                fetched.problems.push(format!(
                    "s3:ListObjectsV2 {} did not answer within {} s",
                    url.url(),
                    call_timeout.as_secs()
                ));
                break;
            }
        };
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
        }
        let next = page
            .next_continuation_token()
            .filter(|_| page.is_truncated() == Some(true))
            .map(str::to_string);
        match next {
            None => break,
            Some(t) if token.as_deref() == Some(t.as_str()) => {
                fetched.problems.push(format!(
                    "s3:ListObjectsV2 {} repeated its continuation token: the objects beside the package are not known",
                    url.url()
                ));
                break;
            }
            Some(t) => token = Some(t),
        }
    }
    Ok(())
}

fn safe_rel(rel: &str) -> bool {
    !rel.is_empty()
        && rel
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != ".." && !p.contains('\\'))
}

/// "packages below it: …" for a prefix that is not a package: the folders under it holding
/// a manifest.json, from a bounded listing (10 pages at most).
async fn packages_below(
    client: &aws_sdk_s3::Client,
    url: &S3Location,
    call_timeout: std::time::Duration,
) -> String {
    let prefix = if url.prefix.is_empty() {
        String::new()
    } else {
        format!("{}/", url.prefix.trim_end_matches('/'))
    };
    let mut found = Vec::new();
    let mut token = None;
    for _ in 0..10 {
        let request = client
            .list_objects_v2()
            .bucket(&url.bucket)
            .prefix(&prefix)
            .set_continuation_token(token.clone())
            .send();
        let Ok(Ok(page)) = tokio::time::timeout(call_timeout, request).await else {
            break;
        };
        for o in page.contents() {
            if let Some(dir) = o.key().and_then(|k| k.strip_suffix("/manifest.json")) {
                found.push(format!("s3://{}/{dir}/", url.bucket));
            }
        }
        token = page.next_continuation_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    describe_below(&found)
}

/// "packages below it: A, B (and N more): give one", or that there are none.
pub fn describe_below(found: &[String]) -> String {
    match found.len() {
        0 => "no package below it either".into(),
        n => {
            let shown: Vec<&str> = found.iter().rev().take(5).map(String::as_str).collect();
            format!(
                "packages below it (newest first): {}{}; give one",
                shown.join(", "),
                if n > 5 {
                    format!(" (and {} more)", n - 5)
                } else {
                    String::new()
                }
            )
        }
    }
}

/// One object, as far as it may be read.
enum Got {
    Body(Vec<u8>),
    /// Larger than its listed size: reading stopped there.
    Oversize,
    /// Refused, or the request failed: verify names it missing.
    Absent,
    /// S3 says there is no such key.
    NotFound,
    /// The body did not arrive in time, or broke off.
    Failed(String),
}

/// Reads `key` bounded by `max` bytes, whatever Content-Length says (or whether it says
/// anything), and by a deadline for the request and its whole body together.
async fn get_bounded(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    max: u64,
    call_timeout: std::time::Duration,
) -> (Got, Option<(String, String)>) {
    let read = async {
        let out = match client.get_object().bucket(bucket).key(key).send().await {
            Ok(out) => out,
            Err(e) => {
                let missing = e
                    .as_service_error()
                    .is_some_and(aws_sdk_s3::operation::get_object::GetObjectError::is_no_such_key)
                    || e.raw_response().is_some_and(|r| r.status().as_u16() == 404);
                return (if missing { Got::NotFound } else { Got::Absent }, None);
            }
        };
        let lock = out.object_lock_mode().map(|m| {
            (
                m.as_str().to_string(),
                out.object_lock_retain_until_date()
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            )
        });
        if out
            .content_length()
            .is_some_and(|n| n < 0 || n as u64 > max)
        {
            return (Got::Oversize, lock);
        }
        let mut body = out.body;
        let mut bytes = Vec::new();
        loop {
            match body.try_next().await {
                Ok(Some(chunk)) => {
                    if (bytes.len() + chunk.len()) as u64 > max {
                        return (Got::Oversize, lock);
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => return (Got::Body(bytes), lock),
                Err(e) => {
                    return (
                        Got::Failed(format!("reading s3://{bucket}/{key} broke off: {e}")),
                        lock,
                    );
                }
            }
        }
    };
    let limit = deadline(call_timeout, max);
    match tokio::time::timeout(limit, read).await {
        Ok(got) => got,
        Err(_) => (
            Got::Failed(format!(
                "s3://{bucket}/{key} did not arrive within {} s (its listed size is {max} bytes)",
                limit.as_secs()
            )),
            None,
        ),
    }
}

/// Writes a downloaded file; an interrupt removes the download folder and waits for no write.
fn write_under(root: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    let path = root.join(rel);
    package::interrupt::writing(|| {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))
    })
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
            "s3://evidence..bucket/x",
            "s3://192.168.10.20/x",
            "s3://evidence-bucket-/x",
            "s3://xn--evidence/x",
            "s3://evidence-s3alias/x",
            "s3://evidence-bucket/a\u{1b}[2J",
        ] {
            assert!(S3Location::parse(bad).is_err(), "{bad}");
        }
        let long = format!("s3://evidence-bucket/{}", "k".repeat(769));
        assert!(S3Location::parse(&long).is_err());
        let fits = format!("s3://evidence-bucket/{}", "k".repeat(768));
        assert!(S3Location::parse(&fits).is_ok());
        assert!(S3Location::parse("s3://evidence.bucket.2026/x").is_ok());
    }
}
