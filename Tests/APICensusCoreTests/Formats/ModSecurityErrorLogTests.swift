import Testing
@testable import APICensusCore

@Suite struct ModSecurityErrorLogTests {
    /// Apache 2.4 + ModSecurity 2: three messages of one transaction (the deny in the middle), then
    /// another transaction, with an unrelated error-log line between.
    static let apache = """
        [Thu Sep 30 13:27:06.009964 2026] [:error] [pid 2560:tid 140496349419264] [client 192.0.2.7:37752] [client 192.0.2.7] ModSecurity: Warning. Pattern match "(?i)(?:[2aq]f|5c)" at REQUEST_URI_RAW. [file "/usr/share/modsecurity-crs/rules/REQUEST-930-APPLICATION-ATTACK-LFI.conf"] [line "47"] [id "930100"] [msg "Path Traversal Attack (/../)"] [data "Matched Data: /../ found within REQUEST_URI_RAW: /?a=../../etc/passwd"] [severity "CRITICAL"] [hostname "shop.example"] [uri "/files/report.pdf"] [unique_id "YVW7KjiKxXlACWj0fjsbkgAAAEk"]
        [Thu Sep 30 13:27:06.010524 2026] [:error] [pid 2560:tid 140496349419264] [client 192.0.2.7:37752] [client 192.0.2.7] ModSecurity: Access denied with code 403 (phase 2). Operator GE matched 5 at TX:anomaly_score. [file "/usr/share/modsecurity-crs/rules/REQUEST-949-BLOCKING-EVALUATION.conf"] [line "93"] [id "949110"] [msg "Inbound Anomaly Score Exceeded (Total Score: 10)"] [hostname "shop.example"] [uri "/files/report.pdf"] [unique_id "YVW7KjiKxXlACWj0fjsbkgAAAEk"]
        [Thu Sep 30 13:27:06.010641 2026] [core:error] [pid 2560:tid 140496349419264] [client 192.0.2.7:37752] AH00128: File does not exist: /var/www/html/favicon.ico
        [Thu Sep 30 13:27:06.010700 2026] [:error] [pid 2560:tid 140496349419264] [client 192.0.2.7:37752] [client 192.0.2.7] ModSecurity: Warning. Operator GE matched 5 at TX:inbound_anomaly_score. [file "/usr/share/modsecurity-crs/rules/RESPONSE-980-CORRELATION.conf"] [line "86"] [id "980130"] [msg "Inbound Anomaly Score Exceeded"] [hostname "shop.example"] [uri "/files/report.pdf"] [unique_id "YVW7KjiKxXlACWj0fjsbkgAAAEk"]
        [Fri Oct  2 04:48:20.094249 2026] [:error] [pid 12:tid 99] [client 2001:db8::5] ModSecurity: Warning. Matched phrase ".git/" at REQUEST_FILENAME. [id "930130"] [msg "Restricted File Access Attempt"] [hostname "www.example.com"] [uri "/.git/config"] [unique_id "ZmwR5AebAO5-Tfs4FnXWuwAAigg"]
        """

    /// NGINX + libmodsecurity 3: the request is logged whole after the message.
    static let nginx = """
        2026/11/18 08:34:27 [info] 86596#86596: *1083 ModSecurity: Warning. Matched "Operator `Rx' with parameter `(?i)(?:\\x5c)' against variable `REQUEST_URI_RAW' (Value: `/?foo=../../etc/passwd' ) [file "/etc/crs/REQUEST-930-APPLICATION-ATTACK-LFI.conf"] [line "29"] [id "930100"] [rev ""] [msg "Path Traversal Attack (/../)"] [hostname "10.0.1.61"] [uri "/"] [unique_id "163722446755.059797"] [ref "o8,4v4,40"], client: 82.64.145.141, server: foobar.com, request: "GET /?foo=../../etc/passwd HTTP/1.1", host: "foobar.com"
        2026/11/18 08:34:27 [info] 86596#86596: *1083 ModSecurity: Warning. Matched "Operator `PmFromFile' with parameter `lfi-os-files.data' against variable `ARGS:foo' [id "930120"] [hostname "10.0.1.61"] [uri "/"] [unique_id "163722446755.059797"], client: 82.64.145.141, server: foobar.com, request: "GET /?foo=../../etc/passwd HTTP/1.1", host: "foobar.com"
        2026/12/26 12:36:51 [error] 1048#1048: *2 [client 161.97.102.240] ModSecurity: Access denied with code 403 (phase 2). Matched "Operator `Ge' with parameter `5' against variable `TX:ANOMALY_SCORE' (Value: `10' ) [id "949110"] [hostname "192.168.0.1"] [uri "/"] [unique_id "1640518611"], client: 161.97.102.240, server: _, request: "POST /api/login?next=%2F HTTP/2.0", host: "api.example.com:8443", referrer: "https://x.example/"
        """

