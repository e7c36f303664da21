/// How a call authenticated, as a kind; the credential itself is never kept.
public enum AuthKind: UInt8, CaseIterable, Sendable {
    /// The format logs the credentials a call could carry, and this call carried none.
    case none
    /// HTTP Basic (an `Authorization: Basic` header, or the user name CLF logs for it).
    case basic
    /// An API key in a request header.
    case apiKey
    /// An API key or token in the query string (the value is never read).
    case apiKeyQuery
    /// A bearer JSON Web Token (header and claim names decoded, nothing else).
    case bearerJWT
    /// A bearer token that is not a JWT (an opaque OAuth access token).
    case bearerOpaque
    /// `Authorization: Bearer` whose token the log leaves out: the secret-free configurations the
    /// format pages recommend log the scheme word only. A bearer token was sent; whether it is a JWT
    /// (and its `alg`) cannot be told.
    case bearerSchemeOnly
    /// A session cookie.
    case sessionCookie
    /// A client certificate the server verified (mutual TLS).
    case mtls
    /// A consumer the gateway authenticated (Kong consumer, authorizer principal).
    case gatewayConsumer
    /// Another `Authorization` scheme (Digest, AWS SigV4, Negotiate…), a credential the logger
    /// masked (`REDACTED`), or a user another scheme than HTTP Basic authenticated (IIS
    /// `cs-username`, Caddy `user_id`).
    case other
    /// The format logs nothing that would show a credential.
    case notObservable

    public var name: String {
        switch self {
        case .none: "none"
        case .basic: "basic"
        case .apiKey: "api_key"
        case .apiKeyQuery: "api_key_query"
        case .bearerJWT: "bearer_jwt"
        case .bearerOpaque: "bearer_opaque"
        case .bearerSchemeOnly: "bearer_scheme_only"
        case .sessionCookie: "session_cookie"
        case .mtls: "mtls"
        case .gatewayConsumer: "gateway_consumer"
        case .other: "other"
        case .notObservable: "not_observable"
        }
    }

    public var isAuthenticated: Bool { self != .none && self != .notObservable }
    /// Modern, strong credentials: OAuth/JWT bearer tokens (whether or not the token is logged) and
    /// mutual TLS.
    public var isStrong: Bool { self == .bearerJWT || self == .bearerOpaque || self == .bearerSchemeOnly || self == .mtls }
    /// Weak or absent: basic, keys in the query string, nothing.
    public var isWeak: Bool { self == .basic || self == .apiKeyQuery || self == .none }
}

/// Where a caller is, from its address (after walking `X-Forwarded-For` through trusted proxies).
public enum CallerClass: UInt8, CaseIterable, Sendable {
    case `internal`, partner, external, unknown

    public var name: String {
        switch self {
        case .internal: "internal"
        case .partner: "partner"
        case .external: "external"
        case .unknown: "unknown"
        }
    }
}

/// The API style a call shows.
public enum APIStyle: UInt8, CaseIterable, Sendable {
    case rest, graphql, grpc, soap, websocket, sse

    public var name: String {
        switch self {
        case .rest: "rest"
        case .graphql: "graphql"
        case .grpc: "grpc"
        case .soap: "soap"
        case .websocket: "websocket"
        case .sse: "sse"
        }
    }
}

public enum HTTPVersionClass: UInt8, CaseIterable, Sendable {
    case http10, http11, http2, http3, unknown

    public var name: String {
        switch self {
        case .http10: "1.0"
        case .http11: "1.1"
        case .http2: "2"
        case .http3: "3"
        case .unknown: "unknown"
        }
    }
}

/// The transport security of a call.
public enum TLSState: UInt8, CaseIterable, Sendable {
    /// The format logs neither TLS nor the scheme.
    case notObservable
    case plaintext
    case ssl3, tls10, tls11, tls12, tls13
    /// Encrypted (the scheme says `https`), version not logged.
    case tlsUnknownVersion

    public var name: String {
        switch self {
        case .notObservable: "not_observable"
        case .plaintext: "plaintext"
        case .ssl3: "ssl3"
        case .tls10: "tls1.0"
        case .tls11: "tls1.1"
        case .tls12: "tls1.2"
        case .tls13: "tls1.3"
        case .tlsUnknownVersion: "tls_unknown_version"
        }
    }

    public var isEncrypted: Bool { self != .notObservable && self != .plaintext }
    /// SSL 3, TLS 1.0 and 1.1: deprecated (RFC 8996).
    public var isLegacy: Bool { self == .ssl3 || self == .tls10 || self == .tls11 }
}

