import ArgumentParser
import APICensusCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct APICensusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apicensus",
        abstract: "Measures an organisation's APIs from the evidence in its access logs.",
        discussion: """
            Reads API gateway, load-balancer and web-server access logs, turns them into API calls, and \
            prints a JSON report on stdout: the inventory of endpoints (method, host, path template) with \
            calls, statuses, clients, sizes and latencies. Logs and progress go to stderr.

            Exit codes: 0 success; 1 fatal error (nothing usable was produced); 2 usage error; \
            3 report written, but some input could not be read completely (see input.errors).
            """,
        version: APICensusVersion.current,
        subcommands: [BatchCommand.self, GenerateCommand.self, FormatsCommand.self, MergeCommand.self, RulesCommand.self, ConsumeCommand.self]
    )

    /// Usage errors exit with 2 (argument-parser's default is 64); everything else as it says.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                StandardError.print(fullMessage(for: error))
                StandardError.print("Run 'apicensus help' for usage.")
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}
