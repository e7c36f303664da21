import Foundation
import Testing
@testable import APICensusCore

func canonical(_ value: Any) throws -> Data {
    try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
}

@Suite struct SnapshotBuilderTests {
    static let topicA = PartitionKey(topic: "gateway-logs", partition: 0)
    static let topicB = PartitionKey(topic: "gateway-logs", partition: 1)
    static let p0 = SyntheticPartition(count: 400, seed: 21)
    static let p1 = SyntheticPartition(count: 400, seed: 22)

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Two snapshots of a consumer reading two partitions: the lines a consumer would print.
    static func lines() -> (lines: [[UInt8]], cumulative: StreamAggregate) {
        var cumulative = StreamAggregate()
        var lines: [[UInt8]] = []
        var options = ReportOptions()
        options.generatedAtMillis = 1_767_225_660_000
        let first = [p0.delta(topicA, 0, 150), p1.delta(topicB, 0, 90)]
        for d in first { cumulative.absorb(d) }
        lines.append(SnapshotBuilder.snapshotLine(
            cumulative: cumulative, deltas: first,
            meta: SnapshotMeta(sequence: 1, instance: "host-a/4242", windowKind: .cumulative,
                               windowStartMillis: 1_767_225_600_000, windowEndMillis: 1_767_225_660_000, isFinal: false),
            options: options))
        let second = [p1.delta(topicB, 90, 400), p0.delta(topicA, 150, 400)]
        for d in second { cumulative.absorb(d) }
        lines.append(SnapshotBuilder.snapshotLine(
            cumulative: cumulative, deltas: second,
            meta: SnapshotMeta(sequence: 2, instance: "host-a/4242", windowKind: .cumulative,
                               windowStartMillis: 1_767_225_600_000, windowEndMillis: 1_767_225_720_000, isFinal: true),
            options: options))
        return (lines, cumulative)
    }

    @Test func snapshotLinesValidateAgainstTheSchema() throws {
        let (lines, _) = Self.lines()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("apicensus-snapshots-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(lines.joined()).write(to: file)
        let process = Process()
        process.executableURL = Self.repositoryRoot.appendingPathComponent("scripts/validate-json")
        process.arguments = ["snapshot.schema.json", file.path, "--lines"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "snapshot lines do not validate against Schemas/snapshot.schema.json: \(message)")
    }

    /// The schema is not vacuous: a line without its offsets, or with a bad window kind, fails.
    @Test func schemaRejectsBrokenSnapshots() throws {
        var line = try JSONSerialization.jsonObject(with: Data(Self.lines().lines[0])) as! [String: Any]
        line.removeValue(forKey: "offsets")
        var snapshot = line["snapshot"] as! [String: Any]
        snapshot["window"] = ["kind": "sliding", "start": "x", "end": "y"]
        line["snapshot"] = snapshot
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("apicensus-bad-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONSerialization.data(withJSONObject: line).write(to: file)
        let process = Process()
        process.executableURL = Self.repositoryRoot.appendingPathComponent("scripts/validate-json")
        process.arguments = ["snapshot.schema.json", file.path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
    }

    @Test func lineCarriesReportSectionsOffsetsAndDecodableDeltas() throws {
        let (lines, cumulative) = Self.lines()
        for line in lines {
            #expect(line.last == UInt8(ascii: "\n"))
            #expect(!line.dropLast().contains(UInt8(ascii: "\n")), "one line per snapshot")
        }
        let second = try JSONSerialization.jsonObject(with: Data(lines[1])) as! [String: Any]
        // The report sections are those of the cumulative state.
        var options = ReportOptions()
        options.generatedAtMillis = 1_767_225_660_000
        let report = try JSONSerialization.jsonObject(with: Data(cumulative.report(options: options).bytes(indent: nil))) as! [String: Any]
        for section in ["schema_version", "tool", "generated_at", "input", "summary", "endpoints"] {
            #expect(try canonical(second[section]!) == canonical(report[section]!), "\(section)")
        }
        let input = second["input"] as! [String: Any]
        #expect(input["lines"] as? Int == 800)
        let files = input["files"] as! [[String: Any]]
        #expect(files.map { $0["path"] as! String } == ["kafka:gateway-logs/0", "kafka:gateway-logs/1"])
        #expect(files.map { $0["lines"] as! Int } == [400, 400])
        // Offsets, sorted by partition, and the deltas' states decode to what was put in.
        let offsets = second["offsets"] as! [[String: Any]]
        #expect(offsets.map { "\($0["partition"]!):\($0["start"]!)-\($0["end"]!)" } == ["0:150-400", "1:90-400"])
        let state = second["state"] as! [String: Any]
        #expect(state["encoding"] as? String == "apicensus-state/1")
        #expect(state["base"] is NSNull)
        let deltas = state["deltas"] as! [[String: Any]]
        let decoded = try deltas.map { try AggregateState(encoded: Base64.decode(Array(($0["data"] as! String).utf8))) }
        #expect(decoded[0] == Self.p0.state(OffsetRange(start: 150, end: 400)))
        #expect(decoded[1] == Self.p1.state(OffsetRange(start: 90, end: 400)))
        let meta = second["snapshot"] as! [String: Any]
        #expect(meta["sequence"] as? Int == 2)
        #expect(meta["final"] as? Bool == true)
        #expect((meta["window"] as! [String: Any])["end"] as? String == "2026-01-01T00:02:00.000Z")
    }

    @Test func cumulativeReportIsTheReportOfEverythingRead() {
        let (_, cumulative) = Self.lines()
        var truth = StreamAggregate()
        truth.absorb(Self.p0.delta(Self.topicA, 0, 400))
        truth.absorb(Self.p1.delta(Self.topicB, 0, 400))
        #expect(cumulative == truth)
        #expect(cumulative.report(options: ReportOptions()).bytes() == truth.report(options: ReportOptions()).bytes())
    }
}
