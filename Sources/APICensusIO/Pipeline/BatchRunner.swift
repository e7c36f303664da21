import APICensusCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the user says about one source (a path on the command line or in the configuration):
/// its role, its format, its own custom format, the host its calls are filed under.
public struct SourceOptions: Sendable, Equatable {
    public var role: SourceRole?
    public var format: LogFormat?
    public var host: String?
    /// The source's own `log_format` (configuration): used instead of `--log-format` for its files.
    public var customFormat: CustomFormat?

    public init(role: SourceRole? = nil, format: LogFormat? = nil, host: String? = nil, customFormat: CustomFormat? = nil) {
        self.role = role
        self.format = format
        self.host = host
        self.customFormat = customFormat
    }
}

/// What `apicensus batch` was asked to do.
public struct BatchConfiguration: Sendable {
    public var paths: [String]
    /// Per-path options, keyed by the path as given in `paths`; files found under a directory take
    /// the directory's options.
    public var sourceOptions: [String: SourceOptions] = [:]
    /// Forced format; nil = detect per input.
    public var format: LogFormat?
    public var fieldMap: FieldMap = .default
    /// The user's own format (`--log-format`): detected like the catalogued formats (and preferred
    /// when it reads as many lines), or forced with `format = .custom`.
    public var customFormat: CustomFormat?
    /// Parse every input line by line with whichever format accepts each line (`--format mixed`);
    /// otherwise only inputs whose detection says so.
    public var perLine = false
    /// Worker threads (a gzip stream adds one inflating thread while it is read).
    public var threads: Int
    public var aggregation = AggregationOptions()
    /// Plain files larger than this are split into ranges of about this size and parsed in parallel
    /// (large enough that the per-range buffer set-up is noise, small enough to balance the cores).
    public var rangeSize = 16 << 20

    public init(paths: [String], format: LogFormat? = nil, threads: Int) {
        self.paths = paths
        self.format = format
        self.threads = max(1, threads)
    }
}

extension BatchConfiguration {
    /// The formats this run reads: the catalog, and the custom format if one is configured.
    public var formats: FormatSet { FormatSet(fieldMap: fieldMap, custom: customFormat) }

    /// The formats of a source with its own custom format (configuration `log_format`), which
    /// replaces the run's; nil when the source has none.
    func ownFormats(of options: SourceOptions) -> FormatSet? {
        options.customFormat.map { FormatSet(fieldMap: fieldMap, custom: $0) }
    }
}

extension InputDescription {
    /// Takes a detection's format, confidence and envelope, and whether the lines are read per line.
    mutating func apply(_ detection: FormatDetector.Detection, forcedPerLine: Bool) {
        format = detection.format
        formatConfidence = detection.confidence
        envelope = detection.envelope
        perLine = detection.perLine || forcedPerLine
    }

    /// How this input is parsed, once its format is known.
    var plan: FormatPlan? { format.map { FormatPlan(format: $0, envelope: envelope, perLine: perLine) } }
}

public struct BatchResult: Sendable {
    public var state: AggregateState
    public var inputs: [InputDescription]
    /// True when some input could not be read completely (unreadable, corrupt or truncated gzip).
    public var hadInputErrors: Bool { !state.problems.isEmpty }
}

/// Runs a batch: expands the paths, plans the work (ranges of large plain files, one stream per
/// gzip file or stdin), parses on `threads` workers, and merges their states.
public enum BatchRunner {
    /// One unit of work for a worker.
    enum Job: Sendable {
        /// A line-aligned range of a plain file; `part` numbers the ranges of one input.
        case range(input: Int, path: String, range: Range<Int64>, part: Int, parts: Int, format: FormatChoice)
        /// A ticket to help read a sequential stream (gzip, inflated on its own thread, or stdin):
        /// each worker that takes one parses chunks of it until it ends.
        case stream(SharedStream, ticket: Int)
    }

    /// The parser to use for an input: decided before the work starts (regular files) or from the
    /// stream's first chunk (stdin).
    enum FormatChoice: Sendable {
        case known(FormatPlan)
        /// A forced format on a stream: its envelope is recognised from the first chunk.
        case forcedFromStream(FormatPlan)
        case detectFromStream
        /// Nothing recognisable: every line is rejected as `unknown_format`.
        case unknown
    }

    /// How much of a file is read to recognise its format: enough to get past a first line of up
    /// to the line limit.
    static func sampleSize(_ config: BatchConfiguration) -> Int { config.aggregation.maxLineLength + (64 << 10) }

