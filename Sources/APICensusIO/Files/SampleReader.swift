/// The first decompressed bytes of an input, for format detection before the real read starts.
enum SampleReader {
    /// Up to `limit` bytes. A read or gzip error after some bytes ends the sample early without
    /// throwing: the real read meets the same error and reports it with everything before it.
    static func firstBytes(path: String, limit: Int) throws(InputError) -> [UInt8] {
        let reader = try ByteStreamReader(path: path)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: limit, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        while filled < limit {
            let n: Int
            do {
                n = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            } catch {
                if filled == 0 && error.kind == .unreadable { throw error }
                break
            }
            if n == 0 { break }
            filled += n
        }
        return Array(buffer[0..<filled])
    }
}
