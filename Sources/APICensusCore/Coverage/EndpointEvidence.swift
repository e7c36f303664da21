/// The coverage evidence of one endpoint: counts of calls by authentication kind, source role,
/// caller class, API style, HTTP version, TLS state, client certificate, gateway evidence and WAF
/// decision, plus the joint counts the indicators need.
///
/// Kept as counts per *signature*: each call's evidence packs into one 30-bit word (every
/// dimension in a few bits, plus flags), and an endpoint sees few distinct signatures, so recording
/// a call is building that word and bumping its count in a short list (like `StatusCounts`) —
/// cheaper per call, and smaller per endpoint, than a counter per dimension value. Every counter of
/// `Slot` is derived from the signatures. Merging adds counts per signature (associative,
/// commutative).
public struct EndpointEvidence: Sendable {
    /// Counter ids of the derived view (`counts`, `self[slot]`).
    public enum Slot {
        public static let auth = 0                                              // AuthKind: 12
        public static let role = auth + AuthKind.allCases.count                 // SourceRole (gateway, waf, lb, service, egress): 5
        public static let caller = role + 5                                     // CallerClass: 4
        public static let style = caller + CallerClass.allCases.count           // APIStyle: 6
        public static let http = style + APIStyle.allCases.count                // HTTPVersionClass: 5
        public static let tls = http + HTTPVersionClass.allCases.count          // TLSState: 8
        public static let certificate = tls + TLSState.allCases.count           // ClientCertificateEvidence: 5
        public static let gateway = certificate + 5                             // GatewayEvidence: 3
        public static let waf = gateway + GatewayEvidence.allCases.count        // WAFDecision: 5
        public static let externalByRole = waf + WAFDecision.allCases.count     // external calls per role: 5
        public static let jwtAlgNone = externalByRole + 5
        public static let jwtExpired = jwtAlgNone + 1
        public static let weakCipher = jwtExpired + 1
        /// 2xx answers to calls that carried no credential (auth `none`).
        public static let unauthenticatedSuccess = weakCipher + 1
        /// External calls whose authentication is observable, and those of them authenticated.
        public static let externalAuthObservable = unauthenticatedSuccess + 1
        public static let externalAuthenticated = externalAuthObservable + 1
        /// Internal (service-to-service) calls whose client certificate is logged, and those verified.
        public static let internalCertificateObservable = externalAuthenticated + 1
        public static let internalCertificateVerified = internalCertificateObservable + 1
        /// Authenticated calls with a strong kind, minus JWTs with `alg: none`.
        public static let strongAuthenticated = internalCertificateVerified + 1
        public static let count = strongAuthenticated + 1
    }

    /// One call's evidence as a word: auth (4 bits), role (3), caller (2), style (3), HTTP (3),
    /// TLS (3), client certificate (3), gateway evidence (2), WAF (3), then the flags `alg: none`,
    /// expired JWT, weak cipher, 2xx status.
    public enum Signature {
        @inline(__always)
        public static func make(_ e: CallEvidence, roleIndex: Int, status: Int32) -> UInt64 {
            make(word: e.word, roleIndex: roleIndex, status: status)
        }

        /// The signature of a call whose evidence word (`CallEvidence.word`) is `word`.
        @inline(__always)
        public static func make(word: UInt64, roleIndex: Int, status: Int32) -> UInt64 {
            var w = word & evidenceMask
            w |= UInt64(truncatingIfNeeded: roleIndex) << 4
            if UInt32(bitPattern: status &- 200) < 100 { w |= 1 << 29 }
            return w
        }

        /// The bits of `CallEvidence.word` a signature keeps (not the role, the status, or the
        /// query-key bit).
        static let evidenceMask: UInt64 = (1 << 29 - 1) & ~(7 << 4)

        public static let bits = 30

        /// Calls `body` with each counter slot a signature adds to.
        @inline(__always)
        static func forEachSlot(_ w: UInt64, _ body: (Int) -> Void) {
            let auth = Int(w & 15), role = Int(w >> 4 & 7), caller = Int(w >> 7 & 3)
            let cert = Int(w >> 18 & 7)
            let algNone = w >> 26 & 1 == 1
            body(Slot.auth + auth)
            body(Slot.role + role)
            body(Slot.caller + caller)
            body(Slot.style + Int(w >> 9 & 7))
            body(Slot.http + Int(w >> 12 & 7))
            body(Slot.tls + Int(w >> 15 & 7))
            body(Slot.certificate + cert)
            body(Slot.gateway + Int(w >> 21 & 3))
            body(Slot.waf + Int(w >> 23 & 7))
            if algNone { body(Slot.jwtAlgNone) }
            if w >> 27 & 1 == 1 { body(Slot.jwtExpired) }
            if w >> 28 & 1 == 1 { body(Slot.weakCipher) }
            let authKind = AuthKind(rawValue: UInt8(auth)) ?? .notObservable
            if authKind == .none, w >> 29 & 1 == 1 { body(Slot.unauthenticatedSuccess) }
            if caller == Int(CallerClass.external.rawValue) {
                body(Slot.externalByRole + role)
                if authKind != .notObservable {
                    body(Slot.externalAuthObservable)
                    if authKind != .none { body(Slot.externalAuthenticated) }
                }
            } else if caller == Int(CallerClass.internal.rawValue), cert != Int(ClientCertificateEvidence.notLogged.rawValue) {
                body(Slot.internalCertificateObservable)
                if cert == Int(ClientCertificateEvidence.verified.rawValue) { body(Slot.internalCertificateVerified) }
            }
            if authKind.isStrong, !algNone { body(Slot.strongAuthenticated) }
        }

