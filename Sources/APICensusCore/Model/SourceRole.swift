/// Where on a call's path a log source sits. A format has a default role (Kong logs are a
/// gateway's, AWS WAF logs a WAF's, ALB logs a load balancer's); the user can name the role of a
/// source explicitly. Coverage (mediated vs unmediated) is judged from the roles that saw a call.
public enum SourceRole: String, CaseIterable, Sendable, Comparable, Codable {
    /// An API gateway (Kong, AWS API Gateway, Apigee, Azure APIM, Tyk…): mediation.
    case gateway
    /// A web application firewall (AWS WAF, Cloud Armor, ModSecurity…): protection.
    case waf
    /// A load balancer, ingress or reverse proxy (ALB, Envoy ingress, NGINX, HAProxy, Traefik).
    case lb
    /// The service itself, or a sidecar in front of it (Istio), logging calls it received.
    case service
    /// Outbound calls from the organisation to third parties (an egress proxy).
    case egress

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// Reads a role as a user writes it; `ingress` and `proxy` are load balancers.
    public init?(name: String) {
        switch name.lowercased() {
        case "ingress", "proxy", "loadbalancer", "load-balancer": self = .lb
        default:
            guard let role = SourceRole(rawValue: name.lowercased()) else { return nil }
            self = role
        }
    }
}
