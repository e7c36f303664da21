/// AWS API Gateway access logs in JSON: the template a user writes from `$context` variables, for
/// REST, HTTP and WebSocket APIs.
///
/// Key names are the user's choice; this parser reads the names AWS's own examples use (`ip`,
/// `caller`, `user`) and the `$context` variable names themselves, flat or nested, with or without
/// a `context.` prefix (`requestId`, `context.requestId`, `identity.sourceIp`,
/// `{"identity":{"sourceIp":…}}`). A record must have a request id, a request time, a status and
/// one of `httpMethod` / `routeKey` / `resourcePath` / `eventType`: the shape that sets these logs
/// apart from other JSON logs (NGINX JSON has `request_id`, not `requestId` with `requestTime`).
///
/// The path is `path` (`$context.path`, the path called) when logged, else `resourcePath` (REST:
/// the resource template, `/pets/{petId}`), else the path of `routeKey` (HTTP APIs: `GET /pets`).
/// API Gateway serves HTTPS only, so the scheme is `https` (`wss` for WebSocket events). WebSocket
/// event records (`eventType`) carry no HTTP path: they count as parsed records with their route,
/// outside the endpoint inventory.
public struct AWSAPIGatewayParser: LineParser {
    enum Key: Int, CaseIterable {
        case requestId, extendedRequestId, ip, requestTime, requestTimeEpoch, httpMethod, routeKey, resourcePath, path
        case status, protocolVersion, responseLength, domainName, apiId, eventType, connectionId
        case userAgent, responseLatency, user, caller, principal, apiKey, wafResponseCode, clientCertSubject
    }

    /// `name`, `context.name`, `$context.name`: the ways a template names a `$context` variable.
    static func variable(_ name: String) -> [String] { [name, "context." + name, "$context." + name] }

    private var fields = CandidateScanner<Key> { key in
        switch key {
        case .requestId: AWSAPIGatewayParser.variable("requestId")
        case .extendedRequestId: AWSAPIGatewayParser.variable("extendedRequestId")
        case .ip: ["ip", "sourceIp"] + AWSAPIGatewayParser.variable("identity.sourceIp")
        case .requestTime: AWSAPIGatewayParser.variable("requestTime")
        case .requestTimeEpoch: AWSAPIGatewayParser.variable("requestTimeEpoch")
        case .httpMethod: AWSAPIGatewayParser.variable("httpMethod")
        case .routeKey: AWSAPIGatewayParser.variable("routeKey")
        case .resourcePath: AWSAPIGatewayParser.variable("resourcePath")
        case .path: AWSAPIGatewayParser.variable("path")
        case .status: AWSAPIGatewayParser.variable("status")
        case .protocolVersion: AWSAPIGatewayParser.variable("protocol")
        case .responseLength: AWSAPIGatewayParser.variable("responseLength")
        case .domainName: AWSAPIGatewayParser.variable("domainName")
        case .apiId: AWSAPIGatewayParser.variable("apiId")
        case .eventType: AWSAPIGatewayParser.variable("eventType")
        case .connectionId: AWSAPIGatewayParser.variable("connectionId")
        case .userAgent: AWSAPIGatewayParser.variable("identity.userAgent") + ["userAgent"]
        case .responseLatency: AWSAPIGatewayParser.variable("responseLatency")
        case .user: AWSAPIGatewayParser.variable("identity.user") + ["user"]
        case .caller: AWSAPIGatewayParser.variable("identity.caller") + ["caller"]
        case .principal:
            AWSAPIGatewayParser.variable("authorizer.principalId") + AWSAPIGatewayParser.variable("authorizer.claims.sub") + AWSAPIGatewayParser.variable("authorizer.jwt.claims.sub")
                + AWSAPIGatewayParser.variable("authorizer.iam.userArn") + AWSAPIGatewayParser.variable("identity.cognitoIdentityId") + ["principalId"]
        case .apiKey: AWSAPIGatewayParser.variable("identity.apiKeyId") + AWSAPIGatewayParser.variable("identity.apiKey") + ["apiKeyId", "apiKey"]
        case .wafResponseCode: AWSAPIGatewayParser.variable("wafResponseCode") + AWSAPIGatewayParser.variable("waf.status")
        case .clientCertSubject: AWSAPIGatewayParser.variable("identity.clientCert.subjectDN") + ["clientCert.subjectDN", "subjectDN"]
        }
    }

    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard fields.scan(line) else { return JSONLinesParser.isBlank(line) ? .ignored : .rejected(.invalidJSON) }
        // The shape of an API Gateway record (see the type's comment).
        guard fields.has(.requestId) || fields.has(.extendedRequestId),
              fields.has(.requestTime) || fields.has(.requestTimeEpoch),
              fields.has(.status),
              fields.has(.httpMethod) || fields.has(.routeKey) || fields.has(.resourcePath) || fields.has(.eventType)
        else { return .rejected(.missingField) }

