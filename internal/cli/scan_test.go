package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// scanResolver resolves lab names, and the Kubernetes Service names of the
// fixtures, to loopback; every other name is not found (no DNS is asked).
type scanResolver struct{ extra map[string]string }

func (r scanResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if ip, ok := r.extra[host]; ok {
		return []netip.Addr{netip.MustParseAddr(ip)}, nil
	}
	return testLab.Resolver().LookupNetIP(ctx, network, host)
}

// runScan runs tlsdoctor scan with a resolver that never leaves loopback.
func runScan(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		resolver: scanResolver{extra: map[string]string{"backend.shop.svc.cluster.local": "127.0.0.1", "payments.shop.svc.cluster.local": "127.0.0.1"}}}
	code := e.scan(context.Background(), args)
	return code, out.String(), errb.String()
}

type scanDoc struct {
	Target  string `json:"target"`
	Source  string `json:"source"`
	Profile string `json:"profile"`
	Cause   string `json:"cause"`
	ID      string `json:"id"`
	Where   string `json:"where"`
	Mode    string `json:"mode"`
}

func parseNDJSON(t *testing.T, out string) []scanDoc {
	t.Helper()
	var docs []scanDoc
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var d scanDoc
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatalf("not NDJSON: %q: %v", line, err)
		}
		docs = append(docs, d)
	}
	return docs
}

func labPort(name string) string {
	_, p, _ := net.SplitHostPort(testLab.Endpoint(name).Addrs[0])
	return p
}

func labHostPort(name string) string {
	e := testLab.Endpoint(name)
	return e.Host + ":" + labPort(name)
}

// copyFixture copies inventory/testdata/file (and, for a directory, all of
// it) into a temporary directory, rewriting host names and addresses so
// that every back end is a lab endpoint.
func copyFixture(t *testing.T, file string, replace ...string) string {
	t.Helper()
	src := filepath.Join("..", "..", "inventory", "testdata", file)
	dir := t.TempDir()
	rewrite := strings.NewReplacer(replace...)
	root := filepath.Dir(src)
	if strings.Contains(file, "/") {
		root = filepath.Join("..", "..", "inventory", "testdata", strings.Split(file, "/")[0])
	}
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if !strings.Contains(file, "/") && rel != filepath.Base(file) {
			return nil
		}
		data, _ := os.ReadFile(p)
		os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755)
		return os.WriteFile(filepath.Join(dir, rel), []byte(rewrite.Replace(string(data))), 0o644)
	})
	if strings.Contains(file, "/") {
		return filepath.Join(dir, strings.SplitN(file, "/", 2)[1])
	}
	return filepath.Join(dir, filepath.Base(file))
}

