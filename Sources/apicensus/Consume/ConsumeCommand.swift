import ArgumentParser
import APICensusConsumer
import APICensusCore
import APICensusIO
import APICensusKafka
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Consumes access logs from Kafka topics and prints a snapshot JSON line per interval.",
        discussion: """
            Joins consumer group G on the topics and reads their messages: raw log lines (several per \
            message allowed) or shipper JSON envelopes (Filebeat, Fluent Bit, Vector, Logstash: the \
            `message` / `log` field is unwrapped). The format is detected per topic (or --format).

            --config FILE is the file batch reads (Schemas/config.schema.json): its kafka section \
            (brokers, group, properties, topics with their format, log_format, role and host) and, as \
            for batch, networks, gateway_evidence, api_keys, routes, specs and rules. A topic's role \
            (default: its format's) counts as a source's role does in batch: what a gateway or waf \
            topic carries is mediated. The sources section is batch's and is ignored (noted on stderr).

            Every --snapshot-interval it writes one JSON line on stdout (Schemas/snapshot.schema.json): \
            the report's sections, the offset ranges each partition added, and their mergeable state. \
            Offsets are committed only after that line is written and flushed, so a restart resumes \
            at a snapshot boundary and `apicensus merge` of all outputs counts every message once. \
            SIGTERM/SIGINT: stop fetching, final snapshot ("final": true), commit, leave the group.

            --window cumulative (default): each snapshot reports everything this process consumed \
            since it started. --window 5m: tumbling windows of consumption time aligned to multiples \
            of 5 minutes since the epoch; each snapshot reports the current window so far, a snapshot \
            is written at each window end (reporting the whole window), and the next window starts \
            empty. Offsets and state are the same either way: merge totals the whole run.

            Kafka properties: -X name=value (any librdkafka property: security.protocol, sasl.*, \
            ssl.*). A value env:NAME is read from the environment, file:PATH from a file; values of \
            properties whose names contain password, secret, key, token or sasl.oauthbearer are \
            never printed.

            Exit codes: 0 stopped or drained normally; 1 fatal error (see stderr); 2 usage error.
            """
    )

    @Option(name: .long, help: "Bootstrap brokers, HOST:PORT[,HOST:PORT…] (or kafka.brokers in --config).")
    var brokers: String?

    @Option(name: .long, parsing: .singleValue, help: "Topic(s), comma-separated; repeatable (or kafka.topics in --config).")
    var topic: [String] = []

    @Option(name: .long, help: "Consumer group id (or kafka.group in --config).")
    var group: String?

    @Option(name: .long, help: ArgumentHelp(
        "YAML configuration file (Schemas/config.schema.json), the same file batch reads.",
        discussion: "kafka: brokers, group, from, properties, topics (each with format, log_format, field_map, envelope, role, host); networks, gateway_evidence, api_keys, routes, specs and rules as for batch. The sources section is batch's: consume ignores it, with a note on stderr. Options given here win over the file."))
    var config: String?

    @Option(name: .customShort("X"), parsing: .singleValue, help: ArgumentHelp(
        "librdkafka property name=value; value may be env:NAME or file:PATH. Repeatable.", valueName: "name=value"))
    var properties: [String] = []

    @Option(name: .long, help: "Time between snapshots (500ms, 30s, 5m, 1h).")
    var snapshotInterval: String = "60s"

    @Option(name: .long, help: "What each snapshot reports: cumulative, or a tumbling window length (5m, 1h).")
    var window: String = "cumulative"

    @Option(name: .long, help: "Where a group without committed offsets starts: earliest or latest.")
    var from: String?

    @Flag(name: .long, help: "Read what the topics hold now (every assigned partition to its end), write the final snapshot and exit.")
    var exitAtEnd = false

    @Option(name: .long, help: "Serve Prometheus /metrics and /healthz on this port.")
    var metricsPort: Int?

    @Option(name: .long, help: "Force a format for every topic: \(LogFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String?

    @Option(name: .long, help: ArgumentHelp(
        "Your log format for every topic: nginx:<log_format string> or apache:<LogFormat string> (as for batch).",
        discussion: "Detected with the other formats (and preferred when it reads a message as well); --format custom forces it. A topic's log_format in --config is used when this is not given.",
        valueName: "dialect:format"))
    var logFormat: String?

    @Option(name: .long, help: "JSON field names, field=key[|alt],… (as for batch).")
    var fieldMap: String?

    @Option(name: .customLong("spec"), help: "An OpenAPI 3.0/3.1 spec (YAML or JSON) the snapshots' inventory is judged against; repeatable (after the configuration's specs).")
    var specs: [String] = []

    @Option(name: .long, help: "Maturity rules replacing the built-in ones (wins over the configuration's rules).")
    var rules: String?

    @Option(name: .long, help: "Shipper envelopes: auto (unwrap message/log) or none.")
    var envelope: String = "auto"

    @Option(name: .long, help: "Messages larger than this many bytes are counted as oversized_message and not read.")
    var maxMessageBytes: Int = 8 << 20

    @Option(name: .long, help: "Longest accepted line in bytes; longer lines are rejected as too_long.")
    var maxLineLength: Int = 1 << 20

    @Option(name: .long, help: "Threads parsing messages, each partition on one of them (default: one per core, 2 to 8).")
    var parseThreads: Int?

    @Option(name: .long, help: "Distinct literal values under one path position before it becomes {param}.")
    var collapseThreshold: Int = 50

    @Option(name: .long, help: "Endpoints kept per host; the rest are counted in an {overflow} endpoint.")
    var maxEndpointsPerHost: Int = 20_000

    @Option(name: .long, help: "Name of this consumer in snapshots (default: host/pid).")
    var instance: String?

    @Option(name: .long, help: "Longest a shutdown may take before the process exits anyway.")
    var shutdownTimeout: String = "30s"

    func validate() throws {
        _ = try settings()
    }

    /// Everything the options and the configuration file say, checked (secrets resolved, never printed).
    func settings() throws -> ConsumeSettings { try prepare().settings }

    /// The settings, the configuration file they came from, and notes for stderr (printed once, by `run`).
    func prepare() throws -> (settings: ConsumeSettings, file: ConfigFile?, notes: [String]) {
        do {
            return try makeSettings()
        } catch let error as KafkaConfigurationError {
            throw ValidationError(error.message)
        } catch let error as ConfigError {
            throw ValidationError("invalid configuration: \(error)")
        } catch let error as FieldMapError {
            throw ValidationError("--field-map: \(error)")
        } catch let error as CustomFormatError {
            throw ValidationError("--log-format: \(error)")
        }
    }

    private func makeSettings() throws -> (settings: ConsumeSettings, file: ConfigFile?, notes: [String]) {
        var s = ConsumeSettings()
        var notes: [String] = []
        let file: ConfigFile? = try config.map { try ConfigFile.load(path: $0) }
        let kafka = file?.kafka
        if let file {
            // The sources section is batch's: its warnings are batch's.
            notes += file.warnings.filter { $0.section != "sources" }.map(\.description)
            if let line = file.sectionLines["sources"] {
                notes.append("\(file.path):\(line): sources: read by batch only; consume reads kafka.topics (section ignored)")
            }
        }
        // Properties: the file's first, then the flags' (a flag wins).
        for property in kafka?.properties ?? [] {
            do {
                s.properties.set(property.name, try KafkaProperties.resolve(property.value, property: property.name))
            } catch let error as KafkaConfigurationError {
                // The resolver's message starts with the property's name, which the key names already.
                let prefix = "property \(property.name): "
                let message = error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
                throw ConfigError(file: file!.path, line: property.line, key: "kafka.properties.\(property.name)", message: message)
            }
        }
        if let brokers = brokers ?? kafka?.brokers { s.properties.set("bootstrap.servers", brokers) }
        if let group = group ?? kafka?.group { s.properties.set("group.id", group) }
        for spec in properties {
            let (name, value) = try KafkaProperties.parseAssignment(spec)
            s.properties.set(name, value)
        }
        guard s.properties["bootstrap.servers"] != nil else { throw ValidationError("--brokers is required (or kafka.brokers in --config, or -X bootstrap.servers=…)") }
        guard s.properties["group.id"] != nil else { throw ValidationError("--group is required (or kafka.group in --config)") }
        let start = from ?? kafka?.from ?? "earliest"
        guard start == "earliest" || start == "latest" else { throw ValidationError("--from must be earliest or latest, not '\(start)'") }
        // A new group starts at the beginning by default: the point is to census what the topic holds.
        s.properties.set("auto.offset.reset", start)

        let forced = try format.map { name -> LogFormat in
            guard let f = LogFormat(rawValue: name) else {
                throw ValidationError("unknown --format '\(name)'; use one of: \(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return f
        }
        let custom = try logFormat.map { try CustomFormat.compile($0) }
        if let custom, !custom.unknownVariables.isEmpty {
            notes.append("--log-format: read as opaque fields (not known to APICensus): \(custom.unknownVariables.joined(separator: ", "))")
        }
        let map = try fieldMap.map { try FieldMap(parsing: $0) } ?? .default
        guard let envelopeMode = TopicSettings.Envelope(rawValue: envelope) else { throw ValidationError("--envelope must be auto or none") }
        let names = topic.flatMap { $0.split(separator: ",").map { String($0).trimmingSpaces } }.filter { !$0.isEmpty }
        let fileTopics = kafka?.topics ?? []
        let chosen = names.isEmpty ? fileTopics.map(\.name) : names
        guard !chosen.isEmpty else { throw ValidationError("--topic is required (or kafka.topics in --config)") }
        // librdkafka reads a name starting with ^ as a regular expression: the partitions of every
        // matching topic would be told apart by partition number only. Each topic is named instead.
        if let pattern = chosen.first(where: { $0.hasPrefix("^") }) {
            throw ValidationError("topic \(pattern): regular-expression subscriptions are not supported; name each topic (--topic a,b or kafka.topics)")
        }
        var seen = Set<String>()
        for name in chosen where seen.insert(name).inserted {
            var t = TopicSettings(name: name, format: forced, fieldMap: map, envelope: envelopeMode, customFormat: custom)
            // The file's settings for the topic, where no option says otherwise.
            if let f = fileTopics.first(where: { $0.name == name }) {
                if forced == nil, let fmt = f.format { t.format = fmt }
                if custom == nil { t.customFormat = f.customFormat }
                if fieldMap == nil, let fm = f.fieldMap { t.fieldMap = fm }
                if let e = f.envelope { t.envelope = e == .auto ? .auto : .none }
                t.role = f.role
                t.host = f.host
            }
            if t.format == .custom, t.customFormat == nil {
                throw ValidationError("topic \(name): format custom needs --log-format 'nginx:…' or 'apache:…' (or log_format for the topic in --config)")
            }
            s.topics.append(t)
        }
        // What batch takes from the same file: the classification settings and the report's.
        if let file {
            s.aggregation.coverage = file.coverage
            s.report.routePatterns = file.routes
            s.report.thirdPartyHosts = file.coverage.thirdPartyHosts
        }

        s.snapshotIntervalMillis = try DurationText.milliseconds(parsing: snapshotInterval, what: "--snapshot-interval")
        guard s.snapshotIntervalMillis >= 100 else { throw ValidationError("--snapshot-interval must be at least 100ms") }
        s.window = try SnapshotWindow(parsing: window)
        s.exitAtEnd = exitAtEnd
        guard maxMessageBytes >= 1 else { throw ValidationError("--max-message-bytes must be at least 1") }
        s.maxMessageBytes = maxMessageBytes
        if let parseThreads {
            guard (1...64).contains(parseThreads) else { throw ValidationError("--parse-threads must be between 1 and 64") }
            s.parseThreads = parseThreads
        }
        guard maxLineLength >= 64 else { throw ValidationError("--max-line-length must be at least 64") }
        s.aggregation.maxLineLength = maxLineLength
        guard collapseThreshold >= 1 else { throw ValidationError("--collapse-threshold must be at least 1") }
        guard maxEndpointsPerHost >= 1 else { throw ValidationError("--max-endpoints-per-host must be at least 1") }
        s.report.collapseThreshold = collapseThreshold
        s.report.maxEndpointsPerHost = maxEndpointsPerHost
        s.shutdownTimeoutMillis = try DurationText.milliseconds(parsing: shutdownTimeout, what: "--shutdown-timeout")
        if let metricsPort, !(1...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be 1…65535") }
        s.instance = instance ?? Self.defaultInstance()
        return (s, file, notes)
    }

    static func defaultInstance() -> String {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let name = host.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return "\(name)/\(getpid())"
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        var (settings, file, notes) = try prepare()
        let log: @Sendable (String) -> Void = { StandardError.print($0) }
        for note in notes { log("apicensus: \(note)") }
        // Specs and rules are read before connecting: a bad one is a usage error, found at once. The
        // configuration's specs come first, then --spec; --rules wins over `rules:`.
        let scoring = try ScoringInputs.load(
            specs: (file?.specPaths ?? []).map { ($0, "specs (configuration)") } + specs.map { ($0, "--spec") },
            rules: rules.map { ($0, "--rules") } ?? file?.rulesPath.map { ($0, "rules (configuration)") })
        settings.report.specs = scoring.specs
        settings.report.maturityRules = scoring.rules
        log("apicensus: kafka properties: \(settings.properties)")
        // The registry is bootstrapped before the engine makes its metrics (a series made before the
        // bootstrap would stay a no-op).
        var registry: PrometheusCollectorRegistry?
        if metricsPort != nil {
            let made = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: made))
            registry = made
        }
        let engine: ConsumerEngine
        do {
            engine = try ConsumerEngine(settings: settings, output: FileDescriptorOutput(), log: log)
        } catch {
            log("apicensus: \(error)")
            throw ExitCode(1)
        }
        // A graceful shutdown goes through the services in reverse order: the consumer (last) stops
        // first, the metrics server (first) keeps answering until the consumer is done.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let metricsPort, let registry {
            services.append(.init(service: MetricsServer(port: UInt16(metricsPort), registry: registry, engine: engine, log: log)))
        }
        services.append(.init(service: ConsumerService(engine: engine, log: log), successTerminationBehavior: .gracefullyShutdownGroup,
                              failureTerminationBehavior: .gracefullyShutdownGroup))
        var logger = Logger(label: "apicensus.lifecycle")
        logger.logLevel = .warning
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            // Name the failing part: a bare "disconnected" once hid a metrics-server error here.
            let part = error is ConsumerFailure ? "consumer" : "service"
            log("apicensus: \(part) failed: \(error) (\(String(reflecting: type(of: error))))")
            throw ExitCode(1)
        }
        if case .failed? = engine.finishedOutcome { throw ExitCode(1) }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
