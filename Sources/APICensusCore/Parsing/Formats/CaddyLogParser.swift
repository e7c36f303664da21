/// Caddy 2 access logs (`log` directive, JSON encoder, logger `http.log.access…`):
///
/// ```
/// {"level":"info","ts":1703373474.8155608,"logger":"http.log.access.log0","msg":"handled request",
///  "request":{"remote_ip":"1.2.3.4","remote_port":"64985","client_ip":"1.2.3.4","proto":"HTTP/2.0",
///   "method":"GET","host":"example.com","uri":"/beta/?x=1","headers":{"User-Agent":["…"]},
///   "tls":{"resumed":false,"version":772,"cipher_suite":4865,"proto":"h2","server_name":"example.com"}},
///  "bytes_read":0,"user_id":"","duration":0.001335486,"size":3609,"status":200,"resp_headers":{…}}
/// ```
///
/// A line is Caddy's access record when its `request` object has `method`, `uri` and a client
/// address (`client_ip`, `remote_ip`, or the `remote_addr` of Caddy before 2.5), and it has `ts` or
/// `logger`. Caddy's other log entries (its runtime log — `tls.obtain`, `http.handlers.reverse_proxy`,
/// the Coraza WAF handler — written to the same stream: a `logger` that is not `http.log.access…`)
/// are rejected as `error_log`: they are Caddy's, but not requests. Anything else is rejected as `missing_field`
/// (Kong's `request` object has no client address; NGINX JSON has no `request` object).
///
/// Fields: the client is `client_ip` (Caddy ≥ 2.7, the trusted-proxy-aware address), else `remote_ip`,
/// else `remote_addr` without its port. `ts` is the time (epoch seconds, or a string when the
/// encoder's `time_format` is changed), `duration` the duration (seconds as a number, or a Go duration
/// string with `duration_format string`), `size` the response body bytes. TLS: the `tls` object's
/// numeric `version` and `cipher_suite` become their names (`772` → `TLSv1.3`, `4865` →
/// `TLS_AES_128_GCM_SHA256`; unknown codes stay as logged), the scheme is `https` with `tls` and `http`
/// without; `client_common_name` / `client_serial` mean a client certificate was presented (Caddy logs
/// no verification result). Headers are a JSON object of arrays (Go's canonical names): kept as
/// `requestHeaders`, with `Authorization`, `Cookie`, `X-Api-Key`, `Content-Type`, `X-Forwarded-For`,
/// `X-Request-Id`, `User-Agent`, `Referer` pulled out. Caddy logs credentials as `REDACTED` unless
/// `log_credentials` is on.
public struct CaddyLogParser: LineParser, Sendable {
    enum Key: Int, JSONFormatKey {
        case logger, ts, method, uri, host, proto, remoteIP, remoteAddr, clientIP
        case headers, userAgent, referer, authorization, cookie, apiKey, contentType, forwardedFor, requestId
        case upgrade, soapAction, accept
        case tls, tlsVersion, tlsCipher, clientCommonName, clientSerial
        case status, size, duration, userId

        var path: String {
            switch self {
            case .logger: "logger"
            case .ts: "ts"
            case .method: "request.method"
            case .uri: "request.uri"
            case .host: "request.host"
            case .proto: "request.proto"
            case .remoteIP: "request.remote_ip"
            case .remoteAddr: "request.remote_addr"
            case .clientIP: "request.client_ip"
            case .headers: "request.headers"
            case .userAgent: "request.headers.User-Agent"
            case .referer: "request.headers.Referer"
            case .authorization: "request.headers.Authorization"
            case .cookie: "request.headers.Cookie"
            case .apiKey: "request.headers.X-Api-Key"
            case .contentType: "request.headers.Content-Type"
            case .forwardedFor: "request.headers.X-Forwarded-For"
            case .requestId: "request.headers.X-Request-Id"
            case .upgrade: "request.headers.Upgrade"
            case .soapAction: "request.headers.Soapaction"
            case .accept: "request.headers.Accept"
            case .tls: "request.tls"
            case .tlsVersion: "request.tls.version"
            case .tlsCipher: "request.tls.cipher_suite"
            case .clientCommonName: "request.tls.client_common_name"
            case .clientSerial: "request.tls.client_serial"
            case .status: "status"
            case .size: "size"
            case .duration: "duration"
            case .userId: "user_id"
            }
        }
    }

    private var fields = KeyedJSONScanner<Key>()

    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard fields.scan(line) else {
            return JSONLinesParser.isBlank(line) ? .ignored : .rejected(.invalidJSON)
        }
        let logger = fields.value(.logger)
        let isAccessLogger = logger.kind == .string && JSONFieldValue.hasPrefix(logger.bytes, "http.log.access")
        guard fields.present(.method), fields.present(.uri),
              fields.present(.clientIP) || fields.present(.remoteIP) || fields.present(.remoteAddr),
              fields.present(.ts) || logger.kind != .absent
        else {
            // Caddy's own log in the same stream: not an access record.
            if logger.kind == .string, !isAccessLogger, fields.present(.ts) { return .rejected(.errorLog) }
            return .rejected(.missingField)
        }

