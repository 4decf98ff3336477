package lab

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// Start mints the lab PKI and starts every endpoint on loopback.
func Start(ctx context.Context) (l *Lab, err error) {
	lctx, cancel := context.WithCancel(ctx)
	l = &Lab{names: map[string][]netip.Addr{}, ctx: lctx, cancel: cancel, creds: map[string]*Credential{}}
	defer func() {
		if err != nil {
			l.Close()
			l = nil
		}
	}()
	b := &builder{l: l, now: time.Now()}
	if err := b.pki(); err != nil {
		return nil, err
	}
	l.Root = b.root.Cert
	for _, step := range []func() error{b.healthy, b.network, b.transport, b.negotiation, b.certificates, b.application, b.fleet, b.hostile, b.subtle,
		b.revocation, b.interception, b.proxies, b.mutualTLS} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return l, nil
}

type builder struct {
	l        *Lab
	now      time.Time
	root     *pki.CA
	inter    *pki.CA
	private  *pki.CA // an untrusted root
	privInt  *pki.CA
	clientCA *pki.CA
	aiaBase  string
	rev      *revocationService
}

func (b *builder) pki() (err error) {
	// The CA's web server (AIA issuers, OCSP, CRLs) comes first: its URLs
	// go into the certificates, as a CA's do.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	b.aiaBase = "http://" + ln.Addr().String()
	b.rev = newRevocationService(b.aiaBase)
	mux := http.NewServeMux()
	b.rev.register(mux)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	b.l.onClose(func() { srv.Close() })

	if b.root, err = pki.NewRoot(pki.Spec{CN: "tlsdoctor Lab Root CA"}); err != nil {
		return err
	}
	b.rev.addCA("root", b.root)
	if b.inter, err = b.root.Intermediate(pki.Spec{CN: "tlsdoctor Lab Intermediate CA",
		OCSP: []string{b.rev.ocspURL("root")}, CRL: []string{b.rev.crlURL("root")}}); err != nil {
		return err
	}
	b.rev.addCA("inter", b.inter)
	if b.private, err = pki.NewRoot(pki.Spec{CN: "Corp Private Root CA", Org: "Corp"}); err != nil {
		return err
	}
	if b.privInt, err = b.private.Intermediate(pki.Spec{CN: "Corp Private Issuing CA", Org: "Corp"}); err != nil {
		return err
	}
	if b.clientCA, err = pki.NewRoot(pki.Spec{CN: "tlsdoctor Lab Client CA"}); err != nil {
		return err
	}
	// The AIA server publishes the intermediate, as a CA does.
	mux.HandleFunc("/intermediate.der", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pkix-cert")
		w.Write(b.inter.Cert.Raw)
	})
	return nil
}

// leaf mints a leaf for the endpoint name under the lab intermediate.
func (b *builder) leaf(name string, s pki.Spec) (*pki.Leaf, error) {
	host := name + "." + Domain
	if s.CN == "" {
		s.CN = host
	}
	if s.DNS == nil {
		s.DNS = []string{host}
	}
	// Like a public CA's, the lab's leaves name its OCSP responder and CRL
	// (an empty, non-nil list names none).
	if s.OCSP == nil {
		s.OCSP = []string{b.rev.ocspURL("inter")}
	}
	if s.CRL == nil {
		s.CRL = []string{b.rev.crlURL("inter")}
	}
	return b.inter.Leaf(s, b.root.Cert)
}

// tlsEndpoint serves TLS with cfg; after the handshake it answers HTTP
// according to mode: "ok", "garbage", "double-tls", "close".
func (b *builder) tlsEndpoint(e *Endpoint, cfg *tls.Config, mode string, ips ...string) error {
	if len(ips) == 0 {
		ips = []string{"127.0.0.1"}
	}
	port := 0
	for _, ip := range ips {
		addr, err := b.l.listen(ip, port, func(c net.Conn) { serveTLS(c, cfg, mode) })
		if err != nil {
			return fmt.Errorf("lab: %s: %w", e.Name, err)
		}
		e.Addrs = append(e.Addrs, addr)
		_, p, _ := net.SplitHostPort(addr)
		fmt.Sscan(p, &port)
	}
	b.l.add(e)
	return nil
}

