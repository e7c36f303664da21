/// Makes text from a log safe to print. Rejected-line samples and error messages quote log lines,
/// and log lines carry secrets: query values (`api_key=…`, `client_secret=…`), user-info in URLs,
/// `Authorization` values, cookies, JWTs and other long tokens. Redaction errs on the side of
/// removing too much: a sample only has to show the shape of a bad line.
public enum Redactor {
    public static let mask = "[REDACTED]"
    /// Samples are cut to this many bytes (before redaction) so one huge line cannot flood the report.
    public static let sampleLimit = 240

    /// A printable, redacted rendering of a log line (or part of one).
    public static func redact(_ line: Bytes, limit: Int = sampleLimit) -> String {
        let cut = min(line.count, limit)
        var out: [UInt8] = []
        out.reserveCapacity(cut + 32)
        var i = 0
        while i < cut {
            let b = line[i]
            // key=value: keep the key, drop the value (query strings, cookies, form bodies, headers).
            if b == UInt8(ascii: "=") {
                out.append(b)
                var j = i + 1
                while j < cut, !isValueTerminator(line[j]) { j += 1 }
                if j > i + 1 { out.append(contentsOf: mask.utf8) }
                i = j
                continue
            }
            // scheme://user:pass@host → scheme://[REDACTED]@host
            if b == UInt8(ascii: "@"), let start = userInfoStart(line, before: i) {
                out.removeLast(i - start)
                out.append(contentsOf: mask.utf8)
                out.append(b)
                i += 1
                continue
            }
            // Authorization schemes: keep the scheme word, drop the credential.
            if let skip = credentialAfterScheme(line, at: i, cut: cut) {
                out.append(contentsOf: line[i..<skip.schemeEnd])
                out.append(UInt8(ascii: " "))
                out.append(contentsOf: mask.utf8)
                i = skip.end
                continue
            }
            // Long token-like runs (API keys, JWTs, session ids).
            if isTokenByte(b), i == 0 || !isTokenByte(line[i - 1]) {
                var j = i
                var digits = 0, letters = 0
                while j < cut, isTokenByte(line[j]) || line[j] == UInt8(ascii: ".") {
                    if line[j] >= 48 && line[j] <= 57 { digits += 1 } else if line[j] != UInt8(ascii: ".") { letters += 1 }
                    j += 1
                }
                if j - i >= 24 && digits > 0 && letters > 0 {
                    out.append(contentsOf: mask.utf8)
                    i = j
                    continue
                }
            }
            appendPrintable(b, to: &out)
            i += 1
        }
        if line.count > cut { out.append(contentsOf: "…".utf8) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func redact(_ text: String, limit: Int = sampleLimit) -> String {
        var copy = text
        return copy.withUTF8 { redact($0, limit: limit) }
    }

    static func isValueTerminator(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "&") || b == UInt8(ascii: " ") || b == UInt8(ascii: "\"") || b == UInt8(ascii: ";")
            || b == UInt8(ascii: ",") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "'")
    }

    static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: "+") || b == UInt8(ascii: "/")
    }

    /// If `line[at]` is the `@` of `scheme://userinfo@`, the index where the user-info starts.
    static func userInfoStart(_ line: Bytes, before at: Int) -> Int? {
        var k = at - 1
        while k >= 2 {
            let c = line[k]
            if c == UInt8(ascii: "/") {
                return line[k - 1] == UInt8(ascii: "/") && k + 1 < at ? k + 1 : nil
            }
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\"") { return nil }
            k -= 1
        }
        return nil
    }

    static let schemes: [[UInt8]] = ["bearer ", "basic ", "digest ", "token ", "apikey "].map { Array($0.utf8) }

    static func credentialAfterScheme(_ line: Bytes, at i: Int, cut: Int) -> (schemeEnd: Int, end: Int)? {
        guard i == 0 || !isTokenByte(line[i - 1]) else { return nil }
        for scheme in schemes where i + scheme.count < cut {
            var matches = true
            for (k, c) in scheme.enumerated() where (line[i + k] | 0x20) != c && !(c == 0x20 && line[i + k] == 0x20) {
                matches = false
                break
            }
            guard matches else { continue }
            var j = i + scheme.count
            while j < cut, line[j] != UInt8(ascii: " "), line[j] != UInt8(ascii: "\""), line[j] != UInt8(ascii: ",") { j += 1 }
            return (i + scheme.count - 1, j)
        }
        return nil
    }

    static func appendPrintable(_ b: UInt8, to out: inout [UInt8]) {
        if b >= 0x20 && b < 0x7F {
            out.append(b)
        } else {
            let hex = Array("0123456789ABCDEF".utf8)
            out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(b >> 4)], hex[Int(b & 15)]])
        }
    }
}
