package probe

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// DefaultScanConns is how many connections a scan keeps open at once per server.
const DefaultScanConns = 8

// scanner enumerates one server with hand-built hellos: no full handshake,
// no client crypto; a ServerHello (or HelloRetryRequest) is enough.
type scanner struct {
	ctx   context.Context
	addr  string
	sni   string
	opts  *Options
	sem   chan struct{}
	conns atomic.Int64
	// silent is set once a hello got no byte back before its time-out:
	// asking the same server more questions would only wait again.
	silent atomic.Bool
}

// Scan enumerates what the server at addr accepts: versions, every suite per
// version and its order, groups, and its answer without SNI and with an
// unknown one.
func Scan(ctx context.Context, addr, sni string, opts *Options) *evidence.Scan {
	o := *opts
	o.defaults()
	opts = &o
	n := opts.ScanConns
	if n <= 0 {
		n = DefaultScanConns
	}
	s := &scanner{ctx: ctx, addr: addr, sni: sni, opts: opts, sem: make(chan struct{}, n)}
	start := time.Now()
	out := &evidence.Scan{}
	versions := []uint16{wire.VersionTLS13, wire.VersionTLS12, wire.VersionTLS11, wire.VersionTLS10, wire.VersionSSL30}
	out.Versions = make([]evidence.VersionScan, len(versions))
	var wg sync.WaitGroup
	for i, v := range versions {
		wg.Add(1)
		go func() { defer wg.Done(); out.Versions[i] = s.version(v) }()
	}
	wg.Wait()
	// Without SNI and with an unknown name, at the versions the server
	// speaks: otherwise a TLS 1.0-only server would seem to refuse the name.
	sniVersions := []uint16{}
	for _, vs := range out.Versions {
		if vs.Accepted {
			sniVersions = append(sniVersions, vs.Version)
		}
	}
	if len(sniVersions) == 0 {
		sniVersions = []uint16{wire.VersionTLS13, wire.VersionTLS12}
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		h := s.hello(s.spec("no-sni", sniVersions, nil, allGroups, ""))
		out.NoSNI = &h
	}()
	go func() {
		defer wg.Done()
		h := s.hello(s.spec("unknown-sni", sniVersions, nil, allGroups, "unknown-name.tlsdoctor.invalid"))
		out.UnknownSNI = &h
	}()
	wg.Wait()
	if out.Versions[0].Accepted {
		out.Groups13 = s.groups(wire.VersionTLS13)
	}
	if out.Versions[1].Accepted {
		out.Groups12 = s.groups(wire.VersionTLS12)
	}
	out.SigAlgs = s.sigalgs(out)
	out.Connections = int(s.conns.Load())
	out.Duration = time.Since(start)
	switch {
	case s.silent.Load():
		out.Stopped = "the server sent nothing back to a hello before the time-out; the remaining questions were not asked"
	case ctx.Err() != nil:
		out.Stopped = "the check's deadline ran out; the remaining questions were not asked"
	}
	return out
}

func (s *scanner) spec(name string, versions, suites, groups []uint16, sni string) helloSpec {
	if suites == nil {
		suites = append(wire.TLS13Suites(), wire.LegacySuites()...)
	}
	return helloSpec{name: name, versions: versions, suites: suites, groups: groups,
		keyShares: []uint16{wire.GroupX25519}, sigalgs: allSigAlgs, sni: sni}
}

func (s *scanner) hello(spec helloSpec) evidence.Hello {
	s.sem <- struct{}{}
	defer func() { <-s.sem }()
	if s.silent.Load() || s.ctx.Err() != nil {
		return evidence.Hello{Name: spec.name, Outcome: "skipped"}
	}
	s.conns.Add(1)
	conn, d, err := s.opts.dial(s.ctx, s.addr)
	if err != nil {
		return evidence.Hello{Name: spec.name, Outcome: "dial_failed", Err: Classify(err), Duration: d}
	}
	h := sendHello(s.ctx, conn, spec, s.opts)
	if h.Outcome == KindTimeout && len(h.First) == 0 {
		s.silent.Store(true)
	}
	return h
}

