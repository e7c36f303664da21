/// What the report says about each input besides its counts: where it came from and how it was read.
public struct InputDescription: Sendable, Equatable {
    public var path: String
    public var encoding: String
    public var format: LogFormat?
    public var formatConfidence: Double?
    /// Bytes of the file on disk (compressed size for gzip); nil for stdin.
    public var sizeOnDisk: Int64?
    /// The source's role: named by the user (`--source ROLE=PATH`, the configuration), or nil to
    /// take the format's default.
    public var explicitRole: SourceRole?
    /// The role its records were counted under, when neither the user nor a single format says
    /// (a Kafka partition in a merge: its records carry their role, the document no format).
    public var observedRole: SourceRole?
    /// The envelope each line came in (syslog, Docker JSON…), when there was one.
    public var envelope: EnvelopeKind?
    /// Lines were parsed one by one with whichever format accepted each (`MixedFormatParser`).
    public var perLine = false
    /// For inputs parsed per line: records parsed by each format.
    public var recordsByFormat: [LogFormat: UInt64] = [:]

    public init(path: String, encoding: String, format: LogFormat?, formatConfidence: Double?, sizeOnDisk: Int64?,
                explicitRole: SourceRole? = nil) {
        self.path = path
        self.encoding = encoding
        self.format = format
        self.formatConfidence = formatConfidence
        self.sizeOnDisk = sizeOnDisk
        self.explicitRole = explicitRole
    }

    /// The role the input's records are counted under.
    public var role: SourceRole {
        explicitRole ?? format.flatMap { f in FormatCatalog.all.first { $0.format == f }?.defaultRole } ?? observedRole
            ?? InputContext.unspecified.role
    }

    /// Where `role` comes from, as `input.files[].role_source` says it.
    public var roleSource: String {
        if explicitRole != nil { return "explicit" }
        if format == nil, observedRole != nil { return "records" }
        return "format_default"
    }
}

public struct ReportOptions: Sendable, Equatable {
    public var collapseThreshold = 50
    public var maxEndpointsPerHost = 20_000
    public var toolVersion = APICensusVersion.current
    /// Milliseconds since the epoch to print as `generated_at`; nil keeps the report deterministic.
    public var generatedAtMillis: Int64?
    /// The user's route patterns: typed paths matching one are filed under it, not templated.
    public var routePatterns = RoutePatternSet()
    /// Hosts that are third-party APIs (coverage).
    public var thirdPartyHosts = HostPatternSet()
    /// OpenAPI specs (`--spec`): their paths take precedence over route patterns and learned
    /// templates, and the inventory is judged against them (documented, shadow, zombie, unused).
    public var specs: [APISpecification] = []
    /// The maturity rules (`--rules`), built-in by default.
    public var maturityRules = MaturityRules.builtIn
    public init() {}
}

public enum APICensusVersion {
    public static let current = "0.1.0"
    public static let schemaVersion = "1.0"
}

/// One endpoint after templating.
public struct Endpoint: Sendable, Equatable {
    public var host: String
    public var method: String
    public var template: String
    public var stats: EndpointStats
    /// How many typed paths were folded into this template.
    public var typedPaths: Int
    /// The spec route whose path is this endpoint's template, when a spec documents the path.
    public var specRoute: SpecIndex.Route? = nil
    /// Documented / shadow / zombie, when specs were supplied.
    public var documentation: EndpointDocumentation? = nil
}

/// The templated inventory and, when specs were supplied, its documentation drift.
public struct Inventory: Sendable {
    public var endpoints: [Endpoint]
    public var drift: DocumentationDrift?
}

/// Turns the merged state into the inventory and the report document.
public enum ReportBuilder {
    public static let overflowTemplate = "{overflow}"

    /// Templating and the per-host cap. Depends only on the state's content, never on the order in
    /// which it was merged.
    public static func endpoints(from state: AggregateState, options: ReportOptions) -> [Endpoint] {
        inventory(from: state, options: options).endpoints
    }

