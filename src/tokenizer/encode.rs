//! The built-in encoder: tiktoken's pretokenizer patterns on regex-automata, then tiktoken's
//! byte-pair merge per piece over the flat rank table. Encode-only code (a build that only
//! decodes can leave this module out).
//!
//! tiktoken's patterns use `\s+(?!\S)`, a look-ahead that regex-automata lacks. As bpe-openai
//! does, the pattern is split into a multi-pattern regex searched leftmost-first (the same
//! priority as the alternation), where `\s+\s` stands for `\s+(?!\S)` and its last character is
//! given back: a whitespace run of n >= 2 characters followed by more text yields n - 1
//! characters either way, and a run at the end of the text is taken whole by `\s+$`, tried
//! first. The possessive quantifiers of tiktoken's patterns (`?+`, `++`) are plain ones here: in
//! these patterns nothing after them could match after giving a character back, so they match
//! the same. `tests/tokenizer_equivalence.rs` holds the result to tiktoken-rs's IDs.

use std::cell::RefCell;
use std::sync::OnceLock;

use regex_automata::meta::{Cache, Regex};
use regex_automata::{Anchored, Input};

use super::vocab::{RankTable, TokenTable};

/// The pretokenizer family of a built-in vocabulary, or an open model's pattern (Llama 4 uses
/// [`Pattern::O200k`]: `patterns::O200K` is its `O200K_PATTERN`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Pattern {
    /// r50k_base, gpt2, p50k_base, p50k_edit.
    Gpt2,
    Cl100k,
    O200k,
    /// `open::LLAMA3_PATTERN`: cl100k's older form, without `\s++$` first. A whitespace run
    /// with a line end then text or the end (`"x\n  "`) splits after its last line end here
    /// (`"\n"`, `"  "`), where cl100k_base takes it whole.
    Llama3,
    /// `patterns::QWEN2` (Qwen 1-3): [`Pattern::Llama3`] with digits one at a time.
    Qwen2,
    /// `open::QWEN3_5_PATTERN` (Qwen 3.5/3.6): marks join letters, digits one at a time.
    Qwen3_5,
    /// `open::TEKKEN_V3_PATTERN` (Mistral Tekken v3): o200k's without the contractions, digits
    /// one at a time.
    TekkenV3,
}

/// How many [`Pattern`]s there are (the size of the per-pattern caches).
const PATTERNS: usize = 7;

/// Per pattern: the regexes of the multi-pattern search, and whether each ends in a look-ahead
/// character to give back.
fn parts(p: Pattern) -> &'static [(&'static str, bool)] {
    match p {
        // '(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s
        Pattern::Gpt2 => &[
            (
                r"'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+$",
                false,
            ),
            (r"\s+\s", true),
            (r"\s", false),
        ],
        // '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+
        //   |\s++$|\s*[\r\n]|\s+(?!\S)|\s
        Pattern::Cl100k => &[
            (
                r"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s+$|\s*[\r\n]",
                false,
            ),
            (r"\s+\s", true),
            (r"\s", false),
        ],
        // tiktoken_rs::O200K_BASE_PAT_STR, with `\s+(?!\S)` rewritten as above.
        Pattern::O200k => &[
            (
                concat!(
                    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
                    r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
                    r"|\p{N}{1,3}",
                    r"| ?[^\s\p{L}\p{N}]+[\r\n/]*",
                    r"|\s*[\r\n]+",
                    r"|\s+$",
                ),
                false,
            ),
            (r"\s+\s", true),
            (r"\s+", false),
        ],
        // The open models' patterns are plain (greedy) ones run by a backtracking engine:
        // regex-automata's leftmost-first match is the one backtracking finds, so only
        // `\s+(?!\S)` is rewritten, at its own place in the alternation: `\s+$` (a run at the
        // end, after `\s*[\r\n]+`, which takes a run with a line end up to its last one) then
        // `\s+\s` giving its last character back, then `\s+`.
        // (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*
        //   |\s*[\r\n]+|\s+(?!\S)|\s+
        Pattern::Llama3 => &[
            (
                r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+$",
                false,
            ),
            (r"\s+\s", true),
            (r"\s+", false),
        ],
        Pattern::Qwen2 => &[
            (
                r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+$",
                false,
            ),
            (r"\s+\s", true),
            (r"\s+", false),
        ],
        Pattern::Qwen3_5 => &[
            (
                r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+$",
                false,
            ),
            (r"\s+\s", true),
            (r"\s+", false),
        ],
        Pattern::TekkenV3 => &[
            (
                concat!(
                    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+",
                    r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*",
                    r"|\p{N}",
                    r"| ?[^\s\p{L}\p{N}]+[\r\n/]*",
                    r"|\s*[\r\n]+",
                    r"|\s+$",
                ),
                false,
            ),
            (r"\s+\s", true),
            (r"\s+", false),
        ],
    }
}

