import Foundation
import Testing
@testable import APICensusIO

@Suite struct ByteStreamReaderTests {
    let sample = joined(randomLines(count: 5000, lengths: 0...300, seed: 1))

    @Test func plainFile() throws {
        let dir = try TempDir()
        let p = try dir.write("access.log", sample)
        for bufferSize in [1, 7, 4096, 1 << 20] {
            let r = try readAll(p, bufferSize: bufferSize, blockSize: 16)
            #expect(r.error == nil)
            #expect(r.data == sample)
            #expect(r.reader.encoding == .plain)
            #expect(r.reader.decompressedOffset == Int64(sample.count))
            #expect(r.reader.fileSize == Int64(sample.count))
        }
    }

    @Test func gzipFile() throws {
        let dir = try TempDir()
        let gz = try dir.gzip(sample)
        let p = try dir.write("access.log.gz", gz)
        for (bufferSize, blockSize) in [(1, 16), (13, 100), (65536, 1 << 20), (1 << 20, 4096)] {
            let r = try readAll(p, bufferSize: bufferSize, blockSize: blockSize)
            #expect(r.error == nil)
            #expect(r.data == sample)
            #expect(r.reader.encoding == .gzip)
            #expect(r.reader.compressedOffset == Int64(gz.count))
            #expect(r.reader.decompressedOffset == Int64(sample.count))
        }
    }

    @Test func multiMemberGzip() throws {
        let dir = try TempDir()
        let a = Array("first member line 1\nfirst member line 2\n".utf8)
        let b = joined(randomLines(count: 2000, lengths: 10...200, seed: 2))
        let c = Array("third, no final newline".utf8)
        let gz = try dir.gzip(a) + dir.gzip(b) + dir.gzip([]) + dir.gzip(c)
        let p = try dir.write("rotated.log", gz)
        for bufferSize in [1, 100, 1 << 20] {
            let r = try readAll(p, bufferSize: bufferSize, blockSize: 37)
            #expect(r.error == nil)
            #expect(r.data == a + b + c)
        }
        // Zero padding after the last member is ignored, like GNU gzip.
        let padded = try dir.write("padded.gz", gz + [UInt8](repeating: 0, count: 1000))
        let rp = try readAll(padded)
        #expect(rp.error == nil)
        #expect(rp.data == a + b + c)
    }

    @Test func trailingGarbageIsAnErrorAfterTheData() throws {
        let dir = try TempDir()
        let a = Array("line\n".utf8)
        let gz = try dir.gzip(a)
        let p = try dir.write("garbage.gz", gz + Array("GARBAGE".utf8))
        let r = try readAll(p)
        #expect(r.data == a)
        let e = try #require(r.error)
        #expect(e.kind == .corruptGzip)
        #expect(e.compressedOffset == Int64(gz.count))
        #expect(e.decompressedOffset == Int64(a.count))
        #expect(e.message.contains("trailing garbage"))
        // Zeros then garbage: still an error, at the garbage.
        let p2 = try dir.write("garbage2.gz", gz + [0, 0, 0, 7])
        let r2 = try readAll(p2)
        #expect(r2.data == a)
        #expect(r2.error?.compressedOffset == Int64(gz.count + 3))
    }

    @Test func emptyFiles() throws {
        let dir = try TempDir()
        let p = try dir.write("empty.log", [])
        let r = try readAll(p)
        #expect(r.error == nil && r.data.isEmpty && r.reader.encoding == .plain)
        let gz = try dir.gzip([])
        let pg = try dir.write("empty.log.gz", gz)
        let rg = try readAll(pg)
        #expect(rg.error == nil && rg.data.isEmpty && rg.reader.encoding == .gzip)
        #expect(rg.reader.compressedOffset == Int64(gz.count))
        let one = try dir.write("one-byte.log", [0x1F])
        let r1 = try readAll(one)
        #expect(r1.error == nil && r1.data == [0x1F] && r1.reader.encoding == .plain)
    }

