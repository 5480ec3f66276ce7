//! What `diff`, `--previous` and `history` read from a package they did not write: results.json
//! on arbitrary bytes parses (or is bad input at a JSON pointer), and a parsed one compared with
//! itself shows nothing new and nothing resolved — never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("results.json");
    match safeguard::drift::parse_results(path, data) {
        Ok(results) => {
            let loaded = safeguard::drift::Loaded {
                results: results.clone(),
                package: None,
                manifest_sha256: None,
            };
            let d = safeguard::drift::compare(&loaded, &loaded)
                .expect("a package compares with itself");
            assert!(d.new_failing.is_empty() && d.resolved.is_empty());
            let mut again = results;
            safeguard::drift::carry_forward(&mut again, &loaded).expect("carried forward");
            let changes = again.changes.expect("changes recorded");
            assert_eq!(changes.new_failing, 0);
        }
        Err(safeguard::error::Error::BadInput { .. }) => {}
        Err(other) => panic!("not bad input: {other}"),
    }
});
