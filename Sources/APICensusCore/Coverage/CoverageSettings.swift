/// What the user tells APICensus about their network and conventions, for coverage: which
/// addresses are internal, partners, trusted proxies or gateways; which hosts are third-party APIs;
/// which headers prove that a gateway handled a call; where API keys travel. Read from the
/// configuration file (`networks:`, `gateway_evidence:`, `api_keys:`) or left at the defaults.
public struct CoverageSettings: Sendable, Equatable {
    /// Internal callers. Private, loopback, link-local, CGNAT and unique-local ranges by default.
    public var internalNetworks: CIDRSet = .privateRanges
    /// Partner callers (checked before internal: a partner's VPN range may be private).
    public var partnerNetworks = CIDRSet()
    /// Proxies whose `X-Forwarded-For` is believed: the caller is the first address, from the right,
    /// that is not a trusted proxy.
    public var trustedProxies = CIDRSet()
    /// Addresses of the organisation's gateways: a call arriving from one (directly or through the
    /// forwarded chain) was mediated. Gateways are trusted proxies too.
    public var gatewayNetworks = CIDRSet()
    /// Third-party API hosts (`api.stripe.com`, `*.twilio.com`): endpoints on them are third-party APIs.
    public var thirdPartyHosts = HostPatternSet()
    /// Header names whose presence on a service-side record proves a gateway or mesh proxy handled
    /// the call. A trailing `*` matches a prefix (`X-Kong-*`).
    public var gatewayEvidenceHeaders = NamePatternSet(CoverageSettings.defaultGatewayEvidenceHeaders)
    /// Request headers that carry API keys.
    public var apiKeyHeaders = NamePatternSet(CoverageSettings.defaultAPIKeyHeaders)
    /// Query parameters that carry API keys or tokens (their values are never read).
    public var apiKeyQueryParameters = NamePatternSet(CoverageSettings.defaultAPIKeyQueryParameters)

    public init() {}

    public static let defaultGatewayEvidenceHeaders = ["Via", "X-Kong-*", "x-envoy-*", "X-Amzn-Trace-Id",
                                                       "X-Amzn-Apigateway-Api-Id", "X-Apigee-*", "X-Azure-Ref"]
    public static let defaultAPIKeyHeaders = ["X-API-Key", "apikey", "api-key", "X-Api-Token", "Ocp-Apim-Subscription-Key",
                                              "X-Goog-Api-Key", "x-functions-key"]
    public static let defaultAPIKeyQueryParameters = ["api_key", "apikey", "api-key", "key", "access_token", "token",
                                                      "auth_token", "subscription-key", "client_secret", "sig"]
}

/// Case-insensitive names, some of them prefixes (`X-Kong-*`), matched against bytes. The
/// lower-cased patterns sit in one flat buffer so that matching touches no reference counts.
public struct NamePatternSet: Sendable, Equatable {
    public private(set) var patterns: [String]
    /// Lower-cased pattern bytes (without a trailing `*`), back to back.
    private var flat: [UInt8] = []
    /// Per pattern: offset in `flat`, length, and whether it is a prefix.
    private var entries: [(offset: Int, length: Int, prefix: Bool)] = []
    /// Bit i set when some pattern could match a name of length i (exact names; prefixes set every
    /// length from theirs on): rejects most names without comparing.
    private var lengthMask: UInt64 = 0

    public init(_ patterns: [String]) {
        self.patterns = patterns
        for p in patterns {
            let prefix = p.hasSuffix("*")
            let body = Array((prefix ? String(p.dropLast()) : p).lowercased().utf8)
            entries.append((flat.count, body.count, prefix))
            flat.append(contentsOf: body)
            if prefix {
                for i in min(body.count, 63)...63 { lengthMask |= 1 << UInt64(i) }
            } else {
                lengthMask |= 1 << UInt64(min(body.count, 63))
            }
        }
    }

    public static func == (a: NamePatternSet, b: NamePatternSet) -> Bool { a.patterns == b.patterns }

