#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Shared by the cloud and WAF JSON formats (AWS API Gateway, AWS WAF, Google Cloud load balancer,
// Azure Application Gateway and Front Door, ModSecurity/Coraza JSON): candidate key paths per
// logical field scanned once per line, walks over the objects and arrays the scanner hands back
// raw (header sets, rule lists), and the small byte conversions those logs need.

/// A `JSONScanner` whose key paths are grouped by logical field: every field has candidate key
/// paths tried in order (the first one present with a non-null value wins), so one parser reads
/// the spellings a format is written in (`properties.clientIP`, `clientIP_s`; `requestId`,
/// `context.requestId`).
struct CandidateScanner<Key: RawRepresentable & CaseIterable> where Key.RawValue == Int {
    private(set) var scanner: JSONScanner
    private let ranges: [Range<Int>]

    init(_ candidates: (Key) -> [String]) {
        var paths: [String] = []
        var ranges: [Range<Int>] = []
        for key in Key.allCases {
            precondition(key.rawValue == ranges.count, "keys must be numbered 0, 1, 2… in declaration order")
            let start = paths.count
            paths += candidates(key)
            ranges.append(start..<paths.count)
        }
        self.ranges = ranges
        scanner = JSONScanner(keyPaths: paths)
    }

    /// False when the line is not one well-formed JSON object.
    @inline(__always) mutating func scan(_ line: Bytes) -> Bool { scanner.scan(line) }

    /// The first candidate present, of any kind (string, number, bool, object, array).
    @inline(__always) func value(_ key: Key) -> JSONValue? {
        let range = ranges[key.rawValue]
        var i = range.lowerBound
        while i < range.upperBound {
            let v = scanner.value(i)
            if v.kind != .absent { return v }
            i &+= 1
        }
        return nil
    }

    /// The first candidate that is a string or a number and not a "no value" placeholder
    /// (`""`, `"-"`): the bytes of a scalar field.
    @inline(__always) func text(_ key: Key) -> Bytes? {
        let range = ranges[key.rawValue]
        var i = range.lowerBound
        while i < range.upperBound {
            let v = scanner.value(i)
            if (v.kind == .string || v.kind == .number) && !JSONLinesParser.isPlaceholder(v.bytes) { return v.bytes }
            i &+= 1
        }
        return nil
    }

    /// Whether any candidate of the key is in the line (with any value but `null`).
    @inline(__always) func has(_ key: Key) -> Bool { value(key) != nil }

    /// The first candidate that is an object or an array, as raw JSON bytes.
    @inline(__always) func container(_ key: Key) -> JSONValue? {
        let range = ranges[key.rawValue]
        var i = range.lowerBound
        while i < range.upperBound {
            let v = scanner.value(i)
            if v.kind == .object || v.kind == .array { return v }
            i &+= 1
        }
        return nil
    }

    /// `a + separator + b` in the scanner's scratch, valid until the next scan.
    mutating func joined(_ a: Bytes, _ separator: UInt8, _ b: Bytes) -> Bytes { scanner.joined(a, separator, b) }
}

/// Room for strings unescaped after the scan (header values found by `JSONWalker`). Reset per
/// line; never moves while a line is being parsed, so views handed out stay valid until the next
/// line. One per parser instance, that is one per worker thread.
final class UnescapeScratch {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var used = 0

    init(capacity: Int = 4096) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for everything a line of `length` bytes can unescape to (never longer than the line).
    func reset(forLineOf length: Int) {
        used = 0
        guard length + 16 > capacity else { return }
        var c = capacity
        while c < length + 16 { c *= 2 }
        base.deallocate()
        base = .allocate(capacity: c)
        capacity = c
    }

