// The Swift twin of bindings/kotlin/src/test/kotlin/TaccTest.kt. Runs with `swift test` on macOS after
// ./build-xcframework.sh (no Swift toolchain on the Linux CI: there, only the generated sources are checked).
import Foundation
import XCTest
@testable import Tacc

private let text = "Hello from Swift! naïve café, 中文, emoji 😀\n\tdone. <|endoftext|> is text here."
private let tokenMethods: [Method] = [.stored, .lopaceToken, .lopaceHybrid, .tacc, .taccGzip, .model]
private let allMethods: [Method] = [.stored, .zstd, .gzip, .lopaceToken, .lopaceHybrid, .tacc, .taccGzip, .model]

private func hex(_ s: String) -> Data {
    var d = Data()
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        d.append(UInt8(s[i..<j], radix: 16)!)
        i = j
    }
    return d
}

private func toHex(_ d: Data) -> String { d.map { String(format: "%02x", $0) }.joined() }

private func golden(_ name: String) throws -> [String: Any] {
    let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "golden")!
    return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
}

private let streamText = "Streams: naïve café, 中文字符 and 日本語, emoji 😀👍🏽👨‍👩‍👧 done."

/// Encodes `ids` flushing every `every` tokens; the chunks, the last one from finish().
private func streamChunks(_ c: Codec, _ ids: [UInt32], every: Int) throws -> [Data] {
    let enc = try c.streamEncoder()
    var chunks: [Data] = []
    for start in stride(from: 0, to: ids.count, by: every) {
        try enc.pushTokenIds(ids: Array(ids[start..<min(start + every, ids.count)]))
        chunks.append(try enc.flush())
    }
    chunks.append(try enc.finish())
    return chunks
}

/// Feeds chunks to a decoder, checking after each one that the text so far is a prefix of `expected`
/// (compared as UTF-8: String.hasPrefix works on grapheme clusters) and never holds U+FFFD.
private func decodeChunks(_ dec: StreamDecoder, _ chunks: [Data], expected: String,
                          file: StaticString = #filePath, line: UInt = #line) throws -> ([UInt32], String) {
    var ids: [UInt32] = []
    var acc = ""
    for (i, chunk) in chunks.enumerated() {
        let u = try dec.push(chunk: chunk)
        ids += u.tokenIds
        XCTAssertFalse(u.text.unicodeScalars.contains("\u{FFFD}"), "replacement character in chunk \(i)", file: file, line: line)
        acc += u.text
        XCTAssertTrue(expected.utf8.starts(with: acc.utf8), "chunk \(i): text is not a prefix", file: file, line: line)
        XCTAssertEqual(u.finished, i == chunks.count - 1, file: file, line: line)
        XCTAssertEqual(dec.isFinished(), u.finished, file: file, line: line)
    }
    return (ids, acc)
}

final class TaccTests: XCTestCase {
    func testVersionTokenizersDefaults() {
        XCTAssertEqual(listAvailableTokenizers(),
                       ["cl100k_base", "gpt2", "o200k_base", "o200k_harmony", "p50k_base", "p50k_edit", "r50k_base"])
        XCTAssertFalse(version().isEmpty)
        let o = defaultOptions()
        XCTAssertEqual(o.method, .model)
        XCTAssertEqual(o.zstdLevel, 15)
        XCTAssertEqual(o.gzipLevel, 9)
        XCTAssertTrue(o.checksum)
        // the record's literal field defaults are the library's (tacc::Options::default())
        XCTAssertEqual(Options(method: o.method), o)
        XCTAssertEqual(methodName(method: .lopaceHybrid), "lopace-hybrid")
    }

