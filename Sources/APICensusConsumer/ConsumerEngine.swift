#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import APICensusCore
import APICensusKafka
import Synchronization

/// The consumer: a polling thread that owns the Kafka consumer, parsing threads that own the
/// aggregation of the partitions given to them (each partition is parsed by one thread, so its
/// messages stay in order), a bounded queue in front of each, and a snapshot thread that gathers the
/// partitions' deltas from the parsing threads, writes the snapshot and commits.
///
/// Exactness: each assigned partition has an aggregator for the current interval and the offsets
/// `[first, next)` it covers. At each snapshot the partitions' deltas go into one JSON line with the
/// cumulative report; the line is written and flushed, and only then are the deltas' end offsets
/// committed (synchronously). A restart therefore resumes at an offset some written delta ended at,
/// and `apicensus merge` drops what it replays (`DeltaChain`).
///
/// Gathering: the snapshot thread puts a request in every parsing thread's queue; each thread hands
/// its partitions' deltas over when it reaches it (so a delta holds exactly the messages queued
/// before the request) and goes on with the next interval.
///
/// Rebalances: before a partition is given up, the parsing threads take everything queued before
/// the revocation, the snapshot thread writes a snapshot holding the partition's delta and commits;
/// only then does the polling thread let librdkafka hand the partition over. Lost partitions (session timeout) are
/// written but not committed (another member may own them already).
public final class ConsumerEngine: @unchecked Sendable {
    public enum Outcome: Sendable, Equatable {
        /// `--exit-at-end`: every assigned partition was read to its end.
        case drained
        /// Stopped on request (SIGTERM / SIGINT).
        case stopped
        /// Could not go on; the message says why.
        case failed(String)
    }

    /// What the polling thread asks of the snapshot thread.
    enum ControlItem {
        case revoke([TopicPartition], lost: Bool, Completion)
        case finish(Completion)
    }

    /// What a parsing thread is given.
    enum WorkerItem {
        /// A batch, and the partitions of it (packed codes) this thread parses.
        case messages(KafkaMessageBatch, Set<Int64>)
        /// Hand the deltas over (everything queued before was parsed), then forget `removing`.
        case collect(removing: Set<PartitionKey>, DeltaHandoff)
        case exit(Completion)
    }

    /// One parsing thread's deltas, filled by it before it signals `done`.
    final class DeltaHandoff: @unchecked Sendable {
        var deltas: [PartitionDelta] = []
        var inputs: [PartitionKey: InputDescription] = [:]
        let done = Completion()
    }

    public let settings: ConsumeSettings
    private let consumer: KafkaConsumer
    private let output: SnapshotOutput
    private let log: @Sendable (String) -> Void
    private let control: BoundedQueue<ControlItem>
    private let workers: [BoundedQueue<WorkerItem>]
    let metrics = ConsumerMetrics()
    private let stopRequested = Atomic<Bool>(false)
    private let state = Mutex<(outcome: Outcome?, finished: Bool, waiters: [@Sendable (Outcome) -> Void])>((nil, false, []))
    private let failure = Mutex<String?>(nil)
    private var threads: [pthread_t] = []
    /// Snapshots written and messages parsed so far (tests wait on them; the shutdown log shows them).
    public let snapshotsWritten = Atomic<Int>(0)
    public let messagesRead = Atomic<Int>(0)
    /// Per partition, the offset after the last message parsed (tests wait on it: a count of
    /// messages cannot tell new messages from a replay).
    public let readPositions = Mutex<[PartitionKey: Int64]>([:])
    /// Per partition, the end of the last delta this process wrote but could not commit (a commit
    /// refused during a rebalance, partitions lost to a session timeout); dropped once a commit of it
    /// succeeds. A partition assigned again resumes there when the group's committed offset, read
    /// at assignment, is behind it: this process's report does not count those messages twice.
    private let writtenEnds = Mutex<[PartitionKey: Int64]>([:])
    /// Per partition, the offset it was assigned at (the group's committed offset, or where
    /// `assignmentOffsets` resumes), until its first message is read.
    private let assignedAt = Mutex<[PartitionKey: Int64]>([:])
    /// Monotonic time of the last snapshot written (of the engine's creation before the first).
    private let lastSnapshotNanos = Atomic<UInt64>(monotonicNanos())
    /// CPU time of the parsing threads, added as each ends (the shutdown log shows it: the parse cost
    /// per message, apart from librdkafka's and the broker's, is what `scripts/bench-kafka` reports).
    private let parseCPUNanos = Atomic<UInt64>(0)

