/// ModSecurity messages in the web server's error log — what most ModSecurity deployments have when
/// no audit log is configured:
///
/// - Apache (ModSecurity 2): `[Thu Sep 30 13:27:06.009964 2021] [:error] [pid 2560:tid 1404…] [client
///   ::1:37752] [client ::1] ModSecurity: Warning. Pattern match … [id "930100"] [msg "…"] [hostname
///   "localhost"] [uri "/"] [unique_id "YVW7KjiKxXlACWj0fjsbkgAAAEk"]`;
/// - NGINX (libmodsecurity 3): `2021/11/18 08:34:27 [info] 86596#86596: *1083 ModSecurity: Warning. …
///   [id "930100"] … [hostname "10.0.1.61"] [uri "/"] [unique_id "163722446755.059797"] [ref "…"],
///   client: 82.64.145.141, server: foobar.com, request: "GET /?foo=… HTTP/1.1", host: "foobar.com"`.
///
/// ModSecurity writes one line per rule that matched, so one request gives several lines that share a
/// `unique_id`, and the workers or threads of a busy server interleave the lines of concurrent
/// requests (A, B, A). The parser keeps up to `openLimit` transactions open at once, keyed by
/// `unique_id`: a line joins its transaction wherever it is (`.ignored`), a line of a new transaction
/// opens one, and when all are taken the least recently seen is returned as the record (one call) on
/// that line; `finish` returns the ones still open at the end of the input, one per call. A line
/// without a `unique_id` cannot be joined to anything and is a record of its own, returned at once.
/// Its WAF action is `block` when a message says `Access denied` (its code is the status, its rule the
/// deciding rule), else `detect` (its rule the first that matched). From the lines: time, client
/// address, host (NGINX `host:`, else ModSecurity's `[hostname]`), the request (NGINX `request:`,
/// else the path of `[uri]`, method unknown), unique id. Error-log lines without a ModSecurity
/// message are `.ignored`; lines that are not error-log lines are rejected as `malformed`.
///
/// Times are the error log's own, which Apache and NGINX write in the server's local time without an
/// offset: they are read as UTC (see docs/formats.md).
public struct ModSecurityErrorLogParser: LineParser {
    /// How many transactions are gathered at once: enough for the requests a server has in flight
    /// between two messages of one of them; the least recently seen is completed first.
    public static let openLimit = 16

    /// One open transaction and the buffer its ranges point into.
    private struct Slot {
        var buffer: OwnedBytes
        var transaction: Transaction
        /// When a line of it was last seen (a counter of lines with a ModSecurity message).
        var lastSeen: UInt64
    }

    private var slots: [Slot] = []
    /// Buffers of transactions completed by `finish`, for the next ones to reuse.
    private var spare: [OwnedBytes] = []
    /// The record handed out last: its buffer keeps the call's views valid until the next line.
    private var handedOut = OwnedBytes(capacity: 1024)
    private var clock: UInt64 = 0

    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard let p = line.baseAddress, line.count > 0 else { return .ignored }
        var n = line.count
        while n > 0, p[n - 1] == UInt8(ascii: " ") || p[n - 1] == UInt8(ascii: "\r") { n -= 1 }
        if n == 0 { return .ignored }
        let text = Bytes(start: p, count: n)
        guard let (time, afterTime) = Self.errorLogTime(text) else { return .rejected(.malformed) }
        guard let marker = Self.find(text, "ModSecurity: ", from: afterTime) else { return .ignored }
        var message = Message(time: time)
        message.read(text, marker: marker, prefixFrom: afterTime)
        clock &+= 1

