// Android-style example: a chat app receives a compressed completion from its server and shows the text.
//
// On Android, put libtacc_uniffi.so (crate bindings/uniffi) for each ABI in src/main/jniLibs/<abi>/ (cargo-ndk builds them), add
// the generated dev/tacc/tacc.kt and JNA (`net.java.dev.jna:jna:5.17.0@aar`), then call this from a
// ViewModel on a background dispatcher. The JVM test suite (bindings/kotlin) runs it as is.
package examples.tacc

import dev.tacc.Codec
import dev.tacc.TaccException
import dev.tacc.decompressTaccPayloadArray
import dev.tacc.detokenize

/** Decodes completions the server sends either as a tacc frame or as a tacc 0.1.0 gzip payload. */
class CompletionDecoder(tokenizer: String = "o200k_base") : AutoCloseable {
    // One codec per app: it is immutable and may be shared by every thread.
    private val codec = Codec(tokenizer)

    /** A self-describing tacc frame (it names its method and tokenizer) to text. */
    fun frameToText(frame: ByteArray): String = codec.decompressText(frame)

    /** A tacc 0.1.0 payload (`Codec.encode_token_ids(ids, gzip=True)` on the server) to text. */
    fun taccPayloadToText(payload: ByteArray): String =
        codec.detokenize(codec.decompressTaccPayloadArray(payload, gzip = true))

    /** Shows an error instead of crashing on a corrupt message. */
    fun frameToTextOrError(frame: ByteArray): String = try {
        frameToText(frame)
    } catch (e: TaccException) {
        "[could not decode: ${e.message}]"
    }

    override fun close() = codec.close()
}

fun main() {
    CompletionDecoder().use { decoder ->
        // What the server would send (made here with the same library).
        val frame = Codec("o200k_base").use { it.compressText("Sure! Here is your answer: 42.", dev.tacc.defaultOptions()) }
        println(decoder.frameToText(frame))
        println(decoder.frameToTextOrError(byteArrayOf(1, 2, 3)))
    }
}
