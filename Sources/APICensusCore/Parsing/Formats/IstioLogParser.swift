/// Istio's default proxy access-log format (the sidecar's and the gateways' Envoy), Envoy's default
/// with fields inserted after the response flags and appended after the upstream host:
///
///     [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
///     %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
///     "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
///     %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
///     "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER%
///     %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS%
///     %REQUESTED_SERVER_NAME% %ROUTE_NAME%
///
/// Older Istio releases inserted `"%DYNAMIC_METADATA(istio.mixer:status)%"` instead of the details
/// and had no `%ROUTE_NAME%`; up to four inserted fields and five to eight appended ones are read.
/// A line with nothing appended is Envoy's format, not Istio's, and is rejected here.
///
/// Fields beyond Envoy's (see `EnvoyTextLogParser`): `DOWNSTREAM_REMOTE_ADDRESS` → `client` (port
/// dropped; the first X-Forwarded-For address when it is `-`); `UPSTREAM_CLUSTER`
/// (`outbound|9080||reviews.default.svc.cluster.local`, `inbound|9080||`) → `service`;
/// `ROUTE_NAME` → `route`.
///
/// Mutual TLS, inferred: Istio's client sidecars open mesh mTLS connections with the SNI
/// `outbound_.<port>_._.<service>`, and an inbound listener only accepts such a TLS connection with
/// a client certificate from the mesh CA. So on an inbound record (`inbound|…` cluster),
/// `REQUESTED_SERVER_NAME` of that shape → `clientCertificate = .verified`, and `-` (no TLS) →
/// `.none`. Outbound records say nothing about the callee's side: `.notLogged`.
public struct IstioLogParser: LineParser {
    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard var c = LogLineCursor(line) else { return .ignored }
        let scanned = EnvoyAccessLine.scan(&c)
        guard case .line(let l) = scanned else { return scanned.failure }
        guard let cluster = c.token(), let upstreamLocal = c.token(), let downstreamLocal = c.token(),
              let downstreamRemote = c.token(), let serverName = c.token()
        else { return .rejected(.malformed) }
        let route = c.token()
        var more = 0
        while c.token() != nil { more += 1 }
        guard more <= 2 else { return .rejected(.malformed) }
        // Istio appends unquoted fields; quoted ones belong to some other format built on Envoy's.
        func quoted(_ r: Range<Int>) -> Bool { c.p[r.lowerBound] == UInt8(ascii: "\"") }
        guard !quoted(cluster), !quoted(upstreamLocal), !quoted(downstreamLocal), !quoted(downstreamRemote),
              !quoted(serverName)
        else { return .rejected(.malformed) }

        l.fill(c, into: &call)
        call.service = c.value(cluster)
        if let route { call.route = c.value(route) }
        call.client = c.value(LogLineCursor.addressWithoutPort(c.p, downstreamRemote))
        if call.client.count == 0, let xff = l.forwardedFor {
            call.client = c.value(LogLineCursor.firstOfList(c.p, xff))
        }
        if c.bytes(cluster).starts(with: "inbound|".utf8) {
            if c.isNone(serverName) {
                call.clientCertificate = .none
            } else if c.bytes(serverName).starts(with: "outbound_.".utf8) {
                call.clientCertificate = .verified
            }
        }
        return .call
    }
}

extension FormatDescriptor {
    public static let istio = FormatDescriptor(
        format: .istio, title: "Istio proxy access log (Envoy text with Istio's fields)", defaultRole: .service,
        yields: [.method, .target, .httpVersion, .host, .client, .userAgent, .status, .responseBytes, .timestamp,
                 .duration, .upstream, .route, .service, .requestId, .forwardedFor, .clientCertificate],
        example: #"[2026-10-10T13:55:36.955Z] "GET /api/v1/users/42 HTTP/1.1" 200 - via_upstream - "-" 0 512 2 1 "-" "curl/8.5.0" "785918d6-06b6-9312-bf77-6d9bd968dc21" "users:9080" "10.68.2.10:9080" inbound|9080|| 127.0.0.6:47889 10.68.2.10:9080 10.68.1.7:39696 outbound_.9080_._.users.default.svc.cluster.local default"#,
        specificity: 30, makeParser: { _ in IstioLogParser() })
}
