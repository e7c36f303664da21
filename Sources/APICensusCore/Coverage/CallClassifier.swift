#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an input's format can log, as flags read once per chunk rather than per call.
public struct InputTraits: Sendable, Equatable {
    public var role: SourceRole
    /// The format logs the headers that carry credentials (`Authorization`, or a header block):
    /// a call without any is then known to be unauthenticated, not merely unobserved.
    public var credentialsObservable: Bool
    public var logsHeaders: Bool
    public var logsTLS: Bool
    public var logsScheme: Bool
    public var logsClientCertificate: Bool
    public var logsConsumer: Bool
    public var logsForwardedFor: Bool
    /// A gateway or WAF role: its records are the mediation, not evidence of it.
    public var isMediator: Bool
    public var logsWAFAction: Bool
    /// The format logs none of the evidence fields beyond the request line, client, user and
    /// status (NGINX/Apache combined and common): classification takes a short path.
    public var requestLineOnly: Bool

    public init(_ context: InputContext) {
        let y = context.yields
        role = context.role
        credentialsObservable = y.contains(.authorization) || y.contains(.requestHeaders)
        logsHeaders = y.contains(.requestHeaders)
        logsTLS = y.contains(.tlsProtocol)
        logsScheme = y.contains(.scheme)
        logsClientCertificate = y.contains(.clientCertificate)
        logsConsumer = y.contains(.consumer)
        logsForwardedFor = y.contains(.forwardedFor) || y.contains(.requestHeaders)
        isMediator = context.role == .gateway || context.role == .waf
        logsWAFAction = y.contains(.wafAction)
        requestLineOnly = y.bits & InputTraits.evidenceFields.bits == 0
    }

    static let evidenceFields = CallFieldSet([.authorization, .requestHeaders, .cookie, .apiKey, .consumer, .clientCertificate,
                                              .tlsProtocol, .tlsCipher, .scheme, .wafAction, .contentType, .forwardedFor])
}

/// Classifies one call from its bytes: authentication kind, caller class, API style, HTTP and TLS
/// versions, gateway evidence and WAF decision. Credentials are inspected in place and forgotten;
/// only the kinds leave this type. One per aggregator (it owns a small decoding buffer and caches).
/// A class: the aggregator, mutated in place per call, reaches it through one reference instead of
/// copying its settings out of itself for every call.
public final class CallClassifier {
    public let settings: CoverageSettings
    private let scratch = DecodeScratch()
    private let checksForwarding: Bool
    private let hasGatewayNetworks: Bool
    /// Caller classes of recent client addresses (when no forwarding is configured, the class
    /// depends on the address alone).
    private let callers = CallerCache()
    /// What recent bearer tokens showed, keyed by their hash (clients reuse a token for its
    /// lifetime): most calls skip the decoding.
    private let tokens = TokenCache()
    /// The last TLS protocol, cipher and WAF action seen and what they meant: one source's values
    /// repeat.
    private let lastProtocol = ValueMemo(), lastCipher = ValueMemo(), lastWAFAction = ValueMemo()
    /// Which header names could be of interest, by their first byte.
    private let headerNames: HeaderNameTable
    public let queryKeys: QueryKeyMatcher

    public init(settings: CoverageSettings = CoverageSettings()) {
        self.settings = settings
        checksForwarding = !settings.trustedProxies.isEmpty || !settings.gatewayNetworks.isEmpty
        hasGatewayNetworks = !settings.gatewayNetworks.isEmpty
        queryKeys = QueryKeyMatcher(settings.apiKeyQueryParameters)
        headerNames = HeaderNameTable(apiKeyHeaders: settings.apiKeyHeaders, gatewayHeaders: settings.gatewayEvidenceHeaders)
    }

    /// Headers of interest found in a header block, in one pass.
    struct HeaderFindings {
        var authorization: Bytes = .none
        var cookie: Bytes = .none
        var contentType: Bytes = .none
        var forwardedFor: Bytes = .none
        var apiKey = false
        var gatewayHeader = false
        var upgradeWebSocket = false
        var soapAction = false
        var acceptsEventStream = false
    }

