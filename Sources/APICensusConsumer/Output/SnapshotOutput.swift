#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where snapshot lines go. `write` returns only once the line is handed to the kernel whole (and,
/// for a regular file, on disk): offsets are committed after it returns, never before.
public protocol SnapshotOutput: Sendable {
    func write(_ line: [UInt8]) throws
}

/// A line that could not be written; the consumer stops without committing.
public struct SnapshotOutputError: Error, CustomStringConvertible {
    public let description: String
}

/// Snapshot lines on a file descriptor (stdout by default), each written with as few `write`
/// calls as the kernel allows, then `fsync`ed when the descriptor is a regular file.
public final class FileDescriptorOutput: SnapshotOutput, @unchecked Sendable {
    let descriptor: Int32
    private let syncs: Bool

    public init(descriptor: Int32 = STDOUT_FILENO) {
        self.descriptor = descriptor
        var info = stat()
        syncs = fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    public func write(_ line: [UInt8]) throws {
        var written = 0
        while written < line.count {
            let n = line.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw SnapshotOutputError(description: "writing a snapshot failed: \(String(cString: strerror(errno)))")
            }
            written += n
        }
        if syncs, fsync(descriptor) != 0, errno != EINVAL {
            throw SnapshotOutputError(description: "flushing a snapshot to disk failed: \(String(cString: strerror(errno)))")
        }
    }
}
