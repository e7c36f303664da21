#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ServiceLifecycle
import Synchronization

/// The consumer as a swift-service-lifecycle service: `run` starts the engine's threads and waits
/// (without blocking the cooperative pool) until they stop; a graceful shutdown (SIGTERM, SIGINT)
/// asks the engine to stop fetching, write its final snapshot, commit and leave the group. If that
/// takes longer than the shutdown timeout the process exits anyway, possibly before the final snapshot
/// or its commit: nothing is lost either way — what was not committed is read again by the next
/// start, and `merge` removes what a written snapshot and the replay both hold.
public final class ConsumerService: Service, @unchecked Sendable {
    public let engine: ConsumerEngine
    private let log: @Sendable (String) -> Void
    /// Called when the shutdown deadline passes (default: log and exit the process).
    private let onDeadline: @Sendable () -> Void

    public init(engine: ConsumerEngine, log: @escaping @Sendable (String) -> Void,
                onDeadline: (@Sendable () -> Void)? = nil) {
        self.engine = engine
        self.log = log
        let timeout = engine.settings.shutdownTimeoutMillis
        self.onDeadline = onDeadline ?? { [engine] in
            log("apicensus: shutdown did not finish within \(timeout) ms; exiting (\(engine.snapshotsWritten.load(ordering: .relaxed)) snapshot(s) written)")
            _exit(1)
        }
    }

    public func run() async throws {
        engine.start()
        startDeadlineWatch()
        // Cancellation (another service of the group failed, say the metrics port was taken) stops
        // the engine like a graceful shutdown: the continuation below ignores cancellation itself.
        let outcome = await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ConsumerEngine.Outcome, Never>) in
                engine.onFinished { continuation.resume(returning: $0) }
            }
        } onCancelOrGracefulShutdown: { [engine, log] in
            guard !engine.isStopping else { return }
            log("apicensus: shutdown requested: stopping fetching, writing the final snapshot, committing")
            engine.requestStop()
        }
        if case .failed(let message) = outcome { throw ConsumerFailure(message: message) }
    }

    /// Once the engine is stopping — asked to (SIGTERM, SIGINT, cancellation), drained
    /// (`--exit-at-end`) or failed — it has the shutdown timeout to finish: a commit or a group
    /// leave that never returns (brokers unreachable) must not keep the process, or a nightly job,
    /// running forever. A plain thread: it must fire even if something blocks elsewhere.
    private func startDeadlineWatch() {
        let deadline = engine.settings.shutdownTimeoutMillis
        _ = startThread(name: "apicensus-stop") { [engine, onDeadline] in
            while engine.finishedOutcome == nil, !engine.isStopping { usleep(50_000) }
            var waited: Int64 = 0
            while waited < deadline {
                if engine.finishedOutcome != nil { return }
                usleep(50_000)
                waited += 50
            }
            if engine.finishedOutcome == nil { onDeadline() }
        }
    }
}

/// The consumer stopped because it could not go on.
public struct ConsumerFailure: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
