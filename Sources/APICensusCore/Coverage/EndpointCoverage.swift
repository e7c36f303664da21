/// What an endpoint is: an API, or noise around the APIs that the inventory keeps apart.
public enum EndpointKind: String, Sendable, CaseIterable {
    case api, `static`, probe, health

    static let healthNames: Set<String> = ["health", "healthz", "healthcheck", "health-check", "health_check", "_health",
                                           "livez", "readyz", "ready", "live", "liveness", "readiness", "ping", "heartbeat",
                                           "alive", "status.html", "_ping", "hc", "_healthz", "lbcheck"]
    /// Probe names wherever they end a path of one or two segments (`/metrics`, `/admin/metrics`).
    static let probeNames: Set<String> = ["metrics", "prometheus", "server-status", "nginx_status", "stub_status", "robots.txt",
                                          "sitemap.xml", "security.txt", "crossdomain.xml", "clientaccesspolicy.xml",
                                          "ads.txt", "humans.txt", "_info"]
    /// Probe names only as the whole path (`/version`, `/info`): `/api/info` and `/v1/version` are APIs.
    static let rootProbeNames: Set<String> = ["version", "info"]
    static let staticExtensions: Set<String> = ["js", "mjs", "css", "map", "png", "jpg", "jpeg", "gif", "svg", "ico", "webp",
                                                "avif", "bmp", "tif", "tiff", "woff", "woff2", "ttf", "otf", "eot", "htm",
                                                "html", "mp4", "webm", "mp3", "ogg", "wav", "pdf", "zip", "gz", "txt", "md",
                                                "swf", "less", "scss", "manifest", "webmanifest", "apng", "jfif"]
    /// Asset folders (not `media`: `/media/{id}` is as often an API as a file store).
    static let staticFolders: Set<String> = ["static", "assets", "_next", "images", "img", "css", "js", "fonts",
                                             "favicon", "dist", "public", "wp-content", "wp-includes"]

    /// From the template: static assets by extension or folder, health checks and probes by name.
    public static func classify(template: String) -> EndpointKind {
        if template == "*" || template == "{authority}" { return .probe }
        let segments = template.split(separator: "/").map { $0.lowercased() }
        guard let last = segments.last else { return .api }
        if healthNames.contains(last) || (segments.count <= 2 && healthNames.contains(segments[0])) { return .health }
        if segments.count == 1 && segments[0] == "status" { return .health }
        if segments[0] == ".well-known" || segments[0] == "actuator" || (segments.count >= 2 && segments[0] == "debug" && segments[1] == "pprof") {
            return segments.contains("health") ? .health : .probe
        }
        if probeNames.contains(last) && segments.count <= 2 { return .probe }
        if segments.count == 1 && rootProbeNames.contains(last) { return .probe }
        if let dot = last.lastIndex(of: "."), staticExtensions.contains(String(last[last.index(after: dot)...])) { return .static }
        if staticFolders.contains(segments[0]), segments.count > 1, !segments.contains("api") { return .static }
        return .api
    }
}

extension APIStyle {
    /// An endpoint's style: the calls' own signals when most calls show one (status 101, content
    /// types, gRPC schemes), else the template's shape: `/graphql`, a `soap` segment, `.asmx` or
    /// `.svc`, or `/package.Service/Method` called with POST over HTTP/2 or 3 (gRPC); else REST.
    public static func judge(template: String, method: String, evidence ev: some EvidenceCounters) -> APIStyle {
        // The most frequent signal other than REST (calls without a signal vote REST).
        var signalled = APIStyle.rest
        var signals: UInt64 = 0
        for style in APIStyle.allCases where style != .rest && ev.calls(style: style) > signals {
            signalled = style
            signals = ev.calls(style: style)
        }
        if signals > 0, signals * 2 >= ev.total { return signalled }
        let segments = template.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0.lowercased() }
        guard let last = segments.last else { return .rest }
        if last == "graphql" || last == "graphiql" { return .graphql }
        if segments.contains("soap") || last.hasSuffix(".asmx") || last.hasSuffix(".svc") { return .soap }
        let http2 = ev.calls(http: .http2) + ev.calls(http: .http3)
        if segments.count == 2, method == "POST", segments[0].contains("."), !last.isEmpty, !last.hasPrefix("{"),
           http2 * 2 > ev.total {
            return .grpc
        }
        return .rest
    }
}