    func testTaccCallsRoundTripForEveryTokenizer() throws {
        for tok in listAvailableTokenizers() {
            let c = try Codec(tokenizer: tok)
            let ids = try c.tokenize(text: text)
            XCTAssertEqual(try c.detokenize(ids: ids), text)
            for gzip in [false, true] {
                let payload = try c.compressTaccPayload(ids: ids, gzip: gzip)
                XCTAssertEqual(try c.decompressTaccPayload(payload: payload, gzip: gzip), ids)
                let mapped = try c.tokenIdToMappedId(ids: ids)
                XCTAssertEqual(try c.mappedIdToTokenId(mapped: mapped), ids)
                XCTAssertEqual(try c.compressTaccPayloadMapped(mapped: mapped, gzip: gzip), payload)
                XCTAssertEqual(try c.decompressTaccPayloadUnmapped(payload: try c.compressTaccPayloadUnmapped(ids: ids, gzip: gzip), gzip: gzip), ids)
                let packed = ids.withUnsafeBufferPointer { Data(buffer: $0) } // little-endian on Apple targets
                XCTAssertEqual(try c.compressTaccPayloadPacked(ids: packed, gzip: gzip), payload)
            }
        }
    }

    func testFramesForEveryMethod() throws {
        for tok in listAvailableTokenizers() {
            let c = try Codec(tokenizer: tok)
            for m in allMethods + [nil] {
                let frame = try c.compressText(text: text, options: Options(method: m))
                XCTAssertEqual(try c.decompressText(frame: frame), text)
                XCTAssertEqual(try decompress(frame: frame), .text(text: text))
            }
            let ids = try c.tokenize(text: text)
            for m in tokenMethods {
                XCTAssertEqual(try c.decompressTokenIds(frame: try c.compressTokenIds(ids: ids, options: Options(method: m))), ids)
            }
        }
    }

    func testLopaceCallsAndStats() throws {
        let c = try Codec(tokenizer: "cl100k_base")
        for m in [LopaceMethod.zstd, .token, .hybrid] {
            XCTAssertEqual(try c.decompressLopacePayload(payload: try c.compressLopacePayload(text: text, method: m, level: 15), method: m), text)
        }
        XCTAssertEqual(try c.lopaceStats(text: text, method: nil, zstdLevel: 15).methods.map { $0.name }, ["zstd", "token", "hybrid"])
        XCTAssertEqual(try c.order0Estimate(text: text, unit: .byte).units, UInt64(text.utf8.count))
    }

    func testGoldenVectors() throws {
        let tacc = try golden("tacc_0.1.0")["cases"] as! [[String: Any]]
        for k in tacc where (k["call"] as! String) == "encode_token_ids" {
            let c = try Codec(tokenizer: k["tokenizer"] as! String)
            let ids = (k["token_ids"] as! [NSNumber]).map { $0.uint32Value }
            let gzip = k["gzip"] as! Bool
            XCTAssertEqual(try c.decompressTaccPayload(payload: hex(k["payload_hex"] as! String), gzip: gzip), ids)
            if !gzip { XCTAssertEqual(toHex(try c.compressTaccPayload(ids: ids, gzip: false)), k["payload_hex"] as! String) }
        }
        let lopace = try golden("lopace_0.1.5")["cases"] as! [[String: Any]]
        for k in lopace {
            let c = try Codec(tokenizer: k["model"] as! String)
            let m: LopaceMethod = ["zstd": .zstd, "token": .token, "hybrid": .hybrid][k["method"] as! String]!
            let level = (k["zstd_level"] as! NSNumber).int32Value
            XCTAssertEqual(toHex(try c.compressLopacePayload(text: k["text"] as! String, method: m, level: level)), k["payload_hex"] as! String)
        }
    }

    func testErrors() throws {
        XCTAssertThrowsError(try Codec(tokenizer: "nope")) { e in
            guard case TaccError.UnknownTokenizer(let message) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(message.contains("unknown tokenizer 'nope'"))
        }
        let c = try Codec(tokenizer: "cl100k_base")
        XCTAssertThrowsError(try c.decompressTaccPayload(payload: hex("ffffffff"), gzip: false)) { e in
            guard case TaccError.Corrupt = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try c.compressTaccPayload(ids: [100277], gzip: false)) { e in
            guard case TaccError.UnknownId = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try c.decompressText(frame: Data([1, 2, 3])))
    }

