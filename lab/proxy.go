package lab

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
)

// proxyServer is a small HTTP CONNECT proxy on loopback. It resolves lab
// names, tunnels to loopback addresses only, and can demand credentials,
// refuse every tunnel, speak TLS itself (an https:// proxy), or re-sign the
// server's chain with its own CA, as an inspecting proxy does.
type proxyServer struct {
	l          *Lab
	user, pass string           // Basic credentials demanded, when set
	forbid     bool             // answer every CONNECT with 403
	tlsCert    *tls.Certificate // the proxy's own TLS (https:// proxy)
	resign     *pki.CA          // re-sign every server chain with this CA
	mu         sync.Mutex
	minted     map[string]*tls.Certificate
}

// start listens on loopback and returns the proxy's URL.
func (p *proxyServer) start() (string, error) {
	addr, err := p.l.listen("127.0.0.1", 0, p.serve)
	if err != nil {
		return "", err
	}
	if p.tlsCert != nil {
		return "https://" + addr, nil
	}
	return "http://" + addr, nil
}

func (p *proxyServer) serve(c net.Conn) {
	if p.tlsCert != nil {
		tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{*p.tlsCert}})
		if err := tc.Handshake(); err != nil {
			return
		}
		c = tc
	}
	br := bufio.NewReaderSize(c, 4096)
	reqLine, headers, ok := readRequest(br)
	if !ok {
		return
	}
	method, target, _ := strings.Cut(reqLine, " ")
	target, _, _ = strings.Cut(target, " ")
	if method != "CONNECT" {
		answer(c, "405 Method Not Allowed", "Allow: CONNECT", "only CONNECT is served here")
		return
	}
	if p.user != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(p.user+":"+p.pass))
		if headers["proxy-authorization"] != want {
			answer(c, "407 Proxy Authentication Required", `Proxy-Authenticate: Basic realm="tlsdoctor lab"`, "proxy credentials required")
			return
		}
	}
	if p.forbid {
		answer(c, "403 Forbidden", "X-Squid-Error: ERR_ACCESS_DENIED 0", "ERR_ACCESS_DENIED: access to "+target+" is denied by the proxy's policy")
		return
	}
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		answer(c, "400 Bad Request", "", "CONNECT wants host:port")
		return
	}
	ip, ok := p.resolve(host)
	if !ok {
		answer(c, "502 Bad Gateway", "", "cannot resolve "+host)
		return
	}
	up, err := net.DialTimeout("tcp", net.JoinHostPort(ip.String(), port), 5*time.Second)
	if err != nil {
		answer(c, "502 Bad Gateway", "", "cannot connect to "+target)
		return
	}
	defer up.Close()
	if _, err := io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	client := io.ReadWriter(struct {
		io.Reader
		io.Writer
	}{br, c})
	if p.resign == nil {
		relay(client, up)
		return
	}
	// Inspect: TLS to the client with a leaf minted for the name it asks
	// for, TLS to the server, and the plaintext in between.
	ts := tls.Server(rwConn{Conn: c, rw: client}, &tls.Config{GetCertificate: func(hi *tls.ClientHelloInfo) (*tls.Certificate, error) {
		name := hi.ServerName
		if name == "" {
			name = host
		}
		return p.mint(name)
	}})
	if err := ts.Handshake(); err != nil {
		return
	}
	tu := tls.Client(up, &tls.Config{ServerName: ts.ConnectionState().ServerName, InsecureSkipVerify: true})
	if err := tu.Handshake(); err != nil {
		return
	}
	relay(ts, tu)
}

