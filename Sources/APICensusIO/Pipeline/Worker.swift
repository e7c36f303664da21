import APICensusCore

/// One worker thread's state: its aggregator, reused across the jobs it takes.
final class Worker {
    let config: BatchConfiguration
    var aggregator: CallAggregator
    let progress: ProgressReporter?
    let log: @Sendable (String) -> Void

    init(config: BatchConfiguration, progress: ProgressReporter?, log: @escaping @Sendable (String) -> Void) {
        self.config = config
        self.aggregator = CallAggregator(options: config.aggregation)
        self.progress = progress
        self.log = log
    }

    struct Detected {
        var input: Int
        var detection: FormatDetector.Detection
    }

    /// Runs one job; returns the format detected when the job had to detect it (stdin).
    func run(_ job: BatchRunner.Job) -> Detected? {
        switch job {
        case .range(let input, let path, let range, let part, let parts, let choice):
            aggregator.registerInput(input)
            switch choice {
            case .known(let format) where format == .jsonLines:
                var parser = JSONLinesParser(fieldMap: config.fieldMap)
                readRange(input: input, path: path, range: range, part: part, parser: &parser)
            case .known(let format):
                var parser = CombinedLogParser(format: format)
                readRange(input: input, path: path, range: range, part: part, parser: &parser)
            case .unknown, .detectFromStream:
                var parser = UnrecognisedFormatParser()
                readRange(input: input, path: path, range: range, part: part, parser: &parser)
            }
            progress?.partDone(input: input, parts: parts)
            return nil
        case .stream(let input, let path, let choice):
            aggregator.registerInput(input)
            defer { progress?.partDone(input: input, parts: 1) }
            return readStream(input: input, path: path, choice: choice)
        }
    }

    private func readRange<P: LineParser>(input: Int, path: String, range: Range<Int64>, part: Int, parser: inout P) {
        var line = 0
        do {
            let reader = try PlainRangeReader(path: path, range: range)
            let chunker = LineChunker(source: reader, maxLineLength: config.aggregation.maxLineLength)
            while let chunk = try chunker.next() {
                line += consume(chunk, input: input, part: part, firstLine: line, parser: &parser)
            }
        } catch {
            report(error, input: input, part: part, line: line)
        }
    }

    private func readStream(input: Int, path: String, choice: BatchRunner.FormatChoice) -> Detected? {
        let pipe: ChunkPipe
        do {
            pipe = try ChunkPipe(path: path, maxLineLength: config.aggregation.maxLineLength)
        } catch {
            report(error, input: input, part: 0, line: 0)
            return nil
        }
        defer {
            pipe.cancel()
            pipe.waitForProducer()
        }
        var line = 0
        var detected: Detected?
        do {
            guard let first = try pipe.next() else { return nil }
            var format: LogFormat?
            switch choice {
            case .known(let f): format = f
            case .unknown: format = nil
            case .detectFromStream:
                if let d = FormatDetector.detect(sample: first.chunk.bytes, fieldMap: config.fieldMap) {
                    format = d.format
                    detected = Detected(input: input, detection: d)
                } else {
                    aggregator.recordProblem(InputProblem(input: input, kind: "unknown_format",
                        message: "no supported log format recognised in the first lines; use --format", byteOffset: 0, lastLine: nil))
                    log("apicensus: \(path): no supported log format recognised in the first lines; use --format to force one")
                }
            }
            switch format {
            case .jsonLines?:
                var parser = JSONLinesParser(fieldMap: config.fieldMap)
                try drain(pipe, first: first, input: input, line: &line, parser: &parser)
            case let f?:
                var parser = CombinedLogParser(format: f)
                try drain(pipe, first: first, input: input, line: &line, parser: &parser)
            case nil:
                var parser = UnrecognisedFormatParser()
                try drain(pipe, first: first, input: input, line: &line, parser: &parser)
            }
        } catch {
            report(error, input: input, part: 0, line: line)
        }
        return detected
    }

    private func drain<P: LineParser>(_ pipe: ChunkPipe, first: PipedChunk, input: Int, line: inout Int, parser: inout P) throws(InputError) {
        var current: PipedChunk? = first
        while let piped = current {
            line += consume(piped.chunk, input: input, part: 0, firstLine: line, parser: &parser)
            pipe.release(piped)
            current = try pipe.next()
        }
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
        log("apicensus: \(error.description); everything read before it is in the report")
    }
}
