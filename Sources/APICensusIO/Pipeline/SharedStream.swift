import APICensusCore
import Synchronization

/// One sequential input (a gzip file, stdin) read by every worker that takes one of its tickets:
/// the first taker opens the pipe, whose producer thread reads and inflates; the format is settled on
/// the first chunk; then each worker pulls whole chunks and parses them on its own core. Chunk
/// locations use the pipe's sequence numbers, so line numbers come out right whichever worker
/// parsed which chunk.
final class SharedStream: Sendable {
    let input: Int
    let path: String
    let choice: BatchRunner.FormatChoice
    let formats: FormatSet
    /// Every line is parsed per line (`--format mixed`), whatever detection says.
    let perLine: Bool
    let tickets: Int
    /// True when this stream is the run's only work: its extra parsers may then yield the CPU to
    /// the inflating thread.
    let helpersYield: Bool

    private struct State: @unchecked Sendable {
        var pipe: ChunkPipe?
        var opened = false
        var finished = false
        var plan: FormatPlan?
        var formatSettled = false
        /// The ticket that got the first chunk: the one that reads on alone when the format needs
        /// sequential reading.
        var firstTicket = 0
        var detection: FormatDetector.Detection?
        /// Sequence number after the last chunk handed out.
        var nextSequence = 0
    }

    private let state = Mutex(State())

    init(input: Int, path: String, choice: BatchRunner.FormatChoice, formats: FormatSet, perLine: Bool, tickets: Int,
         helpersYield: Bool) {
        self.input = input
        self.path = path
        self.choice = choice
        self.formats = formats
        self.perLine = perLine
        self.tickets = tickets
        self.helpersYield = helpersYield
    }

    /// What a worker gets from the stream.
    enum Next {
        /// A chunk to parse, and the pipe to give it back to (without this stream's lock: a worker
        /// waiting for the next chunk holds it, and the producer may be waiting for that buffer).
        case chunk(PipedChunk, plan: FormatPlan?, pipe: ChunkPipe)
        /// The stream failed; the problem is to be recorded by the worker that got it (once).
        case failed(InputError, linesBeforeSequence: Int?)
        /// The format could not be recognised (reported once, with the first chunk still to parse).
        case unrecognised(PipedChunk, pipe: ChunkPipe)
        case end
    }

    /// The next chunk (blocking while the producer reads), in sequence order. A stream whose format
    /// turns out to need sequential reading (detected from stdin) is left to the ticket that took
    /// its first chunk.
    func next(maxLineLength: Int, ticket: Int) -> Next {
        state.withLock { s -> Next in
            if s.finished { return .end }
            if s.formatSettled && ticket != s.firstTicket && formats.readsSequentially(s.plan?.format) { return .end }
            if !s.opened {
                s.opened = true
                do throws(InputError) {
                    s.pipe = try ChunkPipe(path: path, maxLineLength: maxLineLength, bufferCount: 4)
                } catch {
                    s.finished = true
                    return .failed(error, linesBeforeSequence: nil)
                }
            }
            guard let pipe = s.pipe else { return .end }
            do throws(InputError) {
                guard let piped = try pipe.next() else {
                    // The producer is done; dropping the pipe frees its buffers now rather than at
                    // the end of the run (chunks still being parsed keep their own buffer alive).
                    s.finished = true
                    s.pipe = nil
                    return .end
                }
                s.nextSequence = piped.sequence + 1
                // A chunk of nothing but too-long lines says nothing about the format: wait for one
                // with lines in it.
                if !s.formatSettled && piped.chunk.bytes.count > 0 {
                    s.formatSettled = true
                    s.firstTicket = ticket
                    switch choice {
                    case .known(let plan): s.plan = plan
                    case .forcedFromStream(let plan):
                        var plan = plan
                        plan.envelope = FormatDetector.envelope(of: plan.format, sample: piped.chunk.bytes, formats: formats)
                        s.plan = plan
                    case .unknown: s.plan = nil
                    case .detectFromStream:
                        s.detection = FormatDetector.detect(sample: piped.chunk.bytes, formats: formats)
                        s.plan = s.detection.map {
                            FormatPlan(format: $0.format, envelope: $0.envelope, perLine: $0.perLine || perLine)
                        }
                        if s.detection == nil { return .unrecognised(piped, pipe: pipe) }
                    }
                }
                return .chunk(piped, plan: s.plan, pipe: pipe)
            } catch {
                s.finished = true
                s.pipe = nil
                return .failed(error, linesBeforeSequence: s.nextSequence > 0 ? s.nextSequence : nil)
            }
        }
    }

    /// The format detected from the first chunk, when it had to be detected.
    var detection: FormatDetector.Detection? { state.withLock { $0.detection } }

    /// How the stream was parsed, once its first chunk settled it.
    var plan: FormatPlan? { state.withLock { $0.plan } }

    /// Stops the producer thread and waits for it, if a stream was left unfinished (after every
    /// worker is done).
    func close() {
        guard let pipe = state.withLock({ $0.pipe }) else { return }
        pipe.cancel()
        pipe.waitForProducer()
    }
}
