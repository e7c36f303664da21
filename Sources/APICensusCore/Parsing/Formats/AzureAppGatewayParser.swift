/// Azure Application Gateway resource logs: the access log (`ApplicationGatewayAccessLog`) and the
/// WAF log (`ApplicationGatewayFirewallLog`), one record per line, in any of the three shapes of
/// `AzureResourceLog` (resource-log record, `AzureDiagnostics` row, `AGWAccessLogs` /
/// `AGWFirewallLogs` row).
///
/// One format reads both categories, since diagnostic settings often send them to the same place:
/// its default role is the load balancer's; firewall records carry the WAF evidence (action,
/// rule) whatever the role. A firewall record is one rule match (a request matching three rules
/// gives three records) and logs no method.
///
/// Access records: `timeTaken` is milliseconds on v1 gateways (instance ids
/// `ApplicationGatewayRole_IN_n`, or a `requestQuery` with the gateway's routing data) and seconds
/// on v2. `sslEnabled` gives the scheme; `sslProtocol`/`sslCipher`/`sslClientVerify` are v2 only.
/// The v1 `requestQuery` is not the client's query string (the gateway writes its routing data
/// there): it is never appended to the path, only read for the backend (`SERVER-ROUTED`) and the
/// log id.
///
/// Records of the gateway's other categories (performance, health probe) and of other Azure
/// resources are ignored (counted, not parsed); Front Door request records are rejected.
/// Event Hubs deliveries wrapping several records in `{"records": […]}` are not read: one record
/// per line is.
public struct AzureAppGatewayParser: LineParser {
    enum Key: Int, AzureResourceLogKey {
        case category, time, operationName, resourceId, instanceId
        case clientIP, httpMethod, requestUri, originalUri, requestQuery, userAgent, httpStatus, httpVersion
        case sentBytes, timeTaken, sslEnabled, sslProtocol, sslCipher, sslClientVerify, host, originalHost
        case transactionId, serverRouted, ruleName, backendPoolName
        case firewallHostname, ruleId, action
    }