/// Whether an endpoint's calls went through a gateway (or WAF), with the reason.
public struct Mediation: Sendable, Equatable {
    /// true, false, or nil when the inputs cannot tell.
    public var mediated: Bool?
    public var reason: String

    /// Mediated when seen through a gateway or WAF source, or when most service-side records carry
    /// gateway evidence; unmediated when seen only by services or load balancers without it while
    /// the run had a vantage point that would have shown mediation; unknown when it had none.
    /// Monotone: more sources only add counts, so a mediated endpoint stays mediated.
    public static func judge(_ e: some EvidenceCounters, run: RunEvidence) -> Mediation {
        if e.calls(role: .gateway) > 0 { return Mediation(mediated: true, reason: "seen_by_gateway") }
        if e.calls(role: .waf) > 0 { return Mediation(mediated: true, reason: "seen_by_waf") }
        // Header evidence is spoofable and some of it is added by load balancers or any mesh proxy:
        // it counts when most of the endpoint's service-side records carry it. A minority means
        // some calls arrived without it (partial bypass, or a header a client sent).
        let present = e.calls(gateway: .present), absent = e.calls(gateway: .absent)
        if present > absent { return Mediation(mediated: true, reason: "gateway_evidence") }
        if present > 0 { return Mediation(mediated: false, reason: "gateway_evidence_partial") }
        let roles = run.rolesPresent
        if roles.contains(.gateway) || roles.contains(.waf) {
            return Mediation(mediated: false, reason: "not_seen_by_gateway_or_waf")
        }
        if e.calls(gateway: .absent) > 0 {
            return Mediation(mediated: false, reason: "no_gateway_evidence")
        }
        return Mediation(mediated: nil, reason: "single_vantage_point")
    }

    /// Calls of the endpoint the mediation covers (an estimate when several sources log them).
    static func mediatedCalls(_ e: some EvidenceCounters) -> UInt64 {
        let mediator = max(e.calls(role: .gateway), e.calls(role: .waf))
        return min(max(mediator, e.calls(gateway: .present)), e.estimatedDistinctCalls)
    }
}

/// Abuse controls evident on one endpoint.
public struct AbuseControls: Sendable, Equatable {
    public var status429: UInt64
    public var status401: UInt64
    public var status403: UInt64
    public var calls: UInt64
    public var wafBlocks: UInt64
    public var wafLogged: UInt64

    public var rateLimited: Bool { status429 > 0 }
    public var unauthorizedRatio: Double? { calls > 0 ? Double(status401) / Double(calls) : nil }
    public var forbiddenRatio: Double? { calls > 0 ? Double(status403) / Double(calls) : nil }
    public var wafBlockRatio: Double? { wafLogged > 0 ? Double(wafBlocks) / Double(wafLogged) : nil }
}

/// The coverage view of one endpoint of the inventory.
public struct EndpointCoverage: Sendable, Equatable {
    public var kind: EndpointKind
    /// Only ever answered 404, 400 or 405: scanners and typos, not an API.
    public var errorOnly: Bool
    /// Fewer than `lowEvidenceCalls` calls: visible, but not to be trusted as an API yet.
    public var lowEvidence: Bool
    public var thirdParty: Bool
    /// A version segment (`/v2/`) in the template.
    public var versioned: Bool
    public var style: APIStyle
    public var mediation: Mediation
    public var abuse: AbuseControls
    /// One source role shows the endpoint protected (most of the calls it saw carried credentials,
    /// or it saw some and the endpoint answers 401) and a 2xx answer to a call without credentials
    /// and without gateway evidence. Judged per role: a sidecar seeing the gateway's calls after the
    /// credential was stripped is not a second, unprotected view of them.
    public var unauthenticatedSuccessOnProtected: Bool
    /// Whether the endpoint requires authentication: no unauthenticated call was answered 2xx by a
    /// role that also saw authenticated calls (or, when no role saw any, by any role); nil when no
    /// call's authentication is observable.
    public var requiresAuthentication: Bool?
    /// Many 404s from few clients on an endpoint with an identifier: object-id enumeration (API1).
    public var enumerationSuspect: Bool

