package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

func readAll(t *testing.T, in string) ([]Target, []Warning, error) {
	t.Helper()
	var ts []Target
	var ws []Warning
	err := ReadTargets(strings.NewReader(in), "t.txt", func(x Target) error { ts = append(ts, x); return nil }, func(w Warning) { ws = append(ws, w) })
	return ts, ws, err
}

func TestReadTargets(t *testing.T) {
	in := "# comment\n\nhttps://a.example/x#frag profile=java-8 connect=10.0.0.5,10.0.0.6:8443 ca=corp.pem servername=API.example  # trailing\n" +
		"b.example:8443\n" +
		"bad target here\n" +
		"c.example profile=nope\n" +
		"d.example foo=bar\n" +
		"http://plain.example/\n" +
		strings.Repeat("x", MaxLine+10) + "\n" +
		"\xff\xfe not utf8\n" +
		"e.example"
	ts, ws, err := readAll(t, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 3 || ts[0].Profile != "java-8" || !slices.Equal(ts[0].Connect, []string{"10.0.0.5", "10.0.0.6:8443"}) ||
		ts[0].CAFiles[0] != "corp.pem" || ts[0].ServerName != "api.example" || ts[0].Source.Line != 3 || ts[2].Source.Line != 11 {
		t.Fatalf("targets %+v", ts)
	}
	var lines []int
	for _, w := range ws {
		lines = append(lines, w.Source.Line)
	}
	if !slices.Equal(lines, []int{5, 6, 7, 8, 9, 10}) {
		t.Errorf("bad lines %v: %v", lines, ws)
	}
	// The key (and so shards and --resume) depends on the settings.
	a, b := ts[1], ts[1]
	b.Profile = "java-8"
	if a.ID() == b.ID() || a.ID() != ts[1].ID() || len(a.ID()) != 16 {
		t.Errorf("ids %s %s", a.ID(), b.ID())
	}
}

func TestReadTargetsNotATargetFile(t *testing.T) {
	_, _, err := readAll(t, "https://a.example/\n\x00\x01\x02")
	if !errors.Is(err, ErrNotTargets) || !strings.Contains(err.Error(), "t.txt:2") {
		t.Errorf("binary: %v", err)
	}
	_, ws, err := readAll(t, strings.Repeat("not a target at all\n", 2000))
	if !errors.Is(err, ErrNotTargets) || len(ws) != maxLeadingBad {
		t.Errorf("garbage: %v, %d warnings", err, len(ws))
	}
}

// A million lines stream through without being held: the reader keeps one
// line at a time.
func TestReadTargetsMillionLines(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	pr, pw := io.Pipe()
	go func() {
		buf := bytes.Buffer{}
		for i := range 1_000_000 {
			fmt.Fprintf(&buf, "h%07d.example.test:443\n", i)
			if buf.Len() > 64<<10 {
				pw.Write(buf.Bytes())
				buf.Reset()
			}
		}
		pw.Write(buf.Bytes())
		pw.Close()
	}()
	n := 0
	err := ReadTargets(pr, "big.txt", func(Target) error { n++; return nil }, func(w Warning) { t.Error(w) })
	if err != nil || n != 1_000_000 {
		t.Fatalf("%d targets, %v", n, err)
	}
}

func TestParseErrorsHaveLineAndColumn(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, data string
		line, col  int
	}{
		{"bad.json", "{\n  \"data\": {\n    \"specification\": {\"routes\": [,]}\n  }\n}\n", 3, 34},
		{"bad.yaml", "openapi: 3.0.1\npaths:\n  /a:\n    get: [1, 2\n  /b: x\n", 5, 3},
		{"nginx.conf", "http {\n  server {\n    location / {\n      proxy_pass https://a.example;\n    }\n  }\n  \"unterminated\n}\n", 7, 3},
		{"unknown.yaml", "foo: 1\nbar: [2]\n", 1, 1},
	} {
		p := filepath.Join(dir, tc.name)
		os.WriteFile(p, []byte(tc.data), 0o644)
		_, _, err := ReadConfig(p)
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Source.Line != tc.line || pe.Source.Col != tc.col || pe.Source.File != p {
			t.Errorf("%s: %v (want line %d col %d)", tc.name, err, tc.line, tc.col)
		}
	}
}