        /// Does the word decode to valid enum values? (The state codec's check.)
        public static func isValid(_ w: UInt64) -> Bool {
            w >> bits == 0 && AuthKind(rawValue: UInt8(w & 15)) != nil && w >> 4 & 7 < 5
                && APIStyle(rawValue: UInt8(w >> 9 & 7)) != nil && HTTPVersionClass(rawValue: UInt8(w >> 12 & 7)) != nil
                && ClientCertificateEvidence(rawValue: UInt8(w >> 18 & 7)) != nil && GatewayEvidence(rawValue: UInt8(w >> 21 & 3)) != nil
                && WAFDecision(rawValue: UInt8(w >> 23 & 7)) != nil
        }
    }

    /// Signatures and counts, interleaved: `[signature0, count0, signature1, count1, …]`
    /// (`signature << 34 | count` words would overflow for long runs). Kept roughly most frequent
    /// first (see `add`).
    private var packed: [UInt64] = []

    public init() {}

    /// Rebuilds evidence from (signature, count) pairs (the state codec's decoding).
    public init(signatureCounts: [(signature: UInt64, count: UInt64)]) {
        for (s, c) in signatureCounts { add(signature: s, count: c) }
    }

    /// Calls `body` with every (signature, count) pair, in no particular order.
    @inline(__always)
    func forEachPair(_ body: (UInt64, UInt64) -> Void) {
        for i in stride(from: 0, to: packed.count, by: 2) { body(packed[i], packed[i + 1]) }
    }

    /// (signature, count) pairs sorted by signature: the canonical form, whatever the order calls came in.
    public var signatureCounts: [(signature: UInt64, count: UInt64)] {
        var pairs: [(signature: UInt64, count: UInt64)] = []
        pairs.reserveCapacity(packed.count / 2 + 1)
        forEachPair { pairs.append(($0, $1)) }
        return pairs.sorted { $0.signature < $1.signature }
    }

    /// The derived counters, `Slot.count` of them.
    public var counts: [UInt64] {
        var c = [UInt64](repeating: 0, count: Slot.count)
        forEachPair { signature, n in Signature.forEachSlot(signature) { c[$0] &+= n } }
        return c
    }

    public var isEmpty: Bool { packed.isEmpty }

    public subscript(_ slot: Int) -> UInt64 {
        var total: UInt64 = 0
        forEachPair { signature, n in Signature.forEachSlot(signature) { if $0 == slot { total &+= n } } }
        return total
    }

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
        add(signature: Signature.make(e, roleIndex: roleIndex, status: status), count: 1)
    }

    /// Counts `count` calls of `signature`. A signature found after the first changes places with
    /// the one before it (a self-organising list: frequent signatures drift to the front and are
    /// found in a compare or two; the order means nothing to `signatureCounts` and `==`, which sort).
    @inline(__always)
    mutating func add(signature: UInt64, count: UInt64) {
        let found = packed.withUnsafeMutableBufferPointer { p -> Bool in
            var i = 0
            while i < p.count {
                if p[i] == signature {
                    let n = p[i + 1] &+ count
                    if i > 0 {
                        p[i] = p[i - 2]
                        p[i + 1] = p[i - 1]
                        p[i - 2] = signature
                        p[i - 1] = n
                    } else {
                        p[1] = n
                    }
                    return true
                }
                i &+= 2
            }
            return false
        }
        if !found {
            packed.append(signature)
            packed.append(count)
        }
    }

    public mutating func merge(_ other: EndpointEvidence) {
        other.forEachPair { add(signature: $0, count: $1) }
    }

    /// The derived counters, computed once for reading many of them.
    public var tally: EvidenceTally { EvidenceTally(counts: counts) }

    /// Authentication as one source role saw it, for judging protection per vantage point: a
    /// sidecar behind a gateway sees the gateway's calls after it stripped the credential, which
    /// says nothing about whether the endpoint is protected.
    public struct RoleAuthentication: Sendable, Equatable {
        /// Calls whose authentication is observable.
        public var observable: UInt64 = 0
        public var authenticated: UInt64 = 0
        /// 2xx answers to calls without credentials that carried no gateway evidence (a record with
        /// gateway evidence was authenticated upstream, if anywhere).
        public var unauthenticatedSuccess: UInt64 = 0
    }

    /// Per role, in `roleOrder`.
    public var authenticationByRole: [RoleAuthentication] {
        var result = [RoleAuthentication](repeating: RoleAuthentication(), count: Self.roleOrder.count)
        forEachPair { w, n in
            let auth = AuthKind(rawValue: UInt8(w & 15)) ?? .notObservable
            guard auth != .notObservable else { return }
            let role = Int(w >> 4 & 7)
            result[role].observable &+= n
            if auth != .none {
                result[role].authenticated &+= n
            } else if w >> 29 & 1 == 1, w >> 21 & 3 != UInt64(GatewayEvidence.present.rawValue) {
                result[role].unauthenticatedSuccess &+= n
            }
        }
        return result
    }
}

