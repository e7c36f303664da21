/// Traefik access logs in JSON (`accessLog.format: json`), v1.7 to v3:
///
/// ```
/// {"ClientAddr":"172.17.0.1:39496","ClientHost":"172.17.0.1","ClientUsername":"-","DownstreamContentSize":357,
///  "DownstreamStatus":200,"Duration":357313,"OriginStatus":200,"RequestHost":"api.example.com",
///  "RequestMethod":"GET","RequestPath":"/v1/items?x=1","RequestProtocol":"HTTP/1.1","RequestScheme":"https",
///  "RouterName":"api@docker","ServiceName":"api@docker","ServiceURL":"http://172.17.0.3:80",
///  "StartUTC":"2021-12-08T14:02:43.587782192Z","TLSVersion":"1.3","TLSCipher":"TLS_AES_128_GCM_SHA256",
///  "entryPointName":"websecure","request_User-Agent":"curl/8.5.0","time":"2021-12-08T14:02:43Z"}
/// ```
///
/// A line is Traefik's when it has `RequestMethod`, `RequestPath` and one of `DownstreamStatus`,
/// `OriginStatus`, `Duration`, `StartUTC`, `entryPointName`; anything else is rejected as
/// `missing_field`. Traefik's own log lines in the same stream — JSON (`level`, `msg`, `time`),
/// logrus or zerolog text — are rejected as `error_log` (plugin prints such as `DEBUG: …` are named
/// `error_log` by the aggregator, for every format).
///
/// Fields: `RequestPath` is the request URI with its query; `DownstreamStatus` (what the client got;
/// `OriginStatus` when absent) the status, a number or a string; `DownstreamContentSize` the body
/// bytes; `Duration` (nanoseconds) the duration. The time is `time` (when the record was written; what
/// most tools read), else `StartUTC`, `StartLocal`. The client is `ClientHost` — when Traefik trusts
/// forwarded headers it can hold a list (`"a,b"`): the last address is the client (the one the
/// nearest trusted proxy saw; what crowdsec reads too) and the list is the X-Forwarded-For chain —
/// else `ClientAddr` without its port. `RouterName` is the route, `ServiceName` the service, the
/// authority of `ServiceURL` (a string in v3, an object with `Host` before) or `ServiceAddr` the
/// upstream. `TLSVersion` (`1.3`) and `TLSCipher` as logged; `TLSClientSubject` (Traefik 3) means a
/// client certificate was presented. Headers are top-level `request_<Canonical-Name>` keys when
/// `accessLog.fields.headers` keeps them: `User-Agent`, `Referer`, `Authorization`, `Cookie`,
/// `X-Api-Key`, `Apikey`, `Content-Type`, `X-Forwarded-For`, `X-Request-Id` are read (Traefik writes
/// `REDACTED` for headers in `redact` mode).
public struct TraefikJSONParser: LineParser, Sendable {
    enum Key: Int, JSONFormatKey {
        case method, path, `protocol`, host, addr, scheme
        case clientHost, clientAddr, username
        case downstreamStatus, originStatus, size, duration
        case time, startUTC, startLocal, entryPoint, level, msg
        case routerName, serviceName, serviceURL, serviceURLHost, serviceAddr
        case tlsVersion, tlsCipher, tlsClientSubject
        case userAgent, referer, authorization, cookie, apiKey, apiKeyPlain, contentType, forwardedFor, requestId

        var path: String {
            switch self {
            case .method: "RequestMethod"
            case .path: "RequestPath"
            case .protocol: "RequestProtocol"
            case .host: "RequestHost"
            case .addr: "RequestAddr"
            case .scheme: "RequestScheme"
            case .clientHost: "ClientHost"
            case .clientAddr: "ClientAddr"
            case .username: "ClientUsername"
            case .downstreamStatus: "DownstreamStatus"
            case .originStatus: "OriginStatus"
            case .size: "DownstreamContentSize"
            case .duration: "Duration"
            case .time: "time"
            case .startUTC: "StartUTC"
            case .startLocal: "StartLocal"
            case .entryPoint: "entryPointName"
            case .level: "level"
            case .msg: "msg"
            case .routerName: "RouterName"
            case .serviceName: "ServiceName"
            case .serviceURL: "ServiceURL"
            case .serviceURLHost: "ServiceURL.Host"
            case .serviceAddr: "ServiceAddr"
            case .tlsVersion: "TLSVersion"
            case .tlsCipher: "TLSCipher"
            case .tlsClientSubject: "TLSClientSubject"
            case .userAgent: "request_User-Agent"
            case .referer: "request_Referer"
            case .authorization: "request_Authorization"
            case .cookie: "request_Cookie"
            case .apiKey: "request_X-Api-Key"
            case .apiKeyPlain: "request_Apikey"
            case .contentType: "request_Content-Type"
            case .forwardedFor: "request_X-Forwarded-For"
            case .requestId: "request_X-Request-Id"
            }
        }
    }

    private var fields = KeyedJSONScanner<Key>()

    public init() {}


    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard fields.scan(line) else {
            if JSONLinesParser.isBlank(line) { return .ignored }
            return ProxyLogLine.isTraefik(line) ? .rejected(.errorLog) : .rejected(.invalidJSON)
        }
        guard fields.present(.method), fields.present(.path),
              fields.present(.downstreamStatus) || fields.present(.originStatus) || fields.present(.duration)
                || fields.present(.startUTC) || fields.present(.entryPoint)
        else {
            // Traefik's own log in JSON (`{"level":"info","msg":"…","time":"…"}`).
            if !fields.present(.method), fields.present(.level), fields.present(.msg) { return .rejected(.errorLog) }
            return .rejected(.missingField)
        }

