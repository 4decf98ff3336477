package lab_test

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
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

// interopPKI writes a root and a leaf (as spec says) for interop.test.
type interopPKI struct {
	root                      *pki.CA
	certFile, keyFile, caFile string
}

func newInteropPKI(t *testing.T, leaf pki.Spec) *interopPKI {
	t.Helper()
	dir := t.TempDir()
	root, err := pki.NewRoot(pki.Spec{CN: "Interop Root", Key: "rsa2048"})
	if err != nil {
		t.Fatal(err)
	}
	leaf.CN, leaf.DNS = "interop.test", []string{"interop.test"}
	if leaf.Key == "" {
		leaf.Key = "rsa2048"
	}
	l, err := root.Leaf(leaf)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := pki.KeyDER(l.Key)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return &interopPKI{root: root,
		certFile: write("srv.pem", pki.PEM(l.Cert)),
		keyFile:  write("srv.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})),
		caFile:   write("ca.pem", pki.PEM(root.Cert))}
}

// checkAs checks https://interop.test:port/ at 127.0.0.1 as profile prof.
func checkAs(t *testing.T, port int, prof string, root *x509.Certificate) (*diagnose.Diagnosis, *evidence.Run) {
	t.Helper()
	p, err := profile.Get(prof)
	if err != nil {
		t.Fatal(err)
	}
	target, _ := probe.ParseTarget(fmt.Sprintf("https://interop.test:%d/", port))
	run, err := probe.Run(context.Background(), target, probe.Options{Profile: p, Timeout: 3 * time.Second,
		Connect: []string{"127.0.0.1"}, ExtraRoots: []*x509.Certificate{root}, NoSystem: true})
	if err != nil {
		t.Fatal(err)
	}
	return diagnose.Run(run, diagnose.Options{Profile: p}), run
}

// verdicts checks every profile against the server at port and appends
// "case profile cause" lines to b.
func verdicts(t *testing.T, b *strings.Builder, name string, port int, root *x509.Certificate) {
	t.Helper()
	type res struct{ id, c string }
	out := make([]res, 0)
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 6)
	for _, p := range profile.All() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			d, _ := checkAs(t, port, p.ID, root)
			mu.Lock()
			out = append(out, res{p.ID, string(d.Cause)})
			mu.Unlock()
		}()
	}
	wg.Wait()
	order := map[string]int{}
	for i, p := range profile.All() {
		order[p.ID] = i
	}
	sort.Slice(out, func(i, j int) bool { return order[out[i].id] < order[out[j].id] })
	for _, r := range out {
		fmt.Fprintf(b, "%-20s %-27s %s\n", name, r.id, r.c)
	}
}

// golden compares got with testdata/name (rewritten with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (go test ./lab -update)", err)
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	if len(gl) != len(wl) {
		t.Errorf("%s: %d lines, golden %d", name, len(gl), len(wl))
	}
	for i := range min(len(gl), len(wl)) {
		if gl[i] != wl[i] {
			t.Errorf("%s:\ngot  %s\nwant %s", name, gl[i], wl[i])
		}
	}
}

