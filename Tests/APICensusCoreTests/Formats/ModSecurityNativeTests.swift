import Testing
@testable import APICensusCore

@Suite struct ModSecurityNativeTests {
    /// ModSecurity 2.9 serial audit record with bodies, a warning, then the deciding rule.
    static let v2Intercepted = """
        --8a3bc1f2-A--
        [10/Oct/2026:13:55:36.250000 +0200] YVW7KjiKxXlACWj0fjsbkgAAAEk 203.0.113.7 51234 10.0.0.2 443
        --8a3bc1f2-B--
        POST /api/v1/login?next=%2Fhome HTTP/1.1
        Host: api.example.com:443
        User-Agent: python-requests/2.32.3
        Authorization: Basic YWxpY2U6c2VjcmV0
        Cookie: session=abc123
        X-API-Key: ak_live_0123456789
        Content-Type: application/x-www-form-urlencoded
        X-Forwarded-For: 198.51.100.4, 10.0.0.9
        X-Request-ID: 4bf92f3577b34da6a3ce929d0e0e4736
        Content-Length: 31

        --8a3bc1f2-C--
        user=admin'--&password=x
        ------WebKitFormBoundary7MA4YWxkTrZu0gW--
        --8a3bc1f2-F--
        HTTP/1.1 403 Forbidden
        Content-Length: 199
        Content-Type: text/html; charset=iso-8859-1

        --8a3bc1f2-E--
        <html><body>Forbidden</body></html>

        --8a3bc1f2-H--
        Message: Warning. Pattern match "^[\\d.:]+$" at REQUEST_HEADERS:Host. [file "/etc/modsecurity/crs/REQUEST-920-PROTOCOL-ENFORCEMENT.conf"] [line "736"] [id "920350"] [msg "Host header is a numeric IP address"]
        Message: Access denied with code 403 (phase 2). detected SQLi using libinjection. [file "/etc/modsecurity/crs/REQUEST-942-APPLICATION-ATTACK-SQLI.conf"] [line "46"] [id "942100"] [msg "SQL Injection Attack Detected via libinjection"]
        Action: Intercepted (phase 2)
        Stopwatch: 1791640536250000 2366 (- - -)
        Stopwatch2: 1791640536250000 2366; combined=1181, p1=326, p2=663, p3=0, p4=0, p5=192, sr=82, sw=0, l=0, gc=0
        Producer: ModSecurity for Apache/2.9.7 (http://www.modsecurity.org/); OWASP_CRS/3.3.5.
        Server: Apache
        Engine-Mode: "ENABLED"

        --8a3bc1f2-Z--

        """

    /// libmodsecurity 3 (NGINX connector): `---ID---X--` boundaries, messages without `Message:`.
    static let v3Intercepted = """
        ---kxBqu3dN---A--
        [10/Oct/2026:13:55:36 +0000] 179164053625.871052 198.51.100.20 40112 10.0.1.61 80
        ---kxBqu3dN---B--
        GET /?foo=../../etc/passwd HTTP/1.1
        Host: shop.example
        User-Agent: curl/8.5.0

        ---kxBqu3dN---D--

        ---kxBqu3dN---F--
        HTTP/1.1 403
        Server: nginx
        Content-Length: 153

        ---kxBqu3dN---H--
        ModSecurity: Warning. Matched "Operator `PmFromFile' with parameter `lfi-os-files.data' against variable `ARGS:foo' [file "/etc/crs/REQUEST-930-APPLICATION-ATTACK-LFI.conf"] [line "99"] [id "930120"] [msg "OS File Access Attempt"]
        ModSecurity: Access denied with code 403 (phase 2). Matched "Operator `Ge' with parameter `5' against variable `TX:ANOMALY_SCORE' (Value: `10' ) [file "/etc/crs/REQUEST-949-BLOCKING-EVALUATION.conf"] [line "80"] [id "949110"] [msg "Inbound Anomaly Score Exceeded (Total Score: 10)"]

        ---kxBqu3dN---Z--

        """

