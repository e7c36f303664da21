import Testing
@testable import APICensusCore

@Suite struct AzureAppGatewayParserTests {
    func parse(_ line: String) -> EdgeParsed {
        var parser = AzureAppGatewayParser()
        return edgeParse(&parser, line)
    }

    static let resource = #""resourceId":"/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/APPLICATIONGATEWAYS/AGW""#

    @Test func v1AccessRecord() {
        let p = parse("{" + Self.resource + #","operationName":"ApplicationGatewayAccess","time":"2026-04-26T19:27:38Z","category":"ApplicationGatewayAccessLog","properties":{"instanceId":"ApplicationGatewayRole_IN_0","clientIP":"67.43.156.7","clientPort":46886,"httpMethod":"GET","requestUri":"/phpmyadmin/scripts/setup.php","requestQuery":"X-AzureApplicationGateway-CACHE-HIT=0&SERVER-ROUTED=10.4.0.4&X-AzureApplicationGateway-LOG-ID=874f1f0f-6807-41c9-b7bc-f3cfa74aa0b1&SERVER-STATUS=404","userAgent":"-","httpStatus":404,"httpVersion":"HTTP/1.0","receivedBytes":65,"sentBytes":553,"timeTaken":205,"sslEnabled":"off","host":"www.contoso.com","originalHost":"www.contoso.com"}}"#)
        #expect(p.outcome == .call)
        // The v1 requestQuery is the gateway's routing data, never the client's query.
        #expect(p.method == "GET" && p.target == "/phpmyadmin/scripts/setup.php" && p.version == "HTTP/1.0")
        #expect(p.status == 404 && p.bytes == 553 && p.micros == 205_000 && p.client == "67.43.156.7")
        #expect(p.time == "2026-04-26T19:27:38.000Z" && p.host == "www.contoso.com" && p.userAgent == "")
        #expect(p.scheme == "http" && p.upstream == "10.4.0.4" && p.requestId == "874f1f0f-6807-41c9-b7bc-f3cfa74aa0b1")
    }

    @Test func v2AccessRecord() {
        let p = parse(FormatDescriptor.azureAppGateway.example)
        #expect(p.outcome == .call)
        #expect(p.method == "GET" && p.target == "/users/42?expand=orders" && p.status == 200 && p.bytes == 512)
        #expect(p.micros == 12_000 && p.scheme == "https" && p.tlsProtocol == "TLSv1.2" && p.tlsCipher == "ECDHE-RSA-AES256-GCM-SHA384")
        #expect(p.upstream == "10.0.1.4:443" && p.route == "api-rule" && p.service == "api-pool" && p.host == "api.example.com")
        #expect(p.requestId == "8e3c1a8f5b7d4c2e9f0a1b2c3d4e5f60" && p.certificate == .notLogged)
        // The original request (before a rewrite) and mutual TLS.
        let rewritten = parse("{" + Self.resource + #","time":"2026-10-10T13:55:36.1234567Z","category":"ApplicationGatewayAccessLog","properties":{"instanceId":"appgw_1","clientIP":"2001:db8::9","httpMethod":"POST","requestUri":"/internal/v2/orders","originalRequestUriWithArgs":"/api/orders?dryRun=true","httpStatus":201,"sentBytes":90,"timeTaken":0.2,"sslEnabled":"on","sslProtocol":"TLSv1.3","sslClientVerify":"SUCCESS","host":"backend.internal","originalHost":"api.example.com"}}"#)
        #expect(rewritten.target == "/api/orders?dryRun=true" && rewritten.host == "api.example.com" && rewritten.certificate == .verified)
        #expect(rewritten.micros == 200_000 && rewritten.client == "2001:db8::9" && rewritten.time == "2026-10-10T13:55:36.123Z")
        let failed = parse("{" + Self.resource + #","time":"2026-10-10T13:55:36Z","category":"ApplicationGatewayAccessLog","properties":{"clientIP":"203.0.113.7","httpMethod":"GET","requestUri":"/","httpStatus":400,"sslEnabled":"on","sslClientVerify":"FAILED:unable to get issuer certificate"}}"#)
        #expect(failed.certificate == .failed)
    }

    @Test func firewallRecord() {
        let p = parse(#"{"category":"ApplicationGatewayFirewallLog","operationName":"ApplicationGatewayFirewall","properties":{"action":"Blocked","clientIp":"67.43.156.7","clientPort":"","details":{"data":"{ found within [REQUEST_HEADERS:0]}","file":"rules/REQUEST-920-PROTOCOL-ENFORCEMENT.conf","line":"1335","message":"Warning. Operator EQ matched 0 at REQUEST_HEADERS. "},"hostname":"api.example.com","instanceId":"appgw_0","message":"Missing User Agent Header","policyId":"default","requestUri":"/VerifyRecipient?id=7","ruleId":"920320","ruleSetType":"OWASP_CRS","ruleSetVersion":"3.2","site":"Global","transactionId":"4f88383f19aa99ff55a51130f93eb4fc"},"#
            + Self.resource + #","timeStamp":"2026-01-20T21:25:55+00:00"}"#)
        #expect(p.outcome == .call)
        #expect(p.wafAction == "Blocked" && p.wafRule == "920320" && p.target == "/VerifyRecipient?id=7" && p.method == "")
        #expect(p.host == "api.example.com" && p.client == "67.43.156.7" && p.requestId == "4f88383f19aa99ff55a51130f93eb4fc")
        #expect(p.time == "2026-01-20T21:25:55.000Z" && p.status == -1)
    }

    @Test func logAnalyticsRows() {
        let diagnostics = parse(#"{"TenantId":"t","TimeGenerated":"2026-10-10T13:55:36.123Z","ResourceId":"/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/APPLICATIONGATEWAYS/AGW","Category":"ApplicationGatewayAccessLog","ResourceType":"APPLICATIONGATEWAYS","OperationName":"ApplicationGatewayAccess","instanceId_s":"appgw_0","clientIP_s":"203.0.113.7","httpMethod_s":"PUT","requestUri_s":"/users/7","httpStatus_d":200.0,"sentBytes_d":77,"timeTaken_d":0.004,"sslEnabled_s":"on","sslProtocol_s":"TLSv1.2","host_s":"api.example.com","transactionId_g":"6b2e","Type":"AzureDiagnostics"}"#)
        #expect(diagnostics.outcome == .call && diagnostics.method == "PUT" && diagnostics.status == 200 && diagnostics.bytes == 77)
        #expect(diagnostics.micros == 4_000 && diagnostics.tlsProtocol == "TLSv1.2" && diagnostics.requestId == "6b2e")
        let firewall = parse(#"{"TimeGenerated":"2026-10-10T13:55:36Z","Category":"ApplicationGatewayFirewallLog","ResourceId":"/SUBSCRIPTIONS/0000","clientIp_s":"203.0.113.7","requestUri_s":"/x","ruleId_s":"942100","action_s":"Matched","hostname_s":"api.example.com"}"#)
        #expect(firewall.outcome == .call && firewall.wafAction == "Matched" && firewall.wafRule == "942100")
        let specific = parse(#"{"TimeGenerated":"2026-10-10T13:55:36Z","Type":"AGWAccessLogs","_ResourceId":"/subscriptions/0000","ClientIp":"203.0.113.7","HttpMethod":"GET","RequestUri":"/a","HttpStatus":302,"SentBytes":0,"TimeTaken":0.001,"SslEnabled":"on","Host":"api.example.com","RuleName":"r","BackendPoolName":"pool"}"#)
        #expect(specific.outcome == .call && specific.status == 302 && specific.route == "r" && specific.service == "pool")
    }

    @Test func otherCategoriesAndNearMisses() {
        #expect(parse(#"{"category":"ResourceHealth","operationName":"Microsoft.Resourcehealth/healthevent/Updated/action","properties":{"title":"Stopping"},"resourceId":"/SUBSCRIPTIONS/0000","time":"2026-06-27T21:21:53.2230000Z"}"#).outcome == .ignored)
        #expect(parse("{" + Self.resource + #","category":"ApplicationGatewayPerformanceLog","time":"2026-06-27T21:21:53Z","properties":{"healthyHostCount":"4"}}"#).outcome == .ignored)
        #expect(parse(FormatDescriptor.azureFrontDoor.example).outcome == .rejected(.malformed))
        // An Event Hubs delivery of several records in one object is not one record.
        #expect(parse(#"{"records":[{"category":"ApplicationGatewayAccessLog","properties":{}}]}"#).outcome == .rejected(.missingField))
        #expect(parse("{" + Self.resource + #","category":"ApplicationGatewayAccessLog","time":"2026-10-10T13:55:36Z","properties":{"clientIP":"203.0.113.7"}}"#).outcome == .rejected(.missingField))
        #expect(parse("{" + Self.resource + #","category":"ApplicationGatewayAccessLog","time":"not a time","properties":{"httpMethod":"GET","requestUri":"/"}}"#).outcome == .rejected(.badTimestamp))
        for line in EdgeNearMiss.all { #expect(parse(line).outcome != .call, "\(line)") }
        for d in [FormatDescriptor.awsAPIGateway, .awsWAF, .gcpLoadBalancer, .modSecurityJSON] {
            #expect(parse(d.example).outcome != .call, "\(d.format)")
        }
    }
}
