import Testing
@testable import APICensusCore

@Suite struct MixedFormatTests {
    /// What a Kafka topic fed by several edges looks like: NGINX combined, NGINX JSON, a
    /// syslog-wrapped combined line, Docker-wrapped JSON, and one line nothing reads.
    static let mixed = """
        10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /v1/users/1 HTTP/1.1" 200 12 "-" "curl/8"
        10.0.0.2 - - [10/Oct/2026:13:55:37 +0000] "GET /v1/users/2 HTTP/1.1" 200 12 "-" "curl/8"
        {"time_iso8601":"2026-10-10T13:55:38+00:00","remote_addr":"10.0.0.3","host":"api.example.com","request":"POST /v1/orders HTTP/1.1","status":201}
        <190>Oct 10 13:55:39 web-1 nginx: 10.0.0.4 - - [10/Oct/2026:13:55:39 +0000] "DELETE /v1/users/4 HTTP/1.1" 204 0 "-" "curl/8"
        {"time_iso8601":"2026-10-10T13:55:40+00:00","remote_addr":"10.0.0.5","request":"GET /v1/orders/5 HTTP/1.1","status":200}
        {"log":"10.0.0.6 - - [10/Oct/2026:13:55:41 +0000] \\"PUT /v1/users/6 HTTP/1.1\\" 200 3 \\"-\\" \\"curl/8\\"\\n","stream":"stdout","time":"2026-10-10T13:55:41Z"}
        10.0.0.7 - - [10/Oct/2026:13:55:42 +0000] "GET /v1/users/7 HTTP/1.1" 200 12 "-" "curl/8"
        a line no format reads
        """

    @Test func detectionAsksForPerLineParsing() {
        let d = detectSample(Self.mixed + "\n")
        #expect(d?.format == .combined && d?.perLine == true && d?.envelope == nil)
        // Three combined lines (the syslog-wrapped one is read as one by the lenient CLF parser).
        #expect(d?.confidence == 4.0 / 8.0)
    }

    @Test func eachLineIsParsedByTheFormatThatAcceptsIt() {
        var p = MixedFormatParser(primary: FormatPlan(format: .combined, perLine: true), formats: FormatSet())
        let (calls, outcomes) = p.records(Self.mixed)
        #expect(outcomes.count == 8)
        #expect(calls.map(\.target) == ["/v1/users/1", "/v1/users/2", "/v1/orders", "/v1/users/4", "/v1/orders/5", "/v1/users/6", "/v1/users/7"])
        #expect(calls.map(\.method) == ["GET", "GET", "POST", "DELETE", "GET", "PUT", "GET"])
        // The syslog line is unwrapped before the CLF parser can take its header for fields.
        #expect(calls[3].client == "10.0.0.4" && calls[3].host == "" && calls[3].status == 204)
        #expect(calls[2].host == "api.example.com" && calls[2].time == utcMillis(2026, 10, 10, 13, 55, 38))
        // No format reads the last line: the detected format's reason.
        #expect(outcomes.last == .rejected(.malformed))
        let counts = Dictionary(uniqueKeysWithValues: p.takeCounts().map { ($0.format, $0.records) })
        #expect(counts == [.combined: 5, .jsonLines: 2])
        #expect(p.takeCounts().isEmpty)
    }

