//! Writes a synthetic account in the import-folder format:
//! `cargo run --release --example synth_account -- PRINCIPALS OUT_DIR`.
//! See benches/synth.rs for the mix it holds.

#[path = "../benches/synth.rs"]
mod synth;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
