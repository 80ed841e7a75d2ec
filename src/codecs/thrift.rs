//! tacc 0.1.0's payload: a Thrift CompactProtocol struct `{1: list<i32>}`.
//!
//! Bytes: `0x19` (field 1, type list), the list header (`size << 4 | 5` below 15 elements,
//! else `0xF5` and a varint size), one zigzag varint per i32, `0x00` (stop).
//! The hand-written path below is the one used; `reference_*` go through the `thrift`
//! crate, and tests and benchmarks hold the two to the same bytes.

use crate::error::{Error, Result};
use crate::mapping::{unzigzag, zigzag};

const FORMAT: &str = "tacc (Thrift)";
const FIELD_1_LIST: u8 = 0x19;
const I32: u8 = 5;

/// Upper bound of the encoded size of `n` i32 values.
pub fn encoded_len_bound(n: usize) -> usize {
    1 + 6 + n * 5 + 1
}

#[inline]
fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

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

/// Decodes a payload. Exact tacc-shaped payloads take the fast path; anything else
/// (other fields, trailing data) goes through the `thrift` crate, as tacc itself would.
pub fn decode(bytes: &[u8]) -> Result<Vec<i32>> {
    match decode_fast(bytes) {
        Some(v) => Ok(v),
        None => reference_decode(bytes),
    }
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

/// Decodes through the `thrift` crate: reads field 1 as list<i32>, skips unknown fields.
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
                let n = usize::try_from(l.size).map_err(|_| Error::corrupt(FORMAT, "negative list size"))?;
                if n > input_len {
                    return Err(Error::corrupt(FORMAT, format!("list of {n} values in {input_len} bytes")));
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
    std::panic::catch_unwind(run).unwrap_or_else(|_| Err(Error::corrupt(FORMAT, "malformed Thrift data")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_tacc_bytes() {
        // tacc 0.1.0: Codec("cl100k_base").encode_mapped_ids([0, 1, -1]).
        assert_eq!(encode(&[0, 1, -1]), vec![25, 53, 0, 2, 1, 0]);
        assert_eq!(encode(&[]), vec![25, 5, 0]);
    }

    #[test]
    fn fast_equals_reference() {
        for n in [0usize, 1, 14, 15, 16, 127, 128, 300, 20000] {
            let v: Vec<i32> = (0..n as i32).map(|i| (i * 7919) % 100_000 - 50_000).collect();
            let fast = encode(&v);
            assert_eq!(fast, reference_encode(&v), "n={n}");
            assert_eq!(decode(&fast).unwrap(), v);
            assert_eq!(reference_decode(&fast).unwrap(), v);
        }
        let extremes = [i32::MIN, i32::MAX, 0, -1];
        assert_eq!(encode(&extremes), reference_encode(&extremes));
        assert_eq!(decode(&encode(&extremes)).unwrap(), extremes);
    }

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