        // Time: epoch milliseconds when logged (finer), else the CLF `requestTime`.
        if let t = fields.value(.requestTimeEpoch), !JSONLinesParser.isPlaceholder(t.bytes) {
            guard let millis = Timestamps.epochMillis(t.bytes) else { return .rejected(.badTimestamp) }
            call.timestampMillis = millis
        } else if let t = fields.text(.requestTime) {
            guard let millis = Timestamps.anyMillis(t) else { return .rejected(.badTimestamp) }
            call.timestampMillis = millis
        }

        if let s = fields.text(.status) {
            guard let code = EdgeJSON.status(s) else { return .rejected(.badStatus) }
            call.status = code
        }
        if let b = fields.text(.responseLength), let n = EdgeJSON.integer(b) { call.responseBytes = n }
        if let d = fields.text(.responseLatency), let ms = JSONLinesParser.scaledDecimal(d, exponent: 3) { call.durationMicros = ms }

        // The request: method and path (see the type's comment for the order).
        let routeKey = fields.text(.routeKey)
        var routeMethod = Bytes.none, routePath = Bytes.none
        if let routeKey, let space = routeKey.firstIndex(of: 0x20), space > 0, space + 1 < routeKey.count,
           routeKey[space + 1] == UInt8(ascii: "/") {
            routeMethod = Bytes(rebasing: routeKey[0..<space])
            routePath = Bytes(rebasing: routeKey[(space + 1)...])
        }
        if let m = fields.text(.httpMethod) {
            call.method = m
        } else if routeMethod.count > 0, !EdgeJSON.equals(routeMethod, "ANY") {
            call.method = routeMethod
        }
        if let p = fields.text(.path), p[0] == UInt8(ascii: "/") {
            call.target = p
        } else if let p = fields.text(.resourcePath), p[0] == UInt8(ascii: "/") {
            call.target = p
        } else if routePath.count > 0 {
            call.target = routePath
        }
        call.route = fields.text(.resourcePath) ?? routeKey ?? .none
        if let v = fields.text(.protocolVersion) { call.httpVersion = EdgeJSON.httpVersion(v) }

        let isWebSocket = fields.has(.eventType) || fields.has(.connectionId)
        call.scheme = isWebSocket ? EdgeJSON.wss : EdgeJSON.https
        if call.target.count == 0 && !isWebSocket { call.requestIsValid = false }

        call.host = fields.text(.domainName) ?? .none
        call.client = fields.text(.ip) ?? .none
        call.requestId = fields.text(.requestId) ?? fields.text(.extendedRequestId) ?? .none
        call.service = fields.text(.apiId) ?? .none
        call.userAgent = fields.text(.userAgent) ?? .none
        // Who the gateway authenticated: the authorizer's principal, else the IAM (SigV4) user or
        // caller. None of them is an HTTP Basic user name.
        call.consumer = fields.text(.principal) ?? fields.text(.user) ?? fields.text(.caller) ?? .none
        call.apiKey = fields.text(.apiKey) ?? .none
        call.wafAction = fields.text(.wafResponseCode) ?? .none

        // mTLS: the template logs the client certificate's subject (a placeholder when none was sent).
        // API Gateway rejects a certificate its trust store does not validate, so one logged was verified.
        if let cert = fields.value(.clientCertSubject), cert.isScalar {
            call.clientCertificate = JSONLinesParser.isPlaceholder(cert.bytes) ? .none : .verified
        }
        return .call
    }
}

extension FormatDescriptor {
    public static let awsAPIGateway = FormatDescriptor(
        format: .awsAPIGateway, title: "AWS API Gateway access log (REST, HTTP, WebSocket; JSON)", defaultRole: .gateway,
        yields: [.method, .target, .httpVersion, .host, .client, .userAgent, .status, .responseBytes, .timestamp,
                 .duration, .scheme, .clientCertificate, .route, .service, .consumer, .apiKey, .wafAction, .requestId],
        example: #"{"requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef","ip":"203.0.113.7","requestTime":"10/Oct/2026:13:55:36 +0000","httpMethod":"GET","resourcePath":"/users/{id}","path":"/users/42","status":"200","protocol":"HTTP/1.1","responseLength":"512","domainName":"api.example.com","responseLatency":"12"}"#,
        specificity: 10, makeParser: { _ in AWSAPIGatewayParser() })
}