/// Whether a record shows that a gateway handled the call.
public enum GatewayEvidence: UInt8, CaseIterable, Sendable {
    /// Not judged: the record comes from a gateway or WAF itself, or its format logs nothing that
    /// could carry gateway evidence.
    case notObservable
    case absent
    case present

    public var name: String {
        switch self {
        case .notObservable: "not_observable"
        case .absent: "absent"
        case .present: "present"
        }
    }
}

/// A WAF's decision, normalised.
public enum WAFDecision: UInt8, CaseIterable, Sendable {
    case notLogged, allow, block, count, other

    public var name: String {
        switch self {
        case .notLogged: "not_logged"
        case .allow: "allow"
        case .block: "block"
        case .count: "count"
        case .other: "other"
        }
    }
}

/// Everything the coverage work learns from one call, packed in the word an endpoint counts it
/// under (`EndpointEvidence.Signature`: role and status are added when the call is recorded), so that
/// recording a call copies one word and re-packs nothing.
public struct CallEvidence: Sendable, Equatable {
    public var word: UInt64

    /// Bit 30, never stored: the kind was decided below the query-key step (user name, consumer,
    /// cookie, none, not observable), so an API key found in the query string takes precedence.
    static let openToQueryKeyBit: UInt64 = 1 << 30

    /// Nothing observed: auth and TLS not observable, caller and HTTP version unknown, REST.
    public init() {
        word = UInt64(AuthKind.notObservable.rawValue) | UInt64(CallerClass.unknown.rawValue) << 7
            | UInt64(HTTPVersionClass.unknown.rawValue) << 12
    }

    @inline(__always) func field(_ shift: UInt64, _ mask: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: word >> shift & mask) }
    @inline(__always) mutating func setField(_ value: UInt8, _ shift: UInt64, _ mask: UInt64) {
        word = word & ~(mask << shift) | (UInt64(value) & mask) << shift
    }
    @inline(__always) mutating func setFlag(_ on: Bool, _ bit: UInt64) {
        word = on ? word | 1 << bit : word & ~(1 << bit)
    }

    public var auth: AuthKind {
        get { AuthKind(rawValue: field(0, 15)) ?? .notObservable }
        set { setField(newValue.rawValue, 0, 15) }
    }
    public var caller: CallerClass {
        get { CallerClass(rawValue: field(7, 3)) ?? .unknown }
        set { setField(newValue.rawValue, 7, 3) }
    }
    public var style: APIStyle {
        get { APIStyle(rawValue: field(9, 7)) ?? .rest }
        set { setField(newValue.rawValue, 9, 7) }
    }
    public var http: HTTPVersionClass {
        get { HTTPVersionClass(rawValue: field(12, 7)) ?? .unknown }
        set { setField(newValue.rawValue, 12, 7) }
    }
    public var tls: TLSState {
        get { TLSState(rawValue: field(15, 7)) ?? .notObservable }
        set { setField(newValue.rawValue, 15, 7) }
    }
    public var clientCertificate: ClientCertificateEvidence {
        get { ClientCertificateEvidence(rawValue: field(18, 7)) ?? .notLogged }
        set { setField(newValue.rawValue, 18, 7) }
    }
    public var gateway: GatewayEvidence {
        get { GatewayEvidence(rawValue: field(21, 3)) ?? .notObservable }
        set { setField(newValue.rawValue, 21, 3) }
    }
    public var waf: WAFDecision {
        get { WAFDecision(rawValue: field(23, 7)) ?? .notLogged }
        set { setField(newValue.rawValue, 23, 7) }
    }
    /// A JWT with `alg: none` (unsigned).
    public var jwtAlgNone: Bool {
        get { word >> 26 & 1 == 1 }
        set { setFlag(newValue, 26) }
    }
    /// A JWT whose `exp` lies before the call's time.
    public var jwtExpired: Bool {
        get { word >> 27 & 1 == 1 }
        set { setFlag(newValue, 27) }
    }
    /// NULL, export, RC4, DES/3DES, MD5 or anonymous cipher suites.
    public var weakCipher: Bool {
        get { word >> 28 & 1 == 1 }
        set { setFlag(newValue, 28) }
    }
    /// The kind was decided below the query-key step: an API key in the query takes precedence.
    public var authOpenToQueryKey: Bool {
        get { word & Self.openToQueryKeyBit != 0 }
        set { setFlag(newValue, 30) }
    }
}
