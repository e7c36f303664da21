import ArgumentParser
import APICensusCore
import APICensusIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merges reports and Kafka snapshots into one report, counting every message once.",
        discussion: """
            PATH is a file (plain or gzip), a directory (read recursively) or - for stdin. Each may hold \
            any number of JSON documents: reports written by `apicensus batch --include-state`, snapshot \
            lines written by `apicensus consume`, and earlier `apicensus merge` outputs. Their states are \
            combined: batch states add up (their files listed in argument order), and Kafka deltas are \
            chained per partition by their offset ranges, so what a restarted consumer replayed counts \
            once. The output is a report with its state: it can be merged again, and the grouping of \
            merges does not change the result.

            Documents that cannot be used (no state, damaged, cut short) are reported with their file \
            and line and listed in merged.rejected; the others are merged. Offsets of a partition that \
            no snapshot covers are reported as gaps (stderr and partitions[].gaps).

            Exit codes: 0 success; 1 nothing could be merged; 2 usage error; 3 report written but some \
            documents or inputs could not be used.
            """
    )

    @Argument(help: "Reports, snapshot files, directories, or - for stdin.")
    var paths: [String]

    @Option(name: .long, help: "Templating threshold (default: the one the inputs were written with).")
    var collapseThreshold: Int?

    @Option(name: .long, help: "Endpoints kept per host (default: the inputs' setting).")
    var maxEndpointsPerHost: Int?

    @Flag(name: .long, help: ArgumentHelp(
        "Write each partition's counted offsets as one delta per stretch (smaller output).",
        discussion: "A later merge with snapshots that replay from inside a collapsed stretch then reports a gap instead of chaining them."))
    var collapseDeltas = false

    @Option(name: .customLong("spec"), help: "An OpenAPI 3.0/3.1 spec (YAML or JSON) to judge the merged inventory against; repeatable.")
    var specs: [String] = []

    @Option(name: .long, help: "Maturity rules replacing the built-in ones (see docs/maturity.md).")
    var rules: String?

    @Option(name: .long, help: ArgumentHelp(
        "The YAML configuration the batch runs used (Schemas/config.schema.json).",
        discussion: "Its routes, third-party hosts, specs and rules template and score the merged report as the batch report was; its sources and networks were applied when the states were built."))
    var config: String?

    @Option(name: [.short, .long], help: "Write the report to this file instead of stdout.")
    var output: String?

    @Flag(name: .long, help: "Print the report on one line.")
    var compact = false

    @Flag(name: .long, help: "Add generated_at (the report is otherwise byte-identical for the same inputs).")
    var timestamp = false

    func validate() throws {
        if let collapseThreshold, collapseThreshold < 1 { throw ValidationError("--collapse-threshold must be at least 1") }
        if let maxEndpointsPerHost, maxEndpointsPerHost < 1 { throw ValidationError("--max-endpoints-per-host must be at least 1") }
    }

    func run() throws {
        var file: ConfigFile?
        if let config {
            do { file = try ConfigFile.load(path: config) } catch {
                StandardError.print("apicensus: invalid configuration: \(error)")
                throw ExitCode(2)
            }
        }
        // As batch: the configuration's `specs:` first, then --spec; --rules wins over `rules:`.
        let scoring = try ScoringInputs.load(
            specs: (file?.specPaths ?? []).map { ($0, "specs (configuration)") } + specs.map { ($0, "--spec") },
            rules: rules.map { ($0, "--rules") } ?? file?.rulesPath.map { ($0, "rules (configuration)") })
        var collector = MergeCollector(collapseThreshold: collapseThreshold, maxEndpointsPerHost: maxEndpointsPerHost)
        for entry in InputExpansion.expand(paths) {
            switch entry {
            case .failure(let error):
                StandardError.print("apicensus: \(error.path): cannot read: \(error.message)")
                collector.inputFailures += 1
            case .file(let file):
                collector.read(file.path)
            }
        }
        let documents = collector.documents
        let rejected = collector.rejected
        guard let first = collector.first else {
            StandardError.print("apicensus: nothing to merge: no usable document in \(paths.joined(separator: " "))")
            throw ExitCode(1)
        }
        // Created only now, so that a merge with nothing to write leaves no temporary file behind.
        let sink = try OutputFile(path: output)
        var options = ReportOptions()
        options.collapseThreshold = collapseThreshold ?? first.threshold
        options.maxEndpointsPerHost = maxEndpointsPerHost ?? first.cap
        if let file {
            options.routePatterns = file.routes
            options.thirdPartyHosts = file.coverage.thirdPartyHosts
        }
        options.specs = scoring.specs
        options.maturityRules = scoring.rules
        if timestamp { options.generatedAtMillis = BatchCommand.nowMillis() }

        let outcome = StreamMerge.merge(collector.sections, collapseDeltas: collapseDeltas)
        for (key, selection) in outcome.selections {
            for gap in selection.gaps {
                StandardError.print("apicensus: \(key): offsets \(gap) are in no snapshot (\(gap.count) message(s) not counted)")
            }
            if !selection.replaced.isEmpty {
                StandardError.print("apicensus: \(key): \(selection.replaced.count) replayed delta(s) left out; their offsets are counted once through the chain")
            }
        }
        var bytes = StreamMerge.document(outcome, documents: documents, rejected: rejected, options: options)
            .bytes(indent: compact ? nil : 2)
        bytes.append(UInt8(ascii: "\n"))
        try sink.write(bytes)
        if collector.newlyRejected > 0 || collector.inputFailures > 0 { throw ExitCode(3) }
    }
}

