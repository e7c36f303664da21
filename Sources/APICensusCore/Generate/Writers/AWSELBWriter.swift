/// AWS Classic ELB access-log records (see `AWSClassicELBLogParser`): HTTPS listener records with
/// TLS fields, HTTP listener ones with `-`.
struct AWSELBWriter: SyntheticLogWriter {
    let name = LogFormat.awsELB.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let tls = r.tlsProtocol != nil
        let line = "\(SyntheticTimes.micros(r)) api-lb \(r.client):\(40_000 + r.clientIndex % 20_000) \(SyntheticTimes.upstream(r)) "
            + "0.000021 \(SyntheticTimes.seconds(r.durationMicros, decimals: 6)) 0.000017 \(r.status) \(r.status) "
            + "\(r.method == "GET" ? 0 : 120) \(r.bytes) "
            + "\"\(r.method) \(tls ? "https" : "http")://\(r.host):\(tls ? 443 : 80)\(r.target) HTTP/1.1\" \"\(r.userAgent)\" "
            + "\(r.tlsCipher ?? "-") \(r.tlsProtocol ?? "-")"
        out.append(contentsOf: line.utf8)
    }
}
