// Package probe is the only package of tlsdoctor that touches the network.
// It records; it never decides. For every address of a target it dials,
// sends the client profile's hand-built ClientHello (package wire) and reads
// the answer, sends follow-up hellos that each change one feature when the
// server refuses, captures the chain with a crypto/tls handshake
// (InsecureSkipVerify plus VerifyConnection, so the evidence exists even
// when verification would fail), repeats it with the other SNI choice, makes
// one HTTP/1.1 request, and fetches missing issuers from AIA URLs. The result
// is an evidence.Run for package diagnose to judge.
//
// Every phase has its own time-out; every read is bounded in size.
package probe

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// Resolver resolves names; *net.Resolver satisfies it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Dialer dials; *net.Dialer satisfies it.
type Dialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// DefaultTimeout bounds each phase (dial, hello, handshake, HTTP, AIA).
const DefaultTimeout = 5 * time.Second

// MaxAddresses bounds how many addresses of one name are probed.
const MaxAddresses = 16

// Options say how to probe. The zero value uses the system resolver and
// dialer, DefaultTimeout, and crypto/rand.
type Options struct {
	Profile    *profile.Profile // required
	Timeout    time.Duration    // per phase
	Resolver   Resolver
	Dialer     Dialer
	ServerName string   // overrides the name used for SNI, Host and the certificate check
	NoSNI      bool     // send no SNI whatever the profile does
	Connect    []string // dial these addresses instead of resolving the name
	NoHTTP     bool
	NoAIA      bool
	// NoProxy makes every connection of the check (handshakes, AIA, OCSP
	// and CRL fetches) ignore Proxy, Getenv and HTTP_PROXY and dial through
	// Dialer, so that a Dialer that checks addresses sees every destination
	// (tlsdoctor serve's address policy).
	NoProxy    bool
	ExtraRoots []*x509.Certificate // recorded in the run (the --ca-bundle CAs)
	NoSystem   bool                // recorded: the system store is not used
	At         time.Time           // recorded: judge certificates at this time
	Now        func() time.Time
	Rand       io.Reader
	// Deadline bounds the whole check (every address, every phase); 0 means
	// no bound beyond the per-phase Timeout.
	Deadline time.Duration
	// HelloOnly stops at the hellos: the profile's hello, its repeats and
	// follow-ups, but no full handshake, no HTTP and no AIA. A caller that
	// judges many clients against one server shares one capture of those.
	HelloOnly bool
	Server    bool                             // also enumerate what each server accepts (Address.Scan)
	ScanConns int                              // connections at once per server during a scan (DefaultScanConns)
	Tool      string                           // recorded as Run.Tool
	Progress  func(format string, args ...any) // optional progress reports
	// Proxy is the HTTP proxy given with --proxy. With Getenv set, the
	// profile's client may also find one in the environment (SelectProxy).
	Proxy  *url.URL
	Getenv func(string) string
	// Revocation forces OCSP and CRL checks whatever the profile's policy.
	Revocation bool
	// ClientCert is presented when a server asks for a certificate.
	ClientCert *ClientCertificate

	direct Dialer   // the dialer without the proxy (set by Run)
	via    *url.URL // the proxy every connection goes through (set by Run)
}

