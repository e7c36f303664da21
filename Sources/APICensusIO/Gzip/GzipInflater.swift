import CZlib

/// Why inflating stopped.
public struct GzipError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// zlib reported invalid data (bad header, bad deflate block, CRC or length mismatch).
        case corrupt
        /// The input ended inside a member (before its trailer was checked).
        case truncated
        /// After a complete member came bytes that are neither a new member (`1f 8b`) nor zero padding.
        case trailingGarbage
        /// zlib could not allocate its state.
        case outOfMemory
    }

    public var kind: Kind
    /// Compressed offset (from the start of the whole input, across members) where the problem was detected.
    public var compressedOffset: Int64
    public var message: String

    public init(kind: Kind, compressedOffset: Int64, message: String) {
        self.kind = kind
        self.compressedOffset = compressedOffset
        self.message = message
    }
}

/// Streaming gzip decompressor over zlib's `inflate`.
///
/// Feed compressed bytes with `inflate(_:into:)` as they arrive, then call `finish()` once the input
/// has ended. Behaviour:
/// - **Multi-member**: after a member ends (`Z_STREAM_END`), a following byte `1f` starts a new member
///   (the stream is `inflateReset` and inflating continues), so `cat a.gz b.gz` decompresses to the
///   concatenation. A bad second magic byte is then reported by zlib as `corrupt` ("incorrect header check").
/// - **Zero padding**: zero bytes after a complete member are skipped up to the end of input, as GNU gzip
///   does ("trailing zero bytes ignored"). Once padding has started, only zeros may follow.
/// - **Trailing garbage**: any other byte after a complete member is `trailingGarbage`, naming its offset.
///   Data of the complete members before it has been delivered.
/// - **Corrupt data**: `corrupt` with zlib's message and the compressed offset where zlib detected it.
/// - **Truncation**: `finish()` throws `truncated` (offset = total input length) when the input ended inside a member.
///
/// Output produced before an error is always counted in the returned `Step.produced`; the caller must
/// use it before acting on `Step.error`. After an error the inflater stays failed and returns the same error.
///
/// The `z_stream` lives in its own heap allocation (zlib keeps a back pointer to it, so it must not move).
public final class GzipInflater {
    /// Result of one `inflate(_:into:)` call.
    public struct Step: Sendable, Equatable {
        /// Compressed bytes consumed from the front of the input.
        public var consumed: Int
        /// Decompressed bytes written at the front of the output.
        public var produced: Int
        /// Set when inflating failed; `produced` bytes before it are valid.
        public var error: GzipError?
    }

    private enum State { case inMember, betweenMembers, padding, failed }

    private let stream: UnsafeMutablePointer<z_stream>
    private var state: State = .inMember
    private var failure: GzipError?

    /// Compressed bytes consumed so far (across members, padding included).
    public private(set) var totalIn: Int64 = 0
    /// Decompressed bytes produced so far.
    public private(set) var totalOut: Int64 = 0
    /// Members completely decompressed and verified (CRC and length) so far.
    public private(set) var membersCompleted: Int = 0

    public init() throws(GzipError) {
        let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        s.initialize(to: z_stream())
        // 15 + 16: 32 KiB window, gzip wrapper only (the caller detected the gzip magic).
        let rc = apicensus_inflateInit2(s, 15 + 16)
        guard rc == Z_OK else {
            s.deinitialize(count: 1)
            s.deallocate()
            throw GzipError(kind: .outOfMemory, compressedOffset: 0, message: "inflateInit2 failed (\(rc))")
        }
        stream = s
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// True when the input so far ends exactly at a member boundary (or in zero padding after one).
    public var isAtMemberBoundary: Bool { state == .betweenMembers || state == .padding }

    /// Decompresses as much of `input` as fits into `output`.
    ///
    /// Returns when the output is full, the input is exhausted (and zlib can make no more progress),
    /// or an error occurred. Call again with the unconsumed rest of the input (and/or a fresh output).
    /// With an empty input it drains output zlib still holds; `produced == 0 && consumed == 0` means
    /// more input is needed (or, at end of input, that `finish()` should be called).
    public func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Step {
        if let failure { return Step(consumed: 0, produced: 0, error: failure) }
        var inPos = 0
        var outPos = 0
        let inCount = input.count
        let outCount = output.count

        func fail(_ kind: GzipError.Kind, _ message: String) -> Step {
            let e = GzipError(kind: kind, compressedOffset: totalIn, message: message)
            failure = e
            state = .failed
            return Step(consumed: inPos, produced: outPos, error: e)
        }

        loop: while true {
            switch state {
            case .inMember:
                if outPos == outCount { break loop }
                let availIn = min(inCount - inPos, Int(UInt32.max))
                let availOut = min(outCount - outPos, Int(UInt32.max))
                stream.pointee.next_in = availIn > 0
                    ? UnsafeMutableRawPointer(mutating: input.baseAddress! + inPos).assumingMemoryBound(to: Bytef.self)
                    : nil
                stream.pointee.avail_in = UInt32(availIn)
                stream.pointee.next_out = (output.baseAddress! + outPos).assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = UInt32(availOut)
                let rc = CZlib.inflate(stream, Z_NO_FLUSH)
                let used = availIn - Int(stream.pointee.avail_in)
                let made = availOut - Int(stream.pointee.avail_out)
                stream.pointee.next_in = nil
                stream.pointee.next_out = nil
                inPos += used
                outPos += made
                totalIn += Int64(used)
                totalOut += Int64(made)
                switch rc {
                case Z_STREAM_END:
                    membersCompleted += 1
                    state = .betweenMembers
                case Z_OK:
                    if used == 0 && made == 0 { break loop }
                case Z_BUF_ERROR:
                    break loop  // no progress possible: needs input (or output space)
                case Z_MEM_ERROR:
                    return fail(.outOfMemory, zlibMessage(default: "out of memory"))
                case Z_NEED_DICT:
                    return fail(.corrupt, "deflate stream requires a preset dictionary")
                default:  // Z_DATA_ERROR, Z_STREAM_ERROR
                    return fail(.corrupt, zlibMessage(default: "invalid compressed data (\(rc))"))
                }
            case .betweenMembers:
                if inPos == inCount { break loop }
                let b = input[inPos]
                if b == 0x1F {
                    inflateReset(stream)
                    state = .inMember
                } else if b == 0 {
                    state = .padding
                } else {
                    return fail(.trailingGarbage, "trailing garbage after gzip member \(membersCompleted)")
                }
            case .padding:
                while inPos < inCount && input[inPos] == 0 {
                    inPos += 1
                    totalIn += 1
                }
                if inPos < inCount {
                    return fail(.trailingGarbage, "non-zero byte in zero padding after gzip member \(membersCompleted)")
                }
                break loop
            case .failed:
                break loop
            }
        }
        return Step(consumed: inPos, produced: outPos, error: nil)
    }

    /// Declares the end of input. Throws `truncated` when it ended inside a member (including an empty input),
    /// or the earlier error if inflating had failed.
    public func finish() throws(GzipError) {
        switch state {
        case .betweenMembers, .padding:
            return
        case .failed:
            throw failure!
        case .inMember:
            let e = GzipError(
                kind: .truncated, compressedOffset: totalIn,
                message: totalIn == 0 ? "empty gzip input" : "gzip stream truncated inside member \(membersCompleted + 1)")
            failure = e
            state = .failed
            throw e
        }
    }

    private func zlibMessage(default d: String) -> String {
        if let m = stream.pointee.msg { return String(cString: m) }
        return d
    }
}
