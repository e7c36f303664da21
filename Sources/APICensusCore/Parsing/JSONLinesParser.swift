#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One JSON object per line (NGINX `log_format … escape=json`, and any other JSON access log whose
/// field names a `FieldMap` describes).
///
/// The request comes from the first of: the request line (`request`, split into method, target and
/// protocol), `method` + `target`, `method` + `path` (+ `?` + `query`). A line with none of
/// `request`/`method`/`target`/`path` is rejected as `missingField`; the method alone makes a call
/// whose request is not valid, a target without a method (some custom formats log none) a valid call
/// with an empty method.
public struct JSONLinesParser: LineParser, Sendable {
    public var format: LogFormat { .jsonLines }
    public let fieldMap: FieldMap

    private var scanner: JSONScanner
    /// Candidate indices (into `scanner.keyPaths`) of each field, by `Field.ordinal`.
    private let ranges: [Range<Int>]

    public init(fieldMap: FieldMap = .default) {
        self.fieldMap = fieldMap
        var paths: [String] = []
        var ranges: [Range<Int>] = []
        for field in FieldMap.Field.allCases {
            precondition(field.ordinal == ranges.count)
            let start = paths.count
            paths += fieldMap[field]
            ranges.append(start..<paths.count)
        }
        self.ranges = ranges
        scanner = JSONScanner(keyPaths: paths)
    }

    /// The first candidate of `field` present in the line: scalars only (a string or a number),
    /// unless `anyKind`, when objects, arrays and booleans count too.
    @inline(__always)
    private func first(_ field: FieldMap.Field, anyKind: Bool = false) -> JSONValue? {
        let range = ranges[field.ordinal]
        var i = range.lowerBound
        while i < range.upperBound {
            let v = scanner.value(i)
            if v.kind == .string || v.kind == .number || (anyKind && v.kind != .absent) { return v }
            i &+= 1
        }
        return nil
    }

    @inline(__always)
    private func text(_ field: FieldMap.Field) -> Bytes? { first(field)?.bytes }

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        if line.count == 0 { return .ignored }
        guard scanner.scan(line) else {
            return JSONLinesParser.isBlank(line) ? .ignored : .rejected(.invalidJSON)
        }

        // The request.
        let request = text(.request)
        let method = text(.method)
        let target = text(.target)
        let path = text(.path)
        let version = text(.protocol)
        if request == nil && method == nil && target == nil && path == nil {
            return .rejected(.missingField)
        }
        var fromLine = false
        if let request {
            call.requestLine = request
            if let parts = JSONLinesParser.splitRequestLine(request) {
                call.method = parts.method
                call.target = parts.target
                call.httpVersion = parts.version.count > 0 ? parts.version : (version ?? .none)
                fromLine = true
            } else {
                call.requestIsValid = false
            }
        }
        if !fromLine {
            call.method = method ?? .none
            call.httpVersion = version ?? .none
            if let target {
                call.target = target
            } else if let path {
                if let query = text(.query), query.count > 0, !JSONLinesParser.contains(path, UInt8(ascii: "?")) {
                    call.target = scanner.joined(path, UInt8(ascii: "?"), query)
                } else {
                    call.target = path
                }
            }
            if call.target.count == 0 { call.requestIsValid = false }
        }

        // Time.
        if let t = first(.time, anyKind: true), !JSONLinesParser.isPlaceholder(t.bytes) {
            let millis: Int64?
            switch t.kind {
            case .string: millis = Timestamps.anyMillis(t.bytes)
            case .number: millis = Timestamps.epochMillis(t.bytes)
            default: millis = nil
            }
            guard let millis else { return .rejected(.badTimestamp) }
            call.timestampMillis = millis
        }

        // Status.
        if let s = first(.status, anyKind: true), !JSONLinesParser.isPlaceholder(s.bytes) {
            guard s.isScalar, s.bytes.count <= 3, let code = JSONLinesParser.integer(s.bytes) else {
                return .rejected(.badStatus)
            }
            call.status = Int32(code)
        }

        if let b = text(.bytes), let n = JSONLinesParser.integer(b) { call.responseBytes = n }

        if let d = text(.duration) {
            call.durationMicros = JSONLinesParser.scaledDecimal(d, exponent: 6) ?? -1
        } else if let d = text(.durationMillis) {
            call.durationMicros = JSONLinesParser.scaledDecimal(d, exponent: 3) ?? -1
        } else if let d = text(.durationMicros) {
            call.durationMicros = JSONLinesParser.scaledDecimal(d, exponent: 0) ?? -1
        }

