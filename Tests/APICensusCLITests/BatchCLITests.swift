import Foundation
import Testing

@Suite(.serialized) struct BatchCLITests {
    let dir: URL

    init() throws { dir = try CLI.temporaryDirectory() }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func generate(_ name: String, lines: Int, seed: Int, format: String = "combined", gzip: Bool = false) throws {
        var args = ["generate", "--format", format, "--lines", "\(lines)", "--seed", "\(seed)", "-o", path(name)]
        if gzip { args.append("--gzip") }
        let r = try CLI.run(args)
        #expect(r.status == 0, "\(r.stderr)")
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(name)))
    }

    @Test func reportIsDeterministicAcrossThreadsAndFileOrder() throws {
        try generate("a.log", lines: 30_000, seed: 1)
        try generate("b.log.gz", lines: 20_000, seed: 2, gzip: true)
        try generate("c.json", lines: 10_000, seed: 3, format: "json")
        let one = try CLI.run(["batch", "--threads", "1", path("a.log"), path("b.log.gz"), path("c.json")])
        let two = try CLI.run(["batch", "--threads", "2", path("c.json"), path("a.log"), path("b.log.gz")])
        // Small range size forces the plain file to be split across workers.
        #expect(one.status == 0, "\(one.stderr)")
        #expect(two.status == 0, "\(two.stderr)")
        #expect(one.stdout == two.stdout)
        let input = one.json["input"] as! [String: Any]
        #expect(input["lines"] as? Int == 60_000)
        #expect(input["parsed"] as? Int == 60_000)
        #expect(input["rejected"] as? Int == 0)
        let formats = input["formats"] as! [String: Any]
        #expect(formats["combined"] as? Int == 50_000)
        #expect(formats["json"] as? Int == 10_000)
        let files = input["files"] as! [[String: Any]]
        #expect(files.map { $0["encoding"] as! String } == ["plain", "gzip", "plain"])
    }

    @Test func reportValidatesAgainstTheSchema() throws {
        try generate("v.log", lines: 5_000, seed: 9, format: "vhost_combined")
        try write("bad.log", "1.2.3.4 - - [10/Oct/2023:08:32:31 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"\nnot a log line\n")
        let r = try CLI.run(["batch", "--timestamp", path("v.log"), path("bad.log"), path("missing.log")])
        #expect(r.status == 3)
        try r.stdout.write(to: URL(fileURLWithPath: path("report.json")))
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas/report.schema.json").path
        let status = try CLI.shell("python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])), cls=jsonschema.Draft202012Validator)' '\(schema)' '\(path("report.json"))'")
        #expect(status == 0, "the report does not validate against Schemas/report.schema.json")
    }

    @Test func truncatedGzipKeepsWhatWasReadAndExitsThree() throws {
        try generate("t.log.gz", lines: 50_000, seed: 4, gzip: true)
        let full = try Data(contentsOf: URL(fileURLWithPath: path("t.log.gz")))
        try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: path("half.log.gz")))
        try generate("ok.log", lines: 1_000, seed: 5)
        let r = try CLI.run(["batch", path("half.log.gz"), path("ok.log")])
        #expect(r.status == 3)
        #expect(r.stderr.contains("half.log.gz"))
        let input = r.json["input"] as! [String: Any]
        let errors = input["errors"] as! [[String: Any]]
        #expect(errors.count == 1)
        #expect(errors[0]["kind"] as? String == "truncated_gzip")
        #expect((errors[0]["offset"] as? Int ?? 0) > 0)
        #expect((errors[0]["line"] as? Int ?? 0) > 10_000)
        // Everything before the cut is counted, and the other file too.
        #expect((input["parsed"] as! Int) > 11_000)
        let files = input["files"] as! [[String: Any]]
        #expect(files.first { ($0["path"] as! String).hasSuffix("ok.log") }?["parsed"] as? Int == 1_000)
    }

    @Test func edgeCaseLinesAndTooLongLine() throws {
        let good = "10.0.0.1 - - [10/Oct/2023:08:32:31 +0000] \"GET /v1/items/42 HTTP/1.1\" 200 12 \"-\" \"curl/8\""
        let long = "10.0.0.1 - - [10/Oct/2023:08:32:31 +0000] \"GET /" + String(repeating: "a", count: 2 << 20) + " HTTP/1.1\" 200 1 \"-\" \"-\""
        var data = Data((good + "\r\n" + "\n" + good + "\n" + long + "\n" + good + " ").utf8)
        data.append(contentsOf: [0xFF, 0xFE, 0x0A])  // bytes that are not UTF-8
        data.append(contentsOf: good.utf8)           // last line without newline
        try data.write(to: URL(fileURLWithPath: path("edge.log")))
        let r = try CLI.run(["batch", "--compact", path("edge.log")])
        #expect(r.status == 0, "\(r.stderr)")
        let input = r.json["input"] as! [String: Any]
        #expect(input["lines"] as? Int == 6)
        #expect(input["parsed"] as? Int == 4)
        #expect(input["ignored"] as? Int == 1)
        #expect((input["rejected_by_reason"] as! [String: Int])["too_long"] == 1)
        let samples = input["rejected_samples"] as! [[String: Any]]
        #expect(samples.first?["line"] as? Int == 4)
        let endpoints = r.json["endpoints"] as! [[String: Any]]
        #expect(endpoints.count == 1)
        #expect(endpoints[0]["template"] as? String == "/v1/items/{int}")
        #expect(endpoints[0]["calls"] as? Int == 4)
    }

    @Test func stdinAndDirectoriesAreRead() throws {
        try FileManager.default.createDirectory(atPath: path("sub/deeper"), withIntermediateDirectories: true)
        try generate("sub/x.log", lines: 100, seed: 6)
        try generate("sub/deeper/y.log.gz", lines: 200, seed: 7, gzip: true)
        let viaDir = try CLI.run(["batch", path("sub")])
        #expect(viaDir.status == 0, "\(viaDir.stderr)")
        #expect((viaDir.json["input"] as! [String: Any])["lines"] as? Int == 300)
        let data = try Data(contentsOf: URL(fileURLWithPath: path("sub/x.log")))
        let viaStdin = try CLI.run(["batch", "-"], stdin: data)
        #expect(viaStdin.status == 0, "\(viaStdin.stderr)")
        let input = viaStdin.json["input"] as! [String: Any]
        #expect(input["parsed"] as? Int == 100)
        #expect((input["files"] as! [[String: Any]]).first?["format"] as? String == "combined")
    }

    @Test func usageErrorsExitTwo() throws {
        let r = try CLI.run(["batch", "--format", "nope", "x.log"])
        #expect(r.status == 2, "status \(r.status)")
        #expect(r.stderr.contains("unknown --format"))
    }
}

