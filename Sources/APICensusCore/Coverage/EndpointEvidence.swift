/// The coverage evidence of one endpoint: counts of calls by authentication kind, source role,
/// caller class, API style, HTTP version, TLS state, client certificate, gateway evidence and WAF
/// decision, plus a few joint counts the indicators need. A flat array of counters with a fixed
/// layout, allocated on the endpoint's first call: recording a call is a handful of increments,
/// merging is element-wise addition (associative and commutative).
public struct EndpointEvidence: Sendable {
    /// Offsets into `counts`. Literal numbers, so the hot path indexes with constants.
    public enum Slot {
        public static let auth = 0                  // AuthKind: 11
        public static let role = 11                 // SourceRole (gateway, waf, lb, service, egress): 5
        public static let caller = 16               // CallerClass: 4
        public static let style = 20                // APIStyle: 6
        public static let http = 26                 // HTTPVersionClass: 5
        public static let tls = 31                  // TLSState: 8
        public static let certificate = 39          // ClientCertificateEvidence: 5
        public static let gateway = 44              // GatewayEvidence: 3
        public static let waf = 47                  // WAFDecision: 5
        public static let externalByRole = 52       // external calls per role: 5
        public static let jwtAlgNone = 57
        public static let jwtExpired = 58
        public static let weakCipher = 59
        /// 2xx answers to calls that carried no credential (auth `none`).
        public static let unauthenticatedSuccess = 60
        /// External calls whose authentication is observable, and those of them authenticated.
        public static let externalAuthObservable = 61
        public static let externalAuthenticated = 62
        /// Internal (service-to-service) calls whose client certificate is logged, and those verified.
        public static let internalCertificateObservable = 63
        public static let internalCertificateVerified = 64
        /// Authenticated calls with a strong kind, minus JWTs with `alg: none`.
        public static let strongAuthenticated = 65
        public static let count = 66
    }

    /// The counters, `Slot.count` of them, or empty before the first call.
    public private(set) var counts: [UInt64] = []

    public init() {}

    /// Builds evidence from counters (the state codec's decoding).
    public init(counts: [UInt64]) {
        precondition(counts.isEmpty || counts.count == Slot.count, "evidence has \(Slot.count) counters")
        self.counts = counts
    }

    public subscript(_ slot: Int) -> UInt64 { counts.isEmpty ? 0 : counts[slot] }

    public static func roleIndex(_ role: SourceRole) -> Int {
        switch role {
        case .gateway: 0
        case .waf: 1
        case .lb: 2
        case .service: 3
        case .egress: 4
        }
    }

    public static let roleOrder: [SourceRole] = [.gateway, .waf, .lb, .service, .egress]

    /// Hot-path update for one call.
    @inline(__always)
    public mutating func record(_ e: CallEvidence, roleIndex: Int, status: Int32) {
        if counts.isEmpty { counts = [UInt64](repeating: 0, count: Slot.count) }
        counts.withUnsafeMutableBufferPointer { c in
            c[Int(e.auth.rawValue)] &+= 1
            c[11 + roleIndex] &+= 1
            c[16 + Int(e.caller.rawValue)] &+= 1
            c[20 + Int(e.style.rawValue)] &+= 1
            c[26 + Int(e.http.rawValue)] &+= 1
            c[31 + Int(e.tls.rawValue)] &+= 1
            c[39 + Int(e.clientCertificate.rawValue)] &+= 1
            c[44 + Int(e.gateway.rawValue)] &+= 1
            c[47 + Int(e.waf.rawValue)] &+= 1
            if e.jwtAlgNone { c[57] &+= 1 }
            if e.jwtExpired { c[58] &+= 1 }
            if e.weakCipher { c[59] &+= 1 }
            if e.auth == .none, status >= 200, status < 300 { c[60] &+= 1 }
            if e.caller == .external {
                c[52 + roleIndex] &+= 1
                if e.auth != .notObservable {
                    c[61] &+= 1
                    if e.auth != .none { c[62] &+= 1 }
                }
            } else if e.caller == .internal, e.clientCertificate != .notLogged {
                c[63] &+= 1
                if e.clientCertificate == .verified { c[64] &+= 1 }
            }
            if e.auth.isStrong, !e.jwtAlgNone { c[65] &+= 1 }
        }
    }

