/// AWS Application Load Balancer access logs: one space-separated record per request, quoted
/// where a field can hold spaces.
///
///     type time elb client:port target:port request_processing_time target_processing_time
///     response_processing_time elb_status_code target_status_code received_bytes sent_bytes
///     "request" "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name"
///     "chosen_cert_arn" matched_rule_priority request_creation_time "actions_executed"
///     "redirect_url" "error_reason" "target:port_list" "target_status_code_list" "classification"
///     "classification_reason" conn_trace_id …
///
/// AWS appends fields over time and tells readers to ignore what they do not know, so the parser
/// reads up to `actions_executed` when present and skips the rest. Records written before
/// `trace_id` existed (up to `target_group_arn`) are read too. What each field becomes:
///
/// - `type` (`http`, `https`, `h2`, `grpcs`, `ws`, `wss`) → `scheme`, as logged. A line must start with
///   one of these: that is what tells ALB records from classic ELB ones, which start with the time.
/// - `client:port` → `client` (port dropped); `target:port` → `upstream` (as logged).
/// - The three processing times (seconds, `-1` when not measured) → `duration`, their sum.
/// - `elb_status_code` → `status` (what the client got); `sent_bytes` → `responseBytes`.
/// - `"request"` (`GET https://host:443/path HTTP/1.1`, absolute form) → method, target, version;
///   the URL's `host:port` → `host` (else `domain_name`, the TLS SNI). `- http://host:80- -`,
///   which ALB writes for requests it could not parse, is a record whose request is not valid.
/// - `ssl_cipher`, `ssl_protocol` → TLS fields (`-`: plaintext).
/// - `target_group_arn` → `service`: the target group's name (`…:targetgroup/NAME/id`).
/// - `trace_id` (`Root=1-…`) → `requestId`; `matched_rule_priority` → `route` (`0`: default rule).
/// - `actions_executed`: ALB does not log *who* it authenticated, only that it did. When
///   `authenticate` is followed by another action (the user was authenticated and the rule went on),
///   `consumer` is set to the marker `alb:authenticate`: evidence that the load balancer
///   authenticated the caller (OIDC / Cognito), not an identity. `authenticate` as the last action
///   means the user was sent to the identity provider, so no marker. `waf` → `wafAction`: `BLOCK`
///   when AWS WAF ended the request (`waf` last, or followed by `fixed-response`: WAF's custom
///   response), `ALLOW` when the request went on to `forward`, `redirect` or `authenticate`.
///
/// Access logs carry no client-certificate fields (ALB logs mTLS in its separate connection logs),
/// so `clientCertificate` stays `notLogged`.
public struct AWSALBLogParser: LineParser {
    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard var c = LogLineCursor(line) else { return .ignored }

        guard let type = c.token(), Self.isConnectionType(c, type) else { return .rejected(.malformed) }
        guard let time = c.token() else { return .rejected(.malformed) }
        guard let millis = Timestamps.iso8601Millis(c.bytes(time)) else { return .rejected(.badTimestamp) }
        guard let elb = c.token(), !c.isNone(elb), let client = c.token(), let target = c.token(),
              let requestTime = c.token(), let targetTime = c.token(), let responseTime = c.token(),
              let elbStatus = c.token(), let targetStatus = c.token(),
              let received = c.token(), let sent = c.token()
        else { return .rejected(.malformed) }
        guard let status = c.status(elbStatus), c.status(targetStatus) != nil else { return .rejected(.badStatus) }
        guard let request = c.quoted(), let agent = c.quoted(),
              let cipher = c.token(), let tlsProtocol = c.token(), let targetGroup = c.token()
        else { return .rejected(.malformed) }
        // Numbers must be numbers: a line of another space-separated format stops here.
        guard let durationMicros = Self.duration(c, requestTime, targetTime, responseTime),
              c.isNone(received) || c.integer(received) != nil,
              let sentBytes = c.isNone(sent) ? -1 : c.integer(sent)
        else { return .rejected(.malformed) }

        call.scheme = c.bytes(type)
        call.timestampMillis = millis
        let clientAddress = LogLineCursor.addressWithoutPort(c.p, client)
        call.client = c.value(clientAddress)
        call.upstream = c.value(target)
        call.durationMicros = durationMicros
        call.status = status
        call.responseBytes = sentBytes
        CombinedLogParser.parseRequest(c.p, request.lowerBound, request.upperBound, &call)
        if call.requestIsValid, let split = RequestTarget.split(call.target, isConnect: false), split.form == .absolute {
            call.host = split.host
        }
        call.userAgent = c.value(agent)
        call.tlsCipher = c.value(cipher)
        call.tlsProtocol = c.value(tlsProtocol)
        call.service = Self.targetGroupName(c, targetGroup)

