package profile

import (
	"github.com/tlsdoctor/tlsdoctor/cause"
	w "github.com/tlsdoctor/tlsdoctor/wire"
)

// Building blocks of the offers below, by IANA code point.
var (
	v12only  = []uint16{w.VersionTLS12}
	v10only  = []uint16{w.VersionTLS10}
	v13to10  = []uint16{w.VersionTLS13, w.VersionTLS12, w.VersionTLS11, w.VersionTLS10}
	tls13    = []uint16{0x1301, 0x1302, 0x1303}
	tls13j   = []uint16{0x1302, 0x1301, 0x1303} // Java, OpenSSL: AES-256 first
	modern12 = []uint16{0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8}

	// Java 8u442 / 17 / 21 default order (testssl.sh records, §10.1).
	javaSuites = append(append([]uint16{}, tls13j...), 0xc02c, 0xc02b, 0xcca9, 0xc030, 0xcca8, 0xc02f, 0x009f, 0xccaa, 0x009e,
		0xc024, 0xc028, 0xc023, 0xc027, 0x006b, 0x0067, 0xc00a, 0xc014, 0xc009, 0xc013, 0x0039, 0x0033,
		0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f)
	javaNoRSAKx = javaSuites[:len(javaSuites)-6] // 11.0.30+, 17.0.18+, 21.0.10+: no TLS_RSA_*
	javaGroups  = []uint16{w.GroupX25519, w.GroupP256, w.GroupP384, w.GroupP521, w.GroupX448,
		w.GroupFFDHE2048, w.GroupFFDHE3072, w.GroupFFDHE4096, w.GroupFFDHE6144, w.GroupFFDHE8192}
	javaSigs = []uint16{w.SigECDSAP256, w.SigECDSAP384, w.SigECDSAP521, w.SigEd25519, w.SigEd448,
		w.SigRSAPSSSHA256, w.SigRSAPSSSHA384, w.SigRSAPSSSHA512, w.SigRSAPSSPSSSHA256, w.SigRSAPSSPSSSHA384,
		w.SigRSAPSSPSSSHA512, w.SigRSAPKCS1SHA256, w.SigRSAPKCS1SHA384, w.SigRSAPKCS1SHA512}
	legacySigs = []uint16{w.SigRSAPKCS1SHA256, w.SigECDSAP256, w.SigRSAPKCS1SHA384, w.SigECDSAP384,
		w.SigRSAPKCS1SHA512, w.SigECDSAP521, w.SigRSAPKCS1SHA1, w.SigECDSASHA1}

	awsLogs = map[cause.Code]string{
		cause.ChainIncomplete:      "Execution failed due to configuration error: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target (client: HTTP 500)",
		cause.UntrustedRoot:        "Execution failed due to configuration error: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target (client: HTTP 500)",
		cause.SelfSigned:           "Execution failed due to configuration error: PKIX path building failed: ... unable to find valid certification path to requested target (client: HTTP 500)",
		cause.CertExpired:          "Execution failed due to configuration error: PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed",
		cause.HostnameMismatch:     "Execution failed due to configuration error: Host name '<host>' does not match the certificate subject provided by the peer (CN=...)",
		cause.KeyMismatch:          "Execution failed due to configuration error: Cannot verify ECDH ServerKeyExchange signature",
		cause.HTTPInvalidResponse:  "Execution failed due to configuration error: Not a valid protocol version: <text>",
		cause.DoubleTLS:            "Execution failed due to configuration error: Not a valid protocol version: <text>",
		cause.ResetDuringHandshake: "Execution failed due to an internal error",
		cause.TCPRefused:           "Execution failed due to configuration error: There was an internal error while executing your request",
		cause.TCPTimeout:           "Execution failed due to configuration error: There was an internal error while executing your request",
	}
	envoyLogs = map[cause.Code]string{
		cause.NotTLS:                  "upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS_error:|268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER (client: 503)",
		cause.ProtocolVersionMismatch: "upstream connect error or disconnect/reset before headers ... TLS_error: ... TLSV1_ALERT_PROTOCOL_VERSION (client: 503)",
		cause.CipherMismatch:          "upstream connect error or disconnect/reset before headers ... TLS_error: ... SSLV3_ALERT_HANDSHAKE_FAILURE (client: 503)",
		cause.GroupMismatch:           "upstream connect error or disconnect/reset before headers ... TLS_error: ... SSLV3_ALERT_HANDSHAKE_FAILURE (client: 503)",
		cause.ResetDuringHandshake:    "upstream connect error or disconnect/reset before headers. reset reason: connection failure (client: 503)",
	}
	ociLog = "httpBackend.requestError: An error occurred whilst sending request to https://<backend>: HANDSHAKE_FAILED"
)

