import Testing
@testable import APICensusCore

@Suite struct KongLogParserTests {
    func parse(_ line: String) -> (LineOutcome, GatewayCall) { GatewayJSON.parse(.kong, line) }

    /// 2026-10-10T13:55:36Z
    static let t0: Int64 = 1_791_640_536_000

    @Test func catalogExampleYieldsEveryField() {
        let (outcome, c) = parse(FormatDescriptor.kong.example)
        #expect(outcome == .call)
        #expect(c.method == "GET" && c.target == "/api/v1/users/42?expand=orders" && c.version == "")
        #expect(c.host == "api.example.com" && c.scheme == "https")
        #expect(c.status == 200 && c.bytes == 827 && c.micros == 15_000 && c.millis == Self.t0)
        #expect(c.client == "203.0.113.7" && c.userAgent == "curl/8.5.0")
        #expect(c.tlsProtocol == "TLSv1.3" && c.tlsCipher == "TLS_AES_256_GCM_SHA384" && c.clientCertificate == .none)
        #expect(c.route == "users-route" && c.service == "users" && c.upstream == "users.internal")
        #expect(c.consumer == "mobile-app")
        #expect(c.headersForm == .jsonObject && c.requestHeaders.hasPrefix("{\"host\"") && c.requestHeaders.hasSuffix("}"))
        #expect(c.valid)
    }

    /// The shape of Kong's documented example (Kong ≤ 3.3): plain HTTP, ids only, no route/service names.
    @Test func documentedExampleShape() {
        let line = #"{"service":{"host":"httpbin.org","created_at":1614232642,"connect_timeout":60000,"id":"167290ee-c682-4ebf-bdea-e49a3ac5e260","protocol":"http","port":80,"path":"/anything","retries":5},"route":{"id":"78f79740-c410-4fd9-a998-d0a60a99dc9b","paths":["/log"],"protocols":["http"],"strip_path":true,"service":{"id":"167290ee-c682-4ebf-bdea-e49a3ac5e260"}},"request":{"querystring":{},"size":138,"uri":"/log","url":"http://localhost:8000/log","headers":{"host":"localhost:8000","accept-encoding":"gzip, deflate","user-agent":"HTTPie/2.4.0","accept":"*/*","connection":"keep-alive"},"method":"GET"},"response":{"headers":{"content-type":"application/json","x-kong-proxy-latency":"57"},"status":200,"size":827},"latencies":{"request":515,"kong":58,"proxy":457},"tries":[{"balancer_latency":0,"port":80,"balancer_start":1614232668399,"ip":"18.211.130.98"}],"client_ip":"192.168.144.1","workspace":"54baa5a9-23d6-41e0-9c9a-02434b010b25","upstream_uri":"/anything","authenticated_entity":{"id":"c62c1455-9b1d-4f2d-8797-509ba83b8ae8"},"consumer":{"id":"ae974d6c-0f8a-4dc5-b701-fa0aa38592bd","username_lower":"foo","username":"foo","type":0},"started_at":1614232668342}"#
        let (outcome, c) = parse(line)
        #expect(outcome == .call)
        #expect(c.method == "GET" && c.target == "/log" && c.host == "localhost:8000" && c.scheme == "http")
        #expect(c.status == 200 && c.bytes == 827 && c.micros == 515_000 && c.millis == 1_614_232_668_342)
        #expect(c.client == "192.168.144.1" && c.userAgent == "HTTPie/2.4.0")
        // Names absent: the ids stand in.
        #expect(c.route == "78f79740-c410-4fd9-a998-d0a60a99dc9b" && c.service == "167290ee-c682-4ebf-bdea-e49a3ac5e260")
        #expect(c.upstream == "httpbin.org" && c.consumer == "foo")
        // No `request.tls`: plain HTTP, no client certificate.
        #expect(c.tlsProtocol == "" && c.clientCertificate == .none)
    }

