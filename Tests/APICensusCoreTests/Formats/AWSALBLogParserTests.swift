import Testing
@testable import APICensusCore

@Suite struct AWSALBLogParserTests {
    static let tail = #"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/users-api/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "api.example.com" "arn:aws:acm:eu-west-1:123456789012:certificate/1234" 1 2026-10-10T13:55:36.137000Z"#

    func line(type: String = "https", client: String = "203.0.113.7:2817", target: String = "10.0.0.1:80",
              times: String = "0.001 0.048 0.000", statuses: String = "200 200", request: String = "GET https://api.example.com:443/api/v1/users/42?expand=orders HTTP/1.1",
              agent: String = "curl/8.5.0", tls: String = "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2", actions: String = "forward",
              extra: String = #" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90"#) -> String {
        "\(type) 2026-10-10T13:55:36.186641Z app/api-lb/50dc6c495c0c9188 \(client) \(target) \(times) \(statuses) 210 512 "
            + "\"\(request)\" \"\(agent)\" \(tls) \(Self.tail) \"\(actions)\"\(extra)"
    }

    @Test func recordFields() {
        let r = TextFormatTesting.one(.awsALB, line(actions: "waf,authenticate,forward"))
        #expect(r.outcome == .call)
        #expect(r.method == "GET" && r.target == "https://api.example.com:443/api/v1/users/42?expand=orders" && r.version == "HTTP/1.1")
        #expect(r.host == "api.example.com:443")
        #expect(r.client == "203.0.113.7" && r.upstream == "10.0.0.1:80")
        #expect(r.status == 200 && r.bytes == 512 && r.durationMicros == 49_000)
        #expect(r.time == "2026-10-10T13:55:36.186Z")
        #expect(r.scheme == "https" && r.tlsProtocol == "TLSv1.2" && r.tlsCipher == "ECDHE-RSA-AES128-GCM-SHA256")
        #expect(r.service == "users-api" && r.route == "1")
        #expect(r.requestId == "Root=1-58337281-1d84f3d73c47ec4e58577259")
        #expect(r.userAgent == "curl/8.5.0")
        // ALB authenticated the caller and went on; AWS WAF let the request through.
        #expect(r.consumer == "alb:authenticate" && r.wafAction == "ALLOW")
    }

    @Test func actionsExecutedBecomeWAFAndAuthenticationEvidence() {
        func evidence(_ actions: String) -> (String, String) {
            let r = TextFormatTesting.one(.awsALB, line(actions: actions))
            return (r.wafAction, r.consumer)
        }
        #expect(evidence("forward") == ("", ""))
        #expect(evidence("waf") == ("BLOCK", ""))                       // WAF ended the request
        #expect(evidence("waf,fixed-response") == ("BLOCK", ""))        // WAF's custom response
        #expect(evidence("waf,redirect") == ("ALLOW", ""))
        #expect(evidence("authenticate") == ("", ""))                   // sent to the identity provider
        #expect(evidence("authenticate,forward") == ("", "alb:authenticate"))
        #expect(evidence("-") == ("", ""))
    }

    @Test func plaintextUnmeasuredAndUndispatched() {
        let r = TextFormatTesting.one(.awsALB, line(type: "http", target: "-", times: "-1 -1 -1", statuses: "404 -",
                                                    request: "GET http://api.example.com:80/.env HTTP/1.1", tls: "- -"))
        #expect(r.outcome == .call)
        #expect(r.scheme == "http" && r.tlsProtocol == "" && r.tlsCipher == "")
        #expect(r.upstream == "" && r.durationMicros == -1 && r.status == 404)
        // One measured time among unmeasured ones still gives a duration.
        #expect(TextFormatTesting.one(.awsALB, line(times: "0.002 -1 -1")).durationMicros == 2_000)
    }

    @Test func connectionTypesAndIPv6Clients() {
        for type in ["h2", "grpcs", "ws", "wss"] {
            #expect(TextFormatTesting.one(.awsALB, line(type: type)).scheme == type)
        }
        #expect(TextFormatTesting.one(.awsALB, line(client: "2001:db8::7:44740")).client == "2001:db8::7")
        #expect(TextFormatTesting.one(.awsALB, line(type: "tcp")).outcome == .rejected(.malformed))
    }

    @Test func olderAndNewerRecordsParse() {
        // Before trace_id existed: the record ends at the target group.
        let old = #"http 2016-08-10T22:08:42.945958Z app/my-lb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067"#
        let o = TextFormatTesting.one(.awsALB, old)
        #expect(o.outcome == .call && o.service == "my-targets" && o.requestId == "" && o.host == "www.example.com:80")
        // Fields added later (transformed host/uri, request_transform_status) are skipped.
        let newer = line(extra: #" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234 "m.example.com" "/v2/x" "TransformSuccess""#)
        #expect(TextFormatTesting.one(.awsALB, newer).outcome == .call)
    }

    @Test func unparsableRequestsAndQuotedAgents() {
        let junk = TextFormatTesting.one(.awsALB, line(type: "http", request: "- http://10.0.0.5:80- -"))
        #expect(junk.outcome == .call && !junk.valid && junk.method == "")
        let quoted = TextFormatTesting.one(.awsALB, line(agent: #"Mozilla/5.0 \"quoted\" agent"#))
        #expect(quoted.outcome == .call && quoted.userAgent == #"Mozilla/5.0 \"quoted\" agent"#)
        // No host in the URL: the TLS SNI (domain_name) names it.
        #expect(TextFormatTesting.one(.awsALB, line(request: "GET /relative HTTP/1.1")).host == "api.example.com")
    }

    @Test func nearMissesAreRejected() {
        // A classic ELB record starts with the time, not the connection type.
        let elb = #"2026-10-10T13:55:36.945958Z api-lb 203.0.113.7:2817 10.0.0.1:80 0.000086 0.001048 0.001337 200 200 0 57 "GET https://api.example.com:443/ HTTP/1.1" "curl/8.5.0" DHE-RSA-AES128-SHA TLSv1.2"#
        #expect(TextFormatTesting.one(.awsALB, elb).outcome == .rejected(.malformed))
        let combined = #"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8""#
        #expect(TextFormatTesting.one(.awsALB, combined).outcome == .rejected(.malformed))
        #expect(TextFormatTesting.one(.awsALB, "https yesterday app/x 1.2.3.4:1 - 0 0 0 200 200 0 0").outcome == .rejected(.badTimestamp))
        #expect(TextFormatTesting.one(.awsALB, line(times: "fast 0.1 0.1")).outcome == .rejected(.malformed))
        #expect(TextFormatTesting.one(.awsALB, line(statuses: "OK 200")).outcome == .rejected(.badStatus))
        #expect(TextFormatTesting.one(.awsALB, "   ").outcome == .ignored)
    }

    @Test func detectedAsALBNotELB() {
        #expect(TextFormatTesting.detect(line() + "\n" + line(type: "h2")) == .awsALB)
    }

    @Test func generatedLogIsReadBack() {
        let r = TextFormatTesting.generatedRecovery(.awsALB)
        #expect(r.parsed == 20_000 && r.ignored == 0)
        #expect(r.f1 >= 0.95, "F1 \(r.f1)")
    }
}