    public init(settings: ConsumeSettings, output: SnapshotOutput, log: @escaping @Sendable (String) -> Void) throws {
        self.settings = settings
        self.output = output
        self.log = log
        control = BoundedQueue(maxWeight: 0)
        let threads = max(1, settings.parseThreads)
        workers = (0..<threads).map { _ in BoundedQueue(maxWeight: max(1 << 20, settings.maxQueuedBytes / threads)) }
        let logLine = log
        consumer = try KafkaConsumer(properties: settings.properties, topics: settings.topics.map(\.name)) { record in
            // librdkafka's warnings and errors; its info and debug lines only with `debug` set.
            guard record.level <= 4 || settings.properties["debug"] != nil else { return }
            let level = record.level <= 3 ? "error" : (record.level == 4 ? "warning" : "debug")
            // Connection failures are retried by librdkafka (with backoff): say so.
            let retry = record.facility == "FAIL" || record.message.contains("brokers are down") ? " (retrying)" : ""
            logLine("apicensus: kafka \(level): \(record.facility): \(record.message)\(retry)")
        }
    }

    /// Starts the polling, parsing and snapshot threads.
    public func start() {
        for index in workers.indices {
            threads.append(startThread(name: "apicensus-parse\(index)") { [self] in parseLoop(index) })
        }
        threads.append(startThread(name: "apicensus-snap") { [self] in snapshotLoop() })
        threads.append(startThread(name: "apicensus-poll") { [self] in pollLoop() })
    }

    /// Stops fetching; what was fetched is parsed, the final snapshot written and committed, and the
    /// consumer leaves its group. Returns at once; `wait` or `onFinished` tell when it is done.
    public func requestStop() {
        stopRequested.store(true, ordering: .releasing)
    }

    public var isStopping: Bool { stopRequested.load(ordering: .acquiring) }

    /// Seconds since the last snapshot was written (since the engine was made, before the first).
    public var secondsSinceLastSnapshot: Double {
        // The snapshot's time first: one written between the two reads must not wrap the difference.
        let last = lastSnapshotNanos.load(ordering: .acquiring)
        let now = monotonicNanos()
        return now > last ? Double(now - last) / 1e9 : 0
    }

    /// No snapshot for longer than `stallAfterMillis` (default: three intervals plus a minute) while
    /// the engine runs: something is stuck, and `/healthz` says so.
    public var isStalled: Bool {
        guard finishedOutcome == nil else { return false }
        let limit = settings.stallAfterMillis ?? (3 * settings.snapshotIntervalMillis + 60_000)
        return secondsSinceLastSnapshot * 1000 > Double(limit)
    }