func serveTLS(c net.Conn, cfg *tls.Config, mode string) {
	tc := tls.Server(c, cfg)
	tc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err != nil {
		return
	}
	br := bufio.NewReader(tc)
	var req bytes.Buffer
	for req.Len() < 16<<10 {
		line, err := br.ReadString('\n')
		req.WriteString(line)
		if err != nil || line == "\r\n" || line == "\n" {
			break
		}
	}
	switch mode {
	case "ok":
		body := "tlsdoctor lab: ok\n"
		fmt.Fprintf(tc, "HTTP/1.1 200 OK\r\nServer: tlsdoctor-lab\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	case "garbage":
		tc.Write([]byte("220 lab-legacy-service ready\r\n"))
	case "double-tls":
		// What a TLS server says when it is sent plaintext: a TLS alert record.
		tc.Write(wire.MarshalRecord(wire.RecordAlert, wire.VersionTLS12, []byte{2, wire.AlertProtocolVersion}))
	case "close":
	case "continue":
		// 100 Continue, again and again, never a final response.
		for i := 0; i < 1000; i++ {
			if _, err := tc.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n")); err != nil {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	case "endless-headers":
		tc.Write([]byte("HTTP/1.1 200 OK\r\nServer: tlsdoctor-lab\r\n"))
		for i := 0; i < 100000; i++ {
			if _, err := fmt.Fprintf(tc, "X-Filler-%d: %s\r\n", i, strings.Repeat("x", 100)); err != nil {
				break
			}
		}
	case "reset-headers":
		tc.Write([]byte("HTTP/1.1 200 OK\r\nServer: tlsdoctor-lab\r\nContent-Type: text/pl"))
		time.Sleep(50 * time.Millisecond)
		if t, ok := c.(*net.TCPConn); ok {
			t.SetLinger(0) // the close below is a reset
		}
		c.Close()
		return
	case "mtls-http":
		// nginx with ssl_verify_client on: the handshake completes without a
		// certificate and the request is refused (nginx's own page).
		if len(tc.ConnectionState().PeerCertificates) == 0 {
			body := "<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>No required SSL certificate was sent</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
			fmt.Fprintf(tc, "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
			break
		}
		fmt.Fprintf(tc, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	}
	tc.Close()
}

// rawEndpoint serves each connection with handle, on plain TCP.
func (b *builder) rawEndpoint(e *Endpoint, handle func(net.Conn)) error {
	addr, err := b.l.listen("127.0.0.1", 0, handle)
	if err != nil {
		return fmt.Errorf("lab: %s: %w", e.Name, err)
	}
	e.Addrs = []string{addr}
	b.l.add(e)
	return nil
}

// readHello reads the client's first record.
func readHello(c net.Conn) bool {
	_, err := wire.ReadRecord(c)
	return err == nil
}

// hold keeps a connection open, silent, until the peer or the lab gives up.
func hold(c net.Conn) {
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

func (b *builder) healthy() error {
	l, err := b.leaf("ok", pki.Spec{})
	if err != nil {
		return err
	}
	if err := b.tlsEndpoint(&Endpoint{Name: "ok", Want: cause.OK, Description: "a healthy server: TLS 1.3, full chain, HTTP 200"},
		tlsConfig(l.TLS(b.inter.Cert)), "ok"); err != nil {
		return err
	}
	lr, err := b.leaf("ok-rsa", pki.Spec{Key: "rsa2048"})
	if err != nil {
		return err
	}
	cfg := tlsConfig(lr.TLS(b.inter.Cert))
	cfg.MaxVersion = tls.VersionTLS12
	return b.tlsEndpoint(&Endpoint{Name: "ok-rsa", Want: cause.OK, Description: "a healthy TLS 1.2 server with an RSA certificate"}, cfg, "ok")
}

func (b *builder) network() error {
	// A port nothing listens on, held so that nothing will.
	addr, closeFn, err := closedPort()
	if err != nil {
		return err
	}
	b.l.onClose(closeFn)
	b.l.add(&Endpoint{Name: "refused", Want: cause.TCPRefused, Description: "nothing listens on the port", Addrs: []string{addr}})

	if bh, closeFn, err := blackhole(); err == nil {
		b.l.onClose(closeFn)
		b.l.add(&Endpoint{Name: "tcp-timeout", Want: cause.TCPTimeout, Description: "SYNs are dropped, as by a firewall", Addrs: []string{bh}, Slow: true})
	}
	b.l.add(&Endpoint{Name: "dns-failure", Want: cause.DNSFailure, Description: "the name does not resolve", Addrs: []string{"127.0.0.1:443"}})
	return nil
}

func (b *builder) transport() error {
	eps := []struct {
		e *Endpoint
		h func(net.Conn)
	}{
		{&Endpoint{Name: "silent", Want: cause.HandshakeTimeout, Description: "accepts TCP, never answers the ClientHello", Slow: true}, hold},
		{&Endpoint{Name: "plain-http", Want: cause.NotTLS, Description: "a plain HTTP server on the port"}, func(c net.Conn) {
			readHello(c)
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n400 Bad Request\n"))
		}},
		{&Endpoint{Name: "ssh", Want: cause.NotTLS, Description: "an SSH server on the port"}, func(c net.Conn) {
			c.Write([]byte("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"))
			hold(c)
		}},
		{&Endpoint{Name: "reset", Want: cause.ResetDuringHandshake, Description: "a middlebox resets the connection after the ClientHello"}, func(c net.Conn) {
			readHello(c)
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0)
			}
		}},
		{&Endpoint{Name: "close", Want: cause.ClosedDuringHandshake, Description: "the server closes after the ClientHello, no alert"}, func(c net.Conn) {
			readHello(c)
		}},
		{&Endpoint{Name: "alert", Want: cause.ServerAlert, Description: "the server answers every ClientHello with internal_error"}, func(c net.Conn) {
			if readHello(c) {
				c.Write(wire.MarshalRecord(wire.RecordAlert, wire.VersionTLS12, []byte{2, wire.AlertInternalError}))
			}
		}},
	}
	for _, x := range eps {
		if err := b.rawEndpoint(x.e, x.h); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) negotiation() error {
	l, err := b.leaf("tls10-only", pki.Spec{})
	if err != nil {
		return err
	}
	cfg := tlsConfig(l.TLS(b.inter.Cert))
	cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS10, tls.VersionTLS10
	if err := b.tlsEndpoint(&Endpoint{Name: "tls10-only", Want: cause.ProtocolVersionMismatch, Description: "a legacy server that speaks only TLS 1.0"}, cfg, "ok"); err != nil {
		return err
	}

	lr, err := b.leaf("cipher-mismatch", pki.Spec{Key: "rsa2048"})
	if err != nil {
		return err
	}
	cfg = tlsConfig(lr.TLS(b.inter.Cert))
	cfg.MaxVersion = tls.VersionTLS12
	cfg.CipherSuites = []uint16{tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA}
	if err := b.tlsEndpoint(&Endpoint{Name: "cipher-mismatch", Want: cause.CipherMismatch, Description: "a server that accepts only 3DES"}, cfg, "ok"); err != nil {
		return err
	}

	lg, err := b.leaf("group-mismatch", pki.Spec{})
	if err != nil {
		return err
	}
	cfg = tlsConfig(lg.TLS(b.inter.Cert))
	cfg.CurvePreferences = []tls.CurveID{tls.CurveP521}
	if err := b.tlsEndpoint(&Endpoint{Name: "group-mismatch", Want: cause.GroupMismatch, Description: "a server that accepts only the P-521 group"}, cfg, "ok"); err != nil {
		return err
	}

	// No certificate without SNI: Go answers unrecognized_name.
	ls, err := b.leaf("sni-required", pki.Spec{})
	if err != nil {
		return err
	}
	sniCert := ls.TLS(b.inter.Cert)
	cfg = &tls.Config{GetCertificate: func(hi *tls.ClientHelloInfo) (*tls.Certificate, error) {
		if hi.ServerName == "" {
			return nil, nil
		}
		return &sniCert, nil
	}}
	if err := b.tlsEndpoint(&Endpoint{Name: "sni-required", Want: cause.SNIRequired, Profile: "nginx-proxy",
		Description: "refuses clients that send no SNI (as nginx proxy_pass does by default)"}, cfg, "ok"); err != nil {
		return err
	}

	// A default certificate for another name without SNI.
	ld, err := b.leaf("sni-default-cert", pki.Spec{})
	if err != nil {
		return err
	}
	def, err := b.leaf("default-vhost", pki.Spec{})
	if err != nil {
		return err
	}
	named, fallback := ld.TLS(b.inter.Cert), def.TLS(b.inter.Cert)
	cfg = &tls.Config{GetCertificate: func(hi *tls.ClientHelloInfo) (*tls.Certificate, error) {
		if hi.ServerName == "sni-default-cert."+Domain {
			return &named, nil
		}
		return &fallback, nil
	}}
	if err := b.tlsEndpoint(&Endpoint{Name: "sni-default-cert", Want: cause.SNIRequired, NoSNI: true,
		Description: "without SNI serves a default certificate for another name"}, cfg, "ok"); err != nil {
		return err
	}

	lc, err := b.leaf("client-cert", pki.Spec{})
	if err != nil {
		return err
	}
	cfg = tlsConfig(lc.TLS(b.inter.Cert))
	cfg.ClientAuth = tls.RequireAndVerifyClientCert
	cfg.ClientCAs = pki.Pool(b.clientCA.Cert)
	return b.tlsEndpoint(&Endpoint{Name: "client-cert", Want: cause.ClientCertRequired, Description: "requires a client certificate (mutual TLS)"}, cfg, "ok")
}

func (b *builder) certificates() error {
	now := b.now
	type certCase struct {
		name, desc string
		want       cause.Code
		spec       pki.Spec
		send       func(l *pki.Leaf) tls.Certificate
	}
	full := func(l *pki.Leaf) tls.Certificate { return l.TLS(b.inter.Cert) }
	cases := []certCase{
		{"expired", "the leaf expired three days ago", cause.CertExpired, pki.Spec{NotBefore: now.Add(-90 * 24 * time.Hour), NotAfter: now.Add(-72 * time.Hour)}, full},
		{"not-yet-valid", "the leaf becomes valid in two days", cause.CertNotYetValid, pki.Spec{NotBefore: now.Add(48 * time.Hour), NotAfter: now.Add(90 * 24 * time.Hour)}, full},
		{"wrong-host", "the certificate covers other names", cause.HostnameMismatch, pki.Spec{CN: "myinstance.example.test", DNS: []string{"myinstance.example.test", "*.internal.example.test"}}, full},
		{"cn-only", "the name is only in the subject CN, no SAN", cause.CNWithoutSAN, pki.Spec{DNS: []string{}}, full},
		{"chain-incomplete", "the server sends the leaf without its intermediate", cause.ChainIncomplete, pki.Spec{}, func(l *pki.Leaf) tls.Certificate { return l.TLS() }},
		{"chain-incomplete-aia", "the leaf alone, but its AIA URL serves the intermediate", cause.ChainIncomplete, pki.Spec{AIA: []string{b.aiaBase + "/intermediate.der"}}, func(l *pki.Leaf) tls.Certificate { return l.TLS() }},
		{"sha1", "the leaf is signed with ECDSA-SHA1", cause.WeakSignature, pki.Spec{SigAlg: x509.ECDSAWithSHA1}, full},
		{"rsa1024", "the leaf has a 1024-bit RSA key", cause.WeakKey, pki.Spec{Key: "rsa1024"}, full},
		{"bad-eku", "the leaf is for client authentication only", cause.BadKeyUsage, pki.Spec{EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, full},
		{"leaf-is-ca", "the leaf is a CA certificate (Firefox refuses it; OpenSSL, Go, Java and Python accept it)", cause.CertInvalid, pki.Spec{IsCA: true}, full},
	}
	for _, c := range cases {
		l, err := b.leaf(c.name, c.spec)
		if err != nil {
			return err
		}
		prof := ""
		if c.name == "leaf-is-ca" {
			prof = "firefox" // the client that refuses it
		}
		if err := b.tlsEndpoint(&Endpoint{Name: c.name, Want: c.want, Profile: prof, Description: c.desc}, tlsConfig(c.send(l)), "ok"); err != nil {
			return err
		}
	}

	host := "untrusted-root." + Domain
	lp, err := b.privInt.Leaf(pki.Spec{CN: host, DNS: []string{host}}, b.private.Cert)
	if err != nil {
		return err
	}
	if err := b.tlsEndpoint(&Endpoint{Name: "untrusted-root", Want: cause.UntrustedRoot, Description: "a chain from a private CA the client does not trust"},
		tlsConfig(lp.TLS(b.privInt.Cert)), "ok"); err != nil {
		return err
	}
	host = "self-signed." + Domain
	ss, err := pki.SelfSignedLeaf(pki.Spec{CN: host, DNS: []string{host}})
	if err != nil {
		return err
	}
	if err := b.tlsEndpoint(&Endpoint{Name: "self-signed", Want: cause.SelfSigned, Description: "a self-signed certificate"}, tlsConfig(ss.TLS()), "ok"); err != nil {
		return err
	}

	lk, err := b.leaf("key-mismatch", pki.Spec{})
	if err != nil {
		return err
	}
	wrong, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	mism := lk.TLS(b.inter.Cert)
	mism.PrivateKey = wrong
	return b.tlsEndpoint(&Endpoint{Name: "key-mismatch", Want: cause.KeyMismatch, Description: "the server's key does not belong to its certificate"}, tlsConfig(mism), "ok")
}

func (b *builder) application() error {
	return b.httpModes([]httpMode{
		{"http-garbage", "garbage", "TLS works; the reply is an SMTP-style banner, not HTTP", cause.HTTPInvalidResponse},
		{"double-tls", "double-tls", "TLS works; the reply is another TLS record", cause.DoubleTLS},
		{"http-close", "close", "TLS works; the server closes without an HTTP reply", cause.HTTPNoResponse},
	})
}

// httpMode is an endpoint whose TLS works and whose application does not:
// mode is what serveTLS answers with.
type httpMode struct {
	name, mode, desc string
	want             cause.Code
}

func (b *builder) httpModes(modes []httpMode) error {
	for _, x := range modes {
		l, err := b.leaf(x.name, pki.Spec{})
		if err != nil {
			return err
		}
		if err := b.tlsEndpoint(&Endpoint{Name: x.name, Want: x.want, Description: x.desc}, tlsConfig(l.TLS(b.inter.Cert)), x.mode); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) fleet() error {
	name := "inconsistent"
	good, err := b.leaf(name, pki.Spec{})
	if err != nil {
		return err
	}
	old, err := b.leaf(name, pki.Spec{NotBefore: b.now.Add(-400 * 24 * time.Hour), NotAfter: b.now.Add(-24 * time.Hour)})
	if err != nil {
		return err
	}
	e := &Endpoint{Name: name, Want: cause.InconsistentBackends, Description: "two nodes behind one name; 127.0.0.2 still serves last year's certificate"}
	for try := 0; try < 5; try++ {
		e.Addrs = nil
		a1, err := b.l.listen("127.0.0.1", 0, func(c net.Conn) { serveTLS(c, tlsConfig(good.TLS(b.inter.Cert)), "ok") })
		if err != nil {
			return err
		}
		_, p, _ := net.SplitHostPort(a1)
		a2, err := b.l.listen("127.0.0.2", atoi(p), func(c net.Conn) { serveTLS(c, tlsConfig(old.TLS(b.inter.Cert)), "ok") })
		if err != nil {
			continue // port taken on 127.0.0.2; try another
		}
		e.Addrs = []string{a1, a2}
		b.l.add(e)
		return nil
	}
	return fmt.Errorf("lab: inconsistent: no port free on both 127.0.0.1 and 127.0.0.2")
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

// hostile endpoints test robustness: garbage, a huge certificate message,
// and a server that trickles one byte a second.
func (b *builder) hostile() error {
	eps := []struct {
		e *Endpoint
		h func(net.Conn)
	}{
		{&Endpoint{Name: "garbage", Want: cause.NotTLS, Description: "answers with random binary bytes"}, func(c net.Conn) {
			readHello(c)
			junk := make([]byte, 512)
			rand.Read(junk)
			junk[0], junk[1] = 0xff, 0xff // never a TLS record header, whatever the random bytes
			c.Write(junk)
		}},
		{&Endpoint{Name: "huge-cert", Want: cause.CertTooLarge, Description: "sends a 10 MB certificate message"}, func(c net.Conn) {
			if !readHello(c) {
				return
			}
			// renegotiation_info, so that OpenSSL clients read on to the
			// certificate message rather than stop at the ServerHello.
			sh := &wire.ServerHello{Version: wire.VersionTLS12, Random: make([]byte, 32), CipherSuite: 0xc02b,
				Extra: []wire.Extension{{Type: wire.ExtRenegotiationInfo, Data: []byte{0}}}}
			body, _ := sh.Marshal()
			msg := wire.HandshakeMessage(wire.TypeServerHello, body)
			n := 10 << 20
			msg = append(msg, wire.TypeCertificate, byte(n>>16), byte(n>>8), byte(n))
			c.Write(wire.MarshalRecord(wire.RecordHandshake, wire.VersionTLS12, msg))
			chunk := wire.MarshalRecord(wire.RecordHandshake, wire.VersionTLS12, make([]byte, 16000))
			for sent := 0; sent < n; sent += 16000 {
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
		}},
		{&Endpoint{Name: "trickle", Want: cause.HandshakeTimeout, Description: "answers one byte a second", Slow: true}, func(c net.Conn) {
			readHello(c)
			for _, x := range []byte{0x16, 0x03, 0x03, 0x40, 0x00} {
				if _, err := c.Write([]byte{x}); err != nil {
					return
				}
				time.Sleep(time.Second)
			}
			hold(c)
		}},
	}
	for _, x := range eps {
		if err := b.rawEndpoint(x.e, x.h); err != nil {
			return err
		}
	}
	return nil
}
