/// Fastly real-time log streaming with the JSON format `docs/formats/fastly.md` recommends (Fastly's
/// documented JSON keys plus timing, TLS, request id and the Authorization scheme, never the token).
struct FastlyWriter: SyntheticLogWriter {
    let name = LogFormat.fastly.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        typealias S = GatewayWriterSupport
        let q = S.quoted
        let scheme = r.authorizationScheme ?? ""
        let line = "{\"timestamp\":\(q(String(r.isoTime.prefix(19)) + "+0000")),\"client_ip\":\(q(r.client)),"
            + "\"geo_country\":\"germany\",\"geo_city\":\"berlin\",\"host\":\(q(r.host)),\"url\":\(q(r.target)),"
            + "\"request_method\":\(q(r.method)),\"request_protocol\":\(q(r.httpVersion == "2.0" ? "HTTP/2" : "HTTP/\(r.httpVersion)")),"
            + "\"request_referer\":\(q(r.referrer == "-" ? "" : r.referrer)),\"request_user_agent\":\(q(r.userAgent)),"
            + "\"response_state\":\"PASS\",\"response_status\":\(r.status),\"response_reason\":null,"
            + "\"response_body_size\":\(r.bytes),\"fastly_server\":\"cache-fra19123-FRA\",\"fastly_is_edge\":true,"
            + "\"elapsed_usec\":\(r.durationMicros),\"is_tls\":\(r.tlsProtocol != nil),"
            + "\"tls_client_protocol\":\(q(r.tlsProtocol ?? "")),\"tls_client_cipher\":\(q(r.tlsCipher ?? "")),"
            + "\"request_id\":\(q(r.requestId)),\"auth_scheme\":\(q(scheme))}"
        out.append(contentsOf: line.utf8)
    }
}
