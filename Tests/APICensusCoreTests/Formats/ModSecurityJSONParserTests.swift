import Testing
@testable import APICensusCore

@Suite struct ModSecurityJSONParserTests {
    func parse(_ line: String) -> EdgeParsed {
        var parser = ModSecurityJSONParser()
        return edgeParse(&parser, line)
    }

    static func v3(messages: String = "[]", engine: String = "Enabled", status: Int = 200, request: String? = nil) -> String {
        let r = request ?? #"{"method":"POST","http_version":1.1,"uri":"/includes/ajax_newsletter.php?list=7","headers":{"Sec-Fetch-Site":"same-origin","User-Agent":"Mozilla/5.0 (Linux; Android 11)","Content-Type":"application/x-www-form-urlencoded; charset=UTF-8","host":"test.example.mm","Referer":"https://test.example.mm/flights","Cookie":"PHPSESSID=6n82mlp0qo5fl2qif2o5khrhj2","Authorization":"Basic YWxhZGRpbjpvcGVuc2VzYW1l","X-Forwarded-For":"198.51.100.1"}}"#
        return #"{"transaction":{"client_ip":"89.160.20.112","time_stamp":"Mon May  9 09:41:59 2022","server_id":"294c6785","client_port":41836,"host_ip":"10.0.1.175","host_port":443,"unique_id":"165215832450.639870","request":"# + r
            + #","response":{"body":"","http_code":"# + String(status) + #","headers":{"Server":"nginx","Content-Length":"60","Set-Cookie":"a=1","Set-Cookie":"b=2"}},"producer":{"modsecurity":"ModSecurity v3.0.4 (Linux)","connector":"ModSecurity-nginx v1.0.1","secrules_engine":""# + engine + #"","components":["OWASP_CRS/3.0.2\""]},"messages":"# + messages + "}}"
    }

    static let sqliAndBlocking = #"[{"message":"SQL Injection Attack Detected via libinjection","details":{"match":"detected SQLi","reference":"v10,9","ruleId":"942100","file":"REQUEST-942-APPLICATION-ATTACK-SQLI.conf","lineNumber":"46","data":"Matched Data: s&sos found within ARGS:q","severity":"2","ver":"OWASP_CRS/3.2.0","rev":"","tags":["attack-sqli"],"maturity":"0","accuracy":"0"}},{"message":"Inbound Anomaly Score Exceeded (Total Score: 5)","details":{"ruleId":"949110","file":"REQUEST-949-BLOCKING-EVALUATION.conf","lineNumber":"80"}}]"#

    @Test func modSecurityV3Transaction() {
        let p = parse(Self.v3())
        #expect(p.outcome == .call)
        #expect(p.method == "POST" && p.target == "/includes/ajax_newsletter.php?list=7" && p.version == "HTTP/1.1")
        #expect(p.status == 200 && p.bytes == 60 && p.client == "89.160.20.112" && p.requestId == "165215832450.639870")
        #expect(p.time == "2022-05-09T09:41:59.000Z")  // asctime with a space-padded day, read as UTC
        #expect(p.host == "test.example.mm" && p.userAgent == "Mozilla/5.0 (Linux; Android 11)" && p.referrer == "https://test.example.mm/flights")
        #expect(p.cookie == "PHPSESSID=6n82mlp0qo5fl2qif2o5khrhj2" && p.authorization == "Basic YWxhZGRpbjpvcGVuc2VzYW1l")
        #expect(p.contentType.hasPrefix("application/x-www-form-urlencoded") && p.forwardedFor == "198.51.100.1")
        #expect(p.headersForm == .jsonObject && p.requestHeaders.hasPrefix(#"{"Sec-Fetch-Site""#))
        #expect(p.wafAction == "pass" && p.wafRule == "")
    }

