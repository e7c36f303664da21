import ArgumentParser
import APICensusCore
import APICensusIO

/// The OpenAPI specs and maturity rules a report is scored with (batch and merge). Read before the
/// logs: a bad one is a usage error, found at once, naming where it was given and the file.
enum ScoringInputs {
    /// `specs`: (path, where it was given: `--spec`, `specs (configuration)`); `rules` likewise.
    static func load(specs: [(path: String, origin: String)], rules: (path: String, origin: String)?) throws
        -> (specs: [APISpecification], rules: MaturityRules) {
        var specifications: [APISpecification] = []
        for (path, origin) in specs {
            do {
                let loaded = try OpenAPISpecLoader.load(path: path)
                for warning in loaded.warnings { StandardError.print("apicensus: \(warning)") }
                specifications.append(loaded.specification)
            } catch {
                StandardError.print("apicensus: \(origin) \(error)")
                throw ExitCode(2)
            }
        }
        var maturityRules = MaturityRules.builtIn
        if let rules {
            do { maturityRules = try MaturityRulesLoader.load(path: rules.path) } catch {
                StandardError.print("apicensus: \(rules.origin) \(error)")
                throw ExitCode(2)
            }
        }
        return (specifications, maturityRules)
    }
}
