#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// W3C extended log files (IIS, Citrix NetScaler web logging, Imperva Incapsula log exports,
/// CloudFront standard logs): `#`-directives, of which `#Fields:` names the columns of the lines
/// that follow. The columns are whatever the server was told to log, so the parser maps the usual
/// field names to a call and ignores the rest:
///
/// | W3C field | call |
/// |---|---|
/// | `date` + `time` (UTC; or Incapsula's `cs-start`, epoch ms) | timestamp |
/// | `c-ip` | client |
/// | `cs-method` | method |
/// | `cs-uri-stem` + `cs-uri-query`, or `cs-uri` (path, absolute URL, or Incapsula's `host/path`) | target (and host) |
/// | `sc-status` | status |
/// | `sc-bytes` | response bytes |
/// | `time-taken` | duration: seconds per the W3C draft (a decimal point says so too); milliseconds when `#Software:` is IIS |
/// | `cs(User-Agent)`, `cs(Referer)`/`cs(Referrer)`, `cs(Cookie)`, `cs-username` | user agent, referrer, cookie, user |
/// | `cs-host`, `cs(Host)`; CloudFront's `x-host-header` first | host |
/// | `cs-version` (`HTTP/1.1`; Incapsula's `HTTP`/`HTTPS` is the scheme), `cs-protocol-version` | HTTP version |
/// | `cs-protocol` | scheme |
/// | `ssl-protocol`, `ssl-cipher` | TLS fields |
/// | `x-forwarded-for`, `s-xff`, `cs(X-Forwarded-For)` | forwarded-for |
/// | `x-edge-request-id`, `s-externalid`, `cs(X-Request-Id)` | request id |
/// | `sc-action` (Incapsula `REQ_PASSED`, `REQ_BLOCKED…`) | WAF action |
/// | `s-ruleName`, else `cs-rule` | WAF rule |
/// | `cs(Authorization)`, `cs(X-API-Key)`, `cs(Content-Type)` | credential and content-type fields (classified, never written out) |
///
/// Values are separated by spaces (IIS writes spaces inside values as `+`), or by tabs when the line
/// has any (CloudFront: its `x-forwarded-for` holds `a, b`). A value may be quoted (Incapsula quotes
/// them all; `""` inside is a quote). `-` and `""` mean none. A new `#Fields:` line (IIS writes one
/// at each restart) replaces the columns. Lines before any `#Fields:` cannot be read and are
/// rejected (`malformed`); so are the lines under a `#Fields:` that has no request path column, and
/// lines with more values than `#Fields:` names, or space-separated lines with fewer (their values
/// would land in the wrong columns; one last empty value is allowed; a tab-separated line may lack
/// its last columns).
///
/// The format reads sequentially: a line means nothing without the header above it.
public struct W3CExtendedLogParser: LineParser {
    var engine: W3CExtendedEngine

    public init() { engine = W3CExtendedEngine(flavor: .generic) }

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        engine.parse(line, into: &call)
    }
}

extension FormatDescriptor {
    public static let w3c = FormatDescriptor(
        format: .w3c, title: "W3C extended log (#Fields header: IIS, NetScaler, Imperva/Incapsula)", defaultRole: .lb,
        yields: [.method, .target, .httpVersion, .host, .client, .user, .referrer, .userAgent, .status, .responseBytes,
                 .timestamp, .duration, .scheme, .tlsProtocol, .tlsCipher, .requestId, .forwardedFor, .wafAction,
                 .wafRule, .cookie, .authorization, .apiKey, .contentType],
        example: "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version cs(User-Agent) cs(Referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes time-taken\n2026-10-10 13:55:36 10.0.0.5 GET /api/v1/users/42 expand=orders 443 - 203.0.113.7 HTTP/1.1 curl/8.5.0 - api.example.com 200 0 0 512 4",
        readsSequentially: true, specificity: 10, makeParser: { _ in W3CExtendedLogParser() })
}

/// What a W3C column feeds.
enum W3CColumn: UInt8 {
    case ignored, date, time, startEpochMillis, client, method, uriStem, uriQuery, uri, status, bytes, timeTaken
    case userAgent, referrer, cookie, host, hostHeader, user, version, httpVersion, scheme, tlsProtocol, tlsCipher
    case forwardedFor, requestId, wafAction, wafRule, wafRuleName, authorization, apiKey, contentType
    /// A CloudFront-only field: its presence tells a CloudFront header from others.
    case cloudFrontOnly

