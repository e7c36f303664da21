import Testing
@testable import APICensusCore

@Suite struct TimestampTests {
    func millis(_ s: String, _ f: (Bytes) -> Int64?) -> Int64? {
        Array(s.utf8).withUnsafeBufferPointer { f($0) }
    }

    @Test func clfWithZone() {
        // 2000-10-10T20:55:36Z is 971211336.
        #expect(millis("10/Oct/2000:13:55:36 -0700", Timestamps.clfMillis) == 971_211_336_000)
        #expect(millis("10/Oct/2000:20:55:36 +0000", Timestamps.clfMillis) == 971_211_336_000)
        #expect(millis("10/Oct/2000:20:55:36.250 +0000", Timestamps.clfMillis) == 971_211_336_250)
        #expect(millis("10/Foo/2000:20:55:36 +0000", Timestamps.clfMillis) == nil)
        #expect(millis("10/Oct/2000:20:55", Timestamps.clfMillis) == nil)
    }

    @Test func iso8601Forms() {
        #expect(millis("2000-10-10T20:55:36Z", Timestamps.iso8601Millis) == 971_211_336_000)
        #expect(millis("2000-10-10T22:55:36.5+02:00", Timestamps.iso8601Millis) == 971_211_336_500)
        #expect(millis("2000-10-10 20:55:36", Timestamps.iso8601Millis) == 971_211_336_000)
        #expect(millis("2000-13-10T20:55:36Z", Timestamps.iso8601Millis) == nil)
    }

    @Test func epochForms() {
        #expect(millis("971211336", Timestamps.epochMillis) == 971_211_336_000)
        #expect(millis("971211336.123", Timestamps.epochMillis) == 971_211_336_123)
        #expect(millis("971211336123", Timestamps.epochMillis) == nil) // 12 digits = seconds: past year 9999
        #expect(millis("9712113361234", Timestamps.epochMillis) == 9_712_113_361_234)
        #expect(millis("abc", Timestamps.epochMillis) == nil)
        #expect(millis("10/Oct/2000:20:55:36 +0000", Timestamps.anyMillis) == 971_211_336_000)
    }
}

@Suite struct CLFTimeCacheTests {
    @Test func cachedAndUncachedAgree() {
        var cache = CLFTimeCache()
        let stamps = ["10/Oct/2000:13:55:36 -0700", "10/Oct/2000:13:55:37 -0700", "10/Oct/2000:13:59:59 -0700",
                      "10/Oct/2000:14:00:00 -0700", "10/Oct/2000:14:00:00 +0000", "11/Oct/2000:14:00:00 +0000",
                      "11/Oct/2000:14:0x:00 +0000", "11/Oct/2000:14:00:00.123 +0000"]
        for s in stamps {
            let a = Array(s.utf8).withUnsafeBufferPointer { cache.millis($0) }
            let b = Array(s.utf8).withUnsafeBufferPointer { Timestamps.clfMillis($0) }
            #expect(a == b, "\(s)")
        }
    }
}
