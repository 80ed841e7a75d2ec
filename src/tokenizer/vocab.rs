//! The built-in vocabularies in a flat little-endian layout that is used where it lies.
//!
//! Each vocabulary is two files under `vocab/`, made by [`build`] from tiktoken's `.tiktoken`
//! rank files (`tacc vocab`, see `vocab/README.md`):
//!
//! - `<name>.tokens`: what decoding needs. The token bytes concatenated, and `n + 1` u32
//!   offsets: token `r` is `bytes[off[r]..off[r + 1]]`; an empty range is a rank with no token.
//! - `<name>.ranks`: what encoding needs on top. An open-addressing hash table (linear probing)
//!   from token bytes to rank, precomputed, so nothing is built at load, and stored without its
//!   empty slots so that it is as small as the table compressed would be.
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
//! | 24 | 8 | `checksum` of everything after the header |
//!
//! Tokens body (at 32): offsets `u32[n + 1]`, zero padding to a multiple of 8, the bytes, zero
//! padding to a multiple of 8.
//!
//! Ranks body (at 32), for `S = 2^log2` slots: the occupancy bitmap `u64[S / 64]` (bit `i % 64`
//! of word `i / 64` set if slot `i` holds a token); `u32[S / 64]` running counts (occupied slots
//! before each word), padded to 8; then one `u32` value per occupied slot, in slot order, padded
//! to 8. A value is `(tag << rank_bits) | rank`, with `tag` the top `32 - rank_bits` bits of
//! `hash` of the token bytes, so most probes that miss are decided without touching the token
//! bytes. The home slot of a token is `hash & (S - 1)`, then the next ones (wrapping) until an
//! empty one. The value of occupied slot `i` is at index `count[i / 64] + popcount(bits below
//! i in its word)`.
//!
//! Loading checks the checksum (a word-wise pass at memory speed) and the bounds of every offset
//! and slot once, in O(size); lookups after that still index with checked slices.

use crate::error::{Error, Result};

pub(crate) const MAGIC: &[u8; 8] = b"TACCVOC1";
pub(crate) const HEADER: usize = 32;
const KIND_TOKENS: u32 = 1;
#[cfg(feature = "encode")]
const KIND_RANKS: u32 = 2;
#[cfg(feature = "encode")]
const EMPTY: u32 = u32::MAX;

#[cfg(feature = "encode")]
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
        let (n, total, zero) = check_header(&buf, KIND_TOKENS)?;
        if zero != 0 {
            return Err(bad("tokens table header has a stray field"));
        }
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

    #[cfg(feature = "encode")]
    /// Number of ranks (holes included).
    pub(crate) fn len(&self) -> u32 {
        self.n
    }

    #[cfg(feature = "encode")]
    /// Whether rank `r`'s token is exactly `piece`: the length first, then the bytes, without a
    /// call to memcmp for the short pieces that most lookups are.
    #[inline]
    pub(crate) fn is(&self, r: u32, piece: &[u8]) -> bool {
        let at = HEADER + 4 * r as usize;
        let (Some(a), Some(b)) = (u32_at(&self.buf, at), u32_at(&self.buf, at + 4)) else {
            return false;
        };
        if b.wrapping_sub(a) as usize != piece.len() || r >= self.n {
            return false;
        }
        let start = self.bytes_at + a as usize;
        let Some(t) = self.buf.get(start..start + piece.len()) else {
            return false;
        };
        if piece.len() <= 8 {
            t.iter().zip(piece).all(|(x, y)| x == y)
        } else {
            t == piece
        }
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

#[cfg(feature = "encode")]
/// A `.ranks` table: token bytes -> rank, used in place.
pub(crate) struct RankTable {
    buf: Blob,
    mask: usize,
    rank_bits: u32,
    counts_at: usize,
    values_at: usize,
    /// The rank of each single byte: every byte-level vocabulary has all 256, checked at load,
    /// so BPE's last resort never fails.
    byte_rank: [u32; 256],
}

#[cfg(feature = "encode")]
#[inline]
fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(8)?)?;
    let mut w = [0u8; 8];
    w.copy_from_slice(s);
    Some(u64::from_le_bytes(w))
}

