fn main() -> std::process::ExitCode {
    ketqua::cli::main()
}
