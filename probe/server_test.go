package probe

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// The loopback servers of this package's tests. Every server listens on
// 127.0.0.1 only; every connection it accepts has a generous deadline, so a
// broken test cannot hang, and is closed when the test ends.

const (
	testName = "api.tlsdoctor.test"
	// connBound bounds every server-side connection; it is never reached by
	// a passing test.
	connBound = 20 * time.Second
)

// testServer hands every connection to handle once its first record has
// been read (and parsed, when it is a ClientHello).
type testServer struct {
	ln     net.Listener
	handle func(p *peer)
	wg     sync.WaitGroup

	mu      sync.Mutex
	n       int
	open    map[net.Conn]bool
	hellos  []*wire.ClientHello // the first ClientHello of each connection, in order of arrival
	events  []string            // "hello N", "answer N", in the order they happened
	arrival map[int]chan struct{}
}

// peer is one accepted connection.
type peer struct {
	net.Conn
	srv   *testServer
	n     int               // connection number, from 1, in order of arrival
	rec   wire.Record       // the first record
	raw   []byte            // the first record as read, to replay to crypto/tls
	hello *wire.ClientHello // the first record's ClientHello; nil when it is none
}

func startServer(t *testing.T, handle func(p *peer)) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{ln: ln, handle: handle, open: map[net.Conn]bool{}, arrival: map[int]chan struct{}{}}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for c := range s.open {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *testServer) addr() string { return s.ln.Addr().String() }

func (s *testServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *testServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.open[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				c.Close()
				s.mu.Lock()
				delete(s.open, c)
				s.mu.Unlock()
			}()
			c.SetDeadline(time.Now().Add(connBound))
			var buf bytes.Buffer
			rec, err := wire.ReadRecord(io.TeeReader(c, &buf))
			if err != nil {
				return
			}
			p := &peer{Conn: c, srv: s, rec: rec, raw: buf.Bytes()}
			if rec.Type == wire.RecordHandshake {
				p.hello, _ = wire.ParseClientHello(rec.Payload)
			}
			s.mu.Lock()
			s.n++
			p.n = s.n
			s.hellos = append(s.hellos, p.hello)
			s.events = append(s.events, "hello "+strconv.Itoa(p.n))
			if ch, ok := s.arrival[p.n]; ok {
				close(ch)
			} else {
				s.arrival[p.n] = closedChan()
			}
			s.mu.Unlock()
			s.handle(p)
		}()
	}
}

func closedChan() chan struct{} { c := make(chan struct{}); close(c); return c }

// arrived is closed once connection n has sent its first record.
func (s *testServer) arrived(n int) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.arrival[n]; !ok {
		s.arrival[n] = make(chan struct{})
	}
	return s.arrival[n]
}

func (s *testServer) log(e string) {
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
}

// seen returns the connections' first ClientHellos and the event log.
func (s *testServer) seen() ([]*wire.ClientHello, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.hellos), slices.Clone(s.events)
}

// connsAfter waits (within connBound) until connection n has arrived, for
// a server that answers nothing, then returns how many there were.
func (s *testServer) connsAfter(n int) int {
	select {
	case <-s.arrived(n):
	case <-time.After(connBound):
	}
	return s.conns()
}

func (s *testServer) conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// fromCryptoTLS reports whether a ClientHello is crypto/tls's (the probe's
// full handshakes) rather than one the probe built: crypto/tls always asks
// for signed certificate timestamps, which the probe's hellos never do (they
// do ask for a stapled OCSP response, as crypto/tls does).
func fromCryptoTLS(ch *wire.ClientHello) bool {
	return ch != nil && slices.ContainsFunc(ch.Extensions, func(e wire.Extension) bool { return e.Type == wire.ExtSCT })
}

// write sends records, recording the answer in the event log.
func (p *peer) write(b ...[]byte) {
	p.srv.log("answer " + strconv.Itoa(p.n))
	p.Write(bytes.Join(b, nil))
}

// reset closes the connection with a TCP reset.
func (p *peer) reset() {
	p.srv.log("answer " + strconv.Itoa(p.n))
	p.Conn.(*net.TCPConn).SetLinger(0)
	p.Close()
}

// close closes the connection cleanly (FIN).
func (p *peer) close() {
	p.srv.log("answer " + strconv.Itoa(p.n))
	p.Close()
}

// hold reads until the client goes away, answering nothing.
func (p *peer) hold() { io.Copy(io.Discard, p.Conn) }

// readHello reads the next ClientHello on the connection, skipping a
// middlebox-compatibility ChangeCipherSpec.
func (p *peer) readHello() (*wire.ClientHello, wire.Record, error) {
	rec, err := wire.ReadRecord(p.Conn)
	for err == nil && rec.Type == wire.RecordChangeCipherSpec {
		rec, err = wire.ReadRecord(p.Conn)
	}
	if err != nil {
		return nil, rec, err
	}
	ch, err := wire.ParseClientHello(rec.Payload)
	return ch, rec, err
}

// serveTLS completes a crypto/tls server handshake on the connection (its
// first record replayed) and returns the connection, or nil if it failed.
func (p *peer) serveTLS(cfg *tls.Config) *tls.Conn {
	tc := tls.Server(&replayConn{Conn: p.Conn, r: io.MultiReader(bytes.NewReader(p.raw), p.Conn)}, cfg)
	if err := tc.Handshake(); err != nil {
		return nil
	}
	return tc
}

