/// ModSecurity (v2 and libmodsecurity v3) and Coraza native audit log, as `SecAuditLogType Serial`
/// writes it (and each file of `Concurrent` / `Parallel` logging holds): one record per transaction,
/// over many lines, in parts introduced by boundaries:
///
/// ```
/// --c7036611-A--                                  v2: --ID-A--, v3: ---ID---A--, Coraza: --ID-A--
/// [23/Nov/2026:12:00:00 +0000] YVW7KjiK… 203.0.113.7 51234 10.0.0.2 443
/// --c7036611-B--
/// GET /api/v1/users/42?expand=orders HTTP/1.1     request line, then request headers
/// Host: api.example.com
/// Authorization: Bearer …
///
/// --c7036611-F--
/// HTTP/1.1 403 Forbidden                          response status line, then response headers
/// Content-Length: 199
///
/// --c7036611-H--
/// Message: Access denied with code 403 (phase 2). … [id "942100"] [msg "SQL Injection Attack …"]
/// Action: Intercepted (phase 2)
/// Stopwatch: 1466777977066138 2366 (- - -)
///
/// --c7036611-Z--
/// ```
///
/// The parser accumulates a record across lines, copying what it needs into its own buffer (a line's
/// bytes are only valid while it is parsed): every line of a record is `.ignored` and the record is
/// returned as one `.call` at its `Z` boundary. From part A: time, client address, unique id; B: method,
/// target, version, `Host`, `User-Agent`, `Referer`, `Authorization`, `Cookie`, API-key headers,
/// `Content-Type`, `X-Forwarded-For`, `X-Request-ID`; F: status and `Content-Length`; H: the WAF
/// action — `block` when the transaction was intercepted (`Action: Intercepted`, or an `Access
/// denied` message as v3 and Coraza write it), `detect` when rules matched without blocking, `pass`
/// when none did — the deciding rule's id (the one that denied access, else the first that matched)
/// and the `Stopwatch` duration. Bodies (C, E, I) and other parts are skipped.
///
/// A record with no request line (part B not logged) is rejected as `missing_field` at its `Z`; a
/// record cut short by the next record's `A` boundary is rejected as `malformed` on that line; lines
/// outside any record that are not blank are rejected as `malformed`; a record still open at the end
/// of the input (a log being written, a truncated file) is rejected as `malformed` by `finish`.
public struct ModSecurityNativeParser: LineParser {
    private let buffer = OwnedBytes(capacity: 4096)
    private var state = RecordState()
    /// The boundary id of the open record (a copy: boundaries must match across lines).
    private var boundary: [UInt8] = []
    private var inRecord = false
    private var part: UInt8 = 0
    /// Lines read in the current part (the first line of B and F is special).
    private var partLine = 0

