package explain

import (
	"strings"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/cause"
)

// healthy are lines that mention TLS, SNI, mutual TLS, certificates,
// handshakes or versions and state no failure, as servers, proxies and
// clients log them at INFO or DEBUG level. None may be recognised: "Not
// recognised" means the text shows no TLS failure.
var healthy = []string{
	// nginx
	`2026/11/30 07:00:00 [notice] 1#1: using the "epoll" event method`,
	`10.0.0.9 - - [30/Nov/2026:07:00:00 +0000] "GET /v1/orders HTTP/2.0" 200 612 "-" "Mozilla/5.0" TLSv1.3 TLS_AES_256_GCM_SHA384 sni=api.example.com`,
	`2026/11/30 07:00:00 [debug] 12#12: *5 SSL server name: "api.example.com"`,
	`2026/11/30 07:00:00 [debug] 12#12: *5 SSL_do_handshake: 1`,
	`2026/11/30 07:00:00 [debug] 12#12: *5 SSL: TLSv1.3, cipher: "TLS_AES_256_GCM_SHA384 TLSv1.3 Kx=any Au=any Enc=AESGCM(256) Mac=AEAD"`,
	`2026/11/30 07:00:00 [debug] 12#12: *5 ssl new session: 5E3F9A21:32:1024`,
	`2026/11/30 07:00:00 [info] 12#12: *5 client 10.0.0.9 closed keepalive connection`,
	`2026/11/30 07:00:00 [notice] 1#1: ssl_verify_client on: client certificate required for location /admin, verify depth 2`,
	// Envoy / Istio
	`[2026-11-30 07:00:00.000][14][debug][connection] [source/extensions/transport_sockets/tls/ssl_socket.cc:255] [C12] handshake complete`,
	`[2026-11-30 07:00:00.000][14][debug][filter] [source/extensions/filters/listener/tls_inspector/tls_inspector.cc:137] tls:onServerName(), requestedServerName: api.example.com`,
	`[2026-11-30T07:00:00.000Z] "GET /v1/items HTTP/2" 200 - via_upstream - "-" 0 1532 5 4 "-" "curl/8.5.0" "7b1d2c3e" "api.example.com" "10.0.0.5:8443" outbound|8443||api.default.svc.cluster.local 10.0.0.9:51234 10.0.0.5:8443 10.0.0.9:40000 api.example.com -`,
	`2026-11-30T07:00:00.000000Z	info	sds	SDS: PUSH resource=default`,
	`2026-11-30T07:00:00.000000Z	info	cache	generated new workload certificate	latency=103.2ms ttl=23h59m59.5s`,
	`2026-11-30T07:00:00.000000Z	info	authn	PeerAuthentication default/default: mTLS mode STRICT applied to 12 workloads`,
	`[2026-11-30 07:00:00.000][1][info][upstream] [source/common/upstream/cds_api_helper.cc:32] cds: add 3 cluster(s), remove 0 cluster(s)`,
	// Go
	`2026/11/30 07:00:00 listening on :8443 (TLS 1.2 minimum, mTLS optional, SNI routing on)`,
	`{"level":"info","ts":1764486000.1,"logger":"tls","msg":"certificate obtained successfully","identifier":"api.example.com"}`,
	`{"level":"info","ts":1764486000.1,"logger":"tls.cache.maintenance","msg":"started background certificate maintenance"}`,
	`time=2026-11-30T07:00:00Z level=INFO msg="tls handshake done" sni=api.example.com version=TLS1.3 cipher=TLS_AES_128_GCM_SHA256 resumed=false err=<nil>`,
	`2026/11/30 07:00:00 reloaded certificate for api.example.com: notBefore=2026-11-01 notAfter=2027-01-30, self-signed=false`,
	// Java
	`2026-11-30 07:00:00.000  INFO 1 --- [main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port(s): 8443 (https) with context path ''`,
	`2026-11-30 07:00:00.000  INFO 1 --- [main] o.a.t.util.net.NioEndpoint.certificate   : Connector [https-jsse-nio-8443], TLS virtual host [_default_], certificate type [UNDEFINED] configured from keystore [/etc/tls/keystore.p12] using alias [tomcat] with trust store [null]`,
	`javax.net.ssl|DEBUG|01|main|2026-11-30 07:00:00.000 UTC|ServerNameExtension.java:359|Consumed extension: server_name`,
	`javax.net.ssl|DEBUG|01|main|2026-11-30 07:00:00.000 UTC|Finished.java:917|Consuming server Finished handshake message`,
	`2026-11-30 07:00:00,000 DEBUG [main] c.e.tls.TrustConfig - trust anchors loaded: 148, certification path validation enabled, revocation checking off`,
	`2026-11-30 07:00:00,000 INFO  [main] c.e.tls.KeyLoader - RSA key size 2048 bits, signature algorithm SHA256withRSA, ExtendedKeyUsage serverAuth`,
	// Kubernetes
	`I1130 07:00:00.000000       1 secure_serving.go:213] Serving securely on [::]:6443`,
	`I1130 07:00:00.000000       1 tlsconfig.go:240] "Starting DynamicServingCertificateController"`,
	`I1130 07:00:00.000000    2215 certificate_manager.go:356] kubernetes.io/kube-apiserver-client-kubelet: Certificate expiration is 2027-11-30 07:00:00 +0000 UTC, rotation deadline is 2027-08-12 03:11:52 +0000 UTC`,
	`I1130 07:00:00.000000       1 conditions.go:203] Setting lastTransitionTime for Certificate "api-tls" condition "Ready" to 2026-11-30 07:00:00 +0000 UTC`,
	`I1130 07:00:00.000000       1 trigger_controller.go:194] cert-manager/certificates-trigger "msg"="Certificate is valid, not re-issuing; renewal scheduled" "key"="default/api-tls"`,
	// HAProxy
	`<134>Nov 30 07:00:00 haproxy[183151]: Proxy fe_https started.`,
	`<134>Nov 30 07:00:00 haproxy[183151]: Server be_api/api1 is UP, reason: Layer6 check passed, check duration: 3ms. 2 active and 0 backup servers online.`,
	`<134>Nov 30 07:00:00 haproxy[183151]: 10.0.0.9:51234 [30/Nov/2026:07:00:00.123] fe_https~ be_api/api1 0/0/1/3/4 200 512 - - ---- 1/1/0/0/0 0/0 ssl=TLSv1.3/TLS_AES_128_GCM_SHA256 sni=api.example.com "GET /v1 HTTP/1.1"`,
	// OpenSSL and curl, verbose on success
	`* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / X25519 / RSASSA-PSS`,
	`*  subjectAltName: host "api.example.com" matched cert's "api.example.com"`,
	`*  SSL certificate verify ok.`,
	`notAfter=Jan 30 12:00:00 2027 GMT`,
	`Secure Renegotiation IS NOT supported`,
	`Verify return code: 0 (ok)`,
	// other
	`2026-11-30T07:00:00.000Z INFO peer closed the connection gracefully after the TLS session ended`,
	`2026-11-30T07:00:00.000Z INFO ocsp: stapled response for CN=api.example.com: good, not revoked, next update in 3d`,
	`2026-11-30T07:00:00.000Z INFO stats: handshakes=1200 failures=0 resumed=800 sni_missing=0`,
	`2026-11-30T07:00:00.000Z INFO request completed without errors: GET /v1 200 sni=api.example.com`,
	`2026-11-30T07:00:00.000Z INFO TLS 1.0 and TLS 1.1 disabled by policy; minimum protocol version TLS1.2`,
	`2026-11-30T07:00:00.000Z INFO max handshake message size 65536; verify depth 4; path length constraint none`,
	`2026-11-30T07:00:00.000Z INFO self-signed CA generated for local development: /tmp/dev-ca.pem`,
	`2026-11-30T07:00:00.000Z INFO SHA-1 signatures disabled by policy; DH parameters 2048 bits; RSA key size 3072`,
	`Event 36880, Schannel: An SSL server handshake completed successfully. The negotiated cryptographic parameters are as follows. Protocol version: TLS 1.2 CipherSuite: 0xC030 Exchange strength: 384 bits`,
	`I1130 07:00:00.000000       1 tlsconfig.go:200] "Loaded serving cert" certName="serving-cert::/etc/kubernetes/pki/apiserver.crt" certDetail="\"kube-apiserver\" [serving] validServingFor=[10.96.0.1,kubernetes] issuer=\"kubernetes\" (2026-01-01 00:00:00 +0000 UTC to 2027-01-01 00:00:00 +0000 UTC (now=2026-11-30 07:00:00 +0000 UTC))"`,
	`2026-11-30 07:00:00.123 UTC [1234] LOG:  connection authorized: user=app database=app application_name=psql SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)`,
	`2026-11-30T07:00:00Z INFO backup finished (10:32:01), 36874 files`,
	`INFO plaintext listener on :8080 for health checks; TLS listener on :8443`,
	`INFO renegotiation disabled; session tickets on; protocol version TLS1.3 negotiated`,
}

