package cli

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/lab"
)

var (
	testLab  *lab.Lab
	rootFile string
)

func TestMain(m *testing.M) {
	// The checks here must not go through whatever proxy the machine has.
	for _, v := range []string{"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"} {
		os.Unsetenv(v)
	}
	var err error
	testLab, err = lab.Start(context.Background())
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "tlsdoctor-cli-test")
	rootFile = filepath.Join(dir, "root.pem")
	os.WriteFile(rootFile, testLab.RootPEM(), 0o644)
	code := m.Run()
	testLab.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runIn(t, "", args...)
}

// labArgs checks a lab endpoint the way a user would: by its name, with
// --connect to its address and the lab root as the only trusted CA.
func labArgs(name string, extra ...string) []string {
	e := testLab.Endpoint(name)
	args := []string{"check", e.URL(), "--connect", strings.Join(e.Addrs, ","), "--ca-bundle", rootFile, "--no-system-roots", "--timeout", "2s"}
	if e.Profile != "default" {
		args = append(args, "--profile", e.Profile)
	}
	if e.NoSNI {
		args = append(args, "--no-sni")
	}
	if e.Proxy != "" {
		args = append(args, "--proxy", e.Proxy)
	}
	if e.Revocation {
		args = append(args, "--revocation")
	}
	return append(args, extra...)
}

func TestCheckExitCodesAndText(t *testing.T) {
	code, out, _ := run(t, labArgs("ok")...)
	if code != ExitOK || !strings.Contains(out, "OK") || !strings.Contains(out, "HTTP/1.1 200 OK") {
		t.Fatalf("ok: %d\n%s", code, out)
	}
	code, out, _ = run(t, labArgs("expired")...)
	if code != ExitFailure || !strings.Contains(out, "CERT_EXPIRED") || !strings.Contains(out, "Fix") || !strings.Contains(out, "Re-check after the fix: tlsdoctor check") {
		t.Fatalf("expired: %d\n%s", code, out)
	}
	if strings.Contains(out, "\x1b[") {
		t.Fatal("colour written to a non-terminal")
	}
}

func TestCheckJSONContract(t *testing.T) {
	code, out, _ := run(t, labArgs("chain-incomplete-aia", "--json")...)
	if code != ExitFailure {
		t.Fatalf("exit %d", code)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"schema_version", "cause", "summary", "evidence", "fix", "findings", "addresses", "profile", "confidence"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if doc["cause"] != "CHAIN_INCOMPLETE" || doc["schema_version"] != float64(diagnose.SchemaVersion) || doc["rule"] != "cert.chain-incomplete" || doc["confidence"] != "proved" {
		t.Fatalf("cause %v schema %v", doc["cause"], doc["schema_version"])
	}
	addrs := doc["addresses"].([]any)
	if len(addrs) != 1 || addrs[0].(map[string]any)["cause"] != "CHAIN_INCOMPLETE" {
		t.Fatalf("addresses %v", addrs)
	}
}

func TestSaveThenDiagnoseOffline(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"ok", "expired", "key-mismatch", "tls10-only", "sni-required", "inconsistent"} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, name+".json")
			code1, out1, _ := run(t, labArgs(name, "--json", "--save", file)...)
			code2, out2, stderr := run(t, "diagnose", file, "--json")
			if code1 != code2 {
				t.Fatalf("live %d, offline %d: %s", code1, code2, stderr)
			}
			var a, b map[string]any
			json.Unmarshal([]byte(out1), &a)
			json.Unmarshal([]byte(out2), &b)
			if a["cause"] != b["cause"] || a["summary"] != b["summary"] {
				t.Fatalf("live %v / %v, offline %v / %v", a["cause"], a["summary"], b["cause"], b["summary"])
			}
		})
	}
}

func TestWriteFixChainVerifies(t *testing.T) {
	dir := t.TempDir()
	code, _, _ := run(t, labArgs("chain-incomplete-aia", "--write-fix", dir)...)
	if code != ExitFailure {
		t.Fatalf("exit %d", code)
	}
	certs, err := fleet.LoadCertificates(filepath.Join(dir, "fullchain.pem"))
	if err != nil || len(certs) != 2 {
		t.Fatalf("fullchain.pem: %v, %d certs", err, len(certs))
	}
	inter := x509.NewCertPool()
	inter.AddCert(certs[1])
	roots := x509.NewCertPool()
	roots.AddCert(testLab.Root)
	if _, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: testLab.Endpoint("chain-incomplete-aia").Host}); err != nil {
		t.Fatalf("the written chain does not verify: %v", err)
	}
	// SELF_SIGNED writes the certificate to trust.
	dir2 := t.TempDir()
	run(t, labArgs("self-signed", "--write-fix", dir2)...)
	if _, err := fleet.LoadCertificates(filepath.Join(dir2, "ca.pem")); err != nil {
		t.Fatalf("ca.pem: %v", err)
	}
	// A chain that stops below a root the server does not send: the root
	// is not known, and trusting the intermediate would not fix OpenSSL
	// clients, so nothing is written.
	dir3 := t.TempDir()
	run(t, labArgs("untrusted-root", "--write-fix", dir3)...)
	if entries, _ := os.ReadDir(dir3); len(entries) != 0 {
		t.Fatalf("untrusted-root wrote %v; no file would fix it", entries)
	}
}

