import Testing
@testable import APICensusCore

@Suite struct HAProxyLogParserTests {
    static let syslog = "Feb  6 12:14:14 localhost haproxy[14389]: "
    static let httplog = #"10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1""#

    @Test func httplogBehindSyslog() {
        let r = TextFormatTesting.one(.haproxy, Self.syslog + Self.httplog)
        #expect(r.outcome == .call)
        #expect(r.client == "10.0.1.2" && r.time == "2009-02-06T12:14:14.655Z")
        #expect(r.method == "GET" && r.target == "/index.html" && r.version == "HTTP/1.1")
        #expect(r.status == 200 && r.bytes == 2750 && r.durationMicros == 109_000)
        #expect(r.service == "static" && r.upstream == "srv1")
        // `{1wt.eu}`: the captured Host header.
        #expect(r.host == "1wt.eu")
        // A frontend without `~` took a plaintext connection.
        #expect(r.scheme == "http" && r.tlsProtocol == "")
        // The same record without the syslog prefix, and behind an RFC 5424 header.
        #expect(TextFormatTesting.one(.haproxy, Self.httplog).client == "10.0.1.2")
        let rfc5424 = "<134>1 2009-02-06T12:14:14Z lb1 haproxy 14389 - - " + Self.httplog
        #expect(TextFormatTesting.one(.haproxy, rfc5424).outcome == .call)
        #expect(TextFormatTesting.one(.haproxy, "haproxy-1  | " + Self.httplog).outcome == .call)
    }

    @Test func httpslogGivesTLSAndSNI() {
        let line = #"192.168.50.1:61818 [27/Jan/2021:21:52:56.086] fe_main~ be_servers/s1 0/0/1/1/2 200 517 - - ---- 1/1/0/0/0 0/0 "GET /api/v1/users HTTP/1.1" 0/0/0/0/0 api.example.com/TLSv1.3/TLS_AES_256_GCM_SHA384"#
        let r = TextFormatTesting.one(.haproxy, line)
        #expect(r.outcome == .call && r.scheme == "https")
        #expect(r.tlsProtocol == "TLSv1.3" && r.tlsCipher == "TLS_AES_256_GCM_SHA384" && r.host == "api.example.com")
        #expect(r.clientCertificate == .notLogged)
        // A client certificate that failed verification (ssl_c_err).
        let failed = line.replacingOccurrences(of: " 0/0/0/0/0 ", with: " 0/0/20/0/0 ")
        #expect(TextFormatTesting.one(.haproxy, failed).clientCertificate == .failed)
        // httpslog on a plaintext connection: empty TLS fields.
        let plain = line.replacingOccurrences(of: "fe_main~", with: "fe_main")
            .replacingOccurrences(of: "api.example.com/TLSv1.3/TLS_AES_256_GCM_SHA384", with: "-/-/-")
        let p = TextFormatTesting.one(.haproxy, plain)
        #expect(p.scheme == "http" && p.tlsProtocol == "" && p.host == "")
        // httplog on a TLS frontend (`~`): encrypted, version not logged.
        let tilde = TextFormatTesting.one(.haproxy, Self.httplog.replacingOccurrences(of: "http-in", with: "https-in~"))
        #expect(tilde.scheme == "https" && tilde.tlsProtocol == "TLS")
    }

    @Test func capturedHeadersAreRecognisedByShape() {
        let line = Self.httplog.replacingOccurrences(of: "{1wt.eu} {}", with: "{api.example.com|Mozilla/5.0 (X11; Linux)|198.51.100.7, 10.0.0.1|Bearer|https://app.example.com/} {text/html}")
        let r = TextFormatTesting.one(.haproxy, line)
        #expect(r.host == "api.example.com" && r.userAgent == "Mozilla/5.0 (X11; Linux)")
        #expect(r.forwardedFor == "198.51.100.7, 10.0.0.1" && r.authorization == "Bearer")
        #expect(r.referrer == "https://app.example.com/")
        // No capture blocks at all (captures not configured).
        let none = Self.httplog.replacingOccurrences(of: " {1wt.eu} {}", with: "")
        #expect(TextFormatTesting.one(.haproxy, none).host == "")
    }

    @Test func recordsWithoutARequest() {
        // tcplog: a TCP connection.
        let tcp = TextFormatTesting.one(.haproxy, "10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0")
        #expect(tcp.outcome == .call && !tcp.valid && tcp.bytes == 212 && tcp.durationMicros == 5_007_000 && tcp.requestLine == "")
        // A connection error, and the 2.5+ error-log format.
        let handshake = TextFormatTesting.one(.haproxy, Self.syslog + "95.216.197.33:56224 [25/Feb/2019:16:20:10.111] prod_http_in/sktst2: SSL handshake failure")
        #expect(handshake.outcome == .call && !handshake.valid && handshake.client == "95.216.197.33")
        let errorLog = TextFormatTesting.one(.haproxy, "192.168.1.4:50033 [28/Feb/2025:02:43:10.123] fe_main~ 1/1 0/0x1408A0C1/0/0/0 -/TLSv1.2/-")
        #expect(errorLog.outcome == .call && !errorLog.valid)
        // `<BADREQ>` and a request cut by the log line length limit.
        let bad = TextFormatTesting.one(.haproxy, Self.httplog.replacingOccurrences(of: "\"GET /index.html HTTP/1.1\"", with: "\"<BADREQ>\""))
        #expect(bad.outcome == .call && !bad.valid && bad.status == 200)
        let cut = TextFormatTesting.one(.haproxy, Self.httplog.replacingOccurrences(of: "/index.html HTTP/1.1\"", with: "/very/long/pa"))
        #expect(cut.outcome == .call && cut.valid && cut.target == "/very/long/pa")
    }

