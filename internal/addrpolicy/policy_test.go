package addrpolicy

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/internal/labtest"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		reason string // "" = permitted
	}{
		{"8.8.8.8", ""},
		{"1.1.1.1", ""},
		{"2606:4700::1111", ""},
		{"127.0.0.1", "loopback"},
		{"127.255.0.9", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"172.32.0.1", ""},
		{"192.168.1.1", "private"},
		{"fd12:3456::1", "private"},
		{"169.254.1.1", "link-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.127.255.254", "carrier-grade NAT"},
		{"100.128.0.1", ""},
		{"224.0.0.1", "multicast"},
		{"ff02::1", "multicast"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"255.255.255.255", "broadcast"},
		{"240.0.0.1", "reserved"},
		{"192.0.2.1", "documentation"},
		{"2001:db8::1", "documentation"},
		{"169.254.169.254", "cloud metadata"},
		{"::ffff:169.254.169.254", "cloud metadata"},
		{"fd00:ec2::254", "cloud metadata"},
		{"100.100.100.200", "cloud metadata"},
		// IPv6 forms that carry a refused IPv4 address.
		{"64:ff9b::a9fe:a9fe", "NAT64 form of a cloud metadata"},
		{"64:ff9b::7f00:1", "NAT64 form of a loopback"},
		{"64:ff9b::808:808", ""},
		{"2002:a9fe:a9fe::1", "6to4 form of a cloud metadata"},
		{"2002:0a00:0001::", "6to4 form of a private"},
		{"2002:0808:0808::1", ""},
		{"::127.0.0.1", "IPv4-compatible form of a loopback"},
		{"::8.8.8.8", "IPv4-compatible"},
		{"64:ff9b:1::1", "local-use NAT64"},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"},
		{"5f00::1", "SRv6"},
		{"::2:1", "IPv4-compatible"},
		{"4000::1", "non-global IPv6"},
	} {
		err := New().Check(netip.MustParseAddr(tc.addr))
		if tc.reason == "" {
			if err != nil {
				t.Errorf("%s: refused (%v), want permitted", tc.addr, err)
			}
			continue
		}
		var re *RefusedError
		if !errors.As(err, &re) {
			t.Errorf("%s: %v, want refused (%s)", tc.addr, err, tc.reason)
			continue
		}
		if !strings.Contains(re.Reason, tc.reason) {
			t.Errorf("%s: reason %q, want %q", tc.addr, re.Reason, tc.reason)
		}
		if re.Hint() == "" || !strings.Contains(re.Error(), "refuses") {
			t.Errorf("%s: error %q hint %q", tc.addr, re.Error(), re.Hint())
		}
	}
}

func TestAllow(t *testing.T) {
	allow, err := ParseAllow("127.0.0.0/8, 10.1.0.0/16,192.168.7.7,::ffff:172.16.0.0/112")
	if err != nil {
		t.Fatal(err)
	}
	p := New(allow...)
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1", true},
		{"::ffff:127.0.0.1", true},
		{"64:ff9b::7f00:1", true}, // carries an allowed address
		{"::1", false},            // IPv6 loopback is not in 127.0.0.0/8
		{"10.1.200.3", true},
		{"10.2.0.1", false},
		{"192.168.7.7", true},
		{"192.168.7.8", false},
		{"172.16.3.4", true},
		{"172.17.0.1", false},
		{"169.254.169.254", false},
		{"8.8.8.8", true},
	} {
		if err := p.Check(netip.MustParseAddr(tc.addr)); (err == nil) != tc.ok {
			t.Errorf("%s: %v, want permitted=%v", tc.addr, err, tc.ok)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "nonsense", "10.0.0.0/8,x", "::ffff:0:0/90"} {
		if _, err := ParseAllow(bad); err == nil {
			t.Errorf("ParseAllow(%q): no error", bad)
		}
	}
	if got := New(allow...).Allowed(); len(got) != 4 || got[2].String() != "192.168.7.7/32" {
		t.Errorf("Allowed() = %v", got)
	}
}

type mapResolver map[string][]netip.Addr

func (m mapResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if a, ok := m[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func TestDialerRefusesBeforeConnecting(t *testing.T) {
	addr, hits := labtest.Counter(t, "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(addr)
	res := mapResolver{
		"loop.test":  {netip.MustParseAddr("127.0.0.1")},
		"mixed.test": {netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("127.0.0.1")},
	}
	d := &Dialer{Policy: New(), Resolver: res}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, host := range []string{"127.0.0.1", "::ffff:127.0.0.1", "loop.test", "mixed.test"} {
		_, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
		var re *RefusedError
		if !errors.As(err, &re) {
			t.Errorf("dial %s: %v, want refused", host, err)
		}
	}
	if _, err := d.DialContext(ctx, "tcp", net.JoinHostPort("unknown.test", port)); err == nil {
		t.Error("dial of an unknown name: no error")
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d connections reached the loopback listener", n)
	}

	// Allowed: the name is dialled by the address that was checked.
	d = &Dialer{Policy: New(netip.MustParsePrefix("127.0.0.1/32")), Resolver: res}
	c, err := d.DialContext(ctx, "tcp", net.JoinHostPort("mixed.test", port))
	if err != nil {
		t.Fatalf("allowed dial: %v", err)
	}
	c.Close()
	for deadline := time.Now().Add(2 * time.Second); hits.Load() != 1 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("%d connections, want 1", n)
	}
}

func TestPinned(t *testing.T) {
	p := &Pinned{Next: mapResolver{"other.test": {netip.MustParseAddr("192.0.2.1")}}}
	p.Pin("a.test", []netip.Addr{netip.MustParseAddr("8.8.8.8")})
	got, err := p.LookupNetIP(context.Background(), "ip", "a.test")
	if err != nil || len(got) != 1 || got[0].String() != "8.8.8.8" {
		t.Errorf("pinned: %v %v", got, err)
	}
	got, err = p.LookupNetIP(context.Background(), "ip", "other.test")
	if err != nil || len(got) != 1 || got[0].String() != "192.0.2.1" {
		t.Errorf("next: %v %v", got, err)
	}
}
