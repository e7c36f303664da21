/// A parsed JSON value, for reading APICensus's own documents back (reports, snapshots) in
/// `apicensus merge`. Numbers keep their text, so 64-bit offsets and counts are read exactly.
public indirect enum JSONTree: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONTree])
    /// Members in document order.
    case object([(String, JSONTree)])

    public static func == (a: JSONTree, b: JSONTree) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            guard x.count == y.count else { return false }
            for (m, n) in zip(x, y) where m.0 != n.0 || m.1 != n.1 { return false }
            return true
        default: return false
        }
    }

    public subscript(key: String) -> JSONTree? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var arrayValue: [JSONTree]? { if case .array(let a) = self { return a } else { return nil } }
    public var isNull: Bool { self == .null }
    public var int64Value: Int64? { if case .number(let n) = self { return Int64(n) } else { return nil } }
    public var doubleValue: Double? { if case .number(let n) = self { return Double(n) } else { return nil } }
}

/// Where a JSON document went wrong: the line (1-based, in the whole input) and what was expected.
public struct JSONReadError: Error, Equatable, CustomStringConvertible, Sendable {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// Cuts a byte stream into top-level JSON documents (objects), fed in pieces of any size: a pretty
/// report spans many lines, snapshot files hold one document per line, and both may be concatenated.
///
/// A `{` at the start of a line while a document is still open means that document was cut short (a
/// consumer killed mid-write leaves a partial last line): the cut document is returned as an error
/// and reading resumes with the new one, so one damaged line never hides the lines after it. (In
/// APICensus's pretty output only the top-level braces sit in column 0.)
public struct JSONDocumentSplitter {
    public enum Piece: Sendable {
        /// A complete document (`{` … `}`) and the line it starts on.
        case document(bytes: [UInt8], line: Int)
        /// Bytes that are not a document (text between documents, a cut document), and why.
        case damaged(line: Int, message: String)
    }

    private var current: [UInt8] = []
    private var startLine = 0
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var line = 1
    private var atLineStart = true
    /// Skipping damaged text up to the next line that starts with `{`.
    private var skippingFrom: Int?
    private var skipMessage = ""

    public init() {}

    /// Feeds the next bytes; returns the pieces they complete.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [Piece] {
        var pieces: [Piece] = []
        var documentStart = depth > 0 ? 0 : -1   // index in `bytes` where the open document's bytes resume
        for i in 0..<bytes.count {
            let b = bytes[i]
            let lineStart = atLineStart
            atLineStart = b == 0x0A
            let documentBegins = lineStart && b == UInt8(ascii: "{")
            if depth > 0 && documentBegins {
                // A new document begins in column 0 before the open one closed.
                pieces.append(.damaged(line: startLine, message: "document starting on line \(startLine) ends before its closing brace (cut short?)"))
                current.removeAll(keepingCapacity: true)
                depth = 0
                inString = false
                escaped = false
            }
            if depth == 0 {
                if let from = skippingFrom {
                    if !documentBegins {
                        if b == 0x0A { line += 1 }
                        continue
                    }
                    pieces.append(.damaged(line: from, message: skipMessage))
                    skippingFrom = nil
                }
                switch b {
                case 0x20, 0x09, 0x0D:
                    continue
                case 0x0A:
                    line += 1
                    continue
                case UInt8(ascii: "{"):
                    depth = 1
                    startLine = line
                    documentStart = i
                    current.removeAll(keepingCapacity: true)
                    continue
                default:
                    skippingFrom = line
                    skipMessage = "expected a JSON object, found '\(Self.printable(b))'"
                    continue
                }
            }
            if b == 0x0A { line += 1 }
            if inString {
                if escaped { escaped = false }
                else if b == UInt8(ascii: "\\") { escaped = true }
                else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    current.append(contentsOf: bytes[documentStart...i])
                    pieces.append(.document(bytes: current, line: startLine))
                    current.removeAll(keepingCapacity: true)
                    documentStart = -1
                }
            default: break
            }
        }
        if depth > 0, documentStart >= 0 { current.append(contentsOf: bytes[documentStart...]) }
        return pieces
    }

    /// The end of the input: an open document or trailing text is damaged.
    public mutating func finish() -> [Piece] {
        var pieces: [Piece] = []
        if depth > 0 {
            pieces.append(.damaged(line: startLine, message: "document starting on line \(startLine) ends before its closing brace (cut short?)"))
        }
        if let from = skippingFrom { pieces.append(.damaged(line: from, message: skipMessage)) }
        current = []
        depth = 0
        skippingFrom = nil
        return pieces
    }

    static func printable(_ b: UInt8) -> String {
        (0x21..<0x7F).contains(b) ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
    }
}

