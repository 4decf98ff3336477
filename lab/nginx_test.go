package lab_test

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
)

// startNginx runs nginx (Debian's) in the foreground with the given http{}
// body and stops it when the test ends.
func startNginx(t *testing.T, httpBody string, ports []int) {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		t.Skip("nginx not installed: nginx interop tests skipped (.ci/run installs nginx-light with apt-get)")
	}
	dir := t.TempDir()
	conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path %[1]s/body; proxy_temp_path %[1]s/proxy; fastcgi_temp_path %[1]s/fcgi;
  uwsgi_temp_path %[1]s/uwsgi; scgi_temp_path %[1]s/scgi;
  proxy_connect_timeout 3s; proxy_read_timeout 3s; proxy_send_timeout 3s;
%[2]s
}
`, dir, httpBody)
	confFile := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", confFile)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for _, p := range ports {
		waitListening(t, p)
	}
	if stderr.Len() > 0 && strings.Contains(stderr.String(), "emerg") {
		t.Fatalf("nginx: %s", stderr.String())
	}
}

// nginx as the client: proxy_pass https:// with nginx's default proxy_ssl_*
// settings in front of every lab endpoint. Where the nginx-proxy profile
// says the handshake (or the exchange) fails, real nginx must answer 502;
// where it says OK, nginx must pass the back end's 200 through.
func TestNginxProxyAgreesWithProfile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs nginx in front of the whole lab")
	}
	l := startLab(t)
	var body strings.Builder
	type row struct {
		name string
		port int
	}
	var rows []row
	var ports []int
	for _, e := range l.Endpoints {
		// nginx reaches the back end directly and presents no client
		// certificate: endpoints checked through a proxy or with one differ.
		if e.Slow || e.Stateful || e.Want == cause.DNSFailure || len(e.Addrs) != 1 || e.Proxy != "" || e.ClientCert != "" {
			continue
		}
		port := freePort(t)
		fmt.Fprintf(&body, "  server { listen 127.0.0.1:%d; location / { proxy_pass https://%s; } }\n", port, e.Addrs[0])
		rows = append(rows, row{e.Name, port})
		ports = append(ports, port)
	}
	startNginx(t, body.String(), ports)
	client := &http.Client{Timeout: 4 * time.Second}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			d := check(t, l, l.Endpoint(r.name), "nginx-proxy")
			if d.Cause == cause.OK && d.Confidence == diagnose.Inferred {
				t.Skipf("the profile's verdict is inferred (%s): nothing to compare nginx with", d.Rule)
			}
			// Success is the back end's 200 reaching nginx's client. nginx
			// answers a failed handshake with 502, but relays a reply that is
			// not HTTP as HTTP/0.9: its client gets the raw bytes (a broken
			// response, or a wait), which is a failure too.
			resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d/", r.port))
			status := "no valid response: "
			if err == nil {
				resp.Body.Close()
				status = resp.Status
			} else {
				status += err.Error()
			}
			works := err == nil && resp.StatusCode == http.StatusOK
			if works != (d.Cause == cause.OK) {
				t.Fatalf("real nginx: %s; the nginx-proxy profile says %s: %s", status, d.Cause, d.Summary)
			}
		})
	}
}

// nginx as the server: the scan and the verdicts against nginx/OpenSSL.
func TestInteropNginxServer(t *testing.T) {
	k := newInteropPKI(t, pki.Spec{})
	sha1 := newInteropPKI(t, pki.Spec{SigAlg: x509.SHA1WithRSA})
	weak := newInteropPKI(t, pki.Spec{Key: "rsa1024"})
	type srv struct {
		name, conf string
		k          *interopPKI
		want       map[string]cause.Code
	}
	servers := []srv{
		{"healthy", "", k, map[string]cause.Code{"default": cause.OK, "java-7": cause.ProtocolVersionMismatch, "envoy": cause.OK}},
		{"tls1.0-only", "ssl_protocols TLSv1; ssl_ciphers DEFAULT:@SECLEVEL=0;", k, map[string]cause.Code{"default": cause.ProtocolVersionMismatch, "java-7": cause.OK}},
		{"brainpool-only", "ssl_protocols TLSv1.2; ssl_ecdh_curve brainpoolP256r1; ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;", k, map[string]cause.Code{"default": cause.GroupMismatch, "go": cause.GroupMismatch}},
		{"tls1.3-only", "ssl_protocols TLSv1.3;", k, map[string]cause.Code{"default": cause.OK, "envoy": cause.ProtocolVersionMismatch, "java-7": cause.ProtocolVersionMismatch}},
		{"cbc-only", "ssl_protocols TLSv1.2; ssl_ciphers ECDHE-RSA-AES128-SHA;", k, map[string]cause.Code{"default": cause.OK, "python-requests": cause.CipherMismatch, "envoy": cause.CipherMismatch}},
		{"sha1-certificate", "ssl_ciphers DEFAULT:@SECLEVEL=0;", sha1, map[string]cause.Code{"default": cause.WeakSignature, "java-8": cause.OK}},
		{"rsa1024", "ssl_ciphers DEFAULT:@SECLEVEL=0;", weak, map[string]cause.Code{"openssl": cause.WeakKey, "go": cause.OK}},
		// ssl_verify_client on completes the handshake without a certificate
		// and refuses the request: 400 "No required SSL certificate was sent".
		{"verify-client-on", "ssl_verify_client on; ssl_client_certificate " + k.caFile + ";", k, map[string]cause.Code{"default": cause.ClientCertRequired, "java-17": cause.ClientCertRequired}},
		{"verify-client-optional", "ssl_verify_client optional; ssl_client_certificate " + k.caFile + ";", k, map[string]cause.Code{"default": cause.OK}},
		{"dhe-1024", "ssl_protocols TLSv1.2; ssl_ciphers DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0; ssl_dhparam " + dhParamFile(t, oakley1024) + ";", k,
			map[string]cause.Code{"curl": cause.WeakKey, "java-17": cause.OK}},
	}
	var body strings.Builder
	ports := make([]int, len(servers))
	for i, s := range servers {
		ports[i] = freePort(t)
		fmt.Fprintf(&body, "  server { listen 127.0.0.1:%d ssl; ssl_certificate %s; ssl_certificate_key %s; %s location / { return 200 \"ok\\n\"; } }\n",
			ports[i], s.k.certFile, s.k.keyFile, s.conf)
	}
	startNginx(t, body.String(), ports)
	var all strings.Builder
	all.WriteString("# case profile cause: every client profile against nginx configured as each case (reviewed)\n")
	for i, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			for prof, want := range s.want {
				if d, _ := checkAs(t, ports[i], prof, s.k.root.Cert); d.Cause != want {
					t.Errorf("nginx %q as %s: %s, want %s: %s", s.conf, prof, d.Cause, want, d.Summary)
				}
			}
			verdicts(t, &all, s.name, ports[i], s.k.root.Cert)
		})
	}
	golden(t, "interop-nginx.golden", all.String())
}
