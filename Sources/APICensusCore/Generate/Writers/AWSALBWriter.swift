/// AWS ALB access-log records (see `AWSALBLogParser`): connection type from the TLS state and HTTP
/// version, the absolute request URL ALB logs, TLS fields, a target group per host, and
/// `actions_executed` with AWS WAF and ALB authentication for some clients.
struct AWSALBWriter: SyntheticLogWriter {
    let name = LogFormat.awsALB.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let tls = r.tlsProtocol != nil
        let type = !tls ? "http" : (r.httpVersion == "2.0" ? "h2" : "https")
        let port = tls ? 443 : 80
        let time = SyntheticTimes.micros(r)
        let target = SyntheticTimes.upstream(r)
        let seconds = SyntheticTimes.seconds(r.durationMicros, decimals: 3)
        var actions = r.clientIndex % 4 == 0 ? "waf," : ""
        if r.credential == .bearerJWT, r.clientIndex % 3 == 0 { actions += "authenticate," }
        actions += "forward"
        let group = r.host.split(separator: ".").first.map(String.init) ?? "api"
        let line = "\(type) \(time) app/api-lb/50dc6c495c0c9188 \(r.client):\(40_000 + r.clientIndex % 20_000) \(target) "
            + "0.000 \(seconds) 0.000 \(r.status) \(r.status) \(180 + r.target.utf8.count) \(r.bytes) "
            + "\"\(r.method) \(tls ? "https" : "http")://\(r.host):\(port)\(r.target) HTTP/\(r.httpVersion)\" \"\(r.userAgent)\" "
            + "\(r.tlsCipher ?? "-") \(r.tlsProtocol ?? "-") "
            + "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/\(group)-tg/73e2d6bc24d8a067 "
            + "\"Root=1-\(r.requestId.prefix(8))-\(r.requestId.suffix(24))\" \"\(tls ? r.host : "-")\" "
            + "\"\(tls ? "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" : "-")\" "
            + "\(1 + r.clientIndex % 3) \(time) \"\(actions)\" \"-\" \"-\" \"\(target)\" \"\(r.status)\" \"-\" \"-\" "
            + "TID_\(r.requestId.prefix(16))"
        out.append(contentsOf: line.utf8)
    }
}

/// Time and address pieces the load-balancer writers share.
enum SyntheticTimes {
    /// `2026-01-01T00:00:00.123000Z` (AWS logs microseconds).
    static func micros(_ r: SyntheticRecord) -> String { String(r.isoTime.dropLast()) + "000Z" }

    /// `1.234` seconds with the given number of decimals.
    static func seconds(_ micros: Int, decimals: Int) -> String {
        var fraction = String(micros % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        return "\(micros / 1_000_000).\(fraction.prefix(decimals))"
    }

    /// The backend a call went to: a few per host.
    static func upstream(_ r: SyntheticRecord) -> String {
        var h = 5381
        for b in r.host.utf8 { h = (h &* 33) &+ Int(b) }
        return "10.0.\(abs(h) % 200).\(10 + r.clientIndex % 3):8080"
    }

    /// `c219f6da-2b7f-483e-9ced-ec323d9330a9` from the record's request id.
    static func uuid(_ r: SyntheticRecord) -> String {
        let c = Array(r.requestId)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-"
            + String(c[20..<32])
    }
}
