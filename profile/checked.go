package profile

// checked names the real clients each profile was held to here
// (lab/realclient, docs/conformance.md) and how they differ from it; the
// rules they confirmed are in confirmed.go, written by that test.
var checked = map[string]*Check{
	"openssl": {
		Clients: []string{"openssl s_client, OpenSSL 3.0.22 (Debian 12)"},
		Differs: []string{
			"Debian 12 sets no MinProtocol: s_client offers TLS 1.1 and 1.0 too, but at security level 2 it cannot complete them (the server signs with SHA-1 or MD5-SHA1: \"legacy sigalg disallowed or unsupported\"), so the profile offers the versions it can complete and the verdict against a TLS 1.0 server (PROTOCOL_VERSION_MISMATCH) stands",
		},
	},
	"curl": {
		Clients: []string{"curl 7.88.1 with OpenSSL 3.0.22 (Debian 12)"},
		Differs: []string{
			"Debian 12 ships curl 7.88.1, not the 8.16+ the profile names: the rules and messages here are 7.88.1's (\"curl: (35) OpenSSL/3.0.22: error:...\"); curl 8 may word its own prefixes differently",
			"curl offers TLS 1.1 and 1.0 too but cannot complete them at security level 2, as openssl s_client; against a TLS 1.0 server it logs \"legacy sigalg disallowed or unsupported\", not \"tlsv1 alert protocol version\"",
		},
	},
	"gnutls": {
		Clients: []string{"gnutls-cli 3.7.9 (Debian 12)"},
	},
	"wget": {
		Clients: []string{"wget 1.21.3 with GnuTLS 3.7.9 (Debian 12)"},
	},
	"python": {
		Clients: []string{"Python 3.11.2 ssl with OpenSSL 3.0.22 (Debian 12)"},
		Differs: []string{
			"Debian's Python offers OpenSSL's DEFAULT suites and TLS 1.1 and 1.0 as well (it leaves both to OpenSSL); the verdicts here are the same, as TLS 1.0/1.1 cannot complete at security level 2",
		},
	},
	"python-requests": {
		Clients: []string{"requests 2.28.1 with urllib3 1.26.12, Python 3.11.2 (Debian 12)"},
		Differs: []string{
			"Debian 12's python3-requests uses urllib3 1.26.12, which checks the name with the CN fallback of Python's ssl: a certificate with only a CN works there, while urllib3 2 (the profile) refuses it (reviewed version difference cn-only)",
			"Debian's Python offers OpenSSL's DEFAULT suites and TLS 1.1 and 1.0 as well; the verdicts here are the same",
		},
	},
	"node": {
		Clients: []string{"Node.js 20.20.2 https with its bundled OpenSSL 3.0.19"},
	},
	"java-17": {
		Clients: []string{"OpenJDK 17.0.15 HttpsURLConnection (Debian 12)"},
		Differs: []string{
			"Debian 12 ships 17.0.15, before the 17.0.18 update the profile names: it still offers the TLS_RSA_* and DHE_DSS suites and SHA-1 signature algorithms; no lab endpoint needs them, so the verdicts are the same",
		},
	},
	"go": {
		Clients: []string{"Go 1.26 net/http"},
	},
	"nginx-proxy": {
		Clients: []string{"nginx 1.22.1 (Debian 12), proxy_ssl_server_name off and on"},
		Differs: []string{
			"Debian 12 ships nginx 1.22.1, not the 1.27.3+ the profile names: its default proxy_ssl_protocols leave TLS 1.3 out (TLSv1 TLSv1.1 TLSv1.2), so against a TLS 1.3-only back end 1.22 fails where the profile works; no lab endpoint is TLS 1.3-only",
		},
	},
	"nginx-proxy-verify": {
		Clients: []string{"nginx 1.22.1 (Debian 12) with proxy_ssl_verify on, proxy_ssl_server_name off and on"},
		Differs: []string{
			"nginx 1.22.1, as for nginx-proxy: no TLS 1.3 by default",
			"a leaf sent without its intermediate is logged as error 21 (unable to verify the first certificate), not 20: nginx's verify callback lets OpenSSL go on past error 20",
		},
	},
	"haproxy": {
		Clients: []string{"HAProxy 2.6.12 (Debian 12) with verify required, ca-file and sni"},
		Differs: []string{
			"Debian 12 ships HAProxy 2.6.12, not the 3.3+ the profile names: 2.6 sends no SNI unless told (sni str(NAME) is configured here, as sni-auto does in 3.3) and checks the name against the SNI",
		},
	},
	"chrome": {
		Clients: []string{"Chromium 156 headless (Debian 12)"},
		Differs: []string{
			"Chromium 156 also sends an X25519MLKEM768 key share and ML-DSA signature schemes (0x0904-0x0906); the probe does not build ML-KEM shares and sends the x25519 one alone",
			"an ECDSA-SHA1 leaf under a locally trusted root is ERR_CERT_INVALID, not ERR_CERT_WEAK_SIGNATURE_ALGORITHM",
		},
	},
}