// Every reader's fixture, scanned against lab endpoints: each back end gets
// its gateway's profile and settings, and the verdict that gateway would
// reach; each verdict points at the line that defines the back end.
func TestFixturesAgainstTheLab(t *testing.T) {
	rootPEM := string(testLab.RootPEM())
	type want struct{ profile, cause, source string }
	for _, tc := range []struct {
		file    string
		replace []string
		args    []string
		want    map[string]want // by a substring of the target
		warn    []string        // substrings of stderr
	}{
		{
			file: "oci-deployment.json",
			replace: []string{
				"orders.internal.example.com:8443", labHostPort("ok"),
				"billing.internal.example.com:8443", labHostPort("expired"),
				"legacy.internal.example.com:8443", labHostPort("self-signed"),
				"inventory-eu.internal.example.com:8443", labHostPort("chain-incomplete"),
				"inventory-us.internal.example.com:8443", labHostPort("untrusted-root"),
			},
			args: []string{"--ca-bundle", rootFile},
			want: map[string]want{
				"ok.tlsdoctor":               {"oci-apigw", "OK", "oci-deployment.json:19:20"},
				"expired.tlsdoctor":          {"oci-apigw", "CERT_EXPIRED", "oci-deployment.json:31:20"},
				"self-signed.tlsdoctor":      {"oci-apigw", "OK", "oci-deployment.json:42:20"},
				"chain-incomplete.tlsdoctor": {"oci-apigw", "CHAIN_INCOMPLETE", ""},
				"untrusted-root.tlsdoctor":   {"oci-apigw", "UNTRUSTED_ROOT", ""},
			},
			warn: []string{`unknown field "retry-policy"`},
		},
		{
			file:    "aws-rest-openapi.yaml",
			replace: []string{"petstore.example.com:8443", labHostPort("ok"), "orders.internal.example.com:8443", labHostPort("ok-rsa")},
			args:    []string{"--ca-bundle", rootFile},
			want: map[string]want{
				// REST APIs accept only AWS's list of public CAs: a private
				// CA fails even when given (--ca-bundle does not apply).
				"ok.tlsdoctor": {"aws-apigw-rest", "UNTRUSTED_ROOT", "aws-rest-openapi.yaml:25:14"},
				// With insecureSkipVerification the chain must still reach
				// a root; the lab sends none (which of the two causes is
				// likelier is diagnose's call).
				"ok-rsa.tlsdoctor": {"aws-apigw-rest-skip-verify", "UNTRUSTED_ROOT|CHAIN_INCOMPLETE", "aws-rest-openapi.yaml:42:14"},
			},
			warn: []string{"uses variables"},
		},
		{
			file:    "aws-http-openapi.json",
			replace: []string{"accounts.internal.example.com", "ok.tlsdoctor.test"},
			args:    []string{"--ca-bundle", rootFile, "--connect", testLab.Endpoint("ok").Addrs[0]},
			want:    map[string]want{"ok.tlsdoctor": {"aws-apigw-http", "OK", "aws-http-openapi.json:13:18"}},
			warn:    []string{"without tlsConfig.serverNameToVerify"},
		},
		{
			file: "nginx/nginx.conf",
			replace: []string{
				"backend1.example.com:8443", labHostPort("ok"),
				"backend2.example.com:8443", labHostPort("expired"),
				"reports.example.com:8443", labHostPort("sni-required"),
				"payments.example.com:8443", labHostPort("ok-rsa"),
				"payments.example.com", "ok-rsa.tlsdoctor.test",
			},
			args: []string{"--ca-bundle", "/etc/nginx/trusted_ca_cert.crt=" + rootFile},
			want: map[string]want{
				// The name nginx checks is the upstream's, backend.example.com.
				"ok.tlsdoctor":           {"nginx-proxy-verify", "HOSTNAME_MISMATCH", "nginx.conf:14"},
				"expired.tlsdoctor":      {"nginx-proxy-verify", "CERT_EXPIRED", "nginx.conf:15"},
				"sni-required.tlsdoctor": {"nginx-proxy", "SNI_REQUIRED", "nginx.conf:35"},
				"ok-rsa.tlsdoctor":       {"nginx-proxy-verify", "OK", "payments.conf:12"},
			},
			warn: []string{"uses variables"},
		},
		{
			file: "kubernetes.yaml",
			replace: []string{
				"port: 8443", "port: " + labPort("ok"),
				"port: 9443", "port: " + labPort("expired"),
				"backend.shop.example", "ok.tlsdoctor.test",
				"payments.shop.example", "expired.tlsdoctor.test",
				"CA-CERTIFICATE-BASE64", base64.StdEncoding.EncodeToString([]byte(rootPEM)),
				"CA-CERTIFICATE-PEM", strings.ReplaceAll(strings.TrimSpace(rootPEM), "\n", "\n    "),
			},
			want: map[string]want{
				"backend.shop.svc":  {"nginx-proxy-verify", "OK", "kubernetes.yaml:31:23"},
				"payments.shop.svc": {"default", "CERT_EXPIRED", "kubernetes.yaml:66:13"},
			},
		},
		{
			file: "envoy.yaml",
			replace: []string{
				"port_value: 8443", "port_value: " + labPort("ok"),
				"www.envoyproxy.io", "ok.tlsdoctor.test",
				"10.0.0.21", "127.0.0.1", "port_value: 9443", "port_value: " + labPort("sni-required"),
				"10.0.0.22", "127.0.0.1",
			},
			args: []string{"--ca-bundle", "/etc/ssl/certs/ca-certificates.crt=" + rootFile},
			want: map[string]want{
				"ok.tlsdoctor":                         {"envoy", "OK", "envoy.yaml:25:32"},
				"127.0.0.1:" + labPort("sni-required"): {"envoy", "SNI_REQUIRED", "envoy.yaml:50:32"},
			},
		},
		{
			file: "haproxy.cfg",
			replace: []string{
				"10.0.0.7:8443", "127.0.0.1:" + labPort("ok"), "api.example.com", "ok.tlsdoctor.test",
				"10.0.0.8:8443", "127.0.0.1:" + labPort("self-signed"),
				"10.0.0.9:8080", "127.0.0.1:1",
				"10.0.0.10:8443", "127.0.0.1:" + labPort("expired"), "old.example.com", "expired.tlsdoctor.test",
			},
			args: []string{"--ca-bundle", "/etc/haproxy/ca.pem=" + rootFile},
			want: map[string]want{
				"127.0.0.1:" + labPort("ok"):          {"haproxy", "OK", "haproxy.cfg:24:17"},
				"127.0.0.1:" + labPort("self-signed"): {"haproxy", "OK", "haproxy.cfg:25:17"},
				"127.0.0.1:" + labPort("expired"):     {"haproxy", "CERT_EXPIRED", "haproxy.cfg:30:17"},
			},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := copyFixture(t, tc.file, tc.replace...)
			args := append([]string{"--config", path, "--json", "--timeout", "2s", "--no-aia"}, tc.args...)
			code, out, errs := runScan(t, "", args...)
			docs := parseNDJSON(t, out)
			if len(docs) != len(tc.want) {
				t.Errorf("%d targets, want %d:\n%s\nstderr:\n%s", len(docs), len(tc.want), out, errs)
			}
			failing := false
			for sub, w := range tc.want {
				found := false
				for _, d := range docs {
					if !strings.Contains(d.Target, sub) {
						continue
					}
					found = true
					if d.Profile != w.profile || !slices.Contains(strings.Split(w.cause, "|"), d.Cause) {
						t.Errorf("%s: profile %s cause %s, want %s %s (%s)", d.Target, d.Profile, d.Cause, w.profile, w.cause, d.Where)
					}
					if w.source != "" && !strings.HasSuffix(d.Source, w.source) {
						t.Errorf("%s: source %s, want ...%s", d.Target, d.Source, w.source)
					}
					if d.ID == "" || d.Mode != "check" {
						t.Errorf("%s: id %q mode %q", d.Target, d.ID, d.Mode)
					}
				}
				if !found {
					t.Errorf("no target %s in:\n%s\nstderr:\n%s", sub, out, errs)
				}
				failing = failing || w.cause != "OK"
			}
			if want := map[bool]int{true: ExitFailure, false: ExitOK}[failing]; code != want {
				t.Errorf("exit %d, want %d", code, want)
			}
			for _, w := range tc.warn {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
		})
	}
}

