//! The `safeguard` binary: all the work lives in the library (`safeguard::cli`).

/// mimalloc rather than the system allocator: the engine and the writers allocate many small
/// strings and vectors, and glibc's malloc and free were a fifth of a 1,000-role run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(safeguard::cli::main());
}
