// Package web is tlsdoctor's web server: a page to check a target and share
// the result by its permalink, each target's history, uploaded scans grouped
// by cause, and a JSON API (/api/v1/) with its OpenAPI description. Checks
// run through package service, so the page and the API give the verdict of
// `tlsdoctor check`; results live in a bbolt database (Store).
//
// The server is a security boundary. Pages are rendered on the server with
// html/template (certificate fields are attacker-controlled text), the
// Content-Security-Policy forbids every script, forms carry a CSRF token and
// cross-origin POSTs are refused, requests may need a Bearer token, and each
// client is rate limited; sizes and times are bounded everywhere.
package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/tlsdoctor/tlsdoctor/internal/service"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Defaults of Config.
const (
	DefaultRate      = 10  // requests a second per client, on average
	DefaultBurst     = 300 // requests a client may make at once
	DefaultMaxUpload = 32 << 20
	DefaultMaxBody   = 16 << 20 // a log posted to /api/v1/explain
	maxForm          = 1 << 20  // a form without files; a CA bundle upload
)

// Config configures a Server.
type Config struct {
	Checker *service.Checker
	Store   *Store
	// Token, when set, is required on every request but /healthz, /login
	// and the static assets: as "Authorization: Bearer TOKEN", or as the
	// session cookie /login sets for a browser.
	Token string
	// Secure marks cookies Secure (the server speaks HTTPS).
	Secure    bool
	Rate      float64 // per client (remote address): requests a second (DefaultRate)
	Burst     int     // and at once (DefaultBurst)
	MaxUpload int64   // a scan upload (DefaultMaxUpload)
	MaxBody   int64   // an explain request (DefaultMaxBody)
	Version   string
	Log       *slog.Logger
	// Mount adds handlers (the exporter's /probe and /metrics) behind the
	// same authentication and limits.
	Mount map[string]http.Handler
}

// Server is the web server's handler.
type Server struct {
	cfg     Config
	secret  []byte // keys the CSRF tokens and the session cookie
	pages   map[string]*template.Template
	handler http.Handler
	limiter *limiter
	routes  []string
}

// New returns a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Checker == nil || cfg.Store == nil {
		return nil, errors.New("web: a Checker and a Store are required")
	}
	if cfg.Rate <= 0 {
		cfg.Rate = DefaultRate
	}
	if cfg.Burst <= 0 {
		cfg.Burst = DefaultBurst
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, secret: make([]byte, 32), limiter: newLimiter(cfg.Rate, cfg.Burst)}
	rand.Read(s.secret)
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	handle := func(pattern string, h http.HandlerFunc) {
		s.routes = append(s.routes, pattern)
		mux.HandleFunc(pattern, h)
	}
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheForever(http.FileServerFS(static))))
	handle("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	handle("GET /{$}", s.index)
	handle("POST /check", s.checkForm)
	handle("GET /r/{id}", s.result)
	handle("GET /r/{id}/files/{name}", s.artifact)
	handle("GET /history", s.history)
	handle("GET /scans", s.scans)
	handle("POST /scans", s.uploadScan)
	handle("GET /scans/{id}", s.scan)
	handle("GET /scans/{id}/{line}", s.scanRow)
	handle("GET /login", s.loginPage)
	handle("POST /login", s.login)
	handle("GET /api/v1/check", s.apiCheck)
	handle("POST /api/v1/explain", s.apiExplain)
	handle("GET /api/v1/results/{id}", s.apiResult)
	handle("GET /api/v1/openapi.json", s.apiOpenAPI)
	for pattern, h := range cfg.Mount {
		s.routes = append(s.routes, pattern)
		mux.Handle(pattern, h)
	}
	// What no pattern matches: 405 when another method would do, else 404,
	// as the mux decides, on this server's error page.
	routes := http.NewServeMux()
	for _, p := range s.routes {
		routes.Handle(p, http.NotFoundHandler())
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		probe := &statusRecorder{header: http.Header{}}
		routes.ServeHTTP(probe, r)
		if probe.code == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", probe.header.Get("Allow"))
			s.fail(w, r, http.StatusMethodNotAllowed, r.Method+" is not allowed here", "allowed: "+probe.header.Get("Allow"))
			return
		}
		s.notFound(w, r)
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, "cross-origin request refused", "submit the form from this server's own page")
	}))
	s.handler = s.recoverer(s.headers(s.hostCheck(s.limit(s.auth(cop.Handler(mux))))))
	return s, nil
}

// statusRecorder keeps the status and headers a handler writes.
type statusRecorder struct {
	header http.Header
	code   int
}

func (r *statusRecorder) Header() http.Header         { return r.header }
func (r *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *statusRecorder) WriteHeader(code int)        { r.code = code }

