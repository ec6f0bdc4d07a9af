#![forbid(unsafe_code)]

/// mimalloc instead of the system allocator: a build makes and frees many
/// small strings on every thread, where glibc's malloc spends a tenth of
/// the time (see docs/performance.md, "What each mechanism earns").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    ketqua::main()
}
