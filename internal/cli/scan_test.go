package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
				"ok.tlsdoctor":     {"aws-apigw-rest", "UNTRUSTED_ROOT", "aws-rest-openapi.yaml:25:14"},
				"ok-rsa.tlsdoctor": {"aws-apigw-rest-skip-verify", "UNTRUSTED_ROOT", "aws-rest-openapi.yaml:42:14"},
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
					if d.Profile != w.profile || d.Cause != w.cause {
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
