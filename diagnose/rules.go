package diagnose

import (
	"fmt"

	"github.com/tlsdoctor/tlsdoctor/cause"
)

// Confidence says how firmly a verdict rests on what was observed.
type Confidence string

const (
	// Proved: the verdict rests on an observation that only this cause
	// explains — bytes on the wire, or the certificates the server sent
	// judged against the client's trust store and rules. The rule names the
	// observation.
	Proved Confidence = "proved"
	// Inferred: the evidence points to this cause but does not decide it.
	// The verdict says what would decide (Decides) and what else it could be
	// (Alternatives).
	Inferred Confidence = "inferred"
)

// Side is who has to change something for the fix.
type Side string

const (
	ServerSide  Side = "server"  // the server's configuration, certificate or software
	ClientSide  Side = "client"  // the client's configuration, trust store or version
	NetworkSide Side = "network" // DNS, routing, a firewall or a middlebox between them
	NoSide      Side = ""        // nothing to fix (OK)
)

// Rule is one way a verdict is reached. Rules are data: every verdict names
// its rule, `tlsdoctor rules` lists them, and each has table tests.
type Rule struct {
	ID         string     `json:"id"`
	Cause      cause.Code `json:"cause"`
	Confidence Confidence `json:"confidence"`
	// Observation is what the verdict rests on. For a proved rule it is the
	// observation that only this cause explains.
	Observation string `json:"observation"`
	// Decides is, for an inferred rule, the observation that would decide.
	Decides string `json:"decides,omitempty"`
	// FixSide is who has to change something.
	FixSide Side `json:"fix_side"`
}

// registry holds every rule in definition order. It is filled by the
// package-level rule definitions below and never changed afterwards.
var registry []*Rule

func def(id string, c cause.Code, conf Confidence, side Side, observation, decides string) *Rule {
	for _, r := range registry {
		if r.ID == id {
			panic("diagnose: rule " + id + " defined twice")
		}
	}
	if conf == Inferred && decides == "" || conf == Proved && decides != "" {
		panic(fmt.Sprintf("diagnose: rule %s: an inferred rule says what decides; a proved one does not", id))
	}
	r := &Rule{ID: id, Cause: c, Confidence: conf, Observation: observation, Decides: decides, FixSide: side}
	registry = append(registry, r)
	return r
}

// Rules lists every rule, in the order a connection fails.
func Rules() []Rule {
	out := make([]Rule, len(registry))
	for i, r := range registry {
		out[i] = *r
	}
	return out
}

// LookupRule returns the rule with the given ID.
func LookupRule(id string) (Rule, bool) {
	for _, r := range registry {
		if r.ID == id {
			return *r, true
		}
	}
	return Rule{}, false
}