// version finds every suite the server accepts at v by offering all the
// candidates and removing each one chosen, then tests whose order it uses.
func (s *scanner) version(v uint16) evidence.VersionScan {
	vs := evidence.VersionScan{Version: v}
	remaining := wire.LegacySuites()
	if v == wire.VersionTLS13 {
		remaining = wire.TLS13Suites()
	}
	for i := 0; i < 64 && len(remaining) > 0; i++ {
		h := s.hello(s.spec("scan", []uint16{v}, remaining, allGroups, s.sni))
		if !h.Accepted() || h.ServerHello == nil {
			break
		}
		c := h.ServerHello.CipherSuite
		if !slices.Contains(remaining, c) {
			break // a suite it was not offered: a broken server; stop
		}
		vs.Suites = append(vs.Suites, c)
		remaining = slices.DeleteFunc(remaining, func(x uint16) bool { return x == c })
	}
	vs.Accepted = len(vs.Suites) > 0
	if len(vs.Suites) >= 2 {
		rev := slices.Clone(vs.Suites)
		slices.Reverse(rev)
		h := s.hello(s.spec("order", []uint16{v}, rev, allGroups, s.sni))
		vs.ServerOrder = h.Accepted() && h.ServerHello != nil && h.ServerHello.CipherSuite == vs.Suites[0]
	}
	return vs
}

// groups offers each group alone.
func (s *scanner) groups(v uint16) []uint16 {
	cands := append([]uint16{wire.GroupX25519MLKEM768, wire.GroupSecP256MLKEM, wire.GroupSecP384MLKEM}, allGroups...)
	suites := wire.TLS13Suites()
	if v == wire.VersionTLS12 {
		cands, suites = nil, nil
		for _, g := range allGroups {
			if g < wire.GroupFFDHE2048 {
				cands = append(cands, g)
			}
		}
		for _, x := range wire.Suites() {
			if x.Kex == "ECDHE" {
				suites = append(suites, x.ID)
			}
		}
	}
	return each(cands, func(g uint16) bool {
		h := s.hello(s.spec("group", []uint16{v}, suites, []uint16{g}, s.sni))
		switch {
		case !h.Accepted() || h.ServerHello == nil:
			return false
		case v == wire.VersionTLS13:
			return h.ServerHello.KeyShareGroup == g
		}
		return h.ServerKeyExchange != nil && h.ServerKeyExchange.Curve == g
	})
}

// each runs test on every candidate concurrently (the scanner's semaphore
// bounds the connections) and returns those that pass, in order.
func each(cands []uint16, test func(uint16) bool) []uint16 {
	ok := make([]bool, len(cands))
	var wg sync.WaitGroup
	for i, c := range cands {
		wg.Add(1)
		go func() { defer wg.Done(); ok[i] = test(c) }()
	}
	wg.Wait()
	var out []uint16
	for i, c := range cands {
		if ok[i] {
			out = append(out, c)
		}
	}
	return out
}

// sigalgs offers each signature scheme alone, at the highest version the
// server accepts: a server that cannot sign with it refuses the hello. In
// TLS 1.2 the ServerKeyExchange must also name it.
func (s *scanner) sigalgs(out *evidence.Scan) []uint16 {
	v := uint16(0)
	for _, vs := range out.Versions {
		if vs.Accepted && (vs.Version == wire.VersionTLS13 || vs.Version == wire.VersionTLS12) {
			v = vs.Version
			break
		}
	}
	if v == 0 {
		return nil
	}
	var suites []uint16 // TLS 1.2: only suites whose ServerKeyExchange is signed
	if v == wire.VersionTLS12 {
		for _, x := range wire.Suites() {
			if x.Kex == "ECDHE" || x.Kex == "DHE" {
				suites = append(suites, x.ID)
			}
		}
	}
	return each(allSigAlgs, func(alg uint16) bool {
		spec := s.spec("sigalg", []uint16{v}, suites, allGroups, s.sni)
		spec.sigalgs = []uint16{alg}
		h := s.hello(spec)
		// In TLS 1.2 the ServerHello comes before the server finds it
		// cannot sign: only a ServerKeyExchange naming alg proves it.
		return h.Accepted() && (v == wire.VersionTLS13 || h.ServerKeyExchange != nil && h.ServerKeyExchange.SigAlg == alg)
	})
}