    /// The endpoints, with spec paths taking precedence over learned templates: a typed path that
    /// matches a spec path is counted under the spec's template and kept out of template inference.
    public static func inventory(from state: AggregateState, options: ReportOptions) -> Inventory {
        let index = SpecIndex(specs: options.specs)
        var inference = TemplateInference(collapseThreshold: options.collapseThreshold)
        // Spec paths first, then the user's route patterns: paths they name are filed under them
        // and kept out of inference.
        var routeOf: [RawEndpointKey: SpecIndex.Route] = [:]
        var usedOperations = Set<OperationRef>()
        var routed: [RawEndpointKey: String] = [:]
        for (key, stats) in state.endpoints {
            if !index.isEmpty, key.typedPath != "*", key.typedPath != "{authority}",
               let route = index.route(host: key.host, typedPath: key.typedPath) {
                routeOf[key] = route
                if route.operations[key.method] != nil { usedOperations.insert(OperationRef(route: route, method: key.method)) }
                continue
            }
            if let pattern = options.routePatterns.match(host: key.host, typedPath: key.typedPath) {
                routed[key] = pattern
                continue
            }
            inference.add(host: key.host, typedPath: key.typedPath, method: key.method, calls: stats.calls)
        }
        let map = inference.resolve()
        struct GroupKey: Hashable { var host: String; var method: String; var template: String }
        var groups: [GroupKey: Endpoint] = [:]
        for key in state.endpoints.keys.sorted() {
            let stats = state.endpoints[key]!
            let route = routeOf[key]
            let template = route?.path ?? routed[key] ?? (key.typedPath == "*" || key.typedPath == "{authority}"
                ? key.typedPath : map.template(host: key.host, typedPath: key.typedPath))
            let g = GroupKey(host: key.host, method: key.method, template: template)
            if groups[g] == nil {
                groups[g] = Endpoint(host: key.host, method: key.method, template: template, stats: stats, typedPaths: 1,
                                     specRoute: route)
            } else {
                if groups[g]!.specRoute == nil { groups[g]!.specRoute = route }
                groups[g]!.stats.merge(stats)
                groups[g]!.typedPaths += 1
            }
        }
        var byHost: [String: [Endpoint]] = [:]
        for e in groups.values { byHost[e.host, default: []].append(e) }
        var result: [Endpoint] = []
        for host in byHost.keys.sorted() {
            var list = byHost[host]!.sorted {
                $0.stats.calls != $1.stats.calls ? $0.stats.calls > $1.stats.calls : ($0.template, $0.method) < ($1.template, $1.method)
            }
            if list.count > options.maxEndpointsPerHost {
                var overflow = Endpoint(host: host, method: "*", template: overflowTemplate, stats: EndpointStats(), typedPaths: 0)
                for e in list[options.maxEndpointsPerHost...] {
                    overflow.stats.merge(e.stats)
                    overflow.typedPaths += e.typedPaths
                }
                list.removeSubrange(options.maxEndpointsPerHost...)
                list.append(overflow)
            }
            result.append(contentsOf: list)
        }
        result.sort { ($0.host, $0.template, $0.method) < ($1.host, $1.template, $1.method) }
        var drift: DocumentationDrift?
        if !index.isEmpty {
            drift = DocumentationDrift.judge(&result, index: index, usedOperations: usedOperations,
                                             isAPI: { isAPI($0, state: state, options: options) })
        }
        return Inventory(endpoints: result, drift: drift)
    }

    /// Counts as an API endpoint (kind api, not only 404/400/405): what drift, growth and size
    /// indicators judge, as the coverage ratios do.
    static func isAPI(_ e: Endpoint, state: AggregateState, options: ReportOptions) -> Bool {
        EndpointCoverage.isAPI(e)
    }

    public static func report(state: AggregateState, inputs: [InputDescription], options: ReportOptions) -> JSONOutput {
        let inventory = inventory(from: state, options: options)
        let endpoints = inventory.endpoints
        let coverage = CoverageAnalysis(state: state, endpoints: endpoints, options: options)
        var fields: [(String, JSONOutput)] = [
            ("schema_version", .string(APICensusVersion.schemaVersion)),
            ("tool", .object([("name", .string("apicensus")), ("version", .string(options.toolVersion))])),
        ]
        if let generated = options.generatedAtMillis { fields.append(("generated_at", .string(isoTime(generated)))) }
        fields.append(("input", inputSection(state: state, inputs: inputs)))
        fields.append(("summary", summarySection(state: state, endpoints: endpoints, options: options)))
        fields.append(("endpoints", .array(endpoints.indices.map { endpointValue(endpoints[$0], coverage.coverage[$0], tally: coverage.tallies[$0]) })))
        fields.append(("coverage", coverageSection(coverage)))
        fields.append(("docs", inventory.drift.map { docsSection($0, endpoints: endpoints) } ?? .null))
        fields.append(contentsOf: scoringSections(summary: coverage.summary, inventory: inventory, state: state, options: options,
                                                  isAPI: { isAPI($0, state: state, options: options) }))
        return .object(fields)
    }

