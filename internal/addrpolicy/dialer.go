package addrpolicy

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
)

// Resolver resolves names; *net.Resolver and probe.Resolver satisfy it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// ContextDialer dials; *net.Dialer and probe.Dialer satisfy it.
type ContextDialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// Dialer dials only the addresses its policy permits. A name is resolved
// with its Resolver and dialled by a permitted address it resolved to;
// when it resolves to none, the dial fails with a *RefusedError and no
// connection is attempted.
type Dialer struct {
	Policy   *Policy
	Next     ContextDialer // nil: a net.Dialer
	Resolver Resolver      // nil: net.DefaultResolver
}

// DialContext implements probe.Dialer.
func (d *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	addrs, err := d.Resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	next := d.Next
	if next == nil {
		next = &net.Dialer{}
	}
	var first error
	for _, a := range addrs {
		c, err := next.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

// Resolve returns the permitted addresses of host (a name or an address
// literal), or the *RefusedError of the first refused one when none is
// permitted. Resolution errors are returned as they are.
func (d *Dialer) Resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		if err := d.Policy.Check(a); err != nil {
			return nil, err
		}
		return []netip.Addr{a.WithZone("")}, nil
	}
	r := d.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	ips, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	var ok []netip.Addr
	var refused error
	for _, ip := range ips {
		if err := d.Policy.Check(ip); err != nil {
			var re *RefusedError
			if errors.As(err, &re) {
				re.Host = host
			}
			if refused == nil {
				refused = err
			}
			continue
		}
		ok = append(ok, ip.Unmap().WithZone(""))
	}
	if len(ok) == 0 {
		if refused == nil {
			refused = &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
		return nil, refused
	}
	return ok, nil
}

// Pinned is a resolver that answers the names it was given with the
// addresses it was given, and asks Next for any other name. A server checks
// a target's addresses once, then pins them, so that the probe dials the
// addresses that were checked.
type Pinned struct {
	Next  Resolver // nil: net.DefaultResolver
	mu    sync.Mutex
	names map[string][]netip.Addr
	errs  map[string]error
}

// Pin makes host resolve to addrs.
func (p *Pinned) Pin(host string, addrs []netip.Addr) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.names == nil {
		p.names = map[string][]netip.Addr{}
	}
	p.names[host] = append([]netip.Addr(nil), addrs...)
}

// PinError makes host fail to resolve with err.
func (p *Pinned) PinError(host string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.errs == nil {
		p.errs = map[string]error{}
	}
	p.errs[host] = err
}

// LookupNetIP implements Resolver.
func (p *Pinned) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	p.mu.Lock()
	a, ok := p.names[host]
	err := p.errs[host]
	p.mu.Unlock()
	if ok {
		return append([]netip.Addr(nil), a...), nil
	}
	if err != nil {
		return nil, err
	}
	r := p.Next
	if r == nil {
		r = net.DefaultResolver
	}
	return r.LookupNetIP(ctx, network, host)
}
