//! Gives the C library (the cdylib) an ABI name of its own, so programs linked against it record
//! `libtacc.so.<major>` and keep working when a compatible 0.x.y replaces it (docs/ABI.md).
//! Kept tiny: it runs before every build of the crate, and only when this file changes.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // The major comes from Cargo.toml, the version's one source.
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    match std::env::var("CARGO_CFG_TARGET_OS").as_deref() {
        // ELF: the linker writes DT_SONAME, which a consumer's linker copies into its DT_NEEDED.
        // Cargo sets none, so without this consumers would record the unversioned dev name.
        Ok("linux") | Ok("freebsd") => {
            println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libtacc.so.{major}");
        }
        // Mach-O: the install name plays the SONAME's part; @rpath lets an app bundle or an
        // XCFramework place the library beside the executable.
        Ok("macos") => {
            println!("cargo:rustc-cdylib-link-arg=-Wl,-install_name,@rpath/libtacc.{major}.dylib");
        }
        // Android loads libtacc.so by that exact name from the APK (no versioned files there);
        // Windows names DLLs by file name. Neither gets a versioned name.
        _ => {}
    }
}