func TestAtJudgesAnotherTime(t *testing.T) {
	code, out, _ := run(t, labArgs("ok", "--at", "+400d", "--json")...)
	if code != ExitFailure || !strings.Contains(out, `"cause": "CERT_EXPIRED"`) {
		t.Fatalf("a year from now the lab leaf has expired: %d %s", code, out[:min(len(out), 300)])
	}
	code, _, _ = run(t, labArgs("expired", "--at", time.Now().Add(-80*24*time.Hour).Format("2006-01-02"))...)
	if code != ExitOK {
		t.Fatalf("80 days ago the expired leaf was valid: %d", code)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "key.pem")
	os.WriteFile(notPEM, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o644)
	garbage := filepath.Join(dir, "garbage")
	os.WriteFile(garbage, []byte("hello"), 0o644)
	badRun := filepath.Join(dir, "run.json")
	os.WriteFile(badRun, []byte(`{"schema_version": 99}`), 0o644)
	hugeRun := filepath.Join(dir, "huge.json")
	os.WriteFile(hugeRun, append([]byte(`{"schema_version": 1, "x": "`), make([]byte, MaxRunFile)...), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no-args", []string{}, "Examples"},
		{"unknown-command", []string{"frobnicate"}, "unknown command"},
		{"url-as-command", []string{"https://x.example"}, "did you mean: tlsdoctor check"},
		{"no-target", []string{"check"}, "one TARGET"},
		{"two-targets", []string{"check", "a.example", "b.example"}, "one TARGET"},
		{"malformed-url", []string{"check", "https://exa mple.com"}, "bad target"},
		{"http-url", []string{"check", "http://example.com"}, "plain HTTP"},
		{"bad-port", []string{"check", "example.com:99999"}, "port must be"},
		{"unknown-flag", []string{"check", "example.com", "--frob"}, "flag provided but not defined"},
		{"unknown-profile", []string{"check", "example.com", "--profile", "netscape"}, "unknown profile"},
		{"missing-bundle", []string{"check", "example.com", "--ca-bundle", filepath.Join(dir, "nope.pem")}, "no such file"},
		{"bundle-not-cert", []string{"check", "example.com", "--ca-bundle", notPEM}, "no CERTIFICATE block"},
		{"bundle-garbage", []string{"check", "example.com", "--ca-bundle", garbage}, "not a PEM file"},
		{"bad-at", []string{"check", "example.com", "--at", "soon"}, "--at"},
		{"bad-timeout", []string{"check", "example.com", "--timeout", "0s"}, "--timeout"},
		{"bad-connect", []string{"check", "example.com", "--connect", "10.0.0.1:notaport"}, "--connect"},
		{"diagnose-missing", []string{"diagnose", filepath.Join(dir, "none.json")}, "no such file"},
		{"diagnose-not-run", []string{"diagnose", garbage}, "not a tlsdoctor run"},
		{"diagnose-schema", []string{"diagnose", badRun}, "schema_version 99"},
		{"diagnose-huge", []string{"diagnose", hugeRun}, "larger than 16 MiB"},
		{"connect-empty", []string{"check", "example.com", "--connect", ""}, "--connect names no address"},
		{"connect-too-many", []string{"check", "example.com", "--connect", strings.Repeat("10.0.0.1:1,", 17) + "10.0.0.2"}, "at most 16"},
		{"clients-with-save", []string{"check", "example.com", "--clients", "--save", filepath.Join(dir, "x.json")}, "--save does not combine with --clients"},
		{"clients-with-profile", []string{"check", "example.com", "--clients", "--profile", "go"}, "--profile does not combine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, tt.args...)
			if code != ExitUsage {
				t.Fatalf("exit %d, want %d\n%s%s", code, ExitUsage, out, errs)
			}
			if !strings.Contains(out+errs, tt.want) {
				t.Fatalf("output lacks %q:\n%s%s", tt.want, out, errs)
			}
			if tt.name != "no-args" && !strings.Contains(errs, "error:") {
				t.Fatalf("no error line: %s", errs)
			}
			if strings.Contains(errs, "goroutine") || strings.Contains(errs, "panic") {
				t.Fatal("stack trace")
			}
		})
	}
}

