//! Writes a synthetic account in the import-folder format:
//! `cargo run --release --example synth_account -- PRINCIPALS OUT_DIR`, or the dense shape of
//! issue 12 with `-- --dense ROLES OUT_DIR`. See benches/synth.rs for the mixes.

#[path = "../benches/synth.rs"]
mod synth;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--dense") {
        args.remove(0);
        let (Some(n), Some(dir)) = (
            args.first().and_then(|n| n.parse::<usize>().ok()),
            args.get(1),
        ) else {
            eprintln!("usage: synth_account --dense ROLES OUT_DIR");
            std::process::exit(2);
        };
        synth::generate_dense(std::path::Path::new(dir), n);
        let size = synth::dense_size(n);
        println!(
            "{dir}: {} users, {} roles, {} customer-managed policies (dense)",
            size.users, size.roles, size.policies
        );
        return;
    }
    let (Some(n), Some(dir)) = (
        args.first().and_then(|n| n.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: synth_account PRINCIPALS OUT_DIR");
        std::process::exit(2);
    };
    let size = synth::Size::principals(n);
    synth::generate(std::path::Path::new(dir), size);
    println!(
        "{dir}: {} users, {} roles, {} customer-managed policies",
        size.users, size.roles, size.policies
    );
}
