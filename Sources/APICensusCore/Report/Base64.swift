/// Standard base64 (RFC 4648, with padding) for the encoded states documents carry. Written here
/// because the core has no Foundation.
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(v >> 18)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)])
            out.append(alphabet[Int(v & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let v = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int(v >> 18)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(v >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    public struct DecodingError: Error, Equatable, CustomStringConvertible, Sendable {
        public var offset: Int
        public var message: String
        public var description: String { "invalid base64 at character \(offset): \(message)" }
    }

    /// Decodes padded base64; anything else (other characters, wrong length or padding) throws.
    public static func decode<S: Collection<UInt8>>(_ text: S) throws -> [UInt8] where S.Index == Int {
        guard text.count % 4 == 0 else {
            throw DecodingError(offset: text.count, message: "length \(text.count) is not a multiple of 4")
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var i = text.startIndex
        while i < text.endIndex {
            var v: UInt32 = 0
            var padding = 0
            for j in 0..<4 {
                let c = text[i + j]
                if c == UInt8(ascii: "="), i + 4 == text.endIndex, j >= 2 {
                    padding += 1
                    v <<= 6
                    continue
                }
                let d = values[Int(c)]
                guard d != 0xFF, padding == 0 else {
                    throw DecodingError(offset: i + j - text.startIndex, message: "unexpected character '\(Unicode.Scalar(c))'")
                }
                v = v << 6 | UInt32(d)
            }
            out.append(UInt8(v >> 16))
            if padding < 2 { out.append(UInt8(v >> 8 & 0xFF)) }
            if padding < 1 { out.append(UInt8(v & 0xFF)) }
            i += 4
        }
        return out
    }
}
