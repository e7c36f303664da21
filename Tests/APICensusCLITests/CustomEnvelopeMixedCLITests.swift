import Foundation
import Testing

/// `apicensus batch` end to end on custom formats, enveloped lines, mixed inputs and ModSecurity's
/// native audit log.
@Suite(.serialized) struct CustomEnvelopeMixedCLITests {
    let dir: URL

    init() throws { dir = try CLI.temporaryDirectory() }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(name)))
    }

    func files(_ r: CLI.Result) -> [[String: Any]] { (r.json["input"] as? [String: Any])?["files"] as? [[String: Any]] ?? [] }

    /// The NGINX format the generator's `custom` writer uses (CustomFormat.recommendedNGINX).
    static let recommendedNGINX = #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "#
        + #""$http_referer" "$http_user_agent" $host $scheme $ssl_protocol $ssl_cipher $ssl_client_verify "#
        + #"$request_time $upstream_addr $request_id "$http_x_forwarded_for" $auth_scheme"#

    @Test func generatedStylesAreReadBackWithFormatAndEnvelope() throws {
        let expected: [(style: String, format: String, envelope: String?, extra: [String])] = [
            ("syslog_combined", "combined", "syslog", []),
            ("docker_json_combined", "combined", "docker_json", []),
            ("modsecurity_native", "modsecurity_native", nil, []),
            ("custom", "custom", nil, ["--log-format", "nginx:" + Self.recommendedNGINX]),
        ]
        for e in expected {
            let log = try CLI.run(["generate", "--format", e.style, "--lines", "300", "--seed", "3"])
            #expect(log.status == 0, "\(e.style): \(log.stderr)")
            let report = try CLI.run(["batch"] + e.extra + ["-"], stdin: log.stdout)
            #expect(report.status == 0, "\(e.style): \(report.stderr)")
            let input = report.json["input"] as! [String: Any]
            #expect(input["parsed"] as? Int == 300, "\(e.style)")
            #expect(input["rejected"] as? Int == 0, "\(e.style)")
            let file = files(report)[0]
            #expect(file["format"] as? String == e.format, "\(e.style)")
            #expect(file["envelope"] as? String == e.envelope, "\(e.style)")
            // Credentials the generator put in headers never reach the report.
            #expect(!report.text.contains("eyJ") && !report.text.contains("ak_test_") && !report.text.contains("Basic "), "\(e.style)")
            // Formats that log the host recover host-qualified templates.
            let endpoints = report.json["endpoints"] as! [[String: Any]]
            let hosts = Set(endpoints.compactMap { $0["host"] as? String })
            #expect(e.style.hasSuffix("combined") ? hosts.isEmpty : hosts.contains("api.shop.example"), "\(e.style): \(hosts)")
        }
    }

    @Test func customFormatFromTheCommandLine() throws {
        try write("apache.log", """
            192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] "GET /v1/items/7?x=1 HTTP/1.1" 200 2326 1234 shop.example TLSv1.3
            192.0.2.2 - - [10/Oct/2026:13:55:37 +0000] "GET /v1/items/8 HTTP/1.1" 404 - 99 shop.example -

            """)
        let r = try CLI.run(["batch", "--log-format", #"apache:%h %l %u %t \"%r\" %>s %b %D %{Host}i %{SSL_PROTOCOL}x"#, path("apache.log")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(files(r)[0]["format"] as? String == "custom")
        let endpoints = r.json["endpoints"] as! [[String: Any]]
        #expect(endpoints.count == 1 && endpoints[0]["host"] as? String == "shop.example" && endpoints[0]["template"] as? String == "/v1/items/{int}")
        // Forced with --format custom; unknown variables are named on stderr, the lines still parse.
        try write("nginx.log", "10.0.0.1 DE \"GET /a HTTP/1.1\" 200\n")
        let forced = try CLI.run(["batch", "--format", "custom", "--log-format", #"nginx:$remote_addr $geo_country "$request" $status"#, path("nginx.log")])
        #expect(forced.status == 0 && (forced.json["input"] as! [String: Any])["parsed"] as? Int == 1)
        #expect(forced.stderr.contains("$geo_country"))
    }

    @Test func badCustomFormatsAreUsageErrors() throws {
        try write("x.log", "x\n")
        let unknown = try CLI.run(["batch", "--log-format", #"apache:%h %Q \"%r\""#, path("x.log")])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown Apache LogFormat directive %Q") && unknown.stderr.contains("at character 4"))
        let dialect = try CLI.run(["batch", "--log-format", "%h %r", path("x.log")])
        #expect(dialect.status == 2 && dialect.stderr.contains("nginx: or apache:"))
        let noFormat = try CLI.run(["batch", "--format", "custom", path("x.log")])
        #expect(noFormat.status == 2 && noFormat.stderr.contains("--log-format"))
    }

    @Test func mixedInputIsParsedPerLineAndCountedPerFormat() throws {
        let mixed = """
            10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /v1/users/1 HTTP/1.1" 200 12 "-" "curl/8"
            {"time_iso8601":"2026-10-10T13:55:38+00:00","remote_addr":"10.0.0.3","request":"POST /v1/orders HTTP/1.1","status":201}
            <190>Oct 10 13:55:39 web-1 nginx: 10.0.0.4 - - [10/Oct/2026:13:55:39 +0000] "DELETE /v1/users/4 HTTP/1.1" 204 0 "-" "curl/8"
            10.0.0.2 - - [10/Oct/2026:13:55:37 +0000] "GET /v1/users/2 HTTP/1.1" 200 12 "-" "curl/8"
            {"time_iso8601":"2026-10-10T13:55:40+00:00","remote_addr":"10.0.0.5","request":"GET /v1/orders/5 HTTP/1.1","status":200}
            junk that no format reads

            """
        try write("mixed.log", mixed)
        let r = try CLI.run(["batch", path("mixed.log")])
        #expect(r.status == 0, "\(r.stderr)")
        let input = r.json["input"] as! [String: Any]
        #expect(input["parsed"] as? Int == 5 && input["rejected"] as? Int == 1)
        let file = files(r)[0]
        #expect(file["format"] as? String == "combined")
        #expect(file["formats"] as? [String: Int] == ["combined": 4, "json": 2])
        #expect(input["formats"] as? [String: Int] == ["combined": 4, "json": 2])
        // The same through stdin, and with --format mixed on an input detection calls uniform.
        let piped = try CLI.run(["batch", "-"], stdin: Data(mixed.utf8))
        #expect(files(piped)[0]["formats"] as? [String: Int] == ["combined": 4, "json": 2])
        try write("plain.log", "10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] \"GET /a HTTP/1.1\" 200 12 \"-\" \"curl/8\"\n")
        let forced = try CLI.run(["batch", "--format", "mixed", path("plain.log")])
        #expect(forced.status == 0 && files(forced)[0]["formats"] as? [String: Int] == ["combined": 1])
        // A uniform input has no per-file formats.
        #expect(files(try CLI.run(["batch", path("plain.log")]))[0]["formats"] == nil)
    }

    @Test func forcedFormatKeepsItsEnvelopeAndReportsValidate() throws {
        let log = try CLI.run(["generate", "--format", "syslog_combined", "--lines", "50", "--seed", "5", "-o", path("s.log")])
        #expect(log.status == 0)
        let forced = try CLI.run(["batch", "--format", "combined", path("s.log")])
        #expect(files(forced)[0]["envelope"] as? String == "syslog" && (forced.json["input"] as! [String: Any])["parsed"] as? Int == 50)
        let piped = try CLI.run(["batch", "--format", "combined", "-"], stdin: try Data(contentsOf: URL(fileURLWithPath: path("s.log"))))
        #expect(files(piped)[0]["envelope"] as? String == "syslog")
        // The additive fields validate against the schema.
        try write("mixed.log", "10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] \"GET /a HTTP/1.1\" 200 1 \"-\" \"-\"\n{\"remote_addr\":\"10.0.0.1\",\"request\":\"GET /b HTTP/1.1\",\"status\":200}\n")
        let r = try CLI.run(["batch", path("s.log"), path("mixed.log")])
        try r.stdout.write(to: URL(fileURLWithPath: path("report.json")))
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas/report.schema.json").path
        let status = try CLI.shell("python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])), cls=jsonschema.Draft202012Validator)' '\(schema)' '\(path("report.json"))'")
        #expect(status == 0, "the report does not validate against Schemas/report.schema.json")
    }
}