    /// The role of a field name as `#Fields:` writes it (compared without case).
    static func named(_ name: String) -> W3CColumn {
        switch name.lowercased() {
        case "date": .date
        case "time": .time
        case "cs-start": .startEpochMillis
        case "c-ip": .client
        case "cs-method": .method
        case "cs-uri-stem": .uriStem
        case "cs-uri-query": .uriQuery
        case "cs-uri": .uri
        case "sc-status": .status
        case "sc-bytes": .bytes
        case "time-taken": .timeTaken
        case "cs(user-agent)": .userAgent
        case "cs(referer)", "cs(referrer)": .referrer
        case "cs(cookie)": .cookie
        case "cs-host", "cs(host)": .host
        case "x-host-header": .hostHeader
        case "cs-username": .user
        case "cs-version": .version
        case "cs-protocol-version": .httpVersion
        case "cs-protocol": .scheme
        case "ssl-protocol": .tlsProtocol
        case "ssl-cipher": .tlsCipher
        case "x-forwarded-for", "s-xff", "cs(x-forwarded-for)": .forwardedFor
        case "x-edge-request-id", "s-externalid", "cs(x-request-id)": .requestId
        case "sc-action": .wafAction
        case "cs-rule": .wafRule
        case "s-rulename": .wafRuleName
        case "cs(authorization)": .authorization
        case "cs(x-api-key)", "cs(apikey)", "cs(api-key)", "cs(x-apikey)": .apiKey
        case "cs(content-type)": .contentType
        case "x-edge-location", "x-edge-result-type", "x-edge-response-result-type", "x-edge-detailed-result-type":
            .cloudFrontOnly
        default: .ignored
        }
    }
}

/// The W3C reading shared by the generic format and CloudFront's.
struct W3CExtendedEngine {
    enum Flavor {
        /// Any `#Fields:` header; lines before one are rejected.
        case generic
        /// CloudFront standard logs: the documented default columns until a header says otherwise,
        /// a header without CloudFront's own fields makes the lines foreign, and the user agent and
        /// referrer (which CloudFront percent-encodes, sometimes twice) are decoded.
        case cloudFront
    }

    let flavor: Flavor
    private(set) var columns: [W3CColumn]
    /// Whether the columns have what a call needs (a request path).
    private var usable: Bool
    /// IIS logs `time-taken` in milliseconds; the W3C draft (and everyone else) in seconds.
    private var timeTakenInMillis = false
    /// Evidence the columns leave out (no `cs(Authorization)`, no `ssl-protocol`): not observable,
    /// rather than absent, on every record.
    private var unlogged: UnloggedEvidence = [.credentials, .tls]
    private let scratch = LineScratchBuffer()

    init(flavor: Flavor) {
        self.flavor = flavor
        switch flavor {
        case .generic:
            columns = []
            usable = false
        case .cloudFront:
            columns = W3CExtendedEngine.cloudFrontDefaultFields.map(W3CColumn.named)
            usable = true
            unlogged = W3CExtendedEngine.unlogged(columns)
        }
    }

    static func unlogged(_ columns: [W3CColumn]) -> UnloggedEvidence {
        var u: UnloggedEvidence = []
        if !columns.contains(.authorization) { u.insert(.credentials) }
        if !columns.contains(.tlsProtocol) { u.insert(.tls) }
        return u
    }

    /// CloudFront's documented standard-log field order (what a file without its header has).
    static let cloudFrontDefaultFields = [
        "date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)", "cs-uri-stem", "sc-status",
        "cs(Referer)", "cs(User-Agent)", "cs-uri-query", "cs(Cookie)", "x-edge-result-type", "x-edge-request-id",
        "x-host-header", "cs-protocol", "cs-bytes", "time-taken", "x-forwarded-for", "ssl-protocol", "ssl-cipher",
        "x-edge-response-result-type", "cs-protocol-version", "fle-status", "fle-encrypted-fields", "c-port",
        "time-to-first-byte", "x-edge-detailed-result-type", "sc-content-type", "sc-content-len", "sc-range-start",
        "sc-range-end",
    ]

    mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard let p = line.baseAddress else { return .ignored }
        var end = line.count
        while end > 0, p[end - 1] == UInt8(ascii: "\r") || p[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        let endWithSpaces = end
        while end > 0, p[end - 1] == UInt8(ascii: " ") { end -= 1 }
        var start = 0
        while start < end, p[start] == UInt8(ascii: " ") || p[start] == UInt8(ascii: "\t") { start += 1 }
        if start == end { return .ignored }
        if p[start] == UInt8(ascii: "#") {
            directive(Bytes(start: p + start, count: end - start))
            return .ignored
        }
        guard usable else { return .rejected(.malformed) }
        return record(p, start, end, trailingSpace: endWithSpaces > end, into: &call)
    }

