// The batch calls (bindings/uniffi/src/batch.rs, src/main/kotlin/dev/tacc/Batch.kt): input order
// kept, one bad item fails alone with its own exception, identical bytes at any thread count.
import dev.tacc.*
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class BatchTest {
    private val texts = (0 until 64).map { i -> "Item $i: naïve café, 中文 ${"x".repeat(i * 7)} 😀\n".repeat(1 + i % 5) }

    @Test
    fun orderKeptAndSameBytesAtEveryThreadCount() {
        Codec("cl100k_base").use { c ->
            val one = c.compressTextBatch(texts, threads = 1).map { it.getOrThrow() }
            for (t in listOf(0, 2, 3, 8)) {
                val many = c.compressTextBatch(texts, threads = t).map { it.getOrThrow() }
                assertEquals(one.size, many.size)
                one.zip(many).forEach { (a, b) -> assertArrayEquals(a, b) }
            }
            // The batch's frames are the one-item call's frames.
            texts.zip(one).forEach { (text, frame) -> assertArrayEquals(c.compressText(text), frame) }
            val back = c.decompressTextBatch(one, 2u).map { it.getOrThrow() }
            assertEquals(texts, back)
        }
    }

    @Test
    fun oneBadItemFailsAloneWithItsException() {
        Codec("cl100k_base").use { c ->
            val frames = c.compressTextBatch(texts.take(5)).map { it.getOrThrow() }.toMutableList()
            frames[3] = frames[3].copyOf(frames[3].size - 3) // truncated
            val items = c.decompressTextBatch(frames, 0u)
            for ((i, item) in items.withIndex()) {
                if (i == 3) {
                    assertNull(item.value)
                    assertNotNull(item.failure)
                    assertThrows<TaccException> { item.getOrThrow() }
                } else {
                    assertEquals(texts[i], item.getOrThrow())
                }
            }
        }
    }

    @Test
    fun tokenIdBatches() {
        Codec("cl100k_base").use { c ->
            val ids = texts.map { c.tokenizeToArray(it) }
            val frames = c.compressTokenIdsBatch(ids, threads = 2).map { it.getOrThrow() }
            val back = c.decompressTokenIdsBatch(frames, 2u).map { it.getOrThrow() }
            ids.zip(back).forEach { (a, b) -> assertEquals(a.toList(), b.map { it.toInt() }) }
            assertThrows<IllegalArgumentException> { c.compressTextBatch(texts, threads = -1) }
        }
    }
}
