/// Google Cloud HTTP(S) load balancer request logs: Cloud Logging `LogEntry` JSON (as exported by
/// a log sink, Pub/Sub or `gcloud logging read --format=json` flattened to one entry per line).
///
/// The request is the standard `httpRequest` object (`requestMethod`, `requestUrl` — absolute, so it
/// gives host and scheme —, `status`, `responseSize`, `remoteIp` with a port, `serverIp`, `latency`
/// as `"0.123s"`, `protocol`, `userAgent`, `referer`). Cloud Armor's verdict is in
/// `jsonPayload.enforcedSecurityPolicy` (`outcome` ACCEPT/DENY, else `configuredAction`; the rule is
/// the first `preconfiguredExprIds` entry, else `policy/priority`), or in
/// `enforcedEdgeSecurityPolicy` for edge policies. The load balancer's optional `tls.*` and `mtls.*`
/// fields are read when enabled. `resource.labels.backend_service_name` is the service,
/// `url_map_name` the route.
///
/// A record must have `httpRequest.requestMethod`, `httpRequest.requestUrl`, `timestamp` and one
/// of the LogEntry keys `insertId` / `logName` / `resource.type`. Request logs of other Google
/// Cloud services written in the same `LogEntry` shape (Cloud Run, App Engine) parse too.
public struct GCPLoadBalancerParser: LineParser {
    enum Key: Int, CaseIterable {
        case method, url, status, responseSize, userAgent, remoteIp, serverIp, referer, latency, httpProtocol
        case timestamp, insertId, logName, resourceType, backendService, urlMap, trace, statusDetails
        case policyName, policyPriority, policyOutcome, policyAction, policyExprIds
        case tlsProtocol, tlsCipher, mtlsPresent, mtlsVerified
    }

    private var fields = CandidateScanner<Key> { key in
        switch key {
        case .method: ["httpRequest.requestMethod"]
        case .url: ["httpRequest.requestUrl"]
        case .status: ["httpRequest.status"]
        case .responseSize: ["httpRequest.responseSize"]
        case .userAgent: ["httpRequest.userAgent"]
        case .remoteIp: ["httpRequest.remoteIp"]
        case .serverIp: ["httpRequest.serverIp"]
        case .referer: ["httpRequest.referer"]
        case .latency: ["httpRequest.latency"]
        case .httpProtocol: ["httpRequest.protocol"]
        case .timestamp: ["timestamp"]
        case .insertId: ["insertId"]
        case .logName: ["logName"]
        case .resourceType: ["resource.type"]
        case .backendService: ["resource.labels.backend_service_name"]
        case .urlMap: ["resource.labels.url_map_name"]
        case .trace: ["trace"]
        case .statusDetails: ["jsonPayload.statusDetails"]
        case .policyName: ["jsonPayload.enforcedSecurityPolicy.name", "jsonPayload.enforcedEdgeSecurityPolicy.name"]
        case .policyPriority: ["jsonPayload.enforcedSecurityPolicy.priority", "jsonPayload.enforcedEdgeSecurityPolicy.priority"]
        case .policyOutcome: ["jsonPayload.enforcedSecurityPolicy.outcome", "jsonPayload.enforcedEdgeSecurityPolicy.outcome"]
        case .policyAction:
            ["jsonPayload.enforcedSecurityPolicy.configuredAction", "jsonPayload.enforcedEdgeSecurityPolicy.configuredAction"]
        case .policyExprIds:
            ["jsonPayload.enforcedSecurityPolicy.preconfiguredExprIds", "jsonPayload.enforcedEdgeSecurityPolicy.preconfiguredExprIds"]
        case .tlsProtocol: ["jsonPayload.tls.protocol"]
        case .tlsCipher: ["jsonPayload.tls.cipher"]
        case .mtlsPresent: ["jsonPayload.mtls.clientCertPresent"]
        case .mtlsVerified: ["jsonPayload.mtls.clientCertChainVerified"]
        }
    }

    nonisolated(unsafe) static let deny = CallAggregator.staticBytes("DENY")

    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard fields.scan(line) else { return JSONLinesParser.isBlank(line) ? .ignored : .rejected(.invalidJSON) }
        guard let method = fields.text(.method), let url = fields.text(.url), let time = fields.text(.timestamp),
              fields.has(.insertId) || fields.has(.logName) || fields.has(.resourceType)
        else { return .rejected(.missingField) }

