import Testing
@testable import APICensusCore

@Suite struct CloudflareLogParserTests {
    func parse(_ line: String) -> (LineOutcome, GatewayCall) { GatewayJSON.parse(.cloudflare, line) }

    /// 2026-10-10T13:55:36Z
    static let t0: Int64 = 1_791_640_536_000

    @Test func catalogExampleYieldsEveryField() {
        let (outcome, c) = parse(FormatDescriptor.cloudflare.example)
        #expect(outcome == .call)
        #expect(c.method == "GET" && c.target == "/api/v1/users/42?expand=orders" && c.version == "HTTP/2")
        #expect(c.host == "api.example.com" && c.scheme == "https" && c.client == "203.0.113.7" && c.userAgent == "curl/8.5.0")
        #expect(c.status == 200 && c.bytes == 512 && c.millis == Self.t0 && c.micros == 4000)
        #expect(c.tlsProtocol == "TLSv1.3" && c.tlsCipher == "AEAD-AES128-GCM-SHA256" && c.clientCertificate == .notLogged)
        #expect(c.upstream == "198.51.100.4" && c.requestId == "7c1f2e3d4a5b6c7d")
        #expect(c.wafAction == "" && c.wafRule == "")  // `unknown` and "" are no decision
        #expect(c.referrer == "" && c.valid)
    }

