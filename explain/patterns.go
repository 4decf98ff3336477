package explain

import "github.com/tlsdoctor/tlsdoctor/cause"

// Short names for the codes, so the table below reads as a table.
const (
	dnsFail     = cause.DNSFailure
	refused     = cause.TCPRefused
	tcpTimeout  = cause.TCPTimeout
	unreachable = cause.TCPUnreachable
	hsTimeout   = cause.HandshakeTimeout
	notTLS      = cause.NotTLS
	reset       = cause.ResetDuringHandshake
	closed      = cause.ClosedDuringHandshake
	version     = cause.ProtocolVersionMismatch
	cipher      = cause.CipherMismatch
	group       = cause.GroupMismatch
	sni         = cause.SNIRequired
	clientCert  = cause.ClientCertRequired
	alert       = cause.ServerAlert
	expired     = cause.CertExpired
	notYet      = cause.CertNotYetValid
	hostname    = cause.HostnameMismatch
	cnOnly      = cause.CNWithoutSAN
	chainInc    = cause.ChainIncomplete
	untrusted   = cause.UntrustedRoot
	selfSigned  = cause.SelfSigned
	keyMismatch = cause.KeyMismatch
	weakSig     = cause.WeakSignature
	weakKey     = cause.WeakKey
	keyUsage    = cause.BadKeyUsage
	revoked     = cause.CertRevoked
	certInvalid = cause.CertInvalid
	intercepted = cause.Intercepted
	httpBad     = cause.HTTPInvalidResponse
	doubleTLS   = cause.DoubleTLS
	httpNone    = cause.HTTPNoResponse
	malformed   = cause.HandshakeMalformed
	renego      = cause.RenegotiationUnsafe
	tooLarge    = cause.CertTooLarge
	tooLong     = cause.ChainTooLong
	revocUnav   = cause.RevocationUnavailable
)

// The checks that tell common sets of candidates apart.
const (
	dChain = "whether the server sends its intermediate certificates and which root its chain ends at: " +
		"the check shows the chain as served, completes it from the AIA URL, and says whether this client trusts the root " +
		"(a root named after a proxy or security product means TLS inspection)"
	dDates      = "the certificates' validity dates against the clock: the check prints them (a client clock hours off shows as not yet valid)"
	dName       = "the names the certificate covers against the name the client asked for: the check lists the SANs and the CN"
	dNego       = "which versions, cipher suites and groups the server accepts, and whether it needs SNI or a client certificate: the check retries with one change at a time (add --server to enumerate them)"
	dClosed     = "a ClientHello with and without SNI and with other versions: a server that closes only without SNI needs it; one that drops every hello is a middlebox or a crashing server"
	dNotTLS     = "what the port answers to a ClientHello: the check shows the first bytes (an HTTP status line means plain HTTP)"
	dMalformed  = "the server's first flight as sent: the check names the message and the byte that break the protocol"
	dNet        = "whether the name resolves and the port answers: the check tells DNS, refused, dropped and unreachable apart"
	dHTTP       = "the HTTP exchange after the handshake: the check sends a request and shows the reply"
	dCert       = "the served chain judged as this client judges it: dates, names, intermediates, trust anchor, key sizes, signatures"
	dClientCert = "whether the server sends a CertificateRequest, and for which CAs: the check shows it"
	dAlert      = "the alert the server sends to a plain ClientHello and to one-change variants: the check names it"
	dWeak       = "the key sizes and signature algorithms of the served chain: the check prints them"
	dKey        = "whether the server's handshake signature verifies with the certificate's key: the check proves a mismatch from the ServerKeyExchange"
)

// What a received certificate alert means on each side: a client that
// receives it had its own certificate refused by the server (mutual TLS); a
// server that receives it had its chain refused by the client.
var (
	clientCertRefused = View{
		Causes: []cause.Code{clientCert}, Decides: true,
		Meaning: "the server refused this client's certificate (mutual TLS): not sent, expired, or issued by a CA the server does not accept",
		Decide:  dClientCert,
		Fix:     "configure the client certificate and key, issued by a CA the server accepts (the check lists the server's acceptable CA names)",
	}
	serverChainRefused = View{
		Causes:  []cause.Code{untrusted, chainInc, selfSigned, hostname, expired, intercepted, notYet},
		Meaning: "the connecting client refused this server's certificate: an untrusted or private root, a missing intermediate, a self-signed certificate, a name it does not cover, or a date",
		Decide:  dCert,
	}
	clientCertMissing = View{
		Causes: []cause.Code{clientCert}, Decides: true,
		Meaning: "this server requires a client certificate (mutual TLS) and the connecting client sent none",
		Decide:  dClientCert,
		Fix:     "give the client a certificate from a CA the server accepts, or make client authentication optional on this server (nginx: ssl_verify_client optional)",
	}
	versionFromClient = View{
		Meaning: "a connecting client offered only TLS versions this server refuses: an old client (Java 7, Windows 7, embedded devices) or a scanner",
		Fix:     "update the client to TLS 1.2 or later; enable an older version on the listener only if that client must be served",
	}
	versionFromServer = View{
		Meaning: "the server offers only a TLS version this client refuses (or none this client offers)",
		Fix:     "enable TLS 1.2 and 1.3 on the server; re-enabling an old version in the client works but weakens it",
	}
)

var (
	chainSet   = []cause.Code{chainInc, untrusted, selfSigned, intercepted}
	certSet    = []cause.Code{chainInc, untrusted, expired, hostname, selfSigned, notYet, intercepted, weakSig, weakKey, keyUsage, cnOnly, revoked, certInvalid}
	negoSet    = []cause.Code{cipher, group, sni, version, clientCert, alert}
	closedSet  = []cause.Code{closed, sni, version, reset, intercepted}
	dateSet    = []cause.Code{expired, notYet}
	gatewaySet = []cause.Code{chainInc, untrusted, expired, hostname, selfSigned, version, cipher, sni, notTLS, reset, closed, notYet, keyMismatch, weakKey, weakSig, clientCert}
)

func p(stack, name, re, meaning, decide string, causes ...cause.Code) Pattern {
	return Pattern{ID: stack + "/" + name, Stack: stack, Re: re, Meaning: meaning, Decide: decide, Causes: causes}
}

func ps(stack, name, re, meaning, decide string, set []cause.Code) Pattern {
	return p(stack, name, re, meaning, decide, set...)
}

// env is an envelope: it names the application around a message.
func env(stack, name, re, meaning string, causes ...cause.Code) Pattern {
	x := p(stack, name, re, meaning, "", causes...)
	x.Envelope = true
	if len(causes) > 0 {
		x.Decide = dCert
	}
	return x
}

// generic is a pattern for wording every stack uses: it ranks below a
// stack's own message and names no stack.
func generic(name, re, meaning, decide string, causes ...cause.Code) Pattern {
	return p(GenericStack, name, re, meaning, decide, causes...)
}

// marker is a pattern that only tells who logged the line.
func marker(stack, name, re string, side Side) Pattern {
	return Pattern{ID: stack + "/" + name, Stack: stack, Re: re, Marks: side, Meaning: "marks a line logged by the " + string(side)}
}

func (x Pattern) alone() Pattern              { x.Decides = true; return x }
func (x Pattern) fixing(s string) Pattern     { x.Fix = s; return x }
func (x Pattern) onServer(v View) Pattern     { x.Server = &v; return x }
func (x Pattern) onClient(v View) Pattern     { x.Client = &v; return x }
func (x Pattern) misleads(s string) Pattern   { x.Misleading = s; return x }
func (x Pattern) deciding(s string) Pattern   { x.Decide = s; return x }
func (x Pattern) envelope() Pattern           { x.Envelope = true; return x }
func (x Pattern) asProfile(id string) Pattern { x.Profile = id; return x }
func (x Pattern) serverLog() Pattern          { x.ServerLog = true; return x }
func (x Pattern) weak() Pattern               { x.Weak = true; return x }
func (x Pattern) about(re string) Pattern     { x.Topic = re; return x }

