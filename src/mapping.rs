//! tacc's token ID <-> mapped ID tables.
//!
//! tacc 0.1.0 ranks tokens by frequency and zero-centres the rank (rank 0 -> 0, 1 -> 1,
//! 2 -> -1, 3 -> 2, 4 -> -2, ...), so frequent tokens get short zigzag varints. The built-in
//! tables in `mappings/` were read from the published package and are embedded here.
//!
//! The open vocabularies (llama3, llama4, qwen, qwen3_6, tekken_240911) have no table in tacc
//! 0.1.0: theirs were made by `tacc mapping` over chat-train (`tools/train-open-priors.sh`) and
//! are named by [`OPEN_MAPPINGS`]. They weigh 250-370 KB each, so a build embeds them only with
//! the `open-priors` feature; otherwise they are files (`mappings/<name>.tmap.zst`), loaded like
//! any mapping file and recognized by their fingerprint ([`Mapping::open_vocab`]).
//!
//! File format (built-in and custom alike, optionally zstd-compressed as a whole):
//! `b"TACCMAP1"`, u32 LE count n, then n × i32 LE: entry k is the mapped ID of token ID k,
//! or i32::MIN where token k has no mapping.

use std::sync::{Arc, OnceLock};

use crate::error::{Error, Result};
use crate::tokenizer::{Builtin, OpenVocab};

const MAGIC: &[u8; 8] = b"TACCMAP1";
const ABSENT: i32 = i32::MIN;
/// Largest table accepted from a file: 2^24 token IDs (64 MiB as i32).
pub const MAX_MAPPING_ENTRIES: usize = 1 << 24;

/// A token ID <-> mapped ID bijection. Immutable; share it with `Arc`.
///
/// Loading is two flat arrays made in O(n), no hashing or sorting: the forward table as read,
/// and its inverse filled in one pass. The fingerprint (a byte-wise hash, slow next to the
/// rest) is computed only when asked for: frames name built-in mappings by tokenizer ID.
#[derive(Clone)]
pub struct Mapping {
    forward: Vec<i32>,
    /// Indexed by zigzag(mapped ID); u32::MAX where no token maps there.
    reverse: Vec<u32>,
    fingerprint: OnceLock<u64>,
}

/// The reverse table and the fingerprint follow from the forward table.
impl PartialEq for Mapping {
    fn eq(&self, other: &Mapping) -> bool {
        self.forward == other.forward
    }
}

impl Eq for Mapping {}

impl std::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Mapping({} entries, {:016x})",
            self.forward.len(),
            self.fingerprint()
        )
    }
}