// defaults fills in the documented zero-value behaviour.
func (o *Options) defaults() {
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Dialer == nil {
		o.Dialer = &net.Dialer{}
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
}

func (o *Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

// deadline is when a phase starting now must end: the phase time-out, or
// ctx's deadline if that comes first.
func (o *Options) deadline(ctx context.Context) time.Time {
	d := time.Now().Add(o.timeout())
	if cd, ok := ctx.Deadline(); ok && cd.Before(d) {
		return cd
	}
	return d
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// begin fills in the defaults, bounds ctx by the deadline and settles the
// name the target is asked for and whether it goes out as SNI.
func (o *Options) begin(ctx context.Context, t *evidence.Target) (context.Context, context.CancelFunc) {
	o.defaults()
	cancel := context.CancelFunc(func() {})
	if o.Deadline > 0 {
		ctx, cancel = context.WithTimeout(ctx, o.Deadline)
	}
	o.names(t)
	return ctx, cancel
}

// names settles the name the target is asked for and whether it goes out
// as SNI.
func (o *Options) names(t *evidence.Target) {
	if o.ServerName != "" {
		t.ServerName = o.ServerName
	}
	t.SNI = ""
	if o.Profile.SendsSNI && !o.NoSNI && !isIP(t.ServerName) {
		t.SNI = t.ServerName
	}
}

// HelloKey names what a HelloOnly run of t with opts sends: runs whose
// profiles have equal keys (and the same other options) send the same
// ClientHellos, byte for byte but for the random values and the key
// shares, and follow a refusal up with the same hellos, so the server's
// answers to one are its answers to the other.
func HelloKey(t evidence.Target, opts Options) string {
	if opts.Profile == nil {
		return ""
	}
	opts.names(&t)
	s := profileSpec(opts.Profile, t.SNI)
	return fmt.Sprint(s.versions, s.suites, s.groups, s.keyShares, s.sigalgs, []byte(s.sni))
}

// forEachAddress runs f for every address, eight at a time, and returns
// when all are done.
func forEachAddress(addrs []string, f func(i int, addr string)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, a := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			f(i, a)
		}()
	}
	wg.Wait()
}

func (o *Options) progress(format string, args ...any) {
	if o.Progress != nil {
		o.Progress(format, args...)
	}
}

// Run probes the target and returns what it observed. The error is non-nil
// only when the options are unusable; every network failure is evidence.
func Run(ctx context.Context, t evidence.Target, opts Options) (*evidence.Run, error) {
	if opts.Profile == nil {
		return nil, errors.New("probe: no profile")
	}
	ctx, cancel := opts.begin(ctx, &t)
	defer cancel()
	t.Connect = opts.Connect
	if opts.NoHTTP {
		t.HTTP = false
	}
	run := &evidence.Run{
		SchemaVersion: evidence.SchemaVersion, Tool: opts.Tool, Target: t, Profile: opts.Profile.ID,
		Started: opts.now().UTC(), At: opts.At, NoSystemRoots: opts.NoSystem, Deadline: opts.Deadline,
	}
	for _, c := range opts.ExtraRoots {
		run.ExtraRoots = append(run.ExtraRoots, c.Raw)
	}
	opts.prepare(t, run)

	addrs, err := addresses(ctx, t, &opts, run)
	if err != nil {
		return nil, err
	}
	run.Addresses = make([]evidence.Address, len(addrs))
	forEachAddress(addrs, func(i int, a string) {
		opts.progress("probing %s", a)
		run.Addresses[i] = probeAddress(ctx, a, t, &opts)
		if h := run.Addresses[i].Hello; opts.Server && h != nil && h.Outcome == KindTimeout && len(h.First) == 0 {
			run.Addresses[i].Scan = &evidence.Scan{Stopped: "the server sent nothing back to the client's hello before the time-out; no question was asked"}
		} else if opts.Server && run.Addresses[i].Dial.Err == nil {
			sni := t.SNI
			if sni == "" && !isIP(t.ServerName) && !opts.NoSNI {
				sni = t.ServerName
			}
			run.Addresses[i].Scan = Scan(ctx, a, sni, &opts)
		}
	})
	// A read that timed out at the deadline returns as the context's own
	// timer fires, often a moment before it marks ctx done: the clock decides.
	expired := func() bool {
		dl, ok := ctx.Deadline()
		return errors.Is(ctx.Err(), context.DeadlineExceeded) || ok && !time.Now().Before(dl)
	}
	if !opts.NoAIA && !opts.HelloOnly && ctx.Err() == nil && !expired() {
		run.AIA = fetchAIA(ctx, run, &opts)
	}
	if ctx.Err() == nil && !expired() && !opts.HelloOnly {
		observe(ctx, run, &opts)
	}
	run.DeadlineExceeded = opts.Deadline > 0 && expired()
	return run, nil
}

func isIP(h string) bool { _, err := netip.ParseAddr(h); return err == nil }

// addresses returns the addresses to probe, recording DNS in run.
func addresses(ctx context.Context, t evidence.Target, opts *Options, run *evidence.Run) ([]string, error) {
	if opts.via != nil && len(opts.Connect) == 0 {
		// The proxy resolves the name, as it does for the client.
		return []string{HostPort(t.Host, t.Port)}, nil
	}
	if len(opts.Connect) > 0 {
		var out []string
		for _, c := range opts.Connect {
			a, err := connectAddr(c, t.Port)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
		return dedupe(out), nil
	}
	if t.IsIP {
		return []string{HostPort(t.Host, t.Port)}, nil
	}
	start := time.Now()
	dctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	ips, err := opts.Resolver.LookupNetIP(dctx, "ip", t.Host)
	run.DNS = &evidence.DNS{Name: t.Host, Duration: time.Since(start)}
	if err == nil && len(ips) == 0 {
		err = &net.DNSError{Err: "no addresses", Name: t.Host, IsNotFound: true}
	}
	if err != nil {
		run.DNS.Err = Classify(err)
		return nil, nil
	}
	var out []string
	for _, ip := range ips {
		s := HostPort(ip.Unmap().WithZone("").String(), t.Port)
		run.DNS.Addresses = append(run.DNS.Addresses, s)
		out = append(out, s)
	}
	out = dedupe(out)
	if len(out) > MaxAddresses {
		out = out[:MaxAddresses]
	}
	return out, nil
}

// CheckConnect reports whether c is an address --connect can dial (IP,
// IP:port, host or host:port), so that a bad one is refused before a
// check or a scan starts.
func CheckConnect(c string) error {
	_, err := connectAddr(c, 443)
	return err
}

func connectAddr(c string, port int) (string, error) {
	if a, err := netip.ParseAddr(c); err == nil {
		return HostPort(a.String(), port), nil
	}
	if !strings.ContainsAny(c, ":[]") && c != "" && validName(strings.ToLower(c)) == "" {
		return HostPort(strings.ToLower(c), port), nil // a name, resolved when dialled
	}
	h, p, err := net.SplitHostPort(c)
	if err != nil {
		return "", &TargetError{Input: c, Reason: "--connect wants IP, IP:port, host or host:port"}
	}
	if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
		return "", &TargetError{Input: c, Reason: "port must be 1-65535"}
	}
	return net.JoinHostPort(h, p), nil
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func (o *Options) dial(ctx context.Context, addr string) (net.Conn, time.Duration, error) {
	start := time.Now()
	dctx, cancel := context.WithTimeout(ctx, o.timeout())
	defer cancel()
	c, err := o.Dialer.DialContext(dctx, "tcp", addr)
	return c, time.Since(start), err
}

// closeRST closes c with a reset, as a prober should: no TIME_WAIT pile-up.
func closeRST(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

func probeAddress(ctx context.Context, addr string, t evidence.Target, opts *Options) evidence.Address {
	a := evidence.Address{Addr: addr}
	conn, d, err := opts.dial(ctx, addr)
	a.Dial = evidence.Step{Duration: d, Err: Classify(err)}
	a.Proxy = proxyRecord(conn, err)
	if err != nil {
		return a
	}
	base := profileSpec(opts.Profile, t.SNI)
	h := sendHello(ctx, conn, base, opts)
	a.Hello = &h
	altName := ""
	if !isIP(t.ServerName) {
		altName = t.ServerName
	}
	if refusedOffer(&h) {
		a.Repeats, a.Variants = followUps(ctx, addr, base, altName, opts)
	}
	accepted := h.Accepted()
	for _, v := range a.Variants {
		accepted = accepted || v.Accepted()
	}
	for _, v := range a.Repeats {
		accepted = accepted || v.Accepted()
	}
	if !accepted || opts.HelloOnly {
		return a
	}
	maxV := opts.Profile.MaxVersion()
	if !h.Accepted() {
		maxV = wire.VersionTLS13 // only to capture the chain for the report
	}
	hs, tc := fullHandshake(ctx, addr, t.SNI, maxV, t.HTTP && h.Accepted(), opts)
	a.Handshake = hs
	if tc == nil && h.Accepted() && hs.Err != nil && transient(hs.Err.Kind) {
		// The server accepted the hello, then the handshake broke off: once
		// more, to tell a steady failure from one that comes and goes.
		hs2, tc2 := fullHandshake(ctx, addr, t.SNI, maxV, t.HTTP, opts)
		a.HandshakeRepeat, tc = hs2, tc2
		if tc2 != nil {
			hs = hs2
		}
	}
	if tc != nil {
		if v := clientCertVerdict(tc, hs, opts); v != nil {
			hs.PostHandshakeAlert = v // the presented certificate was refused
		} else if t.HTTP {
			a.HTTP = exchangeHTTP(ctx, tc, t, opts)
			if a.HTTP.Alert != nil && hs.CertificateRequested {
				hs.PostHandshakeAlert = a.HTTP.Alert
			}
		} else if hs.CertificateRequested {
			hs.PostHandshakeAlert = readAlert(tc, hs, opts)
		}
		tc.Close()
	}
	// A handshake refused by the client after the certificate arrived, with
	// no alert from the server: see the signed ServerKeyExchange in TLS 1.2.
	if hs.Err != nil && hs.Err.Kind == KindLocal && len(hs.Certificates) > 0 && (h.ServerHello == nil || h.ServerKeyExchange == nil) {
		a.Variants = append(a.Variants, helloAll(ctx, addr, []helloSpec{tls12Spec(base)}, opts)...)
	}
	// Go's stack refused by a server that accepts the profile's offer (a DHE
	// or brainpool-only server, say): read the chain from a TLS 1.2 hello
	// limited to the profile's offer, where the certificate is plaintext.
	if hs.Err != nil && len(hs.Certificates) == 0 && len(h.Certificates) == 0 && h.Accepted() && hs.Alert != nil {
		s := base
		s.name, s.change, s.versions = "tls1.2-certs", "offer TLS 1.2 only, to read the certificate in plaintext", []uint16{wire.VersionTLS12}
		a.Variants = append(a.Variants, helloAll(ctx, addr, []helloSpec{s}, opts)...)
	}
	// The other SNI choice, for SNI_REQUIRED and for the findings.
	if altName != "" {
		alt := ""
		if t.SNI == "" {
			alt = altName
		}
		ah, atc := fullHandshake(ctx, addr, alt, wire.VersionTLS13, false, opts)
		if atc != nil {
			atc.Close()
		}
		a.AltHandshake = ah
	}
	return a
}

// refusedOffer reports whether the server refused the hello's offer in a
// way a change of offer may cure: an alert, a close or a reset, or a
// ServerHello at a version the hello did not offer.
func refusedOffer(h *evidence.Hello) bool {
	return h.Outcome == "alert" || h.Outcome == "eof" || h.Outcome == "reset" || h.Downgraded()
}

// transient reports whether a failure kind may come and go (a reset, a
// close, a time-out) rather than being the server's steady answer.
func transient(kind string) bool {
	return kind == KindEOF || kind == KindReset || kind == KindTimeout
}

// Repeats is how many times the profile's hello is sent again after a
// refusal.
const Repeats = 2

// followUps sends, after a refusal, the profile's hello again (Repeats
// times) and the one-change variants, all at once; then, for each version
// whose version-only follow-up was refused, the same version with every
// suite, group and signature scheme.
// The first repeat goes alone, before anything else, so that a server that
// answers every other connection shows it on the very next one.
func followUps(ctx context.Context, addr string, base helloSpec, altName string, opts *Options) (repeats, vars []evidence.Hello) {
	repeat := func(i int) helloSpec {
		r := base
		r.name, r.change = fmt.Sprintf("repeat-%d", i), "none: the same ClientHello again"
		return r
	}
	repeats = helloAll(ctx, addr, []helloSpec{repeat(1)}, opts)
	specs := make([]helloSpec, 0, Repeats+8)
	for i := 2; i <= Repeats; i++ {
		specs = append(specs, repeat(i))
	}
	specs = append(specs, variants(base, altName)...)
	got := helloAll(ctx, addr, specs, opts)
	repeats, vars = append(repeats, got[:Repeats-1]...), got[Repeats-1:]
	var wider []helloSpec
	for _, v := range vars {
		if strings.HasPrefix(v.Name, "only-") && !v.Accepted() {
			wider = append(wider, widenedVersion(base, v.Offer.Versions[0]))
		}
	}
	if len(wider) > 0 {
		vars = append(vars, helloAll(ctx, addr, wider, opts)...)
	}
	return repeats, vars
}

// helloAll sends each spec on its own connection, concurrently.
func helloAll(ctx context.Context, addr string, specs []helloSpec, opts *Options) []evidence.Hello {
	out := make([]evidence.Hello, len(specs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, s := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			conn, d, err := opts.dial(ctx, addr)
			if err != nil {
				out[i] = evidence.Hello{Name: s.name, Change: s.change, Offer: s.offer(), Outcome: "dial_failed", Err: Classify(err), Duration: d}
				return
			}
			out[i] = sendHello(ctx, conn, s, opts)
		}()
	}
	wg.Wait()
	return out
}

// sendHello writes the spec's ClientHello on conn, reads the answer (and,
// after a HelloRetryRequest, sends the second ClientHello and reads its
// answer), and closes conn.
func sendHello(ctx context.Context, conn net.Conn, s helloSpec, opts *Options) (h evidence.Hello) {
	defer closeRST(conn)
	start := time.Now()
	m, random := s.build(opts.Rand)
	h = evidence.Hello{Name: s.name, Change: s.change, Offer: s.offer(), ClientRandom: random}
	defer func() { h.Duration = time.Since(start) }()
	conn.SetDeadline(opts.deadline(ctx))
	f, err := exchange(conn, m)
	h.First = f.First
	if f.ServerHello != nil && f.ServerHello.HelloRetry && err == nil && f.Alert == nil && !s.choiceOnly {
		hrr := f.ServerHello
		if m2, ok := retry(m, hrr); ok {
			h.RetryRequest = hrr
			f, err = exchange(conn, m2)
			if f.ServerHello != nil && f.ServerHello.HelloRetry {
				h.ServerHello = f.ServerHello
				h.Outcome = "malformed"
				h.Err = &evidence.Failure{Kind: KindMalformed, Subject: "HelloRetryRequest", Message: "the server answered the second ClientHello, which carried the key share it asked for, with another HelloRetryRequest (RFC 8446 4.1.4 allows one)"}
				return h
			}
		}
	}
	h.ServerHello = f.ServerHello
	h.Certificates = f.Certificates
	h.ServerKeyExchange = f.ServerKeyExchange
	h.CertificateRequest = f.CertificateRequest
	h.OCSPResponse = f.OCSPResponse
	switch {
	case f.Alert != nil && f.ServerHello == nil:
		h.Outcome, h.Alert = "alert", f.Alert
	case f.ServerHello != nil && f.ServerHello.HelloRetry:
		h.Outcome = "hello_retry"
	case f.ServerHello != nil && (err == nil || f.ServerHello.NegotiatedVersion() >= wire.VersionTLS13):
		h.Outcome = "server_hello"
		if f.Alert != nil {
			h.Alert = f.Alert
		}
	case err != nil:
		h.Err = Classify(err)
		h.Outcome = h.Err.Kind
		if f.ServerHello != nil && (h.Outcome == "eof" || h.Outcome == "reset" || h.Outcome == "timeout") {
			// The server chose parameters, then stopped: still an acceptance
			// of the offer, though the flight was cut short.
			h.Outcome = "server_hello"
		}
	default:
		h.Outcome = "eof"
	}
	return h
}

// exchange writes m as a record and reads the server's flight.
func exchange(conn net.Conn, m *wire.ClientHello) (*wire.Flight, error) {
	rec, err := m.Record()
	if err != nil {
		return &wire.Flight{}, err
	}
	if _, err := conn.Write(rec); err != nil {
		return &wire.Flight{}, err
	}
	return wire.ReadFlight(conn, 0)
}