    /// The JSON string contents `raw` (between the quotes, escapes still in) unescaped: `raw`
    /// itself when it has no backslash. Nil for a broken escape or no room left.
    func unescape(_ raw: Bytes) -> Bytes? {
        guard let src = raw.baseAddress, raw.count > 0 else { return raw }
        guard memchr(src, Int32(UInt8(ascii: "\\")), raw.count) != nil else { return raw }
        guard used + raw.count <= capacity else { return nil }
        let start = base + used
        var out = start
        var i = 0
        let n = raw.count
        func emit(_ b: UInt8) { out.pointee = b; out += 1 }
        func emitScalar(_ v: UInt32) {
            switch v {
            case 0..<0x80: emit(UInt8(v))
            case 0x80..<0x800:
                emit(UInt8(0xC0 | (v >> 6))); emit(UInt8(0x80 | (v & 0x3F)))
            case 0x800..<0x10000:
                emit(UInt8(0xE0 | (v >> 12))); emit(UInt8(0x80 | ((v >> 6) & 0x3F))); emit(UInt8(0x80 | (v & 0x3F)))
            default:
                emit(UInt8(0xF0 | (v >> 18))); emit(UInt8(0x80 | ((v >> 12) & 0x3F)))
                emit(UInt8(0x80 | ((v >> 6) & 0x3F))); emit(UInt8(0x80 | (v & 0x3F)))
            }
        }
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= n else { return nil }
            var v: UInt32 = 0
            for k in at..<(at + 4) {
                guard let h = JSONWalk.hexValue(src[k]) else { return nil }
                v = v << 4 | h
            }
            return v
        }
        while i < n {
            let c = src[i]
            guard c == UInt8(ascii: "\\") else { emit(c); i += 1; continue }
            guard i + 1 < n else { return nil }
            switch src[i + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): emit(src[i + 1]); i += 2
            case UInt8(ascii: "n"): emit(0x0A); i += 2
            case UInt8(ascii: "t"): emit(0x09); i += 2
            case UInt8(ascii: "r"): emit(0x0D); i += 2
            case UInt8(ascii: "b"): emit(0x08); i += 2
            case UInt8(ascii: "f"): emit(0x0C); i += 2
            case UInt8(ascii: "x"):
                guard i + 3 < n, let h = JSONWalk.hexValue(src[i + 2]), let l = JSONWalk.hexValue(src[i + 3]) else { return nil }
                emit(UInt8(h << 4 | l)); i += 4
            case UInt8(ascii: "u"):
                guard let unit = hex4(i + 2) else { return nil }
                i += 6
                if unit >= 0xD800 && unit < 0xDC00, i + 6 <= n, src[i] == UInt8(ascii: "\\"), src[i + 1] == UInt8(ascii: "u"),
                   let low = hex4(i + 2), low >= 0xDC00, low < 0xE000 {
                    i += 6
                    emitScalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                } else if unit >= 0xD800 && unit < 0xE000 {
                    emitScalar(0xFFFD)
                } else {
                    emitScalar(unit)
                }
            default:
                return nil
            }
        }
        used += out - start
        return Bytes(start: UnsafePointer(start), count: out - start)
    }
}

/// Walks an object or an array that the scanner validated and handed back raw: members and
/// elements one by one, with string contents as raw bytes (escapes still in). Bounds are checked
/// on every step, so bytes that are not valid JSON end the walk instead of reading past them.
struct JSONWalker {
    let b: Bytes
    var i = 0

    init(_ bytes: Bytes) { b = bytes }

    @inline(__always) var atEnd: Bool { i >= b.count }

