//! Model priors files (`tacc train` output, loaded with --priors): validated, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = tacc::model::Priors::from_bytes(data) {
        let _ = tacc::model::encode(
            &[0, 1, 0],
            p.vocab_size().max(2),
            Some(std::sync::Arc::new(p)),
        );
    }
});