    /// `#Fields: …` sets the columns; `#Software: …` tells IIS apart; other directives carry nothing.
    private mutating func directive(_ d: Bytes) {
        if Self.hasPrefix(d, "#Fields:") {
            let names = String(decoding: d.dropFirst(8), as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" })
            columns = names.map { W3CColumn.named(String($0)) }
            unlogged = Self.unlogged(columns)
            let hasPath = columns.contains(.uriStem) || columns.contains(.uri)
            switch flavor {
            case .generic: usable = hasPath
            case .cloudFront: usable = hasPath && columns.contains(.cloudFrontOnly)
            }
        } else if Self.hasPrefix(d, "#Software:") {
            timeTakenInMillis = String(decoding: d, as: UTF8.self).contains("Internet Information Services")
        }
    }

    private static func hasPrefix(_ d: Bytes, _ prefix: StaticString) -> Bool {
        d.count >= prefix.utf8CodeUnitCount && memcmp(d.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    /// The value ranges of one data line, by role (the first column of a role wins, except where a
    /// role is preferred over another).
    private struct Values {
        var date: Range<Int>?, time: Range<Int>?, start: Range<Int>?, client: Range<Int>?, method: Range<Int>?
        var stem: Range<Int>?, query: Range<Int>?, uri: Range<Int>?, status: Range<Int>?, bytes: Range<Int>?
        var timeTaken: Range<Int>?, userAgent: Range<Int>?, referrer: Range<Int>?, cookie: Range<Int>?
        var host: Range<Int>?, hostHeader: Range<Int>?, user: Range<Int>?, version: Range<Int>?
        var httpVersion: Range<Int>?, scheme: Range<Int>?, tlsProtocol: Range<Int>?, tlsCipher: Range<Int>?
        var forwardedFor: Range<Int>?, requestId: Range<Int>?, wafAction: Range<Int>?, wafRule: Range<Int>?
        var wafRuleName: Range<Int>?, authorization: Range<Int>?, apiKey: Range<Int>?, contentType: Range<Int>?
    }

    /// `trailingSpace`: the line ended with spaces (cut before `end`), which may be one last empty value.
    private mutating func record(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, trailingSpace: Bool,
                                 into call: inout RawCall) -> LineOutcome {
        let separator = memchr(p + start, Int32(UInt8(ascii: "\t")), end - start) != nil ? UInt8(ascii: "\t") : UInt8(ascii: " ")
        // CloudFront always separates with tabs; a space-separated line is another format's.
        if flavor == .cloudFront, separator != UInt8(ascii: "\t") { return .rejected(.malformed) }
        var v = Values()
        var index = 0
        var i = start
        let count = columns.count
        while index < count {
            if separator == UInt8(ascii: " ") { while i < end, p[i] == UInt8(ascii: " ") { i += 1 } }
            var s = i, e = i
            if let close = Self.closingQuote(p, i, end, separator) {
                // A quoted value; `""` inside it is one quote.
                s = i + 1
                e = close
                i = close + 1
            } else {
                e = CombinedLogParser.find(separator, p, i, end)
                i = e
            }
            let r = s..<e
            let none = r.isEmpty || (r.count == 1 && p[s] == UInt8(ascii: "-"))
            if !none {
                switch columns[index] {
                case .ignored, .cloudFrontOnly: break
                case .date: v.date = v.date ?? r
                case .time: v.time = v.time ?? r
                case .startEpochMillis: v.start = v.start ?? r
                case .client: v.client = v.client ?? r
                case .method: v.method = v.method ?? r
                case .uriStem: v.stem = v.stem ?? r
                case .uriQuery: v.query = v.query ?? r
                case .uri: v.uri = v.uri ?? r
                case .status: v.status = v.status ?? r
                case .bytes: v.bytes = v.bytes ?? r
                case .timeTaken: v.timeTaken = v.timeTaken ?? r
                case .userAgent: v.userAgent = v.userAgent ?? r
                case .referrer: v.referrer = v.referrer ?? r
                case .cookie: v.cookie = v.cookie ?? r
                case .host: v.host = v.host ?? r
                case .hostHeader: v.hostHeader = v.hostHeader ?? r
                case .user: v.user = v.user ?? r
                case .version: v.version = v.version ?? r
                case .httpVersion: v.httpVersion = v.httpVersion ?? r
                case .scheme: v.scheme = v.scheme ?? r
                case .tlsProtocol: v.tlsProtocol = v.tlsProtocol ?? r
                case .tlsCipher: v.tlsCipher = v.tlsCipher ?? r
                case .forwardedFor: v.forwardedFor = v.forwardedFor ?? r
                case .requestId: v.requestId = v.requestId ?? r
                case .wafAction: v.wafAction = v.wafAction ?? r
                case .wafRule: v.wafRule = v.wafRule ?? r
                case .wafRuleName: v.wafRuleName = v.wafRuleName ?? r
                case .authorization: v.authorization = v.authorization ?? r
                case .apiKey: v.apiKey = v.apiKey ?? r
                case .contentType: v.contentType = v.contentType ?? r
                }
            }
            index += 1
            if i >= end { break }
            i += 1  // past the separator
        }
        // More values than `#Fields:` names: a value with a raw space in it (a writer that does not
        // `+`-encode) shifts every column after it, so the line is not read. Fewer values on a
        // space-separated line: an empty value was written as nothing (runs of spaces are one
        // separator) and the columns after it are shifted too, or the line was cut; one last empty
        // value (the line ends with its separator) is fine. A tab-separated line keeps its empty
        // values in place, so fewer values there are columns missing at its end (CloudFront lines
        // written before the last columns were added), read as none.
        if index == count, i < end { return .rejected(.malformed) }
        if index < count, separator == UInt8(ascii: " "), !(index == count - 1 && trailingSpace) { return .rejected(.malformed) }
        return fill(p, v, lineLength: end - start, into: &call)
    }

    private mutating func fill(_ p: UnsafePointer<UInt8>, _ v: Values, lineLength: Int, into call: inout RawCall) -> LineOutcome {
        @inline(__always) func bytes(_ r: Range<Int>?) -> Bytes {
            guard let r else { return .none }
            return Bytes(start: p + r.lowerBound, count: r.count)
        }
        // What is rewritten (a path joined with its query, decoded values) never outgrows the line.
        scratch.reset(reserving: lineLength + 1)

        // CloudFront logs these on every record: a line without them is not one.
        if flavor == .cloudFront, v.date == nil || v.time == nil || v.status == nil || v.method == nil {
            return .rejected(.malformed)
        }

        // Time: `date` + `time` (UTC), else an epoch in milliseconds.
        if let d = v.date, let t = v.time {
            guard let millis = Self.millis(date: bytes(d), time: bytes(t)) else { return .rejected(.badTimestamp) }
            call.timestampMillis = millis
        } else if let s = v.start {
            guard let millis = Timestamps.epochMillis(bytes(s)) else { return .rejected(.badTimestamp) }
            call.timestampMillis = millis
        }

        if let s = v.status {
            guard s.count == 3, let code = LogLineCursor.integer(p, s) else { return .rejected(.badStatus) }
            call.status = code == 0 ? -1 : Int32(code)  // CloudFront logs 000 when the viewer left first
        }
        if let b = v.bytes {
            guard let n = LogLineCursor.integer(p, b) else { return .rejected(.malformed) }
            call.responseBytes = n
        }
        if let t = v.timeTaken {
            let hasDot = memchr(p + t.lowerBound, Int32(UInt8(ascii: ".")), t.count) != nil
            if !hasDot, timeTakenInMillis, let ms = LogLineCursor.integer(p, t) {
                call.durationMicros = ms * 1000
            } else if let micros = LogLineCursor.secondsAsMicros(p, t) {
                call.durationMicros = micros
            }
        }

        // The request.
        call.method = bytes(v.method)
        if let stem = v.stem {
            let path = bytes(stem)
            if let q = v.query, memchr(p + stem.lowerBound, Int32(UInt8(ascii: "?")), stem.count) == nil {
                call.target = scratch.joined(path, UInt8(ascii: "?"), bytes(q))
            } else {
                call.target = path
            }
        } else if let uri = v.uri {
            Self.splitURI(bytes(uri), into: &call)
            if let q = v.query, call.target.count > 0, memchr(call.target.baseAddress!, Int32(UInt8(ascii: "?")), call.target.count) == nil {
                call.target = scratch.joined(call.target, UInt8(ascii: "?"), bytes(q))
            }
        }
        call.requestIsValid = call.target.count > 0 && call.method.count > 0 && Self.isMethod(call.method)
            && (call.target[0] == UInt8(ascii: "/") || call.target[0] == UInt8(ascii: "*")
                || CombinedLogParser.hasWebScheme(call.target.baseAddress!, 0, call.target.count))
        if !call.requestIsValid {
            call.requestLine = call.method.count > 0 ? call.method : call.target
        }

        if let version = v.version {
            let b = bytes(version)
            if b.count > 5, b[4] == UInt8(ascii: "/") { call.httpVersion = b } else { call.scheme = b }
        }
        if let hv = v.httpVersion { call.httpVersion = bytes(hv) }
        if let s = v.scheme { call.scheme = bytes(s) }
        if let h = v.hostHeader ?? v.host { call.host = bytes(h) }
        call.client = bytes(v.client)
        call.user = bytes(v.user)
        // IIS's `cs-username`: Windows, Basic or forms authentication, the log does not say which.
        call.userIsBasicAuth = false
        call.unlogged = unlogged
        call.tlsProtocol = bytes(v.tlsProtocol)
        call.tlsCipher = bytes(v.tlsCipher)
        call.forwardedFor = bytes(v.forwardedFor)
        call.requestId = bytes(v.requestId)
        call.wafAction = bytes(v.wafAction)
        call.wafRule = bytes(v.wafRuleName ?? v.wafRule)
        call.cookie = bytes(v.cookie)
        call.authorization = bytes(v.authorization)
        call.apiKey = bytes(v.apiKey)
        call.contentType = bytes(v.contentType)
        switch flavor {
        case .generic:
            call.userAgent = bytes(v.userAgent)
            call.referrer = bytes(v.referrer)
        case .cloudFront:
            call.userAgent = scratch.percentDecoded(bytes(v.userAgent))
            call.referrer = scratch.percentDecoded(bytes(v.referrer))
        }
        return .call
    }

    /// When a quoted value starts at `i`: the index of its closing quote, which must be followed by the
    /// separator or the end. Nil otherwise (the value is then read unquoted).
    @inline(__always)
    static func closingQuote(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int, _ separator: UInt8) -> Int? {
        guard i < end, p[i] == UInt8(ascii: "\"") else { return nil }
        var j = i + 1
        while true {
            while j < end, p[j] != UInt8(ascii: "\"") { j += 1 }
            guard j < end else { return nil }
            if j + 1 < end, p[j + 1] == UInt8(ascii: "\"") { j += 2; continue }
            return j + 1 == end || p[j + 1] == separator ? j : nil
        }
    }

    /// `cs-uri`: `/path?q`, `https://host/path`, or `host/path` (Incapsula, no scheme) → target, and
    /// host for the last form.
    static func splitURI(_ uri: Bytes, into call: inout RawCall) {
        guard let p = uri.baseAddress, uri.count > 0 else { return }
        if p[0] == UInt8(ascii: "/") || CombinedLogParser.hasWebScheme(p, 0, uri.count) {
            call.target = uri
            return
        }
        var slash = 0
        while slash < uri.count, p[slash] != UInt8(ascii: "/") { slash += 1 }
        call.host = Bytes(start: p, count: slash)
        call.target = slash < uri.count ? Bytes(start: p + slash, count: uri.count - slash) : RequestTarget.slash
    }

    /// Upper-case letters, `-` and `_` (HTTP methods as logged), at most 20.
    static func isMethod(_ m: Bytes) -> Bool {
        guard m.count <= 20 else { return false }
        for c in m where !((c >= 65 && c <= 90) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")) { return false }
        return true
    }

    /// `2019-12-04` + `21:02:31[.fff]`, UTC.
    static func millis(date: Bytes, time: Bytes) -> Int64? {
        guard date.count == 10, date[4] == UInt8(ascii: "-"), date[7] == UInt8(ascii: "-"),
              let year = Timestamps.digits(date, 0, 4), let month = Timestamps.digits(date, 5, 2),
              let day = Timestamps.digits(date, 8, 2),
              time.count >= 8, time[2] == UInt8(ascii: ":"), time[5] == UInt8(ascii: ":"),
              let hour = Timestamps.digits(time, 0, 2), let minute = Timestamps.digits(time, 3, 2),
              let second = Timestamps.digits(time, 6, 2)
        else { return nil }
        var i = 8
        let ms = Timestamps.fraction(time, &i)
        guard i == time.count else { return nil }
        return Timestamps.compose(year, month, day, hour, minute, second, ms, 0)
    }
}
