import Testing
#if canImport(Foundation)
import Foundation
#endif
@testable import APICensusCore

/// A `RawCall` copied into strings, so it outlives the parser's buffers.
struct JSONCallSnapshot: Equatable {
    var method = "", target = "", version = "", host = "", client = "", user = "", referrer = "", userAgent = ""
    var status: Int32 = -1
    var bytes: Int64 = -1
    var millis: Int64 = RawCall.unknownTime
    var micros: Int64 = -1
    var valid = true

    init(_ c: RawCall) {
        method = c.method.text; target = c.target.text; version = c.httpVersion.text
        host = c.host.text; client = c.client.text; user = c.user.text
        referrer = c.referrer.text; userAgent = c.userAgent.text
        status = c.status; bytes = c.responseBytes; millis = c.timestampMillis
        micros = c.durationMicros; valid = c.requestIsValid
    }
}

@Suite struct JSONLinesParserTests {
    func parse(_ line: String, _ map: FieldMap = .default) -> (LineOutcome, JSONCallSnapshot) {
        var parser = JSONLinesParser(fieldMap: map)
        return parse(&parser, Array(line.utf8))
    }

    func parse(_ parser: inout JSONLinesParser, _ bytes: [UInt8]) -> (LineOutcome, JSONCallSnapshot) {
        var call = RawCall()
        let outcome = bytes.withUnsafeBufferPointer { parser.parse($0, into: &call) }
        return (outcome, JSONCallSnapshot(call))
    }

    // 2023-10-10T08:32:31Z
    static let t0: Int64 = 1_696_926_751_000

    static let nginxLine = #"{"time_local":"10/Oct/2023:08:32:31 +0000","remote_addr":"203.0.113.9","remote_user":"-","request":"GET /api/v1/users/42?expand=true HTTP/1.1","status":200,"body_bytes_sent":512,"request_time":0.004,"http_referer":"-","http_user_agent":"curl/8.4.0","http_x_forwarded_for":"198.51.100.1","upstream_response_time":"0.003","host":"api.example.com"}"#

    @Test func typicalNginxLine() {
        let (outcome, c) = parse(Self.nginxLine)
        #expect(outcome == .call)
        #expect(c.method == "GET")
        #expect(c.target == "/api/v1/users/42?expand=true")
        #expect(c.version == "HTTP/1.1")
        #expect(c.status == 200)
        #expect(c.bytes == 512)
        #expect(c.millis == Self.t0)
        #expect(c.micros == 4000)
        #expect(c.client == "203.0.113.9")  // not X-Forwarded-For
        #expect(c.user == "-")
        #expect(c.referrer == "-")
        #expect(c.userAgent == "curl/8.4.0")
        #expect(c.host == "api.example.com")
        #expect(c.valid)
    }