// labTargets writes a target file of lab endpoints (the quick ones), one a
// line with its address and profile, plus comments, a duplicate and bad
// lines.
func labTargets(t *testing.T) (string, int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("# lab endpoints\n\n")
	n := 0
	for _, e := range testLab.Endpoints {
		if e.Slow || e.Stateful || e.Want == "DNS_FAILURE" {
			continue
		}
		fmt.Fprintf(&b, "%s connect=%s", e.URL(), strings.Join(e.Addrs, ","))
		if e.Profile != "default" {
			fmt.Fprintf(&b, " profile=%s", e.Profile)
		}
		b.WriteString("  # " + e.Name + "\n")
		n++
	}
	ok := testLab.Endpoint("ok")
	fmt.Fprintf(&b, "%s connect=%s\n", ok.URL(), ok.Addrs[0]) // a duplicate
	b.WriteString("https://ok.tlsdoctor.test:1/ colour=blue\nftp://x.example/\nhttps://ok.tlsdoctor.test:2/ profile=nope\n")
	path := filepath.Join(t.TempDir(), "targets.txt")
	os.WriteFile(path, []byte(b.String()), 0o644)
	return path, n
}

func scanArgs(extra ...string) []string {
	return append([]string{"--ca-bundle", rootFile, "--no-system-roots", "--timeout", "2s"}, extra...)
}