func TestHelpLeadsWithExamplesAndExitCodes(t *testing.T) {
	for _, cmd := range []string{"check", "diagnose", "diff", "explain", "demo", "lab", "causes", "profiles"} {
		code, out, _ := run(t, cmd, "--help")
		if code != ExitOK {
			t.Fatalf("%s --help: exit %d", cmd, code)
		}
		if cmd == "check" || cmd == "diagnose" || cmd == "diff" || cmd == "explain" || cmd == "demo" || cmd == "lab" {
			if !strings.Contains(out, "Examples:") || !strings.Contains(out, "Exit status") {
				t.Errorf("%s --help lacks examples or exit codes:\n%s", cmd, out)
			}
		}
	}
	_, out, _ := run(t, "help")
	if i, j := strings.Index(out, "Examples:"), strings.Index(out, "Commands:"); i < 0 || j < i || !strings.Contains(out, "Exit status") {
		t.Fatalf("top-level help must lead with examples and list exit codes:\n%s", out)
	}
}

func TestListsAndVersionJSON(t *testing.T) {
	for _, args := range [][]string{{"causes", "--json"}, {"profiles", "--json"}, {"version", "--json"}} {
		code, out, _ := run(t, args...)
		if code != ExitOK || !json.Valid([]byte(out)) {
			t.Fatalf("%v: %d %s", args, code, out)
		}
	}
	_, out, _ := run(t, "causes")
	if !strings.Contains(out, "INCONSISTENT_BACKENDS") {
		t.Fatal(out)
	}
}

func TestDemoAllMatch(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second lab")
	}
	code, out, errs := run(t, "demo")
	if code != ExitOK || !strings.Contains(out, "diagnosed as expected") {
		t.Fatalf("demo: %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = run(t, "demo", "--show", "key-mismatch")
	if code != ExitOK || !strings.Contains(out, "KEY_MISMATCH") {
		t.Fatalf("demo --show: %d\n%s", code, out)
	}
}

// syncBuffer is a bytes.Buffer safe to read while another goroutine writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestLabCommandStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int)
	dir := t.TempDir()
	go func() { done <- Run(ctx, []string{"lab", "--dir", dir}, nil, &out, &errb) }()
	deadline := time.After(20 * time.Second)
	for !strings.Contains(out.String(), "Running until interrupted") {
		select {
		case <-deadline:
			t.Fatal("lab did not start")
		case <-time.After(50 * time.Millisecond):
		}
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "lab-root.pem")); err != nil {
		t.Fatal(err)
	}
}

func TestRecheck(t *testing.T) {
	got := recheck([]string{"https://a.example", "--json", "--save", "x.json", "--write-fix=d", "--profile", "go", "--servername", "a b"})
	if got != "tlsdoctor check https://a.example --profile go --servername 'a b'" {
		t.Fatal(got)
	}
}

func TestServerAndClients(t *testing.T) {
	code, out, _ := run(t, labArgs("ok", "--server")...)
	if code != ExitOK || !strings.Contains(out, "Server at") || !strings.Contains(out, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256") || !strings.Contains(out, "groups (TLS 1.3)") {
		t.Fatalf("--server: %d\n%s", code, out)
	}
	code, out, _ = run(t, labArgs("ok", "--server", "--json")...)
	var d map[string]any
	if err := json.Unmarshal([]byte(out), &d); err != nil || d["addresses"].([]any)[0].(map[string]any)["server"] == nil {
		t.Fatalf("--server --json: %v", err)
	}
	code, out, _ = run(t, labArgs("tls10-only", "--clients")...)
	if code != ExitFailure || !strings.Contains(out, "PROTOCOL_VERSION_MISMATCH") || !strings.Contains(out, "java-7") {
		t.Fatalf("--clients: %d\n%s", code, out)
	}
	code, out, _ = run(t, labArgs("ok", "--clients", "--json")...)
	var m diagnose.ClientMatrix
	if err := json.Unmarshal([]byte(out), &m); err != nil || len(m.Clients) < 27 || m.ByCause["OK"] == nil {
		t.Fatalf("--clients --json: %v %d", err, len(m.Clients))
	}
	if code, _, errs := run(t, "check", "example.com", "--max-conns", "0"); code != ExitUsage || !strings.Contains(errs, "--max-conns") {
		t.Fatalf("bad --max-conns accepted: %d %s", code, errs)
	}
}
