/// The coverage of a run: each endpoint's coverage view, totals over the API endpoints, and the
/// `EvidenceSummary` the indicators and the maturity score are computed from.
public struct CoverageAnalysis: Sendable {
    public var endpoints: [Endpoint]
    public var coverage: [EndpointCoverage]
    public var run: RunEvidence
    public var summary: EvidenceSummary

    public init(state: AggregateState, endpoints: [Endpoint], options: ReportOptions) {
        self.endpoints = endpoints
        run = state.run
        coverage = endpoints.map { EndpointCoverage($0, run: state.run, thirdPartyHosts: options.thirdPartyHosts) }
        summary = EvidenceSummary()
        summary = computeSummary()
    }

    /// Indices of the endpoints that count as APIs (kind api, not only 404/400/405).
    public var apiIndices: [Int] { coverage.indices.filter { coverage[$0].isAPI } }

    /// Evidence over the API endpoints, summed.
    public var apiEvidence: EndpointEvidence {
        var total = EndpointEvidence()
        for i in apiIndices { total.merge(endpoints[i].stats.evidence) }
        return total
    }

    func computeSummary() -> EvidenceSummary {
        typealias ID = EvidenceMetricID
        let fields = run.observableFields
        let roles = run.rolesPresent
        let api = apiIndices
        let ev = apiEvidence.tally
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

        // WAF.
        let hasWAF = roles.contains(.waf)
        m[ID.wafPresent] = ratio(hasWAF ? 1 : 0, 1)
        if hasWAF {
            var seen: UInt64 = 0, external: UInt64 = 0
            for i in api {
                let e = endpoints[i].stats.evidence.tally
                let x = e.estimatedDistinctExternalCalls
                external += x
                seen += min(e.externalCalls(role: .waf), x)
            }
            m[ID.wafExternalCallsSeenShare] = ratio(seen, external)
        } else {
            m[ID.wafExternalCallsSeenShare] = .notObservable("no waf-role source among the inputs")
        }
        m[ID.wafBlockShare] = fields.contains(.wafAction) && ev.wafLoggedCalls > 0
            ? ratio(ev.calls(waf: .block), ev.wafLoggedCalls)
            : .notObservable("no input logs WAF decisions (waf_action)")

        // Mediation.
        let known = api.filter { coverage[$0].mediation.mediated != nil }
        let singleVantage = "the inputs give one vantage point only: no gateway or WAF source and no gateway evidence logged"
        if known.isEmpty {
            m[ID.mediationEndpointShare] = .notObservable(singleVantage)
            m[ID.mediationCallShare] = .notObservable(singleVantage)
            m[ID.mediationExternalEndpointShare] = .notObservable(singleVantage)
        } else {
            m[ID.mediationEndpointShare] = ratio(UInt64(known.filter { coverage[$0].mediation.mediated == true }.count), UInt64(known.count))
            var mediatedCalls: UInt64 = 0, calls: UInt64 = 0
            for i in known {
                let e = endpoints[i].stats.evidence.tally
                calls += e.estimatedDistinctCalls
                if coverage[i].mediation.mediated == true { mediatedCalls += Mediation.mediatedCalls(e) }
            }
            m[ID.mediationCallShare] = ratio(mediatedCalls, calls)
            let external = known.filter { endpoints[$0].stats.evidence.tally.calls(caller: .external) > 0 }
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
        let authObservableEndpoints = api.filter { endpoints[$0].stats.evidence.tally.authObservableCalls > 0 }
        m[ID.authEndpointShare] = authObservableEndpoints.isEmpty ? .notObservable(noAuth)
            : ratio(UInt64(authObservableEndpoints.filter { endpoints[$0].stats.evidence.tally.authenticatedCalls > 0 }.count),
                    UInt64(authObservableEndpoints.count))
        m[ID.authStrongShare] = ev.authenticatedCalls > 0
            ? ratio(ev[EndpointEvidence.Slot.strongAuthenticated], ev.authenticatedCalls)
            : .notObservable(authFieldsLogged ? "no authenticated call" : noAuth)
        m[ID.authWeakShare] = ev.authObservableCalls > 0
            ? ratio(ev.calls(auth: .basic) + ev.calls(auth: .apiKeyQuery) + ev.calls(auth: .none), ev.authObservableCalls)
            : .notObservable(noAuth)
        m[ID.authAlgNoneCalls] = authFieldsLogged ? count(Int(ev[EndpointEvidence.Slot.jwtAlgNone])) : .notObservable(noAuth)
        m[ID.authQueryKeyCalls] = fields.contains(.target) ? count(Int(ev.calls(auth: .apiKeyQuery)))
            : .notObservable("no input logs request targets")
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
        let externalAPI = api.filter { endpoints[$0].stats.evidence.tally.calls(caller: .external) > 0 }
        m[ID.abuseRateLimitedEndpointShare] = externalAPI.isEmpty
            ? .notObservable(knownCallers > 0 ? "no external API endpoint" : "no input logs client IP addresses (client)")
            : ratio(UInt64(externalAPI.filter { coverage[$0].abuse.rateLimited }.count), UInt64(externalAPI.count))
        m[ID.abuseEnumerationSuspects] = count(api.filter { coverage[$0].enumerationSuspect }.count)
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
