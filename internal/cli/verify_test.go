package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
	"github.com/tlsdoctor/tlsdoctor/report"
)

// fixable is a loopback server whose certificate is expired until fix is
// called, as a server is before and after its certificate is renewed.
type fixable struct {
	addr, name, root string
	fixed            atomic.Bool
}

func newFixable(t *testing.T) *fixable {
	t.Helper()
	root, err := pki.NewRoot(pki.Spec{CN: "Fixable Root"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	old, err := root.Leaf(pki.Spec{CN: "fixable.test", DNS: []string{"fixable.test"}, NotBefore: now.Add(-400 * 24 * time.Hour), NotAfter: now.Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	renewed, err := root.Leaf(pki.Spec{CN: "fixable.test", DNS: []string{"fixable.test"}})
	if err != nil {
		t.Fatal(err)
	}
	oldTLS, newTLS := old.TLS(), renewed.TLS()
	f := &fixable{name: "fixable.test", root: filepath.Join(t.TempDir(), "root.pem")}
	os.WriteFile(f.root, pki.PEM(root.Cert), 0o644)
	cfg := &tls.Config{GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
		if f.fixed.Load() {
			return &newTLS, nil
		}
		return &oldTLS, nil
	}}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				buf := make([]byte, 4096)
				if n, _ := c.Read(buf); n > 0 {
					c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"))
				}
			}()
		}
	}()
	f.addr = ln.Addr().String()
	return f
}

func (f *fixable) args(extra ...string) []string {
	_, port, _ := net.SplitHostPort(f.addr)
	return append([]string{"check", "https://" + f.name + ":" + port + "/", "--connect", f.addr, "--ca-bundle", f.root, "--no-system-roots", "--timeout", "2s"}, extra...)
}

func TestExpect(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{labArgs("expired", "--expect", "CERT_EXPIRED"), ExitOK},
		{labArgs("expired", "--expect", "OK"), ExitFailure},
		{labArgs("expired", "--expect", "ok,cert_expired"), ExitOK},
		{labArgs("expired", "--expect", "OK", "--expect", "CERT_EXPIRED"), ExitOK},
		{labArgs("ok", "--expect", "OK"), ExitOK},
		{labArgs("ok", "--expect", "CERT_EXPIRED"), ExitFailure},
	}
	for _, tt := range tests {
		if code, out, errs := run(t, tt.args...); code != tt.want {
			t.Errorf("%v: exit %d, want %d\n%s%s", tt.args[2:], code, tt.want, out, errs)
		}
	}
	code, _, errs := run(t, labArgs("ok", "--expect", "CERT_EXPIRD")...)
	if code != ExitUsage || !strings.Contains(errs, "not a cause code") || !strings.Contains(errs, "hint:") {
		t.Fatalf("unknown code: %d %s", code, errs)
	}
	// With --clients: every client's cause must be expected.
	_, out, _ := run(t, labArgs("tls10-only", "--clients", "--json")...)
	var m diagnose.ClientMatrix
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	var all []string
	for c := range m.ByCause {
		all = append(all, string(c))
	}
	if code, _, _ := run(t, labArgs("tls10-only", "--clients", "--expect", strings.Join(all, ","))...); code != ExitOK {
		t.Fatalf("--clients --expect %v: exit %d", all, code)
	}
	if code, _, _ := run(t, labArgs("tls10-only", "--clients", "--expect", "PROTOCOL_VERSION_MISMATCH")...); code != ExitFailure || len(all) < 2 {
		t.Fatalf("--clients --expect one of %v: exit %d", all, code)
	}
}

// recheckOf returns the re-check command of a text report, as arguments.
func recheckOf(t *testing.T, out string) []string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if c, ok := strings.CutPrefix(line, "Re-check after the fix: tlsdoctor "); ok {
			return strings.Fields(c)
		}
	}
	t.Fatalf("no re-check line in:\n%s", out)
	return nil
}

