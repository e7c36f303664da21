/// Envoy access logs written with a `json_format` (`envoy.access_loggers.file` / stdout, Envoy
/// Gateway, Contour, Istio with `accessLogEncoding: JSON`, Gloo, Ambassador). Envoy has no fixed JSON
/// key set: every deployment names its command operators. The parser reads the names in common use,
/// from Envoy's documentation, Envoy Gateway's default and Istio's JSON encoding:
///
/// | field | keys (first present wins) |
/// |---|---|
/// | method | `method`, `:method` (`%REQ(:METHOD)%`) |
/// | target | `x-envoy-original-path`, `x-envoy-origin-path`, `x_envoy_original_path`, `path`, `:path` — the original path (before a rewrite) first |
/// | host | `authority`, `:authority`, `host` |
/// | version | `protocol` (`%PROTOCOL%`) |
/// | status | `response_code` |
/// | bytes | `bytes_sent` |
/// | duration | `duration` (milliseconds, `%DURATION%`) |
/// | time | `start_time`, `@timestamp`, `timestamp`, `time` |
/// | client | `downstream_remote_address`, `downstream_direct_remote_address`, `client_ip` (port dropped) |
/// | user agent / referrer | `user_agent`, `user-agent` / `referer`, `referrer` |
/// | request id | `request_id`, `x-request-id`, `x_request_id` |
/// | X-Forwarded-For | `x_forwarded_for`, `x-forwarded-for` |
/// | upstream / service / route | `upstream_host` / `upstream_cluster` / `route_name` |
/// | scheme | `scheme`, `:scheme`, `x_forwarded_proto`, `x-forwarded-proto` |
/// | TLS | `downstream_tls_version`, `tls_version` / `downstream_tls_cipher`, `tls_cipher` |
/// | client certificate | `downstream_peer_subject`, `downstream_peer_fingerprint_256`, `downstream_peer_uri_san`: a value means presented, `-`/`""` none |
/// | auth material | `authorization`; `content_type`, `content-type` |
///
/// Envoy writes typed values (`"response_code":200`) or, in older versions and `%…%` inside strings,
/// text (`"200"`, `"-"`); both are read, `-` and `null` are absent.
///
/// A line is Envoy's when it has a method, a path key, `response_code`, and at least one key only
/// Envoy writes (`response_flags`, `upstream_cluster`, `upstream_host`, `downstream_remote_address`,
/// `downstream_local_address`, `route_name`, `response_code_details`, `upstream_local_address`,
/// `upstream_service_time`, `x-envoy-upstream-service-time`, `bytes_received`, `requested_server_name`,
/// `upstream_transport_failure_reason`, or an `x-envoy-original-path` key). Everything else is
/// rejected as `missing_field`: NGINX JSON (`status`, not `response_code`) is not Envoy's. Envoy's
/// application log in the same stream (`[2025-09-05 13:53:40.123][12][info][main] …`) is rejected
/// as `error_log`.
public struct EnvoyJSONParser: LineParser, Sendable {
    enum Key: Int, JSONFormatKey {
        case method, colonMethod
        case originalPath, originPath, originalPathUnderscore, path, colonPath
        case authority, colonAuthority, host
        case `protocol`, responseCode, bytesSent, duration
        case startTime, atTimestamp, timestamp, time
        case downstreamRemote, downstreamDirectRemote, clientIP
        case userAgent, userAgentDash, referer, referrer
        case requestId, xRequestId, xRequestIdUnderscore
        case forwardedFor, forwardedForDash
        case upstreamHost, upstreamCluster, routeName
        case scheme, colonScheme, forwardedProto, forwardedProtoDash
        case tlsVersion, tlsVersionShort, tlsCipher, tlsCipherShort
        case peerSubject, peerFingerprint, peerURISAN
        case authorization, contentType, contentTypeDash
        // Markers: keys only Envoy writes.
        case responseFlags, responseCodeDetails, downstreamLocal, upstreamLocal, upstreamServiceTime
        case upstreamServiceTimeHeader, bytesReceived, requestedServerName, upstreamFailure