        if message.uniqueId.isEmpty {
            // Nothing to join it to: a record of its own.
            let record = Self.start(message, text, in: handedOut)
            fill(&call, from: record, in: handedOut)
            return .call
        }
        let id = Bytes(rebasing: text[message.uniqueId])
        if let k = slots.firstIndex(where: { $0.transaction.uniqueId(in: $0.buffer).elementsEqual(id) }) {
            slots[k].transaction = Self.merge(message, text, into: slots[k].transaction, in: slots[k].buffer)
            slots[k].lastSeen = clock
            return .ignored
        }
        if slots.count < Self.openLimit {
            let buffer = spare.popLast() ?? OwnedBytes(capacity: 1024)
            slots.append(Slot(buffer: buffer, transaction: Self.start(message, text, in: buffer), lastSeen: clock))
            return .ignored
        }
        // All taken: the least recently seen transaction is complete; its slot takes the new one.
        let k = leastRecentlySeen()
        swap(&slots[k].buffer, &handedOut)
        let record = slots[k].transaction
        slots[k].transaction = Self.start(message, text, in: slots[k].buffer)
        slots[k].lastSeen = clock
        fill(&call, from: record, in: handedOut)
        return .call
    }

    /// The transactions still open, least recently seen first, one per call.
    public mutating func finish(into call: inout RawCall) -> LineOutcome? {
        guard !slots.isEmpty else { return nil }
        let slot = slots.remove(at: leastRecentlySeen())
        spare.append(handedOut)
        handedOut = slot.buffer
        fill(&call, from: slot.transaction, in: handedOut)
        return .call
    }

    private func leastRecentlySeen() -> Int {
        var oldest = 0
        for k in slots.indices where slots[k].lastSeen < slots[oldest].lastSeen { oldest = k }
        return oldest
    }

    // MARK: Transactions

    /// What one transaction has gathered: ranges into its buffer.
    private struct Transaction {
        var time: Int64?
        var uniqueId = 0..<0
        var client = 0..<0
        var host = 0..<0
        var requestLine = 0..<0
        var uri = 0..<0
        var rule = DecidingRule()
        var status: Int32 = -1
        var blocked = false

        func uniqueId(in buffer: OwnedBytes) -> Bytes { buffer.bytes(uniqueId) }
    }

    /// A transaction begun by `m`, its values copied into `buffer` (emptied first).
    private static func start(_ m: Message, _ line: Bytes, in buffer: OwnedBytes) -> Transaction {
        buffer.removeAll()
        var t = Transaction(time: m.time)
        t.uniqueId = keep(line, m.uniqueId, in: buffer)
        t.client = keep(line, m.client, in: buffer)
        t.host = keep(line, m.host, in: buffer)
        t.requestLine = keep(line, m.requestLine, in: buffer)
        t.uri = keep(line, m.uri, in: buffer)
        t.rule = DecidingRule(range: keep(line, m.rule, in: buffer), denies: m.denied)
        t.status = m.status
        t.blocked = m.denied
        return t
    }

    /// `t` with what `m` adds: the denial and its rule, and the values `t` did not have yet.
    private static func merge(_ m: Message, _ line: Bytes, into t: Transaction, in buffer: OwnedBytes) -> Transaction {
        var t = t
        if m.denied, !t.blocked {
            t.blocked = true
            t.status = m.status
        }
        if !m.rule.isEmpty, t.rule.isReplaced(byDenial: m.denied) {
            t.rule = DecidingRule(range: keep(line, m.rule, in: buffer), denies: m.denied)
        }
        if t.client.isEmpty { t.client = keep(line, m.client, in: buffer) }
        if t.host.isEmpty { t.host = keep(line, m.host, in: buffer) }
        if t.requestLine.isEmpty { t.requestLine = keep(line, m.requestLine, in: buffer) }
        if t.uri.isEmpty { t.uri = keep(line, m.uri, in: buffer) }
        if t.time == nil { t.time = m.time }
        return t
    }

    private static func keep(_ line: Bytes, _ range: Range<Int>, in buffer: OwnedBytes) -> Range<Int> {
        guard !range.isEmpty else { return 0..<0 }
        return buffer.append(Bytes(rebasing: line[range]), limit: buffer.count + 8192)
    }

    private func fill(_ call: inout RawCall, from t: Transaction, in buffer: OwnedBytes) {
        call.reset()
        let base = UnsafePointer(buffer.base)
        if !t.requestLine.isEmpty {
            CombinedLogParser.parseRequest(base, t.requestLine.lowerBound, t.requestLine.upperBound, &call)
        } else {
            call.target = buffer.bytes(t.uri)
            CustomFormatParser.checkRequest(&call)
        }
        call.timestampMillis = t.time ?? RawCall.unknownTime
        call.client = buffer.bytes(t.client)
        if !t.host.isEmpty {
            var e = t.host.upperBound
            CombinedLogParser.stripPort(base, t.host.lowerBound, &e)
            call.host = buffer.bytes(t.host.lowerBound..<e)
        }
        call.status = t.status
        call.requestId = buffer.bytes(t.uniqueId)
        call.wafAction = t.blocked ? WAFActionText.block : WAFActionText.detect
        call.wafRule = buffer.bytes(t.rule.range)
    }

    // MARK: One message line

    /// The fields of one ModSecurity message, as ranges into its line.
    private struct Message {
        var time: Int64?
        var uniqueId = 0..<0
        var client = 0..<0
        var host = 0..<0
        var requestLine = 0..<0
        var uri = 0..<0
        var rule = 0..<0
        var status: Int32 = -1
        var denied = false

        init(time: Int64?) { self.time = time }

        mutating func read(_ line: Bytes, marker: Int, prefixFrom: Int) {
            let body = marker + 13  // after "ModSecurity: "
            if let code = ModSecurityRuleMessages.denial(line, at: body) {
                denied = true
                status = code
            }
            rule = ModSecurityRuleMessages.ruleId(line, from: body) ?? 0..<0
            // `[client X]` before the message (the last one: Apache 2.4 logs the address with its port,
            // ModSecurity then adds it without).
            var i = prefixFrom
            while let open = ModSecurityErrorLogParser.find(line, "[client ", from: i), open < marker {
                var e = open + 8
                while e < marker, line[e] != UInt8(ascii: "]") { e += 1 }
                client = (open + 8)..<e
                i = e
            }
            if !client.isEmpty { client = ModSecurityErrorLogParser.withoutPort(line, client) }
            // `[name "value"]` tags after it.
            i = body
            while let open = ModSecurityErrorLogParser.find(line, "[", from: i) {
                var k = open + 1
                while k < line.count, line[k] != UInt8(ascii: " "), line[k] != UInt8(ascii: "]") { k += 1 }
                guard k + 1 < line.count, line[k] == UInt8(ascii: " "), line[k + 1] == UInt8(ascii: "\"") else { i = open + 1; continue }
                let vs = k + 2
                guard let ve = line.baseAddress.flatMap({ CombinedLogParser.closingQuote($0, vs, line.count) }) else { break }
                let name = Bytes(rebasing: line[(open + 1)..<k])
                let value = vs..<ve
                if name.elementsEqual("hostname".utf8) {
                    host = value
                } else if name.elementsEqual("uri".utf8) {
                    uri = value
                } else if name.elementsEqual("unique_id".utf8) {
                    uniqueId = value
                }
                i = ve + 1
            }
            // NGINX's own `, client: …, server: …, request: "…", host: "…"` after the message.
            if let tail = ModSecurityErrorLogParser.findLast(line, ", client: ", after: body) {
                var j = tail + 2
                while j < line.count {
                    var colon = j
                    while colon < line.count, line[colon] != UInt8(ascii: ":") { colon += 1 }
                    guard colon + 2 <= line.count else { break }
                    let key = Bytes(rebasing: line[j..<colon])
                    var vs = colon + 2, ve = vs
                    if vs < line.count, line[vs] == UInt8(ascii: "\"") {
                        vs += 1
                        ve = line.baseAddress.flatMap { CombinedLogParser.closingQuote($0, vs, line.count) } ?? line.count
                    } else {
                        while ve < line.count, line[ve] != UInt8(ascii: ",") { ve += 1 }
                    }
                    if key.elementsEqual("client".utf8) {
                        client = vs..<ve
                    } else if key.elementsEqual("request".utf8) {
                        requestLine = vs..<ve
                    } else if key.elementsEqual("host".utf8) {
                        host = vs..<ve
                    }
                    j = ve
                    while j < line.count, line[j] == UInt8(ascii: "\"") || line[j] == UInt8(ascii: ",") || line[j] == UInt8(ascii: " ") { j += 1 }
                }
            }
        }
    }

    // MARK: Pieces

    /// The time an error-log line starts with, and where the rest begins: Apache
    /// `[Thu Sep 30 13:27:06.009964 2021]` or NGINX `2021/11/18 08:34:27`. Both are the server's local
    /// time with no zone in the line: they are read as UTC (docs/formats.md says so).
    static func errorLogTime(_ line: Bytes) -> (Int64?, Int)? {
        let n = line.count
        if n > 26, line[0] == UInt8(ascii: "["), line[4] == UInt8(ascii: " "), line[8] == UInt8(ascii: " "),
           let month = Timestamps.month(line[5], line[6], line[7]) {
            var close = 9
            while close < min(n, 40), line[close] != UInt8(ascii: "]") { close += 1 }
            // The bracket must close within the date's longest form, else the year read below is not one.
            guard close < n, line[close] == UInt8(ascii: "]"), close >= 25 else { return nil }
            // dd hh:mm:ss[.frac] yyyy
            let day = Timestamps.digits(line, 9, 2) ?? (line[9] == UInt8(ascii: " ") ? Timestamps.digits(line, 10, 1) : nil)
            guard let day, line[11] == UInt8(ascii: " "), let h = Timestamps.digits(line, 12, 2), line[14] == UInt8(ascii: ":"),
                  let mi = Timestamps.digits(line, 15, 2), line[17] == UInt8(ascii: ":"), let s = Timestamps.digits(line, 18, 2),
                  let year = Timestamps.digits(line, close - 4, 4), line[close - 5] == UInt8(ascii: " ") else { return nil }
            var i = 20
            let ms = Timestamps.fraction(line, &i)
            return (Timestamps.compose(year, month, day, h, mi, s, ms, 0), close + 1)
        }
        if n > 20, line[4] == UInt8(ascii: "/"), line[7] == UInt8(ascii: "/"), line[10] == UInt8(ascii: " "),
           line[19] == UInt8(ascii: " "), line[20] == UInt8(ascii: "[") {
            guard let t = ModSecurityNativeParser.time(Bytes(rebasing: line[0..<19])) else { return nil }
            return (t, 19)
        }
        return nil
    }

    /// `1.2.3.4:5678` → `1.2.3.4`; IPv6 addresses are left as they are (their port cannot be told apart).
    static func withoutPort(_ line: Bytes, _ r: Range<Int>) -> Range<Int> {
        var colons = 0, lastColon = -1
        for i in r where line[i] == UInt8(ascii: ":") { colons += 1; lastColon = i }
        return colons == 1 ? r.lowerBound..<lastColon : r
    }

    static func find(_ line: Bytes, _ word: StaticString, from: Int) -> Int? {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        var i = max(from, 0)
        while i + n <= line.count {
            if line[i] == w[0] {
                var k = 1
                while k < n, line[i + k] == w[k] { k += 1 }
                if k == n { return i }
            }
            i += 1
        }
        return nil
    }

    static func findLast(_ line: Bytes, _ word: StaticString, after: Int) -> Int? {
        var found: Int?
        var i = after
        while let at = find(line, word, from: i) { found = at; i = at + 1 }
        return found
    }

    static func hasPrefix(_ line: Bytes, at i: Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= line.count else { return false }
        let w = word.utf8Start
        for k in 0..<n where line[i + k] != w[k] { return false }
        return true
    }
}

extension FormatDescriptor {
    public static let modsecurityErrorLog = FormatDescriptor(
        format: .modsecurityErrorLog, title: "ModSecurity messages in the Apache / NGINX error log", defaultRole: .waf,
        yields: [.timestamp, .client, .host, .method, .target, .httpVersion, .status, .wafAction, .wafRule, .requestId],
        example: #"2026/10/10 13:55:36 [error] 812#812: *1083 [client 203.0.113.7] ModSecurity: Access denied with code 403 (phase 2). Matched "Operator `Ge' with parameter `5' against variable `TX:ANOMALY_SCORE' (Value: `10' ) [file "/etc/crs/REQUEST-949-BLOCKING-EVALUATION.conf"] [line "80"] [id "949110"] [msg "Inbound Anomaly Score Exceeded (Total Score: 10)"] [hostname "10.0.0.2"] [uri "/api/v1/users/42"] [unique_id "179164053625.871052"], client: 203.0.113.7, server: api.example.com, request: "GET /api/v1/users/42?id=1%27 HTTP/1.1", host: "api.example.com""#,
        readsSequentially: true, specificity: 5, makeParser: { _ in ModSecurityErrorLogParser() })
}