/// Reads documents from inputs and keeps what the merge needs, rejecting (with file and line) what
/// it cannot use.
struct MergeCollector {
    /// A document's settings and where it came from, to name both sides of a disagreement.
    struct Origin {
        var file: String
        var line: Int
        var threshold: Int
        var cap: Int
    }

    let collapseThreshold: Int?
    let maxEndpointsPerHost: Int?
    var sections: [StateSection] = []
    var documents: UInt64 = 0
    var rejected: [RejectedDocument] = []
    var newlyRejected = 0
    var inputFailures = 0
    var first: Origin?

    init(collapseThreshold: Int?, maxEndpointsPerHost: Int?) {
        self.collapseThreshold = collapseThreshold
        self.maxEndpointsPerHost = maxEndpointsPerHost
    }

    mutating func reject(_ file: String, _ line: Int, _ message: String) {
        StandardError.print("apicensus: \(file):\(line): \(message); document skipped")
        rejected.append(RejectedDocument(file: file, line: line, message: message))
        newlyRejected += 1
    }

    /// Reads every document of one input (plain, gzip or stdin) in blocks.
    mutating func read(_ path: String) {
        var splitter = JSONDocumentSplitter()
        let reader: ByteStreamReader
        do {
            reader = try ByteStreamReader(path: path)
        } catch {
            StandardError.print("apicensus: \(path): cannot read: \(error.message)")
            inputFailures += 1
            return
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n: Int
            do {
                n = try reader.read(into: buffer)
            } catch {
                handle(splitter.finish(), path)
                StandardError.print("apicensus: \(path): \(error.kind.rawValue.replacing("_", with: " ")) at byte offset \(error.compressedOffset): \(error.message); documents read before it are merged")
                inputFailures += 1
                return
            }
            if n == 0 { break }
            handle(splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n])), path)
        }
        handle(splitter.finish(), path)
    }

    mutating func handle(_ pieces: [JSONDocumentSplitter.Piece], _ path: String) {
        for piece in pieces {
            switch piece {
            case .damaged(let line, let message):
                reject(path, line, message)
            case .document(let bytes, let line):
                take(bytes, line: line, path: path)
            }
        }
    }

    mutating func take(_ bytes: [UInt8], line: Int, path: String) {
        let tree: JSONTree
        do {
            tree = try JSONParser.parse(bytes, firstLine: line)
        } catch {
            reject(path, error.line, "invalid JSON: \(error.message)")
            return
        }
        let input: MergeInput
        do {
            input = try MergeInput(document: tree)
        } catch {
            reject(path, line, error.message)
            return
        }
        if let f = first {
            if collapseThreshold == nil, input.collapseThreshold != f.threshold {
                reject(path, line, "written with collapse threshold \(input.collapseThreshold), but \(f.file):\(f.line) with \(f.threshold); pass --collapse-threshold to merge them")
                return
            }
            if maxEndpointsPerHost == nil, input.maxEndpointsPerHost != f.cap {
                reject(path, line, "written with at most \(input.maxEndpointsPerHost) endpoints per host, but \(f.file):\(f.line) with \(f.cap); pass --max-endpoints-per-host to merge them")
                return
            }
        } else {
            first = Origin(file: path, line: line, threshold: input.collapseThreshold, cap: input.maxEndpointsPerHost)
        }
        sections.append(input.state)
        documents += input.documents
        rejected.append(contentsOf: input.rejected)
    }
}
