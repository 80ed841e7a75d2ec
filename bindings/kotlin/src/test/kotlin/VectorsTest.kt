import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test
import dev.tacc.*
import java.io.File

// The shared vectors every language reads (tests/vectors, see its README/about): frames.json (every
// frame decodes to its content, every stream to its token IDs) and errors.json (every error kind has
// its exception class, and every case fails with exactly its kind through the Kotlin API).

private val VROOT = File(System.getProperty("tacc.root") ?: "../..")
private fun vectors(name: String) = JSONObject(File(VROOT, "tests/vectors/$name").readText())
private fun unhex(s: String): ByteArray = ByteArray(s.length / 2) { s.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
private fun JSONArray.objects(): List<JSONObject> = (0 until length()).map { getJSONObject(it) }
private fun JSONArray.uints(): List<UInt> = (0 until length()).map { getLong(it).toUInt() }

/** A case's codec: its tokenizer, with its custom tacc mapping (mapping_hex, loaded from a file) if it has one. */
private fun <T> withCodec(case: JSONObject, body: (Codec) -> T): T {
    val mapping = case.optString("mapping_hex", "")
    if (mapping.isEmpty()) return Codec(case.getString("tokenizer")).use(body)
    val file = File.createTempFile("tacc-mapping", ".tmap")
    try {
        file.writeBytes(unhex(mapping))
        return Codec.withMappingFile(case.getString("tokenizer"), file.path).use(body)
    } finally {
        file.delete()
    }
}

/** The exception class of an error kind: TaccException.<name>, or null if there is none. */
private fun exceptionClass(name: String): Class<*>? =
    runCatching { Class.forName("dev.tacc.TaccException\$$name") }.getOrNull()
        ?.takeIf { TaccException::class.java.isAssignableFrom(it) }

class VectorsTest {
    @Test
    fun `every frame decodes to its content`() {
        val cases = vectors("frames.json").getJSONArray("cases").objects()
        assertTrue(cases.size > 100)
        val kinds = HashSet<String>()
        for (case in cases) {
            val label = "${case.getString("label")} (${case.getString("method")}, ${case.getString("tokenizer")})"
            val frame = unhex(case.getString("frame_hex"))
            val kind = case.getString("kind")
            kinds.add(kind)
            withCodec(case) { c ->
                val content = c.decompress(frame)
                when (kind) {
                    "text" -> {
                        assertEquals(case.getString("text"), (content as Content.Text).text, label)
                        assertEquals(case.getString("text"), c.decompressText(frame), label)
                    }
                    "token_ids" -> {
                        val ids = case.getJSONArray("token_ids").uints()
                        assertEquals(ids, (content as Content.TokenIds).ids, label)
                        assertEquals(ids, c.decompressTokenIds(frame), label)
                        assertArrayEquals(ids.map { it.toInt() }.toIntArray(), c.decompressTokenIdArray(frame), label)
                    }
                    "bytes" -> assertArrayEquals(unhex(case.getString("bytes_hex")), (content as Content.Bytes).bytes, label)
                    else -> fail("$label: unknown kind $kind")
                }
            }
            // Without a codec too, where the frame needs no custom mapping.
            if (!case.has("mapping_hex")) {
                val free = decompress(frame)
                when (kind) {
                    "text" -> assertEquals(case.getString("text"), (free as Content.Text).text, label)
                    "token_ids" -> assertEquals(case.getJSONArray("token_ids").uints(), (free as Content.TokenIds).ids, label)
                    else -> assertArrayEquals(unhex(case.getString("bytes_hex")), (free as Content.Bytes).bytes, label)
                }
            }
        }
        assertEquals(setOf("text", "token_ids", "bytes"), kinds)
    }

    @Test
    fun `every stream decodes to its token IDs`() {
        val streams = vectors("frames.json").getJSONArray("streams").objects()
        assertTrue(streams.isNotEmpty())
        for (s in streams) {
            val chunks = s.getJSONArray("chunks_hex").let { a -> (0 until a.length()).map { unhex(a.getString(it)) } }
            for (dec in listOf(StreamDecoder(), Codec(s.getString("tokenizer")).use { it.streamDecoder() })) dec.use {
                val ids = ArrayList<UInt>()
                var finished = false
                for (chunk in chunks) {
                    val u = it.push(chunk)
                    ids.addAll(u.tokenIds)
                    finished = u.finished
                }
                assertEquals(s.getJSONArray("token_ids").uints(), ids, s.getString("tokenizer"))
                assertTrue(finished && it.isFinished())
            }
        }
    }

    @Test
    fun `every error kind has its exception class`() {
        val kinds = vectors("errors.json").getJSONArray("kinds").objects().map { it.getString("name") }
        assertTrue("Internal" in kinds && "Corrupt" in kinds)
        // Every kind, NullArgument too (the C ABI's alone: no Kotlin call raises it).
        for (name in kinds) {
            assertTrue(exceptionClass(name) != null, "no TaccException.$name")
        }
        // ... and no exception class beyond the kinds.
        val classes = TaccException::class.java.declaredClasses
            .filter { TaccException::class.java.isAssignableFrom(it) }.map { it.simpleName }.toSet()
        assertEquals(kinds.toSet(), classes)
    }

    @Test
    fun `every error case fails with its kind`() {
        val cases = vectors("errors.json").getJSONArray("cases").objects()
        assertTrue(cases.isNotEmpty())
        for (case in cases) {
            val label = case.getString("label")
            val expected = case.getString("kind")
            val error = runCatching { runErrorCase(case) }.exceptionOrNull()
            assertTrue(error is TaccException, "$label: expected TaccException.$expected, got $error")
            assertEquals(expected, error!!.javaClass.simpleName, "$label: ${error.message}")
        }
    }
}

/** Runs one errors.json case through the Kotlin API (it is expected to throw). */
private fun runErrorCase(case: JSONObject) {
    val call = case.getString("call")
    if (call == "new_codec") {
        Codec(case.getString("tokenizer")).close()
        return
    }
    val data = { unhex(case.getString("data_hex")) }
    val limits = Limits(case.optLong("max_output_bytes", 0).toULong(), case.optLong("max_tokens", 0).toULong())
    Codec(case.getString("tokenizer")).use { base ->
        base.withLimits(limits).use { c ->
            when (call) {
                "decompress" -> c.decompress(data())
                "decompress_text" -> c.decompressText(data())
                "decompress_token_ids" -> c.decompressTokenIds(data())
                "detokenize" -> c.detokenize(case.getJSONArray("token_ids").uints())
                "compress_bytes" -> {
                    val options = if (case.has("method")) defaultOptions().copy(method = methodFromName(case.getString("method"))) else defaultOptions()
                    c.compressBytes(data(), options)
                }
                else -> fail("${case.getString("label")}: unknown call $call")
            }
        }
    }
}
