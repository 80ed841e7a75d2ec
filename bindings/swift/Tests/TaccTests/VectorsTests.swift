// The Swift twin of bindings/kotlin/src/test/kotlin/VectorsTest.kt: the shared vectors every language reads
// (tests/vectors, copied as resources by ./build-xcframework.sh). frames.json: every frame decodes to its
// content, every stream to its token IDs; errors.json: every error kind has its TaccError case, and every case
// fails with exactly its kind through the Swift API. Runs with `swift test` on macOS (not on the Linux CI).
import Foundation
import XCTest
@testable import Tacc

private func vectors(_ name: String) throws -> [String: Any] {
    let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "vectors")!
    return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
}

private func unhex(_ s: String) -> Data {
    var d = Data()
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        d.append(UInt8(s[i..<j], radix: 16)!)
        i = j
    }
    return d
}

private func uints(_ v: Any?) -> [UInt32] { (v as! [NSNumber]).map { $0.uint32Value } }

/// The case name of an error: the kind's name. Exhaustive, so a case added or removed fails to compile here.
private func kindName(_ e: TaccError) -> String {
    switch e {
    case .InvalidArgument: return "InvalidArgument"
    case .NullArgument: return "NullArgument"
    case .UnknownTokenizer: return "UnknownTokenizer"
    case .UnknownId: return "UnknownId"
    case .Corrupt: return "Corrupt"
    case .ChecksumMismatch: return "ChecksumMismatch"
    case .TooLarge: return "TooLarge"
    case .InvalidUtf8: return "InvalidUtf8"
    case .Mismatch: return "Mismatch"
    case .Io: return "Io"
    case .Internal: return "Internal"
    }
}

/// Every case of TaccError, one of each.
private let allErrors: [TaccError] = [
    .InvalidArgument(message: ""), .NullArgument(message: ""), .UnknownTokenizer(message: ""),
    .UnknownId(message: ""), .Corrupt(message: ""), .ChecksumMismatch(message: ""), .TooLarge(message: ""),
    .InvalidUtf8(message: ""), .Mismatch(message: ""), .Io(message: ""), .Internal(message: ""),
]

/// A case's codec: its tokenizer, with its custom tacc mapping (mapping_hex, loaded from a file) if it has one.
private func codec(of k: [String: Any]) throws -> Codec {
    let tokenizer = k["tokenizer"] as! String
    guard let mapping = k["mapping_hex"] as? String else { return try Codec(tokenizer: tokenizer) }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tacc-mapping-\(UUID().uuidString).tmap")
    try unhex(mapping).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    return try Codec.withMappingFile(tokenizer: tokenizer, mappingPath: url.path)
}

/// Runs one errors.json case through the Swift API (it is expected to throw).
private func runErrorCase(_ k: [String: Any]) throws {
    let tokenizer = k["tokenizer"] as! String
    let call = k["call"] as! String
    if call == "new_codec" {
        _ = try Codec(tokenizer: tokenizer)
        return
    }
    let limits = Limits(maxOutputBytes: (k["max_output_bytes"] as? NSNumber)?.uint64Value ?? 0,
                        maxTokens: (k["max_tokens"] as? NSNumber)?.uint64Value ?? 0)
    let c = try Codec(tokenizer: tokenizer).withLimits(limits: limits)
    let data = { unhex(k["data_hex"] as! String) }
    switch call {
    case "decompress": _ = try c.decompress(frame: data())
    case "decompress_text": _ = try c.decompressText(frame: data())
    case "decompress_token_ids": _ = try c.decompressTokenIds(frame: data())
    case "detokenize": _ = try c.detokenize(ids: uints(k["token_ids"]))
    case "compress_bytes":
        var options = defaultOptions()
        if let m = k["method"] as? String { options.method = try methodFromName(name: m) }
        _ = try c.compressBytes(bytes: data(), options: options)
    default: XCTFail("\(k["label"]!): unknown call \(call)")
    }
}

final class VectorsTests: XCTestCase {
    func testEveryFrameDecodesToItsContent() throws {
        let cases = try vectors("frames")["cases"] as! [[String: Any]]
        XCTAssertGreaterThan(cases.count, 100)
        for k in cases {
            let label = "\(k["label"]!) (\(k["method"]!), \(k["tokenizer"]!))"
            let frame = unhex(k["frame_hex"] as! String)
            let c = try codec(of: k)
            let expected: Content
            switch k["kind"] as! String {
            case "text":
                expected = .text(text: k["text"] as! String)
                XCTAssertEqual(try c.decompressText(frame: frame), k["text"] as! String, label)
            case "token_ids":
                expected = .tokenIds(ids: uints(k["token_ids"]))
                XCTAssertEqual(try c.decompressTokenIds(frame: frame), uints(k["token_ids"]), label)
            default:
                expected = .bytes(bytes: unhex(k["bytes_hex"] as! String))
            }
            XCTAssertEqual(try c.decompress(frame: frame), expected, label)
            // Without a codec too, where the frame needs no custom mapping.
            if k["mapping_hex"] == nil {
                XCTAssertEqual(try decompress(frame: frame), expected, label)
            }
        }
    }

    func testEveryStreamDecodesToItsTokenIds() throws {
        let streams = try vectors("frames")["streams"] as! [[String: Any]]
        XCTAssertFalse(streams.isEmpty)
        for s in streams {
            let chunks = (s["chunks_hex"] as! [String]).map(unhex)
            let viaCodec = try Codec(tokenizer: s["tokenizer"] as! String).streamDecoder()
            for dec in [StreamDecoder(), viaCodec] {
                var ids: [UInt32] = []
                var finished = false
                for chunk in chunks {
                    let u = try dec.push(chunk: chunk)
                    ids += u.tokenIds
                    finished = u.finished
                }
                XCTAssertEqual(ids, uints(s["token_ids"]), s["tokenizer"] as! String)
                XCTAssertTrue(finished && dec.isFinished())
            }
        }
    }

    func testEveryErrorKindHasItsCase() throws {
        let kinds = (try vectors("errors")["kinds"] as! [[String: Any]]).map { $0["name"] as! String }
        // NullArgument has its case too (every kind does), though no Swift call raises it.
        XCTAssertEqual(Set(allErrors.map(kindName)), Set(kinds))
    }

    func testEveryErrorCaseFailsWithItsKind() throws {
        let cases = try vectors("errors")["cases"] as! [[String: Any]]
        XCTAssertFalse(cases.isEmpty)
        for k in cases {
            let label = k["label"] as! String
            XCTAssertThrowsError(try runErrorCase(k), label) { e in
                guard let e = e as? TaccError else { return XCTFail("\(label): not a TaccError: \(e)") }
                XCTAssertEqual(kindName(e), k["kind"] as! String, "\(label): \(e)")
            }
        }
    }
}
