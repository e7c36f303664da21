/// How an endpoint of the inventory relates to the supplied OpenAPI specs.
public enum DocumentationStatus: String, Sendable, Comparable, CaseIterable {
    /// Matches a current (not deprecated, not superseded) operation of a spec.
    case documented
    /// Called, but no spec documents it (the OWASP API9 "shadow API").
    case shadow
    /// Called although its operation is deprecated, or although a newer version of the same
    /// resource exists in a spec (`/v1/users` while `/v2/users` is documented).
    case zombie
    /// Not an API endpoint (static asset, probe, health check, the overflow bucket): not judged.
    case notAPI = "not_api"

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The per-endpoint `documentation` field.
public struct EndpointDocumentation: Sendable, Equatable {
    public var status: DocumentationStatus
    /// The spec path it matched (nil when none).
    public var specPath: String?
    /// The spec files that declare that path.
    public var specSources: [String]
    public var operationID: String?
    /// The spec marks the operation deprecated.
    public var deprecated: Bool
    /// The newer spec path of the same resource that supersedes this one.
    public var supersededBy: String?
    /// Why, in words (`method not documented for this path`, `host not covered by any spec`).
    public var reason: String?

    public init(status: DocumentationStatus, specPath: String? = nil, specSources: [String] = [], operationID: String? = nil,
                deprecated: Bool = false, supersededBy: String? = nil, reason: String? = nil) {
        self.status = status
        self.specPath = specPath
        self.specSources = specSources
        self.operationID = operationID
        self.deprecated = deprecated
        self.supersededBy = supersededBy
        self.reason = reason
    }
}

/// A spec operation that no logged call reached.
public struct UnusedOperation: Sendable, Equatable {
    public var method: String
    public var path: String
    public var hosts: [String]
    public var operationID: String?
    public var deprecated: Bool
    public var sources: [String]
}

/// Documentation drift of a whole inventory: the per-endpoint verdicts are on the endpoints; this
/// holds the totals, the unused operations and the `docs.*` metrics.
public struct DocumentationDrift: Sendable, Equatable {
    public var specs: [APISpecification]
    public var counts: [DocumentationStatus: Int]
    public var unused: [UnusedOperation]
    /// Calls on endpoints that match a spec operation (documented, or deprecated yet documented).
    public var callsOnSpecOperations: UInt64
    /// Calls on judged endpoints (documented + shadow + zombie).
    public var judgedCalls: UInt64

    /// `docs.documented_share`, `docs.shadow_endpoints`, `docs.zombie_endpoints`.
    public var metrics: [String: EvidenceMetric] {
        [
            EvidenceMetricID.docsDocumentedShare: EvidenceMetric(numerator: Double(callsOnSpecOperations), denominator: Double(judgedCalls)),
            EvidenceMetricID.docsShadowEndpoints: .count(counts[.shadow] ?? 0),
            EvidenceMetricID.docsZombieEndpoints: .count(counts[.zombie] ?? 0),
        ]
    }

    public static let noSpecReason = "no OpenAPI spec supplied (--spec)"

    /// The `docs.*` metrics when no spec was given: not observable, never zero.
    public static var unobservableMetrics: [String: EvidenceMetric] {
        Dictionary(uniqueKeysWithValues: EvidenceMetricID.docsIDs.map { ($0, EvidenceMetric.notObservable(noSpecReason)) })
    }

    /// Judges every endpoint (setting its `documentation`) and lists the unused operations.
    /// `isAPI` says which endpoints are API endpoints (the others are `not_api`, unless a spec
    /// documents them: a documented health check is documented).
    public static func judge(_ endpoints: inout [Endpoint], index: SpecIndex, usedOperations: Set<OperationRef>,
                             isAPI: (Endpoint) -> Bool) -> DocumentationDrift {
        let versions = VersionIndex(routes: index.routes)
        var counts: [DocumentationStatus: Int] = [:]
        var onSpec: UInt64 = 0
        var judged: UInt64 = 0
        for i in endpoints.indices {
            let e = endpoints[i]
            let doc = verdict(for: e, index: index, versions: versions, isAPI: isAPI)
            endpoints[i].documentation = doc
            counts[doc.status, default: 0] += 1
            guard doc.status != .notAPI else { continue }
            judged += e.stats.calls
            // Calls on an operation a spec declares (documented, deprecated or superseded alike).
            if let route = e.specRoute, route.operations[e.method] != nil { onSpec += e.stats.calls }
        }
        var unused: [UnusedOperation] = []
        for route in index.routes {
            for method in route.operations.keys.sorted() where !usedOperations.contains(OperationRef(route: route, method: method)) {
                let op = route.operations[method]!
                unused.append(UnusedOperation(method: method, path: route.path, hosts: route.hosts, operationID: op.operationID,
                                              deprecated: op.deprecated, sources: route.sources))
            }
        }
        unused.sort { ($0.path, $0.method, $0.hosts.joined(separator: ",")) < ($1.path, $1.method, $1.hosts.joined(separator: ",")) }
        return DocumentationDrift(specs: index.specs, counts: counts, unused: unused, callsOnSpecOperations: onSpec, judgedCalls: judged)
    }

