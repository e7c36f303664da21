/// The coverage of a run: each endpoint's coverage view, totals over the API endpoints, and the
/// `EvidenceSummary` the indicators and the maturity score are computed from.
public struct CoverageAnalysis: Sendable {
    public var endpoints: [Endpoint]
    public var coverage: [EndpointCoverage]
    /// Each endpoint's evidence counters, computed once.
    public var tallies: [EvidenceTally]
    public var run: RunEvidence
    public var summary: EvidenceSummary
    /// Indices of the endpoints that count as APIs (kind api, not only 404/400/405).
    public let apiIndices: [Int]
    /// Evidence over the API endpoints, summed.
    public let apiTally: EvidenceTally

    public init(state: AggregateState, endpoints: [Endpoint], options: ReportOptions) {
        self.endpoints = endpoints
        run = state.run
        let tallies = endpoints.map { $0.stats.evidence.tally }
        let coverage = endpoints.indices.map {
            EndpointCoverage(endpoints[$0], tally: tallies[$0], run: state.run, thirdPartyHosts: options.thirdPartyHosts)
        }
        let api = coverage.indices.filter { coverage[$0].isAPI }
        var sum = [UInt64](repeating: 0, count: EndpointEvidence.Slot.count)
        for i in api {
            let c = tallies[i].counts
            for k in 0..<sum.count { sum[k] &+= c[k] }
        }
        self.tallies = tallies
        self.coverage = coverage
        apiIndices = api
        apiTally = EvidenceTally(counts: sum)
        summary = EvidenceSummary()
        summary = computeSummary()
    }

