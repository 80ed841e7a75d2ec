//! The model's shape: the constants and the error type that the predictor, the priors and the
//! trainer share (a leaf module, so none of them depends on another through `model`).

/// Largest supported vocabulary (token IDs are < 2^24).
pub const MAX_VOCAB_SIZE: u32 = 1 << 24;

/// Escape path: static frequency-rank buckets (8 single ranks, then 4 per octave).
pub(crate) const NBUCKETS: usize = 92;
/// Mixing weights per set: static successors of the previous token, in-message successors of
/// it, the match model, static successors of the previous two tokens, in-message successors of
/// the previous two.
pub(crate) const NW: usize = 5;
/// Weight sets: recent escapes (3) x static confidence (5) x in-message confidence (4) x match state (4) x static
/// pair confidence (3) x in-message pair confidence (3).
pub(crate) const NSB: usize = 5;
pub(crate) const NAB: usize = 4;
pub(crate) const NMB: usize = 4;
pub(crate) const NTB: usize = 3;
pub(crate) const NA2B: usize = 3;
/// Escapes among the last 8 tokens: none, 1-2, more (how well the statistics fit this text).
pub(crate) const NEB: usize = 3;
/// Coarse sets (escape history x static x in-message x match) that stand in for rare fine sets
/// in training.
pub(crate) const NCOARSE: usize = NEB * NSB * NAB * NMB;
pub(crate) const NSETS: usize = NCOARSE * NTB * NA2B;
/// Frequency total of the candidate step.
pub(crate) const TOT: u32 = 1 << 16;
/// Mass always left to the escape symbol: keeps every token's cost above ~0.01 bit, which the
/// plausibility checks on token counts rely on.
pub(crate) const ESC_MIN: u32 = 480;
pub(crate) const WEIGHT_SUM: u32 = TOT - ESC_MIN;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// Invalid coded data or arguments (also: vocab_size 0 or above 2^24).
    Corrupt(String),
    InvalidToken {
        id: u32,
        vocab_size: u32,
    },
    BadPriors(String),
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ModelError::Corrupt(s) => write!(f, "corrupt token model data: {s}"),
            ModelError::InvalidToken { id, vocab_size } => {
                write!(
                    f,
                    "token id {id} out of range for vocabulary of {vocab_size}"
                )
            }
            ModelError::BadPriors(s) => write!(f, "bad model priors: {s}"),
        }
    }
}

impl std::error::Error for ModelError {}
