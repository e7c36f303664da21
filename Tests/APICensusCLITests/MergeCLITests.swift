import APICensusCore
import Foundation
import Testing

/// `apicensus merge` end to end: real batch reports and snapshot files, the real binary.
@Suite(.serialized) struct MergeCLITests {
    let dir: URL

    init() throws { dir = try CLI.temporaryDirectory() }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func generate(_ name: String, lines: Int, seed: Int, format: String = "combined", gzip: Bool = false) throws {
        var args = ["generate", "--format", format, "--lines", "\(lines)", "--seed", "\(seed)", "-o", path(name)]
        if gzip { args.append("--gzip") }
        let r = try CLI.run(args)
        #expect(r.status == 0, "\(r.stderr)")
    }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
    }

    func read(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path(name))) }

    /// The report's sections: the bytes before `partitions`, `merged` or `state`, which follow the
    /// sections in that order.
    func sections(_ output: Data) -> Data {
        let text = output
        for marker in [",\n  \"partitions\":", ",\n  \"merged\":", ",\n  \"state\":"] {
            if let r = text.range(of: Data(marker.utf8)) { return text[..<r.lowerBound] }
        }
        Issue.record("no state section in the output")
        return text
    }

    func batch(_ output: String, _ inputs: [String], expect status: Int32 = 0) throws {
        let r = try CLI.run(["batch", "--include-state", "-o", path(output)] + inputs.map(path))
        #expect(r.status == status, "\(r.stderr)")
    }

    func validate(_ schema: String, _ file: String, lines: Bool = false) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("scripts/validate-json").path
        let status = try CLI.shell("'\(script)' \(schema) '\(path(file))'\(lines ? " --lines" : "")")
        #expect(status == 0, "\(file) does not validate against Schemas/\(schema)")
    }

    /// merge(report(a), report(b)) is report(a + b), byte for byte in every report section: plain,
    /// gzip and JSON inputs, rejected lines and an unreadable file included.
    @Test func mergeOfReportsEqualsTheReportOfAllInputs() throws {
        try generate("a.log", lines: 20_000, seed: 1)
        try generate("b.json.gz", lines: 12_000, seed: 2, format: "json", gzip: true)
        try generate("c.log", lines: 8_000, seed: 3, format: "vhost_combined")
        var a = try read("a.log")
        a.append(contentsOf: "this is not a log line token=hunter2\n".utf8)
        try a.write(to: URL(fileURLWithPath: path("a.log")))
        try batch("ra.json", ["a.log"])
        // batch lists unreadable inputs after the others, so the missing file goes last.
        try batch("rb.json", ["b.json.gz"])
        try batch("rc.json", ["c.log", "missing.log"], expect: 3)
        try batch("rabc.json", ["a.log", "b.json.gz", "c.log", "missing.log"], expect: 3)
        let merged = try CLI.run(["merge", path("ra.json"), path("rb.json"), path("rc.json")])
        #expect(merged.status == 0, "\(merged.stderr)")
        let whole = try read("rabc.json")
        #expect(sections(merged.stdout) == sections(whole))
        // The state too: merging states is exact, not an approximation of the batch.
        let m = merged.json, w = try JSONSerialization.jsonObject(with: whole) as! [String: Any]
        #expect(try canonical(m["state"]!) == canonical(w["state"]!))
        #expect((m["merged"] as! [String: Any])["documents"] as? Int == 3)
        #expect(!merged.text.contains("hunter2"))
        try merged.stdout.write(to: URL(fileURLWithPath: path("m.json")))
        try validate("report.schema.json", "m.json")
        try validate("report.schema.json", "rabc.json")
    }

    /// merge(merge(a, b), c) = merge(a, merge(b, c)) = merge(a, b, c), whole documents byte for byte.
    @Test func mergeIsAssociative() throws {
        try generate("a.log", lines: 6_000, seed: 4)
        try generate("b.log", lines: 6_000, seed: 5, format: "json")
        try generate("c.log", lines: 6_000, seed: 6, format: "vhost_combined")
        try batch("ra.json", ["a.log"])
        try batch("rb.json", ["b.log"])
        try batch("rc.json", ["c.log"])
        try SnapshotFiles.write(to: dir)   // Kafka snapshots take part too
        #expect(try CLI.run(["merge", "-o", path("ab.json"), path("ra.json"), path("rb.json"), path("instance-a.jsonl")]).status == 0)
        #expect(try CLI.run(["merge", "-o", path("bc.json"), path("rb.json"), path("instance-a.jsonl"), path("rc.json"), path("instance-b.jsonl")]).status == 0)
        let left = try CLI.run(["merge", path("ab.json"), path("rc.json"), path("instance-b.jsonl")])
        let right = try CLI.run(["merge", path("ra.json"), path("bc.json")])
        let flat = try CLI.run(["merge", path("ra.json"), path("rb.json"), path("instance-a.jsonl"), path("rc.json"), path("instance-b.jsonl")])
        #expect(left.status == 0 && right.status == 0 && flat.status == 0, "\(left.stderr)\(right.stderr)\(flat.stderr)")
        #expect(left.stdout == flat.stdout)
        #expect(right.stdout == flat.stdout)
        #expect((flat.json["merged"] as! [String: Any])["documents"] as? Int == 3 + 3 + 2)
    }

    /// Snapshot lines from a consumer that crashed after flushing a snapshot but before committing
    /// it, and from the consumer that replayed from the last commit: every message counts once, and
    /// the inventory equals the batch report of the same messages.
    @Test func replayedSnapshotDeltasCountOnce() throws {
        let truth = try SnapshotFiles.write(to: dir)
        let r = try CLI.run(["merge", path("instance-a.jsonl"), path("instance-b.jsonl")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("gateway-logs/1: 1 replayed delta(s) left out"))
        #expect(sections(r.stdout) + Data("\n}".utf8) == Data(truth))
        let partitions = r.json["partitions"] as! [[String: Any]]
        #expect(partitions.count == 2)
        let p1 = partitions.first { $0["partition"] as? Int == 1 }!
        #expect((p1["covered"] as! [[String: Any]]).map { "\($0["start"]!)-\($0["end"]!)" } == ["0-400"])
        #expect(p1["replayed_deltas"] as? Int == 1)
        #expect((p1["gaps"] as! [Any]).isEmpty)
        // Without the chain the replayed 100 messages would count twice.
        #expect((r.json["input"] as! [String: Any])["lines"] as? Int == 700)
        // The same messages as one log file: the same inventory and summary.
        try write("messages.log", Array(SnapshotFiles.messages(partition: 0, count: 300).joined()) + Array(SnapshotFiles.messages(partition: 1, count: 400).joined()))
        let batch = try CLI.run(["batch", path("messages.log")])
        let b = batch.json, m = r.json
        #expect(try canonical(m["endpoints"]!) == canonical(b["endpoints"]!))
        #expect(try canonical(m["summary"]!) == canonical(b["summary"]!))
        // Lines (snapshots) and the merged output validate.
        try validate("snapshot.schema.json", "instance-a.jsonl", lines: true)
        try r.stdout.write(to: URL(fileURLWithPath: path("merged.json")))
        try validate("report.schema.json", "merged.json")
        // Reading the same snapshot file twice changes nothing.
        let twice = try CLI.run(["merge", path("instance-a.jsonl"), path("instance-b.jsonl"), "-"], stdin: try read("instance-a.jsonl"))
        #expect(sections(twice.stdout) == sections(r.stdout))
    }

    /// --collapse-deltas writes one delta per partition stretch: same report, smaller state, and
    /// merging it again with snapshots it already holds still counts them once.
    @Test func collapsedDeltasKeepTheReport() throws {
        try SnapshotFiles.write(to: dir)
        let full = try CLI.run(["merge", path("instance-a.jsonl"), path("instance-b.jsonl")])
        let collapsed = try CLI.run(["merge", "--collapse-deltas", "-o", path("collapsed.json"), path("instance-a.jsonl"), path("instance-b.jsonl")])
        #expect(collapsed.status == 0, "\(collapsed.stderr)")
        let c = try read("collapsed.json")
        #expect(sections(c) == sections(full.stdout))
        let deltas = ((try JSONSerialization.jsonObject(with: c) as! [String: Any])["state"] as! [String: Any])["deltas"] as! [[String: Any]]
        #expect(deltas.map { "\($0["partition"]!):\($0["start"]!)-\($0["end"]!)" } == ["0:0-300", "1:0-400"])
        let again = try CLI.run(["merge", path("collapsed.json"), path("instance-b.jsonl")])
        #expect(again.status == 0)
        #expect(sections(again.stdout) == sections(full.stdout))
    }

    @Test func gapsAreReported() throws {
        try SnapshotFiles.write(to: dir)
        // Only instance B: partition 1 starts at 200, partition 0 is absent; drop B's first line too.
        let lines = try String(decoding: read("instance-b.jsonl"), as: UTF8.self).split(separator: "\n")
        try write("b-tail.jsonl", Array((lines[1] + "\n").utf8))
        try write("a-head.jsonl", Array((String(decoding: read("instance-a.jsonl"), as: UTF8.self).split(separator: "\n")[0] + "\n").utf8))
        let r = try CLI.run(["merge", path("a-head.jsonl"), path("b-tail.jsonl")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("gateway-logs/1: offsets [100, 260) are in no snapshot (160 message(s) not counted)"), "\(r.stderr)")
        let p1 = (r.json["partitions"] as! [[String: Any]]).first { $0["partition"] as? Int == 1 }!
        #expect((p1["gaps"] as! [[String: Any]]).map { "\($0["start"]!)-\($0["end"]!)" } == ["100-260"])
    }

    @Test func unusableDocumentsAreNamedByFileAndLine() throws {
        try generate("a.log", lines: 2_000, seed: 7)
        let plain = try CLI.run(["batch", path("a.log")])
        try plain.stdout.write(to: URL(fileURLWithPath: path("no-state.json")))
        try batch("good.json", ["a.log"])
        try SnapshotFiles.write(to: dir)
        // A snapshot file with a line of garbage, a line cut short (kill -9 mid-write) and then
        // continued, and a delta whose data is not a state.
        let lines = try String(decoding: read("instance-a.jsonl"), as: UTF8.self).split(separator: "\n").map(String.init)
        var damaged = lines[0] + "\n" + "garbage\n" + String(lines[1].prefix(500)) + "\n" + lines[2] + "\n"
        damaged += lines[0].replacingOccurrences(of: "\"data\":\"", with: "\"data\":\"AAAA") + "\n"
        try write("damaged.jsonl", Array(damaged.utf8))
        let r = try CLI.run(["merge", path("no-state.json"), path("good.json"), path("damaged.jsonl"), path("missing.json")])
        #expect(r.status == 3)
        #expect(r.stderr.contains("\(path("no-state.json")):1: the report has no state: rerun `apicensus batch --include-state`"), "\(r.stderr)")
        #expect(r.stderr.contains("\(path("damaged.jsonl")):2: expected a JSON object, found 'g'"), "\(r.stderr)")
        #expect(r.stderr.contains("\(path("damaged.jsonl")):3: document starting on line 3 ends before its closing brace"), "\(r.stderr)")
        #expect(r.stderr.contains("\(path("damaged.jsonl")):5: state.deltas[0] (gateway-logs/0 [0, 100)): invalid state data"), "\(r.stderr)")
        #expect(r.stderr.contains("missing.json"))
        let merged = r.json["merged"] as! [String: Any]
        #expect(merged["documents"] as? Int == 3)
        #expect((merged["rejected"] as! [[String: Any]]).map { $0["line"] as! Int } == [1, 2, 3, 5])
        // Nothing usable at all: exit 1, no report.
        let none = try CLI.run(["merge", path("no-state.json")])
        #expect(none.status == 1)
        #expect(none.stdout.isEmpty)
    }
}

func canonical(_ value: Any) throws -> Data {
    try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
}

/// Snapshot files as `apicensus consume` writes them (through the same `SnapshotBuilder`), for a
/// topic with two partitions.
///
/// instance-a.jsonl: partition 0 [0, 100), [100, 300); partition 1 [0, 100), [100, 200), then
///   [200, 300) flushed in a third line, but the consumer was killed before committing 300.
/// instance-b.jsonl: resumed from the committed 200 on partition 1: [200, 260), [260, 400).
enum SnapshotFiles {
    static let topic = "gateway-logs"

    static func messages(partition: Int, count: Int) -> [[UInt8]] {
        var generator = LogGenerator(style: .json, seed: UInt64(100 + partition))
        return (0..<count).map { i in
            var line: [UInt8] = []
            if i % 61 == 7 { line = Array("not a log line \(i)\n".utf8) } else { generator.appendLine(to: &line) }
            return line
        }
    }

    static func delta(_ partition: Int32, _ start: Int64, _ end: Int64) -> PartitionDelta {
        let all = messages(partition: Int(partition), count: Int(end))
        var aggregator = CallAggregator()
        var parser = JSONLinesParser()
        for offset in start..<end {
            all[Int(offset)].withUnsafeBufferPointer {
                _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: Int(offset), firstLine: 0, startOffset: 0, parser: &parser)
            }
        }
        return PartitionDelta(key: PartitionKey(topic: topic, partition: partition), range: OffsetRange(start: start, end: end),
                              state: aggregator.snapshot())
    }

    static func lines(instance: String, _ snapshots: [[PartitionDelta]]) -> [UInt8] {
        var cumulative = StreamAggregate()
        var out: [UInt8] = []
        for (i, deltas) in snapshots.enumerated() {
            for d in deltas { cumulative.absorb(d) }
            let meta = SnapshotMeta(sequence: UInt64(i + 1), instance: instance, windowKind: .cumulative,
                                    windowStartMillis: 1_767_225_600_000, windowEndMillis: 1_767_225_600_000 + Int64(i + 1) * 60_000,
                                    isFinal: i == snapshots.count - 1)
            out += SnapshotBuilder.snapshotLine(cumulative: cumulative, deltas: deltas, meta: meta, options: ReportOptions())
        }
        return out
    }

    /// Writes both files; returns the report (pretty, as merge prints it, without state) of every
    /// message counted once.
    @discardableResult
    static func write(to dir: URL) throws -> [UInt8] {
        let a = lines(instance: "host-a/1", [[delta(0, 0, 100), delta(1, 0, 100)],
                                             [delta(0, 100, 300), delta(1, 100, 200)],
                                             [delta(1, 200, 300)]])
        let b = lines(instance: "host-b/1", [[delta(1, 200, 260)], [delta(1, 260, 400)]])
        try Data(a).write(to: dir.appendingPathComponent("instance-a.jsonl"))
        try Data(b).write(to: dir.appendingPathComponent("instance-b.jsonl"))
        var truth = StreamAggregate()
        truth.absorb(delta(0, 0, 300))
        truth.absorb(delta(1, 0, 400))
        return truth.report(options: ReportOptions()).bytes()
    }
}
