/// AWS WAF (v2) web ACL logs: one JSON object per request the web ACL evaluated, with the action
/// (`ALLOW`, `BLOCK`, `COUNT`, `CAPTCHA`, `CHALLENGE`), the terminating rule, the protected
/// resource (`httpSourceName`/`httpSourceId`) and the request with its headers as a
/// `[{"name":…,"value":…}]` array.
///
/// A record must have `timestamp`, `action`, `httpRequest.clientIp`, `httpRequest.uri`,
/// `httpRequest.httpMethod` and one of `webaclId` / `terminatingRuleId`.
///
/// The status is `responseCodeSent` when WAF sent a custom response; otherwise, for the actions
/// that answer the client themselves, the status AWS documents for them (`BLOCK` 403, `CAPTCHA`
/// 405, `CHALLENGE` 202); unknown for requests WAF let through (the origin answered them).
public struct AWSWAFParser: LineParser {
    enum Key: Int, CaseIterable {
        case timestamp, action, terminatingRuleId, webaclId, sourceName, sourceId, responseCodeSent
        case clientIp, headers, uri, args, httpVersion, httpMethod, requestId, scheme, host
    }

    private var fields = CandidateScanner<Key> { key in
        switch key {
        case .timestamp: ["timestamp"]
        case .action: ["action"]
        case .terminatingRuleId: ["terminatingRuleId"]
        case .webaclId: ["webaclId"]
        case .sourceName: ["httpSourceName"]
        case .sourceId: ["httpSourceId"]
        case .responseCodeSent: ["responseCodeSent"]
        case .clientIp: ["httpRequest.clientIp"]
        case .headers: ["httpRequest.headers"]
        case .uri: ["httpRequest.uri"]
        case .args: ["httpRequest.args"]
        case .httpVersion: ["httpRequest.httpVersion"]
        case .httpMethod: ["httpRequest.httpMethod"]
        case .requestId: ["httpRequest.requestId"]
        case .scheme: ["httpRequest.scheme"]
        case .host: ["httpRequest.host"]
        }
    }
    private let scratch = UnescapeScratch()

    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard fields.scan(line) else { return JSONLinesParser.isBlank(line) ? .ignored : .rejected(.invalidJSON) }
        guard let time = fields.value(.timestamp), let action = fields.text(.action),
              fields.has(.clientIp), let uri = fields.value(.uri), uri.kind == .string, fields.has(.httpMethod),
              fields.has(.webaclId) || fields.has(.terminatingRuleId)
        else { return .rejected(.missingField) }
        scratch.reset(forLineOf: line.count)

        guard time.isScalar, let millis = Timestamps.epochMillis(time.bytes) else { return .rejected(.badTimestamp) }
        call.timestampMillis = millis

        call.method = fields.text(.httpMethod) ?? .none
        if uri.bytes.count > 0 {
            if let args = fields.text(.args), args.count > 0 {
                call.target = fields.joined(uri.bytes, UInt8(ascii: "?"), args)
            } else {
                call.target = uri.bytes
            }
        } else {
            call.requestIsValid = false  // logged without its URI (a request WAF could not parse)
        }
        if let v = fields.text(.httpVersion) { call.httpVersion = EdgeJSON.httpVersion(v) }
        call.client = fields.text(.clientIp) ?? .none
        // Requests WAF could not fully read are logged with the request id `"null"`.
        if let id = fields.text(.requestId), !EdgeJSON.equals(id, "null") { call.requestId = id }
        call.scheme = fields.text(.scheme) ?? .none
        call.host = fields.text(.host) ?? .none

        call.wafAction = action
        call.wafRule = fields.text(.terminatingRuleId) ?? .none
        if let source = fields.text(.sourceId) { call.service = source } else { call.service = fields.text(.sourceName) ?? .none }

        if let sent = fields.text(.responseCodeSent), let code = EdgeJSON.status(sent) {
            call.status = code
        } else if EdgeJSON.equalsLowercased(action, "block") {
            call.status = 403
        } else if EdgeJSON.equalsLowercased(action, "captcha") {
            call.status = 405
        } else if EdgeJSON.equalsLowercased(action, "challenge") {
            call.status = 202
        }

        if let headers = fields.container(.headers), headers.kind == .array {
            call.requestHeaders = headers.bytes
            call.requestHeadersForm = .jsonNameValueArray
            HeaderHarvest.fromNameValueArray(headers.bytes, scratch: scratch).fill(&call)
        }
        return .call
    }
}

extension FormatDescriptor {
    public static let awsWAF = FormatDescriptor(
        format: .awsWAF, title: "AWS WAF web ACL log (JSON)", defaultRole: .waf,
        yields: [.method, .target, .httpVersion, .host, .client, .userAgent, .referrer, .status, .timestamp, .scheme,
                 .service, .wafAction, .wafRule, .requestId, .forwardedFor, .authorization, .cookie, .apiKey,
                 .contentType, .requestHeaders],
        example: #"{"timestamp":1791640536000,"formatVersion":1,"webaclId":"arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/api/0d3c","terminatingRuleId":"Default_Action","terminatingRuleType":"REGULAR","action":"ALLOW","httpSourceName":"ALB","httpSourceId":"111122223333-app/api/5e2a","httpRequest":{"clientIp":"203.0.113.7","country":"NL","headers":[{"name":"Host","value":"api.example.com"},{"name":"User-Agent","value":"curl/8.5.0"}],"uri":"/users/42","args":"expand=orders","httpVersion":"HTTP/1.1","httpMethod":"GET","requestId":"1-67a8-2f1c"}}"#,
        specificity: 10, makeParser: { _ in AWSWAFParser() })
}
