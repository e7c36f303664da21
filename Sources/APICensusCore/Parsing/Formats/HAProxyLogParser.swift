#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// HAProxy's default log formats, with or without the syslog prefix HAProxy's own logger writes
/// (`Feb  6 12:14:14 localhost haproxy[14389]: …`, or an RFC 5424 header):
///
/// - `option httplog`: `client:port [accept_date] frontend backend/server TR/Tw/Tc/Tr/Ta status
///   bytes_read req_cookie res_cookie termination_state actconn/feconn/beconn/srv_conn/retries
///   srv_queue/backend_queue {captured request headers} {captured response headers} "request"`
///   (HAProxy 1.4's `Tq/Tw/Tc/Tr/Tt` timers have the same shape; the header blocks appear only when
///   captures are configured);
/// - `option httpslog` (2.5+): the same, then `fc_err/ssl_fc_err/ssl_c_err/ssl_c_ca_err/resumed
///   sni/sslv/sslc`;
/// - `option tcplog`: `client:port [date] frontend backend/server Tw/Tc/Tt bytes termination_state
///   conns queues`, a connection with no HTTP request;
/// - connection errors (`client:port [date] frontend/bind: SSL handshake failure`) and the 2.5+
///   error-log format: connections that never carried a request.
///
/// The last three are faithful records without a request: parsed, `requestIsValid == false`.
/// HAProxy's process messages in the same syslog stream (`Proxy http-in started.`, `Server x is
/// DOWN`) carry no record: lines tagged `haproxy[pid]:` whose message is not a connection record are
/// ignored. Anything else is rejected.
///
/// Fields: the client address (port dropped); `accept_date` → timestamp (HAProxy writes local time
/// without a zone: read as UTC); backend → `service`, server → `upstream` (`<NOSRV>` → none);
/// `Ta` (`Tt` in 1.4), the total time in milliseconds → duration; status (`-1`: none); `bytes_read`
/// → response bytes; the quoted request (`<BADREQ>` is not valid; a request cut by the log length
/// limit keeps what was logged). A frontend name ending in `~` means the client connection was TLS:
/// `scheme` is `https`, and `tlsProtocol` is the literal `TLS` (encrypted, version not logged)
/// unless `httpslog` gives the version and cipher. `httpslog`'s SNI gives the host when no capture
/// did, and a non-zero `ssl_c_err`/`ssl_c_ca_err` says a client certificate failed verification.
///
/// Captured headers are positional (`capture request header Host len 64` decides what the first
/// value is) and unnamed in the log, so the first block's values are recognised by shape: an
/// `Authorization` scheme (`Bearer …`, `Basic …`) → authorization (classified, never written out);
/// a URL → referrer; a comma-separated list of addresses → X-Forwarded-For; another value with a
/// space → user agent; a bare JWT or a Basic credential without its scheme → authorization; a
/// product token (`curl/8.5.0`) → user agent; a bare host name or address → host; a long opaque
/// token (`CredentialShape`) → API key. Anything else is not read: a credential is never taken for
/// a host or a user agent.
public struct HAProxyLogParser: LineParser {
    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard var c = LogLineCursor(line) else { return .ignored }
        guard let (client, dateOpen) = Self.findRecordStart(c) else {
            return Self.isHAProxyProcessMessage(c) ? .ignored : .rejected(.malformed)
        }
        // `[06/Feb/2009:12:14:14.655]`
        var dateClose = dateOpen + 1
        while dateClose < c.end, c.p[dateClose] != UInt8(ascii: "]") { dateClose += 1 }
        guard dateClose < c.end else { return .rejected(.malformed) }
        guard let millis = Timestamps.clfMillis(Bytes(start: c.p + dateOpen + 1, count: dateClose - dateOpen - 1)) else {
            return .rejected(.badTimestamp)
        }
        call.timestampMillis = millis
        call.client = c.value(LogLineCursor.addressWithoutPort(c.p, client))
        c.i = dateClose + 1

        guard let frontend = c.token() else { return .rejected(.malformed) }
        if c.p[frontend.upperBound - 1] == UInt8(ascii: ":") {
            // `frontend/bind: SSL handshake failure`: a connection that failed before any request.
            guard Self.contains(c, frontend, UInt8(ascii: "/")) else { return .rejected(.malformed) }
            Self.connectionOnly(&call)
            return .call
        }
        let tls = c.p[frontend.upperBound - 1] == UInt8(ascii: "~")
        call.scheme = tls ? constantBytes("https") : constantBytes("http")
        if tls { call.tlsProtocol = constantBytes("TLS") }

