extension AggregateState {
    /// The same state with every input index (file counters, chunk line counts, sample and problem
    /// locations) replaced by `map(index)`. Merging states from different documents needs it: each
    /// document numbers its inputs from 0. Mapping several indexes to one folds their counts.
    public func remappingInputs(_ map: (Int) -> Int) -> AggregateState {
        var result = AggregateState()
        result.rejectedByReason = rejectedByReason
        result.endpoints = endpoints
        result.invalidRequests = invalidRequests
        result.firstMillis = firstMillis
        result.lastMillis = lastMillis
        result.callsWithoutTime = callsWithoutTime
        for (input, counters) in files { result.files[map(input), default: InputFileCounters()].merge(counters) }
        for (key, lines) in chunkLines {
            result.chunkLines[ChunkKey(input: map(key.input), chunk: key.chunk), default: 0] += lines
        }
        func moved(_ l: LineLocation) -> LineLocation {
            LineLocation(input: map(l.input), chunk: l.chunk, lineInChunk: l.lineInChunk, byteOffset: l.byteOffset)
        }
        for s in samples { result.addSample(RejectedSample(location: moved(s.location), reason: s.reason, text: s.text)) }
        result.problems = problems.map {
            InputProblem(input: map($0.input), kind: $0.kind, message: $0.message, byteOffset: $0.byteOffset, lastLine: $0.lastLine.map(moved))
        }
        result.problems.sort { ($0.input, $0.byteOffset ?? -1, $0.kind, $0.message) < ($1.input, $1.byteOffset ?? -1, $1.kind, $1.message) }
        return result
    }
}
