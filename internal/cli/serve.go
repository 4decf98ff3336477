package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/internal/addrpolicy"
	"github.com/tlsdoctor/tlsdoctor/internal/exporter"
	"github.com/tlsdoctor/tlsdoctor/internal/service"
	"github.com/tlsdoctor/tlsdoctor/internal/web"
)

const serveHelp = `Usage: tlsdoctor serve [flags]

Serves a web page to check a target and share the result by its permalink,
each target's history, uploaded scans grouped by cause, a JSON API
(/api/v1/check, /api/v1/explain, /api/v1/results/ID; described at
/api/v1/openapi.json), and a Prometheus exporter (/probe?target=&module=,
and /metrics for the server itself). Every check gives the verdict
'tlsdoctor check' gives.

Only public addresses are checked unless --allow covers them: loopback,
private, link-local, CGNAT and cloud metadata addresses are refused (HTTP
403, nothing dialled), after name resolution and on every connection. A
server that listens on a non-loopback address needs --auth-token-file.

Examples:
  tlsdoctor serve                                   # http://127.0.0.1:9219
  tlsdoctor serve --allow 10.0.0.0/8,192.168.0.0/16 --data /var/lib/tlsdoctor
  tlsdoctor serve --listen :9219 --auth-token-file /etc/tlsdoctor/token --tls-cert cert.pem --tls-key key.pem
  tlsdoctor serve --modules modules.yml --ca-bundle corp-ca.pem
  curl 'http://127.0.0.1:9219/api/v1/check?target=https://api.example.com/'
  curl 'http://127.0.0.1:9219/probe?target=https://api.example.com/&module=default'

Exit status: 0 after a clean shutdown (SIGINT or SIGTERM); 2 usage or start-up
error (bad flag, unusable database, port in use, missing token).
`

type serveFlags struct {
	listen, tokenFile, data, modules, tlsCert, tlsKey, retention string
	allow, caBundles                                             stringList
	maxChecks                                                    int
	rate                                                         float64
	burst                                                        int
}

