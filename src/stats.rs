//! Size and entropy figures: LoPace's statistics, honestly named, plus timed per-method results.
//!
//! The order-0 Shannon entropy of characters, bytes or tokens is what a coder that ignores all
//! context would reach. It is *not* a limit: context-aware coders (zstd, tacc's model) go below it.

use std::collections::HashMap;
use std::time::Instant;

use crate::codec::{Codec, LopaceMethod, Options};
use crate::error::Result;
use crate::format::Method;

/// The unit whose frequencies an order-0 entropy counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Unicode scalar values (LoPace's 'character').
    Character,
    /// UTF-8 bytes (LoPace's 'byte').
    Byte,
    /// Token IDs of the codec's tokenizer.
    Token,
}

impl Unit {
    /// The unit of a name: "character" (or "char"), "byte", "token".
    pub fn from_name(name: &str) -> Result<Unit> {
        match name {
            "character" | "char" => Ok(Unit::Character),
            "byte" => Ok(Unit::Byte),
            "token" => Ok(Unit::Token),
            _ => Err(crate::Error::InvalidArgument(format!(
                "unknown unit '{name}' (character, byte, token)"
            ))),
        }
    }
}

fn entropy_of_counts<I: IntoIterator<Item = u64>>(counts: I, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    let total = total as f64;
    -counts
        .into_iter()
        .map(|c| c as f64 / total)
        .filter(|&p| p > 0.0)
        .map(|p| p * p.log2())
        .sum::<f64>()
}

/// What an order-0 coder over `unit` would need for `text` (LoPace's "theoretical limit").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Order0Estimate {
    /// Shannon entropy of the unit's frequencies in this text, bits per unit.
    pub entropy_bits_per_unit: f64,
    /// How many units the text has.
    pub units: u64,
    /// entropy × units: the order-0 coder's size in bits.
    pub min_bits: f64,
    /// `min_bits` / 8.
    pub min_bytes: f64,
    /// The text's UTF-8 size.
    pub original_bytes: u64,
    /// min_bytes / original_bytes (LoPace calls this `theoretical_compression_ratio`).
    pub size_fraction: f64,
    /// (1 - size_fraction) × 100.
    pub space_saved_percent: f64,
}

/// Order-0 Shannon entropy of `text` in bits per unit.
pub fn order0_entropy(codec: &Codec, text: &str, unit: Unit) -> Result<f64> {
    Ok(order0_estimate(codec, text, unit)?.entropy_bits_per_unit)
}

/// What an order-0 coder over `unit` would need for `text` (`codec` tokenizes for
/// [`Unit::Token`]).
pub fn order0_estimate(codec: &Codec, text: &str, unit: Unit) -> Result<Order0Estimate> {
    let (entropy, units) = match unit {
        Unit::Byte => {
            let mut counts = [0u64; 256];
            text.bytes().for_each(|b| counts[b as usize] += 1);
            (
                entropy_of_counts(counts, text.len() as u64),
                text.len() as u64,
            )
        }
        Unit::Character => {
            let mut counts: HashMap<char, u64> = HashMap::new();
            let mut n = 0u64;
            for c in text.chars() {
                *counts.entry(c).or_default() += 1;
                n += 1;
            }
            (entropy_of_counts(counts.into_values(), n), n)
        }
        Unit::Token => {
            let ids = codec.tokenize(text)?;
            let mut counts: HashMap<u32, u64> = HashMap::new();
            ids.iter()
                .for_each(|&id| *counts.entry(id).or_default() += 1);
            (
                entropy_of_counts(counts.into_values(), ids.len() as u64),
                ids.len() as u64,
            )
        }
    };
    let original = text.len() as u64;
    let min_bits = entropy * units as f64;
    let min_bytes = min_bits / 8.0;
    let size_fraction = if original > 0 {
        min_bytes / original as f64
    } else {
        0.0
    };
    Ok(Order0Estimate {
        entropy_bits_per_unit: entropy,
        units,
        min_bits,
        min_bytes,
        original_bytes: original,
        size_fraction,
        space_saved_percent: if original > 0 {
            (1.0 - size_fraction) * 100.0
        } else {
            0.0
        },
    })
}

/// One method's result on one input.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodStats {
    /// The method's name ([`Method::name`], or LoPace's method name).
    pub name: String,
    /// Size of the frame (or raw LoPace payload).
    pub compressed_bytes: u64,
    /// original / compressed (higher is better); 0 for empty input.
    pub ratio: f64,
    /// compressed / original (what LoPace calls `compression_ratio`).
    pub size_fraction: f64,
    /// (1 - size_fraction) × 100.
    pub space_saved_percent: f64,
    /// original - compressed (negative when the frame is larger).
    pub bytes_saved: i64,
    /// Median wall time of one compress call, in seconds (0 when not timed).
    pub encode_seconds: f64,
    /// Median wall time of one decompress call, in seconds (0 when not timed).
    pub decode_seconds: f64,
}