    @Test func parserIsReusableAcrossLines() {
        var parser = JSONLinesParser()
        let a = parse(&parser, Array(#"{"request":"POST /a HTTP/2.0","status":"201","remote_user":"bob"}"#.utf8))
        let b = parse(&parser, Array(#"{"request_method":"GET","request_uri":"/b\/c"}"#.utf8))
        #expect(a.0 == .call && a.1.method == "POST" && a.1.status == 201 && a.1.user == "bob")
        #expect(b.0 == .call && b.1.method == "GET" && b.1.target == "/b/c")
        #expect(b.1.status == -1 && b.1.user == "")  // nothing stale from the previous line
    }

    @Test func requestLineForms() {
        var c = parse(#"{"request":"GET /x"}"#).1        // HTTP/0.9
        #expect(c.method == "GET" && c.target == "/x" && c.version == "" && c.valid)
        c = parse(#"{"request":"GET /a b HTTP/1.1"}"#).1  // space in target
        #expect(c.target == "/a b" && c.version == "HTTP/1.1" && c.valid)
        c = parse(#"{"request":"CONNECT example.com:443 HTTP/1.1"}"#).1
        #expect(c.method == "CONNECT" && c.target == "example.com:443")
        c = parse(#"{"request":"GET /x HTTP/1.1","server_protocol":"HTTP/2.0"}"#).1
        #expect(c.version == "HTTP/1.1")
        c = parse(#"{"request":"GET /x","server_protocol":"HTTP/1.0"}"#).1
        #expect(c.version == "HTTP/1.0")
    }

    @Test func invalidRequestLinesAreCallsButNotValidRequests() {
        for request in ["", "-", "\\x16\\x03\\x01\\x00\\xF1\\x01", "GET", "GET  HTTP/1.1", "G(T /x HTTP/1.1", "GET /x foo", "\\u0000\\u0001"] {
            let (outcome, c) = parse(#"{"request":""# + request + #"","status":400}"#)
            #expect(outcome == .call, "\(request)")
            #expect(!c.valid, "\(request)")
            #expect(c.status == 400)
        }
    }

    @Test func methodAndTargetFields() {
        var c = parse(#"{"request_method":"DELETE","request_uri":"/items/7?force=1","server_protocol":"HTTP/1.1"}"#).1
        #expect(c.method == "DELETE" && c.target == "/items/7?force=1" && c.version == "HTTP/1.1" && c.valid)
        // target wins over path + query
        c = parse(#"{"method":"GET","request_uri":"/raw%20x?y","uri":"/raw x","args":"y"}"#).1
        #expect(c.target == "/raw%20x?y")
    }

    @Test func methodPathAndQueryAreAssembled() {
        var c = parse(#"{"request_method":"GET","uri":"/search","args":"q=a%20b&page=2","protocol":"HTTP/1.1"}"#).1
        #expect(c.target == "/search?q=a%20b&page=2")
        #expect(c.version == "HTTP/1.1")
        c = parse(#"{"method":"GET","path":"/p\/q","query_string":"x=\u0031"}"#).1
        #expect(c.target == "/p/q?x=1")
        c = parse(#"{"method":"GET","request_path":"/p","query":""}"#).1
        #expect(c.target == "/p")
        c = parse(#"{"method":"GET","path":"/p?already=1","query":"other=2"}"#).1
        #expect(c.target == "/p?already=1")
        c = parse(#"{"method":"GET","path":"/only"}"#).1
        #expect(c.target == "/only")
    }

    @Test func missingAndPartialRequests() {
        #expect(parse(#"{"status":200,"remote_addr":"1.2.3.4"}"#).0 == .rejected(.missingField))
        #expect(parse(#"{"request":null,"request_method":null,"status":200}"#).0 == .rejected(.missingField))
        // A request object (Kong) is not a request line.
        #expect(parse(#"{"request":{"method":"GET"}}"#).0 == .rejected(.missingField))
        // A method alone is a call without a valid request.
        let m = parse(#"{"method":"GET"}"#)
        #expect(m.0 == .call && !m.1.valid)
        // A path alone (custom formats) is a valid call with no method.
        let p = parse(#"{"path":"/x"}"#)
        #expect(p.0 == .call && p.1.valid && p.1.method == "" && p.1.target == "/x")
        // Empty method and target (NGINX for a closed connection).
        let e = parse(#"{"request_method":"","request_uri":"","status":400}"#)
        #expect(e.0 == .call && !e.1.valid)
    }

    @Test func emptyAndInvalidLines() {
        #expect(parse("").0 == .ignored)
        #expect(parse("   \t").0 == .ignored)
        #expect(parse("not json").0 == .rejected(.invalidJSON))
        #expect(parse(#"[{"request":"GET / HTTP/1.1"}]"#).0 == .rejected(.invalidJSON))
        #expect(parse(#"{"request":"GET / HTTP/1.1""#).0 == .rejected(.invalidJSON))
        #expect(parse(#"{"request":"GET / HTTP/1.1"} trailing"#).0 == .rejected(.invalidJSON))
        #expect(parse(#"{"request" "GET / HTTP/1.1"}"#).0 == .rejected(.invalidJSON))
        #expect(parse(#"{"request":"GET / HTTP/1.1","h":{"a":[}}"#).0 == .rejected(.invalidJSON))
        #expect(parse("10.0.0.1 - - [10/Oct/2023:08:32:31 +0000] \"GET / HTTP/1.1\" 200 1").0 == .rejected(.invalidJSON))
    }

    @Test func statusAsNumberOrString() {
        #expect(parse(#"{"request":"GET / HTTP/1.1","status":404}"#).1.status == 404)
        #expect(parse(#"{"request":"GET / HTTP/1.1","status":"503"}"#).1.status == 503)
        #expect(parse(#"{"request":"GET / HTTP/1.1","response_status":301}"#).1.status == 301)
        #expect(parse(#"{"request":"GET / HTTP/1.1","status_code":"204"}"#).1.status == 204)
        #expect(parse(#"{"request":"GET / HTTP/1.1","status":0}"#).1.status == 0)
        #expect(parse(#"{"request":"GET / HTTP/1.1","status":null}"#).1.status == -1)
        #expect(parse(#"{"request":"GET / HTTP/1.1","status":"-"}"#).1.status == -1)
        #expect(parse(#"{"request":"GET / HTTP/1.1"}"#).1.status == -1)
        for bad in [#""OK""#, #""2OO""#, "200.0", "2000", "-1", "true", "{}", "[200]", #"" 200""#] {
            #expect(parse(#"{"request":"GET / HTTP/1.1","status":"# + bad + "}").0 == .rejected(.badStatus), "\(bad)")
        }
    }

    @Test func timestampForms() {
        func millis(_ json: String) -> (LineOutcome, Int64) {
            let r = parse(#"{"request":"GET / HTTP/1.1","# + json + "}")
            return (r.0, r.1.millis)
        }
        #expect(millis(#""time_local":"10/Oct/2023:10:32:31 +0200""#).1 == Self.t0)
        #expect(millis(#""time_iso8601":"2023-10-10T08:32:31+00:00""#).1 == Self.t0)
        #expect(millis(#""@timestamp":"2023-10-10T08:32:31.250Z""#).1 == Self.t0 + 250)
        #expect(millis(#""timestamp":"2023-10-10 08:32:31""#).1 == Self.t0)
        #expect(millis(#""time":"2023-10-10T08:32:31Z""#).1 == Self.t0)
        #expect(millis(#""msec":1696926751.123"#).1 == Self.t0 + 123)
        #expect(millis(#""msec":"1696926751.123""#).1 == Self.t0 + 123)
        #expect(millis(#""ts":1696926751123"#).1 == Self.t0 + 123)
        #expect(millis(#""date":"2023-10-10T10:32:31+02:00""#).1 == Self.t0)
        #expect(millis(#""time_local":null"#).1 == RawCall.unknownTime)
        #expect(millis(#""time_local":"-""#).1 == RawCall.unknownTime)
        #expect(millis(#""other":1"#) == (.call, RawCall.unknownTime))
        // The first present candidate is authoritative.
        #expect(millis(#""msec":"1696926751","time_local":"garbage""#).0 == .rejected(.badTimestamp))
        #expect(millis(#""time_local":"yesterday""#).0 == .rejected(.badTimestamp))
        #expect(millis(#""time_iso8601":"2023-13-10T08:32:31Z""#).0 == .rejected(.badTimestamp))
        #expect(millis(#""msec":1.6969e9"#).0 == .rejected(.badTimestamp))
        #expect(millis(#""time":true"#).0 == .rejected(.badTimestamp))
    }

    @Test func durations() {
        func micros(_ json: String) -> Int64 { parse(#"{"request":"GET / HTTP/1.1","# + json + "}").1.micros }
        #expect(micros(#""request_time":0.004"#) == 4_000)
        #expect(micros(#""request_time":"1.5""#) == 1_500_000)
        #expect(micros(#""request_time":2"#) == 2_000_000)
        #expect(micros(#""request_time":0.0000025"#) == 3)    // rounded to the microsecond
        #expect(micros(#""request_time":2.701e-06"#) == 3)
        #expect(micros(#""request_time":"-""#) == -1)
        #expect(micros(#""duration_ms":12"#) == 12_000)
        #expect(micros(#""request_time_ms":"0.5""#) == 500)
        #expect(micros(#""duration_us":"1234""#) == 1_234)
        #expect(micros(#""request_time_us":99"#) == 99)
        #expect(micros(#""upstream_response_time":"0.003""#) == -1)  // not the request duration
        #expect(micros(#""request_time":0.010,"duration_ms":999"#) == 10_000)  // seconds first
    }

    @Test func bytesForms() {
        func bytes(_ json: String) -> Int64 { parse(#"{"request":"GET / HTTP/1.1","# + json + "}").1.bytes }
        #expect(bytes(#""body_bytes_sent":512"#) == 512)
        #expect(bytes(#""bytes_sent":"1024""#) == 1024)
        #expect(bytes(#""response_bytes":0"#) == 0)
        #expect(bytes(#""bytes":7"#) == 7)
        #expect(bytes(#""length":192"#) == 192)
        #expect(bytes(#""body_bytes_sent":"-""#) == -1)
        #expect(bytes(#""body_bytes_sent":"x""#) == -1)
        // body_bytes_sent is preferred to bytes_sent (which includes headers).
        #expect(bytes(#""bytes_sent":900,"body_bytes_sent":512"#) == 512)
    }

    /// One line per name of every default family; each must land in its field.
    @Test func everyDefaultFieldName() {
        let base = #""request":"GET /r HTTP/1.1""#
        func snap(_ json: String) -> JSONCallSnapshot {
            let (o, c) = parse("{" + base + "," + json + "}")
            #expect(o == .call, "\(json)")
            return c
        }
        for key in ["remote_addr", "client_ip", "clientip", "client", "remote_ip", "ip"] {
            #expect(snap(#""\#(key)":"192.0.2.1""#).client == "192.0.2.1", "\(key)")
        }
        #expect(snap(#""http_x_forwarded_for":"192.0.2.1""#).client == "")
        #expect(snap(#""remote_user":"alice""#).user == "alice")
        for key in ["host", "http_host", "server_name"] {
            #expect(snap(#""\#(key)":"h.example""#).host == "h.example", "\(key)")
        }
        for key in ["http_referer", "http_referrer", "referer", "referrer"] {
            #expect(snap(#""\#(key)":"https://r.example/""#).referrer == "https://r.example/", "\(key)")
        }
        for key in ["http_user_agent", "user_agent", "agent"] {
            #expect(snap(#""\#(key)":"UA/1""#).userAgent == "UA/1", "\(key)")
        }
        for key in ["status", "response_status", "status_code"] {
            #expect(snap(#""\#(key)":418"#).status == 418, "\(key)")
        }
        for key in ["body_bytes_sent", "bytes_sent", "response_bytes", "bytes", "length"] {
            #expect(snap(#""\#(key)":3"#).bytes == 3, "\(key)")
        }
        for key in ["time_local", "time_iso8601", "@timestamp", "timestamp", "time", "msec", "ts", "date"] {
            let value = key == "time_local" ? #""10/Oct/2023:08:32:31 +0000""#
                : key == "msec" || key == "ts" ? "1696926751" : #""2023-10-10T08:32:31Z""#
            #expect(snap(#""\#(key)":\#(value)"#).millis == Self.t0, "\(key)")
        }
        for key in ["request_method", "method"] {
            let c = parse(#"{"\#(key)":"PATCH","request_uri":"/m"}"#).1
            #expect(c.method == "PATCH" && c.target == "/m", "\(key)")
        }
        for key in ["uri", "path", "request_path"] {
            for q in ["args", "query_string", "query"] {
                let c = parse(#"{"method":"GET","\#(key)":"/u","\#(q)":"a=1"}"#).1
                #expect(c.target == "/u?a=1", "\(key) \(q)")
            }
        }
        for key in ["server_protocol", "protocol"] {
            #expect(parse(#"{"method":"GET","uri":"/","\#(key)":"HTTP/2.0"}"#).1.version == "HTTP/2.0", "\(key)")
        }
    }

    @Test func fieldMapOverride() throws {
        let map = try FieldMap(parsing: "method=req.verb, target = req.url|url , status=resp.code,client=peer.ip,user=")
        #expect(map[.method] == ["req.verb"])
        #expect(map[.target] == ["req.url", "url"])
        #expect(map[.user] == [])
        #expect(map[.userAgent] == FieldMap.default[.userAgent])  // untouched fields keep the defaults
        #expect(map[.request] == ["request"])
        let line = #"{"req":{"verb":"PUT","url":"/v2/x?y=1"},"resp":{"code":"202"},"peer":{"ip":"::1"},"remote_user":"bob","user_agent":"UA","status":"nope"}"#
        let (o, c) = parse(line, map)
        #expect(o == .call)
        #expect(c.method == "PUT" && c.target == "/v2/x?y=1" && c.status == 202 && c.client == "::1")
        #expect(c.user == "")       // turned off
        #expect(c.userAgent == "UA")
        // Second alternative used when the first is absent.
        #expect(parse(#"{"req":{"verb":"GET"},"url":"/alt"}"#, map).1.target == "/alt")
    }

    @Test func fieldMapOverridingAndBase() throws {
        let only = try FieldMap(parsing: "request=r", base: FieldMap([:]))
        #expect(only.candidates == [.request: ["r"]])
        let merged = FieldMap.default.overriding(with: only)
        #expect(merged[.request] == ["r"])
        #expect(merged[.status] == FieldMap.default[.status])
        #expect(try FieldMap(parsing: "") == .default)
        #expect(try FieldMap(parsing: "user_agent=ua,userAgent=ua2,duration_ms=t")[.userAgent] == ["ua2"])
        #expect(try FieldMap(parsing: "duration_ms=t")[.durationMillis] == ["t"])
        #expect(try FieldMap(parsing: only.spec, base: FieldMap([:])) == only)
    }

    @Test func fieldMapErrors() {
        do {
            _ = try FieldMap(parsing: "methd=verb")
            Issue.record("expected an error")
        } catch let error as FieldMapError {
            #expect(error.message.contains("unknown field 'methd'"))
            for field in FieldMap.Field.allCases {
                #expect(error.message.contains(field.rawValue), "\(field)")
            }
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: FieldMapError.self) { try FieldMap(parsing: "method") }
        #expect(throws: FieldMapError.self) { try FieldMap(parsing: "method=a..b") }
        #expect(throws: FieldMapError.self) { try FieldMap(parsing: "method=.a") }
    }

    @Test func caddyShapeViaFieldMap() throws {
        let map = try FieldMap(parsing: "time=ts,method=request.method,target=request.uri,protocol=request.proto,host=request.host,client=request.client_ip|request.remote_ip,status=status,bytes=size,duration=duration,userAgent=request.headers.User-Agent", base: FieldMap([:]))
        let line = #"{"level":"info","ts":1703373474.8155608,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"1.2.3.4","remote_port":"64985","client_ip":"1.2.3.4","proto":"HTTP/2.0","method":"GET","host":"example.com","uri":"/beta/","headers":{"Te":["trailers"],"Sec-Fetch-User":["?1"]},"tls":{"resumed":false,"version":772,"cipher_suite":4865,"proto":"h2","server_name":"example.com"}},"bytes_read":0,"user_id":"","duration":0.001335486,"size":3609,"status":200,"resp_headers":{"Alt-Svc":["h3=\":443\"; ma=2592000"],"Server":["Caddy","nginx/1.20.1"]}}"#
        let (o, c) = parse(line, map)
        #expect(o == .call)
        #expect(c.method == "GET" && c.target == "/beta/" && c.version == "HTTP/2.0" && c.host == "example.com")
        #expect(c.client == "1.2.3.4" && c.status == 200 && c.bytes == 3609 && c.micros == 1335)
        #expect(c.millis == 1_703_373_474_815)
        #expect(c.userAgent == "")  // an array, not a scalar
    }

    @Test func escapedAndNonUTF8Values() {
        let (o, c) = parse(#"{"request":"GET /caf\u00e9?q=\"x\" HTTP/1.1","http_user_agent":"Mozilla\/5.0 \ud83d\ude00","status":200}"#)
        #expect(o == .call)
        #expect(c.target == "/café?q=\"x\"")
        #expect(c.userAgent == "Mozilla/5.0 😀")
        var parser = JSONLinesParser()
        let raw = Array(#"{"request":"GET /"#.utf8) + [0xFF, 0xFE, 0xC0] + Array(#" HTTP/1.1","http_user_agent":""#.utf8) + [0x80, 0x81] + Array(#""}"#.utf8)
        var call = RawCall()
        let outcome = raw.withUnsafeBufferPointer { parser.parse($0, into: &call) }
        #expect(outcome == .call)
        #expect(Array(call.target) == [0x2F, 0xFF, 0xFE, 0xC0])
        #expect(Array(call.userAgent) == [0x80, 0x81])
    }

    @Test func matomoNginxJSONLine() {
        let line = #"{"idsite":1,"ip": "1.2.3.4","host": "www.piwik.org","path": "/piwik.php?action_name=Clearcode&idsite=1","status": "200","referrer": "http://clearcode.cc/","user_agent": "Mozilla/5.0 (Windows NT 6.1; WOW64)","length": 192,"generation_time_milli": 0.008,"date": "2013-10-10T16:52:00+02:00"}"#
        let (o, c) = parse(line)
        #expect(o == .call)
        #expect(c.client == "1.2.3.4" && c.host == "www.piwik.org" && c.status == 200 && c.bytes == 192)
        #expect(c.target == "/piwik.php?action_name=Clearcode&idsite=1" && c.method == "" && c.valid)
        #expect(c.referrer == "http://clearcode.cc/")
        #expect(c.millis == 1_381_416_720_000)
    }

    /// The NGINX JSON corpus (not shipped with the package): at least 95% of lines must parse.
    @Test func nginxJSONCorpus() throws {
        #if canImport(Foundation)
        let corpus = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../shared/corpus/nginx_json").standardized
        guard FileManager.default.fileExists(atPath: corpus.path),
              let walker = FileManager.default.enumerator(atPath: corpus.path) else { return }
        var lines = 0
        var calls = 0
        var parser = JSONLinesParser()
        var call = RawCall()
        for case let name as String in walker where name.hasSuffix(".log") || name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl") {
            let data = try Data(contentsOf: corpus.appendingPathComponent(name))
            for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
                var bytes = Array(line)
                if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                let outcome = bytes.withUnsafeBufferPointer { parser.parse($0, into: &call) }
                if outcome == .ignored { continue }
                lines += 1
                if outcome == .call { calls += 1 }
            }
        }
        #expect(lines > 0, "the corpus directory exists but holds no lines")
        #expect(Double(calls) >= 0.95 * Double(lines), "\(calls) of \(lines) lines parsed")
        #endif
    }
}
