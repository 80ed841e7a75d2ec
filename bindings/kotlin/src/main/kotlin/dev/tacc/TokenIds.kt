// Hand-written (not generated): fast token-ID calls over IntArray for the JVM and Android.
//
// uniffi passes Vec<u32> as List<UInt>, one boxed object per ID. These extensions use the generated
// `*Packed` calls instead, which take and return one ByteArray of little-endian 32-bit integers, so a
// long completion crosses the boundary as one copy. Token IDs fit in Int (every vocabulary is < 2^31).
package dev.tacc

import java.nio.ByteBuffer
import java.nio.ByteOrder

/** Packs IDs as little-endian 32-bit integers (the `*Packed` calls' layout). */
fun IntArray.toPackedIds(): ByteArray {
    val buf = ByteBuffer.allocate(size * 4).order(ByteOrder.LITTLE_ENDIAN)
    buf.asIntBuffer().put(this)
    return buf.array()
}

/** Unpacks little-endian 32-bit integers. */
fun ByteArray.toIdArray(): IntArray {
    require(size % 4 == 0) { "packed IDs must be a multiple of 4 bytes, got $size" }
    val out = IntArray(size / 4)
    ByteBuffer.wrap(this).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out)
    return out
}

/** Text to token IDs. */
fun Codec.tokenizeToArray(text: String): IntArray = tokenizePacked(text).toIdArray()

/** Token IDs to text. */
fun Codec.detokenize(ids: IntArray): String = detokenizePacked(ids.toPackedIds())

/** tacc 0.1.0 payload of token IDs (byte-identical to tacc's). */
fun Codec.compressTaccPayload(ids: IntArray, gzip: Boolean = false): ByteArray = compressTaccPayloadPacked(ids.toPackedIds(), gzip)

/** Token IDs from a tacc 0.1.0 payload. */
fun Codec.decompressTaccPayloadArray(payload: ByteArray, gzip: Boolean = false): IntArray = decompressTaccPayloadPacked(payload, gzip).toIdArray()

/** A frame of token IDs, with [options] (default: [defaultOptions]). */
fun Codec.compressTokenIds(ids: IntArray, options: Options = defaultOptions()): ByteArray =
    compressTokenIdsPacked(ids.toPackedIds(), options)

/** Token IDs from a frame. */
fun Codec.decompressTokenIdArray(frame: ByteArray): IntArray = decompressTokenIdsPacked(frame).toIdArray()

/** A frame of text with the library's default options. */
fun Codec.compressText(text: String): ByteArray = compressText(text, defaultOptions())
