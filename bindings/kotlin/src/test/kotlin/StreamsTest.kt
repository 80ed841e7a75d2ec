// The java.io adapters over the stream codec (src/main/kotlin/dev/tacc/Streams.kt).
import dev.tacc.*
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.io.EOFException
import java.io.IOException
import java.nio.charset.MalformedInputException

private const val PIECE = "Streams over java.io: naïve café, 中文字符, 日本語, emoji 😀👍🏽👨‍👩‍👧.\n"

/** An output that remembers whether it was closed. */
private class Sink : ByteArrayOutputStream() {
    var closed = false
    override fun close() { closed = true }
}

class StreamsTest {
    private fun decode(c: Codec, wire: ByteArray): String =
        c.decompressingStream(ByteArrayInputStream(wire)).use { it.readBytes() }.decodeToString()

    @Test
    fun roundTripWithWritesThatSplitCharacters() {
        val text = PIECE.repeat(40)
        val bytes = text.encodeToByteArray()
        val wire = Sink()
        Codec("cl100k_base").use { c ->
            c.compressingStream(wire).use { out ->
                var i = 0
                var step = 1
                while (i < bytes.size) { // writes of 1..7 bytes cut through multi-byte characters
                    val n = minOf(step, bytes.size - i)
                    if (n == 1) out.write(bytes[i].toInt()) else out.write(bytes, i, n)
                    i += n
                    step = step % 7 + 1
                    if (i % 301 < 7) out.flush()
                }
            }
            assertTrue(wire.closed, "close closes the output")
            assertTrue(wire.size() < bytes.size / 2, "${wire.size()} bytes for ${bytes.size}")
            assertEquals(text, decode(c, wire.toByteArray()))
            // byte by byte on the reading side too
            val read = ByteArrayOutputStream()
            c.decompressingStream(ByteArrayInputStream(wire.toByteArray())).use { input ->
                while (true) { val b = input.read(); if (b < 0) break; read.write(b) }
                assertEquals(-1, input.read(), "end of data stays")
            }
            assertEquals(text, read.toByteArray().decodeToString())
        }
    }

    @Test
    fun flushMakesEverythingWrittenReadable() {
        Codec("o200k_base").use { c ->
            val wire = ByteArrayOutputStream()
            val out = c.compressingStream(wire)
            val first = "first part 😀"
            val bytes = first.encodeToByteArray()
            out.write(bytes + "😀".encodeToByteArray().copyOf(2)) // ends inside a character: it waits
            out.flush()
            val sent = wire.size()
            assertTrue(sent > 0)
            c.decompressingStream(ByteArrayInputStream(wire.toByteArray())).use { input ->
                assertArrayEquals(bytes, input.readNBytes(bytes.size))
                assertThrows<EOFException> { input.read() } // the stream has not ended yet
            }
            out.flush() // nothing new: no chunk
            assertEquals(sent, wire.size())
            out.write("😀".encodeToByteArray().copyOfRange(2, 4))
            out.close()
            assertEquals("$first😀", decode(c, wire.toByteArray()))
        }
    }

    @Test
    fun finishLeavesTheOutputOpenAndLaterWritesFail() {
        Codec("cl100k_base").use { c ->
            val wire = Sink()
            val out = c.compressingStream(wire, chunkCheck = true)
            out.write(PIECE.encodeToByteArray())
            out.finish()
            assertFalse(wire.closed)
            assertThrows<IOException> { out.write(1) }
            assertThrows<IOException> { out.flush() }
            out.close()
            out.close() // twice is fine
            assertTrue(wire.closed)
            assertEquals(PIECE, decode(c, wire.toByteArray()))
        }
    }