        call.method = fields.text(.method) ?? .none
        call.target = fields.text(.path) ?? .none
        if call.method.count == 0 || call.target.count == 0 { call.requestIsValid = false }
        if let v = fields.text(.protocol) { call.httpVersion = v }
        if let v = fields.text(.host) ?? fields.text(.addr) { call.host = v }
        if let v = fields.text(.scheme) { call.scheme = v }
        if let v = fields.text(.username) { call.user = v }

        let status = fields.present(.downstreamStatus) ? fields.value(.downstreamStatus) : fields.value(.originStatus)
        switch JSONFieldValue.status(status) {
        case .code(let code): call.status = code
        case .invalid: return .rejected(.badStatus)
        case .absent: break
        }
        let time = fields.present(.time)
            ? fields.value(.time) : (fields.present(.startUTC) ? fields.value(.startUTC) : fields.value(.startLocal))
        switch JSONFieldValue.time(time) {
        case .millis(let ms): call.timestampMillis = ms
        case .invalid: return .rejected(.badTimestamp)
        case .absent: break
        }
        if let v = JSONFieldValue.integer(fields.value(.size)) { call.responseBytes = v }
        if let v = JSONFieldValue.scaled(fields.value(.duration), exponent: -3) { call.durationMicros = v }

        if let host = fields.text(.clientHost) {
            if JSONFieldValue.contains(host, UInt8(ascii: ",")) {
                call.client = JSONFieldValue.lastListElement(host)
                call.forwardedFor = host
            } else {
                call.client = host
            }
        } else if let addr = fields.text(.clientAddr) {
            call.client = JSONFieldValue.addressWithoutPort(addr)
        }

        if let v = fields.text(.routerName) { call.route = v }
        if let v = fields.text(.serviceName) { call.service = v }
        if let url = fields.text(.serviceURL) {
            call.upstream = JSONFieldValue.schemeAndAuthority(url)?.authority ?? url
        } else if let v = fields.text(.serviceURLHost) ?? fields.text(.serviceAddr) {
            call.upstream = v
        }
        if let v = fields.text(.tlsVersion) { call.tlsProtocol = v }
        if let v = fields.text(.tlsCipher) { call.tlsCipher = v }
        if fields.present(.tlsClientSubject) {
            call.clientCertificate = fields.text(.tlsClientSubject) == nil ? .none : .presented
        }

        if let v = fields.text(.userAgent) { call.userAgent = v }
        if let v = fields.text(.referer) { call.referrer = v }
        if let v = fields.text(.authorization) {
            call.authorization = v
        } else if !fields.written(.authorization), !(fields.present(.userAgent) || fields.present(.referer) || fields.present(.contentType)
                    || fields.present(.forwardedFor) || fields.present(.requestId) || fields.present(.cookie) || fields.present(.apiKey) || fields.present(.apiKeyPlain)) {
            // Traefik writes only the headers a request carries, and only when `fields.headers` keeps
            // them (the default drops them all): with no header key at all, the credentials are not
            // logged; with others kept, an absent `request_Authorization` was not sent.
            call.unlogged.insert(.credentials)
        }
        if let v = fields.text(.cookie) { call.cookie = v }
        if let v = fields.text(.apiKey) ?? fields.text(.apiKeyPlain) { call.apiKey = v }
        if let v = fields.text(.contentType) { call.contentType = v }
        if let v = fields.text(.forwardedFor) { call.forwardedFor = v }
        if let v = fields.text(.requestId) { call.requestId = v }
        return .call
    }
}

extension FormatDescriptor {
    public static let traefikJSON = FormatDescriptor(
        format: .traefikJSON, title: "Traefik JSON access log", defaultRole: .lb,
        yields: [.method, .target, .httpVersion, .host, .scheme, .client, .user, .userAgent, .referrer, .status,
                 .responseBytes, .timestamp, .duration, .tlsProtocol, .tlsCipher, .clientCertificate, .upstream,
                 .route, .service, .requestId, .forwardedFor, .authorization, .cookie, .apiKey, .contentType],
        example: #"{"ClientAddr":"203.0.113.7:52044","ClientHost":"203.0.113.7","ClientPort":"52044","ClientUsername":"-","DownstreamContentSize":512,"DownstreamStatus":200,"Duration":4117000,"OriginContentSize":512,"OriginDuration":3900000,"OriginStatus":200,"Overhead":217000,"RequestAddr":"api.example.com","RequestContentSize":0,"RequestCount":42,"RequestHost":"api.example.com","RequestMethod":"GET","RequestPath":"/api/v1/users/42?expand=orders","RequestPort":"-","RequestProtocol":"HTTP/2.0","RequestScheme":"https","RetryAttempts":0,"RouterName":"users@docker","ServiceAddr":"10.0.3.7:8080","ServiceName":"users@docker","ServiceURL":"http://10.0.3.7:8080","StartLocal":"2026-10-10T13:55:36.000000000Z","StartUTC":"2026-10-10T13:55:36.000000000Z","TLSCipher":"TLS_AES_128_GCM_SHA256","TLSVersion":"1.3","entryPointName":"websecure","level":"info","msg":"","request_User-Agent":"curl/8.5.0","time":"2026-10-10T13:55:36Z"}"#,
        specificity: 10, makeParser: { _ in TraefikJSONParser() })
}