    /// Every line through one parser, then `finish` until it has nothing left: the records in the
    /// order they were handed out, and each line's outcome.
    func parse(_ text: String) -> (records: [RecordedCall], outcomes: [LineOutcome]) {
        var p = ModSecurityErrorLogParser()
        var (records, outcomes) = p.records(text)
        var call = RawCall()
        while let outcome = p.finish(into: &call) { records.append(RecordedCall(outcome, call)) }
        return (records, outcomes)
    }

    @Test func apacheMessagesOfOneTransactionAreOneCall() {
        let (records, outcomes) = parse(Self.apache)
        // Both transactions stay open until the end of the input, then come out oldest first.
        #expect(outcomes == [.ignored, .ignored, .ignored, .ignored, .ignored])
        #expect(records.count == 2)
        let t = records[0]
        #expect(t.outcome == .call && t.wafAction == "block" && t.wafRule == "949110" && t.status == 403)
        #expect(t.client == "192.0.2.7" && t.host == "shop.example" && t.target == "/files/report.pdf" && t.method == "" && t.valid)
        #expect(t.requestId == "YVW7KjiKxXlACWj0fjsbkgAAAEk" && t.time == utcMillis(2026, 9, 30, 13, 27, 6, 9))
        let last = records[1]
        #expect(last.outcome == .call && last.wafAction == "detect" && last.wafRule == "930130" && last.status == -1)
        #expect(last.client == "2001:db8::5" && last.target == "/.git/config" && last.time == utcMillis(2026, 10, 2, 4, 48, 20, 94))
    }

    @Test func nginxMessagesCarryTheWholeRequest() {
        let (records, _) = parse(Self.nginx)
        #expect(records.count == 2)
        let first = records[0], last = records[1]
        #expect(first.method == "GET" && first.target == "/?foo=../../etc/passwd" && first.host == "foobar.com")
        #expect(first.client == "82.64.145.141" && first.wafAction == "detect" && first.wafRule == "930100")
        #expect(first.time == utcMillis(2026, 11, 18, 8, 34, 27))
        #expect(last.method == "POST" && last.target == "/api/login?next=%2F" && last.version == "HTTP/2.0")
        #expect(last.host == "api.example.com" && last.status == 403 && last.wafAction == "block" && last.requestId == "1640518611")
    }

    /// An NGINX message of transaction `id` for `uri`, rule `rule`; `deny` makes it the blocking one.
    static func message(_ id: String, _ uri: String, rule: String, deny: Bool = false, second: Int = 27) -> String {
        let verdict = deny ? "Access denied with code 403 (phase 2)." : "Warning."
        return "2026/11/18 08:34:\(second) [error] 86596#86596: *1 [client 198.51.100.9] ModSecurity: \(verdict) Matched [id \"\(rule)\"] [hostname \"10.0.1.61\"] [uri \"\(uri)\"] [unique_id \"\(id)\"], client: 198.51.100.9, server: api.example.com, request: \"GET \(uri) HTTP/1.1\", host: \"api.example.com\""
    }

