import Testing
@testable import APICensusCore

@Suite struct CustomFormatTests {
    /// The issue's example: an NGINX format that logs everything APICensus uses.
    static let richNGINX = #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $host $ssl_protocol $ssl_cipher $request_time $upstream_addr $http_x_forwarded_for $ssl_client_verify "$http_authorization""#

    func parser(nginx: String) throws -> CustomFormatParser { CustomFormatParser(try CustomFormat.compile(nginx: nginx)) }
    func parser(apache: String) throws -> CustomFormatParser { CustomFormatParser(try CustomFormat.compile(apache: apache)) }

    func compileError(_ body: () throws(CustomFormatError) -> CustomFormat) -> CustomFormatError? {
        do { _ = try body(); return nil } catch { return error }
    }

    // MARK: NGINX

    @Test func nginxFormatFillsEveryFieldItNames() throws {
        var p = try parser(nginx: Self.richNGINX)
        let r = p.record(#"203.0.113.7 - alice [10/Oct/2026:13:55:36 +0200] "POST /api/v1/orders?expand=items HTTP/2.0" 201 512 "https://shop.example/cart" "okhttp/4.12.0" api.shop.example TLSv1.3 TLS_AES_128_GCM_SHA256 0.042 10.0.0.1:8080, 10.0.0.2:8080 198.51.100.9, 10.1.1.1 SUCCESS "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig""#)
        #expect(r.outcome == .call)
        #expect(r.client == "203.0.113.7" && r.user == "alice")
        #expect(r.time == utcMillis(2026, 10, 10, 11, 55, 36))
        #expect(r.method == "POST" && r.target == "/api/v1/orders?expand=items" && r.version == "HTTP/2.0" && r.valid)
        #expect(r.status == 201 && r.bytes == 512)
        #expect(r.referrer == "https://shop.example/cart" && r.agent == "okhttp/4.12.0")
        #expect(r.host == "api.shop.example")
        #expect(r.tls == "TLSv1.3" && r.cipher == "TLS_AES_128_GCM_SHA256")
        #expect(r.duration == 42_000)
        #expect(r.upstream == "10.0.0.1:8080, 10.0.0.2:8080")
        #expect(r.forwardedFor == "198.51.100.9, 10.1.1.1")
        #expect(r.certificate == .verified)
        #expect(r.authorization == "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig")
    }

    @Test func yieldsAreTheFieldsTheFormatLogs() throws {
        let format = try CustomFormat.compile(nginx: Self.richNGINX)
        let d = format.descriptor
        #expect(d.format == .custom)
        #expect(d.yields.isSuperset(of: [.client, .user, .timestamp, .method, .target, .httpVersion, .status, .responseBytes,
                                          .referrer, .userAgent, .host, .tlsProtocol, .tlsCipher, .duration, .upstream,
                                          .forwardedFor, .clientCertificate, .authorization]))
        #expect(!d.yields.contains(.cookie) && !d.yields.contains(.scheme) && !d.yields.contains(.requestId))
        #expect(format.variables.first == "$remote_addr" && format.variables.count == 16)
        #expect(format.unknownVariables.isEmpty)
        // The example line is the format's own and parses.
        var p = CustomFormatParser(format)
        let example = p.record(d.example)
        #expect(example.outcome == .call && example.target == "/api/v1/users/42?expand=orders" && example.host == "api.example.com")
    }

    @Test func absentValuesIPv6AndEscapedQuotes() throws {
        var p = try parser(nginx: Self.richNGINX)
        // NGINX writes `-` for empty variables and \x22 for a quote in a value; plaintext: no TLS, no cert.
        let r = p.record(#"2001:db8::7 - - [10/Oct/2026:13:55:36 +0000] "GET /x HTTP/1.1" 304 - "-" "say \x22hi\x22" api.example.com - - 0.000 - - - "-""#)
        #expect(r.outcome == .call)
        #expect(r.client == "2001:db8::7" && r.user == "" && r.bytes == -1 && r.referrer == "")
        #expect(r.agent == #"say \x22hi\x22"#)
        #expect(r.tls == "" && r.upstream == "" && r.forwardedFor == "" && r.authorization == "")
        #expect(r.certificate == ClientCertificateEvidence.none)
        // Apache-style escaped quote inside a quoted value.
        var q = try parser(nginx: #"$remote_addr "$http_user_agent" "$request" $status"#)
        let s = q.record(#"10.0.0.1 "a \"quoted\" agent" "GET /a HTTP/1.1" 200"#)
        #expect(s.outcome == .call && s.agent == #"a \"quoted\" agent"# && s.target == "/a")
    }

    @Test func garbageRequestIsAnInvalidCallNotARejection() throws {
        var p = try parser(nginx: #"$remote_addr [$time_local] "$request" $status $body_bytes_sent"#)
        let r = p.record(#"10.0.0.1 [10/Oct/2026:13:55:36 +0000] "\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03" 400 157"#)
        #expect(r.outcome == .call && !r.valid && r.method == "" && r.status == 400)
    }

    @Test func linesOfAnotherShapeAreRejectedWithTheirReason() throws {
        var p = try parser(nginx: Self.richNGINX)
        // A plain combined line lacks the extra fields.
        #expect(p.record(#"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8""#).outcome == .rejected(.malformed))
        #expect(p.record("").outcome == .ignored)
        var q = try parser(nginx: #"$remote_addr [$time_local] "$request" $status"#)
        #expect(q.record(#"10.0.0.1 [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 2x0"#).outcome == .rejected(.badStatus))
        #expect(q.record(#"10.0.0.1 [yesterday at noon] "GET / HTTP/1.1" 200"#).outcome == .rejected(.badTimestamp))
        // The last variable runs to the end of the line: text after it is part of its value.
        #expect(q.record(#"10.0.0.1 [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 trailing"#).outcome == .rejected(.badStatus))
        // After the last literal, nothing but blanks may follow.
        var r = try parser(nginx: #""$request" $status "$http_user_agent""#)
        #expect(r.record(#""GET / HTTP/1.1" 200 "curl/8"   "#).outcome == .call)
        #expect(r.record(#""GET / HTTP/1.1" 200 "curl/8" extra"#).outcome == .rejected(.malformed))
        #expect(q.record(#"{"remote_addr":"10.0.0.1"}"#).outcome == .rejected(.malformed))
    }

    @Test func uriIsArgsAndArgsAreJoined() throws {
        var p = try parser(nginx: #"$remote_addr "$request_method $uri$is_args$args" $status $host$request_uri"#)
        // $request_uri wins over $uri + $args; the host stops at the `/`.
        let r = p.record(#"10.0.0.1 "GET /a/b?x=1" 200 api.example.com/a/b?x=1&raw=%20"#)
        #expect(r.outcome == .call && r.method == "GET" && r.target == "/a/b?x=1&raw=%20" && r.host == "api.example.com" && r.valid)

        var q = try parser(nginx: #"$remote_addr "$request_method $uri$is_args$args" $status"#)
        let withQuery = q.record(#"10.0.0.1 "GET /a/b?x=1&y=2" 200"#)
        #expect(withQuery.target == "/a/b?x=1&y=2" && withQuery.valid)
        // NGINX logs an absent $args as `-`: `/a/b-` means path /a/b, no query.
        let without = q.record(#"10.0.0.1 "DELETE /a/b-" 204"#)
        #expect(without.outcome == .call && without.target == "/a/b" && without.method == "DELETE")
        // A path and its query that are not adjacent are joined in the parser's buffer.
        var s = try parser(nginx: #"$uri $status $args"#)
        #expect(s.record("/search 200 q=shoes").target == "/search?q=shoes")
        #expect(s.record("/search 200 -").target == "/search")
        // A method that is not a token makes the request invalid.
        #expect(q.record(#"10.0.0.1 "G(T /a" 200"#).valid == false)
    }

    @Test func timeForms() throws {
        let at = utcMillis(2026, 10, 10, 13, 55, 36, 123)
        var iso = try parser(nginx: #"$time_iso8601 $request_uri $status"#)
        #expect(iso.record("2026-10-10T15:55:36.123+02:00 /a 200").time == at)
        var msec = try parser(nginx: #"$msec "$request" $status"#)
        #expect(msec.record(#"1791640536.123 "GET /a HTTP/1.1" 200"#).time == at)
        // $time_local without brackets holds a space.
        var local = try parser(nginx: #"$time_local $request_uri $status"#)
        #expect(local.record("10/Oct/2026:13:55:36 +0000 /a 200").time == at - 123)
        var strftime = try parser(apache: #"%{%Y-%m-%d %H:%M:%S}t %U %>s"#)
        #expect(strftime.record("2026-10-10 13:55:36 /a 200").time == at - 123)
        var epoch = try parser(apache: #"%{msec}t %U %>s"#)
        #expect(epoch.record("1791640536123 /a 200").time == at)
    }

    @Test func unknownVariablesAreOpaque() throws {
        let format = try CustomFormat.compile(nginx: #"$remote_addr $geo_country_code $my_map "$request" $status $http_x_custom_header $upstream_status"#)
        #expect(format.unknownVariables == ["$geo_country_code", "$my_map"])
        var p = CustomFormatParser(format)
        let r = p.record(#"10.0.0.1 DE whatever "GET /a HTTP/1.1" 200 some-value 502, 200"#)
        #expect(r.outcome == .call && r.target == "/a" && r.status == 200)
    }

    @Test func morePreciseVariableWinsItsField() throws {
        var p = try parser(nginx: #"$server_name $http_host $host "$request" $status $bytes_sent $body_bytes_sent"#)
        let r = p.record(#"default api.example.com:8443 api.example.com "GET /a HTTP/1.1" 200 900 512"#)
        #expect(r.host == "api.example.com" && r.bytes == 512)
        // $http_host alone: its port is dropped.
        var q = try parser(nginx: #"$http_host "$request" $status"#)
        #expect(q.record(#"api.example.com:8443 "GET /a HTTP/1.1" 200"#).host == "api.example.com")
    }

    @Test func logFormatDirectiveAndJSONEscaping() throws {
        let directive = """
            log_format api escape=json '{"ts":"$time_iso8601","ip":"$remote_addr",'
                                       '"req":"$request","st":$status,"ua":"$http_user_agent"}';
            """
        let format = try CustomFormat.compile(nginx: directive)
        #expect(format.formatString == #"{"ts":"$time_iso8601","ip":"$remote_addr","req":"$request","st":$status,"ua":"$http_user_agent"}"#)
        var p = CustomFormatParser(format)
        let r = p.record(#"{"ts":"2026-10-10T13:55:36+00:00","ip":"10.0.0.1","req":"GET /a?b=1 HTTP/1.1","st":200,"ua":"agent \"x\""}"#)
        #expect(r.outcome == .call && r.target == "/a?b=1" && r.status == 200 && r.agent == #"agent \"x\""#)
        // A single-quoted string on its own is unquoted too.
        #expect(try CustomFormat.compile(nginx: #"'$remote_addr "$request" $status'"#).formatString == #"$remote_addr "$request" $status"#)
    }

    // MARK: Apache

    @Test func apacheFormatFillsItsFields() throws {
        var p = try parser(apache: #"%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D %{Host}i %{SSL_PROTOCOL}x %{SSL_CIPHER}x %{SSL_CLIENT_VERIFY}x %{X-Forwarded-For}i %{UNIQUE_ID}e"#)
        let r = p.record(#"192.0.2.1 - frank [10/Oct/2026:13:55:36 -0700] "GET /apache_pb.gif?x=1 HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)" 1234 www.example.com:443 TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384 NONE 198.51.100.1 aGkT2H8AAQEAAEb1fYQAAAAB"#)
        #expect(r.outcome == .call)
        #expect(r.client == "192.0.2.1" && r.user == "frank" && r.time == utcMillis(2026, 10, 10, 20, 55, 36))
        #expect(r.method == "GET" && r.target == "/apache_pb.gif?x=1" && r.version == "HTTP/1.0")
        #expect(r.status == 200 && r.bytes == 2326 && r.duration == 1234)
        #expect(r.referrer == "http://www.example.com/start.html" && r.agent == "Mozilla/4.08 [en] (Win98; I ;Nav)")
        #expect(r.host == "www.example.com" && r.tls == "TLSv1.2" && r.cipher == "ECDHE-RSA-AES256-GCM-SHA384")
        #expect(r.certificate == ClientCertificateEvidence.none && r.forwardedFor == "198.51.100.1")
        #expect(r.requestId == "aGkT2H8AAQEAAEb1fYQAAAAB")
    }

    @Test func apachePathAndQueryAndDirectives() throws {
        // %U%q: the path stops at `?`, %q keeps it.
        var p = try parser(apache: #"%a \"%m %U%q %H\" %s %B %{ms}T"#)
        let r = p.record(#"10.0.0.1 "PUT /v1/items/7?force=true HTTP/1.1" 200 0 12"#)
        #expect(r.target == "/v1/items/7?force=true" && r.method == "PUT" && r.version == "HTTP/1.1" && r.bytes == 0 && r.duration == 12_000)
        #expect(p.record(#"10.0.0.1 "GET /v1/items HTTP/1.1" 200 10 3"#).target == "/v1/items")
        // A whole LogFormat directive; conditions and `<`/`>` modifiers; %% is a literal.
        let format = try CustomFormat.compile(apache: #"LogFormat "%h %!200,304{Referer}i %>s 100%% \"%r\"" api"#)
        #expect(format.formatString == #"%h %!200,304{Referer}i %>s 100%% "%r""#)
        var q = CustomFormatParser(format)
        #expect(q.record(#"10.0.0.1 - 404 100% "GET /x HTTP/1.1""#).status == 404)
    }

    // MARK: Errors

    @Test func compileErrorsNameTheProblemAndPosition() {
        let dollar = compileError { () throws(CustomFormatError) in try CustomFormat.compile(nginx: #"$remote_addr $ "$request""#) }
        #expect(dollar?.position == 14 && dollar?.message.contains("not followed by a variable name") == true)
        let letter = compileError { () throws(CustomFormatError) in try CustomFormat.compile(apache: #"%h %Z \"%r\""#) }
        #expect(letter?.position == 4 && letter?.description.contains("unknown Apache LogFormat directive %Z") == true)
        let noRequest = compileError { () throws(CustomFormatError) in try CustomFormat.compile(nginx: "$remote_addr $status") }
        #expect(noRequest?.message.contains("no request") == true)
        let adjacent = compileError { () throws(CustomFormatError) in try CustomFormat.compile(nginx: #"$remote_addr$remote_user "$request""#) }
        #expect(adjacent?.message.contains("nothing separates $remote_addr from $remote_user") == true && adjacent?.position == 13)
        let unclosed = compileError { () throws(CustomFormatError) in try CustomFormat.compile(nginx: #"${remote_addr "$request""#) }
        #expect(unclosed?.position == 1)
        let dialect = compileError { () throws(CustomFormatError) in try CustomFormat.compile("iis:date time") }
        #expect(dialect?.message.contains("nginx: or apache:") == true)
        #expect(compileError { () throws(CustomFormatError) in try CustomFormat.compile("apache:   ") }?.message == "the format is empty")
        #expect((try? CustomFormat.compile("NGINX:$request_uri"))?.dialect == .nginx)
    }

    // MARK: Detection and the generator

    @Test func customFormatWinsDetectionWhenItReadsTheLines() throws {
        let format = try CustomFormat.compile(nginx: #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $host"#)
        let sample = """
            10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 12 "-" "curl/8" api.example.com
            10.0.0.2 - - [10/Oct/2026:13:55:37 +0000] "GET /b HTTP/1.1" 200 12 "-" "curl/8" api.example.com

            """
        // Without the custom format these are combined lines with a trailing field.
        #expect(detectSample(sample)?.format == .combined)
        #expect(detectSample(sample, formats: FormatSet(custom: format))?.format == .custom)
        // A sample of another format still gets that format.
        let json = #"{"remote_addr":"10.0.0.1","request":"GET /a HTTP/1.1","status":200}"# + "\n"
        #expect(detectSample(json, formats: FormatSet(custom: format))?.format == .jsonLines)
    }

    @Test func recommendedFormatsRoundTripSyntheticTraffic() throws {
        for (format, logsHost) in [(try CustomFormat.compile(nginx: CustomFormat.recommendedNGINX), true),
                                   (try CustomFormat.compile(apache: CustomFormat.recommendedApache), true)] {
            #expect(format.unknownVariables.isEmpty)
            var generator = LogGenerator(style: .combined, seed: 7)
            var parser = CustomFormatParser(format)
            for _ in 0..<500 {
                let record = generator.nextRecord()
                let line = format.render(record)
                let r = parser.record(line)
                #expect(r.outcome == .call, "\(line)")
                #expect(r.method == record.method && r.target == record.target && r.status == Int32(record.status))
                #expect(r.client == record.client && r.time == record.timeMillis / 1000 * 1000)
                #expect(r.host == (logsHost ? record.host : ""))
                #expect(r.tls == (record.tlsProtocol ?? ""))
                #expect(r.authorization.isEmpty == (SyntheticCredentialText.authorization(record) == nil))
            }
        }
    }
}
