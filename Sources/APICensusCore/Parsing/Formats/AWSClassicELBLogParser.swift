/// AWS Classic Load Balancer (ELB) access logs:
///
///     time elb client:port backend:port request_processing_time backend_processing_time
///     response_processing_time elb_status_code backend_status_code received_bytes sent_bytes
///     "request" "user_agent" ssl_cipher ssl_protocol
///
/// Records written before May 2015 end at `"request"`; `"user_agent"` and the TLS fields are read
/// when present. A TCP or SSL listener logs connections, not requests: its records carry
/// `"- - - "` as the request and `-` as the status codes. They are faithful records of a
/// connection with no HTTP request, so they count as parsed with `requestIsValid == false`.
///
/// A line must start with the ISO 8601 time: ALB records start with their connection type
/// (`https 2026-…`), so the two formats never read each other's lines. `#` lines (comments people
/// add to samples) are ignored.
///
/// Fields: `client:port` → `client`; `backend:port` → `upstream`; the processing times (seconds,
/// `-1` when not measured) → `duration`, summed; `elb_status_code` → `status`; `sent_bytes` →
/// `responseBytes`; the request URL (absolute: `https://host:443/path`) gives `host` and `scheme`.
public struct AWSClassicELBLogParser: LineParser {
    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard var c = LogLineCursor(line) else { return .ignored }
        if c.p[c.i] == UInt8(ascii: "#") { return .ignored }

        guard let time = c.token() else { return .rejected(.malformed) }
        // `2015-05-13T23:39:43.945958Z`: the date shape decides whether this is an ELB line at all.
        guard time.count >= 20, c.p[time.lowerBound + 4] == UInt8(ascii: "-"), c.p[time.lowerBound + 10] == UInt8(ascii: "T")
        else { return .rejected(.malformed) }
        guard let millis = Timestamps.iso8601Millis(c.bytes(time)) else { return .rejected(.badTimestamp) }
        guard let elb = c.token(), !c.isNone(elb), let client = c.token(), let backend = c.token(),
              let requestTime = c.token(), let backendTime = c.token(), let responseTime = c.token(),
              let elbStatus = c.token(), let backendStatus = c.token(),
              let received = c.token(), let sent = c.token()
        else { return .rejected(.malformed) }
        guard let status = c.status(elbStatus), c.status(backendStatus) != nil else { return .rejected(.badStatus) }
        guard let durationMicros = AWSALBLogParser.duration(c, requestTime, backendTime, responseTime),
              c.isNone(received) || c.integer(received) != nil,
              let sentBytes = c.isNone(sent) ? -1 : c.integer(sent),
              let request = c.quoted()
        else { return .rejected(.malformed) }

        call.timestampMillis = millis
        call.client = c.value(LogLineCursor.addressWithoutPort(c.p, client))
        call.upstream = c.value(backend)
        call.durationMicros = durationMicros
        call.status = status
        call.responseBytes = sentBytes
        CombinedLogParser.parseRequest(c.p, request.lowerBound, request.upperBound, &call)
        if !call.requestIsValid, c.isDashes(request) {
            call.requestLine = .none  // a TCP/SSL listener's connection: no request at all
        }
        if call.requestIsValid, let split = RequestTarget.split(call.target, isConnect: false), split.form == .absolute {
            call.host = split.host
            // The URL's scheme: `http` or `https` (the listener's protocol).
            let t = call.target
            var n = 0
            while n < t.count, t[n] != UInt8(ascii: ":") { n += 1 }
            call.scheme = Bytes(start: t.baseAddress, count: n)
        }

        guard let agent = c.quoted() else { return c.isAtEnd ? .call : .rejected(.malformed) }
        call.userAgent = c.value(agent)
        guard let cipher = c.token(), let tlsProtocol = c.token() else { return .call }
        call.tlsCipher = c.value(cipher)
        call.tlsProtocol = c.value(tlsProtocol)
        return .call
    }
}

extension FormatDescriptor {
    public static let awsClassicELB = FormatDescriptor(
        format: .awsELB, title: "AWS Classic Load Balancer (ELB) access log", defaultRole: .lb,
        yields: [.method, .target, .httpVersion, .host, .client, .userAgent, .status, .responseBytes, .timestamp,
                 .duration, .scheme, .tlsProtocol, .tlsCipher, .upstream],
        example: #"2026-10-10T13:55:36.945958Z api-lb 203.0.113.7:2817 10.0.0.1:80 0.000086 0.001048 0.001337 200 200 0 512 "GET https://api.example.com:443/api/v1/users/42 HTTP/1.1" "curl/8.5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2"#,
        specificity: 20, makeParser: { _ in AWSClassicELBLogParser() })
}