    @Test func modSecurityV3Verdicts() {
        let blocked = parse(Self.v3(messages: Self.sqliAndBlocking, status: 403))
        #expect(blocked.wafAction == "block" && blocked.wafRule == "942100" && blocked.status == 403)
        let detectionOnly = parse(Self.v3(messages: Self.sqliAndBlocking, engine: "DetectionOnly"))
        #expect(detectionOnly.wafAction == "detected" && detectionOnly.wafRule == "942100")
        let warningOnly = parse(Self.v3(messages: #"[{"message":"Host header is a numeric IP address","details":{"ruleId":"920350"}}]"#))
        #expect(warningOnly.wafAction == "detected" && warningOnly.wafRule == "920350")
    }

    @Test func corazaTransaction() {
        let p = parse(#"{"transaction":{"timestamp":"2026/10/10 13:55:36","unix_timestamp":1791640536123456789,"id":"WkcZDKxPdjAjKqii","client_ip":"2001:db8::44","client_port":54481,"host_ip":"10.0.0.5","host_port":80,"server_id":"","request":{"method":"GET","protocol":"HTTP/2.0","uri":"/search?q=%3Cscript%3E","http_version":"2.0","headers":{"host":["api.example.com"],"user-agent":["curl/8.5.0"],"x-api-key":["k_abc"]},"body":"","files":null,"args":{},"length":0},"response":{"protocol":"HTTP/2.0","status":403,"headers":{"content-length":["0"]},"body":""},"producer":{"connector":"coraza-caddy","version":"2.0.0","server":"","rule_engine":"On","stopwatch":"","rulesets":["OWASP_CRS/4.4.0"]},"highest_severity":"critical","is_interrupted":true},"messages":[{"actionset":"","message":"XSS Attack Detected via libinjection","data":{"file":"REQUEST-941-APPLICATION-ATTACK-XSS.conf","line":4485,"id":941100,"rev":"","msg":"XSS Attack Detected via libinjection","data":"","severity":2,"ver":"OWASP_CRS/4.4.0","maturity":0,"accuracy":0,"tags":["attack-xss"],"raw":""}}]}"#)
        #expect(p.outcome == .call)
        #expect(p.method == "GET" && p.target == "/search?q=%3Cscript%3E" && p.version == "HTTP/2.0" && p.status == 403)
        #expect(p.time == "2026-10-10T13:55:36.123Z" && p.client == "2001:db8::44" && p.requestId == "WkcZDKxPdjAjKqii")
        #expect(p.host == "api.example.com" && p.userAgent == "curl/8.5.0" && p.apiKey == "k_abc" && p.bytes == 0)
        #expect(p.wafAction == "block" && p.wafRule == "941100")
        let passed = parse(#"{"transaction":{"timestamp":"2026/10/10 13:55:36","id":"A1","client_ip":"203.0.113.7","request":{"method":"GET","uri":"/"},"response":{"status":200},"is_interrupted":false}}"#)
        #expect(passed.wafAction == "pass" && passed.time == "2026-10-10T13:55:36.000Z")
    }

    @Test func modSecurityV2Transaction() {
        let p = parse(#"{"transaction":{"time":"17/Jul/2026:14:43:15.123456 +0200","transaction_id":"XS8sM38AAQEAAAVyN1IAAAAB","remote_address":"203.0.113.7","remote_port":53290,"local_address":"10.0.0.5","local_port":443},"request":{"request_line":"GET /index.php?id=1%27 HTTP/1.1","headers":{"Host":"www.example.com","User-Agent":"sqlmap/1.7"}},"response":{"protocol":"HTTP/1.1","status":403,"headers":{"Content-Length":"199"}},"audit_data":{"messages":["Warning. detected SQLi using libinjection. [file \"/etc/crs/REQUEST-942-APPLICATION-ATTACK-SQLI.conf\"] [line \"65\"] [id \"942100\"] [msg \"SQL Injection Attack Detected via libinjection\"]","Access denied with code 403 (phase 2). [id \"949110\"]"],"action":{"intercepted":true,"phase":2,"message":"Operator GE matched 5 at TX:anomaly_score."},"handler":"proxy-server","stopwatch":{"p1":1,"p2":2},"producer":["ModSecurity for Apache/2.9.3","OWASP_CRS/3.2.0"],"server":"Apache","engine_mode":"ENABLED"}}"#)
        #expect(p.outcome == .call)
        #expect(p.method == "GET" && p.target == "/index.php?id=1%27" && p.version == "HTTP/1.1" && p.requestLine == "GET /index.php?id=1%27 HTTP/1.1")
        #expect(p.time == "2026-07-17T12:43:15.123Z" && p.client == "203.0.113.7" && p.requestId == "XS8sM38AAQEAAAVyN1IAAAAB")
        #expect(p.status == 403 && p.bytes == 199 && p.host == "www.example.com" && p.userAgent == "sqlmap/1.7")
        #expect(p.wafAction == "block" && p.wafRule == "942100")
        // A request line that is not one: logged faithfully, kept out of the inventory.
        let junk = parse(#"{"transaction":{"time":"17/Jul/2026:14:43:15 +0200","transaction_id":"X","remote_address":"203.0.113.7"},"request":{"request_line":"\u0016\u0003\u0001\u0000"},"response":{"status":400},"audit_data":{"messages":[]}}"#)
        #expect(junk.outcome == .call && !junk.valid && junk.status == 400 && junk.wafAction == "pass")
    }

    @Test func corazaRuleMessagesInCaddysLog() {
        let p = parse(#"{"level":"warn","ts":1700758468.384019,"logger":"http.handlers.waf","msg":"[client \"192.168.1.1\"] Coraza: Warning. Restricted SQL Character Anomaly Detection (args): # of special characters exceeded (6) [file \"/ruleset/coreruleset/rules/REQUEST-942-APPLICATION-ATTACK-SQLI.conf\"] [line \"8786\"] [id \"942431\"] [rev \"\"] [msg \"Restricted SQL Character Anomaly Detection\"] [data \"Matched Data: -6bnP found wi\"] [severity \"warning\"] [ver \"OWASP_CRS/4.0.0-rc1\"] [tag \"attack-sqli\"] [hostname \"api.example.com\"] [uri \"/notifications/hub?access_token=eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln\"] [unique_id \"xlLuWLRYmwpBtmZj\"]\n[client \"192.168.1.1\"] Coraza: Warning. Second rule [id \"920320\"] [uri \"/other\"]\n"}"#)
        #expect(p.outcome == .call)
        #expect(p.target == "/notifications/hub?access_token=eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln" && p.method == "")
        #expect(p.client == "192.168.1.1" && p.wafRule == "942431" && p.wafAction == "detected" && p.host == "api.example.com")
        #expect(p.requestId == "xlLuWLRYmwpBtmZj" && p.time == "2023-11-23T16:54:28.384Z")
        let denied = parse(#"{"level":"error","ts":1700758468.5,"logger":"http.handlers.waf","msg":"[client \"2001:db8::1\"] Coraza: Access denied (phase 2). Inbound Anomaly Score Exceeded (Total Score: 5) [id \"949110\"] [hostname \"\"] [uri \"/login\"] [unique_id \"abc\"]"}"#)
        #expect(denied.wafAction == "block" && denied.wafRule == "949110" && denied.host == "" && denied.client == "2001:db8::1")
    }

    @Test func nearMissesAreRejected() {
        #expect(parse(#"{"level":"info","ts":1700758468.5,"logger":"http.handlers.waf","msg":"Coraza WAF started"}"#).outcome == .rejected(.missingField))
        #expect(parse(#"{"level":"info","ts":1700758468.5,"msg":"[client \"1.2.3.4\"] Coraza: Warning. no rule or uri"}"#).outcome == .rejected(.missingField))
        #expect(parse(#"{"transaction":{"client_ip":"1.2.3.4","time_stamp":"Mon May  9 09:41:59 2022","request":{"method":"GET","uri":"/"},"response":{"http_code":200}}}"#).outcome == .call)
        #expect(parse(#"{"transaction":{"client_ip":"1.2.3.4","time_stamp":"May 9 2022","request":{"method":"GET","uri":"/"}}}"#).outcome == .rejected(.badTimestamp))
        for line in EdgeNearMiss.all { #expect(parse(line).outcome != .call, "\(line)") }
        for d in [FormatDescriptor.awsAPIGateway, .awsWAF, .gcpLoadBalancer, .azureAppGateway, .azureFrontDoor] {
            #expect(parse(d.example).outcome != .call, "\(d.format)")
        }
    }
}
