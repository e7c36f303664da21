import ArgumentParser
import APICensusConsumer
import APICensusCore
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

    @Option(name: .long, help: "YAML configuration file (Schemas/config.schema.json: the kafka section).")
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

    @Option(name: .long, help: "JSON field names, field=key[|alt],… (as for batch).")
    var fieldMap: String?

    @Option(name: .long, help: "Shipper envelopes: auto (unwrap message/log) or none.")
    var envelope: String = "auto"

    @Option(name: .long, help: "Messages larger than this many bytes are counted as oversized_message and not read.")
    var maxMessageBytes: Int = 8 << 20

    @Option(name: .long, help: "Longest accepted line in bytes; longer lines are rejected as too_long.")
    var maxLineLength: Int = 1 << 20

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

    /// Everything the options say, checked (secrets resolved, never printed).
    func settings() throws -> ConsumeSettings {
        do {
            return try makeSettings()
        } catch let error as KafkaConfigurationError {
            throw ValidationError(error.message)
        } catch let error as ConfigFileError {
            throw ValidationError(error.message)
        } catch let error as FieldMapError {
            throw ValidationError("--field-map: \(error)")
        }
    }

    private func makeSettings() throws -> ConsumeSettings {
        var s = ConsumeSettings()
        let file = try config.map { try ConsumeConfigFile.load(path: $0) }
        // Properties: the file's first, then the flags' (a flag wins).
        if let file { for (name, value) in file.properties { s.properties.set(name, value) } }
        if let brokers = brokers ?? file?.brokers { s.properties.set("bootstrap.servers", brokers) }
        if let group = group ?? file?.group { s.properties.set("group.id", group) }
        for spec in properties {
            let (name, value) = try KafkaProperties.parseAssignment(spec)
            s.properties.set(name, value)
        }
        guard s.properties["bootstrap.servers"] != nil else { throw ValidationError("--brokers is required (or kafka.brokers in --config, or -X bootstrap.servers=…)") }
        guard s.properties["group.id"] != nil else { throw ValidationError("--group is required (or kafka.group in --config)") }
        let start = from ?? file?.from ?? "earliest"
        guard start == "earliest" || start == "latest" else { throw ValidationError("--from must be earliest or latest, not '\(start)'") }
        // A new group starts at the beginning by default: the point is to census what the topic holds.
        s.properties.set("auto.offset.reset", start)

        let forced = try format.map { name -> LogFormat in
            guard let f = LogFormat(rawValue: name) else {
                throw ValidationError("unknown --format '\(name)'; use one of: \(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return f
        }
        let map = try fieldMap.map { try FieldMap(parsing: $0) } ?? .default
        guard let envelopeMode = TopicSettings.Envelope(rawValue: envelope) else { throw ValidationError("--envelope must be auto or none") }
        let names = topic.flatMap { $0.split(separator: ",").map { String($0).trimmingSpaces } }.filter { !$0.isEmpty }
        let fileTopics = file?.topics ?? []
        let chosen = names.isEmpty ? fileTopics.map(\.name) : names
        guard !chosen.isEmpty else { throw ValidationError("--topic is required (or kafka.topics in --config)") }
        var seen = Set<String>()
        for name in chosen where seen.insert(name).inserted {
            var t = TopicSettings(name: name, format: forced, fieldMap: map, envelope: envelopeMode)
            if let f = fileTopics.first(where: { $0.name == name }) {
                if forced == nil, let fmt = f.format { t.format = fmt }
                if fieldMap == nil, let fm = f.fieldMap { t.fieldMap = fm }
                if let e = f.envelope { t.envelope = e }
            }
            s.topics.append(t)
        }

        s.snapshotIntervalMillis = try DurationText.milliseconds(parsing: snapshotInterval, what: "--snapshot-interval")
        guard s.snapshotIntervalMillis >= 100 else { throw ValidationError("--snapshot-interval must be at least 100ms") }
        s.window = try SnapshotWindow(parsing: window)
        s.exitAtEnd = exitAtEnd
        guard maxMessageBytes >= 1 else { throw ValidationError("--max-message-bytes must be at least 1") }
        s.maxMessageBytes = maxMessageBytes
        guard maxLineLength >= 64 else { throw ValidationError("--max-line-length must be at least 64") }
        s.aggregation.maxLineLength = maxLineLength
        guard collapseThreshold >= 1 else { throw ValidationError("--collapse-threshold must be at least 1") }
        guard maxEndpointsPerHost >= 1 else { throw ValidationError("--max-endpoints-per-host must be at least 1") }
        s.report.collapseThreshold = collapseThreshold
        s.report.maxEndpointsPerHost = maxEndpointsPerHost
        s.shutdownTimeoutMillis = try DurationText.milliseconds(parsing: shutdownTimeout, what: "--shutdown-timeout")
        if let metricsPort, !(1...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be 1…65535") }
        s.instance = instance ?? Self.defaultInstance()
        return s
    }

    static func defaultInstance() -> String {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let name = host.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return "\(name)/\(getpid())"
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let settings = try self.settings()
        let log: @Sendable (String) -> Void = { StandardError.print($0) }
        log("apicensus: kafka properties: \(settings.properties)")
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
        if let metricsPort {
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
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
            log("apicensus: \(error)")
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