    @Test func haproxyQuirks() {
        // -1 status (aborted), +bytes (logasap), -1 total time, IPv6 client written without brackets, 1.4 timers.
        let line = #"2001:db8::1:33317 [06/Feb/2009:12:14:14.655] http-in static/<NOSRV> -1/-1/-1/-1/+0 -1 +0 - - CR-- 1/1/0/0/0 0/0 "GET / HTTP/1.1""#
        let r = TextFormatTesting.one(.haproxy, line)
        #expect(r.outcome == .call && r.client == "2001:db8::1" && r.status == -1 && r.bytes == 0 && r.upstream == "")
        #expect(r.durationMicros == 0)
        let unmeasured = line.replacingOccurrences(of: "-1/-1/-1/-1/+0", with: "-1/-1/-1/-1/-1")
        #expect(TextFormatTesting.one(.haproxy, unmeasured).durationMicros == -1)
    }

    @Test func processMessagesAreIgnoredAndOtherLinesRejected() {
        #expect(TextFormatTesting.one(.haproxy, "Feb 25 16:19:38 192.168.4.2 haproxy[1]: Proxy prod_http_in started.").outcome == .ignored)
        #expect(TextFormatTesting.one(.haproxy, "Feb 25 16:19:38 lb1 haproxy[1]: Server bk/srv1 is DOWN, reason: Layer4 timeout").outcome == .ignored)
        #expect(TextFormatTesting.one(.haproxy, "Feb 25 16:19:38 host sshd[1]: Accepted publickey for root").outcome == .rejected(.malformed))
        let combined = #"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8""#
        #expect(TextFormatTesting.one(.haproxy, combined).outcome == .rejected(.malformed))
        let badTimers = Self.httplog.replacingOccurrences(of: "10/0/30/69/109", with: "10/0/x/69/109")
        #expect(TextFormatTesting.one(.haproxy, badTimers).outcome == .rejected(.malformed))
        let badStatus = Self.httplog.replacingOccurrences(of: " 200 2750 ", with: " OK 2750 ")
        #expect(TextFormatTesting.one(.haproxy, badStatus).outcome == .rejected(.badStatus))
        let badDate = Self.httplog.replacingOccurrences(of: "06/Feb/2009", with: "06/Fev/2009")
        #expect(TextFormatTesting.one(.haproxy, badDate).outcome == .rejected(.badTimestamp))
    }

    @Test func detectedAsHAProxy() {
        let text = Self.syslog + "Proxy http-in started.\n" + Self.syslog + Self.httplog + "\n" + Self.syslog + Self.httplog
        #expect(TextFormatTesting.detect(text) == .haproxy)
    }

    @Test func generatedLogIsReadBack() {
        let r = TextFormatTesting.generatedRecovery(.haproxy)
        #expect(r.parsed == 20_000)
        #expect(r.f1 >= 0.95, "F1 \(r.f1)")
    }
}

/// A captured header value is taken for the host only when it looks like one: the host is printed in
/// the report, so credentials with dots in them (JWTs, dotted API keys) must never pass.
struct HAProxyCapturedHostShapeTests {
    @Test(arguments: ["api.example.com", "api.example.com:8443", "localhost", "10.0.0.7", "shop-1.eu.example.io"])
    func hostNamesAndAddressesAreHosts(value: String) {
        #expect(Array(value.utf8).withUnsafeBufferPointer { HAProxyLogParser.isHostShaped($0) })
    }

    @Test(arguments: [
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlLXZhbHVlLTEyMzQ1Njc4OTA",
        "ak_live.9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        "abc.def123", "key.part.x1y2", "1.2.3", "host.example.com:80a", "a..b.com", "sk_live_abc.def", "key_1.example.com",
    ])
    func credentialsAndOddValuesAreNotHosts(value: String) {
        #expect(!Array(value.utf8).withUnsafeBufferPointer { HAProxyLogParser.isHostShaped($0) })
    }
}

/// Captured header values that are credentials: sorted into the credential fields (classified,
/// never written out), never into the host (printed in the report) or the user agent.
struct HAProxyCapturedCredentialTests {
    static func capture(_ values: String) -> TextFormatLine {
        TextFormatTesting.one(.haproxy, HAProxyLogParserTests.httplog.replacingOccurrences(of: "{1wt.eu} {}", with: "{\(values)} {}"))
    }

    static let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlLXZhbHVlLTEyMzQ1Njc4OTA"

