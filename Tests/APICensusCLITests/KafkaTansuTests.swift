import Foundation
import Testing

/// `apicensus consume` end to end against a real Kafka-protocol broker (Tansu, in memory), with the
/// real binary and librdkafka 2.16: drain and exact counts, resume of a group, SIGTERM, kill -9 then
/// restart then merge, and a broker outage (the broker process paused, then resumed). Every check of
/// exactness compares with `apicensus batch` over the same lines.
@Suite("Kafka consume against Tansu", .serialized)
struct KafkaTansuTests {
    let runtime: KafkaRuntime
    let dir: URL

    init() throws {
        runtime = try KafkaRuntime.locate()
        dir = try CLI.temporaryDirectory()
    }

    func path(_ name: String) -> URL { dir.appendingPathComponent(name) }

    /// Consumer options every test uses: short group timeouts (Tansu answers a JoinGroup after about
    /// half the session timeout).
    func consumeArguments(_ broker: TansuBroker, topic: String, group: String) -> [String] {
        ["--brokers", broker.address, "--topic", topic, "--group", group,
         "-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=500", "-X", "reconnect.backoff.max.ms=1000"]
    }

    func generate(_ name: String, lines: Int, seed: Int) throws -> URL {
        let r = try CLI.run(["generate", "--lines", "\(lines)", "--seed", "\(seed)", "-o", path(name).path])
        #expect(r.status == 0, "\(r.stderr)")
        return path(name)
    }

    func write(_ name: String, _ text: String) throws -> URL {
        try Data(text.utf8).write(to: path(name))
        return path(name)
    }

    /// The endpoints of `apicensus batch` over the files, serialised canonically for comparison.
    func batchEndpoints(_ files: [URL]) throws -> String {
        let r = try CLI.run(["batch", "--compact", "--no-progress"] + files.map(\.path))
        #expect(r.status == 0, "\(r.stderr)")
        return canonical(r.json["endpoints"])
    }