// Four shards together hold exactly the targets of one unsharded scan,
// with the same verdicts; scan merge sums them as one summary.
func TestShardsUnionEqualsOneScan(t *testing.T) {
	targets, n := labTargets(t)
	code, out, errs := runScan(t, "", scanArgs("--targets", targets, "--json")...)
	if code != ExitFailure {
		t.Fatalf("exit %d; stderr:\n%s", code, errs)
	}
	whole := map[string]string{}
	for _, d := range parseNDJSON(t, out) {
		whole[d.ID] = d.Target + " " + d.Cause
	}
	if len(whole) != n {
		t.Fatalf("%d targets, want %d (duplicate merged, bad lines skipped)", len(whole), n)
	}
	for _, w := range []string{"targets.txt:" + fmt.Sprint(n+4) + ": unknown option \"colour\"", "unsupported scheme", "unknown profile \"nope\""} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errs)
		}
	}
	union := map[string]string{}
	dir := t.TempDir()
	var files []string
	for i := range 4 {
		_, out, _ := runScan(t, "", scanArgs("--targets", targets, "--json", "--shard", fmt.Sprintf("%d/4", i))...)
		docs := parseNDJSON(t, out)
		if len(docs) == 0 || len(docs) == n {
			t.Errorf("shard %d/4 holds %d of %d targets", i, len(docs), n)
		}
		for _, d := range docs {
			if _, dup := union[d.ID]; dup {
				t.Errorf("%s in two shards", d.Target)
			}
			union[d.ID] = d.Target + " " + d.Cause
		}
		f := filepath.Join(dir, fmt.Sprintf("shard-%d.ndjson", i))
		os.WriteFile(f, []byte(out), 0o644)
		files = append(files, f)
	}
	if len(union) != len(whole) {
		t.Errorf("shards hold %d targets, one scan %d", len(union), len(whole))
	}
	for id, v := range whole {
		if union[id] != v {
			t.Errorf("%s: one scan %q, shards %q", id, v, union[id])
		}
	}
	// Merging the shards (one of them twice) counts each target once.
	var out2 bytes.Buffer
	e := &env{stdout: &out2, stderr: &bytes.Buffer{}}
	code = e.scanMerge(append(files, files[0], "--json"))
	var sum struct {
		Targets, OK, Failed int
		Causes              map[string]struct{ Count int }
	}
	if err := json.Unmarshal(out2.Bytes(), &sum); err != nil || code != ExitFailure {
		t.Fatalf("merge: exit %d, %v: %s", code, err, out2.String())
	}
	if sum.Targets != n || sum.Causes["CERT_EXPIRED"].Count != 1 || sum.OK+sum.Failed != n {
		t.Errorf("merged summary %+v", sum)
	}
}

