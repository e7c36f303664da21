import Foundation

/// A chunk handed from the producer thread to a consumer. It owns its buffer until
/// `ChunkPipe.release(_:)`: read `chunk.bytes` only before releasing, and release each chunk exactly once.
public struct PipedChunk: @unchecked Sendable {
    /// 0, 1, 2, … in input order (useful when several consumers pull from one pipe).
    public let sequence: Int
    public let chunk: LineChunk
    let buffer: ChunkBuffer
}

/// Runs a `LineChunker` on its own thread (typically: reading + inflating gzip) while the caller's
/// thread(s) parse. Bounded: `bufferCount` buffers circulate (the producer fills one while consumers
/// hold the others), so memory is `bufferCount × bufferCapacity` whatever the input size.
///
/// ```swift
/// let pipe = try ChunkPipe(path: path)
/// while let piped = try pipe.next() {
///     parse(piped.chunk)
///     pipe.release(piped)
/// }
/// ```
/// Chunks come out in input order. An input error is thrown by `next()` after every chunk before it.
/// Dropping the pipe (or `cancel()`) stops the producer at its next buffer hand-over; chunks still
/// held stay valid (they keep their buffer alive).
///
/// Synchronisation is one mutex + condition variable (`NSCondition`) guarding all shared state;
/// the chunker and its source are touched only by the producer thread after `init`.
public final class ChunkPipe: @unchecked Sendable {
    private let state: PipeState
    public let bufferCapacity: Int

    /// Starts the producer thread over `source`. `bufferCount` must be at least 2.
    public init(
        source: sending any ByteSource, maxLineLength: Int = LineChunker.defaultMaxLineLength,
        bufferSize: Int = LineChunker.defaultBufferSize, bufferCount: Int = 3
    ) {
        precondition(bufferCount >= 2, "a pipe needs at least 2 buffers")
        let state = PipeState()
        let capacity = max(bufferSize, maxLineLength + 1)
        for _ in 0..<bufferCount {
            let b = ChunkBuffer(capacity: capacity)
            b.inPool = true
            state.free.append(b)
        }
        self.state = state
        self.bufferCapacity = capacity
        let chunker = LineChunker(
            source: source, maxLineLength: maxLineLength, bufferSize: bufferSize,
            acquire: { [state] in state.acquire() })
        let box = ProducerBox(chunker: chunker, state: state)
        let thread = Thread { box.run() }
        thread.name = "apicensus-chunk-producer"
        thread.start()
    }

    /// Opens `path` (`-` = stdin) on the calling thread (so an unreadable file throws here) and starts the pipe.
    public convenience init(
        path: String, maxLineLength: Int = LineChunker.defaultMaxLineLength,
        bufferSize: Int = LineChunker.defaultBufferSize, bufferCount: Int = 3
    ) throws(InputError) {
        let reader = try ByteStreamReader(path: path)
        self.init(source: reader, maxLineLength: maxLineLength, bufferSize: bufferSize, bufferCount: bufferCount)
    }

    deinit { state.cancel() }

    /// Blocks until the next chunk is ready; nil at the end. Throws the input's error once, after all
    /// chunks before it; then returns nil.
    public func next() throws(InputError) -> PipedChunk? {
        try state.take()
    }

    /// Gives the chunk's buffer back to the producer. The chunk's bytes must not be used afterwards.
    public func release(_ piped: PipedChunk) {
        state.giveBack(piped.buffer)
    }

    /// Stops the producer at its next hand-over; `next()` then returns the chunks already queued and nil.
    public func cancel() { state.cancel() }

    /// Blocks until the producer thread has finished (end, error or cancel).
    public func waitForProducer() { state.waitDone() }
}

/// Moves the chunker to the producer thread. Only that thread uses it after `init`.
private final class ProducerBox: @unchecked Sendable {
    let chunker: LineChunker
    let state: PipeState

    init(chunker: LineChunker, state: PipeState) {
        self.chunker = chunker
        self.state = state
    }

    func run() {
        do {
            while let next = try chunker.nextChunk() {
                if !state.push(chunk: next.chunk, buffer: next.buffer) { break }
            }
            state.finish(error: nil)
        } catch {
            state.finish(error: error)
        }
    }
}

final class PipeState: @unchecked Sendable {
    private let cond = NSCondition()
    // All below guarded by `cond`.
    var free: [ChunkBuffer] = []
    private var ready: [PipedChunk] = []
    private var readyHead = 0
    private var sequence = 0
    private var producerDone = false
    private var error: InputError?
    private var cancelled = false

    /// Producer: a free buffer, waiting for one; nil when cancelled.
    func acquire() -> ChunkBuffer? {
        cond.lock()
        defer { cond.unlock() }
        while free.isEmpty && !cancelled { cond.wait() }
        if cancelled { return nil }
        let b = free.removeLast()
        b.inPool = false
        return b
    }

    /// Producer: queue a chunk; false when cancelled.
    func push(chunk: LineChunk, buffer: ChunkBuffer) -> Bool {
        cond.lock()
        defer { cond.unlock() }
        if cancelled { return false }
        ready.append(PipedChunk(sequence: sequence, chunk: chunk, buffer: buffer))
        sequence += 1
        cond.broadcast()
        return true
    }

    func finish(error: InputError?) {
        cond.lock()
        defer { cond.unlock() }
        producerDone = true
        self.error = error
        cond.broadcast()
    }

    func take() throws(InputError) -> PipedChunk? {
        cond.lock()
        defer { cond.unlock() }
        while readyHead == ready.count && !producerDone { cond.wait() }
        if readyHead < ready.count {
            let c = ready[readyHead]
            readyHead += 1
            if readyHead == ready.count {
                ready.removeAll(keepingCapacity: true)
                readyHead = 0
            }
            return c
        }
        if let e = error {
            error = nil
            throw e
        }
        return nil
    }

    func giveBack(_ buffer: ChunkBuffer) {
        cond.lock()
        defer { cond.unlock() }
        precondition(!buffer.inPool, "PipedChunk released twice")
        buffer.inPool = true
        free.append(buffer)
        cond.broadcast()
    }

    func cancel() {
        cond.lock()
        defer { cond.unlock() }
        cancelled = true
        cond.broadcast()
    }

    func waitDone() {
        cond.lock()
        defer { cond.unlock() }
        while !producerDone { cond.wait() }
    }
}
