//! Many independent items on every core: [`Codec::compress_batch`] and
//! [`Codec::decompress_batch`], under every binding's batch call and the CLI's `-T`.
//!
//! Each item is compressed or restored exactly as the one-item call would, so the bytes do not
//! depend on the thread count, and each item has its own `Result` at its input index: one bad item
//! fails alone. Scoped std threads pulling the next index from an atomic counter: items differ in
//! size by orders of magnitude (a chat turn, a whole transcript), so workers take one at a time
//! rather than a fixed share, and the library needs no thread-pool dependency or global pool.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::codec::{Codec, Content, Input, Options};
use crate::error::{Error, Result};
use crate::format::ContentKind;
use crate::quiet_panic::catch_quietly;

/// The most threads one batch call starts, whatever it is asked for (zstd caps its workers at
/// 200 the same way): a thread count is an argument that may come from a config file or a request.
pub const MAX_THREADS: usize = 256;

/// The threads a batch call of `items` items uses when asked for `requested`: 0 means one per
/// core (`std::thread::available_parallelism`); never more threads than items or [`MAX_THREADS`],
/// never fewer than 1.
pub fn effective_threads(requested: usize, items: usize) -> usize {
    let wanted = if requested == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        requested
    };
    wanted.min(items).clamp(1, MAX_THREADS)
}

/// `f` over every item on `threads` threads (0: one per core), results in input order. A panic
/// in `f` becomes that item's `Error::Internal` and prints nothing (worker threads are outside
/// the bindings' own panic guard).
pub fn map_ordered<T, R, F>(items: &[T], threads: usize, f: F) -> Vec<Result<R>>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> Result<R> + Sync,
{
    let run = |item: &T| catch_quietly(|| f(item)).unwrap_or_else(|msg| Err(Error::Internal(msg)));
    let threads = effective_threads(threads, items.len());
    if threads == 1 {
        return items.iter().map(run).collect();
    }
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<Result<R>>> = (0..items.len()).map(|_| None).collect();
    let done: Vec<Vec<(usize, Result<R>)>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, run(item)));
                    }
                    mine
                })
            })
            .collect();
        // A worker cannot panic (each item runs under `catch_quietly`); if joining fails anyway,
        // its items stay `None` and are reported below rather than lost.
        workers.into_iter().filter_map(|w| w.join().ok()).collect()
    });
    for (i, r) in done.into_iter().flatten() {
        slots[i] = Some(r);
    }
    slots
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::Internal("batch worker lost its item".into()))))
        .collect()
}

impl Codec {
    #[cfg(feature = "encode")]
    /// Compresses every input as [`Codec::compress`] would, on `threads` threads (0: one per
    /// core). Results are in input order, one per input; the bytes are the same at any thread
    /// count.
    ///
    /// ```
    /// # #[cfg(all(feature = "encode", feature = "decode", feature = "cl100k"))] {
    /// use tacc::{Codec, ContentKind, Input, Options};
    /// let codec = Codec::new("cl100k_base")?;
    /// let opts = Options::default();
    /// let frames = codec.compress_batch(&[Input::Text("one"), Input::Text("two")], &opts, 0);
    /// let frames: Vec<Vec<u8>> = frames.into_iter().collect::<Result<_, _>>()?;
    /// let views: Vec<&[u8]> = frames.iter().map(Vec::as_slice).collect();
    /// let back = codec.decompress_batch(&views, ContentKind::Text, &opts, 2);
    /// assert_eq!(back[1].as_ref().unwrap(), &tacc::Content::Text("two".into()));
    /// # }
    /// # Ok::<(), tacc::Error>(())
    /// ```
    pub fn compress_batch(
        &self,
        inputs: &[Input<'_>],
        opts: &Options,
        threads: usize,
    ) -> Vec<Result<Vec<u8>>> {
        map_ordered(inputs, threads, |input| self.compress(*input, opts))
    }

    #[cfg(feature = "decode")]
    /// Restores every item as [`Codec::decompress_as`] would (each within the codec's limits), on
    /// `threads` threads (0: one per core). Results are in input order; a corrupt item is an
    /// error at its index and the others still restore.
    pub fn decompress_batch(
        &self,
        data: &[&[u8]],
        kind: ContentKind,
        opts: &Options,
        threads: usize,
    ) -> Vec<Result<Content>> {
        map_ordered(data, threads, |d| self.decompress_as(d, kind, opts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_kept_and_each_item_fails_alone() {
        let items: Vec<u32> = (0..257).collect();
        for threads in [0, 1, 2, 3, 8, 1000] {
            let out = map_ordered(&items, threads, |&i| {
                if i == 100 {
                    Err(Error::InvalidArgument("bad item".into()))
                } else {
                    Ok(i * 2)
                }
            });
            assert_eq!(out.len(), items.len());
            for (i, r) in out.iter().enumerate() {
                match r {
                    Ok(v) => assert_eq!(*v, 2 * i as u32),
                    Err(e) => {
                        assert_eq!(i, 100);
                        assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
                    }
                }
            }
        }
    }

    #[test]
    fn a_panicking_item_is_an_internal_error() {
        let out = map_ordered(&[1, 2, 3], 2, |&i| {
            if i == 2 {
                panic!("boom");
            }
            Ok(i)
        });
        assert_eq!(out[0].as_ref().unwrap(), &1);
        assert_eq!(
            out[1].as_ref().unwrap_err().kind(),
            crate::ErrorKind::Internal
        );
        assert_eq!(out[2].as_ref().unwrap(), &3);
    }

    #[test]
    fn thread_counts() {
        assert_eq!(effective_threads(4, 2), 2);
        assert_eq!(effective_threads(1, 0), 1);
        assert!(effective_threads(0, 100) >= 1);
    }

    #[cfg(all(feature = "encode", feature = "decode", feature = "cl100k"))]
    #[test]
    fn frames_are_the_same_at_any_thread_count() {
        let codec = Codec::new("cl100k_base").unwrap();
        let opts = Options::default();
        let texts: Vec<String> = crate::test_corpus::chat_dev()
            .into_iter()
            .take(40)
            .collect();
        let inputs: Vec<Input<'_>> = texts.iter().map(|t| Input::Text(t)).collect();
        let one: Vec<Vec<u8>> = codec
            .compress_batch(&inputs, &opts, 1)
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        for (t, f) in texts.iter().zip(&one) {
            assert_eq!(f, &codec.compress_text(t, &opts).unwrap());
        }
        for threads in [2, 3, 0] {
            let many: Vec<Vec<u8>> = codec
                .compress_batch(&inputs, &opts, threads)
                .into_iter()
                .map(|r| r.unwrap())
                .collect();
            assert_eq!(many, one, "threads={threads}");
        }
        let mut views: Vec<&[u8]> = one.iter().map(Vec::as_slice).collect();
        let broken = {
            let mut b = one[7].clone();
            let last = b.len() - 1;
            b[last] ^= 0x55;
            b
        };
        views[7] = &broken;
        let back = codec.decompress_batch(&views, ContentKind::Text, &opts, 2);
        for (i, r) in back.iter().enumerate() {
            if i == 7 {
                assert!(r.is_err(), "the corrupted item must fail");
            } else {
                assert_eq!(r.as_ref().unwrap(), &Content::Text(texts[i].clone()));
            }
        }
    }
}
