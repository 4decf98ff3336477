package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// Classify, fed the errors real sockets, crypto/tls and package wire
// return on loopback.
func TestClassifyRealErrors(t *testing.T) {
	// exchangeWith sends a ClientHello to a server answering with reply (or
	// closing, or resetting) and returns the error of reading its flight.
	exchangeWith := func(t *testing.T, answer func(p *peer)) error {
		t.Helper()
		srv := startServer(t, answer)
		c, err := net.Dial("tcp", srv.addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(connBound))
		m, _ := profileSpec(testProfile(true), testName).build(bytes.NewReader(make([]byte, 64)))
		_, err = exchange(c, m)
		return err
	}
	reply := func(b ...[]byte) func(p *peer) {
		return func(p *peer) { p.write(b...); p.hold() }
	}
	sh12, _ := (&wire.ServerHello{Version: wire.VersionTLS12, CipherSuite: 0xc02f}).Marshal()
	sv := []byte{0, 43, 0, 2, 3, 4}
	dup := append(append([]byte{}, sh12...), 0, 12)
	dup = append(append(dup, sv...), sv...)

	tests := []struct {
		name string
		err  func(t *testing.T) error
		want evidence.Failure // Kind, and Subject/Offset/Size/Limit where they apply
	}{
		{"refused-closed-port", func(t *testing.T) error {
			_, err := net.Dial("tcp", closedPort(t))
			return err
		}, evidence.Failure{Kind: KindRefused}},
		{"dial-deadline-passed", func(t *testing.T) error {
			ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
			defer cancel()
			_, err := (&net.Dialer{}).DialContext(ctx, "tcp", closedPort(t))
			return err
		}, evidence.Failure{Kind: KindTimeout}},
		{"read-deadline", func(t *testing.T) error {
			srv := startServer(t, func(p *peer) { p.hold() })
			c, err := net.Dial("tcp", srv.addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetReadDeadline(time.Now().Add(-time.Second))
			_, err = c.Read(make([]byte, 1))
			return err
		}, evidence.Failure{Kind: KindTimeout}},
		{"closed", func(t *testing.T) error { return exchangeWith(t, func(p *peer) { p.close() }) }, evidence.Failure{Kind: KindEOF}},
		{"closed-mid-record", func(t *testing.T) error {
			return exchangeWith(t, func(p *peer) { p.write([]byte{wire.RecordHandshake, 3, 3, 0, 40, 2, 0}); p.close() })
		}, evidence.Failure{Kind: KindEOF}},
		{"reset", func(t *testing.T) error { return exchangeWith(t, func(p *peer) { p.reset() }) }, evidence.Failure{Kind: KindReset}},
		{"not-tls-http", func(t *testing.T) error {
			return exchangeWith(t, reply([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")))
		}, evidence.Failure{Kind: KindNotTLS}},
		{"not-tls-ssh-banner-then-close", func(t *testing.T) error {
			return exchangeWith(t, func(p *peer) { p.write([]byte("SSH")); p.close() })
		}, evidence.Failure{Kind: KindNotTLS}},
		{"not-tls-crypto-tls", func(t *testing.T) error {
			srv := startServer(t, reply([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")))
			c, err := net.Dial("tcp", srv.addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			return tls.Client(c, &tls.Config{InsecureSkipVerify: true}).Handshake()
		}, evidence.Failure{Kind: KindNotTLS}},
		{"too-large-certificate", func(t *testing.T) error {
			return exchangeWith(t, reply(handshakeRecord(wire.HandshakeMessage(wire.TypeServerHello, sh12), []byte{wire.TypeCertificate, 0x10, 0, 0})))
		}, evidence.Failure{Kind: KindTooLarge, Subject: "Certificate", Size: 1 << 20, Limit: wire.DefaultMaxMessage}},
		{"malformed-record-length", func(t *testing.T) error {
			return exchangeWith(t, reply(append([]byte{wire.RecordHandshake, 3, 3, 0xff, 0xff}, make([]byte, 64)...)))
		}, evidence.Failure{Kind: KindMalformed, Subject: "record header", Offset: 3, Code: "record-overflow"}},
		{"malformed-duplicate-extension", func(t *testing.T) error {
			return exchangeWith(t, reply(handshakeRecord(wire.HandshakeMessage(wire.TypeServerHello, dup))))
		}, evidence.Failure{Kind: KindMalformed, Subject: "ServerHello", Offset: len(sh12) + 2 + len(sv), Code: "duplicate-extension"}},
		{"malformed-without-position", func(t *testing.T) error {
			return exchangeWith(t, reply(handshakeRecord(wire.HandshakeMessage(wire.TypeServerHello, sh12[:20]))))
		}, evidence.Failure{Kind: KindMalformed}},
		{"remote-alert", func(t *testing.T) error {
			srv := startServer(t, reply(alertRecord(wire.AlertProtocolVersion)))
			c, err := net.Dial("tcp", srv.addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			return tls.Client(c, &tls.Config{InsecureSkipVerify: true}).Handshake()
		}, evidence.Failure{Kind: KindAlert}},
		{"local-verification", func(t *testing.T) error {
			srv := httpServer(t, nil, respond(""))
			c, err := net.Dial("tcp", srv.addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			return tls.Client(c, &tls.Config{ServerName: testName}).Handshake() // a self-signed certificate
		}, evidence.Failure{Kind: KindLocal}},
		{"short-read", func(t *testing.T) error {
			_, err := io.ReadFull(bytes.NewReader([]byte{1}), make([]byte, 2))
			return err
		}, evidence.Failure{Kind: KindEOF}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err(t)
			if err == nil {
				t.Fatal("no error")
			}
			got := Classify(err)
			if got.Message != err.Error() {
				t.Fatalf("message %q", got.Message)
			}
			got.Message = ""
			if *got != tt.want {
				t.Fatalf("Classify(%v) = %+v, want %+v", err, *got, tt.want)
			}
		})
	}
}

// The alert in an error crypto/tls returns: the server's, or the client's own.
func TestAlertOf(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		alert  bool
		remote bool
	}{
		{"alert-error", tls.AlertError(wire.AlertHandshakeFailure), true, true},
		{"nil", nil, false, false},
		{"op-error-without-alert", &net.OpError{Op: "read", Err: io.EOF}, false, false},
		{"op-error-nil", &net.OpError{Op: "remote error"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, remote, ok := tlsAlert(tt.err)
			if ok != tt.alert || remote != tt.remote {
				t.Fatalf("alert %v remote %v", ok, remote)
			}
			if a := alertOf(tt.err); (a != nil) != (tt.alert && tt.remote) {
				t.Fatalf("alertOf %+v", a)
			}
		})
	}
}
