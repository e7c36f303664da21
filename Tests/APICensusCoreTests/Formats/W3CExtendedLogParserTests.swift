import Testing
@testable import APICensusCore

@Suite struct W3CExtendedLogParserTests {
    static let iis = """
    #Software: Microsoft Internet Information Services 10.0
    #Version: 1.0
    #Date: 2026-10-10 13:55:00
    #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version cs(User-Agent) cs(Referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes time-taken
    2026-10-10 13:55:36 10.0.0.5 GET /api/v1/users/42 expand=orders 443 alice 2001:db8::7 HTTP/1.1 Mozilla/5.0+(Windows+NT+10.0) https://app.example.com/ api.example.com 200 0 0 512 15
    """

    @Test func iisRecord() {
        let lines = TextFormatTesting.parse(.w3c, Self.iis)
        #expect(lines.prefix(4).allSatisfy { $0.outcome == .ignored })
        let r = lines[4]
        #expect(r.outcome == .call)
        #expect(r.method == "GET" && r.target == "/api/v1/users/42?expand=orders" && r.version == "HTTP/1.1")
        #expect(r.host == "api.example.com" && r.client == "2001:db8::7" && r.user == "alice")
        #expect(r.status == 200 && r.bytes == 512 && r.time == "2026-10-10T13:55:36.000Z")
        // IIS logs time-taken in milliseconds.
        #expect(r.durationMicros == 15_000)
        // IIS writes spaces as `+`; values stay as logged.
        #expect(r.userAgent == "Mozilla/5.0+(Windows+NT+10.0)" && r.referrer == "https://app.example.com/")
    }

    @Test func netScalerRecordTimesInSeconds() {
        let text = """
        #Version: 1.0
        #Software: Netscaler Web Logging(NSWL)
        #Fields: date time c-ip cs-username sc-servicename s-ip s-port cs-method cs-uri-stem cs-uri-query sc-status cs-bytes sc-bytes time-taken cs-version cs(User-Agent) cs(Cookie) cs(Referer)
        2012-08-16 11:55:13 172.20.1.0 - HTTP 192.168.6.254 8080 GET /Citrix/XenApp/auth/login.jsp - 302 247 355 1 HTTP/1.1 Mozilla/4.0+(compatible) SESSID=abc -
        """
        let r = TextFormatTesting.parse(.w3c, text)[3]
        #expect(r.outcome == .call && r.target == "/Citrix/XenApp/auth/login.jsp" && r.status == 302 && r.bytes == 355)
        #expect(r.durationMicros == 1_000_000 && r.user == "" && r.cookie == "SESSID=abc" && r.referrer == "")
    }

