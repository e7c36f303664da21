/// HAProxy `option httpslog` records behind HAProxy's syslog prefix (see `HAProxyLogParser`), with
/// the captures a recommended configuration logs: Host, User-Agent and the Authorization *scheme*
/// (`http-request capture req.hdr(Authorization),word(1,' ') len 16`), never the credential.
struct HAProxyWriter: SyntheticLogWriter {
    let name = LogFormat.haproxy.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let clf = r.clfTime  // 01/Jan/2026:00:00:00 +0000
        let month = clf.dropFirst(3).prefix(3)
        let day = Int(clf.prefix(2))!
        let clock = clf.dropFirst(12).prefix(8)
        let millis = String(r.isoTime.dropFirst(20).prefix(3))
        let syslog = "\(month) \(day < 10 ? " " : "")\(day) \(clock) lb1 haproxy[1234]: "
        let tls = r.tlsProtocol != nil
        let frontend = tls ? "https-in~" : "http-in"
        let backend = (r.host.split(separator: ".").first.map(String.init) ?? "api") + "-be"
        let server = "srv\(1 + r.clientIndex % 3)"
        let total = r.durationMicros / 1000
        let scheme = r.authorizationScheme ?? "-"
        let ssl = tls ? "\(r.host)/\(r.tlsProtocol!)/\(r.tlsCipher!)" : "-/-/-"
        let line = syslog + "\(r.client):\(40_000 + r.clientIndex % 20_000) [\(clf.prefix(20)).\(millis)] \(frontend) "
            + "\(backend)/\(server) 0/0/1/\(max(total - 1, 0))/\(total) \(r.status) \(r.bytes) - - ---- 3/3/1/1/0 0/0 "
            + "{\(r.host)|\(r.userAgent)|\(scheme)} {} \"\(r.requestLine)\" 0/0/0/0/0 \(ssl)"
        out.append(contentsOf: line.utf8)
    }
}