    @Test func everyTimestampFormat() {
        func millis(_ start: String, _ end: String) -> (Int64, Int64) {
            let c = parse(#"{"ClientRequestMethod":"GET","ClientRequestURI":"/","EdgeStartTimestamp":\#(start),"EdgeEndTimestamp":\#(end)}"#).1
            return (c.millis, c.micros)
        }
        #expect(millis(#""2026-10-10T13:55:36Z""#, #""2026-10-10T13:55:38Z""#) == (Self.t0, 2_000_000))
        #expect(millis(#""1791640536""#, #""1791640537""#) == (Self.t0, 1_000_000))
        #expect(millis("1791640536", "1791640536") == (Self.t0, 0))
        #expect(millis(#""1791640536000000000""#, #""1791640536250000000""#) == (Self.t0, 250_000))
        #expect(millis("1791640536123000000", "1791640536000000000") == (Self.t0 + 123, -1))  // end before start: no duration
    }

    @Test func securityDecisions() {
        func waf(_ fields: String) -> (String, String) {
            let c = parse(#"{"ClientRequestMethod":"GET","ClientRequestURI":"/.env","EdgeResponseStatus":403,\#(fields)}"#).1
            return (c.wafAction, c.wafRule)
        }
        // Legacy firewall fields (Wazuh's sample): arrays, WAFAction `drop`.
        #expect(waf(#""FirewallMatchesActions":["block"],"FirewallMatchesRuleIDs":["100016"],"FirewallMatchesSources":["firewallRules"],"WAFAction":"drop","WAFRuleID":"","WAFFlags":"0""#) == ("block", "100016"))
        // Newer Security* fields win.
        #expect(waf(#""SecurityAction":"managedChallenge","SecurityRuleID":"abc123","SecurityActions":["managedChallenge"],"WAFAction":"unknown""#) == ("managedChallenge", "abc123"))
        #expect(waf(#""SecurityAction":"unknown","SecurityActions":["log","block"],"SecurityRuleIDs":["r1","r2"]"#) == ("log", "r1"))
        #expect(waf(#""SecurityActions":["unknown_action"],"FirewallMatchesActions":["unknown_action"],"WAFAction":"unknown""#) == ("", ""))
        #expect(waf(#""FirewallMatchesActions":[],"WAFAction":"unknown""#) == ("", ""))
    }

    @Test func mutualTLSStatus() {
        func cert(_ status: String) -> ClientCertificateEvidence {
            parse(#"{"ClientRequestURI":"/","RayID":"1","ClientMTLSAuthStatus":"\#(status)"}"#).1.clientCertificate
        }
        #expect(cert("ok") == .verified)
        #expect(cert("absent") == .none)
        #expect(cert("untrusted") == .failed && cert("notyetvalid") == .failed && cert("expired") == .failed)
        #expect(cert("unknown") == .notLogged)
    }

    /// Wazuh's real records: few fields, IPv6 clients, no TLS fields, a secret in the query string.
    @Test func sparseRecordsWithIPv6() {
        let line = #"{"CacheCacheStatus":"dynamic","CacheResponseBytes":2094,"CacheResponseStatus":405,"CacheTieredFill":false,"ClientCountry":"us","ClientDeviceType":"desktop","ClientIP":"2600:1f14:b62:9e04:9e4d:874f:5c00:d627","ClientIPClass":"noRecord","ClientRequestHost":"auth.example.com","ClientRequestMethod":"GET","ClientRequestURI":"/auth/oauth/oidc/token?client_id=x&client_secret=1212&grant_type=client_credentials","EdgeEndTimestamp":"2021-07-27T06:16:50Z","EdgeResponseBytes":833,"EdgeResponseStatus":405,"EdgeStartTimestamp":"2021-07-27T06:16:50Z","FirewallMatchesActions":[],"FirewallMatchesRuleIDs":[],"FirewallMatchesSources":[],"OriginIP":"75.2.33.181","OriginResponseBytes":0,"OriginResponseHTTPExpires":"","OriginResponseStatus":405,"RayID":"6753bdc13cf51944","SecurityLevel":"med","WAFAction":"unknown","WAFFlags":"0","WAFMatchedVar":"","WAFProfile":"unknown","WAFRuleID":"","WAFRuleMessage":"","ZoneID":1,"ZoneName":"example.com"}"#
        let (outcome, c) = parse(line)
        #expect(outcome == .call)
        #expect(c.client == "2600:1f14:b62:9e04:9e4d:874f:5c00:d627" && c.status == 405 && c.bytes == 833)
        #expect(c.target.hasPrefix("/auth/oauth/oidc/token?") && c.tlsProtocol == "" && c.userAgent == "")
        #expect(c.millis == 1_627_366_610_000 && c.micros == 0)
    }

    @Test func requestHeaderFields() {
        let c = parse(#"{"ClientRequestMethod":"POST","ClientRequestPath":"/v1/pay","RayID":"r","ClientSSLProtocol":"none","ClientSSLCipher":"NONE","RequestHeaders":{"authorization":"Bearer abc.def.ghi","cookie":"s=1","x-api-key":"k","content-type":"application/json","x-forwarded-for":"198.51.100.1","x-request-id":"app-1"}}"#).1
        #expect(c.target == "/v1/pay" && c.headersForm == .jsonObject && c.requestHeaders.hasPrefix("{\"authorization\""))
        #expect(c.authorization == "Bearer abc.def.ghi" && c.cookie == "s=1" && c.apiKey == "k" && c.contentType == "application/json")
        #expect(c.forwardedFor == "198.51.100.1" && c.requestId == "r")  // the Ray ID first
        #expect(c.tlsProtocol == "none" && c.tlsCipher == "NONE")  // plain HTTP, as Cloudflare writes it
    }

    @Test func badValuesAreRejectedWithTheirReason() {
        #expect(parse(#"{"ClientRequestURI":"/","EdgeResponseStatus":"200 OK"}"#).0 == .rejected(.badStatus))
        #expect(parse(#"{"ClientRequestURI":"/","EdgeStartTimestamp":"last tuesday"}"#).0 == .rejected(.badTimestamp))
        #expect(parse(#"{"ClientRequestURI":"/","#).0 == .rejected(.invalidJSON))
        let (outcome, c) = parse(#"{"ClientRequestMethod":"","ClientRequestURI":"","RayID":"r"}"#)
        #expect(outcome == .call && !c.valid)
    }

    @Test func nearMissesAreRejected() {
        GatewayJSON.expectRejectsOthers(.cloudflare)
        // Other Cloudflare datasets (firewall events) have no request URI field.
        #expect(parse(#"{"Action":"block","ClientIP":"1.2.3.4","ClientRequestPath":null,"Datetime":"2026-10-10T13:55:36Z","RayID":"r","RuleID":"x"}"#).0 == .rejected(.missingField))
    }

    @Test func detectedFromItsExample() { GatewayJSON.expectDetected(.cloudflare) }
}
