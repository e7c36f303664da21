#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Fastly real-time log streaming in JSON: the log format Fastly documents for JSON endpoints, one
/// object per line, optionally behind the syslog header its syslog endpoint (and rsyslog writing the
/// stream to a file) puts in front:
///
/// ```
/// 2021-11-12T16:59:46.613304+00:00 cache-host  {"timestamp":"2021-11-12T16:59:45+0000","client_ip":"1.2.3.4",
///   "geo_country":"france","host":"www.example.com","url":"/a?b=1","request_method":"GET",
///   "request_protocol":"HTTP/1.1","request_referer":"","request_user_agent":"curl/8.5.0",
///   "response_state":"MISS-CLUSTER","response_status":404,"response_reason":"Not Found",
///   "response_body_size":564,"fastly_server":"cache-cdg20764-CDG","fastly_is_edge":true}
/// ```
///
/// Fastly has no fixed format: the service's log format string decides the keys. Read are the keys of
/// Fastly's documented JSON format (above), of the widely used Sumo Logic format (`time_start`,
/// `request` for the method, `status`, `time_elapsed`, `tls_client_protocol`…), and the extra keys
/// `docs/formats/fastly.md` recommends (`elapsed_usec`, `tls_client_protocol`, `tls_client_cipher`,
/// `request_id`, `x_forwarded_for`, `request_content_type`, `auth_scheme`).
///
/// A line is Fastly's when it has `url`, a method (`request_method`, or `request`), a status
/// (`response_status` or `status`) and a key only Fastly formats write (`fastly_server`,
/// `fastly_is_edge`, `response_state`, `service_id`, `fastly_pop`, `pop`); anything else is rejected
/// (`missing_field`; `malformed` for a prefix that is not a syslog header).
///
/// The syslog header is accepted when it is short, holds no `"`, and starts like one: `<PRI>`, an ISO
/// date or a BSD month name. It is skipped: the JSON's own timestamp is the request's.
public struct FastlyLogParser: LineParser, Sendable {
    enum Key: Int, JSONFormatKey {
        case timestamp, timeStart, clientIP, host, url, requestMethod, request, requestProtocol, `protocol`
        case referer, userAgent, responseStatus, status, bodySize, respBodySize, elapsedUsec, timeElapsed
        case tlsProtocol, tlsVersion, tlsCipher, tlsCipherShort, isTLS, requestId, forwardedFor, contentType
        case authScheme, authorization
        case fastlyServer, fastlyIsEdge, responseState, serviceId, fastlyPop, pop

        var path: String {
            switch self {
            case .timestamp: "timestamp"
            case .timeStart: "time_start"
            case .clientIP: "client_ip"
            case .host: "host"
            case .url: "url"
            case .requestMethod: "request_method"
            case .request: "request"
            case .requestProtocol: "request_protocol"
            case .protocol: "protocol"
            case .referer: "request_referer"
            case .userAgent: "request_user_agent"
            case .responseStatus: "response_status"
            case .status: "status"
            case .bodySize: "response_body_size"
            case .respBodySize: "resp_body_size"
            case .elapsedUsec: "elapsed_usec"
            case .timeElapsed: "time_elapsed"
            case .tlsProtocol: "tls_client_protocol"
            case .tlsVersion: "tls_version"
            case .tlsCipher: "tls_client_cipher"
            case .tlsCipherShort: "tls_cipher"
            case .isTLS: "is_tls"
            case .requestId: "request_id"
            case .forwardedFor: "x_forwarded_for"
            case .contentType: "request_content_type"
            case .authScheme: "auth_scheme"
            case .authorization: "authorization"
            case .fastlyServer: "fastly_server"
            case .fastlyIsEdge: "fastly_is_edge"
            case .responseState: "response_state"
            case .serviceId: "service_id"
            case .fastlyPop: "fastly_pop"
            case .pop: "pop"
            }
        }
    }

    private var fields = KeyedJSONScanner<Key>()

    /// Longest syslog header accepted before the JSON object.
    static let maxPrefix = 512

    public init() {}