type replayConn struct {
	net.Conn
	r io.Reader
}

func (c *replayConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// handshakeRecord frames handshake messages as one record.
func handshakeRecord(msgs ...[]byte) []byte {
	return wire.MarshalRecord(wire.RecordHandshake, wire.VersionTLS12, bytes.Join(msgs, nil))
}

func alertRecord(desc uint8) []byte {
	return wire.MarshalRecord(wire.RecordAlert, wire.VersionTLS12, []byte{2, desc})
}

// serverHello is a ServerHello message answering ch; a TLS 1.3 one echoes
// the session ID (RFC 8446 4.1.3), a TLS 1.2 one sends none.
func serverHello(ch *wire.ClientHello, sh *wire.ServerHello) []byte {
	if sh.SupportedVersion >= wire.VersionTLS13 || sh.HelloRetry {
		sh.SessionID = ch.SessionID
	}
	if sh.Random == nil && !sh.HelloRetry {
		sh.Random = bytes.Repeat([]byte{0x5e}, 32)
	}
	body, err := sh.Marshal()
	if err != nil {
		panic(err)
	}
	return wire.HandshakeMessage(wire.TypeServerHello, body)
}

// hello13 is a TLS 1.3 ServerHello choosing suite and group.
func hello13(ch *wire.ClientHello, suite, group uint16) []byte {
	return handshakeRecord(serverHello(ch, &wire.ServerHello{Version: wire.VersionTLS12, CipherSuite: suite,
		SupportedVersion: wire.VersionTLS13, KeyShareGroup: group}))
}

// retryRequest is a HelloRetryRequest asking for group, with a cookie when
// one is given.
func retryRequest(ch *wire.ClientHello, group uint16, cookie []byte) []byte {
	return retryRequestFor(ch, 0x1301, group, cookie)
}

// retryRequestFor is a HelloRetryRequest that names the suite chosen.
func retryRequestFor(ch *wire.ClientHello, suite, group uint16, cookie []byte) []byte {
	sh := &wire.ServerHello{Version: wire.VersionTLS12, HelloRetry: true, CipherSuite: suite,
		SupportedVersion: wire.VersionTLS13, KeyShareGroup: group}
	if cookie != nil {
		sh.Extra = []wire.Extension{{Type: wire.ExtCookie, Data: append([]byte{0, byte(len(cookie))}, cookie...)}}
	}
	return handshakeRecord(serverHello(ch, sh))
}

// hello12 is a TLS 1.0-1.2 ServerHello, an optional ServerKeyExchange for
// an ECDHE curve (signed with sigalg, in TLS 1.2) and ServerHelloDone.
func hello12(ch *wire.ClientHello, version, suite, curve, sigalg uint16) []byte {
	msgs := [][]byte{serverHello(ch, &wire.ServerHello{Version: version, CipherSuite: suite})}
	if curve != 0 {
		ske := append([]byte{3, byte(curve >> 8), byte(curve), 32}, bytes.Repeat([]byte{9}, 32)...)
		if version >= wire.VersionTLS12 {
			ske = append(ske, byte(sigalg>>8), byte(sigalg))
		}
		ske = append(ske, 0, 4, 1, 2, 3, 4)
		msgs = append(msgs, wire.HandshakeMessage(wire.TypeServerKeyExchange, ske))
	}
	msgs = append(msgs, wire.HandshakeMessage(wire.TypeServerHelloDone, nil))
	return handshakeRecord(msgs...)
}

// testProfile is a TLS 1.3 + 1.2 client with a short, known offer.
func testProfile(sendsSNI bool) *profile.Profile {
	return &profile.Profile{
		ID: "test", Name: "test client",
		Versions:            []uint16{wire.VersionTLS13, wire.VersionTLS12},
		CipherSuites:        []uint16{0x1301, 0x1302, 0xc02b, 0xc02f},
		Groups:              []uint16{wire.GroupX25519, wire.GroupP256},
		KeyShares:           []uint16{wire.GroupX25519},
		SignatureAlgorithms: []uint16{wire.SigECDSAP256, wire.SigRSAPSSSHA256, wire.SigRSAPKCS1SHA256},
		SendsSNI:            sendsSNI,
		Trust:               profile.TrustNone,
	}
}

// testTarget is https://api.tlsdoctor.test:PORT/ (or the given path).
func testTarget(t *testing.T, port int, path string) evidence.Target {
	t.Helper()
	tg, err := ParseTarget("https://" + testName + ":" + strconv.Itoa(port) + path)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// mustRun probes https://api.tlsdoctor.test:PORT/ with opts.
func mustRun(t *testing.T, port int, opts Options) *evidence.Run {
	t.Helper()
	run, err := Run(context.Background(), testTarget(t, port, "/"), opts)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// testOptions probes the server at addr, whatever the target's name.
func testOptions(p *profile.Profile, addr string) Options {
	return Options{Profile: p, Timeout: 10 * time.Second, Connect: []string{addr}, NoAIA: true, Tool: "probe test"}
}

// testCert is a self-signed ECDSA certificate for testName.
var testCert = sync.OnceValue(func() tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: testName}, DNSNames: []string{testName},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
})

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func helloNames(hs []evidence.Hello) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Name)
	}
	return out
}