var patterns = []Pattern{
	// ---- OpenSSL verify results (X509_V_ERR_*): the text after "certificate
	// verify failed", "SSL certificate problem:", "verify error:num=N:",
	// nginx's "(N:text)" and Node's err.code. Shared by every OpenSSL client.
	ps("openssl", "verify-local-issuer", `unable to get local issuer certificate|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|\bnum=20\b`,
		"the client could not find the issuer of the last certificate it has in any CA it trusts: either the server does not send an intermediate, the root is private, or a TLS-inspecting proxy re-signed the connection",
		dChain, []cause.Code{chainInc, untrusted, intercepted, selfSigned, tooLong}),
	p("openssl", "verify-issuer", `unable to get issuer certificate\b|UNABLE_TO_GET_ISSUER_CERT\b|\bnum=2:`,
		"the issuer of a certificate in the chain is neither sent nor trusted", dChain, chainInc, untrusted),
	p("openssl", "verify-first-cert", `unable to verify the first certificate|UNABLE_TO_VERIFY_LEAF_SIGNATURE|\bnum=21\b`,
		"the server sent its certificate without the intermediate that issued it (or the issuer is a private CA the client does not have; or, sent no SNI, the server's default certificate)",
		dChain, chainInc, untrusted, sni),
	p("openssl", "verify-self-signed-in-chain", `self[- ]signed certificate in certificate chain|SELF_SIGNED_CERT_IN_CHAIN|\bnum=19\b`,
		"the chain ends at a root the client does not trust: a private or corporate CA, or the root of a TLS-inspecting proxy",
		dChain, untrusted, intercepted, selfSigned),
	p("openssl", "verify-self-signed", `(?:depth 0: )?self[- ]signed certificate(?:$|[^ ]| [^i])|DEPTH_ZERO_SELF_SIGNED_CERT|\bnum=18\b`,
		"the server's certificate is self-signed: it is its own issuer, and the client does not trust it",
		dChain, selfSigned, untrusted, intercepted).alone(),
	// Not "certificate has expired or is not yet valid": that is Go's,
	// which says which of the two further on.
	p("openssl", "verify-expired", `certificate has expired(?:$|[^ ]| \()|CERT_HAS_EXPIRED|\bnum=10\b`,
		"a certificate in the chain is past its notAfter date (or the client's clock is ahead)", dDates, expired).alone(),
	p("openssl", "verify-not-yet-valid", `certificate is not yet valid|CERT_NOT_YET_VALID|\bnum=9\b`,
		"a certificate in the chain is not valid yet: its notBefore is in the future, usually because the client's clock is behind", dDates, notYet).alone(),
	p("openssl", "verify-hostname", `hostname mismatch|HOSTNAME_MISMATCH|\bnum=62\b`,
		"the certificate does not cover the host name the client asked for", dName, hostname, cnOnly).alone(),
	p("openssl", "verify-ip", `IP address mismatch|IP_ADDRESS_MISMATCH|\bnum=64\b`,
		"the client connected by IP address and the certificate has no IP SAN for it", dName, hostname).alone(),
	p("openssl", "verify-purpose", `unsupported certificate purpose|INVALID_PURPOSE|\bnum=26\b`,
		"a certificate's extended key usage does not allow TLS server authentication", dCert, keyUsage).alone(),
	p("openssl", "verify-invalid-ca", `invalid CA certificate|INVALID_CA\b|\bnum=24\b|\bnum=79\b`,
		"a certificate used as an issuer is not a valid CA certificate (basicConstraints CA:FALSE or missing, or no keyCertSign usage)", dCert, certInvalid, keyUsage),
	p("openssl", "verify-key-usage", `key usage does not include certificate signing|KEYUSAGE_NO_CERTSIGN`,
		"an issuing certificate lacks the keyCertSign key usage", dCert, keyUsage).alone(),
	p("openssl", "verify-chain-too-long", `certificate chain too long|CERT_CHAIN_TOO_LONG|\bnum=22\b`,
		"the chain is longer than the client's verify depth allows (nginx proxy_ssl_verify_depth defaults to 1)", dCert, tooLong).alone(),
	p("openssl", "excessive-message-size", `excessive[ _]message[ _]size|EXCESSIVE_MESSAGE_SIZE`,
		"the server's certificate message is larger than the client accepts (OpenSSL's max_cert_list is 100 KiB): too many names or certificates", dCert, tooLarge).alone(),
	p("openssl", "verify-revoked", `certificate revoked|CERT_REVOKED|\bnum=23\b`,
		"the certificate has been revoked by its CA (CRL or OCSP)", dCert, revoked).alone(),
	p("openssl", "verify-ee-key-weak", `EE certificate key too weak|EE_KEY_TOO_SMALL|\bee key too small`,
		"the server's certificate key is smaller than the client's security level allows (RSA under 2048 bits at level 2)", dWeak, weakKey).alone(),
	p("openssl", "verify-ca-key-weak", `CA certificate key too weak|CA_KEY_TOO_SMALL|\bca key too small`,
		"an issuing certificate's key is smaller than the client's security level allows", dWeak, weakKey).alone(),
	p("openssl", "verify-md-weak", `CA signature digest algorithm too weak|CA_MD_TOO_WEAK|\bca md too weak`,
		"a certificate is signed with SHA-1 or MD5, which the client's security level refuses", dWeak, weakSig).alone(),
	p("openssl", "verify-signature", `certificate signature failure|CERT_SIGNATURE_FAILURE|\bnum=7\b`,
		"a certificate's signature does not verify with its issuer's key: usually the wrong intermediate (same name, another key) is served",
		dChain, chainInc, certInvalid),
	p("openssl", "verify-untrusted", `certificate not trusted|CERT_UNTRUSTED|\bnum=27\b|certificate rejected|CERT_REJECTED`,
		"the root is known but not trusted for this purpose", dChain, untrusted),
	p("openssl", "verify-decode", `unable to decode issuer public key|unable to get certificate CRL|unable to decrypt certificate's signature`,
		"a certificate in the chain cannot be checked: malformed key or signature, or missing CRL", dCert, certInvalid, revoked),

	// ---- OpenSSL / BoringSSL / LibreSSL "SSL routines" reasons.
	env("openssl", "openssl3-routines", `error:0A0[0-9A-F]{5}:SSL routines::`, "an OpenSSL 3.x error"),
	env("openssl", "openssl11-routines", `error:14[0-9A-F]{6}:SSL routines:[a-z0-9_]+:`, "an OpenSSL 1.1 error"),
	env("openssl", "openssl10-routines", `error:14[0-9A-F]{6}:SSL routines:SSL(?:23|3)_[A-Z_]+:`, "an OpenSSL 1.0 error"),
	env("boringssl", "routines", `SSL routines:OPENSSL_internal:|OPENSSL_internal:[A-Z_]+`, "a BoringSSL error (Envoy, Chrome, Android, gRPC)"),
	ps("openssl", "certificate-verify-failed", `certificate[ _]verify[ _]failed`,
		"the client rejected the server's certificate chain; the verify result that follows (when logged) names why",
		dCert, certSet).weak(),
	p("openssl", "wrong-version-number", `wrong[ _]version[ _]number`,
		"the first bytes the server sent back are not a TLS record: the port speaks plain HTTP (or another protocol), or a proxy in between does",
		dNotTLS, notTLS, version, doubleTLS).misleads("despite the word 'version', this almost never means a TLS version mismatch: it is how OpenSSL reports a non-TLS reply").
		onServer(View{Causes: []cause.Code{notTLS}, Meaning: "logged by the TLS server: the client sent bytes that are not TLS (plain HTTP, or a scanner) to this TLS port",
			Fix: "make the client use https:// for this port, or serve plain HTTP on another port"}),
	p("openssl", "unknown-protocol", `SSL23_GET_SERVER_HELLO:unknown protocol|:unknown protocol`,
		"OpenSSL 1.0 could not read the server's reply as TLS: the port speaks plain HTTP or another protocol", dNotTLS, notTLS, version),
	p("openssl", "packet-length-too-long", `packet[ _]length[ _]too[ _]long|record[ _]length[ _]mismatch`,
		"the server's reply is not a TLS record (its 'length' is plain text), or a TLS server sent a record over the limit", dNotTLS, notTLS, malformed),
	p("openssl", "bad-extension", `tls_collect_extensions:bad extension|\[SSL: BAD_EXTENSION\]|SSL routines::bad extension`,
		"the server's hello carries an extension twice or one it may not send: a server that breaks the protocol", dMalformed, malformed).alone().
		onServer(View{Causes: []cause.Code{malformed}, Meaning: "logged by the TLS server: a connecting client's ClientHello carries an extension twice or a malformed one: a broken client or a scanner",
			Fix: "update or fix the connecting client; this server is not at fault"}),
	p("openssl", "wrong-cipher-returned", `wrong cipher returned|WRONG_CIPHER_RETURNED`,
		"the server chose a cipher suite the client did not offer: a server that breaks the protocol", dMalformed, malformed).alone(),
	p("openssl", "unsolicited-extension", `unsolicited extension|UNSOLICITED_EXTENSION`,
		"the server sent an extension the client did not ask for (in a HelloRetryRequest, say): a server that breaks the protocol", dMalformed, malformed).alone(),
	p("openssl", "unexpected-message-python", `\[SSL: UNEXPECTED_MESSAGE\] unexpected message|SSL routines::unexpected message`,
		"a handshake message arrived out of turn (a second HelloRetryRequest, say): a broken TLS implementation on one side, or a middlebox that rewrites the stream", dAlert, malformed, alert, intercepted),
	p("openssl", "unhandled-critical-extension", `unhandled critical extension|\bnum=34\b`,
		"a certificate carries a critical extension the client does not know, so it refuses the certificate (RFC 5280 4.2)", dCert, certInvalid).alone(),
	p("openssl", "http-request", `SSL routines[^ ]*:HTTP_REQUEST|:http request\b|OPENSSL_internal:HTTP_REQUEST`,
		"logged by the TLS server: the client sent a plain HTTP request to the TLS port", dNotTLS, notTLS).alone().serverLog(),
	p("openssl", "alert-protocol-version", `tlsv1[ _]alert[ _]protocol[ _]version|TLSV1_ALERT_PROTOCOL_VERSION`,
		"the server refused the TLS version the client offered (protocol_version alert): they share no version",
		dNego, version).alone(),
	p("openssl", "unsupported-protocol", `unsupported[ _]protocol|UNSUPPORTED_PROTOCOL|version[ _]too[ _]low|VERSION_TOO_LOW`,
		"client and server share no TLS version: one side offers only versions the other refuses", dNego, version).alone().
		onServer(versionFromClient).onClient(versionFromServer),
	p("openssl", "no-protocols-available", `no[ _]protocols[ _]available|NO_PROTOCOLS_AVAILABLE`,
		"the client's own configuration leaves no TLS version it may offer (every version disabled, or the minimum above the maximum)", dNego, version).alone().
		fixing("enable TLS 1.2 (and 1.3) in this client's configuration; the server is not involved"),
	p("openssl", "inappropriate-fallback", `inappropriate[ _]fallback|INAPPROPRIATE_FALLBACK`,
		"the client retried with a lower TLS version after a failed attempt and the server refused the downgrade (TLS_FALLBACK_SCSV): what matters is why the first attempt failed (often a middlebox or a flaky network; scanners test this too)",
		dNego, version, closed, reset),
	ps("openssl", "alert-handshake-failure", `sslv3[ _]alert[ _]handshake[ _]failure|SSLV3_ALERT_HANDSHAKE_FAILURE`,
		"the server aborted the handshake with a generic handshake_failure alert: it found nothing it could accept in the ClientHello (cipher suite, group, SNI name, version) or wanted a client certificate",
		dNego, negoSet),
	p("openssl", "no-shared-cipher", `no[ _]shared[ _]cipher|NO_SHARED_CIPHER`,
		"logged by the TLS server: the client offered no cipher suite this server enables (or none that fits the server's certificate key type)", dNego, cipher).alone().serverLog().
		fixing("enable on the listener a modern suite the client offers (ECDHE with AES-GCM), or update the client; check that the certificate's key type (RSA or ECDSA) fits the suites"),
	p("openssl", "no-ciphers-available", `no[ _]ciphers[ _]available|NO_CIPHERS_AVAILABLE|no[ _]cipher[ _]match|NO_CIPHER_MATCH`,
		"the client's own cipher setting leaves no suite it may offer", dNego, cipher).alone().
		fixing("fix the client's cipher list (a typo, or only suites its library no longer has)"),
	p("openssl", "no-shared-sigalgs", `no[ _]shared[ _]signature[ _]algorithms|NO_SHARED_SIGNATURE_ALGORITHMS|no[ _]suitable[ _]signature[ _]algorithm|NO_SUITABLE_SIGNATURE_ALGORITHM`,
		"the two sides share no signature algorithm for the handshake: the certificate's key type or hash is one the other side does not offer (an old client offering only SHA-1, or an ECDSA-only client meeting an RSA certificate)",
		dNego, cipher, weakSig, version).
		onServer(View{Meaning: "logged by the TLS server: the connecting client offered no signature algorithm this server's certificate key can sign with (an old client offering only SHA-1 or MD5, or a key type it lacks)"}),
	p("openssl", "no-shared-group", `NO_SHARED_GROUP|no[ _]shared[ _]group|no suitable key share`,
		"client and server share no key-exchange group", dNego, group).alone(),
	p("openssl", "insufficient-security", `tlsv1[ _]alert[ _]insufficient[ _]security|TLSV1_ALERT_INSUFFICIENT_SECURITY`,
		"the server refused the client's offer as too weak (insufficient_security alert)", dNego, cipher, version),
	p("openssl", "alert-unrecognized-name", `tlsv1[ _](?:alert[ _])?unrecognized[ _]name|TLSV1_(?:ALERT_)?UNRECOGNIZED_NAME`,
		"the server does not serve the name the client sent as SNI (unrecognized_name alert)", dClosed, sni, hostname),
	p("openssl", "alert-unknown-ca", `tlsv1[ _]alert[ _]unknown[ _]ca|TLSV1_ALERT_UNKNOWN_CA`,
		"the PEER rejected a certificate as issued by an unknown CA: in a client's log the server rejected the client certificate (mutual TLS); in a server's log the client rejected the server's chain",
		dClientCert, clientCert, untrusted, chainInc, selfSigned, intercepted).onClient(clientCertRefused).onServer(serverChainRefused),
	p("openssl", "alert-bad-certificate", `sslv3[ _]alert[ _]bad[ _]certificate|SSLV3_ALERT_BAD_CERTIFICATE|alert[ _]certificate[ _]unknown|SSLV3_ALERT_CERTIFICATE_UNKNOWN|alert[ _]certificate[ _]expired|ALERT_CERTIFICATE_EXPIRED`,
		"the peer rejected a certificate: in a client's log, the server refused the client certificate (mutual TLS); in a server's log (nginx 'while SSL handshaking, client:'), the client refused this server's chain", dClientCert, clientCert, untrusted, chainInc, selfSigned, expired, intercepted, alert).
		onClient(clientCertRefused).onServer(serverChainRefused),
	p("openssl", "alert-certificate-required", `tlsv13[ _]alert[ _]certificate[ _]required|TLSV13_ALERT_CERTIFICATE_REQUIRED|alert[ _]certificate[ _]required`,
		"the server requires a client certificate (mutual TLS) and got none", dClientCert, clientCert).alone().onServer(clientCertMissing),
	p("openssl", "peer-no-certificate", `peer[ _]did[ _]not[ _]return[ _]a[ _]certificate|PEER_DID_NOT_RETURN_A_CERTIFICATE`,
		"logged by the TLS server: it requires a client certificate (mutual TLS) and the client sent none", dClientCert, clientCert).alone().serverLog().
		fixing(clientCertMissing.Fix),
	p("openssl", "alert-internal-error", `tlsv1[ _]alert[ _]internal[ _]error|TLSV1_ALERT_INTERNAL_ERROR`,
		"the server hit an internal error and said so with an alert: often a server missing a certificate or key for the name, or a broken key", dAlert, alert, sni, keyMismatch),
	p("openssl", "alert-decrypt-error", `tlsv1[ _]alert[ _]decrypt[ _]error|TLSV1_ALERT_DECRYPT_ERROR|bad[ _]signature|wrong[ _]signature`,
		"a handshake signature did not verify: typically the server's private key does not belong to its certificate", dKey, keyMismatch, sni, alert),
	p("openssl", "alert-other", `tlsv1[ _]alert[ _](?:decode[ _]error|illegal[ _]parameter|access[ _]denied|record[ _]overflow)|sslv3[ _]alert[ _]illegal[ _]parameter|TLSV1_ALERT_(?:DECODE_ERROR|ACCESS_DENIED)`,
		"the server rejected something in the handshake and named it in an alert", dAlert, alert, clientCert),
	p("openssl", "unexpected-eof", `unexpected[ _]eof[ _]while[ _]reading|UNEXPECTED_EOF_WHILE_READING|SSL_ERROR_SYSCALL|SSL SYSCALL error: EOF detected`,
		"the connection ended during the handshake without a TLS alert: the server (or a middlebox) closed or reset it",
		dClosed, closedSet...),
	p("openssl", "dh-key-too-small", `dh[ _\s]key[ _\s]too[ _\s]small|DH_KEY_TOO_SMALL|WEAK_SERVER_EPHEMERAL_DH_KEY`,
		"the server offered Diffie-Hellman parameters smaller than the client accepts (under 2048 bits for OpenSSL 3)", dWeak, weakKey).alone(),
	p("openssl", "legacy-sigalg", `legacy[ _]sigalg[ _]disallowed[ _]or[ _]unsupported|LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED|WRONG_SIGNATURE_TYPE`,
		"the server signs the handshake with a legacy algorithm OpenSSL 3 refuses at its default security level: the MD5+SHA-1 signature of TLS 1.0/1.1 (a server that speaks only those), or SHA-1 in TLS 1.2",
		dNego, version, weakSig, cipher),
	p("openssl", "unsafe-renegotiation", `unsafe[ _]legacy[ _]renegotiation[ _]disabled|UNSAFE_LEGACY_RENEGOTIATION_DISABLED`,
		"the server's TLS stack is so old it lacks secure renegotiation (RFC 5746); OpenSSL 3 clients refuse it", dNego, renego).alone(),
	p("openssl", "unexpected-message", `sslv3[ _]alert[ _]unexpected[ _]message|SSLV3_ALERT_UNEXPECTED_MESSAGE|routines:[a-z0-9_]*:unexpected[ _]message|ccs[ _]received[ _]early`,
		"a handshake message arrived out of order: a broken TLS implementation on one side, or a middlebox that rewrites the stream", dAlert, malformed, alert, intercepted),
	p("openssl", "key-values-mismatch", `key[ _]values[ _]mismatch|KEY_VALUES_MISMATCH|X509_check_private_key`,
		"logged when a server loads its certificate: the private key does not belong to the certificate", dKey, keyMismatch).alone(),
	p("openssl", "record-mac", `sslv3[ _]alert[ _]bad[ _]record[ _]mac|SSLV3_ALERT_BAD_RECORD_MAC|decryption[ _]failed[ _]or[ _]bad[ _]record[ _]mac|routines:[a-z0-9_]*:bad[ _]record[ _]mac`,
		"records failed to decrypt: a middlebox altered the stream, or a broken TLS implementation", dAlert, alert, intercepted),

	// ---- LibreSSL (macOS curl, OpenBSD).
	env("libressl", "envelope", `LibreSSL|SSL routines:(?:ST_CONNECT|ST_OK|CONNECT_CR_[A-Z_]+|ACCEPT_SR_[A-Z_]+):|\(UNKNOWN\)SSL_internal`, "LibreSSL (macOS's curl and OpenBSD)"),
	p("libressl", "alert-protocol-version", `(?:ST_CONNECT|ST_OK|CONNECT_CR_SRVR_HELLO):tlsv1 alert protocol version`,
		"LibreSSL reports a TLS protocol_version alert",
		dNotTLS, version, notTLS).misleads("LibreSSL also prints this when the port answers in plain HTTP, not TLS; the check's first bytes tell which"),
	p("libressl", "syscall", `LibreSSL SSL_connect: SSL_ERROR_SYSCALL`,
		"LibreSSL saw the connection end during the handshake with no alert", dClosed, closedSet...),

	// ---- curl.
	env("curl", "envelope", `curl: \(\d+\)|curl error \d+|CURLE_[A-Z_]+`, "curl (libcurl)"),
	p("curl", "6-resolve", `Could not resolve host|curl: \(6\)`, "the host name does not resolve", dNet, dnsFail).alone(),
	p("curl", "7-refused", `Failed to connect to .* Connection refused|curl: \(7\).*refused`, "nothing listens on the port", dNet, refused).alone(),
	p("curl", "7-connect", `Failed to connect to `, "the TCP connection failed", dNet, refused, tcpTimeout, unreachable),
	p("curl", "28-timeout", `curl: \(28\)|Operation timed out after|Connection timed out after|SSL connection timeout`,
		"curl gave up waiting: for the TCP connection, the TLS handshake or the reply", dNet, tcpTimeout, hsTimeout, httpNone),
	ps("curl", "35-connect", `curl: \(35\)|SSL connect error|OpenSSL SSL_connect:|Unknown SSL protocol error in connection`,
		"the TLS handshake failed before any certificate check: see the library's reason", dNego,
		[]cause.Code{closed, reset, version, cipher, sni, notTLS, clientCert, group, alert}).envelope(),
	p("curl", "connect-reset", `SSL_connect: Connection reset by peer|Recv failure: Connection reset by peer`,
		"the connection was reset (TCP RST) during the handshake, or after it while the reply was awaited", dClosed, reset, closed, sni, intercepted, httpNone),
	// curl's code 56 only says receiving failed: the text after it says why.
	p("curl", "56-recv", `curl: \(56\)`, "curl failed to receive data; the text after the code says why", dClosed, reset, closed, clientCert, intercepted).envelope(),
	ps("curl", "60-certificate", `SSL certificate problem|curl: \(60\)|Peer certificate cannot be authenticated|SSL peer certificate or SSH remote key was not OK|curl: \(51\)`,
		"curl rejected the server's certificate; the text after it names why", dCert, certSet).envelope(),
	p("curl", "no-alt-name", `no alternative certificate subject name matches target host ?name`,
		"the certificate's SANs do not cover the host name in the URL", dName, hostname).alone(),
	p("curl", "subject-name", `certificate subject name '[^']*' does not match target host name`,
		"the certificate has no SAN and its CN does not match the host in the URL", dName, hostname, cnOnly).alone(),
	p("curl", "77-ca-file", `error setting certificate verify locations|curl: \(77\)|cURL error 77|error setting certificate file|error adding trust anchors`,
		"the client's own CA file or directory cannot be read: the client trusts nothing", dChain, untrusted).alone(),
	p("curl", "52-empty", `Empty reply from server|curl: \(52\)`, "the server completed the handshake but closed without any HTTP reply", dHTTP, httpNone).alone(),
	p("curl", "http09", `Received HTTP/0\.9 when not allowed|Weird server reply|curl: \(8\)`, "the reply after the handshake is not valid HTTP", dHTTP, httpBad, doubleTLS),
	p("curl", "http2-framing", `Error in the HTTP2 framing layer|HTTP/2 stream \d+ was not closed cleanly|curl: \(16\)|curl: \(92\)`,
		"the server broke the HTTP/2 exchange after the handshake", dHTTP, httpBad),
	p("curl", "58-client-cert", `curl: \(58\)|unable to set private key file|unable to use client certificate`,
		"curl could not load the client certificate or key it was given", dClientCert, clientCert),

	// ---- GnuTLS (gnutls-cli, and git/curl/wget built with it on Debian and Ubuntu).
	p("curl", "large-headers", `Too large response headers`,
		"the reply's HTTP header block is larger than curl reads", dHTTP, httpBad).alone(),
	env("gnutls", "envelope", `gnutls_handshake\(\) failed|GnuTLS[: ]|gnutls-cli|\*\*\* Fatal error|\*\*\* Handshake has failed|- The certificate is NOT trusted`, "GnuTLS"),
	p("gnutls", "cafile-none", `server certificate verification failed\. CAfile: none`,
		"the client (git/curl with GnuTLS) has no CA file at all: it trusts nothing", dChain, untrusted).alone(),
	ps("gnutls", "server-verification-failed", `server certificate verification failed[.:]?\s+CAfile`,
		"GnuTLS (in git or curl) rejected the server's certificate; run the check to see why", dCert, certSet).weak(),
	p("gnutls", "issuer-unknown", `The certificate issuer is unknown|issuer is unknown|signer not found`,
		"the chain does not lead to a CA the client trusts: a missing intermediate, a private root or a TLS inspection proxy", dChain, chainInc, untrusted, intercepted, selfSigned),
	p("gnutls", "expired", `certificate chain uses expired certificate|The certificate has expired`, "a certificate in the chain has expired", dDates, expired).alone(),
	p("gnutls", "not-activated", `chain uses not yet valid certificate|certificate is not yet activated`, "a certificate in the chain is not valid yet (or the clock is behind)", dDates, notYet).alone(),
	p("gnutls", "name", `The name in the certificate does not match the expected|does not match the hostname`, "the certificate does not cover the host name", dName, hostname).alone(),
	p("gnutls", "insecure-algorithm", `uses insecure algorithm|signed using an insecure algorithm`, "a certificate is signed with an algorithm GnuTLS refuses (SHA-1, MD5), or with a key too short for it (GnuTLS says the same of both)", dWeak, weakSig, weakKey),
	p("gnutls", "issuer-not-ca", `The certificate issuer is not a CA|Key usage violation`, "an issuing certificate is not a CA, or a key usage forbids this use", dCert, keyUsage).alone(),
	p("gnutls", "revoked", `The certificate is NOT trusted\. The certificate chain is revoked|certificate has been revoked`, "a certificate has been revoked", dCert, revoked).alone(),
	p("gnutls", "non-properly-terminated", `The TLS connection was non-properly terminated`,
		"the connection ended without a TLS alert", dClosed, closed, reset, sni, version, intercepted),
	p("gnutls", "pull-push", `Error in the pull function|Error in the push function`,
		"reading from (pull) or writing to (push) the connection failed: it was reset, by the server or a firewall on the way, during the handshake or after it", dClosed, reset, closed, sni, intercepted, httpNone),
	p("gnutls", "alert-certificate", `received alert \[(?:42|43|44|45|46|48|116)\]`,
		"the server sent a certificate alert: it refused this client's certificate, or wanted one (mutual TLS)", dClientCert, clientCert).alone(),
	p("gnutls", "alert-name", `received alert \[112\]`, "the server does not serve the name sent as SNI (unrecognized_name)", dClosed, sni, hostname),
	p("gnutls", "alert-other", `received alert \[(?:47|50|51|80|10|20|22)\]`,
		"the server rejected something in the hello and named it in an alert (illegal_parameter 47, decode_error 50, decrypt_error 51, internal_error 80)", dAlert, alert, malformed),
	p("gnutls", "cert-not-trusted", `The certificate is NOT trusted\.?(?:\s*$|")`,
		"GnuTLS does not trust the server's certificate; the reason follows it when it is logged (issuer unknown, expired, name)", dCert, untrusted, chainInc, selfSigned, expired, intercepted),
	p("gnutls", "unexpected-packet", `An unexpected TLS packet was received|A record packet with illegal version was received|A packet with illegal or unsupported version was received|The TLS record is too large`,
		"the reply is not TLS (or not a version GnuTLS reads): usually a plain-HTTP port; also a handshake message out of turn (a second HelloRetryRequest)", dNotTLS, notTLS, version, malformed),
	ps("gnutls", "fatal-alert", `A TLS fatal alert has been received|Received alert \[40\]|\*\*\* Handshake has failed`,
		"the server aborted the handshake with an alert", dNego, negoSet).weak(),
	p("gnutls", "alert-70", `Received alert \[70\]`, "the server refused the TLS version offered", dNego, version),
	p("gnutls", "no-cipher", `Could not negotiate a supported cipher suite|No supported cipher suites have been found`,
		"no cipher suite in common, or the server chose one the client did not offer", dNego, cipher, group, malformed),

	// ---- Go crypto/tls and net (also Kubernetes, Docker, Traefik, Terraform, Prometheus ...).
	p("gnutls", "handshake-too-large", `The handshake data size is too large`,
		"a handshake message (the certificate chain, in practice) is larger than GnuTLS reads", dCert, tooLarge, malformed),
	p("gnutls", "signature-failed", `Public key signature verification has failed`,
		"the server's handshake signature does not verify with its certificate's key: the key and certificate do not belong together", dKey, keyMismatch),
	p("gnutls", "record-length", `A TLS record packet with invalid length was received`,
		"a record longer than TLS allows: bytes that are not TLS, or a server that breaks the limit", dNotTLS, malformed, notTLS),
	p("gnutls", "purpose", `The certificate chain does not match the intended purpose`,
		"the certificate's extended key usage does not allow a TLS server (serverAuth)", dCert, keyUsage).alone(),
	p("gnutls", "unknown-critical", `The certificate contains an unknown critical extension`,
		"a certificate carries a critical extension GnuTLS does not know, so it refuses the certificate (RFC 5280 4.2)", dCert, certInvalid).alone(),
	p("gnutls", "ocsp-required", `requires the server to include an OCSP status in its response, but the OCSP response is missing`,
		"the certificate is must-staple (TLS feature extension) and the server staples no OCSP response", dCert, revocUnav).alone(),
	ps("go", "unknown-authority", `x509: certificate signed by unknown authority`,
		"Go found no path from the server's certificate to a root it trusts; Go never fetches missing intermediates",
		dChain, []cause.Code{untrusted, chainInc, selfSigned, intercepted}),
	p("go", "unknown-authority-sha1", `x509: certificate signed by unknown authority \(possibly because of "x509: cannot verify signature: insecure algorithm [^"]*" while trying to verify candidate authority certificate`,
		"a CA of the issuer's name is trusted, but the certificate is signed with SHA-1 (or MD5), which Go refuses since 1.18: the signature is not even checked",
		dWeak, weakSig, untrusted).alone(),
	p("go", "unknown-authority-other-ca", `x509: certificate signed by unknown authority \(possibly because of "(?:crypto/|x509: ecdsa|x509: cannot verify signature: algorithm)[^"]*" while trying to verify candidate authority certificate`,
		"a CA with the issuer's name is trusted, but its key did not verify the certificate: the client trusts a different CA of the same name (an old or regenerated cluster CA)",
		dChain, untrusted, chainInc),
	p("go", "expired", `x509: certificate has expired or is not yet valid: current time \S+ is after`,
		"a certificate is past its notAfter date", dDates, expired).alone(),
	p("go", "not-yet-valid", `x509: certificate has expired or is not yet valid: current time \S+ is before`,
		"a certificate's notBefore is in the future (client clock behind, or a freshly issued certificate)", dDates, notYet).alone(),
	p("go", "expired-or-not-yet", `x509: certificate has expired or is not yet valid`, "a certificate is outside its validity dates", dDates, expired, notYet),
	p("go", "valid-for", `x509: certificate is valid for .*, not `, "the certificate's SANs do not cover the name (or IP) the client asked for", dName, hostname).alone(),
	p("go", "no-ip-sans", `x509: cannot validate certificate for \S+ because it doesn't contain any IP SANs?`,
		"the client connected by IP address and the certificate has no IP SAN", dName, hostname).alone(),
	p("go", "no-names", `x509: certificate is not valid for any names`, "the certificate carries no SAN at all for the client to match", dName, hostname, cnOnly).alone(),
	p("go", "legacy-cn", `x509:\s+certificate relies on legacy Common Name field`,
		"the certificate names the host only in its subject CN; Go (since 1.15) requires a SAN", dName, cnOnly).alone(),
	p("go", "sha1", `x509: cannot verify signature: insecure algorithm|insecure algorithm SHA1|x509sha1`,
		"a certificate is signed with SHA-1, which Go (since 1.18) refuses", dWeak, weakSig).alone(),
	p("go", "no-roots", `x509: failed to load system roots and no roots provided|x509: certificate signed by unknown authority \(possibly because of "x509: failed to load system roots`,
		"Go found no CA certificates on this machine: the image or host has no CA bundle (ca-certificates), so it trusts nothing", dChain, untrusted).alone().
		fixing("install the CA bundle in the image or host (Debian/Ubuntu/Alpine: the ca-certificates package), or point SSL_CERT_FILE at one"),
	p("go", "key-usage", `x509: certificate specifies an incompatible key usage`,
		"the certificate's extended key usage does not include server authentication", dCert, keyUsage).alone(),
	p("go", "not-ca", `parent certificate cannot sign this kind of certificate|x509: .*is not a CA|x509: too many intermediates`,
		"an issuer in the chain is not allowed to issue certificates", dCert, keyUsage, certInvalid),
	p("go", "malformed", `x509: malformed certificate|x509: negative serial number|x509: unsupported elliptic curve|tls: failed to parse certificate from server|x509: invalid signature`,
		"a certificate in the chain cannot be parsed or checked by Go", dCert, certInvalid),
	p("go", "first-record", `tls: first record does not look like a TLS handshake|http: server gave HTTP response to HTTPS client`,
		"the server answered in plain HTTP (or another protocol), not TLS", dNotTLS, notTLS).alone(),
	// Bytes that are not TLS read as a record header give a huge length
	// too: the message alone cannot tell the two apart.
	p("go", "oversized-record", `tls: oversized record received`,
		"the server sent a record longer than TLS allows: bytes that are not TLS (another protocol), or a TLS stack that breaks the limit", dNotTLS, notTLS, malformed),
	p("go", "remote-protocol-version", `remote error: tls: protocol version not supported|tls: server selected unsupported protocol version|tls: client offered only unsupported versions|tls: no supported versions satisfy`,
		"client and server share no TLS version", dNego, version).alone(),
	ps("go", "remote-handshake-failure", `remote error: tls: handshake failure`,
		"the server aborted with a generic handshake_failure alert", dNego, negoSet),
	p("go", "no-cipher", `tls: no cipher suite supported by both client and server|tls: server chose an unconfigured cipher suite`,
		"no cipher suite in common", dNego, cipher).alone(),
	p("go", "no-group", `tls: no ECDHE curve supported by both client and server|tls: server selected unsupported group|tls: CurvePreferences includes unsupported curve`,
		"no key-exchange group in common", dNego, group).alone(),
	p("go", "remote-cert-required", `remote error: tls: certificate required`,
		"the server requires a client certificate (mutual TLS) and got none", dClientCert, clientCert).alone(),
	p("go", "remote-bad-cert", `remote error: tls: (?:bad certificate|unknown certificate authority|unknown certificate|expired certificate)`,
		"the peer rejected a certificate: in a client's log the server refused the client certificate (mutual TLS); in a server's log (\"TLS handshake error from\") the client refused the server's",
		dClientCert, clientCert, untrusted, chainInc, expired).onClient(clientCertRefused).
		onServer(View{Causes: serverChainRefused.Causes, Decide: dCert,
			Meaning: "logged by a Go server: the connecting client rejected this server's certificate (a Go client sends bad_certificate for any verification failure)"}),
	p("go", "no-client-cert", `tls: client didn't provide a certificat`,
		"logged by a Go server that requires a client certificate (mutual TLS): the client sent none", dClientCert, clientCert).alone().serverLog().fixing(clientCertMissing.Fix),
	p("go", "client-cert-verify", `tls: failed to verify client(?:'s)? certificate`,
		"logged by a Go server: the client's certificate did not verify against the server's client CAs", dClientCert, clientCert).alone().serverLog().fixing(clientCertRefused.Fix),
	env("go", "net", `dial tcp |net/http: |tls: failed to verify certificate|(?:Get|Post|Put|Head|Delete|Patch) "?https?://[^\s"]*"?: |x509: `, "Go's net/http and crypto/tls"),
	p("go", "remote-unrecognized-name", `remote error: tls: unrecognized name`, "the server does not serve the SNI name sent", dClosed, sni, hostname),
	p("go", "remote-internal", `remote error: tls: internal error`, "the server hit an internal error during the handshake", dAlert, alert, sni),
	p("go", "remote-other", `remote error: tls: (?:illegal parameter|decode error|unexpected message|access denied|insufficient security|bad record MAC|decrypt error|record overflow)`,
		"the server rejected the handshake with an alert", dAlert, alert),
	// The reason after the colon decides: a verification failure is a key
	// that is not the certificate's; a key Go refuses for its size is weak.
	p("go", "bad-signature-verify", `tls: invalid signature by the server certificate: (?:ECDSA verification failure|crypto/rsa: verification error|crypto/ecdsa: verification error|ed25519 verification failure)|Cannot verify ECDH ServerKeyExchange signature|ServerKeyExchange signature`,
		"the server's handshake signature does not verify with the key in its certificate: the key and certificate do not belong together", dKey, keyMismatch).alone(),
	p("go", "insecure-key", `crypto/rsa: \d+-bit keys are insecure`,
		"the server's RSA key is shorter than Go accepts (1024 bits; GODEBUG=rsa1024min=0 lowers it): a key to replace", dWeak, weakKey).alone(),
	p("go", "bad-signature", `tls: invalid signature by the server certificate`,
		"the server's handshake signature does not verify with the key in its certificate (the key and certificate do not belong together), or uses a key Go refuses", dKey, keyMismatch, weakKey),
	p("go", "key-pair", `tls: private key does not match public key`, "logged when the server loads its pair: the key is not the certificate's", dKey, keyMismatch).alone(),
	p("go", "two-hrr", `tls: server sent two HelloRetryRequest messages`,
		"the server answered the second ClientHello with another HelloRetryRequest (RFC 8446 allows one)", dMalformed, malformed).alone(),
	p("go", "echoed-session-id", `tls: server echoed TLS 1\.3 compatibility session ID in TLS 1\.2`,
		"the server answered in TLS 1.2 but echoed the session ID the client sent for TLS 1.3 compatibility: a server that breaks the protocol (here by choosing a suite the client did not offer)", dMalformed, malformed).alone(),
	p("go", "message-too-large", `tls: handshake message of length \d+ bytes exceeds maximum of \d+ bytes`,
		"a handshake message (the certificate chain, in practice) is larger than Go reads (256 KiB)", dCert, tooLarge, malformed),
	p("go", "decoding", `local error: tls: error decoding message`,
		"Go could not decode a handshake message from the server (an extension sent twice, a length that does not add up)", dMalformed, malformed),
	p("go", "handshake-timeout", `net/http: TLS handshake timeout|tls: handshake timeout`,
		"the server accepted TCP but the handshake did not finish in time", dNet, hsTimeout, tcpTimeout).about(`TLS handshake timeout`),
	p("go", "client-timeout", `context deadline exceeded \(Client\.Timeout exceeded while awaiting headers\)`,
		"the whole request timed out: connecting, the handshake, or waiting for the reply", dNet, tcpTimeout, hsTimeout, httpNone),
	p("go", "eof", `: EOF$|: EOF\b|unexpected EOF(?:$|[^ ])`,
		"the server closed the connection without a TLS alert", dClosed, closed, sni, version, httpNone),
	// A TLS record where the HTTP reply should be (Go quotes its first
	// bytes): the back end answered in TLS inside the TLS connection.
	p("go", "http-tls-record", `malformed HTTP response "\\x1[4-7]\\x03\\x0[0-4]`,
		"a TLS record where the HTTP reply should be: the client spoke plain HTTP to a TLS port (an http:// URL, or an http:// proxy URL for a proxy that speaks TLS), or, inside a TLS connection, the back end expects TLS again",
		dHTTP, notTLS, doubleTLS),
	p("go", "http-no-response", `server closed idle connection|transport connection broken|malformed HTTP response|net/http: HTTP/1\.x transport connection broken`,
		"after the handshake, the reply was missing or was not HTTP", dHTTP, httpBad, httpNone),

	// ---- Socket-level errors, worded by the OS and relayed by every stack.
	p("os", "refused", `[Cc]onnection refused|ECONNREFUSED|errno 111\b|\(111: |WSAECONNREFUSED|actively refused`, "nothing listens on that port (the SYN was answered with a reset)", dNet, refused).alone(),
	p("os", "reset", `[Cc]onnection reset by peer|ECONNRESET|errno 104\b|\(104: |forcibly closed by the remote host|Connection was reset|socket hang up`,
		"the connection was reset (TCP RST): by the server, or by a firewall or load balancer on the way; during the handshake, or after it instead of a reply", dClosed, reset, closed, sni, version, intercepted, httpNone),
	p("os", "errno-104", `(?:read|write):errno=104`,
		"OpenSSL's s_client saw the connection reset (ECONNRESET): during the handshake, or after it", dClosed, reset, closed, httpNone),
	p("os", "timed-out", `TimeoutError: timed out|socket\.timeout: timed out`,
		"the connection or the handshake was not answered in time", dNet, tcpTimeout, hsTimeout),
	p("os", "timeout", `[Cc]onnection timed out|connect timed out|ETIMEDOUT|i/o timeout|errno 110\b|\(110: |connect: operation timed out`,
		"the connection was not answered in time: a firewall drops it, or the server is stalled", dNet, tcpTimeout, hsTimeout),
	p("os", "unreachable", `[Nn]o route to host|EHOSTUNREACH|[Nn]etwork is unreachable|ENETUNREACH`, "there is no route to the server", dNet, unreachable).alone(),
	p("os", "dns", `no such host|Name or service not known|nodename nor servname provided|Temporary failure in name resolution|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|UnknownHostException|NameResolutionError|could not translate host name`,
		"the host name does not resolve", dNet, dnsFail).alone(),
	p("os", "broken-pipe", `[Bb]roken pipe|EPIPE`, "the peer closed the connection while the client was still writing", dClosed, closed, reset),

	// ---- Java (JSSE), including Spring and Apache HttpClient wrappers.
	env("java", "envelope", `javax\.net\.ssl\.|sun\.security\.|java\.security\.cert\.|javax/net/ssl|org\.bouncycastle\.(?:tls|jsse)`, "a Java (JSSE or Bouncy Castle) exception"),
	env("java", "spring", `I/O error on (?:GET|POST|PUT|DELETE|PATCH|HEAD) request for "`, "Spring's RestTemplate/WebClient wrapping the Java exception"),
	ps("java", "pkix-path", `PKIX path building failed|unable to find valid certification path to requested target|SunCertPathBuilderException`,
		"Java could not build a path from the server's certificate to a CA in its trust store (cacerts); Java does not fetch missing intermediates",
		dChain, []cause.Code{untrusted, chainInc, selfSigned, intercepted}),
	p("java", "validity-check", `PKIX path validation failed: java\.security\.cert\.CertPathValidatorException: validity check failed|validity check failed`,
		"a certificate in the path is outside its validity dates", dDates, expired, notYet).weak(),
	p("java", "expired", `CertificateExpiredException`, "a certificate has expired", dDates, expired).alone().about(`\bNotAfter: `),
	p("java", "not-yet-valid", `CertificateNotYetValidException|Certificate not valid until`, "a certificate is not valid yet", dDates, notYet).alone().about(`\bNotBefore: `),
	p("java", "no-san-dns", `No subject alternative DNS name matching \S+ found`, "the certificate's DNS SANs do not cover the host name", dName, hostname).alone(),
	p("java", "no-san-ip", `No subject alternative names matching IP address \S+ found`, "the client connected by IP and the certificate has no matching IP SAN", dName, hostname).alone(),
	p("java", "no-san-present", `No subject alternative names present`,
		"the client connected by IP address and the certificate has no SAN at all (Java needs an IP SAN for an IP)", dName, hostname, cnOnly).alone(),
	p("java", "no-name-matching", `No name matching \S+ found`, "the certificate (with no SAN) has a CN that does not match the host name", dName, hostname, cnOnly).alone(),
	p("java", "algorithm-constraints-sig", `Algorithm constraints check failed on signature algorithm|Certificates do not conform to algorithm constraints`,
		"a certificate is signed with an algorithm the JDK disables (jdk.certpath.disabledAlgorithms: SHA-1, MD5)", dWeak, weakSig, weakKey),
	p("java", "algorithm-constraints-key", `Algorithm constraints check failed on keysize limits|keysize limits`,
		"a certificate key is smaller than the JDK allows (RSA under 1024/2048 bits)", dWeak, weakKey).alone(),
	p("java", "dh-constraints", `DH ServerKeyExchange does not comply to algorithm constraints|Could not generate DH keypair|Prime size must be multiple of 64`,
		"the server's Diffie-Hellman group is refused by the JDK: too small for a new JDK, or too large for Java 7 and older", dWeak, weakKey, cipher),
	p("java", "eku", `Extended key usage does not permit use for TLS server authentication|KeyUsage does not allow`,
		"the certificate's key usage does not allow TLS server authentication", dCert, keyUsage).alone().about(`ExtendedKeyUsage`),
	p("java", "revoked", `Certificate has been revoked`, "the certificate is revoked", dCert, revoked).alone(),
	p("java", "empty-trust-store", `the trustAnchors parameter must be non-empty`,
		"the JVM's trust store is missing or empty: it trusts no CA at all", dChain, untrusted).alone(),
	p("java", "unrecognized-ssl", `Unrecognized SSL message, plaintext connection\?|Unsupported or unrecognized SSL message`,
		"the server answered in plaintext (usually HTTP), not TLS", dNotTLS, notTLS).alone(),
	p("java", "remote-terminated", `Remote host terminated the handshake|Remote host closed connection during handshake|SSL peer shut down incorrectly`,
		"the server (or a middlebox) closed the connection during the handshake without an alert", dClosed, closedSet...),
	p("java", "alert-protocol-version", `Received fatal alert: protocol_version`, "the server refused the TLS version Java offered", dNego, version).alone(),
	ps("java", "debug-alert-handshake-failure", `RECV (?:SSLv3|TLSv1(?:\.[123])?) ALERT: +fatal, handshake_failure`,
		"the JDK's javax.net.debug output: the server aborted with a generic handshake_failure alert (no common cipher suite, group or version, a needed SNI or client certificate; an old JDK's SSLv2-format hello is refused the same way)", dNego, negoSet),
	ps("java", "alert-handshake-failure", `Received fatal alert: handshake_failure`,
		"the server aborted with a generic handshake_failure alert: no common cipher suite, group or version, or a needed SNI or client certificate", dNego, negoSet),
	p("java", "alert-certificate", `Received fatal alert: (?:bad_certificate|certificate_required)`,
		"the server rejected the client's certificate, or its absence (mutual TLS)", dClientCert, clientCert).alone().
		onServer(View{Causes: serverChainRefused.Causes, Decide: dCert, Meaning: "logged by a Java server: the connecting client refused this server's certificate"}),
	p("java", "alert-certificate-unknown", `Received fatal alert: (?:certificate_unknown|unknown_ca|certificate_expired)`,
		"the peer rejected a certificate: in a client's log the server refused the client certificate; in a server's log (often a proxy or Java server) the connecting client refused this server's chain",
		dClientCert, clientCert, untrusted, chainInc, selfSigned, expired, intercepted).onClient(clientCertRefused).onServer(serverChainRefused),
	p("java", "alert-unrecognized-name", `Received fatal alert: unrecognized_name|unrecognized_name`, "the server does not serve the SNI name sent", dClosed, sni, hostname),
	p("java", "alert-internal", `Received fatal alert: internal_error`, "the server hit an internal error", dAlert, alert, sni),
	p("java", "alert-other", `Received fatal alert: (?:illegal_parameter|decode_error|decrypt_error|insufficient_security|access_denied|bad_record_mac|unexpected_message|record_overflow)`,
		"the server rejected the handshake with an alert", dAlert, alert, cipher),
	p("java", "no-appropriate-protocol", `No appropriate protocol`,
		"this Java client's own configuration leaves no TLS version (or suite) it may offer: typically a driver or library pinned to TLSv1/TLSv1.1 on a JDK that disables them (8u291 and later): the fix is in the client, not the server",
		dNego, version, cipher).alone().
		fixing("enable TLS 1.2 in the client: set the driver's TLS setting (MySQL Connector/J: enabledTLSProtocols=TLSv1.2; or https.protocols / jdk.tls.client.protocols) or upgrade the driver; re-enabling TLSv1/1.1 in java.security is the insecure last resort"),
	p("java", "server-selected-old", `The server selected protocol version (?:TLS10|TLS11|SSL30|SSLv3|TLSv1|TLSv1\.1) is not accepted by client preferences`,
		"the server negotiated an old TLS version (1.0/1.1) that this Java client disables (jdk.tls.disabledAlgorithms): the server is behind", dNego, version).alone().
		fixing("enable TLS 1.2 (and 1.3) on the server (SQL Server: install the TLS 1.2 update); as a stopgap, remove TLSv1/TLSv1.1 from jdk.tls.disabledAlgorithms in the client's java.security"),
	p("java", "client-requested-protocol", `Client requested protocol \S+ not enabled or not supported`,
		"logged by a Java server: the connecting client offered a TLS version this server does not enable", dNego, version).alone().serverLog().fixing(versionFromClient.Fix),
	p("java", "bc-no-cipher", `found no selectable cipher suite`,
		"logged by a Bouncy Castle TLS server: none of the client's suites is one it may select (in FIPS mode only approved suites)", dNego, cipher).alone().serverLog(),
	p("java", "bc-handshake-failure", `TlsFatalAlert(?:Received)?: handshake_failure\(40\)`,
		"a Bouncy Castle TLS handshake ended with handshake_failure: no suite, group or version in common, or a needed SNI or client certificate", dNego, negoSet...),
	p("java", "no-cipher", `No negotiable cipher suite|no cipher suites in common`,
		"no cipher suite (or version) in common", dNego, cipher, version),
	p("java", "connection-reset", `java\.net\.SocketException: Connection reset`, "the connection was reset", dClosed, reset, closed, httpNone),
	p("java", "read-timed-out", `SocketTimeoutException: Read timed out`, "the server stopped answering: during the handshake or before the HTTP reply", dHTTP, hsTimeout, httpNone),
	p("java", "connect-timed-out", `SocketTimeoutException: connect timed out|ConnectTimeoutException`, "the TCP connection timed out", dNet, tcpTimeout).alone(),
	p("java", "server-key-exchange", `Cannot verify ECDH ServerKeyExchange signature|Signature verification failed`,
		"the server's ServerKeyExchange signature does not verify with its certificate's key: key and certificate do not match", dKey, keyMismatch).alone(),
	p("java", "general-sslengine", `General SSLEngine problem`, "Java's TLS engine failed; the cause that follows names why", dCert, certSet...).envelope(),
	p("java", "no-trusted-certificate", `No trusted certificate found`, "none of the server's certificates leads to a trusted root", dChain, untrusted, chainInc, selfSigned, intercepted),

	// Apache HttpClient and OkHttp.
	p("java", "illegal-hrr", `Illegal HelloRetryRequest selected group`,
		"the server's HelloRetryRequest asks for a group the client already sent a share for, or never offered (RFC 8446 4.1.4)", dMalformed, malformed).alone(),
	p("java", "improper-suite", `Server selected improper ciphersuite`,
		"the server chose a cipher suite the client did not offer: a server that breaks the protocol", dMalformed, malformed).alone(),
	p("java", "record-size", `Bad input record size, TLSCiphertext\.length`,
		"a record longer than TLS allows: bytes that are not TLS, or a server that breaks the limit", dNotTLS, malformed, notTLS),
	p("java", "critical-extension", `unrecognized critical extension`,
		"a certificate carries a critical extension Java does not know, so it refuses the certificate (RFC 5280 4.2)", dCert, certInvalid).alone(),
	p("java", "header-too-big", `ProtocolException: Header size too big`,
		"the reply's HTTP header block is larger than the client reads", dHTTP, httpBad).alone(),
	p("java", "invalid-http", `IOException: Invalid Http response`,
		"the reply after the handshake is not HTTP", dHTTP, httpBad, doubleTLS),
	p("java", "eof-from-server", `Unexpected end of file from server`,
		"the server closed after the handshake without an HTTP reply (or with TLS again, which Java reads as nothing)", dHTTP, httpNone, doubleTLS),
	p("java", "error-writing", `IOException: Error writing to server`,
		"the request could not be written after the handshake: in TLS 1.3 a server that refuses the client certificate (or its absence) closes just then", dClientCert, clientCert, reset, closed),
	env("apache-httpclient", "envelope", `org\.apache\.http\.|org\.apache\.hc\.|SSLConnectionSocketFactory`, "Apache HttpClient"),
	p("apache-httpclient", "host-name", `Host name '[^']*' does not match the certificate subject provided by the peer`,
		"the certificate does not cover the host name in the request URL", dName, hostname).alone(),
	p("apache-httpclient", "cert-for", `Certificate for <[^>]*> doesn't match any of the subject alternative names|doesn't match common name of the certificate subject`,
		"the certificate's names do not cover the host name in the request URL", dName, hostname, cnOnly).alone(),
	p("okhttp", "hostname-not-verified", `Hostname \S+ not verified`, "the certificate does not cover the host name (OkHttp's check)", dName, hostname, cnOnly).alone(),
	env("okhttp", "envelope", `okhttp3\.|com\.squareup\.okhttp`, "OkHttp"),

	// ---- Android.
	env("android", "envelope", `com\.android\.org\.conscrypt|org\.conscrypt\.|external/boringssl|ssl=0x[0-9a-f]+: |android\.`, "Android (Conscrypt / BoringSSL)"),
	ps("android", "trust-anchor", `Trust anchor for certification path not found`,
		"Android found no path to a trusted root; Android does not fetch missing intermediates, so a server without its intermediate fails here while browsers work",
		dChain, []cause.Code{chainInc, untrusted, selfSigned, intercepted}),
	p("android", "chain-validation", `Chain validation failed`, "Android's chain validation failed: most often an expired certificate or a device clock that is wrong", dDates, expired, notYet, revoked, untrusted),
	ps("android", "handshake-aborted", `SSL handshake aborted|SSL handshake terminated|SSLHandshakeException: Handshake failed|Failure in SSL library, usually a protocol error`,
		"the handshake failed inside Conscrypt; the BoringSSL reason that follows names why", dNego,
		[]cause.Code{version, cipher, sni, closed, reset, notTLS}).envelope(),
	p("android", "harmony-alert-handshake", `Fatal alert received handshake_failure`,
		"logged by Android's old Apache Harmony TLS provider (TLS 1.0 at most): the server aborted with handshake_failure, most often because it no longer accepts TLS 1.0 or SSL 3, or the old suites",
		dNego, version, cipher, sni, clientCert, alert),
	p("android", "harmony-alert-version", `Fatal alert received protocol_version`,
		"logged by Android's old Apache Harmony TLS provider (TLS 1.0 at most): the server refuses every version it offers", dNego, version).alone(),
	p("android", "not-valid-until", `Certificate not valid until .* \(compared to `, "the certificate is not valid yet by the device's clock (a clock at 1970 or hours behind)", dDates, notYet).alone(),
	p("android", "expired-at", `Certificate expired at .* \(compared to `, "the certificate has expired by the device's clock", dDates, expired).alone(),
	p("android", "connection-closed", `Connection closed by peer`, "the server closed during the handshake (old Android without SNI or TLS 1.2 is a common cause)", dClosed, closed, version, sni, cipher),

	// ---- Python.
	env("python", "envelope", `\('SSL routines', '|requests\.exceptions\.|urllib3\.exceptions\.|ssl\.SSLError|ssl\.SSLEOFError|ssl\.CertificateError|SSLCertVerificationError|SSLEOFError|_ssl\.c:\d+|HTTPSConnectionPool\(|aiohttp\.client_exceptions|httpx\.|pip\._vendor|There was a problem confirming the ssl certificate|Could not fetch URL https:|\d{3} Client Error: `,
		"Python (ssl module with OpenSSL; requests/urllib3/httpx/aiohttp/pip)"),
	p("python", "hostname-mismatch", `Hostname mismatch, certificate is not valid for|hostname '[^']*' doesn't match|CertificateError: hostname|Certificate did not match expected hostname`,
		"the certificate does not cover the host name", dName, hostname).alone(),
	p("python", "ip-mismatch", `IP address mismatch, certificate is not valid for`, "the client connected by IP and the certificate has no matching IP SAN", dName, hostname).alone(),
	p("python", "strict-x509", `Missing Authority Key Identifier|Basic Constraints of CA cert not marked critical|CA cert does not include key usage extension|Missing Subject Key Identifier`,
		"a certificate breaks a rule Python 3.13+ enforces by default (VERIFY_X509_STRICT): usually a home-made or inspection-proxy CA", dCert, certInvalid, intercepted),
	p("python", "eof-violation", `EOF occurred in violation of protocol`,
		"the connection ended during the handshake without a TLS alert (a proxy, a middlebox, or a server that needs SNI or another version)", dClosed, closedSet...),
	p("python", "handshake-timeout", `The handshake operation timed out|_ssl\.c:\d+: The handshake operation timed out`, "the TLS handshake did not finish in time", dNet, hsTimeout).alone(),
	p("python", "remote-disconnected", `RemoteDisconnected\('Remote end closed connection without response'\)|Remote end closed connection without response`,
		"the handshake finished but the server closed without an HTTP reply", dHTTP, httpNone).alone(),
	p("python", "bad-status-line", `BadStatusLine|http\.client\.BadStatusLine`, "the reply after the handshake is not HTTP", dHTTP, httpBad, doubleTLS),

	// ---- Node.js.
	p("python", "too-many-headers", `got more than 100 headers`,
		"the reply carries more header lines than Python's http.client reads (100)", dHTTP, httpBad).alone(),
	env("node", "envelope", `node:_tls_wrap|_tls_wrap\.js|TLSSocket\.|deps/openssl/openssl|code: '[A-Z_]+'|FetchError|AxiosError|UND_ERR_|node:internal|npm ERR!|npm error|write EPROTO|\b(?:SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_HAS_EXPIRED|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\b`, "Node.js (OpenSSL)"),
	p("node", "altname", `ERR_TLS_CERT_ALTNAME_INVALID|Hostname/IP does(?:n't| not) match certificate's altnames|is not in the cert's altnames|is not in the cert's list`,
		"the certificate does not cover the host name (or IP) requested", dName, hostname).alone(),
	p("node", "socket-disconnected", `Client network socket disconnected before secure TLS connection was established`,
		"the connection ended before the handshake finished: a server or proxy closing it, or one that needs SNI", dClosed, closedSet...),
	p("node", "leaf-signature", `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, "the server sent its certificate without the issuing intermediate (or the issuer is private)", dChain, chainInc, untrusted),

	// ---- .NET, PowerShell, Schannel.
	p("node", "header-overflow", `HPE_HEADER_OVERFLOW`,
		"the reply's HTTP header block is larger than Node reads", dHTTP, httpBad).alone(),
	p("node", "invalid-constant", `Expected HTTP/, RTSP/ or ICE/|HPE_INVALID_CONSTANT`,
		"the reply after the handshake is not HTTP: garbage, or TLS again inside the TLS connection", dHTTP, httpBad, doubleTLS),
	env("dotnet", "envelope", `System\.Net\.Http\.HttpRequestException|System\.Security\.Authentication\.AuthenticationException|The SSL connection could not be established|System\.Net\.WebException|SslStream|System\.Net\.Security|Interop\+OpenSsl|Interop\+Crypto|OpenSslCryptographicException|SSL Handshake failed with OpenSSL error`,
		".NET (SslStream: Schannel on Windows, OpenSSL on Linux)"),
	p("dotnet", "name-and-chain", `RemoteCertificateNameMismatch, RemoteCertificateChainErrors|RemoteCertificateChainErrors, RemoteCertificateNameMismatch`,
		"two faults at once: the certificate does not cover the host name, and its chain does not validate (an untrusted or self-signed root, or a missing intermediate)",
		dCert, hostname, untrusted, chainInc, selfSigned, intercepted, sni),
	env("powershell", "envelope", `Invoke-WebRequest|Invoke-RestMethod|PowerShell`, "PowerShell"),
	p("dotnet", "untrusted-root", `errors in the certificate chain: UntrustedRoot|UntrustedRoot`, "the chain ends at a root Windows/.NET does not trust: a private CA, a self-signed certificate, or a TLS inspection proxy", dChain, untrusted, selfSigned, intercepted, chainInc),
	p("dotnet", "partial-chain", `PartialChain`, "the chain could not be completed: an intermediate is missing (not sent, and not fetchable from AIA)", dChain, chainInc, untrusted).alone(),
	p("dotnet", "not-time-valid", `NotTimeValid`, "a certificate is outside its validity dates", dDates, expired, notYet),
	p("dotnet", "revocation-unknown", `RevocationStatusUnknown|OfflineRevocation`, "the client could not fetch revocation status (CRL/OCSP unreachable), which Schannel treats as failure; not necessarily revoked", dCert, revocUnav, intercepted, revoked),
	p("dotnet", "revoked", `certificate chain: (?:[A-Za-z]+, )*Revoked\b`, "a certificate is revoked", dCert, revoked).alone(),
	p("dotnet", "name-mismatch", `RemoteCertificateNameMismatch`, "the certificate does not cover the host name", dName, hostname).alone(),
	ps("dotnet", "chain-errors", `RemoteCertificateChainErrors|remote certificate is invalid according to the validation procedure|The remote certificate is invalid|remote certificate was rejected by the provided RemoteCertificateValidationCallback`,
		"the certificate failed .NET's validation; the chain status (UntrustedRoot, PartialChain, NotTimeValid) names why", dCert, certSet).weak(),
	ps("dotnet", "trust-relationship", `Could not establish trust relationship for the SSL/TLS secure channel`,
		"the .NET Framework rejected the server's certificate", dCert, certSet).weak(),
	p("dotnet", "secure-channel", `Could not create SSL/TLS secure channel|An unexpected error occurred on a send|The client and server cannot communicate, because they do not possess a common algorithm|SEC_E_ALGORITHM_MISMATCH|0x80090331`,
		"the handshake failed before any certificate check: the .NET Framework and Windows PowerShell 5 offer TLS 1.0 unless told otherwise, and old Windows lacks modern suites", dNego, version, cipher, clientCert, group),
	p("dotnet", "transport-closed", `Authentication failed because the remote party has closed the transport stream|Received an unexpected EOF or 0 bytes from the transport stream|remote party has closed`,
		"the server closed the connection during the handshake: most often no TLS version or suite in common", dClosed, version, closed, cipher, sni, reset),
	p("dotnet", "sql-prelogin", `error occurred during the pre-login handshake`,
		"SqlClient reached SQL Server but the TLS handshake inside its pre-login failed: on Linux most often an old SQL Server that speaks only TLS 1.0 or 1.1 against the system's OpenSSL minimum of TLS 1.2 (MinProtocol in openssl.cnf), or suites below its security level; with Encrypt on, also a server certificate the client refuses",
		"which TLS versions and suites the SQL Server accepts against the client's minimum (on Linux MinProtocol and CipherString in /etc/ssl/openssl.cnf); SQL Server speaks TLS inside its TDS pre-login, so test it from a client with TLS 1.0 allowed",
		version, cipher, untrusted, selfSigned, hostname, closed, reset),
	p("dotnet", "handshake-failure-alert", `sent a TLS alert: 'HandshakeFailure'|TLS alert: 'HandshakeFailure'`, "the server aborted with handshake_failure", dNego, negoSet...),
	p("dotnet", "invalid-token", `The message received was unexpected or badly formatted|SEC_E_ILLEGAL_MESSAGE|0x80090326|The token supplied to the function is invalid|SEC_E_INVALID_TOKEN|0x80090308`,
		"Schannel could not parse the server's reply: plain HTTP on the port, or a handshake it rejects", dNotTLS, notTLS, version, cipher, alert),
	p("schannel", "untrusted-root", `SEC_E_UNTRUSTED_ROOT|0x80090325|issued by an authority that is not trusted|CERT_E_UNTRUSTEDROOT|0x800B0109`,
		"the chain ends at a root Windows does not trust (or cannot be completed)", dChain, untrusted, chainInc, selfSigned, intercepted),
	p("schannel", "expired", `SEC_E_CERT_EXPIRED|0x80090328|CERT_E_EXPIRED|0x800B0101`, "a certificate is expired (or the clock is wrong)", dDates, expired, notYet).alone(),
	p("schannel", "name", `SEC_E_WRONG_PRINCIPAL|0x80090322|CERT_E_CN_NO_MATCH|0x800B010F|-2146762481|target principal name is incorrect|certificate.s CN name does not match the passed value`, "the certificate does not cover the host name", dName, hostname).alone(),
	p("schannel", "revocation", `CRYPT_E_NO_REVOCATION_CHECK|0x80092012|CRYPT_E_REVOCATION_OFFLINE|0x80092013|unable to check revocation`,
		"Schannel could not check revocation: the CRL/OCSP responder is unreachable, or a TLS inspection proxy's CA has none", dCert, revocUnav, intercepted),
	p("schannel", "revoked", `CRYPT_E_REVOKED|0x80092010`, "a certificate is revoked", dCert, revoked).alone(),
	p("schannel", "alert-code", `fatal alert was received from the remote endpoint|TLS protocol defined fatal alert code is \d+`,
		"the server sent a TLS alert (40 handshake failure, 70 protocol version, 42/48 certificate, 112 unrecognized name, 116 certificate required)", dNego, negoSet...),
	p("schannel", "alert-70", `fatal alert code is 70\b`, "the server refused the TLS version offered (alert 70, protocol_version)", dNego, version).alone(),
	p("schannel", "alert-cert", `fatal alert code is (?:42|46|48|116)\b`, "the server rejected the client certificate or its absence (alert 42/46/48/116)", dClientCert, clientCert).alone(),
	p("schannel", "no-common-cipher", `none of the cipher suites supported by the client application are supported by the server|(?:event ?id|schannel)[^\n]{0,20}?\b36874\b`, "no cipher suite in common", dNego, cipher).alone(),
	p("schannel", "credential", `fatal error occurred while creating a TLS client credential|internal error state is 10013`,
		"Windows could not build a client credential: the TLS versions or suites the client needs are disabled in the registry", dNego, version, cipher).alone(),

	// ---- Browsers.
	ps("chrome", "authority-invalid", `ERR_CERT_AUTHORITY_INVALID`, "Chrome does not trust the certificate's issuer: a private CA, a self-signed certificate, or an inspection proxy (Chrome fetches missing intermediates, so it rarely means one)",
		dChain, []cause.Code{untrusted, selfSigned, intercepted, chainInc}),
	p("chrome", "common-name-invalid", `ERR_CERT_COMMON_NAME_INVALID`, "the certificate's SANs do not cover the address (Chrome ignores the CN since 58)", dName, hostname, cnOnly),
	p("chrome", "date-invalid", `ERR_CERT_DATE_INVALID`, "a certificate is expired or not yet valid (check the device clock)", dDates, expired, notYet),
	p("chrome", "weak-signature", `ERR_CERT_WEAK_SIGNATURE_ALGORITHM`, "a certificate is signed with SHA-1 or MD5", dWeak, weakSig).alone(),
	p("chrome", "weak-key", `ERR_CERT_WEAK_KEY|ERR_SSL_WEAK_SERVER_EPHEMERAL_DH_KEY`, "a key (certificate or DH) is too small", dWeak, weakKey).alone(),
	p("chrome", "revoked", `ERR_CERT_REVOKED`, "the certificate is revoked", dCert, revoked).alone(),
	p("chrome", "invalid", `ERR_CERT_INVALID|ERR_CERT_VALIDITY_TOO_LONG|ERR_CERT_NAME_CONSTRAINT_VIOLATION|ERR_SSL_SERVER_CERT_BAD_FORMAT`,
		"the certificate is malformed or breaks a rule Chrome enforces (validity too long, name constraints); anti-virus products re-signing TLS often produce such certificates; Chromium says the same of a leaf without serverAuth and of SHA-1 signatures", dCert, certInvalid, intercepted, keyUsage, weakSig),
	p("chrome", "could-not-prove-expired", `could not prove that it is \S+; its security certificate expired`,
		"Chrome's interstitial for an expired certificate (NET::ERR_CERT_DATE_INVALID); it also shows the device's clock, which matters when the certificate only looks expired", dDates, expired).alone(),
	p("chrome", "could-not-prove-not-yet", `could not prove that it is \S+; its security certificate is not yet valid|its security certificate is from the future`,
		"Chrome's interstitial for a certificate not valid yet, usually a device clock that is behind", dDates, notYet).alone(),
	p("chrome", "could-not-prove-trust", `could not prove that it is \S+; its security certificate is not trusted`,
		"Chrome's interstitial for an untrusted certificate (NET::ERR_CERT_AUTHORITY_INVALID)", dChain, untrusted, selfSigned, intercepted, chainInc),
	p("chrome", "could-not-prove", `could not prove that it is \S+; its security certificate is from`,
		"Chrome's interstitial for a certificate issued to another name (ERR_CERT_COMMON_NAME_INVALID)", dName, hostname, intercepted),
	p("chrome", "key-usage", `ERR_SSL_KEY_USAGE_INCOMPATIBLE`, "the certificate's key usage does not fit the negotiated cipher suite", dCert, keyUsage).alone(),
	p("chrome", "version-or-cipher", `ERR_SSL_VERSION_OR_CIPHER_MISMATCH|ERR_SSL_OBSOLETE_VERSION`,
		"Chrome and the server share no TLS version or cipher suite (TLS 1.0/1.1-only servers land here; so does a CDN with no certificate for the name)", dNego, version, cipher, group, sni),
	p("chrome", "protocol-error", `ERR_SSL_PROTOCOL_ERROR`, "the handshake broke: the reply is not TLS, the server closed or sent an alert, or its messages broke the protocol (a certificate message too large, a signature that does not verify)", dNotTLS, notTLS, closed, alert, clientCert, version, malformed, tooLarge, keyMismatch),
	p("chrome", "client-auth", `ERR_BAD_SSL_CLIENT_AUTH_CERT|ERR_SSL_CLIENT_AUTH_CERT_NEEDED`, "the server requires (or rejected) a client certificate", dClientCert, clientCert).alone(),
	p("chrome", "connection-reset", `ERR_CONNECTION_RESET`, "the connection was reset, during the handshake or instead of the reply", dClosed, reset, closed, intercepted, httpNone),
	p("chrome", "headers-too-big", `ERR_RESPONSE_HEADERS_TOO_BIG`, "the reply's header block is larger than Chromium reads", dHTTP, httpBad).alone(),
	p("chrome", "headers-truncated", `ERR_RESPONSE_HEADERS_TRUNCATED`, "the reply ended inside its headers, or was not HTTP (TLS again inside TLS)", dHTTP, httpBad, doubleTLS, httpNone),
	p("chrome", "connection-closed", `ERR_CONNECTION_CLOSED`, "the server closed the connection", dClosed, closed, sni, httpNone),
	p("chrome", "socket-not-connected", `ERR_SOCKET_NOT_CONNECTED`,
		"the connection was gone when Chromium wrote or read: in TLS 1.3 a server that refuses the client certificate (or its absence) says so after the handshake, and the next write fails", dClientCert, clientCert, reset, closed),
	p("chrome", "connection-refused", `ERR_CONNECTION_REFUSED`, "nothing listens on the port", dNet, refused).alone(),
	p("chrome", "timed-out", `ERR_CONNECTION_TIMED_OUT|ERR_TIMED_OUT`, "the connection timed out", dNet, tcpTimeout, hsTimeout),
	p("chrome", "name-not-resolved", `ERR_NAME_NOT_RESOLVED`, "the name does not resolve", dNet, dnsFail).alone(),
	p("chrome", "unreachable", `ERR_ADDRESS_UNREACHABLE`, "no route to the server", dNet, unreachable).alone(),
	p("chrome", "unrecognized-name", `ERR_SSL_UNRECOGNIZED_NAME_ALERT`, "the server does not serve the name sent as SNI", dClosed, sni, hostname).alone(),
	p("chrome", "empty-response", `ERR_EMPTY_RESPONSE`, "the server closed without an HTTP reply", dHTTP, httpNone).alone(),
	p("chrome", "invalid-response", `ERR_INVALID_HTTP_RESPONSE|ERR_HTTP2_PROTOCOL_ERROR`, "the reply after the handshake is not valid HTTP", dHTTP, httpBad),
	p("firefox", "unknown-issuer", `SEC_ERROR_UNKNOWN_ISSUER`, "Firefox does not know the issuer: a private CA, an inspection proxy, or a private intermediate not sent (Firefox preloads public intermediates)", dChain, untrusted, chainInc, intercepted),
	p("firefox", "self-signed", `MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT|SEC_ERROR_UNTRUSTED_ISSUER|SEC_ERROR_CA_CERT_INVALID`, "the certificate is self-signed (or its issuer is not a CA)", dChain, selfSigned, untrusted, keyUsage).alone(),
	p("firefox", "expired", `SEC_ERROR_EXPIRED_CERTIFICATE|SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE`, "a certificate has expired (or the clock is wrong)", dDates, expired).alone(),
	p("firefox", "not-yet-valid", `MOZILLA_PKIX_ERROR_NOT_YET_VALID_CERTIFICATE|MOZILLA_PKIX_ERROR_NOT_YET_VALID_ISSUER_CERTIFICATE`, "a certificate is not valid yet", dDates, notYet).alone(),
	p("firefox", "bad-domain", `SSL_ERROR_BAD_CERT_DOMAIN`, "the certificate does not cover the address", dName, hostname).alone(),
	p("firefox", "no-cypher-overlap", `SSL_ERROR_NO_CYPHER_OVERLAP`, "no cipher suite in common", dNego, cipher, version, group),
	p("firefox", "unsupported-version", `SSL_ERROR_UNSUPPORTED_VERSION|SSL_ERROR_PROTOCOL_VERSION_ALERT`, "no TLS version in common", dNego, version).alone(),
	p("firefox", "record-too-long", `SSL_ERROR_RX_RECORD_TOO_LONG`, "the reply is not TLS: usually plain HTTP on the HTTPS port", dNotTLS, notTLS).alone(),
	p("firefox", "handshake-alert", `SSL_ERROR_HANDSHAKE_FAILURE_ALERT`, "the server aborted with handshake_failure", dNego, negoSet...),
	p("firefox", "client-cert", `SSL_ERROR_BAD_CERT_ALERT|SSL_ERROR_RX_CERTIFICATE_REQUIRED_ALERT|SSL_ERROR_HANDSHAKE_UNEXPECTED_ALERT`, "the server wanted (or refused) a client certificate", dClientCert, clientCert),
	p("firefox", "mitm", `MOZILLA_PKIX_ERROR_MITM_DETECTED`, "a TLS inspection product re-signed the connection", dChain, intercepted).alone(),
	p("firefox", "weak", `SEC_ERROR_CERT_SIGNATURE_ALGORITHM_DISABLED|MOZILLA_PKIX_ERROR_INADEQUATE_KEY_SIZE|SSL_ERROR_WEAK_SERVER_EPHEMERAL_DH_KEY|SSL_ERROR_WEAK_SERVER_CERT_KEY`, "a weak signature algorithm or key", dWeak, weakSig, weakKey),
	p("firefox", "revoked", `SEC_ERROR_REVOKED_CERTIFICATE`, "the certificate is revoked", dCert, revoked).alone(),
	p("firefox", "ocsp", `SEC_ERROR_OCSP_`, "an OCSP check failed", dCert, revoked),
	p("firefox", "key-usage", `SEC_ERROR_INADEQUATE_KEY_USAGE|SEC_ERROR_INADEQUATE_CERT_TYPE`, "the key usage does not allow TLS server authentication", dCert, keyUsage).alone(),
	p("firefox", "reset", `PR_CONNECT_RESET_ERROR`, "the connection was reset", dClosed, reset, closed, intercepted),
	p("firefox", "eof", `PR_END_OF_FILE_ERROR`, "the connection ended during the handshake", dClosed, closed, intercepted, sni, version),
	p("firefox", "unrecognized-name", `SSL_ERROR_UNRECOGNIZED_NAME_ALERT`, "the server does not serve the SNI name", dClosed, sni).alone(),
	// ---- Apple: Safari, and apps on iOS/macOS (URL Loading System over
	// Secure Transport / Network.framework). NSURLErrorDomain codes name the
	// class; the kCFStreamErrorDomainSSL code after _kCFStreamErrorCodeKey
	// (errSSL* of SecureTransport.h) names the reason.
	env("safari", "envelope", `An SSL error has occurred|NSURLErrorDomain|kCFStreamErrorDomainSSL|kCFErrorDomainCFNetwork|_kCFStreamErrorCodeKey|NSURLSession/NSURLConnection|TIC TCP Conn Failed|SecTrustEvaluate`,
		"Apple's URL Loading System (iOS, macOS apps, Safari)"),
	p("safari", "untrusted", `NSURLErrorServerCertificateUntrusted|Code=-1202\b|certificate for this server is invalid|pretending to be|kCFErrorDomainCFNetwork error -1202`,
		"Apple's validation rejected the certificate: untrusted or private CA, missing intermediate, wrong name, or expired; Safari adds Apple's own rules (825 days, SCTs)",
		dCert, untrusted, chainInc, hostname, expired, selfSigned, certInvalid, intercepted),
	p("safari", "secure-connection-failed", `NSURLErrorSecureConnectionFailed|Code=-1200\b|An SSL error has occurred and a secure connection to the server cannot be made|Safari can.t establish a secure connection`,
		"the TLS connection failed; the _kCFStreamErrorCodeKey (an errSSL code) says why. App Transport Security also requires TLS 1.2+, forward secrecy and a SHA-256 certificate",
		dNego, version, cipher, closed, sni, clientCert, untrusted).envelope(),
	p("safari", "bad-date", `NSURLErrorServerCertificateHasBadDate|Code=-1201\b`, "a certificate is expired (or the device's clock is ahead)", dDates, expired, notYet),
	p("safari", "not-yet-valid", `NSURLErrorServerCertificateNotYetValid|ServerCertificateNotYetValid|Code=-1204\b`, "a certificate is not valid yet (or the device's clock is behind)", dDates, notYet).alone(),
	p("safari", "unknown-root", `NSURLErrorServerCertificateHasUnknownRoot|Code=-1203\b`, "the chain ends at an unknown root", dChain, untrusted, selfSigned),
	p("safari", "client-cert-rejected", `NSURLErrorClientCertificateRejected|Code=-1205\b|NSURLErrorClientCertificateRequired|Code=-1206\b`,
		"the server rejected (-1205) or required (-1206) a client certificate (mutual TLS)", dClientCert, clientCert).alone(),
	p("safari", "sectrust", `errSSLXCertChainInvalid|[=(: ]-9807\b|errSSLNoRootCert|[=(: ]-9813\b`, "the chain is invalid or has no trusted root", dChain, chainInc, untrusted, selfSigned),
	p("safari", "unknown-root-cert", `errSSLUnknownRootCert|[=(: ]-9812\b`, "the chain is valid but ends at a root the device does not trust", dChain, untrusted, selfSigned, intercepted),
	p("safari", "sectrust-expired", `errSSLCertExpired|[=(: ]-9814\b`, "a certificate has expired", dDates, expired).alone(),
	p("safari", "sectrust-not-yet", `errSSLCertNotYetValid|[=(: ]-9815\b`, "a certificate is not valid yet (or the device's clock is behind)", dDates, notYet).alone(),
	p("safari", "host-name-mismatch", `errSSLHostNameMismatch|[=(: ]-9843\b`, "the certificate does not cover the host name", dName, hostname).alone(),
	p("safari", "peer-version", `errSSLPeerProtocolVersion|[=(: ]-9836\b|errSSLATSMinimumVersionViolation|[=(: ]-9881\b`,
		"the server refused the TLS version, or offers only one below what App Transport Security allows (TLS 1.2)", dNego, version).alone(),
	p("safari", "peer-handshake", `errSSLPeerHandshakeFail|[=(: ]-9824\b|errSSLHandshakeFail|[=(: ]-9858\b|errSSLProtocol\b|[=(: ]-9800\b|errSSLNegotiation|[=(: ]-9801\b`,
		"the server aborted the handshake (handshake_failure) or the two sides found nothing in common", dNego, version, cipher, sni, clientCert, alert),
	p("safari", "fatal-alert", `errSSLFatalAlert|[=(: ]-9802\b`,
		"the connection was aborted by a fatal alert; on iOS this is also how App Transport Security refuses a server below its bar (TLS 1.2, forward-secret suites, SHA-256 certificates of 2048-bit RSA or 256-bit ECC)",
		dNego, version, cipher, weakSig, weakKey, alert),
	p("safari", "closed", `errSSLClosedAbort|[=(: ]-9806\b|errSSLClosedNoNotify|[=(: ]-9816\b|errSSLTransportReset|[=(: ]-9852\b|errSSLConnectionRefused|[=(: ]-9844\b`,
		"the server (or a middlebox) closed or reset the connection during the handshake without an alert; a server that wants a client certificate it did not get (or does not accept) may abort the same way", dClosed, closed, sni, version, reset, intercepted, clientCert),
	p("safari", "peer-cert", `errSSLPeerBadCert|[=(: ]-9825\b|errSSLPeerUnknownCA|[=(: ]-9831\b|errSSLPeerCertUnknown|[=(: ]-9829\b|errSSLPeerCertExpired|[=(: ]-9828\b|errSSLCertificateRequired|[=(: ]-9863\b`,
		"the server refused this client's certificate, or required one (mutual TLS)", dClientCert, clientCert).alone(),
	p("safari", "weak-dh", `errSSLWeakPeerEphemeralDHKey|[=(: ]-9850\b|errSSLATSMinimumKeySizeViolation|[=(: ]-9883\b`, "a key (DH or certificate) is smaller than the device accepts", dWeak, weakKey).alone(),
	p("safari", "ats-cipher", `errSSLATSCiphersuiteViolation|[=(: ]-9882\b`, "the negotiated suite is not forward-secret AEAD as App Transport Security requires", dNego, cipher).alone(),
	p("safari", "ats-hash", `errSSLATSLeafCertificateHashAlgorithmViolation|errSSLATSCertificateHashAlgorithmViolation|[=(: ]-988[45]\b`, "a certificate is signed with SHA-1 or weaker, which App Transport Security refuses", dWeak, weakSig).alone(),
	p("safari", "ats-trust", `errSSLATSCertificateTrustViolation|[=(: ]-9886\b`, "the certificate is not issued by a trusted CA", dChain, untrusted, selfSigned, chainInc, intercepted),
	p("safari", "ats", `errSSLATSViolation|[=(: ]-9880\b|App Transport Security policy requires the use of a secure connection`,
		"App Transport Security refused the connection: TLS below 1.2, a suite without forward secrecy, or a certificate below its bar (or plain http://)", dNego, version, cipher, weakSig, weakKey, notTLS),
	p("safari", "network-timeout", `errSSLNetworkTimeout|[=(: ]-9853\b`, "the handshake timed out", dNet, hsTimeout),
	p("safari", "unrecognized-name", `errSSLUnrecognizedName|[=(: ]-9865\b`, "the server does not serve the name sent as SNI", dClosed, sni, hostname),
	p("safari", "not-private", `This Connection Is Not Private`, "Safari rejected the certificate", dCert, certSet...).weak(),
	p("chrome", "not-private", `Your connection is not private`, "the browser rejected the certificate; the NET::ERR_ code under it names why", dCert, certSet...).weak(),

	// ---- nginx.
	env("nginx", "downstream", `while SSL handshaking, client: |client sent plain HTTP request to HTTPS port|client SSL certificate verify error`, "nginx's error log about its own listener, not an upstream").serverLog(),
	env("nginx", "do-handshake", `SSL_do_handshake\(\) failed \(SSL: |SSL_read\(\) failed \(SSL: |SSL_write\(\) failed \(SSL: `, "nginx (or OpenResty, APISIX, Kong) error log"),
	marker("nginx", "downstream-cut", `while SSL handshaking\s*$|while SSL handshaking,|while reading client request headers`, SideServer),
	env("nginx", "upstream", `while SSL handshaking to (?:upstream|fetch target)|upstream SSL certificate|js http fetch`, "nginx's error log for a proxy_pass https:// upstream (the client got 502)"),
	p("nginx", "verify-error", `SSL certificate verify error: \(\d+:[^)]*\)`,
		"nginx (proxy_ssl_verify on) rejected the upstream's certificate; the OpenSSL verify result in brackets says why", dCert, certSet...).envelope().asProfile("nginx-proxy-verify"),
	p("nginx", "does-not-match", `upstream SSL certificate does not match "[^"]*"`,
		"the upstream's certificate does not cover proxy_ssl_name (the proxy_pass host by default); nginx sends no SNI unless proxy_ssl_server_name on, so an upstream that serves several names may have sent its default certificate",
		dName, hostname, sni, cnOnly).asProfile("nginx-proxy-verify"),
	p("nginx", "peer-closed", `peer closed connection in SSL handshake`,
		"the upstream closed during the handshake; nginx sends no SNI unless proxy_ssl_server_name on, and SNI-routed upstreams close on that",
		dClosed, sni, closed, version, cipher, reset).
		onServer(View{Causes: []cause.Code{selfSigned, untrusted, chainInc, hostname, expired, closed, version},
			Meaning: "logged by nginx about a connecting client that closed during the handshake: a browser or client that does not accept this server's certificate closes like this, and so do health checks and scanners",
			Decide:  dCert}),
	p("nginx", "reset-handshaking", `Connection reset by peer\) while SSL handshaking to upstream`,
		"the upstream reset the connection during the handshake (nginx sends no SNI by default)", dClosed, reset, sni, closed),
	p("nginx", "timeout-handshaking", `timed out\) while SSL handshaking to upstream|upstream timed out .* while SSL handshaking`, "the upstream never finished the handshake", dNet, hsTimeout),
	p("nginx", "connect-refused", `connect\(\) failed \(111: Connection refused\) while connecting to upstream`, "nothing listens on the upstream port", dNet, refused).alone(),
	p("nginx", "connect-timeout", `upstream timed out \(110: Connection timed out\) while connecting to upstream`, "the upstream port does not answer: a firewall drops the SYN", dNet, tcpTimeout).alone(),
	p("nginx", "prematurely-closed", `upstream prematurely closed connection while reading response header from upstream`, "the upstream closed after the handshake without an HTTP reply", dHTTP, httpNone).alone(),
	p("nginx", "too-big-header", `upstream sent too big header while reading response header from upstream`,
		"the upstream's header block is larger than proxy_buffer_size", dHTTP, httpBad).alone().
		fixing("shorten the upstream's headers, or raise proxy_buffer_size (and proxy_buffers) in nginx"),
	p("nginx", "invalid-header", `upstream sent (?:invalid header|no valid HTTP/1\.0 header|invalid status)`, "the upstream's reply is not valid HTTP: garbage, or TLS again inside the TLS connection (an upstream that expects TLS twice)", dHTTP, httpBad, doubleTLS),
	p("nginx", "plain-http-to-https", `The plain HTTP request was sent to HTTPS port|client sent plain HTTP request to HTTPS port`,
		"a client spoke plain HTTP to a TLS port (e.g. an AWS HTTP API private integration without tlsConfig.serverNameToVerify)", dNotTLS, notTLS).alone(),
	p("nginx", "no-trusted-certificate", `no proxy_ssl_trusted_certificate for proxy_ssl_verify`, "proxy_ssl_verify on needs proxy_ssl_trusted_certificate: nginx trusts no CA by default", dChain, untrusted).alone(),

	// ---- Envoy / Istio.
	env("envoy", "upstream-connect", `upstream connect error or disconnect/reset before headers|transport failure reason|TLS_error:|TLS error: \d+:SSL routines`, "Envoy (Istio sidecar, gateway) could not get a response from the upstream; the client got 503",
		refused, reset, closed, tcpTimeout, expired, untrusted, chainInc, hostname, notTLS, version, cipher, clientCert, revoked).deciding(dNet + "; then " + dCert),
	p("envoy", "connection-failure", `reset reason: (?:remote |local )?connection failure`,
		"Envoy could not connect to the upstream (the transport failure reason, when logged, says why)", dNet, refused, tcpTimeout, reset, closed, notTLS).envelope(),
	p("envoy", "delayed-connect", `delayed connect error: 111`, "nothing listens on the upstream's port", dNet, refused).alone(),
	p("envoy", "delayed-connect-other", `delayed connect error: (?:110|113|101)`, "the upstream's address does not answer or cannot be reached", dNet, tcpTimeout, unreachable),
	p("envoy", "connection-termination", `reset reason: connection termination`, "the upstream closed the connection (often an idle-timeout race or plaintext/TLS confusion)", dClosed, closed, httpNone, notTLS),
	p("envoy", "verify-san", `verify cert failed: SAN matcher|SAN matcher|fail_verify_san`, "the upstream's certificate SANs do not match the configured subject alt names", dName, hostname).alone(),
	p("envoy", "verify-cert-failed", `verify cert failed: X509_verify_cert: certificate verification error at depth \d+: `, "Envoy rejected the upstream's chain; the OpenSSL reason follows", dCert, certSet...).envelope(),
	p("envoy", "sds", `Secret is not supplied by SDS`, "the sidecar has no certificate yet for mutual TLS (SDS has not delivered it)", dClientCert, clientCert),
	p("envoy", "no-filter-chain", `filter_chain_not_found|no matching filter chain found`,
		"logged by an Envoy listener about a connecting client: no filter chain matched the connection, most often because the client sent no SNI (requested_server_name \"-\") or a name no chain lists; load balancers that re-encrypt to their targets (AWS ALB) send no SNI",
		dClosed, sni, closed, notTLS).serverLog().
		fixing("make the listener accept connections without SNI (a filter chain with no server_names, or no hostname on the Gateway listener), or make the client send the name the chain lists"),

	// ---- HAProxy.
	env("haproxy", "envelope", `Layer[4-7] (?:invalid response|timeout|connection problem)|haproxy\[\d+\]|is DOWN, reason:|OpenSSL error ?\[?0x[0-9a-f]+\]? ?:? [a-z0-9_]+: `, "HAProxy (logs and health checks)"),
	ps("haproxy", "handshake-failure", `SSL handshake failure`, "HAProxy's handshake to the server failed; a reason in brackets, when logged, says why", dNego,
		[]cause.Code{chainInc, untrusted, hostname, expired, version, cipher, sni, clientCert, closed}).weak().
		onServer(View{Causes: []cause.Code{version, cipher, closed, untrusted, selfSigned, clientCert},
			Meaning: "logged by HAProxy's frontend about a connecting client: an old client or bot with no version or suite in common (HAProxy 2.8+ logs the OpenSSL reason), a client that refused this certificate, or one that closed early"}),
	marker("haproxy", "frontend", `[^\s"/]+/[^\s"/:]+: (?:SSL handshake failure|Connection closed during SSL handshake|Timeout during SSL handshake|SSL client)`, SideServer),
	p("haproxy", "client-ca", `SSL client CA chain cannot be verified|SSL client certificate not trusted`,
		"logged by HAProxy's frontend (verify required): the client's certificate does not chain to the ca-file of the bind line", dClientCert, clientCert).alone().serverLog().
		fixing("give the client a certificate issued by a CA in the bind line's ca-file, or add its issuer there"),
	p("haproxy", "closed-during", `Connection closed during SSL handshake`, "the server closed during the handshake (before 3.3 HAProxy sends no SNI unless 'sni' is set)", dClosed, closed, sni, version, cipher).
		onServer(View{Causes: []cause.Code{closed, selfSigned, untrusted, version, cipher}, Meaning: "logged by HAProxy's frontend: the connecting client closed during the handshake (it refused the certificate, found nothing in common, or gave up)"}),
	p("haproxy", "error-during", `Connection error during SSL handshake`, "a socket error (reset) during the handshake", dClosed, reset, closed, sni),
	// HAProxy's termination state (its log's "session state at disconnection");
	// messages are read without case, so "sC" (a timeout) and "SC" (a
	// refusal, or any handshake failure) cannot be told apart and are not read.
	p("haproxy", "state-PH", `\b502 PH--`,
		"HAProxy's termination state PH: HAProxy rejected the server's reply headers (not HTTP, or too large)", dHTTP, httpBad, doubleTLS),
	p("haproxy", "state-SH", `\b502 SH--`,
		"HAProxy's termination state SH: the server ended the connection after the handshake before its reply headers (closed, reset, or a TLS 1.3 alert such as certificate_required)", dHTTP, httpNone, clientCert),
	p("haproxy", "timeout-during", `Timeout during SSL handshake|Layer6 timeout`, "the server never finished the handshake", dNet, hsTimeout),
	p("haproxy", "different-certificate", `Server presented an SSL certificate different from the (?:expected|configured) one`, "the server's certificate does not match the name HAProxy checks (verifyhost or SNI)", dName, hostname),
	p("haproxy", "no-ca-file", `verify is enabled by default but no CA file specified`, "HAProxy verifies servers by default and has no CA file to verify with", dChain, untrusted).alone(),
	p("haproxy", "layer4", `Layer4 connection problem`, "TCP connection to the server failed", dNet, refused, tcpTimeout, unreachable),

	// ---- Traefik (Go).
	env("traefik", "envelope", `\d{3} [A-Za-z ]+' caused by: |traefik|serversTransport`, "Traefik (Go crypto/tls); the client got 500/502"),

	// ---- Apache APISIX (OpenResty: nginx's error log, plus its own Lua messages).
	env("apisix", "envelope", `apisix|failed to match any SSL certificate by SNI|ssl_client_hello_by_lua|ssl_certificate_by_lua`, "Apache APISIX (OpenResty / nginx)"),
	p("apisix", "no-sni-certificate", `failed to match any SSL certificate by SNI`,
		"logged by APISIX: the client asked (SNI) for a name that no SSL object covers, or sent no SNI at all", dClosed, sni, hostname).serverLog().
		fixing("create an APISIX SSL object whose snis cover the name the client sends (or make the client send SNI)"),

	// ---- Kubernetes, Docker, containerd (Go x509 texts inside).
	env("kubernetes", "kubectl", `Unable to connect to the server: |kubelet|kube-apiserver|failed calling webhook|admission webhook|Error from server|kubeadm|etcd`, "Kubernetes (Go crypto/tls)"),
	marker("kubernetes", "apiserver-authn", `Unable to authenticate the request due to an error|authentication\.go:\d+\]`, SideServer),
	env("kubernetes", "docker", `Error response from daemon: |docker login|docker pull|containerd|failed to do request: |failed to resolve reference|x509: certificate signed by unknown authority \(possibly because of "crypto/rsa|ImagePullBackOff|ErrImagePull`, "Docker / containerd registry client (Go crypto/tls)"),

	// ---- AWS API Gateway (REST: Java + Apache HttpClient).
	env("aws-apigw", "execution-failed", `Execution failed due to configuration error: |Execution failed due to|Method completed with status: 5\d\d|Endpoint request URI: `,
		"AWS API Gateway's execution log: the integration call to the back end failed and the client got HTTP 500"),
	p("aws-apigw", "internal-error-config", `Execution failed due to configuration error: There was an internal error while executing your request`,
		"API Gateway could not reach the back end through the VPC link: the load balancer or target does not accept the connection", dNet, refused, tcpTimeout, reset, notTLS),
	p("aws-apigw", "internal-error", `Execution failed due to an internal error`, "the target reset the connection (a keep-alive timeout shorter than the load balancer's)", dClosed, reset, httpNone),
	p("aws-apigw", "timeout", `Execution failed due to a timeout error`, "the back end did not answer in time (29 s integration limit)", dNet, tcpTimeout, hsTimeout, httpNone),
	p("aws-apigw", "protocol-version", `Not a valid protocol version`,
		"the back end's reply after the handshake is not HTTP: often TLS spoken twice (a TLS listener in front of a TLS target) or a non-HTTP service", dHTTP, doubleTLS, httpBad),
	p("aws-apigw", "vpc-link", `Execution failed due to a VPC link error`, "a transient VPC link failure; frequent ones point at the load balancer or target", dNet, reset, tcpTimeout, refused),

	// ---- OCI API Gateway.
	env("oci-apigw", "request-error", `httpBackend\.requestError|An error occurred whilst sending request to`, "OCI API Gateway's execution log: the call to the HTTPS back end failed"),
	ps("oci-apigw", "handshake-failed", `An error occurred whilst sending request to \S+: HANDSHAKE_FAILED|\bHANDSHAKE_FAILED`,
		"the gateway's TLS handshake with the back end failed before any HTTP was sent: an expired or incomplete chain, a CA missing from the gateway's trust store, a wrong name, or TLS settings the gateway does not accept",
		dCert, gatewaySet),
	p("oci-apigw", "connect", `An error occurred whilst sending request to \S+: (?:CONNECTION_REFUSED|CONNECT_TIMEOUT|CONNECTION_TIMEOUT|NAME_RESOLUTION_FAILED|UNKNOWN_HOST)`,
		"the gateway could not connect to the back end", dNet, refused, tcpTimeout, dnsFail),

	// ---- Azure Application Gateway (backend health, 502).
	env("azure-appgw", "envelope", `Application Gateway|Backend health|backend server certificate|Microsoft-Azure-Application-Gateway`, "Azure Application Gateway's backend health / access log (the client got 502)"),
	p("azure-appgw", "dates", `Current date is not within the "Valid from" and "Valid to" date range`, "the backend's certificate is expired or not yet valid", dDates, expired, notYet),
	p("azure-appgw", "intermediate-missing", `[Ii]ntermediate certificate (?:is |was )?(?:missing|not found)`,
		"the backend does not send its intermediate certificate (a self-signed certificate that is not a CA gives the same message)", dChain, chainInc, selfSigned),
	p("azure-appgw", "not-well-known", `(?:isn't|is not|wasn't) (?:signed|issued) by a (?:well-known|publicly known)|certificate[^\n]{0,40}?(?:isn't|is not|not) (?:whitelisted|allow-listed|allowlisted)`,
		"the backend's certificate is not one the gateway trusts: a private CA with no trusted root uploaded, or (without SNI) the backend's default certificate instead of the right one", dChain, untrusted, sni, chainInc),
	p("azure-appgw", "root-mismatch", `root certificate of the server certificate used by the backend (?:doesn't|does not) match the trusted root|trusted root certificate mismatch`,
		"the uploaded trusted root is not the root of the backend's chain (an intermediate uploaded, or another CA)", dChain, untrusted, chainInc).alone(),
	p("azure-appgw", "cn-mismatch", `Common Name (?:\(CN\) )?of the (?:leaf|backend)[^.]*?(?:doesn't|does not) match|\bCN mismatch`,
		"the backend certificate does not cover the host name in the HTTP setting or probe", dName, hostname).alone(),
	p("azure-appgw", "leaf-missing", `Leaf certificate is missing from the certificate chain`,
		"the backend sends its CA certificates but not its own (leaf) certificate", dCert, certInvalid, chainInc).alone(),
	p("azure-appgw", "leaf-not-topmost", `Leaf certificate is not the topmost certificate in the chain`,
		"the backend sends its chain out of order: its own certificate must come first", dCert, certInvalid).alone(),
	p("azure-appgw", "intermediate-not-signed-uploaded", `Intermediate certificate not signed by any Root certificates uploaded`,
		"the intermediate the backend sends is not signed by any root uploaded to the gateway: a private CA whose root is not uploaded (or another one)", dChain, untrusted, chainInc).alone(),
	p("azure-appgw", "cn-v1", `Common Name \(CN\) of the backend certificate doesn.t match`,
		"the backend pool target's name is not the certificate's common name (v1 SKU)", dName, hostname).alone(),
	p("azure-appgw", "leaf-topmost", `[Ll]eaf must be topmost|leaf (?:or server )?certificate (?:was )?not found`,
		"the backend sends its chain in the wrong order, or without its own certificate", dChain, certInvalid, chainInc),
	ps("azure-appgw", "could-not-verify", `validity of the backend certificate could not be verified`, "Application Gateway could not verify the backend certificate; the OpenSSL error code it names says why", dCert, certSet).weak(),

	// ---- git, wget, PostgreSQL, MySQL.
	env("git", "unable-to-access", `fatal: unable to access '|git clone|git fetch|git pull|git push|RPC failed`, "git (libcurl)"),
	env("wget", "envelope", `ERROR: cannot verify|wget:|Connecting to [^\s]+ \([^)]*\)\||ERROR: The certificate of `, "wget"),
	// wget on GnuTLS prints "is not trusted", then a line that says why.
	p("wget", "not-trusted", `ERROR: The certificate of [^\s]+ is not trusted`, "wget (GnuTLS) does not trust the server's certificate; the next line says why", dCert, untrusted, chainInc, selfSigned, expired, intercepted, certInvalid, revocUnav).weak(),
	p("wget", "no-known-issuer", `ERROR: The certificate of [^\s]+ (?:doesn't have|hasn't got) a known issuer`, "the chain does not lead to a root wget trusts: a missing intermediate, a private root or an inspection proxy", dChain, chainInc, untrusted, intercepted, selfSigned),
	p("wget", "gnutls-expired", `ERROR: The certificate of [^\s]+ has expired`, "the server's certificate has expired", dDates, expired).alone(),
	p("wget", "gnutls-not-activated", `ERROR: The certificate of [^\s]+ is not yet activated`, "the server's certificate is not valid yet (or this machine's clock is behind)", dDates, notYet).alone(),
	p("wget", "gnutls-revoked", `ERROR: The certificate of [^\s]+ has been revoked`, "the server's certificate has been revoked", dCert, revoked).alone(),
	p("wget", "gnutls-insecure", `ERROR: The certificate of [^\s]+ was signed using an insecure algorithm`, "a certificate is signed with an algorithm GnuTLS refuses (SHA-1, MD5), or with a key too short for it (GnuTLS says the same of both)", dWeak, weakSig, weakKey),
	p("wget", "gnutls-signer-not-ca", `ERROR: The certificate signer of [^\s]+ was not a CA`, "the certificate's issuer is not a CA certificate", dCert, certInvalid, keyUsage).alone(),
	p("wget", "gnutls-owner", `The certificate's owner does not match hostname`, "the certificate does not cover the host name", dName, hostname, cnOnly).alone(),
	p("wget", "locally-verify", `Unable to locally verify the issuer's authority`, "the chain does not lead to a trusted root: a missing intermediate, a private root or an inspection proxy", dChain, chainInc, untrusted, intercepted),
	p("wget", "self-signed", `Self-signed certificate encountered`, "the certificate is self-signed", dChain, selfSigned, untrusted).alone(),
	p("wget", "expired", `Issued certificate has expired`, "a certificate has expired", dDates, expired).alone(),
	p("wget", "not-yet", `Issued certificate not yet valid`, "a certificate is not valid yet", dDates, notYet).alone(),
	p("wget", "name", `certificate common name '[^']*' doesn't match requested host name|no certificate subject alternative name matches`, "the certificate does not cover the host name", dName, hostname).alone(),
	p("wget", "unable-ssl", `Unable to establish SSL connection`, "wget's closing line after any handshake failure; the GnuTLS or OpenSSL line before it names why", dNego, version, cipher, closed, reset, sni, notTLS).envelope(),
	p("wget", "session-invalidated", `Failed writing HTTP request: The specified session has been invalidated`,
		"GnuTLS could not write the request after the handshake: in TLS 1.3 a server that refuses the client certificate (or its absence) sends its alert just then", dClientCert, clientCert, reset, closed),
	env("postgresql", "envelope", `psql: |libpq|connection to server at "|PSQLException|org\.postgresql|pq: SSL|sslmode|pgjdbc`, "PostgreSQL client (libpq / JDBC)"),
	marker("postgresql", "server-accept", `could not accept SSL connection`, SideServer),
	p("postgresql", "name", `server certificate for "[^"]*"(?: \(and \d+ other names?\))? does not match host name`, "the server's certificate does not cover the host name (sslmode=verify-full)", dName, hostname).alone(),
	p("postgresql", "pgjdbc-hostname", `The hostname \S+ could not be verified by hostnameverifier|PgjdbcHostnameVerifier`,
		"pgjdbc (sslmode=verify-full): the server's certificate does not cover the host name in the JDBC URL", dName, hostname, cnOnly).alone(),
	p("postgresql", "root-missing", `root certificate file "[^"]*" does not exist|Could not open SSL root certificate file`, "sslmode=verify-ca/verify-full needs a root CA file and none is configured", dChain, untrusted).alone(),
	p("postgresql", "client-cert-required", `connection requires a valid client certificate|certificate authentication failed for user`,
		"the server authenticates this connection by client certificate (pg_hba.conf 'cert', or clientcert=verify-ca/verify-full) and got none it accepts: none sent, one not issued by its ssl_ca_file, or a CN that does not match the user",
		dClientCert, clientCert).alone(),
	p("postgresql", "no-ssl", `server does not support SSL, but SSL was required|The server does not support SSL`, "the server refused to start TLS (ssl = off)", dNotTLS, notTLS).alone(),
	p("postgresql", "pq-no-ssl", `pq: SSL is not enabled on the server`, "the server does not offer TLS (ssl = off)", dNotTLS, notTLS).alone(),
	p("postgresql", "eof", `SSL SYSCALL error: EOF detected|server closed the connection unexpectedly`, "the server closed the connection during the handshake", dClosed, closed, reset, version),
	env("mysql", "envelope", `ERROR 2026|SSL connection error|mysqlnd|MySQL|MariaDB|Communications link failure|HANDSHAKE_SSL_ERROR|TLS/SSL error:|com\.mysql\.cj`, "MySQL / MariaDB client"),
	ps("mysql", "mariadb-validation", `Validation of SSL server certificate failed`,
		"the MariaDB client (11.4 and later verify by default) rejected the server's certificate", dCert, certSet).weak(),
	p("mysql", "ssl-required", `SSL is required,? but the server (?:doesn't|does not) support it|doesn't support SSL|Server doesn't support SSL`, "the server does not offer TLS", dNotTLS, notTLS).alone(),
	p("mysql", "protocol-version-mismatch", `SSL connection error:? protocol version mismatch`, "the client and the server share no TLS version (the server's yaSSL/OpenSSL is too old, or the client's too new)", dNego, version).alone(),
	p("mysql", "ciphers", `Failed to set ciphers to use`, "the client's cipher setting matches nothing it supports", dNego, cipher).alone(),
	p("mysql", "unknown-error", `SSL connection error: unknown error number`, "the handshake failed; with OpenSSL 1.1 clients against old servers this is usually no common TLS version", dNego, version, cipher),

	// ---- Rust: rustls (and webpki) and native-tls, under reqwest/hyper.
	// rustls prints "invalid peer certificate: <reason>"; older versions
	// print the webpki error's name (CertNotValidForName, UnknownIssuer).
	env("rust", "envelope", `invalid peer certificate|InvalidCertificate(?:Data)?\(|WebPKIError|webpki|rustls|hyper::Error|hyper_util|reqwest::Error|error trying to connect|error sending request for url|client error \(Connect\)|tokio_rustls|native-tls|native_tls|X509VerifyResult|ErrorStack\(\[|\(os error -?\d+\)`,
		"Rust (rustls or native-tls, usually under reqwest / hyper)"),
	p("rust", "not-valid-for-name", `NotValidForName|certificate not valid for name`,
		"the certificate's subjectAltName does not cover the name connected to (rustls ignores the subject CN)", dName, hostname, cnOnly, sni),
	p("rust", "only-valid-for", `certificate not valid for name "[^"]*"; certificate is only valid for`,
		"the certificate's subjectAltName lists other names than the one connected to", dName, hostname).alone(),
	p("rust", "no-san-names", `certificate is not valid for any names \(according to its subjectAltName extension\)`,
		"the certificate has no subjectAltName names at all: the name is at most in the subject CN, which rustls ignores", dName, cnOnly, hostname),
	p("rust", "unknown-issuer", `UnknownIssuer`,
		"rustls found no path to a root it trusts: a private or corporate CA missing from its roots (reqwest's default roots are webpki-roots, not the system's), a missing intermediate, or an inspection proxy",
		dChain, untrusted, chainInc, intercepted, selfSigned),
	p("rust", "expired", `CertExpired|invalid peer certificate: Expired|certificate expired: verification time`, "a certificate is past its notAfter date (or the clock is ahead)", dDates, expired).alone(),
	p("rust", "not-valid-yet", `CertNotValidYet|invalid peer certificate: NotValidYet|certificate not valid yet: verification time`, "a certificate is not valid yet (or the clock is behind)", dDates, notYet).alone(),
	p("rust", "cert-version", `UnsupportedCertVersion`, "a certificate is X.509 version 1 (or malformed where the version goes), which webpki refuses", dCert, certInvalid).alone(),
	p("rust", "unsupported-sigalg", `UnsupportedSignatureAlgorithm`,
		"a certificate is signed with an algorithm rustls does not support or refuses (SHA-1, or a curve/hash pairing such as ECDSA P-384 with SHA-512)", dWeak, weakSig, certInvalid),
	p("rust", "bad-signature", `BadSignature|InvalidSignatureForPublicKey`,
		"a certificate's signature does not verify with its issuer's key: usually the wrong intermediate (same name, another key) is served", dChain, certInvalid, chainInc, intercepted),
	p("rust", "constraints", `NameConstraintViolation|UnhandledCriticalExtension|UnsupportedCriticalExtension|PathLenConstraintViolated|BadDer\b|BadDerTime|BadEncoding|MissingOrMalformedExtensions`,
		"a certificate breaks a rule webpki enforces (name constraints, an unknown critical extension, a path length, malformed encoding)", dCert, certInvalid, intercepted),
	p("rust", "usage", `RequiredEkuNotFound|RequiredEKUNotFound|InvalidPurpose|does not allow extended key usage|CaUsedAsEndEntity|CAUsedAsEndEntity|EndEntityUsedAsCa|EndEntityUsedAsCA`,
		"a certificate's key usage or CA flag does not fit its place: no serverAuth EKU, or a CA certificate used as the leaf", dCert, keyUsage, certInvalid),
	p("rust", "revoked", `invalid peer certificate: Revoked`, "the certificate is revoked", dCert, revoked).alone(),
	p("rust", "revocation-unknown", `UnknownRevocationStatus`, "the revocation status could not be determined", dCert, revocUnav),
	p("rust", "no-cipher", `NoCipherSuitesInCommon`, "no cipher suite in common", dNego, cipher).alone(),
	p("rust", "no-group", `NoKxGroupsInCommon`, "no key-exchange group in common", dNego, group).alone(),
	p("rust", "no-sigschemes", `NoSignatureSchemesInCommon`, "no signature scheme in common (the server's key or hash is one rustls does not offer, e.g. SHA-1)", dNego, weakSig, cipher),
	p("rust", "version", `ServerDoesNotSupportTls12Or13|ServerTlsVersionIsDisabledByOurConfig|Tls12NotOffered|SupportedVersionsExtensionRequired|the peer did not support a suitable TLS version|AlertReceived\(ProtocolVersion\)|received fatal alert: ProtocolVersion`,
		"no TLS version in common: rustls speaks only TLS 1.2 and 1.3", dNego, version).alone(),
	p("rust", "alert-handshake", `AlertReceived\(HandshakeFailure\)|received fatal alert: HandshakeFailure|failed to negotiate an acceptable set of security parameters`,
		"the peer aborted with handshake_failure: no suite, group or version in common, or a needed SNI or client certificate", dNego, negoSet...),
	p("rust", "alert-cert", `AlertReceived\((?:BadCertificate|UnknownCA|CertificateUnknown|CertificateExpired)\)|received fatal alert: (?:BadCertificate|UnknownCA|CertificateUnknown|CertificateExpired)|the peer rejected the certificate as corrupt or incorrectly signed|found the certificate was not issued by a trusted CA|rejected the certificate for an unspecified reason|found the certificate to be expired`,
		"the peer rejected a certificate: in a client's log the server refused the client certificate; in a server's log the client refused this server's chain",
		dClientCert, clientCert, untrusted, chainInc, expired).onClient(clientCertRefused).onServer(serverChainRefused),
	p("rust", "alert-cert-required", `AlertReceived\(CertificateRequired\)|received fatal alert: CertificateRequired|the peer required a client certificate`,
		"the server requires a client certificate (mutual TLS)", dClientCert, clientCert).alone(),
	p("rust", "alert-name", `AlertReceived\(UnrecognisedName\)|received fatal alert: UnrecognisedName|did not recognize a name in the .server_name. extension`,
		"the server does not serve the name sent as SNI", dClosed, sni, hostname),
	p("rust", "corrupt", `received corrupt message|corrupt message of type|InvalidContentType|InvalidMessage\(InvalidContentType\)`,
		"the reply is not a TLS record: the port speaks plain HTTP or another protocol", dNotTLS, notTLS, version),
	p("rust", "no-sni", `NoServerNameProvided`, "logged by a rustls server: the client sent no SNI and the server needs one", dClosed, sni).serverLog(),

	// ---- Netty (Java), Reactor Netty, Spring WebClient, gRPC-Java.
	env("netty", "envelope", `io\.netty\.|reactor\.netty|org\.jboss\.netty|netty-`, "Netty (Java), as used by Reactor Netty / Spring WebClient, gRPC-Java, Vert.x"),
	p("netty", "handshake-timeout", `SslHandshakeTimeoutException|handshake timed out after \d+ ?ms`,
		"the TLS handshake did not finish within Netty's handshake timeout (10 s by default): the server stalled after the TCP connection, or the client's event loop was blocked", dNet, hsTimeout).alone(),
	p("netty", "failed-to-handshake", `Failed to handshake with host`,
		"Netty 3 (Druid, old clients) could not complete the handshake with the host: a time-out or a refusal", dNet, hsTimeout, closed, reset, version, cipher),
	p("netty", "not-ssl-record", `NotSslRecordException|not an SSL/TLS record`,
		"the bytes received are not a TLS record: the peer speaks plain HTTP (or another protocol) on this port", dNotTLS, notTLS).alone().
		onServer(View{Causes: []cause.Code{notTLS}, Decides: true, Meaning: "logged by a Netty server: the client sent plain text (HTTP) to this TLS port", Fix: "make the client use https:// for this port"}),
	p("netty", "closed-engine", `SslClosedEngineException|SSLEngine closed already`, "the TLS engine was closed during the handshake: the peer closed the connection", dClosed, closed, reset, version, sni),

	// ---- WSO2 (Java, Apache Synapse pass-through transport).
	env("wso2", "envelope", `org\.wso2\.|wso2carbon|PassThroughHttpSender|TargetHandler|SourceHandler|org\.apache\.synapse`, "WSO2 (API Manager / Micro Integrator / ESB on Java)"),
	p("wso2", "host-name-verification", `Host name verification failed for host`, "the back end's certificate does not cover the host name WSO2 connected to", dName, hostname, cnOnly).alone(),

	// ---- Amazon CloudFront (origin connections).
	env("cloudfront", "envelope", `CloudFront|cloudfront`, "Amazon CloudFront (the viewer got 502)"),
	p("cloudfront", "could-not-connect", `CloudFront wasn't able to connect to the origin|CloudFront could not connect to Origin|could not connect to the origin`,
		"CloudFront could not connect to the origin: per AWS, most often a certificate that does not cover the origin domain name, then cipher or protocol settings the origin does not share, a missing intermediate, an expired or self-signed certificate, or a closed port",
		dCert, hostname, version, cipher, chainInc, expired, selfSigned, untrusted, refused, tcpTimeout, sni),
	p("cloudfront", "origin-closed", `CloudFront attempted to establish a connection with the origin, but either the attempt failed or the origin closed the connection`,
		"the connection to the origin failed or the origin closed it", dNet, closed, reset, refused, tcpTimeout, version, cipher, hostname),

	// ---- Azure Front Door (access log errorInfo, health probes).
	env("azure-frontdoor", "envelope", `Front Door|FrontDoor|X-Azure-Ref|x-azure-ref|azurefd\.net`, "Azure Front Door (the client got 502/503)"),
	p("azure-frontdoor", "name-check", `CertificateNameCheckFailed|OriginCertificateNameMismatch`,
		"the origin's certificate does not cover the origin host name Front Door connects with (the origin host header when set)", dName, hostname, sni).alone(),
	p("azure-frontdoor", "certificate-error", `\bCertificateError\b|SSLInvalidRootCA`,
		"Front Door does not accept the origin's certificate: not issued by a CA it trusts (self-signed or private CAs are refused), expired, or an incomplete chain", dCert, untrusted, selfSigned, chainInc, expired),
	p("azure-frontdoor", "handshake", `SSLHandshakeError`, "the TLS handshake with the origin failed", dNego, version, cipher, sni, closed, reset, notTLS),
	p("azure-frontdoor", "mismatched-sni", `SSLMismatchedSNI`,
		"logged by Front Door about a client: its SNI differs from its Host header (domain fronting), refused with 421 since January 2024", dName, sni, hostname).serverLog().
		fixing("make the client send the same name as SNI and as Host, and add that name as a custom domain of the Front Door route"),
	p("azure-frontdoor", "origin-connection", `OriginConnectionRefused|OriginConnectionError|OriginConnectionAborted|OriginTimeout`,
		"Front Door could not connect to the origin, or the connection failed or timed out", dNet, refused, tcpTimeout, reset, closed, hsTimeout),

	// ---- Cloudflare (edge to origin).
	env("cloudflare", "envelope", `Cloudflare|cloudflare|Ray ID|cf-ray`, "Cloudflare (edge to origin)"),
	p("cloudflare", "525", `Error 525|525[: ]+SSL handshake failed|SSL handshake failed\s*Error code 525|525 Origin SSL Handshake Error|Error code 525`,
		"Cloudflare's TLS handshake with the origin failed (error 525): per Cloudflare, no cipher suite in common, no certificate for the SNI name, or a port that does not speak TLS; the origin is reachable",
		dNego, cipher, sni, version, notTLS, closed, reset, clientCert),
	p("cloudflare", "526", `Error 526|526[: ]+Invalid SSL certificate|Invalid SSL certificate\s*Error code 526|Error code 526|origin web server does not have a valid SSL certificate|SSL certificate presented by the server did not pass validation`,
		"Cloudflare (SSL mode Full (strict)) rejected the origin's certificate (error 526): expired, self-signed or from an untrusted CA, a name it does not cover, or an incomplete chain",
		dCert, untrusted, selfSigned, expired, hostname, chainInc),

	// ---- Google Cloud load balancers (statusDetails in the request log).
	env("gcp-lb", "envelope", `statusDetails|googleapis\.com/requests|http_load_balancer|Google Front End|\bGFE\b`, "Google Cloud load balancer (request log statusDetails)"),
	p("gcp-lb", "failed-to-connect", `failed_to_connect_to_backend`, "the load balancer could not connect to the back end: refused, timed out, or the TLS handshake failed (the LB does not verify back-end certificates unless backend authentication is on)", dNet, refused, tcpTimeout, reset, notTLS, version, cipher),
	p("gcp-lb", "closed-before-data", `backend_connection_closed_before_data_sent_to_client`, "the back end closed the connection before sending a reply (often a keep-alive time-out shorter than the load balancer's 600 s)", dHTTP, httpNone, reset, closed),
	p("gcp-lb", "backend-timeout", `backend_timeout`, "the back end did not answer within the back-end service time-out", dHTTP, httpNone, hsTimeout),

	// ---- AWS Application Load Balancer (targets over HTTPS).
	env("aws-alb", "envelope", `Application Load Balancer|elasticloadbalancing|awselb|targetgroup/`, "AWS Application Load Balancer (the client got 502)"),
	p("aws-alb", "target-tls", `SSL handshake error or SSL handshake timeout \(10 seconds\) when connecting to a target|encountered an SSL handshake error`,
		"the load balancer's handshake with the target failed or took over 10 s; ALB does not verify target certificates, so a version or cipher the target does not share, a plain-HTTP target port, or a stalled target",
		dNego, version, cipher, notTLS, hsTimeout, closed, reset),
	// The access-log entry (type time elb client:port target:port
	// request_processing_time target_processing_time response_processing_time
	// elb_status_code target_status_code ...): a 502 with target status "-"
	// is the load balancer's own, and the three times say how far it got.
	p("aws-alb", "log-target-closed", `\bapp/[\w.-]+/[0-9a-f]+ \S+ \S+ [\d.]+ [\d.]+ -1 502 - `,
		"an access-log entry of a 502 the load balancer made: it sent the request and the target closed or reset the connection without a reply (response_processing_time -1, target_status_code -); per AWS usually a target keep-alive time-out shorter than the load balancer's idle time-out (60 s by default)",
		dHTTP, httpNone, httpBad).
		fixing("make the target's keep-alive time-out longer than the load balancer's idle time-out (Node server.keepAliveTimeout, nginx keepalive_timeout, Apache KeepAliveTimeout, gunicorn --keep-alive)"),
	p("aws-alb", "log-no-target-connection", `\bapp/[\w.-]+/[0-9a-f]+ \S+ \S+ -1 -1 -1 502 - `,
		"an access-log entry of a 502 the load balancer made before it could send the request (all three processing times -1, target_status_code -): the target refused the connection (TCP RST), or the TLS handshake with an HTTPS target failed or took over 10 s",
		dNet, refused, notTLS, version, cipher, reset, closed, hsTimeout),

	// ---- Who logged the line. Markers name no stack and decide nothing.
	marker(GenericStack, "server-go", `TLS handshake error from `, SideServer),
	marker(GenericStack, "server-openssl", `(?:tls_early_post_process_client_hello|tls_post_process_client_hello|tls_process_client_hello|tls_process_client_certificate|tls_process_cke_[a-z]+|ssl3_get_client_hello|ssl3_get_client_certificate|ssl3_get_client_key_exchange|ssl23_get_client_hello|ssl_bytes_to_cipher_list|SSL_accept|ACCEPT_SR_[A-Z_]+)\b`, SideServer),
	marker(GenericStack, "server-other", `HTTPS_CLIENT_ERROR|tlsClientError|ProvTlsServer|\[server #\d+|connection request was received from a remote client application|The following fatal alert was generated|tls handshake with \S+ failed|processing client request|accepting (?:a |the )?(?:client|incoming) connection`, SideServer),
	marker(GenericStack, "client", `SSL_connect|CONNECT_CR_[A-Z_]+|tls_process_server_[a-z_]+|ssl3_get_server_[a-z_]+|ssl23_get_server_hello|ssl_choose_client_version|tls_construct_client_[a-z_]+|while SSL handshaking to upstream|curl: \(\d+\)|HTTPSConnectionPool|_ssl\.c:\d+|(?:Get|Post|Put|Head|Delete|Patch) "?https://|upstream connect error|error trying to connect|error sending request|unable to access '|NSURLErrorDomain|net::ERR_|SEC_ERROR_|SSL_ERROR_[A-Z_]+_ALERT|PKIX path|Connecting to \S+ \(`, SideClient),

	// ---- Wording every stack uses. These give candidates when no stack's
	// own pattern decides, so that a TLS failure in words no pattern was
	// written for is still recognised; they never decide.
	generic("expired", `certificates? (?:has |have |is |was )?expired|cert(?:ificate)?[ _-]expired|expired (?:ssl |tls |server |peer |x\.?509 |intermediate |root |leaf )*certificate|certificate[^\n.]{0,60}?(?:has|have) expired|expired at [^\n]{0,40}\(compared to`,
		"a certificate is past its validity end date (or the client's clock is ahead)", dDates, expired, notYet, clientCert).
		about(`(?:is |was )?not valid after|\bnotafter[=: ]`),
	generic("not-yet-valid", `not yet valid|not valid yet|before [^\n]{0,40}valid from`,
		"a certificate is not valid yet: the client's clock is behind, or the certificate was issued with a future start", dDates, notYet, expired).
		about(`not valid until|not valid before|\bnotbefore[=: ]`),
	generic("name", `(?:\bhost ?name|\bserver name|\bcommon name|\bcn\b|\bsubject alt(?:ernative)? names?|\bsans?\b|\bdns name|\bip address(?:es)?)[^\n]{0,50}?(?:mismatch|does ?n[o']?t match|did ?n[o']?t match|not match|not valid for|not in the cert)|\b(?:name|hostname|host) mismatch|not valid for (?:the )?(?:name|host|domain)\b|certificate is valid for [^\n]{1,200}?,? not |does not match (?:the )?(?:host\b|hostname|target host|(?:expected|requested) (?:host|name|server|domain|common name|san\b))|\bwrong host(?:name)?\b|\bname check failed|\bhost ?name \S+ (?:could not|cannot|can't) be verified`,
		"the certificate does not cover the name the client asked for", dName, hostname, cnOnly, sni),
	generic("authority", `unknown (?:certificate )?(?:authority|issuer|ca\b|root\b)|issuer (?:is )?(?:unknown|not (?:found|trusted|recognized|recognised))|untrusted (?:root|issuer|ca\b|certificate|chain)|\b(?:root|issuer|ca|certificate|chain) (?:is )?not trusted|not issued by a (?:trusted|known|well-known)|no trusted (?:root|certificate|ca\b)|unable to (?:get|find) (?:the )?(?:local )?issuer|(?:certificate )?chain (?:is )?(?:incomplete|invalid|broken|could not be built)|issuer certificate (?:is )?(?:missing|not found)`,
		"the certificate does not lead to a CA the client trusts: a private or corporate root, a missing intermediate, or a TLS-inspecting proxy", dChain, untrusted, chainInc, intercepted, selfSigned).
		about(`trust anchor|certification path|chain of trust|trust chain|partial ?chain`),
	generic("self-signed", `self[- ]?signed certificate (?:in (?:the )?(?:certificate )?chain|detected|encountered|found|not trusted|rejected)`,
		"a self-signed certificate: the server's own, or the root of a private CA or inspection proxy that the client does not trust", dChain, selfSigned, untrusted, intercepted).
		about(`self[- ]?signed`),
	generic("timed-out", `(?:tls|ssl|handshake)[^\n]{0,40}?(?:timed out|time out|deadline exceeded)|timed out[^\n]{0,40}?(?:handshake|tls|ssl)`,
		"the TLS handshake did not finish in time: the server (or a middlebox) stopped answering after the connection was made", dNet, hsTimeout, tcpTimeout).
		about(`(?:tls|ssl|handshake)[^\n]{0,40}?timeout|timeout[^\n]{0,40}?(?:handshake|tls|ssl)`),
	generic("version", `(?:tls|ssl) ?(?:version|protocol)s?[^\n]{0,40}?(?:not supported|unsupported|mismatch|not accepted|too (?:low|old))|unsupported (?:tls |ssl )?(?:protocol|version)|(?:tls|ssl) ?v?1(?:\.[01])? (?:is )?not supported|no (?:common|shared|supported) (?:tls |protocol )?version`,
		"client and server share no TLS version", dNego, version, notTLS).
		about(`protocol[ _]version|(?:tls|ssl) ?(?:version|protocol)s?[^\n]{0,40}?(?:disabled|not enabled|below)|(?:tls|ssl) ?v?1(?:\.[01])? (?:is )?(?:only|disabled|deprecated)|version below|minimum (?:tls |protocol )?version|tls ?v?1\.[23]\+? (?:or (?:higher|later|above|newer) )?(?:is )?required`),
	generic("cipher", `\b(?:no|none of the) (?:shared |common |matching |supported |negotiable |acceptable )cipher|\bnone of the cipher|cipher[^\n]{0,30}?(?:mismatch|not supported|no match|in common)|cypher overlap|(?:do not|don't) possess a common algorithm|\bno common algorithm`,
		"client and server share no cipher suite", dNego, cipher, group, version).
		about(`\bno ciphers?\b`),
	generic("client-cert", `\bno (?:client )?certificate (?:was )?(?:sent|provided|presented|returned|supplied)|(?:did ?n[o']?t|did not|does not|doesn't) (?:provide|send|present|return) a (?:client )?certificate|client certificate (?:was )?(?:rejected|not (?:accepted|trusted)|missing|invalid)`,
		"the server requires a client certificate (mutual TLS), or refused the one sent", dClientCert, clientCert).
		about(`(?:client )?certificate (?:is )?required|client certificate (?:was )?not (?:sent|provided)|mutual tls|\bmtls\b(?:$|[^=])`),
	generic("peer-cert-alert", `bad[ _]certificate|certificate[ _]unknown|unknown[ _]ca\b|unsupported[ _]certificate`,
		"the peer rejected a certificate: in a client's log the server refused the client certificate (mutual TLS); in a server's log the client refused this server's chain",
		dClientCert, clientCert, untrusted, chainInc, expired).onClient(clientCertRefused).onServer(serverChainRefused),
	generic("reset", `(?:ssl|tls|handshake|secure)[^\n]{0,80}?(?:reset by peer|connection reset|econnreset|forcibly closed|transport reset)|(?:reset by peer|connection reset|econnreset|forcibly closed)[^\n]{0,80}?(?:ssl|tls|handshake)`,
		"the connection was reset during the TLS exchange: by the server, or by a firewall or load balancer on the way", dClosed, reset, closed, sni, version, intercepted),
	generic("eof", `unexpected eof|eof (?:occurred|detected|while|during|in violation)|(?:ssl|tls|handshake)[^\n]{0,60}?\beof\b|premature(?:ly)? (?:close|closed|termination|end)|non-properly terminated|closed (?:the )?connection (?:during|in|before) (?:the )?(?:ssl |tls )?handshake|connection (?:was )?closed (?:during|before|in) (?:the )?(?:ssl |tls )?handshake`,
		"the connection ended during the handshake without a TLS alert: the server, or a middlebox, closed it", dClosed, closed, reset, sni, version, intercepted).
		about(`(?:remote|peer|server) (?:host |end |party )?(?:closed|terminated|dropped) (?:the )?(?:connection|handshake|transport)`),
	generic("not-tls", `wrong[ _]version[ _]number|not an? (?:ssl|tls)(?:/tls)? (?:record|connection|handshake)|http (?:request|response) (?:to|on|from) (?:an? )?https|https? (?:request|response) to (?:an? )?https? (?:port|server|client)|unknown protocol|record (?:too long|overflow|layer failure)|bad record\b|invalid (?:tls|ssl) record`,
		"the reply is not TLS: the port speaks plain HTTP or another protocol", dNotTLS, notTLS, version).
		about(`plain ?text|record header`),
	generic("handshake-failed", `handshake[ _]fail(?:ure|ed)?|failed to (?:complete|perform|establish|negotiate) (?:the |a )?(?:ssl|tls|secure)|(?:ssl|tls) (?:connection|handshake|negotiation|session)[^\n]{0,30}?(?:fail|error|could not|cannot|unable)|(?:could not|cannot|unable to) (?:establish|create|negotiate) (?:an? )?(?:ssl|tls|secure)|secure (?:connection|channel)[^\n]{0,30}?(?:fail|could not|cannot)`,
		"the TLS handshake failed; the message does not say why", dNego, version, cipher, sni, clientCert, closed, untrusted, chainInc, hostname, expired, notTLS, reset, group),
	generic("verify-failed", `certificate (?:verification|validation|verify|check)(?:ing)? (?:failed|failure|error)|(?:failed|unable) to (?:verify|validate) (?:the )?(?:server(?:'s)? |peer(?:'s)? |remote |ssl |tls |x\.?509 )?certificate|invalid (?:peer |server |remote |ssl |tls )?certificate|certificate (?:is )?(?:invalid|not valid|rejected|untrusted)|(?:ssl|tls) certificate (?:error|problem)`,
		"the client rejected the server's certificate; the message does not say why", dCert, certSet...),
	generic("revoked", `\b(?:certificate|cert)\b[^\n]{0,30}?\b(?:is|was|been|status:?|:) revoked|\b(?:certificate|cert)[ _-]revoked|revoked (?:certificate|cert)\b`, "a certificate is revoked", dCert, revoked),
	generic("revocation-unavailable", `revocation (?:server|status|check|information)[^\n]{0,40}?(?:offline|unknown|unavailable|could not|unable|failed)|unable to check revocation|(?:ocsp|crl)[^\n]{0,30}?(?:unavailable|unreachable|timed out|could not be (?:fetched|retrieved))`,
		"the client requires revocation status and could not get it (CRL or OCSP unreachable, or an inspection CA without one)", dCert, revocUnav, intercepted),
	generic("weak-signature", `\b(?:sha-?1|md5)[^\n]{0,40}?(?:insecure|not supported|weak|refused|rejected)|insecure (?:signature )?algorithm|(?:signature|digest|hash) algorithm[^\n]{0,30}?(?:weak|insecure|not supported|unsupported|too weak)`,
		"a certificate is signed with an algorithm the client refuses (SHA-1, MD5)", dWeak, weakSig).
		about(`\b(?:sha-?1|md5)[^\n]{0,40}?(?:signature|disabled)|(?:signature|digest|hash) algorithm[^\n]{0,30}?disabled`),
	generic("weak-key", `\b(?:key|modulus)[^\n]{0,20}?too (?:small|short|weak)|\b(?:rsa|dhe?|ecdhe?|dsa)(?:\b|_)[^\n]{0,20}?(?:key )?(?:too small|too weak)`,
		"a key (the certificate's or the Diffie-Hellman one) is smaller than the client accepts", dWeak, weakKey).
		about(`\b(?:rsa|dhe?|ecdhe?|dsa)(?:\b|_)[^\n]{0,20}?size`),
	generic("sni", `unrecognized[ _]name|unrecognised[ _]name|\bno (?:ssl |tls )?certificate (?:configured|found|available) for`,
		"SNI: the server needs the name sent as SNI, or has no certificate for the name sent", dClosed, sni, hostname).
		about(`\bsni\b(?:$|[^=])|server name indication`),
	generic("key-mismatch", `private key does not match|\bkey (?:values )?mismatch|\bkey does not match (?:the )?certificate`,
		"the private key does not belong to the certificate", dKey, keyMismatch),
	generic("renegotiation", `unsafe (?:legacy )?renegotiation|insecure renegotiation`, "a renegotiation problem: the server lacks secure renegotiation (RFC 5746), or refused one", dNego, renego, alert).
		about(`renegotiation`),
	generic("too-large", `(?:certificate|handshake) (?:message )?(?:is )?too (?:large|big|long)|excessive message`,
		"the server's certificate message is larger than the client accepts", dCert, tooLarge).
		about(`maximum (?:allowed )?(?:handshake )?(?:message )?size`),
	generic("chain-too-long", `chain too long`, "the chain is longer than the client's verify depth allows", dCert, tooLong, certInvalid).
		about(`verify depth|path length`),
}
