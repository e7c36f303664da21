/// The records (Kafka messages, for example) a chunk was joined from, so that the chunk is parsed in
/// one pass — one aggregator update per chunk instead of one per record — while a rejected line is
/// still named by its record's offset and its line within that record.
///
/// Every record but the last ends with `\n` in the chunk; a record whose value did not is followed
/// by one added separator, which is not counted as input bytes. The table grows with the records of
/// one chunk and is reused (`removeAll` keeps its capacity).
public struct JoinedRecords: Sendable {
    public struct Record: Sendable, Equatable {
        /// Where the record begins in the chunk.
        public var start: Int
        /// The record's own offset (a Kafka offset): rejected lines are located at it.
        public var offset: Int64
        /// 1 when a `\n` was added after the record's value to end its last line, else 0.
        public var addedSeparator: Int
    }

    public private(set) var records: [Record] = []
    /// Separators added after the records so far.
    public private(set) var addedSeparators = 0
    /// Bytes the records take in the chunk, separators included.
    public private(set) var joinedBytes = 0

    public init() {}

    /// Adds the next record: `length` bytes of the chunk, the last of them an added separator when
    /// `addedSeparator` is true.
    public mutating func append(offset: Int64, length: Int, addedSeparator: Bool) {
        records.append(Record(start: joinedBytes, offset: offset, addedSeparator: addedSeparator ? 1 : 0))
        joinedBytes += length
        if addedSeparator { addedSeparators += 1 }
    }

    public var count: Int { records.count }
    public var isEmpty: Bool { records.isEmpty }

    public mutating func removeAll() {
        records.removeAll(keepingCapacity: true)
        addedSeparators = 0
        joinedBytes = 0
    }

    /// The index of the record holding the chunk's byte `position` (binary search).
    func record(containing position: Int) -> Int {
        var low = 0
        var high = records.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if records[mid].start <= position { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Where record `index` ends in the chunk (the next record's start).
    func end(of index: Int, chunkCount: Int) -> Int {
        index + 1 < records.count ? records[index + 1].start : chunkCount
    }

    /// Input bytes of records `0 ..< count`: what they take in the chunk less the added separators.
    func contentBytes(ofFirst count: Int, chunkCount: Int) -> Int {
        if count == records.count { return min(joinedBytes, chunkCount) - addedSeparators }
        var separators = 0
        for i in 0..<count { separators += records[i].addedSeparator }
        return end(of: count - 1, chunkCount: chunkCount) - separators
    }
}

/// What `CallAggregator.consume(joined:)` did with a chunk.
public struct JoinedConsumeResult: Sendable, Equatable {
    /// Lines parsed (and counted) from the chunk.
    public var lines: Int
    /// Records whose lines were parsed: all of them unless the consume stopped early.
    public var records: Int
    /// Set when the consume stopped after this record because every one of its lines was rejected
    /// (asked for with `stopAfterRejectedRecord`): the records after it were not parsed.
    public var stoppedAfterRejectedRecord: Int?
}

/// How the aggregator names a rejected line and whether it goes on after it.
protocol RejectedLineLocator {
    /// The location of a rejected line: it starts at `lineStart` in the chunk, the next line starts
    /// at `nextLine`, and it is line `lineIndex` of the chunk. Returns where to stop parsing instead
    /// of the chunk's end, if anywhere.
    mutating func locate(lineStart: Int, nextLine: Int, lineIndex: Int, in chunk: UnsafePointer<UInt8>, count: Int)
        -> (location: LineLocation, stopAt: Int?)
}

/// A chunk of one input: lines are located by their byte offset in the input.
struct ByteOffsetLocator: RejectedLineLocator {
    let input: Int
    let chunk: Int
    let startOffset: Int64

    @inline(__always)
    mutating func locate(lineStart: Int, nextLine: Int, lineIndex: Int, in base: UnsafePointer<UInt8>, count: Int)
        -> (location: LineLocation, stopAt: Int?) {
        (LineLocation(input: input, chunk: chunk, lineInChunk: lineIndex, byteOffset: startOffset + Int64(lineStart)), nil)
    }
}

/// A chunk joined from records: a line is located by its record's offset and its line within the
/// record; optionally the parse stops after a record whose every line was rejected.
struct JoinedRecordLocator: RejectedLineLocator {
    let records: JoinedRecords
    let input: Int
    let chunk: Int
    let stopAfterRejectedRecord: Bool
    /// The record of the last rejected line, that line's start and its line within the record.
    private var lastRecord = -1
    private var lastStart = 0
    private var lastLine = 0
    /// Lines of `lastRecord` rejected so far; -1 once one of its lines was not rejected.
    private var rejectedInRecord = 0
    private(set) var stoppedAfter: Int?

    init(records: JoinedRecords, input: Int, chunk: Int, stopAfterRejectedRecord: Bool) {
        self.records = records
        self.input = input
        self.chunk = chunk
        self.stopAfterRejectedRecord = stopAfterRejectedRecord
    }

    mutating func locate(lineStart: Int, nextLine: Int, lineIndex: Int, in base: UnsafePointer<UInt8>, count: Int)
        -> (location: LineLocation, stopAt: Int?) {
        let r = records.record(containing: lineStart)
        // Count the newlines between the record's start (or the last rejected line of the same
        // record) and this line: this path runs for rejected lines only.
        var from = records.records[r].start
        var line = 0
        if r == lastRecord, lastStart <= lineStart {
            from = lastStart
            line = lastLine
        } else {
            rejectedInRecord = 0
        }
        var p = from
        while p < lineStart {
            if base[p] == 0x0A { line += 1 }
            p += 1
        }
        rejectedInRecord = rejectedInRecord == line ? line + 1 : -1
        lastRecord = r
        lastStart = lineStart
        lastLine = line
        let location = LineLocation(input: input, chunk: chunk, lineInChunk: line, byteOffset: records.records[r].offset)
        let recordEnd = records.end(of: r, chunkCount: count)
        if stopAfterRejectedRecord, rejectedInRecord == line + 1, nextLine >= recordEnd {
            stoppedAfter = r
            return (location, recordEnd)
        }
        return (location, nil)
    }
}
