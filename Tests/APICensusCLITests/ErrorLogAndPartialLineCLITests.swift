import Foundation
import Testing

/// `apicensus batch` end to end on inputs that are not what they seem: a plain error log (no
/// ModSecurity message: not recognised, every line counted), a ModSecurity error log whose
/// transactions interleave, and CRI partial lines the input ends in (rejected, never dropped), from a
/// file, a gzip file and stdin.
@Suite(.serialized) struct ErrorLogAndPartialLineCLITests {
    let dir: URL

    init() throws { dir = try CLI.temporaryDirectory() }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(name)))
    }

    static let plainErrorLog = """
        2026/11/18 08:34:27 [notice] 1#1: using the "epoll" event method
        2026/11/18 08:34:27 [notice] 1#1: start worker processes
        2026/11/18 08:35:02 [error] 29#29: *1 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 172.17.0.1, server: localhost, request: "GET /favicon.ico HTTP/1.1", host: "localhost:8080"
        [Thu Sep 30 13:27:06.010641 2026] [core:error] [pid 2560:tid 140496349419264] [client 192.0.2.7:37752] AH00128: File does not exist: /var/www/html/favicon.ico

        """

    static func modSecurity(_ id: String, _ uri: String, rule: String, deny: Bool = false) -> String {
        let verdict = deny ? "Access denied with code 403 (phase 2)." : "Warning."
        return "2026/11/18 08:34:27 [error] 86596#86596: *1 [client 198.51.100.9] ModSecurity: \(verdict) Matched [id \"\(rule)\"] [hostname \"10.0.1.61\"] [uri \"\(uri)\"] [unique_id \"\(id)\"], client: 198.51.100.9, server: api.example.com, request: \"GET \(uri) HTTP/1.1\", host: \"api.example.com\""
    }

    @Test func aPlainErrorLogIsNotRecognisedAndEveryLineIsCounted() throws {
        try write("error.log", Self.plainErrorLog)
        let r = try CLI.run(["batch", path("error.log")])
        let input = r.json["input"] as! [String: Any]
        let errors = input["errors"] as! [[String: Any]]
        #expect(errors.count == 1 && errors[0]["kind"] as? String == "unknown_format")
        #expect((errors[0]["message"] as? String)?.contains("no supported log format recognised") == true)
        #expect(input["parsed"] as? Int == 0 && input["rejected"] as? Int == 4)
        #expect((input["files"] as! [[String: Any]])[0]["format"] is NSNull)
        #expect(r.stderr.contains("error.log"))
    }

    @Test func interleavedModSecurityTransactionsAreOneCallEach() throws {
        // Two requests in flight (A, B, A), among plain error-log lines.
        let text = Self.plainErrorLog + [Self.modSecurity("A1", "/api/a", rule: "930100"), Self.modSecurity("B2", "/api/b", rule: "941100"),
                                         Self.modSecurity("A1", "/api/a", rule: "949110", deny: true)].joined(separator: "\n") + "\n"
        try write("modsec.log", text)
        let r = try CLI.run(["batch", path("modsec.log")])
        #expect(r.status == 0, "\(r.stderr)")
        let input = r.json["input"] as! [String: Any]
        let file = (input["files"] as! [[String: Any]])[0]
        #expect(file["format"] as? String == "modsecurity_error")
        #expect(input["parsed"] as? Int == 2 && input["rejected"] as? Int == 0 && input["lines"] as? Int == 7)
    }

    /// Two CRI-wrapped combined lines, then a line whose `F` fragment never comes.
    static let criWithPartialEnd = """
        2026-10-10T13:55:36.1Z stdout F 203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/users/1 HTTP/1.1" 200 5 "-" "curl/8"
        2026-10-10T13:55:36.2Z stdout F 203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/users/2 HTTP/1.1" 200 5 "-" "curl/8"
        2026-10-10T13:55:36.3Z stdout P 203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/users/3?
        2026-10-10T13:55:36.4Z stdout P access_token=0123456789abcdefghij HTTP/1.1" 200

        """

    @Test func aPartialCRILineAtTheEndIsRejectedFromFileGzipAndStdin() throws {
        try write("pod.log", Self.criWithPartialEnd)
        #expect(try CLI.shell("gzip -c '\(path("pod.log"))' > '\(path("pod.log.gz"))'") == 0)
        let runs = [try CLI.run(["batch", path("pod.log")]), try CLI.run(["batch", path("pod.log.gz")]),
                    try CLI.run(["batch", "-"], stdin: Data(Self.criWithPartialEnd.utf8))]
        for (name, r) in zip(["file", "gzip", "stdin"], runs) {
            let input = r.json["input"] as! [String: Any]
            let file = (input["files"] as! [[String: Any]])[0]
            #expect(file["format"] as? String == "combined" && file["envelope"] as? String == "cri", "\(name)")
            #expect(input["parsed"] as? Int == 2 && input["rejected"] as? Int == 1 && input["ignored"] as? Int == 1, "\(name)")
            #expect((input["rejected_by_reason"] as? [String: Any])?["malformed"] as? Int == 1, "\(name)")
            let samples = input["rejected_samples"] as? [[String: Any]] ?? []
            #expect(samples.contains { ($0["sample"] as? String)?.contains("partial line never completed") == true }, "\(name)")
            #expect(!r.text.contains("0123456789abcdefghij"), "\(name)")
        }
    }
}
