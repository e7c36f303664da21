/// IIS-style W3C extended records under a `#Fields` header (see `W3CExtendedLogParser`): spaces in
/// values written as `+`, the query without its `?`, `time-taken` in milliseconds as IIS logs it.
struct W3CWriter: SyntheticLogWriter {
    let name = LogFormat.w3c.rawValue
    let logsHost = true

    var header: String {
        "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2026-01-01 00:00:00\n"
            + "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version "
            + "cs(User-Agent) cs(Referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes time-taken\n"
    }

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let iso = r.isoTime
        let query = r.query.isEmpty ? "-" : String(r.query.dropFirst())
        let line = "\(iso.prefix(10)) \(iso.dropFirst(11).prefix(8)) 10.0.0.5 \(r.method) \(r.path) \(query) "
            + "\(r.tlsProtocol == nil ? 80 : 443) \(r.user) \(r.client) HTTP/\(r.httpVersion == "2.0" ? "2" : "1.1") "
            + "\(r.userAgent.replacingOccurrences(of: " ", with: "+")) \(r.referrer) \(r.host) \(r.status) 0 0 "
            + "\(r.bytes) \(r.durationMicros / 1000)"
        out.append(contentsOf: line.utf8)
    }
}
