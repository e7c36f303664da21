import Testing
@testable import APICensusCore

@Suite struct TraefikJSONParserTests {
    func parse(_ line: String) -> (LineOutcome, GatewayCall) { GatewayJSON.parse(.traefikJSON, line) }

    @Test func catalogExampleYieldsEveryField() {
        let (outcome, c) = parse(FormatDescriptor.traefikJSON.example)
        #expect(outcome == .call)
        #expect(c.method == "GET" && c.target == "/api/v1/users/42?expand=orders" && c.version == "HTTP/2.0")
        #expect(c.host == "api.example.com" && c.scheme == "https" && c.client == "203.0.113.7" && c.user == "")
        #expect(c.status == 200 && c.bytes == 512 && c.micros == 4117 && c.millis == 1_791_640_536_000)
        #expect(c.route == "users@docker" && c.service == "users@docker" && c.upstream == "10.0.3.7:8080")
        #expect(c.tlsProtocol == "1.3" && c.tlsCipher == "TLS_AES_128_GCM_SHA256" && c.clientCertificate == .notLogged)
        #expect(c.userAgent == "curl/8.5.0" && c.valid)
    }

    /// Traefik v2 logs `ServiceURL` as Go's url.URL object, and statuses sometimes as strings.
    @Test func olderTraefikShapes() {
        let line = #"{"ClientAddr": "172.20.0.1:52458","ClientHost": "1.2.3.4","ClientPort":"52458","ClientUsername":"-","request_User-Agent":"Prometheus/2.40.5","request_Referer":"www.example.com","DownstreamContentSize":15,"DownstreamStatus":"200","Duration":10002425284,"OriginContentSize":15,"OriginDuration":10002302842,"OriginStatus":504,"Overhead":122442,"RequestAddr":"localhost","RequestContentSize":0,"RequestCount":1,"RequestHost":"localhost","RequestMethod":"GET","RequestPath":"/my/app/auth?id=1234&user=dude","RequestPort":"-","RequestProtocol":"HTTP/1.1","RequestScheme":"http","RetryAttempts":0,"RouterName":"my-router@file","ServiceAddr":"apache:80","ServiceName":"my-service@file","ServiceURL":{"Scheme":"http","Opaque":"","User":null,"Host":"apache:80","Path":"","RawPath":"","OmitHost":false,"ForceQuery":false,"RawQuery":"","Fragment":"","RawFragment":""},"StartLocal":"2023-08-11T11:39:21.773360139Z","StartUTC":"2023-08-11T11:39:21.773360139Z","entryPointName":"http","level":"info","msg":"","time":"2023-08-11T11:41:25"}"#
        let (outcome, c) = parse(line)
        #expect(outcome == .call)
        #expect(c.status == 200)  // what the client got, not the origin's 504
        #expect(c.micros == 10_002_425 && c.millis == 1_691_754_085_000)  // `time`, as logged
        #expect(c.upstream == "apache:80" && c.client == "1.2.3.4" && c.referrer == "www.example.com")
        #expect(c.target == "/my/app/auth?id=1234&user=dude" && c.host == "localhost")
    }