    func testDecodeLimits() throws {
        XCTAssertEqual(defaultLimits(), Limits(maxOutputBytes: 64 << 20, maxTokens: 16 << 20))
        let c = try Codec(tokenizer: "cl100k_base")
        let big = String(repeating: "Limits bound what one decode may produce. ", count: 1000)
        let n = UInt64(big.utf8.count)
        let frame = try c.compressText(text: big, options: defaultOptions())
        XCTAssertEqual(try c.withLimits(limits: Limits(maxOutputBytes: n)).decompressText(frame: frame), big)
        let small = c.withLimits(limits: Limits(maxOutputBytes: n - 1))
        XCTAssertEqual(small.limits(), Limits(maxOutputBytes: n - 1, maxTokens: 16 << 20))
        XCTAssertThrowsError(try small.decompressText(frame: frame)) { e in
            guard case TaccError.TooLarge = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try decompressWithLimits(frame: frame, limits: Limits(maxOutputBytes: n - 1))) { e in
            guard case TaccError.TooLarge = e else { return XCTFail("\(e)") }
        }
        let enc = try c.streamEncoder()
        try enc.pushTokenIds(ids: [UInt32](repeating: 58040, count: 100))   // 12,800 spaces
        let chunk = try enc.flush()
        XCTAssertThrowsError(try StreamDecoder.withLimits(limits: Limits(maxOutputBytes: 12_799)).push(chunk: chunk)) { e in
            guard case TaccError.TooLarge = e else { return XCTFail("\(e)") }
        }
        XCTAssertEqual(try StreamDecoder.withLimits(limits: Limits(maxOutputBytes: 13_200)).push(chunk: chunk).text.utf8.count, 12_800)
    }

    func testStreamRoundTripEveryTokenAndEvery16() throws {
        for tok in listAvailableTokenizers() {
            let c = try Codec(tokenizer: tok)
            for t in [text, streamText] {
                let ids = try c.tokenize(text: t)
                for every in [1, 16] {
                    let chunks = try streamChunks(c, ids, every: every)
                    XCTAssertEqual(chunks.count, (ids.count + every - 1) / every + 1)
                    for dec in [c.streamDecoder(), StreamDecoder()] {
                        let (got, gotText) = try decodeChunks(dec, chunks, expected: t)
                        XCTAssertEqual(got, ids, "\(tok) every \(every)")
                        XCTAssertEqual(Array(gotText.utf8), Array(t.utf8), "\(tok) every \(every)")
                        XCTAssertTrue(dec.isFinished())
                        XCTAssertEqual(dec.tokenCount(), UInt64(ids.count))
                    }
                }
            }
        }
    }

    func testStreamHoldsBackSplitCharacters() throws {
        let c = try Codec(tokenizer: "cl100k_base")
        let t = "😀👍🏽 中文字符 𝄞"
        let chunks = try streamChunks(c, c.tokenize(text: t), every: 1)
        let dec = StreamDecoder()
        var heldBack = 0
        var acc = ""
        for chunk in chunks {
            let u = try dec.push(chunk: chunk)
            if !u.tokenIds.isEmpty && u.text.isEmpty { heldBack += 1 }
            XCTAssertFalse(u.text.unicodeScalars.contains("\u{FFFD}"))
            acc += u.text
            XCTAssertTrue(t.utf8.starts(with: acc.utf8))
        }
        XCTAssertEqual(Array(acc.utf8), Array(t.utf8))
        XCTAssertGreaterThan(heldBack, 0, "emoji tokens of cl100k_base split characters: some chunks hold no text yet")
        XCTAssertTrue(dec.isFinished())
    }

    func testStreamPushText() throws {
        let c = try Codec(tokenizer: "o200k_base")
        let pieces = ["Hel", "lo, ", "世界", "! 😀", "👍🏽", " done."]
        let enc = try c.streamEncoder()
        var chunks: [Data] = []
        for p in pieces {
            try enc.pushText(text: p)
            chunks.append(try enc.flush())
        }
        chunks.append(try enc.finish())
        let (_, got) = try decodeChunks(StreamDecoder(), chunks, expected: pieces.joined())
        XCTAssertEqual(Array(got.utf8), Array(pieces.joined().utf8))
    }

