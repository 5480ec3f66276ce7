//! A real AWS-compatible endpoint for tests: the `moto` server from PyPI, installed into a
//! virtual environment under target/ by the tests themselves and started on 127.0.0.1.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Pinned so that a moto release cannot change what the tests see.
pub const PIP_PACKAGES: &[&str] = &[
    "moto[server]==5.2.5",
    "awscli==1.46.3",
    "boto3==1.44.5",
    "botocore==1.44.5",
];

static INSTALL: Mutex<()> = Mutex::new(());

/// The venv's bin folder, installing it on first use.
pub fn venv_bin() -> PathBuf {
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/moto-venv");
    let bin = venv.join("bin");
    let stamp = venv.join("installed.txt");
    let wanted = PIP_PACKAGES.join(" ");
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
            .args(PIP_PACKAGES),
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

/// A running moto server; stopped when dropped.
pub struct Moto {
    child: Child,
    pub endpoint: String,
    pub bin: PathBuf,
}

impl Moto {
    pub fn start() -> Moto {
        let bin = venv_bin();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(bin.join("moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let endpoint = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto did not start listening on {endpoint}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            child,
            endpoint,
            bin,
        }
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
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
