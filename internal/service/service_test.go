package service

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/internal/addrpolicy"
	"github.com/tlsdoctor/tlsdoctor/internal/labtest"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

type names map[string][]netip.Addr

func (n names) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if a, ok := n[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func loopback(host string) names { return names{host: {netip.MustParseAddr("127.0.0.1")}} }

func allow(cidrs ...string) *addrpolicy.Policy {
	var p []netip.Prefix
	for _, c := range cidrs {
		p = append(p, netip.MustParsePrefix(c))
	}
	return addrpolicy.New(p...)
}

// aiaServer serves a leaf alone whose AIA URL is aiaURL(port of a helper
// HTTP server running handler), and returns the TLS server's address and
// the root to trust.
func aiaServer(t *testing.T, aiaHost string, handler func(inter *x509.Certificate) http.Handler) (string, *x509.Certificate) {
	t.Helper()
	root, err := pki.NewRoot(pki.Spec{CN: "AIA Test Root"})
	if err != nil {
		t.Fatal(err)
	}
	inter, _ := root.Intermediate(pki.Spec{CN: "AIA Test Intermediate"})
	hs := httptest.NewServer(handler(inter.Cert))
	t.Cleanup(hs.Close)
	_, hport, _ := net.SplitHostPort(hs.Listener.Addr().String())
	leaf, err := inter.Leaf(pki.Spec{DNS: []string{"aia.test"}, AIA: []string{"http://" + aiaHost + ":" + hport + "/issuer.der"}}, root.Cert)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{leaf.TLS()}}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the probe's hellos end in resets, by design
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts.Listener.Addr().String(), root.Cert
}

func port(addr string) string { _, p, _ := net.SplitHostPort(addr); return p }

// A redirect from an allowed AIA server to a refused address is not
// followed: the policy checks every dial, not only the target's.
func TestAIARedirectToARefusedAddress(t *testing.T) {
	forbidden, hits := labtest.Counter(t, "127.0.0.2:0")
	redirect := func(*x509.Certificate) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://"+forbidden+"/issuer.der", http.StatusFound)
		})
	}
	srv, root := aiaServer(t, "127.0.0.1", redirect)
	c := New(Config{Policy: allow("127.0.0.1/32"), Resolver: loopback("aia.test"), CAs: []*x509.Certificate{root}})
	res, err := c.Check(context.Background(), Request{Target: "https://aia.test:" + port(srv) + "/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Run.AIA) == 0 || res.Run.AIA[0].Err == nil || !strings.Contains(res.Run.AIA[0].Err.Message, "address policy refuses 127.0.0.2") {
		t.Fatalf("AIA fetch: %+v", res.Run.AIA)
	}
	if res.Diagnosis.Cause != cause.ChainIncomplete {
		t.Errorf("cause %s", res.Diagnosis.Cause)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d connections reached the refused address", n)
	}
	// The same check with the address allowed does follow the redirect:
	// the test can fail.
	c = New(Config{Policy: allow("127.0.0.0/8"), Resolver: loopback("aia.test"), CAs: []*x509.Certificate{root}})
	if _, err := c.Check(context.Background(), Request{Target: "https://aia.test:" + port(srv) + "/"}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(2 * time.Second); hits.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if hits.Load() == 0 {
		t.Error("with 127.0.0.0/8 allowed the redirect was not followed")
	}
}

// HTTP_PROXY would let an AIA fetch reach any address through an allowed
// proxy: served checks never use it. Go reads the proxy variables once per
// process, so the check runs in a child process that sets them first.
func TestAIAIgnoresHTTPProxy(t *testing.T) {
	if os.Getenv("TLSDOCTOR_PROXY_CHILD") == "1" {
		proxyChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAIAIgnoresHTTPProxy$", "-test.v")
	cmd.Env = append(os.Environ(), "TLSDOCTOR_PROXY_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func proxyChild(t *testing.T) {
	proxy, hits := labtest.Counter(t, "127.0.0.1:0")
	for _, k := range []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"} {
		os.Setenv(k, "http://"+proxy)
	}
	os.Unsetenv("NO_PROXY")
	os.Unsetenv("no_proxy")
	serve := func(inter *x509.Certificate) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(inter.Raw) })
	}
	// A name, not an address: Go never proxies loopback addresses.
	srv, root := aiaServer(t, "issuer.test", serve)
	res := names{"aia.test": {netip.MustParseAddr("127.0.0.1")}, "issuer.test": {netip.MustParseAddr("127.0.0.1")}}
	c := New(Config{Policy: allow("127.0.0.0/8"), Resolver: res, CAs: []*x509.Certificate{root}})
	r, err := c.Check(context.Background(), Request{Target: "https://aia.test:" + port(srv) + "/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Run.AIA) != 1 || r.Run.AIA[0].Err != nil {
		t.Fatalf("the AIA fetch did not go straight to the issuer: %+v", r.Run.AIA)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d connections went to the proxy", n)
	}
	// A probe that honours the environment (as the CLI's does: its client
	// reads the proxy variables) goes to the proxy: the test can fail.
	p, _ := profile.Get("default")
	tgt, _ := probe.ParseTarget("https://aia.test:" + port(srv) + "/")
	probe.Run(context.Background(), tgt, probe.Options{Profile: p, Resolver: res, Dialer: &addrpolicy.Dialer{Policy: allow("127.0.0.0/8"), Resolver: res}, Timeout: 2 * time.Second, Getenv: os.Getenv})
	if hits.Load() == 0 {
		t.Fatal("a probe without NoProxy did not use the proxy: the environment was not read")
	}
}

