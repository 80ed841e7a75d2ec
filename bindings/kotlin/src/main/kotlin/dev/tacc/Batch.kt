// Hand-written (not generated): the batch calls' items as values or the same exceptions the
// one-item calls throw. The generated `compress*Batch`/`decompress*Batch` return one record per item
// (value or failure) so that one bad item fails alone; `getOrThrow()` turns a failure into its
// TaccException subclass through the library's own kind table (`raiseBatchFailure`), so the mapping
// from kind name to exception lives in one place.
package dev.tacc

/** The item's frame, or its [TaccException]. */
fun BytesItem.getOrThrow(): ByteArray = value ?: throw failureOf(failure)

/** The item's text, or its [TaccException]. */
fun TextItem.getOrThrow(): String = value ?: throw failureOf(failure)

/** The item's token IDs, or its [TaccException]. */
fun IdsItem.getOrThrow(): List<UInt> = value ?: throw failureOf(failure)

/** Frames of every text on [threads] library threads (0: one per core), with [options] (default: [defaultOptions]). */
fun Codec.compressTextBatch(texts: List<String>, threads: Int = 0, options: Options = defaultOptions()): List<BytesItem> =
    compressTextBatch(texts, options, threads.toThreadCount())

/** Frames of every token-ID sequence on [threads] library threads (0: one per core). */
fun Codec.compressTokenIdsBatch(ids: List<IntArray>, threads: Int = 0, options: Options = defaultOptions()): List<BytesItem> =
    compressTokenIdsBatch(ids.map { seq -> seq.map { it.toUInt() } }, options, threads.toThreadCount())

private fun Int.toThreadCount(): UInt {
    require(this >= 0) { "threads must be >= 0 (0: one per core), got $this" }
    return toUInt()
}

private fun failureOf(f: BatchFailure?): Throwable {
    if (f == null) return IllegalStateException("batch item with neither value nor failure")
    return runCatching { raiseBatchFailure(f) }.exceptionOrNull()
        ?: IllegalStateException("raiseBatchFailure returned for ${f.kind}")
}
