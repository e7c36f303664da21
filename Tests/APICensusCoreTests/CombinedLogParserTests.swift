import Foundation
import Testing
@testable import APICensusCore

/// A `RawCall` copied out of the line buffer, so that tests can compare it after the buffer is gone.
struct ParsedCLF {
    var outcome: LineOutcome
    var method = "", target = "", version = "", host = "", client = "", user = "", referrer = "", agent = ""
    var status: Int32 = -1
    var bytes: Int64 = -1
    var time: Int64 = RawCall.unknownTime
    var duration: Int64 = -1
    var valid = true
}

@Suite struct CombinedLogParserTests {
    /// 10/Oct/2000:13:55:36 -0700
    static let oct2000: Int64 = 971_211_336_000

    func parse(_ bytes: [UInt8], _ format: LogFormat = .combined) -> ParsedCLF {
        var parser = CombinedLogParser(format: format)
        var call = RawCall()
        return bytes.withUnsafeBufferPointer { buf in
            let outcome = parser.parse(buf, into: &call)
            var r = ParsedCLF(outcome: outcome)
            r.method = call.method.text; r.target = call.target.text; r.version = call.httpVersion.text
            r.host = call.host.text; r.client = call.client.text; r.user = call.user.text
            r.referrer = call.referrer.text; r.agent = call.userAgent.text
            r.status = call.status; r.bytes = call.responseBytes; r.time = call.timestampMillis
            r.duration = call.durationMicros; r.valid = call.requestIsValid
            return r
        }
    }

    func parse(_ line: String, _ format: LogFormat = .combined) -> ParsedCLF { parse(Array(line.utf8), format) }

    // MARK: - The two formats