    @inline(__always) mutating func skipWhitespace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
    }

    /// `i` at an opening quote: the raw contents, `i` after the closing quote.
    mutating func string() -> Bytes? {
        guard i < b.count, b[i] == UInt8(ascii: "\""), let base = b.baseAddress else { return nil }
        let start = i + 1
        var j = start
        while j < b.count {
            let c = b[j]
            if c == UInt8(ascii: "\"") {
                i = j + 1
                return Bytes(start: base + start, count: j - start)
            }
            j += c == UInt8(ascii: "\\") ? 2 : 1
        }
        return nil
    }

    /// Skips one value of any kind; returns its raw bytes (a string's with its quotes).
    mutating func skipValue() -> Bytes? {
        guard i < b.count, let base = b.baseAddress else { return nil }
        let start = i
        switch b[i] {
        case UInt8(ascii: "\""):
            guard string() != nil else { return nil }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") {
                    guard string() != nil else { return nil }
                    continue
                }
                if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
                if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { i += 1; break }
                }
                i += 1
            }
            guard depth == 0 else { return nil }
        default:
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == 0x20
                    || c == 0x09 || c == 0x0A || c == 0x0D { break }
                i += 1
            }
            guard i > start else { return nil }
        }
        return Bytes(start: base + start, count: i - start)
    }

    /// Calls `body(key, value)` for every member of the object (key raw, value raw as from
    /// `skipValue`) until `body` returns false. False when the bytes are not an object.
    @discardableResult
    mutating func forEachMember(_ body: (Bytes, Bytes) -> Bool) -> Bool {
        skipWhitespace()
        guard i < b.count, b[i] == UInt8(ascii: "{") else { return false }
        i += 1
        skipWhitespace()
        if i < b.count, b[i] == UInt8(ascii: "}") { return true }
        while i < b.count {
            skipWhitespace()
            guard let key = string() else { return false }
            skipWhitespace()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { return false }
            i += 1
            skipWhitespace()
            guard let value = skipValue() else { return false }
            if !body(key, value) { return true }
            skipWhitespace()
            guard i < b.count else { return false }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            return b[i] == UInt8(ascii: "}")
        }
        return false
    }

    /// Calls `body(element)` for every element of the array (raw, as from `skipValue`) until
    /// `body` returns false. False when the bytes are not an array.
    @discardableResult
    mutating func forEachElement(_ body: (Bytes) -> Bool) -> Bool {
        skipWhitespace()
        guard i < b.count, b[i] == UInt8(ascii: "[") else { return false }
        i += 1
        skipWhitespace()
        if i < b.count, b[i] == UInt8(ascii: "]") { return true }
        while i < b.count {
            skipWhitespace()
            guard let element = skipValue() else { return false }
            if !body(element) { return true }
            skipWhitespace()
            guard i < b.count else { return false }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            return b[i] == UInt8(ascii: "]")
        }
        return false
    }

    /// The value of `key` (compared exactly, raw) in the object `object`, raw; nil when absent.
    static func member(_ object: Bytes, _ key: StaticString) -> Bytes? {
        var walker = JSONWalker(object)
        var found: Bytes?
        walker.forEachMember { k, v in
            if EdgeJSON.equals(k, key) { found = v; return false }
            return true
        }
        return found
    }

    /// A raw value's string contents (quotes removed) or the raw bytes of a number; nil otherwise.
    static func scalarContents(_ raw: Bytes) -> Bytes? {
        guard raw.count > 0, let base = raw.baseAddress else { return nil }
        if raw[0] == UInt8(ascii: "\"") {
            guard raw.count >= 2 else { return nil }
            return Bytes(start: base + 1, count: raw.count - 2)
        }
        if raw[0] == UInt8(ascii: "-") || (raw[0] &- 48) < 10 { return raw }
        return nil
    }
}

/// The request headers APICensus keeps in dedicated `RawCall` fields, found in a logged header set.
struct HeaderHarvest {
    var host = Bytes.none
    var userAgent = Bytes.none
    var referrer = Bytes.none
    var authorization = Bytes.none
    var cookie = Bytes.none
    var apiKey = Bytes.none
    var contentType = Bytes.none
    var forwardedFor = Bytes.none
    var contentLength = Bytes.none

    /// Files the first value of each kept header. `name` is compared case-insensitively.
    mutating func offer(name: Bytes, value: Bytes, scratch: UnescapeScratch) {
        guard let kind = EdgeJSON.HeaderKind(name: name) else { return }
        @inline(__always) func take(_ slot: inout Bytes) {
            if slot.count == 0, let v = scratch.unescape(value), v.count > 0 { slot = v }
        }
        switch kind {
        case .host: take(&host)
        case .userAgent: take(&userAgent)
        case .referrer: take(&referrer)
        case .authorization: take(&authorization)
        case .cookie: take(&cookie)
        case .apiKey: take(&apiKey)
        case .contentType: take(&contentType)
        case .forwardedFor: take(&forwardedFor)
        case .contentLength: take(&contentLength)
        }
    }