    @Test func incapsulaQuotedRecords() {
        let text = #"""
        #Software: Incapsula LOGS API
        #Fields: date time cs-vid c-ip cs(User-Agent) s-computername cs-uri cs-version sc-action s-externalid cs(Referrer) s-ip cs-method cs-uri-query sc-status s-xff cs-bytes cs-start cs-rule s-ruleName
        "2017-06-28" "07:26:35" "a1f36498" "123.123.123.123" "Mozilla/5.0 (Windows NT 6.1) ""quoted""" "www.example.com" "www.example.com/page.php" "HTTPS" "REQ_BLOCKED_SECURITY" "118866685985031205" "" "124.124.124.124" "GET" "variable=test" "403" "123.123.123.123, 10.0.0.1" "10117" "1498634795555" "3912" "SQL Injection"
        "2017-06-26" "18:21:17" "daf5e234" "125.125.125.125" "Thunderbird/45.8.0" "www.example.com" "www.example.com/rss/news" "HTTP" "REQ_BAD_SERVER_CLOSED_CONNECTION" "3004162128217401" "" "125.125.125.125" "GET" "" "" "125.125.125.125" "" "1498501277430" "" ""
        """#
        let lines = TextFormatTesting.parse(.w3c, text)
        let r = lines[2]
        #expect(r.outcome == .call)
        #expect(r.host == "www.example.com" && r.target == "/page.php?variable=test" && r.method == "GET")
        #expect(r.userAgent == "Mozilla/5.0 (Windows NT 6.1) " + String(repeating: "\"", count: 2) + "quoted" + String(repeating: "\"", count: 2))
        #expect(r.scheme == "HTTPS" && r.version == "" && r.status == 403 && r.bytes == -1)
        #expect(r.wafAction == "REQ_BLOCKED_SECURITY" && r.wafRule == "SQL Injection" && r.requestId == "118866685985031205")
        #expect(r.forwardedFor == "123.123.123.123, 10.0.0.1" && r.referrer == "")
        let s = lines[3]
        #expect(s.outcome == .call && s.status == -1 && s.target == "/rss/news" && s.wafRule == "")
    }

    @Test func headerRules() {
        // Lines before any #Fields cannot be read.
        #expect(TextFormatTesting.one(.w3c, "2026-10-10 13:55:36 GET /x 200").outcome == .rejected(.malformed))
        // A #Fields without a request path (a firewall log, say) makes its lines unreadable.
        let firewall = "#Fields: date time action protocol src-ip dst-ip\n2026-10-10 13:55:36 ALLOW TCP 10.0.0.1 10.0.0.2"
        #expect(TextFormatTesting.parse(.w3c, firewall)[1].outcome == .rejected(.malformed))
        // A new #Fields (IIS restarts) replaces the columns.
        let twice = "#Fields: date time cs-method cs-uri-stem sc-status\n2026-10-10 13:55:36 GET /a 200\n"
            + "#Fields: date time sc-status cs-method cs-uri-stem\n2026-10-10 13:55:37 404 POST /b"
        let l = TextFormatTesting.parse(.w3c, twice)
        #expect(l[1].target == "/a" && l[1].status == 200)
        #expect(l[3].target == "/b" && l[3].status == 404 && l[3].method == "POST")
    }

    @Test func badValuesAndGarbageRequests() {
        let head = "#Fields: date time cs-method cs-uri-stem sc-status sc-bytes time-taken\n"
        #expect(TextFormatTesting.parse(.w3c, head + "2026-10-40 13:55:36 GET /a 200 1 1")[1].outcome == .rejected(.badTimestamp))
        #expect(TextFormatTesting.parse(.w3c, head + "2026-10-10 13:55:36 GET /a OK 1 1")[1].outcome == .rejected(.badStatus))
        #expect(TextFormatTesting.parse(.w3c, head + "2026-10-10 13:55:36 GET /a 200 lots 1")[1].outcome == .rejected(.malformed))
        let junk = TextFormatTesting.parse(.w3c, head + "2026-10-10 13:55:36 \\x16\\x03 - 400 0 0")[1]
        #expect(junk.outcome == .call && !junk.valid)
        // Fraction of seconds and a decimal time-taken (seconds).
        let fraction = TextFormatTesting.parse(.w3c, head + "2026-10-10 13:55:36.250 GET /a 200 1 0.125")[1]
        #expect(fraction.time == "2026-10-10T13:55:36.250Z" && fraction.durationMicros == 125_000)
        // Absolute URIs in cs-uri-stem stay absolute (the inventory reads their host).
        let absolute = TextFormatTesting.parse(.w3c, head + "2026-10-10 13:55:36 GET https://api.example.com/a 200 1 1")[1]
        #expect(absolute.valid && absolute.target == "https://api.example.com/a")
    }

    @Test func detectionTellsW3CFromCloudFront() {
        #expect(TextFormatTesting.detect(Self.iis + "\n" + Self.iis.split(separator: "\n").last!) == .w3c)
        let cloudFront = AWSCloudFrontLogParserTests.header + "\n" + AWSCloudFrontLogParserTests.record()
        #expect(TextFormatTesting.detect(cloudFront) == .awsCloudFront)
    }

    @Test func generatedLogIsReadBack() {
        let r = TextFormatTesting.generatedRecovery(.w3c)
        #expect(r.parsed == 20_000 && r.ignored == 4)
        #expect(r.f1 >= 0.95, "F1 \(r.f1)")
    }
}

/// A data line must have as many values as `#Fields:` names: one value more or less would put every
/// value after it in the wrong column.
struct W3CValueCountTests {
    static let header = """
    #Software: Netscaler Web Logging(NSWL)
    #Fields: date time c-ip cs-method cs-uri-stem sc-status sc-bytes cs(User-Agent) cs-host time-taken
    """
    static let good = "2026-10-10 13:55:36 203.0.113.7 GET /api/v1/users/42 200 512 curl/8.5.0 api.example.com 1"

    func last(_ line: String) -> TextFormatLine { TextFormatTesting.parse(.w3c, Self.header + "\n" + line)[2] }

    @Test func aLineWithTheRightNumberOfValuesIsRead() {
        let r = last(Self.good)
        #expect(r.outcome == .call && r.host == "api.example.com" && r.userAgent == "curl/8.5.0" && r.durationMicros == 1_000_000)
    }

    @Test func aRawSpaceInAValueMakesTheLineTooLong() {
        // A writer that does not `+`-encode: the host would be read from the agent's second word.
        let r = last(Self.good.replacingOccurrences(of: "curl/8.5.0", with: "Mozilla/5.0 (X11)"))
        #expect(r.outcome == .rejected(.malformed))
        #expect(last(Self.good + " extra").outcome == .rejected(.malformed))
    }

    @Test func aSpaceSeparatedLineWithFewerValuesIsRefused() {
        // NetScaler writing an empty user agent as nothing: the host would be read as the agent.
        #expect(last(Self.good.replacingOccurrences(of: " curl/8.5.0 ", with: "  ")).outcome == .rejected(.malformed))
    }

    @Test func aCutLineIsTooShort() {
        #expect(last(String(Self.good.dropLast(18))).outcome == .rejected(.malformed))  // no host, no time-taken
        #expect(last(String(Self.good.dropLast(2))).outcome == .rejected(.malformed))   // no time-taken
    }

    @Test func oneTrailingEmptyValueIsAllowed() {
        // The last value empty after its separator (space-separated), or a tab-separated line ending
        // with a tab: read, with no time-taken.
        let spaced = last(String(Self.good.dropLast(1)))
        #expect(spaced.outcome == .call && spaced.durationMicros == -1 && spaced.host == "api.example.com")
        let tabbed = last(String(Self.good.replacingOccurrences(of: " ", with: "\t").dropLast(1)))
        #expect(tabbed.outcome == .call && tabbed.durationMicros == -1 && tabbed.host == "api.example.com")
        // Two missing are not one trailing empty value.
        #expect(last(String(Self.good.dropLast(17))).outcome == .rejected(.malformed))
    }

    @Test func tabSeparatedLinesMayLackTheirLastColumns() {
        // Tabs keep empty values in place: a short line lacks its last columns, nothing is shifted
        // (a CloudFront sample in Elastic's tests has 31 of its 33 columns).
        let tabbed = Self.good.replacingOccurrences(of: " ", with: "\t")
        let short = last(String(tabbed.dropLast(18)))
        #expect(short.outcome == .call && short.userAgent == "curl/8.5.0" && short.host == "" && short.durationMicros == -1)
        // An empty value in the middle stays in its column.
        let empty = last(tabbed.replacingOccurrences(of: "\tcurl/8.5.0\t", with: "\t\t"))
        #expect(empty.outcome == .call && empty.userAgent == "" && empty.host == "api.example.com")
        // Too many values are still refused.
        #expect(last(tabbed + "\textra").outcome == .rejected(.malformed))
    }
}