    @Test func credentialsAndHeadersArePulledOut() {
        let line = #"{"request":{"method":"POST","uri":"/v1/orders","url":"https://api.example.com:443/v1/orders","headers":{"host":"api.example.com","authorization":"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln","cookie":"session=abc","apikey":"k-123","content-type":"application/json","x-forwarded-for":["198.51.100.1","10.0.0.1"],"x-request-id":"req-1","referer":"https://app.example.com/","user-agent":["okhttp/4.12.0","dup"]}},"response":{"status":201,"size":"310"},"latencies":{"request":12.5},"client_ip":"10.0.0.1","started_at":1791640536000.25}"#
        let (outcome, c) = parse(line)
        #expect(outcome == .call)
        #expect(c.authorization == "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln")
        #expect(c.cookie == "session=abc" && c.apiKey == "k-123" && c.contentType == "application/json")
        #expect(c.forwardedFor == "198.51.100.1")  // several values: the first
        #expect(c.userAgent == "okhttp/4.12.0" && c.referrer == "https://app.example.com/")
        #expect(c.requestId == "req-1")
        #expect(c.bytes == 310)  // older Kong logs sizes as strings
        #expect(c.micros == 12_500 && c.millis == Self.t0)
        #expect(c.consumer == "")  // anonymous
        // `x-api-key` when there is no `apikey`; `request.id` (Kong ≥ 3.5) before the header.
        let c2 = parse(#"{"request":{"id":"kong-id","method":"GET","uri":"/a","headers":{"x-api-key":"k2","x-request-id":"hdr"}},"response":{"status":200},"client_ip":"::1","started_at":1791640536000}"#).1
        #expect(c2.apiKey == "k2" && c2.requestId == "kong-id" && c2.client == "::1")
    }

    @Test func clientCertificateVerification() {
        func cert(_ verify: String) -> ClientCertificateEvidence {
            parse(#"{"request":{"method":"GET","uri":"/","tls":{"version":"TLSv1.2","cipher":"ECDHE-RSA-AES128-GCM-SHA256","client_verify":"\#(verify)"}},"response":{"status":200},"client_ip":"1.2.3.4","started_at":1791640536000}"#).1.clientCertificate
        }
        #expect(cert("SUCCESS") == .verified)
        #expect(cert("NONE") == .none)
        #expect(cert("FAILED:certificate has expired") == .failed)
        #expect(cert("SOMETHING") == .presented)
        let c = parse(#"{"request":{"method":"GET","uri":"/","tls":{"version":"TLSv1.2","cipher":"ECDHE-RSA-AES128-GCM-SHA256"}},"response":{"status":200},"client_ip":"1.2.3.4","started_at":1791640536000}"#).1
        #expect(c.tlsProtocol == "TLSv1.2" && c.tlsCipher == "ECDHE-RSA-AES128-GCM-SHA256" && c.clientCertificate == .none)
    }

    @Test func targetAndHostFallBackToTheURL() {
        let c = parse(#"{"request":{"method":"GET","url":"https://[2001:db8::1]:8443/v1/x?y=1","headers":{}},"response":{"status":200},"upstream_uri":"/x","started_at":1791640536000}"#).1
        #expect(c.target == "/v1/x?y=1" && c.host == "[2001:db8::1]:8443" && c.scheme == "https" && c.valid)
        // An empty uri (Kong writes "" when nginx has none) also falls back.
        let c2 = parse(#"{"request":{"method":"GET","uri":"","url":"http://h:8000/p\/q"},"response":{"status":404},"client_ip":"1.2.3.4","started_at":1791640536000}"#).1
        #expect(c2.target == "/p/q" && c2.host == "h:8000")
    }

    @Test func garbageRequestsStayOutOfTheInventory() {
        let (outcome, c) = parse(#"{"request":{"method":"","uri":"","url":"http://h:8000"},"response":{"status":400},"client_ip":"1.2.3.4","started_at":1791640536000}"#)
        #expect(outcome == .call && !c.valid && c.status == 400)
    }

    @Test func badValuesAreRejectedWithTheirReason() {
        #expect(parse(#"{"request":{"method":"GET","uri":"/"},"response":{"status":"OK"},"client_ip":"1","started_at":1791640536000}"#).0 == .rejected(.badStatus))
        #expect(parse(#"{"request":{"method":"GET","uri":"/"},"response":{"status":2000},"client_ip":"1","started_at":1791640536000}"#).0 == .rejected(.badStatus))
        #expect(parse(#"{"request":{"method":"GET","uri":"/"},"response":{"status":200},"client_ip":"1","started_at":"yesterday"}"#).0 == .rejected(.badTimestamp))
        #expect(parse(#"{"request":{"method":"GET","uri":"/"},"response":{"status":200},"client_ip":"1","started_at":1791640536000"#).0 == .rejected(.invalidJSON))
        #expect(parse("not json at all").0 == .rejected(.invalidJSON))
        #expect(parse("").0 == .ignored)
        #expect(parse("   ").0 == .ignored)
    }

    @Test func nearMissesAreRejected() {
        GatewayJSON.expectRejectsOthers(.kong)
        // Kong's keys without its signature: no start time, or nothing but the request object.
        #expect(parse(#"{"request":{"method":"GET","uri":"/"},"response":{"status":200},"client_ip":"1.2.3.4"}"#).0 == .rejected(.missingField))
        #expect(parse(#"{"request":{"method":"GET","uri":"/"},"started_at":1791640536000}"#).0 == .rejected(.missingField))
        // The generic JSON parser does not take a Kong line either (its request is an object).
        var generic = JSONLinesParser()
        var call = RawCall()
        let outcome = Array(FormatDescriptor.kong.example.utf8).withUnsafeBufferPointer { generic.parse($0, into: &call) }
        #expect(outcome != .call)
    }

    @Test func detectedFromItsExample() { GatewayJSON.expectDetected(.kong) }

    @Test func parserIsReusable() {
        var parser: any LineParser = KongLogParser()
        let a = GatewayJSON.parse(&parser, FormatDescriptor.kong.example).1
        let b = GatewayJSON.parse(&parser, #"{"request":{"method":"DELETE","uri":"/b"},"response":{"status":204},"client_ip":"1.2.3.4","started_at":1791640536000}"#).1
        #expect(a.consumer == "mobile-app" && b.consumer == "" && b.route == "" && b.tlsProtocol == "" && b.method == "DELETE")
    }
}
