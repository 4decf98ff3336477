package profile

import (
	"github.com/tlsdoctor/tlsdoctor/cause"
	w "github.com/tlsdoctor/tlsdoctor/wire"
)

var (
	v13and12 = []uint16{w.VersionTLS13, w.VersionTLS12}

	// Chrome's TLS 1.2/1.3 suite order (testssl.sh client records).
	mainstreamSuites = []uint16{0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
		0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035}
	mainstreamSigs = []uint16{w.SigECDSAP256, w.SigRSAPSSSHA256, w.SigRSAPKCS1SHA256, w.SigECDSAP384,
		w.SigRSAPSSSHA384, w.SigRSAPKCS1SHA384, w.SigRSAPSSSHA512, w.SigRSAPKCS1SHA512}

	// Go's default client suites since 1.23 (no RSA key exchange, no 3DES).
	goSuites = []uint16{0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
		0xc009, 0xc013, 0xc00a, 0xc014}
	goSigs = []uint16{w.SigRSAPSSSHA256, w.SigECDSAP256, w.SigEd25519, w.SigRSAPSSSHA384, w.SigRSAPSSSHA512,
		w.SigRSAPKCS1SHA256, w.SigRSAPKCS1SHA384, w.SigRSAPKCS1SHA512, w.SigECDSAP384, w.SigECDSAP521}

	// OpenSSL 3.0 DEFAULT cipher list as Debian ships it (testssl.sh record).
	opensslSuites = []uint16{0x1302, 0x1303, 0x1301, 0xc02c, 0xc030, 0x009f, 0xcca9, 0xcca8, 0xccaa,
		0xc02b, 0xc02f, 0x009e, 0xc024, 0xc028, 0x006b, 0xc023, 0xc027, 0x0067, 0xc00a, 0xc014, 0x0039,
		0xc009, 0xc013, 0x0033, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f}
	opensslGroups = []uint16{w.GroupX25519, w.GroupP256, w.GroupX448, w.GroupP521, w.GroupP384,
		w.GroupFFDHE2048, w.GroupFFDHE3072, w.GroupFFDHE4096, w.GroupFFDHE6144, w.GroupFFDHE8192}
	opensslSigs = []uint16{w.SigECDSAP256, w.SigECDSAP384, w.SigECDSAP521, w.SigEd25519, w.SigEd448,
		w.SigRSAPSSPSSSHA256, w.SigRSAPSSPSSSHA384, w.SigRSAPSSPSSSHA512, w.SigRSAPSSSHA256,
		w.SigRSAPSSSHA384, w.SigRSAPSSSHA512, w.SigRSAPKCS1SHA256, w.SigRSAPKCS1SHA384, w.SigRSAPKCS1SHA512}
)

// builtin is the profile table: the basic profiles, then the clients of
// clients.go and windows.go, each with its revocation and proxy policy
// (revocation.go, proxy.go). Append; never change an ID.
var builtin = withPolicies(append(append(append([]Profile{}, basicProfiles...), clientProfiles...), windowsProfiles...))

