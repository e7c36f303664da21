/// Traefik common-format access-log records (see `TraefikCLFLogParser`): combined, then the request
/// count, router, service URL and duration in milliseconds.
struct TraefikCLFWriter: SyntheticLogWriter {
    let name = LogFormat.traefikCLF.rawValue
    let logsHost = false

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let router = (r.host.split(separator: ".").first.map(String.init) ?? "api") + "@docker"
        let line = "\(r.client) - \(r.user) [\(r.clfTime)] \"\(r.requestLine)\" \(r.status) \(r.bytes) \"\(r.referrer)\" "
            + "\"\(r.userAgent)\" \(1 + Int(r.variant % 100_000)) \"\(router)\" \"http://\(SyntheticTimes.upstream(r))\" "
            + "\(r.durationMicros / 1000)ms"
        out.append(contentsOf: line.utf8)
    }
}
