package cause

// The codes of docs/causes.md, in its order. Append only; never rename or reuse.
const (
	OK                      Code = "OK"
	DNSFailure              Code = "DNS_FAILURE"
	TCPRefused              Code = "TCP_REFUSED"
	TCPTimeout              Code = "TCP_TIMEOUT"
	TCPUnreachable          Code = "TCP_UNREACHABLE"
	HandshakeTimeout        Code = "HANDSHAKE_TIMEOUT"
	NotTLS                  Code = "NOT_TLS"
	ResetDuringHandshake    Code = "RESET_DURING_HANDSHAKE"
	ClosedDuringHandshake   Code = "CLOSED_DURING_HANDSHAKE"
	ProtocolVersionMismatch Code = "PROTOCOL_VERSION_MISMATCH"
	CipherMismatch          Code = "CIPHER_MISMATCH"
	GroupMismatch           Code = "GROUP_MISMATCH"
	SNIRequired             Code = "SNI_REQUIRED"
	ClientCertRequired      Code = "CLIENT_CERT_REQUIRED"
	ServerAlert             Code = "SERVER_ALERT"
	CertExpired             Code = "CERT_EXPIRED"
	CertNotYetValid         Code = "CERT_NOT_YET_VALID"
	HostnameMismatch        Code = "HOSTNAME_MISMATCH"
	CNWithoutSAN            Code = "CN_WITHOUT_SAN"
	ChainIncomplete         Code = "CHAIN_INCOMPLETE"
	UntrustedRoot           Code = "UNTRUSTED_ROOT"
	SelfSigned              Code = "SELF_SIGNED"
	KeyMismatch             Code = "KEY_MISMATCH"
	WeakSignature           Code = "WEAK_SIGNATURE"
	WeakKey                 Code = "WEAK_KEY"
	BadKeyUsage             Code = "BAD_KEY_USAGE"
	CertRevoked             Code = "CERT_REVOKED"
	CertInvalid             Code = "CERT_INVALID"
	Intercepted             Code = "INTERCEPTED"
	HTTPInvalidResponse     Code = "HTTP_INVALID_RESPONSE"
	DoubleTLS               Code = "DOUBLE_TLS"
	HTTPNoResponse          Code = "HTTP_NO_RESPONSE"
	InconsistentBackends    Code = "INCONSISTENT_BACKENDS"
	HandshakeMalformed      Code = "HANDSHAKE_MALFORMED"
	RenegotiationUnsafe     Code = "RENEGOTIATION_UNSAFE"
	CertTooLarge            Code = "CERT_TOO_LARGE"
	ChainTooLong            Code = "CHAIN_TOO_LONG"
	RevocationUnavailable   Code = "REVOCATION_UNAVAILABLE"
	ProxyAuthRequired       Code = "PROXY_AUTH_REQUIRED"
	ProxyConnectFailed      Code = "PROXY_CONNECT_FAILED"
	ProxyTLSFailed          Code = "PROXY_TLS_FAILED"
)

