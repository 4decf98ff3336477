package explain

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/cause"
)

func stackIDs(r *Result) []string {
	var ids []string
	for _, s := range r.Stacks {
		ids = append(ids, s.ID)
	}
	return ids
}

// The wording every stack uses gives ranked candidates when no stack's own
// message is there; it decides nothing and names no stack.
func TestGenericLayer(t *testing.T) {
	for _, c := range []struct {
		msg string
		top cause.Code
	}{
		{"handshake timed out", cause.HandshakeTimeout},
		{"sync failed: the server certificate is not trusted", cause.UntrustedRoot},
		{"TLS 1.0 is not supported by this endpoint", cause.ProtocolVersionMismatch},
		{"upload refused: TLSv1.2+ is required", cause.ProtocolVersionMismatch},
		{"peer did not present a certificate; certificate required", cause.ClientCertRequired},
		{"upload failed: hostname does not match the certificate", cause.HostnameMismatch},
		{"our backend cert expired yesterday", cause.CertExpired},
		{"cannot connect: certificate not valid before 2031-01-01", cause.CertNotYetValid},
		{"Could not establish a secure connection: no cipher in common", cause.CipherMismatch},
		{"sync aborted: plaintext HTTP response on a TLS port", cause.NotTLS},
	} {
		r := Explain(c.msg)
		if !r.Matched {
			t.Errorf("%q: not recognised", c.msg)
			continue
		}
		if r.Candidates[0].Cause != c.top {
			t.Errorf("%q: top %s, want %s (%s)", c.msg, r.Candidates[0].Cause, c.top, r.Pattern)
		}
		if !strings.HasPrefix(r.Pattern, GenericStack+"/") || r.Decided {
			t.Errorf("%q: decided by %s (decided %v): want the generic layer, undecided", c.msg, r.Pattern, r.Decided)
		}
		if ids := stackIDs(r); len(ids) != 1 || ids[0] != GenericStack {
			t.Errorf("%q: stacks %v", c.msg, ids)
		}
	}
	// A stack's own message wins over the wording it shares.
	if r := Explain("x509: certificate signed by unknown authority"); r.Pattern != "go/unknown-authority" {
		t.Errorf("Go's unknown authority decided by %s", r.Pattern)
	}
	// Text with no TLS failure in it stays unrecognised.
	for _, msg := range []string{
		"Started server on :8443",
		"INFO request completed in 3ms status=200",
		"renewed certificate for example.com, valid until 2030-01-01",
		"TLS handshake completed: TLSv1.3 TLS_AES_128_GCM_SHA256",
		"loaded 148 CA certificates from /etc/ssl/certs",
	} {
		if r := Explain(msg); r.Matched {
			t.Errorf("%q: recognised as %s %v", msg, r.Pattern, r.Causes())
		}
	}
}

