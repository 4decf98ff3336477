// Package addrpolicy decides which addresses a server may dial on behalf of
// its clients: public addresses only, unless an allow list (serve --allow)
// covers the address. Loopback, private, link-local, shared (CGNAT),
// multicast, unspecified, documentation and reserved ranges, and the cloud
// metadata services (169.254.169.254, fd00:ec2::254) are refused; so are
// IPv6 forms that carry a refused IPv4 address (IPv4-mapped, IPv4-compatible,
// 6to4, NAT64) and Teredo tunnels.
//
// The decision applies to the address actually dialled: Dialer wraps a
// dialer so that every connection (hellos, handshakes, HTTP, AIA fetches)
// is checked after name resolution, and names are dialled by the address
// that was checked, so a name that resolves differently the second time
// (DNS rebinding) cannot slip through.
package addrpolicy

import (
	"fmt"
	"net/netip"
	"strings"
)

// Policy is an address policy. The zero value refuses every non-public
// address.
type Policy struct {
	allow []netip.Prefix
}

// New returns a policy that permits the public addresses and the ones the
// allow list covers.
func New(allow ...netip.Prefix) *Policy {
	p := &Policy{}
	for _, a := range allow {
		p.allow = append(p.allow, a.Masked())
	}
	return p
}

// Allowed lists the allow list.
func (p *Policy) Allowed() []netip.Prefix { return append([]netip.Prefix(nil), p.allow...) }

// ParseAllow parses a comma-separated list of CIDRs or single addresses
// ("10.0.0.0/8,192.168.1.7,fd00::/8").
func ParseAllow(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if a, err := netip.ParseAddr(f); err == nil {
			a = a.Unmap().WithZone("")
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		pr, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR (10.0.0.0/8) or an address", f)
		}
		if pr.Addr().Is4In6() {
			if pr.Bits() < 96 {
				return nil, fmt.Errorf("%q: an IPv4-mapped prefix must be /96 or longer", f)
			}
			pr = netip.PrefixFrom(pr.Addr().Unmap(), pr.Bits()-96)
		}
		out = append(out, pr.Masked())
	}
	return out, nil
}

// RefusedError is a refused address.
type RefusedError struct {
	Addr   netip.Addr   // the address refused
	Host   string       // the name that resolved to it, if any
	Reason string       // "loopback", "private (RFC 1918)", ...
	Range  netip.Prefix // the range the reason covers
}

func (e *RefusedError) Error() string {
	what := e.Addr.String()
	if e.Host != "" && e.Host != what {
		what = fmt.Sprintf("%s (%s)", e.Host, e.Addr)
	}
	return fmt.Sprintf("the address policy refuses %s: %s address", what, e.Reason)
}

// Hint says which --allow would permit the address; for a cloud metadata
// address it says not to.
func (e *RefusedError) Hint() string {
	if strings.HasPrefix(e.Reason, "cloud metadata") {
		return "a cloud metadata service holds the machine's credentials: it is no TLS back end to check, and allowing it would let anyone who can reach this server read them"
	}
	r := e.Range
	if !r.IsValid() || r.Bits() == 0 {
		r = netip.PrefixFrom(e.Addr, e.Addr.BitLen())
	}
	one := netip.PrefixFrom(e.Addr, e.Addr.BitLen())
	if r == one {
		return fmt.Sprintf("only public addresses are checked unless allowed: serve --allow %s", r)
	}
	return fmt.Sprintf("only public addresses are checked unless allowed: serve --allow %s (or %s for this address alone)", r, one)
}