    func testStreamErrors() throws {
        let c = try Codec(tokenizer: "cl100k_base")
        let chunks = try streamChunks(c, c.tokenize(text: streamText), every: 4)
        XCTAssertGreaterThan(chunks.count, 4)
        // reordered: chunk 3 where chunk 2 is due
        let reordered = StreamDecoder()
        _ = try reordered.push(chunk: chunks[0])
        _ = try reordered.push(chunk: chunks[1])
        XCTAssertThrowsError(try reordered.push(chunk: chunks[3])) { e in
            guard case TaccError.Corrupt(let message) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(message, "corrupt stream payload: chunk 3 arrived where chunk 2 was expected (reordered, duplicated or lost)")
        }
        XCTAssertTrue(reordered.isFailed())
        XCTAssertThrowsError(try reordered.push(chunk: chunks[2]))   // failed for good
        XCTAssertFalse(reordered.isFinished())
        // duplicated
        let duplicated = StreamDecoder()
        _ = try duplicated.push(chunk: chunks[0])
        _ = try duplicated.push(chunk: chunks[1])
        XCTAssertThrowsError(try duplicated.push(chunk: chunks[1])) { e in
            guard case TaccError.Corrupt(let message) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(message, "corrupt stream payload: chunk 1 arrived where chunk 2 was expected (reordered, duplicated or lost)")
        }
        // truncated: every chunk but the last decodes, but the stream is not finished
        let truncated = StreamDecoder()
        for chunk in chunks.dropLast() { XCTAssertFalse(try truncated.push(chunk: chunk).finished) }
        XCTAssertFalse(truncated.isFinished())
        XCTAssertFalse(truncated.isFailed())
        // a frame is not a stream
        XCTAssertThrowsError(try StreamDecoder().push(chunk: c.compressText(text: "x", options: defaultOptions()))) { e in
            guard case TaccError.Corrupt = e else { return XCTFail("\(e)") }
        }
        // encoder: unknown ID refused (nothing added); push/flush/finish after finish are errors, not crashes
        let enc = try c.streamEncoder()
        XCTAssertThrowsError(try enc.pushTokenIds(ids: [100277])) { e in
            guard case TaccError.UnknownId = e else { return XCTFail("\(e)") }
        }
        XCTAssertEqual(enc.pendingTokens(), 0)
        try enc.pushText(text: "hi")
        _ = try enc.finish()
        XCTAssertThrowsError(try enc.finish()) { e in
            guard case TaccError.InvalidArgument(let message) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(message, "invalid argument: the stream encoder has already finished")
        }
        XCTAssertThrowsError(try enc.pushTokenIds(ids: [9906])) { e in
            guard case TaccError.InvalidArgument = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try enc.pushText(text: "x"))
        XCTAssertThrowsError(try enc.flush())
        // StreamEncoder(codec:) is codec.streamEncoder()
        let enc2 = try StreamEncoder(codec: c)
        try enc2.pushTokenIds(ids: [9906])
        XCTAssertFalse(try enc2.finish().isEmpty)
    }

    func testOneCodecManyThreads() throws {
        let c = try Codec(tokenizer: "o200k_base")
        let failures = ManagedAtomicCounter()
        DispatchQueue.concurrentPerform(iterations: 32) { i in
            let t = "thread \(i): " + String(repeating: text, count: i % 4 + 1)
            for _ in 0..<20 {
                guard let ids = try? c.tokenize(text: t) else { failures.increment(); continue }
                let ok = (try? c.decompressTaccPayload(payload: c.compressTaccPayload(ids: ids, gzip: true), gzip: true)) == ids
                    && (try? c.decompressText(frame: c.compressText(text: t, options: defaultOptions()))) == t
                if !ok { failures.increment() }
            }
        }
        XCTAssertEqual(failures.value, 0)
    }
}

private final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