    /// Classifies a call. `query` is the request's query string when it has one: when
    /// `queryChecked` is false the caller looks for API-key parameters itself (in the pass it makes
    /// over the names anyway) and applies `CallEvidence.authOpenToQueryKey`.
    public func classify(_ call: RawCall, query: Bytes?, traits: InputTraits, queryChecked: Bool = true) -> CallEvidence {
        if traits.requestLineOnly { return classifyRequestLine(call, query: queryChecked ? query : nil, traits: traits) }
        var e = CallEvidence()
        var h = HeaderFindings()
        // The parsers of header-block formats pull Authorization, Cookie, the usual API-key
        // headers, Content-Type and X-Forwarded-For out of the block already. The walk looks for
        // the rest: gateway-evidence headers (service-side records), configured API-key headers
        // (only when Authorization does not decide), and style signals.
        if traits.logsHeaders, call.requestHeaders.count > 0,
           !traits.isMediator || !(isPresent(call.authorization) || isPresent(call.apiKey))
            || (!call.styleHeaders.contains(.read) && HeaderBlock.mayCarryStyleSignal(call.requestHeaders, skipping: call.authorization)) {
            h = findHeaders(call, gatewayEvidence: !traits.isMediator)
        }
        if call.styleHeaders.contains(.websocketUpgrade) { h.upgradeWebSocket = true }
        if call.styleHeaders.contains(.soapAction) { h.soapAction = true }
        if call.styleHeaders.contains(.acceptsEventStream) { h.acceptsEventStream = true }
        let authorization = call.authorization.count > 0 ? call.authorization : h.authorization
        let cookie = call.cookie.count > 0 ? call.cookie : h.cookie
        let contentType = call.contentType.count > 0 ? call.contentType : h.contentType
        let forwardedFor = call.forwardedFor.count > 0 ? call.forwardedFor : h.forwardedFor

        // Caller class, and whether the call came through a gateway address.
        var throughGateway = false
        (e.caller, throughGateway) = callerClass(client: call.client, forwardedFor: forwardedFor)

        // Authentication.
        e.clientCertificate = call.clientCertificate
        e.auth = authKind(call, authorization: authorization, cookie: cookie, apiKeyHeader: h.apiKey || isPresent(call.apiKey),
                          query: queryChecked ? query : nil, traits: traits, evidence: &e)

        // Transport.
        e.http = httpVersion(call.httpVersion, scheme: call.scheme)
        if traits.logsTLS || call.scheme.count > 0 {
            e.tls = tlsState(call.tlsProtocol, scheme: call.scheme, logged: traits.logsTLS && !call.unlogged.contains(.tls))
            if e.tls.isEncrypted, call.tlsCipher.count > 0 {
                e.weakCipher = lastCipher.value(of: call.tlsCipher) { Self.isWeakCipher($0) ? 1 : 0 } == 1
            }
        }

        // Style.
        e.style = style(call, contentType: contentType, headers: h)

        // Gateway evidence (judged on records from services, load balancers and egress proxies).
        if !traits.isMediator {
            let consumer = isPresent(call.consumer)
            if h.gatewayHeader || consumer || throughGateway {
                e.gateway = .present
            } else if traits.logsHeaders || traits.logsConsumer || (hasGatewayNetworks && call.client.count > 0) {
                e.gateway = .absent
            }
        }
        if traits.logsWAFAction || call.wafAction.count > 0 {
            e.waf = WAFDecision(rawValue: lastWAFAction.value(of: call.wafAction) { Self.wafDecision($0).rawValue }) ?? .other
        }
        return e
    }

    /// The short path for formats that log only the request line, client, user and status: the
    /// same decisions as the general path makes with every other field absent.
    @inline(__always)
    func classifyRequestLine(_ call: RawCall, query: Bytes?, traits: InputTraits) -> CallEvidence {
        var e = CallEvidence()
        let (caller, throughGateway) = callerClass(client: call.client, forwardedFor: call.forwardedFor)
        e.caller = caller
        if let query, hasAPIKeyParameter(query) {
            e.auth = .apiKeyQuery
        } else {
            e.authOpenToQueryKey = true
            e.auth = isPresent(call.user) ? (call.userIsBasicAuth ? .basic : .other) : .notObservable
        }
        e.http = httpVersion(call.httpVersion, scheme: .none)
        if call.status == 101 { e.style = .websocket }
        if !traits.isMediator {
            if throughGateway {
                e.gateway = .present
            } else if hasGatewayNetworks && call.client.count > 0 {
                e.gateway = .absent
            }
        }
        return e
    }

    // MARK: Headers

    /// `gatewayEvidence`: look for gateway-evidence headers too (records of services, load
    /// balancers and egress proxies; a gateway's or WAF's own records are the mediation).
    func findHeaders(_ call: RawCall, gatewayEvidence: Bool = true) -> HeaderFindings {
        var h = HeaderFindings()
        let table = headerNames
        let apiKeyHeaders = settings.apiKeyHeaders, gatewayHeaders = settings.gatewayEvidenceHeaders
        HeaderBlock.forEach(call.requestHeaders, form: call.requestHeadersForm) { name, value in
            // Most names (`host`, `user-agent`, `accept-encoding`) are rejected by their first byte.
            let candidates = table.candidates(name) & (gatewayEvidence ? 0xFF : ~HeaderNameTable.gateway)
            if candidates == 0 { return true }
            if candidates & HeaderNameTable.fixed != 0 {
                switch name.count {
                case 13 where Self.equalsLower(name, "authorization"): h.authorization = value
                case 6 where Self.equalsLower(name, "cookie"): h.cookie = value
                case 12 where Self.equalsLower(name, "content-type"): h.contentType = value
                case 15 where Self.equalsLower(name, "x-forwarded-for"): h.forwardedFor = value
                case 7 where Self.equalsLower(name, "upgrade"): h.upgradeWebSocket = Self.containsLower(value, "websocket")
                case 10 where Self.equalsLower(name, "soapaction"): h.soapAction = true
                case 6 where Self.equalsLower(name, "accept"): h.acceptsEventStream = Self.containsLower(value, "text/event-stream")
                default: break
                }
            }
            if candidates & HeaderNameTable.apiKey != 0, value.count > 0, apiKeyHeaders.matches(name) { h.apiKey = true }
            if candidates & HeaderNameTable.gateway != 0, gatewayHeaders.matches(name) { h.gatewayHeader = true }
            return true
        }
        return h
    }

    // MARK: Callers

    /// The caller's class: the client address, or — when it is a trusted proxy or a gateway — the
    /// first untrusted address of `X-Forwarded-For` from the right.
    @inline(__always)
    func callerClass(client: Bytes, forwardedFor: Bytes) -> (CallerClass, throughGateway: Bool) {
        if !checksForwarding {
            return (callers.lookup(client) { self.classOf(IPAddress.parse($0)) }, false)
        }
        return forwardedCallerClass(client: client, forwardedFor: forwardedFor)
    }

