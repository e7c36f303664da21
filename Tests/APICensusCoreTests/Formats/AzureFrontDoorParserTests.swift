import Testing
@testable import APICensusCore

@Suite struct AzureFrontDoorParserTests {
    func parse(_ line: String) -> EdgeParsed {
        var parser = AzureFrontDoorParser()
        return edgeParse(&parser, line)
    }

    @Test func classicAccessRecord() {
        let p = parse(#"{"category":"FrontdoorAccessLog","operationName":"Microsoft.Network/FrontDoor/AccessLog/Write","properties":{"ErrorInfo":"NoError","backendHostname":"shop.azurewebsites.net:443","cacheStatus":"CONFIG_NOCACHE","clientIp":"89.160.20.128","clientPort":"50382","httpMethod":"POST","httpStatusCode":"200","httpStatusDetails":"200","httpVersion":"2.0.0.0","isReceivedFromClient":true,"pop":"SIN","requestBytes":"2545","requestProtocol":"HTTPS","requestUri":"https://erp.example.com:443/StockSetup/GetStockListByCir?x=1","responseBytes":"1205","routingRuleName":"erp","rulesEngineMatchNames":[],"securityProtocol":"TLS 1.2","socketIp":"89.160.20.128","timeTaken":"0.384","timeToFirstByte":"0.384","trackingReference":"0k1y5YQAAAAAWd0Uc6UcnR7WN8uo2prY","userAgent":"Mozilla/5.0 (Windows NT 6.1; Win64; x64)"},"resourceId":"/SUBSCRIPTIONS/49D1/RESOURCEGROUPS/WAF-RG/PROVIDERS/MICROSOFT.NETWORK/FRONTDOORS/TESTCLOUD","time":"2021-12-15T03:10:11.6479719Z"}"#)
        #expect(p.outcome == .call)
        #expect(p.method == "POST" && p.target == "https://erp.example.com:443/StockSetup/GetStockListByCir?x=1")
        #expect(p.host == "erp.example.com:443" && p.version == "HTTP/2.0" && p.status == 200 && p.bytes == 1205)
        #expect(p.micros == 384_000 && p.client == "89.160.20.128" && p.time == "2021-12-15T03:10:11.647Z")
        #expect(p.scheme == "HTTPS" && p.tlsProtocol == "TLS 1.2" && p.route == "erp" && p.upstream == "shop.azurewebsites.net:443")
        #expect(p.requestId == "0k1y5YQAAAAAWd0Uc6UcnR7WN8uo2prY" && p.userAgent.hasPrefix("Mozilla/5.0"))
    }

    @Test func standardAccessRecord() {
        let p = parse(FormatDescriptor.azureFrontDoor.example)
        #expect(p.outcome == .call && p.host == "api.example.com" && p.version == "HTTP/1.1")
        #expect(p.tlsProtocol == "TLS 1.3" && p.tlsCipher == "TLS_AES_256_GCM_SHA384" && p.route == "api-route")
        #expect(p.upstream == "api-origin.example.net:443" && p.micros == 12_000)
        // Plain HTTP: no security protocol.
        let plain = parse(#"{"time":"2026-10-10T13:55:36Z","category":"FrontDoorAccessLog","resourceId":"/S","properties":{"httpMethod":"GET","httpVersion":"1.1.0.0","requestUri":"http://www.example.com:80/","requestProtocol":"HTTP","securityProtocol":"","httpStatusCode":"301","clientIp":"2001:db8::3","responseBytes":"0"}}"#)
        #expect(plain.outcome == .call && plain.scheme == "HTTP" && plain.tlsProtocol == "" && plain.host == "www.example.com:80")
        #expect(plain.status == 301 && plain.client == "2001:db8::3")
    }

    @Test func wafRecord() {
        let p = parse(#"{"time":"2026-10-10T13:55:36.5Z","resourceId":"/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.CDN/PROFILES/EDGE","category":"FrontDoorWebApplicationFirewallLog","operationName":"Microsoft.Cdn/Profiles/Write","properties":{"clientIP":"203.0.113.7","clientPort":"50312","socketIP":"203.0.113.7","requestUri":"https://api.example.com:443/search?q=1%27%20or%201=1","ruleName":"Microsoft_DefaultRuleSet-2.1-SQLI-942100","policy":"edgepolicy","action":"Block","host":"api.example.com","trackingReference":"0TmR0ZQAAAAD","policyMode":"prevention","details":{"matches":[]}}}"#)
        #expect(p.outcome == .call && p.wafAction == "Block" && p.wafRule == "Microsoft_DefaultRuleSet-2.1-SQLI-942100")
        #expect(p.host == "api.example.com" && p.method == "" && p.client == "203.0.113.7" && p.scheme == "https")
        #expect(p.target == "https://api.example.com:443/search?q=1%27%20or%201=1" && p.requestId == "0TmR0ZQAAAAD")
    }

    @Test func logAnalyticsRow() {
        let p = parse(#"{"TimeGenerated":"2026-10-10T13:55:36Z","Category":"FrontDoorAccessLog","ResourceId":"/S","httpMethod_s":"GET","requestUri_s":"https://api.example.com:443/a","httpStatusCode_s":"404","responseBytes_s":"9","timeTaken_s":"0.002","clientIp_s":"203.0.113.7","hostName_s":"api.example.com","securityProtocol_s":"TLS 1.3","Type":"AzureDiagnostics"}"#)
        #expect(p.outcome == .call && p.status == 404 && p.bytes == 9 && p.micros == 2_000 && p.tlsProtocol == "TLS 1.3")
    }

    @Test func otherCategoriesAndNearMisses() {
        #expect(parse(#"{"time":"2026-10-10T13:55:36Z","category":"FrontDoorHealthProbeLog","resourceId":"/S","properties":{"healthProbeId":"1","httpStatusCode":"200"}}"#).outcome == .ignored)
        #expect(parse(FormatDescriptor.azureAppGateway.example).outcome == .rejected(.malformed))
        #expect(parse(#"{"time":"2026-10-10T13:55:36Z","category":"FrontDoorAccessLog","resourceId":"/S","properties":{"httpMethod":"GET"}}"#).outcome == .rejected(.missingField))
        #expect(parse(#"{"time":"2026-10-10T13:55:36Z","category":"FrontDoorAccessLog","resourceId":"/S","properties":{"httpMethod":"GET","requestUri":"https://a/","httpStatusCode":"2000"}}"#).outcome == .rejected(.badStatus))
        for line in EdgeNearMiss.all { #expect(parse(line).outcome != .call, "\(line)") }
        for d in [FormatDescriptor.awsAPIGateway, .awsWAF, .gcpLoadBalancer, .modSecurityJSON] {
            #expect(parse(d.example).outcome != .call, "\(d.format)")
        }
    }
}