// Interop: the hand-built ClientHello, the scan and the per-client verdicts
// against a real OpenSSL server (Debian's openssl s_server), not only Go's.
func TestInteropOpenSSLServer(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed: interop tests against openssl s_server skipped (.ci/run installs it with apt-get)")
	}
	tests := []struct {
		name string
		leaf pki.Spec
		args []string
		want map[string]cause.Code // profile -> cause
		scan func(t *testing.T, s *evidence.Scan)
	}{
		{name: "healthy", want: map[string]cause.Code{"default": cause.OK, "java-8": cause.OK, "java-7": cause.ProtocolVersionMismatch}},
		{name: "tls1.0-only", args: []string{"-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"},
			want: map[string]cause.Code{"default": cause.ProtocolVersionMismatch, "java-7": cause.OK, "envoy": cause.ProtocolVersionMismatch},
			scan: func(t *testing.T, s *evidence.Scan) {
				if !s.Versions[3].Accepted || s.Versions[1].Accepted || s.Versions[0].Accepted {
					t.Errorf("scan of a TLS 1.0-only server: %+v", s.Versions)
				}
			}},
		{name: "dhe-only", args: []string{"-no_tls1_3", "-cipher", "DHE-RSA-AES128-GCM-SHA256"},
			// OpenSSL's client offers DHE; Go's crypto/tls cannot. The
			// probe's limit must not become the server's fault.
			want: map[string]cause.Code{"default": cause.CipherMismatch, "chrome": cause.CipherMismatch, "openssl": cause.OK, "java-17": cause.OK},
			scan: func(t *testing.T, s *evidence.Scan) {
				if v := s.Versions[1]; len(v.Suites) != 1 || v.Suites[0] != 0x009e || s.Versions[0].Accepted {
					t.Errorf("scan of a DHE-only server: %+v", s.Versions)
				}
			}},
		{name: "p521-only", args: []string{"-groups", "P-521"},
			want: map[string]cause.Code{"default": cause.GroupMismatch, "chrome": cause.GroupMismatch, "go": cause.OK, "firefox": cause.OK},
			scan: func(t *testing.T, s *evidence.Scan) {
				if len(s.Groups13) != 1 || s.Groups13[0] != 25 {
					t.Errorf("scan of a P-521-only server: groups %v", s.Groups13)
				}
			}},
		{name: "brainpool-only", args: []string{"-no_tls1_3", "-groups", "brainpoolP256r1", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"},
			want: map[string]cause.Code{"default": cause.GroupMismatch, "go": cause.GroupMismatch, "envoy": cause.GroupMismatch},
			scan: func(t *testing.T, s *evidence.Scan) {
				if len(s.Groups12) != 1 || s.Groups12[0] != 26 {
					t.Errorf("scan of a brainpool-only server: TLS 1.2 groups %v", s.Groups12)
				}
			}},
		{name: "ffdhe-only", args: []string{"-tls1_3", "-groups", "ffdhe2048"},
			want: map[string]cause.Code{"default": cause.GroupMismatch, "chrome": cause.GroupMismatch, "java-17": cause.OK}},
		{name: "sha1-certificate", leaf: pki.Spec{SigAlg: x509.SHA1WithRSA}, args: []string{"-cipher", "DEFAULT:@SECLEVEL=0"},
			want: map[string]cause.Code{"default": cause.WeakSignature, "go": cause.WeakSignature, "java-8": cause.OK, "nginx-proxy": cause.OK}},
		{name: "rsa1024", leaf: pki.Spec{Key: "rsa1024"}, args: []string{"-cipher", "DEFAULT:@SECLEVEL=0"},
			want: map[string]cause.Code{"default": cause.WeakKey, "openssl": cause.WeakKey, "go": cause.OK, "java-17": cause.OK}},
		{name: "client-cert", want: map[string]cause.Code{"default": cause.ClientCertRequired}},
		{name: "client-cert-tls1.2", want: map[string]cause.Code{"default": cause.ClientCertRequired, "java-17": cause.ClientCertRequired}},
		{name: "client-cert-optional", want: map[string]cause.Code{"default": cause.OK}},
		{name: "root-sent-too", want: map[string]cause.Code{"default": cause.OK}},
		// A 512-bit key that matches its certificate: too small, not mismatched.
		{name: "rsa512-tls1.2", leaf: pki.Spec{Key: "rsa512"}, args: []string{"-no_tls1_3", "-cipher", "DEFAULT:@SECLEVEL=0"},
			want: map[string]cause.Code{"default": cause.WeakKey, "go": cause.WeakKey, "java-17": cause.WeakKey, "nginx-proxy": cause.OK}},
		{name: "dhe-1024", args: []string{"-no_tls1_3", "-cipher", "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0"},
			want: map[string]cause.Code{"curl": cause.WeakKey, "openssl": cause.WeakKey, "nginx-proxy": cause.WeakKey, "java-17": cause.OK}},
		{name: "critical-extension", leaf: pki.Spec{Extensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 55555, 1}, Critical: true, Value: []byte{5, 0}}}},
			want: map[string]cause.Code{"default": cause.CertInvalid, "curl": cause.CertInvalid, "nginx-proxy": cause.OK}},
	}
	var all strings.Builder
	all.WriteString("# case profile cause: every client profile against openssl s_server configured as each case (reviewed)\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newInteropPKI(t, tt.leaf)
			args := tt.args
			switch tt.name {
			case "client-cert":
				args = []string{"-Verify", "1", "-CAfile", k.caFile}
			case "client-cert-tls1.2":
				args = []string{"-Verify", "1", "-CAfile", k.caFile, "-no_tls1_3"}
			case "client-cert-optional":
				args = []string{"-verify", "1", "-CAfile", k.caFile}
			case "root-sent-too":
				args = []string{"-cert_chain", k.caFile}
			case "dhe-1024":
				args = append(args, "-dhparam", dhParamFile(t, oakley1024))
			}
			port := freePort(t)
			cmd := exec.Command(bin, append([]string{"s_server", "-accept", fmt.Sprintf("127.0.0.1:%d", port),
				"-cert", k.certFile, "-key", k.keyFile, "-www", "-quiet"}, args...)...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { cmd.Process.Kill(); cmd.Wait() }()
			waitListening(t, port)
			for prof, want := range tt.want {
				if d, _ := checkAs(t, port, prof, k.root.Cert); d.Cause != want {
					t.Errorf("openssl s_server %v, as %s: cause %s, want %s: %s\n%v", args, prof, d.Cause, want, d.Summary, d.Evidence)
				}
			}
			if tt.scan != nil {
				tt.scan(t, probe.Scan(context.Background(), fmt.Sprintf("127.0.0.1:%d", port), "interop.test", &probe.Options{Timeout: 3 * time.Second}))
			}
			verdicts(t, &all, tt.name, port, k.root.Cert)
		})
	}
	golden(t, "interop-openssl.golden", all.String())
}

