package explain

import (
	"bytes"
	"io"
	"math/rand"
	"runtime"
	"strings"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/cause"
)

func readLog(t *testing.T, log string) *Summary {
	t.Helper()
	s, err := ReadLog(strings.NewReader(log), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJavaTraceIsOneRecord(t *testing.T) {
	s := readLog(t, `2026-11-21 08:00:01.123 ERROR 1 --- [nio-8080-exec-1] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() threw exception
org.springframework.web.client.ResourceAccessException: I/O error on POST request for "https://payments.internal:8443/v1/charge": PKIX path building failed; nested exception is javax.net.ssl.SSLHandshakeException
	at org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:785)
	at org.springframework.web.client.RestTemplate.execute(RestTemplate.java:711)
Caused by: javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target
	at java.base/sun.security.ssl.Alert.createSSLException(Alert.java:131)
	... 89 common frames omitted
Caused by: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target
	at java.base/sun.security.provider.certpath.SunCertPathBuilder.build(SunCertPathBuilder.java:141)
	... 100 more
2026-11-21 08:00:02.001 INFO  1 --- [nio-8080-exec-2] c.e.api.OrderController : GET /v1/orders 200
`)
	if s.Lines != 11 || s.Records != 3 || s.Recognised != 1 || len(s.Groups) != 1 {
		t.Fatalf("lines %d records %d recognised %d groups %d", s.Lines, s.Records, s.Recognised, len(s.Groups))
	}
	r := s.Groups[0].Result
	if r.Pattern != "java/pkix-path" || r.Target.HostPort() != "payments.internal:8443" || r.Profile != "java-17" {
		t.Errorf("pattern %s endpoint %s profile %s", r.Pattern, r.Target.HostPort(), r.Profile)
	}
}

func TestPythonTracebackIsOneRecord(t *testing.T) {
	s := readLog(t, `Traceback (most recent call last):
  File "/app/sync.py", line 12, in <module>
    r = requests.get("https://billing.example.com/api")
  File "/usr/lib/python3/dist-packages/requests/adapters.py", line 514, in send
    raise SSLError(e, request=request)
requests.exceptions.SSLError: HTTPSConnectionPool(host='billing.example.com', port=443): Max retries exceeded with url: /api (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)')))
next line
`)
	if s.Records != 2 || s.Recognised != 1 {
		t.Fatalf("records %d recognised %d", s.Records, s.Recognised)
	}
	r := s.Groups[0].Result
	if !r.Decided || r.Candidates[0].Cause != cause.CertExpired || r.Target.Host != "billing.example.com" {
		t.Errorf("%s %v %+v", r.Pattern, r.Causes(), r.Target)
	}
}

func TestGroupsByCauseAndEndpoint(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 30; i++ {
		b.WriteString("2026-11-21T08:00:0" + itoa(i%10) + "Z An error occurred whilst sending request to https://10.0.0.5:8443/v1: HANDSHAKE_FAILED\n")
	}
	for i := 0; i < 5; i++ {
		b.WriteString("upstream SSL certificate verify error: (10:certificate has expired) while SSL handshaking to upstream, client: 1.2.3.4, server: _, request: \"GET / HTTP/1.1\", upstream: \"https://10.0.0.9:443/\"\n")
	}
	// A line that mentions TLS and a failure no pattern knows is counted; one
	// that mentions TLS and no failure is not.
	b.WriteString("TLS handshake went strangely wrong\n")
	b.WriteString("TLS handshake had a quiet day\n")
	s := readLog(t, b.String())
	if len(s.Groups) != 2 || s.Groups[0].Count != 30 || s.Groups[1].Count != 5 {
		t.Fatalf("groups %d", len(s.Groups))
	}
	if s.Unrecognised != 1 || len(s.Samples) != 1 {
		t.Errorf("unrecognised %d samples %q", s.Unrecognised, s.Samples)
	}
	if g := s.Groups[1]; g.FirstLine != 31 || g.LastLine != 35 || g.Result.Profile != "nginx-proxy-verify" {
		t.Errorf("nginx group lines %d-%d profile %s", g.FirstLine, g.LastLine, g.Result.Profile)
	}
}

// AWS API Gateway logs the back end's URL on its own line before the
// failure; the failure inherits it (by request ID when there is one).
func TestAWSEndpointFromEarlierLine(t *testing.T) {
	s := readLog(t, `(4b1c0f9e-1111-4a4a-9a9a-000000000001) Endpoint request URI: https://nlb-1.example.internal:8443/orders
(4b1c0f9e-2222-4a4a-9a9a-000000000002) Endpoint request URI: https://other.example.internal/x
(4b1c0f9e-1111-4a4a-9a9a-000000000001) Execution failed due to configuration error: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target
(4b1c0f9e-1111-4a4a-9a9a-000000000001) Method completed with status: 500
`)
	if s.Recognised != 1 {
		t.Fatalf("recognised %d", s.Recognised)
	}
	r := s.Groups[0].Result
	if r.Target.HostPort() != "nlb-1.example.internal:8443" || r.Profile != "aws-apigw-rest" {
		t.Errorf("endpoint %s profile %s", r.Target.HostPort(), r.Profile)
	}
	if r.Command != "tlsdoctor check https://nlb-1.example.internal:8443/orders --profile aws-apigw-rest" {
		t.Errorf("command %q", r.Command)
	}
}

func TestJSONExports(t *testing.T) {
	for name, c := range map[string]struct {
		log, format, host string
		n                 int
	}{
		"cloudwatch filter-log-events": {`{
  "events": [
    {"logStreamName": "abc", "timestamp": 1763712001000, "message": "(8f3a) Execution failed due to configuration error: Host name 'api.example.com' does not match the certificate subject provided by the peer (CN=nlb.example.com)", "eventId": "1"},
    {"logStreamName": "abc", "timestamp": 1763712002000, "message": "(8f3a) Method completed with status: 500", "eventId": "2"}
  ],
  "searchedLogStreams": []
}`, "json", "api.example.com", 1},
		"oci logging search": {`[
  {"datetime": 1763712001000, "logContent": {"data": {"message": "An error occurred whilst sending request to https://10.0.0.5:8443/v1: HANDSHAKE_FAILED", "logCode": "httpBackend.requestError", "opcRequestId": "abc"}, "type": "com.oraclecloud.apigateway.apideployment.execution"}},
  {"datetime": 1763712002000, "logContent": {"data": {"message": "An error occurred whilst sending request to https://10.0.0.5:8443/v1: HANDSHAKE_FAILED", "logCode": "httpBackend.requestError"}}}
]`, "json", "10.0.0.5", 2},
		"docker json-file": {`{"log":"2026/11/21 08:00:01 Get \"https://registry.internal/v2/\": x509: certificate signed by unknown authority\n","stream":"stderr","time":"2026-11-21T08:00:01.1Z"}
{"log":"2026/11/21 08:00:02 ok\n","stream":"stdout","time":"2026-11-21T08:00:02.1Z"}
`, "ndjson", "registry.internal", 1},
		"structured kubernetes": {`{"level":"error","ts":1763712001.1,"msg":"webhook call failed","error":"Post \"https://webhook.ns.svc:443/validate\": tls: failed to verify certificate: x509: certificate signed by unknown authority"}
`, "ndjson", "webhook.ns.svc", 1},
	} {
		s := readLog(t, c.log)
		if s.Format != c.format || s.Recognised != c.n || len(s.Groups) != 1 {
			t.Errorf("%s: format %s recognised %d groups %d", name, s.Format, s.Recognised, len(s.Groups))
			continue
		}
		if h := s.Groups[0].Result.Target.Host; h != c.host {
			t.Errorf("%s: host %q, want %q", name, h, c.host)
		}
	}
}

func TestHostileLogs(t *testing.T) {
	for name, log := range map[string]string{
		"huge line":     strings.Repeat("a", 3<<20) + " x509: certificate signed by unknown authority\nok\n",
		"broken json":   `[{"message": "x509: certificate signed by unknown authority"}, {"message": `,
		"deep json":     strings.Repeat("[", 100000),
		"binary":        "\x00\x01\x16\x03\x01\xff\xfe PKIX path building failed \x00",
		"endless trace": "java.lang.Exception: PKIX path building failed\n" + strings.Repeat("\tat a.b(C.java:1)\n", 100000),
	} {
		s, _ := ReadLog(strings.NewReader(log), nil) // an error is fine; a panic or a hang is not
		if s == nil {
			t.Errorf("%s: no summary", name)
		}
	}
}

func FuzzReadLog(f *testing.F) {
	f.Add("x509: certificate signed by unknown authority\n\tat x\n")
	f.Add(`{"events":[{"message":"HANDSHAKE_FAILED"}]}`)
	f.Add("Traceback (most recent call last):\n  File x\nssl.SSLError: [SSL: WRONG_VERSION_NUMBER] wrong version number\n")
	f.Fuzz(func(t *testing.T, log string) {
		s, _ := ReadLog(strings.NewReader(log), nil)
		if s == nil {
			t.Fatal("nil summary")
		}
		n := 0
		for _, g := range s.Groups {
			n += g.Count
		}
		if n != s.Recognised {
			t.Fatalf("groups hold %d, recognised %d", n, s.Recognised)
		}
	})
}

func TestClipKeepsCharacters(t *testing.T) {
	if got := Clip("ab“cd”\nnext", 3); got != "ab..." {
		t.Errorf("Clip = %q", got)
	}
	if got := Clip("short\nsecond line", 100); got != "short ..." {
		t.Errorf("Clip = %q", got)
	}
}

// repeatReader yields b n times without holding them all.
type repeatReader struct {
	b   []byte
	n   int
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := copy(p, r.b[r.off:])
	r.off += k
	if r.off == len(r.b) {
		r.off = 0
		r.n--
	}
	return k, nil
}

// A first NDJSON line longer than the read buffer (and than MaxLine) must
// not turn the input into one JSON document: every later line is read,
// the cut is counted, and memory stays far below the line's size.
func TestNDJSONWithHugeFirstLine(t *testing.T) {
	for _, size := range []int{100 << 10, 60 << 20} {
		first := io.MultiReader(strings.NewReader(`{"log":"`), &repeatReader{b: bytes.Repeat([]byte("a"), 1<<16), n: size >> 16}, strings.NewReader("\"}\n"))
		rest := strings.Repeat(`{"log":"x509: certificate signed by unknown authority","stream":"stderr"}`+"\n", 3)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s, err := ReadLog(io.MultiReader(first, strings.NewReader(rest)), nil)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if s.Lines != 4 || s.Recognised != 3 || s.Format != "ndjson" {
			t.Errorf("%d-byte first line: lines %d recognised %d format %s", size, s.Lines, s.Recognised, s.Format)
		}
		wantCut := 0
		if size > MaxLine {
			wantCut = 1
		}
		if s.CutLines != wantCut || (wantCut == 1 && s.FirstCut != 1) {
			t.Errorf("%d-byte first line: cut %d (first %d), want %d", size, s.CutLines, s.FirstCut, wantCut)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
			t.Errorf("%d-byte first line: allocated %d MB", size, grew>>20)
		}
	}
}

// A pretty-printed export is still one document, read an event at a time,
// and an event past the bound is an error rather than a memory blow-up.
func TestJSONDocumentIsBounded(t *testing.T) {
	doc := "{\n  \"events\": [\n" + strings.Repeat(`    {"message": "PKIX path building failed: unable to find valid certification path to requested target"},`+"\n", 1000) +
		`    {"message": "ok"}` + "\n  ],\n  \"nextToken\": \"abc\"\n}\n"
	s := readLog(t, doc)
	if s.Format != "json" || s.Recognised != 1000 || s.Records != 1001 {
		t.Errorf("format %s recognised %d records %d", s.Format, s.Recognised, s.Records)
	}
	huge := io.MultiReader(strings.NewReader("[\n {\"message\": \""), &repeatReader{b: bytes.Repeat([]byte("a"), 1<<16), n: (maxEvent >> 16) + 64}, strings.NewReader("\"}\n]\n"))
	if _, err := ReadLog(huge, nil); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("giant event: err %v", err)
	}
	// One export compacted onto a single line (jq -c) gives its events.
	s = readLog(t, `{"events":[{"message":"x509: certificate signed by unknown authority"},{"message":"ok"}],"searchedLogStreams":[]}`+"\n")
	if s.Format != "ndjson" || s.Recognised != 1 || s.Records != 2 {
		t.Errorf("compact export: format %s recognised %d records %d", s.Format, s.Recognised, s.Records)
	}
}

// Random bytes are no log of failures: words found in them by chance
// ("sNI", "mtLs") are not read, and the lines are counted as skipped.
func TestRandomBytesAreNotFailures(t *testing.T) {
	data := make([]byte, 1<<20)
	rand.New(rand.NewSource(20261130)).Read(data)
	s, err := ReadLog(bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Recognised != 0 || len(s.Groups) != 0 || s.Unrecognised != 0 {
		t.Errorf("random bytes: %d failures in %d groups, %d unrecognised", s.Recognised, len(s.Groups), s.Unrecognised)
	}
	if s.BinaryLines == 0 || s.BinaryLines < s.Lines*3/4 || s.FirstBinary == 0 {
		t.Errorf("random bytes: %d of %d lines skipped as binary (first %d)", s.BinaryLines, s.Lines, s.FirstBinary)
	}
	// Without the binary test, a failure word next to a subject in random
	// bytes would still need both by chance; with it, even a whole message
	// among binary bytes is skipped.
	line := append(append(append([]byte(nil), data[:600]...), " tls: handshake failed: server requires SNI "...), data[600:1400]...)
	line = bytes.ReplaceAll(line, []byte("\n"), []byte{0})
	if !Binary(line) {
		t.Fatal("test line is text")
	}
	if r := Explain(string(line)); r.Matched {
		t.Errorf("a message among binary bytes: recognised as %s", r.Pattern)
	}
	// Text with a few bytes that are not UTF-8 (Latin-1) is still text.
	if r := Explain("Zertifikat abgelaufen \xe9: x509: certificate has expired or is not yet valid"); !r.Matched {
		t.Error("a Latin-1 byte made a text line binary")
	}
	for _, c := range []struct {
		in     string
		binary bool
	}{
		{"", false},
		{"plain ASCII", false},
		{"日本語のエラー: 証明書の有効期限が切れています", false},
		{"\x00\x01\x02abc", true},
		{"a\x00b\x00c\x00", true}, // UTF-16: half its bytes are NUL
	} {
		if Binary(c.in) != c.binary {
			t.Errorf("Binary(%q) = %v", c.in, !c.binary)
		}
	}
}
