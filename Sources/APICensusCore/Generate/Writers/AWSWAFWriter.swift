/// AWS WAF web ACL log records of an ACL in front of a load balancer: requests answered 403 are
/// WAF blocks (terminated by a managed rule), the others allowed by the default action. Headers
/// carry the client's synthetic credentials.
struct AWSWAFWriter: SyntheticLogWriter {
    let name = LogFormat.awsWAF.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let q = EdgeJSONWriting.quoted
        let blocked = r.status == 403
        var line = "{\"timestamp\":\(r.timeMillis),\"formatVersion\":1,"
        line += "\"webaclId\":\"arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/shop-api/5e2a7c1d-0b3f-4a6e-9d8c-1f2e3d4c5b6a\","
        line += blocked
            ? "\"terminatingRuleId\":\"AWS-AWSManagedRulesCommonRuleSet\",\"terminatingRuleType\":\"MANAGED_RULE_GROUP\",\"action\":\"BLOCK\","
            : "\"terminatingRuleId\":\"Default_Action\",\"terminatingRuleType\":\"REGULAR\",\"action\":\"ALLOW\","
        line += "\"terminatingRuleMatchDetails\":[],\"httpSourceName\":\"ALB\","
        line += "\"httpSourceId\":\"111122223333-app/shop-api/7f1e2d3c4b5a6978\",\"ruleGroupList\":[],\"rateBasedRuleList\":[],"
        line += "\"nonTerminatingMatchingRules\":[],\"requestHeadersInserted\":null,\"responseCodeSent\":null,"
        var headers = [("Host", r.host), ("User-Agent", r.userAgent)]
        if let auth = r.authorization(.edge) { headers.append(("Authorization", auth)) }
        if let key = r.apiKey(.edge) { headers.append(("X-Api-Key", key)) }
        if r.referrer != "-" { headers.append(("Referer", r.referrer)) }
        headers.append(("Accept", "application/json"))
        line += "\"httpRequest\":{\"clientIp\":\(q(r.client)),\"country\":\"NL\",\"headers\":["
        line += headers.map { "{\"name\":\(q($0.0)),\"value\":\(q($0.1))}" }.joined(separator: ",")
        line += "],\"uri\":\(q(r.path)),\"args\":\(q(EdgeJSONWriting.args(r))),\"httpVersion\":\"HTTP/\(r.httpVersion)\","
        line += "\"httpMethod\":\(q(r.method)),\"requestId\":\"1-\(r.requestId.prefix(8))-\(r.requestId.suffix(24))\"},"
        line += "\"labels\":[]}"
        out.append(contentsOf: line.utf8)
    }
}
