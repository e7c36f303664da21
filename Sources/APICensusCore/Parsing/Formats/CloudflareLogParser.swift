/// Cloudflare Logpush, dataset `http_requests`, NDJSON (one object per line; the fields are chosen per
/// Logpush job, so any of them may be missing):
///
/// ```
/// {"ClientIP":"203.0.113.7","ClientRequestHost":"api.example.com","ClientRequestMethod":"GET",
///  "ClientRequestURI":"/v1/users/42?expand=1","ClientRequestProtocol":"HTTP/2","ClientRequestScheme":"https",
///  "ClientRequestUserAgent":"curl/8.5.0","ClientSSLProtocol":"TLSv1.3","ClientSSLCipher":"AEAD-AES128-GCM-SHA256",
///  "ClientMTLSAuthStatus":"unknown","EdgeStartTimestamp":1791640536000000000,"EdgeEndTimestamp":…,
///  "EdgeResponseStatus":200,"EdgeResponseBytes":1024,"OriginIP":"198.51.100.4","RayID":"7c1f…",
///  "SecurityAction":"block","SecurityRuleID":"…","RequestHeaders":{"x-request-id":"…"}}
/// ```
///
/// A line is Cloudflare's when it has `ClientRequestURI` or `ClientRequestPath` and one of `RayID`,
/// `EdgeStartTimestamp`, `EdgeResponseStatus`, `ClientIP`; anything else is rejected as
/// `missing_field`.
///
/// Fields: the target is `ClientRequestURI` (path and query), else `ClientRequestPath`; the host
/// `ClientRequestHost`; the status `EdgeResponseStatus` (what the client got from the edge); the bytes
/// `EdgeResponseBodyBytes`, else `EdgeResponseBytes` (with headers). `EdgeStartTimestamp` is the time
/// in any Logpush `timestamp_format` (RFC 3339, unix seconds, unixnano; numbers or strings), and
/// `EdgeEndTimestamp − EdgeStartTimestamp` the duration. TLS: `ClientSSLProtocol` / `ClientSSLCipher`
/// as logged (`none` / `NONE` for plain HTTP). `ClientMTLSAuthStatus`: `ok` verified, `absent` none,
/// `untrusted` / `notyetvalid` / `expired` / `invalid` failed; `unknown` (Cloudflare fills it only on
/// a connection's first request) leaves it not logged. The WAF action is the first that is not
/// `unknown` of `SecurityAction`, `SecurityActions[0]`, `FirewallMatchesActions[0]`, `WAFAction`; the
/// rule the first of `SecurityRuleID`, `SecurityRuleIDs[0]`, `FirewallMatchesRuleIDs[0]`, `WAFRuleID`.
/// `OriginIP` is the upstream, `RayID` the request id. `RequestHeaders` (the job's custom request
/// header fields, lower-case names) is kept as `requestHeaders`, with `authorization`, `cookie`,
/// `x-api-key`, `content-type`, `x-forwarded-for` and `x-request-id` pulled out.
public struct CloudflareLogParser: LineParser, Sendable {
    enum Key: Int, JSONFormatKey {
        case method, uri, path, host, `protocol`, scheme, userAgent, referer, clientIP
        case status, bodyBytes, bytes, start, end
        case sslProtocol, sslCipher, mtlsStatus
        case securityAction, securityActions, firewallActions, wafAction
        case securityRuleID, securityRuleIDs, firewallRuleIDs, wafRuleID
        case originIP, rayID
        case headers, authorization, cookie, apiKey, contentType, forwardedFor, requestId

        var path: String {
            switch self {
            case .method: "ClientRequestMethod"
            case .uri: "ClientRequestURI"
            case .path: "ClientRequestPath"
            case .host: "ClientRequestHost"
            case .protocol: "ClientRequestProtocol"
            case .scheme: "ClientRequestScheme"
            case .userAgent: "ClientRequestUserAgent"
            case .referer: "ClientRequestReferer"
            case .clientIP: "ClientIP"
            case .status: "EdgeResponseStatus"
            case .bodyBytes: "EdgeResponseBodyBytes"
            case .bytes: "EdgeResponseBytes"
            case .start: "EdgeStartTimestamp"
            case .end: "EdgeEndTimestamp"
            case .sslProtocol: "ClientSSLProtocol"
            case .sslCipher: "ClientSSLCipher"
            case .mtlsStatus: "ClientMTLSAuthStatus"
            case .securityAction: "SecurityAction"
            case .securityActions: "SecurityActions"
            case .firewallActions: "FirewallMatchesActions"
            case .wafAction: "WAFAction"
            case .securityRuleID: "SecurityRuleID"
            case .securityRuleIDs: "SecurityRuleIDs"
            case .firewallRuleIDs: "FirewallMatchesRuleIDs"
            case .wafRuleID: "WAFRuleID"
            case .originIP: "OriginIP"
            case .rayID: "RayID"
            case .headers: "RequestHeaders"
            case .authorization: "RequestHeaders.authorization"
            case .cookie: "RequestHeaders.cookie"
            case .apiKey: "RequestHeaders.x-api-key"
            case .contentType: "RequestHeaders.content-type"
            case .forwardedFor: "RequestHeaders.x-forwarded-for"
            case .requestId: "RequestHeaders.x-request-id"
            }
        }
    }

    private var fields = KeyedJSONScanner<Key>()

    public init() {}


