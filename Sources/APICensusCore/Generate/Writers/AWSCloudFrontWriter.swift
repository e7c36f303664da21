/// CloudFront standard-log records under their `#Version`/`#Fields` header (see
/// `AWSCloudFrontLogParser`): tab-separated, the user agent percent-encoded as CloudFront writes it,
/// the API's host in `x-host-header` and the distribution's name in `cs(Host)`.
struct AWSCloudFrontWriter: SyntheticLogWriter {
    let name = LogFormat.awsCloudFront.rawValue
    let logsHost = true

    var header: String {
        "#Version: 1.0\n#Fields: " + W3CExtendedEngine.cloudFrontDefaultFields.joined(separator: " ") + "\n"
    }

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let iso = r.isoTime  // 2026-01-01T00:00:00.000Z
        let date = iso.prefix(10), time = iso.dropFirst(11).prefix(8)
        let tls = r.tlsProtocol != nil
        let result = r.status >= 400 ? "Error" : (r.method == "GET" && r.variant % 3 == 0 ? "Hit" : "Miss")
        let query = r.query.isEmpty ? "-" : String(r.query.dropFirst())
        let agent = r.userAgent.replacingOccurrences(of: " ", with: "%20")
        let seconds = SyntheticTimes.seconds(r.durationMicros, decimals: 3)
        let fields = [
            String(date), String(time), "FRA56-P\(1 + r.clientIndex % 3)", "\(r.bytes + 350)", r.client, r.method,
            "d111111abcdef8.cloudfront.net", r.path, "\(r.status)", r.referrer, agent, query, "-", result,
            "\(r.requestId)AbCd-EfGh==", r.host, tls ? "https" : "http", "\(r.method == "GET" ? 180 : 600)", seconds, "-",
            r.tlsProtocol ?? "-", r.tlsCipher ?? "-", result, "HTTP/\(r.httpVersion)", "-", "-",
            "\(40_000 + r.clientIndex % 20_000)", seconds, result, "application/json", "\(r.bytes)", "-", "-",
        ]
        out.append(contentsOf: fields.joined(separator: "\t").utf8)
    }
}
