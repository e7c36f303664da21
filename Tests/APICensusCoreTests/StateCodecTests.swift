import Testing
@testable import APICensusCore

@Suite struct StateCodecTests {
    @Test func roundTripGivesTheSameState() throws {
        for (i, state) in StateFixtures.states().enumerated() {
            let bytes = state.encoded()
            let decoded = try AggregateState(encoded: bytes)
            #expect(decoded == state, "state \(i)")
            #expect(decoded.encoded() == bytes, "state \(i): re-encoding changes the bytes")
        }
    }

    @Test func largeStateUsesTheClientSketchAndRoundTrips() throws {
        let state = StateFixtures.states()[2]
        #expect(state.endpoints.values.contains { !$0.clients.isExact }, "the fixture should reach the HyperLogLog mode")
        #expect(state.endpoints.values.contains { $0.latency.total > 0 })
        #expect(state.endpoints.values.contains { !$0.queryParameters.sortedNames.isEmpty })
        #expect(!state.samples.isEmpty)
        #expect(try AggregateState(encoded: state.encoded()) == state)
    }

    /// The bytes depend on the content only: states built in a different order encode the same.
    @Test func encodingIsDeterministicWhateverTheBuildOrder() {
        let partition = SyntheticPartition(count: 2_000, seed: 3)
        let parts = [OffsetRange(start: 0, end: 700), OffsetRange(start: 700, end: 1_300), OffsetRange(start: 1_300, end: 2_000)]
            .map(partition.state)
        var forward = AggregateState()
        for p in parts { forward.merge(p) }
        var backward = AggregateState()
        for p in parts.reversed() { backward.merge(p) }
        let whole = partition.state(OffsetRange(start: 0, end: 2_000))
        #expect(forward.encoded() == backward.encoded())
        #expect(forward.encoded() == whole.encoded())
    }

    /// "Merge then encode" equals "encode, decode, then merge", for every pair of fixtures (but the
    /// last, whose counters are at their maximum and cannot be added to).
    @Test func mergeCommutesWithTheCodec() throws {
        let states = StateFixtures.states().dropLast()
        for a in states.indices {
            for b in states.indices {
                var merged = states[a]
                merged.merge(states[b])
                var viaCodec = try AggregateState(encoded: states[a].encoded())
                viaCodec.merge(try AggregateState(encoded: states[b].encoded()))
                #expect(merged.encoded() == viaCodec.encoded(), "fixtures \(a) and \(b)")
                #expect(try AggregateState(encoded: merged.encoded()) == merged)
            }
        }
    }

    /// Version 1 states decode without their coverage evidence: the first coverage builds packed
    /// authentication kinds in another order, and states before them had none.
    @Test func version1StatesDecodeWithoutEvidence() throws {
        let rich = StateFixtures.rich
        #expect(rich.endpoints.values.contains { !$0.evidence.isEmpty } && rich.run.recordsByRole.contains { $0 > 0 })
        var v1 = rich.encoded()
        v1[4] = 1
        let decoded = try AggregateState(encoded: v1)
        var expected = rich
        for k in expected.endpoints.keys { expected.endpoints[k]!.evidence = EndpointEvidence() }
        expected.run = RunEvidence()
        #expect(decoded == expected)
        // A state written before coverage: no evidence in its records, no run section at its end.
        var plain = AggregateState()
        plain.files[0] = InputFileCounters()
        plain.files[0]!.lines = 7
        plain.invalidRequests["binary"] = 2
        var old = plain.encoded()
        old[4] = 1
        #expect(Array(old.suffix(6)) == [0, 0, 0, 0, 0, 0], "an empty run section: five role counts and no field")
        old.removeLast(6)
        #expect(try AggregateState(encoded: old) == plain)
        // Version 2 requires the run section.
        var cut = plain.encoded()
        cut.removeLast(6)
        #expect(throws: StateCodecError.self) { try AggregateState(encoded: cut) }
    }

    @Test func everyTruncationOfRichEvidenceIsAnError() {
        let bytes = StateFixtures.rich.encoded()
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 400)) {
            #expect(throws: StateCodecError.self, "prefix of \(length) bytes") {
                try AggregateState(encoded: Array(bytes[0..<length]))
            }
        }
    }

    @Test func everyTruncationIsAnError() {
        let bytes = StateFixtures.small.encoded()
        #expect(!StateFixtures.small.samples.isEmpty && !StateFixtures.small.problems.isEmpty)
        for length in 0..<bytes.count {
            #expect(throws: StateCodecError.self, "prefix of \(length) bytes") {
                try AggregateState(encoded: Array(bytes[0..<length]))
            }
        }
    }

    @Test func badHeaderVersionAndTrailingBytesAreNamed() throws {
        let bytes = StateFixtures.states()[1].encoded()
        var wrongMagic = bytes
        wrongMagic[0] = UInt8(ascii: "X")
        #expect(throws: StateCodecError(message: "not an APICensus state (no APST header)", offset: 0)) {
            try AggregateState(encoded: wrongMagic)
        }
        #expect(bytes[4] == 2)
        for unknown: UInt8 in [0, 3, 255] {
            var other = bytes
            other[4] = unknown
            #expect(throws: StateCodecError(message: "unknown state version \(unknown) (this build reads versions 1 to 2)", offset: 4)) {
                try AggregateState(encoded: other)
            }
        }
        do {
            _ = try AggregateState(encoded: bytes + [0])
            Issue.record("trailing byte accepted")
        } catch let error as StateCodecError {
            #expect(error.offset == bytes.count)
            #expect(error.description.contains("unexpected byte"))
        }
    }

    /// Random corruption never crashes the decoder: it either throws or yields some state.
    @Test func randomCorruptionNeverCrashes() {
        let bytes = StateFixtures.small.encoded()
        var rng = SplitMix64(seed: 99)
        var rejected = 0
        for _ in 0..<2_000 {
            var corrupt = bytes
            for _ in 0..<(1 + rng.below(4)) {
                corrupt[5 + rng.below(corrupt.count - 5)] = UInt8(truncatingIfNeeded: rng.next())
            }
            if (try? AggregateState(encoded: corrupt)) == nil { rejected += 1 }
        }
        #expect(rejected > 0)
    }

    @Test func base64RoundTripsAndRejectsGarbage() throws {
        var rng = SplitMix64(seed: 5)
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(try Base64.decode(Array(Base64.encode(bytes).utf8)) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fooba".utf8)) == "Zm9vYmE=")
        #expect(Base64.encode(Array("foob".utf8)) == "Zm9vYg==")
        #expect(throws: Base64.DecodingError.self) { try Base64.decode(Array("Zm9".utf8)) }
        #expect(throws: Base64.DecodingError.self) { try Base64.decode(Array("Zm9v!mFy".utf8)) }
        #expect(throws: Base64.DecodingError.self) { try Base64.decode(Array("Zm=vYmFy".utf8)) }
    }
}