        // Fields added after the first release; each may be missing on older records.
        guard let traceId = c.quoted() else { return .call }
        call.requestId = c.value(traceId)
        guard let domain = c.quoted() else { return .call }
        if call.host.count == 0 { call.host = c.value(domain) }
        guard c.quoted() != nil, let priority = c.token() else { return .call }  // chosen_cert_arn
        call.route = c.value(priority)
        guard c.token() != nil, let actions = c.quoted() else { return .call }  // request_creation_time
        Self.readActions(c.bytes(actions), into: &call)
        return .call
    }

    @inline(__always)
    static func isConnectionType(_ c: LogLineCursor, _ r: Range<Int>) -> Bool {
        c.equals(r, "https") || c.equals(r, "http") || c.equals(r, "h2") || c.equals(r, "grpcs")
            || c.equals(r, "wss") || c.equals(r, "ws")
    }

    /// The sum of the processing times that were measured; -1 when none was; nil when one is not a
    /// number at all.
    static func duration(_ c: LogLineCursor, _ a: Range<Int>, _ b: Range<Int>, _ d: Range<Int>) -> Int64? {
        var total: Int64 = -1
        func add(_ r: Range<Int>) -> Bool {
            if let micros = c.secondsAsMicros(r) {
                total = max(total, 0) + micros
                return true
            }
            return c.equals(r, "-1") || c.isNone(r)
        }
        guard add(a), add(b), add(d) else { return nil }
        return total
    }

    /// `arn:aws:elasticloadbalancing:region:account:targetgroup/NAME/id` → `NAME`; anything else as
    /// logged; `-` → none.
    static func targetGroupName(_ c: LogLineCursor, _ r: Range<Int>) -> Bytes {
        let v = c.value(r)
        guard v.count > 0 else { return .none }
        let marker = "targetgroup/".utf8
        var i = r.lowerBound
        while i + marker.count <= r.upperBound {
            if c.p[i] == UInt8(ascii: "t"), Bytes(start: c.p + i, count: marker.count).elementsEqual(marker) {
                let s = i + marker.count
                var e = s
                while e < r.upperBound, c.p[e] != UInt8(ascii: "/") { e += 1 }
                return e > s ? Bytes(start: c.p + s, count: e - s) : v
            }
            i += 1
        }
        return v
    }

    /// Reads `actions_executed` (`waf,authenticate,forward`) into the authentication marker and the
    /// WAF decision (see the type's documentation).
    static func readActions(_ list: Bytes, into call: inout RawCall) {
        guard let p = list.baseAddress, list.count > 0 else { return }
        var sawWAF = false, wafDecided = false
        var sawAuthenticate = false
        var i = 0
        while i <= list.count {
            let s = i
            while i < list.count, p[i] != UInt8(ascii: ",") { i += 1 }
            let action = Bytes(start: p + s, count: i - s)
            i += 1
            if action.elementsEqual("waf".utf8) {
                sawWAF = true
                continue
            }
            if sawWAF, !wafDecided {
                wafDecided = true
                call.wafAction = action.elementsEqual("fixed-response".utf8) ? constantBytes("BLOCK") : constantBytes("ALLOW")
            }
            if sawAuthenticate {
                // Authentication succeeded: the rule went on to its next action.
                call.consumer = constantBytes("alb:authenticate")
                sawAuthenticate = false
            }
            if action.elementsEqual("authenticate".utf8) { sawAuthenticate = true }
        }
        if sawWAF, !wafDecided { call.wafAction = constantBytes("BLOCK") }
    }
}

extension FormatDescriptor {
    public static let awsALB = FormatDescriptor(
        format: .awsALB, title: "AWS Application Load Balancer access log", defaultRole: .lb,
        yields: [.method, .target, .httpVersion, .host, .client, .userAgent, .status, .responseBytes, .timestamp,
                 .duration, .scheme, .tlsProtocol, .tlsCipher, .upstream, .route, .service, .consumer, .wafAction,
                 .requestId],
        example: #"https 2026-10-10T13:55:36.186641Z app/api-lb/50dc6c495c0c9188 203.0.113.7:2817 10.0.0.1:80 0.001 0.048 0.000 200 200 210 512 "GET https://api.example.com:443/api/v1/users/42 HTTP/1.1" "curl/8.5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/users-api/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "api.example.com" "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2026-10-10T13:55:36.137000Z "waf,authenticate,forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90"#,
        specificity: 20, makeParser: { _ in AWSALBLogParser() })
}
