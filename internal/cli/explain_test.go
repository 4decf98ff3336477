package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/explain"
)

func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestExplainMessage(t *testing.T) {
	code, out, _ := run(t, "explain", "PKIX path building failed: unable to find valid certification path to requested target")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"Java (JSSE)", "UNTRUSTED_ROOT", "CHAIN_INCOMPLETE", "INTERCEPTED", "fix:", "$ tlsdoctor check https://HOST/ --profile java-17"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Unquoted words are one message.
	code, out, _ = run(t, "explain", "x509:", "certificate", "signed", "by", "unknown", "authority")
	if code != ExitOK || !strings.Contains(out, "Go crypto/tls") {
		t.Errorf("unquoted message: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "explain", "Cannot verify ECDH ServerKeyExchange signature")
	if code != ExitOK || !strings.Contains(out, "KEY_MISMATCH") || !strings.Contains(out, "the message alone decides") {
		t.Errorf("decided message: exit %d\n%s", code, out)
	}
}

func TestExplainJSONAndUnrecognised(t *testing.T) {
	code, out, _ := run(t, "explain", "--json", "An error occurred whilst sending request to https://10.0.0.5:8443/v1: HANDSHAKE_FAILED")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	var r struct {
		SchemaVersion int    `json:"schema_version"`
		Matched       bool   `json:"matched"`
		Profile       string `json:"profile"`
		Command       string `json:"command"`
		Candidates    []struct {
			Cause cause.Code `json:"cause"`
			Fix   string     `json:"fix"`
		} `json:"candidates"`
		Endpoint struct{ Host, Port string } `json:"endpoint"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r.SchemaVersion != 1 || !r.Matched || r.Profile != "oci-apigw" || r.Endpoint.Host != "10.0.0.5" || r.Endpoint.Port != "8443" ||
		len(r.Candidates) < 5 || r.Candidates[0].Fix == "" || r.Command != "tlsdoctor check https://10.0.0.5:8443/v1 --profile oci-apigw" {
		t.Errorf("%+v", r)
	}
	code, out, _ = run(t, "explain", "the coffee machine is empty")
	if code != ExitUnrecognised || !strings.Contains(out, "Not recognised") {
		t.Errorf("unrecognised: exit %d\n%s", code, out)
	}
	code, _, errOut := run(t, "explain")
	if code != ExitUsage || !strings.Contains(errOut, "hint:") {
		t.Errorf("no args: exit %d %s", code, errOut)
	}
	code, out, _ = run(t, "explain", "--list")
	if code != ExitOK || !strings.Contains(out, "oci-apigw") || !strings.Contains(out, "patterns") {
		t.Errorf("--list: exit %d\n%s", code, out)
	}
	// The count it prints is the stacks it lists (the README's number is
	// tested against the same count in package explain).
	stacks := len(explain.Stacks()) - 1
	if !strings.Contains(out, fmt.Sprintf("\n%d stacks, the wording every stack uses", stacks)) || strings.Contains(out, " 1 patterns") {
		t.Errorf("--list does not count %d stacks:\n%s", stacks, out)
	}
}

// A message in no stack's own words is explained by the wording every
// stack uses, and the human output says which side logged a server's line.
func TestExplainGenericAndServerSide(t *testing.T) {
	code, out, _ := run(t, "explain", "sync failed: the server certificate is not trusted")
	if code != ExitOK || !strings.Contains(out, "TLS wording common to every stack") || !strings.Contains(out, "UNTRUSTED_ROOT") {
		t.Errorf("generic: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "explain", "http: TLS handshake error from 10.0.0.5:51234: remote error: tls: bad certificate")
	if code != ExitOK || !strings.Contains(out, "logged by the server about a connecting client") || strings.Contains(out, "CLIENT_CERT_REQUIRED") {
		t.Errorf("server side: exit %d\n%s", code, out)
	}
}

func TestExplainLogFromStdinAndFile(t *testing.T) {
	log := strings.Repeat("2026-11-21T08:00:01Z error: Get \"https://reg.internal/v2/\": x509: certificate signed by unknown authority\n", 3) +
		"2026-11-21T08:00:02Z info: ok\n" +
		"2026/11/21 08:00:03 [error] 1#1: *5 peer closed connection in SSL handshake while SSL handshaking to upstream, client: 10.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"https://10.0.0.7:8443/\", host: \"shop\"\n"
	code, out, _ := runIn(t, log, "explain", "-")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"Read 5 lines", "2 groups", "reg.internal:443", "10.0.0.7:8443", "3×", "nginx"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	file := filepath.Join(t.TempDir(), "app.log")
	os.WriteFile(file, []byte(log), 0o644)
	code, out, _ = run(t, "explain", "--json", file)
	var s struct {
		Lines, Recognised int
		Groups            []struct{ Count int }
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil || code != ExitOK || s.Lines != 5 || s.Recognised != 4 || len(s.Groups) != 2 || s.Groups[0].Count != 3 {
		t.Errorf("exit %d %v %+v\n%s", code, err, s, out)
	}
	code, _, errOut := run(t, "explain", file, "not-a-file-at-all")
	if code != ExitUsage || !strings.Contains(errOut, "not a file") {
		t.Errorf("mixed args: exit %d %s", code, errOut)
	}
}

// TestExplainProbeDecidesLab is the criterion: from a line in the
// form each stack logs it, explain --probe finds the endpoint, checks it as
// that stack's client, and decides the lab endpoint's cause, which is among
// the line's candidates.
func TestExplainProbeDecidesLab(t *testing.T) {
	for _, c := range []struct {
		stack, endpoint, line string
		target                bool // the stack's line names no server: pass --target
		want                  cause.Code
	}{
		{"oci-apigw", "chain-incomplete", "An error occurred whilst sending request to {URL}: HANDSHAKE_FAILED", false, cause.ChainIncomplete},
		{"java", "expired", `org.springframework.web.client.ResourceAccessException: I/O error on GET request for "{URL}": PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed`, false, cause.CertExpired},
		{"apache-httpclient", "wrong-host", `I/O error on POST request for "{URL}": Host name '{HOST}' does not match the certificate subject provided by the peer (CN=myinstance.example.test)`, false, cause.HostnameMismatch},
		{"go", "wrong-host", `Get "{URL}": tls: failed to verify certificate: x509: certificate is valid for myinstance.example.test, *.internal.example.test, not {HOST}`, false, cause.HostnameMismatch},
		{"kubernetes", "untrusted-root", `Error response from daemon: Get "{URL}v2/": x509: certificate signed by unknown authority`, false, cause.UntrustedRoot},
		{"python", "self-signed", `requests.exceptions.SSLError: HTTPSConnectionPool(host='{HOST}', port={PORT}): Max retries exceeded with url: / (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)')))`, false, cause.SelfSigned},
		{"node", "chain-incomplete", "Error: unable to verify the first certificate\n    at TLSSocket.onConnectSecure (node:_tls_wrap:1674:34) {\n  code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'\n}", true, cause.ChainIncomplete},
		{"curl", "reset", "curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to {HOST}:{PORT}", false, cause.ResetDuringHandshake},
		{"git", "expired", "fatal: unable to access '{URL}repo.git/': SSL certificate problem: certificate has expired", false, cause.CertExpired},
		{"gnutls", "untrusted-root", "fatal: unable to access '{URL}repo.git/': server certificate verification failed. CAfile: /etc/ssl/certs/ca-certificates.crt CRLfile: none", false, cause.UntrustedRoot},
		{"libressl", "plain-http", "curl: (35) error:1404B42E:SSL routines:ST_CONNECT:tlsv1 alert protocol version", true, cause.NotTLS},
		{"openssl", "chain-incomplete", "depth=0 CN = x\nverify error:num=21:unable to verify the first certificate", true, cause.ChainIncomplete},
		{"wget", "wrong-host", "Connecting to {HOST} ({HOST})|127.0.0.1|:{PORT}... connected.\nERROR: no certificate subject alternative name matches requested host name '{HOST}'.", false, cause.HostnameMismatch},
		{"nginx", "sni-required", `2026/11/21 08:00:01 [error] 7#7: *3 peer closed connection in SSL handshake while SSL handshaking to upstream, client: 10.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "{URL}", host: "shop"`, false, cause.SNIRequired},
		{"nginx", "expired", `2026/11/21 08:00:01 [error] 7#7: *4 upstream SSL certificate verify error: (10:certificate has expired) while SSL handshaking to upstream, client: 10.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "{URL}", host: "shop"`, false, cause.CertExpired},
		{"envoy", "plain-http", "upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS_error:|268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end", true, cause.NotTLS},
		{"envoy", "untrusted-root", "upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED", true, cause.UntrustedRoot},
		{"haproxy", "client-cert", `Server be_api/srv1 is DOWN, reason: Layer6 invalid response, info: "SSL handshake failure", check duration: 2ms.`, true, cause.ClientCertRequired},
		{"traefik", "ok", `level=debug msg="'500 Internal Server Error' caused by: x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs"`, true, cause.HostnameMismatch},
		{"chrome", "tls10-only", "NET::ERR_SSL_VERSION_OR_CIPHER_MISMATCH", true, cause.ProtocolVersionMismatch},
		{"firefox", "chain-incomplete", "Error code: SEC_ERROR_UNKNOWN_ISSUER", true, cause.ChainIncomplete},
		{"safari", "expired", "Error Domain=NSURLErrorDomain Code=-1201 \"The certificate for this server has expired.\"", true, cause.CertExpired},
		{"android", "untrusted-root", "javax.net.ssl.SSLHandshakeException: java.security.cert.CertPathValidatorException: Trust anchor for certification path not found.", true, cause.UntrustedRoot},
		{"dotnet", "untrusted-root", "System.Security.Authentication.AuthenticationException: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot", true, cause.UntrustedRoot},
		{"powershell", "tls10-only", "Invoke-WebRequest : The request was aborted: Could not create SSL/TLS secure channel.", true, cause.ProtocolVersionMismatch},
		{"azure-appgw", "chain-incomplete", "Backend health: The Intermediate certificate is missing from the backend server chain.", true, cause.ChainIncomplete},
	} {
		e := testLab.Endpoint(c.endpoint)
		line := strings.NewReplacer("{URL}", e.URL(), "{HOST}", e.Host, "{PORT}", e.Port()).Replace(c.line)
		args := []string{"explain", "--probe", "--json", "--connect", strings.Join(e.Addrs, ","), "--ca-bundle", rootFile, "--no-system-roots", "--timeout", "2s"}
		if c.target {
			u := e.URL()
			if c.stack == "traefik" {
				u = "https://" + e.Addrs[0] + "/"
			}
			args = append(args, "--target", u)
		}
		code, out, errOut := run(t, append(args, line)...)
		var r struct {
			Pattern string `json:"pattern"`
			Stacks  []struct{ ID string }
			Probe   *struct {
				Cause   cause.Code `json:"cause"`
				Rank    int        `json:"rank"`
				Profile string     `json:"profile"`
				Error   string     `json:"error"`
			} `json:"probe"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || r.Probe == nil {
			t.Errorf("%s/%s: %v exit %d\n%s\n%s", c.stack, c.endpoint, err, code, out, errOut)
			continue
		}
		stack := false
		for _, s := range r.Stacks {
			stack = stack || s.ID == c.stack
		}
		if !stack {
			t.Errorf("%s/%s: line recognised as %+v", c.stack, c.endpoint, r.Stacks)
		}
		if r.Probe.Cause != c.want || r.Probe.Rank == 0 || code != ExitFailure {
			t.Errorf("%s/%s (%s, profile %s): decided %s at rank %d, exit %d; want %s among the candidates %s",
				c.stack, c.endpoint, r.Pattern, r.Probe.Profile, r.Probe.Cause, r.Probe.Rank, code, c.want, r.Probe.Error)
		}
	}
}

// AWS API Gateway names the back end on an earlier line: --probe on the log
// finds it by request ID and checks as API Gateway (public CAs only).
func TestExplainProbeAWSLog(t *testing.T) {
	e := testLab.Endpoint("untrusted-root")
	log := "(4b1c0f9e-1111) Endpoint request URI: " + e.URL() + "orders\n" +
		"(4b1c0f9e-1111) Execution failed due to configuration error: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target\n" +
		"(4b1c0f9e-1111) Method completed with status: 500\n"
	code, out, _ := runIn(t, log, "explain", "--probe", "-", "--connect", strings.Join(e.Addrs, ","), "--ca-bundle", rootFile, "--no-system-roots", "--timeout", "2s")
	if code != ExitFailure || !strings.Contains(out, "aws-apigw-rest") || !strings.Contains(out, "Decided     UNTRUSTED_ROOT") {
		t.Errorf("exit %d\n%s", code, out)
	}
	_, out, _ = runIn(t, log, "explain", "--probe", "--json", "-", "--connect", strings.Join(e.Addrs, ","), "--ca-bundle", rootFile, "--no-system-roots", "--timeout", "2s")
	var j struct {
		Groups []struct {
			Count int
			Probe struct {
				Cause   cause.Code
				Profile string
				Rank    int
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &j); err != nil || len(j.Groups) != 1 || j.Groups[0].Probe.Cause != cause.UntrustedRoot ||
		j.Groups[0].Probe.Profile != "aws-apigw-rest" || j.Groups[0].Probe.Rank == 0 {
		t.Errorf("%v %+v\n%s", err, j, out)
	}
}

func TestExplainProbeWithoutServer(t *testing.T) {
	code, out, _ := run(t, "explain", "--probe", "ERR_CERT_DATE_INVALID")
	if code != ExitUsage || !strings.Contains(out, "--target") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// Arguments that cannot be a message are usage errors with a hint, never
// explained as text.
func TestExplainArgumentsThatAreNotMessages(t *testing.T) {
	dir := t.TempDir()
	for name, args := range map[string][]string{
		"empty":        {"explain", ""},
		"blank":        {"explain", "  ", "\t"},
		"missing file": {"explain", "missing/file.log"},
		"missing log":  {"explain", "app.log"},
		"directory":    {"explain", dir},
		"missing json": {"explain", "--json", "./cw.json"},
	} {
		code, out, errOut := run(t, args...)
		if code != ExitUsage || !strings.Contains(errOut, "hint:") || out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, code, out, errOut)
		}
	}
	// A message with a slash in it is still a message.
	if code, out, _ := run(t, "explain", "dial tcp 10.0.0.1:443: connect: connection refused"); code != ExitOK {
		t.Errorf("message: exit %d\n%s", code, out)
	}
}

// Text from a log reaches a terminal only with its control characters
// escaped; JSON keeps it exact.
func TestExplainEscapesControlCharacters(t *testing.T) {
	evil := "\x1b]0;pwned\a\x1b[2J curl: (60) SSL certificate problem: certificate has expired in connection to ev\x1b[2Jil.example:443 \u202e"
	for _, args := range [][]string{{"explain", evil}, {"explain", "-"}} {
		stdin := ""
		if args[1] == "-" {
			stdin = evil + "\n" + "\x1b[31mTLS handshake strangeness\n"
		}
		code, out, _ := runIn(t, stdin, args...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d\n%s", args, code, out)
		}
		if strings.ContainsAny(out, "\x1b\a\u202e") {
			t.Errorf("%v: raw control characters reach the terminal:\n%q", args, out)
		}
		if args[1] == "-" && !strings.Contains(out, `\x1b]0;pwned\x07`) {
			t.Errorf("the escaped form is missing:\n%s", out)
		}
	}
	_, out, _ := run(t, "explain", "--json", evil)
	var r struct{ Input string }
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Input != strings.TrimSpace(evil) {
		t.Errorf("JSON input %q, %v", r.Input, err)
	}
}

func TestExplainLogWordsAndCutLines(t *testing.T) {
	code, out, _ := runIn(t, "x509: certificate signed by unknown authority\n", "explain", "-")
	if code != ExitOK || !strings.Contains(out, "Read 1 line (text): 1 record, 1 TLS failure recognised in 1 group.") || !strings.Contains(out, "1× (line 1)") {
		t.Errorf("exit %d\n%s", code, out)
	}
	long := strings.Repeat("a", 2<<20) + "\nx509: certificate signed by unknown authority\n"
	code, out, _ = runIn(t, long, "explain", "-")
	if code != ExitOK || !strings.Contains(out, "1 line is longer than 1 MiB: only the first 1 MiB of each was read (the first is line 1).") {
		t.Errorf("exit %d\n%.600s", code, out)
	}
	_, out, _ = runIn(t, long, "explain", "--json", "-")
	var s struct {
		CutLines int `json:"cut_lines"`
		FirstCut int `json:"first_cut_line"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.CutLines != 1 || s.FirstCut != 1 {
		t.Errorf("JSON: %+v %v", s, err)
	}
}

// A new user's review: healthy lines that name SNI or mutual TLS, and random
// bytes, were reported as TLS failures.
func TestExplainHealthyLinesAndBinary(t *testing.T) {
	code, out, _ := runIn(t, "2026-11-30T07:00:00Z INFO tls: handshake complete sni=api.example.com version=TLS1.3\nINFO mTLS client verified: CN=svc-a\n", "explain", "-")
	if code != ExitUnrecognised || !strings.Contains(out, "0 TLS failures recognised") || strings.Contains(out, "SNI_REQUIRED") || strings.Contains(out, "CLIENT_CERT_REQUIRED") {
		t.Errorf("healthy log: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "explain", "INFO listener started: TLS enabled, SNI routing on, mTLS optional")
	if code != ExitUnrecognised || !strings.Contains(out, "Not recognised") {
		t.Errorf("healthy message: exit %d\n%s", code, out)
	}
	data := make([]byte, 1<<20)
	rand.New(rand.NewSource(7)).Read(data)
	file := filepath.Join(t.TempDir(), "x.bin")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, "explain", file)
	if code != ExitUnrecognised || !strings.Contains(out, "0 TLS failures recognised") || !strings.Contains(out, "lines are not text") || !strings.Contains(out, "hint:") {
		t.Errorf("random bytes: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "explain", "--json", file, file)
	var s struct {
		Lines       int `json:"lines"`
		Recognised  int `json:"recognised"`
		BinaryLines int `json:"binary_lines"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil || code != ExitUnrecognised || s.Recognised != 0 || s.BinaryLines < s.Lines/2 {
		t.Errorf("random bytes, JSON: exit %d %v %+v", code, err, s)
	}
}
