package probe

import (
	"context"
	"fmt"
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
	// TLS 1.3 suites are read from the server's HelloRetryRequest (no key
	// exchange, no signature), unless the server refuses a hello without
	// a key share, as a few do: then from full ServerHellos.
	choiceOnly := v == wire.VersionTLS13
	spec := func(name string, suites []uint16) helloSpec {
		sp := s.spec(name, []uint16{v}, suites, allGroups, s.sni)
		sp.choiceOnly = choiceOnly
		return sp
	}
	for i := 0; i < 64 && len(remaining) > 0; i++ {
		h := s.hello(spec("scan", remaining))
		if i == 0 && choiceOnly && !h.Accepted() && h.Outcome != "skipped" {
			choiceOnly = false
			h = s.hello(spec("scan", remaining))
		}
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
		h := s.hello(spec("order", rev))
		vs.ServerOrder = h.Accepted() && h.ServerHello != nil && h.ServerHello.CipherSuite == vs.Suites[0]
	}
	return vs
}

// groups finds the groups the server accepts at v, in the order it
// chooses them, by offering all the candidates and removing each one it
// chooses: in TLS 1.3 from the group its HelloRetryRequest names (the
// hellos carry no key share), in TLS 1.2 from the curve of its
// ServerKeyExchange. A server that refuses TLS 1.3 hellos without a key
// share gets each group offered alone, with the share it asks for sent.
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
	chosen := func(h *evidence.Hello) uint16 {
		switch {
		case !h.Accepted() || h.ServerHello == nil:
			return 0
		case v == wire.VersionTLS13:
			return h.ServerHello.KeyShareGroup
		case h.ServerKeyExchange != nil:
			return h.ServerKeyExchange.Curve
		}
		return 0
	}
	var out []uint16
	remaining := slices.Clone(cands)
	// take offers what offer returns and moves the group chosen from
	// remaining to out, until the server refuses or chooses another.
	take := func(offer func() []uint16, choiceOnly bool) {
		for len(remaining) > 0 {
			spec := s.spec("group", []uint16{v}, suites, offer(), s.sni)
			spec.choiceOnly = choiceOnly
			h := s.hello(spec)
			g := chosen(&h)
			if !slices.Contains(remaining, g) {
				return
			}
			out = append(out, g)
			remaining = slices.DeleteFunc(remaining, func(x uint16) bool { return x == g })
		}
	}
	take(func() []uint16 { return remaining }, v == wire.VersionTLS13)
	if v == wire.VersionTLS12 && len(out) > 0 && len(remaining) > 0 {
		// In TLS 1.2 an ECDSA certificate's curve must be among the
		// client's groups (RFC 8422 5.1; OpenSSL holds to it), so once it
		// is removed the server refuses, though it may still speak the
		// other curves. Offer the rest with the curves found last: a curve
		// is found only when the server chooses it over them.
		take(func() []uint16 { return append(slices.Clone(remaining), out...) }, false)
	}
	if len(out) > 0 || v != wire.VersionTLS13 {
		return out
	}
	return each(cands, func(g uint16) bool {
		spec := s.spec("group", []uint16{v}, suites, []uint16{g}, s.sni)
		spec.keyShares = []uint16{g}
		h := s.hello(spec)
		return chosen(&h) == g
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

// sigalgs finds the signature schemes the server signs with, at the
// highest version it accepts: a server that cannot sign with any scheme
// offered refuses the hello. Schemes are first offered by family (ECDSA,
// RSA-PSS, PKCS#1, EdDSA, RSA-PSS with a PSS key): a family refused is
// refused whole, and each scheme of a family accepted is then offered
// alone. In TLS 1.2 the ServerKeyExchange must also name a scheme offered.
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
	signs := func(algs []uint16) bool {
		spec := s.spec("sigalg", []uint16{v}, suites, allGroups, s.sni)
		spec.sigalgs = algs
		h := s.hello(spec)
		// In TLS 1.2 the ServerHello comes before the server finds it
		// cannot sign: only a ServerKeyExchange naming one proves it.
		return h.Accepted() && (v == wire.VersionTLS13 || h.ServerKeyExchange != nil && slices.Contains(algs, h.ServerKeyExchange.SigAlg))
	}
	cands := allSigAlgs
	if v == wire.VersionTLS12 {
		cands = append(slices.Clone(allSigAlgs), wire.SigRSAPKCS1SHA224, wire.SigECDSASHA224) // not defined for TLS 1.3
	}
	out.SigAlgsVersion = v
	families := sigFamilies(cands)
	idx := make([]uint16, len(families))
	for i := range idx {
		idx[i] = uint16(i)
	}
	var alone []uint16
	for _, i := range each(idx, func(i uint16) bool { return signs(families[i]) }) {
		alone = append(alone, families[i]...)
	}
	found := each(alone, func(alg uint16) bool { return signs([]uint16{alg}) })
	// In the order of the candidates.
	return slices.DeleteFunc(slices.Clone(cands), func(a uint16) bool { return !slices.Contains(found, a) })
}

// sigFamilies splits algs by the kind of key that signs with them, in the
// order of their first member.
func sigFamilies(algs []uint16) [][]uint16 {
	family := func(a uint16) string {
		switch a {
		case wire.SigECDSAP256, wire.SigECDSAP384, wire.SigECDSAP521, wire.SigECDSASHA1, wire.SigECDSASHA224:
			return "ecdsa"
		case wire.SigRSAPSSSHA256, wire.SigRSAPSSSHA384, wire.SigRSAPSSSHA512:
			return "rsa-pss-rsae"
		case wire.SigRSAPKCS1SHA256, wire.SigRSAPKCS1SHA384, wire.SigRSAPKCS1SHA512, wire.SigRSAPKCS1SHA1, wire.SigRSAPKCS1SHA224:
			return "rsa-pkcs1"
		case wire.SigEd25519, wire.SigEd448:
			return "eddsa"
		case wire.SigRSAPSSPSSSHA256, wire.SigRSAPSSPSSSHA384, wire.SigRSAPSSPSSSHA512:
			return "rsa-pss-pss"
		}
		return fmt.Sprintf("%#04x", a) // a family of its own
	}
	var out [][]uint16
	at := map[string]int{}
	for _, a := range algs {
		f := family(a)
		i, ok := at[f]
		if !ok {
			i = len(out)
			at[f] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], a)
	}
	return out
}
