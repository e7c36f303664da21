/// The CRI container log format that containerd and CRI-O write under `/var/log/pods` (what
/// `kubectl logs` reads): `2026-01-01T00:00:00.000000000Z stdout F <line>`.
///
/// The third field is `F` for a full line and `P` for a partial one: the runtime splits long lines
/// (16 KiB by default) into `P` fragments ended by an `F`. Fragments are joined in the envelope's own
/// buffer, one per stream (a `stdout` line is never completed by a `stderr` fragment: the two streams
/// interleave in the file), and the line is returned with its final fragment.
///
/// Fragments that never get their `F` — the input ends, or the part of it one parser reads ends —
/// are handed out by `takeUnfinished` so the parser's `finish` rejects them (`malformed`) instead of
/// dropping them. Known limit: a line whose fragments straddle two parts read by different parsers
/// (the ranges of a plain file split for parallel reading; the chunks of a gzip file or of stdin,
/// which several workers parse in parallel) is not joined: the first part's fragments are rejected
/// at its end as a partial line never completed, and the rest is parsed alone in the next part
/// (usually rejected too, so both are counted). Runtimes split lines only past 16 KiB, and parts are
/// megabytes long, so this is rare.
final class CRIEnvelope {
    private(set) var time: Bytes = .none
    /// The pending fragments of `stdout` (0) and `stderr` (1).
    private let partial = [OwnedBytes(capacity: 256), OwnedBytes(capacity: 256)]
    private var hasPartial = [false, false]
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
        let stream: Int
        if matches(p, i, end, "stdout ") { stream = 0 } else if matches(p, i, end, "stderr ") { stream = 1 } else { return .notEnveloped }
        i += 7
        // F / P, then a space (or the end: an empty line).
        let tag = p[i]
        guard tag == UInt8(ascii: "F") || tag == UInt8(ascii: "P"), i + 1 == end || p[i + 1] == sp else { return .notEnveloped }
        let body = i + 2 <= end ? Bytes(start: p + i + 2, count: end - i - 2) : Bytes(start: p + end, count: 0)
        let buffer = partial[stream]
        if tag == UInt8(ascii: "P") {
            if !hasPartial[stream] { buffer.removeAll() }
            hasPartial[stream] = true
            buffer.append(body, limit: CRIEnvelope.joinedLimit)
            return .pending
        }
        time = Bytes(start: p, count: timeEnd)
        if hasPartial[stream] {
            hasPartial[stream] = false
            buffer.append(body, limit: CRIEnvelope.joinedLimit)
            return .line(buffer.all)
        }
        return .line(body)
    }

    /// Whether a stream still has fragments without their final `F`; each call forgets one stream's
    /// (for `finish`: one rejected partial line per call).
    func takeUnfinished() -> Bool {
        for stream in hasPartial.indices where hasPartial[stream] {
            hasPartial[stream] = false
            partial[stream].removeAll()
            return true
        }
        return false
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