    @Test func interleavedTransactionsAreOneCallEach() {
        // Two requests in flight: A, B, A (A's deny comes after B's message), then B again.
        let text = [Self.message("A1", "/a", rule: "930100"), Self.message("B2", "/b", rule: "941100"),
                    Self.message("A1", "/a", rule: "949110", deny: true), Self.message("B2", "/b", rule: "942100")].joined(separator: "\n")
        let (records, outcomes) = parse(text)
        #expect(outcomes == [.ignored, .ignored, .ignored, .ignored])
        #expect(records.map(\.target) == ["/a", "/b"])
        #expect(records[0].wafAction == "block" && records[0].wafRule == "949110" && records[0].status == 403)
        #expect(records[1].wafAction == "detect" && records[1].wafRule == "941100" && records[1].status == -1)
        // Through the aggregator: four lines, two calls, nothing left as ignored.
        var aggregator = CallAggregator()
        var p = ModSecurityErrorLogParser()
        let bytes = Array((text + "\n").utf8)
        bytes.withUnsafeBufferPointer { _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: 0, firstLine: 0, startOffset: 0, parser: &p) }
        aggregator.finish(&p, input: 0, at: LineLocation(input: 0, chunk: 0, lineInChunk: 3, byteOffset: Int64(bytes.count)))
        let c = aggregator.snapshot().files[0]!
        #expect(c.lines == 4 && c.parsed == 2 && c.ignored == 2 && c.rejected == 0)
    }

    @Test func theLeastRecentlySeenTransactionIsCompletedWhenAllAreOpen() {
        let limit = ModSecurityErrorLogParser.openLimit
        // `limit` transactions open; the first one gets a second message, so the second one is the
        // least recently seen when one more transaction starts.
        var lines = (0..<limit).map { Self.message("T\($0)", "/t/\($0)", rule: "930100") }
        lines.append(Self.message("T0", "/t/0", rule: "949110", deny: true))
        lines.append(Self.message("T\(limit)", "/t/\(limit)", rule: "930100"))
        let (records, outcomes) = parse(lines.joined(separator: "\n"))
        #expect(outcomes.filter { $0 == .call }.count == 1 && outcomes.last == .call)
        #expect(records.count == limit + 1)
        #expect(records.first?.target == "/t/1")
        #expect(Set(records.map(\.target)) == Set((0...limit).map { "/t/\($0)" }))
        #expect(records.first { $0.target == "/t/0" }?.wafAction == "block")
    }

    @Test func messagesWithoutAUniqueIdAreRecordsOfTheirOwn() {
        let line = #"[Thu Sep 30 13:27:06.009964 2026] [:error] [pid 1] [client 192.0.2.7] ModSecurity: Warning. Pattern match [id "930100"] [hostname "shop.example"] [uri "/x"]"#
        let (records, outcomes) = parse(line + "\n" + line)
        #expect(outcomes == [.call, .call])
        #expect(records.count == 2 && records.allSatisfy { $0.target == "/x" && $0.wafRule == "930100" })
    }

    @Test func anApacheDateMustCloseItsBracket() {
        var p = ModSecurityErrorLogParser()
        // No `]` within the date's longest form: the "year" would be read from the message.
        let unclosed = "[Thu Sep 30 13:27:06.009964 2026 [:error] [pid 1] [client 192.0.2.7] ModSecurity: Warning. [id \"1\"] [uri \"/x\"]"
        #expect(p.record(unclosed).outcome == .rejected(.malformed))
        let closed = "[Thu Sep 30 13:27:06.009964 2026] [:error] [pid 1] [client 192.0.2.7] ModSecurity: Warning. [id \"1\"] [uri \"/x\"]"
        #expect(p.record(closed).outcome == .call)
    }

    /// An NGINX and an Apache error log with no ModSecurity message in them.
    static let plainErrorLog = """
        2026/11/18 08:34:27 [notice] 1#1: using the "epoll" event method
        2026/11/18 08:34:27 [notice] 1#1: nginx/1.25.3
        2026/11/18 08:34:27 [notice] 1#1: start worker processes
        2026/11/18 08:35:02 [error] 29#29: *1 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 172.17.0.1, server: localhost, request: "GET /favicon.ico HTTP/1.1", host: "localhost:8080"
        2026/11/18 08:36:10 [warn] 29#29: *4 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream, client: 172.17.0.1, server: localhost, request: "GET /big HTTP/1.1", upstream: "http://10.0.0.5:8080/big", host: "localhost:8080"
        [Thu Sep 30 13:27:06.010641 2026] [core:error] [pid 2560:tid 140496349419264] [client 192.0.2.7:37752] AH00128: File does not exist: /var/www/html/favicon.ico
        [Thu Sep 30 13:27:07.000001 2026] [mpm_event:notice] [pid 1:tid 140] AH00489: Apache/2.4.58 (Unix) configured -- resuming normal operations
        """

    @Test func aPlainErrorLogIsNotAModSecurityLog() {
        let d = detectSample(Self.plainErrorLog + "\n")
        #expect(d == nil, "detected as \(String(describing: d))")
        // The same log with one ModSecurity transaction in it is one.
        let withOne = detectSample(Self.plainErrorLog + "\n" + Self.message("Z9", "/z", rule: "930100") + "\n")
        #expect(withOne?.format == .modsecurityErrorLog)
    }

    @Test func otherLinesAndDetection() {
        var p = ModSecurityErrorLogParser()
        #expect(p.record("").outcome == .ignored)
        #expect(p.record(#"10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 5"#).outcome == .rejected(.malformed))
        #expect(p.record("2026/11/18 08:34:27 [notice] 1#1: signal process started").outcome == .ignored)
        var call = RawCall()
        #expect(p.finish(into: &call) == nil)
        #expect(detectSample(Self.apache + "\n")?.format == .modsecurityErrorLog)
        #expect(detectSample(Self.nginx + "\n")?.format == .modsecurityErrorLog)
        let example = parse(FormatDescriptor.modsecurityErrorLog.example).records.last
        #expect(example?.target == "/api/v1/users/42?id=1%27" && example?.wafRule == "949110" && example?.host == "api.example.com")
    }
}