    @Test
    fun largeWritesAreChunkedAndTokensMixWithText() {
        Codec("cl100k_base").use { c ->
            val big = PIECE.repeat(3000) // ~250 KB in one write: buffered, cut at spaces, chunked
            val ids = c.tokenizeToArray("<|endoftext|> and then")
            val wire = ByteArrayOutputStream()
            TaccOutputStream(wire, c.streamEncoder(), chunkTokens = 1000).use { out ->
                out.write(big.encodeToByteArray())
                out.writeTokenIds(ids)
                out.write(" the end".encodeToByteArray())
            }
            val expected = big + c.detokenize(ids) + " the end"
            c.decompressingStream(ByteArrayInputStream(wire.toByteArray())).use { input ->
                assertEquals(expected, input.readBytes().decodeToString())
                assertTrue(input.tokenCount > 3000 * 20, "tokens ${input.tokenCount}")
            }
            // more than one chunk: count them through the framing
            val input = ByteArrayInputStream(wire.toByteArray())
            var n = 0
            while (readChunk(input) != null) n++
            assertTrue(n >= 10, "$n chunks") // ~16 KiB pieces of ~4000 tokens, a chunk after each
        }
    }

    @Test
    fun bytesThatAreNotUtf8AreRefused() {
        Codec("cl100k_base").use { c ->
            val out = c.compressingStream(ByteArrayOutputStream())
            out.write(byteArrayOf('a'.code.toByte(), 0xFF.toByte(), 'b'.code.toByte()))
            assertThrows<MalformedInputException> { out.flush() }
            val cut = c.compressingStream(ByteArrayOutputStream())
            cut.write("é".encodeToByteArray().copyOf(1))
            assertThrows<MalformedInputException> { cut.close() } // the text ends inside a character
        }
    }

    @Test
    fun damagedInputFailsWithItsKind() {
        Codec("cl100k_base").use { c ->
            val wire = ByteArrayOutputStream()
            c.compressingStream(wire).use { it.write(PIECE.repeat(5).encodeToByteArray()) }
            val good = wire.toByteArray()
            // cut short: inside the last chunk, and before it
            assertThrows<EOFException> { decode(c, good.copyOf(good.size - 1)) }
            assertThrows<EOFException> { decode(c, ByteArray(0)) }
            // not a stream header
            val header = good.copyOf().also { it[1] = 0 }
            val e = assertThrows<TaccIOException> { decode(c, header) }
            assertTrue(e.cause is TaccException.Corrupt, "kind ${e.cause}")
            // a damaged byte in the coded data: refused at the latest by the stream's CRC-32
            val body = good.copyOf().also { it[it.size - 3] = (it[it.size - 3].toInt() xor 0x10).toByte() }
            val k = assertThrows<TaccIOException> { decode(c, body) }
            assertTrue(k.cause is TaccException.Corrupt || k.cause is TaccException.ChecksumMismatch, "kind ${k.cause}")
            // a length past the limit is refused before anything is read
            val lying = byteArrayOf(0xFF.toByte(), 0xFF.toByte(), 0xFF.toByte(), 0xFF.toByte(), 0x0F)
            assertThrows<IOException> { readChunk(ByteArrayInputStream(lying)) }
        }
    }

    @Test
    fun exampleStreamsACompletionOverASocket() {
        val pieces = listOf("Sure", "!", " Here", " is", " 中文", " and", " 😀", " done", ".")
        Codec("o200k_base").use { c ->
            assertEquals(pieces.joinToString(""), examples.tacc.completionOverSocket(c, pieces))
        }
    }

    @Test
    fun chunkLengthsAreUvarints() {
        for ((size, prefix) in listOf(0 to listOf(0x00), 127 to listOf(0x7F), 128 to listOf(0x80, 0x01), 16384 to listOf(0x80, 0x80, 0x01))) {
            val out = ByteArrayOutputStream()
            writeChunk(out, ByteArray(size) { 7 })
            val bytes = out.toByteArray()
            assertEquals(prefix, bytes.take(prefix.size).map { it.toInt() and 0xFF })
            val input = ByteArrayInputStream(bytes)
            assertArrayEquals(ByteArray(size) { 7 }, readChunk(input))
            assertNull(readChunk(input))
        }
        assertThrows<EOFException> { readChunk(ByteArrayInputStream(byteArrayOf(0x80.toByte()))) }
        assertThrows<EOFException> { readChunk(ByteArrayInputStream(byteArrayOf(5, 1, 2))) }
    }
}