/// The built-in pattern that splits exactly as a tokenizer pattern string does, if any.
pub(crate) fn builtin_pattern(pattern: &str) -> Option<Pattern> {
    use super::{open, patterns};
    Some(match pattern {
        p if p == patterns::CL100K => Pattern::Cl100k,
        p if p == patterns::GPT2 => Pattern::Gpt2,
        p if p == patterns::O200K => Pattern::O200k,
        p if p == open::LLAMA3_PATTERN => Pattern::Llama3,
        p if p == patterns::QWEN2 => Pattern::Qwen2,
        p if p == open::QWEN3_5_PATTERN => Pattern::Qwen3_5,
        p if p == open::TEKKEN_V3_PATTERN => Pattern::TekkenV3,
        _ => return None,
    })
}

pub(crate) struct Pretokenizer {
    re: Regex,
    lookahead: Vec<bool>,
    pattern: Pattern,
}

/// The pretokenizer of a pattern, built on first use (a few milliseconds) and kept.
pub(crate) fn pretokenizer(p: Pattern) -> &'static Pretokenizer {
    static CACHE: [OnceLock<Pretokenizer>; PATTERNS] = [const { OnceLock::new() }; PATTERNS];
    CACHE[p as usize].get_or_init(|| {
        let (pats, lookahead): (Vec<&str>, Vec<bool>) = parts(p).iter().copied().unzip();
        Pretokenizer {
            // A fixed pattern that the tests build: it cannot fail at run time.
            re: Regex::new_many(&pats).expect("built-in pretokenizer patterns are valid"),
            lookahead,
            pattern: p,
        }
    })
}

thread_local! {
    /// Per thread and pattern, the regex's search cache (its lazy DFA states): kept across
    /// encode calls, so the states a text needs are built once, not once per message.
    static SEARCH_CACHE: [RefCell<Option<Cache>>; PATTERNS] = const {
        [const { RefCell::new(None) }; PATTERNS]
    };
}

impl Pretokenizer {
    /// Calls `f` with each piece of `text`, in order; the pieces cover the text exactly.
    #[inline]
    pub(crate) fn split<'t>(&self, text: &'t str, f: impl FnMut(&'t str)) {
        let mut f = f;
        let taken = SEARCH_CACHE.try_with(|caches| {
            // A nested call on this thread (none today) finds the cell borrowed and makes its own.
            match caches[self.pattern as usize].try_borrow_mut() {
                Ok(mut slot) => {
                    let cache = slot.get_or_insert_with(|| self.re.create_cache());
                    self.split_with(cache, text, &mut f);
                    true
                }
                Err(_) => false,
            }
        });
        if taken != Ok(true) {
            self.split_with(&mut self.re.create_cache(), text, &mut f);
        }
    }

    fn split_with<'t>(&self, cache: &mut Cache, text: &'t str, f: &mut impl FnMut(&'t str)) {
        let mut at = 0;
        while at < text.len() {
            let rest = &text[at..];
            let input = Input::new(rest).anchored(Anchored::Yes);
            let mut end = match self.re.search_with(cache, &input) {
                Some(m) if m.end() > 0 => {
                    let mut end = m.end();
                    if self.lookahead.get(m.pattern().as_usize()) == Some(&true) {
                        // Give the look-ahead character back (the match has at least two).
                        let last = rest[..end].chars().next_back().map_or(0, char::len_utf8);
                        if end > last {
                            end -= last;
                        }
                    }
                    end
                }
                // The patterns match every character, so this is never taken; one character
                // as a piece keeps the loop going whatever happens.
                _ => rest.chars().next().map_or(rest.len(), char::len_utf8),
            };
            while !rest.is_char_boundary(end) {
                end += 1;
            }
            f(&rest[..end]);
            at += end;
        }
    }
}

