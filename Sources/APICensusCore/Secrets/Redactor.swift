/// Makes text from a log safe to print. Rejected-line samples and error messages quote log lines,
/// and log lines carry secrets: query values (`api_key=…`, `client_secret=…`), user-info in URLs,
/// `Authorization` values, cookies, JWTs and other long tokens. Redaction errs on the side of
/// removing too much: a sample only has to show the shape of a bad line.
public enum Redactor {
    public static let mask = "[REDACTED]"
    /// Samples are cut to this many bytes (after redaction, which reads the whole line so that a
    /// secret crossing the cut is still recognised) so one huge line cannot flood the report.
    public static let sampleLimit = 240
    /// Redaction reads at most this much of a line.
    static let scanLimit = 64 << 10

    /// A printable, redacted rendering of a log line (or part of one).
    public static func redact(_ line: Bytes, limit: Int = sampleLimit) -> String {
        let cut = min(line.count, scanLimit)
        let user = clfUserField(line, cut: cut)
        var out: [UInt8] = []
        out.reserveCapacity(cut + 32)
        // Output position just after the last `//` seen in this token: user-info starts there.
        var authorityMark: Int?
        var i = 0
        while i < cut {
            let b = line[i]
            // The CLF user field (`host - bob [10/Oct/…`): a user name is never shown.
            if let user, i == user.lowerBound {
                out.append(contentsOf: mask.utf8)
                i = user.upperBound
                continue
            }
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\"") { authorityMark = nil }
            if b == UInt8(ascii: "/"), i + 1 < cut, line[i + 1] == UInt8(ascii: "/") {
                out.append(contentsOf: [b, b])
                authorityMark = out.count
                i += 2
                continue
            }
            // key=value and JSON "key":"value": keep the key, drop the value (query strings,
            // cookies, form bodies, headers, JSON fields), quoted or not.
            if b == UInt8(ascii: "=") || (b == UInt8(ascii: ":") && followsQuotedKey(line, i)) {
                out.append(b)
                var j = i + 1
                while j < cut, line[j] == UInt8(ascii: " ") { j += 1 }
                if j < cut, line[j] == UInt8(ascii: "\"") {
                    var k = j + 1
                    while k < cut, line[k] != UInt8(ascii: "\"") { k += line[k] == UInt8(ascii: "\\") ? 2 : 1 }
                    out.append(contentsOf: "\"\(mask)\"".utf8)
                    i = min(k + 1, cut)
                    continue
                }
                if b == UInt8(ascii: ":") { i += 1; continue }
                while j < cut, !isValueTerminator(line[j]) { j += 1 }
                if j > i + 1 { out.append(contentsOf: mask.utf8) }
                i = j
                continue
            }
            // scheme://user:pass@host → scheme://[REDACTED]@host
            if b == UInt8(ascii: "@"), let mark = authorityMark {
                out.removeSubrange(mark...)
                out.append(contentsOf: mask.utf8)
                out.append(b)
                authorityMark = nil
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
            // Long token-like runs (API keys such as AKIA…, JWTs, session ids).
            if isTokenByte(b), i == 0 || !isTokenByte(line[i - 1]) {
                var j = i
                var digits = 0, letters = 0
                while j < cut, isTokenByte(line[j]) || line[j] == UInt8(ascii: ".") {
                    if line[j] >= 48 && line[j] <= 57 { digits += 1 } else if line[j] != UInt8(ascii: ".") { letters += 1 }
                    j += 1
                }
                if j - i >= CredentialShape.tokenMinimumLength && digits > 0 && letters > 0 {
                    out.append(contentsOf: mask.utf8)
                    i = j
                    continue
                }
            }
            appendPrintable(b, to: &out)
            i += 1
        }
        if out.count > limit || line.count > cut {
            // Cut on a character boundary (escaped bytes are ASCII, and so is everything else
            // appended above, so any cut is one).
            out.removeSubrange(min(out.count, limit)...)
            out.append(contentsOf: "…".utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `"key" :` — the colon ends a quoted JSON key (spaces allowed before it).
    static func followsQuotedKey(_ line: Bytes, _ colon: Int) -> Bool {
        var k = colon - 1
        while k >= 0, line[k] == UInt8(ascii: " ") { k -= 1 }
        return k >= 0 && line[k] == UInt8(ascii: "\"")
    }

    /// In a CLF-shaped line (`client ident user [time] …`), the byte range of the user field when it
    /// is not `-`: the token just before the first ` [`.
    static func clfUserField(_ line: Bytes, cut: Int) -> Range<Int>? {
        var i = 1
        while i + 1 < cut, !(line[i] == UInt8(ascii: "[") && line[i - 1] == UInt8(ascii: " ")) { i += 1 }
        guard i + 1 < cut else { return nil }
        let end = i - 1
        var start = end
        while start > 0, line[start - 1] != UInt8(ascii: " ") { start -= 1 }
        guard start < end, !(end - start == 1 && line[start] == UInt8(ascii: "-")) else { return nil }
        return start..<end
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
