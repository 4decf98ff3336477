package probe

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"io"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/intercept"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// freshLeaf is how young a leaf must be to make the probe ask whether its
// issuer signs for any name: inspection products mint leaves on the fly.
const freshLeaf = 3 * 24 * time.Hour

// observeInterception records what decides whether a middlebox re-signs the
// server's chain: through a proxy, the same handshake made directly; and,
// when the chain looks minted (a catalogued inspection CA; a leaf issued in
// the last days that names no CRL or OCSP responder, as public CAs' leaves
// do; or any check through a proxy), a handshake for a name made
// up for this check, which only a CA that signs for any name can answer
// with a certificate that covers it.
func observeInterception(ctx context.Context, run *evidence.Run, opts *Options) {
	if opts.via != nil {
		run.Direct = directHandshake(ctx, run, opts)
	}
	now := opts.now()
	for i := range run.Addresses {
		a := &run.Addresses[i]
		if a.Handshake == nil || len(a.Handshake.Certificates) == 0 {
			continue
		}
		if opts.via == nil && !looksMinted(a.Handshake.Certificates, now) {
			continue
		}
		name := inventedName(opts.Rand)
		opts.progress("asking %s for a certificate for %s", a.Addr, name)
		h, tc := fullHandshake(ctx, a.Addr, name, wire.VersionTLS13, false, opts)
		if tc != nil {
			tc.Close()
		}
		a.Invented = h
	}
}

func looksMinted(chain [][]byte, now time.Time) bool {
	var certs []*x509.Certificate
	for _, der := range chain {
		if c, err := x509.ParseCertificate(der); err == nil {
			certs = append(certs, c)
		}
	}
	if len(certs) == 0 {
		return false
	}
	leaf := certs[0]
	// An inspection product signs the leaves it mints with its CA; a fresh
	// self-signed leaf is a development server or an appliance's default.
	if age := now.Sub(leaf.NotBefore); age >= 0 && age < freshLeaf && len(leaf.OCSPServer) == 0 && len(leaf.CRLDistributionPoints) == 0 && !selfIssued(leaf) {
		return true
	}
	return len(intercept.MatchChain(certs)) > 0
}

// inventedName is a host name no CA can have a certificate for: a random
// label under .invalid (RFC 6761 section 6.4).
func inventedName(rnd io.Reader) string {
	b := make([]byte, 6)
	io.ReadFull(rnd, b)
	return "tlsdoctor-" + hex.EncodeToString(b) + ".invalid"
}

// directHandshake makes the check's handshake without the proxy: the name
// resolved here (or the first --connect address), the same SNI.
func directHandshake(ctx context.Context, run *evidence.Run, opts *Options) *evidence.Direct {
	t := run.Target
	d := &evidence.Direct{}
	o := *opts
	o.Dialer, o.via = opts.direct, nil
	switch {
	case len(opts.Connect) > 0:
		a, err := connectAddr(opts.Connect[0], t.Port)
		if err != nil {
			return nil
		}
		d.Addr = a
	case t.IsIP:
		d.Addr = HostPort(t.Host, t.Port)
	default:
		start := time.Now()
		dctx, cancel := context.WithTimeout(ctx, opts.timeout())
		ips, err := opts.Resolver.LookupNetIP(dctx, "ip", t.Host)
		cancel()
		d.DNS = &evidence.DNS{Name: t.Host, Duration: time.Since(start), Err: Classify(err)}
		if err != nil || len(ips) == 0 {
			return d
		}
		d.Addr = HostPort(ips[0].Unmap().WithZone("").String(), t.Port)
		d.DNS.Addresses = []string{d.Addr}
	}
	sni := t.SNI
	if sni == "" && !isIP(t.ServerName) {
		sni = t.ServerName
	}
	h, tc := fullHandshake(ctx, d.Addr, sni, wire.VersionTLS13, false, &o)
	if tc != nil {
		tc.Close()
	}
	d.Handshake = h
	return d
}
