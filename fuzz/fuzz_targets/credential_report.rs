//! The credential-report reader on arbitrary bytes: a report, or bad input — never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("iam/credential-report.json");
    match safeguard::import::read_credential_report(path, data) {
        Ok(report) => {
            // Every row has the user column the reader insists on.
            assert!(report.rows.iter().all(|r| r.contains_key("user")));
        }
        Err(safeguard::error::Error::BadInput { .. }) => {}
        Err(other) => panic!("not bad input: {other}"),
    }
});
