package web

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/internal/labtest"
	"github.com/tlsdoctor/tlsdoctor/internal/service"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
)

func TestCheckFormPermalinkAndChain(t *testing.T) {
	sharedLab(t)
	noLeaks(t)
	e := newEnv(t, allowLoopback())
	for _, tc := range []struct {
		endpoint string
		want     cause.Code
		mark     string // a chain mark the page must show
	}{
		{"expired", cause.CertExpired, "mark-expired"},
		{"chain-incomplete-aia", cause.ChainIncomplete, "mark-missing"},
		{"chain-incomplete", cause.ChainIncomplete, "mark-missing placeholder"},
		{"untrusted-root", cause.UntrustedRoot, "mark-untrusted"},
		{"wrong-host", cause.HostnameMismatch, "mark-name"},
		{"ok", cause.OK, ""},
	} {
		t.Run(tc.endpoint, func(t *testing.T) {
			ep := e.lab.Endpoint(tc.endpoint)
			path, body := e.checkPage(url.Values{"target": {ep.URL()}, "profile": {"default"}})
			if !strings.Contains(body, `id="cause">`+string(tc.want)+`<`) {
				t.Fatalf("%s: the page does not show %s", path, tc.want)
			}
			if tc.mark != "" && !strings.Contains(body, tc.mark) {
				t.Errorf("%s: no %q in the chain", path, tc.mark)
			}
			if !strings.Contains(body, `id="permalink" href="`+path+`"`) {
				t.Errorf("%s: no permalink to itself", path)
			}
			// The permalink's JSON is the stored check --json document.
			resp, js := e.get("/api/v1/results/" + strings.TrimPrefix(path, "/r/"))
			var rec Record
			if resp.StatusCode != 200 || json.Unmarshal([]byte(js), &rec) != nil || rec.Diagnosis == nil || rec.Diagnosis.Cause != tc.want {
				t.Errorf("results API: %s %.200s", resp.Status, js)
			}
		})
	}
	if resp, _ := e.get("/r/aaaaaaaaaaaaaaaa"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown id: %s", resp.Status)
	}
	if resp, _ := e.get("/r/AAAA;<x>"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("bad id: %s", resp.Status)
	}
}