    /// Coraza: a 16-character boundary, detection-only messages.
    static let corazaDetected = """
        --Q3kT9sWm2xLp8VbN-A--
        [10/Oct/2026:13:55:36 +0000] zXGhTbpbVMKiJcNa 192.0.2.44 55002 192.0.2.1 8080
        --Q3kT9sWm2xLp8VbN-B--
        GET /products?id=1 HTTP/1.1
        host: shop.example
        user-agent: Mozilla/5.0

        --Q3kT9sWm2xLp8VbN-F--
        HTTP/1.1 200 OK
        Content-Length: 5120

        --Q3kT9sWm2xLp8VbN-H--
        [client "192.0.2.44"] Coraza: Warning. Restricted SQL Character Anomaly Detection [file "@owasp_crs/REQUEST-942-APPLICATION-ATTACK-SQLI.conf"] [line "8786"] [id "942431"] [msg "Restricted SQL Character Anomaly Detection (args)"]

        --Q3kT9sWm2xLp8VbN-Z--

        """

    func parseAll(_ text: String) -> (calls: [RecordedCall], outcomes: [LineOutcome]) {
        var p = ModSecurityNativeParser()
        return p.records(text)
    }

    @Test func v2RecordIsOneCallWithEveryField() {
        let (calls, outcomes) = parseAll(Self.v2Intercepted)
        #expect(calls.count == 1)
        #expect(outcomes.filter { $0 == .call }.count == 1 && !outcomes.contains { if case .rejected = $0 { true } else { false } })
        let r = calls[0]
        #expect(r.time == utcMillis(2026, 10, 10, 11, 55, 36, 250))
        #expect(r.client == "203.0.113.7" && r.requestId == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(r.method == "POST" && r.target == "/api/v1/login?next=%2Fhome" && r.version == "HTTP/1.1" && r.valid)
        #expect(r.host == "api.example.com" && r.agent == "python-requests/2.32.3")
        #expect(r.authorization == "Basic YWxpY2U6c2VjcmV0" && r.cookie == "session=abc123" && r.apiKey == "ak_live_0123456789")
        #expect(r.contentType == "application/x-www-form-urlencoded" && r.forwardedFor == "198.51.100.4, 10.0.0.9")
        #expect(r.status == 403 && r.bytes == 199 && r.duration == 2366)
        // The deciding rule, not the first warning.
        #expect(r.wafAction == "block" && r.wafRule == "942100")
    }

    @Test func v3AndCorazaRecords() {
        let v3 = parseAll(Self.v3Intercepted).calls
        #expect(v3.count == 1)
        #expect(v3[0].status == 403 && v3[0].wafAction == "block" && v3[0].wafRule == "949110")
        #expect(v3[0].target == "/?foo=../../etc/passwd" && v3[0].host == "shop.example" && v3[0].requestId == "179164053625.871052")
        #expect(v3[0].bytes == 153 && v3[0].duration == -1)
        let coraza = parseAll(Self.corazaDetected).calls
        #expect(coraza.count == 1)
        #expect(coraza[0].wafAction == "detect" && coraza[0].wafRule == "942431" && coraza[0].status == 200)
        #expect(coraza[0].host == "shop.example" && coraza[0].agent == "Mozilla/5.0" && coraza[0].client == "192.0.2.44")
    }

