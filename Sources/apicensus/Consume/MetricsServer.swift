import APICensusConsumer
import FlyingFox
import Foundation
import Prometheus
import ServiceLifecycle

/// `--metrics-port`: Prometheus text on `/metrics`, liveness on `/healthz`, served by FlyingFox on
/// every interface (a Kubernetes probe or a Prometheus scrape comes from outside the pod).
struct MetricsServer: Service {
    let port: UInt16
    let registry: PrometheusCollectorRegistry
    let engine: ConsumerEngine
    let log: @Sendable (String) -> Void

    func run() async throws {
        let server = HTTPServer(port: port, logger: .disabled)
        await server.appendRoute("GET /metrics") { [registry] _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: Data(registry.emitToBuffer()))
        }
        await server.appendRoute("GET /healthz") { [engine] _ in
            // Healthy while the consumer runs (or is shutting down cleanly); a failed consumer is not.
            if case .failed(let message)? = engine.finishedOutcome {
                return HTTPResponse(statusCode: .serviceUnavailable, body: Data("failed: \(message)\n".utf8))
            }
            // A consumer that stopped writing snapshots (a stuck thread, a commit that never returns).
            if engine.isStalled {
                return HTTPResponse(statusCode: .serviceUnavailable,
                                    body: Data("stalled: no snapshot for \(Int(engine.secondsSinceLastSnapshot)) s\n".utf8))
            }
            return HTTPResponse(statusCode: .ok, body: Data("ok\n".utf8))
        }
        log("apicensus: metrics on http://0.0.0.0:\(port)/metrics, health on /healthz")
        // Cancelling `run` closes the listener and every connection at once. FlyingFox then ends with
        // CancellationError or, when the listening socket is closed under its accept, with a socket
        // error ("disconnected"): during a shutdown either is the normal end, not a failure (it would
        // otherwise fail the service group and turn a clean SIGTERM into exit status 1).
        do {
            try await cancelWhenGracefulShutdown { try await server.run() }
        } catch is CancellationError {
        } catch where Task.isShuttingDownGracefully || Task.isCancelled {
        }
    }
}
