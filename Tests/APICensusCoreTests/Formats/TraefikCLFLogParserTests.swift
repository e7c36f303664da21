import Testing
@testable import APICensusCore

@Suite struct TraefikCLFLogParserTests {
    static let line = #"172.17.1.3 - alice [24/Nov/2024:13:40:15 +0000] "GET /api/users?page=2 HTTP/1.1" 200 450 "https://app.example.com/" "curl/7.68.0" 300 "root@docker -> leaf@docker" "http://172.17.0.4:80" 25ms"#
    static let combined = #"172.17.1.3 - - [24/Nov/2024:13:40:15 +0000] "GET /api/users HTTP/1.1" 200 450 "-" "curl/7.68.0""#

    @Test func recordFields() {
        let r = TextFormatTesting.one(.traefikCLF, Self.line)
        #expect(r.outcome == .call)
        #expect(r.client == "172.17.1.3" && r.user == "alice" && r.time == "2024-11-24T13:40:15.000Z")
        #expect(r.method == "GET" && r.target == "/api/users?page=2" && r.version == "HTTP/1.1")
        #expect(r.status == 200 && r.bytes == 450 && r.referrer == "https://app.example.com/" && r.userAgent == "curl/7.68.0")
        #expect(r.route == "root@docker -> leaf@docker" && r.upstream == "http://172.17.0.4:80" && r.durationMicros == 25_000)
    }

    @Test func abortedRequestsAndMissingValues() {
        let aborted = #"172.17.1.1 - - [28/Sep/2022:13:38:04 +0000] "GET /mobileadmin/home.cs HTTP/1.1" - - "-" "Nikto" 45640 "-" "-" 0ms"#
        let r = TextFormatTesting.one(.traefikCLF, aborted)
        #expect(r.outcome == .call && r.status == -1 && r.bytes == -1 && r.route == "" && r.upstream == "" && r.durationMicros == 0)
        let v6 = TextFormatTesting.one(.traefikCLF, Self.line.replacingOccurrences(of: "172.17.1.3", with: "2001:db8::3"))
        #expect(v6.client == "2001:db8::3")
        let junk = TextFormatTesting.one(.traefikCLF, Self.line.replacingOccurrences(of: "GET /api/users?page=2 HTTP/1.1", with: "\\x16\\x03\\x01"))
        #expect(junk.outcome == .call && !junk.valid)
    }

    @Test func plainCombinedIsNotTraefik() {
        #expect(TextFormatTesting.one(.traefikCLF, Self.combined).outcome == .rejected(.malformed))
        // Combined with NGINX's $request_time after it: still not Traefik's trailing fields.
        #expect(TextFormatTesting.one(.traefikCLF, Self.combined + " 0.025").outcome == .rejected(.malformed))
        #expect(TextFormatTesting.one(.traefikCLF, Self.line.replacingOccurrences(of: " 25ms", with: " 25")).outcome == .rejected(.malformed))
        #expect(TextFormatTesting.one(.traefikCLF, Self.line + " extra").outcome == .rejected(.malformed))
        #expect(TextFormatTesting.one(.traefikCLF, Self.line.replacingOccurrences(of: " 200 450 ", with: " 2000 450 ")).outcome == .rejected(.badStatus))
    }

    @Test func detectionPrefersTraefikOnItsLinesOnly() {
        // The combined parser reads Traefik's lines too: the stricter format wins the tie.
        #expect(TextFormatTesting.detect(Self.line + "\n" + Self.line) == .traefikCLF)
        #expect(TextFormatTesting.detect(Self.combined + "\n" + Self.combined) == .combined)
    }

    @Test func generatedLogIsReadBack() {
        let r = TextFormatTesting.generatedRecovery(.traefikCLF)
        #expect(r.parsed == 20_000)
        #expect(r.f1 >= 0.95, "F1 \(r.f1)")
    }
}
