// What a user of the published jar does, against that jar only (see pom.xml).
import dev.tacc.*
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.io.File

private const val PROMPT = "You are a helpful assistant. Summarise: naïve café, 中文, emoji 😀 <|endoftext|>\n"

class ConsumerTest {
    @Test
    fun promptRoundTrip() {
        Codec("cl100k_base").use { c ->
            val frame = c.compressText(PROMPT)
            assertTrue(frame.size < PROMPT.encodeToByteArray().size, "a frame of ${frame.size} bytes")
            assertEquals(PROMPT, c.decompressText(frame))
            val ids = c.tokenizeToArray(PROMPT)
            assertArrayEquals(ids, c.decompressTokenIdArray(c.compressTokenIds(ids)))
        }
    }

    @Test
    fun streamRoundTripThroughTheAdapters() {
        val pieces = List(200) { "piece $it of the completion, 日本語 😀 " }
        val wire = ByteArrayOutputStream()
        Codec("o200k_base").use { c ->
            c.compressingStream(wire).use { out ->
                pieces.forEachIndexed { i, p ->
                    out.write(p.encodeToByteArray())
                    if (i % 50 == 49) out.flush()
                }
            }
            val text = c.decompressingStream(ByteArrayInputStream(wire.toByteArray())).use { it.readBytes() }
            assertEquals(pieces.joinToString(""), text.decodeToString())
        }
    }

    @Test
    fun corruptBytesGiveTheirErrorKind() {
        Codec("cl100k_base").use { c ->
            assertThrows<TaccException.Corrupt> { c.decompressText(byteArrayOf(1, 2, 3)) }
            // A stream whose last chunk is damaged: the adapter's IOException carries the kind.
            val wire = ByteArrayOutputStream()
            c.compressingStream(wire).use { it.write(PROMPT.encodeToByteArray()) }
            val bytes = wire.toByteArray()
            bytes[bytes.size - 1] = (bytes[bytes.size - 1].toInt() xor 0x5a).toByte()
            val e = assertThrows<TaccIOException> { c.decompressingStream(ByteArrayInputStream(bytes)).use { it.readBytes() } }
            assertTrue(e.cause is TaccException.Corrupt || e.cause is TaccException.ChecksumMismatch, "kind ${e.cause}")
        }
    }

    @Test
    fun nativeLibraryComesFromTheJar() {
        assertNull(System.getProperty("jna.library.path"), "jna.library.path must not be set")
        assertNull(System.getenv("LD_LIBRARY_PATH"), "LD_LIBRARY_PATH must not be set")
        // The classes and the library resource come from the released jar in the local repository.
        val jar = File(Codec::class.java.protectionDomain.codeSource.location.toURI())
        assertEquals("tacc-${System.getProperty("tacc.version")}.jar", jar.name)
        val res = Codec::class.java.classLoader.getResource("linux-x86-64/libtacc_uniffi.so")
        assertTrue(res != null && res.toString().startsWith("jar:") && res.toString().contains(jar.name), "resource $res")
        Codec("cl100k_base").use { assertEquals("hi", it.decompressText(it.compressText("hi"))) }
        // JNA extracted the library from the jar: what is mapped is its temporary copy, no build tree's file.
        val mapped = File("/proc/self/maps").readLines().map { it.substringAfter('/', "") }.filter { "tacc" in it || "jna" in it }
        assertTrue(mapped.any { "jna" in it }, "no library extracted by JNA: $mapped")
        assertTrue(mapped.none { it.endsWith("libtacc_uniffi.so") }, "loaded from a file, not the jar: $mapped")
    }
}
