/// Why a document cannot take part in a merge (the caller adds the file and line).
public struct MergeDocumentError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A document rejected by an earlier merge, carried into later merges' output so that nothing is
/// dropped silently however merges are grouped.
public struct RejectedDocument: Sendable, Equatable {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
}

/// What `apicensus merge` takes from one document (a report with state, a snapshot line, or an
/// earlier merge's output).
public struct MergeInput: Sendable {
    public var state: StateSection
    public var collapseThreshold: Int
    public var maxEndpointsPerHost: Int
    /// Documents this one stands for (an earlier merge's output counts all of its inputs).
    public var documents: UInt64
    public var rejected: [RejectedDocument]

    /// Reads a parsed document. Throws with a message fit for `file:line: message`.
    public init(document: JSONTree) throws(MergeDocumentError) {
        guard case .object = document else { throw MergeDocumentError("not a JSON object") }
        guard document["schema_version"]?.stringValue != nil, document["tool"]?["name"]?.stringValue == "apicensus" else {
            throw MergeDocumentError("not an APICensus report or snapshot (no schema_version or tool.name \"apicensus\")")
        }
        guard let summary = document["summary"],
              let threshold = summary["collapse_threshold"]?.int64Value, let cap = summary["max_endpoints_per_host"]?.int64Value,
              threshold >= 1, cap >= 1, let t = Int(exactly: threshold), let c = Int(exactly: cap)
        else { throw MergeDocumentError("summary.collapse_threshold or summary.max_endpoints_per_host missing or invalid") }
        collapseThreshold = t
        maxEndpointsPerHost = c
        guard let state = document["state"], !state.isNull else {
            throw MergeDocumentError("the report has no state: rerun `apicensus batch --include-state` to produce a report that can be merged")
        }
        self.state = try MergeInput.stateSection(state)
        documents = 1
        rejected = []
        if let merged = document["merged"] {
            guard let n = merged["documents"]?.int64Value, n >= 1, let list = merged["rejected"]?.arrayValue else {
                throw MergeDocumentError("merged.documents or merged.rejected missing or invalid")
            }
            documents = UInt64(n)
            for item in list {
                guard let file = item["file"]?.stringValue, let line = item["line"]?.int64Value.flatMap({ Int(exactly: $0) }),
                      let message = item["message"]?.stringValue
                else { throw MergeDocumentError("merged.rejected has an entry without file, line and message") }
                rejected.append(RejectedDocument(file: file, line: line, message: message))
            }
        }
    }