    @Test func startTimeWhenTimeIsDropped() {
        let c = parse(#"{"RequestMethod":"GET","RequestPath":"/a","DownstreamStatus":200,"StartUTC":"2026-10-10T13:55:36.123456789Z","StartLocal":"2026-10-10T15:55:36.123456789+02:00"}"#).1
        #expect(c.millis == 1_791_640_536_123)
        let local = parse(#"{"RequestMethod":"GET","RequestPath":"/a","DownstreamStatus":200,"StartLocal":"2026-10-10T15:55:36.123456789+02:00"}"#).1
        #expect(local.millis == 1_791_640_536_123)
    }

    /// With forwarded headers trusted, `ClientHost` can hold the chain: the last hop is the client.
    @Test func forwardedChainInClientHost() {
        let c = parse(#"{"ClientAddr":"172.71.122.85:11029","ClientHost":"192.168.1.100,10.0.0.50","RequestMethod":"OPTIONS","RequestPath":"/_matrix/client/v3/sync","RequestProtocol":"HTTP/2.0","RequestScheme":"https","DownstreamStatus":204,"ServiceURL":"http://172.16.16.25:8008","TLSCipher":"TLS_AES_128_GCM_SHA256","TLSVersion":"1.3","time":"2025-11-28T09:21:55Z"}"#).1
        #expect(c.client == "10.0.0.50" && c.forwardedFor == "192.168.1.100,10.0.0.50")
        #expect(c.upstream == "172.16.16.25:8008" && c.tlsProtocol == "1.3")
        // Without ClientHost: ClientAddr without its port, IPv6 too.
        let v6 = parse(#"{"ClientAddr":"[2001:db8::9]:4431","RequestMethod":"GET","RequestPath":"/","DownstreamStatus":200}"#).1
        #expect(v6.client == "2001:db8::9")
    }

    @Test func keptHeadersAreRead() {
        let c = parse(#"{"RequestMethod":"POST","RequestPath":"/v1/orders","DownstreamStatus":201,"ClientUsername":"bob","request_Authorization":"Basic Ym9iOnNlY3JldA==","request_Cookie":"sid=1","request_Apikey":"k-9","request_Content-Type":"application/json","request_X-Forwarded-For":"198.51.100.1, 10.0.0.1","request_X-Request-Id":"rid-1","TLSClientSubject":"CN=device-7","ClientHost":"10.0.0.1"}"#).1
        #expect(c.authorization == "Basic Ym9iOnNlY3JldA==" && c.cookie == "sid=1" && c.apiKey == "k-9")
        #expect(c.contentType == "application/json" && c.forwardedFor == "198.51.100.1, 10.0.0.1" && c.requestId == "rid-1")
        #expect(c.user == "bob" && c.clientCertificate == .presented)
        let redacted = parse(#"{"RequestMethod":"GET","RequestPath":"/","DownstreamStatus":200,"request_Authorization":"REDACTED","request_X-Api-Key":"REDACTED","TLSClientSubject":""}"#).1
        #expect(redacted.authorization == "REDACTED" && redacted.apiKey == "REDACTED" && redacted.clientCertificate == .none)
    }

    @Test func garbageAndBadValues() {
        let (outcome, c) = parse(#"{"RequestMethod":"","RequestPath":"","DownstreamStatus":400,"ClientHost":"1.2.3.4"}"#)
        #expect(outcome == .call && !c.valid)
        #expect(parse(#"{"RequestMethod":"GET","RequestPath":"/","DownstreamStatus":"two hundred"}"#).0 == .rejected(.badStatus))
        #expect(parse(#"{"RequestMethod":"GET","RequestPath":"/","DownstreamStatus":200,"time":"13:55"}"#).0 == .rejected(.badTimestamp))
        #expect(parse("not a log line at all").0 == .rejected(.invalidJSON))
    }

    /// Traefik's own log and its plugins' prints share stdout with the access log.
    @Test func traefiksOwnLogLinesAreToldApart() {
        for line in [#"time="2021-12-08T14:02:43Z" level=info msg="Configuration loaded from flags.""#,
                     "2025-09-05T13:53:40Z INF Starting provider aggregator aggregator.ProviderAggregator",
                     "2025-09-05T13:53:40+02:00 ERR error=\"dial tcp 10.0.0.1:80: connect: connection refused\"",
                     #"{"level":"info","msg":"Configuration loaded from flags.","time":"2026-10-10T13:55:36Z"}"#] {
            #expect(parse(line).0 == .rejected(.errorLog), "\(line)")
        }
        // Time-stamped text that is not a Traefik log line.
        #expect(parse("2025-09-05T13:53:40Z something else").0 == .rejected(.invalidJSON))
    }

    /// Traefik's stdout as crowdsec's sample has it: access records, a plugin's print between them.
    @Test func aStreamWithAPluginPrintCountsItAsErrorLog() {
        let text = FormatDescriptor.traefikJSON.example + "\nDEBUG: CrowdsecBouncerTraefikPlugin: 2025/09/05 13:53:40 handleStreamCache:updated\n"
            + FormatDescriptor.traefikJSON.example + "\n"
        var aggregator = CallAggregator()
        var parser = AnyLineParser(format: .traefikJSON, fieldMap: .default)
        Array(text.utf8).withUnsafeBufferPointer {
            _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: 0, firstLine: 0, startOffset: 0, parser: &parser)
        }
        let state = aggregator.snapshot()
        #expect(state.files[0]?.parsed == 2 && state.files[0]?.rejected == 1)
        #expect(state.rejectedByReason[.errorLog] == 1)
    }

    @Test func nearMissesAreRejected() {
        GatewayJSON.expectRejectsOthers(.traefikJSON)
        // JSON with Traefik-like keys but no request.
        #expect(parse(#"{"RequestMethod":"GET","time":"2026-10-10T13:55:36Z"}"#).0 == .rejected(.missingField))
        // Traefik's CLF access log is another format's.
        #expect(parse(#"192.168.1.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 12 "-" "curl/8" 42 "router@docker" "http://10.0.0.1:80" 3ms"#).0 == .rejected(.invalidJSON))
    }

    @Test func detectedFromItsExample() { GatewayJSON.expectDetected(.traefikJSON) }
}
