import Testing
@testable import APICensusCore

@Suite struct FastlyLogParserTests {
    func parse(_ line: String) -> (LineOutcome, GatewayCall) { GatewayJSON.parse(.fastly, line) }

    /// 2026-10-10T13:55:36Z
    static let t0: Int64 = 1_791_640_536_000

    @Test func catalogExampleYieldsEveryField() {
        let (outcome, c) = parse(FormatDescriptor.fastly.example)
        #expect(outcome == .call)
        #expect(c.method == "GET" && c.target == "/api/v1/users/42?expand=orders" && c.version == "HTTP/2")
        #expect(c.host == "api.example.com" && c.client == "203.0.113.7" && c.userAgent == "curl/8.5.0" && c.referrer == "")
        #expect(c.status == 200 && c.bytes == 512 && c.millis == Self.t0 && c.micros == 4117)
        #expect(c.tlsProtocol == "TLSv1.3" && c.tlsCipher == "TLS_AES_128_GCM_SHA256" && c.scheme == "https")
        #expect(c.authorization == "Bearer" && c.valid)  // the scheme only, as recommended
    }

    /// The shape of crowdsec's sample: Fastly's documented JSON, spaced, behind an rsyslog header.
    @Test func syslogHeaderIsSkipped() {
        let json = #"{     "timestamp": "2021-11-12T16:59:45+0000",     "client_ip": "1.2.3.4",     "geo_country": "france",     "geo_city": "gargenville",     "host": "fastly.mydomain.com",     "url": "/zVnC16Tl.exe",     "request_method": "GET",     "request_protocol": "HTTP/1.1",     "request_referer": "",     "request_user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",     "response_state": "MISS-CLUSTER",     "response_status": 404,     "response_reason": "Not Found",     "response_body_size": 564,     "fastly_server": "cache-cdg20764-CDG",     "fastly_is_edge": true   }"#
        for prefix in ["", "2021-11-12T16:59:46.613304+00:00 1.1.1.1  ", "<134>2021-11-12T16:59:46Z cache-cdg20764 my-endpoint[327]: ",
                       "Nov 12 16:59:46 cache-cdg20764 fastly: "] {
            let (outcome, c) = parse(prefix + json)
            #expect(outcome == .call, "\(prefix)")
            #expect(c.method == "GET" && c.target == "/zVnC16Tl.exe" && c.host == "fastly.mydomain.com" && c.status == 404, "\(prefix)")
            #expect(c.bytes == 564 && c.client == "1.2.3.4" && c.millis == 1_636_736_385_000 && c.micros == -1, "\(prefix)")
        }
        // Text before the object that is not a syslog header.
        #expect(parse(#"error: "bad" {"url":"/"}"#).0 == .rejected(.malformed))
        #expect(parse("hello world " + json).0 == .rejected(.malformed))
    }

    /// Sumo Logic's widely used Fastly format: `request` is the method, `time_elapsed` microseconds.
    @Test func sumoLogicShape() {
        let line = #"{"service_id":"SU1Z0isxPaozGVKXdv0eY","service_version":"42","time_start":"2026-10-10T13:55:36UTC","time_end":"2026-10-10T13:55:37UTC","time_elapsed":8123,"client_ip":"2001:db8::5","request":"POST","protocol":"HTTP/1.1","host":"api.example.com","origin_host":"origin.example.com","url":"/v1/orders?x=1","is_ipv6":true,"is_tls":false,"tls_client_protocol":"","tls_client_cipher":"","status":"201","resp_body_size":77,"request_user_agent":"okhttp/4.12.0"}"#
        let (outcome, c) = parse(line)
        #expect(outcome == .call)
        #expect(c.method == "POST" && c.target == "/v1/orders?x=1" && c.version == "HTTP/1.1" && c.status == 201)
        #expect(c.millis == Self.t0 && c.micros == 8123 && c.bytes == 77 && c.client == "2001:db8::5")
        #expect(c.scheme == "http" && c.tlsProtocol == "")
        // A whole request line in `request` gives its method.
        let c2 = parse(#"{"service_id":"s","request":"GET /a HTTP/1.1","url":"/a","status":200}"#).1
        #expect(c2.method == "GET")
    }

    @Test func recommendedExtraKeys() {
        let c = parse(#"{"timestamp":"2026-10-10T13:55:36+0000","url":"/x","request_method":"PUT","response_status":204,"fastly_server":"cache-1","request_id":"rid-1","x_forwarded_for":"198.51.100.1, 10.0.0.1","request_content_type":"application/json","auth_scheme":"Basic","tls_client_protocol":"TLSv1.2"}"#).1
        #expect(c.requestId == "rid-1" && c.forwardedFor == "198.51.100.1, 10.0.0.1" && c.contentType == "application/json")
        #expect(c.authorization == "Basic" && c.scheme == "https" && c.tlsProtocol == "TLSv1.2")
    }

    @Test func badValuesAreRejectedWithTheirReason() {
        #expect(parse(#"{"url":"/","request_method":"GET","response_status":"OK","fastly_server":"c"}"#).0 == .rejected(.badStatus))
        #expect(parse(#"{"timestamp":"soon","url":"/","request_method":"GET","response_status":200,"fastly_server":"c"}"#).0 == .rejected(.badTimestamp))
        #expect(parse(#"{"url":"/","request_method":"GET","response_status":200,"fastly_server":"c""#).0 == .rejected(.invalidJSON))
        let (outcome, c) = parse(#"{"url":"","request_method":"","response_status":400,"fastly_server":"c"}"#)
        #expect(outcome == .call && !c.valid)
        #expect(parse("").0 == .ignored)
    }

    @Test func nearMissesAreRejected() {
        GatewayJSON.expectRejectsOthers(.fastly)
        // The generic JSON keys without a Fastly key.
        #expect(parse(#"{"url":"/a","request_method":"GET","status":200,"time":"2026-10-10T13:55:36Z"}"#).0 == .rejected(.missingField))
        // Fastly's default (CLF) log format is the combined parser's.
        #expect(parse(#"203.0.113.7 "-" "-" Sat, 10 Oct 2026 13:55:36 GMT GET /a 200"#).0 == .rejected(.malformed))
    }

    @Test func detectedFromItsExample() { GatewayJSON.expectDetected(.fastly) }
}