    @inline(never)
    func forwardedCallerClass(client: Bytes, forwardedFor: Bytes) -> (CallerClass, throughGateway: Bool) {
        guard var address = IPAddress.parse(client) else {
            return (.unknown, false)
        }
        var throughGateway = false
        if checksForwarding {
            throughGateway = settings.gatewayNetworks.contains(address)
            if forwardedFor.count > 0, throughGateway || settings.trustedProxies.contains(address) {
                var end = forwardedFor.count
                while end > 0 {
                    var start = end
                    while start > 0, forwardedFor[start - 1] != UInt8(ascii: ",") { start -= 1 }
                    var a = start, b = end
                    while a < b, forwardedFor[a] == 0x20 || forwardedFor[a] == 0x09 { a += 1 }
                    while b > a, forwardedFor[b - 1] == 0x20 || forwardedFor[b - 1] == 0x09 { b -= 1 }
                    // A hop that is not an address (`unknown`, an obfuscated RFC 7239 id) hides the
                    // caller: the trusted proxy before it is not the caller.
                    guard let hop = IPAddress.parse(Bytes(rebasing: forwardedFor[a..<b])) else { return (.unknown, throughGateway) }
                    address = hop
                    let isGateway = settings.gatewayNetworks.contains(hop)
                    if isGateway { throughGateway = true }
                    if !isGateway && !settings.trustedProxies.contains(hop) { break }
                    end = start - 1
                }
            }
        }
        return (classOf(address), throughGateway)
    }

    @inline(__always)
    func classOf(_ address: IPAddress?) -> CallerClass {
        guard let address else { return .unknown }
        if settings.partnerNetworks.contains(address) { return .partner }
        if settings.internalNetworks.contains(address) { return .internal }
        return .external
    }

    // MARK: Authentication

    func authKind(_ call: RawCall, authorization: Bytes, cookie: Bytes, apiKeyHeader: Bool, query: Bytes?,
                  traits: InputTraits, evidence e: inout CallEvidence) -> AuthKind {
        if call.clientCertificate == .verified { return .mtls }
        if authorization.count > 0 {
            let kind = authorizationKind(authorization, callMillis: call.timestampMillis, evidence: &e)
            if kind != .none { return kind }
        }
        if apiKeyHeader { return .apiKey }
        if let query, hasAPIKeyParameter(query) { return .apiKeyQuery }
        // Decided below the query step: a key in the query string would take precedence.
        e.authOpenToQueryKey = true
        // The principal a gateway authenticated says more than a user name.
        if isPresent(call.consumer) { return .gatewayConsumer }
        if isPresent(call.user) { return call.userIsBasicAuth ? .basic : .other }
        if cookie.count > 0, hasSessionCookie(cookie) || Self.isMasked(cookie) { return .sessionCookie }
        // Nothing shows a credential: none, when this record logs where one would show.
        return traits.credentialsObservable && !call.unlogged.contains(.credentials) ? .none : .notObservable
    }

    /// The kind an `Authorization` value shows. Only an empty value or `-` means no credential: the
    /// secret-free configurations the format pages recommend log the scheme word alone (`Bearer`,
    /// `Basic`), which still says how the call authenticated.
    func authorizationKind(_ value: Bytes, callMillis: Int64, evidence e: inout CallEvidence) -> AuthKind {
        var i = 0
        while i < value.count, value[i] == 0x20 { i += 1 }
        let schemeStart = i
        while i < value.count, value[i] != 0x20 { i += 1 }
        let scheme = Bytes(rebasing: value[schemeStart..<i])
        while i < value.count, value[i] == 0x20 { i += 1 }
        // Loggers may pad the value: trailing spaces are not part of the token.
        var end = value.count
        while end > i, value[end - 1] == 0x20 { end -= 1 }
        let credential = Bytes(rebasing: value[i..<end])
        if scheme.count == 0 || (scheme.count == 1 && scheme[0] == UInt8(ascii: "-")) { return .none }
        if Self.equalsLower(scheme, "bearer") {
            guard credential.count > 0 else { return .bearerSchemeOnly }
            return inspectToken(credential, callMillis: callMillis, evidence: &e) ? .bearerJWT : .bearerOpaque
        }
        if Self.equalsLower(scheme, "basic") { return .basic }
        if Self.equalsLower(scheme, "apikey") || Self.equalsLower(scheme, "api-key") || Self.equalsLower(scheme, "key") { return .apiKey }
        if Self.equalsLower(scheme, "token") { return credential.count > 0 ? .bearerOpaque : .bearerSchemeOnly }
        // A bare token without a scheme: a JWT is recognisable by its shape.
        if credential.count == 0, scheme.count >= 10, scheme[0] == UInt8(ascii: "e"),
           inspectToken(scheme, callMillis: callMillis, evidence: &e) {
            return .bearerJWT
        }
        // Digest, AWS4-HMAC-SHA256, Negotiate (with or without their parameters), or a value the
        // logger masked (`REDACTED`): a credential was sent.
        return .other
    }

    /// `eyJ…` followed by two or four more dot-separated base64url segments (JWS or JWE).
    func isJWT(_ token: Bytes) -> Bool { JWTShape(token, alphabet: scratch.alphabet) != nil }