    @Test func combinedLine() {
        let r = parse(#"127.0.0.1 bob frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#)
        #expect(r.outcome == .call)
        #expect(r.client == "127.0.0.1")
        #expect(r.host == "")
        #expect(r.user == "frank")
        #expect(r.time == Self.oct2000)
        #expect(r.method == "GET")
        #expect(r.target == "/apache_pb.gif")
        #expect(r.version == "HTTP/1.0")
        #expect(r.valid)
        #expect(r.status == 200)
        #expect(r.bytes == 2326)
        #expect(r.referrer == "http://www.example.com/start.html")
        #expect(r.agent == "Mozilla/4.08 [en] (Win98; I ;Nav)")
        #expect(r.duration == -1)
    }

    @Test func commonLine() {
        let r = parse(#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#, .common)
        #expect(r.outcome == .call)
        #expect(r.client == "127.0.0.1")
        #expect(r.user == "frank")
        #expect(r.time == Self.oct2000)
        #expect(r.method == "GET" && r.target == "/apache_pb.gif" && r.version == "HTTP/1.0")
        #expect(r.status == 200 && r.bytes == 2326)
        #expect(r.referrer == "" && r.agent == "")
    }

    @Test func commonLineGivenToCombinedParser() {
        let r = parse(#"116.203.1.1 - - [05/Mar/2021:09:01:38 +0100] "GET /test/lists/sip_30d.txt HTTP/1.0" 200 1513"#)
        #expect(r.outcome == .call)
        #expect(r.target == "/test/lists/sip_30d.txt")
        #expect(r.status == 200 && r.bytes == 1513)
        #expect(r.referrer == "" && r.agent == "")
    }

    @Test func combinedLineGivenToCommonParser() {
        let r = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "POST /api/v1/orders HTTP/1.1" 201 17 "https://shop.example/" "curl/8.5.0""#, .common)
        #expect(r.outcome == .call)
        #expect(r.method == "POST" && r.target == "/api/v1/orders")
        #expect(r.status == 201 && r.bytes == 17)
        #expect(r.agent == "curl/8.5.0")
    }

    @Test func parserReportsItsFormat() {
        #expect(CombinedLogParser(format: .combined).format == .combined)
        #expect(CombinedLogParser(format: .common).format == .common)
    }

    // MARK: - Before the time

    @Test func leadingVirtualHost() {
        let r = parse(#"www.crowdsec.net 192.168.1.1 - - [08/Jun/2020:08:04:43 +0000] "GET /solr/admin/info/system?wt=json HTTP/1.1" 500 803 "-" "Mozilla/5.0""#)
        #expect(r.outcome == .call)
        #expect(r.host == "www.crowdsec.net")
        #expect(r.client == "192.168.1.1")
        #expect(r.user == "")
        #expect(r.target == "/solr/admin/info/system?wt=json")
    }

    @Test func leadingVirtualHostWithPortLosesThePort() {
        let r = parse(#"website.com:443 1.2.3.4 - - [25/Oct/2021:11:05:52 +0200] "GET /web/.well-known HTTP/1.1" 403 6963 "abc.com" "User-agent-string""#)
        #expect(r.outcome == .call)
        #expect(r.host == "website.com")
        #expect(r.client == "1.2.3.4")
        #expect(r.time == 1_635_152_752_000)
        #expect(r.referrer == "abc.com")
        #expect(r.agent == "User-agent-string")
        let v6 = parse(#"[2001:db8::5]:8443 1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "-""#)
        #expect(v6.host == "[2001:db8::5]")
        #expect(v6.client == "1.2.3.4")
    }

    @Test func bunkerwebVirtualHostAndRequestId() {
        let r = parse(#"www.example.com 172.18.0.1 - d65798fd987d1b2c09afa608325b91e6 - [22/Oct/2025:14:32:31 +0000] "POST /admin/login HTTP/2.0" 302 249 "https://www.example.com/admin/login" "Mozilla/5.0 (X11; Linux x86_64)""#)
        #expect(r.outcome == .call)
        #expect(r.host == "www.example.com")
        #expect(r.client == "172.18.0.1")
        #expect(r.user == "")
        #expect(r.method == "POST" && r.target == "/admin/login" && r.version == "HTTP/2.0")
        #expect(r.status == 302 && r.bytes == 249)
        #expect(r.referrer == "https://www.example.com/admin/login")
    }

    @Test func ipv6Clients() {
        let full = parse(#"2001:db8::1 - - [10/Oct/2000:13:55:36 -0700] "GET /v1/ping HTTP/1.1" 204 0 "-" "-""#)
        #expect(full.outcome == .call)
        #expect(full.client == "2001:db8::1")
        #expect(full.host == "")
        #expect(full.status == 204 && full.bytes == 0)
        let loopback = parse(#"::1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 12"#)
        #expect(loopback.outcome == .call)
        #expect(loopback.client == "::1")
        let vhost = parse(#"api.example.com ::1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 12"#)
        #expect(vhost.host == "api.example.com" && vhost.client == "::1")
    }

    @Test func forwardedForLists() {
        // elastic-beats nginx test.log shapes.
        let inClientPosition = parse(#"10.0.0.2, 10.0.0.1, 127.0.0.1 - - [07/Dec/2016:11:05:07 +0100] "GET /ocelot HTTP/1.1" 200 571 "-" "Mozilla/5.0""#)
        #expect(inClientPosition.outcome == .call)
        #expect(inClientPosition.client == "10.0.0.2")
        #expect(inClientPosition.host == "")
        #expect(inClientPosition.time == 1_481_105_107_000)
        let quotedPrefix = parse(#""10.5.102.222, 199.96.1.1, 204.246.1.1" 10.2.1.185 - - [22/Jan/2016:13:18:29 +0000] "GET /assets/xxxx?q=100 HTTP/1.1" 200 25507 "-" "Amazon CloudFront""#)
        #expect(quotedPrefix.outcome == .call)
        #expect(quotedPrefix.client == "10.2.1.185")
        #expect(quotedPrefix.host == "")
        #expect(quotedPrefix.agent == "Amazon CloudFront")
        let listPrefix = parse(#"2a03:0000:10ff:f00f:0000:0000:0:8000, 10.225.192.17 10.2.2.121 - - [30/Dec/2016:06:47:09 +0000] "GET /test.html HTTP/1.1" 404 8571 "-" "Facebot""#)
        #expect(listPrefix.outcome == .call)
        #expect(listPrefix.client == "10.2.2.121")
        #expect(listPrefix.status == 404)
    }

    @Test func dashFieldsAreEmpty() {
        let r = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 304 - "-" "-""#)
        #expect(r.outcome == .call)
        #expect(r.user == "")
        #expect(r.bytes == -1)
        #expect(r.referrer == "")
        #expect(r.agent == "")
        #expect(r.status == 304)
    }

    @Test func missingIdentToken() {
        // crowdsec nginx test: only one token between the client and the time.
        let r = parse(#"192.168.1.1 - [08/Jun/2020:08:04:43 +0000] "GET /api/test HTTP/1.1" 200 100 "-" "curl/7.68.0""#)
        #expect(r.outcome == .call)
        #expect(r.client == "192.168.1.1")
        #expect(r.user == "")
        #expect(r.target == "/api/test")
        let withUser = parse(#"192.168.1.1 - user123 [08/Jun/2020:08:04:43 +0000] "GET /api/login HTTP/1.1" 200 150 "-" "curl/7.68.0""#)
        #expect(withUser.user == "user123")
    }

    // MARK: - Trailing fields

    @Test func trailingRequestTimeBecomesDuration() {
        let r = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /v2/users/42 HTTP/1.1" 200 512 "-" "okhttp/4.9.0" 0.123 0.120"#)
        #expect(r.outcome == .call)
        #expect(r.duration == 123_000)
        #expect(r.agent == "okhttp/4.9.0")
    }

    @Test func trailingFieldsOfManyKinds() {
        // ingress-nginx upstreaminfo: request length (no dot) first, then request time.
        let ingress = parse(#"0.0.0.0 - bob [18/Mar/2023:15:00:00 +0000] "GET /some/path HTTP/2.0" 200 12312 "https://10.0.0.1/some/referer" "Mozilla/5.0" 462 0.050 [some-upstream-service-9000] [some-other-upstream-5000] 10.0.50.80:9000 19437 0.049 200 752178adb17130b291aefd8c386279e7"#)
        #expect(ingress.outcome == .call)
        #expect(ingress.duration == 50_000)
        #expect(ingress.user == "bob")
        #expect(ingress.time == 1_679_151_600_000)
        // A quoted X-Forwarded-For list and a quoted gzip ratio are ignored.
        let main = parse(#"172.24.0.3 - alice [31/Dec/2024:17:32:06 +0000] "GET / HTTP/1.1" 200 615 "https://domain.tld/path" "curl/8.11.1" "1.2.3.4, 10.10.1.1" "2.75""#)
        #expect(main.outcome == .call)
        #expect(main.agent == "curl/8.11.1")
        #expect(main.duration == -1)
        // An IP address (two dots) is not a duration; `-` upstream time neither; key=value `rt=` is.
        let kv = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "ua" 10.1.2.3 - rt=1.5 uct="0.001""#)
        #expect(kv.outcome == .call)
        #expect(kv.duration == 1_500_000)
        // Common format followed directly by the request time.
        let common = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 0.004"#, .common)
        #expect(common.outcome == .call)
        #expect(common.duration == 4_000)
        #expect(common.agent == "")
    }

    @Test func truncatedUserAgentRunsToEndOfLine() {
        // elastic apache_logs: the last line of the file has no closing quote.
        let r = parse(#"46.118.127.106 - - [20/May/2015:12:05:17 +0000] "GET /scripts/grok-py-test/configlib.py HTTP/1.1" 200 235 "-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html"#)
        #expect(r.outcome == .call)
        #expect(r.agent == "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html")
    }

    // MARK: - Escaping

    @Test func apacheEscapedQuotes() {
        let r = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /search?q=\"x\" HTTP/1.1" 200 5 "-" "Mozilla \"quoted\" agent\\""#)
        #expect(r.outcome == .call)
        #expect(r.target == #"/search?q=\"x\""#)
        #expect(r.valid)
        #expect(r.agent == #"Mozilla \"quoted\" agent\\"#)
    }

    @Test func nginxHexEscapedQuotes() {
        let r = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /search?q=\x22x\x22 HTTP/1.1" 200 5 "-" "bot \x22v1\x22""#)
        #expect(r.outcome == .call)
        #expect(r.target == #"/search?q=\x22x\x22"#)
        #expect(r.agent == #"bot \x22v1\x22"#)
    }

    @Test func escapesAtEveryOffsetOfTheWordScan() {
        // The quote scan reads eight bytes at a time: put the escape and the closing quote at every offset.
        for pad in 0..<20 {
            let filler = String(repeating: "a", count: pad)
            let agent = filler + #"\"x\\"# + filler
            let r = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /"# + filler + #" HTTP/1.1" 200 5 "-" ""# + agent + #"" 0.25"#)
            #expect(r.outcome == .call, "pad \(pad)")
            #expect(r.target == "/" + filler, "pad \(pad)")
            #expect(r.agent == agent, "pad \(pad)")
            #expect(r.duration == 250_000, "pad \(pad)")
        }
    }

    @Test func unescapedQuoteInsideRequest() {
        // A logger that does not escape: the request closes at the quote followed by a status.
        let r = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a"b HTTP/1.1" 400 5 "-" "-""#)
        #expect(r.outcome == .call)
        #expect(r.status == 400)
        #expect(r.target == #"/a"b"#)
    }

    // MARK: - Request line forms

    @Test func absoluteURITarget() {
        let r = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET http://host:8080/path?q HTTP/1.1" 200 5 "-" "-""#)
        #expect(r.valid)
        #expect(r.method == "GET")
        #expect(r.target == "http://host:8080/path?q")
        #expect(r.version == "HTTP/1.1")
        let ws = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET wss://h/socket HTTP/1.1" 101 0 "-" "-""#)
        #expect(ws.valid && ws.target == "wss://h/socket")
        let ftp = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET ftp://h/file HTTP/1.1" 400 0 "-" "-""#)
        #expect(ftp.outcome == .call && !ftp.valid)
    }

    @Test func connectAuthorityTarget() {
        let r = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "CONNECT api.example.com:443 HTTP/1.1" 200 0 "-" "-""#)
        #expect(r.valid)
        #expect(r.method == "CONNECT")
        #expect(r.target == "api.example.com:443")
        #expect(r.version == "HTTP/1.1")
        // Only CONNECT takes an authority.
        let get = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET api.example.com:443 HTTP/1.1" 400 0 "-" "-""#)
        #expect(!get.valid && get.method == "" && get.target == "")
    }

    @Test func optionsAsterisk() {
        let r = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "OPTIONS * HTTP/1.1" 200 0 "-" "-""#)
        #expect(r.valid)
        #expect(r.method == "OPTIONS" && r.target == "*" && r.version == "HTTP/1.1")
    }

    @Test func missingHTTPVersion() {
        let r = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /path" 200 5 "-" "-""#)
        #expect(r.outcome == .call)
        #expect(r.valid)
        #expect(r.method == "GET" && r.target == "/path" && r.version == "")
    }

    @Test func methodsWithUnderscoreAndDash() {
        let r = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "VERSION-CONTROL /repo HTTP/1.1" 200 5"#)
        #expect(r.valid && r.method == "VERSION-CONTROL")
        let lower = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "get /repo HTTP/1.1" 400 5"#)
        #expect(lower.outcome == .call && !lower.valid)
        let long = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "ABCDEFGHIJKLMNOPQRSTU / HTTP/1.1" 400 5"#)
        #expect(long.outcome == .call && !long.valid)
    }

    @Test func doubleSpacesOrJunkVersionMakeTheRequestInvalid() {
        let twoSpaces = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET  /x HTTP/1.1" 400 5"#)
        #expect(twoSpaces.outcome == .call && !twoSpaces.valid)
        let junk = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /x y z" 400 5"#)
        #expect(junk.outcome == .call && !junk.valid)
        let h2 = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/2" 200 5"#)
        #expect(h2.valid && h2.version == "HTTP/2")
    }

    // MARK: - Records whose request is not a request

    @Test func tlsHandshakeBytes() {
        let r = parse(#"1.2.3.4 - - [17/Oct/2023:05:57:49 +1100] "\x16\x03\x01\x01 \x02" 400 226 "-" "-""#)
        #expect(r.outcome == .call)
        #expect(!r.valid)
        #expect(r.method == "" && r.target == "" && r.version == "")
        #expect(r.status == 400 && r.bytes == 226)
        #expect(r.time == 1_697_482_669_000)
    }

    @Test func junkRequests() {
        for request in ["HELP", "-", "", "batman", #"lv|'|'|VHJvamFuX0M0NkY2RTk=|'|'|MARK|'|'|user|'|'|[endof]"#,
                        #"Gh0st\xAD\x00\x00\x00\xE0\x00\x00\x00x\x9CKS``\x98"#] {
            let r = parse(#"1.2.3.4 - - [29/Jul/2023:10:26:06 -0700] ""# + request + #"" 400 157 "-" "-""#)
            #expect(r.outcome == .call, "\(request)")
            #expect(!r.valid, "\(request)")
            #expect(r.status == 400 && r.bytes == 157, "\(request)")
            #expect(r.time == 1_690_651_566_000)
        }
    }

    @Test func rawNonUTF8Bytes() {
        var bytes = Array(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /caf"#.utf8)
        bytes += [0xC3, 0x28, 0xFF, 0xFE, 0x80]
        bytes += Array(#" HTTP/1.1" 200 5 "-" "agent "#.utf8)
        bytes += [0xF0, 0x9F, 0x98, 0x00, 0xC0]
        bytes += Array(#"""#.utf8)
        let r = parse(bytes)
        #expect(r.outcome == .call)
        #expect(r.valid)
        #expect(r.status == 200)
        let handshake: [UInt8] = Array(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] ""#.utf8) + [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01]
            + Array(#"" 400 0 "-" "-""#.utf8)
        let h = parse(handshake)
        #expect(h.outcome == .call && !h.valid && h.status == 400)
    }

    // MARK: - Status, time and shape

    @Test func statusMustBeThreeDigits() {
        let zero = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 000 0 "-" "-""#)
        #expect(zero.outcome == .call && zero.status == 0)
        for bad in ["20", "2000", "abc", "-", "20x", "200x"] {
            let r = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" "# + bad + #" 5 "-" "-""#)
            #expect(r.outcome == .rejected(.badStatus), "\(bad)")
        }
    }

    @Test func unreadableTimestamp() {
        #expect(parse(#"1.2.3.4 - - [10/Foo/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5"#).outcome == .rejected(.badTimestamp))
        #expect(parse(#"1.2.3.4 - - [99/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5"#).outcome == .rejected(.badTimestamp))
        #expect(parse(#"1.2.3.4 - - [2000-10-10T20:55:36Z] "GET / HTTP/1.1" 200 5"#).outcome == .rejected(.badTimestamp))
        let fraction = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36.250 -0700] "GET / HTTP/1.1" 200 5"#)
        #expect(fraction.outcome == .call && fraction.time == Self.oct2000 + 250)
    }

    @Test func notCLFIsMalformed() {
        let lines = [
            #"{"remote_addr":"1.2.3.4","status":200}"#,
            "just some words",
            #"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700]"#,
            #"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] GET / HTTP/1.1 200 5"#,
            #"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1"#,
            #"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1""#,
            #"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 lots"#,
            #"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700 "GET / HTTP/1.1" 200 5"#,
            #"[10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5"#,
        ]
        for line in lines {
            #expect(parse(line).outcome == .rejected(.malformed), "\(line)")
        }
    }

    @Test func emptyAndBlankLinesAreIgnored() {
        #expect(parse("").outcome == .ignored)
        #expect(parse("   ").outcome == .ignored)
        #expect(parse("\r").outcome == .ignored)
    }

    @Test func trailingCarriageReturnIsTolerated() {
        let r = parse("1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET /x HTTP/1.1\" 200 5 \"-\" \"ua\"\r")
        #expect(r.outcome == .call && r.agent == "ua")
        let common = parse("1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET /x HTTP/1.1\" 200 5\r", .common)
        #expect(common.outcome == .call && common.bytes == 5)
    }

    @Test func missingBytesAreTolerated() {
        let r = parse(#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200"#)
        #expect(r.outcome == .call && r.status == 200 && r.bytes == -1)
    }

    @Test func parserIsReusableAndResetsTheCall() {
        var parser = CombinedLogParser(format: .combined)
        var call = RawCall()
        let first = Array(#"www.a.com 1.2.3.4 - u [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 5 "r" "a" 0.5"#.utf8)
        let second = Array(#"5.6.7.8 - - [10/Oct/2000:13:55:36 -0700] "-" 400 -"#.utf8)
        first.withUnsafeBufferPointer { #expect(parser.parse($0, into: &call) == .call) }
        #expect(call.durationMicros == 500_000)
        second.withUnsafeBufferPointer { buf in
            #expect(parser.parse(buf, into: &call) == .call)
            #expect(call.host.count == 0 && call.user.count == 0 && call.referrer.count == 0 && call.userAgent.count == 0)
            #expect(call.client.text == "5.6.7.8")
            #expect(call.durationMicros == -1 && call.responseBytes == -1 && !call.requestIsValid)
        }
    }

    // MARK: - Real lines

    @Test func realWorldLines() {
        // crowdsec nginx_http-logs
        let acme = parse(#"192.168.1.1 - - [04/Jan/2020:07:25:02 +0000] "GET /.well-known/acme-challenge/FMuukC2JOJ5HKmLBujjE_BkDo HTTP/1.1" 404 522 "-" "Go-http-client/1.1""#)
        #expect(acme.outcome == .call)
        #expect(acme.time == 1_578_122_702_000)
        #expect(acme.target == "/.well-known/acme-challenge/FMuukC2JOJ5HKmLBujjE_BkDo")
        #expect(acme.status == 404 && acme.bytes == 522 && acme.agent == "Go-http-client/1.1")
        // crowdsec bunkerweb
        let bw = parse(#"bwapi 10.20.30.4 - 95386da81aa13b6ab3ce9c989e1e470e - [22/Oct/2025:14:31:58 +0000] "GET /health HTTP/1.1" 200 43 "-" "bwapi""#)
        #expect(bw.outcome == .call)
        #expect(bw.host == "bwapi" && bw.client == "10.20.30.4" && bw.time == 1_761_143_518_000)
        #expect(bw.target == "/health" && bw.agent == "bwapi")
        // elastic-beats: an empty request and a trailing "-" (X-Forwarded-For)
        let empty = parse(#"127.0.0.1 - - [12/Apr/2018:09:48:40 +0200] "" 400 0 "-" "-""#)
        #expect(empty.outcome == .call && !empty.valid && empty.status == 400 && empty.bytes == 0)
        let xff = parse(#"172.17.0.1 - - [29/May/2017:19:02:48 +0000] "GET /stringpatch HTTP/1.1" 404 612 "-" "Mozilla/5.0 (Windows NT 6.1; rv:15.0) Gecko/20120716 Firefox/15.0a2" "-""#)
        #expect(xff.outcome == .call && xff.agent == "Mozilla/5.0 (Windows NT 6.1; rv:15.0) Gecko/20120716 Firefox/15.0a2")
        // lnav
        let lnav = parse(#"10.112.81.15 - - [15/Feb/2013:06:00:31 +0000] "-" 400 0 "-" "-""#)
        #expect(lnav.outcome == .call && !lnav.valid)
        // matomo ncsa_extended
        let matomo = parse(#"1.2.3.4 - theuser [10/Feb/2012:16:42:07 -0500] "GET / HTTP/1.0" 301 368 "-" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/535.11 (KHTML, like Gecko) Chrome/17.0.963.56 Safari/535.11""#)
        #expect(matomo.outcome == .call && matomo.user == "theuser" && matomo.version == "HTTP/1.0")
        // elastic apache examples
        let kibana = parse(#"83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1" 200 203023 "http://semicomplete.com/presentations/logstash-monitorama-2013/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36""#)
        #expect(kibana.outcome == .call && kibana.bytes == 203_023)
        #expect(kibana.referrer == "http://semicomplete.com/presentations/logstash-monitorama-2013/")
    }

    // MARK: - The shared corpus, when present

    static var corpusRoot: URL {
        // <repo>/Tests/APICensusCoreTests/CombinedLogParserTests.swift → <repo>/../shared/corpus
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }

    /// `.log` files, and files without an extension (or a rotation number) — not the expected-output
    /// JSON/YAML/assert files that sit beside them.
    static func corpusLogFiles(_ dir: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var files: [URL] = []
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let ext = url.pathExtension
            if ext == "log" || ext.isEmpty || ext.allSatisfy(\.isNumber) { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }

    @Test func corpusAccessLogsParse() throws {
        let dirs = ["nginx_combined", "apache_combined"].map { Self.corpusRoot.appendingPathComponent($0) }
        let present = dirs.filter { FileManager.default.fileExists(atPath: $0.path) }
        guard !present.isEmpty else {
            print("corpus not found at \(Self.corpusRoot.path); skipping")
            return
        }
        var total = 0, parsed = 0
        for dir in present {
            for file in Self.corpusLogFiles(dir) {
                let data = try Data(contentsOf: file)
                var lines = 0, ok = 0
                var parser = CombinedLogParser(format: .combined)
                var call = RawCall()
                data.withUnsafeBytes { raw in
                    let all = raw.bindMemory(to: UInt8.self)
                    var start = 0
                    while start < all.count {
                        var end = start
                        while end < all.count, all[end] != 10 { end += 1 }
                        let line = Bytes(rebasing: all[start..<end])
                        start = end + 1
                        if line.allSatisfy({ $0 == 32 || $0 == 13 || $0 == 9 }) { continue }
                        lines += 1
                        let outcome = parser.parse(line, into: &call)
                        if outcome == .call {
                            ok += 1
                        } else {
                            print("  not parsed (\(outcome)): \(Bytes(rebasing: line.prefix(100)).text)")
                        }
                    }
                }
                total += lines
                parsed += ok
                let rate = lines == 0 ? 100 : Double(ok) * 100 / Double(lines)
                print("corpus \(file.path.dropFirst(Self.corpusRoot.path.count + 1)): \(ok)/\(lines) = \(String(format: "%.1f", rate))%")
            }
        }
        let rate = total == 0 ? 100 : Double(parsed) * 100 / Double(total)
        print("corpus total: \(parsed)/\(total) = \(String(format: "%.2f", rate))%")
        #expect(total > 0)
        #expect(rate >= 95, "only \(parsed) of \(total) corpus lines parsed")
    }
}

/// Error-log lines that land in access-log files are rejected as what they are.
struct ErrorLogLineTests {
    @Test(arguments: [
        "2021/12/01 13:53:33 [error] 31#31: *46 \"/usr/share/nginx/html/x\" is not found (2: No such file or directory), client: 172.17.0.1",
        "[Thu Oct 13 12:24:49.880562 2022] [auth_basic:error] [pid 10:tid 140120579262208] [client 31.33.58.75:50229] AH01618: user sss not found: /",
        "[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration: /export/home/live/ap/htdocs/test",
    ])
    func errorLogLinesAreRejectedAsSuch(line: String) {
        var parser = CombinedLogParser(format: .combined)
        var call = RawCall()
        let outcome = Array(line.utf8).withUnsafeBufferPointer { parser.parse($0, into: &call) }
        #expect(outcome == .rejected(.errorLog))
    }

    @Test func accessLinesAndOtherJunkAreNotErrorLogLines() {
        for line in ["203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5",
                     "[10/Oct/2026:13:55:36 +0000] something else entirely", "2021/12/01 garbage"] {
            #expect(!Array(line.utf8).withUnsafeBufferPointer { ErrorLogLine.matches($0) }, "\(line)")
        }
    }
}
