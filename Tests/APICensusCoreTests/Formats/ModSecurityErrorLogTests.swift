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

    func parse(_ text: String) -> (calls: [RecordedCall], outcomes: [LineOutcome], final: RecordedCall?) {
        var p = ModSecurityErrorLogParser()
        let (calls, outcomes) = p.records(text)
        var call = RawCall()
        let final = p.finish(into: &call).map { RecordedCall($0, call) }
        return (calls, outcomes, final)
    }

    @Test func apacheMessagesOfOneTransactionAreOneCall() {
        let (calls, outcomes, final) = parse(Self.apache)
        #expect(outcomes == [.ignored, .ignored, .ignored, .ignored, .call])
        #expect(calls.count == 1)
        let t = calls[0]
        #expect(t.wafAction == "block" && t.wafRule == "949110" && t.status == 403)
        #expect(t.client == "192.0.2.7" && t.host == "shop.example" && t.target == "/files/report.pdf" && t.method == "" && t.valid)
        #expect(t.requestId == "YVW7KjiKxXlACWj0fjsbkgAAAEk" && t.time == utcMillis(2026, 9, 30, 13, 27, 6, 9))
        // The last transaction is handed out at the end of the input.
        #expect(final?.outcome == .call && final?.wafAction == "detect" && final?.wafRule == "930130" && final?.status == -1)
        #expect(final?.client == "2001:db8::5" && final?.target == "/.git/config" && final?.time == utcMillis(2026, 10, 2, 4, 48, 20, 94))
    }

    @Test func nginxMessagesCarryTheWholeRequest() {
        let (calls, _, final) = parse(Self.nginx)
        #expect(calls.count == 1)
        #expect(calls[0].method == "GET" && calls[0].target == "/?foo=../../etc/passwd" && calls[0].host == "foobar.com")
        #expect(calls[0].client == "82.64.145.141" && calls[0].wafAction == "detect" && calls[0].wafRule == "930100")
        #expect(calls[0].time == utcMillis(2026, 11, 18, 8, 34, 27))
        #expect(final?.method == "POST" && final?.target == "/api/login?next=%2F" && final?.version == "HTTP/2.0")
        #expect(final?.host == "api.example.com" && final?.status == 403 && final?.wafAction == "block" && final?.requestId == "1640518611")
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
        let example = parse(FormatDescriptor.modsecurityErrorLog.example).final
        #expect(example?.target == "/api/v1/users/42?id=1%27" && example?.wafRule == "949110" && example?.host == "api.example.com")
    }
}
