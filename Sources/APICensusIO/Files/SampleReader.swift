/// The first decompressed bytes of an input, for format detection before the real read starts.
enum SampleReader {
    /// Up to `limit` bytes. A read or gzip error after some bytes ends the sample early without
    /// throwing: the real read meets the same error and reports it with everything before it.
    static func firstBytes(path: String, limit: Int) throws(InputError) -> [UInt8] {
        let reader = try ByteStreamReader(path: path)
        var sample = [UInt8](repeating: 0, count: limit)
        var filled = 0
        while filled < limit {
            let n: Int
            do {
                n = try sample.withUnsafeMutableBytes { raw throws(InputError) -> Int in
                    try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                }
            } catch {
                if filled == 0 && error.kind == .unreadable { throw error }
                break
            }
            if n == 0 { break }
            filled += n
        }
        sample.removeSubrange(filled...)
        return sample
    }
}
