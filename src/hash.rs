//! FNV-1a 64, the one hash of the formats: it names custom tokenizers, mappings and priors in
//! frame headers (their fingerprints) and checks the model-v1 priors file. Stable and
//! dependency-free; not a security hash.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a 64 of `bytes`.
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    fnv1a64_update(FNV_OFFSET, bytes)
}

/// Continues the hash `h` (from [`fnv1a64`]) over more bytes.
pub(crate) fn fnv1a64_update(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_values() {
        // The FNV-1a 64 reference values (draft-eastlake-fnv).
        assert_eq!(super::fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(super::fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
        let split = super::fnv1a64_update(super::fnv1a64(b"foo"), b"bar");
        assert_eq!(split, super::fnv1a64(b"foobar"));
    }
}
