//! The built-in vocabularies in a flat little-endian layout that is used where it lies.
//!
//! Each vocabulary is two files under `vocab/`, made by [`build`] from tiktoken's `.tiktoken`
//! rank files (`tacc vocab`, see `vocab/README.md`):
//!
//! - `<name>.tokens`: what decoding needs. The token bytes concatenated, and `n + 1` u32
//!   offsets: token `r` is `bytes[off[r]..off[r + 1]]`; an empty range is a rank with no token.
//! - `<name>.ranks`: what encoding needs on top. An open-addressing hash table (linear probing)
//!   from token bytes to rank, precomputed, so nothing is built at load.
//!
//! Both start with a 32-byte header:
//!
//! | offset | size | content |
//! |---|---|---|
//! | 0 | 8 | magic `TACCVOC1` |
//! | 8 | 4 | kind: 1 = tokens, 2 = ranks |
//! | 12 | 4 | `n`: number of ranks (holes included) |
//! | 16 | 4 | tokens: total token bytes; ranks: log2 of the slot count |
//! | 20 | 4 | tokens: 0; ranks: `rank_bits`, the low bits of a slot that hold the rank |
//! | 24 | 8 | [`checksum`] of everything after the header |
//!
//! Tokens body (at 32): offsets `u32[n + 1]`, zero padding to a multiple of 8, the bytes, zero
//! padding to a multiple of 8. Ranks body (at 32): `u32` slots; `u32::MAX` is empty, otherwise
//! `(tag << rank_bits) | rank` with `tag` the top `32 - rank_bits` bits of [`hash`] of the token
//! bytes, so most probes that miss are decided without touching the token bytes.
//! The slot of a token is `hash & (slots - 1)`, then the next ones (wrapping).
//!
//! Loading checks the checksum (a word-wise pass at memory speed) and the bounds of every offset
//! and slot once, in O(size); lookups after that still index with checked slices.

use crate::error::{Error, Result};

pub(crate) const MAGIC: &[u8; 8] = b"TACCVOC1";
pub(crate) const HEADER: usize = 32;
const KIND_TOKENS: u32 = 1;
const KIND_RANKS: u32 = 2;
const EMPTY: u32 = u32::MAX;

/// 64-bit hash of token bytes for the rank table. Part of the file format: never change it
/// without regenerating `vocab/` (the generator test catches a mismatch).
#[inline]
pub(crate) fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (bytes.len() as u64).wrapping_mul(K) ^ 0x2545_F491_4F6C_DD1D;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(31);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(31);
    }
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^ (h >> 32)
}

/// Word-wise checksum of a body whose length is a multiple of 8: four independent lanes of
/// xor-multiply over little-endian u64 words, so it runs at memory speed.
pub(crate) fn checksum(body: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut lanes = [1u64, 2, 3, 4];
    let mut blocks = body.chunks_exact(32);
    for b in &mut blocks {
        for (lane, w) in lanes.iter_mut().zip(b.chunks_exact(8)) {
            let mut a = [0u8; 8];
            a.copy_from_slice(w);
            *lane = (*lane ^ u64::from_le_bytes(a)).wrapping_mul(K);
        }
    }
    for w in blocks.remainder().chunks(8) {
        let mut a = [0u8; 8];
        a[..w.len()].copy_from_slice(w);
        lanes[0] = (lanes[0] ^ u64::from_le_bytes(a)).wrapping_mul(K);
    }
    let mut h = body.len() as u64;
    for l in lanes {
        h = (h ^ l).wrapping_mul(K).rotate_left(27);
    }
    h
}

#[inline]
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn bad(what: impl std::fmt::Display) -> Error {
    Error::corrupt("vocabulary table", what)
}

/// Checks the header and checksum; returns (n, param, rank_bits).
fn check_header(buf: &[u8], kind: u32) -> Result<(u32, u32, u32)> {
    if buf.len() < HEADER || &buf[..8] != MAGIC || buf.len() % 8 != 0 {
        return Err(bad("missing TACCVOC1 header"));
    }
    let field = |i| u32_at(buf, i).unwrap_or(0);
    if field(8) != kind {
        return Err(bad(format!("kind {} where {kind} was expected", field(8))));
    }
    let mut sum = [0u8; 8];
    sum.copy_from_slice(&buf[24..32]);
    if checksum(&buf[HEADER..]) != u64::from_le_bytes(sum) {
        return Err(bad("checksum mismatch"));
    }
    Ok((field(12), field(16), field(20)))
}

fn pad8(n: usize) -> usize {
    n.div_ceil(8) * 8
}

/// Storage of a table: embedded in the binary, or expanded once into an owned buffer.
pub(crate) enum Blob {
    Static(&'static [u8]),
    Owned(Vec<u8>),
}

impl std::ops::Deref for Blob {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Blob::Static(b) => b,
            Blob::Owned(b) => b,
        }
    }
}

