/// Envoy access log with the `json_format` of Envoy's documentation (typed values), with TLS fields.
struct EnvoyJSONWriter: SyntheticLogWriter {
    let name = LogFormat.envoyJSON.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        typealias S = GatewayWriterSupport
        let q = S.quoted
        let millis = r.durationMicros / 1000
        var line = "{\"start_time\":\(q(r.isoTime)),\"method\":\(q(r.method)),\"path\":\(q(r.target)),"
            + "\"protocol\":\(q(r.httpVersion == "2.0" ? "HTTP/2" : "HTTP/\(r.httpVersion)")),\"response_code\":\(r.status),"
            + "\"response_flags\":\"-\",\"response_code_details\":\"via_upstream\",\"bytes_received\":0,\"bytes_sent\":\(r.bytes),"
            + "\"duration\":\(millis),\"upstream_service_time\":\(q(String(max(0, millis - 1)))),"
            + "\"x_forwarded_for\":\(q(r.client)),\"user_agent\":\(q(r.userAgent)),\"request_id\":\(q(r.requestId)),"
            + "\"authority\":\(q(r.host)),\"upstream_host\":\(q(S.upstream(r) + ":8080")),"
            + "\"upstream_cluster\":\(q(S.service(r))),\"route_name\":\(q(S.route(r))),"
            + "\"downstream_remote_address\":\(q(S.addressWithPort(r.client, S.clientPort(r))))"
        if let tls = r.tlsProtocol, let cipher = r.tlsCipher {
            line += ",\"downstream_tls_version\":\(q(tls)),\"downstream_tls_cipher\":\(q(cipher)),\"downstream_peer_subject\":\"-\""
        }
        line += "}"
        out.append(contentsOf: line.utf8)
    }
}
