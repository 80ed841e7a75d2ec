//! Custom mapping files (tacc's mapping_path).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = tacc::Mapping::from_bytes(data) {
        assert_eq!(tacc::Mapping::from_bytes(&m.to_bytes()).unwrap(), m);
    }
});
