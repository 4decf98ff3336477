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
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/lab"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// reproCase is one check whose reproducers are run: an endpoint as its
// profile sees it, or a variation a user would type.
type reproCase struct {
	name, endpoint, profile string
	noSNI, byIP, tlsOnly    bool
	at                      time.Time
}

// checkAsUser checks a lab endpoint as a user of 'tlsdoctor check' would:
// the lab name, --connect to its addresses and --ca-bundle FILE.
func checkAsUser(t *testing.T, l *lab.Lab, c reproCase, caFile string) (*evidence.Run, *diagnose.Diagnosis, *profile.Profile) {
	t.Helper()
	e := l.Endpoint(c.endpoint)
	p, err := profile.Get(c.profile)
	if err != nil {
		t.Fatal(err)
	}
	url := e.URL()
	if c.byIP {
		url = "https://" + e.Addrs[0] + "/"
	}
	if c.tlsOnly {
		url = e.Host + ":" + e.Port()
	}
	target, err := probe.ParseTarget(url)
	if err != nil {
		t.Fatal(err)
	}
	timeout := 3 * time.Second
	if e.Slow {
		timeout = time.Second
	}
	opts := probe.Options{Profile: p, Timeout: timeout, NoSNI: c.noSNI, ExtraRoots: []*x509.Certificate{l.Root}, At: c.at}
	if e.Want == cause.DNSFailure {
		opts.Resolver = l.Resolver()
	} else {
		opts.Connect = e.Addrs
	}
	// The endpoint's proxy and forced revocation checks; its client
	// certificate from files, as --cert and --key give it.
	opts = endpointOptions(t, l, e, opts)
	keyFile := ""
	if e.ClientCert != "" {
		dir := filepath.Dir(caFile)
		certFile := filepath.Join(dir, e.ClientCert+".pem")
		keyFile = filepath.Join(dir, e.ClientCert+".key")
		if opts.ClientCert, err = fleet.LoadClientCert(certFile, keyFile, ""); err != nil {
			t.Fatal(err)
		}
	}
	run, err := probe.Run(context.Background(), target, opts)
	if err != nil {
		t.Fatal(err)
	}
	run.CAFiles, run.ClientKeyFile = []string{caFile}, keyFile
	d := diagnose.Run(run, diagnose.Options{Profile: p})
	return run, d, p
}

