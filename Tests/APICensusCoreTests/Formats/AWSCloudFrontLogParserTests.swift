import Testing
@testable import APICensusCore

@Suite struct AWSCloudFrontLogParserTests {
    static let header = "#Version: 1.0\n#Fields: " + W3CExtendedEngine.cloudFrontDefaultFields.joined(separator: " ")

    /// A record in CloudFront's default column order.
    static func record(client: String = "203.0.113.7", method: String = "GET", stem: String = "/api/v1/users/42",
                       status: String = "200", agent: String = "curl/8.5.0", query: String = "expand=orders",
                       cookie: String = "-", xff: String = "-", tls: [String] = ["TLSv1.3", "TLS_AES_128_GCM_SHA256"]) -> String {
        ["2026-10-10", "13:55:36", "FRA56-P1", "512", client, method, "d111111abcdef8.cloudfront.net", stem, status,
         "https://app.example.com/", agent, query, cookie, "Miss", "SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==",
         "api.example.com", "https", "210", "0.004", xff, tls[0], tls[1], "Miss", "HTTP/2.0", "-", "-", "51754", "0.003",
         "Miss", "application/json", "512", "-", "-"].joined(separator: "\t")
    }

    @Test func headerAndRecord() {
        let lines = TextFormatTesting.parse(.awsCloudFront, Self.header + "\n" + Self.record())
        #expect(lines[0].outcome == .ignored && lines[1].outcome == .ignored)
        let r = lines[2]
        #expect(r.outcome == .call)
        #expect(r.method == "GET" && r.target == "/api/v1/users/42?expand=orders" && r.version == "HTTP/2.0")
        // The Host the viewer asked for, not the distribution's name.
        #expect(r.host == "api.example.com")
        #expect(r.client == "203.0.113.7" && r.status == 200 && r.bytes == 512 && r.durationMicros == 4_000)
        #expect(r.time == "2026-10-10T13:55:36.000Z")
        #expect(r.scheme == "https" && r.tlsProtocol == "TLSv1.3" && r.tlsCipher == "TLS_AES_128_GCM_SHA256")
        #expect(r.requestId == "SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==")
        #expect(r.referrer == "https://app.example.com/" && r.userAgent == "curl/8.5.0")
    }

    @Test func withoutHeaderTheDefaultOrderIsUsed() {
        let r = TextFormatTesting.one(.awsCloudFront, Self.record(client: "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6"))
        #expect(r.outcome == .call && r.client == "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6" && r.host == "api.example.com")
        // Older, shorter records (24 or 26 fields) and cut ones read as far as they go.
        let short = Self.record().split(separator: "\t").prefix(24).joined(separator: "\t")
        #expect(TextFormatTesting.one(.awsCloudFront, short).outcome == .call)
    }

    @Test func percentEncodedAgentsAreDecoded() {
        let once = TextFormatTesting.one(.awsCloudFront, Self.record(agent: "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64)"))
        #expect(once.userAgent == "Mozilla/5.0 (Windows NT 10.0; Win64)")
        let twice = TextFormatTesting.one(.awsCloudFront, Self.record(agent: "Mozilla/5.0%2520(X11;%2520Linux)"))
        #expect(twice.userAgent == "Mozilla/5.0 (X11; Linux)")
        let broken = TextFormatTesting.one(.awsCloudFront, Self.record(agent: "odd%2"))
        #expect(broken.userAgent == "odd%2")
    }

    @Test func cloudFrontQuirks() {
        // 000: the viewer closed the connection before CloudFront answered.
        #expect(TextFormatTesting.one(.awsCloudFront, Self.record(status: "000")).status == -1)
        let r = TextFormatTesting.one(.awsCloudFront, Self.record(query: "-", cookie: "session=abc123", xff: "81.2.69.142, 216.160.83.56", tls: ["-", "-"]))
        #expect(r.target == "/api/v1/users/42" && r.cookie == "session=abc123")
        #expect(r.forwardedFor == "81.2.69.142, 216.160.83.56")
        #expect(r.tlsProtocol == "" && r.tlsCipher == "")
        let junk = TextFormatTesting.one(.awsCloudFront, Self.record(method: "\\x16\\x03\\x01", stem: "-"))
        #expect(junk.outcome == .call && !junk.valid)
    }

    @Test func otherFormatsAreRejected() {
        // A W3C header without CloudFront's own fields is another server's: its lines are not CloudFront's.
        let iis = "#Fields: date time cs-method cs-uri-stem sc-status\n2026-10-10\t13:55:36\tGET\t/x\t200"
        #expect(TextFormatTesting.parse(.awsCloudFront, iis)[1].outcome == .rejected(.malformed))
        // CloudFront separates with tabs.
        let spaced = Self.record().replacingOccurrences(of: "\t", with: " ")
        #expect(TextFormatTesting.one(.awsCloudFront, spaced).outcome == .rejected(.malformed))
        let combined = #"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8""#
        #expect(TextFormatTesting.one(.awsCloudFront, combined).outcome == .rejected(.malformed))
        let badDate = Self.record().replacingOccurrences(of: "2026-10-10", with: "2026-10-1x")
        #expect(TextFormatTesting.one(.awsCloudFront, badDate).outcome == .rejected(.badTimestamp))
    }

    @Test func detectedAsCloudFrontWithOrWithoutHeader() {
        #expect(TextFormatTesting.detect(Self.header + "\n" + Self.record() + "\n" + Self.record()) == .awsCloudFront)
        #expect(TextFormatTesting.detect(Self.record() + "\n" + Self.record()) == .awsCloudFront)
    }

    @Test func generatedLogIsReadBack() {
        let r = TextFormatTesting.generatedRecovery(.awsCloudFront)
        #expect(r.parsed == 20_000 && r.ignored == 2)
        #expect(r.f1 >= 0.95, "F1 \(r.f1)")
    }
}
