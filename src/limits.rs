//! Limits on what one decode may produce: payloads come from the network, so every decoder
//! checks a caller-set limit before it allocates or works, and never sizes a buffer from a
//! count read out of a payload.
//!
//! [`Limits`] travels with a [`Codec`](crate::Codec) (`Codec::with_limits`): every decode call
//! on that codec (frames, the peers' raw payloads, stream decoders made from it) honours it.
//! The hard caps below bound what a caller may ask for.

/// Hard cap on decoded content (text bytes, or token IDs × 4) of one call, whatever the
/// caller's limits say: 1 GiB.
pub const MAX_DECODED_BYTES: usize = 1 << 30;

/// Hard cap on the number of token IDs in one payload: 256 Mi tokens (1 GiB as u32).
pub const MAX_TOKENS: usize = MAX_DECODED_BYTES / 4;

/// Default [`Limits::max_output_bytes`]: 64 MiB, far above any prompt or completion, small
/// enough that a hostile payload cannot take a phone's or a server worker's memory.
pub const DEFAULT_MAX_OUTPUT_BYTES: usize = 64 << 20;

/// Default [`Limits::max_tokens`]: 16 Mi tokens (64 MiB as u32).
pub const DEFAULT_MAX_TOKENS: usize = 16 << 20;

/// What a decode may produce. A payload that would exceed either limit is refused with
/// [`Error::TooLarge`](crate::Error::TooLarge) naming the limit, before the memory is
/// allocated or the work done (decoders that learn the size only as they go stop as soon as
/// they pass it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Largest output of one call, in bytes: decoded text or bytes, or token IDs × 4. For a
    /// stream decoder, the largest output of one pushed chunk. Default 64 MiB; at most 1 GiB.
    pub max_output_bytes: usize,
    /// Largest number of token IDs one call decodes (for a stream decoder: in the whole
    /// stream, since its model keeps them as context). Default 16 Mi; at most 256 Mi.
    pub max_tokens: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

impl Limits {
    /// The defaults: 64 MiB of output, 16 Mi tokens.
    pub const DEFAULT: Limits = Limits {
        max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
        max_tokens: DEFAULT_MAX_TOKENS,
    };

    /// The hard caps (1 GiB, 256 Mi tokens): what the CLI uses, for files on the user's disk.
    pub const MAX: Limits = Limits {
        max_output_bytes: MAX_DECODED_BYTES,
        max_tokens: MAX_TOKENS,
    };

    /// Limits clamped to the hard caps; 0 means "the default" for either field (so a C or Go
    /// caller's zeroed struct means the defaults).
    pub fn new(max_output_bytes: usize, max_tokens: usize) -> Limits {
        let pick = |v: usize, default: usize, cap: usize| match v {
            0 => default,
            v => v.min(cap),
        };
        Limits {
            max_output_bytes: pick(
                max_output_bytes,
                DEFAULT_MAX_OUTPUT_BYTES,
                MAX_DECODED_BYTES,
            ),
            max_tokens: pick(max_tokens, DEFAULT_MAX_TOKENS, MAX_TOKENS),
        }
    }

    /// These limits within the hard caps (a struct literal can name anything).
    pub(crate) fn clamped(self) -> Limits {
        Limits::new(self.max_output_bytes, self.max_tokens)
    }

    /// Most token IDs a decode of text may produce: each token is at least one byte.
    #[cfg_attr(not(feature = "decode"), allow(dead_code))] // decoders only
    pub(crate) fn text_tokens(self) -> usize {
        let l = self.clamped();
        l.max_tokens.min(l.max_output_bytes)
    }

    /// Most token IDs a decode of token IDs may produce: 4 bytes of output each.
    #[cfg_attr(not(feature = "decode"), allow(dead_code))] // decoders only
    pub(crate) fn id_tokens(self) -> usize {
        let l = self.clamped();
        l.max_tokens.min(l.max_output_bytes / 4)
    }

    /// The error for output past `max_output_bytes` (`size`: as much as is known, at least).
    #[cfg_attr(not(feature = "decode"), allow(dead_code))] // decoders only
    pub(crate) fn output_error(self, what: &'static str, size: u64) -> crate::Error {
        crate::Error::TooLarge {
            what,
            size,
            limit: self.clamped().max_output_bytes as u64,
        }
    }

    /// The one decode-side token count check: `n` token IDs where at most `max` (within the
    /// hard cap [`MAX_TOKENS`]) may come out.
    pub(crate) fn check_tokens(n: u64, max: usize) -> crate::Result<()> {
        let max = max.min(MAX_TOKENS);
        if n > max as u64 {
            return Err(Limits::tokens_error(n, max));
        }
        Ok(())
    }

    #[cfg(feature = "encode")]
    /// The one encode-side token count check: a frame or a stream holds at most
    /// [`MAX_TOKENS`] token IDs (`what` names the count in the error).
    pub(crate) fn check_encode_tokens(what: &'static str, n: u64) -> crate::Result<()> {
        if n > MAX_TOKENS as u64 {
            return Err(crate::Error::TooLarge {
                what,
                size: n,
                limit: MAX_TOKENS as u64,
            });
        }
        Ok(())
    }

    /// The error for more token IDs than allowed (`limit`: the effective token cap).
    pub(crate) fn tokens_error(size: u64, limit: usize) -> crate::Error {
        crate::Error::TooLarge {
            what: "token count (max_tokens, or max_output_bytes for the IDs' or text's size)",
            size,
            limit: limit as u64,
        }
    }
}
