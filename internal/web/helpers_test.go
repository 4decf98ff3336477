package web

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/internal/addrpolicy"
	"github.com/tlsdoctor/tlsdoctor/internal/labtest"
	"github.com/tlsdoctor/tlsdoctor/internal/service"
	"github.com/tlsdoctor/tlsdoctor/lab"
)

func sharedLab(t testing.TB) *lab.Lab { return labtest.Lab(t) }

// names resolves test names: the lab's, and extra ones.
type names struct {
	lab   *lab.Lab
	mu    sync.Mutex
	extra map[string][]netip.Addr
}

func (n *names) add(host string, addrs ...string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.extra == nil {
		n.extra = map[string][]netip.Addr{}
	}
	for _, a := range addrs {
		n.extra[host] = append(n.extra[host], netip.MustParseAddr(a))
	}
}

func (n *names) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	n.mu.Lock()
	a, ok := n.extra[host]
	n.mu.Unlock()
	if ok {
		return a, nil
	}
	return n.lab.Resolver().LookupNetIP(ctx, network, host)
}

type env struct {
	t       *testing.T
	lab     *lab.Lab
	names   *names
	checker *service.Checker
	store   *Store
	server  *Server
	ts      *httptest.Server
	client  *http.Client // a browser: cookies, no redirects followed
}

type option func(*service.Config, *Config)

func allowLoopback() option {
	return func(c *service.Config, _ *Config) {
		c.Policy = addrpolicy.New(netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"))
	}
}

func newEnv(t *testing.T, opts ...option) *env {
	t.Helper()
	l := sharedLab(t)
	n := &names{lab: l}
	sc := service.Config{Resolver: n, CAs: []*x509.Certificate{l.Root}, Tool: "tlsdoctor test"}
	wc := Config{Version: "test"}
	for _, o := range opts {
		o(&sc, &wc)
	}
	store, _, err := OpenStore(t.TempDir(), 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	wc.Checker, wc.Store = service.New(sc), store
	srv, err := New(wc)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &env{t: t, lab: l, names: n, checker: wc.Checker, store: store, server: srv, ts: ts, client: client}
}

func (e *env) get(path string, header ...string) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.ts.URL+path, nil)
	req.Header.Set("Accept", "text/html")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return e.do(req)
}

func (e *env) do(req *http.Request) (*http.Response, string) {
	e.t.Helper()
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// csrf loads the form page and returns its token.
func (e *env) csrf() string {
	e.t.Helper()
	_, body := e.get("/")
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("no CSRF field on the page")
	}
	return m[1]
}

// postForm posts the check form as a browser would.
func (e *env) postForm(vals url.Values) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/check", strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	return e.do(req)
}

// checkPage submits target through the form and returns the result page's
// path and body.
func (e *env) checkPage(vals url.Values) (string, string) {
	e.t.Helper()
	vals.Set("csrf", e.csrf())
	resp, body := e.postForm(vals)
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("POST /check: %s\n%s", resp.Status, body)
	}
	loc := resp.Header.Get("Location")
	resp, body = e.get(loc)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s: %s", loc, resp.Status)
	}
	return loc, body
}

// tlsServer serves HTTPS on loopback with the certificate cert returns.
func tlsServer(t *testing.T, cert func() tls.Certificate) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello\n")) }))
	srv.TLS = &tls.Config{GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { c := cert(); return &c, nil }}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the probe's hellos end in resets, by design
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// noLeaks fails when goroutines started during the test are still running
// once it has cleaned up.
func noLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if runtime.NumGoroutine() <= before {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Errorf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:n])
	})
}

func nextCert(rest []byte) (*x509.Certificate, []byte) {
	b, rest := pem.Decode(rest)
	if b == nil {
		return nil, rest
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return nil, rest
	}
	return c, rest
}
