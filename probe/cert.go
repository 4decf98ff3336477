package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"slices"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// ErrNoFastPath is returned by Cert when crypto/tls cannot make an offer
// inside the profile's (no version, suite or group in common): only the
// hand-built hellos of Run can speak for such a client.
var ErrNoFastPath = errors.New("probe: crypto/tls cannot speak for this profile")

// goCurves are the groups crypto/tls can offer as a client.
var goCurves = []tls.CurveID{tls.X25519MLKEM768, tls.X25519, tls.CurveP256, tls.CurveP384, tls.CurveP521}

// goSuiteSet is every TLS 1.0-1.2 suite crypto/tls implements.
var goSuiteSet = func() map[uint16]bool {
	m := map[uint16]bool{}
	for _, id := range goSuites {
		if !slices.Contains(wire.TLS13Suites(), id) {
			m[id] = true
		}
	}
	return m
}()

// certConfig is a crypto/tls client configuration that offers nothing the
// profile does not: its versions, its TLS 1.2 suites and its groups (in its
// order), as far as crypto/tls implements them. TLS 1.3 suites and
// signature schemes cannot be limited in crypto/tls; diagnose checks what
// was negotiated against the profile instead.
func certConfig(p *profile.Profile) (*tls.Config, error) {
	cfg := &tls.Config{
		InsecureSkipVerify: true, // the chain is judged by package chain, per profile
		MinVersion:         max(p.MinVersion(), tls.VersionTLS10),
		MaxVersion:         p.MaxVersion(),
	}
	for _, id := range p.CipherSuites {
		if goSuiteSet[id] {
			cfg.CipherSuites = append(cfg.CipherSuites, id)
		}
	}
	for _, g := range p.Groups {
		if slices.Contains(goCurves, tls.CurveID(g)) {
			cfg.CurvePreferences = append(cfg.CurvePreferences, tls.CurveID(g))
		}
	}
	if cfg.MaxVersion < tls.VersionTLS10 || cfg.MinVersion > cfg.MaxVersion {
		return nil, ErrNoFastPath
	}
	if len(cfg.CipherSuites) == 0 {
		// An empty list means Go's defaults: offer TLS 1.3 alone, or nothing.
		if cfg.MaxVersion < tls.VersionTLS13 {
			return nil, ErrNoFastPath
		}
		cfg.MinVersion = tls.VersionTLS13
	}
	if len(cfg.CurvePreferences) == 0 && (len(p.Groups) > 0 || cfg.MaxVersion >= tls.VersionTLS13) {
		return nil, ErrNoFastPath
	}
	return cfg, nil
}

// Cert probes every address of the target with one crypto/tls handshake
// that offers only what the profile offers, and records the chain, the
// version and the suite: the one-handshake probe of 'scan --mode cert'.
// There is no hand-built hello, no follow-up and no HTTP request, so a
// failed handshake is recorded but not explained; a scan checks such a
// target again in full. The error is non-nil when the options are unusable
// or the profile cannot be spoken by crypto/tls (ErrNoFastPath).
func Cert(ctx context.Context, t evidence.Target, opts Options) (*evidence.Run, error) {
	if opts.Profile == nil {
		return nil, errors.New("probe: no profile")
	}
	cfg, err := certConfig(opts.Profile)
	if err != nil {
		return nil, err
	}
	ctx, cancel := opts.begin(ctx, &t)
	defer cancel()
	t.Connect, t.HTTP = opts.Connect, false
	run := &evidence.Run{
		SchemaVersion: evidence.SchemaVersion, Tool: opts.Tool, Target: t, Profile: opts.Profile.ID,
		Started: opts.now().UTC(), At: opts.At, NoSystemRoots: opts.NoSystem,
	}
	for _, c := range opts.ExtraRoots {
		run.ExtraRoots = append(run.ExtraRoots, c.Raw)
	}
	opts.prepare(t, run) // the proxy, as for Run
	addrs, err := addresses(ctx, t, &opts, run)
	if err != nil {
		return nil, err
	}
	run.Addresses = make([]evidence.Address, len(addrs))
	if len(addrs) == 1 {
		run.Addresses[0] = certAddress(ctx, addrs[0], t.SNI, cfg, &opts)
		return run, nil
	}
	forEachAddress(addrs, func(i int, a string) {
		run.Addresses[i] = certAddress(ctx, a, t.SNI, cfg, &opts)
	})
	return run, nil
}

// certAddress dials addr and completes one handshake.
func certAddress(ctx context.Context, addr, sni string, base *tls.Config, opts *Options) evidence.Address {
	a := evidence.Address{Addr: addr}
	conn, d, err := opts.dial(ctx, addr)
	a.Dial = evidence.Step{Duration: d, Err: Classify(err)}
	if err != nil {
		return a
	}
	defer closeReset(conn)
	h := &evidence.Handshake{SNI: sni}
	a.Handshake = h
	start := time.Now()
	cfg := base.Clone()
	cfg.ServerName = sni
	cfg.Rand = opts.Rand
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		h.Certificates, h.Parsed = h.Certificates[:0], cs.PeerCertificates
		for _, c := range cs.PeerCertificates {
			h.Certificates = append(h.Certificates, c.Raw)
		}
		return nil
	}
	cfg.GetClientCertificate = func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
		h.CertificateRequested = true
		h.AcceptableCAs = cri.AcceptableCAs
		return &tls.Certificate{}, nil
	}
	deadline := time.Now().Add(opts.timeout())
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	conn.SetDeadline(deadline)
	tc := tls.Client(conn, cfg)
	err = tc.HandshakeContext(ctx)
	h.Duration = time.Since(start)
	if err != nil {
		h.Err = Classify(err)
		h.Alert = alertOf(err)
		return a
	}
	cs := tc.ConnectionState()
	h.OK, h.Version, h.CipherSuite, h.ALPN = true, cs.Version, cs.CipherSuite, cs.NegotiatedProtocol
	return a
}

// closeReset closes c with a reset when it can (a *net.TCPConn or a
// wrapper that offers SetLinger), so that no TIME_WAIT sockets pile up.
func closeReset(c net.Conn) {
	if l, ok := c.(interface{ SetLinger(int) error }); ok {
		l.SetLinger(0)
	}
	c.Close()
}
