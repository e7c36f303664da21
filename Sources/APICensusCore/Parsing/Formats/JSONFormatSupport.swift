#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The fields a JSON format reads: one key path each (`request.headers.User-Agent`), numbered 0, 1,
/// 2… in declaration order, which is the order `JSONScanner` hands values back in.
protocol JSONFormatKey: RawRepresentable, CaseIterable where RawValue == Int {
    var path: String { get }
}

/// A `JSONScanner` addressed by a format's own keys (Kong, Envoy JSON, Caddy, Traefik JSON,
/// Cloudflare, Fastly), with the readers every one of them uses. A thin typed view: each reader is
/// one indexed load plus a `JSONFieldValue` check, inlined into the parser.
struct KeyedJSONScanner<Key: JSONFormatKey> {
    private var scanner: JSONScanner

    init() {
        for (index, key) in Key.allCases.enumerated() {
            precondition(key.rawValue == index, "keys must be numbered 0, 1, 2… in declaration order")
        }
        scanner = JSONScanner(keyPaths: Key.allCases.map(\.path))
    }

    /// False when the line is not one well-formed JSON object.
    @inline(__always) mutating func scan(_ line: Bytes) -> Bool { scanner.scan(line) }

    /// The field as logged, `.absent` when the line does not have it (or has `null`).
    @inline(__always) func value(_ key: Key) -> JSONValue { scanner.value(key.rawValue) }

    /// Whether the line has the field, with any value but `null` (placeholders included).
    @inline(__always) func present(_ key: Key) -> Bool { scanner.value(key.rawValue).kind != .absent }

    /// A string or number field that is not a placeholder (`JSONFieldValue.text`).
    /// The key is in the line, `null` included (a key written as null was logged, with no value).
    @inline(__always) func written(_ key: Key) -> Bool { scanner.value(key.rawValue).isWritten }
    @inline(__always) func text(_ key: Key) -> Bytes? { JSONFieldValue.text(value(key)) }

    /// A header: a string, or the first of several (`JSONFieldValue.textOrFirst`).
    @inline(__always) func header(_ key: Key) -> Bytes? { JSONFieldValue.textOrFirst(value(key)) }
}

/// Value readers shared by the JSON formats of gateways, proxies and edges (Kong, Envoy JSON, Caddy,
/// Traefik JSON, Cloudflare, Fastly). They read what a `JSONScanner` found, byte-level, without
/// allocating: every one of them runs once per field per line.
enum JSONFieldValue {
    /// `""` or `"-"`: what loggers write for "no value".
    @inline(__always) static func isPlaceholder(_ b: Bytes) -> Bool {
        b.count == 0 || (b.count == 1 && b[0] == UInt8(ascii: "-"))
    }

    /// A string or a number that is not a placeholder; nil for anything else.
    @inline(__always) static func text(_ v: JSONValue) -> Bytes? {
        guard v.kind == .string || v.kind == .number, !isPlaceholder(v.bytes) else { return nil }
        return v.bytes
    }

    /// `text`, or for an array (multi-valued headers as Caddy and Kong log them: `["a", "b"]`) its
    /// first string element. Array elements are returned as they are written between their quotes:
    /// escapes inside them are left as logged (header values seldom hold quotes or backslashes).
    @inline(__always) static func textOrFirst(_ v: JSONValue) -> Bytes? {
        if v.kind == .array { return firstStringElement(v.bytes).flatMap { isPlaceholder($0) ? nil : $0 } }
        return text(v)
    }