// The lines a new user's review found recognised as failures.
var reviewed = []string{
	"2026-11-30T07:00:00Z INFO tls: handshake complete sni=api.example.com version=TLS1.3",
	"INFO mTLS client verified: CN=svc-a",
	"INFO listener started: TLS enabled, SNI routing on, mTLS optional",
}

func TestHealthyLinesAreNotFailures(t *testing.T) {
	if len(healthy) < 20 {
		t.Fatalf("only %d healthy lines", len(healthy))
	}
	wantNone(t, healthy...)
	wantNone(t, reviewed...)
	// As a log: no failure, and nothing counted as a failure no pattern
	// knows either.
	log := strings.Join(append(append([]string(nil), healthy...), reviewed...), "\n") + "\n"
	s, err := ReadLog(strings.NewReader(log), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Recognised != 0 || len(s.Groups) != 0 || s.Unrecognised != 0 || s.BinaryLines != 0 {
		t.Errorf("a log of healthy lines: %d failures recognised in %d groups, %d unrecognised %q, %d binary",
			s.Recognised, len(s.Groups), s.Unrecognised, s.Samples, s.BinaryLines)
	}
}

// The same subjects with a failure stated are still recognised, each by
// the reading its subject gives.
func TestTopicsWithAFailure(t *testing.T) {
	for _, c := range []struct {
		msg string
		top cause.Code
	}{
		{"ERROR tls: handshake with api.example.com failed: server requires SNI", cause.SNIRequired},
		{"upload failed: mTLS required by the server", cause.ClientCertRequired},
		{"sync aborted: plaintext HTTP response on a TLS port", cause.NotTLS},
		{"ERROR: renegotiation refused by the peer", cause.RenegotiationUnsafe},
		{"connect error: certificate notAfter=2024-01-01 is in the past", cause.CertExpired},
		{"x509 check error: self-signed certificate", cause.SelfSigned},
		{"backup job failed: TLS handshake timeout after 10s", cause.HandshakeTimeout},
		{"login rejected: TLS 1.0 disabled on this server", cause.ProtocolVersionMismatch},
		{"dial error: no trust anchor for this certificate", cause.UntrustedRoot},
	} {
		wantTop(t, c.msg, c.top)
	}
	// The failure must be stated outside the subject's own words (a
	// handshake timeout setting states none), and a field that names a
	// value (sni=NAME) states nothing about it.
	wantNone(t,
		"INFO transport: TLS handshake timeout 10s, idle timeout 90s",
		"DEBUG reload: sni=api.example.com errors=0",
		`level=error msg="payment failed" status=500 sni=api.example.com mtls=true`,
	)
}

func TestStatesFailure(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want bool
	}{
		{"handshake failed", true},
		{"SSL routines::sslv3 alert handshake_failure", true},
		{"javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake", true},
		{"ssl.SSLError: [SSL] record layer", true},
		{"AuthenticationFailedException", true},
		{"level=error msg=dial", true},
		{"connection refused", true},
		{"request timed out", true},
		{"INFO request served, no errors", false},
		{"handshake done err=<nil>", false},
		{`{"error":""}`, false},
		{"errors: 0, warnings: 2", false},
		{"failures=0", false},
		{"non-fatal", false},
		{"X509ChainStatusFlags.NoError", false},
		{"failover to replica 2 complete", false},
		{"opened /var/log/nginx/error.log", false},
		{"I1130 07:00:00.000000 1 errors.go:12] started", false},
		{"terror and default", false},
		{"read timeout 30s, idle timeout=90s", false},
		{"timeout waiting for the server hello", true},
	} {
		if got := StatesFailure(c.msg); got != c.want {
			t.Errorf("StatesFailure(%q) = %v, want %v (spans %v)", c.msg, got, c.want, failures(c.msg, asciiLower(c.msg)))
		}
	}
}

