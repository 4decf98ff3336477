package lab_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// Interop: the hand-built ClientHello and the diagnosis against a real
// OpenSSL server (Debian's openssl s_server), not only against Go's.
func TestInteropOpenSSLServer(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed: interop tests against openssl s_server skipped (.ci/run installs it with apt-get)")
	}
	dir := t.TempDir()
	root, _ := pki.NewRoot(pki.Spec{CN: "Interop Root", Key: "rsa2048"})
	leaf, _ := root.Leaf(pki.Spec{CN: "interop.test", DNS: []string{"interop.test"}, Key: "rsa2048"})
	keyDER, _ := x509.MarshalPKCS8PrivateKey(leaf.Key)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	certFile := write("srv.pem", pki.PEM(leaf.Cert))
	keyFile := write("srv.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	caFile := write("ca.pem", pki.PEM(root.Cert))

	tests := []struct {
		name    string
		args    []string
		want    cause.Code
		profile string
	}{
		{"healthy", nil, cause.OK, ""},
		{"tls1.0-only", []string{"-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"}, cause.ProtocolVersionMismatch, ""},
		{"dhe-only", []string{"-no_tls1_3", "-cipher", "DHE-RSA-AES128-GCM-SHA256"}, cause.CipherMismatch, ""},
		{"p521-only", []string{"-groups", "P-521"}, cause.GroupMismatch, ""},
		{"client-cert", []string{"-Verify", "1", "-CAfile", caFile}, cause.ClientCertRequired, ""},
		{"root-sent-too", []string{"-cert_chain", caFile}, cause.OK, ""},
		// OpenSSL's client offers DHE; Go's crypto/tls cannot. The probe's
		// limit must not become the server's fault.
		{"dhe-only-for-openssl", []string{"-no_tls1_3", "-cipher", "DHE-RSA-AES128-GCM-SHA256"}, cause.OK, "openssl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port := freePort(t)
			args := append([]string{"s_server", "-accept", fmt.Sprintf("127.0.0.1:%d", port), "-cert", certFile, "-key", keyFile, "-www", "-quiet"}, tt.args...)
			cmd := exec.Command(bin, args...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { cmd.Process.Kill(); cmd.Wait() }()
			waitListening(t, port)
			prof := tt.profile
			if prof == "" {
				prof = "default"
			}
			p, _ := profile.Get(prof)
			target, _ := probe.ParseTarget(fmt.Sprintf("https://interop.test:%d/", port))
			run, err := probe.Run(context.Background(), target, probe.Options{Profile: p, Timeout: 3 * time.Second,
				Connect: []string{"127.0.0.1"}, ExtraRoots: []*x509.Certificate{root.Cert}, NoSystem: true})
			if err != nil {
				t.Fatal(err)
			}
			d := diagnose.Run(run, diagnose.Options{Profile: p})
			// The scan must see what OpenSSL was told to accept.
			scan := probe.Scan(context.Background(), fmt.Sprintf("127.0.0.1:%d", port), "interop.test", &probe.Options{Timeout: 3 * time.Second})
			switch tt.name {
			case "dhe-only":
				if v := scan.Versions[1]; len(v.Suites) != 1 || v.Suites[0] != 0x009e || scan.Versions[0].Accepted {
					t.Errorf("scan of a DHE-only server: %+v", scan.Versions)
				}
			case "tls1.0-only":
				if !scan.Versions[3].Accepted || scan.Versions[1].Accepted || scan.Versions[0].Accepted {
					t.Errorf("scan of a TLS 1.0-only server: %+v", scan.Versions)
				}
			case "p521-only":
				if len(scan.Groups13) != 1 || scan.Groups13[0] != 25 {
					t.Errorf("scan of a P-521-only server: groups %v", scan.Groups13)
				}
			}
			if d.Cause != tt.want {
				t.Fatalf("openssl s_server %v: cause %s, want %s: %s\n%v", tt.args, d.Cause, tt.want, d.Summary, d.Evidence)
			}
		})
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
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
	t.Fatalf("openssl s_server did not listen on %d", port)
}
