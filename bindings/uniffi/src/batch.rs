//! Batch calls: many items in one call, on `threads` library threads (0: one per core), results
//! in input order with one outcome per item (`tacc::Codec::compress_batch`), so one bad item
//! fails alone. Kotlin: `codec.compressTextBatch(texts, defaultOptions(), 0u)`, then
//! `item.getOrThrow()` (bindings/kotlin's Batch.kt) for the value or the item's `TaccException`.

use crate::{call, Codec, Options, Res, TaccError};
use tacc::{ContentKind, Input};

/// Why one item of a batch failed: the error kind's stable name ("Corrupt", ...) and the
/// library's message. [`raise_batch_failure`] turns it into the binding's exception.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BatchFailure {
    /// The error kind's name, as the binding's exception classes are named.
    pub kind: String,
    /// What went wrong.
    pub message: String,
}

/// One item of a batch that gives bytes: `value`, or `failure`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BytesItem {
    /// The item's output, when it succeeded.
    pub value: Option<Vec<u8>>,
    /// Why it failed, when it did.
    pub failure: Option<BatchFailure>,
}

/// One item of a batch that gives text: `value`, or `failure`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TextItem {
    /// The item's text, when it succeeded.
    pub value: Option<String>,
    /// Why it failed, when it did.
    pub failure: Option<BatchFailure>,
}

/// One item of a batch that gives token IDs: `value`, or `failure`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IdsItem {
    /// The item's token IDs, when they restored.
    pub value: Option<Vec<u32>>,
    /// Why it failed, when it did.
    pub failure: Option<BatchFailure>,
}

fn failure(e: tacc::Error) -> BatchFailure {
    BatchFailure {
        kind: e.kind().name().to_string(),
        message: e.to_string(),
    }
}

/// An item's outcome as the records' two optional fields.
fn split<T>(r: Result<T, tacc::Error>) -> (Option<T>, Option<BatchFailure>) {
    match r {
        Ok(v) => (Some(v), None),
        Err(e) => (None, Some(failure(e))),
    }
}

/// Fails with the exception of `failure`'s kind (TaccException.Corrupt, ...): the one place a
/// batch item's failure becomes the same exception the one-item call would have thrown.
#[uniffi::export]
pub fn raise_batch_failure(failure: BatchFailure) -> Res<()> {
    let kind = tacc::ErrorKind::from_name(&failure.kind).unwrap_or(tacc::ErrorKind::Internal);
    Err(TaccError::of_kind(kind, failure.message))
}

#[uniffi::export]
impl Codec {
    #[cfg(feature = "encode")]
    /// Frames of every text, as [`Codec::compress_text`] makes each, on `threads` threads (0: one
    /// per core). The bytes are the same at any thread count.
    pub fn compress_text_batch(
        &self,
        texts: Vec<String>,
        options: Options,
        threads: u32,
    ) -> Res<Vec<BytesItem>> {
        call(|| {
            let inputs: Vec<Input<'_>> = texts.iter().map(|t| Input::Text(t)).collect();
            Ok(self
                .inner
                .compress_batch(&inputs, &options.into(), threads as usize)
                .into_iter()
                .map(|r| {
                    let (value, failure) = split(r);
                    BytesItem { value, failure }
                })
                .collect())
        })
    }

    #[cfg(feature = "encode")]
    /// Frames of every token-ID sequence, on `threads` threads (0: one per core).
    pub fn compress_token_ids_batch(
        &self,
        ids: Vec<Vec<u32>>,
        options: Options,
        threads: u32,
    ) -> Res<Vec<BytesItem>> {
        call(|| {
            let inputs: Vec<Input<'_>> = ids.iter().map(|t| Input::TokenIds(t)).collect();
            Ok(self
                .inner
                .compress_batch(&inputs, &options.into(), threads as usize)
                .into_iter()
                .map(|r| {
                    let (value, failure) = split(r);
                    BytesItem { value, failure }
                })
                .collect())
        })
    }

    #[cfg(feature = "decode")]
    /// The text of every frame, each within the codec's limits, on `threads` threads (0: one per
    /// core). A corrupt frame fails alone.
    pub fn decompress_text_batch(&self, frames: Vec<Vec<u8>>, threads: u32) -> Res<Vec<TextItem>> {
        call(|| {
            let views: Vec<&[u8]> = frames.iter().map(Vec::as_slice).collect();
            let opts = tacc::Options::default();
            Ok(self
                .inner
                .decompress_batch(&views, ContentKind::Text, &opts, threads as usize)
                .into_iter()
                .map(|r| {
                    let (value, failure) = split(r.and_then(|c| match c {
                        tacc::Content::Text(t) => Ok(t),
                        _ => Err(tacc::Error::Internal("not text".into())),
                    }));
                    TextItem { value, failure }
                })
                .collect())
        })
    }

    #[cfg(feature = "decode")]
    /// The token IDs of every frame, each within the codec's limits, on `threads` threads (0: one
    /// per core).
    pub fn decompress_token_ids_batch(
        &self,
        frames: Vec<Vec<u8>>,
        threads: u32,
    ) -> Res<Vec<IdsItem>> {
        call(|| {
            let views: Vec<&[u8]> = frames.iter().map(Vec::as_slice).collect();
            let opts = tacc::Options::default();
            Ok(self
                .inner
                .decompress_batch(&views, ContentKind::TokenIds, &opts, threads as usize)
                .into_iter()
                .map(|r| {
                    let (value, failure) = split(r.and_then(|c| match c {
                        tacc::Content::TokenIds(ids) => Ok(ids),
                        _ => Err(tacc::Error::Internal("not token IDs".into())),
                    }));
                    IdsItem { value, failure }
                })
                .collect())
        })
    }
}
