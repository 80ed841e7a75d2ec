//! 32-bit multi-symbol range coder (LZMA-style carry propagation) with a minimal flush.
//!
//! Symbols are coded as `(cum, freq, total)` with `total <= 2^16`; after normalisation the range
//! is at least 2^24, so `range / total >= 2^8` and every symbol of frequency >= 1 keeps a
//! non-empty interval. The first byte LZMA writes (always 0) is not written.

/// The side of the coder a model runs against: the encoder codes a known symbol, the decoder
/// first asks where the coded value lies (`target`), then consumes the symbol found there.
pub(crate) trait RangeIo {
    const DECODE: bool;
    /// Decoder: the value in `0..total` the next symbol's interval contains. Encoder: 0.
    fn target(&mut self, total: u32) -> u32;
    /// Codes the symbol `[cum, cum + freq)` of `total` (after `target` with the same total).
    fn code(&mut self, cum: u32, freq: u32, total: u32);
    /// Decoder: marks the data as impossible (a symbol no encoder writes). Others: nothing.
    fn fail(&mut self) {}
}

const TOP: u32 = 1 << 24;

#[derive(Clone)]
pub(crate) struct Encoder {
    low: u64,
    range: u32,
    cache: u8,
    pending: u64,
    started: bool,
    pub(crate) out: Vec<u8>,
}

impl Encoder {
    pub(crate) fn new() -> Self {
        Encoder {
            low: 0,
            range: u32::MAX,
            cache: 0,
            pending: 0,
            started: false,
            out: Vec::new(),
        }
    }

    #[inline(always)]
    fn shift_low(&mut self) {
        if (self.low as u32) < 0xFF00_0000 || (self.low >> 32) != 0 {
            let carry = (self.low >> 32) as u8;
            if self.started {
                self.out.push(self.cache.wrapping_add(carry));
            }
            for _ in 0..self.pending {
                self.out.push(0xFFu8.wrapping_add(carry));
            }
            self.pending = 0;
            self.cache = (self.low >> 24) as u8;
            self.started = true;
        } else {
            self.pending += 1;
        }
        self.low = (self.low & 0x00FF_FFFF) << 8;
    }

    /// Ends the chunk with the fewest bytes that pin a value inside the final interval when the
    /// decoder pads with zero bytes, and restarts the coder for the next chunk.
    pub(crate) fn flush(&mut self) -> Vec<u8> {
        let (v, k) = final_value(self.low, self.range);
        self.low = v;
        for _ in 0..k {
            self.shift_low();
        }
        // What is left is the cache byte and the 0xFF run, with the carry of `v` if k == 0.
        let carry = (self.low >> 32) as u8;
        if self.started {
            self.out.push(self.cache.wrapping_add(carry));
        }
        for _ in 0..self.pending {
            self.out.push(0xFFu8.wrapping_add(carry));
        }
        *self = Encoder {
            out: std::mem::take(&mut self.out),
            ..Encoder::new()
        };
        std::mem::take(&mut self.out)
    }
}

/// The value a minimal flush writes for the interval `[low, low + range)`, and how many bytes of
/// the 32-bit window it needs (0-4): `low` rounded up to the coarsest byte grid that stays inside.
#[inline]
fn final_value(low: u64, range: u32) -> (u64, u32) {
    for k in 0..4u32 {
        let grid = 1u64 << (32 - 8 * k);
        let v = (low + grid - 1) & !(grid - 1);
        if v < low + range as u64 {
            return (v, k);
        }
    }
    (low, 4)
}

impl RangeIo for Encoder {
    const DECODE: bool = false;
    #[inline(always)]
    fn target(&mut self, _total: u32) -> u32 {
        0
    }
    #[inline(always)]
    fn code(&mut self, cum: u32, freq: u32, total: u32) {
        let r = self.range / total;
        self.low += r as u64 * cum as u64;
        self.range = r * freq;
        while self.range < TOP {
            self.range <<= 8;
            self.shift_low();
        }
    }
}

pub(crate) struct Decoder<'a> {
    range: u32,
    code: u32,
    /// The last four bytes read (zero padded): with `code` they give `low` at the end.
    win: u32,
    r: u32,
    data: &'a [u8],
    pos: usize,
    /// Set when the bytes cannot come from the encoder (a value beyond the symbol total).
    pub(crate) bad: bool,
}

