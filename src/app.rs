//! The application flow the commands share: import or collect a snapshot, assess it with the
//! catalog and the run's inputs, and write the package. `cli` parses arguments into these calls
//! and maps their outcomes to exit codes; nothing here prints.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::assess::{AssessOptions, assess};
use crate::catalog::Catalog;
use crate::checks::{ParamValue, parse_param_override};
use crate::error::{Error, Result};
use crate::inputs;
use crate::package::{self, PackageRequest};
use crate::render::Format;
use crate::results::Results;
use crate::snapshot::{Snapshot, sha256_hex};

/// What an assessment reads besides the snapshot, and where its package goes.
#[derive(Debug, Clone, Default)]
pub struct PackageOptions {
    /// Folder the package goes under, as `<account>/<UTC timestamp>/`.
    pub output: PathBuf,
    /// `md`, `pdf`, `json`, `csv`; empty: all.
    pub format: Vec<Format>,
    /// A folder holding `report.md.j2` to use instead of the built-in template.
    pub templates: Option<PathBuf>,
    /// A catalog folder (`controls/*.yaml`) to use instead of the built-in one.
    pub catalog: Option<PathBuf>,
    /// `CHECK.PARAM=VALUE` overrides, winning over `config`.
    pub set: Vec<String>,
    pub config: Option<PathBuf>,
    pub attestations: Option<PathBuf>,
    pub waivers: Option<PathBuf>,
    /// Largest attested evidence file copied into the package, in bytes.
    pub max_evidence_bytes: u64,
    /// Accept attested evidence files outside the attestations file's folder.
    pub allow_outside_evidence: bool,
    /// Who prepares the package ("Name, Title"), winning over the config file's.
    pub prepared_by: Option<String>,
    /// The organization the package is for, winning over the config file's.
    pub organization: Option<String>,
    /// How many findings the reports print; `None` chooses by `detail_limit`.
    pub detail: Option<crate::render::view::Detail>,
    /// Findings past which the reports print only failures, when `detail` is `None`.
    pub detail_limit: usize,
    /// Time per phase and peak memory, when `--profile-phases` asks (stderr only).
    pub phases: Option<std::sync::Arc<crate::phases::Phases>>,
    /// The account's previous package, to carry `first_seen` forward from (`--previous`).
    pub previous: Option<PathBuf>,
    /// A folder of earlier packages: the newest of the same account is the previous one
    /// (`--history`).
    pub history: Option<PathBuf>,
    /// `--period-start`: the first day "held in N of M snapshots" counts from.
    pub period_start: Option<chrono::NaiveDate>,
    /// The bundled example (`demo`): every output is marked example data.
    pub example: bool,
    /// The key that will sign the package (its fingerprint or KMS ARN), for the cover.
    pub signed_by: Option<String>,
    /// The system security plan the OSCAL assessment plan imports (`--oscal-ssp`).
    pub oscal_ssp: Option<String>,
}

impl PackageOptions {
    /// The example's own attestations, waivers and parameters (files beside `example`), for
    /// those not given.
    pub fn with_example_inputs(mut self, example: &Path) -> Self {
        let beside = |name: &str| {
            let p = example.parent().unwrap_or(Path::new(".")).join(name);
            p.is_file().then_some(p)
        };
        self.attestations = self.attestations.or_else(|| beside("attestations.yaml"));
        self.waivers = self.waivers.or_else(|| beside("waivers.yaml"));
        self.config = self.config.or_else(|| beside("config.yaml"));
        self
    }
}

/// A live collection and the snapshot the importer builds from it.
#[cfg(feature = "collect")]
pub fn collect_snapshot(
    options: &crate::collect::CollectOptions,
) -> Result<(crate::collect::Collection, Snapshot)> {
    let collection = crate::collect::collect(options)?;
    let snapshot =
        crate::import::import_from(&collection.source, &crate::import::ImportOptions::default())?;
    Ok((collection, snapshot))
}

/// The bundled example export: `examples/clinic-account` under the working folder, else
/// under the source tree the binary was built from.
pub fn default_example() -> PathBuf {
    let local = PathBuf::from("examples/clinic-account");
    if local.is_dir() {
        local
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/clinic-account")
    }
}

/// The catalog in `dir`, or the built-in one.
pub fn load_catalog(dir: Option<&Path>) -> Result<Catalog> {
    match dir {
        Some(d) => Catalog::load_dir(d),
        None => Catalog::builtin(),
    }
}

/// `--format md,pdf`: the formats named, or the default ones (every format but the OCSF feed).
pub fn parse_formats(list: &[Format]) -> Result<BTreeSet<Format>> {
    if list.is_empty() {
        return Ok(Format::DEFAULT.iter().copied().collect());
    }
    parse_formats_of(list, &Format::ALL, "a package")
}