// --resume skips what an earlier (killed) scan wrote, drops its cut-off
// last line, and appends the rest.
func TestResume(t *testing.T) {
	targets, n := labTargets(t)
	_, out, _ := runScan(t, "", scanArgs("--targets", targets, "--json")...)
	lines := strings.SplitAfter(strings.TrimSpace(out), "\n")
	done := 5
	partial := strings.Join(lines[:done], "") + lines[done][:len(lines[done])/2] // killed mid-line
	resume := filepath.Join(t.TempDir(), "out.ndjson")
	os.WriteFile(resume, []byte(partial), 0o644)
	code, out2, errs := runScan(t, "", scanArgs("--targets", targets, "--json", "--resume", resume)...)
	if code != ExitFailure {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if got := len(parseNDJSON(t, out2)); got != n-done {
		t.Errorf("resumed scan checked %d targets, want %d", got, n-done)
	}
	data, _ := os.ReadFile(resume)
	docs := parseNDJSON(t, string(data))
	ids := map[string]bool{}
	for _, d := range docs {
		ids[d.ID] = true
	}
	if len(docs) != n || len(ids) != n {
		t.Errorf("resume file holds %d lines, %d targets; want %d", len(docs), len(ids), n)
	}
	// The text summary of the resumed scan counts the earlier targets too.
	code, text, _ := runScan(t, "", scanArgs("--targets", targets, "--resume", resume)...)
	if !strings.Contains(text, fmt.Sprintf("Scanned %d targets", n)) || !strings.Contains(text, fmt.Sprintf("%d already in", n)) {
		t.Errorf("summary after a complete resume file:\n%s", text)
	}
	if code != ExitFailure {
		t.Errorf("exit %d", code)
	}
}

// A --resume file counts only for the targets of this scan (not the rest of
// what it holds), and a file from another --mode is refused, not taken as
// this mode's verdicts.
func TestResumeOtherListOrMode(t *testing.T) {
	targets, n := labTargets(t)
	resume := filepath.Join(t.TempDir(), "out.ndjson")
	if code, _, errs := runScan(t, "", scanArgs("--targets", targets, "--json", "--resume", resume)...); code != ExitFailure {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, _ := os.ReadFile(targets)
	var first []string
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if strings.HasPrefix(l, "https://") && len(first) < 2 {
			first = append(first, l)
		}
	}
	two := filepath.Join(t.TempDir(), "two.txt")
	os.WriteFile(two, []byte(strings.Join(first, "")), 0o644)
	code, text, errs := runScan(t, "", scanArgs("--targets", two, "--resume", resume)...)
	if !strings.Contains(text, "Scanned 2 targets") || !strings.Contains(text, "2 already in") {
		t.Errorf("exit %d; summary of 2 targets resumed from a file of %d:\n%s%s", code, n, text, errs)
	}
	code, _, errs = runScan(t, "", scanArgs("--targets", two, "--mode", "cert", "--resume", resume)...)
	if code != ExitUsage || !strings.Contains(errs, "holds --mode check results") || !strings.Contains(errs, "--mode check") {
		t.Errorf("another mode's file: exit %d: %s", code, errs)
	}
}

// The three modes on the same targets: cert decides healthy targets from
// one handshake and checks the others in full; full reports every client.
func TestScanModes(t *testing.T) {
	ok, exp, tls10 := testLab.Endpoint("ok"), testLab.Endpoint("expired"), testLab.Endpoint("tls10-only")
	in := fmt.Sprintf("%s connect=%s\n%s connect=%s\n%s connect=%s\n", ok.URL(), ok.Addrs[0], exp.URL(), exp.Addrs[0], tls10.URL(), tls10.Addrs[0])
	code, out, errs := runScan(t, in, scanArgs("--targets", "-", "--json", "--mode", "cert")...)
	if code != ExitFailure {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got := map[string]string{}
	fast := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var d struct {
			Target, Cause, Source string
			FastPath              *bool `json:"fast_path"`
			Mode                  string
		}
		json.Unmarshal([]byte(line), &d)
		if d.FastPath == nil {
			t.Errorf("%s: no fast_path in cert mode: %s", d.Target, line)
			continue
		}
		got[d.Target], fast[d.Target] = d.Cause, *d.FastPath
		if d.Mode != "cert" || !strings.HasPrefix(d.Source, "-:") {
			t.Errorf("%s: mode %s source %s", d.Target, d.Mode, d.Source)
		}
	}
	if got[ok.URL()] != "OK" || !fast[ok.URL()] || got[exp.URL()] != "CERT_EXPIRED" || got[tls10.URL()] != "PROTOCOL_VERSION_MISMATCH" || fast[tls10.URL()] {
		t.Errorf("cert mode: %v fast %v", got, fast)
	}
	code, out, _ = runScan(t, ok.URL()+" connect="+ok.Addrs[0]+"\n", scanArgs("--targets", "-", "--json", "--mode", "full")...)
	if strings.Contains(out, `"fast_path"`) {
		t.Errorf("fast_path outside cert mode: %s", out)
	}
	var m struct {
		Clients []struct{ Profile, Cause string }
		Server  map[string]any
		Source  string
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil || len(m.Clients) < 20 || len(m.Server) != 1 || m.Source != "-:1" {
		t.Errorf("full mode: %v %s", err, out)
	}
	_ = code
	// --clients: only those are judged, and a target fails for them alone.
	code, out, errs = runScan(t, tls10.URL()+" connect="+tls10.Addrs[0]+"\n", scanArgs("--targets", "-", "--json", "--mode", "full", "--clients", "java-6,default")...)
	m.Clients = nil
	json.Unmarshal([]byte(out), &m)
	if len(m.Clients) != 2 || m.Clients[0].Profile != "java-6" || m.Clients[1].Profile != "default" || code != ExitFailure {
		t.Fatalf("--clients java-6,default: exit %d, clients %+v: %s", code, m.Clients, errs)
	}
	if m.Clients[0].Cause != "CIPHER_MISMATCH" || m.Clients[1].Cause != "PROTOCOL_VERSION_MISMATCH" {
		t.Errorf("a TLS 1.0-only server: %+v", m.Clients)
	}
	// A CSV row names the first failing client with its cause.
	_, out, _ = runScan(t, tls10.URL()+" connect="+tls10.Addrs[0]+"\n", scanArgs("--targets", "-", "--format", "csv", "--mode", "full", "--clients", "java-6,default")...)
	if !strings.Contains(out, ",java-6,CIPHER_MISMATCH,") {
		t.Errorf("CSV of a full scan:\n%s", out)
	}
}

// Text, CSV and SARIF outputs; SARIF results sit at the configuration line.
func TestScanFormats(t *testing.T) {
	exp := testLab.Endpoint("expired")
	path := copyFixture(t, "haproxy.cfg", "10.0.0.7:8443", "127.0.0.1:"+labPort("expired"), "api.example.com", "expired.tlsdoctor.test",
		"10.0.0.8:8443", "127.0.0.1:"+labPort("ok"), "10.0.0.9:8080", "127.0.0.1:1", "10.0.0.10:8443", "127.0.0.1:"+labPort("ok"), "old.example.com", "ok.tlsdoctor.test")
	args := scanArgs("--config", path, "--ca-bundle", "/etc/haproxy/ca.pem="+rootFile)
	code, text, _ := runScan(t, "", args...)
	for _, w := range []string{"CERT_EXPIRED", "haproxy.cfg:24:17", "Scanned 3 targets", "FAIL CERT_EXPIRED (1)", "Issuers of the leaf certificates", "Expiry: 1 expired"} {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q:\n%s", w, text)
		}
	}
	if code != ExitFailure {
		t.Errorf("exit %d", code)
	}
	_, csvOut, _ := runScan(t, "", append(args, "--format", "csv")...)
	rows := strings.Split(strings.TrimSpace(csvOut), "\n")
	if len(rows) != 4 || !strings.HasPrefix(rows[0], "id,target,source") || !strings.Contains(csvOut, "CERT_EXPIRED") {
		t.Errorf("csv:\n%s", csvOut)
	}
	_, sarif, _ := runScan(t, "", append(args, "--format", "sarif")...)
	var log struct {
		Version string
		Runs    []struct {
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
				}
			}
			Tool struct {
				Driver struct{ Rules []struct{ ID string } }
			}
		}
	}
	if err := json.Unmarshal([]byte(sarif), &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("sarif: %v\n%s", err, sarif)
	}
	r := log.Runs[0]
	if len(r.Results) != 1 || r.Results[0].RuleID != "CERT_EXPIRED" || len(r.Tool.Driver.Rules) != 1 {
		t.Fatalf("sarif results: %+v", r)
	}
	loc := r.Results[0].Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != path || loc.Region.StartLine != 24 || loc.Region.StartColumn != 17 {
		t.Errorf("sarif location %+v", loc)
	}
	_ = exp
}

