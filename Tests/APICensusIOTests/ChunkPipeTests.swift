import Foundation
import Testing
@testable import APICensusIO

@Suite struct ChunkPipeTests {
    /// Consumer on the test thread, producer on the pipe's thread: every chunk, in order, nothing lost.
    @Test(arguments: [2, 3, 4])
    func deliversEveryChunkInOrder(bufferCount: Int) throws {
        let dir = try TempDir()
        let lines = randomLines(count: 40000, lengths: 0...300, seed: 20 + UInt64(bufferCount))
        let data = joined(lines)
        let p = try dir.write("p.log", data)
        let g = try dir.write("p.gz", try dir.gzip(data))
        for path in [p, g] {
            let pipe = try ChunkPipe(path: path, maxLineLength: 1000, bufferSize: 8192, bufferCount: bufferCount)
            var out: [UInt8] = []
            var expectedSequence = 0
            var expectedOffset: Int64 = 0
            var rng = SplitMix(seed: 5)
            while let piped = try pipe.next() {
                #expect(piped.sequence == expectedSequence)
                #expect(piped.chunk.startOffset == expectedOffset)
                expectedSequence += 1
                expectedOffset = piped.chunk.endOffset
                out += piped.chunk.bytes
                if Int.random(in: 0..<50, using: &rng) == 0 { usleep(200) }  // a slow consumer now and then
                pipe.release(piped)
            }
            #expect(out == data)
            #expect(expectedSequence > 100)
            pipe.waitForProducer()
        }
    }

    /// Consumers keep several chunks at once (up to bufferCount - 1) and release out of order.
    @Test func heldChunksStayIntact() throws {
        let dir = try TempDir()
        let data = joined(randomLines(count: 20000, lengths: 0...100, seed: 30))
        let p = try dir.write("h.log", data)
        let pipe = try ChunkPipe(path: p, maxLineLength: 200, bufferSize: 4096, bufferCount: 4)
        var held: [(PipedChunk, [UInt8])] = []
        var out: [UInt8] = []
        while let piped = try pipe.next() {
            held.append((piped, Array(piped.chunk.bytes)))
            if held.count == 3 {
                // The producer has been filling the 4th buffer meanwhile: held chunks must be unchanged.
                for (c, copy) in held { #expect(Array(c.chunk.bytes) == copy) }
                out += held.flatMap { $0.1 }
                for (c, _) in held.reversed() { pipe.release(c) }
                held.removeAll()
            }
        }
        out += held.flatMap { $0.1 }
        for (c, _) in held { pipe.release(c) }
        #expect(out == data)
    }

    @Test func consumerOnAnotherThreadAndTooLongLines() async throws {
        let dir = try TempDir()
        var data: [UInt8] = []
        var rng = SplitMix(seed: 40)
        for i in 0..<3000 {
            let n = Int.random(in: 0..<100, using: &rng) == 0 ? 5000 : Int.random(in: 0...80, using: &rng)
            data += Array("\(i)".utf8) + [UInt8](repeating: 0x2E, count: n) + [0x0A]
        }
        let p = try dir.write("t.gz", try dir.gzip(data))
        let pipe = try ChunkPipe(path: p, maxLineLength: 1000, bufferSize: 2048, bufferCount: 2)
        // Consume on a detached task (another thread); the pipe is Sendable.
        let events = try await Task.detached {
            var events: [ChunkRun.Event] = []
            while let piped = try pipe.next() {
                for t in piped.chunk.tooLongBefore { events.append(.tooLong(t)) }
                var offset = piped.chunk.startOffset
                piped.chunk.forEachLine { line in
                    events.append(.line(offset: offset, bytes: Array(line)))
                    offset += Int64(line.count + 1)
                }
                pipe.release(piped)
            }
            return events
        }.value
        #expect(events == expectedEvents(data, limit: 1000))
    }

    @Test func errorComesAfterTheData() throws {
        let dir = try TempDir()
        let data = joined(randomLines(count: 20000, lengths: 20...200, seed: 50))
        let gz = try dir.gzip(data)
        let p = try dir.write("cut.gz", Array(gz[0..<(gz.count / 2)]))
        let pipe = try ChunkPipe(path: p, bufferSize: 1 << 16, bufferCount: 3)
        var out: [UInt8] = []
        do {
            while let piped = try pipe.next() {
                out += piped.chunk.bytes
                pipe.release(piped)
            }
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .truncatedGzip)
            #expect(error.decompressedOffset == Int64(out.count))
        }
        #expect(out.count > data.count / 4)
        #expect(Array(data[0..<out.count]) == out)
        #expect(try pipe.next() == nil)
    }

    @Test func cancelStopsTheProducer() throws {
        let dir = try TempDir()
        let data = joined(randomLines(count: 50000, lengths: 0...100, seed: 60))
        let p = try dir.write("c.log", data)
        let pipe = try ChunkPipe(path: p, maxLineLength: 200, bufferSize: 4096, bufferCount: 2)
        let first = try #require(try pipe.next())
        pipe.cancel()  // producer is (or will be) blocked waiting for a buffer
        pipe.waitForProducer()
        pipe.release(first)
        var count = 0
        while let c = try pipe.next() {
            count += 1
            pipe.release(c)
        }
        #expect(count <= 1)
    }
}
