import Testing
@testable import APICensusCore

@Suite struct FormatDetectorTests {
    func detect(_ text: String) -> FormatDetector.Detection? {
        Array(text.utf8).withUnsafeBufferPointer { FormatDetector.detect(sample: $0) }
    }

    @Test func combinedCommonAndJSON() {
        let combined = """
        10.0.0.1 - - [10/Oct/2023:08:32:31 +0000] "GET /a HTTP/1.1" 200 12 "-" "curl/8"
        10.0.0.2 - - [10/Oct/2023:08:32:32 +0000] "POST /b HTTP/1.1" 201 0 "https://x.example/" "okhttp/4"

        """
        #expect(detect(combined) == .init(format: .combined, confidence: 1))
        let common = """
        10.0.0.1 - - [10/Oct/2023:08:32:31 +0000] "GET /a HTTP/1.1" 200 12
        10.0.0.2 - frank [10/Oct/2023:08:32:32 +0000] "POST /b HTTP/1.0" 201 -

        """
        #expect(detect(common) == .init(format: .common, confidence: 1))
        let json = """
        {"time_local":"10/Oct/2023:08:32:31 +0000","remote_addr":"10.0.0.1","request":"GET /a HTTP/1.1","status":200}
        {"time_local":"10/Oct/2023:08:32:32 +0000","remote_addr":"10.0.0.2","request":"GET /b HTTP/1.1","status":404}

        """
        #expect(detect(json) == .init(format: .jsonLines, confidence: 1))
    }

    @Test func mostlyGarbageIsNotClaimed() {
        let text = """
        Oct 10 08:32:31 host sshd[1]: Accepted publickey for root
        Oct 10 08:32:32 host sshd[1]: session opened
        10.0.0.1 - - [10/Oct/2023:08:32:31 +0000] "GET /a HTTP/1.1" 200 12 "-" "curl/8"

        """
        #expect(detect(text) == nil)
        #expect(detect("") == nil)
    }

    @Test func confidenceIsTheParsedShare() {
        let text = """
        10.0.0.1 - - [10/Oct/2023:08:32:31 +0000] "GET /a HTTP/1.1" 200 12 "-" "curl/8"
        10.0.0.1 - - [10/Oct/2023:08:32:31 +0000] "GET /a HTTP/1.1" 200 12 "-" "curl/8"
        10.0.0.1 - - [10/Oct/2023:08:32:31 +0000] "GET /a HTTP/1.1" 200 12 "-" "curl/8"
        a line from something else

        """
        #expect(detect(text) == .init(format: .combined, confidence: 0.75))
    }
}