    /// Whether a bearer token is a JWT, and if so its `alg: none` and expiry flags: from the token
    /// cache, else read and remembered (by hash only).
    func inspectToken(_ token: Bytes, callMillis: Int64, evidence e: inout CallEvidence) -> Bool {
        // `header.payload`: what `alg` and `exp` are read from, cached by its hash (a client sends
        // the same token, or tokens differing only by their signature, for their lifetime).
        guard let p = token.baseAddress, token.count >= 10, p[0] == UInt8(ascii: "e"), p[1] == UInt8(ascii: "y"), p[2] == UInt8(ascii: "J"),
              let d1 = memchr(p, Int32(UInt8(ascii: ".")), token.count) else { return false }
        let firstDot = UnsafePointer<UInt8>(d1.assumingMemoryBound(to: UInt8.self)) - p
        guard let d2 = memchr(p + firstDot + 1, Int32(UInt8(ascii: ".")), token.count - firstDot - 1) else { return false }
        let secondDot = UnsafePointer<UInt8>(d2.assumingMemoryBound(to: UInt8.self)) - p
        let info = tokens.lookup(Bytes(start: p, count: secondDot)) { self.readHeaderAndPayload($0, firstDot: firstDot) }
        // The rest: a JWS signature (no dot), or a JWE's three more segments (two dots).
        var dots = 0
        let alphabet = scratch.alphabet
        for i in (secondDot + 1)..<token.count {
            let b = p[i]
            if alphabet[Int(b)] >= 0 || b == UInt8(ascii: "=") { continue }
            guard b == UInt8(ascii: "."), dots < 2 else { return false }
            dots += 1
        }
        guard info.isJWT, dots == 0 || dots == 2 else { return false }
        e.jwtAlgNone = info.algNone
        // A JWE's second segment is an encrypted key, not claims.
        if dots == 0, info.hasExpiry, callMillis != RawCall.unknownTime { e.jwtExpired = info.expiryMillis < callMillis }
        return true
    }

    /// Reads the JWT header's `alg` and the payload's `exp`; nothing else is looked at or kept.
    func inspectJWT(_ token: Bytes, callMillis: Int64) -> (algNone: Bool, expired: Bool) {
        var e = CallEvidence()
        _ = inspectToken(token, callMillis: callMillis, evidence: &e)
        return (e.jwtAlgNone, e.jwtExpired)
    }

    /// `header.payload` of a JWT: both base64url (else not a JWT), the header's `alg` and the
    /// payload's `exp` when it has them.
    func readHeaderAndPayload(_ segments: Bytes, firstDot: Int) -> TokenCache.Info {
        var info = TokenCache.Info()
        let alphabet = scratch.alphabet
        guard let decodedHeader = Base64URL.decode(Bytes(rebasing: segments[0..<firstDot]), into: scratch.pointer,
                                                   capacity: DecodeScratch.capacity, alphabet: alphabet, strict: true) else { return info }
        if let alg = JSONField.stringValue(of: "alg", in: decodedHeader) { info.algNone = Self.equalsLower(alg, "none") }
        let payload = Bytes(rebasing: segments[(firstDot + 1)...])
        guard let decodedPayload = Base64URL.decode(payload, into: scratch.pointer, capacity: DecodeScratch.capacity, alphabet: alphabet,
                                                    strict: true) else { return TokenCache.Info() }
        info.isJWT = true
        if let exp = JSONField.integerValue(of: "exp", in: decodedPayload), exp < Int64.max / 1000 {
            info.hasExpiry = true
            info.expiryMillis = exp * 1000
        }
        return info
    }

    func hasAPIKeyParameter(_ query: Bytes) -> Bool {
        var found = false
        let names = settings.apiKeyQueryParameters
        QueryNames.forEachName(in: query) { name in
            if !found, names.matches(name) { found = true }
        }
        return found
    }

    /// A header value the logger replaced as a whole (`REDACTED`, Caddy's default for `Cookie` and
    /// `Authorization`; `[REDACTED]`, `<redacted>`, `***`): something was sent, its content hidden.
    static func isMasked(_ v: Bytes) -> Bool {
        var a = 0, b = v.count
        while a < b, v[a] == UInt8(ascii: "[") || v[a] == UInt8(ascii: "<") || v[a] == UInt8(ascii: "(") { a += 1 }
        while b > a, v[b - 1] == UInt8(ascii: "]") || v[b - 1] == UInt8(ascii: ">") || v[b - 1] == UInt8(ascii: ")") { b -= 1 }
        guard b > a else { return false }
        let inner = Bytes(rebasing: v[a..<b])
        if equalsLower(inner, "redacted") || equalsLower(inner, "masked") || equalsLower(inner, "filtered") { return true }
        return b - a >= 3 && inner.allSatisfy { $0 == UInt8(ascii: "*") }
    }

    /// Cookie names that hold sessions or tokens (`session`, `JSESSIONID`, `PHPSESSID`, `connect.sid`,
    /// `sid`, `*auth*`, `*token*`, `jwt`); values are skipped.
    func hasSessionCookie(_ cookie: Bytes) -> Bool {
        var i = 0
        let n = cookie.count
        while i < n {
            while i < n, cookie[i] == 0x20 || cookie[i] == UInt8(ascii: ";") { i += 1 }
            let start = i
            while i < n, cookie[i] != UInt8(ascii: "="), cookie[i] != UInt8(ascii: ";") { i += 1 }
            let name = Bytes(rebasing: cookie[start..<i])
            if name.count > 0 {
                if Self.containsLower(name, "sess") || Self.containsLower(name, "auth") || Self.containsLower(name, "token")
                    || Self.containsLower(name, "jwt") || Self.equalsLower(name, "sid") || Self.equalsLower(name, "connect.sid") {
                    return true
                }
            }
            while i < n, cookie[i] != UInt8(ascii: ";") { i += 1 }
        }
        return false
    }