    /// A header object `{"Host": "a", "Accept": ["x", "y"]}` (ModSecurity v3, Coraza: arrays of
    /// values; the first value of an array is taken).
    static func fromObject(_ object: Bytes, scratch: UnescapeScratch) -> HeaderHarvest {
        var harvest = HeaderHarvest()
        var walker = JSONWalker(object)
        walker.forEachMember { name, raw in
            guard raw.count >= 2 else { return true }
            if raw[0] == UInt8(ascii: "\"") {
                harvest.offer(name: name, value: Bytes(rebasing: raw[1..<(raw.count - 1)]), scratch: scratch)
            } else if raw[0] == UInt8(ascii: "[") {
                var values = JSONWalker(raw)
                values.forEachElement { element in
                    if element.count >= 2, element[0] == UInt8(ascii: "\"") {
                        harvest.offer(name: name, value: Bytes(rebasing: element[1..<(element.count - 1)]), scratch: scratch)
                    }
                    return false
                }
            }
            return true
        }
        return harvest
    }

    /// An array of `{"name": …, "value": …}` objects (AWS WAF `httpRequest.headers`).
    static func fromNameValueArray(_ array: Bytes, scratch: UnescapeScratch) -> HeaderHarvest {
        var harvest = HeaderHarvest()
        var walker = JSONWalker(array)
        walker.forEachElement { element in
            var name = Bytes.none, value = Bytes.none
            var member = JSONWalker(element)
            member.forEachMember { k, v in
                guard v.count >= 2, v[0] == UInt8(ascii: "\"") else { return true }
                let contents = Bytes(rebasing: v[1..<(v.count - 1)])
                if EdgeJSON.equals(k, "name") { name = contents } else if EdgeJSON.equals(k, "value") { value = contents }
                return true
            }
            if name.count > 0 { harvest.offer(name: name, value: value, scratch: scratch) }
            return true
        }
        return harvest
    }

    /// Copies the kept headers into the call's dedicated fields (fields already set stay).
    func fill(_ call: inout RawCall) {
        if call.host.count == 0 { call.host = host }
        if call.userAgent.count == 0 { call.userAgent = userAgent }
        if call.referrer.count == 0 { call.referrer = referrer }
        if call.authorization.count == 0 { call.authorization = authorization }
        if call.cookie.count == 0 { call.cookie = cookie }
        if call.apiKey.count == 0 { call.apiKey = apiKey }
        if call.contentType.count == 0 { call.contentType = contentType }
        if call.forwardedFor.count == 0 { call.forwardedFor = forwardedFor }
    }
}

/// Byte conversions the cloud and WAF JSON formats share.
enum EdgeJSON {
    /// The request headers with a dedicated `RawCall` field.
    enum HeaderKind {
        case host, userAgent, referrer, authorization, cookie, apiKey, contentType, forwardedFor, contentLength

        /// Case-insensitive: `Host`, `user-agent`, `X-Api-Key`, `apikey`…
        init?(name: Bytes) {
            switch name.count {
            case 4: if EdgeJSON.equalsLowercased(name, "host") { self = .host; return }
            case 6:
                if EdgeJSON.equalsLowercased(name, "cookie") { self = .cookie; return }
                if EdgeJSON.equalsLowercased(name, "apikey") { self = .apiKey; return }
            case 7:
                if EdgeJSON.equalsLowercased(name, "referer") { self = .referrer; return }
                if EdgeJSON.equalsLowercased(name, "api-key") { self = .apiKey; return }
            case 9: if EdgeJSON.equalsLowercased(name, "x-api-key") { self = .apiKey; return }
            case 10: if EdgeJSON.equalsLowercased(name, "user-agent") { self = .userAgent; return }
            case 12: if EdgeJSON.equalsLowercased(name, "content-type") { self = .contentType; return }
            case 13: if EdgeJSON.equalsLowercased(name, "authorization") { self = .authorization; return }
            case 14: if EdgeJSON.equalsLowercased(name, "content-length") { self = .contentLength; return }
            case 15: if EdgeJSON.equalsLowercased(name, "x-forwarded-for") { self = .forwardedFor; return }
            default: break
            }
            return nil
        }
    }

