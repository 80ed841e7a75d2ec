import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.tacc.*
import java.io.File
import java.lang.management.ManagementFactory
import java.nio.ByteBuffer
import java.nio.ByteOrder

// Decode limits and hostile payloads (issue 12) through the Kotlin bindings.
//
// Each hostile decode is measured in this JVM (surefire runs this class in a JVM of its own, see
// pom.xml): peak resident memory from /proc/self/status VmHWM, reset before the call through
// /proc/self/clear_refs ("5" resets the peak), and the CPU time of the calling thread (the native
// decode runs on it). Bounds are generous (machines are noisy) but far below what each defect
// cost: the output limit plus 64 MiB of memory, 10 s of CPU.

private val HROOT = File(System.getProperty("tacc.root") ?: "../..")
private const val MIB = 1L shl 20
private const val SPACES_128 = 58040u // cl100k_base: 128 spaces
private const val CPU_BOUND_NS = 10_000_000_000L
private const val MEMORY_SLACK = 64 * MIB

private fun statusBytes(field: String): Long =
    File("/proc/self/status").readLines().first { it.startsWith("$field:") }
        .trim().split(Regex("\\s+"))[1].toLong() * 1024

/** What one call cost: its exception (null if none), its peak memory above the start, its CPU time. */
private class Cost(val error: Throwable?, val peakBytes: Long, val cpuNs: Long) {
    override fun toString() = "error=${error?.javaClass?.simpleName} peak=${peakBytes / MIB} MiB cpu=${cpuNs / 1_000_000} ms"
}

private fun measure(block: () -> Unit): Cost {
    System.gc()
    val reset = runCatching { File("/proc/self/clear_refs").writeText("5") }.isSuccess
    // Without the reset, the peak so far is the base: the check only sees a call that passes it.
    val base = if (reset) statusBytes("VmRSS") else statusBytes("VmHWM")
    val threads = ManagementFactory.getThreadMXBean()
    val cpu0 = threads.currentThreadCpuTime
    val error = runCatching(block).exceptionOrNull()
    val cpu = threads.currentThreadCpuTime - cpu0
    return Cost(error, maxOf(0L, statusBytes("VmHWM") - base), cpu)
}

/** Runs a hostile decode: it must fail with TooLarge (or `expected`), within the bounds. */
private fun hostile(name: String, outputLimit: Long, expected: Class<out Throwable> = TaccException.TooLarge::class.java, block: () -> Unit) {
    val cost = measure(block)
    println("hostile $name: $cost")
    assertTrue(expected.isInstance(cost.error), "$name: expected ${expected.simpleName}, got ${cost.error}")
    assertTrue(cost.peakBytes < outputLimit + MEMORY_SLACK, "$name: peak memory ${cost.peakBytes / MIB} MiB")
    assertTrue(cost.cpuNs < CPU_BOUND_NS, "$name: CPU ${cost.cpuNs / 1_000_000} ms")
}

private fun packed(id: UInt, count: Int): ByteArray {
    val b = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN)
    repeat(count) { b.putInt(id.toInt()) }
    return b.array()
}

class HostileTest {
    private val cl100k = Codec("cl100k_base")
    private val text = "Limits bound what one decode may produce. ".repeat(1000) // 43,000 bytes
    private val n = text.toByteArray().size.toULong()

    @Test
    fun `limits API`() {
        assertEquals(Limits(64uL * 1024uL * 1024uL, 16uL * 1024uL * 1024uL), defaultLimits())
        assertEquals(defaultLimits(), cl100k.limits())
        assertEquals(defaultLimits(), Limits().let { cl100k.withLimits(it).limits() }) // 0 = the default
        cl100k.withLimits(Limits(1000uL, 10uL)).use { c ->
            assertEquals(Limits(1000uL, 10uL), c.limits())
            assertEquals("cl100k_base", c.tokenizerName())
        }
        // Above the hard caps: clamped.
        assertEquals(Limits(1uL shl 30, 1uL shl 28), cl100k.withLimits(Limits(ULong.MAX_VALUE, ULong.MAX_VALUE)).limits())
        // Exactly at the limit decodes.
        val frame = cl100k.compressText(text, defaultOptions())
        assertEquals(text, cl100k.withLimits(Limits(maxOutputBytes = n)).decompressText(frame))
        assertEquals(Content.Text(text), decompressWithLimits(frame, Limits(maxOutputBytes = n)))
    }