    // MARK: Transport

    func httpVersion(_ version: Bytes, scheme: Bytes) -> HTTPVersionClass {
        let n = version.count
        if n >= 6, version[4] == UInt8(ascii: "/") {
            switch version[5] {
            case UInt8(ascii: "1"):
                if n >= 8 { return version[7] == UInt8(ascii: "0") ? .http10 : .http11 }
                return .http11
            case UInt8(ascii: "2"): return .http2
            case UInt8(ascii: "3"): return .http3
            default: return .unknown
            }
        }
        if scheme.count == 2, scheme[0] == UInt8(ascii: "h"), scheme[1] == UInt8(ascii: "2") { return .http2 }
        if Self.equalsLower(scheme, "grpcs") || Self.equalsLower(scheme, "grpc") { return .http2 }
        return .unknown
    }

    /// `logged`: the record logs the TLS protocol (its format can, and it does not leave it out).
    func tlsState(_ proto: Bytes, scheme: Bytes, logged: Bool) -> TLSState {
        if proto.count > 1 { return TLSState(rawValue: lastProtocol.value(of: proto) { Self.tlsVersion($0).rawValue }) ?? .tlsUnknownVersion }
        // Logged as absent (`-` or empty) by a record that logs it: plaintext, unless the scheme
        // says otherwise.
        let schemeSaysTLS = Self.equalsLower(scheme, "https") || Self.equalsLower(scheme, "wss")
            || Self.equalsLower(scheme, "grpcs") || Self.equalsLower(scheme, "h2")
        let schemeSaysPlain = Self.equalsLower(scheme, "http") || Self.equalsLower(scheme, "ws") || Self.equalsLower(scheme, "grpc")
        if schemeSaysTLS { return .tlsUnknownVersion }
        if schemeSaysPlain || logged { return .plaintext }
        return .notObservable
    }

    /// `TLSv1.3`, `tls1.2`, `TLSv1_1`, `TLSv1` (1.0), `SSLv3`, `TLS 1.2`.
    static func tlsVersion(_ p: Bytes) -> TLSState {
        var i = 0
        let n = p.count
        while i < n, !(p[i] &- 48 < 10) { i += 1 }
        guard i < n else {
            return containsLower(p, "ssl") ? .ssl3 : (containsLower(p, "tls") ? .tlsUnknownVersion : .plaintext)
        }
        if containsLower(p, "ssl") { return .ssl3 }
        let major = p[i]
        guard major == UInt8(ascii: "1") else { return major == UInt8(ascii: "3") ? .ssl3 : .tlsUnknownVersion }
        var minor: UInt8 = UInt8(ascii: "0")
        if i + 2 < n, p[i + 1] == UInt8(ascii: ".") || p[i + 1] == UInt8(ascii: "_"), p[i + 2] &- 48 < 10 { minor = p[i + 2] }
        else if i + 1 < n, p[i + 1] &- 48 < 10 { minor = p[i + 1] }      // "tls13"
        switch minor {
        case UInt8(ascii: "0"): return .tls10
        case UInt8(ascii: "1"): return .tls11
        case UInt8(ascii: "2"): return .tls12
        case UInt8(ascii: "3"): return .tls13
        default: return .tlsUnknownVersion
        }
    }

    static func isWeakCipher(_ c: Bytes) -> Bool {
        containsLower(c, "rc4") || containsLower(c, "des") || containsLower(c, "null") || containsLower(c, "export")
            || containsLower(c, "md5") || containsLower(c, "anon")
    }

    // MARK: Style

    /// The style a call's own signals show: status 101 and upgrades, the scheme, the content type,
    /// SOAPAction and `Accept: text/event-stream`. Path shapes (`/graphql`, `.asmx`,
    /// `/pkg.Service/Method`) are judged once per endpoint on its template (`APIStyle.judge`), not
    /// per call; a call without a signal votes `rest`.
    func style(_ call: RawCall, contentType: Bytes, headers h: HeaderFindings) -> APIStyle {
        if call.status == 101 || h.upgradeWebSocket { return .websocket }
        let scheme = call.scheme
        if scheme.count > 0 {
            if Self.equalsLower(scheme, "ws") || Self.equalsLower(scheme, "wss") { return .websocket }
            if Self.equalsLower(scheme, "grpcs") || Self.equalsLower(scheme, "grpc") { return .grpc }
        }
        if contentType.count > 0 {
            if Self.hasPrefixLower(contentType, "application/grpc") { return .grpc }
            if Self.hasPrefixLower(contentType, "application/graphql") { return .graphql }
            if Self.hasPrefixLower(contentType, "application/soap+xml") { return .soap }
            if Self.hasPrefixLower(contentType, "text/xml"), h.soapAction { return .soap }
            if Self.hasPrefixLower(contentType, "text/event-stream") { return .sse }
        }
        if h.acceptsEventStream { return .sse }
        return .rest
    }

    // MARK: WAF