impl MethodStats {
    fn new(name: &str, original: u64, compressed: u64) -> MethodStats {
        let size_fraction = if original > 0 {
            compressed as f64 / original as f64
        } else {
            0.0
        };
        MethodStats {
            name: name.to_string(),
            compressed_bytes: compressed,
            ratio: if compressed > 0 && original > 0 {
                original as f64 / compressed as f64
            } else {
                0.0
            },
            size_fraction,
            space_saved_percent: (1.0 - size_fraction) * 100.0,
            bytes_saved: original as i64 - compressed as i64,
            encode_seconds: 0.0,
            decode_seconds: 0.0,
        }
    }
}

/// Sizes of every method on one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// The text's UTF-8 size.
    pub original_bytes: u64,
    /// Its token count with the codec's tokenizer.
    pub original_tokens: u64,
    /// Its Unicode scalar values.
    pub characters: u64,
    /// One row per method.
    pub methods: Vec<MethodStats>,
}

impl Codec {
    /// LoPace's `get_compression_stats`: raw LoPace payload sizes for one method or all three.
    pub fn lopace_stats(
        &self,
        text: &str,
        method: Option<LopaceMethod>,
        zstd_level: i32,
    ) -> Result<Stats> {
        let methods: Vec<LopaceMethod> = method
            .map(|m| vec![m])
            .unwrap_or_else(|| LopaceMethod::ALL.to_vec());
        let original = text.len() as u64;
        let mut out = Vec::new();
        for m in methods {
            let payload = self.compress_lopace_payload(text, m, zstd_level)?;
            out.push(MethodStats::new(m.name(), original, payload.len() as u64));
        }
        Ok(Stats {
            original_bytes: original,
            original_tokens: self.tokenize(text)?.len() as u64,
            characters: text.chars().count() as u64,
            methods: out,
        })
    }

    /// Every frame method on `text`, each checked to restore the text and timed: the median of
    /// 3 to 15 runs (more while a method has taken under ~50 ms), after the run that made the
    /// frame and the one that checked it.
    pub fn stats(&self, text: &str, opts: &Options) -> Result<Stats> {
        let original = text.len() as u64;
        let mut out = Vec::new();
        for m in Method::ALL {
            // A build without `v1` has no `model-v1` coder: that row is left out, not an error.
            if m == Method::ModelV1 && !cfg!(feature = "v1") {
                continue;
            }
            let o = Options {
                method: Some(m),
                ..*opts
            };
            let frame = self.compress_text(text, &o)?;
            // An encode-only build cannot check or time the way back: decode_seconds stays 0.
            #[cfg(feature = "decode")]
            if self.decompress_text(&frame)? != text {
                return Err(crate::Error::Mismatch(format!(
                    "method {} did not restore the text",
                    m.name()
                )));
            }
            let mut s = MethodStats::new(m.name(), original, frame.len() as u64);
            s.encode_seconds = median_time(|| self.compress_text(text, &o).map(|_| ()))?;
            #[cfg(feature = "decode")]
            {
                s.decode_seconds = median_time(|| self.decompress_text(&frame).map(|_| ()))?;
            }
            out.push(s);
        }
        Ok(Stats {
            original_bytes: original,
            original_tokens: self.tokenize(text)?.len() as u64,
            characters: text.chars().count() as u64,
            methods: out,
        })
    }
}

/// The median wall time of `f`: at least 3 runs, at most 15, stopping past ~50 ms.
fn median_time(mut f: impl FnMut() -> Result<()>) -> Result<f64> {
    let budget = Instant::now();
    let mut times = Vec::new();
    while times.len() < 15 && (times.len() < 3 || budget.elapsed().as_millis() < 50) {
        let t = Instant::now();
        f()?;
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(|a, b| a.total_cmp(b));
    Ok(times[times.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_simple_texts() {
        let c = Codec::new("cl100k_base").unwrap();
        assert_eq!(order0_entropy(&c, "", Unit::Byte).unwrap(), 0.0);
        assert_eq!(order0_entropy(&c, "aaaa", Unit::Character).unwrap(), 0.0);
        assert!((order0_entropy(&c, "abab", Unit::Byte).unwrap() - 1.0).abs() < 1e-12);
        assert!((order0_entropy(&c, "abcd", Unit::Character).unwrap() - 2.0).abs() < 1e-12);
        let e = order0_estimate(&c, "héllo", Unit::Character).unwrap();
        assert_eq!(e.units, 5);
        assert_eq!(e.original_bytes, 6);
    }
}