/// A rank lookup for the byte-pair merge: the built-ins' flat tables ([`Flat`]), or a hash map
/// for custom rank files whose ranks are too far apart for them (`super::custom::MapRanks`).
pub(crate) trait Ranks {
    /// The rank of the token whose bytes are exactly `piece`.
    fn rank(&self, piece: &[u8]) -> Option<u32>;
    /// The rank of a single byte (every rank table has all 256).
    fn byte(&self, b: u8) -> u32;
}

/// The flat token and rank tables of `vocab/` (or built from a dense custom rank file).
#[derive(Clone, Copy)]
pub(crate) struct Flat<'a> {
    pub(crate) tokens: &'a TokenTable,
    pub(crate) ranks: &'a RankTable,
}

impl Ranks for Flat<'_> {
    #[inline]
    fn rank(&self, piece: &[u8]) -> Option<u32> {
        self.ranks.get(self.tokens, piece)
    }
    #[inline]
    fn byte(&self, b: u8) -> u32 {
        self.ranks.byte(b)
    }
}

/// Reused buffers of one encode call.
#[derive(Default)]
pub(crate) struct Scratch {
    parts: Vec<(usize, u32)>,
}

/// Appends the ranks of one piece: the whole piece if it is a token, else tiktoken's merge.
#[inline]
pub(crate) fn encode_piece<R: Ranks>(
    ranks: &R,
    piece: &[u8],
    scratch: &mut Scratch,
    out: &mut Vec<u32>,
) {
    match piece {
        [] => {}
        [b] => out.push(ranks.byte(*b)),
        _ => {
            if let Some(r) = ranks.rank(piece) {
                out.push(r);
            } else if piece.len() < 100 {
                byte_pair_merge(ranks, piece, &mut scratch.parts);
                for w in scratch.parts.windows(2) {
                    out.push(rank_of(ranks, &piece[w[0].0..w[1].0]));
                }
            } else {
                byte_pair_merge_large(ranks, piece, out);
            }
        }
    }
}

/// The rank of a part that the merge produced: it is always a token (single bytes are), so the
/// fallback to the first byte's rank is never taken; it only keeps this total.
#[inline]
fn rank_of<R: Ranks>(ranks: &R, part: &[u8]) -> u32 {
    match part {
        [b] => ranks.byte(*b),
        _ => ranks
            .rank(part)
            .unwrap_or_else(|| ranks.byte(part.first().copied().unwrap_or(0))),
    }
}

/// tiktoken's `_byte_pair_merge`: repeatedly merge the adjacent pair of lowest rank, leftmost
/// first. `parts` ends as the (start, _) boundaries of the final tokens, plus the end.
fn byte_pair_merge<R: Ranks>(ranks: &R, piece: &[u8], parts: &mut Vec<(usize, u32)>) {
    let lookup = |s: &[u8]| ranks.rank(s).unwrap_or(u32::MAX);
    parts.clear();
    let mut min_rank = (u32::MAX, usize::MAX);
    for i in 0..piece.len() - 1 {
        let rank = lookup(&piece[i..i + 2]);
        if rank < min_rank.0 {
            min_rank = (rank, i);
        }
        parts.push((i, rank));
    }
    parts.push((piece.len() - 1, u32::MAX));
    parts.push((piece.len(), u32::MAX));

    let get_rank = |parts: &Vec<(usize, u32)>, i: usize| {
        if i + 3 < parts.len() {
            lookup(&piece[parts[i].0..parts[i + 3].0])
        } else {
            u32::MAX
        }
    };
    while min_rank.0 != u32::MAX {
        let i = min_rank.1;
        if i > 0 {
            parts[i - 1].1 = get_rank(parts, i - 1);
        }
        parts[i].1 = get_rank(parts, i);
        parts.remove(i + 1);
        min_rank = (u32::MAX, usize::MAX);
        for (i, &(_, rank)) in parts[..parts.len() - 1].iter().enumerate() {
            if rank < min_rank.0 {
                min_rank = (rank, i);
            }
        }
    }
}

