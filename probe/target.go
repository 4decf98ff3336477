package probe

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/evidence"
)

// TargetError reports a target that cannot be parsed.
type TargetError struct {
	Input  string
	Reason string
}

func (e *TargetError) Error() string {
	return fmt.Sprintf("probe: bad target %q: %s", e.Input, e.Reason)
}

// ParseTarget parses https://host[:port][/path], tls://host[:port] or
// host[:port] (port 443 by default), with IPv4 and bracketed IPv6 literals.
// A bare IPv6 literal without a port ("::1") is accepted too.
func ParseTarget(in string) (evidence.Target, error) {
	s := strings.TrimSpace(in)
	t := evidence.Target{Input: in, Port: 443}
	bad := func(reason string) (evidence.Target, error) {
		return evidence.Target{}, &TargetError{Input: in, Reason: reason}
	}
	if s == "" {
		return bad("empty")
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return bad("contains white space")
	}
	if i := strings.Index(s, "://"); i >= 0 {
		u, err := url.Parse(s)
		if err != nil {
			return bad("not a URL: " + strings.TrimPrefix(err.Error(), "parse "+strconv.Quote(s)+": "))
		}
		switch strings.ToLower(u.Scheme) {
		case "https":
			t.Scheme, t.HTTP = "https", true
		case "tls", "tcp":
			t.Scheme = "tls"
		case "http":
			return bad("http:// is plain HTTP, there is no TLS to check; did you mean https://?")
		default:
			return bad(fmt.Sprintf("unsupported scheme %q (use https:// or host:port)", u.Scheme))
		}
		if u.User != nil {
			return bad("credentials in the URL are not supported")
		}
		t.Host = u.Hostname()
		if p := u.Port(); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 || n > 65535 {
				return bad("port must be 1-65535")
			}
			t.Port = n
		} else if strings.HasSuffix(u.Host, ":") {
			return bad("empty port")
		}
		t.Path = u.EscapedPath()
		if t.Path == "" && t.HTTP {
			t.Path = "/" // before the query: the request target is "/?q", never "?q"
		}
		if u.RawQuery != "" {
			t.Path += "?" + u.RawQuery
		}
		if !t.HTTP && t.Path != "" && t.Path != "/" {
			return bad("a tls:// target has no path")
		}
		if !t.HTTP {
			t.Path = ""
		}
	} else {
		t.Scheme = "tls"
		if strings.ContainsAny(s, "/?#@") {
			return bad("looks like a URL without a scheme; write https://" + s)
		}
		host, port := s, ""
		if a, err := netip.ParseAddr(s); err == nil && a.Is6() {
			host = a.String()
		} else if h, p, err := net.SplitHostPort(s); err == nil {
			if p == "" {
				return bad("empty port")
			}
			host, port = h, p
		} else if strings.Count(s, ":") == 1 || strings.HasPrefix(s, "[") {
			return bad("cannot split host and port")
		}
		if port != "" {
			n, err := strconv.Atoi(port)
			if err != nil || n < 1 || n > 65535 {
				return bad("port must be 1-65535")
			}
			t.Port = n
		}
		t.Host = host
	}
	if t.Host == "" {
		return bad("no host")
	}
	if a, err := netip.ParseAddr(t.Host); err == nil {
		t.IsIP = true
		t.Host = a.WithZone("").String()
	} else {
		t.Host = strings.ToLower(strings.TrimSuffix(t.Host, "."))
		if err := validName(t.Host); err != "" {
			return bad(err)
		}
	}
	t.ServerName = t.Host
	return t, nil
}

func validName(h string) string {
	if len(h) > 253 {
		return "host name longer than 253 characters"
	}
	labels := strings.Split(h, ".")
	if last := labels[len(labels)-1]; last != "" && strings.Trim(last, "0123456789") == "" {
		// No top-level domain is all digits (RFC 3696 2): this is an
		// address that does not parse, such as 256.1.1.1 or 1.2.3.4.5.
		return "not a valid IP address, and not a host name (a name's last label is never all digits)"
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" {
			return "empty label in host name"
		}
		if len(label) > 63 {
			return "host name label longer than 63 characters"
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '*') {
				return fmt.Sprintf("invalid character %q in host name", c)
			}
		}
	}
	return ""
}

// HostPort joins host and port, bracketing IPv6 literals.
func HostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
