import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.MethodSource
import dev.tacc.*
import java.io.File
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

private val ROOT = File(System.getProperty("tacc.root") ?: "../..")
private const val TEXT = "Hello from Kotlin! naïve café, 中文, emoji 😀\n\tdone. <|endoftext|> is text here."
private val TOKEN_METHODS = listOf(Method.STORED, Method.LOPACE_TOKEN, Method.LOPACE_HYBRID, Method.TACC, Method.TACC_GZIP, Method.MODEL)

private fun hex(s: String): ByteArray = ByteArray(s.length / 2) { s.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
private fun ByteArray.hex(): String = joinToString("") { "%02x".format(it) }
private fun golden(name: String) = JSONObject(File(ROOT, "tests/golden/$name").readText())
private fun JSONArray.uints(): List<UInt> = (0 until length()).map { getLong(it).toUInt() }
private fun JSONArray.ints(): List<Int> = (0 until length()).map { getInt(it) }

private const val STREAM_TEXT = "Streams: naïve café, 中文字符 and 日本語, emoji 😀👍🏽👨‍👩‍👧 done."

/** Encodes `ids` flushing every `every` tokens; returns the chunks, the last one from finish(). */
private fun streamChunks(c: Codec, ids: List<UInt>, every: Int): List<ByteArray> =
    c.streamEncoder().use { enc ->
        val chunks = ids.chunked(every).map { enc.pushTokenIds(it); enc.flush() }.toMutableList()
        chunks.add(enc.finish())
        chunks
    }

/** Feeds chunks to a decoder, checking after each one that the text so far is a prefix of `expected`. */
private fun decodeChunks(dec: StreamDecoder, chunks: List<ByteArray>, expected: String): Pair<List<UInt>, String> {
    val ids = ArrayList<UInt>()
    val text = StringBuilder()
    chunks.forEachIndexed { i, chunk ->
        val u = dec.push(chunk)
        ids.addAll(u.tokenIds)
        assertFalse(u.text.contains('\uFFFD'), "replacement character in chunk $i")
        text.append(u.text)
        assertTrue(expected.startsWith(text.toString()), "chunk $i: text is not a prefix")
        assertEquals(i == chunks.size - 1, u.finished)
        assertEquals(u.finished, dec.isFinished())
    }
    return ids to text.toString()
}

class TaccTest {
    companion object {
        @JvmStatic fun tokenizers(): List<String> = listAvailableTokenizers()
        private val codecs = HashMap<String, Codec>()
        @Synchronized fun codec(name: String): Codec = codecs.getOrPut(name) { Codec(name) }
    }

    @Test
    fun chunkCheckRefusesACorruptChunkAtThatChunk() {
        val c = codec("cl100k_base")
        val ids = c.tokenize(STREAM_TEXT)
        val chunks = c.streamEncoderWithChunkCheck().use { enc ->
            val cs = ids.chunked(2).map { enc.pushTokenIds(it); enc.flush() }.toMutableList()
            cs.add(enc.finish())
            cs
        }
        StreamDecoder().use { dec -> assertEquals(STREAM_TEXT, decodeChunks(dec, chunks, STREAM_TEXT).second) }
        val k = chunks.size / 2
        for (bit in 0 until chunks[k].size * 8) {
            StreamDecoder().use { dec ->
                chunks.take(k).forEach { dec.push(it) }
                val bad = chunks[k].copyOf()
                bad[bit / 8] = (bad[bit / 8].toInt() xor (1 shl (bit % 8))).toByte()
                assertThrows<TaccException>("bit $bit") { dec.push(bad) }
            }
        }
    }

    @Test
    fun `version, tokenizers and defaults`() {
        assertEquals(listOf("cl100k_base", "gpt2", "o200k_base", "o200k_harmony", "p50k_base", "p50k_edit", "r50k_base"), listAvailableTokenizers())
        assertTrue(version().matches(Regex("\\d+\\.\\d+\\.\\d+.*")))
        val o = defaultOptions()
        assertEquals(Method.MODEL, o.method)
        assertEquals(15, o.zstdLevel); assertEquals(9, o.gzipLevel); assertTrue(o.checksum)
        // the record's literal field defaults are the library's (tacc::Options::default())
        assertEquals(o, Options(method = o.method))
        assertEquals("lopace-hybrid", methodName(Method.LOPACE_HYBRID))
        assertEquals(Method.TACC, methodFromName("tacc"))
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    fun `tacc calls round trip`(tok: String) {
        val c = codec(tok)
        assertEquals(tok, c.tokenizerName())
        val ids = c.tokenize(TEXT)
        assertEquals(TEXT, c.detokenize(ids))
        for (gzip in listOf(false, true)) {
            val payload = c.compressTaccPayload(ids, gzip)
            assertEquals(ids, c.decompressTaccPayload(payload, gzip))
            val mapped = c.tokenIdToMappedId(ids)
            assertEquals(ids, c.mappedIdToTokenId(mapped))
            assertArrayEquals(payload, c.compressTaccPayloadMapped(mapped, gzip))
            assertEquals(mapped, c.decompressTaccPayloadMapped(payload, gzip))
            val raw = c.compressTaccPayloadUnmapped(ids, gzip)
            assertEquals(ids, c.decompressTaccPayloadUnmapped(raw, gzip))
            val pieces = c.decompressTaccPayloadTokens(c.compressTaccPayload(c.tokenize("The quick brown fox."), gzip), gzip)
            assertEquals("The quick brown fox.", pieces.joinToString(""))
            assertArrayEquals(c.compressTaccPayload(c.tokenize("The quick brown fox."), gzip), c.compressTaccPayloadTokens(pieces, gzip))
            // packed (IntArray) twins give the same bytes
            val arr = ids.map { it.toInt() }.toIntArray()
            assertArrayEquals(payload, c.compressTaccPayload(arr, gzip))
            assertArrayEquals(arr, c.decompressTaccPayloadArray(payload, gzip))
            assertArrayEquals(arr, c.tokenizeToArray(TEXT))
        }
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    fun `frames round trip for every method`(tok: String) {
        val c = codec(tok)
        for (m in Method.values().toList() + listOf(null)) {
            val frame = c.compressText(TEXT, Options(method = m))
            assertEquals(TEXT, c.decompressText(frame))
            assertEquals(Content.Text(TEXT), decompress(frame))
        }
        val ids = c.tokenize(TEXT)
        for (m in TOKEN_METHODS) {
            val frame = c.compressTokenIds(ids, Options(method = m, gzipLevel = 6))
            assertEquals(ids, c.decompressTokenIds(frame))
            assertArrayEquals(ids.map { it.toInt() }.toIntArray(), c.decompressTokenIdArray(frame))
        }
        val bytes = ByteArray(300) { (it * 7).toByte() }
        assertEquals(Content.Bytes(bytes.toList().toByteArray()).let { (it as Content.Bytes).bytes.hex() },
            (c.decompress(c.compressBytes(bytes, defaultOptions())) as Content.Bytes).bytes.hex())
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    fun `LoPace calls and stats`(tok: String) {
        val c = codec(tok)
        for (m in LopaceMethod.values()) {
            assertEquals(TEXT, c.decompressLopacePayload(c.compressLopacePayload(TEXT, m, 15), m))
        }
        val s = c.lopaceStats(TEXT, null, 15)
        assertEquals(listOf("zstd", "token", "hybrid"), s.methods.map { it.name })
        assertEquals(TEXT.toByteArray().size.toULong(), s.originalBytes)
        val all = c.stats(TEXT, defaultOptions())
        assertEquals(Method.values().size, all.methods.size)
        val e = c.order0Estimate(TEXT, EntropyUnit.BYTE)
        assertEquals(TEXT.toByteArray().size.toULong(), e.units)
    }

    @Test
    fun `golden vectors of tacc 0_1_0 decode and re-encode`() {
        val cases = golden("tacc_0.1.0.json").getJSONArray("cases")
        var n = 0
        for (i in 0 until cases.length()) {
            val k = cases.getJSONObject(i)
            val c = codec(k.getString("tokenizer"))
            val gzip = k.getBoolean("gzip")
            val payload = hex(k.getString("payload_hex"))
            when (k.getString("call")) {
                "encode_token_ids" -> {
                    val ids = k.getJSONArray("token_ids").uints()
                    assertEquals(ids, c.decompressTaccPayload(payload, gzip))
                    if (!gzip) assertEquals(k.getString("payload_hex"), c.compressTaccPayload(ids, false).hex())
                }
                "encode_mapped_ids" -> assertEquals(k.getJSONArray("mapped_ids").ints(), c.decompressTaccPayloadMapped(payload, gzip))
                "encode_raw_token_ids" -> assertEquals(k.getJSONArray("payload_values").ints(), c.decompressTaccPayloadMapped(payload, gzip))
            }
            n++
        }
        assertTrue(n > 100)
    }

    @Test
    fun `golden vectors of LoPace 0_1_5 match byte for byte`() {
        val cases = golden("lopace_0.1.5.json").getJSONArray("cases")
        for (i in 0 until cases.length()) {
            val k = cases.getJSONObject(i)
            val c = codec(k.getString("model"))
            val m = LopaceMethod.valueOf(k.getString("method").uppercase())
            val text = k.getString("text")
            assertEquals(k.getString("payload_hex"), c.compressLopacePayload(text, m, k.getInt("zstd_level")).hex(), k.getString("label"))
            assertEquals(text, c.decompressLopacePayload(hex(k.getString("payload_hex")), m))
        }
    }

    @Test
    fun `errors are typed exceptions with the library's message`() {
        val e1 = assertThrows<TaccException.UnknownTokenizer> { Codec("nope") }
        assertTrue(e1.message!!.contains("unknown tokenizer 'nope'"))
        val c = codec("cl100k_base")
        val e2 = assertThrows<TaccException.Corrupt> { c.decompressTaccPayload(hex("ffffffff"), false) }
        assertTrue(e2.message!!.startsWith("corrupt"))
        assertThrows<TaccException.Corrupt> { c.decompressText(byteArrayOf(1, 2, 3)) }
        assertThrows<TaccException.UnknownId> { c.compressTaccPayload(listOf(100277u), false) }
        assertThrows<TaccException.UnknownId> { c.mappedIdToTokenId(listOf(50139)) }
        assertThrows<TaccException.UnknownId> { c.compressTaccPayloadTokens(listOf("notatokenxyzzy"), false) }
        val e3 = assertThrows<TaccException.InvalidArgument> { c.compressTaccPayloadPacked(byteArrayOf(1, 2, 3), false) }
        assertEquals("invalid argument: packed token IDs must be a multiple of 4 bytes (u32 little-endian), got 3", e3.message)
        assertThrows<TaccException.Io> { Codec.withMappingFile("gpt2", "/nonexistent/mapping.tmap") }
        val frame = c.compressText(TEXT, defaultOptions())
        frame[frame.size - 1] = (frame[frame.size - 1].toInt() xor 0xFF).toByte()
        assertThrows<TaccException.ChecksumMismatch> { c.decompressText(frame) }
        // the base class catches them all
        assertThrows<TaccException> { c.decompressTaccPayload(byteArrayOf(), true) }
    }

    @Test
    fun `custom mapping file gives tacc's bytes`() {
        Codec.withMappingFile("cl100k_base", File(ROOT, "mappings/cl100k_base.tmap.zst").path).use { custom ->
            val ids = custom.tokenize(TEXT)
            assertArrayEquals(codec("cl100k_base").compressTaccPayload(ids, false), custom.compressTaccPayload(ids, false))
        }
    }

    @Test
    fun `one codec shared by several threads`() {
        val c = codec("o200k_base")
        val pool = Executors.newFixedThreadPool(8)
        val jobs = (0 until 32).map { i ->
            pool.submit<Boolean> {
                val text = "thread $i: " + TEXT.repeat(i % 4 + 1)
                (0 until 20).all {
                    val ids = c.tokenizeToArray(text)
                    c.decompressTaccPayloadArray(c.compressTaccPayload(ids, true), true).contentEquals(ids) &&
                        c.decompressText(c.compressText(text)) == text
                }
            }
        }
        assertTrue(jobs.all { it.get(120, TimeUnit.SECONDS) })
        pool.shutdown()
    }

    @Test
    fun `closed codec refuses calls`() {
        val c = Codec("gpt2")
        c.close()
        assertThrows<IllegalStateException> { c.tokenize("x") }
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    fun `stream round trip flushing every token and every 16`(tok: String) {
        val c = codec(tok)
        for (text in listOf(TEXT, STREAM_TEXT)) {
            val ids = c.tokenize(text)
            for (every in listOf(1, 16)) {
                val chunks = streamChunks(c, ids, every)
                assertEquals((ids.size + every - 1) / every + 1, chunks.size)
                for (dec in listOf(c.streamDecoder(), StreamDecoder())) dec.use {
                    val (got, gotText) = decodeChunks(it, chunks, text)
                    assertEquals(ids, got)
                    assertEquals(text, gotText)
                    assertTrue(it.isFinished())
                    assertEquals(ids.size.toULong(), it.tokenCount())
                }
            }
        }
    }

    @Test
    fun `stream holds back split characters until complete`() {
        val c = codec("cl100k_base")
        val text = "😀👍🏽 中文字符 𝄞"
        val ids = c.tokenize(text)
        val chunks = streamChunks(c, ids, 1)
        StreamDecoder().use { dec ->
            var heldBack = 0
            val sb = StringBuilder()
            for (chunk in chunks) {
                val u = dec.push(chunk)
                if (u.tokenIds.isNotEmpty() && u.text.isEmpty()) heldBack++
                assertFalse(u.text.contains('\uFFFD'))
                sb.append(u.text)
                assertTrue(text.startsWith(sb.toString()))
            }
            assertEquals(text, sb.toString())
            assertTrue(heldBack > 0, "emoji tokens of cl100k_base split characters: some chunks hold no text yet")
            assertTrue(dec.isFinished())
        }
    }

    @Test
    fun `stream push_text restores the text exactly`() {
        val c = codec("o200k_base")
        val pieces = listOf("Hel", "lo, ", "世界", "! 😀", "👍🏽", " done.")
        val chunks = c.streamEncoder().use { enc ->
            pieces.map { enc.pushText(it); enc.flush() } + listOf(enc.finish())
        }
        StreamDecoder().use { dec ->
            val (_, text) = decodeChunks(dec, chunks, pieces.joinToString(""))
            assertEquals(pieces.joinToString(""), text)
        }
    }

    @Test
    fun `stream errors are typed exceptions with the library's message`() {
        val c = codec("cl100k_base")
        val chunks = streamChunks(c, c.tokenize(STREAM_TEXT), 4)
        assertTrue(chunks.size > 4)
        // reordered: chunk 3 where chunk 2 is due
        StreamDecoder().use { dec ->
            dec.push(chunks[0]); dec.push(chunks[1])
            val e = assertThrows<TaccException.Corrupt> { dec.push(chunks[3]) }
            assertEquals("corrupt stream payload: chunk 3 arrived where chunk 2 was expected (reordered, duplicated or lost)", e.message)
            assertTrue(dec.isFailed())
            // failed for good: even the right chunk is refused
            assertThrows<TaccException> { dec.push(chunks[2]) }
            assertFalse(dec.isFinished())
        }
        // duplicated
        StreamDecoder().use { dec ->
            dec.push(chunks[0]); dec.push(chunks[1])
            val e = assertThrows<TaccException.Corrupt> { dec.push(chunks[1]) }
            assertEquals("corrupt stream payload: chunk 1 arrived where chunk 2 was expected (reordered, duplicated or lost)", e.message)
        }
        // truncated: every chunk but the last decodes, but the stream is not finished
        StreamDecoder().use { dec ->
            for (chunk in chunks.dropLast(1)) assertFalse(dec.push(chunk).finished)
            assertFalse(dec.isFinished())
            assertFalse(dec.isFailed())
        }
        // a frame is not a stream
        StreamDecoder().use { dec -> assertThrows<TaccException.Corrupt> { dec.push(c.compressText("x")) } }
        // encoder: unknown ID refused (nothing added), push/flush/finish after finish are errors, not panics
        c.streamEncoder().use { enc ->
            assertThrows<TaccException.UnknownId> { enc.pushTokenIds(listOf(100277u)) }
            assertEquals(0uL, enc.pendingTokens())
            enc.pushText("hi")
            enc.finish()
            val e = assertThrows<TaccException.InvalidArgument> { enc.finish() }
            assertEquals("invalid argument: the stream encoder has already finished", e.message)
            assertThrows<TaccException.InvalidArgument> { enc.pushTokenIds(listOf(9906u)) }
            assertThrows<TaccException.InvalidArgument> { enc.pushText("x") }
            assertThrows<TaccException.InvalidArgument> { enc.flush() }
        }
        // StreamEncoder(codec) is codec.streamEncoder()
        StreamEncoder(c).use { enc -> enc.pushTokenIds(listOf(9906u)); assertTrue(enc.finish().isNotEmpty()) }
    }

    @Test
    fun `Android-style example decodes a completion`() {
        examples.tacc.CompletionDecoder("o200k_base").use { d ->
            val server = codec("o200k_base")
            val reply = "Sure! The capital of France is Paris."
            assertEquals(reply, d.frameToText(server.compressText(reply)))
            assertEquals(reply, d.taccPayloadToText(server.compressTaccPayload(server.tokenize(reply), true)))
            assertTrue(d.frameToTextOrError(byteArrayOf(9, 9)).startsWith("[could not decode"))
            assertNotEquals("", d.frameToText(server.compressText("")).ifEmpty { "ok" })
        }
        examples.tacc.main()
    }
}
