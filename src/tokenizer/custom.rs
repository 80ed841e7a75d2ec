//! Custom rank files: a rank lookup for files whose ranks are too far apart for the flat tables,
//! and the pretokenizer for user patterns (fancy-regex, as tiktoken-rs uses), made total.
//!
//! tiktoken-rs's `encode_ordinary` unwraps each regex match: a backtracking limit or VM stack
//! overflow of fancy-regex (a long whitespace run with `\s+(?!\S)`, a pattern such as
//! `(\s+)+(?!\S)`) panics there, an empty match panics in its merge, and text that no match
//! covers is dropped. Here every byte of the text lands in exactly one piece, so encoding is
//! total and decoding gives the text back:
//!
//! - the pieces are the matches of `find_iter`, in order, as tiktoken-rs takes them (so the IDs
//!   are tiktoken-rs's wherever it returns), empty matches left out (they split nothing);
//! - text between non-empty matches (or before the first, or after the last) is a piece;
//! - where the regex fails with an error at some position, the run of characters of the same
//!   class (whitespace, letters and digits, or other) that starts there, at most
//!   [`FALLBACK_PIECE`] bytes, is a piece, and the search resumes after it. After
//!   `2 + len / 256 KiB` errors in one call the rest is split into such runs without the regex,
//!   so a hostile text costs at most that many failed searches (each bounded by fancy-regex's
//!   backtracking limit, about a million steps).
//!
//! What this does not bound: a pattern whose searches each cost just under the backtracking
//! limit without failing (polynomial backtracking, e.g. `a*a*(?=b)|.` on a long run of `a`) costs
//! up to the limit per piece; fancy-regex exposes no step count to budget a whole call with.

use rustc_hash::FxHashMap;

use super::encode::Ranks;

/// Token bytes to rank, for rank files whose ranks are far apart (sparse).
pub(crate) struct MapRanks {
    pub(crate) encoder: FxHashMap<Vec<u8>, u32>,
    pub(crate) decoder: FxHashMap<u32, Vec<u8>>,
    /// The rank of each single byte (a loaded file has all 256).
    bytes: [u32; 256],
}

impl MapRanks {
    /// `None` if a single byte has no rank (the loader refuses such files before this).
    pub(crate) fn new(encoder: FxHashMap<Vec<u8>, u32>) -> Option<MapRanks> {
        let mut bytes = [0u32; 256];
        for (b, slot) in bytes.iter_mut().enumerate() {
            *slot = *encoder.get(&[b as u8][..])?;
        }
        let decoder = encoder.iter().map(|(k, v)| (*v, k.clone())).collect();
        Some(MapRanks {
            encoder,
            decoder,
            bytes,
        })
    }
}

impl Ranks for MapRanks {
    #[inline]
    fn rank(&self, piece: &[u8]) -> Option<u32> {
        self.encoder.get(piece).copied()
    }
    #[inline]
    fn byte(&self, b: u8) -> u32 {
        self.bytes[b as usize]
    }
}

/// The largest piece the error fallback makes (the merge of a piece costs memory in proportion).
pub(crate) const FALLBACK_PIECE: usize = 64 << 10;

/// A user pattern, compiled by fancy-regex with its default limits (as tiktoken-rs does).
pub(crate) struct FancySplitter {
    re: fancy_regex::Regex,
}

impl FancySplitter {
    pub(crate) fn new(pattern: &str) -> Result<FancySplitter, String> {
        fancy_regex::Regex::new(pattern)
            .map(|re| FancySplitter { re })
            .map_err(|e| e.to_string())
    }

    /// Calls `f` with each piece of `text`, in order; the pieces cover the text exactly and none
    /// is empty.
    pub(crate) fn split<'t>(&self, text: &'t str, mut f: impl FnMut(&'t str)) {
        let mut covered = 0;
        let mut errors = 0usize;
        let max_errors = 2 + text.len() / (256 << 10);
        let mut from = 0;
        'search: while from < text.len() {
            let input = fancy_regex::RegexInput::new(text).from_pos(from);
            for m in self.re.find_iter_input(input) {
                match m {
                    // An empty match covers nothing: it does not split the text around it.
                    Ok(m) if m.end() <= m.start().max(covered) => {}
                    Ok(m) => {
                        let (start, end) = (m.start().max(covered), m.end());
                        if start > covered {
                            f(&text[covered..start]);
                            covered = start;
                        }
                        if end > covered {
                            f(&text[covered..end]);
                            covered = end;
                        }
                    }
                    Err(_) => {
                        errors += 1;
                        if errors > max_errors {
                            break 'search;
                        }
                        let end = class_run_end(text, covered);
                        f(&text[covered..end]);
                        covered = end;
                        from = end;
                        continue 'search;
                    }
                }
            }
            break;
        }
        if errors > max_errors {
            while covered < text.len() {
                let end = class_run_end(text, covered);
                f(&text[covered..end]);
                covered = end;
            }
        } else if covered < text.len() {
            f(&text[covered..]);
        }
    }
}

/// The end of the run of characters of one class (whitespace, alphanumeric, other) that starts
/// at `at` (a character boundary before the end), at most [`FALLBACK_PIECE`] bytes (at least one
/// character).
fn class_run_end(text: &str, at: usize) -> usize {
    fn class(c: char) -> u8 {
        if c.is_whitespace() {
            0
        } else if c.is_alphanumeric() {
            1
        } else {
            2
        }
    }
    let rest = &text[at..];
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return text.len();
    };
    let want = class(first);
    let mut end = first.len_utf8();
    for (i, c) in chars {
        if class(c) != want || i + c.len_utf8() > FALLBACK_PIECE {
            break;
        }
        end = i + c.len_utf8();
    }
    at + end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(pattern: &str, text: &str) -> Vec<String> {
        let s = FancySplitter::new(pattern).unwrap();
        let mut v = Vec::new();
        s.split(text, |p| v.push(p.to_string()));
        assert_eq!(v.concat(), text, "{pattern:?}");
        assert!(v.iter().all(|p| !p.is_empty()));
        v
    }

    #[test]
    fn gaps_and_empty_matches_become_pieces() {
        assert_eq!(pieces("a", "xaab"), ["x", "a", "a", "b"]);
        assert_eq!(pieces("", "abc"), ["abc"]);
        assert_eq!(pieces("(?!)", "abc"), ["abc"]);
        assert_eq!(pieces(r"\b", "ab cd"), ["ab cd"]);
        assert_eq!(pieces("a*", "baab"), ["b", "aa", "b"]);
        assert_eq!(pieces("(?=a)", "ba"), ["ba"]);
    }

    #[test]
    fn regex_errors_fall_back_to_class_runs() {
        // The backtracking limit: a long whitespace run before a non-space.
        let text = format!("x{}y{}", " ".repeat(200_000), "z".repeat(10));
        let v = pieces(r"(\s+)+(?!\S)|\S+|\s", &text);
        assert!(v.len() < 20, "{}", v.len());
    }

    #[test]
    fn class_runs_stop_at_class_changes_and_the_cap() {
        let t = "  ab12..é";
        assert_eq!(class_run_end(t, 0), 2);
        assert_eq!(class_run_end(t, 2), 6);
        assert_eq!(class_run_end(t, 6), 8);
        assert_eq!(class_run_end(t, 8), t.len());
        let long = "é".repeat(FALLBACK_PIECE);
        let end = class_run_end(&long, 0);
        assert!(end <= FALLBACK_PIECE && long.is_char_boundary(end) && end > 0);
    }
}
