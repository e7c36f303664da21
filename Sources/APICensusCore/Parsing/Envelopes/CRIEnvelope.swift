/// The CRI container log format that containerd and CRI-O write under `/var/log/pods` (what
/// `kubectl logs` reads): `2026-01-01T00:00:00.000000000Z stdout F <line>`.
///
/// The third field is `F` for a full line and `P` for a partial one: the runtime splits long lines
/// (16 KiB by default) into `P` fragments ended by an `F`. Fragments are joined in the envelope's own
/// buffer and the line is returned with its final fragment. A line whose fragments straddle two
/// ranges of a file split for parallel reading reaches the parser in two pieces: the first pieces are
/// counted as ignored lines, the last one is parsed alone (and usually rejected, so it is counted).
final class CRIEnvelope {
    private(set) var time: Bytes = .none
    private let partial = OwnedBytes(capacity: 256)
    private var hasPartial = false
    /// A joined line is never longer than this (the batch runner's line limit applies to each fragment).
    static let joinedLimit = 4 << 20

    func unwrap(_ line: Bytes) -> Unwrapped {
        time = .none
        guard let p = line.baseAddress, line.count >= 22 else { return .notEnveloped }
        let end = line.count
        // RFC 3339 time.
        guard isDigit(p[0]), isDigit(p[3]), p[4] == dash, p[7] == dash, p[10] == UInt8(ascii: "T") else { return .notEnveloped }
        var i = 11
        while i < end, p[i] != sp { i += 1 }
        guard i + 10 <= end else { return .notEnveloped }
        let timeEnd = i
        i += 1
        // stdout / stderr.
        if matches(p, i, end, "stdout ") || matches(p, i, end, "stderr ") { i += 7 } else { return .notEnveloped }
        // F / P, then a space (or the end: an empty line).
        let tag = p[i]
        guard tag == UInt8(ascii: "F") || tag == UInt8(ascii: "P"), i + 1 == end || p[i + 1] == sp else { return .notEnveloped }
        let body = i + 2 <= end ? Bytes(start: p + i + 2, count: end - i - 2) : Bytes(start: p + end, count: 0)
        if tag == UInt8(ascii: "P") {
            if !hasPartial { partial.removeAll() }
            hasPartial = true
            partial.append(body, limit: CRIEnvelope.joinedLimit)
            return .pending
        }
        time = Bytes(start: p, count: timeEnd)
        if hasPartial {
            hasPartial = false
            partial.append(body, limit: CRIEnvelope.joinedLimit)
            return .line(partial.all)
        }
        return .line(body)
    }

    private func matches(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= end else { return false }
        let w = word.utf8Start
        for k in 0..<n where p[i + k] != w[k] { return false }
        return true
    }

    @inline(__always) private func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }
}

@inline(__always) private var sp: UInt8 { UInt8(ascii: " ") }
@inline(__always) private var dash: UInt8 { UInt8(ascii: "-") }