// catalog holds the metadata of every code, in causes.md order.
// TestCatalogMatchesCausesMD keeps it equal to docs/causes.md.
var catalog = []Info{
	{Code: OK, Layer: "-", Summary: "handshake and (where asked) the HTTP exchange succeeded for this client", Fix: "-"},
	{Code: DNSFailure, Layer: "network", Summary: "the name does not resolve", Fix: "fix the record / the resolver"},
	{Code: TCPRefused, Layer: "network", Summary: "the port answered the SYN with a reset: nothing listens there", Fix: "start the listener / fix the target port"},
	{Code: TCPTimeout, Layer: "network", Summary: "the SYN was never answered: a firewall, security group or ACL drops it", Fix: "open the port in the firewall / security group / ACL"},
	{Code: TCPUnreachable, Layer: "network", Summary: "no route / host unreachable", Fix: "fix routing"},
	{Code: HandshakeTimeout, Layer: "transport", Summary: "TCP connected, but the server never answered the ClientHello", Fix: "the port speaks another protocol that waits for the client, or the server is stalled"},
	{Code: NotTLS, Layer: "transport", Summary: "the server answered the ClientHello with bytes that are not TLS (plain HTTP, SSH banner, ...)", Fix: "point the client at the TLS port, or switch the client to plain TCP/HTTP"},
	{Code: ResetDuringHandshake, Layer: "transport", Summary: "the connection was reset after the ClientHello, with no TLS alert", Fix: "a middlebox (firewall, IDS, load balancer) or a crashing server kills it"},
	{Code: ClosedDuringHandshake, Layer: "transport", Summary: "the server closed the connection after the ClientHello, with no TLS alert", Fix: "often an SNI-routing proxy with no route for the name, or a server with no certificate for it"},
	{Code: ProtocolVersionMismatch, Layer: "negotiation", Summary: "client and server share no TLS version", Fix: "enable a common version on the listener (TLS 1.2 and 1.3)"},
	{Code: CipherMismatch, Layer: "negotiation", Summary: "they share no cipher suite", Fix: "configure a modern AEAD suite both sides support"},
	{Code: GroupMismatch, Layer: "negotiation", Summary: "they share no key-exchange group / curve", Fix: "enable X25519 / P-256"},
	{Code: SNIRequired, Layer: "negotiation", Summary: "without SNI the server fails or serves a default certificate that does not cover the name", Fix: "send SNI from the client, or make the default certificate cover the name"},
	{Code: ClientCertRequired, Layer: "negotiation", Summary: "the server demands a client certificate (mutual TLS) that the client did not present or that it rejects", Fix: "configure the client certificate / trust on both sides"},
	{Code: ServerAlert, Layer: "negotiation", Summary: "the server sent a TLS alert that none of the codes above explains; the alert is named in the evidence", Fix: "see the alert"},
	{Code: CertExpired, Layer: "certificate", Summary: "a certificate in the chain is past its notAfter", Fix: "renew and redeploy; fix the renewal job"},
	{Code: CertNotYetValid, Layer: "certificate", Summary: "a certificate is before its notBefore (often the client's clock is wrong)", Fix: "check the clock on the client; reissue if the date is wrong"},
	{Code: HostnameMismatch, Layer: "certificate", Summary: "the certificate does not cover the requested name", Fix: "issue a certificate whose SAN covers the name"},
	{Code: CNWithoutSAN, Layer: "certificate", Summary: "the name is only in the subject CN; modern clients need a SAN", Fix: "reissue with a subjectAltName"},
	{Code: ChainIncomplete, Layer: "certificate", Summary: "the server omits an intermediate; the chain is trusted once it is added", Fix: "serve the full chain (leaf + intermediates)"},
	{Code: UntrustedRoot, Layer: "certificate", Summary: "the chain ends at a CA this client does not trust (private CA, custom bundle)", Fix: "add the CA bundle to the client's / gateway's trust store"},
	{Code: SelfSigned, Layer: "certificate", Summary: "the leaf is self-signed and not trusted", Fix: "use a CA-issued certificate, or trust it explicitly"},
	{Code: KeyMismatch, Layer: "certificate", Summary: "the server's private key does not match its certificate (bad ServerKeyExchange / CertificateVerify signature)", Fix: "deploy the key that belongs to the certificate"},
	{Code: WeakSignature, Layer: "certificate", Summary: "a certificate is signed with an algorithm the client refuses (MD5, SHA-1)", Fix: "reissue with SHA-256 or better"},
	{Code: WeakKey, Layer: "certificate", Summary: "a key too small for the client (RSA < 2048, ...)", Fix: "reissue with a larger key"},
	{Code: BadKeyUsage, Layer: "certificate", Summary: "key usage / extended key usage does not allow TLS server auth", Fix: "reissue with serverAuth EKU"},
	{Code: CertRevoked, Layer: "certificate", Summary: "the certificate is revoked (OCSP / CRL)", Fix: "reissue and redeploy"},
	{Code: CertInvalid, Layer: "certificate", Summary: "a certificate is malformed or violates a constraint not named above; details in the evidence", Fix: "reissue"},
	{Code: Intercepted, Layer: "certificate", Summary: "the chain is issued by a TLS-inspection or proxy CA, not the origin's", Fix: "bypass inspection for this host, or trust the inspection CA deliberately"},
	{Code: HTTPInvalidResponse, Layer: "application", Summary: "TLS succeeded, but the reply is not valid HTTP", Fix: "fix the backend / the protocol on that port"},
	{Code: DoubleTLS, Layer: "application", Summary: "TLS succeeded, but the reply is another TLS record: TLS is terminated twice", Fix: "make one hop plain TCP / TLS passthrough"},
	{Code: HTTPNoResponse, Layer: "application", Summary: "TLS succeeded, but the server closed or reset without an HTTP reply", Fix: "check the backend service behind the listener"},
	{Code: InconsistentBackends, Layer: "fleet", Summary: "addresses or attempts behind one name disagree (one node serves an old or bad certificate)", Fix: "fix the node named in the evidence"},
	{Code: HandshakeMalformed, Layer: "negotiation", Summary: "the server answers in TLS, but with handshake messages that break the protocol: duplicate extensions, a version, suite or group the client never offered, a HelloRetryRequest loop, lengths that do not add up", Fix: "fix or upgrade the server's TLS stack; the evidence names the message and the byte"},
	{Code: RenegotiationUnsafe, Layer: "negotiation", Summary: "the server does not support secure renegotiation (RFC 5746); OpenSSL 3 clients refuse it (\"unsafe legacy renegotiation disabled\")", Fix: "upgrade the server's TLS stack or enable RFC 5746 on it"},
	{Code: CertTooLarge, Layer: "certificate", Summary: "the server's certificate message is larger than this client accepts (OpenSSL max_cert_list 100 KiB, Java jdk.tls.maxHandshakeMessageSize 32 KiB, Go 64 KiB): too many names or certificates", Fix: "split the names over several certificates; send only leaf + intermediates"},
	{Code: ChainTooLong, Layer: "certificate", Summary: "the chain is longer than the client's verify depth (nginx proxy_ssl_verify_depth defaults to 1; OpenSSL -verify_depth)", Fix: "raise the client's verify depth (nginx: proxy_ssl_verify_depth 2 or more), or shorten the chain"},
	{Code: RevocationUnavailable, Layer: "certificate", Summary: "the client insists on revocation status and cannot get it (Windows Schannel CRYPT_E_REVOCATION_OFFLINE 0x80092013, OCSP must-staple without a stapled response)", Fix: "make the OCSP responder / CRL reachable from the client, or staple OCSP on the server"},
	{Code: ProxyAuthRequired, Layer: "network", Summary: "the HTTP proxy the client goes through answered CONNECT with 407: it wants credentials the client did not send, or refuses those it sent", Fix: "give the client the proxy's credentials (https_proxy=http://user:pass@proxy:port; Java: -Dhttps.proxyUser and -Dhttps.proxyPassword with an Authenticator)"},
	{Code: ProxyConnectFailed, Layer: "network", Summary: "the HTTP proxy did not open the tunnel to the server: it answered CONNECT with an error (403 by policy; 502, 503, 504 when it cannot reach the server) or not at all", Fix: "allow the host and port on the proxy, or exempt the host from the proxy (NO_PROXY) when the client can reach it directly"},
	{Code: ProxyTLSFailed, Layer: "network", Summary: "the TLS connection to an https:// proxy itself failed (its certificate or its protocol), before any tunnel to the server", Fix: "make the client trust the proxy's certificate, or fix the proxy's TLS listener"},
}