    /// BLOCK, Blocked, deny, drop, challenge, captcha → block; ALLOW, pass → allow; COUNT,
    /// Detected, log, monitor, matched → count.
    static func wafDecision(_ action: Bytes) -> WAFDecision {
        guard action.count > 0, !(action.count == 1 && action[0] == UInt8(ascii: "-")) else { return .notLogged }
        if containsLower(action, "block") || containsLower(action, "deny") || containsLower(action, "denied")
            || containsLower(action, "drop") || containsLower(action, "reject") || containsLower(action, "challenge")
            || containsLower(action, "captcha") || containsLower(action, "prevent") {
            return .block
        }
        if containsLower(action, "allow") || containsLower(action, "pass") || containsLower(action, "accept")
            || containsLower(action, "skip") {
            return .allow
        }
        if containsLower(action, "count") || containsLower(action, "detect") || containsLower(action, "log")
            || containsLower(action, "monitor") || containsLower(action, "match") || containsLower(action, "alert") {
            return .count
        }
        return .other
    }

    // MARK: Bytes

    @inline(__always) func isPresent(_ b: Bytes) -> Bool {
        b.count > 0 && !(b.count == 1 && b[0] == UInt8(ascii: "-"))
    }

    /// `b` equals the lower-case ASCII `s`, ignoring case.
    @inline(__always)
    static func equalsLower(_ b: Bytes, _ s: StaticString) -> Bool {
        guard b.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for i in 0..<b.count where NamePatternSet.lower(b[i]) != p[i] { return false }
        return true
    }

    static func hasPrefixLower(_ b: Bytes, _ s: StaticString) -> Bool {
        guard b.count >= s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for i in 0..<s.utf8CodeUnitCount where NamePatternSet.lower(b[i]) != p[i] { return false }
        return true
    }

    static func hasSuffixLower(_ b: Bytes, _ s: StaticString) -> Bool {
        let m = s.utf8CodeUnitCount
        guard b.count >= m else { return false }
        let p = s.utf8Start
        for i in 0..<m where NamePatternSet.lower(b[b.count - m + i]) != p[i] { return false }
        return true
    }

    static func containsLower(_ b: Bytes, _ s: StaticString) -> Bool {
        let needle = s.utf8Start
        let m = s.utf8CodeUnitCount
        guard b.count >= m, m > 0 else { return false }
        outer: for start in 0...(b.count - m) {
            for j in 0..<m where NamePatternSet.lower(b[start + j]) != needle[j] { continue outer }
            return true
        }
        return false
    }

    /// A direct-mapped cache of caller classes keyed by the client's bytes (clients of up to 16 bytes).
    final class CallerCache {
        static let size = 4096
        /// Per entry: the client's bytes as two words, and its length + 1 with the class in the top byte
        /// (0 = empty).
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: size * 3)

        init() { words.initialize(repeating: 0, count: CallerCache.size * 3) }
        deinit { words.deallocate() }

        @inline(__always)
        func lookup(_ client: Bytes, _ classify: (Bytes) -> CallerClass) -> CallerClass {
            let n = client.count
            guard n > 0, n <= 16, let base = client.baseAddress else { return classify(client) }
            // Two words covering the bytes (overlapping when 8 < n < 16; with the length they identify
            // the address exactly).
            var w0: UInt64 = 0, w1: UInt64 = 0
            let raw = UnsafeRawPointer(base)
            if n >= 8 {
                w0 = raw.loadUnaligned(as: UInt64.self)
                w1 = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else {
                for i in 0..<n { w0 |= UInt64(base[i]) << UInt64(i * 8) }
            }
            let slot = Int(truncatingIfNeeded: ((w0 ^ (w1 &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9) >> 52) * 3
            let tag = words[slot + 2]
            if tag & 0xFF == UInt64(n + 1), words[slot] == w0, words[slot + 1] == w1 {
                return CallerClass(rawValue: UInt8(truncatingIfNeeded: tag >> 56)) ?? .unknown
            }
            let cls = classify(client)
            words[slot] = w0
            words[slot + 1] = w1
            words[slot + 2] = UInt64(n + 1) | UInt64(cls.rawValue) << 56
            return cls
        }
    }

    /// Direct-mapped: per slot the token's 64-bit hash and length and what it showed; never a byte
    /// of the token itself.
    final class TokenCache {
        struct Info {
            var isJWT = false
            var algNone = false
            var hasExpiry = false
            var expiryMillis: Int64 = 0
        }
        struct Entry {
            var hash: UInt64 = 0
            /// Length + 1 (0: empty).
            var tag = 0
            var info = Info()
        }
        static let size = 4096
        let entries = UnsafeMutablePointer<Entry>.allocate(capacity: size)

        init() { entries.initialize(repeating: Entry(), count: TokenCache.size) }
        deinit { entries.deallocate() }

        @inline(__always)
        func lookup(_ token: Bytes, _ read: (Bytes) -> Info) -> Info {
            let h = ByteHash.hash(token)
            let slot = Int(truncatingIfNeeded: h >> 52)
            if entries[slot].tag == token.count + 1, entries[slot].hash == h { return entries[slot].info }
            let info = read(token)
            entries[slot] = Entry(hash: h, tag: token.count + 1, info: info)
            return info
        }
    }

    /// The last values seen (four of them, up to 64 bytes each: protocol and cipher names, WAF
    /// actions, never a credential) and what they meant.
    final class ValueMemo {
        static let slots = 4, capacity = 64
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: slots * capacity)
        let lengths = UnsafeMutablePointer<Int>.allocate(capacity: slots)
        let results = UnsafeMutablePointer<UInt8>.allocate(capacity: slots)
        var next = 0

        init() {
            lengths.initialize(repeating: -1, count: ValueMemo.slots)
            results.initialize(repeating: 0, count: ValueMemo.slots)
        }

        deinit {
            bytes.deallocate()
            lengths.deallocate()
            results.deallocate()
        }

        @inline(__always)
        func value(of v: Bytes, _ compute: (Bytes) -> UInt8) -> UInt8 {
            let n = v.count
            guard let base = v.baseAddress, n <= ValueMemo.capacity else { return compute(v) }
            for slot in 0..<ValueMemo.slots where lengths[slot] == n && memcmp(bytes + slot * ValueMemo.capacity, base, n) == 0 {
                return results[slot]
            }
            let r = compute(v)
            (bytes + next * ValueMemo.capacity).update(from: base, count: n)
            lengths[next] = n
            results[next] = r
            next = (next + 1) & (ValueMemo.slots - 1)
            return r
        }
    }

    final class DecodeScratch {
        static let capacity = 4096
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        /// `Base64URL.value` of every byte: read without a lazy global's check or a bounds check.
        let alphabet = Base64URL.makeTable()
        deinit {
            pointer.deallocate()
            alphabet.deallocate()
        }
    }
}

/// Finds API-key query parameters by the hash of their names, in the pass the aggregator makes over
/// the names anyway: a 64-bit mask rejects almost every name with one test. Names match as
/// configured or in lower case; prefix patterns (`x-key-*`) fall back to comparing bytes.
public struct QueryKeyMatcher: Sendable {
    private var mask: UInt64 = 0
    private var hashes: [UInt64] = []
    /// Bit n set when an exact name has n bytes (63 for longer ones).
    private var lengths: UInt64 = 0
    private let patterns: NamePatternSet
    private let hasPrefixes: Bool