// clientProfiles are the clients beyond the four basic ones (docs/client-profiles.md).
// Offers read from the clients' own ClientHellos here (lab/realclient).
var (
	// Node.js 20's default list: its named suites, then OpenSSL's HIGH
	// (ARIA, CCM, DHE-DSS included).
	nodeSuites = []uint16{0x1302, 0x1303, 0x1301, 0xc02f, 0xc02b, 0xc030, 0xc02c, 0x009e, 0xc027, 0x0067, 0xc028, 0x006b,
		0x00a3, 0x009f, 0xcca9, 0xcca8, 0xccaa, 0xc0af, 0xc0ad, 0xc0a3, 0xc09f, 0xc05d, 0xc061, 0xc057, 0xc053, 0x00a2, 0xc0ae,
		0xc0ac, 0xc0a2, 0xc09e, 0xc05c, 0xc060, 0xc056, 0xc052, 0xc024, 0x006a, 0xc023, 0x0040, 0xc00a, 0xc014, 0x0039, 0x0038,
		0xc009, 0xc013, 0x0033, 0x0032, 0x009d, 0xc0a1, 0xc09d, 0xc051, 0x009c, 0xc0a0, 0xc09c, 0xc050, 0x003d, 0x003c, 0x0035, 0x002f}
	// CPython's @SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM.
	pythonSuites = []uint16{0x1302, 0x1303, 0x1301, 0xc02c, 0xc030, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc024, 0xc028, 0xc023, 0xc027, 0x009f, 0x009e, 0x006b, 0x0067}
	// GnuTLS 3.7.9 NORMAL (Debian 12).
	gnutlsSuites = []uint16{0x1302, 0x1303, 0x1301, 0x1304, 0xc02c, 0xcca9, 0xc0ad, 0xc00a, 0xc02b, 0xc0ac, 0xc009, 0xc030, 0xcca8,
		0xc014, 0xc02f, 0xc013, 0x009d, 0xc09d, 0x0035, 0x009c, 0xc09c, 0x002f, 0x009f, 0xccaa, 0xc09f, 0x0039, 0x009e, 0xc09e, 0x0033}
	gnutlsSigs = []uint16{w.SigRSAPKCS1SHA256, w.SigRSAPSSPSSSHA256, w.SigRSAPSSSHA256, w.SigECDSAP256, w.SigEd25519, w.SigRSAPKCS1SHA384,
		w.SigRSAPSSPSSSHA384, w.SigRSAPSSSHA384, w.SigECDSAP384, w.SigEd448, w.SigRSAPKCS1SHA512, w.SigRSAPSSPSSSHA512, w.SigRSAPSSSHA512,
		w.SigECDSAP521, w.SigRSAPKCS1SHA1, w.SigECDSASHA1}
)