/// Reading evidence counters by dimension value. `EndpointEvidence` derives each counter from its
/// signatures on every read; `EvidenceTally` holds them computed once (use it to read many).
public protocol EvidenceCounters {
    subscript(_ slot: Int) -> UInt64 { get }
}

extension EndpointEvidence: EvidenceCounters {}

/// The `EndpointEvidence.Slot` counters of some evidence, computed.
public struct EvidenceTally: EvidenceCounters, Sendable, Equatable {
    public let counts: [UInt64]
    public init(counts: [UInt64]) { self.counts = counts }
    public subscript(_ slot: Int) -> UInt64 { counts[slot] }
}

extension EvidenceCounters {

    public func calls(auth: AuthKind) -> UInt64 { self[EndpointEvidence.Slot.auth + Int(auth.rawValue)] }
    public func calls(role: SourceRole) -> UInt64 { self[EndpointEvidence.Slot.role + EndpointEvidence.roleIndex(role)] }
    public func calls(caller: CallerClass) -> UInt64 { self[EndpointEvidence.Slot.caller + Int(caller.rawValue)] }
    public func calls(style: APIStyle) -> UInt64 { self[EndpointEvidence.Slot.style + Int(style.rawValue)] }
    public func calls(http: HTTPVersionClass) -> UInt64 { self[EndpointEvidence.Slot.http + Int(http.rawValue)] }
    public func calls(tls: TLSState) -> UInt64 { self[EndpointEvidence.Slot.tls + Int(tls.rawValue)] }
    public func calls(certificate: ClientCertificateEvidence) -> UInt64 { self[EndpointEvidence.Slot.certificate + Int(certificate.rawValue)] }
    public func calls(gateway: GatewayEvidence) -> UInt64 { self[EndpointEvidence.Slot.gateway + Int(gateway.rawValue)] }
    public func calls(waf: WAFDecision) -> UInt64 { self[EndpointEvidence.Slot.waf + Int(waf.rawValue)] }
    public func externalCalls(role: SourceRole) -> UInt64 { self[EndpointEvidence.Slot.externalByRole + EndpointEvidence.roleIndex(role)] }

    public var total: UInt64 { AuthKind.allCases.reduce(0) { $0 + calls(auth: $1) } }
    public var rolesSeen: [SourceRole] { EndpointEvidence.roleOrder.filter { calls(role: $0) > 0 } }
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
    public var estimatedDistinctCalls: UInt64 { EndpointEvidence.roleOrder.map { calls(role: $0) }.max() ?? 0 }
    public var estimatedDistinctExternalCalls: UInt64 { EndpointEvidence.roleOrder.map { externalCalls(role: $0) }.max() ?? 0 }
}

extension EndpointEvidence: Equatable {
    /// Equal when every signature has the same count, whatever order they were first seen in.
    public static func == (a: EndpointEvidence, b: EndpointEvidence) -> Bool {
        a.signatureCounts.elementsEqual(b.signatureCounts) { $0 == $1 }
    }
}

/// Run-wide coverage counts: which roles contributed records, and what their formats can log.
public struct RunEvidence: Sendable, Equatable {
    /// Parsed records per role (`EndpointEvidence.roleOrder`).
    public var recordsByRole: [UInt64] = [0, 0, 0, 0, 0]
    /// The role most records were counted under (the first in `roleOrder` on a tie); nil without records.
    public var mainRole: SourceRole? {
        var best: Int?
        for i in recordsByRole.indices where recordsByRole[i] > 0 && (best == nil || recordsByRole[i] > recordsByRole[best!]) { best = i }
        return best.map { EndpointEvidence.roleOrder[$0] }
    }
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
