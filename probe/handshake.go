package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// goSuites is every suite crypto/tls can speak, secure and insecure, so the
// chain can be captured from as many servers as possible.
var goSuites = func() []uint16 {
	var ids []uint16
	for _, s := range tls.CipherSuites() {
		ids = append(ids, s.ID)
	}
	for _, s := range tls.InsecureCipherSuites() {
		ids = append(ids, s.ID)
	}
	return ids
}()

// fullHandshake completes a handshake with crypto/tls, verifying nothing,
// and records the chain and any certificate request. It returns the open
// connection when the handshake succeeded.
func fullHandshake(ctx context.Context, addr, sni string, maxVersion uint16, http bool, opts *Options) (*evidence.Handshake, *tls.Conn) {
	h := &evidence.Handshake{SNI: sni}
	start := time.Now()
	defer func() { h.Duration = time.Since(start) }()
	conn, _, err := opts.dial(ctx, addr)
	if err != nil {
		h.Err = Classify(err)
		return h, nil
	}
	verified := false
	cfg := &tls.Config{
		InsecureSkipVerify: true, // verification is done later, by package chain, per profile
		ServerName:         sni,
		MinVersion:         tls.VersionTLS10,
		MaxVersion:         maxVersion,
		CipherSuites:       goSuites,
		CurvePreferences:   []tls.CurveID{tls.X25519, tls.CurveP256, tls.CurveP384, tls.CurveP521},
		Rand:               opts.Rand,
		// A cache of its own, so that the hello offers tickets
		// (psk_key_exchange_modes), as OpenSSL's and browsers' do: a
		// server that asks for a client certificate then sends one once it
		// has accepted it, which ends readAlert's wait. Nothing is resumed:
		// the cache lives for this one handshake.
		ClientSessionCache: tls.NewLRUClientSessionCache(1),
		VerifyConnection: func(cs tls.ConnectionState) error {
			verified = true
			h.Certificates, h.Parsed = nil, cs.PeerCertificates
			for _, c := range cs.PeerCertificates {
				h.Certificates = append(h.Certificates, c.Raw)
			}
			h.OCSPResponse = cs.OCSPResponse
			return nil
		},
		GetClientCertificate: func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return opts.clientCertificate(h, cri), nil
		},
	}
	if http {
		cfg.NextProtos = []string{"http/1.1"}
	}
	// Record the raw bytes too: crypto/tls refuses a certificate it cannot
	// parse before VerifyConnection runs, and the TLS 1.2 chain is plaintext.
	rc := &rawConn{Conn: conn}
	tc := tls.Client(rc, cfg)
	tc.SetDeadline(opts.deadline(ctx))
	hctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		h.Err = Classify(err)
		h.Alert = alertOf(err)
		if h.Err.Kind == KindOther && verified {
			// The chain had been received and accepted by VerifyConnection;
			// what failed after it, with no alert from the server and no
			// network error, is the client's own check of the server's
			// handshake (its signature or Finished).
			h.Err.Kind = KindLocal
		}
		if len(h.Certificates) == 0 {
			if f, _ := wire.ReadFlight(bytes.NewReader(rc.buf.Bytes()), 0); f != nil {
				h.Certificates = f.Certificates
			}
		}
		closeRST(conn)
		return h, nil
	}
	rc.stop = true
	cs := tc.ConnectionState()
	h.OK, h.Version, h.CipherSuite, h.ALPN = true, cs.Version, cs.CipherSuite, cs.NegotiatedProtocol
	tc.SetDeadline(time.Time{})
	return h, tc
}

// rawConn keeps the first bytes read (up to 1 MiB). Once stopped, it
// signals arrived (when set) each time bytes come in.
type rawConn struct {
	net.Conn
	buf     bytes.Buffer
	stop    bool
	arrived chan struct{}
}

func (c *rawConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if !c.stop && c.buf.Len() < 1<<20 {
		c.buf.Write(p[:n])
	}
	if c.stop && n > 0 && c.arrived != nil {
		select {
		case c.arrived <- struct{}{}:
		default:
		}
	}
	return n, err
}

// ticketGrace is how long a read goes on after a record arrived before the
// record is taken for a NewSessionTicket rather than an alert (which ends
// the read at once).
const ticketGrace = 150 * time.Millisecond

// readAlert waits briefly for the server's verdict on a missing client
// certificate, which TLS 1.3 delivers after the handshake (in TLS 1.2 it
// came inside the handshake). A server that asked for a certificate sends
// its session tickets only after it has accepted the client's
// (RFC 8446 4.6.1), so a record that arrives and is not an alert ends the
// wait: the read goes on past it, where an alert would end it at once.
func readAlert(tc *tls.Conn, hs *evidence.Handshake, opts *Options) *wire.Alert {
	a, _ := waitAlert(tc, hs, opts)
	return a
}

// waitAlert is readAlert, also saying what ended the wait: "alert" (or
// another end of the read: "read"), "record" (one that is not an alert),
// "timeout", or "tls1.2" (nothing to wait for).
func waitAlert(tc *tls.Conn, hs *evidence.Handshake, opts *Options) (*wire.Alert, string) {
	ended := func(err error) (*wire.Alert, string) {
		if a := alertOf(err); a != nil {
			return a, "alert"
		}
		if kindOf(err) == KindTimeout {
			return nil, "timeout"
		}
		return nil, "read"
	}
	if hs.Version < wire.VersionTLS13 {
		return nil, "tls1.2"
	}
	tc.SetReadDeadline(time.Now().Add(min(opts.timeout(), 2*time.Second)))
	var arrived chan struct{}
	if rc, ok := tc.NetConn().(*rawConn); ok {
		arrived = make(chan struct{}, 1)
		rc.arrived = arrived
	}
	done := make(chan error, 1)
	go func() {
		var b [1]byte
		_, err := tc.Read(b[:])
		done <- err
	}()
	select {
	case err := <-done:
		return ended(err)
	case <-arrived:
	}
	select {
	case err := <-done:
		return ended(err)
	case <-time.After(ticketGrace):
		tc.SetReadDeadline(time.Now())
		<-done
		return nil, "record"
	}
}
