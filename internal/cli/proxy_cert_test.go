package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

func TestCheckThroughProxies(t *testing.T) {
	tests := []struct {
		endpoint string
		code     int
		want     []string
	}{
		{"proxy-ok", ExitOK, []string{"OK", "checked through the proxy"}},
		{"intercepted", ExitFailure, []string{"INTERCEPTED", "connecting directly to", "invented name", "keytool -importcert -cacerts"}},
		{"proxy-auth", ExitFailure, []string{"PROXY_AUTH_REQUIRED", "407", "https_proxy=http://user:password@proxy:port"}},
		{"proxy-forbidden", ExitFailure, []string{"PROXY_CONNECT_FAILED", "403"}},
		{"proxy-tls-untrusted", ExitFailure, []string{"PROXY_TLS_FAILED", "Corp Private Issuing CA"}},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			code, out, errs := run(t, labArgs(tt.endpoint)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, out, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Fatalf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
	// With its credentials the same proxy opens the tunnel; the password
	// never reaches the screen.
	e := testLab.Endpoint("proxy-auth")
	args := labArgs("proxy-auth")
	for i, a := range args {
		if a == e.Proxy {
			args[i] = testLab.ProxyWithCredentials()
		}
	}
	code, out, _ := run(t, args...)
	if code != ExitOK || strings.Contains(out, "lab-secret") || !strings.Contains(out, "lab:****@") {
		t.Fatalf("with credentials: exit %d\n%s", code, out)
	}
}

// The proxy variables are read the way the profile's client reads them.
func TestProxyFromEnvironment(t *testing.T) {
	e := testLab.Endpoint("intercepted")
	base := labArgs("intercepted")
	var args []string
	for i := 0; i < len(base); i++ {
		if base[i] == "--proxy" {
			i++
			continue
		}
		args = append(args, base[i])
	}
	t.Setenv("HTTPS_PROXY", e.Proxy)
	tests := []struct {
		name  string
		extra []string
		env   map[string]string
		code  int
		want  string
	}{
		{"curl-like client reads HTTPS_PROXY", nil, nil, ExitFailure, "INTERCEPTED"},
		{"Java does not", []string{"--profile", "java-17"}, nil, ExitOK, "java-17 does not read HTTPS_PROXY"},
		{"NO_PROXY exempts the host", nil, map[string]string{"NO_PROXY": "localhost,.tlsdoctor.test"}, ExitOK, `entry ".tlsdoctor.test"`},
		{"--proxy direct ignores the environment", []string{"--proxy", "direct"}, nil, ExitOK, "OK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, out, errs := run(t, append(append([]string{}, args...), tt.extra...)...)
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Fatalf("exit %d, want %d and %q\n%s%s", code, tt.code, tt.want, out, errs)
			}
		})
	}
}

func TestClientCertificateFlags(t *testing.T) {
	dir := t.TempDir()
	files := func(name string) (string, string) {
		c := testLab.Credential(name)
		cert, key := filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
		os.WriteFile(cert, c.CertPEM(), 0o644)
		os.WriteFile(key, c.KeyPEM(), 0o600)
		return cert, key
	}
	okCert, okKey := files("client")
	wrongCert, wrongKey := files("client-wrong-ca")
	code, out, errs := run(t, labArgs("mtls-ok", "--cert", okCert, "--key", okKey)...)
	if code != ExitOK || !strings.Contains(out, "accepted") {
		t.Fatalf("right certificate: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = run(t, labArgs("mtls-ok", "--cert", wrongCert, "--key", wrongKey)...)
	if code != ExitFailure || !strings.Contains(out, "CLIENT_CERT_REQUIRED") || !strings.Contains(out, "unknown_ca") || !strings.Contains(out, "Partner Client CA") {
		t.Fatalf("wrong certificate: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, labArgs("mtls-ok")...)
	if code != ExitFailure || !strings.Contains(out, "presents none") {
		t.Fatalf("no certificate: exit %d\n%s", code, out)
	}

	// PKCS#12 as OpenSSL 3 writes it by default (AES-256, SHA-256 MAC).
	c := testLab.Credential("client")
	p12, err := pkcs12.Modern.Encode(c.Key, c.Chain[0], nil, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	p12File, pw, badPW := filepath.Join(dir, "client.p12"), filepath.Join(dir, "pw"), filepath.Join(dir, "badpw")
	os.WriteFile(p12File, p12, 0o600)
	os.WriteFile(pw, []byte("s3cret\n"), 0o600)
	os.WriteFile(badPW, []byte("guess\n"), 0o600)
	code, out, errs = run(t, labArgs("mtls-ok", "--cert", p12File, "--cert-password-file", pw)...)
	if code != ExitOK {
		t.Fatalf("PKCS#12: exit %d\n%s%s", code, out, errs)
	}
	encKey := filepath.Join(dir, "enc.key")
	os.WriteFile(encKey, []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"), 0o600)
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--cert", p12File, "--cert-password-file", badPW}, "wrong PKCS#12 password"},
		{[]string{"--cert", filepath.Join(dir, "none.pem")}, "no such file"},
		{[]string{"--key", okKey}, "go with --cert"},
		{[]string{"--cert", okCert}, "has no private key"},
		{[]string{"--cert", okCert, "--key", encKey}, "encrypted"},
		{[]string{"--cert", okKey, "--key", okKey}, "no CERTIFICATE block"},
		{[]string{"--proxy", "socks5://127.0.0.1:1080"}, "not supported"},
		{[]string{"--proxy", "http://"}, "no proxy host"},
	} {
		code, out, errs := run(t, labArgs("mtls-ok", bad.args...)...)
		if code != ExitUsage || !strings.Contains(errs, bad.want) || !strings.Contains(errs, "hint:") {
			t.Fatalf("%v: exit %d, want usage error %q\n%s%s", bad.args, code, bad.want, out, errs)
		}
	}
}

func TestRevocationFlag(t *testing.T) {
	// A client that does not check: OK, with the revocation as a finding.
	args := labArgs("revoked-stapled", "--profile", "default")
	code, out, _ := run(t, args...)
	if code != ExitOK || !strings.Contains(out, "[CERT_REVOKED]") {
		t.Fatalf("default client: exit %d\n%s", code, out)
	}
	// The same with --revocation, and for Firefox, which checks.
	for _, extra := range [][]string{{"--profile", "default", "--revocation"}, {"--profile", "firefox"}} {
		code, out, _ = run(t, append(labArgs("revoked-stapled"), extra...)...)
		if code != ExitFailure || !strings.Contains(out, "CERT_REVOKED") || !strings.Contains(out, "staples") {
			t.Fatalf("%v: exit %d\n%s", extra, code, out)
		}
	}
}

func TestRecheckHidesProxyPassword(t *testing.T) {
	for _, args := range [][]string{{"x.example", "--proxy", "http://u:pw@p:3128"}, {"x.example", "--proxy=http://u:pw@p:3128"}} {
		if got := recheck(args); strings.Contains(got, "pw") || !strings.Contains(got, "u:****@p:3128") {
			t.Fatal(got)
		}
	}
}
