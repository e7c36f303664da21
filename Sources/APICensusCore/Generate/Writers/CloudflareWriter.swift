/// Cloudflare Logpush `http_requests` NDJSON with the default `unixnano` timestamps, TLS, mTLS and
/// security fields. Calls answered 403 are blocked by a (synthetic) WAF rule.
struct CloudflareWriter: SyntheticLogWriter {
    let name = LogFormat.cloudflare.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        typealias S = GatewayWriterSupport
        let q = S.quoted
        let startNanos = r.timeMillis * 1_000_000 + Int64(r.variant % 1_000_000)
        let endNanos = startNanos + Int64(r.durationMicros) * 1000
        let blocked = r.status == 403
        let ray = String(r.requestId.prefix(16))
        var line = "{\"ClientIP\":\(q(r.client)),\"ClientRequestHost\":\(q(r.host)),\"ClientRequestMethod\":\(q(r.method)),"
            + "\"ClientRequestURI\":\(q(r.target)),\"ClientRequestPath\":\(q(r.path)),"
            + "\"ClientRequestProtocol\":\(q(r.httpVersion == "2.0" ? "HTTP/2" : "HTTP/\(r.httpVersion)")),"
            + "\"ClientRequestScheme\":\(q(r.tlsProtocol == nil ? "http" : "https")),"
            + "\"ClientRequestUserAgent\":\(q(r.userAgent)),\"ClientRequestReferer\":\(q(r.referrer == "-" ? "" : r.referrer)),"
            + "\"ClientSSLProtocol\":\(q(r.tlsProtocol ?? "none")),"
            + "\"ClientSSLCipher\":\(q(r.tlsCipher.map { $0 == "TLS_AES_128_GCM_SHA256" ? "AEAD-AES128-GCM-SHA256" : $0 } ?? "NONE")),"
            + "\"ClientMTLSAuthStatus\":\(q(r.tlsProtocol == nil ? "unknown" : "absent")),"
            + "\"EdgeStartTimestamp\":\(startNanos),\"EdgeEndTimestamp\":\(endNanos),"
            + "\"EdgeResponseStatus\":\(r.status),\"EdgeResponseBytes\":\(r.bytes + 420),\"EdgeResponseBodyBytes\":\(r.bytes),"
            + "\"CacheCacheStatus\":\"dynamic\",\"OriginIP\":\(q(blocked ? "" : S.upstream(r))),"
            + "\"OriginResponseStatus\":\(blocked ? 0 : r.status),\"RayID\":\(q(ray)),"
        if blocked {
            line += "\"SecurityAction\":\"block\",\"SecurityActions\":[\"block\"],\"SecurityRuleID\":\"synthetic-rule-\(r.clientIndex % 7)\","
                + "\"SecuritySources\":[\"firewallManaged\"],\"WAFAction\":\"drop\","
        } else {
            line += "\"SecurityAction\":\"unknown\",\"SecurityActions\":[],\"SecurityRuleID\":\"\",\"WAFAction\":\"unknown\","
        }
        line += "\"ZoneName\":\(q(r.host)),\"RequestHeaders\":{\"x-request-id\":\(q(r.requestId))"
        if r.method == "POST" || r.method == "PUT" || r.method == "PATCH" { line += ",\"content-type\":\"application/json\"" }
        line += "}}"
        out.append(contentsOf: line.utf8)
    }
}