        var path: String {
            switch self {
            case .method: "method"
            case .colonMethod: ":method"
            case .originalPath: "x-envoy-original-path"
            case .originPath: "x-envoy-origin-path"
            case .originalPathUnderscore: "x_envoy_original_path"
            case .path: "path"
            case .colonPath: ":path"
            case .authority: "authority"
            case .colonAuthority: ":authority"
            case .host: "host"
            case .protocol: "protocol"
            case .responseCode: "response_code"
            case .bytesSent: "bytes_sent"
            case .duration: "duration"
            case .startTime: "start_time"
            case .atTimestamp: "@timestamp"
            case .timestamp: "timestamp"
            case .time: "time"
            case .downstreamRemote: "downstream_remote_address"
            case .downstreamDirectRemote: "downstream_direct_remote_address"
            case .clientIP: "client_ip"
            case .userAgent: "user_agent"
            case .userAgentDash: "user-agent"
            case .referer: "referer"
            case .referrer: "referrer"
            case .requestId: "request_id"
            case .xRequestId: "x-request-id"
            case .xRequestIdUnderscore: "x_request_id"
            case .forwardedFor: "x_forwarded_for"
            case .forwardedForDash: "x-forwarded-for"
            case .upstreamHost: "upstream_host"
            case .upstreamCluster: "upstream_cluster"
            case .routeName: "route_name"
            case .scheme: "scheme"
            case .colonScheme: ":scheme"
            case .forwardedProto: "x_forwarded_proto"
            case .forwardedProtoDash: "x-forwarded-proto"
            case .tlsVersion: "downstream_tls_version"
            case .tlsVersionShort: "tls_version"
            case .tlsCipher: "downstream_tls_cipher"
            case .tlsCipherShort: "tls_cipher"
            case .peerSubject: "downstream_peer_subject"
            case .peerFingerprint: "downstream_peer_fingerprint_256"
            case .peerURISAN: "downstream_peer_uri_san"
            case .authorization: "authorization"
            case .contentType: "content_type"
            case .contentTypeDash: "content-type"
            case .responseFlags: "response_flags"
            case .responseCodeDetails: "response_code_details"
            case .downstreamLocal: "downstream_local_address"
            case .upstreamLocal: "upstream_local_address"
            case .upstreamServiceTime: "upstream_service_time"
            case .upstreamServiceTimeHeader: "x-envoy-upstream-service-time"
            case .bytesReceived: "bytes_received"
            case .requestedServerName: "requested_server_name"
            case .upstreamFailure: "upstream_transport_failure_reason"
            }
        }
    }

    private var fields = KeyedJSONScanner<Key>()

    public init() {}


    /// The first of `keys` present in the line (placeholders included, so a logged `-` is seen).
    @inline(__always) private func firstPresent(_ a: Key, _ b: Key, _ c: Key? = nil) -> JSONValue {
        let va = fields.value(a)
        if va.kind != .absent { return va }
        let vb = fields.value(b)
        if vb.kind != .absent { return vb }
        if let c { return fields.value(c) }
        return .absent
    }

    private var hasEnvoyMarker: Bool {
        fields.present(.responseFlags) || fields.present(.upstreamCluster) || fields.present(.upstreamHost)
            || fields.present(.downstreamRemote) || fields.present(.downstreamLocal) || fields.present(.routeName)
            || fields.present(.responseCodeDetails) || fields.present(.upstreamLocal) || fields.present(.upstreamServiceTime)
            || fields.present(.upstreamServiceTimeHeader) || fields.present(.bytesReceived)
            || fields.present(.requestedServerName) || fields.present(.upstreamFailure)
            || fields.present(.originalPath) || fields.present(.originPath) || fields.present(.originalPathUnderscore)
    }

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard fields.scan(line) else {
            if JSONLinesParser.isBlank(line) { return .ignored }
            return ProxyLogLine.isEnvoy(line) ? .rejected(.errorLog) : .rejected(.invalidJSON)
        }
        let methodValue = firstPresent(.method, .colonMethod)
        let hasPath = fields.present(.originalPath) || fields.present(.originPath)
            || fields.present(.originalPathUnderscore) || fields.present(.path) || fields.present(.colonPath)
        guard methodValue.kind != .absent, hasPath, fields.present(.responseCode), hasEnvoyMarker else {
            return .rejected(.missingField)
        }

        call.method = JSONFieldValue.text(methodValue) ?? .none
        call.target = fields.text(.originalPath) ?? fields.text(.originPath) ?? fields.text(.originalPathUnderscore)
            ?? fields.text(.path) ?? fields.text(.colonPath) ?? .none
        if call.method.count == 0 || call.target.count == 0 { call.requestIsValid = false }
        if let v = fields.text(.authority) ?? fields.text(.colonAuthority) ?? fields.text(.host) { call.host = v }
        if let v = fields.text(.protocol) { call.httpVersion = v }

