/// Chooses, among every delta known for one partition (from many snapshots, many instances,
/// replays), the set that counts each message exactly once.
///
/// Why a chain is exact: a consumer commits an offset only after the snapshot holding the delta that
/// ends there has been written and flushed, so a restarted (or newly assigned) consumer resumes at an
/// offset some earlier delta ended at. What a restart replays therefore forms an alternative path
/// between two such boundaries; picking one path of deltas that chain exactly (each starts where the
/// previous one ends) covers each offset once. Among the paths the one reaching farthest is taken
/// (longest path in the DAG whose nodes are offsets and whose edges are deltas); among paths reaching
/// equally far, the one with the fewest deltas, then the smallest by a canonical order of the deltas
/// (range, then encoded bytes), so the choice depends only on the set of deltas, never on the order
/// they were read in.
///
/// Offsets nothing reaches (a consumer that started past a committed offset, after retention
/// deleted the messages, say) start a new segment; the hole between segments is reported as a gap.
public enum DeltaChain {
    public struct Selection: Sendable {
        /// The deltas to merge, in offset order.
        public var chosen: [PartitionDelta]
        /// Deltas with the same range and the same bytes as one already kept (a snapshot read twice,
        /// a merge output merged again with one of its inputs).
        public var identicalDuplicates: Int
        /// Deltas not chosen because the chain covers their offsets by another path (replays after
        /// a restart, overlapping ranges). Their messages are counted once through the chain.
        public var replaced: [PartitionDelta]
        /// Offsets the chain does not cover between the first and the last chosen delta. (A replaced
        /// delta that starts inside the chain may hold some of them, but it cannot be counted without
        /// counting its other messages twice.)
        public var gaps: [OffsetRange]
        /// Deltas with an empty range: they cover no message and are left out.
        public var empty: [PartitionDelta]

        /// Offsets covered by the chain: from the first start to the last end, minus the gaps.
        public var covered: [OffsetRange] {
            var result: [OffsetRange] = []
            for d in chosen {
                if let last = result.last, last.end == d.range.start {
                    result[result.count - 1].end = d.range.end
                } else {
                    result.append(d.range)
                }
            }
            return result
        }
    }

    /// A delta with its encoded state, used to order and compare deltas canonically.
    public struct Candidate: Sendable {
        public var delta: PartitionDelta
        public var data: [UInt8]

        public init(delta: PartitionDelta, data: [UInt8]) {
            self.delta = delta
            self.data = data
        }

        public init(_ delta: PartitionDelta) {
            self.init(delta: delta, data: delta.state.encoded())
        }

        static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
            if a.delta.range != b.delta.range { return a.delta.range < b.delta.range }
            return a.data.lexicographicallyPrecedes(b.data)
        }
    }

    /// Selects the chain for deltas of one partition (all must share one `PartitionKey`).
    public static func select(_ deltas: [PartitionDelta]) -> Selection {
        select(candidates: deltas.map(Candidate.init))
    }

    /// As `select(_:)`, for deltas whose encoding is already at hand (as read from a document).
    public static func select(candidates: [Candidate]) -> Selection {
        precondition(Set(candidates.map(\.delta.key)).count <= 1, "DeltaChain.select takes the deltas of one partition")
        var selection = Selection(chosen: [], identicalDuplicates: 0, replaced: [], gaps: [], empty: [])
        // Canonical order; identical deltas (same range, same bytes) are kept once.
        var unique: [Candidate] = []
        for c in candidates.sorted(by: Candidate.precedes) {
            if c.delta.range.isEmpty {
                selection.empty.append(c.delta)
            } else if let last = unique.last, last.delta.range == c.delta.range, last.data == c.data {
                selection.identicalDuplicates += 1
            } else {
                unique.append(c)
            }
        }
        guard !unique.isEmpty else { return selection }

        // Deltas are sorted by start, so a forward sweep sees every edge into a node before any edge
        // out of it. `best[offset]` is how the best path reaches that offset: its length in deltas
        // and its last delta (by canonical index, which breaks ties).
        struct Reach { var hops: Int; var last: Int }
        var best: [Int64: Reach] = [:]
        var chosen = Set<Int>()
        var segmentStart = 0
        while segmentStart < unique.count {
            let origin = unique[segmentStart].delta.range.start
            best = [origin: Reach(hops: 0, last: -1)]
            var farthest = origin
            var i = segmentStart
            while i < unique.count, unique[i].delta.range.start <= farthest {
                let r = unique[i].delta.range
                if let from = best[r.start] {
                    let candidate = Reach(hops: from.hops + 1, last: i)
                    if let current = best[r.end] {
                        if candidate.hops < current.hops || (candidate.hops == current.hops && candidate.last < current.last) {
                            best[r.end] = candidate
                        }
                    } else {
                        best[r.end] = candidate
                    }
                    farthest = max(farthest, r.end)
                }
                i += 1
            }
            // Walk back from the farthest offset.
            var path: [Int] = []
            var at = farthest
            while let reach = best[at], reach.last >= 0 {
                path.append(reach.last)
                at = unique[reach.last].delta.range.start
            }
            for index in path.reversed() {
                chosen.insert(index)
                selection.chosen.append(unique[index].delta)
            }
            // The next segment starts at the first delta beginning at or after the farthest offset.
            var next = i
            while next < unique.count, unique[next].delta.range.start < farthest { next += 1 }
            if next < unique.count {
                selection.gaps.append(OffsetRange(start: farthest, end: unique[next].delta.range.start))
            }
            segmentStart = next
        }
        for (index, c) in unique.enumerated() where !chosen.contains(index) {
            selection.replaced.append(c.delta)
        }
        return selection
    }
}