    public init(_ patterns: NamePatternSet) {
        self.patterns = patterns
        hasPrefixes = patterns.patterns.contains { $0.hasSuffix("*") }
        for p in patterns.patterns where !p.hasSuffix("*") {
            lengths |= 1 << UInt64(min(p.utf8.count, 63))
            for variant in Set([p, p.lowercased()]) {
                var bytes = Array(variant.utf8)
                let h = bytes.withUnsafeMutableBufferPointer { ByteHash.hash(Bytes($0)) }
                hashes.append(h)
                mask |= 1 << (h & 63)
            }
        }
    }

    /// `hash` is `ByteHash.hash(name)`. Names match ignoring case: other spellings than the
    /// configured and lower-case ones (`API_KEY`, `Token`) are compared byte by byte, only when the
    /// name has an upper-case letter and a configured length.
    @inline(__always)
    public func matches(hash: UInt64, name: Bytes) -> Bool {
        if mask >> (hash & 63) & 1 == 1 {
            for h in hashes where h == hash { return true }
        }
        if lengths >> UInt64(min(name.count, 63)) & 1 == 1, Self.hasUpperCase(name), patterns.matches(name) { return true }
        return hasPrefixes && patterns.matches(name)
    }

    @inline(__always) static func hasUpperCase(_ b: Bytes) -> Bool {
        for c in b where c &- 65 < 26 { return true }
        return false
    }
}

/// The shape of a JWT: `eyJ…` and two or four more dot-separated base64url segments (JWS or JWE),
/// found in one pass with the dots' positions.
struct JWTShape {
    var firstDot = 0
    var secondDot = 0
    var segments = 0

    /// `alphabet`: `Base64URL.makeTable()`.
    init?(_ token: Bytes, alphabet: UnsafePointer<Int8>) {
        guard let p = token.baseAddress, token.count >= 10, p[0] == UInt8(ascii: "e"), p[1] == UInt8(ascii: "y"),
              p[2] == UInt8(ascii: "J") else { return nil }
        var dots = 0
        for i in 0..<token.count {
            let b = p[i]
            if alphabet[Int(b)] >= 0 || b == UInt8(ascii: "=") { continue }
            guard b == UInt8(ascii: "."), dots < 4 else { return nil }
            if dots == 0 { firstDot = i } else if dots == 1 { secondDot = i }
            dots += 1
        }
        guard dots == 2 || dots == 4 else { return nil }
        segments = dots + 1
    }
}

/// base64url (RFC 4648 §5), padding optional, decoded into a caller's buffer.
enum Base64URL {
    /// The 6-bit value of an alphabet byte (`+` and `/` too), or -1.
    @inline(__always) static func value(_ b: UInt8) -> Int8 {
        if b &- 65 < 26 { return Int8(b &- 65) }
        if b &- 97 < 26 { return Int8(b &- 71) }
        if b &- 48 < 10 { return Int8(b &+ 4) }
        if b == UInt8(ascii: "-") || b == UInt8(ascii: "+") { return 62 }
        if b == UInt8(ascii: "_") || b == UInt8(ascii: "/") { return 63 }
        return -1
    }

    @inline(__always) static func isAlphabet(_ b: UInt8) -> Bool { value(b) >= 0 || b == UInt8(ascii: "=") }

    /// `value` of every byte, for loops that read it per byte (the caller deallocates).
    static func makeTable() -> UnsafeMutablePointer<Int8> {
        let t = UnsafeMutablePointer<Int8>.allocate(capacity: 256)
        for b in 0..<256 { (t + b).initialize(to: value(UInt8(b))) }
        return t
    }

    /// Decodes as much of `input` as fits; stops at padding or a byte outside the alphabet.
    static func decode(_ input: Bytes, into out: UnsafeMutablePointer<UInt8>, capacity: Int, alphabet: UnsafePointer<Int8>) -> Bytes {
        decode(input, into: out, capacity: capacity, alphabet: alphabet, strict: false) ?? Bytes(start: out, count: 0)
    }