// Bad input gets a clear error and exit 2, never a scan of garbage.
func TestScanBadInput(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.WriteFile(bin, append([]byte("https://a.example/\n"), 0, 1, 2, 0xff), 0o644)
	big := filepath.Join(dir, "big.yaml")
	f, _ := os.Create(big)
	f.Truncate(100 << 20)
	f.Close()
	badJSON := filepath.Join(dir, "bad.json")
	os.WriteFile(badJSON, []byte("{\n  \"data\": {\n    \"specification\": {\"routes\": [,]}\n  }\n}\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--targets", bin}, "binary data"},
		{[]string{"--config", big}, "larger than 16 MiB"},
		{[]string{"--config", badJSON}, "bad.json:3:"},
		{[]string{"--config", dir}, "is a directory"},
		{[]string{"--targets", filepath.Join(dir, "none")}, "no such file"},
		{[]string{}, "nothing to scan"},
		{[]string{"--targets", bin, "--shard", "4/4"}, "--shard"},
		{[]string{"--targets", bin, "--mode", "fast"}, "--mode"},
		{[]string{"https://a.example/"}, "no TARGET argument"},
		{[]string{"--targets", bin, "--rate", "-1"}, "--rate"},
	} {
		code, out, errs := runScan(t, "", tc.args...)
		if code != ExitUsage || !strings.Contains(errs, tc.want) || !strings.Contains(errs, "hint:") && tc.want != "is a directory" && tc.want != "--mode" {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, errs, tc.want)
		}
		if out != "" || strings.Contains(errs, "%!") {
			t.Errorf("%v: stdout %q, stderr %q", tc.args, out, errs)
		}
	}
}

// The Indexed Job of deploy/ runs, shard by shard, the command line it
// holds; together the shards cover every target once, and scan merge sums
// them.
func TestDeployJobShards(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "scan-job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		Kind string
		Spec struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int
			Parallelism    int
			Template       struct {
				Spec struct {
					Containers []struct{ Args []string }
				}
			}
		}
	}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		if strings.Contains(doc, "kind: Job") {
			if err := yaml.Unmarshal([]byte(doc), &job); err != nil {
				t.Fatal(err)
			}
		}
	}
	n := job.Spec.Completions
	if job.Spec.CompletionMode != "Indexed" || n < 2 || job.Spec.Parallelism != n || len(job.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("job %+v", job.Spec)
	}
	cmd := job.Spec.Template.Spec.Containers[0].Args[0]
	if !strings.Contains(cmd, fmt.Sprintf("--shard ${SHARD}/%d", n)) {
		t.Fatalf("the Job's --shard does not match its %d completions: %s", n, cmd)
	}
	cmd, _, _ = strings.Cut(cmd, ";")
	targets, count := labTargets(t)
	out := t.TempDir()
	seen := map[string]bool{}
	var files []string
	for i := range n {
		line := strings.NewReplacer("${SHARD}", fmt.Sprint(i), "/targets/targets.txt", targets, "/out", out).Replace(cmd)
		args := strings.Fields(line)
		if args[0] != "tlsdoctor" || args[1] != "scan" {
			t.Fatalf("not a scan: %s", line)
		}
		code, _, errs := runScan(t, "", append(args[2:], scanArgs()...)...)
		if code > ExitFailure {
			t.Fatalf("shard %d: exit %d: %s", i, code, errs)
		}
		f := filepath.Join(out, fmt.Sprintf("shard-%d.ndjson", i))
		b, _ := os.ReadFile(f)
		for _, d := range parseNDJSON(t, string(b)) {
			if seen[d.ID] {
				t.Errorf("%s in two shards", d.Target)
			}
			seen[d.ID] = true
		}
		files = append(files, f)
	}
	if len(seen) != count {
		t.Errorf("the shards hold %d targets, want %d", len(seen), count)
	}
	var text bytes.Buffer
	e := &env{stdout: &text, stderr: &bytes.Buffer{}}
	if code := e.scanMerge(files); code != ExitFailure || !strings.Contains(text.String(), fmt.Sprintf("Scanned %d targets", count)) {
		t.Errorf("merge: exit %d\n%s", code, text.String())
	}
}

