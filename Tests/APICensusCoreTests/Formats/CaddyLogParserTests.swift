import Testing
@testable import APICensusCore

@Suite struct CaddyLogParserTests {
    func parse(_ line: String) -> (LineOutcome, GatewayCall) { GatewayJSON.parse(.caddy, line) }

    @Test func catalogExampleYieldsEveryField() {
        let (outcome, c) = parse(FormatDescriptor.caddy.example)
        #expect(outcome == .call)
        #expect(c.method == "GET" && c.target == "/api/v1/users/42?expand=orders" && c.version == "HTTP/2.0")
        #expect(c.host == "api.example.com" && c.client == "203.0.113.7" && c.userAgent == "curl/8.5.0")
        #expect(c.status == 200 && c.bytes == 512 && c.micros == 4117 && c.millis == 1_791_640_536_004)
        #expect(c.scheme == "https" && c.tlsProtocol == "TLSv1.3" && c.tlsCipher == "TLS_AES_128_GCM_SHA256")
        #expect(c.clientCertificate == .none && c.authorization == "REDACTED")
        #expect(c.headersForm == .jsonObject && c.requestHeaders.hasPrefix("{\"User-Agent\"") && c.valid)
        #expect(c.user == "")
    }

    /// Caddy before 2.5 logged `remote_addr` (`ip:port`); numeric TLS codes are named, unknown ones kept.
    @Test func olderCaddyAndTLSCodes() {
        let line = #"{"level":"info","ts":1791640536.5,"logger":"http.log.access","msg":"handled request","request":{"remote_addr":"[2001:db8::7]:50412","proto":"HTTP/1.1","method":"POST","host":"api.example.com:8443","uri":"/v1/items","headers":{"Content-Type":["application/json"],"X-Api-Key":["k-1"],"Cookie":["a=b"],"X-Forwarded-For":["198.51.100.1, 10.0.0.1"],"X-Request-Id":["rid-9"],"Referer":["https://app.example.com/"]},"tls":{"resumed":true,"version":771,"cipher_suite":49199,"proto":"http/1.1","server_name":"api.example.com","client_common_name":"device-42","client_serial":"1234"}},"user_id":"alice","duration":"1.5ms","size":0,"status":201}"#
        let (outcome, c) = parse(line)
        #expect(outcome == .call)
        #expect(c.client == "2001:db8::7" && c.host == "api.example.com:8443" && c.user == "alice")
        #expect(c.millis == 1_791_640_536_500 && c.micros == 1500)
        #expect(c.tlsProtocol == "TLSv1.2" && c.tlsCipher == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" && c.clientCertificate == .presented)
        #expect(c.contentType == "application/json" && c.apiKey == "k-1" && c.cookie == "a=b")
        #expect(c.forwardedFor == "198.51.100.1, 10.0.0.1" && c.requestId == "rid-9" && c.referrer == "https://app.example.com/")
        let odd = parse(#"{"ts":1791640536,"logger":"http.log.access","request":{"remote_ip":"1.2.3.4","method":"GET","uri":"/","tls":{"version":999,"cipher_suite":1234}},"status":200}"#).1
        #expect(odd.tlsProtocol == "999" && odd.tlsCipher == "1234" && odd.scheme == "https")
    }

    /// `client_ip` (trusted-proxy aware) is the client; `remote_ip` only without it.
    @Test func clientIPBeatsRemoteIP() {
        let c = parse(#"{"level":"info","ts":1693840791.7564995,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"172.17.0.1","remote_port":"44790","client_ip":"127.0.0.1","proto":"HTTP/1.0","method":"GET","host":"127.0.0.1:8080","uri":"/","headers":{"User-Agent":["curl/7.74.0"],"X-Forwarded-For":["127.0.0.1"]}},"bytes_read":0,"user_id":"","duration":0.000002701,"size":0,"status":0,"resp_headers":{"Server":["Caddy"]}}"#).1
        #expect(c.client == "127.0.0.1" && c.scheme == "http" && c.tlsProtocol == "")
        #expect(c.status == 0 && c.micros == 3 && c.millis == 1_693_840_791_756)
    }

    @Test func timeAndDurationForms() {
        func c(_ ts: String, _ duration: String) -> (LineOutcome, GatewayCall) {
            parse(#"{"ts":\#(ts),"logger":"http.log.access","request":{"remote_ip":"1.2.3.4","method":"GET","uri":"/"},"duration":\#(duration),"status":200}"#)
        }
        #expect(c(#""2026-10-10T13:55:36.250Z""#, "2").1.millis == 1_791_640_536_250)
        #expect(c(#""2026-10-10T13:55:36.250Z""#, "2").1.micros == 2_000_000)
        #expect(c("1791640536", #""2m3.5s""#).1.micros == 123_500_000)
        #expect(c("1791640536", #""750µs""#).1.micros == 750)
        #expect(c("1791640536", #""300ns""#).1.micros == 0)
        #expect(c("1791640536", #""fast""#).1.micros == -1)
        #expect(c(#""2006/01/02 15:04:05""#, "1").0 == .rejected(.badTimestamp))
    }

    @Test func caddysOwnLogEntriesAreToldApart() {
        #expect(parse(#"{"level":"warn","ts":1742400753.0547564,"logger":"http.handlers.reverse_proxy","msg":"failed to dial","dial":"10.0.0.1:80","total_upstreams":1}"#).0 == .rejected(.errorLog))
        #expect(parse(#"{"level":"info","ts":1742400753.05,"logger":"tls.obtain","msg":"certificate obtained successfully","identifier":"example.com"}"#).0 == .rejected(.errorLog))
        // The Coraza WAF handler logs into the same stream: not an access record.
        #expect(parse(#"{"level":"warn","ts":1700758468.384019,"logger":"http.handlers.waf","msg":"[client \"192.168.1.1\"] Coraza: Warning. [id \"942431\"] [uri \"/x\"]"}"#).0 == .rejected(.errorLog))
        // An access logger entry without a request is malformed, not ignored.
        #expect(parse(#"{"level":"info","ts":1742400753.05,"logger":"http.log.access","msg":"handled request"}"#).0 == .rejected(.missingField))
    }

    @Test func garbageAndBadValues() {
        let (outcome, c) = parse(#"{"ts":1791640536,"logger":"http.log.access","request":{"remote_ip":"1.2.3.4","method":"","uri":""},"status":400}"#)
        #expect(outcome == .call && !c.valid)
        #expect(parse(#"{"ts":1791640536,"logger":"http.log.access","request":{"remote_ip":"1.2.3.4","method":"GET","uri":"/"},"status":"x"}"#).0 == .rejected(.badStatus))
        #expect(parse(#"{"ts":1791640536,"logger":"http.log.access","request":{"remote_ip":"1.2.3.4","method":"GET","uri":"/"}"#).0 == .rejected(.invalidJSON))
    }

    @Test func nearMissesAreRejected() {
        GatewayJSON.expectRejectsOthers(.caddy)
        // Kong also nests method and uri under `request`, but has no client address there.
        #expect(parse(#"{"request":{"method":"GET","uri":"/"},"response":{"status":200},"client_ip":"1.2.3.4","started_at":1791640536000}"#).0 == .rejected(.missingField))
    }

    @Test func detectedFromItsExample() { GatewayJSON.expectDetected(.caddy) }
}