    /// Exact byte comparison with an ASCII literal.
    @inline(__always) static func equals(_ b: Bytes, _ s: StaticString) -> Bool {
        guard b.count == s.utf8CodeUnitCount, let p = b.baseAddress else { return b.count == 0 && s.utf8CodeUnitCount == 0 }
        return memcmp(p, s.utf8Start, b.count) == 0
    }

    /// `b` equals the lower-case ASCII literal `s`, ignoring the case of `b`.
    @inline(__always) static func equalsLowercased(_ b: Bytes, _ s: StaticString) -> Bool {
        guard b.count == s.utf8CodeUnitCount else { return false }
        let q = s.utf8Start
        for i in 0..<b.count {
            var c = b[i]
            if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") { c |= 0x20 }
            if c != q[i] { return false }
        }
        return true
    }

    /// `b` starts with the ASCII literal `s`, ignoring case when `s` is lower case.
    @inline(__always) static func hasPrefixLowercased(_ b: Bytes, _ s: StaticString) -> Bool {
        guard b.count >= s.utf8CodeUnitCount, let p = b.baseAddress else { return false }
        return equalsLowercased(Bytes(start: p, count: s.utf8CodeUnitCount), s)
    }

    /// A client address as logged, without a port: `1.2.3.4:5678` → `1.2.3.4`,
    /// `[2001:db8::1]:443` → `2001:db8::1`; a bare IPv6 address stays whole.
    static func withoutPort(_ b: Bytes) -> Bytes {
        guard let base = b.baseAddress, b.count > 0 else { return b }
        if b[0] == UInt8(ascii: "[") {
            var j = 1
            while j < b.count, b[j] != UInt8(ascii: "]") { j += 1 }
            return j < b.count ? Bytes(start: base + 1, count: j - 1) : b
        }
        var colon = -1
        for j in 0..<b.count where b[j] == UInt8(ascii: ":") {
            if colon >= 0 { return b }  // two colons: IPv6 without brackets
            colon = j
        }
        return colon > 0 ? Bytes(start: base, count: colon) : b
    }

    /// The authority (`host[:port]`, user-info dropped) of an absolute URL, or empty.
    static func authority(ofURL url: Bytes) -> Bytes {
        guard let base = url.baseAddress else { return .none }
        var i = 0
        while i < url.count, i < 12, RequestTarget.isSchemeByte(url[i]) { i += 1 }
        guard i > 0, i + 2 < url.count, url[i] == UInt8(ascii: ":"), url[i + 1] == UInt8(ascii: "/"),
              url[i + 2] == UInt8(ascii: "/") else { return .none }
        var start = i + 3
        var j = start
        while j < url.count {
            let c = url[j]
            if c == UInt8(ascii: "/") || c == UInt8(ascii: "?") || c == UInt8(ascii: "#") { break }
            if c == UInt8(ascii: "@") { start = j + 1 }
            j += 1
        }
        return Bytes(start: base + start, count: j - start)
    }

    /// The scheme of an absolute URL (`https`), or empty.
    static func scheme(ofURL url: Bytes) -> Bytes {
        guard let base = url.baseAddress else { return .none }
        var i = 0
        while i < url.count, i < 12, RequestTarget.isSchemeByte(url[i]) { i += 1 }
        guard i > 0, i + 2 < url.count, url[i] == UInt8(ascii: ":"), url[i + 1] == UInt8(ascii: "/") else { return .none }
        return Bytes(start: base, count: i)
    }

