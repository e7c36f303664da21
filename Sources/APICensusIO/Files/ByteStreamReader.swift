#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A sequential source of (decompressed) bytes, as consumed by `LineChunker`.
public protocol ByteSource: AnyObject {
    /// Offset, in the decompressed stream, of the first byte this source delivers
    /// (0 for a whole file, the range start for a `PlainRangeReader`).
    var startOffset: Int64 { get }
    /// Fills `buffer` (as much as possible: it returns fewer bytes only at the end) and returns the
    /// count; 0 means the end. A failure is thrown only once everything before it has been returned.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int
}

/// Reads a file or stdin sequentially in large blocks with POSIX `read`, inflating gzip transparently
/// (detected by its magic bytes). Memory is constant: one input block of `blockSize` bytes for gzip,
/// none beyond the caller's buffer for plain input.
///
/// Errors (`InputError`): opening → `.unreadable` from `init`; later `read` failure → `.ioError`;
/// gzip problems → `.corruptGzip` / `.truncatedGzip`. Data before a failure is returned by earlier
/// `read` calls; the failure is thrown by the first call that has nothing left to return, and again
/// by any later call.
public final class ByteStreamReader: ByteSource {
    public let path: String
    public let encoding: InputEncoding
    /// File size for regular files (compressed size for gzip), `nil` for stdin/pipes.
    public let fileSize: Int64?
    public var startOffset: Int64 { 0 }

    private let fd: Int32
    private let ownsFD: Bool
    private let inBuf: UnsafeMutableRawPointer
    private let inCap: Int
    private var inStart = 0
    private var inEnd = 0
    private var eof = false
    private var finished = false
    private var pendingError: InputError?
    private var inflater: GzipInflater?
    private var plainDelivered: Int64 = 0

    /// Bytes of the stored file consumed so far (for gzip: consumed by the inflater).
    public var compressedOffset: Int64 { inflater?.totalIn ?? plainDelivered }
    /// Bytes delivered by `read` so far.
    public var decompressedOffset: Int64 { inflater?.totalOut ?? plainDelivered }

    /// Opens `path` (`-` = stdin) and reads its first bytes to detect the encoding.
    /// - Parameter blockSize: size of the compressed-input block (gzip) and of the initial read.
    public init(path: String, blockSize: Int = 1 << 20) throws(InputError) {
        precondition(blockSize >= 16, "blockSize too small")
        self.path = path
        let fd: Int32
        if path == "-" {
            fd = STDIN_FILENO
            ownsFD = false
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw InputError(path: path, kind: .unreadable, message: InputError.errnoMessage(errno))
            }
            ownsFD = true
        }
        self.fd = fd
        var st = stat()
        if fstat(fd, &st) == 0 {
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR {
                if ownsFD { close(fd) }
                throw InputError(path: path, kind: .unreadable, message: InputError.errnoMessage(EISDIR))
            }
            fileSize = type == S_IFREG ? Int64(st.st_size) : nil
            #if canImport(Glibc)
            if type == S_IFREG { _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL)) }
            #endif
        } else {
            fileSize = nil
        }
        inCap = blockSize
        inBuf = UnsafeMutableRawPointer.allocate(byteCount: blockSize, alignment: 64)

        // Read until we have the 2 magic bytes or reach the end (pipes may deliver 1 byte at a time).
        var failure: InputError?
        while inEnd < 2 {
            let r = Self.rawRead(fd, inBuf + inEnd, inCap - inEnd)
            if r < 0 {
                failure = InputError(path: path, kind: .ioError, message: InputError.errnoMessage(Int32(-r)))
                break
            }
            if r == 0 {
                eof = true
                break
            }
            inEnd += r
        }
        if let failure {
            inBuf.deallocate()
            if ownsFD { close(fd) }
            throw failure
        }
        encoding = InputEncoding.detect(prefix: UnsafeRawBufferPointer(start: inBuf, count: inEnd))
        if encoding == .gzip {
            do {
                inflater = try GzipInflater()
            } catch {
                inBuf.deallocate()
                if ownsFD { close(fd) }
                throw InputError(path: path, kind: .corruptGzip, message: error.message)
            }
        }
    }

    deinit {
        inBuf.deallocate()
        if ownsFD { close(fd) }
    }

    /// `read(2)` retrying on EINTR; returns -errno on failure.
    private static func rawRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int {
        while true {
            #if canImport(Glibc)
            let r = Glibc.read(fd, p, n)
            #else
            let r = Darwin.read(fd, p, n)
            #endif
            if r >= 0 { return r }
            if errno == EINTR { continue }
            return -Int(errno)
        }
    }

    /// Fills `buffer` with the next decompressed bytes (fewer only at the end); 0 at the end
    /// (and for an empty `buffer`, without reading).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if let pendingError { throw pendingError }
        if finished || buffer.count == 0 { return 0 }
        let n = inflater == nil ? readPlain(buffer) : readGzip(buffer)
        if n == 0 {
            if let pendingError { throw pendingError }
            finished = true
        }
        return n
    }

    private func readPlain(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        let out = buffer.baseAddress!
        var total = 0
        if inStart < inEnd {
            let n = min(inEnd - inStart, buffer.count)
            out.copyMemory(from: inBuf + inStart, byteCount: n)
            inStart += n
            total = n
        }
        while total < buffer.count && !eof {
            let r = Self.rawRead(fd, out + total, buffer.count - total)
            if r < 0 {
                pendingError = InputError(
                    path: path, kind: .ioError, compressedOffset: plainDelivered + Int64(total),
                    decompressedOffset: plainDelivered + Int64(total), message: InputError.errnoMessage(Int32(-r)))
                break
            }
            if r == 0 {
                eof = true
                break
            }
            total += r
        }
        plainDelivered += Int64(total)
        return total
    }

    private func readGzip(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        let inflater = inflater!
        var total = 0
        while total < buffer.count {
            if inStart == inEnd && !eof {
                inStart = 0
                inEnd = 0
                let r = Self.rawRead(fd, inBuf, inCap)
                if r < 0 {
                    pendingError = InputError(
                        path: path, kind: .ioError, compressedOffset: inflater.totalIn,
                        decompressedOffset: inflater.totalOut, message: InputError.errnoMessage(Int32(-r)))
                    break
                }
                if r == 0 { eof = true } else { inEnd = r }
            }
            let step = inflater.inflate(
                UnsafeRawBufferPointer(start: inBuf + inStart, count: inEnd - inStart),
                into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            inStart += step.consumed
            total += step.produced
            if let e = step.error {
                pendingError = convert(e, inflater)
                break
            }
            if step.consumed == 0 && step.produced == 0 {
                if eof {
                    do {
                        try inflater.finish()
                    } catch {
                        pendingError = convert(error, inflater)
                    }
                    break
                }
                if inStart < inEnd {
                    // zlib made no progress with input and output space available: should not happen.
                    pendingError = InputError(
                        path: path, kind: .corruptGzip, compressedOffset: inflater.totalIn,
                        decompressedOffset: inflater.totalOut, message: "inflate made no progress")
                    break
                }
            }
        }
        return total
    }

    private func convert(_ e: GzipError, _ inflater: GzipInflater) -> InputError {
        let kind: InputError.Kind = e.kind == .truncated ? .truncatedGzip : .corruptGzip
        return InputError(
            path: path, kind: kind, compressedOffset: e.compressedOffset,
            decompressedOffset: inflater.totalOut, message: e.message)
    }
}
