package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/diagnose"
)

var serveURL = regexp.MustCompile(`url=(https?://[^ ]+)`)

// startServe runs `tlsdoctor serve` with args on a free loopback port and
// returns its base URL, its log, and a function that stops it and returns
// the exit status.
func startServe(t *testing.T, args ...string) (string, *syncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	args = append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)
	go func() { done <- Run(ctx, args, nil, &out, &errb) }()
	deadline := time.After(20 * time.Second)
	for {
		if m := serveURL.FindStringSubmatch(errb.String()); m != nil {
			stopped := false
			code := 0
			stop := func() int {
				if !stopped {
					cancel()
					code, stopped = <-done, true
				}
				return code
			}
			t.Cleanup(func() { stop() })
			return m[1], &errb, stop
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("serve exited %d: %s", code, errb.String())
		case <-deadline:
			cancel()
			t.Fatalf("serve did not start: %s", errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func httpGet(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// What differs between two checks of one endpoint: the time, the client's
// ephemeral port, and the server's random bytes that evidence quotes.
var (
	timestamp = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)
	ephemeral = regexp.MustCompile(`[0-9.]+:\d+->`)
	firstRaw  = regexp.MustCompile(`(?m)^first bytes: .*$`)
	// An interception check asks for a random name and reads a leaf's age.
	invented = regexp.MustCompile(`tlsdoctor-[0-9a-f]+\.invalid|issued [^.]*? before the check`)
)

func steady(s string) string {
	s = invented.ReplaceAllString(s, "I")
	return firstRaw.ReplaceAllString(ephemeral.ReplaceAllString(timestamp.ReplaceAllString(s, "T"), "P->"), "first bytes")
}

// verdict is what must be equal between the CLI and the server.
func verdict(d *diagnose.Diagnosis) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%q|%q|%q\n", d.Cause, d.Layer, d.Rule, d.Confidence, d.Summary, d.Fix, d.ClientLog, steady(strings.Join(d.Evidence, "\n")))
	for _, f := range d.Findings {
		fmt.Fprintf(&b, "finding %s %s\n", f.Code, steady(f.Message))
	}
	for _, a := range d.Addresses {
		fmt.Fprintf(&b, "%s %s %s\n", a.Addr, a.Cause, a.Summary)
	}
	return b.String()
}

// The API gives `tlsdoctor check --json`'s verdict, for every lab endpoint.
func TestServeGivesTheCheckVerdict(t *testing.T) {
	base, _, stop := startServe(t, "--allow", "127.0.0.0/8", "--ca-bundle", rootFile, "--data", t.TempDir())
	checked := 0
	for _, e := range testLab.Endpoints {
		if e.Slow || len(e.Addrs) == 0 {
			continue
		}
		args := []string{"check", e.URL(), "--connect", strings.Join(e.Addrs, ","), "--ca-bundle", rootFile, "--json"}
		q := url.Values{"target": {e.URL()}, "connect": {strings.Join(e.Addrs, ",")}}
		if e.Profile != "default" {
			args = append(args, "--profile", e.Profile)
			q.Set("profile", e.Profile)
		}
		if e.NoSNI {
			continue // the API has no no_sni parameter
		}
		_, cliOut, _ := run(t, args...)
		var want, got diagnose.Diagnosis
		if err := json.Unmarshal([]byte(cliOut), &want); err != nil {
			t.Fatalf("%s: check --json: %v", e.Name, err)
		}
		code, body := httpGet(t, base+"/api/v1/check?"+q.Encode())
		if code != 200 || json.Unmarshal([]byte(body), &got) != nil {
			t.Fatalf("%s: API %d %s", e.Name, code, body)
		}
		if e.Name == "garbage" {
			// It answers with random bytes, which the evidence quotes.
			got.Evidence, want.Evidence = nil, nil
		}
		if e.Stateful {
			// It answers by the connections before: the cause is what holds.
			if got.Cause != want.Cause {
				t.Errorf("%s: API %s, CLI %s", e.Name, got.Cause, want.Cause)
			}
			checked++
			continue
		}
		if verdict(&got) != verdict(&want) {
			t.Errorf("%s: the API and the CLI disagree:\nAPI %s\nCLI %s", e.Name, verdict(&got), verdict(&want))
		}
		checked++
	}
	if checked < 25 {
		t.Errorf("only %d endpoints compared", checked)
	}
	// --clients too.
	e := testLab.Endpoint("tls10-only")
	_, cliOut, _ := run(t, "check", e.URL(), "--connect", e.Addrs[0], "--ca-bundle", rootFile, "--clients", "--json")
	_, body := httpGet(t, base+"/api/v1/check?clients=1&target="+url.QueryEscape(e.URL())+"&connect="+e.Addrs[0])
	var want, got diagnose.ClientMatrix
	json.Unmarshal([]byte(cliOut), &want)
	json.Unmarshal([]byte(body), &got)
	if len(want.Clients) == 0 || fmt.Sprint(want.Clients) != fmt.Sprint(got.Clients) {
		t.Errorf("clients differ:\nAPI %v\nCLI %v", got.Clients, want.Clients)
	}
	if code := stop(); code != ExitOK {
		t.Errorf("serve exit %d", code)
	}
}

// POST /api/v1/explain answers exactly what `tlsdoctor explain --json` prints.
func TestServeExplainIsTheCLIs(t *testing.T) {
	base, _, _ := startServe(t, "--data", t.TempDir())
	post := func(q, body string) string {
		resp, err := http.Post(base+"/api/v1/explain"+q, "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %s", resp.Status, b)
		}
		return string(b)
	}
	for _, msg := range []string{
		"javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target",
		"An error occurred whilst sending request to https://10.0.0.5:8443/v1: HANDSHAKE_FAILED",
		"nothing to see here",
	} {
		_, cliOut, _ := run(t, "explain", "--json", msg)
		if got := post("", msg); got != cliOut {
			t.Errorf("%q: the API and the CLI differ:\nAPI %s\nCLI %s", msg, got, cliOut)
		}
	}
	log := strings.Join([]string{
		`2026-11-01T10:00:00Z ERROR x509: certificate signed by unknown authority`,
		`INFO all good`,
		`curl: (60) SSL certificate problem: unable to get local issuer certificate`,
		`2026-11-01T10:00:05Z ERROR x509: certificate signed by unknown authority`,
	}, "\n") + "\n"
	file := filepath.Join(t.TempDir(), "app.log")
	os.WriteFile(file, []byte(log), 0o644)
	_, cliOut, _ := run(t, "explain", "--json", file)
	if got := post("?log=1", log); got != cliOut {
		t.Errorf("log: the API and the CLI differ:\nAPI %s\nCLI %s", got, cliOut)
	}
}

func TestServeStartUpErrors(t *testing.T) {
	dir := t.TempDir()
	token := filepath.Join(dir, "token")
	os.WriteFile(token, []byte("0123456789abcdef0123456789abcdef\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--listen", "0.0.0.0:0", "--data", dir}, "not a loopback address"},
		{[]string{"serve", "--listen", ":0", "--data", dir}, "--auth-token-file"},
		{[]string{"serve", "--allow", "10.0.0.0/33", "--data", dir}, "--allow"},
		{[]string{"serve", "--auth-token-file", filepath.Join(dir, "missing"), "--data", dir}, "--auth-token-file"},
		{[]string{"serve", "--retention", "soon", "--data", dir}, "--retention"},
		{[]string{"serve", "--modules", filepath.Join(dir, "missing.yml"), "--data", dir}, "--modules"},
		{[]string{"serve", "--tls-cert", "x.pem", "--data", dir}, "--tls-key"},
		{[]string{"serve", "--listen", "127.0.0.1:99999", "--data", dir}, "cannot listen"},
		{[]string{"serve", "extra"}, "no arguments"},
	} {
		code, _, errs := run(t, tc.args...)
		if code != ExitUsage || !strings.Contains(errs, tc.want) || !strings.Contains(errs, "error: ") {
			t.Errorf("%v: exit %d, %s", tc.args, code, errs)
		}
	}
	// With a token, a non-loopback listener starts, and wants the token.
	base, _, stop := startServe(t, "--auth-token-file", token, "--data", dir)
	if code, _ := httpGet(t, base+"/api/v1/openapi.json"); code != http.StatusUnauthorized {
		t.Errorf("without the token: %d", code)
	}
	stop()
	code, out, _ := run(t, "serve", "--help")
	if code != ExitOK || !strings.Contains(out, "Examples:") || !strings.Contains(out, "Exit status") {
		t.Errorf("serve --help: %d %s", code, out)
	}
}

// A database that cannot be read is moved aside and recreated, with a
// warning; the server starts.
func TestServeRecreatesACorruptDatabase(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tlsdoctor.db"), []byte(strings.Repeat("not a database ", 1000)), 0o600)
	base, log, stop := startServe(t, "--data", dir)
	if code, _ := httpGet(t, base+"/healthz"); code != 200 {
		t.Errorf("healthz %d", code)
	}
	stop()
	if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), "could not be read") {
		t.Errorf("no warning:\n%s", log.String())
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "tlsdoctor.db.corrupt-*"))
	if len(matches) != 1 {
		t.Errorf("the corrupt file was not kept aside: %v", matches)
	}
}