// Words are matched as words: a name that ends in "name" is not a host
// name, DHCP is not Diffie-Hellman, a checksum is not a host.
func TestWordBoundaries(t *testing.T) {
	wantNone(t,
		"login failed: username mismatch",
		"ERROR dhcp pool too small for subnet",
		"ERROR download: sha256 does not match expected checksum",
		"ERROR order 36874 failed validation",
		"backup failed (10:32:01)",
		"ERROR IP 10.0.0.5 is not allowlisted",
	)
	for _, c := range []struct {
		msg string
		top cause.Code
	}{
		{"sync failed: hostname mismatch", cause.HostnameMismatch},
		{"handshake error: DH key too small", cause.WeakKey},
		{"Schannel event ID 36874: a fatal alert was generated", cause.CipherMismatch},
		{"upstream SSL certificate verify error: (10:certificate has expired)", cause.CertExpired},
	} {
		wantTop(t, c.msg, c.top)
	}
}

// wantTop checks that msg is recognised with top as its first candidate.
func wantTop(t *testing.T, msg string, top cause.Code) {
	t.Helper()
	if r := Explain(msg); !r.Matched || r.Candidates[0].Cause != top {
		t.Errorf("%q: %s %v, want %s first", msg, r.Pattern, r.Causes(), top)
	}
}

// wantNone checks that no message of msgs is recognised.
func wantNone(t *testing.T, msgs ...string) {
	t.Helper()
	for _, msg := range msgs {
		if r := Explain(msg); r.Matched {
			t.Errorf("%q: recognised as %s %v", msg, r.Pattern, r.Causes())
		}
	}
}