type manyResolver struct{ n int }

func (r manyResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	var out []netip.Addr
	for i := range r.n {
		out = append(out, netip.AddrFrom4([4]byte{127, 0, byte(i >> 8), byte(i%250 + 1)}))
	}
	return out, nil
}

// A name that resolves to 1,000 addresses is checked at a bounded number
// of them, in bounded time.
func TestScanNameWithManyAddresses(t *testing.T) {
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader("many.example.test:1\n"), stdout: &out, stderr: &errb, resolver: manyResolver{1000}}
	code := e.scan(context.Background(), []string{"--targets", "-", "--json", "--timeout", "1s", "--mode", "cert"})
	var d struct {
		Cause     string
		Addresses []struct{ Addr string }
	}
	if err := json.Unmarshal(out.Bytes(), &d); err != nil || code != ExitFailure {
		t.Fatalf("exit %d, %v: %s %s", code, err, out.String(), errb.String())
	}
	if d.Cause != "TCP_REFUSED" || len(d.Addresses) != 16 {
		t.Errorf("cause %s, %d addresses", d.Cause, len(d.Addresses))
	}
}

// Nothing to scan is an input error, not "all OK": an empty list, one of
// comments or bad lines only; and a --connect that cannot be dialled is
// refused before the scan starts.
func TestScanNothingToScanAndBadConnect(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"empty": "", "comments": "# a list\n\n   # more\n", "bad": "ftp://x.example/\nhttps://x.test:99999/\n"} {
		f := filepath.Join(dir, name)
		os.WriteFile(f, []byte(content), 0o644)
		if code, out, errs := runScan(t, "", "--targets", f); code != ExitUsage || !strings.Contains(errs, "nothing to scan") {
			t.Errorf("%s: exit %d\n%s%s", name, code, out, errs)
		}
	}
	if code, _, errs := runScan(t, "", "--targets", "-"); code != ExitUsage || !strings.Contains(errs, "no target in standard input") {
		t.Errorf("empty standard input: exit %d: %s", code, errs)
	}
	for _, c := range []string{"notanaddr:xx", "127.0.0.1:0", "[::1"} {
		if code, _, errs := runScan(t, "https://x.test/\n", "--targets", "-", "--connect", c); code != ExitUsage || !strings.Contains(errs, "--connect") {
			t.Errorf("--connect %s: exit %d: %s", c, code, errs)
		}
	}
}

// scan merge: nothing to merge is an input error, a line cut short is
// named, and --json with --format is a contradiction.
func TestScanMergeInputs(t *testing.T) {
	dir := t.TempDir()
	merge := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		e := &env{stdout: &out, stderr: &errb}
		return e.scanMerge(args), out.String(), errb.String()
	}
	empty := filepath.Join(dir, "empty.ndjson")
	os.WriteFile(empty, nil, 0o644)
	if code, _, errs := merge(empty); code != ExitUsage || !strings.Contains(errs, "no scan results") {
		t.Errorf("empty file: exit %d: %s", code, errs)
	}
	targets, _ := labTargets(t)
	_, out, _ := runScan(t, "", scanArgs("--targets", targets, "--json")...)
	cut := filepath.Join(dir, "cut.ndjson")
	os.WriteFile(cut, []byte(out[:len(out)-40]), 0o644)
	if code, _, errs := merge(cut); code == ExitUsage || !strings.Contains(errs, "the last line is cut short") {
		t.Errorf("cut file: exit %d: %s", code, errs)
	}
	if code, _, errs := merge(cut, "--json", "--format", "csv"); code != ExitUsage || !strings.Contains(errs, "contradict") {
		t.Errorf("--json --format csv: exit %d: %s", code, errs)
	}
	if code, _, errs := runScan(t, "https://x.test/\n", "--targets", "-", "--json", "--format", "csv"); code != ExitUsage || !strings.Contains(errs, "contradict") {
		t.Errorf("scan --json --format csv: exit %d: %s", code, errs)
	}
}

