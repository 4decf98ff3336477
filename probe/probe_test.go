package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"https://a.b:1/x", "[::1]:2", "a:b:c", "https://[::1]/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		tg, err := ParseTarget(in)
		if err == nil && (tg.Host == "" || tg.Port < 1 || tg.Port > 65535) {
			t.Fatalf("accepted %q as %+v", in, tg)
		}
	})
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestClassifyByType(t *testing.T) {
	op := func(err error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: err}}
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"refused", op(syscall.ECONNREFUSED), KindRefused},
		{"host-unreachable", op(syscall.EHOSTUNREACH), KindUnreachable},
		{"net-unreachable", op(syscall.ENETUNREACH), KindUnreachable},
		{"reset", &net.OpError{Op: "read", Err: &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}}, KindReset},
		{"deadline", &net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}, KindTimeout},
		{"dial-ctx-timeout", &net.OpError{Op: "dial", Err: timeoutErr{}}, KindTimeout},
		{"ctx-deadline", fmt.Errorf("dial: %w", context.DeadlineExceeded), KindTimeout},
		{"nxdomain", &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}, KindDNSNotFound},
		{"dns-servfail", &net.DNSError{Err: "server misbehaving", Name: "x"}, KindDNSError},
		{"eof", io.EOF, KindEOF},
		{"short", io.ErrUnexpectedEOF, KindEOF},
		{"not-tls-wire", &wire.NotTLSError{First: []byte("HTTP/1.1")}, KindNotTLS},
		{"not-tls-go", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, KindNotTLS},
		{"too-large", &wire.TooLargeError{What: "Certificate message", Length: 1 << 24, Limit: 1 << 18}, KindTooLarge},
		{"malformed", fmt.Errorf("x: %w", wire.ErrMalformed), KindMalformed},
		{"alert-type", fmt.Errorf("x: %w", tls.AlertError(40)), KindAlert},
		{"other", errors.New("something"), KindOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.err).Kind; got != tt.want {
				t.Fatalf("kind %s, want %s", got, tt.want)
			}
		})
	}
	if Classify(nil) != nil {
		t.Fatal("nil error classified")
	}
}

// A real crypto/tls handshake against a server that refuses every version:
// the client's error is recognised as the server's alert by type.
func TestRemoteAlertFromCryptoTLS(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		wire.ReadRecord(c)
		c.Write(wire.MarshalRecord(wire.RecordAlert, wire.VersionTLS12, []byte{2, wire.AlertProtocolVersion}))
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = tls.Client(c, &tls.Config{InsecureSkipVerify: true}).Handshake()
	a := alertOf(err)
	if a == nil || a.Description != wire.AlertProtocolVersion || Classify(err).Kind != KindAlert {
		t.Fatalf("alert not recognised in %v (%#v)", err, err)
	}
}

func TestParseIssuerFormats(t *testing.T) {
	if _, err := ParseIssuer([]byte("not a certificate")); err == nil {
		t.Fatal("garbage accepted")
	}
	if pkcs7Certs([]byte{0x30, 0x03, 0x06, 0x01, 0x00}) != nil {
		t.Fatal("garbage PKCS#7 parsed")
	}
}

// Profiles whose HelloKey is equal send the same ClientHello, byte for
// byte given the same randomness (key shares are made once per process):
// what lets fleet.Clients send one hello for several profiles.
func TestHelloKey(t *testing.T) {
	target := evidence.Target{Input: "h.test:443", Scheme: "https", Host: "h.test", Port: 443, ServerName: "h.test"}
	byKey := map[string][]byte{}
	owner := map[string]string{}
	for _, p := range profile.All() {
		opts := Options{Profile: p}
		k := HelloKey(target, opts)
		tt := target
		opts.names(&tt)
		m, _ := profileSpec(p, tt.SNI).build(bytes.NewReader(make([]byte, 64)))
		raw, err := m.Marshal()
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		if prev, ok := byKey[k]; ok {
			if !bytes.Equal(prev, raw) {
				t.Errorf("%s and %s share a key but send different hellos", owner[k], p.ID)
			}
			continue
		}
		for k2, prev := range byKey {
			if bytes.Equal(prev, raw) {
				// Allowed: their follow-ups may differ (the key is the offer
				// as configured, before what the hello cannot carry is dropped).
				t.Logf("%s and %s send the same first hello under different keys", owner[k2], p.ID)
			}
		}
		byKey[k], owner[k] = raw, p.ID
	}
	if len(byKey) == len(profile.All()) {
		t.Logf("every profile sends its own hello")
	}
	if HelloKey(target, Options{Profile: profile.All()[0]}) == HelloKey(target, Options{Profile: profile.All()[0], NoSNI: true}) {
		t.Error("--no-sni does not change the key")
	}
}