    public mutating func merge(_ other: EndpointEvidence) {
        guard !other.counts.isEmpty else { return }
        if counts.isEmpty {
            counts = other.counts
            return
        }
        for i in 0..<Slot.count { counts[i] &+= other.counts[i] }
    }

    // MARK: Reading

    public func calls(auth: AuthKind) -> UInt64 { self[Slot.auth + Int(auth.rawValue)] }
    public func calls(role: SourceRole) -> UInt64 { self[Slot.role + Self.roleIndex(role)] }
    public func calls(caller: CallerClass) -> UInt64 { self[Slot.caller + Int(caller.rawValue)] }
    public func calls(style: APIStyle) -> UInt64 { self[Slot.style + Int(style.rawValue)] }
    public func calls(http: HTTPVersionClass) -> UInt64 { self[Slot.http + Int(http.rawValue)] }
    public func calls(tls: TLSState) -> UInt64 { self[Slot.tls + Int(tls.rawValue)] }
    public func calls(certificate: ClientCertificateEvidence) -> UInt64 { self[Slot.certificate + Int(certificate.rawValue)] }
    public func calls(gateway: GatewayEvidence) -> UInt64 { self[Slot.gateway + Int(gateway.rawValue)] }
    public func calls(waf: WAFDecision) -> UInt64 { self[Slot.waf + Int(waf.rawValue)] }
    public func externalCalls(role: SourceRole) -> UInt64 { self[Slot.externalByRole + Self.roleIndex(role)] }

    public var total: UInt64 { AuthKind.allCases.reduce(0) { $0 + calls(auth: $1) } }
    public var rolesSeen: [SourceRole] { Self.roleOrder.filter { calls(role: $0) > 0 } }
    public var authObservableCalls: UInt64 { total - calls(auth: .notObservable) }
    public var authenticatedCalls: UInt64 { authObservableCalls - calls(auth: .none) }
    public var tlsObservableCalls: UInt64 { total - calls(tls: .notObservable) }
    public var encryptedCalls: UInt64 { tlsObservableCalls - calls(tls: .plaintext) }
    public var legacyTLSCalls: UInt64 { calls(tls: .ssl3) + calls(tls: .tls10) + calls(tls: .tls11) }
    /// Encrypted calls whose version is logged.
    public var versionedTLSCalls: UInt64 { encryptedCalls - calls(tls: .tlsUnknownVersion) }
    public var wafLoggedCalls: UInt64 { total - calls(waf: .notLogged) }

    /// The style most calls showed (ties: the first in `APIStyle` order, REST before the others).
    public var dominantStyle: APIStyle {
        var best = APIStyle.rest
        var bestCount: UInt64 = 0
        for s in APIStyle.allCases where calls(style: s) > bestCount {
            best = s
            bestCount = calls(style: s)
        }
        return best
    }

    /// The most calls any one role saw: an estimate of the distinct calls when several sources log
    /// the same traffic (the same call seen by a gateway and by the service counts once).
    public var estimatedDistinctCalls: UInt64 { Self.roleOrder.map { calls(role: $0) }.max() ?? 0 }
    public var estimatedDistinctExternalCalls: UInt64 { Self.roleOrder.map { externalCalls(role: $0) }.max() ?? 0 }
}

extension EndpointEvidence: Equatable {
    /// Empty evidence equals all-zero evidence.
    public static func == (a: EndpointEvidence, b: EndpointEvidence) -> Bool {
        if a.counts.isEmpty || b.counts.isEmpty {
            let other = a.counts.isEmpty ? b.counts : a.counts
            return other.allSatisfy { $0 == 0 }
        }
        return a.counts == b.counts
    }
}

/// Run-wide coverage counts: which roles contributed records, and what their formats can log.
public struct RunEvidence: Sendable, Equatable {
    /// Parsed records per role (`EndpointEvidence.roleOrder`).
    public var recordsByRole: [UInt64] = [0, 0, 0, 0, 0]
    /// Union of the fields the formats of contributing inputs can log.
    public var observableFields = CallFieldSet()

    public init() {}

    public mutating func merge(_ other: RunEvidence) {
        for i in 0..<5 { recordsByRole[i] &+= other.recordsByRole[i] }
        observableFields.formUnion(other.observableFields)
    }

    public var rolesPresent: Set<SourceRole> {
        Set(EndpointEvidence.roleOrder.enumerated().filter { recordsByRole[$0.offset] > 0 }.map(\.element))
    }
}
