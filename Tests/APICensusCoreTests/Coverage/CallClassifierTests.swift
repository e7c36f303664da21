import Foundation
import Testing
@testable import APICensusCore

/// A JWT with the given header and payload JSON and a fake signature (never verified).
func makeJWT(header: String, payload: String, signature: String = "c2lnbmF0dXJl") -> String {
    func b64url(_ s: String) -> String {
        Data(s.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
    return "\(b64url(header)).\(b64url(payload)).\(signature)"
}

@Suite struct NetworkAddressTests {
    @Test func readsIPv4IPv6PortsAndMappedAddresses() {
        #expect(IPAddress.parse("10.1.2.3") == .v4(0x0A01_0203))
        #expect(IPAddress.parse("10.1.2.3:8443") == .v4(0x0A01_0203))
        #expect(IPAddress.parse("::ffff:192.168.0.1") == .v4(0xC0A8_0001))
        #expect(IPAddress.parse("::1") == .v6(0, 1))
        #expect(IPAddress.parse("[2001:db8::1]:443") == .v6(0x2001_0DB8_0000_0000, 1))
        #expect(IPAddress.parse("fe80::1%eth0") == .v6(0xFE80_0000_0000_0000, 1))
        for bad in ["", "-", "api.example.com", "1.2.3", "1.2.3.256", "1.2.3.4.5", "2001:db8::1::2", "12345::"] {
            #expect(IPAddress.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func cidrRangesContainTheirAddresses() {
        let set = CIDRSet(["10.0.0.0/8", "2001:db8::/32", "203.0.113.7"].map { CIDRRange($0)! })
        #expect(set.contains(IPAddress.parse("10.255.0.1")!))
        #expect(!set.contains(IPAddress.parse("11.0.0.1")!))
        #expect(set.contains(IPAddress.parse("2001:db8:ffff::1")!))
        #expect(!set.contains(IPAddress.parse("2001:db9::1")!))
        #expect(set.contains(IPAddress.parse("203.0.113.7")!))
        #expect(!set.contains(IPAddress.parse("203.0.113.8")!))
        #expect(CIDRRange("10.0.0.0/33") == nil)
        #expect(CIDRRange("10.0.0/8") == nil)
        #expect(CIDRSet.privateRanges.contains(IPAddress.parse("172.20.1.1")!))
        #expect(!CIDRSet.privateRanges.contains(IPAddress.parse("172.32.1.1")!))
        #expect(CIDRSet.privateRanges.contains(IPAddress.parse("fd12::1")!))
    }
}

@Suite struct CallClassifierTests {
    let b = TestBytes()
    let gateway = InputTraits(InputContext(role: .gateway, yields: CallFieldSet(EvidenceFixtureParser.gatewayFields)))
    let service = InputTraits(InputContext(role: .service, yields: CallFieldSet(EvidenceFixtureParser.serviceFields)))

    func call(_ fields: [String: String]) -> RawCall {
        var c = RawCall()
        c.method = b(fields["method"] ?? "GET")
        c.target = b(fields["target"] ?? "/api/v1/items")
        c.client = b(fields["client"] ?? "198.51.100.7")
        c.status = Int32(fields["status"] ?? "200")!
        c.timestampMillis = (Int64(fields["time"] ?? "1767225600") ?? 0) * 1000
        if let v = fields["auth"] { c.authorization = b(v) }
        if let v = fields["user"] { c.user = b(v) }
        if let v = fields["cookie"] { c.cookie = b(v) }
        if let v = fields["consumer"] { c.consumer = b(v) }
        if let v = fields["tls"] { c.tlsProtocol = b(v) }
        if let v = fields["cipher"] { c.tlsCipher = b(v) }
        if let v = fields["scheme"] { c.scheme = b(v) }
        if let v = fields["xff"] { c.forwardedFor = b(v) }
        if let v = fields["ctype"] { c.contentType = b(v) }
        if let v = fields["version"] { c.httpVersion = b(v) }
        if let v = fields["waf"] { c.wafAction = b(v) }
        if let v = fields["headers"] {
            c.requestHeaders = b(v)
            c.requestHeadersForm = v.hasPrefix("[") ? .jsonNameValueArray : .jsonObject
        }
        return c
    }

    func classify(_ fields: [String: String], traits: InputTraits? = nil, settings: CoverageSettings = CoverageSettings()) -> CallEvidence {
        let c = call(fields)
        let target = RequestTarget.split(c.target, isConnect: false)!
        return CallClassifier(settings: settings).classify(c, query: target.hasQuery ? target.query : nil, traits: traits ?? gateway)
    }

    @Test func authenticationKinds() {
        let signed = makeJWT(header: #"{"alg":"RS256","typ":"JWT"}"#, payload: #"{"sub":"u1","exp":1893456000}"#)
        #expect(classify(["auth": "Bearer \(signed)"]).auth == .bearerJWT)
        #expect(classify(["auth": "Bearer 2YotnFZFEjr1zCsicMWpAA"]).auth == .bearerOpaque)
        #expect(classify(["auth": "Basic dXNlcjpwYXNz"]).auth == .basic)
        #expect(classify(["auth": "Digest username=\"u\""]).auth == .other)
        #expect(classify([:]).auth == .none)
        #expect(classify(["headers": #"{"X-API-Key": "k-123", "accept": "*/*"}"#]).auth == .apiKey)
        #expect(classify(["headers": #"[{"name": "Authorization", "value": "Bearer abc.def"}]"#]).auth == .bearerOpaque)
        #expect(classify(["target": "/api/v1/items?api_key=sk_live_abc&limit=5"]).auth == .apiKeyQuery)
        #expect(classify(["target": "/api/v1/items?limit=5&access_token=abc"]).auth == .apiKeyQuery)
        #expect(classify(["target": "/api/v1/items?monkey=1"]).auth == .none)
        #expect(classify(["cookie": "theme=dark; JSESSIONID=abc123"]).auth == .sessionCookie)
        #expect(classify(["cookie": "theme=dark"]).auth == .none)
        #expect(classify(["consumer": "mobile-app"]).auth == .gatewayConsumer)
        var mtls = call([:])
        mtls.clientCertificate = .verified
        #expect(CallClassifier().classify(mtls, query: nil, traits: gateway).auth == .mtls)
    }

    /// The secret-free configurations the format pages recommend log the scheme word only
    /// (`$auth_scheme`, `%REQ(AUTHORIZATION):6%`, `word(1,' ')`): that is still a credential's kind.
    @Test func schemeOnlyAuthorizationGivesItsKind() {
        #expect(classify(["auth": "Bearer"]).auth == .bearerSchemeOnly)
        #expect(classify(["auth": "bearer"]).auth == .bearerSchemeOnly)
        #expect(classify(["auth": "Bearer   "]).auth == .bearerSchemeOnly)
        #expect(classify(["auth": "Basic "]).auth == .basic)
        #expect(classify(["auth": "BASIC"]).auth == .basic)
        #expect(classify(["auth": "Token"]).auth == .bearerSchemeOnly)
        #expect(classify(["auth": "Digest"]).auth == .other)
        #expect(classify(["auth": "AWS4-HMAC-SHA256"]).auth == .other)
        #expect(classify(["auth": "Negotiate"]).auth == .other)
        // A value the logger masked (Caddy's default): a credential was sent.
        #expect(classify(["auth": "REDACTED"]).auth == .other)
        // Only an empty value or `-` means no credential.
        #expect(classify(["auth": "-"]).auth == .none)
        #expect(classify(["auth": " "]).auth == .none)
        // Scheme-only bearer calls count as strong, but say nothing about alg.
        let e = classify(["auth": "Bearer"])
        #expect(AuthKind.bearerSchemeOnly.isStrong && !e.jwtAlgNone)
        // A JWT the logger padded with spaces is still read.
        let unsigned = makeJWT(header: #"{"alg":"none"}"#, payload: #"{"exp":1893456000}"#, signature: "")
        let padded = classify(["auth": "Bearer \(unsigned)   "])
        #expect(padded.auth == .bearerJWT && padded.jwtAlgNone)
    }

    /// Caddy writes `REDACTED` for the Cookie header by default: a cookie (a session) was sent.
    @Test func maskedCookiesAreCredentials() {
        #expect(classify(["cookie": "REDACTED"]).auth == .sessionCookie)
        #expect(classify(["cookie": "[REDACTED]"]).auth == .sessionCookie)
        #expect(classify(["cookie": "****"]).auth == .sessionCookie)
        #expect(classify(["cookie": "-"]).auth == .none)
        #expect(classify(["headers": #"{"Cookie": ["REDACTED"], "Authorization": ["REDACTED"]}"#]).auth == .other)
        #expect(classify(["headers": #"{"Cookie": ["REDACTED"]}"#]).auth == .sessionCookie)
    }

    /// A key a keyed format leaves out is "not logged", never "logged and absent".
    @Test func evidenceTheRecordLeavesOutIsNotObservable() {
        var c = call([:])
        c.unlogged = [.credentials, .tls]
        let e = CallClassifier().classify(c, query: nil, traits: gateway)
        #expect(e.auth == .notObservable)
        #expect(e.tls == .notObservable)
        // What the record does show still decides.
        c.scheme = b("https")
        c.consumer = b("mobile-app")
        let shown = CallClassifier().classify(c, query: nil, traits: gateway)
        #expect(shown.tls == .tlsUnknownVersion && shown.auth == .gatewayConsumer)
        c.scheme = b("http")
        #expect(CallClassifier().classify(c, query: nil, traits: gateway).tls == .plaintext)
        var keyed = call(["target": "/x?api_key=abc"])
        keyed.unlogged = [.credentials]
        #expect(CallClassifier().classify(keyed, query: b("api_key=abc"), traits: gateway).auth == .apiKeyQuery)
    }

    /// The Envoy JSON example line without its TLS keys, and with no `authorization` key (Envoy's
    /// default format logs none): not observable. A named key logged empty, `-` or null is absent.
    @Test func envoyJSONKeysTheFormatDoesNotNameAreNotObservable() {
        let traits = InputTraits(InputContext(role: .lb, yields: CallFieldSet(FormatDescriptor.envoyJSON.yields)))
        let example = FormatDescriptor.envoyJSON.example
            .replacingOccurrences(of: #","downstream_tls_version":"TLSv1.3","downstream_tls_cipher":"TLS_AES_128_GCM_SHA256""#, with: "")
        #expect(!example.contains("tls") && !example.contains("authorization"))
        func evidence(_ line: String) -> CallEvidence {
            var parser = EnvoyJSONParser()
            var call = RawCall()
            return Array(line.utf8).withUnsafeBufferPointer { bytes in
                #expect(parser.parse(bytes, into: &call) == .call)
                return CallClassifier().classify(call, query: nil, traits: traits)
            }
        }
        let bare = evidence(example)
        #expect(bare.auth == .notObservable)
        #expect(bare.tls == .notObservable)
        for logged in [#""authorization":"-""#, #""authorization":null"#, #""authorization":"""#] {
            let e = evidence(example.replacingOccurrences(of: #""method":"GET""#, with: #""method":"GET",\#(logged),"downstream_tls_version":null"#))
            #expect(e.auth == .none, "\(logged)")
            #expect(e.tls == .plaintext, "\(logged)")
        }
        #expect(evidence(example.replacingOccurrences(of: #""method":"GET""#, with: #""method":"GET","authorization":"Bearer""#)).auth == .bearerSchemeOnly)
        #expect(evidence(example.replacingOccurrences(of: #""method":"GET""#, with: #""method":"GET","scheme":"https""#)).tls == .tlsUnknownVersion)
    }

    /// The principal a gateway authenticated before a user name; only CLF-family user fields are
    /// HTTP Basic.
    @Test func consumersComeBeforeUsersAndOnlyCLFUsersAreBasic() {
        #expect(classify(["user": "alice", "consumer": "mobile-app"]).auth == .gatewayConsumer)
        var iis = call(["user": "CORP\\alice"])
        iis.userIsBasicAuth = false
        #expect(CallClassifier().classify(iis, query: nil, traits: gateway).auth == .other)
        #expect(CallClassifier().classify(iis, query: nil, traits: service).auth == .other)
        #expect(classify(["user": "alice"], traits: service).auth == .basic)
    }

    /// Query keys match ignoring case, in the aggregator's pass as in the short path.
    @Test func queryKeysMatchIgnoringCase() {
        let matcher = QueryKeyMatcher(CoverageSettings().apiKeyQueryParameters)
        for (name, expected) in [("api_key", true), ("API_KEY", true), ("Token", true), ("Access_Token", true), ("token", true),
                                 ("tokens", false), ("Page", false), ("limit", false), ("KEY", true)] {
            let bytes = b(name)
            #expect(matcher.matches(hash: ByteHash.hash(bytes), name: bytes) == expected, "\(name)")
        }
        var run = EvidenceRun()
        run.add("method=GET | target=/api/v1/items?API_KEY=abc | host=h | client=203.0.113.1 | status=200 | time=1\n"
                + "method=GET | target=/api/v1/items?Token=abc | host=h | client=203.0.113.1 | status=200 | time=1\n",
                input: 0, role: .lb, fields: EvidenceFixtureParser.serviceFields)
        #expect(run.analysis().endpoint("GET", "/api/v1/items")?.stats.evidence.calls(auth: .apiKeyQuery) == 2)
    }

    @Test func jwtFieldsAreReadWithAnyJSONWhitespace() {
        let header = Array("{\"typ\":\"JWT\",\t\"alg\"\t:\n \"none\"}".utf8)
        header.withUnsafeBufferPointer { #expect(JSONField.stringValue(of: "alg", in: $0)?.text == "none") }
    }

    @Test func authIsNotObservableWhereTheFormatLogsNoCredentials() {
        // A combined log: no Authorization header, so a call without a user is not "unauthenticated".
        #expect(classify([:], traits: service).auth == .notObservable)
        // What it does show still counts: the Basic user name and keys in the query.
        #expect(classify(["user": "alice"], traits: service).auth == .basic)
        #expect(classify(["user": "-"], traits: service).auth == .notObservable)
        #expect(classify(["target": "/x?key=abc"], traits: service).auth == .apiKeyQuery)
    }

    @Test func jwtAlgNoneAndExpiryAreFlaggedFromTheHeaderAndExpOnly() {
        let unsigned = makeJWT(header: #"{"alg":"none","typ":"JWT"}"#, payload: #"{"sub":"admin","exp":1893456000}"#, signature: "")
        let e = classify(["auth": "Bearer \(unsigned)"])
        #expect(e.auth == .bearerJWT)
        #expect(e.jwtAlgNone)
        #expect(!e.jwtExpired)
        let expired = makeJWT(header: #"{"alg":"HS256"}"#, payload: #"{"sub":"u","exp":1700000000, "scope":"read"}"#)
        let x = classify(["auth": "Bearer \(expired)", "time": "1767225600"])
        #expect(x.jwtExpired)
        #expect(!x.jwtAlgNone)
        // "alg" inside a claim value is not the header's alg.
        let tricky = makeJWT(header: #"{"typ":"JWT","kid":"\"alg\":\"none\"","alg":"ES256"}"#, payload: #"{"exp":1893456000}"#)
        #expect(!classify(["auth": "Bearer \(tricky)"]).jwtAlgNone)
        let mixedCase = makeJWT(header: #"{"alg":"NoNe"}"#, payload: #"{}"#, signature: "")
        #expect(classify(["auth": "bearer \(mixedCase)"]).jwtAlgNone)
    }

    @Test func callerClassesWithForwardedForThroughTrustedProxies() {
        var settings = CoverageSettings()
        settings.trustedProxies = CIDRSet([CIDRRange("10.0.0.0/24")!])
        settings.partnerNetworks = CIDRSet([CIDRRange("192.0.2.0/24")!])
        settings.gatewayNetworks = CIDRSet([CIDRRange("10.9.0.0/16")!])
        #expect(classify(["client": "10.1.1.1"], settings: settings).caller == .internal)
        #expect(classify(["client": "203.0.113.9"], settings: settings).caller == .external)
        #expect(classify(["client": "192.0.2.44"], settings: settings).caller == .partner)
        #expect(classify(["client": "lb.internal"], settings: settings).caller == .unknown)
        // A trusted proxy forwards an external caller.
        #expect(classify(["client": "10.0.0.5", "xff": "203.0.113.9, 10.0.0.7"], settings: settings).caller == .external)
        // An untrusted client's X-Forwarded-For is not believed.
        #expect(classify(["client": "10.1.1.1", "xff": "203.0.113.9"], settings: settings).caller == .internal)
        // Spoofed left-most entries are skipped: the first untrusted hop from the right decides.
        #expect(classify(["client": "10.0.0.5", "xff": "10.1.1.1, 192.0.2.44"], settings: settings).caller == .partner)
        // A hop that is not an address hides the caller: not the trusted proxy's class.
        #expect(classify(["client": "10.0.0.5", "xff": "203.0.113.9, unknown"], settings: settings).caller == .unknown)
        #expect(classify(["client": "10.0.0.5", "xff": "_hidden, 10.0.0.7"], settings: settings).caller == .unknown)
        // From the header block when the format logs headers.
        #expect(classify(["client": "10.0.0.5", "headers": #"{"x-forwarded-for": "203.0.113.10"}"#], settings: settings).caller == .external)
        // Gateway addresses are evidence of mediation on service-side records.
        let viaGateway = classify(["client": "10.9.3.4", "xff": "198.51.100.1"], traits: service, settings: settings)
        #expect(viaGateway.gateway == .present)
        #expect(viaGateway.caller == .external)
        #expect(classify(["client": "10.1.1.1"], traits: service, settings: settings).gateway == .absent)
        #expect(classify(["client": "10.1.1.1"], traits: service).gateway == .notObservable)
    }

    @Test func gatewayEvidenceHeaders() {
        let sidecar = InputTraits(InputContext(role: .service, yields: CallFieldSet(EvidenceFixtureParser.sidecarFields)))
        #expect(classify(["headers": #"{"X-Kong-Request-Id": "abc"}"#], traits: sidecar).gateway == .present)
        #expect(classify(["headers": #"{"x-envoy-external-address": "1.2.3.4"}"#], traits: sidecar).gateway == .present)
        #expect(classify(["headers": #"{"via": "1.1 kong/3.4"}"#], traits: sidecar).gateway == .present)
        #expect(classify(["headers": #"{"x-amzn-trace-id": "Root=1-abc"}"#], traits: sidecar).gateway == .present)
        #expect(classify(["headers": #"{"accept": "*/*"}"#], traits: sidecar).gateway == .absent)
        // The gateway's own records are the mediation, not evidence of it.
        #expect(classify(["headers": #"{"via": "1.1 kong"}"#], traits: gateway).gateway == .notObservable)
        var custom = CoverageSettings()
        custom.gatewayEvidenceHeaders = NamePatternSet(["X-Corp-Gw-*"])
        #expect(classify(["headers": #"{"x-corp-gw-id": "1"}"#], traits: sidecar, settings: custom).gateway == .present)
        #expect(classify(["headers": #"{"via": "1.1 kong"}"#], traits: sidecar, settings: custom).gateway == .absent)
    }

    @Test func apiStyleSignalsOfACall() {
        #expect(classify(["method": "POST", "target": "/api", "ctype": "application/graphql"]).style == .graphql)
        #expect(classify(["method": "POST", "target": "/x", "ctype": "application/grpc+proto"]).style == .grpc)
        #expect(classify(["method": "POST", "target": "/x", "scheme": "grpcs"]).style == .grpc)
        #expect(classify(["method": "POST", "target": "/orders", "ctype": "application/soap+xml"]).style == .soap)
        #expect(classify(["method": "POST", "target": "/orders", "ctype": "text/xml; charset=utf-8",
                          "headers": #"{"SOAPAction": "urn:getOrder"}"#]).style == .soap)
        #expect(classify(["method": "POST", "target": "/orders", "ctype": "text/xml"]).style == .rest)
        #expect(classify(["target": "/socket", "status": "101"]).style == .websocket)
        #expect(classify(["target": "/socket", "scheme": "wss"]).style == .websocket)
        #expect(classify(["target": "/socket", "headers": #"{"Upgrade": "websocket"}"#]).style == .websocket)
        #expect(classify(["target": "/events", "headers": #"{"Accept": "text/event-stream"}"#]).style == .sse)
        // With the credential in its own field, the header block is walked only when it may hold a signal.
        #expect(classify(["target": "/socket", "auth": "Bearer abc", "headers": #"{"Upgrade": "websocket", "accept": "*/*"}"#]).style == .websocket)
        #expect(classify(["target": "/events", "auth": "Bearer abc", "headers": #"{"accept": ["text/event-stream"]}"#]).style == .sse)
        #expect(classify(["method": "POST", "target": "/orders", "ctype": "text/xml", "auth": "Basic x",
                          "headers": #"{"soapaction": "urn:getOrder"}"#]).style == .soap)
        #expect(classify(["target": "/x", "auth": "Bearer abc", "headers": #"{"accept": "application/json", "user-agent": "curl/8"}"#]).style == .rest)
        // Kong and Caddy read the three headers by name.
        for (format, line) in [(FormatDescriptor.kong, #"{"request":{"method":"GET","uri":"/events","url":"https://api.example/events","headers":{"host":"api.example","authorization":"Bearer abc","accept":"text/event-stream"}},"response":{"status":200},"latencies":{"request":5},"client_ip":"203.0.113.7","started_at":1791640536000}"#),
                               (FormatDescriptor.caddy, #"{"level":"info","ts":1791640536.0,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"203.0.113.7","method":"POST","host":"api.example","uri":"/orders","headers":{"Authorization":["REDACTED"],"Content-Type":["text/xml"],"Soapaction":["urn:get"]}},"status":200,"size":10,"duration":0.01}"#)] {
            var parser = format.makeParser(.default)
            var call = RawCall()
            let traits = InputTraits(InputContext(role: format.defaultRole, yields: CallFieldSet(format.yields)))
            let style = Array(line.utf8).withUnsafeBufferPointer { bytes -> APIStyle in
                #expect(parser.parse(bytes, into: &call) == .call, "\(format.format)")
                #expect(call.styleHeaders.contains(.read), "\(format.format)")
                return CallClassifier().classify(call, query: nil, traits: traits).style
            }
            #expect(style == (format.format == .kong ? .sse : .soap), "\(format.format)")
        }
        #expect(HeaderBlock.mayCarryStyleSignal(b(#"{"UPGRADE": "h2c"}"#)))
        #expect(!HeaderBlock.mayCarryStyleSignal(b(#"{"accept": "application/json", "user-agent": "curl/8.5.0", "x-request-id": "abc-def"}"#)))
        // Path shapes are judged per endpoint, on the template.
        #expect(classify(["method": "POST", "target": "/graphql"]).style == .rest)
    }

    @Test func apiStyleOfAnEndpoint() {
        func evidence(_ calls: [(APIStyle, HTTPVersionClass)]) -> EndpointEvidence {
            var ev = EndpointEvidence()
            for (style, http) in calls {
                var e = CallEvidence()
                e.style = style
                e.http = http
                ev.record(e, roleIndex: 0, status: 200)
            }
            return ev
        }
        let plain = evidence([(.rest, .http11), (.rest, .http11)])
        let h2 = evidence([(.rest, .http2), (.rest, .http2)])
        #expect(APIStyle.judge(template: "/graphql", method: "POST", evidence: plain) == .graphql)
        #expect(APIStyle.judge(template: "/api/v2/GraphQL", method: "GET", evidence: plain) == .graphql)
        #expect(APIStyle.judge(template: "/Service.asmx", method: "POST", evidence: plain) == .soap)
        #expect(APIStyle.judge(template: "/ws/soap/orders", method: "POST", evidence: plain) == .soap)
        #expect(APIStyle.judge(template: "/helloworld.Greeter/SayHello", method: "POST", evidence: h2) == .grpc)
        #expect(APIStyle.judge(template: "/helloworld.Greeter/SayHello", method: "POST", evidence: plain) == .rest)
        #expect(APIStyle.judge(template: "/api/v1/users/{int}", method: "GET", evidence: h2) == .rest)
        // Call signals win when most calls show one.
        #expect(APIStyle.judge(template: "/socket", method: "GET", evidence: evidence([(.websocket, .http11), (.rest, .http11)])) == .websocket)
        #expect(APIStyle.judge(template: "/socket", method: "GET", evidence: evidence([(.websocket, .http11), (.rest, .http11), (.rest, .http11)])) == .rest)
    }

    @Test func httpAndTLSVersions() {
        #expect(classify(["version": "HTTP/1.0"]).http == .http10)
        #expect(classify(["version": "HTTP/1.1"]).http == .http11)
        #expect(classify(["version": "HTTP/2.0"]).http == .http2)
        #expect(classify(["version": "HTTP/3"]).http == .http3)
        #expect(classify(["scheme": "h2"]).http == .http2)
        #expect(classify(["tls": "TLSv1.3"]).tls == .tls13)
        #expect(classify(["tls": "TLSv1.2"]).tls == .tls12)
        #expect(classify(["tls": "TLSv1.1"]).tls == .tls11)
        #expect(classify(["tls": "TLSv1"]).tls == .tls10)
        #expect(classify(["tls": "tls1.0"]).tls == .tls10)
        #expect(classify(["tls": "TLSv1_2"]).tls == .tls12)
        #expect(classify(["tls": "SSLv3"]).tls == .ssl3)
        #expect(classify(["tls": "-"]).tls == .plaintext)
        #expect(classify(["tls": "-", "scheme": "https"]).tls == .tlsUnknownVersion)
        #expect(classify([:], traits: service).tls == .notObservable)
        #expect(classify(["tls": "TLSv1.2", "cipher": "DES-CBC3-SHA"]).weakCipher)
        #expect(!classify(["tls": "TLSv1.3", "cipher": "TLS_AES_128_GCM_SHA256"]).weakCipher)
        #expect(TLSState.tls10.isLegacy && TLSState.tls11.isLegacy && !TLSState.tls12.isLegacy)
    }

    @Test func wafDecisionsAreNormalised() {
        for (raw, decision) in [("BLOCK", WAFDecision.block), ("Blocked", .block), ("deny", .block), ("CAPTCHA", .block),
                                ("ALLOW", .allow), ("Allowed", .allow), ("COUNT", .count), ("Detected", .count),
                                ("-", .notLogged), ("", .notLogged), ("quarantine", .other)] {
            #expect(CallClassifier.wafDecision(b(raw)) == decision, "\(raw)")
        }
    }

    @Test func headerBlocksOfBothForms() {
        var names: [String] = []
        HeaderBlock.forEach(b(#"{"a": "1", "b": ["x", "y"], "c": {"n": [1, "}"]}, "d": 5, "e": "z\"q"}"#), form: .jsonObject) { n, v in
            names.append("\(n.text)=\(v.text)")
            return true
        }
        #expect(names == ["a=1", "b=x", #"e=z\"q"#])
        names = []
        HeaderBlock.forEach(b(#"[{"name": "Host", "value": "api"}, {"value": "v", "name": "X-Api-Key"}]"#), form: .jsonNameValueArray) { n, v in
            names.append("\(n.text)=\(v.text)")
            return true
        }
        #expect(names == ["Host=api", "X-Api-Key=v"])
        // Truncated blocks stop quietly after what was read.
        names = []
        HeaderBlock.forEach(b(#"{"a": "1", "b": "#), form: .jsonObject) { n, _ in names.append(n.text); return true }
        #expect(names == ["a"])
    }

    @Test func routePatternsTakePrecedenceAndPreferLiterals() {
        let set = RoutePatternSet(["/api/dog/{id}", "/api/dog/search", "/files/{path+}", "/api/{kind}/{id}"].map {
            try! RoutePattern.parse($0).get()
        })
        #expect(set.match(host: "h", typedPath: "/api/dog/{int}") == "/api/dog/{id}")
        #expect(set.match(host: "h", typedPath: "/api/dog/rex") == "/api/dog/{id}")
        #expect(set.match(host: "h", typedPath: "/api/dog/search") == "/api/dog/search")
        #expect(set.match(host: "h", typedPath: "/api/cat/{int}") == "/api/{kind}/{id}")
        #expect(set.match(host: "h", typedPath: "/files/a/b/c.txt") == "/files/{path+}")
        #expect(set.match(host: "h", typedPath: "/files") == nil)
        #expect(set.match(host: "h", typedPath: "/api/dog") == nil)
        if case .success = RoutePattern.parse("/a/{id}x") { Issue.record("a partial-segment parameter must be refused") }
        if case .success = RoutePattern.parse("api/dog") { Issue.record("a pattern must start with /") }
        let hosted = RoutePatternSet([try! RoutePattern.parse("/v1/{x}", host: "API.example.com").get()])
        #expect(hosted.match(host: "api.example.com", typedPath: "/v1/{int}") == "/v1/{x}")
        #expect(hosted.match(host: "other.example.com", typedPath: "/v1/{int}") == nil)
    }

    @Test func endpointKinds() {
        #expect(EndpointKind.classify(template: "/static/app.{hex}.js") == .static)
        #expect(EndpointKind.classify(template: "/favicon.ico") == .static)
        #expect(EndpointKind.classify(template: "/assets/{param}") == .static)
        #expect(EndpointKind.classify(template: "/healthz") == .health)
        #expect(EndpointKind.classify(template: "/api/health") == .health)
        #expect(EndpointKind.classify(template: "/actuator/health") == .health)
        #expect(EndpointKind.classify(template: "/metrics") == .probe)
        #expect(EndpointKind.classify(template: "/robots.txt") == .probe)
        #expect(EndpointKind.classify(template: "/.well-known/openid-configuration") == .probe)
        #expect(EndpointKind.classify(template: "*") == .probe)
        #expect(EndpointKind.classify(template: "/api/v1/users/{int}") == .api)
        #expect(EndpointKind.classify(template: "/api/v1/reports/{int}.pdf") == .static)
    }
}
