//! tacc 0.1.0's payload: a Thrift CompactProtocol struct `{1: list<i32>}`.
//!
//! Bytes: `0x19` (field 1, type list), the list header (`size << 4 | 5` below 15 elements,
//! else `0xF5` and a varint size), one zigzag varint per i32, `0x00` (stop).
//! The hand-written path below is the one used; `reference_*` go through the `thrift`
//! crate, and tests and benchmarks hold the two to the same bytes.

use crate::error::{Error, Result};
use crate::mapping::unzigzag;
#[cfg(feature = "encode")]
use crate::mapping::zigzag;

const FORMAT: &str = "tacc (Thrift)";
const FIELD_1_LIST: u8 = 0x19;
const I32: u8 = 5;

/// Upper bound of the encoded size of `n` i32 values.
pub fn encoded_len_bound(n: usize) -> usize {
    1 + 6 + n * 5 + 1
}

#[cfg(feature = "encode")]
#[inline]
fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[cfg(feature = "encode")]
/// Appends the payload for `values` to `out`.
pub fn encode_into<I: ExactSizeIterator<Item = i32>>(values: I, out: &mut Vec<u8>) {
    let n = values.len();
    out.reserve(encoded_len_bound(n));
    out.push(FIELD_1_LIST);
    if n < 15 {
        out.push(((n as u8) << 4) | I32);
    } else {
        out.push(0xF0 | I32);
        put_varint(out, n as u32);
    }
    for v in values {
        put_varint(out, zigzag(v));
    }
    out.push(0);
}

#[cfg(feature = "encode")]
pub fn encode(values: &[i32]) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(values.iter().copied(), &mut out);
    out
}

#[inline]
fn get_varint(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    let mut v: u32 = 0;
    for shift in [0u32, 7, 14, 21, 28] {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        if shift == 28 && b > 0x0F {
            return None;
        }
        v |= ((b & 0x7F) as u32) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

/// Decodes a payload. Exact tacc-shaped payloads take the fast path; anything else (other
/// fields, trailing data, long list headers for short lists) goes through a general
/// CompactProtocol reader that skips unknown fields as tacc's generated code does.
pub fn decode(bytes: &[u8]) -> Result<Vec<i32>> {
    decode_limited(bytes, crate::limits::MAX_TOKENS)
}

/// [`decode`], refusing a list of more than `max_items` values before allocating it.
pub fn decode_limited(bytes: &[u8], max_items: usize) -> Result<Vec<i32>> {
    if let Some(n) = declared_len(bytes) {
        crate::limits::Limits::check_tokens(n, max_items)?;
    }
    match decode_fast(bytes) {
        Some(v) => Ok(v),
        None => decode_general(bytes, max_items),
    }
}

/// The length a tacc-shaped payload's list header declares (field 1, `list<i32>`, first).
pub fn declared_len(bytes: &[u8]) -> Option<u64> {
    if bytes.len() < 2 || bytes[0] != FIELD_1_LIST || bytes[1] & 0x0F != I32 {
        return None;
    }
    let mut pos = 2;
    match bytes[1] >> 4 {
        15 => get_varint(bytes, &mut pos).map(u64::from),
        small => Some(small as u64),
    }
}

/// CompactProtocol type codes.
mod ty {
    pub const BOOL_TRUE: u8 = 1;
    pub const BOOL_FALSE: u8 = 2;
    pub const BYTE: u8 = 3;
    pub const I16: u8 = 4;
    pub const I32: u8 = 5;
    pub const I64: u8 = 6;
    pub const DOUBLE: u8 = 7;
    pub const BINARY: u8 = 8;
    pub const LIST: u8 = 9;
    pub const SET: u8 = 10;
    pub const MAP: u8 = 11;
    pub const STRUCT: u8 = 12;
}

/// Nesting deeper than this is refused (the thrift crate uses the same bound).
const MAX_DEPTH: u32 = 64;

/// A bounded CompactProtocol reader: every length is checked against the bytes left before
/// anything is allocated. (The `thrift` crate's `skip` allocates a string's declared length
/// first, which a fuzzer turned into a 2.7 GB allocation; so it is not used on untrusted input.)
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn err(&self, what: &str) -> Error {
        Error::corrupt(FORMAT, format!("{what} at byte {}", self.pos))
    }

    fn byte(&mut self) -> Result<u8> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or_else(|| self.err("unexpected end of payload"))?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            v |= ((b & 0x7F) as u64)
                .checked_shl(shift)
                .ok_or_else(|| self.err("varint too long"))?;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(self.err("varint too long"))
    }

    fn i32(&mut self) -> Result<i32> {
        let v = self.varint()?;
        let v = u32::try_from(v).map_err(|_| self.err("i32 out of range"))?;
        Ok(unzigzag(v))
    }

    /// A count of items that each take at least one byte: bounded by the bytes left.
    fn count(&mut self, n: u64) -> Result<usize> {
        if n > (self.bytes.len() - self.pos) as u64 {
            return Err(self.err(&format!("{n} items cannot fit in the bytes left")));
        }
        Ok(n as usize)
    }

    fn list_header(&mut self) -> Result<(u8, usize)> {
        let h = self.byte()?;
        let n = match h >> 4 {
            15 => self.varint()?,
            small => small as u64,
        };
        Ok((h & 0x0F, self.count(n)?))
    }

    fn skip(&mut self, t: u8, depth: u32) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        match t {
            ty::BOOL_TRUE | ty::BOOL_FALSE => Ok(()),
            ty::BYTE => self.byte().map(|_| ()),
            ty::I16 | ty::I32 | ty::I64 => self.varint().map(|_| ()),
            ty::DOUBLE => {
                let end = self.pos + 8;
                if end > self.bytes.len() {
                    return Err(self.err("truncated double"));
                }
                self.pos = end;
                Ok(())
            }
            ty::BINARY => {
                let n = self.varint()?;
                let n = self.count(n)?;
                self.pos += n;
                Ok(())
            }
            ty::LIST | ty::SET => {
                let (elem, n) = self.list_header()?;
                for _ in 0..n {
                    // Booleans inside containers take one byte each.
                    if matches!(elem, ty::BOOL_TRUE | ty::BOOL_FALSE) {
                        self.byte()?;
                    } else {
                        self.skip(elem, depth + 1)?;
                    }
                }
                Ok(())
            }
            ty::MAP => {
                let n = self.varint()?;
                let n = self.count(n)?;
                if n == 0 {
                    return Ok(());
                }
                let kv = self.byte()?;
                for _ in 0..n {
                    for t in [kv >> 4, kv & 0x0F] {
                        if matches!(t, ty::BOOL_TRUE | ty::BOOL_FALSE) {
                            self.byte()?;
                        } else {
                            self.skip(t, depth + 1)?;
                        }
                    }
                }
                Ok(())
            }
            ty::STRUCT => self.skip_struct(depth + 1),
            other => Err(self.err(&format!("unknown Thrift type {other}"))),
        }
    }

    fn skip_struct(&mut self, depth: u32) -> Result<()> {
        loop {
            let h = self.byte()?;
            if h == 0 {
                return Ok(());
            }
            if h >> 4 == 0 {
                self.varint()?; // explicit field ID
            }
            self.skip(h & 0x0F, depth)?;
        }
    }
}