func TestClientsAndServerOnThePage(t *testing.T) {
	e := newEnv(t, allowLoopback())
	ep := e.lab.Endpoint("tls10-only")
	_, body := e.checkPage(url.Values{"target": {ep.URL()}, "profile": {"java-8"}, "clients": {"1"}, "server": {"1"}})
	for _, want := range []string{`id="cause">PROTOCOL_VERSION_MISMATCH<`, `id="clients"`, "java-7", `id="server"`,
		"deprecated (RFC 8996)", `<b class="weak">yes</b>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

func TestHistoryShowsWhenTheCauseChanged(t *testing.T) {
	e := newEnv(t, allowLoopback())
	root, err := pki.NewRoot(pki.Spec{CN: "History Test Root"})
	if err != nil {
		t.Fatal(err)
	}
	good, _ := root.Leaf(pki.Spec{DNS: []string{"flip.test"}})
	bad, _ := root.Leaf(pki.Spec{DNS: []string{"flip.test"}, NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-time.Hour)})
	var expired atomic.Bool
	addr := tlsServer(t, func() tls.Certificate {
		if expired.Load() {
			return bad.TLS()
		}
		return good.TLS()
	})
	_, port, _ := net.SplitHostPort(addr)
	e.names.add("flip.test", "127.0.0.1")
	target := "https://flip.test:" + port + "/"
	upload := func() url.Values { return url.Values{"target": {target}} }
	// The root is uploaded as the CA bundle, as a user with a private CA would.
	check := func() string {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf", e.csrf())
		for k, v := range upload() {
			mw.WriteField(k, v[0])
		}
		fw, _ := mw.CreateFormFile("ca_bundle", "root.pem")
		fw.Write(pki.PEM(root.Cert))
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/check", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, body := e.do(req)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST /check: %s %s", resp.Status, body)
		}
		return resp.Header.Get("Location")
	}
	check()
	check()
	expired.Store(true)
	last := check()
	_, body := e.get(last)
	if !strings.Contains(body, `id="cause">CERT_EXPIRED<`) {
		t.Fatalf("no CERT_EXPIRED on %s", last)
	}
	if !strings.Contains(body, "OK</span> → <span class=\"cause fail\">CERT_EXPIRED</span> on") {
		t.Errorf("the result page does not show the transition")
	}
	_, hist := e.get("/history?target=" + url.QueryEscape(target) + "&profile=default")
	if !strings.Contains(hist, "OK</span> → <span class=\"cause fail\">CERT_EXPIRED</span> on <a href=\""+last+"\">") {
		t.Errorf("the history page does not show the transition:\n%s", hist)
	}
	if strings.Count(hist, "<td class=\"when\">") != 3 {
		t.Errorf("the history should list 3 checks")
	}
}

// A certificate's fields are the server's to choose: they render as text.
func TestCertificateFieldsRenderAsText(t *testing.T) {
	e := newEnv(t, allowLoopback())
	root, _ := pki.NewRoot(pki.Spec{CN: "XSS Root"})
	inter, _ := root.Intermediate(pki.Spec{CN: `Inter"><script>alert(3)</script>`})
	leaf, err := inter.Leaf(pki.Spec{CN: "<script>alert(1)</script>", DNS: []string{"xss.test", "<img src=x onerror=alert(2)>"}}, root.Cert)
	if err != nil {
		t.Fatal(err)
	}
	addr := tlsServer(t, func() tls.Certificate { return leaf.TLS(inter.Cert) })
	_, port, _ := net.SplitHostPort(addr)
	e.names.add("xss.test", "127.0.0.1")
	_, body := e.checkPage(url.Values{"target": {"https://xss.test:" + port + "/"}})
	for _, raw := range []string{"<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "<script>alert(3)</script>"} {
		if strings.Contains(body, raw) {
			t.Errorf("the page contains %q unescaped", raw)
		}
	}
	// The subject is drawn as text (Go's Name.String escapes < as \<).
	if !strings.Contains(body, `<div class="subject">CN=\&lt;script\&gt;alert(1)\&lt;/script\&gt;`) || !strings.Contains(body, "DNS:&lt;img src=x onerror=alert(2)&gt;") {
		t.Errorf("the subject is not shown as text:\n%s", body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/", "/scans", "/api/v1/openapi.json", "/nope"} {
		resp, _ := e.get(path)
		h := resp.Header
		policy := h.Get("Content-Security-Policy")
		if !strings.Contains(policy, "default-src 'none'") || strings.Contains(policy, "unsafe-inline") || strings.Contains(policy, "script-src") {
			t.Errorf("%s: CSP %q", path, policy)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
	_, body := e.get("/")
	if strings.Contains(strings.ToLower(body), "<script") {
		t.Error("the page has a script")
	}
	resp, _ := e.get("/static/style.css")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("style.css: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t, allowLoopback())
	target := e.lab.Endpoint("ok").URL()
	// No token: refused before any check.
	e.csrf()
	resp, body := e.postForm(url.Values{"target": {target}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "did not come from this page") {
		t.Errorf("no token: %s", resp.Status)
	}
	// A token from another browser (another cookie) does not pass.
	other := newEnv(t)
	resp, _ = e.postForm(url.Values{"target": {target}, "csrf": {other.csrf()}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("foreign token: %s", resp.Status)
	}
	// A cross-site POST is refused even with a token.
	vals := url.Values{"target": {target}, "csrf": {e.csrf()}}
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/check", strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if resp, _ := e.do(req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %s", resp.Status)
	}
	if st := e.checker.Stats(); len(st.ByCause) != 0 {
		t.Errorf("checks ran: %v", st.ByCause)
	}
	if resp, _ := e.postForm(vals); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("with the token: %s", resp.Status)
	}
}

func TestAuthToken(t *testing.T) {
	const token = "s3cret-token-for-the-test-0123456789"
	e := newEnv(t, allowLoopback(), func(_ *service.Config, c *Config) { c.Token = token })
	target := url.QueryEscape(e.lab.Endpoint("ok").URL())
	api := "/api/v1/check?target=" + target
	for _, h := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"Authorization", "Basic " + token}, {"Authorization", "Bearer " + token + "x"}} {
		resp, body := e.get(api, h...)
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%v: %s %s", h, resp.Status, body)
		}
	}
	if resp, body := e.get(api, "Authorization", "Bearer "+token); resp.StatusCode != 200 {
		t.Errorf("with the token: %s %s", resp.Status, body)
	}
	for _, open := range []string{"/healthz", "/static/style.css", "/login"} {
		if resp, _ := e.get(open); resp.StatusCode != 200 {
			t.Errorf("%s: %s", open, resp.Status)
		}
	}
	// A browser is sent to sign in, and comes back with a session cookie.
	resp, _ := e.get("/scans")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Fatalf("/scans without a session: %s %s", resp.Status, resp.Header.Get("Location"))
	}
	_, page := e.get(resp.Header.Get("Location"))
	tok := csrfField.FindStringSubmatch(page)
	login := func(v url.Values) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/login", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, _ := e.do(req)
		return resp
	}
	if r := login(url.Values{"csrf": {tok[1]}, "token": {"nope"}, "next": {"/scans"}}); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong token: %s", r.Status)
	}
	if r := login(url.Values{"csrf": {tok[1]}, "token": {token}, "next": {"//evil.example/"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Errorf("open redirect: %s %s", r.Status, r.Header.Get("Location"))
	}
	if r, _ := e.get("/scans"); r.StatusCode != 200 {
		t.Errorf("/scans with the session: %s", r.Status)
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, func(_ *service.Config, c *Config) { c.Rate, c.Burst = 0.5, 3 })
	var codes []int
	for i := 0; i < 5; i++ {
		resp, _ := e.get("/api/v1/openapi.json")
		codes = append(codes, resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if fmt.Sprint(codes) != "[200 200 200 429 429]" {
		t.Errorf("statuses %v", codes)
	}
	if resp, _ := e.get("/static/style.css"); resp.StatusCode != 200 {
		t.Errorf("assets are not limited: %s", resp.Status)
	}
	l := newLimiter(1, 2)
	now := time.Now()
	l.allow("a", now)
	l.allow("a", now)
	if _, ok := l.allow("a", now); ok {
		t.Error("third request at once allowed")
	}
	if _, ok := l.allow("b", now); !ok {
		t.Error("another client refused")
	}
	if _, ok := l.allow("a", now.Add(1100*time.Millisecond)); !ok {
		t.Error("refilled token refused")
	}
}

// A refused target gets 403, and nothing is dialled.
func TestRefusedTargetMakesNoConnection(t *testing.T) {
	e := newEnv(t) // the default policy: public addresses only
	addr, hits := labtest.Counter(t, "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(addr)
	e.names.add("loop.test", "127.0.0.1")
	e.names.add("mixed.test", "127.0.0.1", "8.8.8.8")
	for _, q := range []string{
		"target=https://127.0.0.1:" + port + "/",
		"target=https://[::ffff:127.0.0.1]:" + port + "/",
		"target=https://loop.test:" + port + "/",
		"target=https://mixed.test:" + port + "/",
		"target=https://public.example:" + port + "/&connect=127.0.0.1:" + port,
		"target=https://public.example/&connect=127.0.0.1&connect=8.8.8.8",
		"target=https://169.254.169.254/latest/meta-data/",
		"target=https://[fd00:ec2::254]/",
	} {
		resp, body := e.get("/api/v1/check?" + q)
		// A metadata address is not to be allowed: its hint says why, not how.
		metadata := strings.Contains(q, "169.254.169.254") || strings.Contains(q, "fd00:ec2::254")
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "address policy refuses") || strings.Contains(body, "--allow") == metadata {
			t.Errorf("%s: %s %s", q, resp.Status, body)
		}
	}
	vals := url.Values{"target": {"https://127.0.0.1:" + port + "/"}, "csrf": {e.csrf()}}
	if resp, body := e.postForm(vals); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "loopback") {
		t.Errorf("form: %s", resp.Status)
	}
	time.Sleep(100 * time.Millisecond)
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d connections reached the loopback listener", n)
	}
	if st := e.checker.Stats(); st.Refused != 9 || len(st.ByCause) != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestAPIErrors(t *testing.T) {
	e := newEnv(t, allowLoopback())
	for q, want := range map[string]int{
		"":                                   400,
		"target=http://x.example/":           400,
		"target=x.example&profile=nope":      400,
		"target=x.example&clients=maybe":     400,
		"target=x.example&connect=a:b:c":     400,
		"target=x.example&timeout=1h":        400,
		"target=x.example&servername=a/b":    400,
		"target=" + strings.Repeat("a", 300): 400,
	} {
		resp, body := e.get("/api/v1/check?" + q)
		var ae apiError
		if resp.StatusCode != want || json.Unmarshal([]byte(body), &ae) != nil || ae.Error == "" {
			t.Errorf("%q: %s %s", q, resp.Status, body)
		}
	}
	if resp, _ := e.get("/api/v1/results/zzzzzzzzzzzzzzzz"); resp.StatusCode != 404 {
		t.Errorf("unknown result: %s", resp.Status)
	}
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/api/v1/check", nil)
	if resp, _ := e.do(req); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /api/v1/check: %s", resp.Status)
	}
}

func TestAPICheckClients(t *testing.T) {
	e := newEnv(t, allowLoopback())
	ep := e.lab.Endpoint("tls10-only")
	resp, body := e.get("/api/v1/check?clients=1&target=" + url.QueryEscape(ep.URL()))
	var m diagnose.ClientMatrix
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &m) != nil || len(m.Clients) == 0 || m.Failing() == 0 {
		t.Fatalf("%s %.300s", resp.Status, body)
	}
	loc := resp.Header.Get("Content-Location")
	if !strings.HasPrefix(loc, "/api/v1/results/") {
		t.Fatalf("Content-Location %q", loc)
	}
	_, page := e.get("/r/" + strings.TrimPrefix(loc, "/api/v1/results/"))
	if !strings.Contains(page, `id="clients"`) || !strings.Contains(page, "PROTOCOL_VERSION_MISMATCH") {
		t.Errorf("the clients result page lacks the table")
	}
}

