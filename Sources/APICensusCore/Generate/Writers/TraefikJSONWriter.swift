/// Traefik v3 JSON access log, with `accessLog.fields.headers` keeping User-Agent, Authorization,
/// X-Api-Key, Referer and X-Request-Id.
struct TraefikJSONWriter: SyntheticLogWriter {
    let name = LogFormat.traefikJSON.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        typealias S = GatewayWriterSupport
        let q = S.quoted
        let port = S.clientPort(r)
        let service = S.service(r) + "@docker"
        let upstream = S.upstream(r) + ":8080"
        let nanos = r.durationMicros * 1000
        let start = S.nanoTime(r)
        var line = "{\"ClientAddr\":\(q(S.addressWithPort(r.client, port))),\"ClientHost\":\(q(r.client)),"
            + "\"ClientPort\":\(q(String(port))),\"ClientUsername\":\(q(r.user)),\"DownstreamContentSize\":\(r.bytes),"
            + "\"DownstreamStatus\":\(r.status),\"Duration\":\(nanos),\"OriginContentSize\":\(r.bytes),"
            + "\"OriginDuration\":\(nanos - 150_000 > 0 ? nanos - 150_000 : nanos),\"OriginStatus\":\(r.status),"
            + "\"Overhead\":150000,\"RequestAddr\":\(q(r.host)),\"RequestContentSize\":0,\"RequestCount\":\(r.variant % 100_000),"
            + "\"RequestHost\":\(q(r.host)),\"RequestMethod\":\(q(r.method)),\"RequestPath\":\(q(r.target)),"
            + "\"RequestPort\":\"-\",\"RequestProtocol\":\(q("HTTP/\(r.httpVersion)")),"
            + "\"RequestScheme\":\(q(r.tlsProtocol == nil ? "http" : "https")),\"RetryAttempts\":0,"
            + "\"RouterName\":\(q(S.route(r) + "@docker")),\"ServiceAddr\":\(q(upstream)),\"ServiceName\":\(q(service)),"
            + "\"ServiceURL\":\(q("http://" + upstream)),\"StartLocal\":\(q(start)),\"StartUTC\":\(q(start)),"
        if let tls = r.tlsProtocol, let cipher = r.tlsCipher {
            let version = tls.hasPrefix("TLSv") ? String(tls.dropFirst(4)) : tls
            line += "\"TLSCipher\":\(q(cipher)),\"TLSVersion\":\(q(version == "1" ? "1.0" : version)),"
        }
        line += "\"entryPointName\":\(q(r.tlsProtocol == nil ? "web" : "websecure")),\"level\":\"info\",\"msg\":\"\","
        if let auth = r.authorization(.gateway) { line += "\"request_Authorization\":\(q(auth)),"; }
        if let key = r.apiKey(.gateway) { line += "\"request_X-Api-Key\":\(q(key)),"; }
        if r.referrer != "-" { line += "\"request_Referer\":\(q(r.referrer)),"; }
        line += "\"request_User-Agent\":\(q(r.userAgent)),\"request_X-Request-Id\":\(q(r.requestId)),"
            + "\"time\":\(q(S.secondsTime(r)))}"
        out.append(contentsOf: line.utf8)
    }
}