/// `--format` for a command that writes only `allowed` (`what` names its output): a format it
/// does not write is refused, never silently skipped (clap refuses an empty or unknown one).
pub fn parse_formats_of(
    list: &[Format],
    allowed: &[Format],
    what: &str,
) -> Result<BTreeSet<Format>> {
    if list.is_empty() {
        return Ok(allowed.iter().copied().collect());
    }
    if let Some(f) = list.iter().find(|f| !allowed.contains(f)) {
        let names: Vec<&str> = allowed.iter().map(|f| f.name()).collect();
        return Err(Error::Usage(format!(
            "--format {}: {what} is written as {} only",
            f.name(),
            names.join(", ")
        )));
    }
    Ok(list.iter().copied().collect())
}

/// Every input a package reads besides the snapshot (formats, catalog, parameters,
/// attestations, waivers), read and validated once: `run --org` shares them across accounts.
pub struct Inputs {
    formats: BTreeSet<Format>,
    catalog: Catalog,
    options: AssessOptions,
    /// The parameters `--config` set, to record each override's source.
    from_config: BTreeMap<String, BTreeMap<String, ParamValue>>,
    /// The input files copied into the package.
    extra: Vec<(String, Vec<u8>)>,
    /// `--previous`, read and verified before anything is collected or assessed.
    previous: Option<std::sync::Arc<crate::drift::Loaded>>,
    /// `sign:` in `--config`: the signer when no flag or environment variable names one.
    pub sign: Option<inputs::config::SignWith>,
}

/// Reads and validates every input file before anything is assessed or written.
pub fn load_inputs(out: &PackageOptions) -> Result<Inputs> {
    let formats = parse_formats(&out.format)?;
    let catalog = load_catalog(out.catalog.as_deref())?;
    let mut extra: Vec<(String, Vec<u8>)> = Vec::new();
    let mut params: BTreeMap<String, BTreeMap<String, ParamValue>> = BTreeMap::new();
    let mut preparer = crate::results::Preparer::default();
    let mut limits = inputs::config::Limits::default();
    let mut sign = None;
    let mut phi_scope = crate::phi_scope::PhiScope::everything();
    if let Some(path) = &out.config {
        let config = inputs::config::load(path)?;
        params = config.params;
        preparer = config.preparer;
        limits = config.limits;
        sign = config.sign;
        phi_scope = config.scope;
        extra.push(("inputs/config.yaml".into(), config.source));
    }
    let from_config = params.clone();
    for s in &out.set {
        let (check, name, value) = parse_param_override(s)?;
        params.entry(check).or_default().insert(name, value);
    }
    let mut attestations = Vec::new();
    if let Some(path) = &out.attestations {
        let evidence = inputs::attestations::EvidenceLimits {
            max_bytes: out.max_evidence_bytes,
            allow_outside: out.allow_outside_evidence,
            max_days: limits.attestation_max_days,
        };
        let loaded = inputs::attestations::load(path, &catalog, evidence)?;
        // The package keeps the attestations as they name the evidence inside it, so the
        // assessment can be re-performed from the package alone.
        extra.push((
            inputs::attestations::PACKAGE_COPY.into(),
            loaded.package_copy(),
        ));
        attestations = loaded.attestations;
        extra.extend(loaded.files);
    }
    let mut waivers = Vec::new();
    if let Some(path) = &out.waivers {
        let (loaded, source) = inputs::waivers::load(path, limits.waiver_max_days)?;
        waivers = loaded;
        extra.push(("inputs/waivers.yaml".into(), source));
    }
    let options = AssessOptions {
        params,
        attestations,
        waivers,
        phases: out.phases.clone(),
        example: out.example,
        preparer: crate::results::Preparer {
            prepared_by: out.prepared_by.clone().or(preparer.prepared_by),
            organization: out.organization.clone().or(preparer.organization),
        },
        phi_scope,
    };
    let previous = match &out.previous {
        Some(p) => Some(std::sync::Arc::new(crate::drift::load(p)?)),
        None => None,
    };
    // A folder that does not exist yet is an empty history (the first week of a schedule
    // whose --history is its own -o); a file there is a mistake.
    if let Some(dir) = &out.history
        && dir.exists()
        && !dir.is_dir()
    {
        return Err(Error::Usage(format!(
            "--history {}: not a folder of earlier packages",
            dir.display()
        )));
    }
    Ok(Inputs {
        formats,
        catalog,
        options,
        from_config,
        extra,
        previous,
        sign,
    })
}

