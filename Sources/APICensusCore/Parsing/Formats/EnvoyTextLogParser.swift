/// Envoy's default text access-log format:
///
///     [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
///     %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%
///     "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%"
///     "%UPSTREAM_HOST%"
///
/// and nothing after it: Istio's format (`IstioLogParser`) is Envoy's with fields inserted after
/// the response flags and appended after the upstream host, and each format rejects the other's
/// lines. Ambassador's `ACCESS ` prefix before the time is accepted.
///
/// Fields: the time; the request (TCP proxy records log `"- - -"`: a connection without a request,
/// parsed with `requestIsValid == false`); `RESPONSE_CODE` → status (`0`: no response → none);
/// `BYTES_SENT` → response bytes; `DURATION` (ms) → duration; `X-FORWARDED-FOR` → `forwardedFor`,
/// and its first address → `client` (the default format does not log the peer address);
/// user agent; `X-REQUEST-ID` → `requestId`; `:AUTHORITY` → `host`; `UPSTREAM_HOST` → `upstream`.
public struct EnvoyTextLogParser: LineParser {
    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard var c = LogLineCursor(line) else { return .ignored }
        let scanned = EnvoyAccessLine.scan(&c)
        guard case .line(let l) = scanned else { return scanned.failure }
        // Istio's lines have fields inserted before the byte counts or appended after the upstream host.
        guard l.extras == 0, c.isAtEnd else { return .rejected(.malformed) }
        l.fill(c, into: &call)
        if let xff = l.forwardedFor {
            call.client = c.value(LogLineCursor.firstOfList(c.p, xff))
        }
        return .call
    }
}

/// The part of an access line that Envoy's default format and Istio's share.
struct EnvoyAccessLine {
    var millis: Int64
    var request: Range<Int>
    var status: Int32
    var bytesSent: Int64
    var durationMillis: Int64
    var forwardedFor: Range<Int>?
    var userAgent: Range<Int>
    var requestId: Range<Int>
    var authority: Range<Int>
    var upstreamHost: Range<Int>
    /// Fields between the response flags and the byte counts (Istio's response code details,
    /// connection termination details, `"%UPSTREAM_TRANSPORT_FAILURE_REASON%"`…).
    var extras: Int

    enum Scan {
        case line(EnvoyAccessLine)
        case failed(RejectReason)

        var failure: LineOutcome {
            if case .failed(let reason) = self { return .rejected(reason) }
            return .call
        }
    }

    /// Reads the shared part, leaving the cursor after `"%UPSTREAM_HOST%"`.
    static func scan(_ c: inout LogLineCursor) -> Scan {
        if c.p[c.i] == UInt8(ascii: "A") {
            // Ambassador writes `ACCESS [time] …`.
            guard let t = c.token(), c.equals(t, "ACCESS") else { return .failed(.malformed) }
            c.skipSpaces()
        }
        guard c.i < c.end, c.p[c.i] == UInt8(ascii: "["), let time = c.token(), time.count > 2,
              c.p[time.upperBound - 1] == UInt8(ascii: "]")
        else { return .failed(.malformed) }
        guard let millis = Timestamps.iso8601Millis(c.bytes((time.lowerBound + 1)..<(time.upperBound - 1))) else {
            return .failed(.badTimestamp)
        }
        guard let request = c.quoted(), let code = c.token(), let flags = c.token(), isResponseFlags(c, flags)
        else { return .failed(.malformed) }
        guard let status = c.status(code) else { return .failed(.badStatus) }

        // The byte counts, durations and five quoted headers, after up to four inserted fields.
        var extras = 0
        while true {
            var probe = c
            if let core = core(&probe) {
                c = probe
                return .line(EnvoyAccessLine(
                    millis: millis, request: request, status: status, bytesSent: core.bytesSent,
                    durationMillis: core.duration, forwardedFor: c.isNone(core.xff) ? nil : core.xff,
                    userAgent: core.ua, requestId: core.id, authority: core.authority, upstreamHost: core.upstream,
                    extras: extras))
            }
            guard extras < 4, c.field() != nil else { return .failed(.malformed) }
            extras += 1
        }
    }

    /// `-`, or short flags such as `UF,URX`, `NR`, `DC`.
    static func isResponseFlags(_ c: LogLineCursor, _ r: Range<Int>) -> Bool {
        for j in r {
            let b = c.p[j]
            guard (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || b == UInt8(ascii: ",") || b == UInt8(ascii: "-") else {
                return false
            }
        }
        return true
    }

    private struct Core {
        var bytesSent: Int64, duration: Int64
        var xff: Range<Int>, ua: Range<Int>, id: Range<Int>, authority: Range<Int>, upstream: Range<Int>
    }

    /// `received sent duration service_time "xff" "ua" "id" "authority" "upstream"`.
    private static func core(_ c: inout LogLineCursor) -> Core? {
        guard let received = c.token(), c.integer(received) != nil,
              let sent = c.token(), let bytesSent = c.integer(sent),
              let duration = c.token(), c.isNone(duration) || c.integer(duration) != nil,
              let service = c.token(), c.isNone(service) || c.integer(service) != nil,
              let xff = c.quoted(), let ua = c.quoted(), let id = c.quoted(), let authority = c.quoted(),
              let upstream = c.quoted()
        else { return nil }
        return Core(bytesSent: bytesSent, duration: c.integer(duration) ?? -1, xff: xff, ua: ua, id: id,
                    authority: authority, upstream: upstream)
    }

    func fill(_ c: LogLineCursor, into call: inout RawCall) {
        call.timestampMillis = millis
        CombinedLogParser.parseRequest(c.p, request.lowerBound, request.upperBound, &call)
        if !call.requestIsValid, c.isDashes(request) {
            call.requestLine = .none  // a TCP connection: no request at all
        }
        call.status = status
        call.responseBytes = bytesSent
        if durationMillis >= 0 { call.durationMicros = durationMillis * 1000 }
        if let forwardedFor { call.forwardedFor = c.value(forwardedFor) }
        call.userAgent = c.value(userAgent)
        call.requestId = c.value(requestId)
        call.host = c.value(authority)
        call.upstream = c.value(upstreamHost)
    }
}

extension FormatDescriptor {
    public static let envoy = FormatDescriptor(
        format: .envoy, title: "Envoy default text access log", defaultRole: .lb,
        yields: [.method, .target, .httpVersion, .host, .client, .userAgent, .status, .responseBytes, .timestamp,
                 .duration, .upstream, .requestId, .forwardedFor],
        example: #"[2026-10-10T13:55:36.533Z] "GET /api/v1/users/42 HTTP/1.1" 200 - 0 512 5 4 "203.0.113.7" "curl/8.5.0" "c219f6da-2b7f-483e-9ced-ec323d9330a9" "api.example.com" "10.0.0.3:8080""#,
        specificity: 20, makeParser: { _ in EnvoyTextLogParser() })
}