#[cfg(feature = "encode")]
impl RankTable {
    pub(crate) fn new(buf: Blob, tokens: &TokenTable) -> Result<RankTable> {
        let (n, log2, rank_bits) = check_header(&buf, KIND_RANKS)?;
        if n != tokens.len() || !(6..=30).contains(&log2) || !(1..32).contains(&rank_bits) {
            return Err(bad("rank table header does not fit its tokens table"));
        }
        if (n as u64) >= (1u64 << rank_bits) - 1 {
            return Err(bad("rank bits too few for the ranks"));
        }
        let slots = 1usize << log2;
        let words = slots / 64;
        let counts_at = HEADER + 8 * words;
        let values_at = counts_at + pad8(4 * words);
        // Block counts must be the running popcount of the bitmap: then every index computed
        // from them lies inside the values, whose length must be the total.
        let mut total = 0u32;
        for k in 0..words {
            let w = u64_at(&buf, HEADER + 8 * k).ok_or_else(|| bad("bitmap cut short"))?;
            if u32_at(&buf, counts_at + 4 * k) != Some(total) {
                return Err(bad(format!("block count {k} is wrong")));
            }
            total += w.count_ones();
        }
        // Probing stops at an empty slot: without one, a miss would never end.
        if total as usize >= slots || buf.len() != values_at + pad8(4 * total as usize) {
            return Err(bad("rank table length does not match its bitmap"));
        }
        let rmask = (1u32 << rank_bits) - 1;
        for i in 0..total as usize {
            let v = u32_at(&buf, values_at + 4 * i).unwrap_or(u32::MAX);
            if v & rmask >= n {
                return Err(bad(format!(
                    "slot value {i} names rank {} of {n}",
                    v & rmask
                )));
            }
        }
        let mut t = RankTable {
            buf,
            mask: slots - 1,
            rank_bits,
            counts_at,
            values_at,
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
            let w = u64_at(&self.buf, HEADER + 8 * (i >> 6))?;
            let bit = i & 63;
            if (w >> bit) & 1 == 0 {
                return None;
            }
            let before = (w & ((1u64 << bit) - 1)).count_ones();
            let at = u32_at(&self.buf, self.counts_at + 4 * (i >> 6))? + before;
            let v = u32_at(&self.buf, self.values_at + 4 * at as usize)?;
            if v >> self.rank_bits == tag {
                let r = v & rmask;
                if tokens.is(r, piece) {
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

#[cfg(feature = "encode")]
/// The two files of one vocabulary, made from a tiktoken rank file (`base64-token rank` lines).
pub struct Built {
    pub tokens: Vec<u8>,
    pub ranks: Vec<u8>,
    /// Longest probe sequence in the rank table (a quality figure of `hash`).
    pub max_probe: usize,
}

#[cfg(feature = "encode")]
/// Builds the `.tokens` and `.ranks` files from a `.tiktoken` rank file. Deterministic: the same
/// input always gives the same bytes (tokens are inserted in rank order).
#[doc(hidden)]
pub fn build(rank_file: &[u8]) -> Result<Built> {
    build_from_ranks(&parse_rank_file(rank_file)?)
}

#[cfg(feature = "encode")]
/// The token bytes of each rank of a `.tiktoken` rank file (`base64-token rank` lines; ranks
/// may leave holes, which are `None`).
pub(crate) fn parse_rank_file(rank_file: &[u8]) -> Result<Vec<Option<Vec<u8>>>> {
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
            // Holes cost one pointer each; the rank is below 2^24, so this is bounded.
            by_rank.resize(rank + 1, None);
        }
        if by_rank[rank].replace(bytes).is_some() {
            return Err(err("duplicate rank"));
        }
    }
    Ok(by_rank)
}

#[cfg(feature = "encode")]
/// Builds the `.tokens` and `.ranks` files from the token bytes of each rank (holes allowed).
/// Deterministic: tokens are inserted in rank order.
pub(crate) fn build_from_ranks(by_rank: &[Option<Vec<u8>>]) -> Result<Built> {
    let n = by_rank.len();

    // Tokens file.
    let mut offsets = Vec::with_capacity(n + 1);
    let mut bytes = Vec::new();
    offsets.push(0u32);
    for t in by_rank {
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

    // Ranks file: an open-addressing table (linear probing, load factor at most 1/2) stored
    // without its empty slots: a bitmap of the occupied ones, a running count per 64 slots, and
    // the occupied slots' values in slot order (rank in the low bits, a hash tag above).
    let mut log2 = 6u32;
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
    let mut bitmap = Vec::new();
    let mut counts = Vec::new();
    let mut values = Vec::new();
    let mut total = 0u32;
    for block in slots.chunks(64) {
        counts.extend_from_slice(&total.to_le_bytes());
        let mut w = 0u64;
        for (bit, &v) in block.iter().enumerate() {
            if v != EMPTY {
                w |= 1 << bit;
                values.extend_from_slice(&v.to_le_bytes());
                total += 1;
            }
        }
        bitmap.extend_from_slice(&w.to_le_bytes());
    }
    let mut body = bitmap;
    body.extend_from_slice(&counts);
    body.resize(pad8(body.len()), 0);
    body.extend_from_slice(&values);
    body.resize(pad8(body.len()), 0);
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

pub(crate) const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];
/// Largest expanded table accepted (o200k_base's largest is 2.2 MB).
pub(crate) const MAX_TABLE: usize = 64 << 20;

#[cfg(feature = "encode")]
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

#[cfg(all(test, feature = "encode"))]
mod tests {
    use super::*;

    fn tiny() -> Built {
        use base64::Engine as _;
        let mut file = String::new();
        for b in 0u8..=255 {
            let t = base64::engine::general_purpose::STANDARD.encode([b]);
            file.push_str(&format!("{t} {b}\n"));
        }
        // A hole at 256, then two merges.
        file.push_str("dGg= 257\ndGhl 258\n");
        build(file.as_bytes()).unwrap()
    }

    #[test]
    fn tables_round_trip_and_holes_decode_to_nothing() {
        let b = tiny();
        let t = TokenTable::new(Blob::Owned(b.tokens)).unwrap();
        let r = RankTable::new(Blob::Owned(b.ranks), &t).unwrap();
        assert_eq!(t.len(), 259);
        assert_eq!(t.get(258), Some(&b"the"[..]));
        assert_eq!(t.get(256), None);
        assert_eq!(t.get(259), None);
        assert_eq!(r.get(&t, b"the"), Some(258));
        assert_eq!(r.get(&t, b"th"), Some(257));
        assert_eq!(r.get(&t, b"he"), None);
        assert_eq!(r.get(&t, b""), None);
        assert_eq!(r.byte(b'a'), b'a' as u32);
    }

    #[test]
    fn every_flipped_or_cut_table_is_refused() {
        let b = tiny();
        for i in (0..b.tokens.len()).step_by(7) {
            let mut bad = b.tokens.clone();
            bad[i] ^= 0x10;
            assert!(
                TokenTable::new(Blob::Owned(bad)).is_err(),
                "tokens byte {i}"
            );
        }
        let t = TokenTable::new(Blob::Owned(b.tokens.clone())).unwrap();
        for i in (0..b.ranks.len()).step_by(5) {
            let mut bad = b.ranks.clone();
            bad[i] ^= 0x01;
            assert!(
                RankTable::new(Blob::Owned(bad), &t).is_err(),
                "ranks byte {i}"
            );
        }
        for cut in [0, 8, 31, 32, b.tokens.len() - 8] {
            assert!(TokenTable::new(Blob::Owned(b.tokens[..cut].to_vec())).is_err());
        }
        assert!(RankTable::new(Blob::Owned(b.ranks[..b.ranks.len() - 8].to_vec()), &t).is_err());
        // A rank table of another vocabulary does not fit.
        assert!(RankTable::new(Blob::Owned(b.tokens.clone()), &t).is_err());
    }

    #[test]
    fn checksum_sees_every_word() {
        let body = vec![0u8; 96];
        let base = checksum(&body);
        for i in 0..96 {
            let mut b = body.clone();
            b[i] = 1;
            assert_ne!(checksum(&b), base, "byte {i}");
        }
    }
}
