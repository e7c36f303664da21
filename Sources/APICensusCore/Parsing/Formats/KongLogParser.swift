/// Kong Gateway's log serializer (`kong.log.serialize()`), one JSON object per line, as the
/// file-log, http-log, kafka-log, tcp-log, udp-log and syslog plugins send it:
///
/// ```
/// {"request":{"method":"GET","uri":"/log?x=1","url":"https://api.example:8443/log?x=1","size":138,
///   "headers":{"host":"api.example","user-agent":"curl/8.5.0","authorization":"…"},
///   "tls":{"version":"TLSv1.3","cipher":"TLS_AES_256_GCM_SHA384","client_verify":"NONE"}},
///  "response":{"status":200,"size":827,"headers":{…}},"upstream_uri":"/anything",
///  "latencies":{"request":515,"kong":58,"proxy":457},"tries":[…],"route":{"id":"…","name":"…"},
///  "service":{"id":"…","name":"…","host":"httpbin.org"},"consumer":{"id":"…","username":"foo"},
///  "authenticated_entity":{"id":"…"},"client_ip":"192.168.144.1","started_at":1614232668342}
/// ```
///
/// A line is Kong's when it has `request.method`, `request.uri` or `request.url`, `started_at`, and one
/// of `latencies.request`, `client_ip`, `upstream_uri` (the serializer always writes them); other JSON
/// is rejected as `missing_field`, so Caddy's nested `request` object or a generic JSON log are not
/// taken for Kong.
///
/// Fields: the request target is `request.uri` (`$request_uri`, the client's path and query), else
/// the path of `request.url`; the host is the `host` header, else the authority of `request.url`,
/// whose scheme is the scheme. `response.size` is the bytes sent including headers (Kong logs no
/// body-only size). `latencies.request` (milliseconds) is the duration, `started_at` (epoch
/// milliseconds) the time. Kong logs no HTTP version. The consumer is `consumer.username`, else
/// `consumer.custom_id`, `consumer.id`, `authenticated_entity.id`; the route and service are their
/// `name`, else `id`; the upstream is `service.host`. `request.tls.client_verify` (`$ssl_client_verify`)
/// gives the client certificate: `SUCCESS` verified, `NONE` none, `FAILED:…` failed; without
/// `request.tls` the request came over plain HTTP. Request headers are kept as a JSON object
/// (`requestHeaders`), and `authorization`, `cookie`, `apikey` / `x-api-key`, `content-type`,
/// `x-forwarded-for` are pulled out; a header logged with several values (`["a","b"]`) gives its first.
public struct KongLogParser: LineParser, Sendable {
    enum Key: Int, JSONFormatKey {
        case method, uri, url, host, userAgent, referer, authorization, cookie, apiKey, xAPIKey
        case contentType, forwardedFor, requestIdHeader, headers, requestId, tlsVersion, tlsCipher, clientVerify
        case status, size, latency, startedAt, clientIP, upstreamURI, serviceName, serviceId, serviceHost
        case routeName, routeId, consumerName, consumerCustomId, consumerId, entityId, kongRequestId
        case upgrade, soapAction, accept

