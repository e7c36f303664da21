/// ModSecurity and Coraza audit logs in JSON, one transaction per line, in the shapes they write:
///
/// - ModSecurity v3 (libmodsecurity, `SecAuditLogFormat JSON`): `{"transaction": {client_ip,
///   time_stamp (asctime, server local time), unique_id, request {method, uri, http_version,
///   headers {}}, response {http_code, headers {}}, producer {secrules_engine…}, messages [{message,
///   details {ruleId…}}]}}`.
/// - ModSecurity v2 (2.9, `SecAuditLogFormat JSON`): `{"transaction": {time, transaction_id,
///   remote_address}, "request": {request_line, headers {}}, "response": {status, headers {}},
///   "audit_data": {messages ["… [id \"…\"] …"], action {intercepted}, engine_mode}}`.
/// - Coraza (`SecAuditLogFormat JSON`): `{"transaction": {unix_timestamp (ns), id, client_ip,
///   request {method, uri, protocol, headers {name: [values]}}, response {status, headers},
///   is_interrupted}, "messages": [{message, data {id…}}]}`.
/// - Coraza's rule messages written by Caddy's JSON logger (`coraza-caddy`): `{"level", "ts",
///   "logger": "http.handlers.waf", "msg": "[client \"…\"] Coraza: Warning. … [id \"…\"] …
///   [hostname \"…\"] [uri \"…\"] [unique_id \"…\"]"}`: one line per matched rule, without the
///   method. Messages in the same form from other JSON loggers (`message` instead of `msg`) too.
///
/// The WAF action: `block` when the transaction was intercepted (Coraza `is_interrupted`, v2
/// `action.intercepted`, a message saying `Access denied`); ModSecurity v3 logs no interception
/// flag, so a v3 transaction counts as blocked when the engine is `Enabled` and the OWASP CRS
/// anomaly-score blocking rule (949110 inbound, 959100 outbound) matched. Otherwise `detected`
/// when rules matched, `pass` when none did. The rule is the first matched rule's id.
///
/// The native multi-part serial audit log (`--…-A--` sections) is another format.
public struct ModSecurityJSONParser: LineParser {
    enum Key: Int, CaseIterable {
        // ModSecurity v3 and Coraza.
        case method, uri, httpVersion, requestProtocol, requestHeaders, status, responseHeaders
        case clientIp, uniqueId, time, interrupted, engine, messages
        // ModSecurity v2.
        case requestLine, v2Messages
        // Rule messages inside a JSON logger's line.
        case loggerTime, loggerMessage
    }

    private var fields = CandidateScanner<Key> { key in
        switch key {
        case .method: ["transaction.request.method"]
        case .uri: ["transaction.request.uri"]
        case .httpVersion: ["transaction.request.http_version"]
        case .requestProtocol: ["transaction.request.protocol"]
        case .requestHeaders: ["transaction.request.headers", "request.headers"]
        case .status: ["transaction.response.http_code", "transaction.response.status", "response.status"]
        case .responseHeaders: ["transaction.response.headers", "response.headers"]
        case .clientIp: ["transaction.client_ip", "transaction.remote_address"]
        case .uniqueId: ["transaction.unique_id", "transaction.id", "transaction.transaction_id"]
        case .time: ["transaction.unix_timestamp", "transaction.time_stamp", "transaction.timestamp", "transaction.time"]
        case .interrupted: ["transaction.is_interrupted", "audit_data.action.intercepted"]
        case .engine: ["transaction.producer.secrules_engine", "audit_data.engine_mode", "transaction.producer.rule_engine"]
        case .messages: ["transaction.messages", "messages"]
        case .requestLine: ["request.request_line"]
        case .v2Messages: ["audit_data.messages"]
        case .loggerTime: ["ts", "time", "timestamp", "@timestamp"]
        case .loggerMessage: ["msg", "message"]
        }
    }
    private let scratch = UnescapeScratch()

