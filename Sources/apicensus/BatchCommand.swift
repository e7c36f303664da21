import ArgumentParser
import APICensusCore
import APICensusIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Reads access logs (plain or gzip) and prints the API report as JSON.",
        discussion: """
            PATH is a file, a directory (read recursively) or - for stdin. gzip is recognised by its magic \
            bytes, whatever the file is called; concatenated gzip members are read whole. The format of \
            each input is detected from its first lines unless --format is given.

            Formats: combined, common (NGINX/Apache, with or without a leading virtual host and extra \
            trailing fields such as $request_time), json (one object per line, NGINX JSON names by \
            default; see --field-map), and the others --format lists. Lines wrapped in a syslog header, \
            Docker/Kubernetes container-log JSON or CRI framing, or a log shipper's JSON (message/log) are \
            unwrapped automatically (input.files[].envelope). An input whose lines mix formats is parsed \
            line by line with whichever format accepts each line (input.files[].formats); --format mixed \
            does that for every input.

            Your own format: --log-format 'nginx:<log_format string>' or --log-format 'apache:<LogFormat \
            string>' compiles it into a parser (format custom); it is detected like the others, and wins \
            over any format that reads the lines as well. --format custom forces it.

            Exit codes: 0 success; 1 fatal error (no report); 2 usage error; 3 report written but some \
            input could not be read completely or at all (unreadable file, corrupt or truncated gzip, \
            format not recognised: see input.errors).
            """
    )

    @Argument(help: "Log files, directories, or - for stdin. Each takes the role of its format (see --source).")
    var paths: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "A source with its role: ROLE=PATH (repeatable). Roles: gateway, waf, lb (or ingress), service, egress.",
        discussion: "Plain PATHs take their format's default role (an ALB log a load balancer's, a Kong log a gateway's). Roles decide mediation: an endpoint seen through a gateway or WAF source is mediated."))
    var source: [String] = []

    @Option(name: .long, help: "A YAML configuration file (Schemas/config.schema.json): sources (with role, format, log_format, host), networks, gateway-evidence headers, API-key names, route patterns, specs, rules. Its kafka section is checked, and read by consume.")
    var config: String?

    @Option(name: .long, help: "Force a format: \(LogFormat.allCases.map(\.rawValue).joined(separator: ", ")); or mixed (every line by whichever format accepts it).")
    var format: String?

    @Option(name: .long, help: ArgumentHelp(
        "Your log format: nginx:<log_format string> or apache:<LogFormat string>.",
        discussion: "For example --log-format 'nginx:$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $host $request_time'. A whole log_format / LogFormat directive is accepted too. Variables APICensus does not know are read as opaque fields.",
        valueName: "dialect:format"))
    var logFormat: String?

    @Option(name: .long, help: ArgumentHelp(
        "Override JSON field names: field=key[|alt],… (for example time=ts,target=req.uri|url).",
        discussion: "Fields: \(FieldMap.Field.allCases.map(\.rawValue).joined(separator: ", ")). Nested keys use dots."))
    var fieldMap: String?

    @Option(name: .long, help: "Distinct literal values under one path position before it becomes {param}.")
    var collapseThreshold: Int = 50

    @Option(name: .long, help: "Endpoints kept per host; the rest are counted in an {overflow} endpoint.")
    var maxEndpointsPerHost: Int = 20_000

    @Option(name: .long, help: "Worker threads (default: the number of cores).")
    var threads: Int?

    @Option(name: .long, help: "Longest accepted line in bytes; longer lines are rejected as too_long.")
    var maxLineLength: Int = 1 << 20

    @Option(name: .customLong("spec"), help: ArgumentHelp(
        "An OpenAPI 3.0/3.1 spec (YAML or JSON); repeat for several.",
        discussion: "Spec paths take precedence over learned templates; endpoints are judged documented, shadow or zombie, and unused operations listed (docs section)."))
    var specs: [String] = []

    @Option(name: .long, help: "Maturity rules replacing the built-in ones (see docs/maturity.md, Schemas/rules.schema.json).")
    var rules: String?

    @Option(name: [.short, .long], help: "Write the report to this file instead of stdout.")
    var output: String?

    @Flag(name: .long, help: "Print the report on one line.")
    var compact = false

    @Flag(name: .long, help: "Add generated_at (the report is otherwise byte-identical for the same input).")
    var timestamp = false

    @Flag(name: .long, help: "Add the mergeable state (for `apicensus merge`) to the report.")
    var includeState = false

    @Flag(name: .long, inversion: .prefixedNo, help: "Progress line on stderr when it is a terminal.")
    var progress = true

    /// `--format mixed`: no format forced, every input parsed line by line.
    static let perLineFormatName = "mixed"

    func validate() throws {
        for s in source where SourceArgument(s) == nil {
            throw ValidationError("--source '\(s)': expected ROLE=PATH with ROLE one of gateway, waf, lb (ingress), service, egress")
        }
        if paths.isEmpty && source.isEmpty && config == nil {
            throw ValidationError("no input: give log PATHs, --source ROLE=PATH or --config FILE")
        }
        if let format, LogFormat(rawValue: format) == nil, format != Self.perLineFormatName {
            throw ValidationError("unknown --format '\(format)'; use one of: \(LogFormat.allCases.map(\.rawValue).joined(separator: ", ")), \(Self.perLineFormatName)")
        }
        // Sources of the configuration may bring their own log_format: checked once it is read.
        if format == LogFormat.custom.rawValue, logFormat == nil, config == nil {
            throw ValidationError("--format custom needs --log-format 'nginx:…' or --log-format 'apache:…'")
        }
        if let logFormat {
            do { _ = try CustomFormat.compile(logFormat) } catch { throw ValidationError("--log-format: \(error)") }
        }
        if let fieldMap {
            do { _ = try FieldMap(parsing: fieldMap) } catch { throw ValidationError("--field-map: \(error)") }
        }
        guard collapseThreshold >= 1 else { throw ValidationError("--collapse-threshold must be at least 1") }
        guard maxEndpointsPerHost >= 1 else { throw ValidationError("--max-endpoints-per-host must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard maxLineLength >= 64 else { throw ValidationError("--max-line-length must be at least 64") }
    }

    /// The configuration file, when one is named; a bad one stops the run with its file, line and key.
    func loadConfiguration() throws -> ConfigFile? {
        guard let path = self.config else { return nil }
        let file: ConfigFile
        do {
            file = try ConfigFile.load(path: path)
        } catch {
            StandardError.print("apicensus: invalid configuration: \(error)")
            throw ExitCode(2)
        }
        // The kafka section is checked but read by consume only: its warnings are consume's.
        for warning in file.warnings where warning.section != "kafka" { StandardError.print("apicensus: \(warning)") }
        return file
    }

    func run() throws {
        let file = try loadConfiguration()
        // Inputs: the configuration's sources, then --source, then plain paths; a path named twice
        // keeps the last options given.
        var inputPaths: [String] = []
        var sourceOptions: [String: SourceOptions] = [:]
        func add(_ path: String, _ options: SourceOptions) {
            if !inputPaths.contains(path) { inputPaths.append(path) }
            sourceOptions[path] = options
        }
        for s in file?.sources ?? [] { add(s.path, s.options) }
        for s in source.compactMap(SourceArgument.init) { add(s.path, SourceOptions(role: s.role)) }
        for p in paths where !inputPaths.contains(p) { inputPaths.append(p) }
        if inputPaths.isEmpty {
            StandardError.print("apicensus: no input: the configuration names no sources; give log PATHs or --source ROLE=PATH")
            throw ExitCode(2)
        }
        if format == LogFormat.custom.rawValue, logFormat == nil,
           inputPaths.contains(where: { path in sourceOptions[path]?.customFormat == nil }) {
            StandardError.print("apicensus: --format custom needs --log-format 'nginx:…' or 'apache:…' (or log_format for every source in --config)")
            throw ExitCode(2)
        }
        var config = BatchConfiguration(paths: inputPaths, format: format.flatMap(LogFormat.init(rawValue:)),
                                        threads: threads ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        config.sourceOptions = sourceOptions
        if let file { config.aggregation.coverage = file.coverage }
        if let fieldMap { config.fieldMap = try FieldMap(parsing: fieldMap) }
        config.perLine = format == Self.perLineFormatName
        if let logFormat {
            let custom = try CustomFormat.compile(logFormat)
            if !custom.unknownVariables.isEmpty {
                StandardError.print("apicensus: --log-format: read as opaque fields (not known to APICensus): \(custom.unknownVariables.joined(separator: ", "))")
            }
            config.customFormat = custom
        }
        config.aggregation.maxLineLength = maxLineLength
        // Specs and rules are read before the logs: a bad one is a usage error, found at once.
        // The configuration's `specs:` come first, then --spec; --rules wins over `rules:`.
        let scoring = try ScoringInputs.load(
            specs: (file?.specPaths ?? []).map { ($0, "specs (configuration)") } + specs.map { ($0, "--spec") },
            rules: rules.map { ($0, "--rules") } ?? file?.rulesPath.map { ($0, "rules (configuration)") })
        // Fail before the work, not after it, when the report cannot be written. A file report goes to
        // a hidden temporary file renamed at the end, so `-o` never truncates an input (or adds an
        // empty file to a directory being read) before it is read.
        let sink = try OutputFile(path: output)
        let result = BatchRunner.run(config, progress: progress ? ProgressReporter.forTerminal() : nil)
        // Input problems, with the line each input had reached (known once every range is counted).
        for problem in result.state.problems {
            let path = problem.input < result.inputs.count ? result.inputs[problem.input].path : "?"
            var where_ = ""
            if let offset = problem.byteOffset {
                let isGzip = problem.kind == "corrupt_gzip" || problem.kind == "truncated_gzip"
                where_ += isGzip ? " at compressed byte offset \(offset)" : " at byte offset \(offset)"
            }
            if let line = problem.lastLine.map({ result.state.lineNumber(of: $0) }) { where_ += ", after line \(line)" }
            let kept = problem.kind == "unreadable" ? "" : "; everything read before it is in the report"
            StandardError.print("apicensus: \(path): \(problem.kind.replacing("_", with: " "))\(where_): \(problem.message)\(kept)")
        }
        var options = ReportOptions()
        options.collapseThreshold = collapseThreshold
        options.maxEndpointsPerHost = maxEndpointsPerHost
        if let file {
            options.routePatterns = file.routes
            options.thirdPartyHosts = file.coverage.thirdPartyHosts
        }
        options.specs = scoring.specs
        options.maturityRules = scoring.rules
        if timestamp { options.generatedAtMillis = Self.nowMillis() }
        var report = ReportBuilder.report(state: result.state, inputs: result.inputs, options: options)
        if includeState, case .object(var fields) = report {
            fields.append(("state", StateSection(inputs: result.inputs, base: result.state, deltas: [PartitionDelta]()).json))
            report = .object(fields)
        }
        var bytes = report.bytes(indent: compact ? nil : 2)
        bytes.append(UInt8(ascii: "\n"))
        try sink.write(bytes)
        let rejected = result.state.rejectedByReason.values.reduce(0, +)
        if rejected > 0 {
            StandardError.print("apicensus: \(rejected) line(s) rejected; see input.rejected_by_reason and input.rejected_samples")
        }
        if result.hadInputErrors { throw ExitCode(3) }
    }

    static func nowMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// Where the report goes: stdout, or a file written through a hidden temporary file beside it.
struct OutputFile {
    let path: String?
    let temporaryPath: String?
    let descriptor: Int32

    init(path: String?) throws {
        self.path = path
        guard let path else {
            temporaryPath = nil
            descriptor = STDOUT_FILENO
            return
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = "\(directory).\(name).apicensus-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            StandardError.print("apicensus: cannot write the report to \(path): \(String(cString: strerror(errno)))")
            throw ExitCode(1)
        }
        self.temporaryPath = temporary
        self.descriptor = descriptor
    }

    /// Writes the whole report, then moves the temporary file into place.
    func write(_ bytes: [UInt8]) throws {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                fail("writing the report failed: \(String(cString: strerror(errno)))")
                throw ExitCode(1)
            }
            written += n
        }
        guard let path, let temporaryPath else { return }
        close(descriptor)
        if rename(temporaryPath, path) != 0 {
            fail("cannot move the report to \(path): \(String(cString: strerror(errno)))")
            throw ExitCode(1)
        }
    }

    private func fail(_ message: String) {
        StandardError.print("apicensus: \(message)")
        if let temporaryPath { unlink(temporaryPath) }
    }
}