    /// The first element of a JSON array when it is a string: `["block","log"]` → `block`.
    static func firstStringElement(_ array: Bytes) -> Bytes? {
        guard let base = array.baseAddress, array.count >= 2, array[0] == UInt8(ascii: "[") else { return nil }
        var i = 1
        let n = array.count
        while i < n, isSpace(array[i]) { i += 1 }
        guard i < n, array[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        let start = i
        while i < n {
            let c = array[i]
            if c == UInt8(ascii: "\\") { i += 2; continue }
            if c == UInt8(ascii: "\"") { return Bytes(start: base + start, count: i - start) }
            i += 1
        }
        return nil
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    /// A non-negative decimal integer, as a JSON number or a numeric string (`200`, `"200"`).
    @inline(__always) static func integer(_ v: JSONValue) -> Int64? {
        guard let b = text(v) else { return nil }
        return JSONLinesParser.integer(b)
    }

    /// A non-negative decimal (`0.004`, `"11"`, `1.5e-3`) times 10^`exponent`, rounded.
    @inline(__always) static func scaled(_ v: JSONValue, exponent: Int) -> Int64? {
        guard let b = text(v) else { return nil }
        return JSONLinesParser.scaledDecimal(b, exponent: exponent)
    }

    /// What a status field holds.
    enum Status {
        case absent
        case code(Int32)
        case invalid
    }

    /// An HTTP status as a number or numeric string of at most three digits (`0` for "no response"
    /// is kept: Caddy and NGINX log it for aborted requests). `null`, `""` and `"-"` are absent.
    @inline(__always) static func status(_ v: JSONValue) -> Status {
        switch v.kind {
        case .absent: return .absent
        case .string, .number:
            if isPlaceholder(v.bytes) { return .absent }
            guard v.bytes.count <= 3, let code = JSONLinesParser.integer(v.bytes) else { return .invalid }
            return .code(Int32(code))
        default: return .invalid
        }
    }

    /// What a timestamp field holds.
    enum Time {
        case absent
        case millis(Int64)
        case invalid
    }

    /// A timestamp: ISO 8601 / RFC 3339 or CLF strings, epoch seconds / milliseconds / microseconds /
    /// nanoseconds as numbers or numeric strings (the digit count tells the unit).
    @inline(__always) static func time(_ v: JSONValue) -> Time {
        switch v.kind {
        case .absent: return .absent
        case .string:
            if isPlaceholder(v.bytes) { return .absent }
            return Timestamps.anyMillis(v.bytes).map(Time.millis) ?? .invalid
        case .number:
            return Timestamps.epochMillis(v.bytes).map(Time.millis) ?? .invalid
        default: return .invalid
        }
    }

    /// The address part of `ip:port`, `[v6]:port` or a bare address (IPv6 without brackets is
    /// returned whole: its colons are not a port separator).
    static func addressWithoutPort(_ b: Bytes) -> Bytes {
        guard let base = b.baseAddress, b.count > 0 else { return b }
        if b[0] == UInt8(ascii: "[") {
            var i = 1
            while i < b.count, b[i] != UInt8(ascii: "]") { i += 1 }
            return i < b.count ? Bytes(start: base + 1, count: i - 1) : b
        }
        var colon = -1
        for i in 0..<b.count where b[i] == UInt8(ascii: ":") {
            if colon >= 0 { return b }  // two colons: a bare IPv6 address
            colon = i
        }
        return colon > 0 ? Bytes(start: base, count: colon) : b
    }

    /// The last element of a comma-separated list (`a, b, c` → `c`), spaces trimmed.
    static func lastListElement(_ b: Bytes) -> Bytes {
        guard let base = b.baseAddress, b.count > 0 else { return b }
        var start = b.count
        while start > 0, b[start - 1] != UInt8(ascii: ",") { start -= 1 }
        var end = b.count
        while start < end, b[start] == 0x20 { start += 1 }
        while end > start, b[end - 1] == 0x20 { end -= 1 }
        return Bytes(start: base + start, count: end - start)
    }

    @inline(__always) static func contains(_ b: Bytes, _ byte: UInt8) -> Bool {
        guard let base = b.baseAddress, b.count > 0 else { return false }
        return memchr(base, Int32(byte), b.count) != nil
    }

    /// Byte-wise prefix test against ASCII text.
    @inline(__always) static func hasPrefix(_ b: Bytes, _ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard b.count >= n, let base = b.baseAddress else { return false }
        return memcmp(base, prefix.utf8Start, n) == 0
    }

    /// Byte-wise equality against ASCII text, ignoring ASCII case.
    @inline(__always) static func equalsIgnoringCase(_ b: Bytes, _ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard b.count == n else { return false }
        let t = text.utf8Start
        for i in 0..<n where b[i] | 0x20 != t[i] | 0x20 { return false }
        return true
    }

    /// `scheme://[user-info@]host[:port]/…` → (`scheme`, `host[:port]`), user-info dropped; nil when the
    /// text is not an absolute URL.
    static func schemeAndAuthority(_ url: Bytes) -> (scheme: Bytes, authority: Bytes)? {
        guard let base = url.baseAddress else { return nil }
        let n = url.count
        var i = 0
        while i < n, url[i] != UInt8(ascii: ":") {
            let c = url[i] | 0x20
            guard (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (i > 0 && (url[i] &- 48 < 10 || url[i] == UInt8(ascii: "+") || url[i] == UInt8(ascii: "-") || url[i] == UInt8(ascii: ".")))
            else { return nil }
            i += 1
        }
        guard i > 0, i + 2 < n, url[i + 1] == UInt8(ascii: "/"), url[i + 2] == UInt8(ascii: "/") else { return nil }
        let scheme = Bytes(start: base, count: i)
        var hostStart = i + 3
        var hostEnd = hostStart
        while hostEnd < n, url[hostEnd] != UInt8(ascii: "/"), url[hostEnd] != UInt8(ascii: "?"), url[hostEnd] != UInt8(ascii: "#") {
            // `user:password@`: credentials, never part of the host (which the report prints).
            if url[hostEnd] == UInt8(ascii: "@") { hostStart = hostEnd + 1 }
            hostEnd += 1
        }
        guard hostEnd > hostStart else { return nil }
        return (scheme, Bytes(start: base + hostStart, count: hostEnd - hostStart))
    }

    /// A Go `time.Duration` string (`1.335486ms`, `2m3.5s`, `500µs`, `300ns`) in microseconds.
    static func goDurationMicros(_ b: Bytes) -> Int64? {
        let n = b.count
        guard n > 0, let base = b.baseAddress else { return nil }
        var i = 0
        var total: Int64 = 0
        while i < n {
            let numberStart = i
            while i < n, b[i] &- 48 < 10 || b[i] == UInt8(ascii: ".") { i += 1 }
            guard i > numberStart else { return nil }
            let number = Bytes(start: base + numberStart, count: i - numberStart)
            let unitStart = i
            while i < n, !(b[i] &- 48 < 10) { i += 1 }
            let unit = Bytes(start: base + unitStart, count: i - unitStart)
            let micros: Int64?
            if equalsIgnoringCase(unit, "h") {
                micros = JSONLinesParser.scaledDecimal(number, exponent: 6).map { $0 * 3600 }
            } else if equalsIgnoringCase(unit, "m") {
                micros = JSONLinesParser.scaledDecimal(number, exponent: 6).map { $0 * 60 }
            } else if equalsIgnoringCase(unit, "s") {
                micros = JSONLinesParser.scaledDecimal(number, exponent: 6)
            } else if equalsIgnoringCase(unit, "ms") {
                micros = JSONLinesParser.scaledDecimal(number, exponent: 3)
            } else if equalsIgnoringCase(unit, "us") || (unit.count == 3 && unit[0] == 0xC2 && unit[1] == 0xB5 && unit[2] == UInt8(ascii: "s"))
                        || (unit.count == 3 && unit[0] == 0xCE && unit[1] == 0xBC && unit[2] == UInt8(ascii: "s")) {
                micros = JSONLinesParser.scaledDecimal(number, exponent: 0)
            } else if equalsIgnoringCase(unit, "ns") {
                micros = JSONLinesParser.scaledDecimal(number, exponent: -3)
            } else {
                return nil
            }
            guard let micros else { return nil }
            total += micros
        }
        return total
    }
}

/// Constant byte strings that parsers hand out as field values when a format logs a code rather
/// than the text (Caddy's TLS version `772` is `TLSv1.3`) or implies a value it does not log (the
/// scheme of a TLS connection). Allocated once, never freed, never written after init.
final class ConstantBytes: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<UInt8>
    private let views: [Bytes]

    init(_ strings: [String]) {
        let total = strings.reduce(0) { $0 + $1.utf8.count }
        storage = .allocate(capacity: max(1, total))
        var offset = 0
        var views: [Bytes] = []
        for s in strings {
            let bytes = Array(s.utf8)
            (storage + offset).initialize(from: bytes, count: bytes.count)
            views.append(Bytes(start: storage + offset, count: bytes.count))
            offset += bytes.count
        }
        self.views = views
    }

    @inline(__always) subscript(index: Int) -> Bytes { views[index] }

    static let schemes = ConstantBytes(["http", "https"])
    static var http: Bytes { schemes[0] }
    static var https: Bytes { schemes[1] }

    /// OpenSSL-style protocol names, in the order of their wire codes 0x0300…0x0304.
    static let tlsProtocols = ConstantBytes(["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])

    /// The protocol name of a TLS wire version (`771` → `TLSv1.2`), nil for codes not listed.
    static func tlsProtocol(code: Int64) -> Bytes? {
        (0x0300...0x0304).contains(code) ? tlsProtocols[Int(code - 0x0300)] : nil
    }

    /// IANA cipher suite names of the suites Go's crypto/tls (Caddy, Traefik) negotiates.
    static let cipherSuites = ConstantBytes([
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        "TLS_RSA_WITH_RC4_128_SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
    ])

    /// The IANA name of a cipher suite code (`4865` → `TLS_AES_128_GCM_SHA256`), nil when not listed.
    static func cipherSuite(code: Int64) -> Bytes? {
        let index: Int
        switch code {
        case 0x1301: index = 0
        case 0x1302: index = 1
        case 0x1303: index = 2
        case 0xC02F: index = 3
        case 0xC02B: index = 4
        case 0xC030: index = 5
        case 0xC02C: index = 6
        case 0xCCA8: index = 7
        case 0xCCA9: index = 8
        case 0xC013: index = 9
        case 0xC014: index = 10
        case 0xC009: index = 11
        case 0xC00A: index = 12
        case 0xC027: index = 13
        case 0xC023: index = 14
        case 0x009C: index = 15
        case 0x009D: index = 16
        case 0x002F: index = 17
        case 0x0035: index = 18
        case 0x003C: index = 19
        case 0x000A: index = 20
        case 0xC012: index = 21
        case 0x0005: index = 22
        case 0xC011: index = 23
        case 0xC007: index = 24
        default: return nil
        }
        return cipherSuites[index]
    }
}

/// A proxy's own log lines (diagnostics, plugin output) that land among its JSON access records when
/// both go to the same stream, as they do on a container's stdout. Parsers reject them as
/// `error_log`, so a report says what they are instead of counting them as broken records. Only
/// called for lines a parser already found not to be a record: off the hot path.
enum ProxyLogLine {
    /// Traefik's own log: logrus text (v1/v2, `time="…" level=info msg="…"`) and zerolog console (v3,
    /// `2025-09-05T13:53:40Z INF …`). What its plugins print (`DEBUG: Plugin: …`) is recognised for
    /// every format by `ErrorLogLine`.
    static func isTraefik(_ line: Bytes) -> Bool {
        if JSONFieldValue.hasPrefix(line, "time=\"") {
            return find(line, " level=", within: 64)
        }
        return isConsoleLevelLine(line)
    }

    /// Envoy's application log (`[2025-09-05 13:53:40.123][12][info][main] [source/…] …`). Envoy's
    /// text access log starts differently (`[2025-09-05T13:53:40.123Z] "GET …`) and is not matched.
    static func isEnvoy(_ line: Bytes) -> Bool {
        guard line.count >= 26, line[0] == UInt8(ascii: "["), line[11] == 0x20, line[24] == UInt8(ascii: "]"),
              line[25] == UInt8(ascii: "[") else { return false }
        return Timestamps.digits(line, 1, 4) != nil && line[5] == UInt8(ascii: "-") && Timestamps.digits(line, 12, 2) != nil
    }

    /// `2025-09-05T13:53:40Z INF …` / `…+02:00 DBG …`: an ISO time, then a three-letter level.
    private static func isConsoleLevelLine(_ line: Bytes) -> Bool {
        guard line.count >= 24, Timestamps.digits(line, 0, 4) != nil, line[4] == UInt8(ascii: "-"),
              line[10] == UInt8(ascii: "T") else { return false }
        var i = 11
        while i < min(line.count, 48), line[i] != 0x20 { i += 1 }
        guard i + 4 < line.count, line[i + 4] == 0x20 else { return false }
        let level = Bytes(rebasing: line[(i + 1)..<(i + 4)])
        for name: StaticString in ["DBG", "INF", "WRN", "ERR", "FTL", "PNC", "TRC"] where JSONFieldValue.hasPrefix(level, name) {
            return true
        }
        return false
    }

    private static func find(_ line: Bytes, _ needle: StaticString, within limit: Int) -> Bool {
        let n = needle.utf8CodeUnitCount
        guard let base = line.baseAddress else { return false }
        let end = min(line.count, limit)
        var i = 0
        while i + n <= end {
            if memcmp(base + i, needle.utf8Start, n) == 0 { return true }
            i += 1
        }
        return false
    }
}