// TestReproducersAgainstTheLab runs every reproducer of every lab endpoint
// with the openssl and curl installed, and checks that the line each
// predicts appears in its output.
func TestReproducersAgainstTheLab(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole lab and runs openssl and curl")
	}
	tools := map[string]bool{}
	for _, tool := range []string{"openssl", "curl"} {
		if _, err := exec.LookPath(tool); err == nil {
			tools[tool] = true
		}
	}
	if len(tools) == 0 {
		t.Skip("neither openssl nor curl is installed: the reproducers cannot be run here (.ci/run installs both)")
	}
	l := startLab(t)
	dir := t.TempDir()
	caFile := filepath.Join(dir, "lab-root.pem")
	if err := os.WriteFile(caFile, l.RootPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	// The lab's client credentials as the files --cert and --key name.
	for _, name := range l.Credentials() {
		cred := l.Credential(name)
		keyDER, err := x509.MarshalPKCS8PrivateKey(cred.Key)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name+".pem"), cred.CertPEM(), 0o644)
		os.WriteFile(filepath.Join(dir, name+".key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	}
	var cases []reproCase
	for _, e := range l.Endpoints {
		cases = append(cases, reproCase{name: e.Name, endpoint: e.Name, profile: e.Profile, noSNI: e.NoSNI})
	}
	// What users type besides the lab's own lines: another client, a TLS-only
	// target, an IP address, another time.
	cases = append(cases,
		reproCase{name: "wrong-host/by-ip", endpoint: "wrong-host", profile: "default", byIP: true},
		reproCase{name: "expired/tls-only", endpoint: "expired", profile: "default", tlsOnly: true},
		reproCase{name: "ok/at-next-year", endpoint: "ok", profile: "default", at: time.Now().Add(400 * 24 * time.Hour)},
		reproCase{name: "tls10-only/java-8", endpoint: "tls10-only", profile: "java-8"},
		reproCase{name: "chain-incomplete/nginx-proxy-verify", endpoint: "chain-incomplete", profile: "nginx-proxy-verify"},
		reproCase{name: "expired/nginx-proxy", endpoint: "expired", profile: "nginx-proxy"},
		reproCase{name: "cipher-mismatch/envoy", endpoint: "cipher-mismatch", profile: "envoy"},
		reproCase{name: "ok-rsa/java-8", endpoint: "ok-rsa", profile: "java-8"},
	)
	// Every endpoint also for one client of each kind of trust and offer:
	// a fixed CA list, any root, only the configured CAs, none (and TLS 1.2
	// only), TLS 1.0 without SNI. TLSDOCTOR_REPRO_ALL=1 runs every profile
	// (27 x 37 checks, some minutes).
	kinds := []string{"aws-apigw-rest", "aws-apigw-rest-skip-verify", "nginx-proxy-verify", "envoy", "java-6"}
	if os.Getenv("TLSDOCTOR_REPRO_ALL") != "" {
		kinds = profile.IDs()
	}
	for _, e := range l.Endpoints {
		for _, id := range kinds {
			if id != e.Profile && !e.Slow && !e.Stateful { // stateful ones answer by the order of connections
				cases = append(cases, reproCase{name: e.Name + "/as/" + id, endpoint: e.Name, profile: id, noSNI: e.NoSNI})
			}
		}
	}
	// The commands mostly wait on sockets: six at a time, beyond -parallel.
	sem := make(chan struct{}, 6)
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, c := range cases {
		wg.Add(1)
		sem <- struct{}{}
		go t.Run(c.name, func(t *testing.T) {
			defer func() { <-sem; wg.Done() }()
			run, d, p := checkAsUser(t, l, c, caFile)
			reps := diagnose.Reproduce(run, d, p)
			if len(reps) == 0 {
				t.Fatalf("%s (%s): no reproducer", d.Cause, d.Summary)
			}
			if d.Cause != cause.OK && !hasKind(reps, "fails", "shows") {
				t.Fatalf("%s: no reproducer shows the failure: %+v", d.Cause, reps)
			}
			for i, r := range reps {
				t.Run(fmt.Sprintf("%d-%s-%s", i, r.Tool, r.Kind), func(t *testing.T) {
					if d.Cause == cause.DNSFailure {
						t.Skip("reproducing DNS_FAILURE asks the system resolver; tests stay on loopback")
					}
					if !tools[r.Tool] {
						t.Skipf("%s is not installed (.ci/run installs it)", r.Tool)
					}
					if len(r.Needs) > 0 {
						t.Fatalf("the CA file was given, yet the command needs: %v", r.Needs)
					}
					if strings.Contains(r.Command, ".pem") && !strings.Contains(r.Command, dir) && !strings.Contains(r.Command, "issuer.pem") && !strings.Contains(r.Command, "x509") {
						t.Fatalf("the command names a file other than the one given: %s", r.Command)
					}
					if r.Requires != "" {
						if err := exec.Command("sh", "-c", r.Requires).Run(); err != nil {
							t.Skipf("the %s installed here cannot run this (%s fails): %s", r.Tool, r.Requires, r.Note)
						}
					}
					t.Logf("$ %s\n  look for: %s", r.Command, r.Expect)
					out := runShell(t, r.Command, t.TempDir()) // a command may write a file (issuer.pem)
					if !r.Shown(out) {
						t.Fatalf("%s (%s: %s)\n$ %s\nexpected %q (and no %q) in:\n%s", d.Cause, r.Kind, r.What, r.Command, r.Expect, r.ExpectAbsent, out)
					}
				})
			}
		})
	}
}

func hasKind(reps []diagnose.Reproducer, kinds ...string) bool {
	for _, r := range reps {
		for _, k := range kinds {
			if r.Kind == k {
				return true
			}
		}
	}
	return false
}

// runShell runs a reproducer as a user pastes it, bounded in time.
func runShell(t *testing.T, command, dir string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, _ := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("$ %s\ndid not finish in 30s:\n%s", command, out)
	}
	return string(out)
}

