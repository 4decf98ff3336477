// Package service runs tlsdoctor checks on behalf of a server's clients:
// the web page, the JSON API and the Prometheus exporter all call
// Checker.Check, which calls package fleet exactly as `tlsdoctor check`
// does, so every front end gives the CLI's verdict. What a server adds is
// the boundary: the address policy (package addrpolicy) is applied to the
// target's addresses before any connection (a refused target is an error,
// and nothing is dialled) and to every address dialled afterwards; AIA
// fetches ignore HTTP_PROXY; checks run a bounded number at a time, with a
// bounded queue, each within a deadline.
package service

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/internal/addrpolicy"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// Defaults of Config.
const (
	DefaultMaxChecks   = 8
	DefaultMaxQueue    = 512
	DefaultMaxDuration = 2 * time.Minute
	MaxTimeout         = time.Minute // the longest per-phase time-out a request may ask for
)

// Config configures a Checker. The zero value refuses every non-public
// address and uses the system resolver, dialer and trust store.
type Config struct {
	Policy      *addrpolicy.Policy
	Resolver    probe.Resolver // nil: net.DefaultResolver
	Dialer      probe.Dialer   // nil: a net.Dialer
	Trust       fleet.Trust    // zero: fleet.SystemTrust
	CAs         []*x509.Certificate
	MaxChecks   int           // checks at once (DefaultMaxChecks)
	MaxQueue    int           // checks waiting for a slot before ErrBusy (DefaultMaxQueue)
	MaxDuration time.Duration // a whole check, clients included (DefaultMaxDuration)
	Tool        string        // recorded in each run, as the CLI records its version
}

// Checker runs checks under a Config. It is safe for concurrent use.
type Checker struct {
	cfg     Config
	sem     chan struct{}
	waiting atomic.Int64
	stats   stats
}

// New returns a Checker.
func New(cfg Config) *Checker {
	if cfg.Policy == nil {
		cfg.Policy = addrpolicy.New()
	}
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	if cfg.Dialer == nil {
		cfg.Dialer = &net.Dialer{}
	}
	if cfg.Trust.Roots == nil {
		cfg.Trust = fleet.SystemTrust
	}
	if cfg.MaxChecks <= 0 {
		cfg.MaxChecks = DefaultMaxChecks
	}
	if cfg.MaxQueue <= 0 {
		cfg.MaxQueue = DefaultMaxQueue
	}
	if cfg.MaxDuration <= 0 {
		cfg.MaxDuration = DefaultMaxDuration
	}
	return &Checker{cfg: cfg, sem: make(chan struct{}, cfg.MaxChecks), stats: stats{byCause: map[cause.Code]int64{}}}
}

// Policy is the checker's address policy.
func (c *Checker) Policy() *addrpolicy.Policy { return c.cfg.Policy }

// Request is one check, with the meaning of the `tlsdoctor check` flags of
// the same names.
type Request struct {
	Target        string
	Profile       string   // "" means "default"
	Connect       []string // IP, IP:port or host:port; an entry may hold a comma-separated list
	ServerName    string
	Clients       bool
	Server        bool
	CAs           []*x509.Certificate // trusted besides the store and Config.CAs (an uploaded bundle)
	NoSystemRoots bool
	Timeout       time.Duration // per phase; 0 means probe.DefaultTimeout
	NoHTTP        bool
	NoAIA         bool
	// Detail asks, with Clients, for the full diagnosis of Profile too
	// (the web page shows both).
	Detail bool
}

// Result is what a check found. With Clients, Clients is set (and, with
// Detail, Run and Diagnosis too); without, Run and Diagnosis.
type Result struct {
	Target    evidence.Target
	Run       *evidence.Run
	Diagnosis *diagnose.Diagnosis
	Clients   *diagnose.ClientMatrix
	Started   time.Time
	Duration  time.Duration
}

// JudgedAt is the time certificates were judged at.
func (r *Result) JudgedAt() time.Time {
	if r.Run != nil {
		return r.Run.JudgeTime()
	}
	return r.Started
}

// RequestError is a request that cannot be run: a malformed target, an
// unknown profile, a bad connect address.
type RequestError struct {
	Field string // the request field at fault: "target", "profile", "connect", ...
	Msg   string
	Hint  string
}

