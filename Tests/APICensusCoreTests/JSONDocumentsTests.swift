import Testing
@testable import APICensusCore

@Suite struct JSONDocumentsTests {
    static let pretty = JSONOutput.object([
        ("a", .string("x\n\"{}\" é \u{1F600}")), ("b", .array([.int(-12), .uint(UInt64.max), .number(0.25), .null, .bool(true)])),
        ("c", .object([("d", .object([]))])),
    ]).serialized()
    static let text = pretty + "\n" + "{\"n\":1}\n{\"n\":2} {\"n\":3}\n\n{\"s\":\"}{\"}\n"

    func split(_ bytes: [UInt8], pieceSize: Int) -> [JSONDocumentSplitter.Piece] {
        var splitter = JSONDocumentSplitter()
        var pieces: [JSONDocumentSplitter.Piece] = []
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + pieceSize)
            pieces += bytes[i..<end].withUnsafeBytes { splitter.feed($0) }
            i = end
        }
        return pieces + splitter.finish()
    }

    func documents(_ pieces: [JSONDocumentSplitter.Piece]) -> [(String, Int)] {
        pieces.compactMap { if case .document(let b, let line) = $0 { (String(decoding: b, as: UTF8.self), line) } else { nil } }
    }

    @Test func splitsTheSameWhateverThePieceSize() {
        let bytes = Array(Self.text.utf8)
        let reference = documents(split(bytes, pieceSize: bytes.count))
        #expect(reference.map(\.1) == [1, 14, 15, 15, 17])
        #expect(reference.count == 5)
        for size in [1, 2, 3, 7, 64] {
            let pieces = split(bytes, pieceSize: size)
            #expect(documents(pieces).map(\.0) == reference.map(\.0), "piece size \(size)")
            #expect(documents(pieces).map(\.1) == reference.map(\.1), "piece size \(size)")
            #expect(pieces.count == 5)
        }
    }

    @Test func parsesWhatJSONOutputWrites() throws {
        let tree = try JSONParser.parse(Array(Self.pretty.utf8))
        #expect(tree["a"]?.stringValue == "x\n\"{}\" é \u{1F600}")
        #expect(tree["b"]?.arrayValue?.map { $0 } == [.number("-12"), .number("18446744073709551615"), .number("0.25"), .null, .bool(true)])
        #expect(tree["c"]?["d"] == .object([]))
        #expect(try JSONParser.parse(Array(#"{"s":"\ud83d\ude00\u00e9\/\t"}"#.utf8))["s"]?.stringValue == "\u{1F600}é/\t")
    }

    @Test func errorsNameTheLine() {
        #expect(throws: JSONReadError(line: 3, message: "expected a member name in quotes")) {
            try JSONParser.parse(Array("{\n\"a\": 1,\n}".utf8))
        }
        #expect(throws: JSONReadError(line: 12, message: "invalid number (leading zero)")) {
            try JSONParser.parse(Array("{\"a\":\n01}".utf8), firstLine: 11)
        }
        #expect(throws: JSONReadError.self) { try JSONParser.parse(Array(#"{"a":"\ud83d"}"#.utf8)) }
        #expect(throws: JSONReadError.self) { try JSONParser.parse(Array("{\"a\":\"tab\there\"}".utf8)) }
        #expect(throws: JSONReadError.self) { try JSONParser.parse(Array("{\"a\":1} x".utf8)) }
        #expect(throws: JSONReadError.self) { try JSONParser.parse([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]) }
    }

    /// A line cut short is reported at its line, and the next line (a new `{` in column 0) is read.
    @Test func cutDocumentsAndStrayTextAreDamagedPieces() {
        let text = "{\"n\":1}\nnoise\n{\"n\":2,\"cut\":[1,\n{\"n\":3}\n{\"open\":"
        let pieces = split(Array(text.utf8), pieceSize: 5)
        var summary: [String] = []
        for p in pieces {
            switch p {
            case .document(let b, let line): summary.append("doc@\(line):\(String(decoding: b, as: UTF8.self))")
            case .damaged(let line, let message): summary.append("damaged@\(line):\(message.prefix(20))")
            }
        }
        #expect(summary == ["doc@1:{\"n\":1}", "damaged@2:expected a JSON obje", "damaged@3:document starting on",
                            "doc@4:{\"n\":3}", "damaged@5:document starting on"])
    }
}