type special struct {
	prefix netip.Prefix
	reason string
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// specials are the ranges that are not globally reachable unicast, from the
// IANA IPv4 and IPv6 special-purpose address registries; the most specific
// first, so that a metadata address is named as such.
var specials = []special{
	{mustPrefix("169.254.169.254/32"), "cloud metadata (AWS, GCP, Azure, OCI)"},
	{mustPrefix("169.254.170.2/32"), "cloud metadata (AWS ECS task)"},
	{mustPrefix("100.100.100.200/32"), "cloud metadata (Alibaba Cloud)"},
	{mustPrefix("fd00:ec2::254/128"), "cloud metadata (AWS, IPv6)"},
	{mustPrefix("0.0.0.0/8"), "unspecified (\"this network\")"},
	{mustPrefix("10.0.0.0/8"), "private (RFC 1918)"},
	{mustPrefix("100.64.0.0/10"), "shared (carrier-grade NAT, RFC 6598)"},
	{mustPrefix("127.0.0.0/8"), "loopback"},
	{mustPrefix("169.254.0.0/16"), "link-local"},
	{mustPrefix("172.16.0.0/12"), "private (RFC 1918)"},
	{mustPrefix("192.0.0.0/24"), "IETF protocol assignment"},
	{mustPrefix("192.0.2.0/24"), "documentation (TEST-NET-1)"},
	{mustPrefix("192.88.99.0/24"), "6to4 relay anycast"},
	{mustPrefix("192.168.0.0/16"), "private (RFC 1918)"},
	{mustPrefix("198.18.0.0/15"), "benchmarking"},
	{mustPrefix("198.51.100.0/24"), "documentation (TEST-NET-2)"},
	{mustPrefix("203.0.113.0/24"), "documentation (TEST-NET-3)"},
	{mustPrefix("224.0.0.0/4"), "multicast"},
	{mustPrefix("255.255.255.255/32"), "broadcast"},
	{mustPrefix("240.0.0.0/4"), "reserved"},
	{mustPrefix("::/128"), "unspecified"},
	{mustPrefix("::1/128"), "loopback"},
	{mustPrefix("::/96"), "IPv4-compatible (deprecated)"},
	{mustPrefix("64:ff9b:1::/48"), "local-use NAT64"},
	{mustPrefix("100::/64"), "discard-only"},
	{mustPrefix("2001::/32"), "Teredo tunnel"},
	{mustPrefix("2001:2::/48"), "benchmarking"},
	{mustPrefix("2001:10::/28"), "deprecated ORCHID"},
	{mustPrefix("2001:db8::/32"), "documentation"},
	{mustPrefix("3fff::/20"), "documentation"},
	{mustPrefix("5f00::/16"), "segment routing (SRv6)"},
	{mustPrefix("fc00::/7"), "private (unique local)"},
	{mustPrefix("fe80::/10"), "link-local"},
	{mustPrefix("fec0::/10"), "site-local (deprecated)"},
	{mustPrefix("ff00::/8"), "multicast"},
}

var (
	globalUnicast6 = mustPrefix("2000::/3")
	nat64          = mustPrefix("64:ff9b::/96")
	sixToFour      = mustPrefix("2002::/16")
	v4Compatible   = mustPrefix("::/96")
)

// embedded returns the IPv4 address an IPv6 address carries (NAT64 well-known
// prefix, 6to4, IPv4-compatible), and the form's name.
func embedded(a netip.Addr) (netip.Addr, string, bool) {
	if !a.Is6() {
		return netip.Addr{}, "", false
	}
	b := a.As16()
	switch {
	case nat64.Contains(a):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), "NAT64", true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), "6to4", true
	case v4Compatible.Contains(a) && a != netip.IPv6Unspecified() && a != netip.IPv6Loopback():
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), "IPv4-compatible", true
	}
	return netip.Addr{}, "", false
}

func (p *Policy) allowed(a netip.Addr) bool {
	for _, pr := range p.allow {
		if pr.Contains(a) {
			return true
		}
	}
	return false
}

// Check returns nil when a may be dialled, or a *RefusedError saying why not.
func (p *Policy) Check(a netip.Addr) error {
	a = a.Unmap().WithZone("")
	if !a.IsValid() {
		return &RefusedError{Addr: a, Reason: "invalid"}
	}
	if p.allowed(a) {
		return nil
	}
	if v4, form, ok := embedded(a); ok {
		if p.allowed(v4) {
			return nil
		}
		if s, ok := lookup(v4); ok {
			return &RefusedError{Addr: a, Reason: fmt.Sprintf("%s form of a %s", form, s.reason), Range: s.prefix}
		}
	}
	if s, ok := lookup(a); ok {
		return &RefusedError{Addr: a, Reason: s.reason, Range: s.prefix}
	}
	if a.Is6() && !globalUnicast6.Contains(a) && !nat64.Contains(a) {
		return &RefusedError{Addr: a, Reason: "non-global IPv6", Range: netip.PrefixFrom(a, 128)}
	}
	return nil
}

func lookup(a netip.Addr) (special, bool) {
	for _, s := range specials {
		if s.prefix.Contains(a) {
			return s, true
		}
	}
	return special{}, false
}