    /// Counts in the API ratios: an API endpoint that answered something other than 404/400/405.
    public var isAPI: Bool { kind == .api && !errorOnly }

    public static let lowEvidenceCalls: UInt64 = 5

    /// Whether the endpoint answered only 404, 400 or 405.
    static func answeredOnlyErrors(_ s: EndpointStats) -> Bool {
        s.calls > 0 && s.statuses.byFrequency.allSatisfy { $0.code == 404 || $0.code == 400 || $0.code == 405 }
    }

    /// `isAPI` without the rest of the coverage view (what drift, growth and size indicators ask).
    public static func isAPI(_ e: Endpoint) -> Bool {
        EndpointKind.classify(template: e.template) == .api && !answeredOnlyErrors(e.stats)
    }

    /// `tally`: the endpoint's evidence counters when the caller has them already.
    public init(_ e: Endpoint, tally: EvidenceTally? = nil, run: RunEvidence, thirdPartyHosts: HostPatternSet) {
        let s = e.stats
        let ev = tally ?? s.evidence.tally
        kind = EndpointKind.classify(template: e.template)
        var count404: UInt64 = 0, count401: UInt64 = 0, count403: UInt64 = 0, count429: UInt64 = 0
        var onlyErrors = s.calls > 0
        for (code, n) in s.statuses.byFrequency {
            switch code {
            case 404: count404 += n
            case 401: count401 += n
            case 403: count403 += n
            case 429: count429 += n
            default: break
            }
            if code != 404 && code != 400 && code != 405 { onlyErrors = false }
        }
        errorOnly = onlyErrors
        lowEvidence = s.calls < Self.lowEvidenceCalls
        thirdParty = ev.calls(role: .egress) > 0 || thirdPartyHosts.matches(e.host)
        // The version segments template inference keeps literal (`v2`, `v1.1`, `v1beta1`, `v2alpha`).
        versioned = e.template.split(separator: "/").contains { seg in
            var bytes = Array(seg.utf8)
            return bytes.withUnsafeMutableBufferPointer { PathNormalizer.isVersionBytes(UnsafeBufferPointer($0)) }
        } || s.queryParameters.sortedNames.contains("api-version")
        style = APIStyle.judge(template: e.template, method: e.method, evidence: ev)
        mediation = Mediation.judge(ev, run: run)
        abuse = AbuseControls(status429: count429, status401: count401, status403: count403, calls: s.calls,
                              wafBlocks: ev.calls(waf: .block), wafLogged: ev.wafLoggedCalls)
        let byRole = s.evidence.authenticationByRole
        unauthenticatedSuccessOnProtected = byRole.contains { r in
            r.authenticated > 0 && (r.authenticated * 2 >= r.observable || count401 > 0) && r.unauthenticatedSuccess > 0
        }
        if ev.authObservableCalls == 0 {
            requiresAuthentication = nil
        } else {
            let seeingCredentials = byRole.filter { $0.authenticated > 0 }
            requiresAuthentication = (seeingCredentials.isEmpty ? byRole : seeingCredentials).allSatisfy { $0.unauthenticatedSuccess == 0 }
        }
        // Needs the clients: without them every 404-heavy endpoint would look enumerated.
        let clients = s.clients.count
        enumerationSuspect = e.template.contains("{") && s.calls >= 50 && count404 * 2 >= s.calls && clients > 0 && clients <= 3
    }
}
