//! Free bytes on the file system of a directory (`statvfs`).

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Bytes available to unprivileged users under `dir`, `None` when it
/// cannot be told.
pub fn free_bytes(dir: &Path) -> Option<u64> {
    let path = CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut stats = std::mem::MaybeUninit::<libc::statvfs>::zeroed();
    // SAFETY: `path` is a NUL-terminated string and `stats` a writable
    // statvfs; the result is read only when the call succeeded.
    let answer = unsafe { libc::statvfs(path.as_ptr(), stats.as_mut_ptr()) };
    if answer != 0 {
        return None;
    }
    // SAFETY: statvfs filled the structure (answer 0).
    let stats = unsafe { stats.assume_init() };
    // The field types differ between platforms (u32 on some).
    #[allow(clippy::unnecessary_cast)]
    Some((stats.f_bavail as u64).saturating_mul(stats.f_frsize as u64))
}