/// Assesses `snapshot` and writes its package, with inputs already read (and validated).
pub fn package_with(
    snapshot: &Snapshot,
    inputs: &Inputs,
    out: &PackageOptions,
) -> Result<(Results, PathBuf)> {
    let (formats, catalog, options) = (&inputs.formats, &inputs.catalog, &inputs.options);
    let params = &options.params;
    let mut extra = inputs.extra.clone();
    // snapshot.json is serialized and hashed on another core while the checks run (on a large
    // account both take seconds); its hash goes into results.json once both are done.
    let (snapshot_json, results) = std::thread::scope(|s| -> Result<_> {
        let serialized = s.spawn(|| {
            let json = snapshot.to_canonical_json();
            let sha = sha256_hex(&json);
            (json, sha)
        });
        let assessed = assess(snapshot, catalog, options);
        let (json, sha) = serialized
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        let mut results = assessed?;
        results.snapshot.sha256 = sha;
        Ok((json, results))
    })?;
    let mut results = results;
    // A previous package that cannot be compared with this one (another account, collected
    // later) is said after the package is written, so the assessment is not lost.
    let not_compared = match carry_forward(&mut results, inputs, out) {
        Ok(()) => None,
        Err(Error::Usage(why)) => Some(why),
        Err(e) => return Err(e),
    };
    extra.push((
        "parameters.json".into(),
        parameters_json(params, &inputs.from_config)?,
    ));
    let started = std::time::Instant::now();
    let created_at = crate::clock::generated_at();
    let dir = package::write(
        &out.output,
        &PackageRequest {
            snapshot_json: &snapshot_json,
            results: &results,
            formats,
            templates: out.templates.as_deref(),
            created_at,
            cover: crate::render::Cover {
                generated_at: created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                signed_by: out.signed_by.clone(),
            },
            detail: out
                .detail
                .unwrap_or_else(|| crate::render::view::Detail::auto(&results, out.detail_limit)),
            phases: out.phases.as_deref(),
            oscal_ssp: out.oscal_ssp.as_deref(),
            extra,
        },
    )?;
    if let Some(phases) = &out.phases {
        phases.record("package (writers, hashes, disk)", started.elapsed());
    }
    if let Some(why) = not_compared {
        return Err(Error::Usage(format!(
            "--previous/--history: {why}; the package was written without a comparison at {}",
            dir.display()
        )));
    }
    Ok((results, dir))
}

/// With `--previous` or `--history`: `first_seen`, new or recurring on every failing finding,
/// and `changes`, from the account's previous package.
fn carry_forward(results: &mut Results, inputs: &Inputs, out: &PackageOptions) -> Result<()> {
    // --previous names the previous package; --history is searched for it, and every earlier
    // package there also counts toward "held in N of M snapshots".
    let (previous, mut earlier, passed_over) = match (&inputs.previous, &out.history) {
        (Some(p), _) => {
            let time = |t: &str| crate::package::trust::time(t, "").ok();
            let earlier = match (
                time(&p.results.snapshot.collected_at),
                time(&results.snapshot.collected_at),
            ) {
                (Some(at), Some(now)) if p.results.account.id == results.account.id && at < now => {
                    vec![crate::drift::Earlier::of(at, &p.results)]
                }
                _ => Vec::new(),
            };
            (Some(p.clone()), earlier, Vec::new())
        }
        (None, Some(dir)) if !dir.exists() => (None, Vec::new(), Vec::new()),
        (None, Some(dir)) => {
            let found =
                crate::drift::earlier_in(dir, &results.account.id, &results.snapshot.collected_at)?;
            (
                found.previous.map(std::sync::Arc::new),
                found.statuses,
                found.passed_over,
            )
        }
        (None, None) => return Ok(()),
    };
    // --period-start: the audit period's first day.
    if let Some(start) = out.period_start {
        let start = start.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
        earlier.retain(|e| e.collected_at >= start);
    }
    crate::drift::apply_held(results, &earlier);
    if let Some(previous) = previous {
        crate::drift::carry_forward(results, &previous)?;
        if let Some(c) = &mut results.changes {
            c.passed_over = passed_over
                .into_iter()
                .map(|(p, why)| format!("{}: {why}", p.display()))
                .collect();
        }
    }
    Ok(())
}

/// `parameters.json`: every check's effective parameters, and where each non-default came
/// from, so the verdicts can be reproduced.
fn parameters_json(
    params: &BTreeMap<String, BTreeMap<String, ParamValue>>,
    from_config: &BTreeMap<String, BTreeMap<String, ParamValue>>,
) -> Result<Vec<u8>> {
    let effective = crate::checks::effective_params(params)?;
    let mut overridden = serde_json::Map::new();
    for (check, values) in params {
        for (name, value) in values {
            let source = if from_config.get(check).and_then(|m| m.get(name)) == Some(value) {
                "--config"
            } else {
                "--set"
            };
            overridden.insert(
                format!("{check}.{name}"),
                serde_json::json!({"value": value, "source": source}),
            );
        }
    }
    let doc = serde_json::json!({
        "schema": "safeguard.parameters.v1",
        "checks": effective,
        "overridden": overridden,
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("parameters serialize");
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes a file via a temporary sibling and a rename, so readers never see half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    // A temporary file is private (0600); the file it becomes is not: it gets the mode any
    // new file gets (0666 less the umask), as the package files beside it do, so another
    // user who can read the package can read its signature and ledgers too.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder
        .tempfile_in(parent)
        .map_err(|e| Error::io(parent, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}
