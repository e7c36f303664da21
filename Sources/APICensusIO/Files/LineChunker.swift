#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A line longer than the line limit: skipped by the chunker (never buffered whole) and reported,
/// so the caller counts it as rejected with reason `too_long` and can name its offset.
public struct TooLongLine: Sendable, Equatable {
    /// Decompressed offset of the line's first byte.
    public var offset: Int64
    /// Length of the line without its `\n` (a `\r` before it is counted).
    public var length: Int64

    public init(offset: Int64, length: Int64) {
        self.offset = offset
        self.length = length
    }
}

/// A run of complete lines, raw: each line ends with `\n`, except the very last line of the input
/// when it has no terminator. `\r` of CRLF lines is left in place; the parser-side line splitter
/// (`forEachLine`, or the integrator's own loop) strips `\n` and a `\r` before it.
///
/// Order of events: the lines in `tooLongBefore` come first (they sit, in order, between the previous
/// chunk's last byte and `startOffset`), then the lines of `bytes`. A chunk may have empty `bytes`
/// and only skipped lines (a too-long line at the end of the input).
public struct LineChunk {
    /// The bytes, valid until the next `LineChunker.next()` (or until a `PipedChunk` is released).
    public let bytes: UnsafeBufferPointer<UInt8>
    /// Decompressed offset of `bytes[0]` (absolute in the file, also for a `PlainRangeReader`).
    public let startOffset: Int64
    /// Too-long lines skipped just before this chunk, in input order.
    public let tooLongBefore: [TooLongLine]

    public var endOffset: Int64 { startOffset + Int64(bytes.count) }

    /// Calls `body` with each line without its terminator (`\n`, and a `\r` just before it).
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        guard let base = bytes.baseAddress else { return }
        let n = bytes.count
        var start = 0
        while start < n {
            let i: Int
            if let nl = memchr(base + start, 0x0A, n - start) {
                i = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(nl))
            } else {
                i = n
            }
            var stop = i
            if stop > start && base[stop - 1] == 0x0D { stop -= 1 }
            try body(UnsafeBufferPointer(start: base + start, count: stop - start))
            start = i + 1
        }
    }
}

/// A heap buffer a chunk points into. Owned by one side at a time (chunker, then consumer via a
/// `PipedChunk`, then back to the pool), which is what makes the `@unchecked Sendable` sound.
final class ChunkBuffer: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let capacity: Int
    /// Guarded by the pipe's lock: catches a double release.
    var inPool = false

    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    }

    deinit { base.deallocate() }
}

/// Turns a byte stream into chunks of complete lines, with constant memory.
///
/// ```swift
/// let chunker = try LineChunker(path: path)
/// while let chunk = try chunker.next() {
///     for skipped in chunk.tooLongBefore { /* count too_long at skipped.offset */ }
///     chunk.forEachLine { line in /* parse */ }
/// }
/// ```
/// A line longer than `maxLineLength` (without its `\n`) is not buffered: the chunker skips its
/// bytes as they stream by and reports a `TooLongLine`; the next line is read normally. The buffer
/// holds `max(bufferSize, maxLineLength + 1)` bytes, and never grows.
///
/// A read failure (`InputError`) is thrown after all data read before it has been delivered,
/// including a last incomplete line (e.g. of a truncated gzip). It is thrown once; `next()` then returns nil.
public final class LineChunker {
    public static let defaultMaxLineLength = 1_048_576
    public static let defaultBufferSize = 4 << 20

    public let maxLineLength: Int
    /// Size of the (each) buffer in bytes: the largest chunk possible.
    public let bufferCapacity: Int

    private let source: any ByteSource
    /// Pipe mode: supplies the buffer to continue in after the previous one was handed off.
    private let acquire: (() -> ChunkBuffer?)?
    private var current: ChunkBuffer?
    private var handedOff = false
    private var dataStart = 0
    private var dataEnd = 0
    /// Decompressed offset of `current.base[dataStart]`.
    private var frontOffset: Int64
    private var eof = false
    private var pendingError: InputError?
    private var done = false
    private var skipping = false
    private var skipStart: Int64 = 0
    private var skipLength: Int64 = 0
    private var skipped: [TooLongLine] = []

    /// - Parameters:
    ///   - maxLineLength: longest accepted line, without its `\n` (1 MiB by default).
    ///   - bufferSize: buffer size; raised to `maxLineLength + 1` if smaller. A few times
    ///     `maxLineLength` keeps chunks large when long lines are common.
    public convenience init(
        source: any ByteSource, maxLineLength: Int = LineChunker.defaultMaxLineLength,
        bufferSize: Int = LineChunker.defaultBufferSize
    ) {
        self.init(source: source, maxLineLength: maxLineLength, bufferSize: bufferSize, acquire: nil)
    }

    /// Chunks the file at `path` (`-` = stdin), gzip or plain.
    public convenience init(
        path: String, maxLineLength: Int = LineChunker.defaultMaxLineLength,
        bufferSize: Int = LineChunker.defaultBufferSize
    ) throws(InputError) {
        let reader = try ByteStreamReader(path: path)
        self.init(source: reader, maxLineLength: maxLineLength, bufferSize: bufferSize, acquire: nil)
    }

    init(source: any ByteSource, maxLineLength: Int, bufferSize: Int, acquire: (() -> ChunkBuffer?)?,
         reusing buffer: ChunkBuffer? = nil) {
        precondition(maxLineLength >= 1 && maxLineLength < (1 << 40), "maxLineLength out of range")
        self.source = source
        self.maxLineLength = maxLineLength
        self.bufferCapacity = Swift.max(bufferSize, maxLineLength + 1)
        self.acquire = acquire
        self.frontOffset = source.startOffset
        if acquire == nil {
            precondition(buffer == nil || buffer!.capacity == bufferCapacity, "a reused buffer must have the chunker's capacity")
            current = buffer ?? ChunkBuffer(capacity: bufferCapacity)
        }
    }

