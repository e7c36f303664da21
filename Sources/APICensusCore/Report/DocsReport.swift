/// The report's `docs` section and the per-endpoint `documentation` field (OpenAPI drift).
extension ReportBuilder {
    /// Shadow and zombie endpoints listed in `docs` (busiest first); every endpoint carries its own
    /// verdict in `endpoints[].documentation`, and `docs.counts` has the totals.
    public static let docsListLimit = 100

    static func documentationValue(_ d: EndpointDocumentation) -> JSONOutput {
        .object([
            ("status", .string(d.status.rawValue)),
            ("spec_path", d.specPath.map { .string($0) } ?? .null),
            ("specs", .array(d.specSources.map { .string($0) })),
            ("operation_id", d.operationID.map { .string($0) } ?? .null),
            ("deprecated", .bool(d.deprecated)),
            ("superseded_by", d.supersededBy.map { .string($0) } ?? .null),
            ("reason", d.reason.map { .string($0) } ?? .null),
        ])
    }

    static func docsSection(_ drift: DocumentationDrift, endpoints: [Endpoint]) -> JSONOutput {
        func listed(_ status: DocumentationStatus) -> [Endpoint] {
            endpoints.filter { $0.documentation?.status == status }.sorted {
                $0.stats.calls != $1.stats.calls ? $0.stats.calls > $1.stats.calls
                    : ($0.host, $0.template, $0.method) < ($1.host, $1.template, $1.method)
            }
        }
        func entry(_ e: Endpoint) -> JSONOutput {
            let d = e.documentation!
            return .object([
                ("host", e.host.isEmpty ? .null : .string(e.host)),
                ("method", .string(e.method)),
                ("template", .string(e.template)),
                ("calls", .uint(e.stats.calls)),
                ("last_seen", e.stats.lastSeenMillis == Int64.min ? .null : .string(isoTime(e.stats.lastSeenMillis))),
                ("deprecated", .bool(d.deprecated)),
                ("superseded_by", d.supersededBy.map { .string($0) } ?? .null),
                ("reason", d.reason.map { .string($0) } ?? .null),
            ])
        }
        let shadow = listed(.shadow)
        let zombie = listed(.zombie)
        let share = drift.metrics[EvidenceMetricID.docsDocumentedShare]!.value
        return .object([
            ("specs", .array(drift.specs.map { spec in
                .object([
                    ("file", .string(spec.source)),
                    ("title", .string(spec.title)),
                    ("version", .string(spec.apiVersion)),
                    ("openapi", .string(spec.openAPIVersion)),
                    ("operations", .int(Int64(spec.operations.count))),
                ])
            })),
            ("counts", .object([
                ("documented", .int(Int64(drift.counts[.documented] ?? 0))),
                ("shadow", .int(Int64(drift.counts[.shadow] ?? 0))),
                ("zombie", .int(Int64(drift.counts[.zombie] ?? 0))),
                ("unused", .int(Int64(drift.unused.count))),
                ("not_api", .int(Int64(drift.counts[.notAPI] ?? 0))),
            ])),
            ("documented_call_share", share.map { .number($0, decimals: 4) } ?? .null),
            ("calls_on_spec_operations", .uint(drift.callsOnSpecOperations)),
            ("judged_calls", .uint(drift.judgedCalls)),
            ("list_limit", .int(Int64(docsListLimit))),
            ("shadow", .array(shadow.prefix(docsListLimit).map(entry))),
            ("zombie", .array(zombie.prefix(docsListLimit).map(entry))),
            ("unused", .array(drift.unused.map { u in
                .object([
                    ("method", .string(u.method)),
                    ("path", .string(u.path)),
                    ("hosts", .array(u.hosts.map { .string($0) })),
                    ("operation_id", u.operationID.map { .string($0) } ?? .null),
                    ("deprecated", .bool(u.deprecated)),
                    ("specs", .array(u.sources.map { .string($0) })),
                ])
            })),
        ])
    }
}
