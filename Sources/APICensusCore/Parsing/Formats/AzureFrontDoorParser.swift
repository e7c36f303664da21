/// Azure Front Door resource logs: the access log (`FrontDoorAccessLog`; classic Front Door writes
/// `FrontdoorAccessLog`) and the WAF log (`FrontDoorWebApplicationFirewallLog`), one record per
/// line, as a resource-log record or an `AzureDiagnostics` row (see `AzureResourceLog`).
///
/// One format reads both categories; its default role is the load balancer's (Front Door is the
/// edge that routes to origins), and WAF records carry the WAF evidence (action, rule). A WAF
/// record is one rule decision and logs no method.
///
/// `requestUri` is the full URL the client asked for (`https://host:443/path?query`); `timeTaken`
/// is seconds; `httpVersion` is written `2.0.0.0` (read as `HTTP/2.0`). `securityProtocol`
/// (`TLS 1.2`, empty for plain HTTP) and `securityCipher` give the TLS evidence, `requestProtocol`
/// the scheme, `routingRuleName`/`routeName` the route, the origin (`originName`, `originUrl`, or
/// classic `backendHostname`) the upstream.
///
/// Health-probe records and other Azure resource logs are ignored (counted, not parsed);
/// Application Gateway request records are rejected.
public struct AzureFrontDoorParser: LineParser {
    enum Key: Int, AzureResourceLogKey {
        case category, time, operationName, resourceId
        case clientIp, httpMethod, httpVersion, requestUri, httpStatusCode, responseBytes, timeTaken, userAgent
        case referer, requestProtocol, securityProtocol, securityCipher, hostName, trackingReference, route
        case origin, ruleName, action, wafHost
    }

    private var fields = CandidateScanner<Key> { key in
        typealias A = AzureResourceLog
        switch key {
        case .category, .time, .operationName, .resourceId: return A.envelope(key)
        case .clientIp: return A.property("clientIp", suffixes: ["s"], also: ["properties.clientIP", "clientIP_s"])
        case .httpMethod: return A.property("httpMethod", suffixes: ["s"])
        case .httpVersion: return A.property("httpVersion", suffixes: ["s"])
        case .requestUri: return A.property("requestUri", suffixes: ["s"])
        case .httpStatusCode: return A.property("httpStatusCode", suffixes: ["s", "d"])
        case .responseBytes: return A.property("responseBytes", suffixes: ["s", "d"])
        case .timeTaken: return A.property("timeTaken", suffixes: ["s", "d"])
        case .userAgent: return A.property("userAgent", suffixes: ["s"])
        case .referer: return A.property("referer", suffixes: ["s"], also: ["properties.referrer", "referrer_s"])
        case .requestProtocol: return A.property("requestProtocol", suffixes: ["s"])
        case .securityProtocol: return A.property("securityProtocol", suffixes: ["s"])
        case .securityCipher: return A.property("securityCipher", suffixes: ["s"])
        case .hostName: return A.property("hostName", suffixes: ["s"])
        case .trackingReference: return A.property("trackingReference", suffixes: ["s"])
        case .route: return A.property("routingRuleName", suffixes: ["s"], also: A.property("routeName", suffixes: ["s"]))
        case .origin:
            return A.property("originName", suffixes: ["s"],
                              also: A.property("originUrl", suffixes: ["s"]) + A.property("backendHostname", suffixes: ["s"]))
        case .ruleName: return A.property("ruleName", suffixes: ["s"])
        case .action: return A.property("action", suffixes: ["s"])
        case .wafHost: return A.property("host", suffixes: ["s"])
        }
    }

    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        let kind: AzureResourceLog.RequestCategory
        switch AzureResourceLog.readRecord(line, &fields, into: &call, accepting: .frontDoorAccess, .frontDoorFirewall) {
        case .done(let outcome): return outcome
        case .request(let category): kind = category
        }
        guard let uri = fields.text(.requestUri) else { return .rejected(.missingField) }
        call.target = uri
        call.client = fields.text(.clientIp) ?? .none
        call.requestId = fields.text(.trackingReference) ?? .none

        if kind == .frontDoorFirewall {
            guard let action = fields.text(.action) else { return .rejected(.missingField) }
            call.wafAction = action
            call.wafRule = fields.text(.ruleName) ?? .none
            call.host = fields.text(.wafHost) ?? EdgeJSON.authority(ofURL: uri)
            call.scheme = EdgeJSON.scheme(ofURL: uri)
            return .call
        }

        guard let method = fields.text(.httpMethod) else { return .rejected(.missingField) }
        call.method = method
        if let s = fields.text(.httpStatusCode) {
            guard let code = EdgeJSON.status(s) else { return .rejected(.badStatus) }
            call.status = code
        }
        if let v = fields.text(.httpVersion) { call.httpVersion = EdgeJSON.httpVersion(v) }
        if let b = fields.text(.responseBytes), let n = EdgeJSON.integer(b) { call.responseBytes = n }
        if let t = fields.text(.timeTaken) { call.durationMicros = EdgeJSON.secondsAsMicros(t) ?? -1 }
        call.userAgent = fields.text(.userAgent) ?? .none
        call.referrer = fields.text(.referer) ?? .none
        call.host = fields.text(.hostName) ?? EdgeJSON.authority(ofURL: uri)
        call.scheme = fields.text(.requestProtocol) ?? EdgeJSON.scheme(ofURL: uri)
        call.tlsProtocol = fields.text(.securityProtocol) ?? .none
        call.tlsCipher = fields.text(.securityCipher) ?? .none
        call.route = fields.text(.route) ?? .none
        call.upstream = fields.text(.origin) ?? .none
        return .call
    }
}

extension FormatDescriptor {
    public static let azureFrontDoor = FormatDescriptor(
        format: .azureFrontDoor, title: "Azure Front Door access and WAF logs (JSON)", defaultRole: .lb,
        yields: [.method, .target, .httpVersion, .host, .client, .referrer, .userAgent, .status, .responseBytes,
                 .timestamp, .duration, .scheme, .tlsProtocol, .tlsCipher, .upstream, .route, .wafAction,
                 .wafRule, .requestId],
        example: #"{"time":"2026-10-10T13:55:36.1234567Z","resourceId":"/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.CDN/PROFILES/EDGE","category":"FrontDoorAccessLog","operationName":"Microsoft.Cdn/Profiles/AccessLog/Write","properties":{"trackingReference":"0TmR0ZQAAAADpBNt2s2hYQ6oDZvYZl4T5","httpMethod":"GET","httpVersion":"1.1.0.0","requestUri":"https://api.example.com:443/users/42?expand=orders","hostName":"api.example.com","requestBytes":"180","responseBytes":"512","userAgent":"curl/8.5.0","clientIp":"203.0.113.7","clientPort":"50312","socketIp":"203.0.113.7","timeTaken":"0.012","requestProtocol":"HTTPS","securityProtocol":"TLS 1.3","securityCipher":"TLS_AES_256_GCM_SHA384","httpStatusCode":"200","pop":"AMS","cacheStatus":"CONFIG_NOCACHE","routeName":"api-route","originName":"api-origin.example.net:443"}}"#,
        specificity: 10, makeParser: { _ in AzureFrontDoorParser() })
}