func (e *RequestError) Error() string { return e.Field + ": " + e.Msg }

// ErrBusy is returned when the queue of checks waiting for a slot is full.
var ErrBusy = errors.New("too many checks waiting; try again shortly")

// Check runs one check. The error is a *RequestError, an
// *addrpolicy.RefusedError (nothing was dialled), ErrBusy, or the context's
// error; every network failure of the target is a verdict in the Result.
func (c *Checker) Check(ctx context.Context, r Request) (*Result, error) {
	target, opts, err := c.options(r)
	if err != nil {
		return nil, err
	}
	pin, err := c.admit(ctx, target, opts.Connect)
	if err != nil {
		c.stats.refused.Add(1)
		return nil, err
	}
	opts.Resolver = pin
	opts.Dialer = &addrpolicy.Dialer{Policy: c.cfg.Policy, Next: c.cfg.Dialer, Resolver: pin}
	opts.NoProxy = true

	if n := c.waiting.Add(1); n > int64(c.cfg.MaxQueue+c.cfg.MaxChecks) {
		c.waiting.Add(-1)
		c.stats.busy.Add(1)
		return nil, ErrBusy
	}
	defer c.waiting.Add(-1)
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.sem }()
	c.stats.inFlight.Add(1)
	defer c.stats.inFlight.Add(-1)

	ctx, cancel := context.WithTimeout(ctx, c.cfg.MaxDuration)
	defer cancel()
	res := &Result{Target: target, Started: time.Now()}
	trust := c.cfg.Trust
	if r.Clients {
		o := opts
		o.Server = r.Server
		res.Clients = fleet.Clients(ctx, target, o, trust)
		for _, v := range res.Clients.Clients {
			c.stats.count(v.Cause)
		}
	}
	if !r.Clients || r.Detail {
		o := opts
		o.Server = r.Server && !r.Clients
		run, d, err := fleet.Check(ctx, target, o, trust)
		if err != nil {
			// The options were validated above; an error here is a
			// --connect form probe refuses.
			return nil, &RequestError{Field: "connect", Msg: err.Error(), Hint: "connect takes IP, IP:port or host:port, comma-separated"}
		}
		res.Run, res.Diagnosis = run, d
		c.stats.count(d.Cause)
	}
	res.Duration = time.Since(res.Started)
	return res, nil
}

// options validates r and turns it into probe options, as the CLI's flags
// are turned into them.
func (c *Checker) options(r Request) (evidence.Target, probe.Options, error) {
	target, err := probe.ParseTarget(r.Target)
	if err != nil {
		var te *probe.TargetError
		msg := err.Error()
		if errors.As(err, &te) {
			msg = te.Reason
		}
		return target, probe.Options{}, &RequestError{Field: "target", Msg: fmt.Sprintf("bad target %q: %s", r.Target, msg),
			Hint: "a target is https://host[:port][/path] or host[:port], e.g. https://api.example.com:8443/health"}
	}
	id := r.Profile
	if id == "" {
		id = "default"
	}
	p, err := profile.Get(id)
	if err != nil {
		return target, probe.Options{}, &RequestError{Field: "profile", Msg: fmt.Sprintf("unknown profile %q", id), Hint: "known profiles: " + strings.Join(profile.IDs(), ", ")}
	}
	timeout := r.Timeout
	if timeout == 0 {
		timeout = probe.DefaultTimeout
	}
	if timeout < time.Millisecond || timeout > MaxTimeout {
		return target, probe.Options{}, &RequestError{Field: "timeout", Msg: fmt.Sprintf("must be between 1ms and %s, got %s", MaxTimeout, timeout)}
	}
	extra := append(append([]*x509.Certificate(nil), c.cfg.CAs...), r.CAs...)
	if r.NoSystemRoots && len(extra) == 0 && p.Trust == profile.TrustSystem {
		return target, probe.Options{}, &RequestError{Field: "no_system_roots", Msg: "no trusted CA is left", Hint: "give a CA bundle"}
	}
	var connect []string
	for _, e := range r.Connect {
		for _, x := range strings.Split(e, ",") {
			if x = strings.TrimSpace(x); x != "" {
				connect = append(connect, x)
			}
		}
	}
	if len(connect) > probe.MaxAddresses {
		return target, probe.Options{}, &RequestError{Field: "connect", Msg: fmt.Sprintf("at most %d addresses", probe.MaxAddresses)}
	}
	for _, x := range connect {
		if _, _, err := connectHost(x, target.Port); err != nil {
			return target, probe.Options{}, &RequestError{Field: "connect", Msg: fmt.Sprintf("%q: %v", x, err), Hint: "connect takes IP, IP:port or host:port, comma-separated"}
		}
	}
	sn := strings.ToLower(strings.TrimSpace(r.ServerName))
	if sn != "" {
		if _, err := probe.ParseTarget(sn); err != nil || strings.ContainsAny(sn, ":/") {
			return target, probe.Options{}, &RequestError{Field: "servername", Msg: fmt.Sprintf("%q is not a host name", r.ServerName)}
		}
	}
	return target, probe.Options{
		Profile: p, Timeout: timeout, ServerName: sn, Connect: connect, NoHTTP: r.NoHTTP, NoAIA: r.NoAIA,
		ExtraRoots: extra, NoSystem: r.NoSystemRoots, Tool: c.cfg.Tool,
	}, nil
}