// A re-check keeps the addresses, CA files and name of the check, and
// passes once the fix is in: for a fix on the client's side (send SNI,
// trust the CA) it checks the client as fixed, so it passes now.
func TestRecheckPassesOnceFixed(t *testing.T) {
	for _, tt := range []struct {
		endpoint string
		extra    []string
		also     string
	}{
		{"sni-required", nil, "--profile nginx-proxy"},      // nginx-proxy sends no SNI: the fixed client does
		{"sni-default-cert", nil, "--no-sni"},               // the check modelled a client without SNI
		{"self-signed", []string{"--write-fix", "DIR"}, ""}, // trust the certificate it wrote
	} {
		t.Run(tt.endpoint, func(t *testing.T) {
			extra := slices.Clone(tt.extra)
			if i := slices.Index(extra, "DIR"); i >= 0 {
				extra[i] = t.TempDir()
			}
			code, out, _ := run(t, labArgs(tt.endpoint, extra...)...)
			if code != ExitFailure {
				t.Fatalf("exit %d\n%s", code, out)
			}
			re := recheckOf(t, out)
			for _, want := range []string{"--connect", "--ca-bundle", testLab.Endpoint(tt.endpoint).Addrs[0]} {
				if !slices.Contains(re, want) {
					t.Fatalf("the re-check lost %s: %v", want, re)
				}
			}
			if code, out, _ := run(t, re...); code != ExitOK {
				t.Fatalf("re-check %v: exit %d\n%s", re, code, out)
			}
			if tt.also != "" && !strings.Contains(out, "if the server is fixed instead") {
				t.Fatalf("no re-check for the fix on the server:\n%s", out)
			}
		})
	}
	// A private root the server does not send: the re-check trusts it, by the name the chain gives.
	_, out, _ := run(t, labArgs("untrusted-root", "--write-fix", t.TempDir())...)
	if re := strings.Join(recheckOf(t, out), " "); !strings.HasSuffix(re, "--ca-bundle ca.pem") ||
		!strings.Contains(out, `ca.pem: the CA added to the client's trust store ("CN=Corp Private Root CA`) {
		t.Fatalf("re-check %q:\n%s", re, out)
	}
	// Mutual TLS: the re-check presents the certificate the client will have.
	{
		_, out, _ := run(t, labArgs("client-cert")...)
		re := recheckOf(t, out)
		dir := t.TempDir()
		cred := testLab.Credential("client")
		keyDER, _ := x509.MarshalPKCS8PrivateKey(cred.Key)
		os.WriteFile(filepath.Join(dir, "client.pem"), cred.CertPEM(), 0o644)
		os.WriteFile(filepath.Join(dir, "client.key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
		for i, a := range re {
			if a == "client.pem" || a == "client.key" {
				re[i] = filepath.Join(dir, a)
			}
		}
		if !slices.Contains(re, "--cert") {
			t.Fatalf("re-check without the client certificate: %v", re)
		}
		if code, out, _ := run(t, re...); code != ExitOK {
			t.Fatalf("re-check %v: %d\n%s", re, code, out)
		}
	}
	// A fix on the client that no flag models: the re-check says what it tests.
	if _, out, _ := run(t, labArgs("chain-too-long")...); !strings.Contains(out, "the fix is on the client, and this checks the client as it is") {
		t.Fatalf("chain-too-long:\n%s", out)
	}
	// A fix on the server: the re-check is the same check, and fails until then.
	code, out, _ := run(t, labArgs("expired", "--json", "--save", filepath.Join(t.TempDir(), "r.json"), "--expect", "CERT_EXPIRED")...)
	if code != ExitOK || !json.Valid([]byte(out)) {
		t.Fatalf("%d %s", code, out)
	}
	_, out, _ = run(t, labArgs("expired")...)
	if re := strings.Join(recheckOf(t, out), " "); re != strings.Join(labArgs("expired"), " ") {
		t.Fatalf("re-check %q, want the check itself", re)
	}
}

func TestOneClientInFullKeepsTheOptions(t *testing.T) {
	_, out, _ := run(t, labArgs("tls10-only", "--clients", "--timeout", "3s")...)
	i := strings.Index(out, "One client in full: ")
	if i < 0 {
		t.Fatal(out)
	}
	line := strings.TrimSpace(out[i+len("One client in full: "):])
	e := testLab.Endpoint("tls10-only")
	for _, want := range []string{e.URL(), "--connect " + e.Addrs[0], "--ca-bundle " + rootFile, "--profile ID"} {
		if !strings.Contains(line, want) {
			t.Fatalf("%q lacks %q", line, want)
		}
	}
	if strings.Contains(line, "--clients") || !strings.Contains(line, "--timeout 3s") {
		t.Fatalf("%q", line)
	}
}

func TestDiagnoseOfflineKeepsTheOptions(t *testing.T) {
	file := filepath.Join(t.TempDir(), "run.json")
	run(t, labArgs("expired", "--save", file)...)
	_, out, _ := run(t, "diagnose", file)
	re := strings.Join(recheckOf(t, out), " ")
	e := testLab.Endpoint("expired")
	for _, want := range []string{"--connect " + e.Addrs[0], "--ca-bundle " + rootFile, "--no-system-roots", "--profile default"} {
		if !strings.Contains(re, want) {
			t.Fatalf("re-check %q lacks %q", re, want)
		}
	}
	if !strings.Contains(out, "Reproduce without tlsdoctor") || !strings.Contains(out, "-CAfile "+rootFile) {
		t.Fatalf("offline diagnosis without reproducers naming the CA file:\n%s", out)
	}
}

func TestReproducersInTheReport(t *testing.T) {
	_, out, _ := run(t, labArgs("expired", "--json")...)
	var d diagnose.Diagnosis
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Reproducers) < 2 {
		t.Fatalf("reproducers: %+v", d.Reproducers)
	}
	for _, r := range d.Reproducers {
		if !strings.Contains(r.Command, rootFile) || r.Expect == "" {
			t.Fatalf("%+v", r)
		}
	}
	_, out, _ = run(t, labArgs("expired")...)
	if !strings.Contains(out, "look for: verify error:num=10:certificate has expired") {
		t.Fatal(out)
	}
}

// watch runs check --watch in the background and returns its output and
// exit status as they come.
func watch(ctx context.Context, args []string) (*syncBuffer, <-chan int) {
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() { done <- Run(ctx, args, nil, &out, &errb) }()
	return &out, done
}

func waitFor(t *testing.T, b *syncBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(b.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in:\n%s", s, b.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestWatchUntilFixed(t *testing.T) {
	f := newFixable(t)
	out, done := watch(context.Background(), f.args("--watch", "1s", "--max-tries", "20"))
	waitFor(t, out, "Watching: a check every 1s until the cause changes from CERT_EXPIRED")
	f.fixed.Store(true)
	code := <-done
	text := out.String()
	t.Log(text)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, text)
	}
	for _, want := range []string{"CERT_EXPIRED -> OK", "leaf replaced", "serial", "not_after", "The cause is OK after"} {
		if !strings.Contains(text, want) {
			t.Fatalf("no %q in:\n%s", want, text)
		}
	}
}