    /// A security action or rule id, `nil` when empty or `unknown…` (Cloudflare's "no action").
    @inline(__always) private func decision(_ key: Key) -> Bytes? {
        let v = fields.value(key)
        let b: Bytes?
        switch v.kind {
        case .string: b = v.bytes
        case .number: b = v.bytes
        case .array: b = JSONFieldValue.firstStringElement(v.bytes)
        default: b = nil
        }
        guard let b, !JSONFieldValue.isPlaceholder(b), !JSONFieldValue.hasPrefix(b, "unknown") else { return nil }
        return b
    }

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard fields.scan(line) else {
            return JSONLinesParser.isBlank(line) ? .ignored : .rejected(.invalidJSON)
        }
        guard fields.present(.uri) || fields.present(.path),
              fields.present(.rayID) || fields.present(.start) || fields.present(.status) || fields.present(.clientIP)
        else { return .rejected(.missingField) }

        call.method = fields.text(.method) ?? .none
        call.target = fields.text(.uri) ?? fields.text(.path) ?? .none
        if call.target.count == 0 { call.requestIsValid = false }
        if let v = fields.text(.host) { call.host = v }
        if let v = fields.text(.protocol) { call.httpVersion = v }
        if let v = fields.text(.scheme) { call.scheme = v }
        if let v = fields.text(.userAgent) { call.userAgent = v }
        if let v = fields.text(.referer) { call.referrer = v }
        if let v = fields.text(.clientIP) { call.client = v }

        switch JSONFieldValue.status(fields.value(.status)) {
        case .code(let code): call.status = code
        case .invalid: return .rejected(.badStatus)
        case .absent: break
        }
        switch JSONFieldValue.time(fields.value(.start)) {
        case .millis(let start):
            call.timestampMillis = start
            if case .millis(let end) = JSONFieldValue.time(fields.value(.end)), end >= start {
                call.durationMicros = (end - start) * 1000
            }
        case .invalid: return .rejected(.badTimestamp)
        case .absent: break
        }
        if let v = JSONFieldValue.integer(fields.value(.bodyBytes)) ?? JSONFieldValue.integer(fields.value(.bytes)) {
            call.responseBytes = v
        }

        if let v = fields.text(.sslProtocol) {
            call.tlsProtocol = v
        } else if !fields.written(.sslProtocol) {
            call.unlogged.insert(.tls)
        }
        if let v = fields.text(.sslCipher) { call.tlsCipher = v }
        if let v = fields.text(.mtlsStatus) {
            if JSONFieldValue.equalsIgnoringCase(v, "ok") {
                call.clientCertificate = .verified
            } else if JSONFieldValue.equalsIgnoringCase(v, "absent") {
                call.clientCertificate = .none
            } else if JSONFieldValue.equalsIgnoringCase(v, "untrusted") || JSONFieldValue.equalsIgnoringCase(v, "notyetvalid")
                        || JSONFieldValue.equalsIgnoringCase(v, "expired") || JSONFieldValue.equalsIgnoringCase(v, "invalid") {
                call.clientCertificate = .failed
            }
        }
        if let v = decision(.securityAction) ?? decision(.securityActions) ?? decision(.firewallActions) ?? decision(.wafAction) {
            call.wafAction = v
        }
        if let v = decision(.securityRuleID) ?? decision(.securityRuleIDs) ?? decision(.firewallRuleIDs) ?? decision(.wafRuleID) {
            call.wafRule = v
        }
        if let v = fields.text(.originIP) { call.upstream = v }
        if let v = fields.text(.rayID) { call.requestId = v }

        let headers = fields.value(.headers)
        if headers.kind == .object {
            call.requestHeaders = headers.bytes
            call.requestHeadersForm = .jsonObject
        }
        // `RequestHeaders` holds only the headers the zone's custom fields name: without an
        // `authorization` key in it, whether a credential was sent is unknown.
        if let v = fields.text(.authorization) {
            call.authorization = v
        } else if !fields.written(.authorization) {
            call.unlogged.insert(.credentials)
        }
        if let v = fields.text(.cookie) { call.cookie = v }
        if let v = fields.text(.apiKey) { call.apiKey = v }
        if let v = fields.text(.contentType) { call.contentType = v }
        if let v = fields.text(.forwardedFor) { call.forwardedFor = v }
        if call.requestId.count == 0, let v = fields.text(.requestId) { call.requestId = v }
        return .call
    }
}

extension FormatDescriptor {
    public static let cloudflare = FormatDescriptor(
        format: .cloudflare, title: "Cloudflare Logpush HTTP requests (NDJSON)", defaultRole: .waf,
        yields: [.method, .target, .httpVersion, .host, .scheme, .client, .userAgent, .referrer, .status,
                 .responseBytes, .timestamp, .duration, .tlsProtocol, .tlsCipher, .clientCertificate, .upstream,
                 .wafAction, .wafRule, .requestId, .forwardedFor, .authorization, .cookie, .apiKey, .contentType,
                 .requestHeaders],
        example: #"{"ClientIP":"203.0.113.7","ClientRequestHost":"api.example.com","ClientRequestMethod":"GET","ClientRequestURI":"/api/v1/users/42?expand=orders","ClientRequestProtocol":"HTTP/2","ClientRequestScheme":"https","ClientRequestUserAgent":"curl/8.5.0","ClientRequestReferer":"","ClientSSLProtocol":"TLSv1.3","ClientSSLCipher":"AEAD-AES128-GCM-SHA256","ClientMTLSAuthStatus":"unknown","EdgeStartTimestamp":1791640536000000000,"EdgeEndTimestamp":1791640536004000000,"EdgeResponseStatus":200,"EdgeResponseBytes":1024,"EdgeResponseBodyBytes":512,"OriginIP":"198.51.100.4","RayID":"7c1f2e3d4a5b6c7d","SecurityAction":"unknown","SecurityRuleID":"","WAFAction":"unknown"}"#,
        specificity: 10, makeParser: { _ in CloudflareLogParser() })
}
