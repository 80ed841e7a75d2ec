//! `tacc vocab` (hidden): regenerates the built-in vocabulary tables in `vocab/` from
//! tiktoken-rs's rank files, or checks that the committed ones equal what it would write.

use std::path::{Path, PathBuf};

/// The rank files the built-ins are made from (families that share a vocabulary share a file).
pub const FILES: [&str; 4] = ["cl100k_base", "o200k_base", "p50k_base", "r50k_base"];

/// tiktoken-rs 0.12.1's `assets/` in the cargo registry (it is a dependency, so it is there
/// whenever this builds from crates.io).
pub fn default_assets() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
    let mut found: Vec<PathBuf> = std::fs::read_dir(home.join("registry/src"))
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("tiktoken-rs-0.12.1/assets"))
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    found.into_iter().next()
}

pub fn run(assets: Option<&Path>, out: &Path, check: bool) -> tacc::Result<()> {
    let assets = match assets {
        Some(a) => a.to_path_buf(),
        None => default_assets().ok_or_else(|| {
            tacc::Error::InvalidArgument(
                "tiktoken-rs-0.12.1/assets not found in the cargo registry; pass --assets".into(),
            )
        })?,
    };
    let mut differ = Vec::new();
    for name in FILES {
        let src = assets.join(format!("{name}.tiktoken"));
        let rank_file =
            std::fs::read(&src).map_err(|e| tacc::Error::Io(format!("{}: {e}", src.display())))?;
        let built = tacc::tokenizer::vocab::build(&rank_file)?;
        for (ext, bytes) in [("tokens", &built.tokens), ("ranks", &built.ranks)] {
            let path = out.join(format!("{name}.{ext}"));
            if check {
                if std::fs::read(&path).ok().as_ref() != Some(bytes) {
                    differ.push(path.display().to_string());
                }
            } else {
                std::fs::write(&path, bytes)?;
            }
            eprintln!(
                "{} {} ({} bytes, longest probe {})",
                if check { "checked" } else { "wrote" },
                path.display(),
                bytes.len(),
                built.max_probe
            );
        }
    }
    if differ.is_empty() {
        Ok(())
    } else {
        Err(tacc::Error::InvalidArgument(format!(
            "differ from the generator: {}",
            differ.join(", ")
        )))
    }
}
