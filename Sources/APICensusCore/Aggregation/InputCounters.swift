/// Where a line is, precisely enough to name it in an error: which input, which byte, which line.
/// Inputs read in parallel ranges do not know their line numbers while parsing, so a location keeps
/// the range (`chunk`) and the line within it; `AggregateState` turns that into a line number once
/// every range has been counted.
public struct LineLocation: Sendable, Hashable, Comparable {
    public var input: Int
    public var chunk: Int
    public var lineInChunk: Int
    public var byteOffset: Int64

    public init(input: Int, chunk: Int, lineInChunk: Int, byteOffset: Int64) {
        self.input = input
        self.chunk = chunk
        self.lineInChunk = lineInChunk
        self.byteOffset = byteOffset
    }

    public static func < (a: LineLocation, b: LineLocation) -> Bool {
        (a.input, a.chunk, a.lineInChunk, a.byteOffset) < (b.input, b.chunk, b.lineInChunk, b.byteOffset)
    }
}

/// A few rejected lines kept as examples, redacted when they are taken.
public struct RejectedSample: Sendable, Equatable {
    public var location: LineLocation
    public var reason: RejectReason
    public var text: String
}

/// An input-level problem: unreadable file, corrupt or truncated gzip, a read error.
public struct InputProblem: Sendable, Equatable {
    public var input: Int
    public var kind: String
    public var message: String
    /// Offset in the compressed file for gzip errors, in the file otherwise.
    public var byteOffset: Int64?
    /// The location after the last line read before the problem (its line number is resolved later).
    public var lastLine: LineLocation?

    public init(input: Int, kind: String, message: String, byteOffset: Int64?, lastLine: LineLocation?) {
        self.input = input
        self.kind = kind
        self.message = message
        self.byteOffset = byteOffset
        self.lastLine = lastLine
    }
}

/// Per-input counts.
public struct InputFileCounters: Sendable, Equatable {
    public var bytes: Int64 = 0
    public var lines: UInt64 = 0
    public var parsed: UInt64 = 0
    public var ignored: UInt64 = 0
    public var rejected: UInt64 = 0
    public init() {}

    public mutating func merge(_ o: InputFileCounters) {
        bytes += o.bytes
        lines += o.lines
        parsed += o.parsed
        ignored += o.ignored
        rejected += o.rejected
    }
}