/// A `.tokens` table: rank -> token bytes.
pub(crate) struct TokenTable {
    buf: Blob,
    n: u32,
    bytes_at: usize,
}

impl TokenTable {
    pub(crate) fn new(buf: Blob) -> Result<TokenTable> {
        let (n, total, _) = check_header(&buf, KIND_TOKENS)?;
        let n_us = n as usize;
        let bytes_at = HEADER + pad8(4 * (n_us + 1));
        if buf.len() != bytes_at + pad8(total as usize) {
            return Err(bad("tokens table length does not match its header"));
        }
        // Offsets must start at 0, never decrease and end at the byte total: every token's range
        // then lies inside the bytes section.
        let mut prev = 0u32;
        for r in 0..=n_us {
            let o = u32_at(&buf, HEADER + 4 * r).ok_or_else(|| bad("offsets cut short"))?;
            if o < prev || (r == 0 && o != 0) {
                return Err(bad(format!("offset of rank {r} goes backwards")));
            }
            prev = o;
        }
        if prev != total {
            return Err(bad("offsets do not end at the byte total"));
        }
        Ok(TokenTable { buf, n, bytes_at })
    }

    /// Number of ranks (holes included).
    pub(crate) fn len(&self) -> u32 {
        self.n
    }

    /// The bytes of rank `r`; `None` for a rank out of range or without a token.
    #[inline]
    pub(crate) fn get(&self, r: u32) -> Option<&[u8]> {
        if r >= self.n {
            return None;
        }
        let at = HEADER + 4 * r as usize;
        let a = u32_at(&self.buf, at)? as usize;
        let b = u32_at(&self.buf, at + 4)? as usize;
        if a == b {
            return None;
        }
        self.buf.get(self.bytes_at + a..self.bytes_at + b)
    }
}

/// A `.ranks` table: token bytes -> rank.
pub(crate) struct RankTable {
    buf: Blob,
    mask: usize,
    rank_bits: u32,
    /// The rank of each single byte: every byte-level vocabulary has all 256, checked at load,
    /// so BPE's last resort never fails.
    byte_rank: [u32; 256],
}

impl RankTable {
    pub(crate) fn new(buf: Blob, tokens: &TokenTable) -> Result<RankTable> {
        let (n, log2, rank_bits) = check_header(&buf, KIND_RANKS)?;
        if n != tokens.len() || !(1..=30).contains(&log2) || !(1..32).contains(&rank_bits) {
            return Err(bad("rank table header does not fit its tokens table"));
        }
        let slots = 1usize << log2;
        if buf.len() != HEADER + 4 * slots || (n as u64) >= (1u64 << rank_bits) - 1 {
            return Err(bad("rank table length does not match its header"));
        }
        let rmask = (1u32 << rank_bits) - 1;
        let mut empty = 0usize;
        for i in 0..slots {
            let s = u32_at(&buf, HEADER + 4 * i).unwrap_or(EMPTY);
            if s == EMPTY {
                empty += 1;
            } else if s & rmask >= n {
                return Err(bad(format!("slot {i} names rank {} of {n}", s & rmask)));
            }
        }
        // Probing stops at an empty slot: without one, a miss would never end.
        if empty == 0 {
            return Err(bad("rank table has no empty slot"));
        }
        let mut t = RankTable {
            buf,
            mask: slots - 1,
            rank_bits,
            byte_rank: [0; 256],
        };
        for b in 0..=255u8 {
            t.byte_rank[b as usize] = t
                .get(tokens, &[b])
                .ok_or_else(|| bad(format!("byte {b:#04x} has no token")))?;
        }
        Ok(t)
    }

    /// The rank of the token whose bytes are exactly `piece`.
    #[inline]
    pub(crate) fn get(&self, tokens: &TokenTable, piece: &[u8]) -> Option<u32> {
        let h = hash(piece);
        let tag = (h >> (32 + self.rank_bits)) as u32;
        let rmask = (1u32 << self.rank_bits) - 1;
        let mut i = h as usize & self.mask;
        loop {
            let s = u32_at(&self.buf, HEADER + 4 * i)?;
            if s == EMPTY {
                return None;
            }
            if s >> self.rank_bits == tag {
                let r = s & rmask;
                if tokens.get(r) == Some(piece) {
                    return Some(r);
                }
            }
            i = (i + 1) & self.mask;
        }
    }

    #[inline]
    pub(crate) fn byte(&self, b: u8) -> u32 {
        self.byte_rank[b as usize]
    }
}

