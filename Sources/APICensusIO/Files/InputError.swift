#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A problem with one input: it could not be opened, or reading it failed part-way.
///
/// The run goes on with the next input; the caller reports the error with its path and offsets.
/// Every byte before the failure has already been handed to the caller by earlier reads/chunks,
/// so `decompressedOffset` is exactly how much of this input was delivered.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// Missing, not readable, a directory where a file was expected, …
        case unreadable
        /// Invalid deflate data, bad header or CRC/length mismatch, or trailing garbage after the last member.
        case corruptGzip = "corrupt_gzip"
        /// The compressed input ends before the end of the last gzip member.
        case truncatedGzip = "truncated_gzip"
        /// `read`/`pread` failed.
        case ioError = "io_error"
    }

    /// The path as given (`-` for stdin).
    public var path: String
    public var kind: Kind
    /// Offset in the file as stored (compressed bytes for gzip) where the problem was detected.
    public var compressedOffset: Int64
    /// Decompressed bytes delivered before the problem (equals `compressedOffset` for plain files).
    public var decompressedOffset: Int64
    /// Human-readable detail (zlib's message, `strerror`, …).
    public var message: String

    public init(path: String, kind: Kind, compressedOffset: Int64 = 0, decompressedOffset: Int64 = 0, message: String) {
        self.path = path
        self.kind = kind
        self.compressedOffset = compressedOffset
        self.decompressedOffset = decompressedOffset
        self.message = message
    }

    public var description: String {
        switch kind {
        case .unreadable:
            return "\(path): \(message)"
        default:
            return "\(path): \(kind.rawValue) at compressed offset \(compressedOffset) (decompressed offset \(decompressedOffset)): \(message)"
        }
    }

    static func errnoMessage(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "errno \(code)" }
        return String(cString: s)
    }
}