func TestWatchJSONExpect(t *testing.T) {
	f := newFixable(t)
	out, done := watch(context.Background(), f.args("--watch", "1s", "--max-tries", "20", "--expect", "OK", "--json"))
	waitFor(t, out, `"check":1`)
	f.fixed.Store(true)
	if code := <-done; code != ExitOK {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var first, last watchLine
	json.Unmarshal([]byte(lines[0]), &first)
	json.Unmarshal([]byte(lines[len(lines)-1]), &last)
	if first.Diagnosis == nil || first.Diagnosis.Cause != cause.CertExpired || last.Done != "expected" || last.Cause != cause.OK {
		t.Fatalf("%s", out.String())
	}
	var change watchLine
	json.Unmarshal([]byte(lines[len(lines)-2]), &change)
	if change.Changes == nil || change.Changes.Cause == nil || change.Changes.Cause.After != "OK" {
		t.Fatalf("no change line: %s", out.String())
	}
}

func TestWatchBoundedAndInterruptible(t *testing.T) {
	code, out, _ := run(t, labArgs("expired", "--watch", "1s", "--max-tries", "2")...)
	if code != ExitFailure || !strings.Contains(out, "No change of cause after 2 checks") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b, done := watch(ctx, labArgs("expired", "--watch", "1h"))
	waitFor(t, b, "Watching")
	cancel()
	select {
	case code := <-done:
		if code != ExitFailure || !strings.Contains(b.String(), "Stopped after 1 check") {
			t.Fatalf("exit %d\n%s", code, b.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("--watch did not stop on cancel")
	}
	for _, bad := range [][]string{{"--watch", "10ms"}, {"--watch", "1s", "--max-tries", "0"}, {"--watch", "1s", "--clients"}, {"--clients", "--sni"}} {
		if code, _, errs := run(t, labArgs("ok", bad...)...); code != ExitUsage || !strings.Contains(errs, "hint:") {
			t.Errorf("%v: exit %d %s", bad, code, errs)
		}
	}
}

func TestDiff(t *testing.T) {
	f := newFixable(t)
	dir := t.TempDir()
	before, after := filepath.Join(dir, "before.json"), filepath.Join(dir, "after.json")
	run(t, f.args("--save", before)...)
	run(t, f.args("--json")...)
	f.fixed.Store(true)
	_, afterJSON, _ := run(t, f.args("--save", after, "--json")...)
	afterDoc := filepath.Join(dir, "after-doc.json")
	os.WriteFile(afterDoc, []byte(afterJSON), 0o644)

	// Two saved runs; a saved run and a --json document.
	for _, pair := range [][2]string{{before, after}, {before, afterDoc}} {
		code, out, errs := run(t, "diff", pair[0], pair[1])
		if code != ExitFailure {
			t.Fatalf("exit %d %s", code, errs)
		}
		for _, want := range []string{"CERT_EXPIRED -> OK", "leaf replaced: CN=fixable.test", "serial", "not_before", "not_after", "1 verdict changed"} {
			if !strings.Contains(out, want) {
				t.Fatalf("no %q in:\n%s", want, out)
			}
		}
	}
	code, out, _ := run(t, "diff", before, after, "--json")
	var d report.Diff
	if err := json.Unmarshal([]byte(out), &d); err != nil || code != ExitFailure || d.Changed != 1 || d.Targets[0].Cause.After != "OK" {
		t.Fatalf("%d %v %s", code, err, out)
	}
	if len(d.Targets[0].Addresses) != 1 || len(d.Targets[0].Addresses[0].Certificates) == 0 || d.Targets[0].Addresses[0].Certificates[0].Fields["serial"].After == "" {
		t.Fatalf("no serial change: %s", out)
	}
	if code, out, _ := run(t, "diff", after, afterDoc); code != ExitOK || !strings.Contains(out, "No change") {
		t.Fatalf("same verdict: %d %s", code, out)
	}

	// Newline-delimited documents (a scan): paired by target, the rest added or removed.
	_, ok1, _ := run(t, labArgs("ok", "--json")...)
	_, exp1, _ := run(t, labArgs("expired", "--json")...)
	_, tls1, _ := run(t, labArgs("tls10-only", "--json")...)
	compact := func(doc string) string {
		var v map[string]any
		json.Unmarshal([]byte(doc), &v)
		v["source"] = "targets.txt"
		b, _ := json.Marshal(v)
		return string(b)
	}
	scanA, scanB := filepath.Join(dir, "a.ndjson"), filepath.Join(dir, "b.ndjson")
	errLine := `{"schema_version":1,"target":"https://gone.test/","cause":"ERROR","error":"lookup gone.test: no such host","id":"3","source":"targets.txt:3","mode":"check"}`
	os.WriteFile(scanA, []byte(compact(ok1)+"\n"+compact(exp1)+"\n"+errLine+"\n"), 0o644)
	os.WriteFile(scanB, []byte(compact(ok1)+"\n"+compact(tls1)+"\n"), 0o644)
	code, out, errs := run(t, "diff", scanA, scanB, "-v")
	if code != ExitFailure || !strings.Contains(out, "removed: CERT_EXPIRED") || !strings.Contains(out, "added: PROTOCOL_VERSION_MISMATCH") ||
		!strings.Contains(out, "unchanged: OK") || !strings.Contains(out, "https://gone.test/ removed: ERROR") {
		t.Fatalf("scans: %d\n%s%s", code, out, errs)
	}

	// Client matrices.
	_, m1, _ := run(t, labArgs("expired", "--clients", "--json")...)
	_, m2, _ := run(t, labArgs("ok", "--clients", "--json")...)
	ma, mb := filepath.Join(dir, "m1.json"), filepath.Join(dir, "m2.json")
	os.WriteFile(ma, []byte(m1), 0o644)
	os.WriteFile(mb, []byte(m2), 0o644)
	if code, out, _ := run(t, "diff", ma, mb); code != ExitFailure || !strings.Contains(out, "java-8") || !strings.Contains(out, "CERT_EXPIRED -> OK") {
		t.Fatalf("clients: %d\n%s", code, out)
	}

	// Bad input.
	garbage := filepath.Join(dir, "garbage")
	os.WriteFile(garbage, []byte("hello"), 0o644)
	other := filepath.Join(dir, "other.json")
	os.WriteFile(other, []byte(`{"name": "x"}`), 0o644)
	newer := filepath.Join(dir, "newer.json")
	os.WriteFile(newer, []byte(`{"schema_version": 9, "cause": "OK"}`), 0o644)
	for _, args := range [][]string{{"diff", before}, {"diff", before, garbage}, {"diff", before, other}, {"diff", before, newer}, {"diff", before, filepath.Join(dir, "none.json")}} {
		if code, _, errs := run(t, args...); code != ExitUsage || !strings.Contains(errs, "hint:") {
			t.Errorf("%v: exit %d %s", args, code, errs)
		}
	}
}

// A client that connects by IP address fails the name check; the other
// re-check connects by the name the certificate covers, and passes.
func TestRecheckByName(t *testing.T) {
	e := testLab.Endpoint("wrong-host")
	code, out, _ := run(t, "check", "https://"+e.Addrs[0]+"/", "--ca-bundle", rootFile, "--no-system-roots")
	_, line, ok := strings.Cut(out, "if the client connects by the name the certificate covers instead: tlsdoctor ")
	if code != ExitFailure || !ok {
		t.Fatalf("%d\n%s", code, out)
	}
	args := strings.Fields(strings.Split(line, "\n")[0])
	if code, out, _ := run(t, args...); code != ExitOK {
		t.Fatalf("%v: %d\n%s", args, code, out)
	}
}
