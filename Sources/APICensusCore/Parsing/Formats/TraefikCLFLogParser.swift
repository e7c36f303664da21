/// Traefik's access log in its default `common` format: NGINX-style `combined`, then the request
/// count, the router name, the service URL and the duration:
///
///     client - user [10/Oct/2026:13:55:36 +0000] "GET /path HTTP/1.1" 200 512 "referer" "agent"
///         42 "users@docker" "http://10.0.0.3:8080" 5ms
///
/// Strict on the trailing fields (a number, two quoted fields, `<n>ms`, then the end), so that it
/// never claims plain `combined` lines; detection prefers it over `combined` on Traefik's lines
/// (which `combined` also reads, minus the extras) because it is more specific. Traefik writes `-`
/// for a status and size it never got (an aborted request); `combined` rejects those lines, this
/// format reads them.
///
/// Fields: client, user, time, the request, status, bytes, referrer, user agent as in `combined`;
/// router name (`users@docker`, or a chain `root@docker -> leaf@docker`) → `route`; service URL →
/// `upstream`; `<n>ms` → duration.
public struct TraefikCLFLogParser: LineParser {
    private var timeCache = CLFTimeCache()

    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard var c = LogLineCursor(line) else { return .ignored }
        guard let client = c.token(), c.p[client.lowerBound] != UInt8(ascii: "["), c.p[client.lowerBound] != UInt8(ascii: "\""),
              let ident = c.token(), c.isNone(ident), let user = c.token()
        else { return .rejected(.malformed) }
        // `[10/Oct/2026:13:55:36 +0000]`
        guard c.peek() == UInt8(ascii: "[") else { return .rejected(.malformed) }
        let open = c.i
        var close = open + 1
        while close < c.end, c.p[close] != UInt8(ascii: "]") { close += 1 }
        guard close < c.end else { return .rejected(.malformed) }
        guard let millis = timeCache.millis(Bytes(start: c.p + open + 1, count: close - open - 1)) else {
            return .rejected(.badTimestamp)
        }
        c.i = close + 1
        guard let request = c.quoted(), let statusField = c.token() else { return .rejected(.malformed) }
        guard let status = c.status(statusField) else { return .rejected(.badStatus) }
        guard let size = c.token(), c.isNone(size) || c.integer(size) != nil,
              let referrer = c.quoted(), let agent = c.quoted(),
              let count = c.token(), c.integer(count) != nil,
              let router = c.quoted(), let service = c.quoted(),
              let elapsed = c.token(), c.isAtEnd,
              elapsed.count > 2, c.p[elapsed.upperBound - 2] == UInt8(ascii: "m"), c.p[elapsed.upperBound - 1] == UInt8(ascii: "s"),
              let millisTaken = c.integer(elapsed.lowerBound..<(elapsed.upperBound - 2))
        else { return .rejected(.malformed) }

        call.client = c.value(client)
        call.user = c.value(user)
        call.timestampMillis = millis
        CombinedLogParser.parseRequest(c.p, request.lowerBound, request.upperBound, &call)
        call.status = status
        call.responseBytes = c.integer(size) ?? -1
        call.referrer = c.value(referrer)
        call.userAgent = c.value(agent)
        call.route = c.value(router)
        call.upstream = c.value(service)
        call.durationMicros = millisTaken * 1000
        return .call
    }
}

extension FormatDescriptor {
    public static let traefikCLF = FormatDescriptor(
        format: .traefikCLF, title: "Traefik access log, common format (combined + router, service URL, duration)",
        defaultRole: .lb,
        yields: CallField.combinedFields.union([.duration, .route, .upstream]),
        example: #"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/users/42 HTTP/1.1" 200 512 "-" "curl/8.5.0" 42 "users@docker" "http://10.0.0.3:8080" 5ms"#,
        specificity: 20, makeParser: { _ in TraefikCLFLogParser() })
}