    static func stateSection(_ state: JSONTree) throws(MergeDocumentError) -> StateSection {
        guard state["encoding"]?.stringValue == StateCodec.encodingName else {
            let found = state["encoding"]?.stringValue.map { "\"\($0)\"" } ?? "none"
            throw MergeDocumentError("state.encoding is \(found); this build reads \"\(StateCodec.encodingName)\"")
        }
        guard let inputList = state["inputs"]?.arrayValue, let deltaList = state["deltas"]?.arrayValue, let baseValue = state["base"] else {
            throw MergeDocumentError("state needs inputs, base and deltas")
        }
        var inputs: [InputDescription] = []
        for (i, item) in inputList.enumerated() {
            guard let path = item["path"]?.stringValue, let encoding = item["encoding"]?.stringValue,
                  let format = item["format"], let confidence = item["format_confidence"], let size = item["size_on_disk"]
            else { throw MergeDocumentError("state.inputs[\(i)] needs path, encoding, format, format_confidence and size_on_disk") }
            var description = InputDescription(path: path, encoding: encoding, format: nil, formatConfidence: nil, sizeOnDisk: nil)
            if !format.isNull {
                guard let f = format.stringValue.flatMap(LogFormat.init(rawValue:)) else {
                    throw MergeDocumentError("state.inputs[\(i)].format is not one of \(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                description.format = f
            }
            if !confidence.isNull {
                guard let c = confidence.doubleValue, (0...1).contains(c) else { throw MergeDocumentError("state.inputs[\(i)].format_confidence is not a number in 0...1") }
                description.formatConfidence = c
            }
            if !size.isNull {
                guard let s = size.int64Value, s >= 0 else { throw MergeDocumentError("state.inputs[\(i)].size_on_disk is not a size") }
                description.sizeOnDisk = s
            }
            inputs.append(description)
        }
        var base: AggregateState?
        if !baseValue.isNull {
            guard let text = baseValue.stringValue else { throw MergeDocumentError("state.base is neither a base64 string nor null") }
            do {
                base = try AggregateState(encoded: Base64.decode(Array(text.utf8)))
            } catch {
                throw MergeDocumentError("state.base: \(error)")
            }
            let highest = base!.files.keys.max() ?? -1
            guard highest < inputs.count, (base!.files.keys.min() ?? 0) >= 0 else {
                throw MergeDocumentError("state.base counts input \(highest) but state.inputs lists \(inputs.count)")
            }
        }
        var deltas: [DeltaChain.Candidate] = []
        for (i, item) in deltaList.enumerated() {
            guard let topic = item["topic"]?.stringValue, !topic.isEmpty,
                  let partition = item["partition"]?.int64Value.flatMap({ Int32(exactly: $0) }), partition >= 0,
                  let start = item["start"]?.int64Value, let end = item["end"]?.int64Value, start >= 0, end >= start,
                  let text = item["data"]?.stringValue
            else {
                throw MergeDocumentError("state.deltas[\(i)] needs topic, partition, start ≤ end (offsets) and data")
            }
            let key = PartitionKey(topic: topic, partition: partition)
            let range = OffsetRange(start: start, end: end)
            do {
                let data = try Base64.decode(Array(text.utf8))
                deltas.append(DeltaChain.Candidate(delta: PartitionDelta(key: key, range: range, state: try AggregateState(encoded: data)), data: data))
            } catch {
                throw MergeDocumentError("state.deltas[\(i)] (\(key) \(range)): \(error)")
            }
        }
        return StateSection(inputs: inputs, base: base, deltas: deltas)
    }
}

/// Combines documents' states: bases add up (their inputs listed in document order); deltas are
/// pooled per partition and one chain per partition is counted (`DeltaChain`), so replays count
/// once. Grouping does not matter: the output keeps every distinct delta (chosen or replaced), so a
/// later merge sees the same pool, and merge(merge(a, b), c) equals merge(a, merge(b, c)).
public enum StreamMerge {
    public struct Outcome: Sendable {
        public var aggregate: StreamAggregate
        /// The `state` to write out: all base inputs, the merged base, every distinct delta.
        public var state: StateSection
        public var selections: [(key: PartitionKey, selection: DeltaChain.Selection)]
    }

    /// - Parameter collapseDeltas: write each partition's chain as one delta per covered stretch
    ///   (a much smaller output, but a later merge can no longer chain replays that start inside a
    ///   collapsed stretch: those then show as gaps, never as double counts).
    public static func merge(_ sections: [StateSection], collapseDeltas: Bool = false) -> Outcome {
        var aggregate = StreamAggregate()
        var hasBase = false
        var byPartition: [PartitionKey: [DeltaChain.Candidate]] = [:]
        for section in sections {
            if let base = section.base {
                aggregate.absorb(base: base, inputs: section.inputs)
                hasBase = true
            } else {
                aggregate.absorb(base: AggregateState(), inputs: section.inputs)
            }
            for d in section.deltas { byPartition[d.delta.key, default: []].append(d) }
        }
        var selections: [(key: PartitionKey, selection: DeltaChain.Selection)] = []
        var outputDeltas: [DeltaChain.Candidate] = []
        for key in byPartition.keys.sorted() {
            let selection = DeltaChain.select(candidates: byPartition[key]!)
            for d in selection.chosen { aggregate.absorb(d) }
            selections.append((key, selection))
            if collapseDeltas {
                var stretch: PartitionDelta?
                for d in selection.chosen {
                    if var s = stretch, s.range.end == d.range.start {
                        s.range.end = d.range.end
                        s.state.merge(d.state.remappingInputs { _ in 0 })
                        stretch = s
                    } else {
                        if let s = stretch { outputDeltas.append(DeltaChain.Candidate(s)) }
                        stretch = PartitionDelta(key: key, range: d.range, state: d.state.remappingInputs { _ in 0 })
                    }
                }
                if let s = stretch { outputDeltas.append(DeltaChain.Candidate(s)) }
            } else {
                // Every distinct delta, in canonical order.
                let pool = byPartition[key]!.sorted(by: DeltaChain.Candidate.precedes)
                var previous: DeltaChain.Candidate?
                for c in pool where !c.delta.range.isEmpty {
                    if let p = previous, p.delta.range == c.delta.range, p.data == c.data { continue }
                    outputDeltas.append(c)
                    previous = c
                }
            }
        }
        let state = StateSection(inputs: aggregate.baseInputs, base: hasBase ? aggregate.base : nil, deltas: outputDeltas)
        return Outcome(aggregate: aggregate, state: state, selections: selections)
    }

    /// The merge output: the report's sections, `partitions` (when deltas took part), `merged` and
    /// `state` — the same shape as its inputs, so it can be merged again.
    public static func document(_ outcome: Outcome, documents: UInt64, rejected: [RejectedDocument], options: ReportOptions) -> JSONOutput {
        guard case .object(var fields) = outcome.aggregate.report(options: options) else { preconditionFailure("a report is an object") }
        if !outcome.selections.isEmpty {
            fields.append(("partitions", .array(outcome.selections.map { key, selection in
                .object([
                    ("topic", .string(key.topic)),
                    ("partition", .int(Int64(key.partition))),
                    ("covered", .array(selection.covered.map(rangeValue))),
                    ("gaps", .array(selection.gaps.map(rangeValue))),
                    ("replayed_deltas", .int(Int64(selection.replaced.count))),
                ])
            })))
        }
        fields.append(("merged", .object([
            ("documents", .uint(documents)),
            ("rejected", .array(rejected.map {
                .object([("file", .string($0.file)), ("line", .int(Int64($0.line))), ("message", .string($0.message))])
            })),
        ])))
        fields.append(("state", outcome.state.json))
        return .object(fields)
    }

    static func rangeValue(_ r: OffsetRange) -> JSONOutput { .object([("start", .int(r.start)), ("end", .int(r.end))]) }
}