func TestArtifactDownload(t *testing.T) {
	e := newEnv(t, allowLoopback())
	path, body := e.checkPage(url.Values{"target": {e.lab.Endpoint("chain-incomplete-aia").URL()}})
	link := path + "/files/fullchain.pem"
	if !strings.Contains(body, `href="`+link+`"`) {
		t.Fatalf("no link to fullchain.pem on %s", path)
	}
	resp, pemData := e.get(link)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "fullchain.pem") {
		t.Fatalf("%s: %s", link, resp.Status)
	}
	var certs []*x509.Certificate
	for rest := []byte(pemData); ; {
		var c *x509.Certificate
		c, rest = nextCert(rest)
		if c == nil {
			break
		}
		certs = append(certs, c)
	}
	if len(certs) != 2 {
		t.Errorf("fullchain.pem holds %d certificates, want leaf + intermediate", len(certs))
	}
	if resp, _ := e.get(path + "/files/nope.pem"); resp.StatusCode != 404 {
		t.Errorf("bad file name: %s", resp.Status)
	}
}

// Without a token, a request for another name is refused: a page whose
// name rebinds to 127.0.0.1 cannot read this server through the browser.
func TestHostHeaderWithoutToken(t *testing.T) {
	e := newEnv(t)
	for host, want := range map[string]int{
		"evil.example":           http.StatusMisdirectedRequest,
		"evil.example:9219":      http.StatusMisdirectedRequest,
		"localhost:9219":         http.StatusOK,
		"127.0.0.1:9219":         http.StatusOK,
		"[::1]:9219":             http.StatusOK,
		"LOCALHOST":              http.StatusOK,
		"127.0.0.1.evil.example": http.StatusMisdirectedRequest,
	} {
		req, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/api/v1/openapi.json", nil)
		req.Host = host
		if resp, _ := e.do(req); resp.StatusCode != want {
			t.Errorf("Host %s: %s, want %d", host, resp.Status, want)
		}
	}
	// With a token, the token guards, whatever the name.
	tok := newEnv(t, func(_ *service.Config, c *Config) { c.Token = "0123456789abcdef0123456789" })
	req, _ := http.NewRequest(http.MethodGet, tok.ts.URL+"/api/v1/openapi.json", nil)
	req.Host = "tlsdoctor.corp.example"
	req.Header.Set("Authorization", "Bearer 0123456789abcdef0123456789")
	if resp, _ := tok.do(req); resp.StatusCode != http.StatusOK {
		t.Errorf("by name with the token: %s", resp.Status)
	}
}

func TestHistoryKeyIsCanonical(t *testing.T) {
	a := RequestInfo{Target: "https://API.example.com", Profile: "default", Connect: []string{"10.0.0.2:443, 10.0.0.1:443"}}
	b := RequestInfo{Target: "https://api.example.com:443/", Profile: "default", Connect: []string{"10.0.0.1:443", "10.0.0.2:443"}}
	if a.historyKey() != b.historyKey() {
		t.Errorf("%q != %q", a.historyKey(), b.historyKey())
	}
	for _, c := range []RequestInfo{
		{Target: "https://api.example.com/", Profile: "java-8"},
		{Target: "https://api.example.com/health", Profile: "default"},
		{Target: "api.example.com:443", Profile: "default"},
	} {
		if c.historyKey() == b.historyKey() {
			t.Errorf("%+v shares the history of %+v", c, b)
		}
	}
}