var clientProfiles = []Profile{
	{ID: "curl", Name: "curl 8.16+ (OpenSSL 3, Debian)", Description: "curl with its OpenSSL backend and the system openssl.cnf: TLS 1.2 and 1.3, OpenSSL's default suites, SNI, the CA bundle, CN fallback through X509_check_host, no AIA.",
		Versions: v13and12, CipherSuites: opensslSuites, Groups: opensslGroups, KeyShares: []uint16{w.GroupX25519}, SignatureAlgorithms: opensslSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, RejectSHA1: true, MinRSABits: 2048, MinECBits: 224, MinDHBits: 2048, MaxCertMessage: 102400, RequireSecureRenegotiation: true,
		Logs: curlLogs, Sources: []string{"§13 curl", "§12 OpenSSL 3.x"}, Unconfirmed: []string{"SNI for IP literals (§13)", "CA bundle environment variables (§13)"}},
	{ID: "python-requests", Name: "Python requests / urllib3 2 (CPython 3.10+)", Description: "TLS 1.2 and 1.3; @SECLEVEL=2 ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES without SHA-1 MACs or static RSA; certifi's Mozilla roots; CN-only certificates rejected.",
		Versions: v13and12, CipherSuites: pythonSuites,
		Groups: opensslGroups, KeyShares: []uint16{w.GroupX25519}, SignatureAlgorithms: opensslSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, RejectSHA1: true, MinRSABits: 2048, MinECBits: 224, MinDHBits: 2048, MaxCertMessage: 102400, RequireSecureRenegotiation: true,
		Logs: pythonLogs, Sources: []string{"§14 Python requests / urllib3"}, Unconfirmed: []string{"certifi's Mozilla bundle is approximated by the system store"}},
	{ID: "node", Name: "Node.js https (bundled OpenSSL)", Description: "TLS 1.2 and 1.3, Node's default cipher list, the bundled Mozilla roots (not the OS store; NODE_EXTRA_CA_CERTS adds), CN used only without SAN, no AIA.",
		Versions: v13and12, CipherSuites: nodeSuites,
		Groups: opensslGroups, KeyShares: []uint16{w.GroupX25519}, SignatureAlgorithms: opensslSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, RejectSHA1: true, MinRSABits: 1024, MinECBits: 224, MinDHBits: 1024, MaxCertMessage: 102400, RequireSecureRenegotiation: true,
		Logs: nodeLogs, Sources: []string{"§15 Node.js"}, Unconfirmed: []string{"the bundled Mozilla roots are approximated by the system store", "the OpenSSL security level of Node's build"}},
	{ID: "dotnet", Name: ".NET HttpClient on Linux", Description: "SslStream over the system OpenSSL: its versions and suites, the system store, and AIA fetching on by default (a missing intermediate is downloaded).",
		Versions: v13and12, CipherSuites: opensslSuites, Groups: opensslGroups, KeyShares: []uint16{w.GroupX25519}, SignatureAlgorithms: opensslSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, RejectSHA1: true, MinRSABits: 2048, MinECBits: 224, MinDHBits: 2048, FetchesAIA: true, MaxCertMessage: 102400, RequireSecureRenegotiation: true,
		Logs: map[cause.Code]string{
			cause.UntrustedRoot:    "The SSL connection could not be established, see inner exception. ---> AuthenticationException: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot",
			cause.ChainIncomplete:  "The remote certificate is invalid because of errors in the certificate chain: PartialChain",
			cause.CertExpired:      "The remote certificate is invalid because of errors in the certificate chain: NotTimeValid",
			cause.HostnameMismatch: "The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch",
		},
		Sources: []string{"§16 .NET HttpClient"}, Unconfirmed: []string{"trust store and CN handling on Linux", "NotTimeValid text"}},
	{ID: "java-6", Name: "Java 6 (6u45)", Description: "TLS 1.0 at most, no SNI, no elliptic curves, RC4/3DES/export suites; cacerts.",
		Versions: []uint16{w.VersionTLS10, w.VersionSSL30}, CipherSuites: []uint16{0x0004, 0x0005, 0x002f, 0x0033, 0x0032, 0x000a, 0x0016, 0x0013, 0x0009, 0x0015, 0x0012, 0x0003, 0x0008, 0x0014, 0x0011},
		SendsSNI: false, Trust: TrustSystem, ChecksHostname: true, CNFallback: true, MinRSABits: 512,
		Logs: javaLogs, Sources: []string{"§10.1 Java 6 (testssl.sh record)"}, Unconfirmed: []string{"the SSLv2Hello record format is sent as a TLS 1.0 hello", "cacerts is approximated by the system store"}},
	{ID: "java-7", Name: "Java 7 (7u25)", Description: "TLS 1.0 for clients (1.1/1.2 implemented but off), SNI, P-256 first, CBC-SHA suites; cacerts.",
		Versions: v10only, CipherSuites: []uint16{0xc009, 0xc013, 0x002f, 0xc004, 0xc00e, 0x0033, 0x0032, 0xc007, 0xc011, 0x0005, 0xc002, 0xc00c, 0xc008, 0xc012, 0x000a, 0xc003, 0xc00d, 0x0016, 0x0013, 0x0004},
		Groups: []uint16{w.GroupP256, w.GroupP384, w.GroupP521}, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, MinRSABits: 1024, MinDHBits: 512,
		Logs: javaLogs, Sources: []string{"§10.1 Java 7 (testssl.sh record)"}, Unconfirmed: []string{"the later 7u update that enabled TLS 1.2 for clients", "sect* curves are not offered here"}},
	{ID: "java-8", Name: "Java 8, current updates (8u442)", Description: "TLS 1.3 and 1.2, JSSE's 31 suites, x25519 first, SNI, cacerts, CN used when there is no DNS SAN, no AIA, no revocation, RSA keys of 1024 bits or more, DH of 1024 or more.",
		Versions: v13and12, CipherSuites: javaSuites, Groups: javaGroups, KeyShares: []uint16{w.GroupX25519, w.GroupP256}, SignatureAlgorithms: javaSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, MinRSABits: 1024, MinECBits: 224, MinDHBits: 1024, MaxCertMessage: 32768, RejectMD5: true, AcceptsDuplicateExtensions: true,
		Logs: javaLogs, Sources: []string{"§10.1 Java 8 current", "§10.2 policy, trust, validation"}, Unconfirmed: []string{"SHA-1 certificates are refused only when they chain to a JDK root; modelled as accepted", "cacerts is approximated by the system store"}},
	{ID: "java-11", Name: "Java 11, current updates (11.0.30+)", Description: "As Java 17: TLS 1.3 and 1.2, no static-RSA (TLS_RSA_*) suites since the January 2026 update, cacerts, CN fallback, no AIA.",
		Versions: v13and12, CipherSuites: javaNoRSAKx, Groups: javaGroups, KeyShares: []uint16{w.GroupX25519, w.GroupP256}, SignatureAlgorithms: javaSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, MinRSABits: 1024, MinECBits: 224, MinDHBits: 1024, MaxCertMessage: 32768, RejectMD5: true, AcceptsDuplicateExtensions: true,
		Logs: javaLogs, Sources: []string{"§10.1 Java 11", "§10.1 newest updates (JDK-8245545)", "§10.2"}, Unconfirmed: []string{"the 11.0.x group list is taken from Java 17 (the 11.0.2 record offered no x25519)"}},
	{ID: "java-17", Name: "Java 17, current updates (17.0.18+)", Description: "TLS 1.3 and 1.2, JSSE's suites without TLS_RSA_*, x25519 first, SNI, cacerts, CN fallback, no AIA.",
		Versions: v13and12, CipherSuites: javaNoRSAKx, Groups: javaGroups, KeyShares: []uint16{w.GroupX25519, w.GroupP256}, SignatureAlgorithms: javaSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, MinRSABits: 1024, MinECBits: 224, MinDHBits: 1024, MaxCertMessage: 32768, RejectMD5: true, AcceptsDuplicateExtensions: true,
		Logs: java17Logs, Sources: []string{"§10.1 Java 17 / 21", "§10.2"}},
	{ID: "java-21", Name: "Java 21, current updates (21.0.10+)", Description: "As Java 17.",
		Versions: v13and12, CipherSuites: javaNoRSAKx, Groups: javaGroups, KeyShares: []uint16{w.GroupX25519, w.GroupP256}, SignatureAlgorithms: javaSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, MinRSABits: 1024, MinECBits: 224, MinDHBits: 1024, MaxCertMessage: 32768, RejectMD5: true, AcceptsDuplicateExtensions: true,
		Logs: javaLogs, Sources: []string{"§10.1 Java 17 / 21", "§10.2"}},
	{ID: "android-4.4", Name: "Android 4.4 apps (HttpsURLConnection)", Description: "TLS 1.0 for client sockets (1.1/1.2 off before API 20), SNI, CBC/RC4/3DES suites, the system store, no AIA.",
		Versions: v10only, CipherSuites: []uint16{0xc014, 0xc00a, 0x0039, 0xc00f, 0xc005, 0x0035, 0xc013, 0xc009, 0x0033, 0xc00e, 0xc004, 0x002f, 0xc011, 0xc007, 0xc00c, 0xc002, 0x0005, 0x0004, 0xc012, 0xc008, 0x0016, 0xc00d, 0xc003, 0x000a},
		Groups: []uint16{w.GroupP521, w.GroupP384, w.GroupP256}, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, MinRSABits: 1024,
		Logs:    map[cause.Code]string{cause.ChainIncomplete: "javax.net.ssl.SSLHandshakeException: java.security.cert.CertPathValidatorException: Trust anchor for certification path not found.", cause.UntrustedRoot: "javax.net.ssl.SSLHandshakeException: java.security.cert.CertPathValidatorException: Trust anchor for certification path not found."},
		Sources: []string{"§18 Old Android"}, Unconfirmed: []string{"the exact 4.4 app cipher order", "CN fallback in the 4.4 hostname verifier", "no AIA fetching"}},
	{ID: "android-7", Name: "Android 7 apps", Description: "TLS 1.2, BoringSSL's suites, x25519/P-256/P-384, SNI, system CAs only (user CAs are not trusted from API 24), no AIA.",
		Versions: v12only, CipherSuites: []uint16{0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc009, 0xc013, 0xc00a, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035},
		Groups: []uint16{w.GroupX25519, w.GroupP256, w.GroupP384}, SignatureAlgorithms: mainstreamSigs, SendsSNI: true,
		Trust: TrustPublic, ChecksHostname: true, CNFallback: true, RejectSHA1: true, MinRSABits: 1024, MinECBits: 224, MaxCertMessage: 102400,
		Logs:    map[cause.Code]string{cause.ChainIncomplete: "javax.net.ssl.SSLHandshakeException: java.security.cert.CertPathValidatorException: Trust anchor for certification path not found.", cause.UntrustedRoot: "javax.net.ssl.SSLHandshakeException: java.security.cert.CertPathValidatorException: Trust anchor for certification path not found."},
		Sources: []string{"§18 Old Android"}, Unconfirmed: []string{"the Android 7 suite list is the 5.0/Chromium-era list", "CN fallback", "no AIA fetching"}},
	{ID: "chrome", Name: "Chrome / Edge (current)", Description: "TLS 1.3 and 1.2, BoringSSL's 15 suites (no DHE, no 3DES), X25519MLKEM768/x25519/P-256/P-384, no SHA-1, no CN fallback, and AIA fetching: a missing intermediate usually still works here and fails elsewhere.",
		Versions: v13and12, CipherSuites: mainstreamSuites, Groups: []uint16{w.GroupX25519MLKEM768, w.GroupX25519, w.GroupP256, w.GroupP384}, KeyShares: []uint16{w.GroupX25519MLKEM768, w.GroupX25519},
		SignatureAlgorithms: mainstreamSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, RejectSHA1: true, MinRSABits: 1024, MinECBits: 224, FetchesAIA: true, MaxCertMessage: 102400,
		Logs:    chromeLogs,
		Sources: []string{"§17.1 Chrome"}, Unconfirmed: []string{"AIA fetching (widely documented, Chrome source not read)", "the Chrome Root Store is approximated by the system store"}},
	{ID: "firefox", Name: "Firefox (current)", Description: "TLS 1.3 and 1.2, NSS's suites, groups up to P-521 and ffdhe2048/3072, no CN fallback. Firefox does not fetch AIA but preloads every public intermediate, which is modelled as completing the chain.",
		Versions: v13and12, CipherSuites: []uint16{0x1301, 0x1303, 0x1302, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc02c, 0xc030, 0xc00a, 0xc009, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035},
		Groups: []uint16{w.GroupX25519MLKEM768, w.GroupX25519, w.GroupP256, w.GroupP384, w.GroupP521, w.GroupFFDHE2048, w.GroupFFDHE3072}, KeyShares: []uint16{w.GroupX25519, w.GroupP256},
		SignatureAlgorithms: []uint16{w.SigECDSAP256, w.SigECDSAP384, w.SigECDSAP521, w.SigRSAPSSSHA256, w.SigRSAPSSSHA384, w.SigRSAPSSSHA512, w.SigRSAPKCS1SHA256, w.SigRSAPKCS1SHA384, w.SigRSAPKCS1SHA512, w.SigECDSASHA1, w.SigRSAPKCS1SHA1},
		SendsSNI:            true, Trust: TrustSystem, ChecksHostname: true, RejectSHA1: true, MinRSABits: 1024, MinECBits: 224, FetchesAIA: true, RejectCALeaf: true,
		Logs: map[cause.Code]string{cause.UntrustedRoot: "SEC_ERROR_UNKNOWN_ISSUER", cause.ChainIncomplete: "SEC_ERROR_UNKNOWN_ISSUER (private intermediates)", cause.SelfSigned: "MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT",
			cause.CertExpired: "SEC_ERROR_EXPIRED_CERTIFICATE", cause.HostnameMismatch: "SSL_ERROR_BAD_CERT_DOMAIN", cause.CipherMismatch: "SSL_ERROR_NO_CYPHER_OVERLAP",
			cause.ProtocolVersionMismatch: "SSL_ERROR_UNSUPPORTED_VERSION", cause.NotTLS: "SSL_ERROR_RX_RECORD_TOO_LONG", cause.CertInvalid: "MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY (a CA certificate as the leaf); SEC_ERROR_UNKNOWN_CRITICAL_EXTENSION (a critical extension it does not know)"},
		Sources: []string{"§17.2 Firefox"}, Unconfirmed: []string{"error code names (§17.2)", "intermediate preloading is modelled as AIA fetching, which also completes private chains"}},
	{ID: "safari", Name: "Safari 18 / Apple platforms", Description: "TLS 1.3 down to 1.0, Apple's suites (3DES last), x25519 and NIST curves; Apple's certificate rules: RSA keys of 2048 bits or more, SHA-2, names only in the SAN, serverAuth EKU, at most 825 days of validity.",
		Versions: v13to10, CipherSuites: []uint16{0x1301, 0x1302, 0x1303, 0xc02c, 0xc02b, 0xcca9, 0xc030, 0xc02f, 0xcca8, 0xc00a, 0xc009, 0xc014, 0xc013, 0x009d, 0x009c, 0x0035, 0x002f, 0xc008, 0xc012, 0x000a},
		Groups: []uint16{w.GroupX25519, w.GroupP256, w.GroupP384, w.GroupP521}, KeyShares: []uint16{w.GroupX25519},
		SignatureAlgorithms: []uint16{w.SigECDSAP256, w.SigRSAPSSSHA256, w.SigRSAPKCS1SHA256, w.SigECDSAP384, w.SigRSAPSSSHA384, w.SigRSAPKCS1SHA384, w.SigRSAPSSSHA512, w.SigRSAPKCS1SHA512, w.SigRSAPKCS1SHA1},
		SendsSNI:            true, Trust: TrustSystem, ChecksHostname: true, RejectSHA1: true, MinRSABits: 2048, MinECBits: 224, MaxValidity: 825,
		Sources: []string{"§17.3 Safari / Apple platforms"}, Unconfirmed: []string{"AIA fetching (modelled as off)", "error texts", "the Apple trust store is approximated by the system store"}},
	{ID: "nginx-proxy-verify", Name: "nginx proxy_pass https:// with proxy_ssl_verify on", Description: "As nginx-proxy (no SNI unless proxy_ssl_server_name on), but verifying against proxy_ssl_trusted_certificate only (give it as --ca-bundle), with X509_check_host against the upstream name.",
		Versions: v13and12, CipherSuites: opensslSuites, Groups: opensslGroups, KeyShares: []uint16{w.GroupX25519}, SignatureAlgorithms: opensslSigs, SendsSNI: false,
		Trust: TrustBundleOnly, ChecksHostname: true, CNFallback: true, RejectSHA1: true, MinRSABits: 2048, MinECBits: 224, MinDHBits: 2048, MaxCertMessage: 102400, RequireSecureRenegotiation: true, MaxIntermediates: 1,
		Logs:    nginxVerifyLogs,
		Sources: []string{"§7 nginx as a reverse proxy", "proxy_ssl_verify_depth 1 with two intermediates fails and 2 works: observed with Debian's nginx"}},
	{ID: "envoy", Name: "Envoy upstream TLS (defaults)", Description: "TLS 1.2 only, ECDHE with AES-GCM or ChaCha20 only (no CBC, no RSA key exchange, no DHE), X25519 and P-256 only, no SNI unless configured, and no certificate verification without trusted_ca. Clients see a 503.",
		Versions: v12only, CipherSuites: []uint16{0xc02b, 0xcca9, 0xc02f, 0xcca8, 0xc02c, 0xc030}, Groups: []uint16{w.GroupX25519, w.GroupP256},
		SignatureAlgorithms: []uint16{w.SigECDSAP256, w.SigRSAPSSSHA256, w.SigRSAPKCS1SHA256, w.SigECDSAP384, w.SigRSAPSSSHA384, w.SigRSAPKCS1SHA384, w.SigRSAPSSSHA512, w.SigRSAPKCS1SHA512, w.SigRSAPKCS1SHA1},
		SendsSNI:            false, Trust: TrustNone,
		Logs: envoyLogs, Sources: []string{"§8 Envoy"}},
	{ID: "haproxy", Name: "HAProxy 3.3+ server ... ssl (defaults)", Description: "OpenSSL's defaults, SNI from the Host header (sni-auto), verify required against ca-file (give it as --ca-bundle), names checked against the SNI.",
		Versions: v13and12, CipherSuites: opensslSuites, Groups: opensslGroups, KeyShares: []uint16{w.GroupX25519}, SignatureAlgorithms: opensslSigs, SendsSNI: true,
		Trust: TrustBundleOnly, ChecksHostname: true, CNFallback: true, RejectSHA1: true, MinRSABits: 2048, MinECBits: 224, MinDHBits: 2048, MaxCertMessage: 102400, RequireSecureRenegotiation: true,
		Logs:    haproxyLogs,
		Sources: []string{"§9 HAProxy"}, Unconfirmed: []string{"which HTTP status its clients receive (503 or 502)"}},
	{ID: "aws-apigw-rest", Name: "AWS API Gateway REST API, HTTP/HTTP_PROXY or VPC-link integration", Description: "A JSSE client (Java 8-like offer, UNCONFIRMED), SNI, AWS's fixed list of supported CAs (no custom CA can be added: --ca-bundle is ignored), CN fallback (Apache HttpClient), no AIA. Clients see HTTP 500.",
		Versions: v13and12, CipherSuites: javaSuites, Groups: javaGroups, KeyShares: []uint16{w.GroupX25519, w.GroupP256}, SignatureAlgorithms: javaSigs, SendsSNI: true,
		Trust: TrustPublic, ChecksHostname: true, CNFallback: true, MinRSABits: 1024, MinECBits: 224, MinDHBits: 1024,
		Logs: awsLogs, Sources: []string{"§1 AWS API Gateway REST", "§2 VPC link", "§10 Java JSSE"},
		Unconfirmed: []string{"TLS versions, suites and groups offered (AWS does not publish them; a Java 8 offer is assumed)", "SNI", "CN fallback", "the AWS CA list is approximated by the system store"}},
	{ID: "aws-apigw-rest-skip-verify", Name: "AWS API Gateway REST API with insecureSkipVerification", Description: "As aws-apigw-rest, but the CA need not be on AWS's list: the chain must still reach a root (a private root must be CA:TRUE with keyCertSign), be within its dates, and cover the integration URI's host.",
		Versions: v13and12, CipherSuites: javaSuites, Groups: javaGroups, KeyShares: []uint16{w.GroupX25519, w.GroupP256}, SignatureAlgorithms: javaSigs, SendsSNI: true,
		Trust: TrustAnyRoot, ChecksHostname: true, CNFallback: true, MinRSABits: 1024, MinECBits: 224, MinDHBits: 1024,
		Logs: awsLogs, Sources: []string{"§1 AWS API Gateway REST (insecureSkipVerification)"},
		Unconfirmed: []string{"as aws-apigw-rest", "the keyCertSign requirement on a private root is not checked"}},
	{ID: "aws-apigw-http", Name: "AWS API Gateway HTTP API, private integration with tlsConfig.serverNameToVerify", Description: "TLS only when serverNameToVerify is set, which is then the SNI and the name checked. Without it the gateway speaks plain HTTP and a TLS back end answers 400.",
		Versions: v13and12, CipherSuites: javaSuites, Groups: javaGroups, KeyShares: []uint16{w.GroupX25519, w.GroupP256}, SignatureAlgorithms: javaSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, MinRSABits: 1024, MinECBits: 224, MinDHBits: 1024,
		Sources: []string{"§3 AWS API Gateway HTTP APIs"}, Unconfirmed: []string{"versions, suites, trust store and error texts: none published"}},
	{ID: "oci-apigw", Name: "OCI API Gateway HTTPS back end", Description: "The default CA bundle of public CAs plus any CA or CA-bundle resources added to the gateway (give them as --ca-bundle), no AIA (a missing intermediate fails). Every handshake failure is logged as HANDSHAKE_FAILED.",
		Versions: v13and12, CipherSuites: opensslSuites, Groups: opensslGroups, KeyShares: []uint16{w.GroupX25519}, SignatureAlgorithms: opensslSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, RejectSHA1: true, MinRSABits: 2048, MinECBits: 224,
		Logs: map[cause.Code]string{
			cause.ChainIncomplete: ociLog, cause.UntrustedRoot: ociLog, cause.SelfSigned: ociLog, cause.CertExpired: ociLog, cause.CertNotYetValid: ociLog,
			cause.HostnameMismatch: ociLog, cause.ProtocolVersionMismatch: ociLog, cause.CipherMismatch: ociLog, cause.GroupMismatch: ociLog,
			cause.NotTLS: ociLog, cause.ResetDuringHandshake: ociLog, cause.ClosedDuringHandshake: ociLog, cause.KeyMismatch: ociLog, cause.WeakKey: ociLog,
		},
		Sources:     []string{"§4 OCI API Gateway", "seeds: oci-api-gateway-https-backend-handshake-failed"},
		Unconfirmed: []string{"back-end TLS versions and suites (the published list covers the client-facing listener; OpenSSL defaults are assumed)", "SNI", "the full log line"}},
	{ID: "azure-appgw-v2", Name: "Azure Application Gateway v2, HTTPS back end", Description: "TLS 1.2 (required from 2025-08-31), SNI = the back-end setting's host name (none for IP targets), well-known CAs or an uploaded trusted root (give it as --ca-bundle), full chain required, CN used when there is no SAN. Clients see 502.",
		Versions: v13and12, CipherSuites: opensslSuites, Groups: opensslGroups, KeyShares: []uint16{w.GroupX25519}, SignatureAlgorithms: opensslSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, RejectSHA1: true, MinRSABits: 2048, MinECBits: 224,
		Logs: map[cause.Code]string{
			cause.CertExpired:     "Backend certificate is invalid. Current date is not within the \"Valid from\" and \"Valid to\" date range on the certificate.",
			cause.ChainIncomplete: "Intermediate certificate is missing (backend health)",
			cause.UntrustedRoot:   "The root certificate of the server certificate used by the backend does not match the trusted root certificate added to the application gateway",
		},
		Sources: []string{"§5 Azure Application Gateway"}, Unconfirmed: []string{"suites and TLS 1.3 to back ends (OpenSSL defaults assumed)"}},
	{ID: "python", Name: "Python ssl, urllib.request, http.client (CPython 3.10+)", Description: "ssl.create_default_context(): TLS 1.2 and 1.3, CPython's cipher string (ECDHE and DHE with AEAD or CBC-SHA2, no static RSA), the system store or the cafile given, and the name checked with hostname_checks_common_name on: unlike urllib3 2, the subject CN is used when the certificate has no DNS SAN.",
		Versions: v13and12, CipherSuites: pythonSuites, Groups: opensslGroups, KeyShares: []uint16{w.GroupX25519}, SignatureAlgorithms: opensslSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, RejectSHA1: true, MinRSABits: 2048, MinECBits: 224, MinDHBits: 2048, MaxCertMessage: 102400, RequireSecureRenegotiation: true,
		Logs: pythonLogs, Sources: []string{"§14 Python requests / urllib3", "§27 what the clients here do"}},
	{ID: "gnutls", Name: "GnuTLS 3.7 clients (gnutls-cli on Debian)", Description: "GnuTLS's default priority as Debian 12 ships it: TLS 1.3 down to 1.0, AES-GCM, AES-CCM, ChaCha20 and CBC suites (no 3DES, no static-RSA CBC), groups up to P-521 with x448 and the ffdhe groups, SNI, the system store, the CN used when there is no DNS SAN, SHA-1 certificate signatures refused, RSA keys of 1024 bits accepted, no AIA.",
		Versions: v13to10, CipherSuites: gnutlsSuites, Groups: []uint16{w.GroupP256, w.GroupP384, w.GroupP521, w.GroupX25519, w.GroupX448, w.GroupFFDHE2048, w.GroupFFDHE3072, w.GroupFFDHE4096, w.GroupFFDHE6144, w.GroupFFDHE8192},
		KeyShares: []uint16{w.GroupP256, w.GroupX25519}, SignatureAlgorithms: gnutlsSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, RejectSHA1: true, MinRSABits: 1024, MinECBits: 224, MaxCertMessage: 131072, AcceptsDuplicateExtensions: true,
		Logs: gnutlsLogs, Sources: []string{"§27 what the clients here do"}, Unconfirmed: []string{"the smallest RSA key accepted (1024 bits works; smaller was not tried)", "GnuTLS limits the whole handshake message (128 KiB by default), modelled as the certificate message: 150 KB fails here"}},
	{ID: "wget", Name: "wget on Debian (GnuTLS 3.7)", Description: "As gnutls, whose library and default priority it uses: TLS 1.3 down to 1.0, SNI, the system store or --ca-certificate, the CN used when there is no DNS SAN, SHA-1 refused, no AIA; unlike gnutls-cli it does not check the certificate's extended key usage.",
		Versions: v13to10, CipherSuites: gnutlsSuites, Groups: []uint16{w.GroupP256, w.GroupP384, w.GroupP521, w.GroupX25519, w.GroupX448, w.GroupFFDHE2048, w.GroupFFDHE3072, w.GroupFFDHE4096, w.GroupFFDHE6144, w.GroupFFDHE8192},
		KeyShares: []uint16{w.GroupP256, w.GroupX25519}, SignatureAlgorithms: gnutlsSigs, SendsSNI: true,
		Trust: TrustSystem, ChecksHostname: true, CNFallback: true, RejectSHA1: true, MinRSABits: 1024, MinECBits: 224, MaxCertMessage: 131072, AcceptsDuplicateExtensions: true, SkipsEKU: true,
		Logs: gnutlsLogs, Sources: []string{"§27 what the clients here do"}, Unconfirmed: []string{"the smallest RSA key accepted (1024 bits works; smaller was not tried)", "GnuTLS limits the whole handshake message (128 KiB by default), modelled as the certificate message: 150 KB fails here"}},
}
