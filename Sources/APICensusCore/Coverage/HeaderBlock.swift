#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the request headers some formats log as a block (`RawCall.requestHeaders`): a JSON object
/// (`{"name": "value", "name2": ["v1", "v2"]}`) or a JSON array of `{"name": …, "value": …}`
/// objects (AWS WAF). Names and values are handed out as views into the block, still JSON-escaped:
/// they are only compared and classified, never written out. Malformed blocks end the walk quietly,
/// after the headers read so far (the line was already accepted by its parser).
public enum HeaderBlock {
    /// Calls `body(name, value)` for each header (for array values, their first string); `body`
    /// returns false to stop.
    public static func forEach(_ block: Bytes, form: HeaderBlockForm, _ body: (Bytes, Bytes) -> Bool) {
        guard let base = block.baseAddress, block.count > 1 else { return }
        var r = Reader(p: base, n: block.count)
        switch form {
        case .none: return
        case .jsonObject:
            r.skipSpace()
            guard r.take(UInt8(ascii: "{")) else { return }
            while true {
                r.skipSpace()
                guard let name = r.string() else { return }
                r.skipSpace()
                guard r.take(UInt8(ascii: ":")) else { return }
                r.skipSpace()
                let value = r.firstString()
                if let value, !body(name, value) { return }
                r.skipSpace()
                guard r.take(UInt8(ascii: ",")) else { return }
            }
        case .jsonNameValueArray:
            r.skipSpace()
            guard r.take(UInt8(ascii: "[")) else { return }
            while true {
                r.skipSpace()
                guard r.take(UInt8(ascii: "{")) else { return }
                var name: Bytes?
                var value: Bytes?
                while true {
                    r.skipSpace()
                    guard let key = r.string() else { return }
                    r.skipSpace()
                    guard r.take(UInt8(ascii: ":")) else { return }
                    r.skipSpace()
                    if key.count == 4, NamePatternSet.lower(key[0]) == UInt8(ascii: "n") {
                        name = r.firstString()
                    } else if key.count == 5, NamePatternSet.lower(key[0]) == UInt8(ascii: "v") {
                        value = r.firstString()
                    } else {
                        guard r.skipValue() else { return }
                    }
                    r.skipSpace()
                    if r.take(UInt8(ascii: "}")) { break }
                    guard r.take(UInt8(ascii: ",")) else { return }
                }
                if let name, let value, !body(name, value) { return }
                r.skipSpace()
                guard r.take(UInt8(ascii: ",")) else { return }
            }
        }
    }

    /// Whether the block may hold a header that signals an API style (`Upgrade`, `SOAPAction`,
    /// `Accept: text/event-stream`): a byte search (`memchr` for a rare byte, then a compare), so
    /// that blocks without one need no walk. `skipping`: a value inside the block not to search (the
    /// Authorization header's, whose token is long and full of letters).
    public static func mayCarryStyleSignal(_ block: Bytes, skipping: Bytes = .none) -> Bool {
        guard let base = block.baseAddress, block.count > 0 else { return false }
        if let skip = skipping.baseAddress, skip >= base, skip + skipping.count <= base + block.count, skipping.count > 0 {
            return mayCarryStyleSignal(Bytes(start: base, count: skip - base))
                || mayCarryStyleSignal(Bytes(start: skip + skipping.count, count: base + block.count - (skip + skipping.count)))
        }
        let n = block.count
        /// `s` occurs with its byte `anchor` (at `offset` in `s`) found by `memchr`.
        func has(_ s: StaticString, anchor offset: Int) -> Bool {
            let m = s.utf8CodeUnitCount
            let anchor = Int32(s.utf8Start[offset])
            var from = offset
            while from < n, let hit = memchr(base + from, anchor, n - from) {
                let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                let start = at - offset
                if start + m <= n, memcmp(base + start, s.utf8Start, m) == 0 { return true }
                from = at + 1
            }
            return false
        }
        // Anchored on bytes rarer than most in header blocks (`g`, `v`).
        return has("pgrade", anchor: 1) || has("PGRADE", anchor: 1) || has("oapaction", anchor: 2) || has("OAPAction", anchor: 2)
            || has("oapAction", anchor: 2) || has("OAPACTION", anchor: 2) || has("event-stream", anchor: 1)
    }

    /// The value of the first header whose name `patterns` matches.
    public static func value(in block: Bytes, form: HeaderBlockForm, matching patterns: NamePatternSet) -> Bytes? {
        var found: Bytes?
        forEach(block, form: form) { name, value in
            if patterns.matches(name) {
                found = value
                return false
            }
            return true
        }
        return found
    }

    struct Reader {
        let p: UnsafePointer<UInt8>
        let n: Int
        var i = 0

        mutating func skipSpace() {
            while i < n, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0A || p[i] == 0x0D { i += 1 }
        }

        mutating func take(_ c: UInt8) -> Bool {
            guard i < n, p[i] == c else { return false }
            i += 1
            return true
        }

        /// A JSON string's raw contents (escapes left as they are). The closing quote is found with
        /// `memchr` (header values, tokens above all, are long and seldom escaped): the first quote
        /// not preceded by an odd run of backslashes.
        mutating func string() -> Bytes? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = i
            while i < n, let q = memchr(p + i, 0x22, n - i) {
                let at = UnsafePointer<UInt8>(q.assumingMemoryBound(to: UInt8.self)) - p
                var k = at
                while k > start, p[k - 1] == UInt8(ascii: "\\") { k -= 1 }
                i = at + 1
                if (at - k) & 1 == 0 { return Bytes(start: p + start, count: at - start) }
            }
            i = n
            return nil
        }

        /// A string value, or the first string of an array value; other values are skipped (nil).
        mutating func firstString() -> Bytes? {
            guard i < n else { return nil }
            if p[i] == UInt8(ascii: "\"") { return string() }
            if p[i] == UInt8(ascii: "[") {
                let save = i
                i += 1
                skipSpace()
                if i < n, p[i] == UInt8(ascii: "\""), let s = string() {
                    i = save
                    _ = skipValue()
                    return s
                }
                i = save
            }
            _ = skipValue()
            return nil
        }

        /// Skips one value of any kind.
        mutating func skipValue() -> Bool {
            guard i < n else { return false }
            switch p[i] {
            case UInt8(ascii: "\""): return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while i < n {
                    let c = p[i]
                    if c == UInt8(ascii: "\"") {
                        guard string() != nil else { return false }
                        continue
                    }
                    if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
                    if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                        depth -= 1
                        if depth == 0 {
                            i += 1
                            return true
                        }
                    }
                    i += 1
                }
                return false
            default:
                while i < n, p[i] != UInt8(ascii: ","), p[i] != UInt8(ascii: "}"), p[i] != UInt8(ascii: "]") { i += 1 }
                return true
            }
        }
    }
}
