/// Google Cloud external Application Load Balancer request logs (Cloud Logging `LogEntry` JSON),
/// with a Cloud Armor policy: requests answered 403 were denied by a preconfigured WAF rule.
struct GCPLoadBalancerWriter: SyntheticLogWriter {
    let name = LogFormat.gcpLoadBalancer.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let q = EdgeJSONWriting.quoted
        let denied = r.status == 403
        var line = "{\"insertId\":\"\(SyntheticBits.hex(r.variant, 14))\",\"jsonPayload\":{"
        line += "\"@type\":\"type.googleapis.com/google.cloud.loadbalancing.type.LoadBalancerLogEntry\","
        line += "\"statusDetails\":\(denied ? "\"denied_by_security_policy\"" : "\"response_sent_by_backend\""),"
        line += "\"enforcedSecurityPolicy\":{\"name\":\"shop-api-policy\","
        line += denied
            ? "\"priority\":1000,\"configuredAction\":\"DENY\",\"outcome\":\"DENY\",\"preconfiguredExprIds\":[\"owasp-crs-v030301-id942100-sqli\"]}"
            : "\"priority\":2147483647,\"configuredAction\":\"ALLOW\",\"outcome\":\"ACCEPT\"}"
        if let tls = r.tlsProtocol { line += ",\"tls\":{\"protocol\":\(q(tls)),\"cipher\":\(q(r.tlsCipher ?? ""))}" }
        line += "},\"httpRequest\":{\"requestMethod\":\(q(r.method)),"
        line += "\"requestUrl\":\(q("\(r.tlsProtocol == nil ? "http" : "https")://\(r.host)\(r.path)\(r.query)")),"
        line += "\"requestSize\":\"\(180 + Int(r.variant % 400))\",\"status\":\(r.status),\"responseSize\":\"\(r.bytes)\","
        line += "\"userAgent\":\(q(r.userAgent)),\"remoteIp\":\(q("\(r.client):\(EdgeJSONWriting.clientPort(r))")),"
        line += "\"serverIp\":\"10.20.\(r.variant % 4).\(10 + r.variant % 40)\",\"latency\":\"\(r.durationMicros / 1_000_000).\(LogGenerator.pad(r.durationMicros % 1_000_000, 6))s\","
        line += "\"protocol\":\"HTTP/\(r.httpVersion)\""
        if r.referrer != "-" { line += ",\"referer\":\(q(r.referrer))" }
        line += "},\"resource\":{\"type\":\"http_load_balancer\",\"labels\":{\"project_id\":\"shop-prod\",\"zone\":\"global\","
        line += "\"url_map_name\":\"shop-api-map\",\"forwarding_rule_name\":\"shop-api-https\",\"target_proxy_name\":\"shop-api-proxy\","
        line += "\"backend_service_name\":\"shop-api-backend\"}},\"timestamp\":\(q(EdgeJSONWriting.isoMicros(r))),"
        line += "\"severity\":\(r.status >= 500 ? "\"ERROR\"" : "\"INFO\""),\"logName\":\"projects/shop-prod/logs/requests\","
        line += "\"trace\":\"projects/shop-prod/traces/\(r.requestId)\",\"receiveTimestamp\":\(q(EdgeJSONWriting.isoMicros(r)))}"
        out.append(contentsOf: line.utf8)
    }
}
