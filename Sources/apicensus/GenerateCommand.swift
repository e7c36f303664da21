import ArgumentParser
import APICensusCore
import APICensusIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Writes a deterministic synthetic access log (for tests and benchmarks).",
        discussion: """
            The traffic is drawn from a synthetic organisation of about 200 endpoint templates over four \
            hosts, with realistic skew (a few endpoints, clients and ids get most calls), numeric ids, UUIDs, \
            hex tokens, user names and slugs in paths, and API keys and tokens in query strings. The same \
            seed always gives the same bytes. With --truth it prints the true template list instead, one \
            `METHOD [host] template` per line, so template recovery can be scored.
            """
    )

    @Option(name: .long, help: "Log style: \(LogGenerator.Style.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String = "combined"

    @Option(name: .long, help: "Number of lines to write.")
    var lines: Int = 100_000

    @Option(name: .long, help: "Random seed; the same seed gives the same log.")
    var seed: UInt64 = 1

    @Flag(name: .long, help: "Compress the output with gzip.")
    var gzip = false

    @Option(name: [.short, .long], help: "Output file (default: stdout).")
    var output: String?

    @Flag(name: .long, help: "Print the true endpoint templates instead of a log.")
    var truth = false

    func validate() throws {
        guard LogGenerator.Style(rawValue: format) != nil else {
            throw ValidationError("unknown --format '\(format)'; use one of: \(LogGenerator.Style.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard lines >= 0 else { throw ValidationError("--lines must be 0 or more") }
    }

    func run() throws {
        let style = LogGenerator.Style(rawValue: format)!
        let descriptor: Int32
        if let output {
            descriptor = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard descriptor >= 0 else {
                throw ValidationError("cannot write \(output): \(String(cString: strerror(errno)))")
            }
        } else {
            descriptor = STDOUT_FILENO
        }
        defer { if output != nil { close(descriptor) } }
        let sink = try OutputSink(descriptor: descriptor, gzip: gzip)
        if truth {
            try sink.write(Array((LogGenerator.truth(style: style).joined(separator: "\n") + "\n").utf8))
        } else {
            var generator = LogGenerator(style: style, seed: seed)
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            for _ in 0..<lines {
                generator.appendLine(to: &buffer)
                if buffer.count >= 1 << 20 {
                    try sink.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try sink.write(buffer)
        }
        try sink.finish()
    }
}

/// Plain or gzip output to a file descriptor.
struct OutputSink {
    let descriptor: Int32
    let gzip: GzipWriter?

    init(descriptor: Int32, gzip: Bool) throws {
        self.descriptor = descriptor
        self.gzip = gzip ? try GzipWriter(descriptor: descriptor) : nil
    }

    func write(_ bytes: [UInt8]) throws {
        if let gzip { return try gzip.write(bytes) }
        var written = 0
        try bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = Glibc.write(descriptor, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ValidationError("write failed: \(String(cString: strerror(errno)))")
                }
                written += n
            }
        }
    }

    func finish() throws { try gzip?.finish() }
}