    @Test
    fun `past a limit is TooLarge on every decode path`() {
        val small = cl100k.withLimits(Limits(maxOutputBytes = n - 1uL))
        for (m in listOf(Method.MODEL, Method.ZSTD, Method.GZIP, Method.STORED, Method.LOPACE_HYBRID, Method.TACC_GZIP)) {
            val frame = cl100k.compressText(text, defaultOptions().copy(method = m))
            assertThrows<TaccException.TooLarge>("$m") { small.decompressText(frame) }
            assertThrows<TaccException.TooLarge>("$m") { small.decompress(frame) }
            assertThrows<TaccException.TooLarge>("$m") { decompressWithLimits(frame, Limits(maxOutputBytes = n - 1uL)) }
        }
        val ids = cl100k.tokenize(text)
        val fewer = cl100k.withLimits(Limits(maxTokens = (ids.size - 1).toULong()))
        val idFrame = cl100k.compressTokenIds(ids, defaultOptions())
        assertThrows<TaccException.TooLarge> { fewer.decompressTokenIds(idFrame) }
        assertThrows<TaccException.TooLarge> { fewer.decompressTokenIdsPacked(idFrame) }
        for (gzip in listOf(false, true)) {
            val payload = cl100k.encodeTokenIds(ids, gzip)
            assertThrows<TaccException.TooLarge>("gzip=$gzip") { fewer.decodeTokenIds(payload, gzip) }
            assertThrows<TaccException.TooLarge>("gzip=$gzip") { fewer.decodeTokenIdsPacked(payload, gzip) }
            assertThrows<TaccException.TooLarge>("gzip=$gzip") { fewer.decodeMappedIds(payload, gzip) }
            assertThrows<TaccException.TooLarge>("gzip=$gzip") { fewer.decodeTokens(payload, gzip) }
        }
        for (m in LopaceMethod.entries) {
            val payload = cl100k.lopaceCompress(text, m, 15)
            assertThrows<TaccException.TooLarge>("$m") { small.lopaceDecompress(payload, m) }
        }
    }

    @Test
    fun `stream decoders honour their limits`() {
        val chunk = cl100k.streamEncoder().use { enc ->
            enc.pushTokenIdsPacked(packed(SPACES_128, 100)) // 12,800 bytes of text
            enc.flush()
        }
        assertThrows<TaccException.TooLarge> { StreamDecoder.withLimits(Limits(maxOutputBytes = 12_799uL)).push(chunk) }
        assertThrows<TaccException.TooLarge> { StreamDecoder.withLimits(Limits(maxTokens = 99uL)).push(chunk) }
        assertThrows<TaccException.TooLarge> { cl100k.withLimits(Limits(maxOutputBytes = 12_799uL)).streamDecoder().push(chunk) }
        assertEquals(" ".repeat(12_800), StreamDecoder.withLimits(Limits(maxOutputBytes = 12_800uL)).push(chunk).text)
        assertEquals(" ".repeat(12_800), StreamDecoder.withLimits(Limits()).push(chunk).text)
    }

    // ---- Hostile payloads made here with the library (the large ones of issue 12's table) ----------------

    @Test
    fun `zstd frame of 80 MiB`() {
        val frame = cl100k.compressBytes(ByteArray((80 * MIB).toInt()) { 0x20 }, defaultOptions().copy(method = Method.ZSTD))
        assertTrue(frame.size < 64 * 1024)
        hostile("zstd 80 MiB, default limits", 64 * MIB) { decompress(frame) }
        hostile("zstd 80 MiB, 1 MiB limit", MIB) { decompressWithLimits(frame, Limits(maxOutputBytes = MIB.toULong())) }
    }

    @Test
    fun `token-ID frame of 17 Mi tokens`() {
        val frame = cl100k.compressTokenIdsPacked(packed(SPACES_128, 17 shl 20), defaultOptions().copy(method = Method.LOPACE_HYBRID))
        hostile("lopace-hybrid 17 Mi IDs, default limits", 64 * MIB) { cl100k.decompressTokenIdsPacked(frame) }
        hostile("lopace-hybrid 17 Mi IDs, 1000 tokens", MIB) {
            decompressWithLimits(frame, Limits(maxTokens = 1000uL))
        }
    }

    @Test
    fun `stream chunk of 128 MiB of text`() {
        val chunk = cl100k.streamEncoder().use { enc ->
            enc.pushTokenIdsPacked(packed(SPACES_128, 1 shl 20))
            enc.flush()
        }
        hostile("stream chunk 128 MiB, default limits", 64 * MIB) { StreamDecoder().push(chunk) }
        hostile("stream chunk 128 MiB, 1 MiB limit", MIB) {
            StreamDecoder.withLimits(Limits(maxOutputBytes = MIB.toULong())).push(chunk)
        }
    }

    @Test
    fun `tacc-gzip payload of 4 Mi tokens`() {
        val payload = cl100k.encodeTokenIdsPacked(packed(SPACES_128, 4 shl 20), true)
        cl100k.withLimits(Limits(maxTokens = 1000uL)).use { c ->
            hostile("tacc-gzip 4 Mi IDs, 1000 tokens", MIB) { c.decodeTokenIdsPacked(payload, true) }
        }
    }
}