    // Immutable after their one-time initialisation; shared read-only by all threads.
    nonisolated(unsafe) static let http10 = CallAggregator.staticBytes("HTTP/1.0")
    nonisolated(unsafe) static let http11 = CallAggregator.staticBytes("HTTP/1.1")
    nonisolated(unsafe) static let http20 = CallAggregator.staticBytes("HTTP/2.0")
    nonisolated(unsafe) static let http30 = CallAggregator.staticBytes("HTTP/3.0")
    nonisolated(unsafe) static let https = CallAggregator.staticBytes("https")
    nonisolated(unsafe) static let http = CallAggregator.staticBytes("http")
    nonisolated(unsafe) static let wss = CallAggregator.staticBytes("wss")

    /// The protocol token: `HTTP/1.1` as logged, and the bare forms some logs write (`1.1`, `2`,
    /// `2.0`, Front Door's `2.0.0.0`) as `HTTP/x.y`. Other values stay as logged.
    static func httpVersion(_ v: Bytes) -> Bytes {
        guard v.count > 0, (v[0] &- 48) < 10 else { return v }
        // Major and minor digit, whatever follows (`.0.0`).
        let major = v[0], minor: UInt8 = v.count >= 3 && v[1] == UInt8(ascii: ".") ? v[2] : UInt8(ascii: "0")
        if v.count >= 2, v[1] != UInt8(ascii: ".") { return v }
        switch (major, minor) {
        case (UInt8(ascii: "1"), UInt8(ascii: "0")): return http10
        case (UInt8(ascii: "1"), UInt8(ascii: "1")): return http11
        case (UInt8(ascii: "2"), UInt8(ascii: "0")): return http20
        case (UInt8(ascii: "3"), UInt8(ascii: "0")): return http30
        default: return v
        }
    }

    /// A duration in seconds, with an optional unit suffix `s` (`"0.004"`, Cloud Logging's
    /// `"0.123456s"`), as microseconds.
    static func secondsAsMicros(_ b: Bytes) -> Int64? {
        var v = b
        if v.count > 1, v[v.count - 1] == UInt8(ascii: "s") { v = Bytes(rebasing: v[0..<(v.count - 1)]) }
        return JSONLinesParser.scaledDecimal(v, exponent: 6)
    }

    /// `Tue May 10 04:52:04 2022` / `Mon May  9 09:41:59 2022` (C `asctime`, ModSecurity v3's
    /// `time_stamp`): the server's local time without a zone, read as UTC.
    static func asctimeMillis(_ p: Bytes) -> Int64? {
        guard p.count == 24, p[3] == 0x20, p[7] == 0x20, p[10] == 0x20, p[19] == 0x20,
              let month = Timestamps.month(p[4], p[5], p[6]),
              let hour = Timestamps.digits(p, 11, 2), p[13] == UInt8(ascii: ":"),
              let minute = Timestamps.digits(p, 14, 2), p[16] == UInt8(ascii: ":"),
              let second = Timestamps.digits(p, 17, 2),
              let year = Timestamps.digits(p, 20, 4)
        else { return nil }
        let day: Int
        if p[8] == 0x20, let d = Timestamps.digits(p, 9, 1) { day = d } else if let d = Timestamps.digits(p, 8, 2) { day = d } else { return nil }
        return Timestamps.compose(year, month, day, hour, minute, second, 0, 0)
    }

    /// `2023/10/10 08:32:31` (Coraza's `timestamp`): local time without a zone, read as UTC.
    static func slashDateMillis(_ p: Bytes) -> Int64? {
        guard p.count >= 19, p[4] == UInt8(ascii: "/"), p[7] == UInt8(ascii: "/"), p[10] == 0x20,
              let year = Timestamps.digits(p, 0, 4), let month = Timestamps.digits(p, 5, 2),
              let day = Timestamps.digits(p, 8, 2), let hour = Timestamps.digits(p, 11, 2), p[13] == UInt8(ascii: ":"),
              let minute = Timestamps.digits(p, 14, 2), p[16] == UInt8(ascii: ":"),
              let second = Timestamps.digits(p, 17, 2)
        else { return nil }
        var i = 19
        let millis = Timestamps.fraction(p, &i)
        guard i == p.count else { return nil }
        return Timestamps.compose(year, month, day, hour, minute, second, millis, 0)
    }

