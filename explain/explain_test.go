package explain

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/cause"
)

func TestEndpointAndCommand(t *testing.T) {
	for _, c := range []struct {
		msg, host, port, sni, command string
	}{
		{"An error occurred whilst sending request to https://10.0.0.5:8443/v1: HANDSHAKE_FAILED",
			"10.0.0.5", "8443", "", "tlsdoctor check https://10.0.0.5:8443/v1 --profile oci-apigw"},
		{"requests.exceptions.SSLError: HTTPSConnectionPool(host='api.example.com', port=8443): Max retries exceeded with url: / (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1129)')))",
			"api.example.com", "8443", "", "tlsdoctor check https://api.example.com:8443/ --profile python-requests"},
		{`2024/01/01 12:00:00 [error] 7#7: *1 upstream SSL certificate does not match "backend.internal" while SSL handshaking to upstream, client: 10.1.1.1, server: _, request: "GET / HTTP/1.1", upstream: "https://10.0.0.7:443/", host: "shop.example"`,
			"10.0.0.7", "443", "backend.internal", "tlsdoctor check https://10.0.0.7:443/ --servername backend.internal --profile nginx-proxy-verify"},
		{"Get \"https://10.96.0.1:443/api\": x509: certificate is valid for kubernetes, kubernetes.default, not 10.96.0.1",
			"10.96.0.1", "443", "", "tlsdoctor check https://10.96.0.1:443/api --profile go"},
		{"curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to api.example.com:443",
			"api.example.com", "443", "", "tlsdoctor check https://api.example.com/ --profile curl"},
		{"Execution failed due to configuration error: Host name 'backend.example.com' does not match the certificate subject provided by the peer (CN=nlb.example.com)",
			"backend.example.com", "", "", "tlsdoctor check https://backend.example.com/ --profile aws-apigw-rest"},
		{"psql: error: connection to server at \"db.example.com\" (10.0.0.9), port 5432 failed: server certificate for \"db.internal\" does not match host name \"db.example.com\"",
			"db.example.com", "5432", "", "openssl s_client -starttls postgres -connect db.example.com:5432 -servername db.example.com -showcerts"},
		{"x509: certificate signed by unknown authority", "", "", "", "tlsdoctor check https://HOST/ --profile go"},
		// A URL ends at the brace of Apple's UserInfo dictionary.
		{`Error Domain=NSURLErrorDomain Code=-1200 "An SSL error has occurred" UserInfo={_kCFStreamErrorCodeKey=-9836, NSErrorFailingURLStringKey=https://legacy.example.com/}`,
			"legacy.example.com", "", "", "tlsdoctor check https://legacy.example.com/ --profile safari"},
		{"org.postgresql.util.PSQLException: The hostname db.internal could not be verified by hostnameverifier PgjdbcHostnameVerifier.",
			"db.internal", "", "", "openssl s_client -starttls postgres -connect db.internal:5432 -servername db.internal -showcerts"},
		// An edge's line names the viewer's URL; the server to check is its origin.
		{`jsonPayload.statusDetails="failed_to_connect_to_backend" httpRequest.requestUrl="https://shop.example.com/"`,
			"", "", "", "tlsdoctor check https://ORIGIN/"},
	} {
		r := Explain(c.msg)
		if !r.Matched {
			t.Errorf("%q: not recognised", c.msg)
			continue
		}
		if r.Target.Host != c.host || r.Target.Port != c.port || r.Target.ServerName != c.sni {
			t.Errorf("%q: endpoint %+v, want host %q port %q sni %q", c.msg, r.Target, c.host, c.port, c.sni)
		}
		if r.Command != c.command {
			t.Errorf("%q:\n command %q\n want    %q", c.msg, r.Command, c.command)
		}
		if r.Placeholder != (c.host == "") {
			t.Errorf("%q: placeholder = %v", c.msg, r.Placeholder)
		}
	}
}

// Messages known to mislead say so, and keep the real cause among the
// candidates.
func TestMisleadingMessages(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want cause.Code
	}{
		{"curl: (35) error:1404B42E:SSL routines:ST_CONNECT:tlsv1 alert protocol version", cause.NotTLS},
		{"curl: (35) error:0A00010B:SSL routines::wrong version number", cause.NotTLS},
	} {
		r := Explain(c.msg)
		if r.Misleading == "" {
			t.Errorf("%q: no warning that the message misleads", c.msg)
		}
		if r.Rank(c.want) == 0 {
			t.Errorf("%q: %s not among %v", c.msg, c.want, r.Causes())
		}
		if r.Decided {
			t.Errorf("%q: a misleading message cannot decide", c.msg)
		}
	}
	// LibreSSL's wording wins over OpenSSL's for the same reason text.
	if r := Explain("LibreSSL SSL_connect: error:1404B42E:SSL routines:ST_CONNECT:tlsv1 alert protocol version"); r.Pattern != "libressl/alert-protocol-version" {
		t.Errorf("LibreSSL protocol version decided by %s", r.Pattern)
	}
}

func TestUnmatched(t *testing.T) {
	for _, msg := range []string{"", "hello world", "GET /health 200 3ms", strings.Repeat("x", 3*MaxInput)} {
		if r := Explain(msg); r.Matched || len(r.Candidates) != 0 {
			t.Errorf("%.40q matched %s", msg, r.Pattern)
		}
	}
	// A line that only names the application is not a failure.
	if r := Explain("Thu May 04 17:48:21 UTC 2024 : Method completed with status: 200"); r.Matched {
		t.Errorf("status line matched %s", r.Pattern)
	}
}