    @Test func aBareJWTIsAnAuthorization() {
        let r = Self.capture("api.example.com|\(Self.jwt)|curl/8.5.0")
        #expect(r.outcome == .call)
        #expect(r.authorization == Self.jwt && r.host == "api.example.com" && r.userAgent == "curl/8.5.0" && r.forwardedFor == "")
        // Alone, and before the host: still never the host.
        let alone = Self.capture(Self.jwt)
        #expect(alone.authorization == Self.jwt && alone.host == "" && alone.userAgent == "" && alone.forwardedFor == "")
        // The classifier reads the bare JWT by its shape.
        var call = RawCall()
        let line = Array(HAProxyLogParserTests.httplog.replacingOccurrences(of: "{1wt.eu}", with: "{\(Self.jwt)}").utf8)
        let auth = line.withUnsafeBufferPointer { p -> AuthKind in
            var parser = HAProxyLogParser()
            #expect(parser.parse(p, into: &call) == .call)
            return CallClassifier().classify(call, query: nil, traits: InputTraits(InputContext(role: .lb, yields: CallFieldSet(FormatDescriptor.haproxy.yields)))).auth
        }
        #expect(auth == .bearerJWT)
    }

    @Test func aBasicCredentialWithoutItsSchemeIsAnAuthorization() {
        // base64("alice:wonderland"), and one with `+`/`/` in it.
        let r = Self.capture("api.example.com|YWxpY2U6d29uZGVybGFuZA==")
        #expect(r.authorization == "YWxpY2U6d29uZGVybGFuZA==" && r.userAgent == "" && r.host == "api.example.com")
        let slashed = "Pz8/Pjo+Pz8/"  // base64("???>:>???")
        let s = Self.capture(slashed)
        #expect(s.authorization == slashed && s.userAgent == "" && s.host == "")
    }

    @Test func apiKeysAreAPIKeysNeverHostsOrAgents() {
        for key in ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "ak_live.9f8e7d6c5b4a39281706f5e4d3c2b1a0",
                    "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "key.part.x1y2z3w4v5u6t7s8"] {
            let r = Self.capture("api.example.com|\(key)")
            #expect(r.apiKey == key && r.host == "api.example.com" && r.userAgent == "" && r.forwardedFor == "", "\(key)")
            let alone = Self.capture(key)
            #expect(alone.apiKey == key && alone.host == "" && alone.userAgent == "", "\(key)")
        }
        // A dotted key too short to be a token is not read at all (and is still not a host).
        let short = Self.capture("sk_live_abc.def")
        #expect(short.host == "" && short.apiKey == "" && short.userAgent == "")
    }

    @Test func schemesAreCaseInsensitiveAndSignedRequestsAreAuthorizations() {
        let sigv4 = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261010/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        let r = Self.capture(sigv4)
        #expect(r.authorization == sigv4 && r.userAgent == "")
        #expect(Self.capture("bearer abc").authorization == "bearer abc")
        #expect(Self.capture("Token 0123456789abcdef0123").authorization == "Token 0123456789abcdef0123")
    }

    @Test func nearMissesKeepTheirFields() {
        // Product tokens are user agents, host names hosts; a request id (UUID) is not an API key.
        for agent in ["curl/8.5.0", "python-requests/2.31.0", "Go-http-client/1.1", "Apache-HttpClient/4.5.13", "okhttp/4.9.3-beta"] {
            let r = Self.capture(agent)
            #expect(r.userAgent == agent && r.apiKey == "" && r.authorization == "", "\(agent)")
        }
        let host = Self.capture("api-gateway-01.prod.example.com")
        #expect(host.host == "api-gateway-01.prod.example.com" && host.apiKey == "")
        let uuid = Self.capture("api.example.com|3bbc0252-2d5c-49fe-bd89-104e9b61770b")
        #expect(uuid.apiKey == "" && uuid.host == "api.example.com" && uuid.forwardedFor == "")
        // Not a product token: two slashes, a version that is not a version.
        #expect(Self.capture("abc/def/ghi").userAgent == "")
        #expect(Self.capture("curl/x8").userAgent == "")
        // base64 of text without a colon is not a Basic credential.
        #expect(Self.capture("aGVsbG8=").authorization == "")
    }
}

struct CredentialShapeTests {
    @Test(arguments: [
        (HAProxyCapturedCredentialTests.jwt, CredentialShape?.some(.jwt)),
        ("YWxpY2U6d29uZGVybGFuZA==", .basic),
        ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", .token),
        ("0123456789abcdef0123456789abcdef", .token),
        ("3bbc0252-2d5c-49fe-bd89-104e9b61770b", nil),
        ("api.example.com", nil),
        ("abcdefghijklmnopqrstuvwxyz", nil),
        ("short1", nil),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0", .token),  // one dot: not a JWT, still a token
        ("aGVsbG8=", nil),  // base64("hello"): no colon, too short for a token
        ("with space 0123456789abcdef", nil),
    ])
    func shapes(value: String, shape: CredentialShape?) {
        #expect(Array(value.utf8).withUnsafeBufferPointer { CredentialShape.of($0) } == shape, "\(value)")
    }
}
