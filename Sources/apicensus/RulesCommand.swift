import ArgumentParser
import APICensusCore

/// Prints the built-in maturity rules: the starting point of a `--rules` file.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Prints the built-in maturity rules (JSON), to copy, edit and pass to batch --rules.",
        discussion: "The document's shape is Schemas/rules.schema.json; docs/maturity.md explains each criterion and how stages are computed."
    )

    func run() throws {
        print(MaturityRules.builtInJSON)
    }
}
