import Foundation
import Testing
@testable import APICensusIO

/// What a chunker must produce for `data`: lines ≤ limit in order with offsets, longer ones as TooLongLine.
func expectedEvents(_ data: [UInt8], limit: Int) -> [ChunkRun.Event] {
    var events: [ChunkRun.Event] = []
    var start = 0
    while start < data.count {
        var end = start
        while end < data.count && data[end] != 0x0A { end += 1 }
        let length = end - start
        if length > limit {
            events.append(.tooLong(TooLongLine(offset: Int64(start), length: Int64(length))))
        } else {
            var stop = end
            if stop > start && data[stop - 1] == 0x0D { stop -= 1 }
            events.append(.line(offset: Int64(start), bytes: Array(data[start..<stop])))
        }
        start = end + 1
    }
    return events
}

@Suite struct LineChunkerTests {
    @Test func plainAndGzipGiveTheSameLines() throws {
        let dir = try TempDir()
        let lines = randomLines(count: 20000, lengths: 0...400, seed: 10)
        let data = joined(lines)
        let p = try dir.write("a.log", data)
        let g = try dir.write("a.log.gz", try dir.gzip(data))
        for path in [p, g] {
            for bufferSize in [1 << 12, 1 << 16, 4 << 20] {
                let run = chunkAll(LineChunker(source: try ByteStreamReader(path: path), maxLineLength: 1000, bufferSize: bufferSize))
                #expect(run.error == nil)
                #expect(run.bytes == data)
                #expect(run.lines == lines)
                #expect(run.tooLong.isEmpty)
            }
        }
    }

    @Test func emptyFile() throws {
        let dir = try TempDir()
        let p = try dir.write("empty.log", [])
        let chunker = try LineChunker(path: p)
        #expect(try chunker.next() == nil)
        #expect(try chunker.next() == nil)
        let g = try dir.write("empty.gz", try dir.gzip([]))
        #expect(try LineChunker(path: g).next() == nil)
    }

    @Test func finalLineWithoutNewlineAndCRLF() throws {
        let dir = try TempDir()
        let text = "one\r\ntwo\n\nthree\r\nlast without newline"
        let p = try dir.write("crlf.log", text)
        let run = chunkAll(try LineChunker(path: p))
        #expect(run.error == nil)
        // Raw bytes are delivered unchanged (\r kept); forEachLine strips \n and the \r before it.
        #expect(run.bytes == Array(text.utf8))
        #expect(run.lines.map { String(decoding: $0, as: UTF8.self) } == ["one", "two", "", "three", "last without newline"])
        // Just "\n" and just "x".
        #expect(chunkAll(try LineChunker(path: try dir.write("nl.log", "\n"))).lines == [[]])
        #expect(chunkAll(try LineChunker(path: try dir.write("x.log", "x"))).lines == [[0x78]])
    }

    @Test func threeMebibyteLineIsSkippedAndReported() throws {
        let dir = try TempDir()
        let before = Array("GET /before HTTP/1.1\n".utf8)
        let long = [UInt8](repeating: 0x78, count: 3 << 20)
        let after = Array("GET /after HTTP/1.1\n".utf8)
        let data = before + long + [0x0A] + after
        let p = try dir.write("long.log", data)
        let g = try dir.write("long.gz", try dir.gzip(data))
        // Buffer just above the limit (streams the long line through) and larger than the line's start.
        for path in [p, g] {
            for bufferSize in [0, 2 << 20, 8 << 20] {
                let chunker = LineChunker(source: try ByteStreamReader(path: path), bufferSize: bufferSize)
                let run = chunkAll(chunker)
                #expect(run.error == nil)
                #expect(run.tooLong == [TooLongLine(offset: Int64(before.count), length: Int64(long.count))])
                #expect(run.lines.map { String(decoding: $0, as: UTF8.self) } == ["GET /before HTTP/1.1", "GET /after HTTP/1.1"])
                #expect(run.events == expectedEvents(data, limit: LineChunker.defaultMaxLineLength))
                if bufferSize < long.count {
                    // Memory bounded: the buffer is smaller than the line and never grows.
                    #expect(chunker.bufferCapacity < long.count)
                }
                #expect(run.maxChunk <= chunker.bufferCapacity)
            }
        }
        // Too long at the end, without newline.
        let q = try dir.write("long-end.log", before + long)
        let run = chunkAll(LineChunker(source: try ByteStreamReader(path: q), bufferSize: 0))
        #expect(run.error == nil)
        #expect(run.tooLong == [TooLongLine(offset: Int64(before.count), length: Int64(long.count))])
        #expect(run.lines.count == 1)
    }

    @Test func exactlyAtTheLimit() throws {
        let dir = try TempDir()
        let limit = 100
        let ok = [UInt8](repeating: 0x61, count: limit)
        let over = [UInt8](repeating: 0x62, count: limit + 1)
        let data = ok + [0x0A] + over + [0x0A] + ok + [0x0D, 0x0A] + ok
        let p = try dir.write("limit.log", data)
        for bufferSize in [0, 150, 1000] {
            let run = chunkAll(LineChunker(source: try ByteStreamReader(path: p), maxLineLength: limit, bufferSize: bufferSize))
            #expect(run.events == expectedEvents(data, limit: limit), "bufferSize \(bufferSize)")
        }
    }

    /// Random line lengths around a small limit, many buffer sizes: compare with the reference splitter.
    @Test(arguments: [1 as UInt64, 2, 3, 4, 5, 6])
    func randomAgainstReference(seed: UInt64) throws {
        let dir = try TempDir()
        var rng = SplitMix(seed: seed)
        let limit = Int.random(in: 1...40, using: &rng)
        let lines = randomLines(count: 3000, lengths: 0...(limit * 3), seed: seed &+ 100)
        let data = joined(lines, terminator: seed % 2 == 0)
        let p = try dir.write("r.log", data)
        let g = try dir.write("r.gz", try dir.gzip(data))
        let expected = expectedEvents(data, limit: limit)
        for path in [p, g] {
            for bufferSize in [0, limit + 2, 2 * limit + 7, 997] {
                let run = chunkAll(LineChunker(source: try ByteStreamReader(path: path, blockSize: 61), maxLineLength: limit, bufferSize: bufferSize))
                #expect(run.error == nil)
                #expect(run.events == expected, "limit \(limit) bufferSize \(bufferSize)")
            }
        }
    }

    @Test func truncatedGzipDeliversLinesThenThrows() throws {
        let dir = try TempDir()
        let data = joined(randomLines(count: 20000, lengths: 20...200, seed: 7))
        let gz = try dir.gzip(data)
        let p = try dir.write("cut.gz", Array(gz[0..<(gz.count * 2 / 3)]))
        let chunker = LineChunker(source: try ByteStreamReader(path: p), bufferSize: 1 << 16)
        let run = chunkAll(chunker)
        let e = try #require(run.error)
        #expect(e.kind == .truncatedGzip)
        #expect(e.decompressedOffset == Int64(run.bytes.count))
        #expect(run.bytes.count > data.count / 2)
        #expect(Array(data[0..<run.bytes.count]) == run.bytes)
        #expect(try chunker.next() == nil)  // the error is thrown once
    }
}