    /// The most a record keeps of any one header value, and of all together.
    static let valueLimit = 8 << 10
    static let recordLimit = 256 << 10

    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        var n = line.count
        guard let p = line.baseAddress else { return .ignored }
        while n > 0, p[n - 1] == UInt8(ascii: "\r") || p[n - 1] == UInt8(ascii: " ") { n -= 1 }
        if n >= 6, p[0] == dash, p[1] == dash, let (id, letter) = Self.boundary(p, n) {
            if letter == UInt8(ascii: "A") {
                let cut = inRecord
                startRecord(id)
                part = letter
                return cut ? .rejected(.malformed) : .ignored
            }
            if inRecord, id.elementsEqual(boundary) {
                if letter == UInt8(ascii: "Z") {
                    inRecord = false
                    return finish(&call)
                }
                part = letter
                partLine = 0
                return .ignored
            }
            // A boundary of no open record: it is body text only inside a record.
            if !inRecord { return .rejected(.malformed) }
        }
        guard inRecord else { return n == 0 ? .ignored : .rejected(.malformed) }
        let content = Bytes(start: p, count: n)
        switch part {
        case UInt8(ascii: "A"): if partLine == 0, n > 0 { readHeader(content) }
        case UInt8(ascii: "B"): readRequest(content)
        case UInt8(ascii: "F"): readResponse(content)
        case UInt8(ascii: "H"): readTrailer(content)
        default: break
        }
        if n > 0 { partLine += 1 }
        return .ignored
    }

    public mutating func finish(into call: inout RawCall) -> LineOutcome? {
        guard inRecord else { return nil }
        inRecord = false
        return .rejected(.malformed)
    }

    // MARK: Parts

    private mutating func startRecord(_ id: Bytes) {
        boundary.removeAll(keepingCapacity: true)
        boundary.append(contentsOf: id)
        buffer.removeAll()
        state = RecordState()
        inRecord = true
        partLine = 0
    }

    /// `[time] unique_id client client_port server server_port`.
    private mutating func readHeader(_ line: Bytes) {
        guard let p = line.baseAddress, line.count > 2, p[0] == UInt8(ascii: "[") else { return }
        var close = 1
        while close < line.count, p[close] != UInt8(ascii: "]") { close += 1 }
        guard close < line.count else { return }
        state.timestampMillis = Self.time(Bytes(start: p + 1, count: close - 1))
        var tokens: [Range<Int>] = []
        var i = close + 1
        while i < line.count, tokens.count < 5 {
            while i < line.count, p[i] == UInt8(ascii: " ") { i += 1 }
            let s = i
            while i < line.count, p[i] != UInt8(ascii: " ") { i += 1 }
            if i > s { tokens.append(s..<i) }
        }
        if tokens.count >= 1 { state.uniqueId = keep(line, tokens[0]) }
        if tokens.count >= 2 { state.client = keep(line, tokens[1]) }
    }

    /// The request line, then `Name: value` headers.
    private mutating func readRequest(_ line: Bytes) {
        guard line.count > 0 else { return }
        if partLine == 0 {
            state.requestLine = keep(line, 0..<line.count)
            return
        }
        guard let (name, value) = Self.header(line) else { return }
        switch Self.headerName(line, name) {
        case .host: if state.host.isEmpty { state.host = keep(line, value) }
        case .userAgent: if state.userAgent.isEmpty { state.userAgent = keep(line, value) }
        case .referrer: if state.referrer.isEmpty { state.referrer = keep(line, value) }
        case .authorization: if state.authorization.isEmpty { state.authorization = keep(line, value) }
        case .cookie: if state.cookie.isEmpty { state.cookie = keep(line, value) }
        case .apiKey: if state.apiKey.isEmpty { state.apiKey = keep(line, value) }
        case .contentType: if state.contentType.isEmpty { state.contentType = keep(line, value) }
        case .forwardedFor: if state.forwardedFor.isEmpty { state.forwardedFor = keep(line, value) }
        case .requestId: if state.requestIdHeader.isEmpty { state.requestIdHeader = keep(line, value) }
        case .contentLength, .other: break
        }
    }

    /// `HTTP/1.1 403 Forbidden` (v3: `HTTP/1.1 403`), then response headers.
    private mutating func readResponse(_ line: Bytes) {
        guard let p = line.baseAddress, line.count > 0 else { return }
        if partLine == 0 {
            var i = 0
            while i < line.count, p[i] != UInt8(ascii: " ") { i += 1 }
            i += 1
            if i + 3 <= line.count, i + 3 == line.count || p[i + 3] == UInt8(ascii: " "),
               let a = Self.digit(p[i]), let b = Self.digit(p[i + 1]), let c = Self.digit(p[i + 2]) {
                state.status = Int32(a * 100 + b * 10 + c)
            }
            return
        }
        guard let (name, value) = Self.header(line), Self.headerName(line, name) == .contentLength else { return }
        if let v = CustomFormatParser.integer(p, value.lowerBound, value.upperBound) { state.responseBytes = v }
    }

    /// Rule messages, `Action: Intercepted`, `Stopwatch: start duration …`.
    private mutating func readTrailer(_ line: Bytes) {
        guard let p = line.baseAddress, line.count > 0 else { return }
        if Self.hasPrefix(line, "Action: Intercepted") {
            state.intercepted = true
            return
        }
        if Self.hasPrefix(line, "Stopwatch: ") {
            // Stopwatch: 1466777977066138 2366 (- - -)
            var i = 11
            while i < line.count, p[i] != UInt8(ascii: " ") { i += 1 }
            let s = i + 1
            var e = s
            while e < line.count, Self.digit(p[e]) != nil { e += 1 }
            if let v = CustomFormatParser.integer(p, s, e) { state.durationMicros = v }
            return
        }
        guard let id = ModSecurityRuleMessages.ruleId(line) else { return }
        state.matched = true
        let denies = ModSecurityRuleMessages.containsDenial(line)
        if denies { state.intercepted = true }
        if state.rule.isReplaced(byDenial: denies) { state.rule = DecidingRule(range: keep(line, id), denies: denies) }
    }

    // MARK: The record

    private mutating func finish(_ call: inout RawCall) -> LineOutcome {
        guard !state.requestLine.isEmpty else { return .rejected(.missingField) }
        let b = buffer
        CombinedLogParser.parseRequest(UnsafePointer(b.base), state.requestLine.lowerBound, state.requestLine.upperBound, &call)
        call.timestampMillis = state.timestampMillis ?? RawCall.unknownTime
        call.client = b.bytes(state.client)
        call.status = state.status
        call.responseBytes = state.responseBytes
        call.durationMicros = state.durationMicros
        if !state.host.isEmpty {
            var e = state.host.upperBound
            CombinedLogParser.stripPort(UnsafePointer(b.base), state.host.lowerBound, &e)
            call.host = b.bytes(state.host.lowerBound..<e)
        }
        call.userAgent = b.bytes(state.userAgent)
        call.referrer = b.bytes(state.referrer)
        call.authorization = b.bytes(state.authorization)
        call.cookie = b.bytes(state.cookie)
        call.apiKey = b.bytes(state.apiKey)
        call.contentType = b.bytes(state.contentType)
        call.forwardedFor = b.bytes(state.forwardedFor)
        call.requestId = b.bytes(state.requestIdHeader.isEmpty ? state.uniqueId : state.requestIdHeader)
        call.wafAction = state.intercepted ? WAFActionText.block : (state.matched ? WAFActionText.detect : WAFActionText.pass)
        call.wafRule = b.bytes(state.rule.range)
        return .call
    }

    /// Copies `range` of `line` into the record's buffer.
    private func keep(_ line: Bytes, _ range: Range<Int>) -> Range<Int> {
        let room = Self.recordLimit - buffer.count
        guard room > 0, !range.isEmpty else { return 0..<0 }
        let n = min(range.count, Self.valueLimit, room)
        return buffer.append(Bytes(start: line.baseAddress! + range.lowerBound, count: n))
    }

    // MARK: Pieces

    /// `--ID-X--` (v2, Coraza) or `---ID---X--` (v3): the id and the part letter.
    static func boundary(_ p: UnsafePointer<UInt8>, _ n: Int) -> (Bytes, UInt8)? {
        guard p[n - 1] == dash, p[n - 2] == dash else { return nil }
        let letter = p[n - 3]
        guard letter >= UInt8(ascii: "A"), letter <= UInt8(ascii: "Z"), p[n - 4] == dash else { return nil }
        var idEnd = n - 4
        var dashes = 0
        while idEnd > 0, p[idEnd] == dash, dashes < 3 { idEnd -= 1; dashes += 1 }
        var idStart = 2
        if p[idStart] == dash { idStart += 1 }
        guard idEnd >= idStart else { return nil }
        for i in idStart...idEnd {
            let c = p[i]
            guard (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) else { return nil }
        }
        return (Bytes(start: p + idStart, count: idEnd - idStart + 1), letter)
    }

    /// `Name: value` → the ranges of name and value.
    static func header(_ line: Bytes) -> (name: Range<Int>, value: Range<Int>)? {
        guard let p = line.baseAddress else { return nil }
        var colon = 0
        while colon < line.count, p[colon] != UInt8(ascii: ":") {
            if p[colon] == UInt8(ascii: " ") { return nil }
            colon += 1
        }
        guard colon > 0, colon < line.count else { return nil }
        var v = colon + 1
        while v < line.count, p[v] == UInt8(ascii: " ") || p[v] == UInt8(ascii: "\t") { v += 1 }
        return (0..<colon, v..<line.count)
    }

    enum Header { case host, userAgent, referrer, authorization, cookie, apiKey, contentType, forwardedFor, requestId, contentLength, other }

    static func headerName(_ line: Bytes, _ r: Range<Int>) -> Header {
        let name = Bytes(rebasing: line[r])
        func `is`(_ s: StaticString) -> Bool {
            guard name.count == s.utf8CodeUnitCount else { return false }
            let w = s.utf8Start
            for k in 0..<name.count where name[k] | 0x20 != w[k] | 0x20 { return false }
            return true
        }
        switch name.count {
        case 4: return `is`("host") ? .host : .other
        case 6: return `is`("cookie") ? .cookie : (`is`("apikey") ? .apiKey : .other)
        case 7: return `is`("referer") ? .referrer : (`is`("api-key") ? .apiKey : .other)
        case 9: return `is`("x-api-key") ? .apiKey : .other
        case 10: return `is`("user-agent") ? .userAgent : .other
        case 12: return `is`("content-type") ? .contentType : (`is`("x-request-id") ? .requestId : .other)
        case 13: return `is`("authorization") ? .authorization : .other
        case 14: return `is`("content-length") ? .contentLength : .other
        case 15: return `is`("x-forwarded-for") ? .forwardedFor : .other
        default: return .other
        }
    }

    /// Part A's time: `23/Nov/2026:12:00:00 +0000` (ModSecurity, optionally with a fraction), or what
    /// `Timestamps.anyMillis` reads, or `2026/11/23 12:00:00[.frac]` (some Coraza builds).
    static func time(_ t: Bytes) -> Int64? {
        if let ms = Timestamps.anyMillis(t) { return ms }
        guard t.count >= 19, t[4] == UInt8(ascii: "/"), t[7] == UInt8(ascii: "/"),
              let y = Timestamps.digits(t, 0, 4), let mo = Timestamps.digits(t, 5, 2), let d = Timestamps.digits(t, 8, 2),
              t[10] == UInt8(ascii: " "), let h = Timestamps.digits(t, 11, 2), let mi = Timestamps.digits(t, 14, 2),
              let s = Timestamps.digits(t, 17, 2) else { return nil }
        var i = 19
        let ms = Timestamps.fraction(t, &i)
        return Timestamps.compose(y, mo, d, h, mi, s, ms, 0)
    }

    static func hasPrefix(_ line: Bytes, _ prefix: StaticString) -> Bool {
        CustomFormatParser.hasPrefix(line, prefix)
    }

    @inline(__always) static func digit(_ c: UInt8) -> Int? {
        let d = c &- 48
        return d < 10 ? Int(d) : nil
    }
}