    public var isEmpty: Bool { patterns.isEmpty }

    @inline(__always)
    public func matches(_ name: Bytes) -> Bool {
        guard lengthMask >> UInt64(min(name.count, 63)) & 1 == 1, let n = name.baseAddress else { return false }
        return flat.withUnsafeBufferPointer { f in
            entries.withUnsafeBufferPointer { list in
                for e in list {
                    if e.prefix ? name.count < e.length : name.count != e.length { continue }
                    var equal = true
                    for i in 0..<e.length where Self.lower(n[i]) != f[e.offset + i] {
                        equal = false
                        break
                    }
                    if equal { return true }
                }
                return false
            }
        }
    }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b &- 65 < 26 ? b | 0x20 : b }
}

/// Host names, exact or `*.suffix` (which also matches the bare suffix).
public struct HostPatternSet: Sendable, Equatable {
    public private(set) var patterns: [String]

    public init(_ patterns: [String] = []) { self.patterns = patterns.map { $0.lowercased() } }

    public var isEmpty: Bool { patterns.isEmpty }

    public func matches(_ host: String) -> Bool {
        let h = host.lowercased()
        for p in patterns {
            if p.hasPrefix("*.") {
                let suffix = p.dropFirst(1)
                if h.hasSuffix(suffix) || h == p.dropFirst(2) { return true }
            } else if h == p {
                return true
            }
        }
        return false
    }
}

/// A set of `CallField`s as one word: what the format of an input can log.
public struct CallFieldSet: Sendable, Equatable, Hashable {
    public var bits: UInt64

    public init(bits: UInt64 = 0) { self.bits = bits }

    public init(_ fields: some Sequence<CallField>) {
        bits = 0
        for f in fields { insert(f) }
    }

    @inline(__always) static func bit(_ f: CallField) -> UInt64 { 1 << UInt64(f.ordinal) }

    public mutating func insert(_ f: CallField) { bits |= Self.bit(f) }

    @inline(__always) public func contains(_ f: CallField) -> Bool { bits & Self.bit(f) != 0 }

    public mutating func formUnion(_ other: CallFieldSet) { bits |= other.bits }

    public var fields: Set<CallField> { Set(CallField.allCases.filter(contains)) }
}

extension CallField {
    /// A small number per field, for `CallFieldSet`'s bits (a `switch`: no search of `allCases`).
    var ordinal: Int {
        switch self {
        case .method: 0
        case .target: 1
        case .httpVersion: 2
        case .host: 3
        case .client: 4
        case .user: 5
        case .referrer: 6
        case .userAgent: 7
        case .status: 8
        case .responseBytes: 9
        case .timestamp: 10
        case .duration: 11
        case .scheme: 12
        case .tlsProtocol: 13
        case .tlsCipher: 14
        case .clientCertificate: 15
        case .upstream: 16
        case .route: 17
        case .service: 18
        case .consumer: 19
        case .wafAction: 20
        case .wafRule: 21
        case .requestId: 22
        case .forwardedFor: 23
        case .authorization: 24
        case .cookie: 25
        case .apiKey: 26
        case .contentType: 27
        case .requestHeaders: 28
        }
    }
}

/// What the aggregation knows about the input a chunk comes from.
public struct InputContext: Sendable, Equatable {
    /// The role of the source (explicit with `--source ROLE=PATH`, or the format's default).
    public var role: SourceRole
    /// What the input's format can log.
    public var yields: CallFieldSet
    /// A host to use for records that log none (the configuration's `host:` for a source).
    public var hostOverride: String?

    public init(role: SourceRole, yields: CallFieldSet, hostOverride: String? = nil) {
        self.role = role
        self.yields = yields
        self.hostOverride = hostOverride
    }

    /// Inputs the aggregation was told nothing about: a load balancer's combined log.
    public static let unspecified = InputContext(role: .lb, yields: CallFieldSet(FormatDescriptor.combined.yields))
}