extension BatchCLITests {
    @Test func forcedFormatAndFieldMap() throws {
        try write("custom.json", #"{"ts":"2023-10-10T08:32:31Z","ip":"10.0.0.1","verb":"GET","url":"/v1/items/7?x=1","code":200}"# + "\n")
        let forced = try CLI.run(["batch", "--format", "json", "--field-map", "time=ts,method=verb,target=url,status=code", path("custom.json")])
        #expect(forced.status == 0, "\(forced.stderr)")
        let endpoints = forced.json["endpoints"] as! [[String: Any]]
        #expect(endpoints.first?["template"] as? String == "/v1/items/{int}")
        #expect(endpoints.first?["method"] as? String == "GET")
        let bad = try CLI.run(["batch", "--field-map", "nosuchfield=x", path("custom.json")])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("nosuchfield"))
    }
}

extension BatchCLITests {
    @Test func failedPathsDoNotDependOnArgumentOrder() throws {
        try generate("ok.log", lines: 100, seed: 1)
        let a = try CLI.run(["batch", path("nope_b"), path("ok.log"), path("nope_a")])
        let b = try CLI.run(["batch", path("nope_a"), path("nope_b"), path("ok.log")])
        #expect(a.status == 3 && b.status == 3)
        #expect(a.stdout == b.stdout)
        #expect(a.stderr.contains("nope_a: unreadable"))
    }

    @Test func unwritableOutputExitsOneBeforeWorking() throws {
        try generate("ok.log", lines: 10, seed: 1)
        let r = try CLI.run(["batch", "-o", path("no/such/dir/report.json"), path("ok.log")])
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot write the report"))
    }

    @Test func namedPipeIsReadAsAStream() throws {
        try generate("ok.log", lines: 400, seed: 2)
        let fifo = path("fifo")
        #expect(try CLI.shell("mkfifo '\(fifo)'") == 0)
        // The writer blocks until apicensus opens the pipe, so it runs beside it.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "cat '\(path("ok.log"))' > '\(fifo)'"]
        try writer.run()
        let r = try CLI.run(["batch", fifo])
        writer.waitUntilExit()
        #expect(r.status == 0, "\(r.stderr)")
        #expect((r.json["input"] as! [String: Any])["parsed"] as? Int == 400)
    }

    @Test func aLongFirstLineDoesNotHideTheFormat() throws {
        let good = "10.0.0.1 - - [10/Oct/2023:08:32:31 +0000] \"GET /v1/items/42 HTTP/1.1\" 200 12 \"-\" \"curl/8\"\n"
        let long = "10.0.0.1 - - [10/Oct/2023:08:32:31 +0000] \"GET /" + String(repeating: "a", count: 70_000) + " HTTP/1.1\" 200 1 \"-\" \"-\"\n"
        try write("longfirst.log", long + String(repeating: good, count: 5))
        let r = try CLI.run(["batch", path("longfirst.log")])
        #expect(r.status == 0, "\(r.stderr)")
        let input = r.json["input"] as! [String: Any]
        #expect(input["parsed"] as? Int == 6)
    }
}

extension BatchCLITests {
    @Test func manyWorkersOnOneLargeGzipStreamDoNotDeadlock() throws {
        // More workers than the stream has buffers, on more data than the buffers hold.
        try generate("big.log.gz", lines: 130_000, seed: 8, gzip: true)
        try generate("small.log.gz", lines: 2_000, seed: 9, gzip: true)
        let six = try CLI.run(["batch", "--threads", "6", path("big.log.gz"), path("small.log.gz")])
        let one = try CLI.run(["batch", "--threads", "1", path("big.log.gz"), path("small.log.gz")])
        #expect(six.status == 0 && one.status == 0, "\(six.stderr)")
        #expect((six.json["input"] as! [String: Any])["parsed"] as? Int == 132_000)
        #expect(six.stdout == one.stdout)
    }

    @Test func outputOverAnInputIsWrittenAfterReadingIt() throws {
        try generate("self.log", lines: 300, seed: 3)
        let r = try CLI.run(["batch", "-o", path("self.log"), path("self.log")])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("self.log")))) as! [String: Any]
        #expect((report["input"] as! [String: Any])["parsed"] as? Int == 300)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("apicensus-") }
        #expect(leftovers.isEmpty)
    }
}