    // Immutable after their one-time initialisation; shared read-only by all threads.
    nonisolated(unsafe) static let block = CallAggregator.staticBytes("block")
    nonisolated(unsafe) static let detected = CallAggregator.staticBytes("detected")
    nonisolated(unsafe) static let pass = CallAggregator.staticBytes("pass")

    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard fields.scan(line) else { return JSONLinesParser.isBlank(line) ? .ignored : .rejected(.invalidJSON) }
        scratch.reset(forLineOf: line.count)
        if fields.has(.method) && fields.has(.uri) { return transaction(&call) }
        if fields.has(.requestLine) && fields.has(.clientIp) { return v2Transaction(&call) }
        if let message = fields.text(.loggerMessage) { return ruleMessage(message, &call) }
        return .rejected(.missingField)
    }

    /// ModSecurity v3 or Coraza.
    private mutating func transaction(_ call: inout RawCall) -> LineOutcome {
        call.method = fields.text(.method) ?? .none
        call.target = fields.text(.uri) ?? .none
        if call.method.count == 0 || call.target.count == 0 { call.requestIsValid = false }
        if let v = fields.text(.requestProtocol) ?? fields.text(.httpVersion) { call.httpVersion = EdgeJSON.httpVersion(v) }
        guard commonFields(&call) else { return .rejected(.badTimestamp) }
        if let s = fields.text(.status) {
            guard let code = EdgeJSON.status(s) else { return .rejected(.badStatus) }
            call.status = code
        }

        // Matched rules: v3 `details.ruleId`, Coraza `data.id`.
        var firstRule = Bytes.none
        var matched = false
        var anomalyBlock = false
        if let messages = fields.container(.messages), messages.kind == .array {
            var walker = JSONWalker(messages.bytes)
            walker.forEachElement { element in
                matched = true
                let details = JSONWalker.member(element, "details") ?? JSONWalker.member(element, "data")
                let id = details.flatMap { JSONWalker.member($0, "ruleId") ?? JSONWalker.member($0, "id") }
                    .flatMap(JSONWalker.scalarContents)
                if let id, id.count > 0 {
                    if firstRule.count == 0 { firstRule = id }
                    if EdgeJSON.equals(id, "949110") || EdgeJSON.equals(id, "959100") { anomalyBlock = true }
                }
                return true
            }
        }
        call.wafRule = firstRule
        if let interrupted = fields.value(.interrupted), interrupted.kind == .bool {
            call.wafAction = interrupted.bytes[0] == UInt8(ascii: "t") ? Self.block : (matched ? Self.detected : Self.pass)
        } else if matched {
            let engine = fields.text(.engine)
            let enforcing = engine.map { EdgeJSON.equalsLowercased($0, "enabled") || EdgeJSON.equalsLowercased($0, "on") } ?? false
            call.wafAction = anomalyBlock && enforcing ? Self.block : Self.detected
        } else {
            call.wafAction = Self.pass
        }
        return .call
    }

    /// ModSecurity v2 (2.9) JSON.
    private mutating func v2Transaction(_ call: inout RawCall) -> LineOutcome {
        let requestLine = fields.text(.requestLine) ?? .none
        call.requestLine = requestLine
        if let parts = JSONLinesParser.splitRequestLine(requestLine) {
            call.method = parts.method
            call.target = parts.target
            call.httpVersion = parts.version
        } else {
            call.requestIsValid = false
        }
        guard commonFields(&call) else { return .rejected(.badTimestamp) }
        if let s = fields.text(.status) {
            guard let code = EdgeJSON.status(s) else { return .rejected(.badStatus) }
            call.status = code
        }
        var matched = false
        if let messages = fields.container(.v2Messages), messages.kind == .array {
            var walker = JSONWalker(messages.bytes)
            let scratch = self.scratch
            walker.forEachElement { element in
                matched = true
                guard element.count >= 2, element[0] == UInt8(ascii: "\""),
                      let text = scratch.unescape(Bytes(rebasing: element[1..<(element.count - 1)])),
                      let id = EdgeJSON.bracketField("id", in: text), id.count > 0 else { return true }
                call.wafRule = id
                return false
            }
        }
        if let interrupted = fields.value(.interrupted), interrupted.kind == .bool, interrupted.bytes[0] == UInt8(ascii: "t") {
            call.wafAction = Self.block
        } else {
            call.wafAction = matched ? Self.detected : Self.pass
        }
        return .call
    }

    /// Time, client, id and headers, read the same way in every transaction shape. False when a
    /// time is logged but cannot be read.
    private mutating func commonFields(_ call: inout RawCall) -> Bool {
        if let t = fields.value(.time), !JSONLinesParser.isPlaceholder(t.bytes) {
            guard let millis = EdgeJSON.anyMillis(t) else { return false }
            call.timestampMillis = millis
        }
        call.client = fields.text(.clientIp) ?? .none
        call.requestId = fields.text(.uniqueId) ?? .none
        if let headers = fields.container(.requestHeaders), headers.kind == .object {
            call.requestHeaders = headers.bytes
            call.requestHeadersForm = .jsonObject
            HeaderHarvest.fromObject(headers.bytes, scratch: scratch).fill(&call)
        }
        if let headers = fields.container(.responseHeaders), headers.kind == .object {
            let length = HeaderHarvest.fromObject(headers.bytes, scratch: scratch).contentLength
            if let n = EdgeJSON.integer(length) { call.responseBytes = n }
        }
        return true
    }

    /// A `[client "…"] Coraza: Warning. … [id "…"] … [uri "…"]` message in a JSON logger's line.
    private mutating func ruleMessage(_ message: Bytes, _ call: inout RawCall) -> LineOutcome {
        // The shape of a ModSecurity/Coraza rule message: the engine's name, the rule id, the URI.
        let coraza = EdgeJSON.find("Coraza: ", in: message)
        let modsecurity = coraza == nil ? EdgeJSON.find("ModSecurity: ", in: message) : nil
        guard let engineAt = coraza ?? modsecurity,
              let rule = EdgeJSON.bracketField("id", in: message),
              let uri = EdgeJSON.bracketField("uri", in: message)
        else { return .rejected(.missingField) }
        if let t = fields.value(.loggerTime), !JSONLinesParser.isPlaceholder(t.bytes) {
            guard let millis = EdgeJSON.anyMillis(t) else { return .rejected(.badTimestamp) }
            call.timestampMillis = millis
        }
        call.target = uri
        if uri.count == 0 { call.requestIsValid = false }
        call.wafRule = rule
        let verdictAt = engineAt + (coraza != nil ? 8 : 13)
        let verdict = Bytes(rebasing: message[verdictAt...])
        call.wafAction = EdgeJSON.hasPrefixLowercased(verdict, "access denied") ? Self.block : Self.detected
        call.client = EdgeJSON.bracketField("client", in: message) ?? .none
        call.host = EdgeJSON.bracketField("hostname", in: message) ?? .none
        call.requestId = EdgeJSON.bracketField("unique_id", in: message) ?? .none
        return .call
    }
}

