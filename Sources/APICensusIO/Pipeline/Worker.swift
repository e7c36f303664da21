import APICensusCore

#if canImport(Glibc)
import Glibc
#endif

/// One worker thread's state: its aggregator, reused across the jobs it takes.
final class Worker {
    let config: BatchConfiguration
    /// The run's formats, and those of inputs whose source has its own custom format.
    let runFormats: FormatSet
    let inputFormats: [Int: FormatSet]
    var aggregator: CallAggregator
    let progress: ProgressReporter?
    /// What the user said about each input (role, host).
    let sources: [Int: SourceOptions]
    /// Records per format of the inputs parsed per line, by input.
    private(set) var lineFormats: [Int: [LogFormat: UInt64]] = [:]

    private lazy var rangeBuffer = ChunkBuffer(capacity: LineChunker.capacity(maxLineLength: config.aggregation.maxLineLength))

    init(config: BatchConfiguration, sources: [Int: SourceOptions] = [:], formats: [Int: FormatSet] = [:], progress: ProgressReporter?) {
        self.config = config
        self.runFormats = config.formats
        self.inputFormats = formats
        self.aggregator = CallAggregator(options: config.aggregation)
        self.progress = progress
        self.sources = sources
    }

    /// The formats `input` is read with.
    @inline(__always) private func formatSet(for input: Int) -> FormatSet {
        inputFormats.isEmpty ? runFormats : inputFormats[input] ?? runFormats
    }

    /// Tells the aggregator the input's role, what its format logs and its host override.
    private func describe(input: Int, format: LogFormat?) {
        let options = sources[input] ?? SourceOptions()
        // A per-line (mixed) input is described by its primary format.
        let descriptor = format.flatMap { formatSet(for: input).descriptor(for: $0) }
        let role = options.role ?? descriptor?.defaultRole ?? InputContext.unspecified.role
        aggregator.setContext(InputContext(role: role, yields: CallFieldSet(descriptor?.yields ?? []), hostOverride: options.host),
                              for: input)
    }

    /// Runs one job.
    func run(_ job: BatchRunner.Job) {
        switch job {
        case .range(let input, let path, let range, let part, let parts, let choice):
            aggregator.registerInput(input)
            if case .known(let plan) = choice { describe(input: input, format: plan.format) } else { describe(input: input, format: nil) }
            switch choice {
            case .known(let plan):
                parse(.range(path: path, range: range, part: part), input: input, plan: plan)
            case .unknown, .detectFromStream, .forcedFromStream:
                var parser = UnrecognisedFormatParser()
                readRange(input: input, path: path, range: range, part: part, parser: &parser)
            }
            progress?.partDone(input: input, parts: parts)
        case .stream(let stream, let ticket):
            aggregator.registerInput(stream.input)
            readShared(stream, ticket: ticket, lowerPriority: ticket > 0 && stream.helpersYield)
            progress?.partDone(input: stream.input, parts: stream.tickets)
        }
    }

    /// What to parse: a range of a file, or a chunk of a shared stream.
    private enum Work {
        case range(path: String, range: Range<Int64>, part: Int)
        case chunk(PipedChunk)
    }

    /// Parses `work` with the parser `plan` needs, as a concrete type where the hot path gains from it
    /// (the CLF family, JSON lines, and those two in an envelope); per-line parsers report their
    /// per-format counts when done.
    private func parse(_ work: Work, input: Int, plan: FormatPlan) {
        let formats = formatSet(for: input)
        if plan.perLine, !formats.readsSequentially(plan.format) {
            var parser = MixedFormatParser(primary: plan, formats: formats)
            run(work, input: input, parser: &parser)
            for (format, n) in parser.takeCounts() { lineFormats[input, default: [:]][format, default: 0] += n }
            return
        }
        switch (plan.format, plan.envelope) {
        case (.combined, nil), (.common, nil):
            var parser = CombinedLogParser(format: plan.format)
            run(work, input: input, parser: &parser)
        case (.jsonLines, nil):
            var parser = JSONLinesParser(fieldMap: config.fieldMap)
            run(work, input: input, parser: &parser)
        case (.combined, let envelope?), (.common, let envelope?):
            var parser = EnvelopedParser(envelope: envelope, inner: CombinedLogParser(format: plan.format))
            run(work, input: input, parser: &parser)
        case (let format, let envelope?):
            var parser = EnvelopedParser(envelope: envelope, inner: AnyLineParser(formats.makeParser(format)))
            run(work, input: input, parser: &parser)
        case (let format, nil):
            var parser = AnyLineParser(formats.makeParser(format))
            run(work, input: input, parser: &parser)
        }
    }

    private func run<P: LineParser>(_ work: Work, input: Int, parser: inout P) {
        switch work {
        case .range(let path, let range, let part):
            readRange(input: input, path: path, range: range, part: part, parser: &parser)
        case .chunk(let piped):
            // A parser lives for one chunk here (other workers parse the stream's other chunks): what it
            // still holds at the chunk's end (a CRI partial line) is counted now, not dropped.
            let lines = consume(piped.chunk, input: input, part: piped.sequence, firstLine: 0, parser: &parser)
            finish(&parser, input: input, part: piped.sequence, line: lines, offset: piped.chunk.endOffset)
        }
    }