    /// A timestamp in any of the forms these logs use: ISO 8601, CLF (bracketed or not), epoch
    /// seconds/ms/µs/ns (number or numeric string), asctime, `yyyy/mm/dd HH:MM:SS`.
    static func anyMillis(_ v: JSONValue) -> Int64? {
        var b = v.bytes
        if v.kind == .number { return Timestamps.epochMillis(b) }
        if b.count >= 2, b[0] == UInt8(ascii: "["), b[b.count - 1] == UInt8(ascii: "]") {
            b = Bytes(rebasing: b[1..<(b.count - 1)])
        }
        if b.count == 24, b[3] == 0x20 { return asctimeMillis(b) }
        if b.count >= 19, b[4] == UInt8(ascii: "/") { return slashDateMillis(b) }
        return Timestamps.anyMillis(b)
    }

    /// An integer that may be logged as a number or a numeric string, or as a decimal with a
    /// zero fraction (`200.0`, as Log Analytics writes doubles); nil otherwise.
    static func integer(_ b: Bytes) -> Int64? {
        if let n = JSONLinesParser.integer(b) { return n }
        guard let dot = b.firstIndex(of: UInt8(ascii: ".")), dot > 0 else { return nil }
        for i in (dot + 1)..<b.count where b[i] != UInt8(ascii: "0") { return nil }
        return JSONLinesParser.integer(Bytes(rebasing: b[0..<dot]))
    }

    /// A 3-digit HTTP status (number or numeric string); nil otherwise.
    static func status(_ b: Bytes) -> Int32? {
        guard let n = integer(b), n >= 100, n <= 999 else { return nil }
        return Int32(n)
    }

    /// The byte offset of `needle` (not empty) in `haystack` at or after `from`, or nil.
    static func find(_ needle: StaticString, in haystack: Bytes, from: Int = 0) -> Int? {
        let n = needle.utf8CodeUnitCount
        guard let base = haystack.baseAddress, n > 0, from >= 0, haystack.count - from >= n else { return nil }
        let first = Int32(needle.utf8Start.pointee)
        var i = from
        let last = haystack.count - n
        while i <= last {
            guard let hit = memchr(base + i, first, last - i + 1) else { return nil }
            let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            if memcmp(base + at, needle.utf8Start, n) == 0 { return at }
            i = at + 1
        }
        return nil
    }

    /// In a ModSecurity-style message, the value of `[name "value"]` (`[id "942100"]`,
    /// `[uri "/x"]`), raw (a `\"` inside stays escaped); nil when absent.
    static func bracketField(_ name: StaticString, in message: Bytes) -> Bytes? {
        guard let base = message.baseAddress else { return nil }
        var from = 0
        while let at = find(name, in: message, from: from) {
            // `[` + name + ` "`
            let valueStart = at + name.utf8CodeUnitCount + 2
            if at > 0, message[at - 1] == UInt8(ascii: "["), valueStart <= message.count,
               message[valueStart - 2] == 0x20, message[valueStart - 1] == UInt8(ascii: "\"") {
                var j = valueStart
                while j < message.count {
                    if message[j] == UInt8(ascii: "\\") { j += 2; continue }
                    if message[j] == UInt8(ascii: "\""), j + 1 < message.count, message[j + 1] == UInt8(ascii: "]") {
                        return Bytes(start: base + valueStart, count: j - valueStart)
                    }
                    j += 1
                }
                return nil
            }
            from = at + 1
        }
        return nil
    }
}