/// The two files of one vocabulary, made from a tiktoken rank file (`base64-token rank` lines).
pub struct Built {
    pub tokens: Vec<u8>,
    pub ranks: Vec<u8>,
    /// Longest probe sequence in the rank table (a quality figure of [`hash`]).
    pub max_probe: usize,
}

/// Builds the `.tokens` and `.ranks` files from a `.tiktoken` rank file. Deterministic: the same
/// input always gives the same bytes (tokens are inserted in rank order).
#[doc(hidden)]
pub fn build(rank_file: &[u8]) -> Result<Built> {
    use base64::Engine as _;
    let text = std::str::from_utf8(rank_file).map_err(|e| bad(e.to_string()))?;
    let mut by_rank: Vec<Option<Vec<u8>>> = Vec::new();
    for (lineno, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |what: &str| bad(format!("line {}: {what}", lineno + 1));
        let mut parts = line.split(' ');
        let (Some(tok), Some(rank), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err("expected 'base64-token rank'"));
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(tok)
            .map_err(|_| err("token is not base64"))?;
        let rank: usize = rank.trim().parse().map_err(|_| err("bad rank"))?;
        if rank >= 1 << 24 || bytes.is_empty() {
            return Err(err("rank above 2^24 or empty token"));
        }
        if by_rank.len() <= rank {
            by_rank.resize(rank + 1, None);
        }
        if by_rank[rank].replace(bytes).is_some() {
            return Err(err("duplicate rank"));
        }
    }
    let n = by_rank.len();

    // Tokens file.
    let mut offsets = Vec::with_capacity(n + 1);
    let mut bytes = Vec::new();
    offsets.push(0u32);
    for t in &by_rank {
        if let Some(t) = t {
            bytes.extend_from_slice(t);
        }
        offsets.push(bytes.len() as u32);
    }
    let mut body = Vec::with_capacity(pad8(4 * (n + 1)) + pad8(bytes.len()));
    for o in &offsets {
        body.extend_from_slice(&o.to_le_bytes());
    }
    body.resize(pad8(body.len()), 0);
    body.extend_from_slice(&bytes);
    body.resize(pad8(body.len()), 0);
    let tokens = with_header(KIND_TOKENS, n as u32, bytes.len() as u32, 0, body);

    // Ranks file: load factor at most 1/2, ranks in the low bits, a hash tag above them.
    let mut log2 = 1u32;
    while (1usize << log2) < 2 * n {
        log2 += 1;
    }
    let mut rank_bits = 1u32;
    while (1u64 << rank_bits) - 1 <= n as u64 {
        rank_bits += 1;
    }
    let mask = (1usize << log2) - 1;
    let mut slots = vec![EMPTY; mask + 1];
    let mut max_probe = 0;
    let mut seen = std::collections::HashSet::new();
    for (r, t) in by_rank.iter().enumerate() {
        let Some(t) = t else { continue };
        if !seen.insert(t.as_slice()) {
            return Err(bad(format!("rank {r}: duplicate token")));
        }
        let h = hash(t);
        let tag = (h >> (32 + rank_bits)) as u32;
        let mut i = h as usize & mask;
        let mut probe = 1;
        while slots[i] != EMPTY {
            i = (i + 1) & mask;
            probe += 1;
        }
        max_probe = max_probe.max(probe);
        slots[i] = (tag << rank_bits) | r as u32;
    }
    let mut body = Vec::with_capacity(4 * slots.len());
    for s in &slots {
        body.extend_from_slice(&s.to_le_bytes());
    }
    let ranks = with_header(KIND_RANKS, n as u32, log2, rank_bits, body);

    // The generated pair must load (this also checks that all 256 single bytes have a token).
    let t = TokenTable::new(Blob::Owned(tokens.clone()))?;
    RankTable::new(Blob::Owned(ranks.clone()), &t)?;
    Ok(Built {
        tokens,
        ranks,
        max_probe,
    })
}

/// How the generator stores a table compressed (zstd level 19).
#[doc(hidden)]
pub fn compress(table: &[u8]) -> Result<Vec<u8>> {
    crate::codecs::zstd::compress(table, 19)
}

/// A stored table as used: expanded if it is zstd-compressed, else as it is.
#[doc(hidden)]
pub fn expand(stored: &[u8]) -> Result<Vec<u8>> {
    if stored.starts_with(&ZSTD_MAGIC) {
        crate::codecs::zstd::decompress(stored, MAX_TABLE)
    } else {
        Ok(stored.to_vec())
    }
}

pub(crate) const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];
/// Largest expanded table accepted (o200k_base's largest is 2.2 MB).
pub(crate) const MAX_TABLE: usize = 64 << 20;

fn with_header(kind: u32, n: u32, param: u32, rank_bits: u32, body: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(MAGIC);
    for v in [kind, n, param, rank_bits] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&checksum(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}