// oakley1024 is the 1024-bit MODP group of RFC 2409 6.2.
var oakley1024, _ = new(big.Int).SetString("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16)

// dhParamFile writes DH parameters (p, g = 2) as a PEM file.
func dhParamFile(t *testing.T, p *big.Int) string {
	der, err := asn1.Marshal(struct{ P, G *big.Int }{p, big.NewInt(2)})
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "dh.pem")
	if err := os.WriteFile(f, pem.EncodeToMemory(&pem.Block{Type: "DH PARAMETERS", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// freePort is a loopback port free now, for a server the test starts next
// (nginx, openssl s_server, gnutls-serv). It is taken from below the
// kernel's ephemeral range: a port the kernel handed out would be handed out
// again, to a listener or a client of a test running beside this one, in the
// moment between this check and the server's bind.
func freePort(t *testing.T) int {
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil && n > 12000 {
				low = n
			}
		}
	}
	for range 200 {
		port := 10000 + rand.IntN(low-10000)
		if ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			ln.Close()
			return port
		}
	}
	t.Fatal("no free loopback port below the ephemeral range")
	return 0
}

func waitListening(t *testing.T, port int) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server did not listen on %d", port)
}

// Interop with GnuTLS as the server: a TLS 1.2 server without secure
// renegotiation (RFC 5746), which OpenSSL 3 clients refuse and Go and Java
// accept. Debian's openssl s_client must fail the same way.
func TestInteropGnuTLSServer(t *testing.T) {
	bin, err := exec.LookPath("gnutls-serv")
	if err != nil {
		t.Skip("gnutls-serv not installed: GnuTLS interop tests skipped (.ci/run installs gnutls-bin with apt-get)")
	}
	k := newInteropPKI(t, pki.Spec{})
	port := freePort(t)
	cmd := exec.Command(bin, "--x509certfile", k.certFile, "--x509keyfile", k.keyFile, "-p", fmt.Sprint(port), "--http",
		"--priority", "NORMAL:-VERS-TLS1.3:%DISABLE_SAFE_RENEGOTIATION")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	waitListening(t, port)
	for prof, want := range map[string]cause.Code{"curl": cause.RenegotiationUnsafe, "openssl": cause.RenegotiationUnsafe, "nginx-proxy": cause.RenegotiationUnsafe,
		"go": cause.OK, "java-17": cause.OK, "default": cause.OK} {
		d, _ := checkAs(t, port, prof, k.root.Cert)
		if d.Cause != want {
			t.Errorf("gnutls-serv without safe renegotiation, as %s: %s, want %s: %s", prof, d.Cause, want, d.Summary)
		}
	}
	if openssl, err := exec.LookPath("openssl"); err == nil {
		out, _ := exec.Command(openssl, "s_client", "-connect", fmt.Sprintf("127.0.0.1:%d", port), "-servername", "interop.test").CombinedOutput()
		if !strings.Contains(string(out), "unsafe legacy renegotiation disabled") {
			t.Errorf("Debian's openssl s_client did not refuse the server as the profile says:\n%s", out)
		}
	}
}