    /// The JSON object of the line: the line itself, or what follows a syslog header. Nil when the
    /// line has a prefix that is not a syslog header.
    static func jsonPart(_ line: Bytes) -> Bytes? {
        guard let base = line.baseAddress, line.count > 0 else { return line }
        var i = 0
        while i < line.count, JSONFieldValue.isSpace(line[i]) { i += 1 }
        if i == line.count || line[i] == UInt8(ascii: "{") { return line }
        let first = line[i]
        let looksLikeHeader = first == UInt8(ascii: "<") || first &- 48 < 10
            || (first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z"))
        guard looksLikeHeader, let brace = memchr(base + i, Int32(UInt8(ascii: "{")), min(line.count - i, maxPrefix))
        else { return nil }
        let start = UnsafePointer<UInt8>(brace.assumingMemoryBound(to: UInt8.self)) - base
        guard start > i, line[start - 1] == 0x20 || line[start - 1] == UInt8(ascii: ":"),
              memchr(base + i, Int32(UInt8(ascii: "\"")), start - i) == nil
        else { return nil }
        return Bytes(start: base + start, count: line.count - start)
    }

    /// Fastly's `%{…%Z}t` writes a zone name (`2021-11-12T16:59:45UTC`, `GMT`): read as UTC.
    static func time(_ v: JSONValue) -> JSONFieldValue.Time {
        if v.kind == .string, v.bytes.count == 22, let base = v.bytes.baseAddress,
           JSONFieldValue.hasPrefix(Bytes(start: base + 19, count: 3), "UTC") || JSONFieldValue.hasPrefix(Bytes(start: base + 19, count: 3), "GMT") {
            return Timestamps.iso8601Millis(Bytes(start: base, count: 19)).map(JSONFieldValue.Time.millis) ?? .invalid
        }
        return JSONFieldValue.time(v)
    }

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard let json = FastlyLogParser.jsonPart(line) else { return .rejected(.malformed) }
        guard fields.scan(json) else {
            return JSONLinesParser.isBlank(line) ? .ignored : .rejected(.invalidJSON)
        }
        guard fields.present(.url), fields.present(.requestMethod) || fields.present(.request),
              fields.present(.responseStatus) || fields.present(.status),
              fields.present(.fastlyServer) || fields.present(.fastlyIsEdge) || fields.present(.responseState)
                || fields.present(.serviceId)
                || fields.present(.fastlyPop) || fields.present(.pop)
        else { return .rejected(.missingField) }

        if let m = fields.text(.requestMethod) {
            call.method = m
        } else if let r = fields.text(.request) {
            // Sumo Logic's format logs the method as `request`; a whole request line is split.
            call.method = JSONFieldValue.contains(r, 0x20) ? (JSONLinesParser.splitRequestLine(r)?.method ?? .none) : r
        }
        call.target = fields.text(.url) ?? .none
        if call.method.count == 0 || call.target.count == 0 { call.requestIsValid = false }
        if let v = fields.text(.host) { call.host = v }
        if let v = fields.text(.requestProtocol) ?? fields.text(.protocol) { call.httpVersion = v }
        if let v = fields.text(.clientIP) { call.client = v }
        if let v = fields.text(.referer) { call.referrer = v }
        if let v = fields.text(.userAgent) { call.userAgent = v }

        let status = fields.present(.responseStatus) ? fields.value(.responseStatus) : fields.value(.status)
        switch JSONFieldValue.status(status) {
        case .code(let code): call.status = code
        case .invalid: return .rejected(.badStatus)
        case .absent: break
        }
        switch FastlyLogParser.time(fields.present(.timestamp) ? fields.value(.timestamp) : fields.value(.timeStart)) {
        case .millis(let ms): call.timestampMillis = ms
        case .invalid: return .rejected(.badTimestamp)
        case .absent: break
        }
        if let v = JSONFieldValue.integer(fields.value(.bodySize)) ?? JSONFieldValue.integer(fields.value(.respBodySize)) {
            call.responseBytes = v
        }
        if let v = JSONFieldValue.integer(fields.value(.elapsedUsec)) ?? JSONFieldValue.integer(fields.value(.timeElapsed)) {
            call.durationMicros = v
        }
        // The deployment's VCL names the keys: one it leaves out is not logged.
        if let v = fields.text(.tlsProtocol) ?? fields.text(.tlsVersion) {
            call.tlsProtocol = v
        } else if !fields.written(.tlsProtocol) && !fields.written(.tlsVersion) {
            call.unlogged.insert(.tls)
        }
        if let v = fields.text(.tlsCipher) ?? fields.text(.tlsCipherShort) { call.tlsCipher = v }
        let isTLS = fields.value(.isTLS)
        if isTLS.kind == .bool || isTLS.kind == .string {
            call.scheme = isTLS.bytes.count > 0 && isTLS.bytes[0] == UInt8(ascii: "t") ? ConstantBytes.https : ConstantBytes.http
        } else if call.tlsProtocol.count > 0 {
            call.scheme = ConstantBytes.https
        }
        if let v = fields.text(.requestId) { call.requestId = v }
        if let v = fields.text(.forwardedFor) { call.forwardedFor = v }
        if let v = fields.text(.contentType) { call.contentType = v }
        if let v = fields.text(.authorization) ?? fields.text(.authScheme) {
            call.authorization = v
        } else if !fields.written(.authorization) && !fields.written(.authScheme) {
            call.unlogged.insert(.credentials)
        }
        return .call
    }
}

extension FormatDescriptor {
    public static let fastly = FormatDescriptor(
        format: .fastly, title: "Fastly real-time log streaming, JSON (optionally behind a syslog header)", defaultRole: .lb,
        yields: [.method, .target, .httpVersion, .host, .scheme, .client, .userAgent, .referrer, .status, .responseBytes,
                 .timestamp, .duration, .tlsProtocol, .tlsCipher, .requestId, .forwardedFor, .authorization, .contentType],
        example: #"{"timestamp":"2026-10-10T13:55:36+0000","client_ip":"203.0.113.7","geo_country":"germany","geo_city":"berlin","host":"api.example.com","url":"/api/v1/users/42?expand=orders","request_method":"GET","request_protocol":"HTTP/2","request_referer":"","request_user_agent":"curl/8.5.0","response_state":"MISS","response_status":200,"response_reason":"OK","response_body_size":512,"fastly_server":"cache-fra19123-FRA","fastly_is_edge":true,"elapsed_usec":4117,"tls_client_protocol":"TLSv1.3","tls_client_cipher":"TLS_AES_128_GCM_SHA256","auth_scheme":"Bearer"}"#,
        specificity: 10, makeParser: { _ in FastlyLogParser() })
}