        call.method = fields.text(.method) ?? .none
        call.target = fields.text(.uri) ?? .none
        if call.method.count == 0 || call.target.count == 0 { call.requestIsValid = false }
        if let v = fields.text(.host) { call.host = v }
        if let v = fields.text(.proto) { call.httpVersion = v }
        if let v = fields.text(.clientIP) ?? fields.text(.remoteIP) {
            call.client = v
        } else if let v = fields.text(.remoteAddr) {
            call.client = JSONFieldValue.addressWithoutPort(v)
        }
        if let v = fields.text(.userId) {
            // Set by whichever auth module authenticated the request (basic_auth, forward_auth, JWT…).
            call.user = v
            call.userIsBasicAuth = false
        }

        switch JSONFieldValue.time(fields.value(.ts)) {
        case .millis(let ms): call.timestampMillis = ms
        case .invalid: return .rejected(.badTimestamp)
        case .absent: break
        }
        switch JSONFieldValue.status(fields.value(.status)) {
        case .code(let code): call.status = code
        case .invalid: return .rejected(.badStatus)
        case .absent: break
        }
        if let v = JSONFieldValue.integer(fields.value(.size)) { call.responseBytes = v }
        let duration = fields.value(.duration)
        if duration.kind == .number {
            call.durationMicros = JSONLinesParser.scaledDecimal(duration.bytes, exponent: 6) ?? -1
        } else if duration.kind == .string {
            call.durationMicros = JSONFieldValue.goDurationMicros(duration.bytes) ?? -1
        }

        // TLS: Caddy logs the `tls` object for TLS connections only.
        let tls = fields.value(.tls)
        if tls.kind == .object {
            call.scheme = ConstantBytes.https
            let version = fields.value(.tlsVersion)
            if version.kind == .number, let code = JSONLinesParser.integer(version.bytes) {
                call.tlsProtocol = ConstantBytes.tlsProtocol(code: code) ?? version.bytes
            } else if let v = JSONFieldValue.text(version) {
                call.tlsProtocol = v
            }
            let cipher = fields.value(.tlsCipher)
            if cipher.kind == .number, let code = JSONLinesParser.integer(cipher.bytes) {
                call.tlsCipher = ConstantBytes.cipherSuite(code: code) ?? cipher.bytes
            } else if let v = JSONFieldValue.text(cipher) {
                call.tlsCipher = v
            }
            let presented = fields.text(.clientCommonName) != nil || fields.text(.clientSerial) != nil
            call.clientCertificate = presented ? .presented : .none
        } else {
            call.scheme = ConstantBytes.http
            call.clientCertificate = .none
        }

        let headers = fields.value(.headers)
        if headers.kind == .object {
            call.requestHeaders = headers.bytes
            call.requestHeadersForm = .jsonObject
        } else {
            call.unlogged.insert(.credentials)
        }
        if let v = fields.header(.userAgent) { call.userAgent = v }
        if let v = fields.header(.referer) { call.referrer = v }
        if let v = fields.header(.authorization) { call.authorization = v }
        if let v = fields.header(.cookie) { call.cookie = v }
        if let v = fields.header(.apiKey) { call.apiKey = v }
        if let v = fields.header(.contentType) { call.contentType = v }
        if let v = fields.header(.forwardedFor) { call.forwardedFor = v }
        if let v = fields.header(.requestId) { call.requestId = v }
        // Caddy logs Go's canonical header names (`Soapaction`): the style signals are read by name.
        if call.requestHeaders.count > 0 {
            call.styleHeaders = StyleHeaders.from(upgrade: fields.header(.upgrade), soapAction: fields.written(.soapAction),
                                                  accept: fields.header(.accept))
        }
        return .call
    }
}

extension FormatDescriptor {
    public static let caddy = FormatDescriptor(
        format: .caddy, title: "Caddy JSON access log", defaultRole: .lb,
        yields: [.method, .target, .httpVersion, .host, .scheme, .client, .user, .userAgent, .referrer, .status,
                 .responseBytes, .timestamp, .duration, .tlsProtocol, .tlsCipher, .clientCertificate, .requestId,
                 .forwardedFor, .authorization, .cookie, .apiKey, .contentType, .requestHeaders],
        example: #"{"level":"info","ts":1791640536.0041,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"203.0.113.7","remote_port":"52044","client_ip":"203.0.113.7","proto":"HTTP/2.0","method":"GET","host":"api.example.com","uri":"/api/v1/users/42?expand=orders","headers":{"User-Agent":["curl/8.5.0"],"Accept":["*/*"],"Authorization":["REDACTED"]},"tls":{"resumed":false,"version":772,"cipher_suite":4865,"proto":"h2","server_name":"api.example.com"}},"bytes_read":0,"user_id":"","duration":0.004117,"size":512,"status":200,"resp_headers":{"Content-Type":["application/json"]}}"#,
        specificity: 10, makeParser: { _ in CaddyLogParser() })
}