/// The general reader: the top-level struct, field 1 as `list<i32>`, other fields skipped.
fn decode_general(bytes: &[u8], max_items: usize) -> Result<Vec<i32>> {
    let mut r = Reader { bytes, pos: 0 };
    let mut last_id: i64 = 0;
    let mut ids = None;
    loop {
        let h = r.byte()?;
        if h == 0 {
            break;
        }
        let t = h & 0x0F;
        let id = match h >> 4 {
            0 => {
                let v = r.varint()?;
                unzigzag(u32::try_from(v).map_err(|_| r.err("bad field ID"))?) as i64
            }
            delta => last_id + delta as i64,
        };
        last_id = id;
        if id == 1 && t == ty::LIST {
            let (elem, n) = r.list_header()?;
            if elem != ty::I32 {
                return Err(r.err("field 1 is not a list<i32>"));
            }
            crate::limits::Limits::check_tokens(n as u64, max_items)?;
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                v.push(r.i32()?);
            }
            ids = Some(v);
        } else {
            r.skip(t, 1)?;
        }
    }
    ids.ok_or_else(|| Error::corrupt(FORMAT, "field 1 (the ID list) is missing"))
}

fn decode_fast(bytes: &[u8]) -> Option<Vec<i32>> {
    if bytes.len() < 3 || bytes[0] != FIELD_1_LIST || bytes[1] & 0x0F != I32 {
        return None;
    }
    let mut pos = 2;
    let n = match bytes[1] >> 4 {
        15 => get_varint(bytes, &mut pos)? as usize,
        small => small as usize,
    };
    // Each value takes at least one byte: a larger count is a lie, not an allocation.
    if n > bytes.len() - pos {
        return None;
    }
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(unzigzag(get_varint(bytes, &mut pos)?));
    }
    (pos + 1 == bytes.len() && bytes[pos] == 0).then_some(out)
}

/// Encodes through the `thrift` crate (the reference for tests and benchmarks).
pub fn reference_encode(values: &[i32]) -> Vec<u8> {
    use thrift::protocol::*;
    let mut buf = Vec::new();
    {
        let mut p = TCompactOutputProtocol::new(&mut buf);
        let run = |p: &mut TCompactOutputProtocol<&mut Vec<u8>>| -> thrift::Result<()> {
            p.write_struct_begin(&TStructIdentifier::new("Payload"))?;
            p.write_field_begin(&TFieldIdentifier::new("ids", TType::List, 1))?;
            p.write_list_begin(&TListIdentifier::new(TType::I32, values.len() as i32))?;
            for &v in values {
                p.write_i32(v)?;
            }
            p.write_list_end()?;
            p.write_field_end()?;
            p.write_field_stop()?;
            p.write_struct_end()?;
            p.flush()
        };
        run(&mut p).expect("writing to a Vec cannot fail");
    }
    buf
}