    public static func run(_ config: BatchConfiguration, progress: ProgressReporter? = nil) -> BatchResult {
        var inputs: [InputDescription] = []
        var jobs: [Job] = []
        var streamPlans: [(input: Int, path: String, choice: FormatChoice)] = []
        func addStream(_ input: Int, _ path: String, _ choice: FormatChoice) { streamPlans.append((input, path, choice)) }
        var planningProblems: [InputProblem] = []
        // The order of paths on the command line must not change the report: every input, failed
        // ones included, is numbered by path.
        let entries = InputExpansion.expand(config.paths).sorted { path(of: $0) < path(of: $1) }
            .map { ($0, options(for: path(of: $0), in: config.sourceOptions)) }
        let runFormats = config.formats
        var sourceOptions: [Int: SourceOptions] = [:]
        /// Inputs of sources with their own custom format, and the formats they are read with.
        var ownFormats: [Int: FormatSet] = [:]
        for (entry, options) in entries {
            let index = inputs.count
            sourceOptions[index] = options
            let formats = config.ownFormats(of: options) ?? runFormats
            if options.customFormat != nil { ownFormats[index] = formats }
            // A source's own format (configuration) wins over --format.
            let format = options.format ?? config.format
            guard case .file(let file) = entry else {
                if case .failure(let error) = entry {
                    inputs.append(InputDescription(path: error.path, encoding: "plain", format: nil, formatConfidence: nil, sizeOnDisk: nil,
                                                   explicitRole: options.role))
                    planningProblems.append(problem(from: error, input: index, lastLine: nil))
                }
                continue
            }
            var description = InputDescription(path: file.path, encoding: "plain", format: format,
                                               formatConfidence: format == nil ? nil : 1, sizeOnDisk: file.size,
                                               explicitRole: options.role)
            description.perLine = config.perLine
            defer { inputs.append(description) }
            // stdin, pipes and FIFOs can be read once only: no sampling, no splitting; the format
            // is recognised from the stream's first chunk.
            guard file.isRegularFile else {
                addStream(index, file.path, format.map { .forcedFromStream(FormatPlan(format: $0, perLine: config.perLine)) }
                    ?? .detectFromStream)
                continue
            }
            do {
                let encoding = try InputEncoding.detect(path: file.path)
                description.encoding = encoding.rawValue
                var choice = FormatChoice.unknown
                let sample = try SampleReader.firstBytes(path: file.path, limit: sampleSize(config))
                if let format {
                    // A forced format may still come wrapped in an envelope.
                    let envelope = sample.withUnsafeBufferPointer { FormatDetector.envelope(of: format, sample: $0, formats: formats) }
                    description.envelope = envelope
                    choice = .known(FormatPlan(format: format, envelope: envelope, perLine: config.perLine))
                } else if let detection = sample.withUnsafeBufferPointer({ FormatDetector.detect(sample: $0, formats: formats) }) {
                    description.apply(detection, forcedPerLine: config.perLine)
                    choice = .known(description.plan!)
                } else if !sample.isEmpty {
                    planningProblems.append(unrecognisedFormat(input: index))
                }
                if encoding == .gzip {
                    addStream(index, file.path, choice)
                } else if case .known(let plan) = choice, formats.readsSequentially(plan.format) {
                    jobs.append(.range(input: index, path: file.path, range: 0..<(file.size ?? 0), part: 0, parts: 1, format: choice))
                } else if let size = file.size, size > Int64(config.rangeSize) * 3 / 2 {
                    let ranges = try PlainFileSplitter.ranges(path: file.path, fileSize: size, targetRangeSize: config.rangeSize)
                    for (part, range) in ranges.enumerated() {
                        jobs.append(.range(input: index, path: file.path, range: range, part: part, parts: ranges.count, format: choice))
                    }
                } else {
                    jobs.append(.range(input: index, path: file.path, range: 0..<(file.size ?? 0), part: 0, parts: 1, format: choice))
                }
            } catch {
                planningProblems.append(problem(from: error, input: index, lastLine: nil))
            }
        }
        // Streams share the workers: each gets threads / streams tickets (at least one), handed out
        // round-robin, so several gzip files inflate in parallel and a single one is parsed by every
        // core while its own thread inflates.
        let tickets = max(1, config.threads / max(streamPlans.count, 1))
        let onlyStream = streamPlans.count == 1 && jobs.isEmpty
        let streams = streamPlans.map { plan -> SharedStream in
            let formats = ownFormats[plan.input] ?? runFormats
            // A format whose lines depend on earlier ones is parsed by one worker, in order.
            var sequential = false
            if case .known(let p) = plan.choice { sequential = formats.readsSequentially(p.format) }
            return SharedStream(input: plan.input, path: plan.path, choice: plan.choice, formats: formats, perLine: config.perLine,
                                tickets: sequential ? 1 : tickets, helpersYield: onlyStream)
        }
        let streamJobs = (0..<tickets).flatMap { ticket in streams.filter { ticket < $0.tickets }.map { Job.stream($0, ticket: ticket) } }
        jobs = streamJobs + jobs
        let inputsWithWork = Set(jobs.map(\.input))
        progress?.start(totalDiskBytes: inputs.reduce(0) { $0 + ($1.sizeOnDisk ?? 0) }, totalFiles: inputsWithWork.count)

        // Workers take jobs in order: streams first (they are the longest and cannot be split).
        let work = JobQueue(jobs: jobs)
        let results = Mutex<[AggregateState]>([])
        let lineFormats = Mutex<[Int: [LogFormat: UInt64]]>([:])
        let workerCount = min(config.threads, max(jobs.count, 1))
        let inputSources = sourceOptions
        let inputFormats = ownFormats
        var threads: [pthread_t] = []
        for _ in 0..<workerCount {
            let thread = startThread {
                let worker = Worker(config: config, sources: inputSources, formats: inputFormats, progress: progress)
                while let job = work.next() { worker.run(job) }
                let state = worker.aggregator.snapshot()
                results.withLock { $0.append(state) }
                let counted = worker.lineFormats
                lineFormats.withLock { all in
                    for (input, counts) in counted { all[input, default: [:]].merge(counts, uniquingKeysWith: +) }
                }
            }
            threads.append(thread)
        }
        for t in threads { pthread_join(t, nil) }
        for stream in streams { stream.close() }
        progress?.finish()

        var merged = AggregateState()
        for index in inputs.indices { merged.files[index] = merged.files[index] ?? InputFileCounters() }
        merged.problems = planningProblems
        for state in results.withLock({ $0 }) { merged.merge(state) }
        for stream in streams {
            if let detection = stream.detection {
                inputs[stream.input].apply(detection, forcedPerLine: config.perLine)
            } else if case .forcedFromStream = stream.choice {
                inputs[stream.input].envelope = stream.plan?.envelope
            }
        }
        for (input, counts) in lineFormats.withLock({ $0 }) where input < inputs.count {
            inputs[input].recordsByFormat = counts
        }
        return BatchResult(state: merged, inputs: inputs)
    }