        guard let second = c.token() else { return .rejected(.malformed) }
        let secondSlashes = Self.count(c, second, UInt8(ascii: "/"))
        guard secondSlashes == 1 else { return .rejected(.malformed) }
        guard let third = c.token() else { return .rejected(.malformed) }
        if Self.isSlashNumbers(c, second, parts: 2), Self.isSlashNumbers(c, third, parts: 5, hex: true) {
            // 2.5+ error log: `frontend ac/fc fc_err/ssl_fc_err/ssl_c_err/ssl_c_ca_err/resumed
            // sni/sslv/sslc` (two numbers where httplog has backend/server).
            Self.connectionOnly(&call)
            Self.readErrors(c, third, into: &call)
            if let ssl = c.token() { Self.readSSL(c, ssl, into: &call) }
            return .call
        }

        // backend/server
        let slash = Self.find(c, second, UInt8(ascii: "/"))
        call.service = c.value(second.lowerBound..<slash)
        let server = (slash + 1)..<second.upperBound
        if !c.equals(server, "<NOSRV>") { call.upstream = c.value(server) }

        let timers = Self.count(c, third, UInt8(ascii: "/"))
        guard (timers == 4 || timers == 2), Self.isSlashNumbers(c, third, parts: timers + 1) else { return .rejected(.malformed) }
        let total = Self.lastNumber(c, third)
        if total >= 0 { call.durationMicros = total * 1000 }

        if timers == 2 {
            // tcplog: bytes termination_state conns queues — a connection without an HTTP request.
            guard let bytes = c.token(), let bytesRead = c.integer(bytes), let state = c.token(), state.count == 2,
                  let conns = c.token(), Self.isSlashNumbers(c, conns, parts: 5),
                  let queues = c.token(), Self.isSlashNumbers(c, queues, parts: 2), c.isAtEnd
            else { return .rejected(.malformed) }
            Self.connectionOnly(&call)
            call.responseBytes = bytesRead
            return .call
        }

        guard let statusField = c.token(), let status = c.status(statusField) else { return .rejected(.badStatus) }
        guard let bytes = c.token(), let bytesRead = c.integer(bytes),
              c.token() != nil, c.token() != nil,  // captured request and response cookies
              let state = c.token(), state.count == 4,
              let conns = c.token(), Self.isSlashNumbers(c, conns, parts: 5),
              let queues = c.token(), Self.isSlashNumbers(c, queues, parts: 2)
        else { return .rejected(.malformed) }
        call.status = status
        call.responseBytes = bytesRead

        // Captured headers: `{a|b}` blocks before the request.
        var block = 0
        while c.peek() == UInt8(ascii: "{") {
            let s = c.i + 1
            var e = s
            while e < c.end, c.p[e] != UInt8(ascii: "}") { e += 1 }
            guard e < c.end else { return .rejected(.malformed) }
            if block == 0 { Self.readCaptures(c, s..<e, into: &call) }
            block += 1
            c.i = e + 1
        }
        guard block <= 2, let request = c.quotedToEnd() else { return .rejected(.malformed) }
        CombinedLogParser.parseRequest(c.p, request.lowerBound, request.upperBound, &call)

