package realclient_test

// knownExplainGaps lists the observed messages that explain does not yet
// explain right, by ID, with what is wrong. The catalog is fixed in
// explain/; an entry fixed there is reported here as one to remove. The
// client-cert rows race (see docs/conformance.md): their other wording
// may be the one recorded.
var knownExplainGaps = map[string]string{
	"observed/chromium/dh-1024":                "WEAK_KEY is not among the candidates [PROTOCOL_VERSION_MISMATCH CIPHER_MISMATCH GROUP_MISMATCH SNI_REQUIRED] of chrome/version-or-cipher",
	"observed/gnutls-cli/http-endless-headers": "not recognised",
	"observed/gnutls-cli/must-staple-missing":  "REVOCATION_UNAVAILABLE is not among the candidates [UNTRUSTED_ROOT CHAIN_INCOMPLETE INTERCEPTED SELF_SIGNED] of generic/authority",
	"observed/go/dh-1024":                      "WEAK_KEY is not among the candidates [CIPHER_MISMATCH GROUP_MISMATCH SNI_REQUIRED PROTOCOL_VERSION_MISMATCH CLIENT_CERT_REQUIRED SERVER_ALERT] of go/remote-handshake-failure",
	"observed/haproxy/client-cert-http":        "not recognised",
	"observed/haproxy/refused":                 "not recognised",
	"observed/haproxy/reset":                   "RESET_DURING_HANDSHAKE is not among the candidates [CHAIN_INCOMPLETE UNTRUSTED_ROOT HOSTNAME_MISMATCH CERT_EXPIRED PROTOCOL_VERSION_MISMATCH CIPHER_MISMATCH SNI_REQUIRED CLIENT_CERT_REQUIRED CLOSED_DURING_HANDSHAKE] of haproxy/handshake-failure",
	"observed/haproxy/silent":                  "not recognised",
	"observed/haproxy/tcp-timeout":             "not recognised",
	"observed/haproxy/trickle":                 "not recognised",
	"observed/java-17/client-cert-http":        "not recognised",
	"observed/java-17/key-mismatch":            "KEY_MISMATCH is not among the candidates [CHAIN_INCOMPLETE UNTRUSTED_ROOT CERT_EXPIRED HOSTNAME_MISMATCH SELF_SIGNED CERT_NOT_YET_VALID INTERCEPTED WEAK_SIGNATURE WEAK_KEY BAD_KEY_USAGE CN_WITHOUT_SAN CERT_REVOKED CERT_INVALID] of generic/verify-failed",
	"observed/wget/client-cert-http":           "not recognised",
	"observed/wget/http-close":                 "not recognised",
	"observed/wget/http-endless-headers":       "not recognised",
	"observed/wget/silent":                     "HANDSHAKE_TIMEOUT is not among the candidates [PROTOCOL_VERSION_MISMATCH CIPHER_MISMATCH SNI_REQUIRED CLIENT_CERT_REQUIRED CLOSED_DURING_HANDSHAKE UNTRUSTED_ROOT CHAIN_INCOMPLETE HOSTNAME_MISMATCH CERT_EXPIRED NOT_TLS RESET_DURING_HANDSHAKE GROUP_MISMATCH] of generic/handshake-failed",
	"observed/java-17/mtls-expired":            "one of its wordings may not be recognised (the client's message races the server)",
}
