import Foundation
import Testing

/// Third-party NGINX/Apache logs from `../shared/corpus` (present in CI beside the clone, not in a
/// user's clone): the whole CLI must read them, and no query value from them may reach the report.
@Suite struct CorpusAcceptanceTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpus")

    static var available: Bool { FileManager.default.fileExists(atPath: corpus.path) }

    /// The access-log files of the NGINX/Apache folders (expected-output JSON and YAML left out).
    static func accessLogs() -> [String] {
        var result: [String] = []
        for folder in ["nginx_combined", "apache_combined"] {
            let root = corpus.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: root.path) else { continue }
            for case let relative as String in walker {
                let name = (relative as NSString).lastPathComponent
                let ext = (name as NSString).pathExtension
                let isLog = ext == "log" || ext.allSatisfy(\.isNumber) || name == "apache_logs"
                var isDirectory: ObjCBool = false
                let full = root.appendingPathComponent(relative).path
                if isLog, FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                    result.append(full)
                }
            }
        }
        return result.sorted()
    }

    @Test(.enabled(if: available, "needs ../shared/corpus beside the clone"))
    func corpusLogsParseAndLeakNoQueryValue() throws {
        let files = Self.accessLogs()
        #expect(files.count >= 8)
        let r = try CLI.run(["batch", "--compact"] + files)
        #expect(r.status == 0, "\(r.stderr)")
        let input = r.json["input"] as! [String: Any]
        let lines = input["lines"] as! Int, parsed = input["parsed"] as! Int, ignored = input["ignored"] as! Int
        let rate = Double(parsed) / Double(max(lines - ignored, 1))
        print("corpus: \(files.count) files, \(lines) lines, \(parsed) parsed (\(String(format: "%.2f", rate * 100)) %)")
        #expect(rate >= 0.95)

        // Every query value of at least 6 bytes in the corpus, unless the same text is also a path.
        var values = Set<String>(), paths = Set<String>()
        for file in files {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: "\"", omittingEmptySubsequences: false)
                guard parts.count > 1 else { continue }
                let request = parts[1].split(separator: " ")
                guard request.count >= 2 else { continue }
                let target = request[1]
                let pieces = target.split(separator: "?", maxSplits: 1)
                paths.insert(String(pieces[0]))
                guard pieces.count == 2 else { continue }
                for pair in pieces[1].split(separator: "&") {
                    let kv = pair.split(separator: "=", maxSplits: 1)
                    if kv.count == 2, kv[1].count >= 6 { values.insert(String(kv[1])) }
                }
            }
        }
        var report = r.text
        for f in files { report = report.replacingOccurrences(of: f, with: "") }
        let leaked = values.filter { v in report.contains(v) && !paths.contains(where: { $0.contains(v) }) }
        print("corpus: checked \(values.count) query values")
        #expect(values.count >= 5)
        #expect(leaked.isEmpty, "query values in the report: \(leaked.prefix(5))")
        for v in values.prefix(200) where !paths.contains(where: { $0.contains(v) }) {
            #expect(!r.stderr.contains(v))
        }
    }
}

extension CorpusAcceptanceTests {
    /// Every log file of the corpus, whatever its format: lines of formats not read yet are rejected,
    /// and their samples must be redacted too.
    static func allLogs() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: corpus.path) else { return [] }
        var result: [String] = []
        for case let relative as String in walker where relative.hasSuffix(".log") {
            result.append(corpus.appendingPathComponent(relative).path)
        }
        return result.sorted()
    }

    @Test(.enabled(if: available, "needs ../shared/corpus beside the clone"))
    func corpusSecretsNeverReachTheOutput() throws {
        let files = Self.allLogs()
        var secrets = Set<String>()
        let patterns = [#"(?:token|api_key|apikey|client_secret|password|passwd|session|access_token|secret)=([^&"\s\\]{8,})"#,
                        #"[Bb]earer ([A-Za-z0-9._~+/=-]{12,})"#, #"[Cc]ookie"?\s*[:=]\s*"?([^";]{8,})"#]
        for file in files {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
            for pattern in patterns {
                let regex = try NSRegularExpression(pattern: pattern)
                for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    if let range = Range(match.range(at: 1), in: text) { secrets.insert(String(text[range].prefix(24))) }
                }
            }
        }
        print("corpus: \(files.count) log files, \(secrets.count) secrets to look for: \(secrets.map { $0.prefix(6) + "…" }.sorted())")
        #expect(secrets.count >= 5)
        let r = try CLI.run(["batch"] + files)
        #expect(r.status == 0 || r.status == 3, "\(r.stderr)")
        let output = r.text + r.stderr
        let leaked = secrets.filter { output.contains($0) }
        #expect(leaked.isEmpty, "secrets in the output: \(leaked.prefix(3))")
    }
}
