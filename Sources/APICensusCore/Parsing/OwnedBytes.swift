/// A growable byte buffer a parser owns, for values that must outlive the line they came from (a
/// multi-line record's fields, a partial container-log line) or that are put together from pieces
/// (a path and its query). One per parser instance, so per thread; reused from line to line.
///
/// Views (`bytes(_:)`) point into the storage and stay valid until the next `append` that grows it
/// or the next `removeAll`: a parser hands them out only after it has finished appending for the
/// line, which is exactly the `RawCall` contract (valid until the parser parses its next line).
final class OwnedBytes {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always) func removeAll() { count = 0 }

    /// Appends `bytes`, truncated so the buffer never exceeds `limit` bytes; returns the range written.
    @discardableResult
    func append(_ bytes: Bytes, limit: Int = .max) -> Range<Int> {
        let n = min(bytes.count, max(0, limit - count))
        guard n > 0, let source = bytes.baseAddress else { return count..<count }
        reserve(count + n)
        (base + count).update(from: source, count: n)
        count += n
        return (count - n)..<count
    }

    @discardableResult
    func append(_ byte: UInt8) -> Range<Int> {
        reserve(count + 1)
        base[count] = byte
        count += 1
        return (count - 1)..<count
    }

    /// A view of `range`; empty for an empty range.
    @inline(__always) func bytes(_ range: Range<Int>) -> Bytes {
        range.isEmpty ? .none : Bytes(start: base + range.lowerBound, count: range.count)
    }

    /// Everything appended so far.
    @inline(__always) var all: Bytes { bytes(0..<count) }

    private func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }
}