        guard let millis = Timestamps.anyMillis(time) else { return .rejected(.badTimestamp) }
        call.timestampMillis = millis
        if let s = fields.text(.status) {
            guard let code = EdgeJSON.status(s) else { return .rejected(.badStatus) }
            call.status = code
        }

        call.method = method
        call.target = url
        call.host = EdgeJSON.authority(ofURL: url)
        call.scheme = EdgeJSON.scheme(ofURL: url)
        if let v = fields.text(.httpProtocol) { call.httpVersion = EdgeJSON.httpVersion(v) }
        if let b = fields.text(.responseSize), let n = EdgeJSON.integer(b) { call.responseBytes = n }
        if let d = fields.text(.latency), let micros = EdgeJSON.secondsAsMicros(d) { call.durationMicros = micros }
        if let ip = fields.text(.remoteIp) { call.client = EdgeJSON.withoutPort(ip) }
        call.upstream = fields.text(.serverIp) ?? .none
        call.userAgent = fields.text(.userAgent) ?? .none
        call.referrer = fields.text(.referer) ?? .none
        call.service = fields.text(.backendService) ?? .none
        call.route = fields.text(.urlMap) ?? .none
        call.requestId = fields.text(.trace) ?? .none

        // Cloud Armor.
        if let outcome = fields.text(.policyOutcome) ?? fields.text(.policyAction) {
            call.wafAction = outcome
            if let ids = fields.container(.policyExprIds), ids.kind == .array {
                var walker = JSONWalker(ids.bytes)
                walker.forEachElement { element in
                    if let id = JSONWalker.scalarContents(element), id.count > 0 { call.wafRule = id }
                    return false
                }
            }
            if call.wafRule.count == 0, let name = fields.text(.policyName) {
                if let priority = fields.text(.policyPriority) {
                    call.wafRule = fields.joined(name, UInt8(ascii: "/"), priority)
                } else {
                    call.wafRule = name
                }
            }
        } else if let details = fields.text(.statusDetails), EdgeJSON.equals(details, "denied_by_security_policy") {
            call.wafAction = GCPLoadBalancerParser.deny
        }

        // Optional TLS fields.
        call.tlsProtocol = fields.text(.tlsProtocol) ?? .none
        call.tlsCipher = fields.text(.tlsCipher) ?? .none
        if let present = fields.value(.mtlsPresent), present.kind == .bool {
            if present.bytes[0] == UInt8(ascii: "f") {
                call.clientCertificate = .none
            } else if let verified = fields.value(.mtlsVerified), verified.kind == .bool {
                call.clientCertificate = verified.bytes[0] == UInt8(ascii: "t") ? .verified : .failed
            } else {
                call.clientCertificate = .presented
            }
        }
        return .call
    }
}

extension FormatDescriptor {
    public static let gcpLoadBalancer = FormatDescriptor(
        format: .gcpLoadBalancer, title: "Google Cloud HTTP(S) load balancer log (Cloud Logging JSON, Cloud Armor)",
        defaultRole: .lb,
        yields: [.method, .target, .httpVersion, .host, .client, .referrer, .userAgent, .status, .responseBytes,
                 .timestamp, .duration, .scheme, .clientCertificate, .upstream, .route, .service, .wafAction, .wafRule,
                 .requestId],
        example: #"{"insertId":"1oek5rg3l3fxj7","httpRequest":{"requestMethod":"GET","requestUrl":"https://api.example.com/users/42?expand=orders","status":200,"responseSize":"512","userAgent":"curl/8.5.0","remoteIp":"203.0.113.7:50312","serverIp":"10.0.0.12:8080","latency":"0.012345s","protocol":"HTTP/1.1"},"jsonPayload":{"@type":"type.googleapis.com/google.cloud.loadbalancing.type.LoadBalancerLogEntry","statusDetails":"response_sent_by_backend","enforcedSecurityPolicy":{"name":"api-policy","priority":1000,"configuredAction":"ALLOW","outcome":"ACCEPT"}},"resource":{"type":"http_load_balancer","labels":{"url_map_name":"api-map","backend_service_name":"api-backend"}},"timestamp":"2026-10-10T13:55:36.123456Z","logName":"projects/p/logs/requests"}"#,
        specificity: 10, makeParser: { _ in GCPLoadBalancerParser() })
}