func TestConfigBounds(t *testing.T) {
	dir := t.TempDir()
	// An alias bomb stops at the node budget instead of expanding.
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	bomb := filepath.Join(dir, "bomb.yaml")
	os.WriteFile(bomb, []byte(b.String()), 0o644)
	if _, _, err := ReadConfig(bomb); err == nil || !strings.Contains(err.Error(), "aliases") {
		t.Errorf("alias bomb: %v", err)
	}
	// An include loop stops at the depth bound.
	loop := filepath.Join(dir, "loop.conf")
	os.WriteFile(loop, []byte("http { include loop.conf; }\n"), 0o644)
	if _, _, err := ReadConfig(loop); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("include loop: %v", err)
	}
}

// OpenSSL cipher strings select what OpenSSL selects, among the offer.
// Checked against the openssl program when it is installed.
func TestOpenSSLCiphers(t *testing.T) {
	p, _ := profile.Get("nginx-proxy")
	got, warns := OpenSSLCiphers("HIGH:!aNULL:!MD5", p.CipherSuites)
	if len(warns) != 0 || !slices.Contains(got, 0xc02f) || !slices.Contains(got, 0x1301) {
		t.Errorf("HIGH:!aNULL:!MD5 -> %x %v", got, warns)
	}
	got, _ = OpenSSLCiphers("ECDHE-RSA-AES128-GCM-SHA256:DES-CBC3-SHA", p.CipherSuites)
	if !slices.Contains(got, 0xc02f) || !slices.Contains(got, 0x000a) || slices.Contains(got, 0xc02b) {
		t.Errorf("explicit names -> %x", got)
	}
	if _, warns := OpenSSLCiphers("HIGH:FROBNICATE:@STRENGTH", p.CipherSuites); len(warns) != 2 {
		t.Errorf("warnings %v", warns)
	}
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed: the comparison with it is skipped")
	}
	for _, spec := range []string{"HIGH:!aNULL:!MD5", "ECDHE+AESGCM", "DEFAULT:!RSA", "HIGH:!kRSA:!CBC", "AES128:!SHA1", "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA"} {
		out, err := exec.Command("openssl", "ciphers", "-V", "-tls1_2", spec).Output()
		if err != nil {
			continue // a string this OpenSSL refuses
		}
		var want []uint16
		for _, line := range strings.Split(string(out), "\n") {
			var hi, lo uint16
			if _, err := fmt.Sscanf(strings.TrimSpace(line), "0x%02X,0x%02X", &hi, &lo); err == nil {
				id := hi<<8 | lo
				if !isTLS13Suite(id) && slices.Contains(p.CipherSuites, id) {
					want = append(want, id)
				}
			}
		}
		got, _ := OpenSSLCiphers(spec, p.CipherSuites)
		got = slices.DeleteFunc(got, isTLS13Suite)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q: tlsdoctor %v, openssl %v", spec, names(got), names(want))
		}
	}
}

func names(ids []uint16) []string {
	var out []string
	for _, id := range ids {
		out = append(out, wire.SuiteName(id))
	}
	return out
}

func TestApply(t *testing.T) {
	base, _ := profile.Get("envoy")
	f, tr := false, true
	tg := Target{Verify: &tr, OnlyCAs: true, CheckName: &f, SNI: &tr, Versions: []uint16{0x0303, 0x0304}}
	p, _ := tg.Apply(base)
	if p.Trust != profile.TrustBundleOnly || p.ChecksHostname || !p.SendsSNI || !p.Offers(0x0304) || !slices.Contains(p.CipherSuites, 0x1301) || len(p.KeyShares) == 0 {
		t.Errorf("applied: %+v", p)
	}
	if base.Trust != profile.TrustNone || base.SendsSNI {
		t.Error("the base profile was changed")
	}
	if p, _ := (&Target{VerifyDepth: 3}).Apply(mustGet("nginx-proxy-verify")); p.MaxIntermediates != 3 {
		t.Errorf("verify depth 3: max intermediates %d", p.MaxIntermediates)
	}
	tg = Target{Verify: &f}
	if p, _ := tg.Apply(mustGet("oci-apigw")); p.Verifies() || p.ID != "oci-apigw" {
		t.Errorf("verify off: %+v", p)
	}
}

func mustGet(id string) *profile.Profile {
	p, _ := profile.Get(id)
	return p
}

