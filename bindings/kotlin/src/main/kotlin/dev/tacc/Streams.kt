// Hand-written (not generated): java.io adapters over the stream codec, shaped like java.util.zip's
// DeflaterOutputStream / InflaterInputStream, for code that moves text through byte streams.
//
//     codec.compressingStream(socket.getOutputStream()).use { it.write(text.toByteArray()) }
//     codec.decompressingStream(socket.getInputStream()).use { it.readBytes().decodeToString() }
//
// Stream chunks have no length field of their own (docs/STREAM.md: the transport delimits them), so
// over a plain byte stream each chunk is written as its length, an unsigned LEB128 varint (Go's
// binary.PutUvarint), followed by its bytes: [writeChunk] / [readChunk]; the Go module's
// NewWriter/NewReader use the same framing. Transports that delimit
// messages themselves (SSE, WebSocket, gRPC) should send StreamEncoder's chunks as they are instead.
package dev.tacc

import java.io.EOFException
import java.io.FilterInputStream
import java.io.FilterOutputStream
import java.io.IOException
import java.io.InputStream
import java.io.OutputStream
import java.nio.ByteBuffer
import java.nio.CharBuffer
import java.nio.charset.MalformedInputException
import java.nio.charset.CodingErrorAction

/** Longest chunk [readChunk] accepts by default (a chunk of a million tokens is far smaller). */
const val MAX_FRAMED_CHUNK_BYTES: Int = 64 shl 20

/** Writes one stream chunk as its length (unsigned LEB128) and its bytes. */
fun writeChunk(out: OutputStream, chunk: ByteArray) {
    var n = chunk.size
    while (n >= 0x80) {
        out.write((n and 0x7f) or 0x80)
        n = n ushr 7
    }
    out.write(n)
    out.write(chunk)
}

/**
 * Reads one chunk written by [writeChunk]; null at a clean end of [input] (before a length byte).
 * An end inside a chunk is an [EOFException]; a length above [maxBytes] an [IOException]. The
 * bytes are read as they arrive, so a false length costs no more memory than the bytes present.
 */
fun readChunk(input: InputStream, maxBytes: Int = MAX_FRAMED_CHUNK_BYTES): ByteArray? {
    var len = 0L
    var shift = 0
    while (true) {
        val b = input.read()
        if (b < 0) {
            if (shift == 0) return null
            throw EOFException("tacc stream: input ended inside a chunk length")
        }
        len = len or ((b and 0x7f).toLong() shl shift)
        if (len > maxBytes) throw IOException("tacc stream: chunk length $len exceeds $maxBytes bytes")
        if (b < 0x80) break
        shift += 7
    }
    val chunk = input.readNBytes(len.toInt())
    if (chunk.size < len) throw EOFException("tacc stream: input ended inside a chunk (${chunk.size} of $len bytes)")
    return chunk
}

/** A tacc error met by a stream adapter, as the IOException java.io callers expect; [cause] keeps its kind. */
class TaccIOException(override val cause: TaccException) : IOException(cause.message, cause)

private inline fun <T> io(block: () -> T): T =
    try {
        block()
    } catch (e: TaccException) {
        throw TaccIOException(e)
    }

/**
 * Compresses the UTF-8 text written to it into stream chunks on [out] (framed by [writeChunk]).
 *
 * Like DeflaterOutputStream: writes are buffered; [flush] ends a chunk (the reader then sees all
 * text written so far) and flushes [out]; [finish] writes the last chunk and leaves [out] open;
 * [close] finishes, then closes [out] and the encoder. Text is tokenized when a chunk ends or the
 * buffer fills (cut before a space, so the pieces tokenize nearly as the whole would); a chunk is
 * also ended every [chunkTokens] tokens so memory stays bounded without flushes. Bytes that are not
 * UTF-8 fail with a MalformedInputException (an IOException). [writeTokenIds] adds token IDs in order with the text.
 * One thread at a time, like the encoder it owns.
 */