    private func readRange<P: LineParser>(input: Int, path: String, range: Range<Int64>, part: Int, parser: inout P) {
        var line = 0
        do {
            let reader = try PlainRangeReader(path: path, range: range)
            // One buffer per worker for all its ranges: a fresh 4 MiB buffer per range costs page
            // faults, and freed ones fragment the allocator until memory grows with the file.
            let chunker = LineChunker(source: reader, maxLineLength: config.aggregation.maxLineLength,
                                      bufferSize: LineChunker.defaultBufferSize, acquire: nil, reusing: rangeBuffer)
            var end = range.lowerBound
            while let chunk = try chunker.next() {
                line += consume(chunk, input: input, part: part, firstLine: line, parser: &parser)
                end = chunk.startOffset + Int64(chunk.bytes.count)
            }
            finish(&parser, input: input, part: part, line: line, offset: end)
        } catch {
            report(error, input: input, part: part, line: line)
            finish(&parser, input: input, part: part, line: line, offset: error.decompressedOffset)
        }
    }

    /// The end of a range or stream: a record its parser still holds is counted (sequential formats
    /// read each input whole, so for them this is the end of the input).
    private func finish<P: LineParser>(_ parser: inout P, input: Int, part: Int, line: Int, offset: Int64) {
        aggregator.finish(&parser, input: input,
                          at: LineLocation(input: input, chunk: part, lineInChunk: max(line - 1, 0), byteOffset: offset))
    }

    /// A worker that joins the run's only stream as a second (third, …) parser runs at a lower
    /// priority from then on: the thread inflating the stream is the critical path, and extra parsers
    /// should only take the CPU time it leaves. Only when that stream is all the run has to do: an
    /// unprivileged thread cannot raise its priority back, and a producer thread it started later
    /// would inherit the lower priority.
    private var yielded = false
    private func yieldToInflater() {
        guard !yielded else { return }
        yielded = true
        // Linux's nice value is per thread (setpriority on the thread id); /proc/thread-self names
        // this thread as "PID/task/TID" (gettid has no Swift import).
        var link = [CChar](repeating: 0, count: 64)
        let length = readlink("/proc/thread-self", &link, link.count - 1)
        let threadID = length > 0 ? Int(String(decoding: link[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .split(separator: "/").last ?? "") ?? -1 : -1
        if threadID > 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(threadID), 10) }
    }

    /// Parses chunks of a shared stream until it ends; other workers may be pulling from it too.
    private func readShared(_ stream: SharedStream, ticket: Int, lowerPriority: Bool) {
        let formats = stream.formats
        // A format read sequentially keeps one parser over the whole stream (its state — a W3C
        // `#Fields` header, a multi-line record — spans chunks).
        var sequentialParser: AnyLineParser?
        /// Where the sequential parser's input got to: chunk, lines in it, offset after it.
        var lastChunk = (sequence: 0, lines: 0, end: Int64(0))
        func finishStream(_ stream: SharedStream, _ parser: inout AnyLineParser, offset: Int64?) {
            finish(&parser, input: stream.input, part: lastChunk.sequence, line: lastChunk.lines, offset: offset ?? lastChunk.end)
        }
        while true {
            switch stream.next(maxLineLength: config.aggregation.maxLineLength, ticket: ticket) {
            case .end:
                if sequentialParser != nil { finishStream(stream, &sequentialParser!, offset: nil) }
                return
            case .failed(let error, let sequence):
                if sequentialParser != nil { finishStream(stream, &sequentialParser!, offset: error.decompressedOffset) }
                // The line reached: every line of the chunks before the failing one.
                let location = sequence.map { LineLocation(input: stream.input, chunk: $0, lineInChunk: -1, byteOffset: error.decompressedOffset) }
                aggregator.recordProblem(BatchRunner.problem(from: error, input: stream.input, lastLine: location))
                return
            case .unrecognised(let piped, let pipe):
                describe(input: stream.input, format: nil)
                aggregator.recordProblem(BatchRunner.unrecognisedFormat(input: stream.input))
                parse(piped, of: stream, plan: nil)
                pipe.release(piped)
            case .chunk(let piped, let plan, let pipe):
                describe(input: stream.input, format: plan?.format)
                // Lower this helper's priority only once the stream's producer thread exists, so
                // that thread does not inherit it.
                if lowerPriority { yieldToInflater() }
                if let plan, formats.readsSequentially(plan.format) {
                    if sequentialParser == nil { sequentialParser = AnyLineParser(formats.makeParser(plan)) }
                    let lines = consume(piped.chunk, input: stream.input, part: piped.sequence, firstLine: 0, parser: &sequentialParser!)
                    lastChunk = (piped.sequence, lines, piped.chunk.endOffset)
                } else {
                    parse(piped, of: stream, plan: plan)
                }
                pipe.release(piped)
            }
        }
    }

    private func parse(_ piped: PipedChunk, of stream: SharedStream, plan: FormatPlan?) {
        guard let plan else {
            var parser = UnrecognisedFormatParser()
            _ = consume(piped.chunk, input: stream.input, part: piped.sequence, firstLine: 0, parser: &parser)
            return
        }
        parse(.chunk(piped), input: stream.input, plan: plan)
    }

    private func consume<P: LineParser>(_ chunk: LineChunk, input: Int, part: Int, firstLine: Int, parser: inout P) -> Int {
        var line = firstLine
        for skipped in chunk.tooLongBefore {
            aggregator.recordTooLong(at: LineLocation(input: input, chunk: part, lineInChunk: line, byteOffset: skipped.offset),
                                     length: skipped.length)
            line += 1
        }
        line += aggregator.consume(chunk: chunk.bytes, input: input, chunkIndex: part, firstLine: line,
                                   startOffset: chunk.startOffset, parser: &parser)
        progress?.add(bytes: chunk.bytes.count, lines: line - firstLine)
        return line - firstLine
    }

    private func report(_ error: InputError, input: Int, part: Int, line: Int) {
        let location = LineLocation(input: input, chunk: part, lineInChunk: max(line - 1, 0), byteOffset: error.decompressedOffset)
        aggregator.recordProblem(BatchRunner.problem(from: error, input: input, lastLine: line > 0 ? location : nil))
    }
}