        // httpslog: `0/0/0/0/0 sni/TLSv1.3/TLS_AES_256_GCM_SHA384`.
        if let errors = c.token(), Self.isSlashNumbers(c, errors, parts: 5, hex: true), let ssl = c.token() {
            Self.readErrors(c, errors, into: &call)
            Self.readSSL(c, ssl, into: &call)
        }
        return .call
    }

    /// The `client:port [dd/Mmm/yyyy:` that starts a record, after any syslog prefix: the client's
    /// range and the index of `[`.
    static func findRecordStart(_ c: LogLineCursor) -> (Range<Int>, Int)? {
        var k = c.i
        while k < c.end {
            guard let hit = memchr(c.p + k, Int32(UInt8(ascii: "[")), c.end - k) else { return nil }
            let open = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - c.p
            k = open + 1
            guard open >= 2, c.p[open - 1] == UInt8(ascii: " "), open + 13 < c.end,
                  c.p[open + 1] &- 48 < 10, c.p[open + 2] &- 48 < 10, c.p[open + 3] == UInt8(ascii: "/"),
                  c.p[open + 7] == UInt8(ascii: "/"), c.p[open + 12] == UInt8(ascii: ":")
            else { continue }
            var s = open - 1
            while s > c.i, c.p[s - 1] != UInt8(ascii: " ") { s -= 1 }
            let client = s..<(open - 1)
            // `addr:port` with a numeric port.
            let address = LogLineCursor.addressWithoutPort(c.p, client)
            guard address.upperBound < client.upperBound || c.p[client.lowerBound] == UInt8(ascii: "[") else { continue }
            // A prefix must end where a syslog header does (`…]: `, an RFC 5424 `- - `), or a
            // container runtime's (`haproxy-1  | `).
            if s > c.i, !(c.p[s - 2] == UInt8(ascii: ":") || c.p[s - 2] == UInt8(ascii: "-") || c.p[s - 2] == UInt8(ascii: "|")) {
                continue
            }
            return (client, open)
        }
        return nil
    }

    /// A syslog line from HAProxy that is not a connection record (`haproxy[1]: Proxy x started.`).
    static func isHAProxyProcessMessage(_ c: LogLineCursor) -> Bool {
        c.contains("haproxy[") || c.contains("hapee-lb[")
    }

    static func connectionOnly(_ call: inout RawCall) {
        call.requestIsValid = false
        call.requestLine = .none
    }

    /// `sni/sslv/sslc` (each may be empty).
    static func readSSL(_ c: LogLineCursor, _ r: Range<Int>, into call: inout RawCall) {
        let first = find(c, r, UInt8(ascii: "/"))
        guard first < r.upperBound else { return }
        let second = find(c, (first + 1)..<r.upperBound, UInt8(ascii: "/"))
        guard second < r.upperBound else { return }
        let sni = r.lowerBound..<first, version = (first + 1)..<second, cipher = (second + 1)..<r.upperBound
        if call.host.count == 0 { call.host = c.value(sni) }
        // An empty version: the connection was not TLS.
        let v = c.value(version)
        call.tlsProtocol = v
        call.tlsCipher = v.count > 0 ? c.value(cipher) : .none
        if v.count > 0 { call.scheme = constantBytes("https") }
    }

    /// `fc_err/ssl_fc_err/ssl_c_err/ssl_c_ca_err/resumed`: a client-certificate error means one was
    /// presented and rejected.
    static func readErrors(_ c: LogLineCursor, _ r: Range<Int>, into call: inout RawCall) {
        var part = 0, value: Int64 = 0
        var j = r.lowerBound
        while j <= r.upperBound {
            if j == r.upperBound || c.p[j] == UInt8(ascii: "/") {
                if (part == 2 || part == 3), value != 0 { call.clientCertificate = .failed }
                part += 1
                value = 0
            } else if c.p[j] &- 48 < 10 {
                value = value &* 10 &+ Int64(c.p[j] &- 48)
            } else {
                value = 1  // hex digits of ssl_fc_err: non-zero
            }
            j += 1
        }
    }

    /// Values of the first captured-header block, recognised by shape (see the type's documentation).
    /// Credentials are recognised first: a captured value is never put in a field the report prints
    /// (host) or that does not hold secrets (user agent) when it is shaped like a token.
    static func readCaptures(_ c: LogLineCursor, _ block: Range<Int>, into call: inout RawCall) {
        var s = block.lowerBound
        while s <= block.upperBound {
            var e = s
            while e < block.upperBound, c.p[e] != UInt8(ascii: "|") { e += 1 }
            let v = c.bytes(s..<e)
            s = e + 1
            guard v.count > 0, !(v.count == 1 && v[0] == UInt8(ascii: "-")) else { continue }
            if isAuthorizationScheme(v) {
                if call.authorization.count == 0 { call.authorization = v }
            } else if hasPrefix(v, "http://") || hasPrefix(v, "https://") {
                if call.referrer.count == 0 { call.referrer = v }
            } else if v.contains(UInt8(ascii: ",")) && isAddressList(v) {
                if call.forwardedFor.count == 0 { call.forwardedFor = v }
            } else if v.contains(UInt8(ascii: " ")) {
                if call.userAgent.count == 0 { call.userAgent = v }
            } else if let shape = CredentialShape.of(v), shape != .token {
                // A bare JWT (`Authorization: <jwt>`, `X-Access-Token`) or a Basic credential captured
                // without its scheme (`word(2,' ')`): the classifier reads a bare JWT by its shape.
                if call.authorization.count == 0 { call.authorization = v }
            } else if isProductToken(v) {
                if call.userAgent.count == 0 { call.userAgent = v }
            } else if isHostShaped(v) {
                if call.host.count == 0 { call.host = v } else if call.forwardedFor.count == 0 { call.forwardedFor = v }
            } else if CredentialShape.isOpaqueToken(v) {
                // An API key or session token (`X-Api-Key`): counted as API-key authentication.
                if call.apiKey.count == 0 { call.apiKey = v }
            }
        }
    }

    /// An `Authorization` value (`Bearer …`, `Basic …`, `AWS4-HMAC-SHA256 Credential=…`), or the
    /// scheme alone (what a configuration capturing `req.hdr(Authorization),word(1,' ')` logs).
    /// Schemes are case-insensitive.
    static func isAuthorizationScheme(_ v: Bytes) -> Bool {
        func starts(_ scheme: StaticString) -> Bool {
            let n = scheme.utf8CodeUnitCount
            guard v.count >= n, v.count == n || v[n] == UInt8(ascii: " ") else { return false }
            for k in 0..<n where v[k] | 0x20 != scheme.utf8Start[k] | 0x20 { return false }
            return true
        }
        return starts("Bearer") || starts("Basic") || starts("Digest") || starts("Negotiate") || starts("NTLM")
            || starts("Token") || starts("ApiKey") || starts("AWS4-HMAC-SHA256") || starts("HOBA") || starts("Mutual")
    }

    /// A user agent without a space: one product token `name/version` (`curl/8.5.0`,
    /// `python-requests/2.31.0`, `Go-http-client/1.1`), the version digits first, dot-separated.
    static func isProductToken(_ v: Bytes) -> Bool {
        guard let slash = v.firstIndex(of: UInt8(ascii: "/")), slash > 0, slash <= 64, slash + 1 < v.count, v.count - slash <= 33 else {
            return false
        }
        guard (v[0] | 0x20) &- 97 < 26 else { return false }
        for b in v[..<slash] {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): continue
            default: return false
            }
        }
        // `8.5.0`, `11.0.2-beta`, `1.0rc1`: digits, then dot-separated segments.
        var i = slash + 1
        guard v[i] &- 48 < 10 else { return false }
        while i < v.count, v[i] &- 48 < 10 { i += 1 }
        while i < v.count {
            guard v[i] == UInt8(ascii: "."), i + 1 < v.count else { return false }
            i += 1
            let segment = i
            while i < v.count, v[i] != UInt8(ascii: ".") {
                let b = v[i]
                guard b &- 48 < 10 || (b | 0x20) &- 97 < 26 || b == UInt8(ascii: "-") else { return false }
                i += 1
            }
            guard i > segment else { return false }
        }
        return true
    }

    /// `198.51.100.7, 10.0.0.1`, `2001:db8::1,[::1]`: addresses and the separators of a list.
    static func isAddressList(_ v: Bytes) -> Bool {
        for b in v {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"),
                 UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "["), UInt8(ascii: "]"):
                continue
            default: return false
            }
        }
        return true
    }

    static func isHostShaped(_ v: Bytes) -> Bool {
        // A captured value becomes the endpoint's host, which the report prints: it must look like a
        // real host name (labels of 1–63 name characters, an alphabetic top-level label) or an IPv4
        // address, so that a captured credential with dots in it (a JWT, a dotted API key) never does.
        guard v.count > 0, v.count <= 253 else { return false }
        if v.elementsEqual("localhost".utf8) { return true }
        if v.count >= 3, v[0] == UInt8(ascii: "e"), v[1] == UInt8(ascii: "y"), v[2] == UInt8(ascii: "J") { return false }
        var end = v.count
        if let colon = v.firstIndex(of: UInt8(ascii: ":")) {
            // host:port — the port must be digits.
            for b in v[(colon + 1)...] where b &- 48 >= 10 { return false }
            end = colon
        }
        var labels = 0, labelLength = 0, labelAlphabetic = true, labelNumeric = true, allNumeric = true
        for i in 0...end {
            let b: UInt8 = i < end ? v[i] : UInt8(ascii: ".")
            if b == UInt8(ascii: ".") {
                guard labelLength > 0, labelLength <= 63 else { return false }
                labels += 1
                allNumeric = allNumeric && labelNumeric
                if i == end {
                    // The last label: a top-level domain (letters) unless the whole is an IPv4 address.
                    return labels >= 2 && ((labelAlphabetic && labelLength >= 2 && labelLength <= 24) || (allNumeric && labels == 4))
                }
                labelLength = 0
                labelAlphabetic = true
                labelNumeric = true
                continue
            }
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): labelNumeric = false
            case UInt8(ascii: "0")...UInt8(ascii: "9"): labelAlphabetic = false
            // `_` is not a host-name character (RFC 1123), and API keys use it (`sk_live_abc.def`).
            case UInt8(ascii: "-"): labelAlphabetic = false; labelNumeric = false
            default: return false
            }
            labelLength += 1
        }
        return false
    }

    static func hasPrefix(_ v: Bytes, _ prefix: StaticString) -> Bool {
        v.count >= prefix.utf8CodeUnitCount && memcmp(v.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    static func find(_ c: LogLineCursor, _ r: Range<Int>, _ byte: UInt8) -> Int {
        var j = r.lowerBound
        while j < r.upperBound, c.p[j] != byte { j += 1 }
        return j
    }

    static func contains(_ c: LogLineCursor, _ r: Range<Int>, _ byte: UInt8) -> Bool { find(c, r, byte) < r.upperBound }

    static func count(_ c: LogLineCursor, _ r: Range<Int>, _ byte: UInt8) -> Int {
        var n = 0
        for j in r where c.p[j] == byte { n += 1 }
        return n
    }

    /// `n/n/…` with exactly `parts` numbers, each optionally signed (`-1`) or `+`-prefixed; `hex`
    /// allows hexadecimal ones (httpslog's `ssl_fc_err,hex`).
    static func isSlashNumbers(_ c: LogLineCursor, _ r: Range<Int>, parts: Int, hex: Bool = false) -> Bool {
        var seen = 1, digits = 0
        var j = r.lowerBound
        while j < r.upperBound {
            let b = c.p[j]
            if b == UInt8(ascii: "/") {
                guard digits > 0 else { return false }
                seen += 1
                digits = 0
            } else if b &- 48 < 10 || (hex && ((b | 0x20) &- 97 < 6 || b == UInt8(ascii: "x"))) {
                digits += 1
            } else if !((b == UInt8(ascii: "-") || b == UInt8(ascii: "+")) && (j == r.lowerBound || c.p[j - 1] == UInt8(ascii: "/"))) {
                return false
            }
            j += 1
        }
        return digits > 0 && seen == parts
    }

    /// The last `/`-separated number of a timers field; -1 when it is negative (not measured).
    static func lastNumber(_ c: LogLineCursor, _ r: Range<Int>) -> Int64 {
        var s = r.upperBound
        while s > r.lowerBound, c.p[s - 1] != UInt8(ascii: "/") { s -= 1 }
        if s < r.upperBound, c.p[s] == UInt8(ascii: "-") { return -1 }
        return c.integer(s..<r.upperBound) ?? -1
    }
}

extension FormatDescriptor {
    public static let haproxy = FormatDescriptor(
        format: .haproxy, title: "HAProxy HTTP log (httplog, httpslog, tcplog; with or without syslog prefix)", defaultRole: .lb,
        yields: [.method, .target, .httpVersion, .host, .client, .referrer, .userAgent, .status, .responseBytes,
                 .timestamp, .duration, .scheme, .tlsProtocol, .tlsCipher, .clientCertificate, .upstream, .service,
                 .forwardedFor, .authorization, .apiKey],
        example: #"Oct 10 13:55:36 lb1 haproxy[14389]: 203.0.113.7:33317 [10/Oct/2026:13:55:36.655] https-in~ users-api/srv1 10/0/30/69/109 200 512 - - ---- 1/1/1/1/0 0/0 {api.example.com|curl/8.5.0} {} "GET /api/v1/users/42 HTTP/1.1" 0/0/0/0/0 api.example.com/TLSv1.3/TLS_AES_256_GCM_SHA384"#,
        specificity: 20, makeParser: { _ in HAProxyLogParser() })
}