// nginx refuses ('nginx -t') a directive missing its ';' or '{' and a '}'
// too many; so does the reader, at the line, instead of losing or garbling
// a back end (at the line where the directive ends, as nginx reports it).
// What nginx accepts still reads.
func TestNginxShape(t *testing.T) {
	dir := t.TempDir()
	valid := `http {
  map $host $tenant { default "a"; ~^(?<t>[a-z]+)\. $t; }
  map $http_x_forwarded_proto $fwd { http http; https https; default $scheme; }
  types { text/html html; }
  server {
    location ~ "^/api/(v[0-9]{1,2})/" { proxy_pass https://a.example; }
    location = /exact { proxy_pass https://b.example; proxy_ssl_protocols TLSv1.2 TLSv1.3; }
    location @named { proxy_pass https://c.example; }
    location / {
      set $x "${host}-{literal}"; # a brace } in a comment
      if ($x) { return 403; }
      proxy_pass https://d.example;
    }
    location = /login { return 302 /#/login; }
    location = /apostrophe { return 200 it's; }
  }
}
`
	p := filepath.Join(dir, "nginx.conf")
	os.WriteFile(p, []byte(valid), 0o644)
	ts, _, err := ReadConfig(p)
	if err != nil || len(ts) != 4 {
		t.Fatalf("a valid configuration: %d targets, %v", len(ts), err)
	}
	for _, tc := range []struct {
		name, data string
		line       int
		reason     string
	}{
		{"missing-semicolon", "http { server { location / {\n  proxy_pass https://a.example\n  proxy_ssl_name a.example;\n} } }\n", 3, `missing before "proxy_ssl_name"`},
		{"missing-brace", "http { server {\n  location /x\n    proxy_pass https://a.example;\n  }\n} }\n", 3, "'{' missing"},
		{"extra-brace", "http { server { location / { proxy_pass https://a.example; } } }\n}\n", 2, "closes no block"},
		{"no-argument", "http { server { location / { proxy_pass; } } }\n", 1, "takes 1 argument, got 0"},
	} {
		f := filepath.Join(dir, tc.name+".conf")
		os.WriteFile(f, []byte(tc.data), 0o644)
		_, _, err := ReadConfig(f)
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Source.Line != tc.line || !strings.Contains(pe.Reason, tc.reason) {
			t.Errorf("%s: %v (want line %d, %q)", tc.name, err, tc.line, tc.reason)
		}
	}
}

// A Secret or ConfigMap in the input whose ca.crt holds no certificate (the
// fixture's placeholders) is named, and the CA stays a reference that
// --ca-bundle NAME=FILE can supply.
func TestKubernetesPlaceholderCA(t *testing.T) {
	ts, warns, err := ReadConfig(filepath.Join("testdata", "kubernetes.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, w := range warns {
		if strings.Contains(w.Message, "holds no PEM certificate") {
			n++
		}
	}
	refs := 0
	for _, tg := range ts {
		refs += len(tg.CARefs)
		if len(tg.CAPEM) > 0 {
			t.Errorf("%s: a placeholder taken as a CA", tg.Input)
		}
	}
	if n != 2 || refs == 0 {
		t.Errorf("%d placeholder warnings (want 2), %d CA references: %v", n, refs, warns)
	}
}

// The other breaks nginx refuses: a ';' missing in an upstream's server
// line, after an include, after server_name, or before a '}'.
func TestNginxShapeMore(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, data, reason string }{
		{"upstream-server", "http { upstream be {\n  server a.example:8443\n  server b.example:8443;\n}\n server { location / { proxy_pass https://be; } } }\n", `missing before "server"`},
		{"include", "http {\n  include other.conf\n  server { location / { proxy_pass https://a.example; } }\n}\n", `"include" takes 1 argument`},
		{"server_name", "http { server {\n  server_name a.example\n  location / { proxy_pass https://a.example; } } }\n", `"server_name" takes no block`},
		{"before-brace", "http { server { location / {\n  proxy_pass https://a.example\n} } }\n", "no ';'"},
	} {
		f := filepath.Join(dir, tc.name+".conf")
		os.WriteFile(f, []byte(tc.data), 0o644)
		_, _, err := ReadConfig(f)
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(pe.Reason, tc.reason) {
			t.Errorf("%s: %v (want %q)", tc.name, err, tc.reason)
		}
	}
}
