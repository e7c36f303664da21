import Testing
@testable import APICensusCore

/// A synthetic partition: message `i` is one JSON access-log line (with latency, query strings and
/// many clients), and every 97th message is not a log line at all, so rejected counts and samples
/// take part.
struct SyntheticPartition {
    let messages: [[UInt8]]

    init(count: Int, seed: UInt64) {
        var generator = LogGenerator(style: .json, seed: seed)
        var result: [[UInt8]] = []
        for i in 0..<count {
            var line: [UInt8] = []
            if i % 97 == 50 {
                line = Array("not a log line \(i) token=abc\(i)\n".utf8)
            } else {
                generator.appendLine(to: &line)
            }
            result.append(line)
        }
        messages = result
    }

    /// The state of messages `range`, each consumed as its own chunk numbered by its offset, the way
    /// a consumer numbers them (so states of adjacent ranges merge into the state of their union).
    func state(_ range: OffsetRange) -> AggregateState {
        var aggregator = CallAggregator()
        var parser = JSONLinesParser()
        for offset in range.start..<range.end {
            messages[Int(offset)].withUnsafeBufferPointer {
                _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: Int(offset), firstLine: 0, startOffset: 0, parser: &parser)
            }
        }
        return aggregator.snapshot()
    }

    func delta(_ key: PartitionKey, _ start: Int64, _ end: Int64) -> PartitionDelta {
        PartitionDelta(key: key, range: OffsetRange(start: start, end: end), state: state(OffsetRange(start: start, end: end)))
    }
}

/// Assorted states for codec properties: empty, tiny, large (HyperLogLog clients), with problems,
/// samples of several reasons, several inputs and chunks, extreme values.
/// Built once: debug builds are slow and several suites use them.
enum StateFixtures {
    static let all = makeStates()
    static func states() -> [AggregateState] { all }
    /// Small but with every kind of field: every truncation of it can be tried.
    static var small: AggregateState { all[3] }
    /// Multi-source coverage evidence: gateway, WAF and service roles, JWT flags, TLS, WAF blocks.
    static var rich: AggregateState { all[5] }

    /// The coverage fixtures of `CoverageFixtureTests` plus a WAF that blocks, so that every
    /// dimension of the evidence signature takes several values.
    static func richEvidenceState() -> AggregateState {
        var run = CoverageFixtureTests.run()
        run.add((0..<12).map { i in
            "method=GET | target=/api/v1/orders/\(2000 + i) | host=api.example.com | client=198.51.100.\(i + 1) | status=\(i % 3 == 0 ? 403 : 200) | time=1767225600 | waf=\(i % 3 == 0 ? "BLOCK" : "ALLOW") | xff=203.0.113.\(i)"
        }.joined(separator: "\n") + "\n", input: 2, role: .waf, fields: EvidenceFixtureParser.wafFields)
        run.add("method=GET | target=/api/v1/orders/7 | host=api.example.com | client=10.0.0.8 | status=200 | time=1767225600 | cert=verified | tls=TLSv1.3 | cipher=DES-CBC3-SHA\n",
                input: 3, role: .service, fields: EvidenceFixtureParser.sidecarFields)
        return run.state
    }

    static func makeStates() -> [AggregateState] {
        var result: [AggregateState] = [AggregateState()]
        let partition = SyntheticPartition(count: 3_000, seed: 42)
        result.append(partition.state(OffsetRange(start: 0, end: 1)))
        result.append(partition.state(OffsetRange(start: 0, end: 3_000)))
        // Combined lines in two inputs and several chunks, with bad lines and problems.
        var aggregator = CallAggregator()
        var parser = CombinedLogParser(format: .combined)
        for input in 0..<2 {
            for chunk in 0..<3 {
                var bytes = AggregationMergeTests.generatedLines(6, seed: UInt64(10 * input + chunk))
                bytes.append(contentsOf: "1.2.3.4 - - [99/Foo/2023:08:32:31 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"\n".utf8)
                bytes.withUnsafeBufferPointer {
                    _ = aggregator.consume(chunk: $0, input: input, chunkIndex: chunk, firstLine: 0, startOffset: Int64(chunk) << 20, parser: &parser)
                }
            }
        }
        aggregator.recordProblem(InputProblem(input: 1, kind: "truncated_gzip", message: "unexpected end of data", byteOffset: 1234,
                                              lastLine: LineLocation(input: 1, chunk: 2, lineInChunk: -1, byteOffset: 0)))
        aggregator.recordProblem(InputProblem(input: 0, kind: "unreadable", message: "Permission denied — ünïcode", byteOffset: nil, lastLine: nil))
        aggregator.recordTooLong(at: LineLocation(input: 0, chunk: 1, lineInChunk: 7, byteOffset: 99), length: 5_000_000)
        result.append(aggregator.snapshot())
        result.append(SyntheticPartition(count: 300, seed: 7).state(OffsetRange(start: 0, end: 300)))
        result.append(richEvidenceState())
        // Extreme values.
        var extreme = AggregateState()
        var stats = EndpointStats()
        stats.calls = UInt64.max
        stats.firstSeenMillis = Int64.min
        stats.lastSeenMillis = Int64.max
        stats.statuses.record(0, count: 0xFFFF_FFFF_FFFF)
        stats.statuses.record(999)
        stats.latency.record(micros: UInt64.max >> 1)
        stats.latency.record(micros: 0)
        // Evidence counts at their limits, on valid signatures of every role.
        var evidence = CallEvidence()
        evidence.auth = .bearerJWT
        evidence.jwtAlgNone = true
        evidence.tls = .tls10
        stats.evidence = EndpointEvidence(signatureCounts: (0..<5).map {
            (EndpointEvidence.Signature.make(evidence, roleIndex: $0, status: 200), UInt64.max - UInt64($0))
        })
        extreme.run.recordsByRole = [UInt64.max, 0, 1, UInt64.max - 1, 2]
        extreme.run.observableFields = CallFieldSet(CallField.allCases)
        extreme.endpoints[RawEndpointKey(method: "", host: "", typedPath: "")] = stats
        extreme.files[-1] = InputFileCounters()
        extreme.files[Int.max] = InputFileCounters()
        extreme.invalidRequests["tls_handshake"] = 3
        extreme.callsWithoutTime = UInt64.max
        result.append(extreme)
        return result
    }
}
