import APICensusCore
import Foundation

/// Reads a `--rules FILE` document (the shape of Rules/maturity-rules.json, Schemas/rules.schema.json).
public enum MaturityRulesLoader {
    /// A rules file that cannot be used: the file, then where in it and why.
    public struct LoadError: Error, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    public static func load(path: String) throws(LoadError) -> MaturityRules {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError(path: path, message: "cannot read the file: \((error as NSError).localizedDescription)")
        }
        do {
            return try MaturityRules(json: Array(data), source: path)
        } catch {
            throw LoadError(path: path, message: error.description)
        }
    }
}
