//! Carry-less binary arithmetic coder (32-bit, 12-bit probabilities) with a minimal flush.

pub(crate) trait BitIo {
    /// Code one binary decision. `p1` = P(bit = 1) in 1..4095 of 4096. The encoder codes `bit`
    /// and returns it; the decoder ignores `bit` and returns the decoded one.
    fn code(&mut self, bit: u32, p1: u32) -> u32;
}

pub(crate) struct Encoder {
    x1: u32,
    x2: u32,
    pub(crate) out: Vec<u8>,
}

impl Encoder {
    pub(crate) fn new() -> Self {
        Encoder {
            x1: 0,
            x2: u32::MAX,
            out: Vec::new(),
        }
    }
    /// Emit the fewest bytes that pin a value inside [x1, x2] when the decoder pads with zeros,
    /// and restart the coder for the next chunk.
    pub(crate) fn flush(&mut self) -> Vec<u8> {
        let mut k = 0u32;
        while k < 4 {
            let mask: u32 = if k == 0 { 0 } else { !(u32::MAX >> (8 * k)) };
            if self.x2 & mask >= self.x1 {
                break;
            }
            k += 1;
        }
        for i in 0..k {
            self.out.push((self.x2 >> (24 - 8 * i)) as u8);
        }
        self.x1 = 0;
        self.x2 = u32::MAX;
        std::mem::take(&mut self.out)
    }
}

impl BitIo for Encoder {
    #[inline(always)]
    fn code(&mut self, bit: u32, p1: u32) -> u32 {
        let r = self.x2 - self.x1;
        let xmid = self.x1 + (r >> 12) * p1 + (((r & 0xfff) * p1) >> 12);
        if bit != 0 {
            self.x2 = xmid;
        } else {
            self.x1 = xmid + 1;
        }
        while (self.x1 ^ self.x2) & 0xff00_0000 == 0 {
            self.out.push((self.x2 >> 24) as u8);
            self.x1 <<= 8;
            self.x2 = (self.x2 << 8) | 255;
        }
        bit
    }
}

pub(crate) struct Decoder<'a> {
    x1: u32,
    x2: u32,
    x: u32,
    data: &'a [u8],
    pos: usize,
}

impl<'a> Decoder<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        let mut d = Decoder {
            x1: 0,
            x2: u32::MAX,
            x: 0,
            data,
            pos: 0,
        };
        for _ in 0..4 {
            d.x = (d.x << 8) | d.next_byte();
        }
        d
    }
    /// After the last decision: whether the data ends exactly where the encoder's `flush` ended
    /// it. The decoder's state mirrors the encoder's, so it knows how many bytes the minimal
    /// flush wrote and what they were; bytes appended to a payload (or cut from it) show here
    /// even when every token still decoded.
    pub(crate) fn ends_exactly(&self) -> bool {
        let mut flusher = Encoder {
            x1: self.x1,
            x2: self.x2,
            out: Vec::new(),
        };
        let tail = flusher.flush();
        // Bytes shifted out while coding: all that was read, minus the 4 read ahead at the start.
        let Some(coded) = self.pos.checked_sub(4) else {
            return false;
        };
        coded + tail.len() == self.data.len() && self.data[coded..] == tail[..]
    }

    #[inline(always)]
    fn next_byte(&mut self) -> u32 {
        let b = self.data.get(self.pos).copied().unwrap_or(0) as u32;
        self.pos += 1;
        b
    }

    /// Bytes read beyond the data (zero padding) so far. The decoder reads 4 bytes ahead of
    /// what the encoder had shifted out and `flush` writes 0-4 of them, so data from the
    /// encoder never needs more than 4: past that, the bytes ended before the tokens did.
    #[inline(always)]
    pub(crate) fn overrun(&self) -> usize {
        self.pos.saturating_sub(self.data.len())
    }
}

impl BitIo for Decoder<'_> {
    #[inline(always)]
    fn code(&mut self, _bit: u32, p1: u32) -> u32 {
        let r = self.x2 - self.x1;
        let xmid = self.x1 + (r >> 12) * p1 + (((r & 0xfff) * p1) >> 12);
        let y = (self.x <= xmid) as u32;
        if y != 0 {
            self.x2 = xmid;
        } else {
            self.x1 = xmid + 1;
        }
        while (self.x1 ^ self.x2) & 0xff00_0000 == 0 {
            self.x1 <<= 8;
            self.x2 = (self.x2 << 8) | 255;
            self.x = (self.x << 8) | self.next_byte();
        }
        y
    }
}

/// Cost accumulator (1/256 bit units) for ideal code lengths.
pub(crate) struct CostMeter {
    pub(crate) total: u64,
}

impl BitIo for CostMeter {
    #[inline(always)]
    fn code(&mut self, bit: u32, p1: u32) -> u32 {
        let p = if bit != 0 { p1 } else { 4096 - p1 };
        self.total += super::tables::COST[p as usize] as u64;
        bit
    }
}