        switch JSONFieldValue.status(fields.value(.responseCode)) {
        case .code(let code): call.status = code
        case .invalid: return .rejected(.badStatus)
        case .absent: break
        }
        let time: JSONValue
        if fields.present(.startTime) {
            time = fields.value(.startTime)
        } else {
            time = firstPresent(.atTimestamp, .timestamp, .time)
        }
        switch JSONFieldValue.time(time) {
        case .millis(let ms): call.timestampMillis = ms
        case .invalid: return .rejected(.badTimestamp)
        case .absent: break
        }
        if let v = JSONFieldValue.integer(fields.value(.bytesSent)) { call.responseBytes = v }
        if let v = JSONFieldValue.scaled(fields.value(.duration), exponent: 3) { call.durationMicros = v }
        if let v = fields.text(.downstreamRemote) ?? fields.text(.downstreamDirectRemote) ?? fields.text(.clientIP) {
            call.client = JSONFieldValue.addressWithoutPort(v)
        }
        if let v = fields.text(.userAgent) ?? fields.text(.userAgentDash) { call.userAgent = v }
        if let v = fields.text(.referer) ?? fields.text(.referrer) { call.referrer = v }
        if let v = fields.text(.requestId) ?? fields.text(.xRequestId) ?? fields.text(.xRequestIdUnderscore) { call.requestId = v }
        if let v = fields.text(.forwardedFor) ?? fields.text(.forwardedForDash) { call.forwardedFor = v }
        if let v = fields.text(.upstreamHost) { call.upstream = v }
        if let v = fields.text(.upstreamCluster) { call.service = v }
        if let v = fields.text(.routeName) { call.route = v }
        if let v = fields.text(.scheme) ?? fields.text(.colonScheme) ?? fields.text(.forwardedProto) ?? fields.text(.forwardedProtoDash) { call.scheme = v }
        // Keys the `json_format` does not name are not logged; a named one that is empty, `-` or
        // null is logged and empty.
        if let v = fields.text(.tlsVersion) ?? fields.text(.tlsVersionShort) {
            call.tlsProtocol = v
        } else if !fields.written(.tlsVersion) && !fields.written(.tlsVersionShort) {
            call.unlogged.insert(.tls)
        }
        if let v = fields.text(.tlsCipher) ?? fields.text(.tlsCipherShort) { call.tlsCipher = v }
        let peer = firstPresent(.peerSubject, .peerFingerprint, .peerURISAN)
        if peer.kind != .absent { call.clientCertificate = JSONFieldValue.text(peer) == nil ? .none : .presented }
        if let v = fields.text(.authorization) {
            call.authorization = v
        } else if !fields.written(.authorization) {
            call.unlogged.insert(.credentials)
        }
        if let v = fields.text(.contentType) ?? fields.text(.contentTypeDash) { call.contentType = v }
        return .call
    }
}

extension FormatDescriptor {
    public static let envoyJSON = FormatDescriptor(
        format: .envoyJSON, title: "Envoy JSON access log (json_format: Envoy, Envoy Gateway, Contour, Istio JSON)",
        defaultRole: .lb,
        yields: [.method, .target, .httpVersion, .host, .scheme, .client, .userAgent, .referrer, .status, .responseBytes,
                 .timestamp, .duration, .tlsProtocol, .tlsCipher, .clientCertificate, .upstream, .route, .service,
                 .requestId, .forwardedFor, .authorization, .contentType],
        example: #"{"start_time":"2026-10-10T13:55:36.000Z","method":"GET","path":"/api/v1/users/42?expand=orders","protocol":"HTTP/1.1","response_code":200,"response_flags":"-","bytes_received":0,"bytes_sent":512,"duration":4,"upstream_service_time":"3","x_forwarded_for":"203.0.113.7","user_agent":"curl/8.5.0","request_id":"3bbc0252-2d5c-49fe-bd89-104e9b61770b","authority":"api.example.com","upstream_host":"10.0.3.7:8080","upstream_cluster":"users","route_name":"users-route","downstream_remote_address":"203.0.113.7:52044","downstream_tls_version":"TLSv1.3","downstream_tls_cipher":"TLS_AES_128_GCM_SHA256"}"#,
        specificity: 10, makeParser: { _ in EnvoyJSONParser() })
}