    func canonical(_ value: Any?) -> String {
        guard let value, let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return "nil" }
        return String(decoding: data, as: UTF8.self)
    }

    func merge(_ files: [URL]) throws -> CLI.Result {
        try CLI.run(["merge", "--compact"] + files.map(\.path))
    }

    func offsetsCovered(_ snapshots: [[String: Any]]) -> Int {
        snapshots.flatMap { ($0["offsets"] as? [[String: Any]]) ?? [] }.reduce(0) { $0 + ($1["end"] as! Int) - ($1["start"] as! Int) }
    }

    @Test("Drain with exact counts, then the same group resumes after more messages; merge equals batch")
    func drainThenResume() throws {
        let broker = try TansuBroker(runtime: runtime, log: path("tansu.log"))
        defer { broker.stop() }
        try broker.createTopic("access", partitions: 3)
        let first = try generate("a.log", lines: 3_000, seed: 11)
        let inner = #"198.51.100.9 - - [01/Jan/2026:00:00:01 +0000] "GET /v1/envelope/42 HTTP/1.1" 200 17 "-" "curl/8.5.0""#
        let envelopeLine = #"{"@timestamp":"2026-01-01T00:00:01Z","message":"\#(inner.replacingOccurrences(of: "\"", with: "\\\""))","agent":{"type":"filebeat"}}"#
        let special = try write("special.txt", "@tombstone\n@empty\n\(envelopeLine)\n")
        #expect(try broker.produce(first, topic: "access", partitions: 3) == 3_000)
        #expect(try broker.produce(special, topic: "access", partitions: 3, start: 3_000) == 3)

        let run1 = try ConsumeProcess(consumeArguments(broker, topic: "access", group: "census") + ["--exit-at-end"],
                                      runtime: runtime, stdout: path("run1.jsonl"), stderr: path("run1.err"))
        #expect(run1.wait(seconds: 90) == 0, "\(run1.log)")
        let snapshots1 = run1.lines
        let final1 = try #require(snapshots1.last)
        #expect((final1["snapshot"] as? [String: Any])?["final"] as? Bool == true)
        #expect(offsetsCovered(snapshots1) == 3_003)
        let input = final1["input"] as! [String: Any]
        #expect(input["parsed"] as? Int == 3_001)
        let reasons = input["rejected_by_reason"] as! [String: Int]
        #expect(reasons["null_message"] == 1 && reasons["empty_message"] == 1)
        #expect(run1.log.contains("null value: a tombstone") && run1.log.contains("partition 0 offset 1000"))
        let innerFile = try write("inner.log", inner + "\n")
        #expect(canonical(final1["endpoints"]) == (try batchEndpoints([first, innerFile])))

        // More messages; the same group resumes where its commits left it: only the new ones.
        let second = try generate("b.log", lines: 1_200, seed: 12)
        #expect(try broker.produce(second, topic: "access", partitions: 3, start: 0) == 1_200)
        let run2 = try ConsumeProcess(consumeArguments(broker, topic: "access", group: "census") + ["--exit-at-end"],
                                      runtime: runtime, stdout: path("run2.jsonl"), stderr: path("run2.err"))
        #expect(run2.wait(seconds: 90) == 0, "\(run2.log)")
        let snapshots2 = run2.lines
        #expect(offsetsCovered(snapshots2) == 1_200)
        #expect((snapshots2.last?["input"] as? [String: Any])?["parsed"] as? Int == 1_200)
        let starts = Set(snapshots2.flatMap { $0["offsets"] as! [[String: Any]] }.map { "\($0["partition"]!)@\($0["start"]!)" })
        #expect(starts == ["0@1001", "1@1001", "2@1001"])

        let merged = try merge([path("run1.jsonl"), path("run2.jsonl")])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(canonical(merged.json["endpoints"]) == (try batchEndpoints([first, innerFile, second])))
    }

    @Test("SIGTERM: stop fetching, final snapshot, commit; /metrics and /healthz while running")
    func sigtermWithMetrics() throws {
        let broker = try TansuBroker(runtime: runtime, log: path("tansu.log"))
        defer { broker.stop() }
        try broker.createTopic("gw", partitions: 2)
        let lines = try generate("gw.log", lines: 2_000, seed: 21)
        try broker.produce(lines, topic: "gw", partitions: 2)
        let port = try TansuBroker.freePort()
        let run = try ConsumeProcess(consumeArguments(broker, topic: "gw", group: "svc") + ["--metrics-port", "\(port)"],
                                     runtime: runtime, stdout: path("run.jsonl"), stderr: path("run.err"))
        // The metrics say when everything is read.
        var metrics = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            metrics = (try? Command.run("/usr/bin/env", ["python3", "-c",
                "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:\(port)/metrics', timeout=2).read().decode())"]).stdout) ?? ""
            let total = metrics.split(separator: "\n").filter { $0.hasPrefix("apicensus_kafka_messages_total{") }
                .compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
            if total == 2_000 { break }
            usleep(200_000)
        }
        // Engine-wide series exist too (made after the metrics system was bootstrapped).
        #expect(metrics.contains("apicensus_lines_parsed_total") && metrics.contains("apicensus_kafka_assigned_partitions"), "\(metrics)")
        #expect(metrics.contains(#"apicensus_kafka_messages_total{partition="0",topic="gw"} 1000"#) ||
                metrics.contains(#"apicensus_kafka_messages_total{topic="gw",partition="0"} 1000"#), "\(metrics)\n\(run.log)")
        #expect(metrics.contains("apicensus_kafka_consumer_lag"))
        #expect(metrics.contains("apicensus_kafka_bytes_total"))
        let health = try Command.run("/usr/bin/env", ["python3", "-c",
            "import urllib.request,sys; r=urllib.request.urlopen('http://127.0.0.1:\(port)/healthz', timeout=2); sys.stdout.write(str(r.status)+' '+r.read().decode())"])
        #expect(health.stdout.hasPrefix("200 ok"), "\(health.stderr)")

        run.signal(SIGTERM)
        #expect(run.wait(seconds: 20) == 0, "\(run.log)")
        let snapshots = run.lines
        #expect((snapshots.last?["snapshot"] as? [String: Any])?["final"] as? Bool == true)
        #expect(offsetsCovered(snapshots) == 2_000)
        #expect(run.log.contains("shutdown requested"))
        #expect(canonical(snapshots.last?["endpoints"]) == (try batchEndpoints([lines])))
        // Committed: the same group finds nothing left to read.
        let again = try ConsumeProcess(consumeArguments(broker, topic: "gw", group: "svc") + ["--exit-at-end"],
                                       runtime: runtime, stdout: path("again.jsonl"), stderr: path("again.err"))
        #expect(again.wait(seconds: 60) == 0, "\(again.log)")
        #expect(offsetsCovered(again.lines) == 0)
    }

    @Test("kill -9 mid-stream, restart, merge of both outputs equals the truth")
    func killNineThenRestart() throws {
        let broker = try TansuBroker(runtime: runtime, log: path("tansu.log"))
        defer { broker.stop() }
        try broker.createTopic("stream", partitions: 3)
        let first = try generate("stream-1.log", lines: 15_000, seed: 31)
        let second = try generate("stream-2.log", lines: 15_000, seed: 32)
        try broker.produce(first, topic: "stream", partitions: 3)
        let args = consumeArguments(broker, topic: "stream", group: "crashy")
        // Run 1 snapshots every 12 s: the first snapshot holds the first 15,000 messages; the next
        // 15,000 are then read (the metrics say so) and killed with it before its next snapshot.
        let port = try TansuBroker.freePort()
        let run1 = try ConsumeProcess(args + ["--snapshot-interval", "12s", "--metrics-port", "\(port)"],
                                      runtime: runtime, stdout: path("run1.jsonl"), stderr: path("run1.err"))
        #expect(KafkaWait.until(seconds: 60, every: 10_000) { offsetsCovered(run1.lines) == 15_000 }, "\(run1.log)")
        try broker.produce(second, topic: "stream", partitions: 3, start: 15_000)
        var read = 0
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, read < 30_000 {
            let metrics = (try? Command.run("/usr/bin/env", ["python3", "-c",
                "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:\(port)/metrics', timeout=2).read().decode())"]).stdout) ?? ""
            read = metrics.split(separator: "\n").filter { $0.hasPrefix("apicensus_kafka_messages_total{") }
                .compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
            if read < 30_000 { usleep(100_000) }
        }
        run1.signal(SIGKILL)
        _ = run1.wait(seconds: 10)
        let before = offsetsCovered(run1.lines)
        #expect(read == 30_000, "run 1 read \(read) messages")
        #expect(before == 15_000, "the kill should land after reading messages no snapshot holds (covered \(before))\n\(run1.log)")

        let run2 = try ConsumeProcess(args + ["--exit-at-end", "--snapshot-interval", "200ms"], runtime: runtime,
                                      stdout: path("run2.jsonl"), stderr: path("run2.err"))
        #expect(run2.wait(seconds: 120) == 0, "\(run2.log)")
        // The restart resumed at committed snapshot boundaries of the first run.
        let ends1 = Set(run1.lines.flatMap { $0["offsets"] as! [[String: Any]] }.map { "\($0["partition"]!)@\($0["end"]!)" })
        let firstStarts = Dictionary(grouping: run2.lines.flatMap { $0["offsets"] as! [[String: Any]] }, by: { $0["partition"] as! Int })
            .mapValues { $0.map { $0["start"] as! Int }.min()! }
        for (partition, start) in firstStarts where start > 0 {
            #expect(ends1.contains("\(partition)@\(start)"), "partition \(partition) resumed at \(start), not at a snapshot boundary")
        }
        let merged = try merge([path("run1.jsonl"), path("run2.jsonl")])
        #expect(merged.status == 0 || merged.status == 3, "\(merged.stderr)")
        #expect((merged.json["summary"] as? [String: Any])?["calls"] as? Int == 30_000)
        #expect(canonical(merged.json["endpoints"]) == (try batchEndpoints([first, second])))
        let partitions = merged.json["partitions"] as? [[String: Any]] ?? []
        #expect(partitions.count == 3)
        #expect(partitions.allSatisfy { ($0["gaps"] as? [Any])?.isEmpty == true })
    }

    @Test("Broker paused mid-stream, then resumed: the consumer resumes and nothing is lost")
    func brokerPausedMidStream() throws {
        let broker = try TansuBroker(runtime: runtime, log: path("tansu.log"))
        defer { broker.stop() }
        try broker.createTopic("flaky", partitions: 2)
        let first = try generate("f1.log", lines: 2_000, seed: 41)
        try broker.produce(first, topic: "flaky", partitions: 2)
        let run = try ConsumeProcess(consumeArguments(broker, topic: "flaky", group: "patient") + ["--snapshot-interval", "500ms"],
                                     runtime: runtime, stdout: path("run.jsonl"), stderr: path("run.err"))
        #expect(KafkaWait.until(seconds: 60) { offsetsCovered(run.lines) == 2_000 }, "\(run.log)")
        // Longer than the session timeout: the group may drop the member; it must rejoin and go on.
        broker.pause()
        usleep(7_000_000)
        broker.resume()
        let second = try generate("f2.log", lines: 2_000, seed: 42)
        try broker.produce(second, topic: "flaky", partitions: 2, start: 0)
        #expect(KafkaWait.until(seconds: 90) { offsetsCovered(run.lines) >= 4_000 }, "\(run.log)")
        #expect(run.process.isRunning)
        run.signal(SIGTERM)
        #expect(run.wait(seconds: 30) == 0, "\(run.log)")
        let merged = try merge([path("run.jsonl")])
        #expect(merged.status == 0 || merged.status == 3, "\(merged.stderr)")
        #expect(canonical(merged.json["endpoints"]) == (try batchEndpoints([first, second])))
    }
}

enum KafkaWait {
    static func until(seconds: Double, every micros: UInt32 = 100_000, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(micros)
        }
        return condition()
    }
}