#[inline]
pub(crate) fn zigzag(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

#[inline]
pub(crate) fn unzigzag(v: u32) -> i32 {
    ((v >> 1) as i32) ^ -((v & 1) as i32)
}

/// Rank r of a frequency order -> tacc's zero-centred mapped ID.
pub fn rank_to_mapped(rank: u32) -> i32 {
    if rank % 2 == 1 {
        rank.div_ceil(2) as i32
    } else {
        -((rank / 2) as i32)
    }
}

/// The open vocabularies' tacc mappings (`mappings/<name>.tmap.zst`): vocabulary and the
/// [`Mapping::fingerprint`] of its table. Retrained byte for byte by `tools/train-open-priors.sh`.
pub const OPEN_MAPPINGS: [(OpenVocab, u64); 5] = [
    (OpenVocab::Llama3, 0x0540_cde4_d96f_d1ea),
    (OpenVocab::Llama4, 0x16b2_2f09_8ee2_448e),
    (OpenVocab::Qwen, 0x3f44_5406_5750_1399),
    (OpenVocab::Qwen3_6, 0x4f26_5b9e_0e2d_d086),
    (OpenVocab::Tekken240911, 0xe628_e884_1bc1_36f6),
];

impl Mapping {
    /// The tacc mapping of an open vocabulary, when this build embeds it (feature `open-priors`);
    /// otherwise an `InvalidArgument` naming the file to load instead
    /// (`CodecSpec::mapping`, the CLI's `--mapping`). Decoded once per process.
    pub fn open(v: OpenVocab) -> Result<Arc<Mapping>> {
        static CACHE: [OnceLock<Arc<Mapping>>; 5] = [const { OnceLock::new() }; 5];
        let slot = &CACHE[v as usize - OpenVocab::Llama3 as usize];
        if let Some(m) = slot.get() {
            return Ok(m.clone());
        }
        let bytes = embedded_open(v).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "the tacc mapping of '{}' is not built in (cargo feature open-priors): load its \
                 file, mappings/{}.tmap.zst (--mapping, CodecSpec::mapping)",
                v.name(),
                v.name()
            ))
        })?;
        let m = Arc::new(Mapping::from_bytes(bytes)?);
        Ok(slot.get_or_init(|| m).clone())
    }

    /// Whether this build embeds the open vocabulary's mapping (feature `open-priors`).
    pub fn is_open_embedded(v: OpenVocab) -> bool {
        embedded_open(v).is_some()
    }

    /// The open vocabulary whose published mapping ([`OPEN_MAPPINGS`]) this is, if any: a
    /// loaded `mappings/<name>.tmap.zst` is that vocabulary's own, not a custom one.
    pub fn open_vocab(&self) -> Option<OpenVocab> {
        OPEN_MAPPINGS
            .into_iter()
            .find(|&(v, fp)| self.len() == v.vocab_size() as usize && self.fingerprint() == fp)
            .map(|(v, _)| v)
    }

    /// The embedded table of a built-in tokenizer, decoded once per process, on first use.
    pub fn builtin(b: Builtin) -> Result<Arc<Mapping>> {
        static CACHE: [OnceLock<Arc<Mapping>>; 7] = [const { OnceLock::new() }; 7];
        if let Some(m) = CACHE[b as usize - 1].get() {
            return Ok(m.clone());
        }
        let bytes = embedded(b).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "the mapping of '{}' was left out of this build",
                b.name()
            ))
        })?;
        // Built-ins that extend another's table share its file: theirs is the prefix.
        let mut forward = Mapping::read_forward(bytes)?;
        forward.truncate(b.vocab_size() as usize);
        let m = Arc::new(Mapping::from_table(forward)?);
        Ok(CACHE[b as usize - 1].get_or_init(|| m).clone())
    }

    /// Builds a mapping from mapped IDs indexed by token ID (`i32::MIN` = no mapping).
    pub fn from_table(forward: Vec<i32>) -> Result<Mapping> {
        if forward.len() > MAX_MAPPING_ENTRIES {
            return Err(Error::TooLarge {
                what: "mapping table",
                size: forward.len() as u64,
                limit: MAX_MAPPING_ENTRIES as u64,
            });
        }
        let mut max_z = 0u32;
        for &m in &forward {
            if m != ABSENT {
                max_z = max_z.max(zigzag(m));
            }
        }
        if max_z as usize >= 2 * MAX_MAPPING_ENTRIES {
            return Err(Error::corrupt(
                "mapping",
                format!("mapped ID magnitude {} too large", unzigzag(max_z)),
            ));
        }
        let mut reverse = vec![
            u32::MAX;
            if forward.is_empty() {
                0
            } else {
                max_z as usize + 1
            }
        ];
        for (id, &m) in forward.iter().enumerate() {
            if m == ABSENT {
                continue;
            }
            let slot = &mut reverse[zigzag(m) as usize];
            if *slot != u32::MAX {
                return Err(Error::corrupt(
                    "mapping",
                    format!("mapped ID {m} is used twice"),
                ));
            }
            *slot = id as u32;
        }
        Ok(Mapping {
            forward,
            reverse,
            fingerprint: OnceLock::new(),
        })
    }

    /// Parses the file format above (raw or zstd-compressed).
    pub fn from_bytes(bytes: &[u8]) -> Result<Mapping> {
        Mapping::from_table(Mapping::read_forward(bytes)?)
    }

    /// Reads a mapping file (tacc's `mapping_path`).
    pub fn from_file(path: &std::path::Path) -> Result<Mapping> {
        let bytes =
            std::fs::read(path).map_err(|e| Error::Io(format!("{}: {e}", path.display())))?;
        Mapping::from_bytes(&bytes)
    }

    /// The forward table of a mapping file (raw or zstd-compressed), not yet checked.
    fn read_forward(bytes: &[u8]) -> Result<Vec<i32>> {
        let raw;
        let body: &[u8] = if bytes.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
            raw = crate::codecs::zstd::decompress(bytes, 12 + 4 * MAX_MAPPING_ENTRIES)?;
            &raw
        } else {
            bytes
        };
        if body.len() < 12 || &body[..8] != MAGIC {
            return Err(Error::corrupt("mapping", "missing TACCMAP1 header"));
        }
        let n = u32::from_le_bytes(body[8..12].try_into().unwrap()) as usize;
        if body.len() - 12 != n * 4 {
            return Err(Error::corrupt(
                "mapping",
                format!(
                    "header says {n} entries, file holds {} bytes",
                    body.len() - 12
                ),
            ));
        }
        Ok(body[12..]
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    #[cfg(feature = "encode")]
    /// Serializes to the file format, zstd-compressed at level 19.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut raw = Vec::with_capacity(12 + self.forward.len() * 4);
        raw.extend_from_slice(MAGIC);
        raw.extend_from_slice(&(self.forward.len() as u32).to_le_bytes());
        for m in &self.forward {
            raw.extend_from_slice(&m.to_le_bytes());
        }
        crate::codecs::zstd::compress(&raw, 19).expect("level 19 is valid")
    }

    /// tacc's scheme from token counts: most frequent -> 0, then 1, -1, 2, -2, ...;
    /// ties and unseen tokens in token-ID order, so the result is deterministic.
    pub fn from_counts(counts: &[u64]) -> Result<Mapping> {
        let mut order: Vec<u32> = (0..counts.len() as u32).collect();
        order.sort_by(|&a, &b| counts[b as usize].cmp(&counts[a as usize]).then(a.cmp(&b)));
        let mut forward = vec![0i32; counts.len()];
        for (rank, &id) in order.iter().enumerate() {
            forward[id as usize] = rank_to_mapped(rank as u32);
        }
        Mapping::from_table(forward)
    }

    /// Number of token IDs the table covers.
    pub fn len(&self) -> usize {
        self.forward.len()
    }

    /// The table covers no token ID.
    pub fn is_empty(&self) -> bool {
        self.forward.is_empty()
    }

    /// FNV-1a 64 of the table (its entries as i32 LE), to name a custom mapping in frames.
    pub fn fingerprint(&self) -> u64 {
        *self.fingerprint.get_or_init(|| {
            self.forward.iter().fold(crate::hash::fnv1a64(&[]), |h, m| {
                crate::hash::fnv1a64_update(h, &m.to_le_bytes())
            })
        })
    }

    /// The mapped ID of a token ID; `UnknownTokenId` if the table does not have it.
    #[inline]
    pub fn to_mapped(&self, id: u32) -> Result<i32> {
        match self.forward.get(id as usize) {
            Some(&m) if m != ABSENT => Ok(m),
            _ => Err(Error::UnknownTokenId {
                id: id as i64,
                table: "mapping table",
                size: self.forward.len() as u32,
            }),
        }
    }

    /// The token ID of a mapped ID; `UnknownMappedId` if the table does not have it.
    #[inline]
    pub fn to_token(&self, mapped: i32) -> Result<u32> {
        match self.reverse.get(zigzag(mapped) as usize) {
            Some(&id) if id != u32::MAX => Ok(id),
            _ => Err(Error::UnknownMappedId(mapped as i64)),
        }
    }

    /// [`Mapping::to_mapped`] of every ID.
    pub fn map_ids(&self, ids: &[u32]) -> Result<Vec<i32>> {
        ids.iter().map(|&id| self.to_mapped(id)).collect()
    }

    /// [`Mapping::to_token`] of every mapped ID.
    pub fn unmap_ids(&self, mapped: &[i32]) -> Result<Vec<u32>> {
        mapped.iter().map(|&m| self.to_token(m)).collect()
    }
}