/// A strict JSON parser (RFC 8259) over one document's bytes.
public struct JSONParser {
    private let bytes: [UInt8]
    private var position = 0
    private var line: Int

    /// Parses `bytes` (one value, surrounded by optional whitespace); `firstLine` numbers its lines.
    public static func parse(_ bytes: [UInt8], firstLine: Int = 1) throws(JSONReadError) -> JSONTree {
        var parser = JSONParser(bytes: bytes, line: firstLine)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the document") }
        return value
    }

    private init(bytes: [UInt8], line: Int) {
        self.bytes = bytes
        self.line = line
    }

    private func error(_ message: String) -> JSONReadError { JSONReadError(line: line, message: message) }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0D: position += 1
            case 0x0A: position += 1; line += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(JSONReadError) -> JSONTree {
        guard depth < 512 else { throw error("nested too deeply") }
        guard position < bytes.count else { throw error("document ends where a value was expected") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var members: [(String, JSONTree)] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
                let key = try string()
                skipWhitespace()
                try expect(":")
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard position < bytes.count else { throw error("document ends inside an object") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                try expect("}")
                return .object(members)
            }
        case UInt8(ascii: "["):
            position += 1
            var items: [JSONTree] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                guard position < bytes.count else { throw error("document ends inside an array") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                try expect("]")
                return .array(items)
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try number())
        case let b:
            throw error("unexpected '\(JSONDocumentSplitter.printable(b))' where a value was expected")
        }
    }

    private mutating func expect(_ c: Unicode.Scalar) throws(JSONReadError) {
        guard position < bytes.count, bytes[position] == UInt8(ascii: c) else {
            throw error(position < bytes.count ? "expected '\(c)', found '\(JSONDocumentSplitter.printable(bytes[position]))'" : "expected '\(c)'")
        }
        position += 1
    }

    private mutating func literal(_ word: String) throws(JSONReadError) {
        let w = Array(word.utf8)
        guard bytes.count - position >= w.count, Array(bytes[position..<position + w.count]) == w else { throw error("invalid literal") }
        position += w.count
    }

    private mutating func number() throws(JSONReadError) -> String {
        let start = position
        func digits() -> Int {
            let s = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - s
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let intStart = position
        guard digits() > 0 else { throw error("invalid number") }
        if bytes[intStart] == UInt8(ascii: "0"), position - intStart > 1 { throw error("invalid number (leading zero)") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw error("invalid number") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw error("invalid number") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func string() throws(JSONReadError) -> String {
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                let raw = bytes[start..<position]
                position += 1
                guard let s = String(validating: raw, as: UTF8.self) else { throw error("string is not valid UTF-8") }
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("control character in a string") }
            position += 1
        }
        var out = Array(bytes[start..<position])
        while position < bytes.count {
            let b = bytes[position]
            position += 1
            switch b {
            case UInt8(ascii: "\""):
                guard let s = String(validating: out, as: UTF8.self) else { throw error("string is not valid UTF-8") }
                return s
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { break }
                let e = bytes[position]
                position += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate in a string")
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in a string") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: String(Character(u)).utf8)
                default:
                    throw error("invalid escape in a string")
                }
            case 0..<0x20:
                throw error("control character in a string")
            default:
                out.append(b)
            }
        }
        throw error("document ends inside a string")
    }

    private mutating func hex4() throws(JSONReadError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw error("invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[position]
            position += 1
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | d
        }
        return v
    }
}
