/// Response status codes of one endpoint. Few distinct codes occur per endpoint, so they are kept
/// as a short list of packed (code, count) words scanned linearly: cheaper per line than a dictionary.
public struct StatusCounts: Sendable, Equatable {
    /// Each word is `code << 48 | count`.
    @usableFromInline var packed: [UInt64] = []

    public init() {}

    /// Equal when every code has the same count, whatever order the codes were first seen in.
    public static func == (a: StatusCounts, b: StatusCounts) -> Bool { a.packed.sorted() == b.packed.sorted() }

    @inlinable
    public mutating func record(_ status: Int32, count: UInt64 = 1) {
        let code = UInt64(UInt16(clamping: max(status, 0)))
        for i in packed.indices where packed[i] >> 48 == code {
            packed[i] &+= count
            return
        }
        packed.append(code << 48 | count)
    }

    public mutating func merge(_ other: StatusCounts) {
        for word in other.packed { record(Int32(word >> 48), count: word & 0xFFFF_FFFF_FFFF) }
    }

    /// (code, count) pairs, most frequent first, ties by code.
    public var byFrequency: [(code: Int, count: UInt64)] {
        packed.map { (Int($0 >> 48), $0 & 0xFFFF_FFFF_FFFF) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.code < $1.code }
    }

    /// Counts per class: "1xx" … "5xx", and "other" for codes outside 100...599 (000 included).
    public var byClass: [String: UInt64] {
        var result: [String: UInt64] = [:]
        for word in packed {
            let code = Int(word >> 48)
            let key = (100...599).contains(code) ? "\(code / 100)xx" : "other"
            result[key, default: 0] += word & 0xFFFF_FFFF_FFFF
        }
        return result
    }
}
