#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a large plain (not gzip) regular file into line-aligned byte ranges that threads can parse
/// independently, each with a `PlainRangeReader` + `LineChunker`.
public enum PlainFileSplitter {
    /// Ranges covering `0..<fileSize` exactly, in order, none empty. Every boundary is just after a `\n`:
    /// the nominal boundaries `k × targetRangeSize` are moved forward past the next `\n` (found with small
    /// `pread` windows). A file with fewer than 2 ranges' worth of bytes gives one range; an empty file none.
    public static func ranges(path: String, fileSize: Int64, targetRangeSize: Int) throws(InputError) -> [Range<Int64>] {
        precondition(targetRangeSize > 0, "targetRangeSize must be positive")
        guard fileSize > 0 else { return [] }
        let target = Int64(targetRangeSize)
        if fileSize <= target { return [0..<fileSize] }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw InputError(path: path, kind: .unreadable, message: InputError.errnoMessage(errno))
        }
        defer { close(fd) }
        let windowSize = 64 * 1024
        let window = UnsafeMutableRawPointer.allocate(byteCount: windowSize, alignment: 16)
        defer { window.deallocate() }

        var result: [Range<Int64>] = []
        var start: Int64 = 0
        while start < fileSize {
            let nominal = start + target
            if nominal >= fileSize {
                result.append(start..<fileSize)
                break
            }
            // Is `nominal` a line start already? Look from `nominal - 1` for the first `\n`.
            var pos = nominal - 1
            var boundary = fileSize
            search: while pos < fileSize {
                let want = Int(min(Int64(windowSize), fileSize - pos))
                let r = try preadFully(fd, window, want, pos, path: path)
                if r == 0 { break search }  // file shrank: end here
                if let nl = memchr(window, 0x0A, r) {
                    boundary = pos + Int64(window.distance(to: UnsafeMutableRawPointer(nl))) + 1
                    break search
                }
                pos += Int64(r)
            }
            result.append(start..<boundary)
            start = boundary
        }
        return result
    }

    static func preadFully(
        _ fd: Int32, _ buf: UnsafeMutableRawPointer, _ count: Int, _ offset: Int64, path: String
    ) throws(InputError) -> Int {
        var got = 0
        while got < count {
            let r = pread(fd, buf + got, count - got, off_t(offset + Int64(got)))
            if r < 0 {
                if errno == EINTR { continue }
                throw InputError(
                    path: path, kind: .ioError, compressedOffset: offset + Int64(got),
                    decompressedOffset: offset + Int64(got), message: InputError.errnoMessage(errno))
            }
            if r == 0 { break }
            got += r
        }
        return got
    }
}

/// Reads one byte range of a plain file with `pread` (no shared file position, so several readers of
/// the same file can run on different threads). Feed it to `LineChunker(source:)`: chunk offsets are
/// absolute file offsets. Ends early, without error, if the file is shorter than the range.
public final class PlainRangeReader: ByteSource {
    public let path: String
    public let range: Range<Int64>
    public var startOffset: Int64 { range.lowerBound }
    private let fd: Int32
    private var position: Int64

    public init(path: String, range: Range<Int64>) throws(InputError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw InputError(path: path, kind: .unreadable, message: InputError.errnoMessage(errno))
        }
        self.fd = fd
        self.path = path
        self.range = range
        self.position = range.lowerBound
    }

    deinit { close(fd) }

    private var pendingError: InputError?

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if let pendingError { throw pendingError }
        let want = Int(min(Int64(buffer.count), range.upperBound - position))
        guard want > 0 else { return 0 }
        var got = 0
        while got < want {
            let r = pread(fd, buffer.baseAddress! + got, want - got, off_t(position))
            if r < 0 {
                if errno == EINTR { continue }
                let e = InputError(
                    path: path, kind: .ioError, compressedOffset: position, decompressedOffset: position,
                    message: InputError.errnoMessage(errno))
                if got == 0 { throw e }
                pendingError = e  // deliver what was read first
                break
            }
            if r == 0 { break }
            got += r
            position += Int64(r)
        }
        return got
    }
}

extension LineChunker {
    /// Chunks `range` of the plain file at `path` (typically one of `PlainFileSplitter.ranges`).
    public convenience init(
        path: String, range: Range<Int64>, maxLineLength: Int = LineChunker.defaultMaxLineLength,
        bufferSize: Int = LineChunker.defaultBufferSize
    ) throws(InputError) {
        let reader = try PlainRangeReader(path: path, range: range)
        self.init(source: reader, maxLineLength: maxLineLength, bufferSize: bufferSize)
    }
}