    /// `strict`: nil when a byte outside the alphabet comes before the end (padding `=` may end it).
    static func decode(_ input: Bytes, into out: UnsafeMutablePointer<UInt8>, capacity: Int, alphabet: UnsafePointer<Int8>,
                       strict: Bool) -> Bytes? {
        guard let p = input.baseAddress else { return Bytes(start: out, count: 0) }
        let n = input.count
        var i = 0
        var count = 0
        // Four characters give three bytes.
        while i + 4 <= n, count + 3 <= capacity {
            let a = alphabet[Int(p[i])], b = alphabet[Int(p[i + 1])], c = alphabet[Int(p[i + 2])], d = alphabet[Int(p[i + 3])]
            if a | b | c | d < 0 { break }
            let v = UInt32(UInt8(bitPattern: a)) << 18 | UInt32(UInt8(bitPattern: b)) << 12 | UInt32(UInt8(bitPattern: c)) << 6
                | UInt32(UInt8(bitPattern: d))
            out[count] = UInt8(truncatingIfNeeded: v >> 16)
            out[count + 1] = UInt8(truncatingIfNeeded: v >> 8)
            out[count + 2] = UInt8(truncatingIfNeeded: v)
            count += 3
            i += 4
        }
        // The rest (unpadded tails, padding, a byte outside the alphabet), one character at a time.
        var acc: UInt32 = 0
        var bits = 0
        while i < n {
            let v = alphabet[Int(p[i])]
            if v < 0 { break }
            acc = acc << 6 | UInt32(UInt8(bitPattern: v))
            bits += 6
            if bits >= 8 {
                bits -= 8
                guard count < capacity else { break }
                out[count] = UInt8(truncatingIfNeeded: acc >> UInt32(bits))
                count += 1
            }
            i += 1
        }
        if strict {
            while i < n, p[i] == UInt8(ascii: "=") { i += 1 }
            if i < n { return nil }
        }
        return Bytes(start: out, count: count)
    }
}

/// Reads one top-level member of a small JSON object by name, without a parser: enough for a JWT
/// header's `alg` and a payload's `exp`.
enum JSONField {
    /// Where the value of `"name":` starts, for a key (not a string value that happens to match).
    static func valueStart(of name: StaticString, in json: Bytes) -> Int? {
        let key = name.utf8Start
        let k = name.utf8CodeUnitCount
        let n = json.count
        var i = 0
        var inString = false
        var depth = 0
        while i < n {
            let c = json[i]
            if inString {
                if c == UInt8(ascii: "\\") { i += 2; continue }
                if c == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "\""):
                if depth == 1, i + k + 1 < n, json[i + k + 1] == UInt8(ascii: "\""),
                   (0..<k).allSatisfy({ json[i + 1 + $0] == key[$0] }) {
                    var j = i + k + 2
                    while j < n, isSpace(json[j]) { j += 1 }
                    if j < n, json[j] == UInt8(ascii: ":") {
                        j += 1
                        while j < n, isSpace(json[j]) { j += 1 }
                        return j
                    }
                }
                inString = true
            default: break
            }
            i += 1
        }
        return nil
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    static func stringValue(of name: StaticString, in json: Bytes) -> Bytes? {
        guard let start = valueStart(of: name, in: json), start < json.count, json[start] == UInt8(ascii: "\"") else { return nil }
        var end = start + 1
        while end < json.count, json[end] != UInt8(ascii: "\"") { end += 1 }
        return Bytes(rebasing: json[(start + 1)..<end])
    }

    static func integerValue(of name: StaticString, in json: Bytes) -> Int64? {
        guard let start = valueStart(of: name, in: json) else { return nil }
        var value: Int64 = 0
        var digits = 0
        var i = start
        while i < json.count, json[i] &- 48 < 10, digits < 18 {
            value = value * 10 + Int64(json[i] &- 48)
            digits += 1
            i += 1
        }
        return digits > 0 ? value : nil
    }
}

/// Which header names could be of interest, by their lower-cased first byte: the names the
/// classifier reads itself, the API-key headers and the gateway-evidence headers (a prefix pattern
/// that is only `*` marks every byte). One load rejects most names.
final class HeaderNameTable: @unchecked Sendable {
    static let fixed: UInt8 = 1, apiKey: UInt8 = 2, gateway: UInt8 = 4
    /// authorization, cookie, content-type, x-forwarded-for, upgrade, soapaction, accept.
    static let fixedFirstBytes = "acxus"
    private let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)

    init(apiKeyHeaders: NamePatternSet, gatewayHeaders: NamePatternSet) {
        table.initialize(repeating: 0, count: 256)
        func mark(_ first: UInt8?, _ bit: UInt8) {
            guard let first else {
                for i in 0..<256 { table[i] |= bit }
                return
            }
            table[Int(first)] |= bit
            if first &- 97 < 26 { table[Int(first - 32)] |= bit }
        }
        for b in Self.fixedFirstBytes.utf8 { mark(b, Self.fixed) }
        for p in apiKeyHeaders.patterns { mark(p.lowercased().utf8.first.flatMap { $0 == UInt8(ascii: "*") ? nil : $0 }, Self.apiKey) }
        for p in gatewayHeaders.patterns { mark(p.lowercased().utf8.first.flatMap { $0 == UInt8(ascii: "*") ? nil : $0 }, Self.gateway) }
    }

    deinit { table.deallocate() }

    @inline(__always) func candidates(_ name: Bytes) -> UInt8 {
        guard let base = name.baseAddress, name.count > 0 else { return 0 }
        return table[Int(base[0])]
    }
}
