//! completions/ and man/ are generated from the clap definitions and committed. This test fails
//! when they are stale; `DIREKT_UPDATE_GENERATED=1 cargo test --test generated` rewrites them.

use std::path::Path;

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var("DIREKT_UPDATE_GENERATED").is_ok_and(|v| v == "1");
    let mut stale = vec![];
    let files = direkt::generate::files();
    for (rel, want) in &files {
        let path = root.join(rel);
        if std::fs::read(&path).ok().as_deref() != Some(want.as_slice()) {
            if update {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, want).unwrap();
            } else {
                stale.push(rel.display().to_string());
            }
        }
    }
    // Pages of commands that no longer exist are stale too.
    for dir in ["completions", "man"] {
        for entry in std::fs::read_dir(root.join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let rel = Path::new(dir).join(entry.file_name());
            if !files.iter().any(|(r, _)| *r == rel) {
                if update {
                    std::fs::remove_file(entry.path()).unwrap();
                } else {
                    stale.push(format!("{} (no longer generated)", rel.display()));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are stale: {stale:?}\nrun: DIREKT_UPDATE_GENERATED=1 cargo test --test generated"
    );
}