    static func inputSection(state: AggregateState, inputs: [InputDescription]) -> JSONOutput {
        var total = InputFileCounters()
        var files: [JSONOutput] = []
        var formats: [String: UInt64] = [:]
        for (index, input) in inputs.enumerated() {
            let c = state.files[index] ?? InputFileCounters()
            total.merge(c)
            // Per-line inputs: each format's records, and the lines no format took under the input's format.
            var fileFormats: [String: UInt64] = [:]
            if input.perLine {
                var attributed: UInt64 = 0
                for (f, n) in input.recordsByFormat { fileFormats[f.rawValue, default: 0] += n; attributed += n }
                if let f = input.format, c.lines > attributed { fileFormats[f.rawValue, default: 0] += c.lines - attributed }
            } else if let f = input.format {
                fileFormats[f.rawValue] = c.lines
            }
            for (f, n) in fileFormats { formats[f, default: 0] += n }
            let errorCount = state.problems.filter { $0.input == index }.count
            var extra: [(String, JSONOutput)] = []
            if let envelope = input.envelope { extra.append(("envelope", .string(envelope.rawValue))) }
            if input.perLine { extra.append(("formats", .object(fileFormats.keys.sorted().map { ($0, .uint(fileFormats[$0]!)) }))) }
            files.append(.object([
                ("path", .string(input.path)),
                ("encoding", .string(input.encoding)),
                ("format", input.format.map { .string($0.rawValue) } ?? .null),
                ("format_confidence", input.formatConfidence.map { .number($0) } ?? .null),
                ("role", .string(input.role.rawValue)),
                ("role_source", .string(input.roleSource)),
                ("size_on_disk", input.sizeOnDisk.map { .int($0) } ?? .null),
                ("bytes", .int(c.bytes)),
                ("lines", .uint(c.lines)),
                ("parsed", .uint(c.parsed)),
                ("ignored", .uint(c.ignored)),
                ("rejected", .uint(c.rejected)),
                ("errors", .int(Int64(errorCount))),
            ] + extra))
        }
        func path(_ input: Int) -> JSONOutput { input < inputs.count ? .string(inputs[input].path) : .null }
        let samples: [JSONOutput] = state.samples.map { s in
            .object([
                ("file", path(s.location.input)),
                ("line", .uint(state.lineNumber(of: s.location))),
                ("offset", .int(s.location.byteOffset)),
                ("reason", .string(s.reason.rawValue)),
                ("sample", .string(s.text)),
            ])
        }
        let errors: [JSONOutput] = state.problems.map { p in
            .object([
                ("file", path(p.input)),
                ("kind", .string(p.kind)),
                ("message", .string(p.message)),
                ("offset", p.byteOffset.map { .int($0) } ?? .null),
                ("line", p.lastLine.map { .uint(state.lineNumber(of: $0)) } ?? .null),
            ])
        }
        let timeRange: JSONOutput = state.firstMillis <= state.lastMillis
            ? .object([("first", .string(isoTime(state.firstMillis))), ("last", .string(isoTime(state.lastMillis)))])
            : .null
        return .object([
            ("files", .array(files)),
            ("bytes", .int(total.bytes)),
            ("lines", .uint(total.lines)),
            ("parsed", .uint(total.parsed)),
            ("ignored", .uint(total.ignored)),
            ("rejected", .uint(total.rejected)),
            ("rejected_by_reason", .object(RejectReason.allCases.sorted().map { ($0.rawValue, .uint(state.rejectedByReason[$0] ?? 0)) })),
            ("rejected_samples", .array(samples)),
            ("formats", .object(formats.keys.sorted().map { ($0, .uint(formats[$0]!)) })),
            ("errors", .array(errors)),
            ("time_range", timeRange),
            ("records_without_time", .uint(state.callsWithoutTime)),
        ])
    }

