package probe

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// ParseProxy parses a proxy URL as clients take it: http://[user:pass@]host[:port]
// or https://...; a bare host[:port] means http://. The port defaults to 80
// (http) or 443 (https), except that curl and Go default a bare host to 1080
// for SOCKS; SOCKS proxies are not supported.
func ParseProxy(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("empty proxy URL")
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("not a URL: %v", errors.Unwrap(err))
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "socks", "socks4", "socks4a", "socks5", "socks5h":
		return nil, fmt.Errorf("%s:// proxies are not supported (only HTTP CONNECT proxies)", u.Scheme)
	default:
		return nil, fmt.Errorf("unsupported proxy scheme %q (use http:// or https://)", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("no proxy host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, errors.New("proxy port must be 1-65535")
		}
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, errors.New("a proxy URL has no path")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Path = ""
	return u, nil
}

// proxyAddr is host:port of the proxy, with the scheme's default port.
func proxyAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// redacted is the proxy URL without credentials.
func redacted(u *url.URL) string {
	return u.Scheme + "://" + proxyAddr(u)
}

// SelectProxy decides whether a check of t as client p goes through a
// proxy, the way p would: an explicit proxy (--proxy) is used as given
// (save for a client that exempts loopback addresses always); otherwise the
// environment variables p reads, with its NO_PROXY rules. getenv may be nil
// (no environment). The evidence records the decision, and why a proxy
// that is set is not used; the URL is nil when none is used.
func SelectProxy(p *profile.Profile, t evidence.Target, explicit *url.URL, getenv func(string) string) (*url.URL, *evidence.Proxy) {
	pol := p.Proxy
	host := t.Host
	if explicit != nil {
		rec := &evidence.Proxy{URL: redacted(explicit), Source: "--proxy", Auth: explicit.User != nil, Used: true}
		if pol.Loopback == "always" && isLoopback(host) {
			rec.Used, rec.Reason = false, fmt.Sprintf("%s never proxies %s (its default exemptions: %s)", p.ID, host, pol.Configure)
			return nil, rec
		}
		if pol.Cannot {
			rec.Reason = pol.Configure + "; checked through the proxy as asked"
		}
		return explicit, rec
	}
	if getenv == nil {
		return nil, nil
	}
	var name, val string
	for _, n := range pol.Env {
		if v := strings.TrimSpace(getenv(n)); v != "" {
			name, val = n, v
			break
		}
	}
	if name == "" {
		// A proxy variable this client does not read is worth saying.
		for _, n := range []string{"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"} {
			if v := strings.TrimSpace(getenv(n)); v != "" {
				u, err := ParseProxy(v)
				rec := &evidence.Proxy{Source: n, Used: false}
				if err == nil {
					rec.URL, rec.Auth = redacted(u), u.User != nil
				}
				rec.Reason = fmt.Sprintf("%s does not read %s; it connects directly unless configured: %s", p.ID, n, pol.Configure)
				return nil, rec
			}
		}
		return nil, nil
	}
	u, err := ParseProxy(val)
	if err != nil {
		return nil, &evidence.Proxy{Source: name, Used: false, Reason: fmt.Sprintf("%s=%q cannot be used: %v", name, val, err)}
	}
	rec := &evidence.Proxy{URL: redacted(u), Source: name, Auth: u.User != nil, Used: true}
	if pol.Loopback != "" && isLoopback(host) {
		rec.Used, rec.Reason = false, fmt.Sprintf("%s never sends requests for %s through a proxy from the environment", p.ID, host)
		return nil, rec
	}
	for _, n := range pol.NoProxy {
		if v := getenv(n); v != "" {
			if entry, ok := noProxyMatch(v, host, t.Port, pol.CIDR); ok {
				rec.Used, rec.Reason = false, fmt.Sprintf("%s=%s exempts %s (entry %q)", n, v, host, entry)
				return nil, rec
			}
			break
		}
	}
	return u, rec
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// noProxyMatch applies a NO_PROXY list the way curl, Go and Python agree on:
// "*" matches everything; a name matches itself and its subdomains (a
// leading "." or "*." is ignored); an IP matches itself; with cidr, a block
// matches the addresses in it; an entry with :port matches that port only.
func noProxyMatch(list, host string, port int, cidr bool) (string, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	ip, ipErr := netip.ParseAddr(host)
	for _, raw := range strings.Split(list, ",") {
		e := strings.ToLower(strings.TrimSpace(raw))
		if e == "" {
			continue
		}
		if e == "*" {
			return raw, true
		}
		if pfx, err := netip.ParsePrefix(e); err == nil {
			if cidr && ipErr == nil && pfx.Contains(ip) {
				return strings.TrimSpace(raw), true
			}
			continue
		}
		name := e
		if h, p, err := net.SplitHostPort(e); err == nil {
			if p != strconv.Itoa(port) {
				continue
			}
			name = h
		}
		name = strings.Trim(name, "[]")
		if a, err := netip.ParseAddr(name); err == nil {
			if ipErr == nil && a == ip {
				return strings.TrimSpace(raw), true
			}
			continue
		}
		name = strings.TrimPrefix(strings.TrimPrefix(name, "*"), ".")
		if name != "" && (host == name || strings.HasSuffix(host, "."+name)) {
			return strings.TrimSpace(raw), true
		}
	}
	return "", false
}

// ProxyError is a failure to open a tunnel through the proxy. Connect
// records the exchange; Err is the underlying error (a dial error, a TLS
// error, a read error, or a *ProxyStatusError).
type ProxyError struct {
	Connect *evidence.ProxyConnect
	Err     error
}

func (e *ProxyError) Error() string {
	return fmt.Sprintf("probe: proxy %s: %s: %v", e.Connect.Proxy, e.Connect.Stage, e.Err)
}

func (e *ProxyError) Unwrap() error { return e.Err }

// ProxyStatusError is a non-2xx answer to CONNECT.
type ProxyStatusError struct {
	Code int
	Line string
}

func (e *ProxyStatusError) Error() string { return "the proxy answered CONNECT with " + e.Line }

// proxyConn is a tunnel through the proxy, carrying the CONNECT record.
type proxyConn struct {
	net.Conn
	r       io.Reader // bytes the proxy sent after its header, then the connection
	connect *evidence.ProxyConnect
}

func (c *proxyConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// proxyDialer opens every connection of a check as a CONNECT tunnel through
// an HTTP(S) proxy.
type proxyDialer struct {
	proxy   *url.URL
	forward Dialer
	timeout time.Duration
}

// maxProxyHeader bounds the proxy's answer to CONNECT.
const maxProxyHeader = 16 << 10

func (d *proxyDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	start := time.Now()
	rec := &evidence.ProxyConnect{Proxy: proxyAddr(d.proxy), Request: "CONNECT " + addr + " HTTP/1.1", Stage: "dial"}
	fail := func(c net.Conn, err error) (net.Conn, error) {
		if c != nil {
			closeRST(c)
		}
		rec.Err, rec.Duration = Classify(err), time.Since(start)
		return nil, &ProxyError{Connect: rec, Err: err}
	}
	c, err := d.forward.DialContext(ctx, "tcp", rec.Proxy)
	if err != nil {
		return fail(nil, err)
	}
	deadline := time.Now().Add(d.timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	c.SetDeadline(deadline)
	if d.proxy.Scheme == "https" {
		rec.Stage = "tls"
		tc := tls.Client(c, &tls.Config{
			ServerName:         d.proxy.Hostname(),
			InsecureSkipVerify: true, // the proxy's chain is recorded and judged like a server's
			VerifyConnection: func(cs tls.ConnectionState) error {
				for _, pc := range cs.PeerCertificates {
					rec.ProxyCertificates = append(rec.ProxyCertificates, pc.Raw)
				}
				return nil
			},
		})
		if err := tc.HandshakeContext(ctx); err != nil {
			return fail(c, err)
		}
		c = tc
	}
	rec.Stage = "connect"
	req := rec.Request + "\r\nHost: " + addr + "\r\nUser-Agent: tlsdoctor\r\n"
	if u := d.proxy.User; u != nil {
		pass, _ := u.Password()
		req += "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+pass)) + "\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		return fail(c, err)
	}
	br := bufio.NewReaderSize(io.LimitReader(c, maxProxyHeader), 4096)
	header, err := readHeader(br)
	if err != nil {
		return fail(c, err)
	}
	line, rest, _ := strings.Cut(header, "\n")
	rec.StatusLine = line
	parts := strings.SplitN(line, " ", 3)
	code := 0
	if len(parts) >= 2 && strings.HasPrefix(parts[0], "HTTP/") {
		code, _ = strconv.Atoi(parts[1])
	}
	if code < 100 || code > 999 {
		return fail(c, fmt.Errorf("the proxy's answer to CONNECT is not HTTP: %q", clip(line, 60)))
	}
	rec.StatusCode = code
	length := -1
	for _, h := range strings.Split(rest, "\n") {
		k, v, ok := strings.Cut(h, ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch strings.ToLower(k) {
		case "proxy-authenticate", "server", "via", "x-squid-error", "x-cache", "content-type":
			rec.Headers = append(rec.Headers, k+": "+clip(v, 200))
		case "content-length":
			length, _ = strconv.Atoi(v)
		}
	}
	if code/100 != 2 {
		// The start of the error page often says why (squid's ERR_ACCESS_DENIED).
		n := 512
		if length >= 0 {
			n = min(n, length)
		}
		if n > 0 {
			c.SetReadDeadline(time.Now().Add(min(d.timeout, 500*time.Millisecond)))
			body := make([]byte, n)
			m, _ := io.ReadFull(br, body)
			rec.Body = body[:m]
		}
		return fail(c, &ProxyStatusError{Code: code, Line: line})
	}
	rec.Stage, rec.Duration = "tunnel", time.Since(start)
	c.SetDeadline(time.Time{})
	// Bytes the proxy sent after its header belong to the tunnel.
	var r io.Reader = c
	if n := br.Buffered(); n > 0 {
		early, _ := br.Peek(n)
		r = io.MultiReader(bytes.NewReader(append([]byte(nil), early...)), c)
	}
	return &proxyConn{Conn: c, r: r, connect: rec}, nil
}

// readHeader reads an HTTP header block up to the blank line.
func readHeader(br *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		line, err := br.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			if err == io.EOF && b.Len() >= maxProxyHeader {
				return "", fmt.Errorf("the proxy's answer to CONNECT exceeds %d bytes", maxProxyHeader)
			}
			if err == io.EOF && b.Len() > 0 {
				return "", io.ErrUnexpectedEOF
			}
			return "", err
		}
		if line == "\r\n" || line == "\n" {
			return strings.ReplaceAll(strings.TrimRight(b.String(), "\r\n"), "\r\n", "\n"), nil
		}
	}
}

// proxyRecord returns the CONNECT record of a dial through the proxy.
func proxyRecord(c net.Conn, err error) *evidence.ProxyConnect {
	var pe *ProxyError
	if errors.As(err, &pe) {
		return pe.Connect
	}
	if pc, ok := c.(*proxyConn); ok {
		return pc.connect
	}
	return nil
}