    @Test func enveloppedPrimaryAndCustomCandidates() throws {
        let custom = try CustomFormat.compile(nginx: #"$time_iso8601 $remote_addr "$request" $status $host"#)
        let formats = FormatSet(custom: custom)
        var p = MixedFormatParser(primary: FormatPlan(format: .combined, envelope: .syslog, perLine: true), formats: formats)
        let r1 = p.record(#"<190>Oct 10 13:55:39 web-1 nginx: 10.0.0.4 - - [10/Oct/2026:13:55:39 +0000] "GET /a HTTP/1.1" 200 1 "-" "x""#)
        let r2 = p.record(#"2026-10-10T13:55:40Z 10.0.0.5 "GET /b HTTP/1.1" 200 api.example.com"#)
        let r3 = p.record(#"<190>Oct 10 13:55:41 web-1 nginx: 2026-10-10T13:55:41Z 10.0.0.6 "GET /c HTTP/1.1" 200 api.example.com"#)
        #expect(r1.target == "/a" && r2.target == "/b" && r2.host == "api.example.com" && r3.target == "/c")
        let counts = Dictionary(uniqueKeysWithValues: p.takeCounts().map { ($0.format, $0.records) })
        #expect(counts == [.combined: 1, .custom: 2])
        // Blank lines are the detected format's to ignore.
        #expect(p.record("").outcome == .ignored)
    }

    /// Traefik's CLF lines with one plain combined line among them: the combined parser reads
    /// Traefik's lines too, so it must not take over the lines after the one it alone read.
    static let traefik = TraefikCLFLogParserTests.line
    static let traefikWithCombined = [traefik, traefik, TraefikCLFLogParserTests.combined, traefik, traefik].joined(separator: "\n")

    @Test func aLenientFormatNeverTakesOverTheDetectedFormatsLines() {
        var p = MixedFormatParser(primary: FormatPlan(format: .traefikCLF, perLine: true), formats: FormatSet())
        let (calls, outcomes) = p.records(Self.traefikWithCombined)
        #expect(outcomes == Array(repeating: .call, count: 5))
        #expect(calls.map(\.route) == ["root@docker -> leaf@docker", "root@docker -> leaf@docker", "",
                                       "root@docker -> leaf@docker", "root@docker -> leaf@docker"])
        #expect(calls[4].upstream == "http://172.17.0.4:80" && calls[4].duration == 25_000)
        let counts = Dictionary(uniqueKeysWithValues: p.takeCounts().map { ($0.format, $0.records) })
        #expect(counts == [.traefikCLF: 4, .combined: 1])
    }

    @Test func aLenientFormatNeverMovesAheadOfAMoreSpecificOne() {
        // Detected: HAProxy. Neither Traefik's nor the combined lines are its own; after the combined
        // parser read one line, Traefik's lines still go to the more specific Traefik parser.
        var p = MixedFormatParser(primary: FormatPlan(format: .haproxy, perLine: true), formats: FormatSet())
        let (calls, _) = p.records(Self.traefikWithCombined)
        #expect(calls.count == 5)
        #expect(calls[3].route == "root@docker -> leaf@docker" && calls[4].route == "root@docker -> leaf@docker")
        let counts = Dictionary(uniqueKeysWithValues: p.takeCounts().map { ($0.format, $0.records) })
        #expect(counts == [.traefikCLF: 4, .combined: 1])
    }

    @Test func genericJSONLinesNeverTakesOverASpecificJSONFormat() {
        // `json_lines` reads Envoy's JSON (its `method`, `path`, `protocol` keys) but loses the route.
        let envoy = FormatDescriptor.envoyJSON.example
        let nginx = #"{"time_iso8601":"2026-10-10T13:55:38+00:00","remote_addr":"10.0.0.3","request":"POST /v1/orders HTTP/1.1","status":201}"#
        var plain = JSONLinesParser(fieldMap: .default)
        #expect(plain.record(envoy).outcome == .call)
        #expect(FormatDescriptor.envoyJSON.makeParser(.default).parsing(nginx) != .call)
        let text = [envoy, nginx, envoy, envoy].joined(separator: "\n")
        for primary in [LogFormat.envoyJSON, .combined] {
            var p = MixedFormatParser(primary: FormatPlan(format: primary, perLine: true), formats: FormatSet())
            let (calls, _) = p.records(text)
            #expect(calls.map(\.route) == ["users-route", "", "users-route", "users-route"], "primary \(primary)")
            let counts = Dictionary(uniqueKeysWithValues: p.takeCounts().map { ($0.format, $0.records) })
            #expect(counts == [.envoyJSON: 3, .jsonLines: 1], "primary \(primary)")
        }
    }

    @Test func formatsWhoseLinesDependOnEarlierOnesAreNotMixed() {
        let formats = FormatSet()
        #expect(formats.makeParser(FormatPlan(format: .modsecurityNative, perLine: true)) is AnyLineParser)
        #expect(formats.makeParser(FormatPlan(format: .combined, perLine: true)) is MixedFormatParser)
        #expect(formats.makeParser(FormatPlan(format: .combined, envelope: .cri)) is EnvelopedParser<AnyLineParser>)
        // No custom format configured: `custom` has no parser and says so for every line.
        var none = formats.makeParser(.custom)
        var call = RawCall()
        #expect(Array("x".utf8).withUnsafeBufferPointer { none.parse($0, into: &call) } == .rejected(.unknownFormat))
    }
}

extension LineParser {
    /// The outcome of one line through this parser (a copy: the parser itself is not changed).
    func parsing(_ line: String) -> LineOutcome {
        var copy = self
        var call = RawCall()
        return Array(line.utf8).withUnsafeBufferPointer { copy.parse($0, into: &call) }
    }
}