fn embedded(b: Builtin) -> Option<&'static [u8]> {
    macro_rules! table {
        ($feature:literal, $file:literal) => {{
            #[cfg(feature = $feature)]
            {
                Some(
                    &include_bytes!(concat!(
                        env!("CARGO_MANIFEST_DIR"),
                        "/mappings/",
                        $file,
                        ".tmap.zst"
                    ))[..],
                )
            }
            #[cfg(not(feature = $feature))]
            {
                None
            }
        }};
    }
    // One file per family, stored once: gpt2's table is r50k_base's (identical files), and
    // o200k_base's and p50k_base's are the first entries of o200k_harmony's and p50k_edit's
    // (mappings/README.md; `builtin_tables_equal_their_own_files` checks all three).
    match b {
        Builtin::Cl100kBase => table!("cl100k", "cl100k_base"),
        Builtin::Gpt2 | Builtin::R50kBase => table!("r50k", "r50k_base"),
        Builtin::O200kBase | Builtin::O200kHarmony => table!("o200k", "o200k_harmony"),
        Builtin::P50kBase | Builtin::P50kEdit => table!("p50k", "p50k_edit"),
    }
}

/// The open vocabularies' files, embedded only with the `open-priors` feature.
fn embedded_open(v: OpenVocab) -> Option<&'static [u8]> {
    #[cfg(feature = "open-priors")]
    {
        macro_rules! file {
            ($name:literal) => {
                &include_bytes!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/mappings/",
                    $name,
                    ".tmap.zst"
                ))[..]
            };
        }
        Some(match v {
            OpenVocab::Llama3 => file!("llama3"),
            OpenVocab::Llama4 => file!("llama4"),
            OpenVocab::Qwen => file!("qwen"),
            OpenVocab::Qwen3_6 => file!("qwen3_6"),
            OpenVocab::Tekken240911 => file!("tekken_240911"),
        })
    }
    #[cfg(not(feature = "open-priors"))]
    {
        let _ = v;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_centred_ranks() {
        let got: Vec<i32> = (0..7).map(rank_to_mapped).collect();
        assert_eq!(got, vec![0, 1, -1, 2, -2, 3, -3]);
    }

    #[test]
    fn zigzag_round_trip() {
        for v in [0, 1, -1, 2, -2, i32::MAX, i32::MIN + 1, 12345, -98765] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
    }

    #[cfg(feature = "encode")]
    #[test]
    fn from_counts_and_file_round_trip() {
        let m = Mapping::from_counts(&[5, 100, 0, 7]).unwrap();
        assert_eq!(m.to_mapped(1).unwrap(), 0);
        assert_eq!(m.to_mapped(3).unwrap(), 1);
        assert_eq!(m.to_mapped(0).unwrap(), -1);
        assert_eq!(m.to_mapped(2).unwrap(), 2);
        let back = Mapping::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(back, m);
        assert!(m.to_mapped(4).is_err());
        assert!(m.to_token(-5).is_err());
    }

    /// The shared embedded files give exactly each built-in's own file in `mappings/`.
    #[test]
    fn builtin_tables_equal_their_own_files() {
        for b in Builtin::ALL.into_iter().filter(|b| b.is_enabled()) {
            let path = format!(
                "{}/mappings/{}.tmap.zst",
                env!("CARGO_MANIFEST_DIR"),
                b.name()
            );
            let own = Mapping::from_file(std::path::Path::new(&path)).unwrap();
            let built = Mapping::builtin(b).unwrap();
            assert_eq!(*built, own, "{}", b.name());
            assert_eq!(built.len(), b.vocab_size() as usize);
            assert_eq!(built.fingerprint(), own.fingerprint());
            for z in 0..built.len() as u32 {
                let m = unzigzag(z);
                assert_eq!(built.to_token(m).ok(), own.to_token(m).ok());
            }
        }
    }

    /// The committed open mappings are the ones `OPEN_MAPPINGS` names: whole tables (no holes,
    /// one entry per token ID of the vocabulary), recognized as their vocabulary's, and equal to
    /// the embedded copy when the build has one.
    #[test]
    fn open_mapping_files_match_their_fingerprints() {
        for (v, fp) in OPEN_MAPPINGS {
            let path = format!(
                "{}/mappings/{}.tmap.zst",
                env!("CARGO_MANIFEST_DIR"),
                v.name()
            );
            let m = Mapping::from_file(std::path::Path::new(&path)).unwrap();
            assert_eq!(m.len(), v.vocab_size() as usize, "{}", v.name());
            assert_eq!(m.fingerprint(), fp, "{}", v.name());
            assert_eq!(m.open_vocab(), Some(v));
            assert!(m.forward.iter().all(|&x| x != ABSENT), "{}", v.name());
            match Mapping::open(v) {
                Ok(e) => assert_eq!(*e, m),
                Err(e) => {
                    assert!(!Mapping::is_open_embedded(v));
                    assert!(e
                        .to_string()
                        .contains(&format!("mappings/{}.tmap.zst", v.name())));
                }
            }
        }
        // A built-in's table is no open vocabulary's.
        #[cfg(feature = "cl100k")]
        assert_eq!(
            Mapping::builtin(Builtin::Cl100kBase).unwrap().open_vocab(),
            None
        );
    }

    #[test]
    fn fingerprint_is_fnv_of_the_table_bytes() {
        let m = Mapping::from_table(vec![0, 1, -1, 2]).unwrap();
        let mut bytes = Vec::new();
        for v in [0i32, 1, -1, 2] {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(m.fingerprint(), crate::hash::fnv1a64(&bytes));
    }

    #[test]
    fn rejects_bad_files() {
        assert!(Mapping::from_bytes(b"").is_err());
        assert!(Mapping::from_bytes(b"TACCMAP1\x02\x00\x00\x00\x00\x00\x00\x00").is_err());
        // Two tokens on one mapped ID.
        let mut dup = b"TACCMAP1\x02\x00\x00\x00".to_vec();
        dup.extend_from_slice(&[0; 8]);
        assert!(Mapping::from_bytes(&dup).is_err());
    }
}