    /// Blocks until the engine has stopped.
    public func wait() -> Outcome {
        let done = Completion()
        let result = Mutex<Outcome?>(nil)
        onFinished { outcome in
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        for t in threads { pthread_join(t, nil) }
        threads.removeAll()
        return result.withLock { $0! }
    }

    /// The outcome once the engine has stopped, nil before.
    public var finishedOutcome: Outcome? {
        state.withLock { $0.finished ? $0.outcome : nil }
    }

    /// Calls `body` once the engine has stopped (at once if it already has).
    public func onFinished(_ body: @escaping @Sendable (Outcome) -> Void) {
        let finished: Outcome? = state.withLock { s in
            if s.finished { return s.outcome }
            s.waiters.append(body)
            return nil
        }
        if let finished { body(finished) }
    }

    private func finish(_ outcome: Outcome) {
        let waiters = state.withLock { s -> [@Sendable (Outcome) -> Void] in
            s.outcome = outcome
            s.finished = true
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for w in waiters { w(outcome) }
    }

    private func fail(_ message: String) {
        failure.withLock { if $0 == nil { $0 = message } }
        log("apicensus: \(message)")
        requestStop()
    }

    // MARK: - Polling thread

    private func pollLoop() {
        do {
            try consumer.subscribe()
            log("apicensus: consuming \(consumer.topics.joined(separator: ", ")) as group \(settings.properties["group.id"] ?? "?") from \(settings.properties["bootstrap.servers"] ?? "?") (librdkafka \(KafkaConsumer.libraryVersion))")
        } catch {
            fail("cannot subscribe to \(consumer.topics.joined(separator: ", ")): \(error)")
        }
        var assigned = Set<TopicPartition>()
        var atEnd = Set<TopicPartition>()
        var drained = false
        var errorLog = RepeatedMessageLog()
        var unknownTopicSince: [String: UInt64] = [:]
        var router = PartitionRouter(threads: workers.count)
        while !stopRequested.load(ordering: .acquiring) {
            let result = consumer.pollBatch(maxMessages: 10_000, maxBytes: 4 << 20, timeoutMilliseconds: 100)
            if let batch = result.messages {
                for p in batch.partitions where p.topicIndex >= 0 {
                    atEnd.remove(TopicPartition(topic: consumer.topics[p.topicIndex], partition: p.partition))
                }
                for (thread, codes) in router.route(batch.partitions.map { PartitionWork.code($0.topicIndex, $0.partition) }) {
                    workers[thread].push(.messages(batch, codes), weight: batch.payloadBytes)
                }
            }
            for end in result.endsOfPartition { atEnd.insert(end.topicPartition) }
            for (error, partition, offset) in result.errors {
                let place = partition.map { " (\($0.topic) partition \($0.partition)\(offset.map { " offset \($0)" } ?? ""))" } ?? ""
                if error.isUnknownTopic, let topic = partition?.topic {
                    if unknownTopicSince[topic] == nil { unknownTopicSince[topic] = monotonicNanos() }
                }
                if errorLog.shouldLog("\(error.name)\(place)") {
                    log("apicensus: kafka error\(place): \(error)\(errorLog.suffix)")
                }
            }
            if let fatal = consumer.fatalError() {
                fail("Kafka client stopped on a fatal error: \(fatal)")
                break
            }
            if let rebalance = result.rebalance {
                handle(rebalance, assigned: &assigned, atEnd: &atEnd)
                if case .revoke = rebalance.kind {
                    let topics = consumer.topics
                    router.forget(rebalance.incremental ? rebalance.partitions.compactMap { p in
                        topics.firstIndex(of: p.topic).map { PartitionWork.code($0, p.partition) }
                    } : nil)
                }
            }
            if settings.exitAtEnd {
                // A topic that does not exist has nothing to drain: say so instead of waiting forever.
                for (topic, since) in unknownTopicSince where !assigned.contains(where: { $0.topic == topic }) {
                    if monotonicNanos() - since > 10_000_000_000 {
                        fail("topic \(topic) does not exist (or this consumer may not read it); nothing to drain")
                    }
                }
                if !assigned.isEmpty, assigned.isSubset(of: atEnd) {
                    drained = true
                    log("apicensus: reached the end of \(assigned.count) partition(s); writing the final snapshot")
                    break
                }
            }
        }
        if !drained, failure.withLock({ $0 }) == nil {
            log("apicensus: stopping: fetching stopped; writing the final snapshot")
        }
        // Stopping now, whatever the reason (drained, failed, asked): `isStopping` tells the service,
        // whose shutdown deadline then bounds the final snapshot, the commit and leaving the group.
        stopRequested.store(true, ordering: .releasing)
        // Everything queued is parsed; the final snapshot is written and committed.
        let done = Completion()
        control.push(.finish(done))
        done.wait()
        let messages = messagesRead.load(ordering: .relaxed)
        let parseSeconds = Double(parseCPUNanos.load(ordering: .acquiring)) / 1e9
        let pollSeconds = Double(threadCPUNanos()) / 1e9
        log("apicensus: CPU time: parsing thread\(workers.count > 1 ? "s (\(workers.count))" : "") \(formatSeconds(parseSeconds)) s, polling thread \(formatSeconds(pollSeconds)) s for \(messages) message(s)"
            + (messages > 0 ? " (\(formatSeconds(parseSeconds * 1e6 / Double(messages))) µs of parsing each)" : ""))
        consumer.close()
        let failed = failure.withLock { $0 }
        let outcome: Outcome = failed.map { .failed($0) } ?? (drained ? .drained : .stopped)
        finish(outcome)
    }

    private func handle(_ rebalance: KafkaRebalance, assigned: inout Set<TopicPartition>, atEnd: inout Set<TopicPartition>) {
        let names = rebalance.partitions.sorted().map(\.description).joined(separator: ", ")
        switch rebalance.kind {
        case .assign:
            log("apicensus: assigned \(rebalance.partitions.count) partition(s)\(rebalance.incremental ? "" : " (eager protocol)"): \(names)")
            consumer.completeRebalance(rebalance, startingAt: assignmentOffsets(rebalance.partitions))
            if !rebalance.incremental { assigned.removeAll() }
            assigned.formUnion(rebalance.partitions)
            for p in rebalance.partitions { atEnd.remove(p) }
        case .revoke(let lost):
            log("apicensus: \(lost ? "lost" : "revoking") \(rebalance.partitions.count) partition(s): \(names)\(lost ? " (not committed: another member may own them)" : "")")
            // The parsing threads take everything queued before this point, the snapshot thread
            // writes the snapshot holding these partitions' deltas and commits; only then are they
            // given up.
            let done = Completion()
            control.push(.revoke(rebalance.partitions, lost: lost, done))
            done.wait()
            consumer.completeRebalance(rebalance)
            if rebalance.incremental {
                assigned.subtract(rebalance.partitions)
            } else {
                assigned.removeAll()
            }
            atEnd.subtract(rebalance.partitions)
        }
        metrics.assignedPartitions.record(assigned.count)
    }

    /// The offsets an assignment's partitions start at, from one read of the group's committed
    /// offsets (given to librdkafka, which then does not read the commit again after it may have
    /// moved):
    /// - a partition whose last written delta this process could not commit resumes at that delta's
    ///   end when the group's commit is behind it (no message counted twice in this process's
    ///   report). Only a committed offset actually read counts: when it cannot be read, the group's
    ///   position is used (a replay, which merge removes, rather than a seek over messages another
    ///   member may have committed past);
    /// - any other partition starts at the group's committed offset (none: `auto.offset.reset`).
    /// Also remembers, for `intervalStart`, the offsets that lie inside the partition's log now.
    private func assignmentOffsets(_ partitions: [TopicPartition]) -> [TopicPartition: Int64] {
        let written = writtenEnds.withLock { ends in
            Dictionary(uniqueKeysWithValues: partitions.compactMap { p in ends[PartitionKey(p)].map { (p, $0) } })
        }
        // A partition that may resume is worth a second try at reading the commit.
        var committed: [TopicPartition: Int64?]?
        for attempt in 0..<(written.isEmpty ? 1 : 2) where committed == nil {
            if attempt > 0 { usleep(500_000) }
            committed = try? consumer.committedOffsets(partitions, timeoutMilliseconds: 5_000)
        }
        if committed == nil, !written.isEmpty {
            log("apicensus: could not read the group's committed offsets of \(written.keys.sorted().map(\.description).joined(separator: ", ")); resuming there (what this process already wrote may be read again; merge counts it once)")
        }
        var result: [TopicPartition: Int64] = [:]
        var resumed: [TopicPartition] = []
        for p in partitions {
            // Not read: librdkafka reads the commit itself.
            guard let known = committed?[p] else { continue }
            // No committed offset at all (nil) is behind any end this process wrote.
            if let end = written[p], (known ?? -1) < end {
                result[p] = end
                resumed.append(p)
            } else if let known {
                result[p] = known
            }
        }
        if !resumed.isEmpty {
            log("apicensus: resuming \(resumed.sorted().map { "\($0)@\(result[$0]!)" }.joined(separator: ", ")) after this process's last written snapshot (the group's commit is behind it)")
        }
        // An offset outside the partition's log now (the log cut back below a commit, a topic made
        // anew) is reset by librdkafka: what lies between it and the first message is not known to be
        // empty. Such partitions (and any whose watermarks cannot be read within the budget) keep
        // their first interval at their first message.
        let budget = monotonicNanos() + 5_000_000_000
        var inLog: [PartitionKey: Int64] = [:]
        for p in partitions {
            guard let offset = result[p], monotonicNanos() < budget,
                  let marks = try? consumer.queryWatermarks(p, timeoutMilliseconds: 2_000),
                  marks.low <= offset, offset <= marks.high else { continue }
            inLog[PartitionKey(p)] = offset
        }
        assignedAt.withLock { starts in
            for p in partitions { starts[PartitionKey(p)] = inLog[PartitionKey(p)] }
        }
        return result
    }

    /// Where a partition's first interval starts. Normally at its first message; but the offsets
    /// between the one it was assigned at and its first message may hold no message to read —
    /// transaction markers, aborted transactions, records removed by compaction — and a delta that
    /// started at the first message would leave a gap there in `merge` at every restart. When the
    /// partition's log start (low watermark, from the fetch responses) is at or below the assigned
    /// offset, nothing there was removed by retention: the interval starts at the assigned offset.
    /// Otherwise (retention deleted messages never read, the log start unknown) the gap stays, as it
    /// should.
    private func intervalStart(_ key: PartitionKey, firstOffset: Int64) -> Int64 {
        guard let assigned = assignedAt.withLock({ $0.removeValue(forKey: key) }), assigned < firstOffset,
              let marks = consumer.cachedWatermarks(key.topicPartition),
              marks.low >= 0, marks.low <= assigned else { return firstOffset }
        return assigned
    }

    // MARK: - Parsing threads

    private func parseLoop(_ index: Int) {
        let queue = workers[index]
        var work = PartitionWork(settings: settings, log: log) { [self] key, first in intervalStart(key, firstOffset: first) }
        var nextMetrics = monotonicNanos() + 1_000_000_000
        while true {
            switch queue.pop(deadline: nextMetrics) {
            case .messages(let batch, let codes)?:
                let (messages, positions) = work.read(batch, only: codes, topics: consumer.topics, metrics: metrics)
                messagesRead.add(messages, ordering: .relaxed)
                readPositions.withLock { for (key, end) in positions { $0[key] = end } }
            case .collect(let keys, let handoff)?:
                handoff.deltas = work.takeDeltas()
                for d in handoff.deltas { handoff.inputs[d.key] = work.inputDescription(d.key) }
                if !keys.isEmpty {
                    work.remove(keys)
                    // Given up: this member no longer lags on them (the new owner reports its lag).
                    for key in keys { metrics.recordLag(topic: key.topic, partition: key.partition, lag: 0) }
                }
                handoff.done.signal()
            case .exit(let done)?:
                parseCPUNanos.add(threadCPUNanos(), ordering: .acquiringAndReleasing)
                done.signal()
                return
            case nil:
                break
            }
            let now = monotonicNanos()
            if now >= nextMetrics {
                work.recordLag(consumer: consumer, metrics: metrics)
                nextMetrics = now + 1_000_000_000
            }
        }
    }

    // MARK: - Snapshot thread

    private func snapshotLoop() {
        var clock = SnapshotClock(settings: settings, now: wallClockMillis(), monotonic: monotonicNanos())
        while true {
            switch control.pop(deadline: clock.nextSnapshot) {
            case .revoke(let partitions, let lost, let done)?:
                let keys = Set(partitions.map(PartitionKey.init))
                let (deltas, inputs) = collect(removing: keys)
                if !deltas.isEmpty {
                    writeSnapshot(deltas, inputs, &clock, final: false, notCommitted: lost ? keys : [])
                } else if !lost, pendingCommits.keys.contains(where: keys.contains) {
                    // Nothing new, but a commit of these partitions failed before: retry it now.
                    log("apicensus: before giving up \(keys.sorted().map(\.description).joined(separator: ", ")): \(commit([]))")
                }
                for key in keys { pendingCommits[key] = nil }
                done.signal()
            case .finish(let done)?:
                let (deltas, inputs) = collect(removing: [])
                writeSnapshot(deltas, inputs, &clock, final: true, notCommitted: [])
                let exits = workers.map { queue in
                    let exited = Completion()
                    queue.push(.exit(exited))
                    return exited
                }
                for exited in exits { exited.wait() }
                done.signal()
                return
            case nil:
                break
            }
            if monotonicNanos() >= clock.nextSnapshot {
                let (deltas, inputs) = collect(removing: [])
                writeSnapshot(deltas, inputs, &clock, final: false, notCommitted: [])
            }
        }
    }

    /// Every parsing thread's deltas, each taken once the thread has parsed what was queued before
    /// this call; the threads then forget `removing` (revoked partitions).
    private func collect(removing keys: Set<PartitionKey>) -> ([PartitionDelta], [PartitionKey: InputDescription]) {
        let handoffs = workers.map { queue in
            let handoff = DeltaHandoff()
            queue.push(.collect(removing: keys, handoff))
            return handoff
        }
        var deltas: [PartitionDelta] = []
        var inputs: [PartitionKey: InputDescription] = [:]
        for handoff in handoffs {
            handoff.done.wait()
            deltas += handoff.deltas
            inputs.merge(handoff.inputs) { a, _ in a }
        }
        return (deltas, inputs)
    }

    private var outputBroken = false
    private var sequence: UInt64 = 0
    private var cumulative = StreamAggregate()
    /// Ends written in a snapshot whose commit failed, for partitions still assigned: every later
    /// commit carries them until one succeeds (snapshot thread only).
    private var pendingCommits: [PartitionKey: Int64] = [:]

    /// Commits `ends` and the ends of earlier failed commits; says what happened, for the log.
    private func commit(_ ends: [(PartitionKey, Int64)]) -> String {
        var all = pendingCommits
        for (key, end) in ends { all[key] = end }
        guard !all.isEmpty else { return "nothing to commit" }
        let offsets = all.keys.sorted().map {
            TopicPartitionOffset($0.topicPartition, offset: all[$0]!)
        }
        let listed = offsets.map(\.description).joined(separator: ", ")
        do {
            try consumer.commit(offsets)
            writtenEnds.withLock { ends in for (key, end) in all where ends[key].map({ $0 <= end }) ?? false { ends[key] = nil } }
            pendingCommits.removeAll()
            metrics.lastCommit.record(Double(wallClockMillis()) / 1000)
            return "committed \(listed)"
        } catch {
            pendingCommits = all
            metrics.commitFailures.increment()
            return "COMMIT FAILED for \(listed) (\(error)); the next snapshot's commit retries them, and a restart before it replays them (merge removes the replay)"
        }
    }

    /// Writes one snapshot line, then commits the offsets it carries (snapshot thread only).
    private func writeSnapshot(_ deltas: [PartitionDelta], _ inputs: [PartitionKey: InputDescription], _ clock: inout SnapshotClock,
                               final: Bool, notCommitted: Set<PartitionKey>) {
        guard !outputBroken else { return }
        let nowMillis = wallClockMillis()
        for d in deltas {
            cumulative.absorb(d)
            if let input = inputs[d.key] { cumulative.partitionInputs[d.key] = input }
        }
        sequence += 1
        let window = clock.window(at: nowMillis, final: final)
        let meta = SnapshotMeta(sequence: sequence, instance: settings.instance, windowKind: window.kind,
                                windowStartMillis: window.start, windowEndMillis: window.end, isFinal: final)
        let line = SnapshotBuilder.snapshotLine(cumulative: cumulative, deltas: deltas, meta: meta, options: settings.report)
        do {
            try output.write(line)
        } catch {
            outputBroken = true
            fail("\(error); stopping without committing (a restart resumes from the last committed snapshot)")
            return
        }
        snapshotsWritten.add(1, ordering: .relaxed)
        lastSnapshotNanos.store(monotonicNanos(), ordering: .releasing)
        metrics.snapshots.increment()
        metrics.lastSnapshot.record(Double(nowMillis) / 1000)
        if window.closesWindow { cumulative = StreamAggregate() }
        clock.scheduleNext(after: monotonicNanos(), wallMillis: wallClockMillis())

        writtenEnds.withLock { ends in for d in deltas { ends[d.key] = d.range.end } }
        for key in notCommitted { pendingCommits[key] = nil }
        let retrying = !pendingCommits.isEmpty
        let committed = commit(deltas.filter { !notCommitted.contains($0.key) }.map { ($0.key, $0.range.end) })
        // Snapshots without news are in the output, not in the log (unless they retried a commit).
        guard final || !deltas.isEmpty || retrying else { return }
        let messages = deltas.reduce(Int64(0)) { $0 + $1.range.count }
        let rejected = deltas.reduce(UInt64(0)) { $0 + $1.state.rejectedByReason.values.reduce(0, +) }
        log("apicensus: snapshot \(sequence)\(final ? " (final)" : ""): \(deltas.count) partition delta(s) over \(messages) offset(s)"
            + (rejected > 0 ? ", \(rejected) line(s) rejected (see input.rejected_by_reason)" : "") + "; \(committed)")
    }
}

/// Which parsing thread parses each partition: a partition stays with its thread while assigned (its
/// messages must be parsed in order, by the owner of its aggregator and parsers); a new partition
/// goes to the thread with the fewest.
struct PartitionRouter {
    private var owner: [Int64: Int] = [:]
    private var load: [Int]

    init(threads: Int) { load = Array(repeating: 0, count: max(1, threads)) }

    /// For each thread with partitions among `codes`, those partitions.
    mutating func route(_ codes: [Int64]) -> [(Int, Set<Int64>)] {
        var byThread: [Int: Set<Int64>] = [:]
        for code in codes {
            let thread: Int
            if let known = owner[code] {
                thread = known
            } else {
                thread = load.indices.min { load[$0] < load[$1] }!
                owner[code] = thread
                load[thread] += 1
            }
            byThread[thread, default: []].insert(code)
        }
        return byThread.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Forgets revoked partitions (nil: all of them).
    mutating func forget(_ codes: [Int64]?) {
        guard let codes else {
            owner.removeAll()
            for i in load.indices { load[i] = 0 }
            return
        }
        for code in codes { if let thread = owner.removeValue(forKey: code) { load[thread] -= 1 } }
    }
}

/// A parsing thread's per-partition aggregation for the current interval.
struct PartitionWork {
    struct Partition {
        let key: PartitionKey
        /// (topic index, partition) packed, as `index` keys it.
        let code: Int64
        var aggregator: CallAggregator
        /// This partition's parsers and format plan.
        var topicReader: TopicReader
        /// Offsets of the current interval: `start ..< end`. `start` is the first message's offset
        /// for a partition's first interval, the previous interval's end afterwards.
        var start: Int64 = 0
        var end: Int64 = 0
        var hasMessages = false
        var everRead = false
        /// Metrics not yet reported (reported once per batch).
        var pendingMessages = 0
        var pendingBytes = 0
        var reportedParsed: UInt64 = 0
        var reportedRejected: UInt64 = 0

        mutating func read(_ batch: KafkaMessageBatch, _ range: Range<Int>, with reader: inout MessageReader) {
            reader.read(batch, range, partition: key, with: &topicReader, into: &aggregator)
        }

        /// Closes the records still open in the partition's parsers (see `TopicReader.finishOpenRecords`).
        mutating func finishOpenRecords() {
            guard everRead else { return }
            topicReader.finishOpenRecords(into: &aggregator,
                                          at: LineLocation(input: 0, chunk: 0, lineInChunk: 0, byteOffset: max(end - 1, 0)))
        }
    }

    let settings: ConsumeSettings
    private var reader: MessageReader
    /// Where a partition's first interval starts, given its first message's offset (see
    /// `ConsumerEngine.intervalStart`); the first message's offset by default.
    private let firstIntervalStart: @Sendable (PartitionKey, Int64) -> Int64
    private var partitions: [Partition] = []
    /// (topic index, partition) → index in `partitions`.
    private var index: [Int64: Int] = [:]

    init(settings: ConsumeSettings, log: @escaping @Sendable (String) -> Void,
         firstIntervalStart: @escaping @Sendable (PartitionKey, Int64) -> Int64 = { $1 }) {
        self.settings = settings
        reader = MessageReader(topics: settings.topics, maxMessageBytes: settings.maxMessageBytes, log: log)
        self.firstIntervalStart = firstIntervalStart
    }

    /// (topic index, partition) packed into one key.
    static func code(_ topicIndex: Int, _ partition: Int32) -> Int64 {
        Int64(topicIndex) << 32 | Int64(UInt32(bitPattern: partition))
    }

    private mutating func slot(topicIndex: Int, partition: Int32, topics: [String]) -> Int {
        let code = Self.code(topicIndex, partition)
        if let i = index[code] { return i }
        let name = topicIndex >= 0 && topicIndex < topics.count ? topics[topicIndex] : "?"
        partitions.append(Partition(key: PartitionKey(topic: name, partition: partition), code: code,
                                    aggregator: CallAggregator(options: settings.aggregation),
                                    topicReader: reader.makeTopicReader(topicIndex: topicIndex)))
        index[code] = partitions.count - 1
        return partitions.count - 1
    }

    /// Reads the messages of a batch (of partitions `only`, nil: all); returns how many it read and,
    /// for each partition it read, the offset after its last message.
    @discardableResult
    mutating func read(_ batch: KafkaMessageBatch, only: Set<Int64>? = nil, topics: [String],
                       metrics: ConsumerMetrics) -> (messages: Int, positions: [(PartitionKey, Int64)]) {
        var touched: [Int] = []
        var messages = 0
        var i = 0
        let count = batch.count
        // librdkafka hands each partition's messages over in runs (one fetch response each): every
        // run goes to its partition's aggregator in one call.
        while i < count {
            let topicIndex = batch.topicIndex(at: i)
            let partition = batch.partition(at: i)
            var bytes = max(batch.valueLength(at: i), 0)
            var j = i + 1
            while j < count, batch.partition(at: j) == partition, batch.topicIndex(at: j) == topicIndex {
                bytes += max(batch.valueLength(at: j), 0)
                j += 1
            }
            if let only, !only.contains(Self.code(topicIndex, partition)) {
                i = j
                continue
            }
            messages += j - i
            let current = slot(topicIndex: topicIndex, partition: partition, topics: topics)
            if !touched.contains(current) { touched.append(current) }
            if !partitions[current].everRead {
                partitions[current].start = min(firstIntervalStart(partitions[current].key, batch.offset(at: i)), batch.offset(at: i))
                partitions[current].everRead = true
            }
            partitions[current].read(batch, i ..< j, with: &reader)
            partitions[current].end = batch.offset(at: j - 1) + 1
            partitions[current].hasMessages = true
            partitions[current].pendingMessages += j - i
            partitions[current].pendingBytes += bytes
            i = j
        }
        for i in touched {
            let p = partitions[i]
            metrics.recordBatch(topic: p.key.topic, partition: p.key.partition, messages: p.pendingMessages, bytes: p.pendingBytes)
            let counters = p.aggregator.counters(input: 0)
            metrics.recordLines(topic: p.key.topic, parsed: counters.parsed - p.reportedParsed, rejected: counters.rejected - p.reportedRejected)
            partitions[i].reportedParsed = counters.parsed
            partitions[i].reportedRejected = counters.rejected
            partitions[i].pendingMessages = 0
            partitions[i].pendingBytes = 0
        }
        return (messages, touched.map { (partitions[$0].key, partitions[$0].end) })
    }

    /// The partition as the report's `input.files` lists it (nil once it was given up).
    func inputDescription(_ key: PartitionKey) -> InputDescription? {
        partitions.first { $0.key == key }.map { $0.topicReader.inputDescription($0.key) }
    }

    /// The deltas of the interval that ends now. Each partition's next interval starts where this
    /// one ended, even when its next message's offset is higher (transaction markers and compaction
    /// leave offsets without messages): consecutive deltas of one consumer always chain.
    ///
    /// Records still open in a partition's parsers are closed first, into this interval's delta: no
    /// record's lines are held outside the committed state, so what a commit covers is final (a record
    /// whose lines straddle a snapshot is counted as cut short — see README, Consuming from Kafka).
    /// What a parser keeps across records stays: a W3C `#Fields` header goes on applying to the next
    /// interval's lines (but not across a restart or a move to another member, which start without it).
    mutating func takeDeltas() -> [PartitionDelta] {
        var deltas: [PartitionDelta] = []
        for i in partitions.indices where partitions[i].hasMessages {
            partitions[i].finishOpenRecords()
            deltas.append(PartitionDelta(key: partitions[i].key, range: OffsetRange(start: partitions[i].start, end: partitions[i].end),
                                         state: partitions[i].aggregator.snapshot()))
            partitions[i].aggregator = CallAggregator(options: settings.aggregation)
            partitions[i].reportedParsed = 0
            partitions[i].reportedRejected = 0
            partitions[i].start = partitions[i].end
            partitions[i].hasMessages = false
        }
        return deltas
    }

    /// Forgets revoked partitions (their deltas were written).
    mutating func remove(_ keys: Set<PartitionKey>) {
        partitions.removeAll { keys.contains($0.key) }
        index.removeAll()
        for (i, p) in partitions.enumerated() { index[p.code] = i }
    }

    func recordLag(consumer: KafkaConsumer, metrics: ConsumerMetrics) {
        for p in partitions where p.everRead {
            let tp = p.key.topicPartition
            if let marks = consumer.cachedWatermarks(tp) {
                metrics.recordLag(topic: p.key.topic, partition: p.key.partition, lag: max(0, marks.high - p.end))
            }
        }
    }
}

/// When snapshots are due and which window each one reports.
struct SnapshotClock {
    let intervalNanos: UInt64
    let window: SnapshotWindow
    /// Monotonic time of the next interval snapshot (or window end, whichever is first).
    private(set) var nextSnapshot: UInt64
    private var windowStart: Int64
    private var windowEnd: Int64

    init(settings: ConsumeSettings, now: Int64, monotonic: UInt64) {
        intervalNanos = UInt64(max(settings.snapshotIntervalMillis, 1)) * 1_000_000
        window = settings.window
        switch settings.window {
        case .cumulative:
            windowStart = now
            windowEnd = Int64.max
        case .tumbling(let length):
            windowStart = now - now % length
            windowEnd = windowStart + length
        }
        nextSnapshot = 0
        nextSnapshot = next(after: monotonic, wallMillis: now)
    }

    private func next(after monotonic: UInt64, wallMillis: Int64) -> UInt64 {
        var next = monotonic + intervalNanos
        if windowEnd != Int64.max {
            let untilEnd = UInt64(max(0, windowEnd - wallMillis)) * 1_000_000
            next = min(next, monotonic + untilEnd)
        }
        return next
    }

    mutating func scheduleNext(after monotonic: UInt64, wallMillis: Int64) {
        nextSnapshot = next(after: monotonic, wallMillis: wallMillis)
    }

    /// The window the snapshot written now reports. A snapshot at or after the window's end closes
    /// it: it reports the whole window and the next one starts empty.
    mutating func window(at now: Int64, final: Bool) -> (kind: SnapshotMeta.WindowKind, start: Int64, end: Int64, closesWindow: Bool) {
        switch window {
        case .cumulative:
            return (.cumulative, windowStart, now, false)
        case .tumbling(let length):
            if now >= windowEnd {
                let closed = (SnapshotMeta.WindowKind.tumbling, windowStart, windowEnd, true)
                // Skip whole windows with no snapshot (a long pause): the next starts at the window holding now.
                windowStart = now - now % length
                windowEnd = windowStart + length
                if windowStart < closed.2 { windowStart = closed.2; windowEnd = windowStart + length }
                return closed
            }
            return (.tumbling, windowStart, now, false)
        }
    }
}

extension PartitionKey {
    init(_ partition: TopicPartition) { self.init(topic: partition.topic, partition: partition.partition) }
    var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }
}

/// Seconds with two decimals (`1.25`), three below 0.1.
func formatSeconds(_ seconds: Double) -> String {
    let digits = seconds < 0.1 ? 1000.0 : 100.0
    let rounded = (seconds * digits).rounded() / digits
    return "\(rounded)"
}

/// Logs a repeated error once, then at most once a minute with how often it repeated.
struct RepeatedMessageLog {
    private var last: [String: (time: UInt64, suppressed: Int)] = [:]
    private(set) var suffix = ""

    mutating func shouldLog(_ key: String) -> Bool {
        let now = monotonicNanos()
        if let entry = last[key], now - entry.time < 60_000_000_000 {
            last[key]!.suppressed += 1
            return false
        }
        let suppressed = last[key]?.suppressed ?? 0
        suffix = suppressed > 0 ? " (\(suppressed) more like it in the last minute)" : ""
        if last.count > 1000 { last.removeAll() }
        last[key] = (now, 0)
        return true
    }
}