// The rules, in the order a connection fails.
var (
	ruleDNSNotFound = def("dns.not-found", cause.DNSFailure, Proved, NetworkSide,
		"the resolver answered that the name does not exist", "")
	ruleDNSNoAddress = def("dns.no-address", cause.DNSFailure, Proved, NetworkSide,
		"the resolver answered with no address for the name", "")
	ruleDNSTimeout = def("dns.timeout", cause.DNSFailure, Proved, NetworkSide,
		"the resolver did not answer within the time-out", "")
	ruleDNSError = def("dns.resolver-failed", cause.DNSFailure, Proved, NetworkSide,
		"the resolver failed (SERVFAIL, REFUSED, no resolver) without saying whether the name exists", "")

	ruleTCPRefused = def("tcp.refused", cause.TCPRefused, Proved, ServerSide,
		"the SYN was answered with a TCP reset (ECONNREFUSED)", "")
	ruleTCPTimeout = def("tcp.timeout", cause.TCPTimeout, Proved, NetworkSide,
		"the SYN got no answer within the time-out", "")
	ruleTCPUnreachable = def("tcp.unreachable", cause.TCPUnreachable, Proved, NetworkSide,
		"the network reported the host or the network unreachable", "")

	ruleProxyRefused = def("proxy.refused", cause.TCPRefused, Proved, NetworkSide,
		"the connection to the HTTP proxy the client goes through was refused (a TCP reset to the SYN)", "")
	ruleProxyTimeout = def("proxy.timeout", cause.TCPTimeout, Proved, NetworkSide,
		"the connection to the HTTP proxy the client goes through got no answer within the time-out", "")
	ruleProxyUnreachable = def("proxy.unreachable", cause.TCPUnreachable, Proved, NetworkSide,
		"the network reported the HTTP proxy unreachable", "")
	ruleProxyDNS = def("proxy.dns", cause.DNSFailure, Proved, NetworkSide,
		"the name of the HTTP proxy the client goes through does not resolve", "")
	ruleProxyTLS = def("proxy.tls-failed", cause.ProxyTLSFailed, Proved, NetworkSide,
		"the TLS handshake with the https:// proxy itself failed, before any CONNECT", "")
	ruleProxyCertRefused = def("proxy.certificate-refused", cause.ProxyTLSFailed, Proved, ClientSide,
		"the https:// proxy's certificate, judged as this client judges a server's, fails its checks", "")
	ruleProxyAuth = def("proxy.auth-required", cause.ProxyAuthRequired, Proved, ClientSide,
		"the proxy answered CONNECT with 407 Proxy Authentication Required", "")
	ruleProxyStatus = def("proxy.connect-refused", cause.ProxyConnectFailed, Proved, NetworkSide,
		"the proxy answered CONNECT with an error status (403 by policy; 502, 503, 504 when it cannot reach the server)", "")
	ruleProxySilent = def("proxy.connect-unanswered", cause.ProxyConnectFailed, Proved, NetworkSide,
		"the proxy accepted the TCP connection, then did not answer CONNECT in time, closed it, or answered with something that is not HTTP", "")

	ruleSilent = def("transport.silent", cause.HandshakeTimeout, Proved, ServerSide,
		"TCP connected; no byte came back to the ClientHello before the time-out", "")
	ruleStalled = def("transport.stalled", cause.HandshakeTimeout, Proved, ServerSide,
		"the server started answering the ClientHello, then sent nothing more before the time-out", "")
	ruleNotTLS = def("transport.not-tls", cause.NotTLS, Proved, ClientSide,
		"the first bytes sent back to the ClientHello are not a TLS record", "")
	ruleReset = def("transport.reset", cause.ResetDuringHandshake, Proved, NetworkSide,
		"the ClientHello, sent again, and every one-change follow-up were each answered with a TCP reset and no alert", "")
	ruleClosed = def("transport.closed", cause.ClosedDuringHandshake, Proved, ServerSide,
		"the ClientHello, sent again, and every one-change follow-up were each answered with a close and no alert", "")
	ruleAttemptsDisagree = def("attempts.disagree", cause.InconsistentBackends, Proved, ServerSide,
		"the same ClientHello, sent to the same address, was answered differently", "")
	ruleHandshakeAttemptsDisagree = def("attempts.handshake-disagree", cause.InconsistentBackends, Proved, ServerSide,
		"the same full handshake with the same address failed once and succeeded once", "")

	ruleMalformed = def("malformed.message", cause.HandshakeMalformed, Proved, ServerSide,
		"a record or handshake message from the server breaks the protocol (the message, byte and reason are named)", "")
	ruleUnofferedSuite = def("malformed.unoffered-suite", cause.HandshakeMalformed, Proved, ServerSide,
		"the ServerHello selects a cipher suite the ClientHello did not offer", "")
	ruleUnofferedVersion = def("malformed.unoffered-version", cause.HandshakeMalformed, Proved, ServerSide,
		"the ServerHello's supported_versions selects a version the ClientHello did not offer", "")
	ruleUnofferedGroup = def("malformed.unoffered-group", cause.HandshakeMalformed, Proved, ServerSide,
		"the server's key share or HelloRetryRequest names a group the ClientHello did not offer", "")
	ruleRetryLoop = def("malformed.retry-loop", cause.HandshakeMalformed, Proved, ServerSide,
		"the server answered the second ClientHello (with the key share it asked for) with another HelloRetryRequest", "")
	ruleOversizedMessage = def("malformed.oversized-message", cause.HandshakeMalformed, Proved, ServerSide,
		"a handshake message other than the Certificate is larger than any client accepts", "")
	ruleHandshakeBroken = def("malformed.client-gave-up", cause.HandshakeMalformed, Inferred, ServerSide,
		"the server accepted the ClientHello; Go's crypto/tls then refused its handshake messages with no alert and no certificate read",
		"a packet capture of the handshake names the message the client refused")

	ruleSNIAdded = def("sni.added-accepted", cause.SNIRequired, Proved, ClientSide,
		"the ClientHello without server_name is refused, steadily; the same ClientHello with server_name added is accepted", "")
	ruleSNIUnrecognizedNoName = def("sni.unrecognized-without-name", cause.SNIRequired, Inferred, ClientSide,
		"an unrecognized_name alert to a ClientHello without SNI, and no name to try",
		"check with --servername NAME: whether the server accepts the name it expects")
	ruleSNIUnrecognized = def("sni.unrecognized-name", cause.ServerAlert, Proved, ServerSide,
		"an unrecognized_name alert to the name sent in SNI: the server has no site for it", "")
	ruleGroupClient = def("group.client-behind", cause.GroupMismatch, Proved, ClientSide,
		"the client's hello is refused, steadily; the same hello offering every group is accepted with a mainstream group the client does not offer", "")
	ruleGroupServer = def("group.server-unusual", cause.GroupMismatch, Proved, ServerSide,
		"the client's hello is refused, steadily; the same hello offering every group is accepted only with a group mainstream clients do not offer", "")
	ruleCipherClient = def("cipher.client-behind", cause.CipherMismatch, Proved, ClientSide,
		"the client's hello is refused, steadily; the same hello offering every suite is accepted with a modern suite the client does not offer", "")
	ruleCipherServer = def("cipher.server-behind", cause.CipherMismatch, Proved, ServerSide,
		"the client's hello is refused, steadily; the same hello offering every suite is accepted only with a legacy suite", "")
	ruleSigAlgServer = def("sigalg.server-unusual", cause.CipherMismatch, Proved, ServerSide,
		"the client's hello is refused, steadily; the same hello offering every signature scheme is accepted, and the server's certificate has a key mainstream clients cannot verify (Ed25519, Ed448, RSA-PSS)", "")
	ruleSigAlgClient = def("sigalg.client-behind", cause.CipherMismatch, Proved, ClientSide,
		"the client's hello is refused, steadily; the same hello offering every signature scheme is accepted: the client offers no scheme the server can sign with", "")
	ruleVersionServer = def("version.server-behind", cause.ProtocolVersionMismatch, Proved, ServerSide,
		"the client's hello is refused, steadily; a hello offering an older version the client does not offer is accepted, and the server accepts nothing newer", "")
	ruleVersionClient = def("version.client-behind", cause.ProtocolVersionMismatch, Proved, ClientSide,
		"the client's hello is refused, steadily; a hello offering a newer version than the client's is accepted", "")
	ruleVersionDowngrade = def("version.answered-unoffered", cause.ProtocolVersionMismatch, Proved, ServerSide,
		"the server answers with a ServerHello at a version the client did not offer, so the client aborts", "")
	ruleVersionAlert = def("version.alert-only", cause.ProtocolVersionMismatch, Inferred, ServerSide,
		"a protocol_version alert, but no hello offering another version was accepted either",
		"a client that offers the version the server speaks; check --server lists the versions it accepts")
	ruleRenegotiation = def("renegotiation.unsafe", cause.RenegotiationUnsafe, Proved, ServerSide,
		"the ServerHello (TLS 1.2 or older) has no renegotiation_info although the client offered it, and this client refuses such servers", "")
	ruleAlertUnexplained = def("alert.unexplained", cause.ServerAlert, Proved, ServerSide,
		"a fatal alert to the ClientHello that no one-change follow-up cures", "")

	ruleClientCertAlert = def("client-cert.alert", cause.ClientCertRequired, Proved, ClientSide,
		"the server sent a CertificateRequest; the client sent no certificate; the server ended the handshake with an alert that refuses it", "")
	ruleClientCertClosed = def("client-cert.closed", cause.ClientCertRequired, Inferred, ClientSide,
		"the server sent a CertificateRequest; after the client sent no certificate it closed or reset the connection with no alert",
		"check with a client certificate (--cert, --key): accepted, or refused with an alert naming it")
	ruleClientCertHTTP = def("client-cert.http", cause.ClientCertRequired, Proved, ClientSide,
		"the server asked for a client certificate, completed the handshake without one, and answers HTTP with a refusal that names the missing certificate (nginx: 400 No required SSL certificate was sent)", "")
	ruleClientCertHTTP403 = def("client-cert.http-forbidden", cause.ClientCertRequired, Inferred, ClientSide,
		"the server asked for a client certificate, completed the handshake without one, and answers HTTP 403",
		"check with a client certificate (--cert, --key): a different answer decides")
	ruleClientCertRejected = def("client-cert.rejected", cause.ClientCertRequired, Proved, ClientSide,
		"the client presented a certificate; the server refused it with an alert or an HTTP refusal, and the alert names a problem found in the certificate (its CA, dates, usage or key)", "")
	ruleClientCertRejectedUnnamed = def("client-cert.rejected-unnamed", cause.ClientCertRequired, Proved, ClientSide,
		"the client presented a certificate; the server refused it with an alert or an HTTP refusal that does not single out a problem found locally", "")
	ruleClientCertRejectedClosed = def("client-cert.rejected-closed", cause.ClientCertRequired, Inferred, ClientSide,
		"the client presented a certificate; the server then closed or reset the connection with no alert",
		"the server's log for the connection, or a certificate it accepts (--cert) getting through")

	ruleHandshakeAlert = def("handshake.alert", cause.ServerAlert, Proved, ServerSide,
		"the server accepted the ClientHello, then ended the handshake with an alert", "")
	ruleHandshakeReset = def("handshake.reset", cause.ResetDuringHandshake, Proved, NetworkSide,
		"the server accepted the ClientHello, then the connection was reset with no alert, twice", "")
	ruleHandshakeClosed = def("handshake.closed", cause.ClosedDuringHandshake, Proved, ServerSide,
		"the server accepted the ClientHello, then closed the connection with no alert, twice", "")
	ruleHandshakeStalled = def("handshake.stalled", cause.HandshakeTimeout, Proved, ServerSide,
		"the server accepted the ClientHello, then sent nothing more before the time-out", "")

	ruleKeyBadSignature = def("key.bad-signature", cause.KeyMismatch, Proved, ServerSide,
		"the TLS 1.2 ServerKeyExchange signature does not verify with the public key of the certificate the server sent (a key Go can use)", "")
	ruleKeyWrongType = def("key.wrong-key-type", cause.KeyMismatch, Proved, ServerSide,
		"the ServerKeyExchange is signed with a scheme for another kind of key than the certificate's", "")
	ruleKeyRefused = def("key.refused-no-proof", cause.KeyMismatch, Inferred, ServerSide,
		"Go's crypto/tls refused the server's handshake signature after receiving its certificate, with no alert from the server",
		"a TLS 1.2 ServerKeyExchange to check the signature with the certificate's key, or comparing the key and the certificate on the server")
	ruleWeakDH = def("key.weak-dh", cause.WeakKey, Proved, ServerSide,
		"the ServerKeyExchange carries a DH prime smaller than this client accepts", "")

	ruleCertUnparseable = def("cert.unparseable", cause.CertInvalid, Proved, ServerSide,
		"the server's certificate does not parse as X.509", "")
	ruleCertTooLarge = def("cert.too-large", cause.CertTooLarge, Proved, ServerSide,
		"the certificate message the server sends is larger than this client accepts", "")
	ruleInterceptProved = def("intercept.observed", cause.Intercepted, Proved, NetworkSide,
		"the chain is re-signed: through the proxy it differs from the chain the server sends directly, or its issuer signs a certificate for a name invented for the check (.invalid), or it carries a key Chromium blocks", "")
	ruleInterceptNamed = def("intercept.named", cause.Intercepted, Inferred, NetworkSide,
		"the chain fails this client's trust checks, and its CA carries the name of a TLS-inspection product (intercept/catalog.go)",
		"the chain seen without the proxy (tlsdoctor check --proxy URL compares both), or from a network without inspection")
	ruleCertSNICures = def("cert.sni-cures", cause.SNIRequired, Proved, ClientSide,
		"without SNI the server presents a certificate this client refuses; with SNI it presents one this client accepts", "")
	ruleCertChainIncompleteFound = def("cert.chain-incomplete", cause.ChainIncomplete, Proved, ServerSide,
		"the chain the server sends stops short; with the intermediate fetched from its AIA URL (or found among known CAs) it reaches a root the client trusts", "")
	ruleCertMissingIssuer = def("cert.missing-issuer", cause.ChainIncomplete, Inferred, ServerSide,
		"the chain stops at a certificate whose issuer is neither sent, fetchable nor known; a server may omit only the root",
		"the missing certificate: an intermediate means the server must send it; a self-signed root means the client must trust it (ask the CA, or give it with --ca-bundle)")
	ruleCertMissingRoot = def("cert.missing-root", cause.UntrustedRoot, Inferred, ClientSide,
		"the chain stops at a certificate whose issuer is neither sent, fetchable nor known; its name or organisation says the issuer is a root",
		"the missing certificate: a self-signed root means the client must trust it; an intermediate means the server must send it")
	ruleCertNoRootSent = def("cert.no-root-in-chain", cause.ChainIncomplete, Inferred, ServerSide,
		"the chain the server sends does not end at a root CA; AWS documents that insecureSkipVerification still checks the \"presence of a root certificate authority\" (its CA:TRUE and keyCertSign), read here as the root being in the chain",
		"the gateway itself: an integration test through API Gateway with this chain (unconfirmed here: AWS cannot be run on this machine)")
	ruleCertUntrustedRoot = def("cert.untrusted-root", cause.UntrustedRoot, Proved, ClientSide,
		"the chain reaches a self-signed root that is not in this client's trust store", "")
	ruleCertSelfSigned = def("cert.self-signed", cause.SelfSigned, Proved, ServerSide,
		"the leaf is self-signed and not in this client's trust store", "")
	ruleCertExpired = def("cert.expired", cause.CertExpired, Proved, ServerSide,
		"a certificate of the chain has a notAfter before the time it is judged at", "")
	ruleCertNotYetValid = def("cert.not-yet-valid", cause.CertNotYetValid, Proved, ServerSide,
		"a certificate of the chain has a notBefore after the time it is judged at", "")
	ruleCertHostname = def("cert.hostname", cause.HostnameMismatch, Proved, ServerSide,
		"the leaf's subjectAltName does not cover the name the client asks for", "")
	ruleCertCNOnly = def("cert.cn-without-san", cause.CNWithoutSAN, Proved, ServerSide,
		"the name is only in the leaf's subject CN and this client ignores the CN", "")
	ruleCertWeakSignature = def("cert.weak-signature", cause.WeakSignature, Proved, ServerSide,
		"a certificate of the chain is signed with an algorithm this client refuses", "")
	ruleCertWeakKey = def("cert.weak-key", cause.WeakKey, Proved, ServerSide,
		"a certificate of the chain has a key smaller than this client accepts", "")
	ruleCertKeyUsage = def("cert.key-usage", cause.BadKeyUsage, Proved, ServerSide,
		"the leaf's key usage or extended key usage does not allow TLS server authentication", "")
	ruleCertInvalid = def("cert.invalid", cause.CertInvalid, Proved, ServerSide,
		"a certificate of the chain breaks a rule of RFC 5280 or of this client (a CA leaf, a critical extension it does not know, a path length, a validity too long)", "")
	ruleCertChainTooLong = def("cert.chain-too-long", cause.ChainTooLong, Proved, ClientSide,
		"the verified chain has more intermediates than this client's verify depth allows", "")

	ruleRevoked = def("revocation.revoked", cause.CertRevoked, Proved, ServerSide,
		"a response signed by the CA (a stapled or fetched OCSP response, or a CRL) says a certificate this client checks is revoked", "")
	ruleStapleMissing = def("revocation.staple-missing", cause.RevocationUnavailable, Proved, ServerSide,
		"the certificate demands a stapled OCSP response (must-staple), or this client insists on one, and the server staples none it can use", "")
	ruleRevocationNoSource = def("revocation.no-source", cause.RevocationUnavailable, Proved, ServerSide,
		"this client fails when it cannot learn a certificate's revocation status, and the certificate names no OCSP responder and no CRL", "")
	ruleRevocationUnreachable = def("revocation.unreachable", cause.RevocationUnavailable, Inferred, NetworkSide,
		"this client fails when it cannot learn a certificate's revocation status, and its OCSP responder and CRL did not answer from where tlsdoctor ran",
		"whether the client's own network reaches the responder and the CRL")

	ruleHTTPResponse = def("ok.http", cause.OK, Proved, NoSide,
		"the handshake completed and the server answered the HTTP request with a final response", "")
	ruleTLSOnly = def("ok.tls", cause.OK, Proved, NoSide,
		"the handshake completed for this client's offer and its certificate checks pass", "")
	ruleNotJudged = def("ok.certificate-not-read", cause.OK, Inferred, NoSide,
		"the server accepts this client's hello, but its certificate could not be read (TLS 1.3 with parameters Go's crypto/tls cannot use)",
		"a client that speaks the server's TLS 1.3 parameters; the certificate shown by `openssl s_client`")
	ruleNotCompleted = def("ok.handshake-not-completed", cause.OK, Inferred, NoSide,
		"the server accepts this client's hello and its certificate passes this client's checks, but tlsdoctor's own full handshake (Go's crypto/tls) could not complete, so the rest of the handshake and the HTTP exchange were not tested",
		"the client itself, or openssl s_client with the same offer, completing the handshake")
	ruleToleratedMalformation = def("ok.tolerated-malformation", cause.OK, Inferred, NoSide,
		"the server breaks the protocol in a way this client goes on past (a ServerHello that carries an extension twice: Java 17 and GnuTLS 3.7.9 accepted one here); nothing after it was followed",
		"the client itself completing the handshake against the server")
	ruleDoubleTLS = def("http.double-tls", cause.DoubleTLS, Proved, ServerSide,
		"the reply to the HTTP request, decrypted, is another TLS record", "")
	ruleNotHTTP = def("http.not-http", cause.HTTPInvalidResponse, Proved, ServerSide,
		"the reply to the HTTP request is not an HTTP status line", "")
	ruleInterimOnly = def("http.interim-only", cause.HTTPInvalidResponse, Proved, ServerSide,
		"the server answers the HTTP request with 1xx interim responses and never a final one", "")
	ruleHeadersTooLarge = def("http.headers-too-large", cause.HTTPInvalidResponse, Proved, ServerSide,
		"the response's header block is larger than HTTP clients accept", "")
	ruleHTTPTruncated = def("http.truncated", cause.HTTPNoResponse, Proved, ServerSide,
		"the connection ended in the middle of the response's header block", "")
	ruleHTTPNoReply = def("http.no-reply", cause.HTTPNoResponse, Proved, ServerSide,
		"after the handshake the server closed, reset or went silent without any HTTP reply", "")
	ruleHTTPAlert = def("http.alert", cause.ServerAlert, Proved, ServerSide,
		"after the handshake the server sent a TLS alert instead of an HTTP reply", "")

	ruleAddressesDisagree = def("fleet.addresses-disagree", cause.InconsistentBackends, Proved, ServerSide,
		"the addresses behind the name, checked the same way, give different verdicts", "")
)