/// tiktoken's `_byte_pair_merge_large` (pieces of 100 bytes or more): the same merges in the
/// same order (lowest rank, then leftmost), with a heap and a linked list, O(m log n). Positions
/// are u32 and a heap entry is one u64 (rank, start), 28 bytes per byte of the piece at most; a
/// piece of 2^31 bytes or more (never a token text) is merged in 2^30-byte parts.
fn byte_pair_merge_large<R: Ranks>(ranks: &R, piece: &[u8], out: &mut Vec<u32>) {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    const PART: usize = 1 << 31;
    if piece.len() >= PART {
        for part in piece.chunks(PART / 2) {
            let mut scratch = Scratch::default();
            encode_piece(ranks, part, &mut scratch, out);
        }
        return;
    }
    struct State {
        prev: u32,
        end: u32,
        next_end: u32,
        next_rank: u32,
        cur_rank: u32,
    }
    // Min-heap on (rank, start), tiktoken's `Merge` order, packed in one u64.
    let entry = |rank: u32, start: u32| Reverse(((rank as u64) << 32) | start as u64);
    let lookup = |s: &[u8]| ranks.rank(s);
    let len = piece.len() as u32;
    let mut state = Vec::with_capacity(piece.len());
    state.push(State {
        prev: u32::MAX,
        end: 1,
        next_end: 2,
        next_rank: u32::MAX,
        cur_rank: u32::MAX,
    });
    let mut heap = BinaryHeap::with_capacity(piece.len());
    for i in 0..len - 1 {
        let at = i as usize;
        if let Some(rank) = lookup(&piece[at..at + 2]) {
            heap.push(entry(rank, i));
            state[at].next_rank = rank;
        }
        state.push(State {
            prev: i,
            end: i + 2,
            next_end: i + 3,
            next_rank: u32::MAX,
            cur_rank: u32::MAX,
        });
    }
    let potential_merge =
        |state: &mut Vec<State>, heap: &mut BinaryHeap<Reverse<u64>>, start: u32, next_end: u32| {
            let s = &mut state[start as usize];
            s.next_end = next_end;
            s.next_rank = u32::MAX;
            if next_end <= len {
                if let Some(rank) = lookup(&piece[start as usize..next_end as usize]) {
                    heap.push(entry(rank, start));
                    s.next_rank = rank;
                }
            }
        };
    while let Some(Reverse(top)) = heap.pop() {
        let (rank, left_start) = ((top >> 32) as u32, top as u32);
        if rank == u32::MAX {
            break;
        }
        let left = left_start as usize;
        if rank != state[left].next_rank {
            continue;
        }
        let right_start = state[left].end;
        let right_end = state[left].next_end;
        let right_next_end = state[right_start as usize].next_end;
        state[left].cur_rank = state[left].next_rank;
        state[left].end = right_end;
        potential_merge(&mut state, &mut heap, left_start, right_next_end);
        if (right_end as usize) < state.len() {
            state[right_end as usize].prev = left_start;
        }
        if left_start > 0 {
            let prev_start = state[left].prev;
            potential_merge(&mut state, &mut heap, prev_start, right_end);
        }
        state[right_start as usize].next_rank = u32::MAX;
    }
    let mut i = 0;
    while i < state.len() {
        let end = state[i].end as usize;
        if state[i].cur_rank != u32::MAX {
            out.push(state[i].cur_rank);
        } else {
            out.push(rank_of(ranks, &piece[i..end]));
        }
        i = end;
    }
}

/// Text to ranks with a built-in pattern.
pub(crate) fn encode<R: Ranks>(p: Pattern, ranks: &R, text: &str) -> Vec<u32> {
    let mut out = Vec::with_capacity(text.len() / 3 + 1);
    encode_into(p, ranks, text, &mut Scratch::default(), &mut out);
    out
}

/// Appends the ranks of `text` split by a built-in pattern.
pub(crate) fn encode_into<R: Ranks>(
    p: Pattern,
    ranks: &R,
    text: &str,
    scratch: &mut Scratch,
    out: &mut Vec<u32>,
) {
    pretokenizer(p).split(text, |piece| {
        encode_piece(ranks, piece.as_bytes(), scratch, out)
    });
}
