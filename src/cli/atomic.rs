//! Files written whole or not at all: the text goes to a temporary file in
//! the same folder, which is then renamed over the target. A full disk, a
//! crash or a signal leaves the old file (or none), never a truncated one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` atomically. The error names the path.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    // Through a symbolic link, the file it points to is replaced.
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let temporary = temporary_beside(&target);
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        // Keep the permissions of the file being replaced.
        if let Ok(metadata) = std::fs::metadata(&target) {
            file.set_permissions(metadata.permissions())?;
        }
        drop(file);
        std::fs::rename(&temporary, &target)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot write `{}`: {e}", path.display())
    })
}

/// A name in the same folder as `path` that no other writer uses:
/// `.NAME.PID-N.tmp`, hidden, and recognisable as left over.
pub fn temporary_beside(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy());
    let unique = format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    path.with_file_name(unique)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_is_left() {
        let dir = std::env::temp_dir().join(format!("rubric-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.join("a.rubric");
        std::fs::write(&path, "old").unwrap_or_else(|e| panic!("{e}"));
        write(&path, b"new").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), "new");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(names.len(), 1, "{names:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failed_write_names_the_path_and_keeps_the_old_file() {
        let missing = std::env::temp_dir()
            .join(format!("rubric-atomic-missing-{}", std::process::id()))
            .join("x.json");
        let error = write(&missing, b"x").expect_err("the folder does not exist");
        assert!(error.contains("x.json"), "{error}");
    }
}
