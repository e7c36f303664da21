/// Caddy 2 JSON access log (`http.log.access`), with `log_credentials` on so the synthetic
/// credentials show (Caddy writes `REDACTED` otherwise).
struct CaddyWriter: SyntheticLogWriter {
    let name = LogFormat.caddy.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        typealias S = GatewayWriterSupport
        let q = S.quoted
        var headers = "\"User-Agent\":[\(q(r.userAgent))],\"Accept\":[\"application/json\"]"
        if let auth = r.authorization(.gateway) { headers += ",\"Authorization\":[\(q(auth))]" }
        if let key = r.apiKey(.gateway) { headers += ",\"X-Api-Key\":[\(q(key))]" }
        if r.referrer != "-" { headers += ",\"Referer\":[\(q(r.referrer))]" }
        let end = r.timeMillis + Int64(r.durationMicros / 1000)
        var line = "{\"level\":\"info\",\"ts\":\(S.epochSeconds(end, micros: Int(r.variant % 1000))),"
            + "\"logger\":\"http.log.access.log0\",\"msg\":\"handled request\",\"request\":{\"remote_ip\":\(q(r.client)),"
            + "\"remote_port\":\(q(String(S.clientPort(r)))),\"client_ip\":\(q(r.client)),\"proto\":\(q("HTTP/\(r.httpVersion)")),"
            + "\"method\":\(q(r.method)),\"host\":\(q(r.host)),\"uri\":\(q(r.target)),\"headers\":{\(headers)}"
        if let tls = r.tlsProtocol {
            let version = ["TLSv1": 769, "TLSv1.1": 770, "TLSv1.2": 771, "TLSv1.3": 772][tls] ?? 772
            let cipher = version == 772 ? 4865 : 49199
            line += ",\"tls\":{\"resumed\":false,\"version\":\(version),\"cipher_suite\":\(cipher),"
                + "\"proto\":\(q(r.httpVersion == "2.0" ? "h2" : "http/1.1")),\"server_name\":\(q(r.host))}"
        }
        line += "},\"bytes_read\":0,\"user_id\":\(q(r.user == "-" ? "" : r.user)),"
            + "\"duration\":\(S.seconds(micros: r.durationMicros)),\"size\":\(r.bytes),\"status\":\(r.status),"
            + "\"resp_headers\":{\"Server\":[\"Caddy\"],\"Content-Type\":[\"application/json\"]}}"
        out.append(contentsOf: line.utf8)
    }
}