var basicProfiles = []Profile{
	{
		ID:   "default",
		Name: "modern mainstream client",
		Description: "What a current browser, curl or language runtime does by default: TLS 1.2 and 1.3, " +
			"ECDHE with AEAD suites, SNI, the system trust store, no CN fallback, no SHA-1, RSA keys of " +
			"2048 bits or more, and no AIA fetching (so a missing intermediate fails, as it does for most " +
			"non-browser clients).",
		Versions: v13and12, CipherSuites: mainstreamSuites,
		Groups: []uint16{w.GroupX25519, w.GroupP256, w.GroupP384}, KeyShares: []uint16{w.GroupX25519},
		SignatureAlgorithms: mainstreamSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, RejectSHA1: true, MinRSABits: 2048, MinECBits: 224, MaxCertMessage: 102400,
		Sources: []string{"§17.1 Chrome", "§13 curl", "§14 Python", "§22 notes 4, 5, 7"},
	},
	{
		ID:   "go",
		Name: "Go crypto/tls client (Go 1.22-1.26)",
		Description: "Go's net/http and crypto/tls defaults: TLS 1.2 and 1.3, no RSA key exchange, no 3DES, " +
			"no DHE, SNI for names only, system roots, no CN fallback, SHA-1 certificates refused, RSA keys " +
			"of 1024 bits or more, no AIA fetching on Linux.",
		Versions: v13and12, CipherSuites: goSuites,
		Groups:    []uint16{w.GroupX25519MLKEM768, w.GroupX25519, w.GroupP256, w.GroupP384, w.GroupP521},
		KeyShares: []uint16{w.GroupX25519}, SignatureAlgorithms: goSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, RejectSHA1: true, MinRSABits: 1024, MinECBits: 224, MaxCertMessage: 262144,
		Logs: map[cause.Code]string{
			cause.UntrustedRoot:           "tls: failed to verify certificate: x509: certificate signed by unknown authority",
			cause.ChainIncomplete:         "tls: failed to verify certificate: x509: certificate signed by unknown authority",
			cause.SelfSigned:              "tls: failed to verify certificate: x509: certificate signed by unknown authority",
			cause.CertExpired:             "tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time ... is after ...",
			cause.CertNotYetValid:         "tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time ... is before ...",
			cause.HostnameMismatch:        "tls: failed to verify certificate: x509: certificate is valid for ..., not <host>",
			cause.CNWithoutSAN:            "x509: certificate relies on legacy Common Name field, use SANs instead",
			cause.NotTLS:                  "tls: first record does not look like a TLS handshake",
			cause.ProtocolVersionMismatch: "remote error: tls: protocol version not supported",
			cause.CipherMismatch:          "remote error: tls: handshake failure",
			cause.ResetDuringHandshake:    "read: connection reset by peer",
			cause.ClosedDuringHandshake:   "EOF",
		},
		Sources: []string{"§11 Go crypto/tls"},
	},
	{
		ID:   "openssl",
		Name: "OpenSSL 3 client with Debian defaults",
		Description: "openssl s_client, curl, Python and other libssl users on Debian/Ubuntu: MinProtocol " +
			"TLSv1.2 and security level 2 (RSA and DH keys of 2048 bits or more, no SHA-1 certificate " +
			"signatures), SNI, /etc/ssl/certs, CN fallback when no DNS SAN (X509_check_host), no AIA fetching.",
		Versions: v13and12, CipherSuites: opensslSuites, Groups: opensslGroups,
		KeyShares: []uint16{w.GroupX25519}, SignatureAlgorithms: opensslSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, RejectSHA1: true, MinRSABits: 2048, MinECBits: 224, MinDHBits: 2048, MaxCertMessage: 102400, RequireSecureRenegotiation: true,
		Logs: map[cause.Code]string{
			cause.ChainIncomplete:         "verify error:num=20:unable to get local issuer certificate",
			cause.UntrustedRoot:           "verify error:num=19:self-signed certificate in certificate chain (or num=20 when the root is not sent)",
			cause.SelfSigned:              "verify error:num=18:self-signed certificate",
			cause.CertExpired:             "verify error:num=10:certificate has expired",
			cause.CertNotYetValid:         "verify error:num=9:certificate is not yet valid",
			cause.HostnameMismatch:        "verify error:num=62:hostname mismatch",
			cause.WeakKey:                 "verify error:num=66:EE certificate key too weak (ee key too small)",
			cause.WeakSignature:           "verify error:num=68:CA signature digest algorithm too weak (ca md too weak)",
			cause.BadKeyUsage:             "verify error:num=26:unsupported certificate purpose",
			cause.NotTLS:                  "error:0A00010B:SSL routines::wrong version number",
			cause.ProtocolVersionMismatch: "error:0A000102:SSL routines::unsupported protocol / tlsv1 alert protocol version",
			cause.CipherMismatch:          "error:0A000410:SSL routines::sslv3 alert handshake failure",
		},
		Sources:     []string{"§12 OpenSSL 3.x", "§22 notes 5, 7"},
		Unconfirmed: []string{"exact OpenSSL handshake reason strings (§12, §23)"},
	},
	{
		ID:   "nginx-proxy",
		Name: "nginx as a reverse proxy (proxy_pass https://, default proxy_ssl_* settings)",
		Description: "nginx 1.27.3+ calling an HTTPS upstream with the defaults: proxy_ssl_protocols TLSv1.2 " +
			"TLSv1.3, proxy_ssl_ciphers DEFAULT, proxy_ssl_server_name off (no SNI), proxy_ssl_verify off " +
			"(any certificate is accepted: expired, self-signed, wrong name). Its clients see a 502.",
		Versions: v13and12, CipherSuites: opensslSuites, Groups: opensslGroups,
		KeyShares: []uint16{w.GroupX25519}, SignatureAlgorithms: opensslSigs, SendsSNI: false,
		Trust: TrustNone, MinDHBits: 2048, MaxCertMessage: 102400, RequireSecureRenegotiation: true,
		Logs: map[cause.Code]string{
			cause.ResetDuringHandshake:    "peer closed connection in SSL handshake (104: Connection reset by peer) while SSL handshaking to upstream",
			cause.ClosedDuringHandshake:   "peer closed connection in SSL handshake while SSL handshaking to upstream",
			cause.SNIRequired:             "SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name) while SSL handshaking to upstream",
			cause.NotTLS:                  "SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream",
			cause.ProtocolVersionMismatch: "SSL_do_handshake() failed (SSL: error:0A00042E:SSL routines::tlsv1 alert protocol version) while SSL handshaking to upstream",
			cause.CipherMismatch:          "SSL_do_handshake() failed (SSL: error:0A000410:SSL routines::sslv3 alert handshake failure) while SSL handshaking to upstream",
		},
		Sources:     []string{"§7 nginx as a reverse proxy", "§22 notes 2, 3"},
		Unconfirmed: []string{"the OpenSSL reason codes inside nginx's log lines depend on the OpenSSL build"},
	},
}