    /// The capacity a chunker with these settings uses, for callers that keep a buffer to reuse.
    static func capacity(maxLineLength: Int, bufferSize: Int = defaultBufferSize) -> Int {
        Swift.max(bufferSize, maxLineLength + 1)
    }

    /// The next chunk, valid until the next call; nil at the end.
    public func next() throws(InputError) -> LineChunk? {
        try nextChunk()?.chunk
    }

    /// The next chunk and the buffer it lives in. In pipe mode the buffer is handed off to the caller.
    func nextChunk() throws(InputError) -> (chunk: LineChunk, buffer: ChunkBuffer)? {
        if done { return nil }
        // Bring the unconsumed tail (a partial line) to the front of a buffer we may write into.
        if current == nil || handedOff {
            guard let fresh = acquire!() else {
                done = true  // cancelled
                return nil
            }
            precondition(fresh.capacity == bufferCapacity)
            let count = dataEnd - dataStart
            if let old = current, count > 0 {
                // memmove semantics: `fresh` may be `old` itself when the consumer already released it.
                fresh.base.copyMemory(from: old.base + dataStart, byteCount: count)
            }
            current = fresh
            handedOff = false
            dataStart = 0
            dataEnd = count
        } else if dataStart > 0 {
            let count = dataEnd - dataStart
            if count > 0 { current!.base.copyMemory(from: current!.base + dataStart, byteCount: count) }
            dataStart = 0
            dataEnd = count
        }
        let buffer = current!
        let base = buffer.base
        let cap = bufferCapacity
        let limit = maxLineLength

        while true {
            if skipping {
                // The buffer is empty while skipping: stream the rest of the long line through it.
                if eof {
                    skipped.append(TooLongLine(offset: skipStart, length: skipLength))
                    skipping = false
                    continue
                }
                let k = fill(base, from: 0, to: cap, once: true)
                if k == 0 { continue }
                if let nl = memchr(base, 0x0A, k) {
                    let p = base.distance(to: UnsafeMutableRawPointer(nl))
                    skipLength += Int64(p)
                    skipped.append(TooLongLine(offset: skipStart, length: skipLength))
                    skipping = false
                    frontOffset = skipStart + skipLength + 1
                    let rest = k - p - 1
                    if rest > 0 { base.copyMemory(from: base + p + 1, byteCount: rest) }
                    dataEnd = rest
                } else {
                    skipLength += Int64(k)
                    dataEnd = 0
                }
                continue
            }

            dataEnd = fill(base, from: dataEnd, to: cap, once: false)
            let n = dataEnd
            if n == 0 {
                if !skipped.isEmpty { return emit(buffer, count: 0) }
                done = true
                if let e = pendingError {
                    pendingError = nil
                    throw e
                }
                return nil
            }

            // Longest prefix of complete, not-too-long lines. For each line start `s`, the last `\n`
            // within the next `limit + 1` bytes proves every line up to it is short enough.
            let bytes = base.assumingMemoryBound(to: UInt8.self)
            var s = 0
            var end = 0
            var tooLongAt = -1
            while s < n {
                let windowEnd = Swift.min(s + limit + 1, n)
                var p = windowEnd - 1
                while p >= s && bytes[p] != 0x0A { p -= 1 }
                if p >= s {
                    end = p + 1
                    s = end
                    continue
                }
                if windowEnd - s == limit + 1 {
                    tooLongAt = s
                } else if eof {
                    end = n  // final line without `\n`, short enough
                }
                break
            }
            if end > 0 {
                return emit(buffer, count: end)
            }
            // The line at the front has more than `limit` bytes before any `\n`.
            precondition(tooLongAt == 0)
            let searchFrom = limit + 1
            if n > searchFrom, let nl = memchr(base + searchFrom, 0x0A, n - searchFrom) {
                let p = base.distance(to: UnsafeMutableRawPointer(nl))
                skipped.append(TooLongLine(offset: frontOffset, length: Int64(p)))
                frontOffset += Int64(p + 1)
                let rest = n - p - 1
                if rest > 0 { base.copyMemory(from: base + p + 1, byteCount: rest) }
                dataEnd = rest
            } else {
                skipping = true
                skipStart = frontOffset
                skipLength = Int64(n)
                frontOffset += Int64(n)
                dataEnd = 0
            }
        }
    }

    private func emit(_ buffer: ChunkBuffer, count: Int) -> (chunk: LineChunk, buffer: ChunkBuffer) {
        let chunk = LineChunk(
            bytes: UnsafeBufferPointer(start: buffer.base.assumingMemoryBound(to: UInt8.self), count: count),
            startOffset: frontOffset, tooLongBefore: skipped)
        skipped = []
        frontOffset += Int64(count)
        dataStart = count
        if acquire != nil { handedOff = true }
        return (chunk, buffer)
    }

    /// Reads into `base[from..<to]` until full (or just one successful read when `once`) or the end.
    /// A failure ends the input: it is kept in `pendingError` and thrown once all data is delivered.
    private func fill(_ base: UnsafeMutableRawPointer, from: Int, to: Int, once: Bool) -> Int {
        var pos = from
        while pos < to && !eof {
            do {
                let r = try source.read(into: UnsafeMutableRawBufferPointer(start: base + pos, count: to - pos))
                if r == 0 {
                    eof = true
                } else {
                    pos += r
                    if once { break }
                }
            } catch {
                pendingError = error
                eof = true
            }
        }
        return pos
    }
}