    @Test func truncatedGzipDeliversPrefixThenError() throws {
        let dir = try TempDir()
        let gz = try dir.gzip(sample)
        let cut = gz.count / 2
        let p = try dir.write("cut.gz", Array(gz[0..<cut]))
        for bufferSize in [7, 65536] {
            let r = try readAll(p, bufferSize: bufferSize, blockSize: 1000)
            let e = try #require(r.error)
            #expect(e.kind == .truncatedGzip)
            #expect(e.compressedOffset == Int64(cut))
            #expect(e.decompressedOffset == Int64(r.data.count))
            #expect(e.path == p)
            #expect(r.data.count > sample.count / 4)
            #expect(Array(sample[0..<r.data.count]) == r.data)
        }
        // Cut inside the header, and after 2 bytes only.
        for n in [2, 5, gz.count - 1] {
            let q = try dir.write("cut\(n).gz", Array(gz[0..<n]))
            let r = try readAll(q)
            #expect(r.error?.kind == .truncatedGzip)
            #expect(r.error?.compressedOffset == Int64(n))
        }
    }

    @Test func corruptGzipDeliversDataBeforeTheError() throws {
        let dir = try TempDir()
        let gz = try dir.gzip(sample)
        var bad = gz
        let mid = gz.count / 2
        for i in mid..<(mid + 16) { bad[i] ^= 0xA5 }
        let p = try dir.write("corrupt.log", bad)
        let r = try readAll(p, bufferSize: 4096, blockSize: 4096)
        let e = try #require(r.error)
        #expect(e.kind == .corruptGzip)
        #expect(e.compressedOffset > 0 && e.compressedOffset <= Int64(gz.count))
        #expect(e.decompressedOffset == Int64(r.data.count))
        #expect(!e.message.isEmpty)
        // Data of the blocks before the damage came through intact.
        #expect(r.data.count >= 1000)
        #expect(Array(sample[0..<1000]) == Array(r.data[0..<1000]))
        // Reading again keeps failing with the same error.
        #expect(throws: InputError.self) { _ = try r.reader.read(into: .allocate(byteCount: 10, alignment: 1)) }
    }

    @Test func encodingIsDecidedByMagicNotName() throws {
        let dir = try TempDir()
        let plain = Array("GET / HTTP/1.1\n".utf8)
        let p1 = try dir.write("looks-compressed.gz", plain)
        let r1 = try readAll(p1)
        #expect(r1.reader.encoding == .plain && r1.data == plain)
        #expect(try InputEncoding.detect(path: p1) == .plain)
        let p2 = try dir.write("looks-plain.log", try dir.gzip(plain))
        let r2 = try readAll(p2)
        #expect(r2.reader.encoding == .gzip && r2.data == plain)
        #expect(try InputEncoding.detect(path: p2) == .gzip)
    }

    @Test func unreadablePaths() throws {
        let dir = try TempDir()
        #expect(throws: InputError.self) { _ = try ByteStreamReader(path: dir.path("missing.log")) }
        do {
            _ = try ByteStreamReader(path: dir.url.path)
            Issue.record("a directory must not open")
        } catch {
            #expect(error.kind == .unreadable)
        }
    }

    @Test func inflaterByteAtATime() throws {
        let dir = try TempDir()
        let a = Array("alpha\n".utf8), b = joined(randomLines(count: 50, lengths: 0...40, seed: 3))
        let gz = try dir.gzip(a) + dir.gzip(b)
        let inflater = try GzipInflater()
        var out: [UInt8] = []
        var o: UInt8 = 0
        for byte in gz {
            var input = byte
            var consumed = 0
            while consumed == 0 {
                let step = withUnsafeBytes(of: &input) { inp in
                    withUnsafeMutableBytes(of: &o) { inflater.inflate(inp, into: $0) }
                }
                #expect(step.error == nil)
                consumed = step.consumed
                if step.produced == 1 { out.append(o) }
            }
        }
        // Drain.
        while true {
            let step = withUnsafeMutableBytes(of: &o) { inflater.inflate(UnsafeRawBufferPointer(start: nil, count: 0), into: $0) }
            if step.produced == 0 { break }
            out.append(o)
        }
        try inflater.finish()
        #expect(out == a + b)
        #expect(inflater.membersCompleted == 2)
        #expect(inflater.totalIn == Int64(gz.count))
    }
}
