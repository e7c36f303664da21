/// Kong's log serializer JSON, as the file-log plugin writes it (Kong 3.x field set).
struct KongWriter: SyntheticLogWriter {
    let name = LogFormat.kong.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        typealias S = GatewayWriterSupport
        let q = S.quoted
        let tls = r.tlsProtocol
        let scheme = tls == nil ? "http" : "https"
        let port = tls == nil ? 8000 : 8443
        var headers = "\"host\":\(q(r.host)),\"user-agent\":\(q(r.userAgent)),\"accept\":\"application/json\""
        if let auth = r.authorization(.gateway) { headers += ",\"authorization\":\(q(auth))" }
        if let key = r.apiKey(.gateway) { headers += ",\"apikey\":\(q(key))" }
        if r.referrer != "-" { headers += ",\"referer\":\(q(r.referrer))" }
        if r.method == "POST" || r.method == "PUT" || r.method == "PATCH" { headers += ",\"content-type\":\"application/json\"" }
        headers += ",\"x-forwarded-for\":\(q(r.client))"
        let upstream = S.upstream(r)
        let latency = r.durationMicros / 1000
        var line = "{\"request\":{\"id\":\(q(r.requestId)),\"method\":\(q(r.method)),\"uri\":\(q(r.target)),"
            + "\"url\":\(q("\(scheme)://\(r.host):\(port)\(r.target)")),\"size\":\(180 + r.userAgent.utf8.count),"
            + "\"querystring\":{},\"headers\":{\(headers)}"
        if let tls, let cipher = r.tlsCipher {
            line += ",\"tls\":{\"version\":\(q(tls)),\"cipher\":\(q(cipher)),\"client_verify\":\"NONE\"}"
        }
        line += "},\"upstream_uri\":\(q(r.target)),\"response\":{\"status\":\(r.status),\"size\":\(r.bytes + 310),"
            + "\"headers\":{\"content-type\":\"application/json\",\"x-kong-request-id\":\(q(r.requestId))}},"
            + "\"tries\":[{\"balancer_latency\":0,\"port\":8080,\"balancer_start\":\(r.timeMillis + 1),\"ip\":\(q(upstream))}],"
            + "\"latencies\":{\"request\":\(latency),\"kong\":\(min(latency, 1)),\"proxy\":\(max(0, latency - 1))},"
            + "\"route\":{\"id\":\(q(uuid(r.host + r.path.prefix(8)))),\"name\":\(q(S.route(r))),\"protocols\":[\"http\",\"https\"]},"
            + "\"service\":{\"id\":\(q(uuid(r.host))),\"name\":\(q(S.service(r))),\"host\":\(q(upstream)),\"port\":8080,\"protocol\":\"http\"},"
        if let consumer = S.consumer(r) {
            line += "\"consumer\":{\"id\":\(q(uuid(consumer))),\"username\":\(q(consumer))},"
                + "\"authenticated_entity\":{\"id\":\(q(uuid("credential-" + consumer)))},"
        }
        line += "\"client_ip\":\(q(r.client)),\"workspace\":\"54baa5a9-23d6-41e0-9c9a-02434b010b25\","
            + "\"started_at\":\(r.timeMillis),\"source\":\"upstream\"}"
        out.append(contentsOf: line.utf8)
    }

    /// A UUID-shaped id stable per name.
    private func uuid(_ name: some StringProtocol) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in name.utf8 {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x100_0000_01b3 &+ 7
        }
        let h = String(a, radix: 16), l = String(b, radix: 16)
        let x = Array(String(repeating: "0", count: 16 - h.count) + h + String(repeating: "0", count: 16 - l.count) + l)
        return String(x[0..<8]) + "-" + String(x[8..<12]) + "-4" + String(x[13..<16]) + "-a" + String(x[17..<20]) + "-" + String(x[20..<32])
    }
}
