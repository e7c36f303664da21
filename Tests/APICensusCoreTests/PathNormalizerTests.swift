import Testing
@testable import APICensusCore

@Suite struct PathNormalizerTests {
    func norm(_ s: String) -> String {
        var n = PathNormalizer()
        return n.normalize(s)
    }
    func normBytes(_ b: [UInt8]) -> String {
        var n = PathNormalizer()
        var out: [UInt8] = []
        _ = b.withUnsafeBufferPointer { n.normalize($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func types() {
        #expect(norm("/users/123/orders/9") == "/users/{int}/orders/{int}")
        #expect(norm("/m/1234567890123456789") == "/m/{int}")  // snowflake
        #expect(norm("/x/550e8400-e29b-41d4-a716-446655440000") == "/x/{uuid}")
        #expect(norm("/x/550E8400-E29B-41D4-A716-446655440000") == "/x/{uuid}")
        #expect(norm("/commits/9fceb02d0ae598e95dc970b74767f19372d61af8") == "/commits/{hex}")
        #expect(norm("/x/a1b2c3d4") == "/x/{hex}")
        #expect(norm("/x/5F3A9B2C") == "/x/{hex}")
        #expect(norm("/x/abcdefabcdefabcd") == "/x/{hex}")  // 16 letters a-f
        #expect(norm("/t/eyJhbGciOiJIUzI1NiIsInR5cCI6") == "/t/{token}")
        #expect(norm("/v1/charges/ch_3MmlLrLkdIwHu7ix0snN0B15") == "/v1/charges/{token}")
        #expect(norm("/api/reports/2024-01-31") == "/api/reports/{date}")
        #expect(norm("/reports/2024-01-31") == "/reports/2024-01-31")  // second segment: read as a version
        #expect(norm("/users/john.doe@example.com") == "/users/{email}")
        #expect(norm("/users/john.doe%40example.com") == "/users/{email}")
    }

    @Test func wordsWithHexLettersStayLiteral() {
        for w in ["feed", "added", "facade", "deadbeef", "cafe", "decade", "accede", "beaded"] {
            #expect(norm("/x/\(w)") == "/x/\(w)")
        }
        #expect(norm("/x/abc") == "/x/abc")
        #expect(norm("/x/a1b2") == "/x/a1b2")  // too short for hex
        #expect(norm("/v1/customers/cus_Nf3k2Lx9aB12cd") == "/v1/customers/cus_Nf3k2Lx9aB12cd")  // < 20: inference's job
        #expect(norm("/x/this-is-a-long-slug-of-words") == "/x/this-is-a-long-slug-of-words")  // one class: not a token
        // long camel-case resource names and snake-case names with digits are not tokens
        #expect(norm("/Accounts/IncomingPhoneNumbers") == "/Accounts/IncomingPhoneNumbers")
        #expect(norm("/Calls/UserDefinedMessageSubscriptions.json") == "/Calls/UserDefinedMessageSubscriptions.json")
        #expect(norm("/capabilities/tax_reporting_us_1099_k") == "/capabilities/tax_reporting_us_1099_k")
    }

    @Test func versionsStayLiteral() {
        #expect(norm("/v1/users") == "/v1/users")
        #expect(norm("/apis/apps/v2beta1/x") == "/apis/apps/v2beta1/x")
        #expect(norm("/apis/x/v1alpha1") == "/apis/x/v1alpha1")
        #expect(norm("/api/v2.1/items") == "/api/v2.1/items")
        #expect(norm("/api/v10rc2/items") == "/api/v10rc2/items")
        let isVersion = { (s: String) in Array(s.utf8).withUnsafeBufferPointer { PathNormalizer.isVersionBytes($0) } }
        #expect(isVersion("v1") && isVersion("v2beta1") && isVersion("v1alpha1") && isVersion("v2.1") && isVersion("V3"))
        #expect(!isVersion("v2.feed.k8s.io") && !isVersion("view") && !isVersion("v") && !isVersion("v1x"))
        #expect(norm("/2010-04-01/Accounts") == "/2010-04-01/Accounts")
        #expect(norm("/api/2024-11-30/x") == "/api/2024-11-30/x")  // second segment: a version
        #expect(norm("/a/b/2024-11-30") == "/a/b/{date}")
    }

    @Test func suffixes() {
        #expect(norm("/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Calls/CA0123456789abcdef0123456789abcdef.json")
                == "/2010-04-01/Accounts/{hex}/Calls/{hex}.json")
        #expect(norm("/2010-04-01/Accounts.json") == "/2010-04-01/Accounts.json")
        #expect(norm("/items/12345.json") == "/items/{int}.json")
        #expect(norm("/models/550e8400-e29b-41d4-a716-446655440000:analyze") == "/models/{uuid}:analyze")
        #expect(norm("/models/prebuilt-invoice:analyze") == "/models/prebuilt-invoice:analyze")
        #expect(norm("/documentModels:build") == "/documentModels:build")
        #expect(norm("/api/chat.postMessage") == "/api/chat.postMessage")
        #expect(norm("/files/report.pdf") == "/files/report.pdf")
    }

    @Test func percentEncoding() {
        #expect(norm("/users/%41lice") == "/users/Alice")       // unreserved decoded
        #expect(norm("/a%2Fb/c") == "/a%2Fb/c")                 // encoded slash is not a separator
        #expect(norm("/a%2fb") == "/a%2Fb")                     // canonical upper case
        #expect(norm("/x/%31%32%33") == "/x/{int}")
        #expect(norm("/x/100%") == "/x/100%")                   // stray percent
        #expect(norm("/caf%C3%A9") == "/caf%C3%A9")
        #expect(norm("/x/{id}") == "/x/%7Bid%7D")               // never looks like a placeholder
    }

    @Test func emptyAndSlashes() {
        #expect(norm("") == "/")
        #expect(norm("/") == "/")
        #expect(norm("//") == "/")
        #expect(norm("//a//b") == "/a/b")
        #expect(norm("/api/v1/") == "/api/v1/")
        #expect(norm("a/b") == "/a/b")
        #expect(norm("/a?x=1") == "/a")
    }

    @Test func nonUTF8() {
        #expect(normBytes([0x2F, 0xFF, 0xFE, 0x41]) == "/%FF%FEA")
        #expect(normBytes([0x2F, 0x61, 0x00, 0x62]) == "/a%00b")
    }

    @Test func hashMatchesBytesAndReusesCapacity() {
        var n = PathNormalizer()
        var out: [UInt8] = []
        let a = Array("/users/1".utf8), b = Array("/users/2".utf8), c = Array("/users/x".utf8)
        let ha = a.withUnsafeBufferPointer { n.normalize($0, into: &out) }
        let hb = b.withUnsafeBufferPointer { n.normalize($0, into: &out) }
        let hc = c.withUnsafeBufferPointer { n.normalize($0, into: &out) }
        #expect(ha == hb)
        #expect(ha != hc)
        #expect(out == Array("/users/x".utf8))
        let typed = Array("/users/{int}".utf8)
        #expect(ha == typed.withUnsafeBytes { PathNormalizer.hash($0) })
    }

    @Test func copiesAndLongPaths() {
        var a = PathNormalizer()
        var b = a   // copies share nothing observable
        #expect(a.normalize("/users/1") == "/users/{int}")
        #expect(b.normalize("/users/x") == "/users/x")
        #expect(a.normalize("/users/2") == "/users/{int}")
        let long = "/x/" + String(repeating: "7", count: 3000) + "/" + String(repeating: "ab", count: 3000)
        #expect(a.normalize(long) == "/x/{int}/" + String(repeating: "ab", count: 3000))
        // segments over 4000 bytes are never typed (documented; their counters could overflow)
        let huge = String(repeating: "7", count: 5000)
        #expect(a.normalize("/x/" + huge) == "/x/" + huge)
        let deep = String(repeating: "/1", count: 2000)
        #expect(b.normalize(deep) == String(repeating: "/{int}", count: 2000))
    }
}
