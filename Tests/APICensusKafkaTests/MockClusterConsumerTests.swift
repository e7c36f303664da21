import Foundation
import Synchronization
import Testing
@testable import APICensusConsumer
@testable import APICensusCore
import APICensusKafka

/// The consume service end to end on librdkafka's in-process mock cluster (real Kafka protocol on
/// localhost listeners, real consumer groups and commits): no external broker needed.
@Suite("Consumer on the mock cluster", .serialized)
struct MockClusterConsumerTests {
    @Test("Each snapshot is written before its offsets are committed; drain counts every message once")
    func commitAfterSnapshot() throws {
        let logs = LogCollector()
        let cluster = try KafkaMockCluster(brokers: 1, logHandler: { _ in })
        try cluster.createTopic("access", partitions: 3)
        let lines = KafkaTestSupport.logLines(count: 600, seed: 7)
        try KafkaTestSupport.produce(lines, to: "access", partitions: 3, bootstrap: cluster.bootstrapServers)

        // What the group has committed at the moment each snapshot line is being written.
        let observer = try KafkaConsumer(
            properties: KafkaProperties([("bootstrap.servers", cluster.bootstrapServers), ("group.id", "commit-order")]),
            topics: ["access"], logHandler: { _ in })
        let partitions = (0..<3).map { TopicPartition(topic: "access", partition: Int32($0)) }
        let seenAtWrite = Mutex<[[TopicPartition: Int64?]]>([])
        let output = CapturingOutput { _ in
            let committed = (try? observer.committedOffsets(partitions, timeoutMilliseconds: 5_000)) ?? [:]
            seenAtWrite.withLock { $0.append(committed) }
        }
        var settings = KafkaTestSupport.settings(bootstrap: cluster.bootstrapServers, group: "commit-order",
                                                 topics: ["access"], exitAtEnd: false, interval: 150)
        // Slow the stream down so that several interval snapshots carry data: produce more while running.
        settings.maxQueuedBytes = 1 << 20
        let engine = try ConsumerEngine(settings: settings, output: output, log: logs.handler)
        engine.start()
        #expect(KafkaTestSupport.waitUntil(seconds: 30) { engine.messagesRead.load(ordering: .relaxed) >= 600 })
        let more = KafkaTestSupport.logLines(count: 300, seed: 8)
        try KafkaTestSupport.produce(more, to: "access", partitions: 3, bootstrap: cluster.bootstrapServers)
        #expect(KafkaTestSupport.waitUntil(seconds: 30) { engine.messagesRead.load(ordering: .relaxed) >= 900 })
        engine.requestStop()
        #expect(engine.wait() == .stopped, "logs: \(logs.all.joined(separator: "\n"))")

        let written = output.all
        let snapshots = try written.map(KafkaTestSupport.decode)
        #expect(snapshots.count >= 2)
        #expect(snapshots.last?.isFinal == true)
        #expect(snapshots.map(\.sequence) == Array(1...snapshots.count))
        // Before snapshot i is written, the group has committed exactly the ends of the deltas of
        // snapshots 1..<i (the latest end per partition), never anything snapshot i carries.
        var expected: [TopicPartition: Int64] = [:]
        let atWrite = seenAtWrite.withLock { $0 }
        #expect(atWrite.count == snapshots.count)
        for (i, snapshot) in snapshots.enumerated() where i < atWrite.count {
            for p in partitions {
                #expect((atWrite[i][p] ?? nil) == expected[p], "snapshot \(i + 1), \(p): committed \(String(describing: atWrite[i][p] ?? nil)), expected \(String(describing: expected[p]))")
            }
            for d in snapshot.deltas { expected[TopicPartition(topic: d.key.topic, partition: d.key.partition)] = d.range.end }
        }
        // After the last snapshot, its ends are committed.
        let final = try observer.committedOffsets(partitions, timeoutMilliseconds: 5_000)
        for p in partitions { #expect((final[p] ?? nil) == expected[p]) }
        // Every message exactly once, and the merged endpoints equal one aggregation of all lines.
        let merged = try KafkaTestSupport.merge([written])
        #expect(merged.state.files.values.reduce(0) { $0 + $1.parsed } == 900)
        for (key, chain) in merged.chains {
            #expect(chain.gaps.isEmpty, "\(key) has gaps \(chain.gaps)")
            #expect(chain.replaced.isEmpty)
            #expect(chain.covered.first?.start == 0)
        }
        #expect(merged.state.endpoints == KafkaTestSupport.truth(lines + more))
        // The last snapshot's report is the cumulative one: every message of the run.
        #expect(snapshots.last?.parsedLines == 900)
        observer.close()
    }

    @Test("A second consumer joining takes partitions over at the revoking consumer's committed snapshot")
    func rebalanceBetweenTwoConsumers() throws {
        let logsA = LogCollector(), logsB = LogCollector()
        let cluster = try KafkaMockCluster(brokers: 1, logHandler: { _ in })
        try cluster.createTopic("shared", partitions: 4)
        let first = KafkaTestSupport.logLines(count: 400, seed: 21)
        try KafkaTestSupport.produce(first, to: "shared", partitions: 4, bootstrap: cluster.bootstrapServers)

        let settings = KafkaTestSupport.settings(bootstrap: cluster.bootstrapServers, group: "pair", topics: ["shared"], exitAtEnd: false)
        let outputA = CapturingOutput(), outputB = CapturingOutput()
        let a = try ConsumerEngine(settings: settings, output: outputA, log: logsA.handler)
        a.start()
        #expect(KafkaTestSupport.waitUntil(seconds: 30) { a.messagesRead.load(ordering: .relaxed) >= 400 })
        // No interval snapshot yet (60 s): A holds all four partitions' deltas in memory.
        #expect(outputA.all.isEmpty)

        var settingsB = settings
        settingsB.instance = "test/pair-b"
        let b = try ConsumerEngine(settings: settingsB, output: outputB, log: logsB.handler)
        b.start()
        // The cooperative rebalance moves some partitions to B: A writes a snapshot holding them first.
        #expect(KafkaTestSupport.waitUntil(seconds: 60) { logsB.contains("assigned") && !outputA.all.isEmpty },
                "A: \(logsA.all.joined(separator: "\n"))\nB: \(logsB.all.joined(separator: "\n"))")
        #expect(logsA.contains("revoking"))

        let second = KafkaTestSupport.logLines(count: 400, seed: 22)
        try KafkaTestSupport.produce(second, to: "shared", partitions: 4, bootstrap: cluster.bootstrapServers)
        // Every partition read to its end (offset 200) by one of them. (Counting messages would not
        // do: after a refused commit B replays, and the count reaches 800 before the new messages.)
        #expect(KafkaTestSupport.waitUntil(seconds: 60) {
            let read = a.readPositions.withLock { $0 }.merging(b.readPositions.withLock { $0 }, uniquingKeysWith: max)
            return read.count == 4 && read.values.allSatisfy { $0 == 200 }
        }, "A: \(logsA.all.joined(separator: "\n"))\nB: \(logsB.all.joined(separator: "\n"))")
        b.requestStop()
        a.requestStop()
        #expect(b.wait() == .stopped)
        #expect(a.wait() == .stopped)

        // The revocation snapshot of A is not final, and B read the moved partitions from where A's
        // commit left them: no message twice, none missing. A commit refused during the rebalance
        // (the group coordinator may answer REBALANCE_IN_PROGRESS while members rejoin) is logged, and
        // then B replays those partitions from the older commit; so does a member that missed its
        // session timeout on a loaded machine (its partitions are "lost", not committed). Both are
        // at-least-once, and the merge below must still count every message once.
        let logs = "A: \(logsA.all.joined(separator: "\n"))\nB: \(logsB.all.joined(separator: "\n"))"
        let revocationCommitFailed = logsA.contains("COMMIT FAILED") || logsA.contains("apicensus: lost")
        let snapshotsA = try outputA.all.map(KafkaTestSupport.decode)
        #expect(snapshotsA.first?.isFinal == false)
        #expect(b.messagesRead.load(ordering: .relaxed) > 0)
        let readTotal = a.messagesRead.load(ordering: .relaxed) + b.messagesRead.load(ordering: .relaxed)
        if revocationCommitFailed {
            #expect(readTotal >= 800, "\(logs)")
        } else {
            #expect(readTotal == 800, "\(logs)")
        }
        let merged = try KafkaTestSupport.merge([outputA.all, outputB.all])
        #expect(merged.chains.count == 4)
        for (key, chain) in merged.chains {
            #expect(chain.gaps.isEmpty, "\(key): \(chain.covered) gaps \(chain.gaps)\n\(logs)")
            #expect(revocationCommitFailed || chain.replaced.isEmpty, "\(key): replayed \(chain.replaced)\n\(logs)")
            #expect(chain.covered.count == 1 && chain.covered[0].start == 0 && chain.covered[0].end == 200, "\(key): \(chain.covered)\n\(logs)")
        }
        #expect(merged.state.files.values.reduce(0) { $0 + $1.parsed } == 800)
        #expect(merged.state.endpoints == KafkaTestSupport.truth(first + second))
    }

    @Test("Injected commit and fetch errors and a broker outage: the consumer goes on, nothing lost or doubled")
    func injectedErrors() throws {
        let logs = LogCollector()
        let cluster = try KafkaMockCluster(brokers: 1, logHandler: { _ in })
        try cluster.createTopic("faulty", partitions: 2)
        // Broker down at start: the consumer retries and logs, it does not crash.
        cluster.setBrokerDown(1)
        let output = CapturingOutput()
        let settings = KafkaTestSupport.settings(bootstrap: cluster.bootstrapServers, group: "faults",
                                                 topics: ["faulty"], exitAtEnd: false, interval: 200)
        let engine = try ConsumerEngine(settings: settings, output: output, log: logs.handler)
        engine.start()
        usleep(1_500_000)
        #expect(logs.contains("kafka"), "no log line while the broker was down")
        cluster.setBrokerUp(1)

        let first = KafkaTestSupport.logLines(count: 300, seed: 31)
        try KafkaTestSupport.produce(first, to: "faulty", partitions: 2, bootstrap: cluster.bootstrapServers)
        #expect(KafkaTestSupport.waitUntil(seconds: 30) { engine.messagesRead.load(ordering: .relaxed) >= 300 },
                "\(logs.all.joined(separator: "\n"))")
        // Commits fail for a while, fetches are refused by a "former leader", then the broker goes away.
        cluster.injectRequestErrors(.offsetCommit, [.coordinatorNotAvailable, .notCoordinator, .requestTimedOut, .unknownServerError])
        cluster.injectRequestErrors(.fetch, [.notLeaderForPartition, .notLeaderForPartition, .unknownServerError])
        let second = KafkaTestSupport.logLines(count: 300, seed: 32)
        try KafkaTestSupport.produce(second, to: "faulty", partitions: 2, bootstrap: cluster.bootstrapServers)
        #expect(KafkaTestSupport.waitUntil(seconds: 30) { engine.messagesRead.load(ordering: .relaxed) >= 600 })
        usleep(600_000)
        cluster.setBrokerDown(1)
        usleep(1_500_000)
        cluster.setBrokerUp(1)
        let third = KafkaTestSupport.logLines(count: 300, seed: 33)
        try KafkaTestSupport.produce(third, to: "faulty", partitions: 2, bootstrap: cluster.bootstrapServers)
        #expect(KafkaTestSupport.waitUntil(seconds: 40) { engine.messagesRead.load(ordering: .relaxed) >= 900 },
                "\(logs.all.joined(separator: "\n"))")
        engine.requestStop()
        #expect(engine.wait() == .stopped)

        let merged = try KafkaTestSupport.merge([output.all])
        #expect(merged.state.files.values.reduce(0) { $0 + $1.parsed } == 900)
        for (key, chain) in merged.chains {
            #expect(chain.gaps.isEmpty && chain.replaced.isEmpty && chain.covered.count == 1, "\(key): \(chain.covered)")
        }
        #expect(merged.state.endpoints == KafkaTestSupport.truth(first + second + third))
        // The final commit went through once the broker was back.
        let observer = try KafkaConsumer(
            properties: KafkaProperties([("bootstrap.servers", cluster.bootstrapServers), ("group.id", "faults")]),
            topics: ["faulty"], logHandler: { _ in })
        let committed = try observer.committedOffsets([TopicPartition(topic: "faulty", partition: 0), TopicPartition(topic: "faulty", partition: 1)],
                                                      timeoutMilliseconds: 5_000)
        #expect(committed[TopicPartition(topic: "faulty", partition: 0)] == 450)
        #expect(committed[TopicPartition(topic: "faulty", partition: 1)] == 450)
        observer.close()
    }

    @Test("A failed commit is retried by the next snapshot, also for a partition with nothing new")
    func failedCommitOfAnIdlePartitionIsRetried() throws {
        let logs = LogCollector()
        let cluster = try KafkaMockCluster(brokers: 1, logHandler: { _ in })
        try cluster.createTopic("idle", partitions: 2)
        let producer = try KafkaProducer(properties: KafkaProperties([("bootstrap.servers", cluster.bootstrapServers)]), logHandler: { _ in })
        let lines = KafkaTestSupport.logLines(count: 60, seed: 41)
        for line in lines[0..<20] { try producer.produce(topic: "idle", partition: 0, value: line) }
        for line in lines[20..<40] { try producer.produce(topic: "idle", partition: 1, value: line) }
        try producer.flush(timeoutMilliseconds: 10_000)
        let settings = KafkaTestSupport.settings(bootstrap: cluster.bootstrapServers, group: "retry", topics: ["idle"],
                                                 exitAtEnd: false, interval: 300)
        let output = CapturingOutput()
        let engine = try ConsumerEngine(settings: settings, output: output, log: logs.handler)
        engine.start()
        let observer = try KafkaConsumer(properties: KafkaProperties([("bootstrap.servers", cluster.bootstrapServers), ("group.id", "retry")]),
                                         topics: ["idle"], logHandler: { _ in })
        let p0 = TopicPartition(topic: "idle", partition: 0), p1 = TopicPartition(topic: "idle", partition: 1)
        func committed() -> [TopicPartition: Int64?] { (try? observer.committedOffsets([p0, p1], timeoutMilliseconds: 2_000)) ?? [:] }
        // Both partitions read and committed (in one snapshot or two).
        #expect(KafkaTestSupport.waitUntil(seconds: 30) { let c = committed(); return c[p0] == 20 && c[p1] == 20 },
                "\(logs.all.joined(separator: "\n"))")
        // The next commits fail; they carry partition 1's new end.
        cluster.injectRequestErrors(.offsetCommit, Array(repeating: .unknownServerError, count: 3))
        for line in lines[40..<60] { try producer.produce(topic: "idle", partition: 1, value: line) }
        try producer.flush(timeoutMilliseconds: 10_000)
        #expect(KafkaTestSupport.waitUntil(seconds: 30) { logs.contains("COMMIT FAILED for idle[1]@") }, "\(logs.all.joined(separator: "\n"))")
        // Nothing new arrives, yet the later (empty) snapshots retry until the commit goes through.
        #expect(KafkaTestSupport.waitUntil(seconds: 30) { committed()[p1] == 40 }, "\(logs.all.joined(separator: "\n"))")
        #expect(logs.contains("committed idle[1]@40"))
        observer.close()
        engine.requestStop()
        #expect(engine.wait() == .stopped)
        let merged = try KafkaTestSupport.merge([output.all])
        #expect(merged.state.files.values.reduce(0) { $0 + $1.parsed } == 60)
    }

    @Test("--exit-at-end drains what the topic holds, with tombstones, empty, oversized and enveloped messages counted")
    func drainWithBadMessages() throws {
        let logs = LogCollector()
        let cluster = try KafkaMockCluster(brokers: 1, logHandler: { _ in })
        try cluster.createTopic("mixed", partitions: 1)
        let lines = KafkaTestSupport.logLines(count: 50, seed: 41)
        let producer = try KafkaProducer(properties: KafkaProperties([("bootstrap.servers", cluster.bootstrapServers)]), logHandler: { _ in })
        for line in lines[0..<20] { try producer.produce(topic: "mixed", partition: 0, value: line) }
        try producer.produce(topic: "mixed", partition: 0, value: nil)                          // offset 20: tombstone
        try producer.produce(topic: "mixed", partition: 0, value: [])                           // 21: empty
        try producer.produce(topic: "mixed", partition: 0, value: [UInt8](repeating: 0x41, count: 5_000))  // 22: oversized
        // 23: ten lines in one message; 24: a Filebeat-style envelope; 25: garbage.
        try producer.produce(topic: "mixed", partition: 0, value: Array(lines[20..<30].joined(separator: [0x0A])))
        var envelope = "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"message\":"
        envelope += String(decoding: try JSONSerialization.data(withJSONObject: [String(decoding: lines[30], as: UTF8.self)]).dropFirst().dropLast(), as: UTF8.self)
        envelope += ",\"host\":{\"name\":\"gw-1\"}}"
        try producer.produce(topic: "mixed", partition: 0, value: Array(envelope.utf8))
        try producer.produce(topic: "mixed", partition: 0, value: Array("not a log line token=s3cr3t-value".utf8))
        for line in lines[31..<50] { try producer.produce(topic: "mixed", partition: 0, value: line) }
        try producer.flush(timeoutMilliseconds: 10_000)

        var settings = KafkaTestSupport.settings(bootstrap: cluster.bootstrapServers, group: "drain", topics: ["mixed"], exitAtEnd: true)
        settings.maxMessageBytes = 4_096
        // One parsing thread here (the other tests run the default, two or more).
        settings.parseThreads = 1
        let output = CapturingOutput()
        let engine = try ConsumerEngine(settings: settings, output: output, log: logs.handler)
        engine.start()
        #expect(engine.wait() == .drained, "\(logs.all.joined(separator: "\n"))")
        let snapshots = try output.all.map(KafkaTestSupport.decode)
        #expect(snapshots.count == 1)
        let last = try #require(snapshots.last)
        #expect(last.isFinal)
        #expect(last.deltas.map(\.range) == [OffsetRange(start: 0, end: 45)])
        let input = last.document["input"] as! [String: Any]
        let reasons = input["rejected_by_reason"] as! [String: Int]
        #expect(reasons["null_message"] == 1)
        #expect(reasons["empty_message"] == 1)
        #expect(reasons["oversized_message"] == 1)
        #expect(reasons["malformed"] == 1)
        #expect(input["parsed"] as? Int == 50)
        #expect(input["lines"] as? Int == 54)
        // Each bad message is logged with topic, partition and offset; the secret in the garbage line is not.
        #expect(logs.contains("mixed partition 0 offset 20: null value"))
        #expect(logs.contains("mixed partition 0 offset 21: empty value"))
        #expect(logs.contains("mixed partition 0 offset 22: value of 5000 bytes"))
        let text = String(decoding: output.all.joined(), as: UTF8.self)
        #expect(!text.contains("s3cr3t-value"))
        let samples = input["rejected_samples"] as! [[String: Any]]
        #expect(samples.contains { $0["offset"] as? Int == 25 && $0["reason"] as? String == "malformed" && $0["file"] as? String == "kafka:mixed/0" })
        #expect(KafkaTestSupport.truth(lines) == (try KafkaTestSupport.merge([output.all])).state.endpoints)
    }
}