/// Azure resource logs come in three shapes: the resource-log record as diagnostic settings write
/// it to storage or Event Hubs (`{"time", "category", "operationName", "properties": {…}}`), the
/// Log Analytics `AzureDiagnostics` row (fields flattened with a type suffix: `clientIP_s`,
/// `httpStatus_d`, `Category`, `TimeGenerated`) and the resource-specific table row (PascalCase
/// columns: `ClientIp`, `HttpStatus`, `Type`).
/// The keys of an Azure request log parser that every Azure record has, whatever its shape (a
/// resource log record, an AzureDiagnostics row, a resource-specific table row).
protocol AzureResourceLogKey: RawRepresentable, CaseIterable, Equatable where RawValue == Int {
    static var category: Self { get }
    static var time: Self { get }
    static var operationName: Self { get }
    static var resourceId: Self { get }
}

enum AzureResourceLog {
    /// The candidate key paths of a record's own fields (`category`, `time`, `operationName`,
    /// `resourceId`) in every record shape.
    static func envelope<Key: AzureResourceLogKey>(_ key: Key) -> [String] {
        if key == .category { return category }
        if key == .time { return time }
        if key == .operationName { return operationName }
        precondition(key == .resourceId, "not a field of the Azure record envelope")
        return resourceId
    }

    /// What the start of a line says: a request record of one of the parser's categories, or the
    /// line's outcome already.
    enum Record {
        case request(RequestCategory)
        case done(LineOutcome)
    }

    /// Reads what Application Gateway's and Front Door's records share: the JSON object, the
    /// category (an Azure record of a category that is no request is ignored; the other format's
    /// request category is `malformed` for this one) and the time.
    @inline(__always)
    static func readRecord<Key: AzureResourceLogKey>(
        _ line: Bytes, _ fields: inout CandidateScanner<Key>, into call: inout RawCall,
        accepting access: RequestCategory, _ firewall: RequestCategory
    ) -> Record {
        guard fields.scan(line) else { return .done(JSONLinesParser.isBlank(line) ? .ignored : .rejected(.invalidJSON)) }
        guard let category = fields.text(.category) else { return .done(.rejected(.missingField)) }
        let kind = RequestCategory(category)
        guard let kind, kind == access || kind == firewall else {
            if kind == nil, fields.has(.resourceId) || fields.has(.operationName) { return .done(.ignored) }
            return .done(.rejected(.malformed))
        }
        if let t = fields.value(.time), !JSONLinesParser.isPlaceholder(t.bytes) {
            guard let millis = EdgeJSON.anyMillis(t) else { return .done(.rejected(.badTimestamp)) }
            call.timestampMillis = millis
        }
        return .request(kind)
    }

    /// The candidate key paths of one property: `properties.name`, `name_<suffix>` for each
    /// suffix, then the extra spellings (resource-specific column names).
    static func property(_ name: String, suffixes: [String], also extra: [String] = []) -> [String] {
        ["properties." + name] + suffixes.map { name + "_" + $0 } + extra
    }

    static let category = ["category", "Category", "Type"]
    static let time = ["time", "timeStamp", "timestamp", "TimeGenerated"]
    static let operationName = ["operationName", "OperationName"]
    static let resourceId = ["resourceId", "ResourceId", "_ResourceId"]

    /// Categories of the two Azure formats that carry requests, lower case.
    enum RequestCategory {
        case appGatewayAccess, appGatewayFirewall, frontDoorAccess, frontDoorFirewall

        init?(_ category: Bytes) {
            switch category.count {
            case 13:
                if EdgeJSON.equalsLowercased(category, "agwaccesslogs") { self = .appGatewayAccess; return }
            case 15:
                if EdgeJSON.equalsLowercased(category, "agwfirewalllogs") { self = .appGatewayFirewall; return }
            case 18:
                if EdgeJSON.equalsLowercased(category, "frontdooraccesslog") { self = .frontDoorAccess; return }
            case 27:
                if EdgeJSON.equalsLowercased(category, "applicationgatewayaccesslog") { self = .appGatewayAccess; return }
            case 29:
                if EdgeJSON.equalsLowercased(category, "applicationgatewayfirewalllog") { self = .appGatewayFirewall; return }
            case 34:
                if EdgeJSON.equalsLowercased(category, "frontdoorwebapplicationfirewalllog") { self = .frontDoorFirewall; return }
            default: break
            }
            return nil
        }
    }
}