    private var fields = CandidateScanner<Key> { key in
        typealias A = AzureResourceLog
        switch key {
        case .category, .time, .operationName, .resourceId: return A.envelope(key)
        case .instanceId: return A.property("instanceId", suffixes: ["s"], also: ["InstanceId"])
        case .clientIP: return A.property("clientIP", suffixes: ["s"], also: ["properties.clientIp", "clientIp_s", "ClientIp"])
        case .httpMethod: return A.property("httpMethod", suffixes: ["s"], also: ["HttpMethod"])
        case .requestUri: return A.property("requestUri", suffixes: ["s"], also: ["RequestUri"])
        case .originalUri:
            return A.property("originalRequestUriWithArgs", suffixes: ["s"], also: ["OriginalRequestUriWithArgs"])
        case .requestQuery: return A.property("requestQuery", suffixes: ["s"])
        case .userAgent: return A.property("userAgent", suffixes: ["s"], also: ["UserAgent"])
        case .httpStatus: return A.property("httpStatus", suffixes: ["d", "s"], also: ["HttpStatus"])
        case .httpVersion: return A.property("httpVersion", suffixes: ["s"], also: ["HttpVersion"])
        case .sentBytes: return A.property("sentBytes", suffixes: ["d"], also: ["SentBytes"])
        case .timeTaken: return A.property("timeTaken", suffixes: ["d"], also: ["TimeTaken"])
        case .sslEnabled: return A.property("sslEnabled", suffixes: ["s"], also: ["SslEnabled"])
        case .sslProtocol: return A.property("sslProtocol", suffixes: ["s"], also: ["SslProtocol"])
        case .sslCipher: return A.property("sslCipher", suffixes: ["s"], also: ["SslCipher"])
        case .sslClientVerify: return A.property("sslClientVerify", suffixes: ["s"], also: ["SslClientVerify"])
        case .host: return A.property("host", suffixes: ["s"], also: ["Host"])
        case .originalHost: return A.property("originalHost", suffixes: ["s"], also: ["OriginalHost"])
        case .transactionId: return A.property("transactionId", suffixes: ["g", "s"], also: ["TransactionId"])
        case .serverRouted: return A.property("serverRouted", suffixes: ["s"], also: ["ServerRouted"])
        case .ruleName: return A.property("ruleName", suffixes: ["s"], also: ["RuleName"])
        case .backendPoolName: return A.property("backendPoolName", suffixes: ["s"], also: ["BackendPoolName"])
        case .firewallHostname: return A.property("hostname", suffixes: ["s"], also: ["Hostname"])
        case .ruleId: return A.property("ruleId", suffixes: ["s"], also: ["RuleId"])
        case .action: return A.property("action", suffixes: ["s"], also: ["Action"])
        }
    }

    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        switch AzureResourceLog.readRecord(line, &fields, into: &call, accepting: .appGatewayAccess, .appGatewayFirewall) {
        case .done(let outcome): return outcome
        case .request(let kind): return kind == .appGatewayAccess ? access(&call) : firewall(&call)
        }
    }

    private mutating func access(_ call: inout RawCall) -> LineOutcome {
        guard let method = fields.text(.httpMethod),
              let uri = fields.text(.originalUri) ?? fields.text(.requestUri) else { return .rejected(.missingField) }
        call.method = method
        call.target = uri
        if let s = fields.text(.httpStatus) {
            guard let code = EdgeJSON.status(s) else { return .rejected(.badStatus) }
            call.status = code
        }
        if let v = fields.text(.httpVersion) { call.httpVersion = EdgeJSON.httpVersion(v) }
        if let b = fields.text(.sentBytes), let n = EdgeJSON.integer(b) { call.responseBytes = n }
        let query = fields.text(.requestQuery)
        let isV1 = query != nil || (fields.text(.instanceId).map { EdgeJSON.hasPrefixLowercased($0, "applicationgatewayrole") } ?? false)
        if let t = fields.text(.timeTaken) {
            call.durationMicros = JSONLinesParser.scaledDecimal(t, exponent: isV1 ? 3 : 6) ?? -1
        }
        call.client = fields.text(.clientIP) ?? .none
        call.userAgent = fields.text(.userAgent) ?? .none
        call.host = fields.text(.originalHost) ?? fields.text(.host) ?? .none
        if let ssl = fields.text(.sslEnabled) {
            if EdgeJSON.equalsLowercased(ssl, "on") { call.scheme = EdgeJSON.https }
            else if EdgeJSON.equalsLowercased(ssl, "off") { call.scheme = EdgeJSON.http }
        }
        call.tlsProtocol = fields.text(.sslProtocol) ?? .none
        call.tlsCipher = fields.text(.sslCipher) ?? .none
        if let verify = fields.text(.sslClientVerify) {
            if EdgeJSON.equalsLowercased(verify, "none") { call.clientCertificate = .none }
            else if EdgeJSON.equalsLowercased(verify, "success") { call.clientCertificate = .verified }
            else if EdgeJSON.hasPrefixLowercased(verify, "failed") { call.clientCertificate = .failed }
            else { call.clientCertificate = .presented }
        } else if fields.has(.sslClientVerify) {
            call.clientCertificate = .none  // logged empty: no certificate
        }
        call.requestId = fields.text(.transactionId) ?? .none
        call.upstream = fields.text(.serverRouted) ?? .none
        call.route = fields.text(.ruleName) ?? .none
        call.service = fields.text(.backendPoolName) ?? .none
        if let query {
            if call.upstream.count == 0 { call.upstream = AzureAppGatewayParser.queryValue("SERVER-ROUTED", in: query) }
            if call.requestId.count == 0 {
                call.requestId = AzureAppGatewayParser.queryValue("X-AzureApplicationGateway-LOG-ID", in: query)
            }
        }
        return .call
    }

    private mutating func firewall(_ call: inout RawCall) -> LineOutcome {
        guard let uri = fields.text(.requestUri), let action = fields.text(.action) else { return .rejected(.missingField) }
        call.target = uri
        call.wafAction = action
        call.wafRule = fields.text(.ruleId) ?? .none
        call.client = fields.text(.clientIP) ?? .none
        call.host = fields.text(.firewallHostname) ?? .none
        call.requestId = fields.text(.transactionId) ?? .none
        return .call
    }

    /// The value of `name=` in the v1 gateway's `requestQuery` (`SERVER-ROUTED=10.0.0.4&…`).
    static func queryValue(_ name: StaticString, in query: Bytes) -> Bytes {
        var from = 0
        while let at = EdgeJSON.find(name, in: query, from: from) {
            let valueStart = at + name.utf8CodeUnitCount + 1
            if (at == 0 || query[at - 1] == UInt8(ascii: "&")), valueStart <= query.count,
               query[valueStart - 1] == UInt8(ascii: "=") {
                var end = valueStart
                while end < query.count, query[end] != UInt8(ascii: "&") { end += 1 }
                return Bytes(rebasing: query[valueStart..<end])
            }
            from = at + 1
        }
        return .none
    }
}

extension FormatDescriptor {
    public static let azureAppGateway = FormatDescriptor(
        format: .azureAppGateway, title: "Azure Application Gateway access and WAF (firewall) logs (JSON)", defaultRole: .lb,
        yields: [.method, .target, .httpVersion, .host, .client, .userAgent, .status, .responseBytes, .timestamp, .duration,
                 .scheme, .tlsProtocol, .tlsCipher, .clientCertificate, .upstream, .route, .service, .wafAction, .wafRule,
                 .requestId],
        example: #"{"time":"2026-10-10T13:55:36.123Z","resourceId":"/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/APPLICATIONGATEWAYS/AGW","operationName":"ApplicationGatewayAccess","category":"ApplicationGatewayAccessLog","properties":{"instanceId":"appgw_0","clientIP":"203.0.113.7","httpMethod":"GET","requestUri":"/users/42?expand=orders","userAgent":"curl/8.5.0","httpStatus":200,"httpVersion":"HTTP/1.1","receivedBytes":180,"sentBytes":512,"timeTaken":0.012,"sslEnabled":"on","sslCipher":"ECDHE-RSA-AES256-GCM-SHA384","sslProtocol":"TLSv1.2","serverRouted":"10.0.1.4:443","serverStatus":"200","host":"api.example.com","originalHost":"api.example.com","transactionId":"8e3c1a8f5b7d4c2e9f0a1b2c3d4e5f60","ruleName":"api-rule","backendPoolName":"api-pool"}}"#,
        specificity: 10, makeParser: { _ in AzureAppGatewayParser() })
}
