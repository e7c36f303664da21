import Testing
@testable import APICensusCore

@Suite struct AWSAPIGatewayParserTests {
    func parse(_ line: String) -> EdgeParsed {
        var parser = AWSAPIGatewayParser()
        return edgeParse(&parser, line)
    }

    @Test func restRecordWithTheTemplateOfAWSsExample() {
        let p = parse(#"{"requestId":"48752d0f-c99d-4cfa-a5a7-f3c6834d19e5","ip":"198.51.100.4","caller":"-","user":"-","requestTime":"10/Jun/2026:15:36:28 +0000","httpMethod":"GET","resourcePath":"/pets/{petId}","status":"200","protocol":"HTTP/1.1","responseLength":"184","stage":"prod","apiId":"asad15n3p0","domainName":"asad15n3p0.execute-api.us-east-1.amazonaws.com"}"#)
        #expect(p.outcome == .call)
        #expect(p.method == "GET" && p.target == "/pets/{petId}" && p.route == "/pets/{petId}")
        #expect(p.version == "HTTP/1.1" && p.status == 200 && p.bytes == 184 && p.client == "198.51.100.4")
        #expect(p.time == "2026-06-10T15:36:28.000Z")
        #expect(p.host == "asad15n3p0.execute-api.us-east-1.amazonaws.com" && p.service == "asad15n3p0")
        #expect(p.requestId == "48752d0f-c99d-4cfa-a5a7-f3c6834d19e5")
        #expect(p.scheme == "https")
        #expect(p.user == "" && p.consumer == "")  // "-" placeholders
    }

    @Test func thePathCalledWinsOverTheResourceTemplate() {
        let p = parse(#"{"requestId":"r1","ip":"198.51.100.4","requestTime":"10/Jun/2026:15:36:28 +0000","httpMethod":"DELETE","resourcePath":"/pets/{petId}","path":"/pets/42","status":"204","responseLength":"-"}"#)
        #expect(p.target == "/pets/42" && p.route == "/pets/{petId}" && p.method == "DELETE")
        #expect(p.status == 204 && p.bytes == -1)
    }

    @Test func httpAPIRouteKeyGivesMethodAndPath() {
        let p = parse(#"{"requestId":"GQIVriFLIAMEMsA=","ip":"198.51.100.4","requestTime":"09/Jun/2026:12:54:08 +0000","routeKey":"POST /orders/{id}/items","status":"201","protocol":"HTTP/1.1","responseLength":"47"}"#)
        #expect(p.outcome == .call && p.method == "POST" && p.target == "/orders/{id}/items" && p.route == "POST /orders/{id}/items")
        // `ANY` is a route's wildcard, not a method; `$default` has no path.
        let any = parse(#"{"requestId":"a","ip":"198.51.100.4","requestTime":"09/Jun/2026:12:54:08 +0000","routeKey":"ANY /{proxy+}","status":"200"}"#)
        #expect(any.method == "" && any.target == "/{proxy+}")
        let fallback = parse(#"{"requestId":"b","ip":"198.51.100.4","requestTime":"09/Jun/2026:12:54:08 +0000","httpMethod":"GET","routeKey":"$default","status":"404"}"#)
        #expect(fallback.outcome == .call && fallback.method == "GET" && fallback.target == "" && !fallback.valid)
        #expect(fallback.route == "$default")
    }

    @Test func webSocketEventsAreRecordsWithoutAPath() {
        let p = parse(#"{"requestId":"Iq9gwFDNoAMFo1A=","ip":"198.51.100.4","caller":"-","user":"-","requestTime":"26/Jul/2026:12:20:46 +0000","eventType":"CONNECT","routeKey":"$connect","status":"500","connectionId":"Iq8gj1UmIAMCKpA=","apiId":"z1ctxygne5","domainName":"z1ctxygne5.execute-api.us-east-1.amazonaws.com"}"#)
        #expect(p.outcome == .call && p.scheme == "wss" && p.route == "$connect" && p.status == 500)
        #expect(p.method == "" && p.target == "")
        let unauthorized = parse(#"{"requestId":"177a5660","ip":"198.51.100.4","requestTime":"19/Jul/2026:16:17:17 +0000","eventType":"-","routeKey":"-","status":"403","connectionId":"-"}"#)
        #expect(unauthorized.outcome == .call && unauthorized.status == 403 && unauthorized.route == "")
    }

    @Test func contextVariablesFlatNestedOrPrefixed() {
        let nested = parse(#"{"context":{"requestId":"n1","requestTimeEpoch":1791640536123,"httpMethod":"PUT","path":"/users/7","status":200,"responseLength":12,"responseLatency":35,"identity":{"sourceIp":"2001:db8::7","userAgent":"okhttp/4.12.0"},"authorizer":{"claims":{"sub":"user-7"}}}}"#)
        #expect(nested.outcome == .call && nested.requestId == "n1" && nested.method == "PUT" && nested.target == "/users/7")
        #expect(nested.client == "2001:db8::7" && nested.userAgent == "okhttp/4.12.0" && nested.consumer == "user-7")
        #expect(nested.millis == 1_791_640_536_123 && nested.micros == 35_000 && nested.bytes == 12)
        let flat = parse(#"{"$context.requestId":"f1","$context.identity.sourceIp":"203.0.113.9","$context.requestTime":"10/Oct/2026:13:55:36 +0000","$context.httpMethod":"GET","$context.resourcePath":"/a","$context.status":"200"}"#)
        #expect(flat.outcome == .call && flat.client == "203.0.113.9" && flat.target == "/a")
        let dotted = parse(#"{"requestId":"d1","identity.sourceIp":"203.0.113.10","requestTime":"10/Oct/2026:13:55:36 +0000","httpMethod":"GET","path":"\/b\/c","status":"200","authorizer.principalId":"svc-billing","identity.apiKeyId":"k7hq2","identity.clientCert.subjectDN":"CN=billing,O=Example"}"#)
        #expect(dotted.client == "203.0.113.10" && dotted.target == "/b/c" && dotted.consumer == "svc-billing")
        #expect(dotted.apiKey == "k7hq2" && dotted.certificate == .verified)
        let noCert = parse(#"{"requestId":"d2","ip":"203.0.113.10","requestTime":"10/Oct/2026:13:55:36 +0000","httpMethod":"GET","path":"/b","status":"403","clientCert.subjectDN":"-"}"#)
        #expect(noCert.certificate == .none)
    }

    @Test func theEpochTimeIsPreferredAndBadValuesAreRejected() {
        let p = parse(#"{"requestId":"e","ip":"203.0.113.1","requestTime":"10/Oct/2026:13:55:36 +0000","requestTimeEpoch":"1791640536789","httpMethod":"GET","path":"/x","status":"200"}"#)
        #expect(p.millis == 1_791_640_536_789)
        #expect(parse(#"{"requestId":"e","ip":"203.0.113.1","requestTime":"yesterday","httpMethod":"GET","path":"/x","status":"200"}"#).outcome == .rejected(.badTimestamp))
        #expect(parse(#"{"requestId":"e","ip":"203.0.113.1","requestTime":"10/Oct/2026:13:55:36 +0000","httpMethod":"GET","path":"/x","status":"OK"}"#).outcome == .rejected(.badStatus))
        #expect(parse(#"{"requestId":"e","requestTime":"10/Oct/2026:13:55:36 +0000","httpMethod":"GET""#).outcome == .rejected(.invalidJSON))
        #expect(parse("   ").outcome == .ignored)
    }

    @Test func wafVerdictWhenTheTemplateLogsIt() {
        let p = parse(#"{"requestId":"w","ip":"203.0.113.1","requestTime":"10/Oct/2026:13:55:36 +0000","httpMethod":"GET","path":"/x","status":"403","wafResponseCode":"WAF_BLOCK"}"#)
        #expect(p.wafAction == "WAF_BLOCK")
    }

    @Test func nearMissesAreRejected() {
        // Not API Gateway's shape: a request id without the request time, other JSON formats.
        #expect(parse(#"{"requestId":"x","ip":"203.0.113.1","httpMethod":"GET","path":"/x","status":"200"}"#).outcome == .rejected(.missingField))
        #expect(parse(#"{"requestId":"x","requestTime":"10/Oct/2026:13:55:36 +0000","status":"200"}"#).outcome == .rejected(.missingField))
        for line in EdgeNearMiss.all { #expect(parse(line).outcome != .call, "\(line)") }
        #expect(parse(FormatDescriptor.awsWAF.example).outcome != .call)
        #expect(parse(FormatDescriptor.azureFrontDoor.example).outcome != .call)
    }
}
