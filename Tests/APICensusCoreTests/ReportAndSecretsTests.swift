import Testing
@testable import APICensusCore

func withBytes<T>(_ s: String, _ body: (Bytes) -> T) -> T {
    Array(s.utf8).withUnsafeBufferPointer(body)
}

@Suite struct RequestTargetTests {
    @Test func originForm() {
        withBytes("/users/42?api_key=secret&page=2#frag") { b in
            let t = RequestTarget.split(b, isConnect: false)!
            #expect(t.form == .origin)
            #expect(t.path.text == "/users/42")
            #expect(t.query.text == "api_key=secret&page=2")
        }
    }

    @Test func absoluteFormDropsUserInfo() {
        withBytes("http://admin:hunter2@api.example.com:8080/v1/items?x=1") { b in
            let t = RequestTarget.split(b, isConnect: false)!
            #expect(t.form == .absolute)
            #expect(t.host.text == "api.example.com:8080")
            #expect(t.path.text == "/v1/items")
            #expect(t.query.text == "x=1")
        }
        withBytes("https://example.com") { b in
            let t = RequestTarget.split(b, isConnect: false)!
            #expect(t.path.text == "/")
            #expect(t.host.text == "example.com")
        }
    }

    @Test func otherForms() {
        withBytes("*") { #expect(RequestTarget.split($0, isConnect: false)?.form == .asterisk) }
        withBytes("example.com:443") { #expect(RequestTarget.split($0, isConnect: true)?.form == .authority) }
        withBytes("index.html") { #expect(RequestTarget.split($0, isConnect: false) == nil) }
    }
}

@Suite struct SecretsTests {
    @Test func redactsValuesCredentialsAndTokens() {
        let line = #"1.2.3.4 - bob [10/Oct/2023:08:32:31 +0000] "GET /login?user=alice&client_secret=s3cr3t HTTP/1.1" 200 "http://root:pw@evil.example/" "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123DEF456ghi" Cookie: session=abcdef"#
        let redacted = Redactor.redact(line, limit: 1000)
        for secret in ["alice", "s3cr3t", "root:pw", "eyJhbGciOiJIUzI1NiJ9", "abcdef"] {
            #expect(!redacted.contains(secret), "\(secret) leaked in \(redacted)")
        }
        #expect(redacted.contains("client_secret=[REDACTED]"))
        #expect(redacted.contains("Bearer [REDACTED]"))
    }

    @Test func longTokensAreMaskedAndControlBytesEscaped() {
        let redacted = Redactor.redact("GET /x/AKIAIOSFODNN7EXAMPLEabc123XYZ \u{16}\u{03}")
        #expect(!redacted.contains("AKIAIOSFODNN7EXAMPLE"))
        #expect(redacted.contains("\\x16\\x03"))
    }

    @Test func queryNamesThatAreValuesAreNotEchoed() {
        withBytes("8890121518") { #expect(QueryNames.safeName($0) == "{value}") }
        withBytes("sk_live_4eC39HqLyjWDarjtT1zdp7dc") { #expect(QueryNames.safeName($0) == "{value}") }
        withBytes("api_key") { #expect(QueryNames.safeName($0) == "api_key") }
        var names: [String] = []
        withBytes("a=1&b&&c=x=y;d=") { QueryNames.forEachName(in: $0) { names.append($0.text) } }
        #expect(names == ["a", "b", "c", "d"])
    }

    @Test func generatedSecretsNeverReachTheReport() {
        // The generator puts api_key, access_token and session values in every few lines.
        var generator = LogGenerator(style: .combined, seed: 3)
        var bytes: [UInt8] = []
        for _ in 0..<3_000 { generator.appendLine(to: &bytes) }
        bytes.append(contentsOf: "garbage line with api_key=sk_live_abcdefghijklmnop0123456789 in it\n".utf8)
        var aggregator = CallAggregator()
        var parser = CombinedLogParser(format: .combined)
        bytes.withUnsafeBufferPointer {
            _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: 0, firstLine: 0, startOffset: 0, parser: &parser)
        }
        let report = ReportBuilder.report(state: aggregator.snapshot(),
                                          inputs: [InputDescription(path: "g.log", encoding: "plain", format: .combined, formatConfidence: 1, sizeOnDisk: nil)],
                                          options: ReportOptions()).serialized()
        #expect(!report.contains("sk_live"))
        #expect(!report.contains("session="))
        #expect(report.contains("\"api_key\""))  // the name is evidence; the value is not
        let text = String(decoding: bytes, as: UTF8.self)
        for token in text.split(separator: " ").filter({ $0.contains("access_token=") }).prefix(20) {
            let value = token.split(separator: "=").last!.prefix(40)
            #expect(!report.contains(String(value)))
        }
    }
}

@Suite struct ReportTests {
    @Test func isoTimeFormatting() {
        #expect(ReportBuilder.isoTime(0) == "1970-01-01T00:00:00.000Z")
        #expect(ReportBuilder.isoTime(971_211_336_250) == "2000-10-10T20:55:36.250Z")
        #expect(ReportBuilder.isoTime(1_709_164_800_000) == "2024-02-29T00:00:00.000Z")
    }

    @Test func jsonNumbersAndStrings() {
        let v = JSONOutput.object([("a", .number(1.5)), ("b", .number(2)), ("c", .number(0.1234, decimals: 3)),
                                  ("d", .string("q\"\\\n\u{1}")), ("e", .number(-0.5))])
        #expect(v.serialized(indent: nil) == #"{"a":1.5,"b":2,"c":0.123,"d":"q\"\\\n\u0001","e":-0.5}"#)
    }

    @Test func endpointCapMovesTheRestToOverflow() {
        var state = AggregateState()
        for i in 0..<10 {
            var stats = EndpointStats()
            stats.calls = UInt64(100 - i)
            state.endpoints[RawEndpointKey(method: "GET", host: "h", typedPath: "/r\(i)")] = stats
        }
        var options = ReportOptions()
        options.maxEndpointsPerHost = 4
        let endpoints = ReportBuilder.endpoints(from: state, options: options)
        #expect(endpoints.count == 5)
        let overflow = endpoints.first { $0.template == ReportBuilder.overflowTemplate }!
        #expect(overflow.stats.calls == (4..<10).reduce(0) { $0 + UInt64(100 - $1) })
        #expect(endpoints.reduce(0) { $0 + $1.stats.calls } == (0..<10).reduce(0) { $0 + UInt64(100 - $1) })
    }

    @Test func invalidRequestsAreCountedNotInventoried() {
        let lines = """
        1.2.3.4 - - [10/Oct/2023:08:32:31 +0000] "\\x16\\x03\\x01\\x00\\xA5\\x01" 400 157 "-" "-"
        1.2.3.4 - - [10/Oct/2023:08:32:31 +0000] "-" 400 0 "-" "-"
        1.2.3.4 - - [10/Oct/2023:08:32:31 +0000] "HELP" 400 0 "-" "-"
        1.2.3.4 - - [10/Oct/2023:08:32:32 +0000] "GET /ok HTTP/1.1" 200 10 "-" "-"

        """
        var aggregator = CallAggregator()
        var parser = CombinedLogParser(format: .combined)
        withBytes(lines) { _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: 0, firstLine: 0, startOffset: 0, parser: &parser) }
        let state = aggregator.snapshot()
        #expect(state.invalidRequests["tls_handshake"] == 1)
        #expect(state.invalidRequests.values.reduce(0, +) == 3)
        #expect(state.endpoints.count == 1)
        #expect(state.files[0]?.parsed == 4)
    }

    @Test func rejectedLinesNameTheirLineAcrossChunks() {
        var aggregator = CallAggregator()
        var parser = CombinedLogParser(format: .combined)
        let good = "1.2.3.4 - - [10/Oct/2023:08:32:32 +0000] \"GET /ok HTTP/1.1\" 200 10 \"-\" \"-\"\n"
        withBytes(good + good + good) { _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: 0, firstLine: 0, startOffset: 0, parser: &parser) }
        withBytes(good + "broken line\n") { _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: 1, firstLine: 0, startOffset: 300, parser: &parser) }
        let state = aggregator.snapshot()
        let sample = state.samples.first!
        #expect(sample.reason == .malformed)
        #expect(state.lineNumber(of: sample.location) == 5)
        #expect(sample.location.byteOffset == 300 + Int64(good.utf8.count))
    }
}

@Suite struct SecretsReviewTests {
    @Test func userInfoAfterARedactedTokenDoesNotCrashOrLeak() {
        let a = Redactor.redact("x//abcdefghijklmnopqrstuvwxyz1234@h")
        #expect(!a.contains("abcdefghijklmnop"))
        let b = Redactor.redact("junk http://alice:p\u{e4}ss@host/x")
        #expect(!b.contains("alice") && b.contains("http://[REDACTED]@host/x"))
    }

    @Test func quotedAndJSONValuesAreMasked() {
        let a = Redactor.redact(#"form password="hunter2" next"#)
        #expect(!a.contains("hunter2") && a.contains(#"password="[REDACTED]""#))
        let b = Redactor.redact(#"{"password":"hunter2","session": "s3cr3t","n":1}"#)
        #expect(!b.contains("hunter2") && !b.contains("s3cr3t"))
        #expect(b.contains(#""password":"[REDACTED]""#))
    }

    @Test func clfUserAndShortKeysAreMasked() {
        let a = Redactor.redact(#"1.2.3.4 - bob.smith [10/Oct/2023:99:99:99 +0000] "GET /?k=AKIAIOSFODNN7EXAMPLE HTTP/1.1" 200 1"#)
        #expect(!a.contains("bob.smith") && !a.contains("AKIAIOSFODNN7EXAMPLE"))
        #expect(a.hasPrefix("1.2.3.4 - [REDACTED] [10/Oct/2023"))
        let b = Redactor.redact("id AKIAIOSFODNN7EXAMPLE1 here")
        #expect(!b.contains("AKIAIOSFODNN7EXAMPLE1"))
        #expect(Redactor.redact(#"1.2.3.4 - - [10/Oct/2023:08:32:31 +0000] "GET / HTTP/1.1" 200 1"#).contains(" - - ["))
    }

    @Test func valuesInsidePathsAreCut() {
        let values = PathValues()
        for (path, expected) in [("/shop/cart;jsessionid=s3cr3tSess", "/shop/cart"),
                                 ("/download/report.pdf;token=hunter2/next", "/download/report.pdf/next"),
                                 ("/x%3Fapi_key%3Dhunter2", "/x"), ("/a/key%3dvalue/b", "/a/key/b"),
                                 ("/plain%20space", "/plain%20space")] {
            withBytes(path) { #expect(values.strip($0).text == expected, "\(path)") }
        }
        withBytes("/a/b") { #expect(!PathValues.mayCarryValues($0)) }
    }

    @Test func ipv6HostsKeepTheirPort() {
        withBytes("http://[::1]:8080/x") { #expect(RequestTarget.split($0, isConnect: false)?.host.text == "[::1]:8080") }
    }

    @Test func bareQueryValuesAreNotNames() {
        withBytes("hunter2pass") { #expect(QueryNames.safeName($0) == "{value}") }
        withBytes("debug") { #expect(QueryNames.safeName($0) == "debug") }
    }

    @Test func secretsInPathsNeverReachTheReport() {
        let lines = """
        1.2.3.4 - - [10/Oct/2023:08:32:31 +0000] "GET /shop/cart;jsessionid=s3cr3tSess HTTP/1.1" 200 1 "-" "-"
        1.2.3.4 - - [10/Oct/2023:08:32:31 +0000] "GET /x%3Fapi_key%3Dhunter2 HTTP/1.1" 200 1 "-" "-"
        1.2.3.4 - - [10/Oct/2023:08:32:31 +0000] "GET /x?hunter2pass HTTP/1.1" 200 1 "-" "-"

        """
        var aggregator = CallAggregator()
        var parser = CombinedLogParser(format: .combined)
        withBytes(lines) { _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: 0, firstLine: 0, startOffset: 0, parser: &parser) }
        let report = ReportBuilder.report(state: aggregator.snapshot(), inputs: [], options: ReportOptions()).serialized()
        for secret in ["s3cr3tSess", "hunter2", "jsessionid"] { #expect(!report.contains(secret), "\(secret)") }
    }
}

@Suite struct SecondReviewTests {
    @Test func userInfoWithASlashMakesTheRequestInvalid() {
        withBytes("http://alice:pa/ss@host/x") { #expect(RequestTarget.split($0, isConnect: false) == nil) }
    }

    @Test func secretsAcrossTheSampleCutAreStillMasked() {
        let line = String(repeating: "x ", count: 115) + "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig123 tail"
        let redacted = Redactor.redact(line)
        #expect(!redacted.contains("eyJhbGci"))
        #expect(redacted.hasSuffix("…"))
        #expect(!Redactor.redact(#"{"password" : "hunter2"}"#).contains("hunter2"))
    }
}