extension FormatDescriptor {
    public static let modSecurityJSON = FormatDescriptor(
        format: .modSecurityJSON, title: "ModSecurity / Coraza JSON audit log", defaultRole: .waf,
        yields: [.method, .target, .httpVersion, .host, .client, .referrer, .userAgent, .status, .responseBytes,
                 .timestamp, .wafAction, .wafRule, .requestId, .forwardedFor, .authorization, .cookie, .apiKey,
                 .contentType, .requestHeaders],
        example: #"{"transaction":{"client_ip":"203.0.113.7","time_stamp":"Sat Oct 10 13:55:36 2026","server_id":"a1b2c3","client_port":50312,"host_ip":"10.0.0.5","host_port":443,"unique_id":"179216013612.345678","request":{"method":"GET","http_version":1.1,"uri":"/users/42?expand=orders","headers":{"Host":"api.example.com","User-Agent":"curl/8.5.0"}},"response":{"http_code":200,"headers":{"Content-Length":"512"}},"producer":{"modsecurity":"ModSecurity v3.0.12 (Linux)","connector":"ModSecurity-nginx v1.0.3","secrules_engine":"Enabled","components":["OWASP_CRS/4.4.0"]},"messages":[]}}"#,
        specificity: 10, makeParser: { _ in ModSecurityJSONParser() })
}