    static func summarySection(state: AggregateState, endpoints: [Endpoint], options: ReportOptions) -> JSONOutput {
        var calls: UInt64 = 0
        var methods: [String: UInt64] = [:]
        var classes: [String: UInt64] = [:]
        var hosts = Set<String>()
        var overflowCalls: UInt64 = 0
        for e in endpoints {
            calls += e.stats.calls
            methods[e.method, default: 0] += e.stats.calls
            for (k, v) in e.stats.statuses.byClass { classes[k, default: 0] += v }
            hosts.insert(e.host)
            if e.template == overflowTemplate { overflowCalls += e.stats.calls }
        }
        let invalidTotal = state.invalidRequests.values.reduce(0, +)
        return .object([
            ("hosts", .int(Int64(hosts.count))),
            ("endpoints", .int(Int64(endpoints.count))),
            ("calls", .uint(calls)),
            ("methods", .object(methods.keys.sorted().map { ($0, .uint(methods[$0]!)) })),
            ("status_classes", .object(classes.keys.sorted().map { ($0, .uint(classes[$0]!)) })),
            ("invalid_requests", .object([
                ("total", .uint(invalidTotal)),
                ("by_kind", .object(state.invalidRequests.keys.sorted().map { ($0, .uint(state.invalidRequests[$0]!)) })),
            ])),
            ("overflow_calls", .uint(overflowCalls)),
            ("collapse_threshold", .int(Int64(options.collapseThreshold))),
            ("max_endpoints_per_host", .int(Int64(options.maxEndpointsPerHost))),
        ])
    }

    static func endpointValue(_ e: Endpoint, _ coverage: EndpointCoverage, tally: EvidenceTally) -> JSONOutput {
        let s = e.stats
        let latency: JSONOutput = s.latency.total == 0 ? .null : .object([
            ("count", .uint(s.latency.total)),
            ("mean", .number(Double(s.latency.sumMicros) / Double(s.latency.total) / 1000)),
            ("p50", .number(Double(s.latency.quantile(0.5)) / 1000)),
            ("p90", .number(Double(s.latency.quantile(0.9)) / 1000)),
            ("p99", .number(Double(s.latency.quantile(0.99)) / 1000)),
            ("max", .number(Double(s.latency.maxMicros) / 1000)),
        ])
        let classes = s.statuses.byClass
        return .object([
            ("host", e.host.isEmpty ? .null : .string(e.host)),
            ("method", .string(e.method)),
            ("template", .string(e.template)),
            ("calls", .uint(s.calls)),
            ("status_classes", .object(classes.keys.sorted().map { ($0, .uint(classes[$0]!)) })),
            ("top_status", .array(s.statuses.byFrequency.prefix(5).map {
                .object([("code", .int(Int64($0.code))), ("count", .uint($0.count))])
            })),
            ("first_seen", s.firstSeenMillis == Int64.max ? .null : .string(isoTime(s.firstSeenMillis))),
            ("last_seen", s.lastSeenMillis == Int64.min ? .null : .string(isoTime(s.lastSeenMillis))),
            ("clients", .object([("distinct", .uint(s.clients.count)), ("exact", .bool(s.clients.isExact))])),
            ("response_bytes", .object([
                ("total", .uint(s.responseBytes)),
                ("mean", s.callsWithBytes == 0 ? .null : .number(Double(s.responseBytes) / Double(s.callsWithBytes), decimals: 1)),
            ])),
            ("latency_ms", latency),
            ("query_params", .array(s.queryParameters.sortedNames.map { .string($0) })),
            ("query_params_truncated", .bool(s.queryParameters.truncated)),
            ("calls_with_query", .uint(s.callsWithQuery)),
            ("typed_paths", .int(Int64(e.typedPaths))),
            ("documentation", e.documentation.map(documentationValue) ?? .null),
        ] + endpointCoverageFields(e, coverage, tally: tally))
    }

    /// `2023-10-10T08:32:31.000Z` from milliseconds since the epoch.
    public static func isoTime(_ millis: Int64) -> String {
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let ms = Int(millis - seconds * 1000)
        var days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        // civil_from_days (Howard Hinnant)
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(ms, 3))Z"
    }
}
