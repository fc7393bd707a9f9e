fn main() -> std::process::ExitCode {
    direkt::main_entry()
}
