//! The `safeguard` binary: all the work lives in the library (`safeguard::cli`).

fn main() {
    std::process::exit(safeguard::cli::main());
}