// Who logged a line changes what a certificate alert, a certificate
// requirement or a refused version means.
func TestWhoLoggedIt(t *testing.T) {
	for _, c := range []struct {
		msg     string
		side    Side
		top     cause.Code
		decided bool
		not     cause.Code // must not be a candidate ("" for none)
		meaning string     // a word the meaning must hold
	}{
		// A client that receives bad_certificate had its own certificate refused.
		{`Get "https://api.example.com/": remote error: tls: bad certificate`, SideClient, cause.ClientCertRequired, true, cause.UntrustedRoot, "client's certificate"},
		{"curl: (56) OpenSSL SSL_read: error:0A000412:SSL routines::sslv3 alert bad certificate, errno 0", SideClient, cause.ClientCertRequired, true, cause.UntrustedRoot, "client's certificate"},
		// A server that receives it had its chain refused by the client.
		{"http: TLS handshake error from 10.0.0.5:51234: remote error: tls: bad certificate", SideServer, cause.UntrustedRoot, false, cause.ClientCertRequired, "client rejected"},
		{"2024/05/01 10:00:00 [info] 12#12: *5 SSL_do_handshake() failed (SSL: error:0A000412:SSL routines::sslv3 alert bad certificate:SSL alert number 42) while SSL handshaking, client: 10.0.0.9, server: 0.0.0.0:443", SideServer, cause.UntrustedRoot, false, cause.ClientCertRequired, "client refused"},
		{"<134>May 12 17:14:04 haproxy[183151]: 127.0.0.1:49346 [12/May/2023:17:14:04.571] frt2/1: SSL handshake failure (error:0A000418:SSL routines::tlsv1 alert unknown ca)", SideServer, cause.UntrustedRoot, false, cause.ClientCertRequired, "client refused"},
		// A server that fails to verify a certificate is verifying a client's.
		{"http: TLS handshake error from 10.1.2.3:4444: tls: failed to verify certificate: x509: certificate signed by unknown authority", SideServer, cause.ClientCertRequired, true, "", "client's certificate"},
		{"E0925 22:45:43.610253 1 authentication.go:53] Unable to authenticate the request due to an error: x509: certificate has expired or is not yet valid: current time 2023-09-25T22:45:43Z is after 2023-09-25T12:10:16Z", SideServer, cause.ClientCertRequired, true, "", "client's certificate"},
		// Certificate required: the server's view and the client's.
		{"http: TLS handshake error from 10.1.2.3:4444: tls: client didn't provide a certificate", SideServer, cause.ClientCertRequired, true, "", "sent none"},
		{"curl: (56) OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0", SideClient, cause.ClientCertRequired, true, "", "client certificate"},
		// Unsupported protocol: an old client at a server, a server this client refuses.
		{"2024/05/01 10:00:00 [info] 12#12: *5 SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::unsupported protocol) while SSL handshaking, client: 10.0.0.9, server: 0.0.0.0:443", SideServer, cause.ProtocolVersionMismatch, true, "", "connecting client"},
		{"curl: (35) error:0A000102:SSL routines::unsupported protocol", SideClient, cause.ProtocolVersionMismatch, true, "", "server offers"},
	} {
		r := Explain(c.msg)
		if !r.Matched {
			t.Errorf("%.60q: not recognised", c.msg)
			continue
		}
		if r.Side != c.side || r.Candidates[0].Cause != c.top || r.Decided != c.decided {
			t.Errorf("%.60q: side %q top %s decided %v (%s %v); want %q %s %v", c.msg, r.Side, r.Candidates[0].Cause, r.Decided, r.Pattern, r.Causes(), c.side, c.top, c.decided)
		}
		if c.not != "" && r.Rank(c.not) > 0 {
			t.Errorf("%.60q: %s among %v", c.msg, c.not, r.Causes())
		}
		if !strings.Contains(r.Meaning, c.meaning) {
			t.Errorf("%.60q: meaning %q lacks %q", c.msg, r.Meaning, c.meaning)
		}
		if c.side == SideServer && !strings.Contains(r.Context, "logged by the server") {
			t.Errorf("%.60q: context %q does not say the server logged it", c.msg, r.Context)
		}
	}
	// With no sign of who logged it, a received certificate alert keeps
	// both readings.
	for _, msg := range []string{"remote error: tls: bad certificate", "javax.net.ssl.SSLHandshakeException: Received fatal alert: certificate_unknown"} {
		r := Explain(msg)
		if r.Side != SideUnknown || r.Decided || r.Rank(cause.ClientCertRequired) == 0 || r.Rank(cause.UntrustedRoot) == 0 {
			t.Errorf("%q: side %q decided %v candidates %v: want both readings", msg, r.Side, r.Decided, r.Causes())
		}
	}
	// nginx's listener side gets a listener's fix, not an upstream's.
	r := Explain("2024/05/01 10:00:00 [info] 12#12: *5 SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::unsupported protocol) while SSL handshaking, client: 10.0.0.9, server: 0.0.0.0:443")
	if fix := r.Candidates[0].Fix; strings.Contains(fix, "proxy_ssl") || !strings.Contains(fix, "client") {
		t.Errorf("nginx listener: fix %q", fix)
	}
}

// Separate facts in one message add up; where they point elsewhere the
// message no longer decides.
func TestSeparateFactsAddUp(t *testing.T) {
	r := Explain("System.Security.Authentication.AuthenticationException: The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch, RemoteCertificateChainErrors")
	if r.Decided || r.Candidates[0].Cause != cause.HostnameMismatch || r.Rank(cause.UntrustedRoot) == 0 {
		t.Errorf(".NET name and chain errors: decided %v candidates %v", r.Decided, r.Causes())
	}
}

