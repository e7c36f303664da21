import Testing
@testable import APICensusCore

/// The aggregate must merge like a sum: per-thread and per-file states combine in any order and
/// grouping into the state that reading everything in one go produces.
@Suite struct AggregationMergeTests {
    static func generatedLines(_ count: Int, seed: UInt64, style: LogGenerator.Style = .combined) -> [UInt8] {
        var generator = LogGenerator(style: style, seed: seed)
        var bytes: [UInt8] = []
        for _ in 0..<count { generator.appendLine(to: &bytes) }
        // A few bad lines so rejected counts and samples take part too.
        bytes.append(contentsOf: "this is not a log line\n".utf8)
        bytes.append(contentsOf: "1.2.3.4 - - [10/Oct/2023:08:32:31 +0000] \"\\x16\\x03\\x01\\x00\" 400 157 \"-\" \"-\"\n".utf8)
        return bytes
    }

    /// Splits `bytes` at line boundaries into `parts` pieces at seeded random places.
    static func split(_ bytes: [UInt8], parts: Int, seed: UInt64) -> [[UInt8]] {
        var rng = SplitMix64(seed: seed)
        let newlines = bytes.indices.filter { bytes[$0] == 0x0A }
        var cuts = Set<Int>()
        while cuts.count < parts - 1 { cuts.insert(newlines[rng.below(newlines.count - 1)] + 1) }
        var pieces: [[UInt8]] = []
        var start = 0
        for cut in cuts.sorted() + [bytes.count] {
            pieces.append(Array(bytes[start..<cut]))
            start = cut
        }
        return pieces
    }

    /// Aggregates `pieces[i]` as chunk `i` of input 0 with its own aggregator.
    static func states(for pieces: [[UInt8]]) -> [AggregateState] {
        var offset: Int64 = 0
        return pieces.enumerated().map { index, piece in
            var aggregator = CallAggregator()
            var parser = CombinedLogParser(format: .combined)
            piece.withUnsafeBufferPointer {
                _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: index, firstLine: 0, startOffset: offset, parser: &parser)
            }
            offset += Int64(piece.count)
            return aggregator.snapshot()
        }
    }

    @Test func mergeEqualsSequentialProcessing() {
        let bytes = Self.generatedLines(6_000, seed: 7)
        for trial in 0..<5 {
            let pieces = Self.split(bytes, parts: 2 + trial, seed: UInt64(trial))
            // One aggregator reading every piece in order, as chunks of one input.
            var sequential = CallAggregator()
            var parser = CombinedLogParser(format: .combined)
            var offset: Int64 = 0
            for (index, piece) in pieces.enumerated() {
                piece.withUnsafeBufferPointer {
                    _ = sequential.consume(chunk: $0, input: 0, chunkIndex: index, firstLine: 0, startOffset: offset, parser: &parser)
                }
                offset += Int64(piece.count)
            }
            let parts = Self.states(for: pieces)
            var merged = AggregateState()
            for p in parts { merged.merge(p) }
            #expect(merged == sequential.snapshot(), "trial \(trial)")
        }
    }

    @Test func mergeIsCommutativeAndAssociative() {
        let bytes = Self.generatedLines(4_000, seed: 11)
        let s = Self.states(for: Self.split(bytes, parts: 3, seed: 3))
        var ab = s[0]; ab.merge(s[1])
        var ba = s[1]; ba.merge(s[0])
        #expect(ab == ba)
        var abThenC = ab; abThenC.merge(s[2])
        var bc = s[1]; bc.merge(s[2])
        var aThenBC = s[0]; aThenBC.merge(bc)
        #expect(abThenC == aThenBC)
    }

    @Test func reportIsIdenticalWhateverTheSplit() {
        let bytes = Self.generatedLines(5_000, seed: 5)
        let inputs = [InputDescription(path: "a.log", encoding: "plain", format: .combined, formatConfidence: 1, sizeOnDisk: Int64(bytes.count))]
        var reports = Set<String>()
        for parts in [1, 2, 7] {
            var merged = AggregateState()
            // States merged in reverse order: the order of merging must not matter either.
            for s in Self.states(for: Self.split(bytes, parts: max(parts, 2), seed: UInt64(parts))).reversed() { merged.merge(s) }
            reports.insert(ReportBuilder.report(state: merged, inputs: inputs, options: ReportOptions()).serialized())
        }
        #expect(reports.count == 1)
    }
}

@Suite struct SketchTests {
    @Test func distinctCounterIsExactThenEstimates() {
        var counter = DistinctCounter()
        for i in 0..<64 { counter.insert(ByteHash.mix(UInt64(i))) }
        for i in 0..<64 { counter.insert(ByteHash.mix(UInt64(i))) }
        #expect(counter.isExact && counter.count == 64)
        for i in 64..<100_000 { counter.insert(ByteHash.mix(UInt64(i))) }
        #expect(!counter.isExact)
        let error = abs(Double(counter.count) - 100_000) / 100_000
        #expect(error < 0.1, "estimate \(counter.count)")
    }

    @Test func distinctCounterMergeMatchesUnion() {
        var a = DistinctCounter(), b = DistinctCounter(), all = DistinctCounter()
        for i in 0..<50 { a.insert(ByteHash.mix(UInt64(i))); all.insert(ByteHash.mix(UInt64(i))) }
        for i in 30..<90 { b.insert(ByteHash.mix(UInt64(i))); all.insert(ByteHash.mix(UInt64(i))) }
        var merged = a
        merged.merge(b)
        #expect(merged == all)
        #expect(merged.count == all.count)
    }

    @Test func latencyQuantilesWithinBucketError() {
        var sketch = LatencySketch()
        for v in 1...10_000 { sketch.record(micros: UInt64(v * 100)) }  // 0.1 ms … 1 s uniformly
        for (q, truth) in [(0.5, 500_000.0), (0.9, 900_000.0), (0.99, 990_000.0)] {
            let got = Double(sketch.quantile(q))
            #expect(abs(got - truth) / truth < 0.04, "q\(q): \(got)")
        }
        #expect(sketch.maxMicros == 1_000_000)
        var a = LatencySketch(), b = LatencySketch()
        for v in 1...5_000 { a.record(micros: UInt64(v * 100)) }
        for v in 5_001...10_000 { b.record(micros: UInt64(v * 100)) }
        a.merge(b)
        #expect(a == sketch)
    }

    @Test func statusCountsByClass() {
        var s = StatusCounts()
        for code in [200, 200, 201, 404, 500, 0, 101] { s.record(Int32(code)) }
        #expect(s.byClass == ["2xx": 3, "4xx": 1, "5xx": 1, "other": 1, "1xx": 1])
        #expect(s.byFrequency.first! == (code: 200, count: 2))
    }

    @Test func queryNamesKeepSmallestHashesWhateverTheOrder() {
        let names = (0..<100).map { "param\($0)" }
        var forward = QueryParameterNames(), backward = QueryParameterNames()
        for n in names { let h = ByteHash.hash(n); if !forward.contains(h) { forward.insert(hash: h, name: n) } }
        for n in names.reversed() { let h = ByteHash.hash(n); if !backward.contains(h) { backward.insert(hash: h, name: n) } }
        #expect(forward == backward)
        #expect(forward.truncated)
        #expect(forward.sortedNames == backward.sortedNames)
        #expect(forward.sortedNames.count == QueryParameterNames.limit)
    }
}
