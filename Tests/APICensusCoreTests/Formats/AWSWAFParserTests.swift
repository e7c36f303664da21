import Testing
@testable import APICensusCore

@Suite struct AWSWAFParserTests {
    func parse(_ line: String) -> EdgeParsed {
        var parser = AWSWAFParser()
        return edgeParse(&parser, line)
    }

    static func record(action: String = "ALLOW", rule: String = "Default_Action", uri: String = "/users/42",
                       args: String = "expand=orders&api_key=s3cr3tvalue", headers: String? = nil, extra: String = "",
                       request: String = "") -> String {
        let h = headers ?? #"[{"name":"Host","value":"api.example.com"},{"name":"User-Agent","value":"curl/8.5.0"},{"name":"authorization","value":"Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"},{"name":"Cookie","value":"sid=abc123"},{"name":"X-API-Key","value":"k_1234567890"},{"name":"content-type","value":"application/json"},{"name":"X-Forwarded-For","value":"198.51.100.1, 10.0.0.2"},{"name":"Referer","value":"https://app.example.com/"}]"#
        return #"{"timestamp":1791640536123,"formatVersion":1,"webaclId":"arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/api/0d3c","terminatingRuleId":""# + rule + #"","terminatingRuleType":"REGULAR","action":""# + action + #"","terminatingRuleMatchDetails":[],"httpSourceName":"ALB","httpSourceId":"111122223333-app/api/5e2a","ruleGroupList":[],"rateBasedRuleList":[],"nonTerminatingMatchingRules":[]"# + extra + #","httpRequest":{"clientIp":"2001:db8::5","country":"NL","headers":"# + h + #","uri":""# + uri + #"","args":""# + args + #"","httpVersion":"HTTP/2.0","httpMethod":"POST","requestId":"1-67a8-2f1c""# + request + "}}"
    }

    @Test func requestRuleAndHeaders() {
        let p = parse(Self.record())
        #expect(p.outcome == .call)
        #expect(p.method == "POST" && p.target == "/users/42?expand=orders&api_key=s3cr3tvalue" && p.version == "HTTP/2.0")
        #expect(p.client == "2001:db8::5" && p.time == "2026-10-10T13:55:36.123Z" && p.requestId == "1-67a8-2f1c")
        #expect(p.wafAction == "ALLOW" && p.wafRule == "Default_Action" && p.service == "111122223333-app/api/5e2a")
        #expect(p.status == -1)  // allowed: the origin answered, WAF does not log it
        #expect(p.host == "api.example.com" && p.userAgent == "curl/8.5.0" && p.referrer == "https://app.example.com/")
        #expect(p.authorization.hasPrefix("Bearer eyJ") && p.cookie == "sid=abc123" && p.apiKey == "k_1234567890")
        #expect(p.contentType == "application/json" && p.forwardedFor == "198.51.100.1, 10.0.0.2")
        #expect(p.headersForm == .jsonNameValueArray && p.requestHeaders.hasPrefix(#"[{"name":"Host""#))
    }

    @Test func statusOfTheActionsThatAnswerThemselves() {
        #expect(parse(Self.record(action: "BLOCK", rule: "AWS-AWSManagedRulesSQLiRuleSet")).status == 403)
        #expect(parse(Self.record(action: "CAPTCHA", rule: "captcha-login")).status == 405)
        #expect(parse(Self.record(action: "CHALLENGE", rule: "challenge-bots")).status == 202)
        #expect(parse(Self.record(action: "COUNT", rule: "count-all")).status == -1)
        let custom = parse(Self.record(action: "BLOCK", rule: "rate-limit", extra: #","responseCodeSent":429"#))
        #expect(custom.status == 429 && custom.wafRule == "rate-limit" && custom.wafAction == "BLOCK")
    }

    @Test func quirks() {
        // An empty URI (WAF could not read the request) and the request id "null".
        let empty = parse(Self.record(action: "BLOCK", uri: "", args: "", headers: "[]").replacingOccurrences(of: "1-67a8-2f1c", with: "null"))
        #expect(empty.outcome == .call && !empty.valid && empty.requestId == "" && empty.host == "")
        // Escaped header values, and a Host header overridden by the newer `httpRequest.host`.
        let escaped = parse(Self.record(
            headers: #"[{"name":"HOST","value":"api.example.com"},{"name":"User-Agent","value":"Mozilla\/5.0 \"quoted\" caf\u00e9"}]"#,
            request: #","scheme":"https","host":"edge.example.com""#))
        #expect(escaped.userAgent == "Mozilla/5.0 \"quoted\" café")
        #expect(escaped.host == "edge.example.com" && escaped.scheme == "https")
        #expect(parse(Self.record().replacingOccurrences(of: "1791640536123", with: "\"soon\"")).outcome == .rejected(.badTimestamp))
    }

    @Test func nearMissesAreRejected() {
        #expect(parse(#"{"timestamp":1791640536123,"action":"ALLOW","httpRequest":{"clientIp":"203.0.113.7","uri":"/","httpMethod":"GET"}}"#).outcome
            == .rejected(.missingField))  // no web ACL, no terminating rule
        for line in EdgeNearMiss.all { #expect(parse(line).outcome != .call, "\(line)") }
        for d in [FormatDescriptor.awsAPIGateway, .gcpLoadBalancer, .azureAppGateway, .modSecurityJSON] {
            #expect(parse(d.example).outcome != .call, "\(d.format)")
        }
    }
}