    func computeSummary() -> EvidenceSummary {
        typealias ID = EvidenceMetricID
        let fields = run.observableFields
        let roles = run.rolesPresent
        let api = apiIndices
        let ev = apiTally
        var m: [String: EvidenceMetric] = [:]
        func ratio(_ n: UInt64, _ d: UInt64) -> EvidenceMetric { EvidenceMetric(numerator: Double(n), denominator: Double(d)) }
        func count(_ n: Int) -> EvidenceMetric { .count(n) }

        // Inventory.
        m[ID.inventoryEndpoints] = count(api.count)
        m[ID.inventoryHosts] = count(Set(api.map { endpoints[$0].host }).count)

        // Protocols: endpoint shares by dominant style; HTTP/2+ as a call share.
        var styleCounts = [APIStyle: Int]()
        for i in api { styleCounts[coverage[i].style, default: 0] += 1 }
        let styleMetric = { (s: APIStyle) in ratio(UInt64(styleCounts[s] ?? 0), UInt64(api.count)) }
        m[ID.protocolRestShare] = styleMetric(.rest)
        m[ID.protocolGraphQLShare] = styleMetric(.graphql)
        m[ID.protocolGRPCShare] = styleMetric(.grpc)
        m[ID.protocolSOAPShare] = styleMetric(.soap)
        m[ID.protocolWebSocketShare] = styleMetric(.websocket)
        let knownHTTP = ev.total - ev.calls(http: .unknown)
        m[ID.protocolHTTP2PlusShare] = knownHTTP > 0 || fields.contains(.httpVersion) || fields.contains(.scheme)
            ? ratio(ev.calls(http: .http2) + ev.calls(http: .http3), knownHTTP)
            : .notObservable("no input logs the HTTP version (http_version) or the connection type (scheme)")

        // Callers.
        let knownCallers = ev.total - ev.calls(caller: .unknown)
        let callerMetric = { (c: CallerClass) -> EvidenceMetric in
            knownCallers > 0 ? ratio(ev.calls(caller: c), knownCallers)
                : .notObservable("no input logs client IP addresses (client)")
        }
        m[ID.callersExternalShare] = callerMetric(.external)
        m[ID.callersInternalShare] = callerMetric(.internal)
        m[ID.callersPartnerShare] = callerMetric(.partner)
        m[ID.callersThirdPartyEndpoints] = count(api.filter { coverage[$0].thirdParty }.count)

        m[ID.versioningVersionedEndpointShare] = ratio(UInt64(api.filter { coverage[$0].versioned }.count), UInt64(api.count))

        // WAF. The calls a WAF did not see show only where another role saw them.
        let hasWAF = roles.contains(.waf)
        m[ID.wafPresent] = ratio(hasWAF ? 1 : 0, 1)
        var seenByWAF: UInt64 = 0, external: UInt64 = 0, externalSeenByOthers: UInt64 = 0
        for i in api {
            let e = tallies[i]
            let x = e.estimatedDistinctExternalCalls
            external += x
            seenByWAF += min(e.externalCalls(role: .waf), x)
            for role in EndpointEvidence.roleOrder where role != .waf { externalSeenByOthers += e.externalCalls(role: role) }
        }
        if !hasWAF {
            m[ID.wafExternalCallsSeenShare] = .notObservable("no waf-role source among the inputs")
        } else if externalSeenByOthers == 0 {
            m[ID.wafExternalCallsSeenShare] = .notObservable(
                "no other source than the WAF saw external calls: the external calls it did not see cannot be counted")
        } else {
            m[ID.wafExternalCallsSeenShare] = ratio(seenByWAF, external)
        }
        m[ID.wafBlockShare] = fields.contains(.wafAction) && ev.wafLoggedCalls > 0
            ? ratio(ev.calls(waf: .block), ev.wafLoggedCalls)
            : .notObservable("no input logs WAF decisions (waf_action)")

        // Mediation. Endpoints that bypass the gateways and WAFs show only where a load balancer, a
        // service or an egress proxy logged them: with gateway and WAF sources alone every endpoint
        // is mediated by construction. Third-party (egress) endpoints are someone else's APIs.
        let known = api.filter { coverage[$0].mediation.mediated != nil && !coverage[$0].thirdParty }
        let singleVantage = "the inputs give one vantage point only: no gateway or WAF source and no gateway evidence logged"
        let mediatorsOnly = "only gateway/WAF sources: endpoints that bypass them cannot be seen (add a load-balancer, service or egress source)"
        let bypassVisible = roles.contains { $0 != .gateway && $0 != .waf }
        if known.isEmpty || !bypassVisible {
            let reason = known.isEmpty ? singleVantage : mediatorsOnly
            m[ID.mediationEndpointShare] = .notObservable(reason)
            m[ID.mediationCallShare] = .notObservable(reason)
            m[ID.mediationExternalEndpointShare] = .notObservable(reason)
        } else {
            m[ID.mediationEndpointShare] = ratio(UInt64(known.filter { coverage[$0].mediation.mediated == true }.count), UInt64(known.count))
            var mediatedCalls: UInt64 = 0, calls: UInt64 = 0
            for i in known {
                let e = tallies[i]
                calls += e.estimatedDistinctCalls
                if coverage[i].mediation.mediated == true { mediatedCalls += Mediation.mediatedCalls(e) }
            }
            m[ID.mediationCallShare] = ratio(mediatedCalls, calls)
            let external = known.filter { tallies[$0].calls(caller: .external) > 0 }
            m[ID.mediationExternalEndpointShare] = ratio(UInt64(external.filter { coverage[$0].mediation.mediated == true }.count),
                                                         UInt64(external.count))
        }

        // Authentication.
        let authFieldsLogged = fields.contains(.authorization) || fields.contains(.requestHeaders)
        let noAuth = "no input logs credentials (authorization header or request headers)"
        let externalObservable = ev[EndpointEvidence.Slot.externalAuthObservable]
        m[ID.authExternalCallShare] = externalObservable > 0
            ? ratio(ev[EndpointEvidence.Slot.externalAuthenticated], externalObservable)
            : .notObservable(authFieldsLogged ? "no external call with observable authentication" : noAuth)
        // Requiring authentication: no 2xx answer to a call without credentials (per role, see
        // `EndpointCoverage.requiresAuthentication`), not merely some authenticated call.
        let authJudged = api.filter { coverage[$0].requiresAuthentication != nil }
        m[ID.authEndpointShare] = authJudged.isEmpty ? .notObservable(noAuth)
            : ratio(UInt64(authJudged.filter { coverage[$0].requiresAuthentication == true }.count), UInt64(authJudged.count))
        m[ID.authStrongShare] = ev.authenticatedCalls > 0
            ? ratio(ev[EndpointEvidence.Slot.strongAuthenticated], ev.authenticatedCalls)
            : .notObservable(authFieldsLogged ? "no authenticated call" : noAuth)
        m[ID.authWeakShare] = ev.authObservableCalls > 0
            ? ratio(ev.calls(auth: .basic) + ev.calls(auth: .apiKeyQuery) + ev.calls(auth: .none), ev.authObservableCalls)
            : .notObservable(noAuth)
        // Only a whole JWT shows its alg: scheme-only or opaque bearer tokens say nothing about it.
        m[ID.authAlgNoneCalls] = ev.calls(auth: .bearerJWT) > 0 ? count(Int(ev[EndpointEvidence.Slot.jwtAlgNone]))
            : .notObservable(authFieldsLogged ? "no input logs whole bearer JWTs (only schemes, opaque tokens or no credentials): alg cannot be read"
                             : noAuth)
        // Some targets carry no query (API Gateway's `$context.path`): keys in queries show only
        // where query strings do.
        let queriesLogged = endpoints.contains { $0.stats.callsWithQuery > 0 }
        m[ID.authQueryKeyCalls] = queriesLogged ? count(Int(ev.calls(auth: .apiKeyQuery)))
            : .notObservable(fields.contains(.target) ? "no call with a query string: the inputs log paths without their queries, or no call had one"
                             : "no input logs request targets")
        m[ID.authUnauthenticatedSuccessOnProtected] = authFieldsLogged
            ? count(api.filter { coverage[$0].unauthenticatedSuccessOnProtected }.count) : .notObservable(noAuth)

        // Encryption.
        let noTLS = "no input logs TLS (tls_protocol) or the scheme"
        m[ID.tlsEncryptedShare] = ev.tlsObservableCalls > 0 ? ratio(ev.encryptedCalls, ev.tlsObservableCalls) : .notObservable(noTLS)
        let versioned = ev.versionedTLSCalls
        m[ID.tlsModernShare] = versioned > 0 ? ratio(ev.calls(tls: .tls12) + ev.calls(tls: .tls13), versioned)
            : .notObservable("no input logs the TLS version (tls_protocol)")
        m[ID.tlsV13Share] = versioned > 0 ? ratio(ev.calls(tls: .tls13), versioned)
            : .notObservable("no input logs the TLS version (tls_protocol)")
        m[ID.tlsLegacyCalls] = fields.contains(.tlsProtocol) ? count(Int(ev.legacyTLSCalls))
            : .notObservable("no input logs the TLS version (tls_protocol)")
        let certObservable = ev[EndpointEvidence.Slot.internalCertificateObservable]
        m[ID.mtlsServiceCallShare] = certObservable > 0
            ? ratio(ev[EndpointEvidence.Slot.internalCertificateVerified], certObservable)
            : .notObservable(fields.contains(.clientCertificate) ? "no internal (service-to-service) call with a logged client certificate state"
                             : "no input logs client certificates (client_certificate)")

        // Abuse, errors, authorisation.
        let externalAPI = api.filter { tallies[$0].calls(caller: .external) > 0 }
        m[ID.abuseRateLimitedEndpointShare] = externalAPI.isEmpty
            ? .notObservable(knownCallers > 0 ? "no external API endpoint" : "no input logs client IP addresses (client)")
            : ratio(UInt64(externalAPI.filter { coverage[$0].abuse.rateLimited }.count), UInt64(externalAPI.count))
        m[ID.abuseEnumerationSuspects] = api.contains(where: { endpoints[$0].stats.clients.count > 0 })
            ? count(api.filter { coverage[$0].enumerationSuspect }.count)
            : .notObservable("no input logs client addresses (client): enumeration is many 404s from few clients")
        var calls: UInt64 = 0, serverErrors: UInt64 = 0, forbidden: UInt64 = 0
        for i in api {
            let s = endpoints[i].stats
            calls += s.calls
            for (code, n) in s.statuses.byFrequency {
                if code >= 500 && code <= 599 { serverErrors += n }
                if code == 403 { forbidden += n }
            }
        }
        m[ID.errorsServerErrorShare] = ratio(serverErrors, calls)
        m[ID.authzForbiddenShare] = ratio(forbidden, calls)

        return EvidenceSummary(rolesPresent: roles, observableFields: fields.fields, metrics: m)
    }
}

extension ReportBuilder {
    /// The evidence summary of a merged state: what indicators and maturity are computed from.
    public static func evidenceSummary(state: AggregateState, options: ReportOptions) -> EvidenceSummary {
        let inventory = inventory(from: state, options: options)
        var summary = CoverageAnalysis(state: state, endpoints: inventory.endpoints, options: options).summary
        // The docs.* metrics come from the OpenAPI drift (not observable without a spec).
        for (id, metric) in inventory.drift?.metrics ?? DocumentationDrift.unobservableMetrics { summary.metrics[id] = metric }
        return summary
    }
}
