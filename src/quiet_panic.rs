//! Catching panics at a language boundary without printing them.
//!
//! A panic must not cross into C, Python, Kotlin or Swift, nor print a message and backtrace into
//! the host's stderr (library code never prints). Each boundary runs its body in
//! [`catch_quietly`]: the panic becomes an `Err` with its message, and the panic hook, installed
//! once on first use, says nothing while the thread is inside such a call. A cdylib or a Python
//! extension links its own copy of Rust's std, so the hook sees only this library's panics;
//! outside a boundary call it defers to the previous hook.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How many boundary calls this thread is inside (a call may re-enter through a callback).
    static GUARDED: Cell<u32> = const { Cell::new(0) };
}

fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.try_with(Cell::get).unwrap_or(0) == 0 {
                previous(info);
            }
        }));
    });
}

/// Runs `body`; a panic inside becomes `Err("internal error in tacc (please report it): ...")`,
/// and nothing is printed.
pub fn catch_quietly<T>(body: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    struct Depth;
    impl Drop for Depth {
        fn drop(&mut self) {
            let _ = GUARDED.try_with(|d| d.set(d.get().saturating_sub(1)));
        }
    }
    let _ = GUARDED.try_with(|d| d.set(d.get() + 1));
    let depth = Depth;
    let r = catch_unwind(AssertUnwindSafe(body));
    drop(depth);
    r.map_err(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        // Dropping a payload runs its destructor: keep that inside a catch too.
        let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
        format!("internal error in tacc (please report it): {detail}")
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_an_error() {
        let r: Result<(), String> = super::catch_quietly(|| panic!("boom"));
        assert_eq!(
            r.unwrap_err(),
            "internal error in tacc (please report it): boom"
        );
        assert_eq!(super::catch_quietly(|| 7).unwrap(), 7);
    }
}