// resolve maps a lab name or a loopback literal to a loopback address; the
// lab proxy reaches nothing else.
func (p *proxyServer) resolve(host string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return a, a.IsLoopback()
	}
	p.l.mu.Lock()
	defer p.l.mu.Unlock()
	for _, a := range p.l.names[strings.ToLower(host)] {
		if a.IsLoopback() {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// mint issues (once per name) a leaf for name from the proxy's CA, with no
// CRL or OCSP URL, the way inspection products do.
func (p *proxyServer) mint(name string) (*tls.Certificate, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.minted[name]; ok {
		return c, nil
	}
	l, err := p.resign.Leaf(pki.Spec{CN: name, DNS: []string{name}, Org: p.resign.Cert.Subject.Organization[0],
		NotBefore: time.Now().Add(-2 * time.Minute), NotAfter: time.Now().Add(30 * 24 * time.Hour)})
	if err != nil {
		return nil, err
	}
	tc := l.TLS(p.resign.Cert)
	if p.minted == nil {
		p.minted = map[string]*tls.Certificate{}
	}
	p.minted[name] = &tc
	return &tc, nil
}

// rwConn is a net.Conn whose reads and writes go through rw (bytes the
// proxy read ahead of the tunnel are not lost).
type rwConn struct {
	net.Conn
	rw io.ReadWriter
}

func (c rwConn) Read(b []byte) (int, error)  { return c.rw.Read(b) }
func (c rwConn) Write(b []byte) (int, error) { return c.rw.Write(b) }

func relay(a, b io.ReadWriter) {
	done := make(chan struct{}, 2)
	go func() { io.Copy(a, b); done <- struct{}{} }()
	go func() { io.Copy(b, a); done <- struct{}{} }()
	<-done
}

// readRequest reads a request line and its headers (bounded).
func readRequest(br *bufio.Reader) (string, map[string]string, bool) {
	headers := map[string]string{}
	line, err := br.ReadString('\n')
	if err != nil || len(line) > 4096 {
		return "", nil, false
	}
	for n := 0; n < 100; n++ {
		h, err := br.ReadString('\n')
		if err != nil {
			return "", nil, false
		}
		h = strings.TrimRight(h, "\r\n")
		if h == "" {
			return strings.TrimRight(line, "\r\n"), headers, true
		}
		if k, v, ok := strings.Cut(h, ":"); ok {
			headers[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	return "", nil, false
}

func answer(c net.Conn, status, header, body string) {
	if header != "" {
		header += "\r\n"
	}
	fmt.Fprintf(c, "HTTP/1.1 %s\r\n%sServer: tlsdoctor-lab-proxy\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", status, header, len(body), body)
}

// proxied adds an endpoint reached through the proxy at proxyURL: its own
// origin server (a healthy one for the name) and the proxy to go through.
func (b *builder) proxied(e *Endpoint, proxyURL string) error {
	l, err := b.leaf(e.Name, pki.Spec{})
	if err != nil {
		return err
	}
	e.Proxy = proxyURL
	return b.tlsEndpoint(e, tlsConfig(l.TLS(b.inter.Cert)), "ok")
}

// proxies starts the lab's forward proxies and the endpoints checked
// through them.
func (b *builder) proxies() error {
	tunnel, err := (&proxyServer{l: b.l}).start()
	if err != nil {
		return err
	}
	auth, err := (&proxyServer{l: b.l, user: "lab", pass: "lab-secret"}).start()
	if err != nil {
		return err
	}
	forbid, err := (&proxyServer{l: b.l, forbid: true}).start()
	if err != nil {
		return err
	}
	// An https:// proxy whose own certificate comes from a CA the client
	// does not trust.
	pl, err := b.privInt.Leaf(pki.Spec{CN: "proxy.corp.example.test", IPs: []net.IP{net.IPv4(127, 0, 0, 1)}}, b.private.Cert)
	if err != nil {
		return err
	}
	ptc := pl.TLS(b.privInt.Cert)
	tlsProxy, err := (&proxyServer{l: b.l, tlsCert: &ptc}).start()
	if err != nil {
		return err
	}
	for _, x := range []struct {
		e     *Endpoint
		proxy string
	}{
		{&Endpoint{Name: "proxy-ok", Want: cause.OK, Description: "a healthy server reached through a CONNECT proxy that tunnels TLS untouched"}, tunnel},
		{&Endpoint{Name: "proxy-auth", Want: cause.ProxyAuthRequired, Description: "the proxy demands Basic credentials (407) and none are given"}, auth},
		{&Endpoint{Name: "proxy-forbidden", Want: cause.ProxyConnectFailed, Description: "the proxy's policy refuses the tunnel (403, as squid's ERR_ACCESS_DENIED)"}, forbid},
		{&Endpoint{Name: "proxy-tls-untrusted", Want: cause.ProxyTLSFailed, Description: "an https:// proxy whose certificate comes from a CA the client does not trust"}, tlsProxy},
	} {
		if err := b.proxied(x.e, x.proxy); err != nil {
			return err
		}
	}
	b.l.proxyAuth = strings.Replace(auth, "http://", "http://lab:lab-secret@", 1)
	return nil
}

// interception starts an inspecting proxy (its CA named like mitmproxy's)
// and a server that mints a certificate for whatever name it is asked, from
// a CA named like a FortiGate's.
func (b *builder) interception() error {
	insp, err := pki.NewRoot(pki.Spec{CN: "mitmproxy", Org: "mitmproxy"})
	if err != nil {
		return err
	}
	inspecting, err := (&proxyServer{l: b.l, resign: insp}).start()
	if err != nil {
		return err
	}
	if err := b.proxied(&Endpoint{Name: "intercepted", Want: cause.Intercepted,
		Description: "reached through a proxy that re-signs every chain with its own CA (named like mitmproxy's)"}, inspecting); err != nil {
		return err
	}
	forti, err := pki.NewRoot(pki.Spec{CN: "FortiGate CA", Org: "Fortinet"})
	if err != nil {
		return err
	}
	minter := &proxyServer{l: b.l, resign: forti}
	name := "intercepted-inline." + Domain
	cfg := &tls.Config{GetCertificate: func(hi *tls.ClientHelloInfo) (*tls.Certificate, error) {
		n := hi.ServerName
		if n == "" {
			n = name
		}
		return minter.mint(n)
	}}
	return b.tlsEndpoint(&Endpoint{Name: "intercepted-inline", Want: cause.Intercepted,
		Description: "a firewall inspecting in the path, no proxy configured: it mints a certificate for any name from a CA named like a FortiGate's"}, cfg, "ok")
}