// The OpenSSL names tlsdoctor puts in -cipher and -ciphersuites are the
// ones the installed openssl uses for the same code points.
func TestOpenSSLSuiteNames(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed (.ci/run installs it)")
	}
	out, err := exec.Command("openssl", "ciphers", "-V", "-stdname", "ALL:COMPLEMENTOFALL@SECLEVEL=0").Output()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || !strings.HasPrefix(f[0], "0x") {
			continue
		}
		if len(f[0]) != 9 {
			t.Fatalf("cannot read %q", line)
		}
		hi, err1 := strconv.ParseUint(f[0][2:4], 16, 8) // "0xC0,0x2B"
		lo, err2 := strconv.ParseUint(f[0][7:], 16, 8)
		if err1 != nil || err2 != nil {
			t.Fatalf("cannot read %q", line)
		}
		id := uint16(hi)<<8 | uint16(lo)
		name, ok := diagnose.OpenSSLSuiteName(id)
		if !ok {
			t.Errorf("0x%04x %s (%s) is not in the table", id, f[4], f[2])
			continue
		}
		if name != f[4] {
			t.Errorf("0x%04x: table says %s, openssl says %s", id, name, f[4])
		}
		n++
	}
	if n < 50 {
		t.Fatalf("only %d suites read from openssl ciphers", n)
	}
}

// A server that answers every hello at TLS 1.0, whatever the client offers
// (old stacks ignore supported_versions): the reproducer predicts
// OpenSSL's "unsupported protocol".
func TestReproducerOfADowngradingServer(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed (.ci/run installs it)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.SetDeadline(time.Now().Add(5 * time.Second))
			if _, err := wire.ReadRecord(c); err == nil {
				sh := &wire.ServerHello{Version: wire.VersionTLS10, Random: make([]byte, 32), CipherSuite: 0xc013,
					ExtensionTypes: []uint16{wire.ExtRenegotiationInfo}}
				body, _ := sh.Marshal()
				c.Write(wire.MarshalRecord(wire.RecordHandshake, wire.VersionTLS10, wire.HandshakeMessage(wire.TypeServerHello, body)))
			}
			c.Close()
		}
	}()
	p, _ := profile.Get("default")
	target, _ := probe.ParseTarget("legacy.test:" + strings.Split(ln.Addr().String(), ":")[1])
	run, err := probe.Run(context.Background(), target, probe.Options{Profile: p, Timeout: 2 * time.Second, Connect: []string{ln.Addr().String()}, NoAIA: true})
	if err != nil {
		t.Fatal(err)
	}
	d := diagnose.Run(run, diagnose.Options{Profile: p})
	if d.Cause != cause.ProtocolVersionMismatch {
		t.Fatalf("cause %s: %s", d.Cause, d.Summary)
	}
	reps := diagnose.Reproduce(run, d, p)
	ran := 0
	for _, r := range reps {
		if r.Tool != "openssl" || r.Kind != "fails" {
			continue
		}
		out := runShell(t, r.Command, t.TempDir())
		if !r.Shown(out) || r.Expect != "unsupported protocol" {
			t.Fatalf("$ %s\nexpected %q in:\n%s", r.Command, r.Expect, out)
		}
		ran++
	}
	if ran == 0 {
		t.Fatalf("no openssl reproducer of the refusal: %+v", reps)
	}
}
