//! What `diff`, `--previous`, `history` and `aggregate` read from packages and ledgers they did
//! not write: results.json on arbitrary bytes parses (or is bad input at a JSON pointer), and a
//! parsed one compared with itself shows nothing new and nothing resolved; history's and the
//! roll-up's readers take the same bytes (as two runs, as a package and as a run ledger) and
//! their writers print what they kept — never a panic, a hang or unbounded memory.
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
            assert!(d.new_admins.is_empty(), "nothing is new against itself");
            let _ = safeguard::drift::render::markdown(&d);
            let mut again = results;
            safeguard::drift::carry_forward(&mut again, &loaded).expect("carried forward");
            let changes = again.changes.expect("changes recorded");
            assert_eq!(changes.new_failing, 0);
        }
        Err(safeguard::error::Error::BadInput { .. }) => {}
        Err(other) => panic!("not bad input: {other}"),
    }

    // history: the same package twice is one account's series in which nothing was resolved.
    let h = safeguard::history::from_results(&[("a", data), ("b", data)]);
    assert!(h.runs.len() == 2 || h.runs.is_empty());
    assert!(
        h.resolved.is_empty(),
        "nothing resolves between two equal runs"
    );
    let _ = safeguard::history::render::markdown(&h);

    // aggregate: the bytes as a package and as a run ledger.
    let r = safeguard::rollup::from_parts(&[("p", data)], &[("runs/x.json", data)]);
    assert!(r.accounts.len() <= 1);
    let _ = safeguard::rollup::render::markdown(&r);
    let _ = safeguard::rollup::render::csv(&r);
});
