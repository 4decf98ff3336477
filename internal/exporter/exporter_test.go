package exporter

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/internal/addrpolicy"
	"github.com/tlsdoctor/tlsdoctor/internal/labtest"
	"github.com/tlsdoctor/tlsdoctor/internal/service"
	"github.com/tlsdoctor/tlsdoctor/internal/web"
	"github.com/tlsdoctor/tlsdoctor/lab"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

func sharedLab(t testing.TB) *lab.Lab { return labtest.Lab(t) }

type env struct {
	lab     *lab.Lab
	checker *service.Checker
	ts      *httptest.Server
}

// newEnv serves the exporter as tlsdoctor serve does: mounted in the web
// server, behind its limits.
func newEnv(t testing.TB, policy *addrpolicy.Policy, modules Modules, webOpts ...func(*web.Config)) *env {
	t.Helper()
	l := sharedLab(t)
	if policy == nil {
		policy = addrpolicy.New(netip.MustParsePrefix("127.0.0.0/8"))
	}
	c := service.New(service.Config{Policy: policy, Resolver: l.Resolver(), CAs: []*x509.Certificate{l.Root}, MaxChecks: 16})
	e := New(Config{Checker: c, Modules: modules, Version: "test"})
	store, _, err := web.OpenStore(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	wc := web.Config{Checker: c, Store: store, Mount: map[string]http.Handler{"GET /probe": e.Probe(), "GET /metrics": e.Metrics()}}
	for _, o := range webOpts {
		o(&wc)
	}
	srv, err := web.New(wc)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{lab: l, checker: c, ts: ts}
}

func (e *env) probe(t testing.TB, q url.Values, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/probe?"+q.Encode(), nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func parse(t testing.TB, text string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("not the text exposition format: %v\n%s", err, text)
	}
	return fams
}