    static func verdict(for e: Endpoint, index: SpecIndex, versions: VersionIndex, isAPI: (Endpoint) -> Bool) -> EndpointDocumentation {
        if e.template == ReportBuilder.overflowTemplate || e.template == "*" || e.template == "{authority}" {
            return EndpointDocumentation(status: .notAPI, reason: e.template == ReportBuilder.overflowTemplate
                                         ? "overflow bucket of endpoints past --max-endpoints-per-host" : "not a path request")
        }
        let successor = versions.successor(of: e.template, host: e.host)
        if let route = e.specRoute {
            if let op = route.operations[e.method] {
                var doc = EndpointDocumentation(status: .documented, specPath: route.path, specSources: route.sources,
                                                operationID: op.operationID, deprecated: op.deprecated)
                if op.deprecated {
                    doc.status = .zombie
                    doc.supersededBy = successor
                    doc.reason = "operation is deprecated in the spec"
                } else if let successor {
                    doc.status = .zombie
                    doc.supersededBy = successor
                    doc.reason = "a newer version of this resource is documented"
                }
                return doc
            }
            if let successor {
                return EndpointDocumentation(status: .zombie, specPath: route.path, specSources: route.sources, supersededBy: successor,
                                             reason: "method not documented for this path, and a newer version of this resource is documented")
            }
            return EndpointDocumentation(status: .shadow, specPath: route.path, specSources: route.sources,
                                         reason: "method not documented for this path")
        }
        // Undocumented noise (static assets, probes, scanner paths that only ever got 404/400/405)
        // is neither a shadow API nor a zombie.
        if !isAPI(e) { return EndpointDocumentation(status: .notAPI, reason: "not an API endpoint") }
        if let successor {
            return EndpointDocumentation(status: .zombie, supersededBy: successor,
                                         reason: "not documented, and a newer version of this resource is documented")
        }
        return EndpointDocumentation(status: .shadow, reason: index.coversHost(e.host)
                                     ? "no spec path matches" : "no spec covers host \(e.host)")
    }
}

/// One (route, method) of a spec index, to record which operations calls reached.
public struct OperationRef: Sendable, Hashable {
    public var path: String
    public var hosts: [String]
    public var method: String

    public init(route: SpecIndex.Route, method: String) {
        self.path = route.path
        self.hosts = route.hosts
        self.method = method
    }
}

/// Finds, for a path, a newer version of the same resource among the spec routes: the paths equal
/// once parameters are anonymous (`{userId}` and `{int}` alike) and one version segment differs
/// (`/v1/users/{}` and `/v2/users/{}`). A version supersedes another when it is higher and stable,
/// or when the other is a pre-release (`v1beta1` is superseded by `v1beta2` and by `v1`).
struct VersionIndex {
    struct Entry { var version: APIVersionSegment; var path: String; var hosts: [SpecIndex.SegmentPattern] }
    /// Shape with the version position blanked → spec versions at that position.
    private var byShape: [String: [Entry]] = [:]

    init(routes: [SpecIndex.Route]) {
        for r in routes {
            let segs = SpecIndex.pathSegments(r.path).map(String.init)
            for (i, s) in segs.enumerated() {
                guard let v = APIVersionSegment(s) else { continue }
                byShape[VersionIndex.shape(segs, versionAt: i), default: []].append(Entry(version: v, path: r.path, hosts: r.hostPatterns))
            }
        }
    }

    func successor(of template: String, host: String) -> String? {
        let segs = SpecIndex.pathSegments(template).map(String.init)
        let h = SpecIndex.hostWithoutPort(host)
        var best: Entry?
        for (i, s) in segs.enumerated() {
            guard let v = APIVersionSegment(s), let entries = byShape[VersionIndex.shape(segs, versionAt: i)] else { continue }
            for e in entries where e.version.supersedes(v) && SpecIndex.hostMatches(h, e.hosts) {
                if best == nil || best!.version < e.version || (best!.version == e.version && e.path < best!.path) { best = e }
            }
        }
        return best?.path
    }

    static func shape(_ segs: [String], versionAt position: Int) -> String {
        var out = ""
        for (i, s) in segs.enumerated() {
            out += "/"
            out += i == position ? "{version}" : anonymous(s)
        }
        return out
    }

    /// `{userId}` and `{int}` alike become `{}`; `{name}.json` becomes `{}.json`.
    static func anonymous(_ segment: String) -> String {
        var out = ""
        var inParameter = false
        for ch in segment {
            if inParameter {
                if ch == "}" { inParameter = false; out += "{}" }
            } else if ch == "{" {
                inParameter = true
            } else {
                out.append(ch)
            }
        }
        return out
    }
}

/// A version path segment: `v2`, `v1.1`, `v2beta1`, `V3`.
struct APIVersionSegment: Comparable, Equatable {
    var numbers: [Int]
    /// 0 alpha, 1 beta, 2 rc, 3 stable.
    var stability: Int
    var prerelease: Int

    init?(_ segment: String) {
        let u = Array(segment.utf8)
        let valid = u.withUnsafeBufferPointer { PathNormalizer.isVersionBytes($0) }
        guard valid else { return nil }
        var numbers: [Int] = []
        var stability = 3
        var prerelease = 0
        var i = 1
        func number() -> Int {
            var n = 0
            while i < u.count, u[i] >= 48, u[i] <= 57 { n = n &* 10 &+ Int(u[i] - 48); i += 1 }
            return n
        }
        numbers.append(number())
        for (word, rank) in [("alpha", 0), ("beta", 1), ("rc", 2)] where segment.utf8.dropFirst(i).starts(with: word.utf8) {
            i += word.utf8.count
            stability = rank
            prerelease = number()
            break
        }
        while i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            numbers.append(number())
        }
        self.numbers = numbers
        self.stability = stability
        self.prerelease = prerelease
    }

    static func < (a: Self, b: Self) -> Bool {
        if a.numbers[0] != b.numbers[0] { return a.numbers[0] < b.numbers[0] }
        if a.stability != b.stability { return a.stability < b.stability }
        if a.prerelease != b.prerelease { return a.prerelease < b.prerelease }
        return a.numbers.dropFirst().lexicographicallyPrecedes(b.numbers.dropFirst())
    }

    func supersedes(_ other: Self) -> Bool {
        other < self && (stability == 3 || other.stability < 3)
    }
}