func (e *env) serve(ctx context.Context, args []string) int {
	fs := newFlags("serve")
	var f serveFlags
	fs.StringVar(&f.listen, "listen", "127.0.0.1:9219", "the `ADDR` to listen on (host:port)")
	fs.Var(&f.allow, "allow", "also check addresses in these `CIDR[,CIDR]`s: private, loopback, ... (repeatable)")
	fs.StringVar(&f.tokenFile, "auth-token-file", "", "require the token in `FILE` (Bearer) on every request; required off loopback")
	fs.StringVar(&f.data, "data", "", "keep results, history and scans in `DIR` (default $XDG_STATE_HOME/tlsdoctor or ~/.local/state/tlsdoctor)")
	fs.StringVar(&f.retention, "retention", "30d", "delete results and scans older than `AGE` (e.g. 30d, 12h; 0 keeps them)")
	fs.StringVar(&f.modules, "modules", "", "exporter modules from the YAML `FILE` (default: modules default and clients)")
	fs.Var(&f.caBundles, "ca-bundle", "a PEM `FILE` of CAs every check trusts besides the system store (repeatable)")
	fs.StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS with this certificate chain `FILE` (with --tls-key)")
	fs.StringVar(&f.tlsKey, "tls-key", "", "the private key `FILE` of --tls-cert")
	fs.IntVar(&f.maxChecks, "max-checks", service.DefaultMaxChecks, "checks at once; more wait in a queue")
	fs.Float64Var(&f.rate, "rate", web.DefaultRate, "requests a second each client may make, on average")
	fs.IntVar(&f.burst, "burst", web.DefaultBurst, "requests each client may make at once")
	pos, code, ok := e.parse(fs, serveHelp, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return e.fail(ExitUsage, "tlsdoctor serve --listen 127.0.0.1:9219", "serve takes no arguments, got %q", pos[0])
	}
	var allow []netip.Prefix
	for _, a := range f.allow {
		p, err := addrpolicy.ParseAllow(a)
		if err != nil {
			return e.fail(ExitUsage, "--allow 10.0.0.0/8,192.168.1.7", "--allow: %v", err)
		}
		allow = append(allow, p...)
	}
	if f.maxChecks < 1 || f.maxChecks > 256 {
		return e.fail(ExitUsage, "", "--max-checks must be 1-256, got %d", f.maxChecks)
	}
	if f.rate <= 0 || f.burst < 1 {
		return e.fail(ExitUsage, "", "--rate and --burst must be positive")
	}
	retention, err := parseAge(f.retention)
	if err != nil {
		return e.fail(ExitUsage, "use 30d, 12h or 0", "--retention %q: %v", f.retention, err)
	}
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return e.fail(ExitUsage, "", "--tls-cert and --tls-key go together")
	}
	var token string
	if f.tokenFile != "" {
		data, err := fleet.ReadLimited(f.tokenFile, 4096, "a token file")
		if err != nil {
			return e.fail(ExitUsage, "", "--auth-token-file: %v", err)
		}
		if token = strings.TrimSpace(string(data)); token == "" || strings.ContainsAny(token, " \t\r\n") {
			return e.fail(ExitUsage, "openssl rand -hex 32 > token", "--auth-token-file %s: want one token on one line", f.tokenFile)
		}
		if len(token) < 16 {
			fmt.Fprintf(e.stderr, "warning: the token in %s is short (%d characters); 32 random hex digits are better\n", f.tokenFile, len(token))
		}
	}
	var cas []*x509.Certificate
	for _, file := range f.caBundles {
		certs, err := fleet.LoadCertificates(file)
		if err != nil {
			return e.fail(ExitUsage, "a CA bundle is a file of PEM 'BEGIN CERTIFICATE' blocks", "--ca-bundle %s: %v", file, err)
		}
		cas = append(cas, certs...)
	}
	modules := exporter.DefaultModules()
	if f.modules != "" {
		if modules, err = exporter.LoadModules(f.modules); err != nil {
			return e.fail(ExitUsage, "see docs/serve.md for the modules file", "--modules %s: %v", f.modules, err)
		}
	}
	if f.data == "" {
		f.data = defaultDataDir()
	}

	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return e.fail(ExitUsage, "choose another --listen address", "cannot listen on %s: %v", f.listen, err)
	}
	defer ln.Close()
	if !loopbackListener(ln) && token == "" {
		return e.fail(ExitUsage, "add --auth-token-file FILE (and --tls-cert/--tls-key, or a TLS proxy in front)", "%s is not a loopback address: serving it without a token would let anyone on the network use this server", ln.Addr())
	}

	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	store, warning, err := web.OpenStore(f.data, retention)
	if err != nil {
		return e.fail(ExitUsage, "", "--data %s: %v", f.data, err)
	}
	defer store.Close()
	if warning != "" {
		log.Warn(warning)
	}
	checker := service.New(service.Config{Policy: addrpolicy.New(allow...), CAs: cas, MaxChecks: f.maxChecks, Tool: "tlsdoctor " + Version})
	exp := exporter.New(exporter.Config{Checker: checker, Modules: modules, Version: Version, Log: log})
	srv, err := web.New(web.Config{
		Checker: checker, Store: store, Token: token, Secure: f.tlsCert != "", Rate: f.rate, Burst: f.burst,
		Version: Version, Log: log, Mount: map[string]http.Handler{"GET /probe": exp.Probe(), "GET /metrics": exp.Metrics()},
	})
	if err != nil {
		return e.fail(ExitUsage, "", "%v", err)
	}
	hs := &http.Server{Handler: srv, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	web.Limits(hs)
	scheme := "http"
	if f.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(f.tlsCert, f.tlsKey)
		if err != nil {
			return e.fail(ExitUsage, "", "--tls-cert/--tls-key: %v", err)
		}
		hs.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		scheme = "https"
	}

	allowed := "public addresses only"
	if len(allow) > 0 {
		var s []string
		for _, p := range allow {
			s = append(s, p.String())
		}
		allowed = "public addresses and " + strings.Join(s, ", ")
	}
	log.Info("tlsdoctor serve", "url", scheme+"://"+displayAddr(ln.Addr()), "checks", allowed, "data", store.Path(),
		"modules", strings.Join(modules.Names(), ","), "auth", token != "")

	ctx, stop := context.WithCancel(ctx)
	defer stop()
	go prune(ctx, store, log)
	errc := make(chan error, 1)
	go func() {
		if f.tlsCert != "" {
			errc <- hs.ServeTLS(ln, "", "")
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return e.fail(ExitUsage, "", "%v", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
	}
	log.Info("stopped")
	return ExitOK
}

// prune deletes old results now and every hour.
func prune(ctx context.Context, store *web.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if r, s, err := store.Prune(); err != nil {
			log.Error("retention", "error", err)
		} else if r+s > 0 {
			log.Info("retention", "deleted_results", r, "deleted_scans", s)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func loopbackListener(ln net.Listener) bool {
	ta, ok := ln.Addr().(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

func displayAddr(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if ok && ta.IP.IsUnspecified() {
		return net.JoinHostPort("localhost", strconv.Itoa(ta.Port))
	}
	return a.String()
}

// parseAge parses 30d, 12h, 90m or 0.
func parseAge(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		d, err := strconv.Atoi(n)
		if err != nil || d < 0 || d > 100000 {
			return 0, errors.New("not a number of days")
		}
		return time.Duration(d) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, errors.New("not an age")
	}
	return d, nil
}

func defaultDataDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "tlsdoctor")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "state", "tlsdoctor")
	}
	return "tlsdoctor-data"
}