/// Decodes through the `thrift` crate: reads field 1 as `list<i32>`, skips unknown fields.
/// For tests and benchmarks on trusted payloads only (see `Reader` for why).
pub fn reference_decode(bytes: &[u8]) -> Result<Vec<i32>> {
    use thrift::protocol::*;
    let input_len = bytes.len();
    let run = move || -> Result<Vec<i32>> {
        let err = |e: thrift::Error| Error::corrupt(FORMAT, e);
        let mut p = TCompactInputProtocol::new(bytes);
        p.read_struct_begin().map_err(err)?;
        let mut ids = None;
        loop {
            let f = p.read_field_begin().map_err(err)?;
            if f.field_type == TType::Stop {
                break;
            }
            if f.id == Some(1) && f.field_type == TType::List {
                let l = p.read_list_begin().map_err(err)?;
                if l.element_type != TType::I32 {
                    return Err(Error::corrupt(FORMAT, "field 1 is not a list<i32>"));
                }
                let n = usize::try_from(l.size)
                    .map_err(|_| Error::corrupt(FORMAT, "negative list size"))?;
                if n > input_len {
                    return Err(Error::corrupt(
                        FORMAT,
                        format!("list of {n} values in {input_len} bytes"),
                    ));
                }
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    v.push(p.read_i32().map_err(err)?);
                }
                p.read_list_end().map_err(err)?;
                ids = Some(v);
            } else {
                p.skip(f.field_type).map_err(err)?;
            }
            p.read_field_end().map_err(err)?;
        }
        p.read_struct_end().map_err(err)?;
        ids.ok_or_else(|| Error::corrupt(FORMAT, "field 1 (the ID list) is missing"))
    };
    // The thrift crate is not ours to audit: a panic on hostile bytes becomes an error.
    std::panic::catch_unwind(run)
        .unwrap_or_else(|_| Err(Error::corrupt(FORMAT, "malformed Thrift data")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "encode")]
    #[test]
    fn matches_tacc_bytes() {
        // tacc 0.1.0: Codec("cl100k_base").compress_tacc_payload_mapped([0, 1, -1]).
        assert_eq!(encode(&[0, 1, -1]), vec![25, 53, 0, 2, 1, 0]);
        assert_eq!(encode(&[]), vec![25, 5, 0]);
    }

    #[cfg(feature = "encode")]
    #[test]
    fn fast_equals_reference() {
        for n in [0usize, 1, 14, 15, 16, 127, 128, 300, 20000] {
            let v: Vec<i32> = (0..n as i32)
                .map(|i| (i * 7919) % 100_000 - 50_000)
                .collect();
            let fast = encode(&v);
            assert_eq!(fast, reference_encode(&v), "n={n}");
            assert_eq!(decode(&fast).unwrap(), v);
            assert_eq!(reference_decode(&fast).unwrap(), v);
        }
        // The general reader (used when the fast path declines) agrees on valid payloads.
        for n in [0usize, 3, 15, 200] {
            let v: Vec<i32> = (0..n as i32).map(|i| i * -977).collect();
            assert_eq!(decode_general(&encode(&v), usize::MAX).unwrap(), v);
        }
        let extremes = [i32::MIN, i32::MAX, 0, -1];
        assert_eq!(encode(&extremes), reference_encode(&extremes));
        assert_eq!(decode(&encode(&extremes)).unwrap(), extremes);
    }

    #[test]
    fn skips_unknown_fields_and_trailing_bytes_like_tacc() {
        // field 2: string "hi"; field 1 (long header: type, zigzag ID): list<i32> [1]; stop; garbage.
        let payload = [0x28, 2, b'h', b'i', 0x09, 0x02, 0x15, 2, 0, 0xAB];
        assert_eq!(decode(&payload).unwrap(), vec![1]);
        assert_eq!(reference_decode(&payload).unwrap(), vec![1]);
        // The long header form for a short list.
        assert_eq!(decode(&[0x19, 0xF5, 1, 4, 0]).unwrap(), vec![2]);
    }

    #[test]
    fn huge_declared_lengths_allocate_nothing() {
        // A string field claiming 2.7 GB in a 9-byte payload (found by cargo fuzz).
        let payload = [0x28, 0xFF, 0xFF, 0xFF, 0xFF, 0x09, 0x19, 0x05, 0x00];
        assert!(decode(&payload).is_err());
        assert!(
            decode(&[0x1B, 0xFF, 0xFF, 0xFF, 0x0F, 0x55, 0]).is_err(),
            "map"
        );
        let mut deep = vec![0x1C; 200];
        deep.push(0);
        assert!(decode(&deep).is_err(), "nesting");
    }

    #[cfg(feature = "encode")]
    #[test]
    fn rejects_truncated_and_lying_payloads() {
        assert!(decode(&[25, 0x45, 0]).is_err());
        assert!(decode(&[]).is_err());
        assert!(decode(&[25, 0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]).is_err());
        let good = encode(&[1, 2, 3, 400]);
        for cut in 0..good.len() {
            assert!(decode(&good[..cut]).is_err(), "cut at {cut}");
        }
    }
}