// Routes lists the patterns the server handles.
func (s *Server) Routes() []string { return append([]string(nil), s.routes...) }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Limits applies the server's limits and time-outs to an http.Server.
func Limits(srv *http.Server) {
	srv.ReadHeaderTimeout = 10 * time.Second
	srv.ReadTimeout = 2 * time.Minute // a 32 MiB upload on a slow link
	srv.WriteTimeout = service.DefaultMaxDuration + time.Minute
	srv.IdleTimeout = 2 * time.Minute
	srv.MaxHeaderBytes = 64 << 10
}

func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// csp forbids every script, inline or not, and every origin but this one.
const csp = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Log.Error("handler panic", "path", r.URL.Path, "panic", fmt.Sprint(v))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// hostCheck defends a server without a token against DNS rebinding: a page
// elsewhere whose name is made to resolve to 127.0.0.1 could otherwise read
// this server's answers from the victim's browser. Without a token, the
// Host header must be an address or localhost; with one, the token guards.
func (s *Server) hostCheck(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Token == "" && !addressHost(r.Host) {
			s.fail(w, r, http.StatusMisdirectedRequest, fmt.Sprintf("this server answers requests for its address, not for %q", r.Host),
				"open it by its address (http://127.0.0.1:9219/), or run it with --auth-token-file to serve it by name")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// addressHost reports whether a Host header names an IP address or localhost.
func addressHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	return strings.EqualFold(host, "localhost")
}

// open reports whether a path needs no authentication.
func open(path string) bool {
	return path == "/healthz" || path == "/login" || strings.HasPrefix(path, "/static/")
}

const sessionCookie = "tlsdoctor_session"

// session is the session cookie's value for the configured token: a MAC of
// the token, so the cookie stops working when the token changes.
func (s *Server) session() string {
	m := hmac.New(sha256.New, []byte(s.cfg.Token))
	m.Write([]byte("tlsdoctor session"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// equal compares secrets in constant time (hashes first, so that lengths
// leak nothing either).
func equal(a, b string) bool {
	x, y := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(x[:], y[:]) == 1
}

func (s *Server) authenticated(r *http.Request) bool {
	if s.cfg.Token == "" {
		return true
	}
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		return ok && strings.EqualFold(scheme, "Bearer") && equal(strings.TrimSpace(tok), s.cfg.Token)
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return equal(c.Value, s.session())
	}
	return false
}

func (s *Server) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if open(r.URL.Path) || s.authenticated(r) {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodGet && wantsHTML(r) {
			http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="tlsdoctor"`)
		s.fail(w, r, http.StatusUnauthorized, "authentication required", "send Authorization: Bearer TOKEN (the token of serve --auth-token-file)")
	})
}

func wantsHTML(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html") && !strings.HasPrefix(r.URL.Path, "/api/")
}

func (s *Server) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		if wait, ok := s.limiter.allow(clientOf(r), time.Now()); !ok {
			w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
			s.fail(w, r, http.StatusTooManyRequests, "rate limit exceeded", fmt.Sprintf("this server allows %g requests a second per client", s.cfg.Rate))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientOf is the rate-limited client: the remote address. Behind a
// reverse proxy every client shares the proxy's address; headers such as
// X-Forwarded-For are not trusted, since any client can send them.
func clientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter is a token bucket per client.
type limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	clients map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

const maxClients = 100000

func newLimiter(rate float64, burst int) *limiter {
	return &limiter{rate: rate, burst: float64(burst), clients: map[string]*bucket{}}
}

// allow takes a token for client, or says how long until one is free.
func (l *limiter) allow(client string, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute || len(l.clients) >= maxClients {
		// Forget full buckets: a client that stayed away is new again.
		for k, b := range l.clients {
			if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
				delete(l.clients, k)
			}
		}
		l.swept = now
		if len(l.clients) >= maxClients {
			return time.Second, false
		}
	}
	b, ok := l.clients[client]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.clients[client] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) / l.rate * float64(time.Second)), false
	}
	b.tokens--
	return 0, true
}

// CSRF: a random cookie per browser, and in every form a MAC of it under
// the server's secret, so that a page elsewhere can neither read nor forge
// the token. Cross-origin POSTs are refused besides (CrossOriginProtection).
const csrfCookie = "tlsdoctor_csrf"

func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	v := ""
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		v = c.Value
	} else {
		var b [32]byte
		rand.Read(b[:])
		v = base64.RawURLEncoding.EncodeToString(b[:])
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: "/", HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteStrictMode})
	}
	return s.mac(v)
}

func (s *Server) mac(v string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("csrf\x00" + v))
	return hex.EncodeToString(m.Sum(nil))
}

func (s *Server) csrfOK(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil {
		return false
	}
	return hmac.Equal([]byte(r.FormValue("csrf")), []byte(s.mac(c.Value)))
}