    @Test func recordsFollowEachOtherAndTransactionsWithoutMatchesPass() {
        let allowed = Self.v2Intercepted.replacing("8a3bc1f2", with: "00aa11bb")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("Message:") && !$0.hasPrefix("Action:") }.joined(separator: "\n")
        let (calls, _) = parseAll(Self.v2Intercepted + allowed + Self.v3Intercepted)
        #expect(calls.map(\.wafAction) == ["block", "pass", "block"])
        #expect(calls[1].wafRule == "")
    }

    @Test func cutAndIncompleteRecordsAreCounted() {
        // A record cut by the next record's A boundary: that line is rejected, the next record parses.
        let cut = """
            --11111111-A--
            [10/Oct/2026:13:55:36 +0000] AAAA 10.0.0.1 1 10.0.0.2 80
            --11111111-B--
            GET /lost HTTP/1.1

            """
        let (calls, outcomes) = parseAll(cut + Self.v3Intercepted)
        #expect(calls.count == 1 && calls[0].target == "/?foo=../../etc/passwd")
        #expect(outcomes.filter { $0 == .rejected(.malformed) }.count == 1)
        // A record without part B has no request.
        let noRequest = """
            --22222222-A--
            [10/Oct/2026:13:55:36 +0000] BBBB 10.0.0.1 1 10.0.0.2 80
            --22222222-H--
            Action: Intercepted (phase 1)
            --22222222-Z--
            """
        #expect(parseAll(noRequest).outcomes.last == .rejected(.missingField))
        // Text outside a record, and a stray boundary, are rejected; blank lines are not.
        let stray = parseAll("\nnot a record\n--33333333-B--\n").outcomes
        #expect(stray == [.ignored, .rejected(.malformed), .rejected(.malformed), .ignored])
    }

    @Test func aRecordOpenAtTheEndIsReportedByFinish() {
        var p = ModSecurityNativeParser()
        let open = Self.v2Intercepted.components(separatedBy: "--8a3bc1f2-Z--")[0]
        #expect(p.records(open).calls.isEmpty)
        var call = RawCall()
        #expect(p.finish(into: &call) == .rejected(.malformed))
        #expect(p.finish(into: &call) == nil)
        // Through the aggregator, the record takes the place of one ignored line.
        var aggregator = CallAggregator()
        var q = ModSecurityNativeParser()
        let text = Self.v2Intercepted + open
        Array(text.utf8).withUnsafeBufferPointer { buf in
            _ = aggregator.consume(chunk: buf, input: 0, chunkIndex: 0, firstLine: 0, startOffset: 0, parser: &q)
        }
        aggregator.finish(&q, input: 0, at: LineLocation(input: 0, chunk: 0, lineInChunk: 60, byteOffset: Int64(text.utf8.count)))
        let c = aggregator.snapshot().files[0]!
        #expect(c.parsed == 1 && c.rejected == 1 && c.parsed + c.ignored + c.rejected == c.lines)
        #expect(aggregator.snapshot().samples.first?.text.contains("never completed") == true)
    }

    @Test func bodyLinesThatLookLikeBoundariesStayBody() {
        // A multipart body line of the same shape but another id, inside part C, is body text.
        let text = Self.v2Intercepted.replacing("------WebKitFormBoundary7MA4YWxkTrZu0gW--", with: "--deadbeef-Z--")
        let (calls, outcomes) = parseAll(text)
        #expect(calls.count == 1 && calls[0].status == 403)
        #expect(!outcomes.contains(.rejected(.malformed)))
    }

    @Test func detectionAndDescriptor() {
        let detection = detectSample(Self.v2Intercepted + Self.corazaDetected)
        #expect(detection?.format == .modsecurityNative && detection?.envelope == nil && detection?.perLine == false)
        // Access lines are not audit records.
        let combined = #"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8""# + "\n"
        #expect(detectSample(combined)?.format == .combined)
        var p = ModSecurityNativeParser()
        #expect(p.records(combined).outcomes.first == .rejected(.malformed))
        let d = FormatDescriptor.modsecurityNative
        #expect(d.readsSequentially && d.defaultRole == .waf && d.yields.contains(.wafAction) && d.yields.contains(.wafRule))
        let example = parseAll(d.example).calls
        #expect(example.count == 1 && example[0].wafAction == "block" && example[0].wafRule == "942100" && example[0].host == "api.example.com")
    }
}