// connectHost splits a connect entry (IP, IP:port, host:port) as probe
// reads it.
func connectHost(c string, port int) (string, int, error) {
	if a, err := netip.ParseAddr(c); err == nil {
		return a.WithZone("").String(), port, nil
	}
	h, p, err := net.SplitHostPort(c)
	if err != nil {
		return "", 0, errors.New("not IP, IP:port or host:port")
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return "", 0, errors.New("port must be 1-65535")
	}
	if h == "" {
		return "", 0, errors.New("no host")
	}
	return strings.ToLower(h), n, nil
}

// admit resolves the addresses the check will dial and refuses the target
// if the policy refuses any of them. The answers are pinned, so that the
// probe dials what was checked.
func (c *Checker) admit(ctx context.Context, t evidence.Target, connect []string) (*addrpolicy.Pinned, error) {
	pin := &addrpolicy.Pinned{Next: c.cfg.Resolver}
	hosts := []string{t.Host}
	if len(connect) > 0 {
		hosts = hosts[:0]
		for _, x := range connect {
			h, _, _ := connectHost(x, t.Port)
			hosts = append(hosts, h)
		}
	}
	for _, h := range hosts {
		if a, err := netip.ParseAddr(h); err == nil {
			if err := c.cfg.Policy.Check(a); err != nil {
				return nil, err
			}
			continue
		}
		rctx, cancel := context.WithTimeout(ctx, probe.DefaultTimeout)
		ips, err := c.cfg.Resolver.LookupNetIP(rctx, "ip", h)
		cancel()
		if err != nil {
			// The probe reports the failure as the CLI would, and gets
			// the same answer: nothing to dial.
			pin.PinError(h, err)
			continue
		}
		for _, ip := range ips {
			if err := c.cfg.Policy.Check(ip); err != nil {
				var re *addrpolicy.RefusedError
				if errors.As(err, &re) {
					re.Host = h
				}
				return nil, err
			}
		}
		pin.Pin(h, ips)
	}
	return pin, nil
}

// Stats are the checker's counters since it started.
type Stats struct {
	ByCause  map[cause.Code]int64 // verdicts (each client of a clients check counts)
	Refused  int64                // targets refused by the address policy
	Busy     int64                // checks turned away by a full queue
	InFlight int64                // checks running now
	Waiting  int64                // checks running or waiting for a slot
}

type stats struct {
	mu       sync.Mutex
	byCause  map[cause.Code]int64
	refused  atomic.Int64
	busy     atomic.Int64
	inFlight atomic.Int64
}

func (s *stats) count(c cause.Code) {
	s.mu.Lock()
	s.byCause[c]++
	s.mu.Unlock()
}

// Stats returns a snapshot of the counters.
func (c *Checker) Stats() Stats {
	c.stats.mu.Lock()
	by := make(map[cause.Code]int64, len(c.stats.byCause))
	for k, v := range c.stats.byCause {
		by[k] = v
	}
	c.stats.mu.Unlock()
	return Stats{ByCause: by, Refused: c.stats.refused.Load(), Busy: c.stats.busy.Load(),
		InFlight: c.stats.inFlight.Load(), Waiting: c.waiting.Load()}
}