class TaccOutputStream(
    out: OutputStream,
    private val encoder: StreamEncoder,
    private val chunkTokens: Int = 1 shl 16,
) : FilterOutputStream(out) {
    private var buf = ByteArray(16384)
    private var len = 0
    private var finished = false
    private var closed = false
    private val utf8 = Charsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)

    override fun write(b: Int) {
        write(byteArrayOf(b.toByte()), 0, 1)
    }

    override fun write(b: ByteArray, off: Int, len: Int) {
        java.util.Objects.checkFromIndexSize(off, len, b.size)
        ensureOpen()
        // Through the buffer piece by piece, so a large write is tokenized and chunked as it goes.
        var from = off
        var left = len
        while (left > 0) {
            if (this.len == buf.size) {
                pushText(whole = false)
                if (this.len == buf.size) buf = buf.copyOf(buf.size * 2) // not reached: a full buffer always holds a character
            }
            val n = minOf(left, buf.size - this.len)
            System.arraycopy(b, from, buf, this.len, n)
            this.len += n
            from += n
            left -= n
        }
    }

    /** Adds token IDs after the text written so far. */
    fun writeTokenIds(ids: IntArray) {
        ensureOpen()
        pushText(whole = true)
        io { encoder.pushTokenIdsPacked(ids.toPackedIds()) }
        chunkIfLong()
    }

    /** Ends a chunk holding everything written so far (a split UTF-8 character waits) and flushes [out]. */
    override fun flush() {
        ensureOpen()
        pushText(whole = true)
        if (encoder.pendingTokens() > 0uL) writeChunk(out, io { encoder.flush() })
        out.flush()
    }

    /** Writes the last chunk; [out] stays open. Text ending inside a UTF-8 character is an error. */
    fun finish() {
        if (finished) return
        ensureOpen()
        pushText(whole = true)
        if (len > 0) throw MalformedInputException(len) // the text ends inside a UTF-8 character
        finished = true
        writeChunk(out, io { encoder.finish() })
        out.flush()
    }

    override fun close() {
        if (closed) return
        try {
            if (!finished) finish()
        } finally {
            closed = true
            encoder.close()
            out.close()
        }
    }

    private fun ensureOpen() {
        if (finished || closed) throw IOException("tacc stream: write after finish or close")
    }

    /**
     * Tokenizes the buffered text: all of it when [whole] (but for a split character at the end),
     * else up to its last space, if any, so the pieces tokenize like the whole text.
     */
    private fun pushText(whole: Boolean) {
        var end = len
        // Back off an incomplete UTF-8 sequence at the end (at most 3 bytes).
        var i = len - 1
        while (i >= 0 && i >= len - 3 && (buf[i].toInt() and 0xC0) == 0x80) i--
        if (i >= 0) {
            val lead = buf[i].toInt() and 0xFF
            val need = when {
                lead < 0x80 -> 1
                lead >= 0xF0 -> 4
                lead >= 0xE0 -> 3
                lead >= 0xC0 -> 2
                else -> 1 // a stray continuation byte: let the decoder report it
            }
            if (len - i < need) end = i
        }
        if (!whole) {
            // Before a space: tokenizers attach a space to the word after it (" word").
            val cut = (end - 1 downTo 1).firstOrNull { buf[it] == ' '.code.toByte() && buf[it - 1] != ' '.code.toByte() }
            if (cut != null) end = cut
        }
        if (end == 0) return
        val text: CharBuffer = utf8.reset().decode(ByteBuffer.wrap(buf, 0, end))
        io { encoder.pushText(text.toString()) }
        System.arraycopy(buf, end, buf, 0, len - end)
        len -= end
        chunkIfLong()
    }

    private fun chunkIfLong() {
        if (encoder.pendingTokens() >= chunkTokens.toULong()) writeChunk(out, io { encoder.flush() })
    }
}

/**
 * Decompresses a stream written by [TaccOutputStream] (chunks framed by [writeChunk]) and reads its
 * text as UTF-8 bytes. Like InflaterInputStream: end of data (-1) comes with the last chunk, after
 * its checksum matched; an input that ends before it is an [EOFException], corrupt chunks a
 * [TaccIOException] whose cause is the [TaccException] (Corrupt, ChecksumMismatch, TooLarge, ...).
 * [close] closes the decoder and [input]. [tokenCount] counts the tokens decoded so far.
 */
class TaccInputStream(
    input: InputStream,
    private val decoder: StreamDecoder,
    private val maxChunkBytes: Int = MAX_FRAMED_CHUNK_BYTES,
) : FilterInputStream(input) {
    private var text = ByteArray(0)
    private var pos = 0
    private var closed = false

    /** Tokens decoded so far. */
    val tokenCount: Long get() = decoder.tokenCount().toLong()

    override fun read(): Int {
        val one = ByteArray(1)
        return if (read(one, 0, 1) < 0) -1 else one[0].toInt() and 0xFF
    }

    override fun read(b: ByteArray, off: Int, len: Int): Int {
        java.util.Objects.checkFromIndexSize(off, len, b.size)
        if (closed) throw IOException("tacc stream: read after close")
        if (len == 0) return 0
        while (pos == text.size) {
            if (decoder.isFinished()) return -1
            val chunk = readChunk(`in`, maxChunkBytes)
                ?: throw EOFException("tacc stream: input ended before the stream's last chunk")
            text = io { decoder.push(chunk) }.text.encodeToByteArray()
            pos = 0
        }
        val n = minOf(len, text.size - pos)
        System.arraycopy(text, pos, b, off, n)
        pos += n
        return n
    }

    override fun available(): Int = text.size - pos

    override fun skip(n: Long): Long {
        var left = n
        val scratch = ByteArray(4096)
        while (left > 0) {
            val r = read(scratch, 0, minOf(left, scratch.size.toLong()).toInt())
            if (r < 0) break
            left -= r
        }
        return n - left
    }

    override fun markSupported(): Boolean = false

    override fun close() {
        if (closed) return
        closed = true
        try {
            decoder.close()
        } finally {
            `in`.close()
        }
    }
}

/** A [TaccOutputStream] over [out] with this codec's tokenizer and priors (every chunk checked if [chunkCheck]). */
fun Codec.compressingStream(out: OutputStream, chunkCheck: Boolean = false): TaccOutputStream =
    TaccOutputStream(out, if (chunkCheck) streamEncoderWithChunkCheck() else streamEncoder())

/** A [TaccInputStream] over [input] that also knows this codec's custom tokenizer or priors and limits. */
fun Codec.decompressingStream(input: InputStream): TaccInputStream = TaccInputStream(input, streamDecoder())
