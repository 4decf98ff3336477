package lab_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// files writes PEM files into dir and returns their paths.
type files struct {
	t   *testing.T
	dir string
}

func (f files) cert(name string, certs ...*x509.Certificate) string {
	return f.write(name, pki.PEM(certs...))
}

func (f files) key(name string, k any) string {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.write(name, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func (f files) write(name string, data []byte) string {
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		f.t.Fatal(err)
	}
	return p
}

// startProgram runs a real server program until the test ends.
func startProgram(t *testing.T, bin string, port int, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitListening(t, port)
}

// checkWith checks https://interop.test:port/ as prof with extra options.
func checkWith(t *testing.T, port int, prof string, root *x509.Certificate, mod func(*probe.Options)) (*diagnose.Diagnosis, *evidence.Run) {
	t.Helper()
	p, err := profile.Get(prof)
	if err != nil {
		t.Fatal(err)
	}
	target, _ := probe.ParseTarget(fmt.Sprintf("https://interop.test:%d/", port))
	o := probe.Options{Profile: p, Timeout: 3 * time.Second, Connect: []string{"127.0.0.1"}, ExtraRoots: []*x509.Certificate{root}, NoSystem: true}
	if mod != nil {
		mod(&o)
	}
	run, err := probe.Run(context.Background(), target, o)
	if err != nil {
		t.Fatal(err)
	}
	return diagnose.Run(run, diagnose.Options{Profile: p}), run
}

// opensslResponder answers OCSP over loopback HTTP with responses made by
// OpenSSL's own responder (openssl ocsp -index), one run per request: the
// verdict is OpenSSL's, and nothing listens beyond 127.0.0.1.
func opensslResponder(t *testing.T, bin, dir, index, caCert, caKey string) string {
	t.Helper()
	var mu sync.Mutex
	n := 0
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		req, resp := filepath.Join(dir, fmt.Sprintf("req%d.der", n)), filepath.Join(dir, fmt.Sprintf("resp%d.der", n))
		mu.Unlock()
		body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		os.WriteFile(req, body, 0o600)
		out, err := exec.Command(bin, "ocsp", "-index", index, "-rsigner", caCert, "-rkey", caKey, "-CA", caCert, "-ndays", "1", "-reqin", req, "-respout", resp).CombinedOutput()
		der, rerr := os.ReadFile(resp)
		if err != nil || rerr != nil {
			http.Error(w, string(out), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/ocsp-response")
		w.Write(der)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// indexLine is a line of an openssl ca index for c.
func indexLine(c *x509.Certificate, revoked bool) string {
	serial := strings.ToUpper(c.SerialNumber.Text(16))
	if len(serial)%2 == 1 {
		serial = "0" + serial
	}
	exp := c.NotAfter.UTC().Format("060102150405Z")
	if revoked {
		return fmt.Sprintf("R\t%s\t%s,keyCompromise\t%s\tunknown\t/CN=%s\n", exp, time.Now().Add(-time.Hour).UTC().Format("060102150405Z"), serial, c.Subject.CommonName)
	}
	return fmt.Sprintf("V\t%s\t\t%s\tunknown\t/CN=%s\n", exp, serial, c.Subject.CommonName)
}

// Revocation against OpenSSL: staples written by openssl ocsp and served by
// openssl s_server (TLS 1.3 in the CertificateEntry, TLS 1.2 in a
// CertificateStatus message the hand-built hello reads too), OCSP answered
// by OpenSSL's responder, and real curl --cert-status as the client whose
// policy the curl profile models.
func TestInteropOpenSSLRevocation(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed: revocation interop tests skipped (.ci/run installs it with apt-get)")
	}
	f := files{t, t.TempDir()}
	ca, err := pki.NewRoot(pki.Spec{CN: "Interop Revocation CA"})
	if err != nil {
		t.Fatal(err)
	}
	caCert, caKey := f.cert("ca.pem", ca.Cert), f.key("ca.key", ca.Key)
	index := filepath.Join(f.dir, "index.txt")
	os.WriteFile(index, nil, 0o600)
	responder := opensslResponder(t, bin, f.dir, index, caCert, caKey)
	leaf := func(name string, mustStaple bool) (*pki.Leaf, string, string) {
		l, err := ca.Leaf(pki.Spec{CN: "interop.test", DNS: []string{"interop.test"}, OCSP: []string{responder}, MustStaple: mustStaple})
		if err != nil {
			t.Fatal(err)
		}
		return l, f.cert(name+".pem", l.Cert), f.key(name+".key", l.Key)
	}
	revoked, revokedCert, revokedKey := leaf("revoked", false)
	good, goodCert, goodKey := leaf("good", true)
	os.WriteFile(index, []byte(indexLine(revoked.Cert, true)+indexLine(good.Cert, false)), 0o600)
	staple := func(l *pki.Leaf, certFile string) string {
		req, resp := certFile+".req", certFile+".ocsp"
		if out, err := exec.Command(bin, "ocsp", "-issuer", caCert, "-cert", certFile, "-no_nonce", "-reqout", req).CombinedOutput(); err != nil {
			t.Fatalf("openssl ocsp: %v\n%s", err, out)
		}
		if out, err := exec.Command(bin, "ocsp", "-index", index, "-rsigner", caCert, "-rkey", caKey, "-CA", caCert, "-ndays", "1", "-reqin", req, "-respout", resp).CombinedOutput(); err != nil {
			t.Fatalf("openssl ocsp: %v\n%s", err, out)
		}
		return resp
	}
	revokedStaple, goodStaple := staple(revoked, revokedCert), staple(good, goodCert)
	curl, _ := exec.LookPath("curl")

	tests := []struct {
		name       string
		args       []string
		want       map[string]cause.Code
		forced     map[string]cause.Code // with --revocation
		curlStatus string                // what real curl --cert-status prints, when curl is here
	}{
		{"stapled-revoked-tls1.3", []string{"-cert", revokedCert, "-key", revokedKey, "-cert_chain", caCert, "-status_file", revokedStaple},
			map[string]cause.Code{"firefox": cause.CertRevoked, "default": cause.OK, "chrome": cause.CertRevoked, "java-17": cause.OK},
			map[string]cause.Code{"curl": cause.CertRevoked, "java-17": cause.CertRevoked}, "revocation reason: keyCompromise"},
		{"stapled-revoked-tls1.2", []string{"-cert", revokedCert, "-key", revokedKey, "-cert_chain", caCert, "-status_file", revokedStaple, "-no_tls1_3"},
			map[string]cause.Code{"firefox": cause.CertRevoked, "default": cause.OK},
			map[string]cause.Code{"curl": cause.CertRevoked}, "revocation reason: keyCompromise"},
		{"responder-says-revoked", []string{"-cert", revokedCert, "-key", revokedKey, "-cert_chain", caCert},
			map[string]cause.Code{"firefox": cause.CertRevoked, "default": cause.OK},
			map[string]cause.Code{"default": cause.CertRevoked, "curl": cause.RevocationUnavailable}, "No OCSP response received"},
		{"must-staple-without-staple", []string{"-cert", goodCert, "-key", goodKey, "-cert_chain", caCert},
			map[string]cause.Code{"firefox": cause.RevocationUnavailable, "default": cause.OK},
			map[string]cause.Code{"curl": cause.RevocationUnavailable}, "No OCSP response received"},
		{"must-staple-stapled-good", []string{"-cert", goodCert, "-key", goodKey, "-cert_chain", caCert, "-status_file", goodStaple},
			map[string]cause.Code{"firefox": cause.OK, "default": cause.OK},
			map[string]cause.Code{"curl": cause.OK, "java-17": cause.OK}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port := freePort(t)
			startProgram(t, bin, port, append([]string{"s_server", "-accept", fmt.Sprintf("127.0.0.1:%d", port), "-www", "-quiet"}, tt.args...)...)
			for forced, want := range map[bool]map[string]cause.Code{false: tt.want, true: tt.forced} {
				for prof, w := range want {
					d, run := checkWith(t, port, prof, ca.Cert, func(o *probe.Options) { o.Revocation = forced })
					if d.Cause != w {
						t.Errorf("%s (--revocation %v): %s, want %s: %s\n%v\n%v", prof, forced, d.Cause, w, d.Summary, d.Evidence, d.Findings)
					}
					if strings.HasSuffix(tt.name, "tls1.2") && len(run.Addresses[0].Hello.OCSPResponse) == 0 {
						t.Error("the TLS 1.2 flight's CertificateStatus was not read from the hand-built hello")
					}
				}
			}
			if curl == "" {
				t.Log("curl not installed: the curl --cert-status comparison is skipped")
				return
			}
			cmd := exec.Command(curl, "-sS", "-o", "/dev/null", "--cert-status", "--cacert", caCert,
				"--resolve", fmt.Sprintf("interop.test:%d:127.0.0.1", port), fmt.Sprintf("https://interop.test:%d/", port))
			out, err := cmd.CombinedOutput()
			curlOK := err == nil
			if ours := tt.forced["curl"]; ours != "" && curlOK != (ours == cause.OK) {
				t.Errorf("real curl --cert-status: ok=%v (%s); the curl profile with --revocation says %s", curlOK, out, ours)
			}
			if tt.curlStatus != "" && !strings.Contains(string(out), tt.curlStatus) {
				t.Errorf("real curl --cert-status printed %q, want %q", out, tt.curlStatus)
			}
		})
	}
}

// Client certificates against openssl s_server -Verify: the alert OpenSSL
// sends for each wrong certificate is read, and the verdict it supports is
// proved.
func TestInteropOpenSSLClientCertificates(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed: client-certificate interop tests skipped (.ci/run installs it with apt-get)")
	}
	k := newInteropPKI(t, pki.Spec{})
	f := files{t, t.TempDir()}
	clientCA, _ := pki.NewRoot(pki.Spec{CN: "Interop Client CA"})
	otherCA, _ := pki.NewRoot(pki.Spec{CN: "Someone Else's CA"})
	clientCAFile := f.cert("client-ca.pem", clientCA.Cert)
	mk := func(ca *pki.CA, s pki.Spec) *pki.Leaf {
		s.CN = "svc.interop.test"
		if s.EKU == nil {
			s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		}
		l, err := ca.Leaf(s)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	right := mk(clientCA, pki.Spec{})
	mismatched := mk(clientCA, pki.Spec{})
	mismatched.Key = mk(clientCA, pki.Spec{}).Key
	creds := []struct {
		name string
		leaf *pki.Leaf
		want cause.Code
		in   string
	}{
		{"right", right, cause.OK, ""},
		{"wrong-ca", mk(otherCA, pki.Spec{}), cause.ClientCertRequired, "not among the CAs the server accepts"},
		{"expired", mk(clientCA, pki.Spec{NotBefore: time.Now().Add(-60 * 24 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)}), cause.ClientCertRequired, "expired"},
		{"server-eku", mk(clientCA, pki.Spec{EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}), cause.ClientCertRequired, "clientAuth"},
		{"key-mismatch", mismatched, cause.ClientCertRequired, "does not belong"},
	}
	for _, v := range []struct{ name, flag string }{{"tls1.3", "-tls1_3"}, {"tls1.2", "-tls1_2"}} {
		t.Run(v.name, func(t *testing.T) {
			port := freePort(t)
			startProgram(t, bin, port, "s_server", "-accept", fmt.Sprintf("127.0.0.1:%d", port), "-www", "-quiet", v.flag,
				"-cert", k.certFile, "-key", k.keyFile, "-Verify", "1", "-CAfile", clientCAFile, "-verify_return_error")
			for _, c := range creds {
				cc, err := probe.NewClientCertificate([]*x509.Certificate{c.leaf.Cert}, c.leaf.Key, c.name)
				if err != nil {
					t.Fatal(err)
				}
				d, _ := checkWith(t, port, "default", k.root.Cert, func(o *probe.Options) { o.ClientCert = cc })
				if d.Cause != c.want || !strings.Contains(d.Summary, c.in) {
					t.Errorf("%s: %s (%s): %s\n%v", c.name, d.Cause, d.Confidence, d.Summary, d.Evidence)
					continue
				}
				t.Logf("%s: %s", c.name, d.Summary)
				if d.Cause != cause.OK && d.Confidence != "proved" {
					t.Errorf("%s: OpenSSL's alert does not decide: %s\n%v", c.name, d.Summary, d.Evidence)
				}
			}
		})
	}
}

// A real forward proxy (tinyproxy): CONNECT through it, its 407 and 403 as
// their own causes, and real curl reading the proxy variables the way the
// curl profile says it does.
func TestInteropTinyproxy(t *testing.T) {
	bin, err := exec.LookPath("tinyproxy")
	if err != nil {
		t.Skip("tinyproxy not installed: forward-proxy interop tests skipped (.ci/run installs it with apt-get)")
	}
	l := startLab(t)
	ok := l.Endpoint("ok")
	okPort := ok.Port()
	start := func(extra string) string {
		dir := t.TempDir()
		port := freePort(t)
		conf := filepath.Join(dir, "tinyproxy.conf")
		os.WriteFile(conf, []byte(fmt.Sprintf("Port %d\nListen 127.0.0.1\nTimeout 10\nMaxClients 20\nAllow 127.0.0.1\nLogLevel Error\nLogFile \"%s/log\"\nPidFile \"%s/pid\"\n%s\n",
			port, dir, dir, extra)), 0o644)
		startProgram(t, bin, port, "-d", "-c", conf)
		return fmt.Sprintf("http://127.0.0.1:%d", port)
	}
	plain := start("")
	auth := start("BasicAuth lab lab-secret")
	portOnly := start("ConnectPort 443")
	check := func(proxy string) *diagnose.Diagnosis {
		p, _ := profile.Get("default")
		u, err := probe.ParseProxy(proxy)
		if err != nil {
			t.Fatal(err)
		}
		target, _ := probe.ParseTarget(ok.URL())
		run, err := probe.Run(context.Background(), target, probe.Options{Profile: p, Timeout: 3 * time.Second, Resolver: l.Resolver(),
			Connect: ok.Addrs, Proxy: u, ExtraRoots: []*x509.Certificate{l.Root}, NoSystem: true})
		if err != nil {
			t.Fatal(err)
		}
		return diagnose.Run(run, diagnose.Options{Profile: p})
	}
	withCreds := strings.Replace(auth, "http://", "http://lab:lab-secret@", 1)
	for _, tt := range []struct {
		name, proxy string
		want        cause.Code
	}{
		{"tunnel", plain, cause.OK},
		{"407", auth, cause.ProxyAuthRequired},
		{"credentials", withCreds, cause.OK},
		{"port not allowed", portOnly, cause.ProxyConnectFailed},
	} {
		if d := check(tt.proxy); d.Cause != tt.want {
			t.Errorf("through tinyproxy (%s): %s, want %s: %s\n%v", tt.name, d.Cause, tt.want, d.Summary, d.Evidence)
		}
	}
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Log("curl not installed: the proxy-variable comparison is skipped")
		return
	}
	// curl reads https_proxy before HTTPS_PROXY: with the lower case set to
	// the working proxy and the upper case to a dead one, it gets through.
	dead := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
	rootFile := files{t, t.TempDir()}.cert("root.pem", l.Root)
	cmd := exec.Command(curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", rootFile,
		"--connect-to", fmt.Sprintf("%s:%s:%s", ok.Host, okPort, ok.Addrs[0]), ok.URL())
	cmd.Env = append(os.Environ(), "https_proxy="+plain, "HTTPS_PROXY="+dead, "NO_PROXY=", "no_proxy=")
	out, err := cmd.CombinedOutput()
	p, _ := profile.Get("curl")
	u, rec := probe.SelectProxy(p, evidence.Target{Host: ok.Host, Port: 443}, nil, func(k string) string {
		return map[string]string{"https_proxy": plain, "HTTPS_PROXY": dead}[k]
	})
	if err != nil || string(out) != "200" {
		t.Fatalf("curl with https_proxy=%s HTTPS_PROXY=%s: %v %s", plain, dead, err, out)
	}
	if pu, _ := url.Parse(plain); u == nil || u.Host != pu.Host || rec.Source != "https_proxy" {
		t.Fatalf("the curl profile chose %v (%+v); real curl used https_proxy", u, rec)
	}
}

// nginx with ssl_verify_client completes the handshake whatever the client
// presents and answers the request with a 400 page: the refusal is read
// from that page, not mistaken for a working exchange.
func TestInteropNginxClientCertificates(t *testing.T) {
	if _, err := exec.LookPath("nginx"); err != nil {
		t.Skip("nginx not installed: nginx client-certificate interop test skipped (.ci/run installs nginx-light with apt-get)")
	}
	k := newInteropPKI(t, pki.Spec{})
	f := files{t, t.TempDir()}
	clientCA, _ := pki.NewRoot(pki.Spec{CN: "Nginx Client CA"})
	otherCA, _ := pki.NewRoot(pki.Spec{CN: "Unrelated CA"})
	port := freePort(t)
	startNginx(t, fmt.Sprintf("  server { listen 127.0.0.1:%d ssl; ssl_certificate %s; ssl_certificate_key %s; ssl_client_certificate %s; ssl_verify_client on; location / { return 200 \"ok\\n\"; } }\n",
		port, k.certFile, k.keyFile, f.cert("client-ca.pem", clientCA.Cert)), []int{port})
	mk := func(ca *pki.CA) *probe.ClientCertificate {
		l, err := ca.Leaf(pki.Spec{CN: "svc", EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
		if err != nil {
			t.Fatal(err)
		}
		cc, _ := probe.NewClientCertificate([]*x509.Certificate{l.Cert}, l.Key, "test")
		return cc
	}
	for _, c := range []struct {
		name string
		cc   *probe.ClientCertificate
		want cause.Code
		in   string
	}{
		{"none", nil, cause.ClientCertRequired, "No required SSL certificate was sent"},
		{"wrong CA", mk(otherCA), cause.ClientCertRequired, "The SSL certificate error"},
		{"right", mk(clientCA), cause.OK, "accepted"},
	} {
		d, _ := checkWith(t, port, "default", k.root.Cert, func(o *probe.Options) { o.ClientCert = c.cc })
		text := d.Summary + strings.Join(d.Evidence, " ")
		for _, fi := range d.Findings {
			text += fi.Message
		}
		if d.Cause != c.want || !strings.Contains(text, c.in) || d.Confidence != "proved" {
			t.Errorf("nginx, client certificate %s: %s (%s): %s\n%v", c.name, d.Cause, d.Confidence, d.Summary, d.Evidence)
		}
	}
}