        var path: String {
            switch self {
            case .method: "request.method"
            case .uri: "request.uri"
            case .url: "request.url"
            case .host: "request.headers.host"
            case .userAgent: "request.headers.user-agent"
            case .referer: "request.headers.referer"
            case .authorization: "request.headers.authorization"
            case .cookie: "request.headers.cookie"
            case .apiKey: "request.headers.apikey"
            case .xAPIKey: "request.headers.x-api-key"
            case .contentType: "request.headers.content-type"
            case .forwardedFor: "request.headers.x-forwarded-for"
            case .requestIdHeader: "request.headers.x-request-id"
            case .headers: "request.headers"
            case .requestId: "request.id"
            case .tlsVersion: "request.tls.version"
            case .tlsCipher: "request.tls.cipher"
            case .clientVerify: "request.tls.client_verify"
            case .status: "response.status"
            case .size: "response.size"
            case .latency: "latencies.request"
            case .startedAt: "started_at"
            case .clientIP: "client_ip"
            case .upstreamURI: "upstream_uri"
            case .serviceName: "service.name"
            case .serviceId: "service.id"
            case .serviceHost: "service.host"
            case .routeName: "route.name"
            case .routeId: "route.id"
            case .consumerName: "consumer.username"
            case .consumerCustomId: "consumer.custom_id"
            case .consumerId: "consumer.id"
            case .entityId: "authenticated_entity.id"
            case .kongRequestId: "response.headers.x-kong-request-id"
            case .upgrade: "request.headers.upgrade"
            case .soapAction: "request.headers.soapaction"
            case .accept: "request.headers.accept"
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
        // Kong's signature: the serializer's request object, start time and one of its top-level fields.
        let method = fields.text(.method)
        let uri = fields.text(.uri), url = fields.text(.url)
        guard fields.present(.method), fields.present(.uri) || fields.present(.url),
              fields.present(.startedAt),
              fields.present(.latency) || fields.present(.clientIP) || fields.present(.upstreamURI)
        else { return .rejected(.missingField) }

        let parsedURL = url.flatMap(JSONFieldValue.schemeAndAuthority)
        call.method = method ?? .none
        if let uri {
            call.target = uri
        } else if let url, let parsedURL, let base = url.baseAddress {
            // The path (and query) after the authority.
            let authorityEnd = parsedURL.authority.baseAddress! + parsedURL.authority.count
            let offset = authorityEnd - base
            if offset < url.count { call.target = Bytes(start: authorityEnd, count: url.count - offset) }
        }
        if call.method.count == 0 || call.target.count == 0 { call.requestIsValid = false }
        call.host = fields.header(.host) ?? parsedURL?.authority ?? .none
        if let scheme = parsedURL?.scheme { call.scheme = scheme }

        switch JSONFieldValue.time(fields.value(.startedAt)) {
        case .millis(let ms): call.timestampMillis = ms
        case .invalid: return .rejected(.badTimestamp)
        case .absent: break
        }
        switch JSONFieldValue.status(fields.value(.status)) {
        case .code(let code): call.status = code
        case .invalid: return .rejected(.badStatus)
        case .absent: break
        }
        if let size = JSONFieldValue.integer(fields.value(.size)) { call.responseBytes = size }
        if let micros = JSONFieldValue.scaled(fields.value(.latency), exponent: 3) { call.durationMicros = micros }
        if let v = fields.text(.clientIP) { call.client = v }
        if let v = fields.header(.userAgent) { call.userAgent = v }
        if let v = fields.header(.referer) { call.referrer = v }

        // Gateway evidence.
        if let v = fields.text(.serviceName) ?? fields.text(.serviceId) { call.service = v }
        if let v = fields.text(.routeName) ?? fields.text(.routeId) { call.route = v }
        if let v = fields.text(.serviceHost) { call.upstream = v }
        if let v = fields.text(.consumerName) ?? fields.text(.consumerCustomId) ?? fields.text(.consumerId) ?? fields.text(.entityId) {
            call.consumer = v
        }
        if let v = fields.text(.requestId) ?? fields.header(.requestIdHeader) ?? fields.header(.kongRequestId) { call.requestId = v }

        // TLS: Kong writes `request.tls` only for TLS connections.
        if let v = fields.text(.tlsVersion) {
            call.tlsProtocol = v
            if let c = fields.text(.tlsCipher) { call.tlsCipher = c }
            call.clientCertificate = .none
            if let verify = fields.text(.clientVerify) {
                if JSONFieldValue.equalsIgnoringCase(verify, "SUCCESS") {
                    call.clientCertificate = .verified
                } else if JSONFieldValue.hasPrefix(verify, "FAILED") {
                    call.clientCertificate = .failed
                } else if !JSONFieldValue.equalsIgnoringCase(verify, "NONE") {
                    call.clientCertificate = .presented
                }
            }
        } else {
            call.clientCertificate = .none
        }

        // Headers: the block for lazy lookups, and the ones coverage reads directly.
        let headers = fields.value(.headers)
        if headers.kind == .object {
            call.requestHeaders = headers.bytes
            call.requestHeadersForm = .jsonObject
        } else {
            // `custom_fields_by_lua` can remove the block: whether a credential was sent is unknown.
            call.unlogged.insert(.credentials)
        }
        if let v = fields.header(.authorization) { call.authorization = v }
        if let v = fields.header(.cookie) { call.cookie = v }
        if let v = fields.header(.apiKey) ?? fields.header(.xAPIKey) { call.apiKey = v }
        if let v = fields.header(.contentType) { call.contentType = v }
        if let v = fields.header(.forwardedFor) { call.forwardedFor = v }
        // Kong logs header names in lower case: the style signals are read by name.
        if call.requestHeaders.count > 0 {
            call.styleHeaders = StyleHeaders.from(upgrade: fields.header(.upgrade), soapAction: fields.written(.soapAction),
                                                  accept: fields.header(.accept))
        }
        return .call
    }
}

extension FormatDescriptor {
    public static let kong = FormatDescriptor(
        format: .kong, title: "Kong Gateway log serializer JSON (file-log, http-log, kafka-log…)", defaultRole: .gateway,
        yields: [.method, .target, .host, .scheme, .client, .userAgent, .referrer, .status, .responseBytes, .timestamp,
                 .duration, .tlsProtocol, .tlsCipher, .clientCertificate, .upstream, .route, .service, .consumer,
                 .requestId, .forwardedFor, .authorization, .cookie, .apiKey, .contentType, .requestHeaders],
        example: #"{"request":{"method":"GET","uri":"/api/v1/users/42?expand=orders","url":"https://api.example.com:8443/api/v1/users/42?expand=orders","size":138,"querystring":{"expand":"orders"},"headers":{"host":"api.example.com","user-agent":"curl/8.5.0","accept":"*/*"},"tls":{"version":"TLSv1.3","cipher":"TLS_AES_256_GCM_SHA384","client_verify":"NONE"}},"upstream_uri":"/users/42?expand=orders","response":{"status":200,"size":827,"headers":{"content-type":"application/json"}},"tries":[{"balancer_latency":0,"port":8080,"balancer_start":1791640536012,"ip":"10.0.3.7"}],"latencies":{"request":15,"kong":2,"proxy":13},"route":{"id":"78f79740-c410-4fd9-a998-d0a60a99dc9b","name":"users-route","paths":["/api/v1/users"]},"service":{"id":"167290ee-c682-4ebf-bdea-e49a3ac5e260","name":"users","host":"users.internal","port":8080,"protocol":"http"},"consumer":{"id":"ae974d6c-0f8a-4dc5-b701-fa0aa38592bd","username":"mobile-app"},"authenticated_entity":{"id":"c62c1455-9b1d-4f2d-8797-509ba83b8ae8"},"client_ip":"203.0.113.7","started_at":1791640536000}"#,
        specificity: 10, makeParser: { _ in KongLogParser() })
}
