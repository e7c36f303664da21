import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a gzip stream to a file descriptor with zlib's deflate (used by `apicensus generate --gzip`).
public final class GzipWriter {
    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    // The z_stream lives on the heap: zlib keeps a pointer to it, so it must never move.
    private let stream: UnsafeMutablePointer<z_stream>
    private var output: [UInt8]
    private let descriptor: Int32
    private var finished = false

    public init(descriptor: Int32, level: Int32 = 6) throws {
        self.descriptor = descriptor
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = [UInt8](repeating: 0, count: 1 << 18)
        // windowBits 15 + 16: gzip header and trailer rather than a raw zlib stream.
        let status = apicensus_deflateInit2(stream, level, 15 + 16)
        guard status == Z_OK else {
            stream.deallocate()
            throw WriteError(description: "zlib deflateInit2 failed (\(status))")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try run($0, flush: Z_NO_FLUSH) }
    }

    /// Ends the gzip member; the writer cannot be used afterwards.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        try run(UnsafeBufferPointer(start: nil, count: 0), flush: Z_FINISH)
    }

    private func run(_ input: UnsafeBufferPointer<UInt8>, flush: Int32) throws {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.pointee.avail_in = UInt32(input.count)
        var status: Int32 = Z_OK
        repeat {
            let count = output.count
            let produced = try output.withUnsafeMutableBufferPointer { out -> Int in
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = UInt32(count)
                status = deflate(stream, flush)
                guard status != Z_STREAM_ERROR else { throw WriteError(description: "zlib deflate failed") }
                return count - Int(stream.pointee.avail_out)
            }
            try writeAll(produced)
        } while stream.pointee.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END)
    }

    private func writeAll(_ count: Int) throws {
        var written = 0
        try output.withUnsafeBytes { raw in
            while written < count {
                let n = Glibc.write(descriptor, raw.baseAddress! + written, count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WriteError(description: "write failed: \(String(cString: strerror(errno)))")
                }
                written += n
            }
        }
    }
}