/// What one record has gathered so far: ranges into the parser's buffer.
private struct RecordState {
    var timestampMillis: Int64?
    var uniqueId = 0..<0
    var client = 0..<0
    var requestLine = 0..<0
    var host = 0..<0
    var userAgent = 0..<0
    var referrer = 0..<0
    var authorization = 0..<0
    var cookie = 0..<0
    var apiKey = 0..<0
    var contentType = 0..<0
    var forwardedFor = 0..<0
    var requestIdHeader = 0..<0
    var status: Int32 = -1
    var responseBytes: Int64 = -1
    var durationMicros: Int64 = -1
    var intercepted = false
    var matched = false
    var rule = DecidingRule()
}

/// The WAF actions this format reports, as static bytes.
enum WAFActionText {
    nonisolated(unsafe) static let block = CallAggregator.staticBytes("block")
    nonisolated(unsafe) static let detect = CallAggregator.staticBytes("detect")
    nonisolated(unsafe) static let pass = CallAggregator.staticBytes("pass")
}

extension FormatDescriptor {
    public static let modsecurityNative = FormatDescriptor(
        format: .modsecurityNative, title: "ModSecurity / Coraza native audit log (Serial)", defaultRole: .waf,
        yields: CallField.combinedFields.subtracting([.user]).union([
            .host, .duration, .wafAction, .wafRule, .requestId, .authorization, .cookie, .apiKey, .contentType, .forwardedFor,
        ]),
        example: ModSecurityNativeParser.example, readsSequentially: true, specificity: 5,
        makeParser: { _ in ModSecurityNativeParser() })
}

extension ModSecurityNativeParser {
    /// One record (several lines), as `apicensus formats` shows it.
    public static let example = """
        --c7036611-A--
        [10/Oct/2026:13:55:36 +0000] aGkT2H8AAQEAAEb1fYQAAAAB 203.0.113.7 51234 10.0.0.2 443
        --c7036611-B--
        GET /api/v1/users/42?id=1%27%20or%201=1 HTTP/1.1
        Host: api.example.com
        User-Agent: curl/8.5.0

        --c7036611-F--
        HTTP/1.1 403 Forbidden
        Content-Length: 199

        --c7036611-H--
        Message: Access denied with code 403 (phase 2). detected SQLi using libinjection. [id "942100"] [msg "SQL Injection Attack Detected via libinjection"]
        Action: Intercepted (phase 2)
        Stopwatch: 1791640536000000 2366 (- - -)

        --c7036611-Z--
        """
}

@inline(__always) private var dash: UInt8 { UInt8(ascii: "-") }
