/// Istio sidecar access-log records (see `IstioLogParser`): inbound calls, most over mesh mTLS
/// (the `outbound_.…` requested server name), some in plaintext.
struct IstioWriter: SyntheticLogWriter {
    let name = LogFormat.istio.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let millis = r.durationMicros / 1000
        let upstream = SyntheticTimes.upstream(r)
        let service = r.host.split(separator: ".").first.map(String.init) ?? "api"
        let sni = r.clientIndex % 10 == 9 ? "-" : "outbound_.8080_._.\(service).default.svc.cluster.local"
        let client = r.client.contains(":") ? "[\(r.client)]" : r.client
        let line = "[\(r.isoTime)] \"\(r.method) \(r.target) HTTP/\(r.httpVersion == "2.0" ? "2" : "1.1")\" \(r.status) - "
            + "via_upstream - \"-\" \(r.method == "GET" ? 0 : 240) \(r.bytes) \(millis + 1) \(millis) \"-\" \"\(r.userAgent)\" "
            + "\"\(SyntheticTimes.uuid(r))\" \"\(r.host)\" \"\(upstream)\" inbound|8080|| 127.0.0.6:\(40_000 + r.clientIndex % 20_000) "
            + "\(upstream) \(client):\(50_000 + r.clientIndex % 10_000) \(sni) default"
        out.append(contentsOf: line.utf8)
    }
}
