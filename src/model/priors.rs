//! Flat, aligned, zero-copy priors: the static statistics of one vocabulary, used where they lie.
//!
//! File layout (all little-endian, every section 8-byte aligned, file length a multiple of 8):
//!
//! | bytes | field |
//! |---|---|
//! | 0..8 | magic `TACCPRF\x02` |
//! | 8..12 | format version (1) |
//! | 12..16 | vocab_size |
//! | 16..20 | priors ID (0 = custom) |
//! | 20..24 | number of sections |
//! | 24..32 | checksum: 4-lane 64-bit word hash of the whole file with these 8 bytes zero |
//! | 32.. | section table: per section `kind, byte offset, element count, 0` (u32 each) |
//!
//! Sections (u32 arrays): `CTX` (per previous token, and one for start of message: successor
//! list offset and the token's total successor count, plus an end sentinel), `SUCC` (successor
//! entries `id | log-probability << 24`, most probable first), `RANK` (static frequency rank ->
//! id), `IDRANK` (id -> rank), `BUCKETS` (initial frequencies of the rank buckets of the escape
//! path), `WEIGHTS` (trained mixing weights per context-confidence set), `TRI` (an open-addressing
//! table of frequent pairs of previous tokens: `prev2 + 1, prev1, offset, length << 24 | count`;
//! a power of two of slots, some empty) and `TSUCC` (their successor entries, as `SUCC`).
//! Loading checks bounds, monotonic offsets, the rank permutation and the checksum, in O(size).

use super::params::{ModelError, MAX_VOCAB_SIZE, NBUCKETS, NSETS, NW, WEIGHT_SUM};

pub(crate) const MAGIC: &[u8; 8] = b"TACCPRF\x02";
pub(crate) const VERSION: u32 = 1;
const HEADER: usize = 32;

pub(crate) const S_CTX: u32 = 1;
pub(crate) const S_SUCC: u32 = 2;
pub(crate) const S_RANK: u32 = 3;
pub(crate) const S_IDRANK: u32 = 4;
pub(crate) const S_BUCKETS: u32 = 5;
pub(crate) const S_WEIGHTS: u32 = 6;
pub(crate) const S_TRI: u32 = 7;
pub(crate) const S_TSUCC: u32 = 8;
const NSECTIONS: usize = 8;
/// Probes of the pair table before giving up (the trainer places every pair within them).
pub(crate) const TRI_PROBES: usize = 16;

/// Hash of a pair of previous tokens for the pair table.
#[inline(always)]
pub(crate) fn pair_hash(prev2: u32, prev1: u32) -> u32 {
    let mut h = prev2.wrapping_mul(0x9E37_79B1) ^ prev1;
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^ (h >> 12)
}

/// Static statistics for one vocabulary: immutable, shared between codecs through `Arc`.
pub struct Priors {
    /// The file, in 8-byte words (so every section is aligned where it lies).
    buf: Buf,
    len: usize,
    pub(crate) vocab_size: u32,
    id: u32,
    fingerprint: u64,
    sec: [(usize, usize); NSECTIONS + 1],
}

enum Buf {
    Owned(Vec<u64>),
    #[allow(dead_code)]
    Static(&'static [u64]),
}

impl std::fmt::Debug for Priors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Priors")
            .field("vocab_size", &self.vocab_size)
            .field("id", &self.id)
            .field("bytes", &self.len)
            .field("fingerprint", &format_args!("{:016x}", self.fingerprint))
            .finish()
    }
}

/// 4-lane 64-bit word hash (runs at memory speed); the checksum words (index 3) count as zero.
pub(crate) fn checksum(words: &[u64]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = [K, K ^ 1, K ^ 2, K ^ 3];
    let mut chunks = words.chunks_exact(4);
    let mut i = 0usize;
    for c in &mut chunks {
        for l in 0..4 {
            let w = if i + l == 3 { 0 } else { u64::from_le(c[l]) };
            h[l] = (h[l] ^ w).wrapping_mul(K).rotate_left(27);
        }
        i += 4;
    }
    for (l, &w) in chunks.remainder().iter().enumerate() {
        h[l] = (h[l] ^ u64::from_le(w)).wrapping_mul(K).rotate_left(27);
    }
    let mut x = words.len() as u64;
    for v in h {
        x = (x ^ v).wrapping_mul(K).rotate_left(31);
    }
    x ^ (x >> 29)
}

fn words_of(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks_exact(8)
        .map(|c| {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            u64::from_ne_bytes(b)
        })
        .collect()
}