impl<'a> Decoder<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        let mut d = Decoder {
            range: u32::MAX,
            code: 0,
            win: 0,
            r: 1,
            data,
            pos: 0,
            bad: false,
        };
        for _ in 0..4 {
            let b = d.next_byte();
            d.code = (d.code << 8) | b;
            d.win = (d.win << 8) | b;
        }
        d
    }

    #[inline(always)]
    fn next_byte(&mut self) -> u32 {
        let b = self.data.get(self.pos).copied().unwrap_or(0) as u32;
        self.pos += 1;
        b
    }

    /// Bytes not read yet (with the 4 in the window).
    pub(crate) fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos) + 4
    }

    /// Bytes read beyond the data (zero padding) so far.
    pub(crate) fn overrun(&self) -> usize {
        self.pos.saturating_sub(self.data.len())
    }

    /// After the last symbol: whether the data is exactly what the encoder's `flush` wrote for
    /// the symbols decoded. Bytes appended to a chunk, cut from it, or changed so that the same
    /// symbols still decode all show here.
    pub(crate) fn ends_exactly(&self) -> bool {
        if self.bad {
            return false;
        }
        let low = self.win.wrapping_sub(self.code) as u64;
        let (v, k) = final_value(low, self.range);
        let coded = self.pos - 4;
        (v - low) as u32 == self.code && coded + k as usize == self.data.len()
    }
}

impl RangeIo for Decoder<'_> {
    const DECODE: bool = true;
    #[inline(always)]
    fn target(&mut self, total: u32) -> u32 {
        self.r = self.range / total;
        let v = self.code / self.r;
        if v >= total {
            self.bad = true;
            return total - 1;
        }
        v
    }
    fn fail(&mut self) {
        self.bad = true;
    }
    #[inline(always)]
    fn code(&mut self, cum: u32, freq: u32, _total: u32) {
        // On bad data `code` may leave the interval; wrapping keeps it defined, `bad` reports it.
        self.code = self.code.wrapping_sub(self.r * cum);
        self.range = self.r * freq;
        while self.range < TOP {
            self.range <<= 8;
            let b = self.next_byte();
            self.code = (self.code << 8) | b;
            self.win = (self.win << 8) | b;
        }
    }
}

/// Ideal code length accumulator, in 1/256 bit.
pub(crate) struct CostMeter {
    pub(crate) total: u64,
}

impl RangeIo for CostMeter {
    const DECODE: bool = false;
    #[inline(always)]
    fn target(&mut self, _total: u32) -> u32 {
        0
    }
    #[inline(always)]
    fn code(&mut self, _cum: u32, freq: u32, total: u32) {
        let bits = log2_fixed(total as u64) - log2_fixed(freq.max(1) as u64);
        self.total += (bits >> 8) as u64;
    }
}

/// log2(x) in 1/65536 units (x >= 1), integer only.
pub(crate) const fn log2_fixed(x: u64) -> u32 {
    let x = if x == 0 { 1 } else { x };
    let e = 63 - x.leading_zeros();
    let m = ((x << (63 - e)) >> 51) & 0xfff;
    (e << 16) + LOG2FRAC[m as usize]
}

/// log2(1 + m/4096) in 1/65536 units, by repeated squaring (const, bit-exact).
const fn build_log2frac() -> [u32; 4096] {
    let mut t = [0u32; 4096];
    let mut m = 0;
    while m < 4096 {
        let mut z: u64 = (1u64 << 28) + ((m as u64) << 16);
        let mut r = 0u32;
        let mut i = 0;
        while i < 16 {
            z = (z * z) >> 28;
            if z >= (2u64 << 28) {
                z >>= 1;
                r |= 1 << (15 - i);
            }
            i += 1;
        }
        t[m] = r;
        m += 1;
    }
    t
}
const LOG2FRAC: [u32; 4096] = build_log2frac();

/// Codes a binary decision with P(1) = p1/4096.
#[inline]
pub(crate) fn code_flag<C: RangeIo>(io: &mut C, bit: bool, p1: u32) -> bool {
    let p1 = p1.clamp(1, 4095);
    let b = if C::DECODE {
        io.target(4096) < p1
    } else {
        io.target(4096);
        bit
    };
    if b {
        io.code(0, p1, 4096);
    } else {
        io.code(p1, 4096 - p1, 4096);
    }
    b
}

/// Codes the low `nbits` (<= 32) bits of `value`, uniformly, 16 bits per step.
#[inline]
pub(crate) fn code_bits<C: RangeIo>(io: &mut C, value: u32, nbits: u32) -> u32 {
    let nbits = nbits.min(32);
    let mut out = 0u32;
    let mut left = nbits;
    while left > 0 {
        let n = left.min(16);
        left -= n;
        let part = (value >> left) & ((1u32 << n) - 1);
        let total = 1u32 << n;
        let v = if C::DECODE {
            io.target(total)
        } else {
            io.target(total);
            part
        };
        io.code(v, 1, total);
        out = (out << n) | v;
    }
    out
}
