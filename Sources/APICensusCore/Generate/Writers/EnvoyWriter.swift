/// Envoy default text access-log records (see `EnvoyTextLogParser`).
struct EnvoyWriter: SyntheticLogWriter {
    let name = LogFormat.envoy.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let millis = r.durationMicros / 1000
        let line = "[\(r.isoTime)] \"\(r.method) \(r.target) HTTP/\(r.httpVersion == "2.0" ? "2" : "1.1")\" \(r.status) - "
            + "\(r.method == "GET" ? 0 : 240) \(r.bytes) \(millis + 1) \(millis) \"\(r.client)\" \"\(r.userAgent)\" "
            + "\"\(SyntheticTimes.uuid(r))\" \"\(r.host)\" \"\(SyntheticTimes.upstream(r))\""
        out.append(contentsOf: line.utf8)
    }
}