impl Priors {
    /// Copies `bytes` into one aligned buffer and validates it (O(size), never panics).
    pub fn from_bytes(bytes: &[u8]) -> Result<Priors, ModelError> {
        if bytes.len() % 8 != 0 {
            return Err(ModelError::BadPriors(
                "length is not a multiple of 8".into(),
            ));
        }
        Priors::from_words(Buf::Owned(words_of(bytes)), bytes.len())
    }

    /// A priors file as `tacc train` writes it: flat (`.tpf`) or compressed (`.tpf.zst`, told
    /// apart by zstd's magic number).
    pub fn from_file_bytes(bytes: &[u8]) -> Result<Priors, ModelError> {
        if bytes.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
            Priors::from_zstd(bytes)
        } else {
            Priors::from_bytes(bytes)
        }
    }

    /// A priors file as the built-ins are shipped (`to_zstd`: byte planes of 4-byte words, then
    /// zstd): expanded into a scratch buffer of the size the zstd frame names (at most 64 MiB,
    /// a multiple of 8), then un-shuffled in one pass into the aligned buffer, then validated.
    pub fn from_zstd(compressed: &[u8]) -> Result<Priors, ModelError> {
        let bad = |s: &str| ModelError::BadPriors(s.to_string());
        let size = zstd::zstd_safe::get_frame_content_size(compressed)
            .ok()
            .flatten()
            .ok_or_else(|| bad("zstd frame without a content size"))?;
        if size > MAX_FILE as u64 || size % 8 != 0 {
            return Err(bad("zstd content size out of range"));
        }
        let len = size as usize;
        let mut planes = vec![0u8; len];
        let n = zstd::bulk::Decompressor::new()
            .and_then(|mut d| d.decompress_to_buffer(compressed, &mut planes))
            .map_err(|e| ModelError::BadPriors(format!("zstd: {e}")))?;
        if n != len {
            return Err(bad("zstd content shorter than its frame says"));
        }
        let mut words = vec![0u64; len / 8];
        unshuffle4(&planes, &mut words);
        drop(planes);
        Priors::from_words(Buf::Owned(words), len)
    }

    fn from_words(buf: Buf, len: usize) -> Result<Priors, ModelError> {
        let bad = |s: &str| ModelError::BadPriors(s.to_string());
        let words: &[u64] = match &buf {
            Buf::Owned(v) => v,
            Buf::Static(s) => s,
        };
        if len < HEADER || words.len() * 8 != len {
            return Err(bad("too short"));
        }
        let bytes = |i: usize| -> &[u8] {
            // SAFETY: u64 words viewed as bytes; the length is in bounds of the slice.
            unsafe { std::slice::from_raw_parts(words.as_ptr() as *const u8, len) }
                .get(i..)
                .unwrap_or(&[])
        };
        let u32_at = |i: usize| -> Option<u32> {
            let b = bytes(i);
            (b.len() >= 4).then(|| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        if &bytes(0)[..8] != MAGIC {
            return Err(bad("bad magic"));
        }
        let stored = u64::from_le(words[3]);
        if checksum(words) != stored {
            return Err(bad("checksum mismatch"));
        }
        let version = u32_at(8).unwrap_or(0);
        if version != VERSION {
            return Err(ModelError::BadPriors(format!(
                "unsupported priors version {version}"
            )));
        }
        let vocab = u32_at(12).unwrap_or(0);
        if !(2..=MAX_VOCAB_SIZE).contains(&vocab) {
            return Err(bad("vocab size out of range"));
        }
        let id = u32_at(16).unwrap_or(0);
        let nsec = u32_at(20).unwrap_or(0) as usize;
        if nsec != NSECTIONS || HEADER + 16 * nsec > len {
            return Err(bad("unexpected section table"));
        }
        let mut sec = [(0usize, 0usize); NSECTIONS + 1];
        for s in 0..nsec {
            let o = HEADER + 16 * s;
            let (kind, off, count) = (
                u32_at(o).unwrap_or(0) as usize,
                u32_at(o + 4).unwrap_or(0) as usize,
                u32_at(o + 8).unwrap_or(0) as usize,
            );
            if kind == 0 || kind > NSECTIONS || sec[kind] != (0, 0) {
                return Err(bad("bad section kind"));
            }
            if off % 8 != 0 || off < HEADER + 16 * nsec || off + count * 4 > len {
                return Err(bad("section out of bounds"));
            }
            sec[kind] = (off / 4, count);
        }
        let v = vocab as usize;
        let expect = [
            (S_CTX, 2 * (v + 2)),
            (S_RANK, v),
            (S_IDRANK, v),
            (S_BUCKETS, NBUCKETS),
            (S_WEIGHTS, NSETS * NW),
        ];
        for (k, n) in expect {
            if sec[k as usize].1 != n {
                return Err(bad("section size does not match the vocabulary"));
            }
        }
        #[cfg_attr(target_endian = "little", allow(unused_mut))]
        let mut p = Priors {
            buf,
            len,
            vocab_size: vocab,
            id,
            fingerprint: stored,
            sec,
        };
        p.validate()?;
        #[cfg(target_endian = "big")]
        p.swap_to_native();
        Ok(p)
    }

    #[cfg(target_endian = "big")]
    fn swap_to_native(&mut self) {
        if let Buf::Owned(v) = &mut self.buf {
            for w in v.iter_mut() {
                // Each u64 word holds two little-endian u32: make both native.
                let b = w.to_ne_bytes();
                let lo = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                let hi = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
                let mut out = [0u8; 8];
                out[..4].copy_from_slice(&lo.to_ne_bytes());
                out[4..].copy_from_slice(&hi.to_ne_bytes());
                *w = u64::from_ne_bytes(out);
            }
        }
    }

    fn validate(&self) -> Result<(), ModelError> {
        let bad = |s: &str| Err(ModelError::BadPriors(s.to_string()));
        let v = self.vocab_size;
        let le = u32::from_le;
        let ctx = self.section(S_CTX);
        let succ = self.section(S_SUCC);
        let mut last = 0u32;
        for i in 0..(v as usize + 2) {
            let o = le(ctx[2 * i]);
            if o < last || o as usize > succ.len() {
                return bad("successor offsets out of order");
            }
            last = o;
        }
        if last as usize != succ.len() {
            return bad("successor offsets do not cover the list");
        }
        if succ.iter().any(|&e| le(e) & 0x00FF_FFFF >= v) {
            return bad("successor ID out of range");
        }
        let rank = self.section(S_RANK);
        let idrank = self.section(S_IDRANK);
        for (r, &id) in rank.iter().enumerate() {
            let id = le(id);
            if id >= v || le(idrank[id as usize]) != r as u32 {
                return bad("rank tables are not inverse permutations");
            }
        }
        let b = self.section(S_BUCKETS);
        if b.iter().map(|&x| le(x) as u64).sum::<u64>() > 1 << 15 {
            return bad("bucket frequencies too large");
        }
        let tri = self.section(S_TRI);
        let tsucc = self.section(S_TSUCC);
        let slots = tri.len() / 4;
        if tri.len() % 4 != 0 || !slots.is_power_of_two() {
            return bad("pair table size is not a power of two");
        }
        let mut empty = false;
        for e in tri.chunks_exact(4) {
            if le(e[0]) == 0 {
                empty = true;
                continue;
            }
            let (off, len) = (le(e[2]) as usize, (le(e[3]) >> 24) as usize);
            if le(e[0]) > v + 1 || le(e[1]) >= v || off + len > tsucc.len() {
                return bad("pair table entry out of range");
            }
        }
        if !empty {
            return bad("pair table has no empty slot");
        }
        if tsucc.iter().any(|&e| le(e) & 0x00FF_FFFF >= v) {
            return bad("pair successor ID out of range");
        }
        let w = self.section(S_WEIGHTS);
        for s in w.chunks_exact(NW) {
            if s.iter().map(|&x| le(x) as u64).sum::<u64>() > WEIGHT_SUM as u64 {
                return bad("mixing weights out of range");
            }
        }
        Ok(())
    }

    #[inline(always)]
    pub(crate) fn section(&self, kind: u32) -> &[u32] {
        let (off, count) = self.sec[kind as usize];
        let words: &[u64] = match &self.buf {
            Buf::Owned(v) => v,
            Buf::Static(s) => s,
        };
        // SAFETY: the u64 buffer viewed as u32 (alignment 8 >= 4); `validate` checked
        // off + count lies within the buffer.
        let all =
            unsafe { std::slice::from_raw_parts(words.as_ptr() as *const u32, words.len() * 2) };
        &all[off..off + count]
    }

    /// The static successors of the pair (prev2, prev1) if it is frequent: (range in `TSUCC`,
    /// count of the pair). `prev2 == vocab_size` stands for the start of the message.
    #[inline(always)]
    pub(crate) fn pair(&self, prev2: u32, prev1: u32) -> Option<(usize, usize, u32)> {
        let tri = self.section(S_TRI);
        let mask = tri.len() / 4 - 1;
        let mut i = pair_hash(prev2, prev1) as usize & mask;
        for _ in 0..TRI_PROBES {
            let e = &tri[4 * i..4 * i + 4];
            if e[0] == prev2 + 1 && e[1] == prev1 {
                let off = e[2] as usize;
                return Some((off, off + (e[3] >> 24) as usize, e[3] & 0x00FF_FFFF));
            }
            if e[0] == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
        None
    }

    /// Where `pair(prev2, prev1)` will look first (for a cache prefetch).
    #[inline(always)]
    pub(crate) fn pair_slot(&self, prev2: u32, prev1: u32) -> usize {
        let tri = self.section(S_TRI);
        4 * (pair_hash(prev2, prev1) as usize & (tri.len() / 4 - 1))
    }

    /// The file's bytes (what `from_bytes` reads back).
    pub fn as_bytes(&self) -> &[u8] {
        let words: &[u64] = match &self.buf {
            Buf::Owned(v) => v,
            Buf::Static(s) => s,
        };
        // SAFETY: u64 words viewed as bytes, within the buffer.
        unsafe { std::slice::from_raw_parts(words.as_ptr() as *const u8, self.len) }
    }

    pub fn vocab_size(&self) -> u32 {
        self.vocab_size
    }

    /// The file's checksum (a 64-bit word hash of its bytes).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The built-in priors ID this file was trained as (None for custom priors).
    pub fn id(&self) -> Option<u8> {
        u8::try_from(self.id).ok().filter(|&i| i != 0)
    }

    /// Bytes held in memory.
    pub fn heap_bytes(&self) -> usize {
        self.len
    }

    /// Number of successor entries.
    pub fn successor_count(&self) -> usize {
        self.section(S_SUCC).len()
    }
}

/// Assembles a priors file from its sections (the trainer's last step).
pub(crate) fn assemble(vocab: u32, id: u32, sections: &[(u32, Vec<u32>)]) -> Vec<u8> {
    let table = HEADER + 16 * sections.len();
    let mut off = table.div_ceil(8) * 8;
    let mut out = vec![0u8; off];
    out[..8].copy_from_slice(MAGIC);
    out[8..12].copy_from_slice(&VERSION.to_le_bytes());
    out[12..16].copy_from_slice(&vocab.to_le_bytes());
    out[16..20].copy_from_slice(&id.to_le_bytes());
    out[20..24].copy_from_slice(&(sections.len() as u32).to_le_bytes());
    for (i, (kind, data)) in sections.iter().enumerate() {
        let o = HEADER + 16 * i;
        out[o..o + 4].copy_from_slice(&kind.to_le_bytes());
        out[o + 4..o + 8].copy_from_slice(&(off as u32).to_le_bytes());
        out[o + 8..o + 12].copy_from_slice(&(data.len() as u32).to_le_bytes());
        for x in data {
            out.extend_from_slice(&x.to_le_bytes());
        }
        while out.len() % 8 != 0 {
            out.push(0);
        }
        off = out.len();
    }
    let words = words_of(&out);
    let sum = checksum(&words);
    out[24..32].copy_from_slice(&sum.to_le_bytes());
    out
}

impl Priors {
    /// The file as the built-ins are shipped: its 4-byte words split into byte planes (all byte
    /// 0s, then all byte 1s, 2s, 3s: the high bytes of the u32 arrays are mostly alike), then
    /// zstd level 19, single-threaded (the same bytes every time). `from_zstd` reads it back.
    pub fn to_zstd(&self) -> Vec<u8> {
        zstd::bulk::compress(&shuffle4(self.as_bytes()), 19).unwrap_or_default()
    }
}

/// Largest priors file `from_zstd` expands.
const MAX_FILE: usize = 64 << 20;

/// Byte planes of the 4-byte words of `bytes` (byte `k` of word `i` at `k * words + i`); a tail
/// of `len % 4` bytes is kept as is at the end.
pub(crate) fn shuffle4(bytes: &[u8]) -> Vec<u8> {
    let n = bytes.len() / 4;
    let mut out = vec![0u8; bytes.len()];
    for (i, w) in bytes.chunks_exact(4).enumerate() {
        for (k, &b) in w.iter().enumerate() {
            out[k * n + i] = b;
        }
    }
    out[4 * n..].copy_from_slice(&bytes[4 * n..]);
    out
}

/// The inverse of `shuffle4` for a file of `8 * words.len()` bytes (`planes.len()`), written
/// straight into the aligned buffer: each u64 word gathers two 4-byte words from the 4 planes.
fn unshuffle4(planes: &[u8], words: &mut [u64]) {
    let n = planes.len() / 4;
    let (p0, rest) = planes.split_at(n);
    let (p1, rest) = rest.split_at(n);
    let (p2, p3) = rest.split_at(n);
    let pairs = p0
        .chunks_exact(2)
        .zip(p1.chunks_exact(2))
        .zip(p2.chunks_exact(2).zip(p3.chunks_exact(2)));
    for (w, ((a, b), (c, d))) in words.iter_mut().zip(pairs) {
        *w = u64::from_ne_bytes([a[0], b[0], c[0], d[0], a[1], b[1], c[1], d[1]]);
    }
}