func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.Label {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

func value(t testing.TB, fams map[string]*dto.MetricFamily, name string) float64 {
	t.Helper()
	f := fams[name]
	if f == nil || len(f.Metric) != 1 {
		t.Fatalf("%s: want one series, got %v", name, f)
	}
	return f.Metric[0].GetGauge().GetValue()
}

func TestProbeSaysWhy(t *testing.T) {
	e := newEnv(t, nil, nil)
	for _, tc := range []struct {
		endpoint string
		want     cause.Code
	}{
		{"ok", cause.OK},
		{"expired", cause.CertExpired},
		{"chain-incomplete-aia", cause.ChainIncomplete},
		{"tls10-only", cause.ProtocolVersionMismatch},
		{"dns-failure", cause.DNSFailure},
		{"refused", cause.TCPRefused},
	} {
		t.Run(tc.endpoint, func(t *testing.T) {
			ep := e.lab.Endpoint(tc.endpoint)
			code, text := e.probe(t, url.Values{"target": {ep.URL()}})
			if code != 200 {
				t.Fatalf("%d %s", code, text)
			}
			fams := parse(t, text)
			success := 0.0
			if tc.want == cause.OK {
				success = 1
			}
			if v := value(t, fams, "tlsdoctor_probe_success"); v != success {
				t.Errorf("probe_success %v", v)
			}
			c := fams["tlsdoctor_cause"]
			if c == nil || len(c.Metric) != 1 || labels(c.Metric[0])["cause"] != string(tc.want) || c.Metric[0].GetGauge().GetValue() != 1 {
				t.Errorf("tlsdoctor_cause: %v", c)
				// What a check of it says now, for the log.
				if res, err := e.checker.Check(context.Background(), service.Request{Target: ep.URL()}); err == nil {
					t.Logf("a check now: %s %s\n%s", res.Diagnosis.Cause, res.Diagnosis.Summary, strings.Join(res.Diagnosis.Evidence, "\n"))
				}
			}
			if value(t, fams, "tlsdoctor_probe_duration_seconds") <= 0 {
				t.Error("no probe duration")
			}
			if tc.want == cause.DNSFailure {
				return
			}
			if tc.want == cause.TCPRefused {
				// Refused at connect: no hello, no certificate.
				return
			}
			phases := map[string]bool{}
			for _, m := range fams["tlsdoctor_handshake_duration_seconds"].GetMetric() {
				phases[labels(m)["phase"]] = m.GetGauge().GetValue() > 0
			}
			if !phases["resolve"] || !phases["connect"] || !phases["hello"] {
				t.Errorf("phases %v", phases)
			}
			if tc.want == cause.ProtocolVersionMismatch {
				return
			}
			var leaf *dto.Metric
			for _, m := range fams["tlsdoctor_cert_not_after_seconds"].GetMetric() {
				if labels(m)["depth"] == "0" {
					leaf = m
				}
			}
			if leaf == nil || labels(leaf)["role"] != "leaf" {
				t.Fatalf("no leaf expiry: %v", fams["tlsdoctor_cert_not_after_seconds"])
			}
			expired := leaf.GetGauge().GetValue() < float64(time.Now().Unix())
			if expired != (tc.want == cause.CertExpired) {
				t.Errorf("leaf not after %v", leaf.GetGauge().GetValue())
			}
			v := fams["tlsdoctor_tls_version_info"]
			if v == nil || labels(v.Metric[0])["version"] != "TLS 1.3" {
				t.Errorf("tls_version_info %v", v)
			}
		})
	}
}

func TestProbeClients(t *testing.T) {
	e := newEnv(t, nil, nil)
	code, text := e.probe(t, url.Values{"target": {e.lab.Endpoint("tls10-only").URL()}, "module": {"clients"}})
	if code != 200 {
		t.Fatalf("%d %s", code, text)
	}
	fams := parse(t, text)
	f := fams["tlsdoctor_client_failing"]
	if f == nil || len(f.Metric) != len(profile.All()) {
		t.Fatalf("client_failing: %v", f)
	}
	failing, working := 0, 0
	for _, m := range f.Metric {
		l := labels(m)
		if !cause.Code(l["cause"]).Known() {
			t.Errorf("cause label %q is not in the catalog", l["cause"])
		}
		if m.GetGauge().GetValue() == 1 {
			failing++
			if l["cause"] == "OK" {
				t.Errorf("%s fails with OK", l["client"])
			}
		} else {
			working++
		}
	}
	if failing == 0 || working == 0 || value(t, fams, "tlsdoctor_clients_failing") != float64(failing) {
		t.Errorf("%d failing, %d working", failing, working)
	}
}

// Label values come from the catalog alone, whatever the endpoint does.
func TestCauseLabelsFromTheCatalog(t *testing.T) {
	e := newEnv(t, nil, nil)
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]bool{}
	for _, ep := range e.lab.Endpoints {
		if ep.Slow {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := url.Values{"target": {ep.URL()}}
			if ep.Profile != "default" {
				return // the default module's client is "default"
			}
			code, text := e.probe(t, q)
			if code != 200 {
				t.Errorf("%s: %d %s", ep.Name, code, text)
				return
			}
			for _, name := range []string{"tlsdoctor_cause", "tlsdoctor_address_cause"} {
				for _, m := range parse(t, text)[name].GetMetric() {
					c := labels(m)["cause"]
					if !cause.Code(c).Known() {
						t.Errorf("%s: %s{cause=%q} is not in the catalog", ep.Name, name, c)
					}
					mu.Lock()
					seen[c] = true
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(seen) < 15 {
		t.Errorf("only %d causes seen: %v", len(seen), seen)
	}
}

func TestProbeErrors(t *testing.T) {
	e := newEnv(t, addrpolicy.New(), nil) // public addresses only
	addr, hits := labtest.Counter(t, "127.0.0.1:0")
	for q, want := range map[string]int{
		"":                                   400,
		"target=https://x.example/&module=x": 400,
		"target=http://x.example/":           400,
		"target=https://" + addr + "/":       403,
		"target=https://x.example/&connect=" + addr: 403,
		"target=https://169.254.169.254/":           403,
	} {
		v, _ := url.ParseQuery(q)
		code, text := e.probe(t, v)
		if code != want || !strings.HasPrefix(text, "error: ") {
			t.Errorf("%q: %d %s", q, code, text)
		}
	}
	time.Sleep(50 * time.Millisecond)
	if hits.Load() != 0 {
		t.Fatalf("%d connections reached the loopback listener", hits.Load())
	}
}

// Prometheus announces its scrape time-out; the probe ends before it.
func TestScrapeTimeout(t *testing.T) {
	e := newEnv(t, nil, nil)
	code, text := e.probe(t, url.Values{"target": {e.lab.Endpoint("silent").URL()}}, "X-Prometheus-Scrape-Timeout-Seconds", "1.5")
	if code != 200 {
		t.Fatalf("%d %s", code, text)
	}
	fams := parse(t, text)
	if v := value(t, fams, "tlsdoctor_probe_duration_seconds"); v > 1.5 {
		t.Errorf("the probe took %.1fs, past the scrape time-out", v)
	}
	if c := labels(fams["tlsdoctor_cause"].Metric[0])["cause"]; c != string(cause.HandshakeTimeout) {
		t.Errorf("cause %s", c)
	}
}

func TestMetricsEndpoint(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.probe(t, url.Values{"target": {e.lab.Endpoint("ok").URL()}})
	resp, err := http.Get(e.ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fams := parse(t, string(b))
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "tlsdoctor_build_info", "tlsdoctor_checks_total", "tlsdoctor_exporter_probes_total", "tlsdoctor_checks_in_flight"} {
		if fams[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

func TestModules(t *testing.T) {
	dir := t.TempDir()
	root, _ := pki.NewRoot(pki.Spec{CN: "Modules Test CA"})
	os.WriteFile(filepath.Join(dir, "ca.pem"), pki.PEM(root.Cert), 0o644)
	good := `modules:
  default:
    profile: default
  java8_corp:
    profile: java-8
    ca_file: ca.pem
    no_system_roots: true
    timeout: 3s
  gateway:
    profile: oci-apigw
    clients: true
    servername: api.internal.example
`
	path := filepath.Join(dir, "modules.yml")
	os.WriteFile(path, []byte(good), 0o644)
	m, err := LoadModules(path)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(m.Names()) != "[default gateway java8_corp]" || len(m["java8_corp"].cas) != 1 || m["java8_corp"].Timeout != 3*time.Second {
		t.Errorf("modules %v %+v", m.Names(), m["java8_corp"])
	}
	for bad, want := range map[string]string{
		"":                                  "empty",
		"modules: {}":                       "no modules",
		"modules:\n  a:\n    profle: x\n":   "field profle not found",
		"modules:\n  a:\n    profile: x\n":  `module "a": unknown profile "x"`,
		"modules:\n  a:\n    timeout: 2h\n": "timeout",
		"modules:\n  a:\n    ca_file: nope.pem\n":      "ca_file",
		"modules:\n  a:\n    no_system_roots: true\n":  "no trusted CA",
		"modules:\n  a:\n    timeout: soon\n":          "line 3",
		"modules:\n  a: [1, 2]\n":                      "cannot unmarshal",
		"modules:\n  a:\n    profile: default\n  a:\n": "already defined",
	} {
		_, err := ParseModules([]byte(bad), dir)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", bad, err, want)
		}
	}
}

// promtool lints the exposition: names, units, help.
func TestPromtoolLintsTheProbe(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (Debian package prometheus); .ci/run installs it")
	}
	e := newEnv(t, nil, nil)
	_, text := e.probe(t, url.Values{"target": {e.lab.Endpoint("tls10-only").URL()}, "module": {"clients"}})
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

// 200 clients at once on /probe against a lab endpoint: all answered, the
// memory stays bounded, and nothing is left running afterwards.
func TestLoad200(t *testing.T) {
	sharedLab(t)
	before := runtime.NumGoroutine()
	e := newEnv(t, nil, nil)
	lat, codes := load(t, e, 200)
	if codes[200] != 200 {
		t.Fatalf("statuses %v", codes)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.Sys > 150<<20 {
		t.Errorf("the process took %d MiB from the system", ms.Sys>>20)
	}
	t.Logf("200 concurrent probes: p50 %v, p99 %v, %d MiB from the system", percentile(lat, 50), percentile(lat, 99), ms.Sys>>20)
	e.ts.Close()
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

// load sends n probes at once and returns their latencies and statuses.
func load(t testing.TB, e *env, n int) ([]time.Duration, map[int]int) {
	target := e.lab.Endpoint("ok").URL()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}, Timeout: time.Minute}
	defer client.CloseIdleConnections()
	lat := make([]time.Duration, n)
	codes := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			t0 := time.Now()
			resp, err := client.Get(e.ts.URL + "/probe?target=" + url.QueryEscape(target))
			if err != nil {
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			lat[i] = time.Since(t0)
			codes[i] = resp.StatusCode
			if !strings.Contains(string(b), "tlsdoctor_probe_success 1") {
				codes[i] = -1
			}
		}()
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, c := range codes {
		count[c]++
	}
	return lat, count
}

func percentile(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[(len(s)-1)*p/100]
}

// BenchmarkProbe200 sends 200 probes at once, b.N times, and reports the
// latency percentiles and the process's peak resident memory.
//
//	go test -bench Probe200 -run '^$' ./internal/exporter/
func BenchmarkProbe200(b *testing.B) {
	// One client sends every probe: the rate limit is not what is measured.
	e := newEnv(b, nil, nil, func(c *web.Config) { c.Rate, c.Burst = 1e6, 1e6 })
	var all []time.Duration
	for b.Loop() {
		lat, codes := load(b, e, 200)
		if codes[200] != 200 {
			b.Fatalf("statuses %v", codes)
		}
		all = append(all, lat...)
	}
	b.ReportMetric(float64(percentile(all, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(all, 99).Microseconds())/1000, "p99-ms")
	if hwm := peakRSS(); hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "peak-RSS-MiB")
	}
}

// peakRSS reads VmHWM from /proc (0 elsewhere).
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb << 10
		}
	}
	return 0
}