func TestMatcherAgreesWithRegexps(t *testing.T) {
	// The literal prefilter must never hide a match: run every pattern's
	// expression directly on the corpus and compare.
	once.Do(compile)
	for _, e := range loadCorpus(t) {
		got := map[string]bool{}
		specific := false
		for _, h := range match(e.Message, asciiLower(e.Message)) {
			got[h.p.ID] = true
			specific = specific || h.p.specific()
		}
		for _, p := range table {
			if specific && p.Stack == GenericStack && p.Marks == SideUnknown {
				continue // by design: the common wording is tried only when no stack's message matched
			}
			lower := asciiLower(e.Message)
			for j, sub := range p.subs {
				loc := sub.re.FindStringIndex(lower)
				if loc == nil || (p.topic[j] && !failsOutside(failures(e.Message, lower), loc[0], loc[1])) {
					continue // no match, or a topic in a record that states no failure
				}
				if !got[p.ID] {
					t.Errorf("prefilter hides %s on %q (literals %q)", p.ID, e.Message, p.lits)
				}
			}
		}
	}
}

func TestLiterals(t *testing.T) {
	for _, c := range []struct {
		re   string
		want []string
	}{
		{`PKIX path building failed`, []string{"pkix path building failed"}},
		{`wrong[ _]version[ _]number`, []string{"version"}},
		{`foo|barbaz`, []string{"foo", "barbaz"}},
		{`a|bcd`, nil},
		{`x509: certificate is valid for .*, not `, []string{"x509: certificate is valid for "}},
	} {
		got := literals(c.re)
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("literals(%q) = %q, want %q", c.re, got, c.want)
		}
	}
}

func FuzzExplain(f *testing.F) {
	for _, e := range loadCorpus(f) {
		f.Add(e.Message)
	}
	f.Add("https://[::1:80/ x509: certificate is valid for a, not ")
	f.Fuzz(func(t *testing.T, msg string) {
		r := Explain(msg)
		if r.Matched && len(r.Candidates) == 0 {
			t.Fatal("matched without candidates")
		}
		if r.Decided && !r.Matched {
			t.Fatal("decided without a match")
		}
		if r.Matched && r.Command == "" {
			t.Fatal("no command")
		}
	})
}

// noise is what most lines of a real log look like.
var noise = []string{
	`2026-11-21T08:00:01.123Z INFO  [http-nio-8080-exec-4] c.e.api.OrderController : GET /v1/orders/8812 200 14ms`,
	`10.0.3.17 - - [21/Nov/2026:08:00:01 +0000] "GET /health HTTP/1.1" 200 2 "-" "kube-probe/1.30"`,
	`{"level":"info","ts":1763712001.123,"caller":"server/handler.go:88","msg":"request served","path":"/v1/items","status":200,"duration":0.0031}`,
	`2026/11/21 08:00:01 [notice] 1#1: signal process started`,
	`Nov 21 08:00:01 web-3 systemd[1]: Started Daily apt download activities.`,
	`2026-11-21 08:00:01,456 DEBUG sqlalchemy.engine.Engine SELECT orders.id, orders.state FROM orders WHERE orders.id = %(id_1)s`,
}

func syntheticLog(tb testing.TB, lines int, tlsShare float64) (string, int) {
	corpus := loadCorpus(tb)
	rnd := rand.New(rand.NewSource(1))
	var b strings.Builder
	failures := 0
	for i := 0; i < lines; i++ {
		if rnd.Float64() < tlsShare {
			m := corpus[rnd.Intn(len(corpus))].Message
			b.WriteString("2026-11-21T08:00:01Z ERROR " + strings.ReplaceAll(m, "\n", " "))
			failures++
		} else {
			b.WriteString(noise[rnd.Intn(len(noise))])
		}
		b.WriteByte('\n')
	}
	return b.String(), failures
}

// The corpus's held-out entries are not all recognised (no pattern is
// tuned against them), so the failures to count are the lines Explain
// recognises one by one.
func TestReadLogCountsEveryFailure(t *testing.T) {
	log, _ := syntheticLog(t, 20000, 0.05)
	failures := 0
	for _, l := range strings.Split(strings.TrimSuffix(log, "\n"), "\n") {
		if Explain(l).Matched {
			failures++
		}
	}
	if failures < 900 {
		t.Fatalf("only %d of the log's lines are recognised failures", failures)
	}
	s, err := ReadLog(strings.NewReader(log), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Lines != 20000 || s.Records != 20000 {
		t.Errorf("lines %d records %d, want 20000", s.Lines, s.Records)
	}
	if s.Recognised != failures {
		t.Errorf("recognised %d of %d failures", s.Recognised, failures)
	}
	total := 0
	for _, g := range s.Groups {
		total += g.Count
	}
	if total != failures {
		t.Errorf("groups hold %d, want %d", total, failures)
	}
}

// BenchmarkReadLog measures lines a second on one core (run with -cpu 1):
// a log where 5% of lines are TLS failures, and one made only of them.
func BenchmarkReadLog(b *testing.B) {
	for _, share := range []float64{0.05, 1} {
		log, _ := syntheticLog(b, 100000, share)
		b.Run(fmt.Sprintf("tls=%.0f%%", share*100), func(b *testing.B) {
			b.SetBytes(int64(len(log)))
			b.ReportAllocs()
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				if _, err := ReadLog(strings.NewReader(log), nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(100000*b.N)/b.Elapsed().Seconds(), "lines/s")
			// With -cpu 1 (GOMAXPROCS=1) the process's CPU time is one core's.
			if used := cpuTime() - cpu; used > 0 {
				b.ReportMetric(float64(100000*b.N)/used.Seconds(), "lines/cpu-s")
			}
		})
	}
}