// The issue's unknown phrasings and wrong candidates.
func TestIssuePhrasings(t *testing.T) {
	for _, c := range []struct {
		msg   string
		top   cause.Code
		also  []cause.Code
		stack string
	}{
		{"The server selected protocol version TLS10 is not accepted by client preferences [TLS13, TLS12]", cause.ProtocolVersionMismatch, nil, "java"},
		{"2024/05/01 10:00:00 [crit] 7#7: *3 SSL_do_handshake() failed (SSL: error:0A000076:SSL routines::no suitable signature algorithm) while SSL handshaking, client: 10.0.0.9", cause.CipherMismatch, []cause.Code{cause.WeakSignature}, "nginx"},
		{"urllib3.exceptions.SSLError: Certificate did not match expected hostname: api.example.com. Certificate: {'subject': ((('commonName', 'other.example.com'),),)}", cause.HostnameMismatch, nil, "python"},
		{`Get "https://registry.corp/v2/": x509: certificate signed by unknown authority (possibly because of "x509: cannot verify signature: insecure algorithm SHA1-RSA" while trying to verify candidate authority certificate "Corp Root")`, cause.WeakSignature, []cause.Code{cause.UntrustedRoot}, "go"},
		{"curl: (35) error:0A00014D:SSL routines::legacy sigalg disallowed or unsupported", cause.ProtocolVersionMismatch, []cause.Code{cause.WeakSignature}, "curl"},
		{"Get \"https://api.example.com\": x509: certificate has expired or is not yet valid: current time 2024-01-02T00:00:00Z is after 2024-01-01T00:00:00Z", cause.CertExpired, nil, "go"},
		{"upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end", cause.ChainIncomplete, []cause.Code{cause.UntrustedRoot}, "envoy"},
	} {
		r := Explain(c.msg)
		if !r.Matched || r.Candidates[0].Cause != c.top {
			t.Errorf("%.60q: %s %v, want %s first", c.msg, r.Pattern, r.Causes(), c.top)
			continue
		}
		for _, a := range c.also {
			if r.Rank(a) == 0 {
				t.Errorf("%.60q: %s not among %v", c.msg, a, r.Causes())
			}
		}
		if ids := stackIDs(r); len(ids) == 0 || ids[0] != c.stack {
			t.Errorf("%.60q: stacks %v, want %s first", c.msg, ids, c.stack)
		}
	}
	// wget on GnuTLS: the line after "is not trusted" says why.
	r0 := Explain("ERROR: The certificate of 'downloads.example.com' is not trusted.\nERROR: The certificate of 'downloads.example.com' has expired.")
	if !r0.Decided || r0.Candidates[0].Cause != cause.CertExpired {
		t.Errorf("wget/GnuTLS expired: %s decided %v %v", r0.Pattern, r0.Decided, r0.Causes())
	}
	// A stack's own generic message keeps its reading over the same words
	// read as everyone's.
	if r := Explain("Interop+Crypto+OpenSslCryptographicException: error:0A000086:SSL routines::certificate verify failed"); r.Pattern != "openssl/certificate-verify-failed" {
		t.Errorf(".NET on Linux: decided by %s", r.Pattern)
	}
	// Java's "No appropriate protocol" is this client's configuration.
	r := Explain("javax.net.ssl.SSLHandshakeException: No appropriate protocol (protocol is disabled or cipher suites are inappropriate)")
	if !strings.Contains(r.Meaning, "client") || !strings.Contains(r.Candidates[0].Fix, "client") {
		t.Errorf("No appropriate protocol: meaning %q fix %q", r.Meaning, r.Candidates[0].Fix)
	}
}