        if let v = text(.host) { call.host = v }
        if let v = text(.client) { call.client = v }
        if let v = text(.user) { call.user = v }
        if let v = text(.referrer) { call.referrer = v }
        if let v = text(.userAgent) { call.userAgent = v }
        return .call
    }

    // MARK: - Byte helpers

    static func isBlank(_ line: Bytes) -> Bool {
        for c in line where !(c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A) { return false }
        return true
    }

    /// `""` or `"-"`: what loggers write for "no value".
    @inline(__always) static func isPlaceholder(_ b: Bytes) -> Bool {
        b.count == 0 || (b.count == 1 && b[0] == UInt8(ascii: "-"))
    }

    @inline(__always) static func contains(_ b: Bytes, _ byte: UInt8) -> Bool {
        guard let base = b.baseAddress, b.count > 0 else { return false }
        return memchr(base, Int32(byte), b.count) != nil
    }

    /// A non-negative decimal integer of at most 18 digits.
    @inline(__always) static func integer(_ b: Bytes) -> Int64? {
        guard b.count > 0, b.count <= 18 else { return nil }
        var value: Int64 = 0
        for c in b {
            let d = c &- 48
            guard d < 10 else { return nil }
            value = value &* 10 &+ Int64(d)
        }
        return value
    }

    /// A non-negative JSON-style decimal (`0.004`, `12`, `1.5e-3`) times 10^`exponent`, rounded to
    /// the nearest integer; nil when it is not such a number or does not fit.
    static func scaledDecimal(_ b: Bytes, exponent: Int) -> Int64? {
        var i = 0
        let n = b.count
        var mantissa: Int64 = 0
        var significant = 0
        var scale = exponent
        var digits = 0
        while i < n, b[i] &- 48 < 10 {
            if significant < 18 {
                mantissa = mantissa * 10 + Int64(b[i] &- 48)
                if mantissa > 0 { significant += 1 }
            } else {
                scale += 1  // integer digits beyond precision
            }
            digits += 1
            i += 1
        }
        if i < n, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, b[i] &- 48 < 10 {
                if significant < 18 {
                    mantissa = mantissa * 10 + Int64(b[i] &- 48)
                    if mantissa > 0 { significant += 1 }
                    scale -= 1
                }
                digits += 1
                i += 1
            }
        }
        guard digits > 0 else { return nil }
        if i < n, b[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var negative = false
            if i < n, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") {
                negative = b[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var expDigits = 0
            while i < n, b[i] &- 48 < 10 {
                if e < 10_000 { e = e * 10 + Int(b[i] &- 48) }
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return nil }
            scale += negative ? -e : e
        }
        guard i == n else { return nil }
        if mantissa == 0 { return 0 }
        if scale >= 0 {
            var value = mantissa
            for _ in 0..<scale {
                let (m, overflow) = value.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                value = m
            }
            return value
        }
        if scale < -18 { return 0 }
        var divisor: Int64 = 1
        for _ in 0..<(-scale) { divisor *= 10 }
        return (mantissa + divisor / 2) / divisor
    }

    /// RFC 9110 token characters (a method is a token).
    @inline(__always) static func isTokenChar(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// `GET /p?q HTTP/1.1` → (`GET`, `/p?q`, `HTTP/1.1`); `GET /p` (HTTP/0.9) has an empty version.
    /// A target containing spaces is kept whole when the line ends in an `HTTP/` version. Nil when
    /// the bytes are not a request line (empty, TLS handshake bytes, a method that is not a token).
    static func splitRequestLine(_ r: Bytes) -> (method: Bytes, target: Bytes, version: Bytes)? {
        guard let base = r.baseAddress, r.count >= 3 else { return nil }
        let n = r.count
        var s1 = 0
        while s1 < n, r[s1] != 0x20 {
            guard isTokenChar(r[s1]) else { return nil }
            s1 += 1
        }
        guard s1 > 0, s1 < n - 1 else { return nil }
        let method = Bytes(start: base, count: s1)
        var s2 = n - 1
        while s2 > s1, r[s2] != 0x20 { s2 -= 1 }
        var targetEnd = n
        var version = Bytes.none
        if s2 > s1 {
            let tail = Bytes(start: base + s2 + 1, count: n - s2 - 1)
            guard tail.count >= 5, tail[0] == UInt8(ascii: "H"), tail[1] == UInt8(ascii: "T"),
                  tail[2] == UInt8(ascii: "T"), tail[3] == UInt8(ascii: "P"), tail[4] == UInt8(ascii: "/")
            else { return nil }
            version = tail
            targetEnd = s2
        }
        let targetStart = s1 + 1
        guard targetEnd > targetStart, r[targetStart] != 0x20, r[targetEnd - 1] != 0x20 else { return nil }
        for i in targetStart..<targetEnd where r[i] < 0x20 || r[i] == 0x7F { return nil }
        return (method, Bytes(start: base + targetStart, count: targetEnd - targetStart), version)
    }
}

extension FieldMap.Field {
    /// Position in `allCases`, as a constant the optimiser can see through.
    @inline(__always) var ordinal: Int {
        switch self {
        case .time: 0
        case .client: 1
        case .user: 2
        case .method: 3
        case .path: 4
        case .query: 5
        case .target: 6
        case .request: 7
        case .protocol: 8
        case .status: 9
        case .bytes: 10
        case .duration: 11
        case .durationMillis: 12
        case .durationMicros: 13
        case .host: 14
        case .referrer: 15
        case .userAgent: 16
        }
    }
}