// rebinding answers its first lookup with one address and every later one
// with another, as a DNS rebinding attack does.
type rebinding struct {
	first, then netip.Addr
	n           atomic.Int64
}

func (r *rebinding) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if r.n.Add(1) == 1 {
		return []netip.Addr{r.first}, nil
	}
	return []netip.Addr{r.then}, nil
}

// The name is resolved once, checked, and dialled by that answer: a second,
// different answer never reaches the probe.
func TestDNSRebindingCannotSlipIn(t *testing.T) {
	allowed, okHits := labtest.Counter(t, "127.0.0.1:0")
	_, badHits := labtest.Counter(t, "127.0.0.2:"+port(allowed))
	r := &rebinding{first: netip.MustParseAddr("127.0.0.1"), then: netip.MustParseAddr("127.0.0.2")}
	c := New(Config{Policy: allow("127.0.0.1/32"), Resolver: r})
	res, err := c.Check(context.Background(), Request{Target: "rebind.test:" + port(allowed), NoAIA: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if r.n.Load() != 1 {
		t.Errorf("the name was resolved %d times", r.n.Load())
	}
	if okHits.Load() == 0 || badHits.Load() != 0 {
		t.Errorf("connections: %d to the checked address, %d to the rebound one", okHits.Load(), badHits.Load())
	}
	if got := res.Run.DNS.Addresses; len(got) != 1 || !strings.HasPrefix(got[0], "127.0.0.1:") {
		t.Errorf("the probe saw %v", got)
	}
}

// The verdict is fleet.Check's, as the CLI gives it.
func TestSameVerdictAsFleet(t *testing.T) {
	l := labtest.Lab(t)
	c := New(Config{Policy: allow("127.0.0.0/8"), Resolver: l.Resolver(), CAs: []*x509.Certificate{l.Root}})
	for _, name := range []string{"ok", "expired", "chain-incomplete-aia", "tls10-only", "sni-required", "garbage", "plain-http", "inconsistent", "dns-failure", "wrong-host"} {
		ep := l.Endpoint(name)
		if ep == nil {
			t.Fatalf("no lab endpoint %q", name)
		}
		res, err := c.Check(context.Background(), Request{Target: ep.URL(), Profile: ep.Profile})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p, _ := profile.Get(ep.Profile)
		tgt, _ := probe.ParseTarget(ep.URL())
		_, d, err := fleet.Check(context.Background(), tgt, probe.Options{Profile: p, Resolver: l.Resolver(), ExtraRoots: []*x509.Certificate{l.Root}}, fleet.SystemTrust)
		if err != nil {
			t.Fatal(err)
		}
		if res.Diagnosis.Cause != d.Cause || res.Diagnosis.Summary != d.Summary || res.Diagnosis.Confidence != d.Confidence ||
			fmt.Sprint(res.Diagnosis.Fix) != fmt.Sprint(d.Fix) {
			t.Errorf("%s: served %s %q, fleet %s %q", name, res.Diagnosis.Cause, res.Diagnosis.Summary, d.Cause, d.Summary)
		}
		if res.Diagnosis.Cause != ep.Want {
			t.Errorf("%s: %s, the lab wants %s", name, res.Diagnosis.Cause, ep.Want)
		}
	}
}

func TestRequestErrors(t *testing.T) {
	c := New(Config{})
	for _, r := range []Request{
		{Target: ""},
		{Target: "http://x.example/"},
		{Target: "x.example", Profile: "nope"},
		{Target: "x.example", Timeout: time.Hour},
		{Target: "x.example", Connect: []string{"a:b:c"}},
		{Target: "x.example", Connect: []string{"1.2.3.4:99999"}},
		{Target: "x.example", ServerName: "a b"},
		{Target: "x.example", NoSystemRoots: true},
	} {
		_, err := c.Check(context.Background(), r)
		var re *RequestError
		if !errors.As(err, &re) || re.Field == "" {
			t.Errorf("%+v: %v", r, err)
		}
	}
}

func TestQueueBounded(t *testing.T) {
	l := labtest.Lab(t)
	ep := l.Endpoint("silent")
	c := New(Config{Policy: allow("127.0.0.0/8"), Resolver: l.Resolver(), MaxChecks: 1, MaxQueue: 1})
	req := Request{Target: ep.URL(), Timeout: 300 * time.Millisecond, NoAIA: true}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.Check(context.Background(), req)
		}()
	}
	for deadline := time.Now().Add(5 * time.Second); c.Stats().Waiting < 2 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if st := c.Stats(); st.Waiting != 2 || st.InFlight != 1 {
		t.Fatalf("stats %+v", st)
	}
	if _, err := c.Check(context.Background(), req); !errors.Is(err, ErrBusy) {
		t.Errorf("third check: %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Errorf("queued check: %v", err)
		}
	}
	if _, err := c.Check(ctx, req); !errors.Is(err, context.Canceled) && err != nil {
		t.Errorf("cancelled: %v", err)
	}
	if st := c.Stats(); st.Busy != 1 || st.ByCause[cause.HandshakeTimeout] != 2 {
		t.Errorf("stats %+v", st)
	}
}