// A library's text found inside another stack's message does not name the
// library: pure Go is Go, Envoy is Envoy over BoringSSL.
func TestStackAttribution(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want []string
	}{
		{`Get "https://example.com": x509: certificate has expired or is not yet valid`, []string{"go"}},
		{"tls: failed to verify certificate: x509: certificate signed by unknown authority", []string{"go"}},
		{"[C5] TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED", []string{"envoy", "boringssl"}},
		{"curl: (60) SSL certificate problem: certificate has expired", []string{"curl", "openssl"}},
		{"javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure", []string{"java"}},
		{"invalid peer certificate: UnknownIssuer", []string{"rust"}},
	} {
		r := Explain(c.msg)
		if ids := stackIDs(r); !slices.Equal(ids, c.want) {
			t.Errorf("%.60q: stacks %v, want %v", c.msg, ids, c.want)
		}
	}
	// Java's alert names are not OpenSSL's reason codes.
	if r := Explain("Received fatal alert: bad_certificate"); slices.Contains(stackIDs(r), "openssl") {
		t.Errorf("Java's bad_certificate named OpenSSL: %v", stackIDs(r))
	}
}

// The README's explain section states the number of stacks and the corpus
// scores: they must be the numbers the code gives.
func TestReadmeNumbers(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skip("no README")
	}
	readme := string(data)
	n := len(Stacks()) - 1 // the generic layer is not a stack
	if m := regexp.MustCompile(`knows (\d+) stacks`).FindStringSubmatch(readme); m == nil || m[1] != strconv.Itoa(n) {
		t.Errorf("README: %v, want \"knows %d stacks\"", m, n)
	}
	entries := loadCorpus(t)
	if m := regexp.MustCompile(`corpus of (\d+) real messages`).FindStringSubmatch(readme); m == nil || m[1] != strconv.Itoa(len(entries)) {
		t.Errorf("README: %v, want \"corpus of %d real messages\"", m, len(entries))
	}
	var train, held, fresh corpusScore
	for _, e := range entries {
		switch {
		case !heldOut(e.ID):
			train.add(e)
		case e.Round == 2:
			fresh.add(e)
			fallthrough
		default:
			held.add(e)
		}
	}
	for _, c := range []struct {
		name string
		s    corpusScore
	}{{"training", train}, {"held out", held}, {"held out, gathered after the split", fresh}} {
		want := "| " + c.name + " | " + strconv.Itoa(c.s.n) + " | " + pctS(c.s.among, c.s.n) + " | " + pctS(c.s.topCompatible, c.s.n) + " | " + pctS(c.s.top, c.s.n) + " |"
		if !strings.Contains(readme, want) {
			t.Errorf("README lacks the row %q", want)
		}
	}
}

func pctS(k, n int) string { return strconv.Itoa(int(pct(k, n)+0.5)) + " %" }

// An ALB access-log entry says how far the load balancer got with its 502:
// the three processing times tell a target that closed an idle keep-alive
// connection from one the load balancer could not connect to (or shake
// hands with).
func TestALBAccessLogTimes(t *testing.T) {
	const tail = ` 94 326 "GET https://example.com:443/ HTTP/1.1" "curl/7.51.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354"`
	for _, c := range []struct {
		times   string
		pattern string
		top     cause.Code
		also    []cause.Code
	}{
		{"0.001 4.205 -1 502 -", "aws-alb/log-target-closed", cause.HTTPNoResponse, nil},
		{"-1 -1 -1 502 -", "aws-alb/log-no-target-connection", cause.TCPRefused, []cause.Code{cause.NotTLS, cause.ProtocolVersionMismatch, cause.CipherMismatch}},
	} {
		msg := "https 2022-04-15T16:52:50.757968Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:443 " + c.times + tail
		r := Explain(msg)
		if r.Pattern != c.pattern || r.Decided || r.Candidates[0].Cause != c.top {
			t.Errorf("%s: %s decided %v %v, want %s with %s first", c.times, r.Pattern, r.Decided, r.Causes(), c.pattern, c.top)
			continue
		}
		for _, a := range c.also {
			if r.Rank(a) == 0 {
				t.Errorf("%s: %s not among %v", c.times, a, r.Causes())
			}
		}
	}
	// A 502 the target itself sent is not the load balancer's.
	if r := Explain("https 2022-04-15T16:52:50.757968Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:443 0.001 0.010 0.000 502 502" + tail); strings.HasPrefix(r.Pattern, "aws-alb/log-") {
		t.Errorf("a target's own 502 read as the load balancer's: %s", r.Pattern)
	}
}
