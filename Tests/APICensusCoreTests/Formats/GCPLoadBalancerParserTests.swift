import Testing
@testable import APICensusCore

@Suite struct GCPLoadBalancerParserTests {
    func parse(_ line: String) -> EdgeParsed {
        var parser = GCPLoadBalancerParser()
        return edgeParse(&parser, line)
    }

    static func entry(request: String, payload: String = #"{"statusDetails":"response_sent_by_backend"}"#) -> String {
        #"{"insertId":"1oek5rg3l3fxj7","jsonPayload":"# + payload + #","httpRequest":"# + request
            + #","resource":{"type":"http_load_balancer","labels":{"zone":"global","url_map_name":"api-map","forwarding_rule_name":"api-fr","target_proxy_name":"api-proxy","backend_service_name":"api-backend","project_id":"p"}},"timestamp":"2026-10-10T13:55:36.078651Z","severity":"INFO","logName":"projects/p/logs/requests","trace":"projects/p/traces/241d69833e64b3bf","receiveTimestamp":"2026-10-10T13:55:36.588272510Z"}"#
    }

    @Test func theLogEntryRequest() {
        let p = parse(Self.entry(request: #"{"requestMethod":"GET","requestUrl":"https://api.example.com:8443/users/42?expand=orders","requestSize":"577","status":200,"responseSize":"157","userAgent":"curl/8.5.0","remoteIp":"203.0.113.7:9989","serverIp":"10.5.3.1:9090","latency":"0.012345s","protocol":"HTTP/2.0","referer":"https://app.example.com/"}"#))
        #expect(p.outcome == .call)
        #expect(p.method == "GET" && p.target == "https://api.example.com:8443/users/42?expand=orders")
        #expect(p.host == "api.example.com:8443" && p.scheme == "https" && p.version == "HTTP/2.0")
        #expect(p.status == 200 && p.bytes == 157 && p.client == "203.0.113.7" && p.upstream == "10.5.3.1:9090")
        #expect(p.micros == 12_345 && p.time == "2026-10-10T13:55:36.078Z")
        #expect(p.userAgent == "curl/8.5.0" && p.referrer == "https://app.example.com/")
        #expect(p.service == "api-backend" && p.route == "api-map" && p.requestId == "projects/p/traces/241d69833e64b3bf")
        #expect(p.wafAction == "" && p.certificate == .notLogged && p.tlsProtocol == "")
    }

    @Test func clientAddressesWithAndWithoutPorts() {
        func client(_ ip: String) -> String {
            parse(Self.entry(request: #"{"requestMethod":"GET","requestUrl":"http://a.example/","status":200,"remoteIp":""# + ip + #""}"#)).client
        }
        #expect(client("[2001:db8::1]:443") == "2001:db8::1")
        #expect(client("2001:db8::1") == "2001:db8::1")
        #expect(client("203.0.113.7") == "203.0.113.7")
    }

    @Test func cloudArmorVerdicts() {
        let request = #"{"requestMethod":"POST","requestUrl":"https://api.example.com/login","status":403,"remoteIp":"203.0.113.7"}"#
        let preconfigured = parse(Self.entry(request: request, payload: #"{"statusDetails":"denied_by_security_policy","enforcedSecurityPolicy":{"name":"api-policy","priority":1000,"configuredAction":"DENY","outcome":"DENY","preconfiguredExprIds":["owasp-crs-v030301-id942100-sqli","owasp-crs-v030301-id942110-sqli"]}}"#))
        #expect(preconfigured.wafAction == "DENY" && preconfigured.wafRule == "owasp-crs-v030301-id942100-sqli")
        let byPriority = parse(Self.entry(request: request, payload: #"{"enforcedSecurityPolicy":{"name":"api-policy","priority":2147483647,"configuredAction":"ALLOW","outcome":"ACCEPT"}}"#))
        #expect(byPriority.wafAction == "ACCEPT" && byPriority.wafRule == "api-policy/2147483647")
        let edge = parse(Self.entry(request: request, payload: #"{"enforcedEdgeSecurityPolicy":{"name":"edge-policy","priority":10,"configuredAction":"DENY","outcome":"DENY"}}"#))
        #expect(edge.wafAction == "DENY" && edge.wafRule == "edge-policy/10")
        let detailsOnly = parse(Self.entry(request: request, payload: #"{"statusDetails":"denied_by_security_policy"}"#))
        #expect(detailsOnly.wafAction == "DENY" && detailsOnly.wafRule == "")
    }

    @Test func optionalTLSAndMutualTLSFields() {
        let request = #"{"requestMethod":"GET","requestUrl":"https://api.example.com/","status":200,"remoteIp":"203.0.113.7"}"#
        let verified = parse(Self.entry(request: request, payload: #"{"tls":{"protocol":"TLSv1.3","cipher":"TLS_AES_128_GCM_SHA256"},"mtls":{"clientCertPresent":true,"clientCertChainVerified":true}}"#))
        #expect(verified.tlsProtocol == "TLSv1.3" && verified.tlsCipher == "TLS_AES_128_GCM_SHA256" && verified.certificate == .verified)
        let rejected = parse(Self.entry(request: request, payload: #"{"mtls":{"clientCertPresent":true,"clientCertChainVerified":false}}"#))
        #expect(rejected.certificate == .failed)
        let absent = parse(Self.entry(request: request, payload: #"{"mtls":{"clientCertPresent":false}}"#))
        #expect(absent.certificate == .none)
    }

    @Test func badValuesAndNearMisses() {
        #expect(parse(Self.entry(request: #"{"requestMethod":"GET","requestUrl":"https://a.example/","status":"abc"}"#)).outcome == .rejected(.badStatus))
        #expect(parse(Self.entry(request: #"{"requestMethod":"GET","requestUrl":"https://a.example/"}"#).replacingOccurrences(of: "2026-10-10T13:55:36.078651Z", with: "Tuesday")).outcome == .rejected(.badTimestamp))
        // An httpRequest-shaped object that is not in a LogEntry.
        #expect(parse(#"{"httpRequest":{"requestMethod":"GET","requestUrl":"https://a.example/"},"timestamp":"2026-10-10T13:55:36Z"}"#).outcome == .rejected(.missingField))
        for line in EdgeNearMiss.all { #expect(parse(line).outcome != .call, "\(line)") }
        for d in [FormatDescriptor.awsAPIGateway, .awsWAF, .azureAppGateway, .azureFrontDoor, .modSecurityJSON] {
            #expect(parse(d.example).outcome != .call, "\(d.format)")
        }
    }
}