// A --config that is a directory or a list of hosts gets the hint that
// helps: the main file, or --targets.
func TestScanConfigHints(t *testing.T) {
	dir := t.TempDir()
	hosts := filepath.Join(dir, "hosts.txt")
	os.WriteFile(hosts, []byte("# hosts\nhttps://a.test/\napi.test:8443\n"), 0o644)
	for path, hint := range map[string]string{dir: "nginx.conf", hosts: "--targets " + hosts} {
		if code, _, errs := runScan(t, "", "--config", path); code != ExitUsage || !strings.Contains(errs, hint) {
			t.Errorf("--config %s: exit %d: %s", path, code, errs)
		}
	}
}

// A --resume file written with other scan-wide flags (another default
// profile, here) holds other verdicts: its targets are checked again.
func TestResumeOtherFlags(t *testing.T) {
	ok := testLab.Endpoint("ok")
	in := ok.URL() + " connect=" + ok.Addrs[0] + "\n"
	resume := filepath.Join(t.TempDir(), "out.ndjson")
	if code, _, errs := runScan(t, in, scanArgs("--targets", "-", "--json", "--resume", resume)...); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, out, _ := runScan(t, in, scanArgs("--targets", "-", "--json", "--resume", resume)...)
	if out != "" {
		t.Errorf("the same flags checked again: %s", out)
	}
	_, out, _ = runScan(t, in, scanArgs("--targets", "-", "--json", "--resume", resume, "--profile", "java-8")...)
	if docs := parseNDJSON(t, out); len(docs) != 1 || docs[0].Profile != "java-8" {
		t.Errorf("another --profile reused the old verdict: %s", out)
	}
}

// A --ca-bundle NAME=FILE that no target names is said (a misspelling).
func TestScanUnusedCAMapping(t *testing.T) {
	ok := testLab.Endpoint("ok")
	_, _, errs := runScan(t, ok.URL()+" connect="+ok.Addrs[0]+"\n", scanArgs("--targets", "-", "--ca-bundle", "shop/backend-cax="+rootFile)...)
	if !strings.Contains(errs, `no target names "shop/backend-cax"`) {
		t.Errorf("stderr: %s", errs)
	}
}

// Interrupting a scan whose targets are all in its --resume file: the
// reader stops counting, and the summary's counts agree (every target
// counted is one already in the file). The interruption comes while the
// targets are read (standard input that cancels after 1,000 lines).
func TestResumeInterrupted(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 6000 {
		fmt.Fprintf(&b, "https://h%d.invalid/\n", i)
	}
	targets := filepath.Join(dir, "t.txt")
	os.WriteFile(targets, []byte(b.String()), 0o644)
	resume := filepath.Join(dir, "out.ndjson")
	runScan(t, "", "--targets", targets, "--json", "--resume", resume, "--concurrency", "64")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb bytes.Buffer
	in := &cancelAfter{r: strings.NewReader(b.String()), lines: 1000, cancel: cancel}
	e := &env{stdin: in, stdout: &out, stderr: &errb, resolver: scanResolver{}}
	e.scan(ctx, []string{"--targets", "-", "--resume", resume})
	i := strings.Index(out.String(), "Scanned")
	if i < 0 {
		t.Fatalf("no summary: %s", errb.String())
	}
	var scanned, already int
	fmt.Sscanf(out.String()[i:], "Scanned %d", &scanned)
	if i := strings.Index(out.String(), " already in "); i >= 0 {
		j := strings.LastIndexAny(out.String()[:i], "(; ")
		fmt.Sscan(out.String()[j+1:i], &already)
	}
	if scanned == 0 || scanned != already || scanned >= 6000 || !strings.Contains(out.String(), "interrupted") {
		t.Errorf("scanned %d, %d already in the file:\n%s", scanned, already, out.String())
	}
}

// cancelAfter reads r and calls cancel once lines newlines have been read.
type cancelAfter struct {
	r      io.Reader
	lines  int
	cancel func()
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p[:min(len(p), 512)])
	c.lines -= bytes.Count(p[:n], []byte("\n"))
	if c.lines <= 0 {
		c.cancel()
	}
	return n, err
}