    /// The options of the argument an input came from: the argument itself, or the deepest
    /// directory argument containing it.
    static func options(for path: String, in table: [String: SourceOptions]) -> SourceOptions {
        if table.isEmpty { return SourceOptions() }
        if let exact = table[path] { return exact }
        var best: (length: Int, options: SourceOptions)?
        for (argument, options) in table {
            var directory = argument
            while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
            let prefix = directory == "/" ? "/" : directory + "/"
            if path.hasPrefix(prefix), prefix.count > (best?.length ?? -1) { best = (prefix.count, options) }
        }
        return best?.options ?? SourceOptions()
    }

    static func problem(from error: InputError, input: Int, lastLine: LineLocation?) -> InputProblem {
        let isGzip = error.kind == .corruptGzip || error.kind == .truncatedGzip
        return InputProblem(input: input, kind: error.kind.rawValue, message: error.message,
                            byteOffset: error.kind == .unreadable ? nil : (isGzip ? error.compressedOffset : error.decompressedOffset),
                            lastLine: lastLine)
    }

    static func unrecognisedFormat(input: Int) -> InputProblem {
        InputProblem(input: input, kind: "unknown_format",
                     message: "no supported log format recognised in the first lines; use --format to force one",
                     byteOffset: 0, lastLine: nil)
    }

    static func path(of entry: InputEntry) -> String {
        switch entry {
        case .file(let f): return f.path
        case .failure(let e): return e.path
        }
    }
}

extension BatchRunner.Job {
    var input: Int {
        switch self {
        case .range(let input, _, _, _, _, _): return input
        case .stream(let stream, _): return stream.input
        }
    }
}

/// Hands out jobs to workers, each exactly once.
final class JobQueue: Sendable {
    private let jobs: [BatchRunner.Job]
    private let nextIndex = Atomic<Int>(0)

    init(jobs: [BatchRunner.Job]) { self.jobs = jobs }

    func next() -> BatchRunner.Job? {
        let i = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        return i < jobs.count ? jobs[i] : nil
    }
}

/// Starts a joinable POSIX thread. Workers block in `read`, `pread` and on condition variables, so
/// they run on threads of their own rather than on Swift's cooperative pool.
func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setstacksize(&attributes, 8 << 20)
    let status = pthread_create(&thread, &attributes, { raw in
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        box.body()
        return nil
    }, box)
    pthread_attr_destroy(&attributes)
    precondition(status == 0, "pthread_create failed: \(status)")
    return thread
}
