import Testing
@testable import APICensusCore

@Suite struct DeltaChainTests {
    static let key = PartitionKey(topic: "gateway-logs", partition: 3)
    static let partition = SyntheticPartition(count: 600, seed: 11)

    func delta(_ start: Int64, _ end: Int64) -> PartitionDelta { Self.partition.delta(Self.key, start, end) }

    /// The chosen deltas merged, with their input indexes read as "this partition".
    func merged(_ selection: DeltaChain.Selection) -> AggregateState {
        var aggregate = StreamAggregate()
        for d in selection.chosen { aggregate.absorb(d) }
        return aggregate.partitions[Self.key] ?? AggregateState()
    }

    func truth(_ start: Int64, _ end: Int64) -> AggregateState {
        Self.partition.state(OffsetRange(start: start, end: end))
    }

    func ranges(_ deltas: [PartitionDelta]) -> [OffsetRange] { deltas.map(\.range) }

    /// Consumer A wrote snapshots ending at 100, 200 and 300 but crashed after flushing the third,
    /// before committing 300; B resumed at the committed 200 and went on to 450. Every message of
    /// [0, 450) must count once.
    @Test func replayAfterCrashBetweenFlushAndCommitCountsOnce() {
        let a = [delta(0, 100), delta(100, 200), delta(200, 300)]
        let b = [delta(200, 260), delta(260, 450)]
        let selection = DeltaChain.select(a + b)
        #expect(ranges(selection.chosen) == [OffsetRange(start: 0, end: 100), OffsetRange(start: 100, end: 200),
                                             OffsetRange(start: 200, end: 260), OffsetRange(start: 260, end: 450)])
        #expect(ranges(selection.replaced) == [OffsetRange(start: 200, end: 300)])
        #expect(selection.gaps.isEmpty)
        #expect(selection.covered == [OffsetRange(start: 0, end: 450)])
        #expect(merged(selection) == truth(0, 450))
        // Without the chain, the replayed range would count twice.
        var naive = AggregateState()
        for d in a + b { naive.merge(d.state) }
        #expect(naive.files[0]!.lines == 550)
        #expect(merged(selection).files[0]!.lines == 450)
    }

    /// The replaying consumer has not yet passed the crashed one's last end: the farther chain wins
    /// now, and once the replay goes past it, the replay's chain does: never both.
    @Test func replayShorterThanTheOriginalKeepsTheOriginal() {
        let selection = DeltaChain.select([delta(0, 100), delta(100, 300), delta(100, 150)])
        #expect(ranges(selection.chosen) == [OffsetRange(start: 0, end: 100), OffsetRange(start: 100, end: 300)])
        #expect(merged(selection) == truth(0, 300))
    }

    @Test func nestedAndIdenticalDuplicatesAreDropped() {
        let whole = delta(0, 200)
        let selection = DeltaChain.select([delta(20, 50), whole, whole, delta(50, 120), whole])
        #expect(ranges(selection.chosen) == [OffsetRange(start: 0, end: 200)])
        #expect(selection.identicalDuplicates == 2)
        #expect(Set(ranges(selection.replaced)) == [OffsetRange(start: 20, end: 50), OffsetRange(start: 50, end: 120)])
        #expect(merged(selection) == truth(0, 200))
    }

    @Test func gapsAreReportedAndTheDataAfterThemKept() {
        let selection = DeltaChain.select([delta(0, 100), delta(100, 150), delta(220, 300), delta(400, 450), delta(420, 430)])
        #expect(selection.gaps == [OffsetRange(start: 150, end: 220), OffsetRange(start: 300, end: 400)])
        #expect(selection.covered == [OffsetRange(start: 0, end: 150), OffsetRange(start: 220, end: 300), OffsetRange(start: 400, end: 450)])
        var expected = truth(0, 150)
        expected.merge(truth(220, 300))
        expected.merge(truth(400, 450))
        #expect(merged(selection) == expected)
    }

    /// A delta starting inside the chain at an offset no delta ends at (a consumer reset past its
    /// committed offset) cannot join without double counting: it is replaced, and the offsets only it
    /// holds show up as a gap.
    @Test func overlapStartingOffABoundaryIsAGap() {
        let selection = DeltaChain.select([delta(0, 100), delta(50, 180), delta(180, 200)])
        #expect(ranges(selection.chosen) == [OffsetRange(start: 0, end: 100), OffsetRange(start: 180, end: 200)])
        #expect(ranges(selection.replaced) == [OffsetRange(start: 50, end: 180)])
        #expect(selection.gaps == [OffsetRange(start: 100, end: 180)])
    }

    @Test func equallyFarPathsPreferFewerDeltas() {
        let selection = DeltaChain.select([delta(0, 10), delta(10, 20), delta(20, 40), delta(0, 20)])
        #expect(ranges(selection.chosen) == [OffsetRange(start: 0, end: 20), OffsetRange(start: 20, end: 40)])
        #expect(merged(selection) == truth(0, 40))
    }

    @Test func emptyRangesAreLeftOut() {
        let selection = DeltaChain.select([delta(0, 10), delta(10, 10), delta(10, 20)])
        #expect(ranges(selection.chosen) == [OffsetRange(start: 0, end: 10), OffsetRange(start: 10, end: 20)])
        #expect(selection.empty.count == 1)
        #expect(DeltaChain.select([]).chosen.isEmpty)
    }

    /// The choice depends on the set of deltas only: every order of the same deltas gives the same
    /// chain and the same merged bytes, even when two different deltas share one range.
    @Test func selectionIsDeterministicInAnyOrder() {
        // Same range [100, 200), different content: one consumer saw the messages, a second
        // "instance" is given different content for the same offsets (as a bug elsewhere might).
        var other = delta(100, 200)
        other.state = Self.partition.state(OffsetRange(start: 300, end: 400))
        let deltas = [delta(0, 100), delta(100, 200), other, delta(100, 150), delta(150, 260), delta(200, 260),
                      delta(260, 300), delta(0, 100), delta(320, 400)]
        let reference = DeltaChain.select(deltas)
        let referenceBytes = merged(reference).encoded()
        var rng = SplitMix64(seed: 77)
        for _ in 0..<40 {
            let shuffled = deltas.shuffled(using: &rng)
            let s = DeltaChain.select(shuffled)
            #expect(s.chosen == reference.chosen)
            #expect(s.gaps == reference.gaps)
            #expect(s.identicalDuplicates == reference.identicalDuplicates)
            #expect(merged(s).encoded() == referenceBytes)
        }
        #expect(reference.gaps == [OffsetRange(start: 300, end: 320)])
        #expect(reference.covered == [OffsetRange(start: 0, end: 300), OffsetRange(start: 320, end: 400)])
    }

    /// A long run: 500 one-message deltas from one consumer plus a restart replaying 120 of them in
    /// other cuts, shuffled: still exact.
    @Test func longChainsWithReplaysStayExact() {
        var deltas = (0..<500).map { delta(Int64($0), Int64($0 + 1)) }
        deltas += stride(from: 300, to: 420, by: 30).map { delta(Int64($0), Int64($0 + 30)) }
        deltas += [delta(420, 600)]
        var rng = SplitMix64(seed: 1)
        let selection = DeltaChain.select(deltas.shuffled(using: &rng))
        #expect(selection.covered == [OffsetRange(start: 0, end: 600)])
        #expect(selection.gaps.isEmpty)
        #expect(merged(selection) == truth(0, 600))
    }
}
