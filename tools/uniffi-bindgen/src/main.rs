//! The uniffi generator, kept in the workspace so its version always matches the library's.
fn main() {
    uniffi::uniffi_bindgen_main()
}
