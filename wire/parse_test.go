package wire

import (
	"bytes"
	"errors"
	"io"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// ext encodes one extension (type, length, data).
func ext(typ uint16, data ...byte) []byte {
	return append([]byte{byte(typ >> 8), byte(typ), byte(len(data) >> 8), byte(len(data))}, data...)
}

// serverHelloBody is a ServerHello body with the given raw extension block
// (nil: no extension block at all).
func serverHelloBody(exts ...[]byte) []byte {
	b := []byte{3, 3}
	b = append(b, bytes.Repeat([]byte{0x42}, 32)...)
	b = append(b, 0)          // empty session ID
	b = append(b, 0x13, 0x01) // TLS_AES_128_GCM_SHA256
	b = append(b, 0)          // null compression
	if exts == nil {
		return b
	}
	var all []byte
	for _, e := range exts {
		all = append(all, e...)
	}
	return append(append(b, byte(len(all)>>8), byte(len(all))), all...)
}

// serverHelloHeaderLen is the length of serverHelloBody's fixed part plus
// the extension block's length field: the offset of the first extension.
const serverHelloHeaderLen = 2 + 32 + 1 + 2 + 1 + 2

func TestParseServerHelloChecks(t *testing.T) {
	sv13 := ext(ExtSupportedVersions, 3, 4)
	ks := ext(ExtKeyShare, 0, 29, 0, 1, 9)
	tests := []struct {
		name       string
		body       []byte
		wantOffset int    // a *MalformedError at this offset (0: not one)
		wantErr    string // an ErrMalformed whose text contains this
		check      func(t *testing.T, sh *ServerHello)
	}{
		{name: "no-extensions", body: serverHelloBody(), check: func(t *testing.T, sh *ServerHello) {
			if sh.NegotiatedVersion() != VersionTLS12 || sh.ExtensionTypes != nil || sh.HelloRetry {
				t.Fatalf("%+v", sh)
			}
		}},
		{name: "tls13", body: serverHelloBody(sv13, ks), check: func(t *testing.T, sh *ServerHello) {
			if sh.NegotiatedVersion() != VersionTLS13 || sh.KeyShareGroup != GroupX25519 || !reflect.DeepEqual(sh.ExtensionTypes, []uint16{ExtSupportedVersions, ExtKeyShare}) {
				t.Fatalf("%+v", sh)
			}
		}},
		{name: "alpn", body: serverHelloBody(ext(ExtALPN, 0, 3, 2, 'h', '2')), check: func(t *testing.T, sh *ServerHello) {
			if sh.ALPN != "h2" {
				t.Fatalf("ALPN %q", sh.ALPN)
			}
		}},
		{name: "cookie", body: serverHelloBody(sv13, ext(ExtCookie, 0, 3, 'a', 'b', 'c')), check: func(t *testing.T, sh *ServerHello) {
			if string(sh.Cookie) != "abc" {
				t.Fatalf("cookie %q", sh.Cookie)
			}
		}},
		{name: "unknown-extension-kept-by-type", body: serverHelloBody(ext(0xfe0d, 1, 2)), check: func(t *testing.T, sh *ServerHello) {
			if !reflect.DeepEqual(sh.ExtensionTypes, []uint16{0xfe0d}) {
				t.Fatalf("%v", sh.ExtensionTypes)
			}
		}},
		{name: "duplicate-first-pair", body: serverHelloBody(sv13, sv13), wantOffset: serverHelloHeaderLen + len(sv13)},
		{name: "duplicate-after-another", body: serverHelloBody(sv13, ks, ext(ExtALPN, 0, 3, 2, 'h', '2'), ks), wantOffset: serverHelloHeaderLen + len(sv13) + len(ks) + 9},
		{name: "duplicate-unknown-type", body: serverHelloBody(ext(0xfe0d), ext(0xfe0d)), wantOffset: serverHelloHeaderLen + 4},
		{name: "empty-cookie", body: serverHelloBody(ext(ExtCookie, 0, 0)), wantErr: "cookie"},
		{name: "cookie-length-past-end", body: serverHelloBody(ext(ExtCookie, 0, 9, 'a')), wantErr: "cookie"},
		{name: "cookie-without-length", body: serverHelloBody(ext(ExtCookie, 1)), wantErr: "cookie"},
		{name: "supported-versions-trailing", body: serverHelloBody(ext(ExtSupportedVersions, 3, 4, 0)), wantErr: "supported_versions"},
		{name: "supported-versions-short", body: serverHelloBody(ext(ExtSupportedVersions, 3)), wantErr: "supported_versions"},
		{name: "key-share-short", body: serverHelloBody(ext(ExtKeyShare, 0)), wantErr: "key_share"},
		{name: "alpn-empty", body: serverHelloBody(ext(ExtALPN)), wantErr: "alpn"},
		{name: "extension-length-past-end", body: serverHelloBody([]byte{0, 43, 0, 9, 3}), wantErr: "ServerHello extension"},
		{name: "extension-block-trailing", body: append(serverHelloBody(sv13), 0), wantErr: "ServerHello extensions"},
		{name: "header-short", body: serverHelloBody()[:20], wantErr: "ServerHello header"},
		{name: "empty", body: nil, wantErr: "ServerHello header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sh, err := ParseServerHello(tt.body)
			switch {
			case tt.wantOffset > 0:
				var me *MalformedError
				if !errors.As(err, &me) {
					t.Fatalf("got %v (%T), want *MalformedError", err, err)
				}
				if me.Message != "ServerHello" || me.Offset != tt.wantOffset || !strings.Contains(me.Reason, "twice") {
					t.Fatalf("got %+v, want ServerHello at offset %d", me, tt.wantOffset)
				}
				if !errors.Is(err, ErrMalformed) || sh != nil {
					t.Fatalf("not ErrMalformed, or a result with the error")
				}
				// The offset points at the repeated extension's type.
				typ := uint16(tt.body[me.Offset])<<8 | uint16(tt.body[me.Offset+1])
				if !strings.Contains(me.Reason, ExtensionName(typ)) {
					t.Fatalf("offset %d holds %d, reason %q", me.Offset, typ, me.Reason)
				}
			case tt.wantErr != "":
				if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.wantErr) || sh != nil {
					t.Fatalf("got %v, want ErrMalformed about %q", err, tt.wantErr)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, sh)
			}
		})
	}
}

// A HelloRetryRequest carrying a cookie round-trips through Marshal (the
// cookie travels in Extra, as a lab server sends it) and ParseServerHello.
func TestHelloRetryRequestCookieRoundTrip(t *testing.T) {
	cookie := []byte("state-the-server-needs-back")
	hrr := &ServerHello{Version: VersionTLS12, HelloRetry: true, SessionID: []byte{1, 2, 3}, CipherSuite: 0x1302,
		SupportedVersion: VersionTLS13, KeyShareGroup: GroupP384,
		Extra: []Extension{{Type: ExtCookie, Data: append([]byte{0, byte(len(cookie))}, cookie...)}}}
	b, err := hrr.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseServerHello(b)
	if err != nil {
		t.Fatal(err)
	}
	want := *hrr
	want.Random, want.Extra, want.Cookie = helloRetryRandom, nil, cookie
	want.ExtensionTypes = []uint16{ExtSupportedVersions, ExtKeyShare, ExtCookie}
	if !reflect.DeepEqual(got, &want) {
		t.Fatalf("got %+v\nwant %+v", got, &want)
	}
	// Extra written twice is refused on the way back, at the second copy.
	hrr.Extra = append(hrr.Extra, hrr.Extra[0])
	b, _ = hrr.Marshal()
	var me *MalformedError
	if _, err := ParseServerHello(b); !errors.As(err, &me) || me.Offset != len(b)-len(hrr.Extra[0].Data)-4 {
		t.Fatalf("duplicate cookie: %v", err)
	}
}

func TestReadRecord(t *testing.T) {
	tests := []struct {
		name  string
		in    []byte
		check func(t *testing.T, r Record, err error)
	}{
		{"handshake", MarshalRecord(RecordHandshake, VersionTLS12, []byte{1, 2, 3}), func(t *testing.T, r Record, err error) {
			if err != nil || r.Type != RecordHandshake || r.Version != VersionTLS12 || !bytes.Equal(r.Payload, []byte{1, 2, 3}) {
				t.Fatalf("%+v %v", r, err)
			}
		}},
		{"largest-allowed", append([]byte{RecordApplicationData, 3, 3, byte(MaxRecordPayload >> 8), byte(MaxRecordPayload & 0xff)}, make([]byte, MaxRecordPayload)...), func(t *testing.T, r Record, err error) {
			if err != nil || len(r.Payload) != MaxRecordPayload {
				t.Fatalf("%d %v", len(r.Payload), err)
			}
		}},
		{"length-one-over", []byte{RecordHandshake, 3, 3, byte((MaxRecordPayload + 1) >> 8), byte((MaxRecordPayload + 1) & 0xff), 0}, func(t *testing.T, r Record, err error) {
			wantOverflow(t, err)
		}},
		{"length-65535", append([]byte{RecordHandshake, 3, 1, 0xff, 0xff}, make([]byte, 64)...), func(t *testing.T, r Record, err error) {
			wantOverflow(t, err)
		}},
		{"alert-length-65535", []byte{RecordAlert, 3, 0, 0xff, 0xff}, func(t *testing.T, r Record, err error) {
			wantOverflow(t, err)
		}},
		{"http", []byte("HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: 150\r\n\r\n<html>"), func(t *testing.T, r Record, err error) {
			nt := wantNotTLS(t, err)
			if len(nt.First) != 64 || Sniff(nt.First).Kind != "http" {
				t.Fatalf("first %d bytes: %q", len(nt.First), nt.First)
			}
		}},
		{"tls-version-3.5", []byte{RecordHandshake, 3, 5, 0, 1, 0}, func(t *testing.T, r Record, err error) {
			if nt := wantNotTLS(t, err); !bytes.Equal(nt.First, []byte{RecordHandshake, 3, 5, 0, 1, 0}) {
				t.Fatalf("first %x", nt.First)
			}
		}},
		{"short-garbage", []byte("SS"), func(t *testing.T, r Record, err error) {
			if nt := wantNotTLS(t, err); string(nt.First) != "SS" {
				t.Fatalf("first %q", nt.First)
			}
		}},
		{"short-tls-prefix", []byte{RecordHandshake, 3}, func(t *testing.T, r Record, err error) {
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("%v", err)
			}
		}},
		{"nothing", nil, func(t *testing.T, r Record, err error) {
			if err != io.EOF {
				t.Fatalf("%v", err)
			}
		}},
		{"payload-cut", MarshalRecord(RecordHandshake, VersionTLS12, make([]byte, 40))[:20], func(t *testing.T, r Record, err error) {
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("%v", err)
			}
		}},
		{"header-only-then-eof", []byte{RecordHandshake, 3, 3, 0, 10}, func(t *testing.T, r Record, err error) {
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("%v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ReadRecord(bytes.NewReader(tt.in))
			tt.check(t, r, err)
		})
	}
}

// wantOverflow checks the error of a record header whose length no TLS stack
// may send: the peer speaks TLS, so it is malformed, not "not TLS".
func wantOverflow(t *testing.T, err error) {
	t.Helper()
	var me *MalformedError
	var nt *NotTLSError
	if errors.As(err, &nt) {
		t.Fatalf("an oversized TLS record reported as not TLS: %v", err)
	}
	if !errors.As(err, &me) || me.Message != "record header" || me.Offset != 3 || !strings.Contains(me.Reason, "exceeds") {
		t.Fatalf("got %v (%T), want a *MalformedError at byte 3 of the record header", err, err)
	}
	if !errors.Is(err, ErrMalformed) {
		t.Fatal("not ErrMalformed")
	}
}

func wantNotTLS(t *testing.T, err error) *NotTLSError {
	t.Helper()
	var nt *NotTLSError
	if !errors.As(err, &nt) {
		t.Fatalf("got %v (%T), want *NotTLSError", err, err)
	}
	if errors.Is(err, ErrMalformed) {
		t.Fatal("NotTLSError matches ErrMalformed")
	}
	return nt
}

// ReadFlight hands the record layer's verdict on an oversized record through.
func TestReadFlightRecordOverflow(t *testing.T) {
	sh, _ := (&ServerHello{Version: VersionTLS12, CipherSuite: 0xc02f}).Marshal()
	in := append(MarshalRecord(RecordHandshake, VersionTLS12, HandshakeMessage(TypeServerHello, sh)), RecordHandshake, 3, 3, 0xff, 0xff)
	f, err := ReadFlight(bytes.NewReader(append(in, make([]byte, 64)...)), 0)
	wantOverflow(t, err)
	if f == nil || f.ServerHello == nil || f.Records != 1 {
		t.Fatalf("what was read before the bad record is lost: %+v", f)
	}
}

func TestMarshalRecordRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 16384, 16385, 40000} {
		payload := make([]byte, n)
		for i := range payload {
			payload[i] = byte(i)
		}
		b := MarshalRecord(RecordApplicationData, VersionTLS12, payload)
		r := bytes.NewReader(b)
		var got []byte
		records := 0
		for r.Len() > 0 {
			rec, err := ReadRecord(r)
			if err != nil {
				t.Fatalf("%d bytes: %v", n, err)
			}
			if rec.Type != RecordApplicationData || rec.Version != VersionTLS12 || len(rec.Payload) > 16384 {
				t.Fatalf("%d bytes: record %d %x of %d", n, rec.Type, rec.Version, len(rec.Payload))
			}
			got = append(got, rec.Payload...)
			records++
		}
		if !bytes.Equal(got, payload) || records != max(1, (n+16383)/16384) {
			t.Fatalf("%d bytes: %d back in %d records", n, len(got), records)
		}
	}
}

// The record version of a ClientHello: 0x0301 for the first (RFC 8446 5.1),
// 0x0303 for the second one after a HelloRetryRequest, and the hello's own
// version below TLS 1.0.
func TestClientHelloRecordVersion(t *testing.T) {
	tests := []struct {
		name    string
		version uint16
		retry   bool
		want    uint16
	}{
		{"tls13-first", VersionTLS12, false, VersionTLS10},
		{"tls13-retry", VersionTLS12, true, VersionTLS12},
		{"tls12", VersionTLS12, false, VersionTLS10},
		{"tls10", VersionTLS10, false, VersionTLS10},
		{"ssl30", VersionSSL30, false, VersionSSL30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := sampleHello()
			m.Version, m.Retry = tt.version, tt.retry
			b, err := m.Record()
			if err != nil {
				t.Fatal(err)
			}
			rec, err := ReadRecord(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if rec.Version != tt.want {
				t.Fatalf("record version %04x, want %04x", rec.Version, tt.want)
			}
			got, err := ParseClientHello(rec.Payload)
			if err != nil || got.Version != tt.version {
				t.Fatalf("hello inside: %v %+v", err, got)
			}
		})
	}
}

// dheParams is a DHE ServerKeyExchange's parameters: p, g, Ys.
func dheParams(p *big.Int) []byte {
	pb := p.Bytes()
	out := append([]byte{byte(len(pb) >> 8), byte(len(pb))}, pb...)
	out = append(out, 0, 1, 2)
	return append(out, 0, 4, 1, 2, 3, 4)
}

// signedSKE appends a TLS 1.2 signature (scheme, length, bytes) to params.
func signedSKE(params []byte, scheme uint16) []byte {
	return append(append([]byte{}, params...), byte(scheme>>8), byte(scheme), 0, 3, 7, 7, 7)
}

func TestServerKeyExchangeDHE(t *testing.T) {
	p2048 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 2048), big.NewInt(159))
	// A 6144-bit prime is 768 bytes long: its length field starts with the
	// byte 3, ECDHE's curve_type named_curve. Only the suite tells them apart.
	p6144 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 6144), big.NewInt(1))
	ecdhe := append([]byte{3, 0, byte(GroupP256), 65}, bytes.Repeat([]byte{4}, 65)...)
	tests := []struct {
		name    string
		body    []byte
		version uint16
		dhe     bool
		bits    int
		curve   uint16
		sigAlg  uint16
		bad     bool
	}{
		{name: "dhe-2048-tls12", body: signedSKE(dheParams(p2048), SigRSAPSSSHA256), version: VersionTLS12, dhe: true, bits: 2048, sigAlg: SigRSAPSSSHA256},
		{name: "dhe-6144-looks-like-ecdhe", body: signedSKE(dheParams(p6144), SigRSAPKCS1SHA256), version: VersionTLS12, dhe: true, bits: 6144, sigAlg: SigRSAPKCS1SHA256},
		{name: "dhe-1024-tls10", body: append(dheParams(new(big.Int).Lsh(big.NewInt(1), 1023)), 0, 2, 9, 9), version: VersionTLS10, dhe: true, bits: 1024},
		{name: "ecdhe-p256", body: signedSKE(ecdhe, SigECDSAP256), version: VersionTLS12, curve: GroupP256, sigAlg: SigECDSAP256},
		{name: "dhe-read-as-ecdhe", body: signedSKE(dheParams(p2048), SigRSAPSSSHA256), version: VersionTLS12, bad: true},
		{name: "ecdhe-read-as-dhe", body: signedSKE(ecdhe, SigECDSAP256), version: VersionTLS12, dhe: true, bad: true},
		{name: "dhe-empty-p", body: signedSKE([]byte{0, 0, 0, 1, 2, 0, 1, 3}, SigRSAPSSSHA256), version: VersionTLS12, dhe: true, bad: true},
		{name: "dhe-no-signature", body: dheParams(p2048), version: VersionTLS12, dhe: true, bad: true},
		{name: "dhe-trailing", body: append(signedSKE(dheParams(p2048), SigRSAPSSSHA256), 0), version: VersionTLS12, dhe: true, bad: true},
		{name: "empty", body: nil, version: VersionTLS12, dhe: true, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ske, err := ParseServerKeyExchange(tt.body, tt.version, tt.dhe)
			if tt.bad {
				if err == nil || !errors.Is(err, ErrMalformed) {
					t.Fatalf("got %+v, %v; want ErrMalformed", ske, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ske.DHPBits != tt.bits || ske.Curve != tt.curve || ske.SigAlg != tt.sigAlg {
				t.Fatalf("got bits %d curve %d sigalg %04x", ske.DHPBits, ske.Curve, ske.SigAlg)
			}
			if !bytes.HasPrefix(tt.body, ske.Params) || len(ske.Signature) == 0 {
				t.Fatalf("params %x are not the body's start, or no signature", ske.Params)
			}
			p := DHPrime(ske)
			switch {
			case tt.dhe && (p == nil || p.BitLen() != tt.bits):
				t.Fatalf("DHPrime %v", p)
			case !tt.dhe && p != nil:
				t.Fatalf("DHPrime of ECDHE: %v", p)
			}
			if tt.bits == 2048 && p.Cmp(p2048) != 0 {
				t.Fatal("DHPrime is not p")
			}
		})
	}
	if DHPrime(nil) != nil || DHPrime(&ServerKeyExchange{DHPBits: 8, Params: []byte{0, 5, 1}}) != nil {
		t.Fatal("DHPrime of nothing, or of cut parameters")
	}
}

// ReadFlight decides DHE versus ECDHE from the negotiated suite.
func TestReadFlightKeyExchangeFromSuite(t *testing.T) {
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 6144), big.NewInt(1))
	tests := []struct {
		name  string
		suite uint16
		ske   []byte
		bits  int
		curve uint16
	}{
		{"dhe-rsa-aes128-gcm", 0x009e, signedSKE(dheParams(p), SigRSAPSSSHA256), 6144, 0},
		{"ecdhe-rsa-aes128-gcm", 0xc02f, signedSKE(append([]byte{3, 0, 29, 32}, make([]byte, 32)...), SigRSAPSSSHA256), 0, GroupX25519},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sh, _ := (&ServerHello{Version: VersionTLS12, Random: make([]byte, 32), CipherSuite: tt.suite}).Marshal()
			var hs []byte
			hs = append(hs, HandshakeMessage(TypeServerHello, sh)...)
			hs = append(hs, HandshakeMessage(TypeCertificate, MarshalCertificate12([][]byte{{0x30, 0}}))...)
			hs = append(hs, HandshakeMessage(TypeServerKeyExchange, tt.ske)...)
			hs = append(hs, HandshakeMessage(TypeCertificateStatus, MarshalCertificateStatus([]byte{0x30, 0}))...)
			hs = append(hs, HandshakeMessage(TypeServerHelloDone, nil)...)
			f, err := ReadFlight(bytes.NewReader(MarshalRecord(RecordHandshake, VersionTLS12, hs)), 0)
			if err != nil {
				t.Fatal(err)
			}
			if !f.Done || f.ServerKeyExchange == nil || f.ServerKeyExchange.DHPBits != tt.bits || f.ServerKeyExchange.Curve != tt.curve || !f.StapledOCSP {
				t.Fatalf("%+v %+v", f, f.ServerKeyExchange)
			}
		})
	}
}

func TestReadFlightProtocolErrors(t *testing.T) {
	sh12, _ := (&ServerHello{Version: VersionTLS12, CipherSuite: 0xc02f}).Marshal()
	sh13, _ := (&ServerHello{Version: VersionTLS12, CipherSuite: 0x1301, SupportedVersion: VersionTLS13, KeyShareGroup: GroupX25519}).Marshal()
	hs := func(msgs ...[]byte) []byte {
		return MarshalRecord(RecordHandshake, VersionTLS12, bytes.Join(msgs, nil))
	}
	tests := []struct {
		name  string
		in    []byte
		check func(t *testing.T, f *Flight, err error)
	}{
		{"tls13-stops-at-server-hello", append(hs(HandshakeMessage(TypeServerHello, sh13)), MarshalRecord(RecordApplicationData, VersionTLS12, []byte{1})...), func(t *testing.T, f *Flight, err error) {
			if err != nil || !f.Done || f.ServerHello.NegotiatedVersion() != VersionTLS13 || f.Records != 1 {
				t.Fatalf("%v %+v", err, f)
			}
		}},
		{"change-cipher-spec-skipped", append(MarshalRecord(RecordChangeCipherSpec, VersionTLS12, []byte{1}), hs(HandshakeMessage(TypeServerHello, sh13))...), func(t *testing.T, f *Flight, err error) {
			if err != nil || f.ServerHello == nil || f.Records != 2 {
				t.Fatalf("%v %+v", err, f)
			}
		}},
		{"alert-after-server-hello", append(hs(HandshakeMessage(TypeServerHello, sh12)), MarshalRecord(RecordAlert, VersionTLS12, []byte{2, 40})...), func(t *testing.T, f *Flight, err error) {
			if err != nil || f.ServerHello == nil || f.Alert == nil || f.Alert.Description != AlertHandshakeFailure || f.Done {
				t.Fatalf("%v %+v", err, f)
			}
		}},
		{"short-alert", MarshalRecord(RecordAlert, VersionTLS12, []byte{2}), func(t *testing.T, f *Flight, err error) {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("%v", err)
			}
		}},
		{"application-data-first", MarshalRecord(RecordApplicationData, VersionTLS12, []byte{1}), func(t *testing.T, f *Flight, err error) {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("%v", err)
			}
		}},
		{"certificate-first", hs(HandshakeMessage(TypeCertificate, MarshalCertificate12(nil))), func(t *testing.T, f *Flight, err error) {
			if !errors.Is(err, ErrMalformed) || f.ServerHello != nil {
				t.Fatalf("%v", err)
			}
		}},
		{"second-server-hello", hs(HandshakeMessage(TypeServerHello, sh12), HandshakeMessage(TypeServerHello, sh12)), func(t *testing.T, f *Flight, err error) {
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "second ServerHello") {
				t.Fatalf("%v", err)
			}
		}},
		{"bad-certificate", hs(HandshakeMessage(TypeServerHello, sh12), HandshakeMessage(TypeCertificate, []byte{0, 0, 4, 0, 0, 0})), func(t *testing.T, f *Flight, err error) {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("%v", err)
			}
		}},
		{"bad-key-exchange", hs(HandshakeMessage(TypeServerHello, sh12), HandshakeMessage(TypeServerKeyExchange, []byte{3})), func(t *testing.T, f *Flight, err error) {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("%v", err)
			}
		}},
		{"bad-certificate-request", hs(HandshakeMessage(TypeServerHello, sh12), HandshakeMessage(TypeCertificateRequest, []byte{1})), func(t *testing.T, f *Flight, err error) {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("%v", err)
			}
		}},
		{"huge-certificate", hs(HandshakeMessage(TypeServerHello, sh12), []byte{TypeCertificate, 0x10, 0, 0}), func(t *testing.T, f *Flight, err error) {
			var tl *TooLargeError
			if !errors.As(err, &tl) || tl.What != "Certificate message" || tl.Length != 1<<20 || tl.Limit != DefaultMaxMessage || !strings.Contains(err.Error(), "Certificate") {
				t.Fatalf("%v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ReadFlight(bytes.NewReader(tt.in), 0)
			if f == nil {
				t.Fatal("nil flight")
			}
			tt.check(t, f, err)
		})
	}
}

func TestCertificate12RoundTrip(t *testing.T) {
	for _, certs := range [][][]byte{nil, {{0x30, 0}}, {bytes.Repeat([]byte{1}, 300), {2}, bytes.Repeat([]byte{3}, 70000)}} {
		b := MarshalCertificate12(certs)
		got, err := ParseCertificate12(b)
		if err != nil || len(got) != len(certs) {
			t.Fatalf("%d certificates: %v, %d back", len(certs), err, len(got))
		}
		for i := range certs {
			if !bytes.Equal(got[i], certs[i]) {
				t.Fatalf("certificate %d differs", i)
			}
		}
		for i := 1; i < len(b); i++ {
			if _, err := ParseCertificate12(b[:i]); err == nil {
				t.Fatalf("prefix of %d bytes parsed", i)
			}
		}
	}
}

func TestParseCertificateRequest12(t *testing.T) {
	dn := []byte{0x30, 0x02, 0x31, 0x00}
	tests := []struct {
		name    string
		body    []byte
		version uint16
		want    *CertificateRequest
	}{
		{"tls12", []byte{2, 1, 64, 0, 4, 4, 3, 8, 4, 0, 6, 0, 4, 0x30, 0x02, 0x31, 0x00}, VersionTLS12,
			&CertificateRequest{CertificateTypes: []uint8{1, 64}, SignatureAlgorithms: []uint16{SigECDSAP256, SigRSAPSSSHA256}, AcceptableCAs: [][]byte{dn}}},
		{"tls10-no-sigalgs", []byte{1, 1, 0, 0}, VersionTLS10, &CertificateRequest{CertificateTypes: []uint8{1}}},
		{"odd-sigalgs", []byte{1, 1, 0, 1, 4, 0, 0}, VersionTLS12, nil},
		{"empty-authority", []byte{1, 1, 0, 0, 0, 2, 0, 0}, VersionTLS12, nil},
		{"trailing", []byte{1, 1, 0, 0, 0, 0, 9}, VersionTLS12, nil},
		{"empty", nil, VersionTLS12, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCertificateRequest12(tt.body, tt.version)
			if tt.want == nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("got %+v, %v", got, err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
	}
}

func TestSniffKinds(t *testing.T) {
	tests := []struct {
		name, in, kind, label string
	}{
		{"http", "HTTP/1.1 400 Bad Request\r\nServer: x", "http", "an HTTP response (HTTP/1.1 400 Bad Request)"},
		{"ssh", "SSH-2.0-OpenSSH_9.2\r\n", "ssh", "an SSH banner (SSH-2.0-OpenSSH_9.2)"},
		{"smtp-multiline", "220-mail.example ESMTP\r\n", "smtp", "an SMTP or FTP greeting (220-mail.example ESMTP)"},
		{"pop3", "+OK ready\r\n", "pop3", "a POP3 greeting (+OK ready)"},
		{"imap", "* OK IMAP4rev1\r\n", "imap", "an IMAP greeting (* OK IMAP4rev1)"},
		{"html", "<!DOCTYPE html>", "html", "HTML or XML (<!DOCTYPE html>)"},
		{"tls", "\x15\x03\x03\x00\x02\x02\x28", "tls", "a TLS record"},
		{"text-control-chars-shown-as-dots", "hello\x7fthere", "binary", "binary data of an unknown protocol"},
		{"text", "hello there\tfriend", "text", "text (hello there.friend)"},
		{"empty", "", "empty", "no bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sniff([]byte(tt.in))
			if got.Kind != tt.kind || got.Label != tt.label {
				t.Fatalf("got %+v, want %s %q", got, tt.kind, tt.label)
			}
		})
	}
}

func TestErrorsAndNames(t *testing.T) {
	tests := []struct{ name, got, want string }{
		{"not-tls", (&NotTLSError{First: []byte("SSH-2.0-x")}).Error(), "wire: peer sent bytes that are not TLS (an SSH banner (SSH-2.0-x))"},
		{"too-large", (&TooLargeError{What: "record", Length: 70000, Limit: 18432}).Error(), "wire: record of 70000 bytes exceeds the limit of 18432 bytes"},
		{"malformed", (&MalformedError{Message: "ServerHello", Offset: 47, Reason: "extension key_share (51) appears twice"}).Error(), "wire: malformed ServerHello at byte 47: extension key_share (51) appears twice"},
		{"alert-fatal", Alert{Level: 2, Description: 112}.String(), "fatal unrecognized_name (112)"},
		{"alert-warning", Alert{Level: 1, Description: 0}.String(), "warning close_notify (0)"},
		{"alert-unknown", AlertName(200), "alert(200)"},
		{"version-ssl3", VersionName(VersionSSL30), "SSL 3.0"},
		{"version-tls10", VersionName(VersionTLS10), "TLS 1.0"},
		{"version-tls11", VersionName(VersionTLS11), "TLS 1.1"},
		{"version-tls12", VersionName(VersionTLS12), "TLS 1.2"},
		{"version-none", VersionName(0), ""},
		{"version-unknown", VersionName(0x7f1c), "0x7f1c"},
		{"extension-known", ExtensionName(ExtCookie), "cookie"},
		{"extension-unknown", ExtensionName(0xfe0d), "extension(65037)"},
		{"group-unknown", GroupName(0x1234), "group(0x1234)"},
		{"sigalg-unknown", SignatureName(0x0420), "sigalg(0x0420)"},
		{"message-certificate-request", messageName(TypeCertificateRequest), "CertificateRequest"},
		{"message-done", messageName(TypeServerHelloDone), "ServerHelloDone"},
		{"message-status", messageName(TypeCertificateStatus), "CertificateStatus"},
		{"message-ske", messageName(TypeServerKeyExchange), "ServerKeyExchange"},
		{"message-other", messageName(99), "handshake"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Fatalf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	if !errors.Is(&MalformedError{}, ErrMalformed) || errors.Is(&MalformedError{}, io.EOF) {
		t.Fatal("MalformedError.Is")
	}
}

func TestSuiteLists(t *testing.T) {
	legacy, v13 := LegacySuites(), TLS13Suites()
	for _, id := range legacy {
		if s, _ := LookupSuite(id); s.Kex == "TLS13" || s.Kex == "SCSV" {
			t.Fatalf("legacy list holds %s", s.Name)
		}
	}
	for _, id := range v13 {
		if s, _ := LookupSuite(id); s.Kex != "TLS13" {
			t.Fatalf("TLS 1.3 list holds %s", s.Name)
		}
	}
	for _, id := range []uint16{0x002f, 0x000a, 0xc02f, 0x009e, 0xcca8} {
		if !slices.Contains(legacy, id) {
			t.Errorf("legacy list lacks %s", SuiteName(id))
		}
	}
	for _, id := range []uint16{0x00ff, 0x5600, 0x1301} {
		if slices.Contains(legacy, id) {
			t.Errorf("legacy list holds %s", SuiteName(id))
		}
	}
}

func FuzzReadRecord(f *testing.F) {
	f.Add(MarshalRecord(RecordHandshake, VersionTLS12, []byte{1, 2, 3}))
	f.Add([]byte{RecordHandshake, 3, 3, 0xff, 0xff})
	f.Add([]byte("HTTP/1.1 200 OK\r\n"))
	f.Add([]byte{RecordAlert, 3})
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := ReadRecord(bytes.NewReader(in))
		if err == nil {
			if len(r.Payload) > MaxRecordPayload || !bytes.Equal(in[5:5+len(r.Payload)], r.Payload) {
				t.Fatalf("record of %d bytes", len(r.Payload))
			}
			return
		}
		var nt *NotTLSError
		switch {
		case errors.As(err, &nt):
			if len(nt.First) > 64 || !bytes.HasPrefix(in, nt.First) {
				t.Fatalf("First %x of %x", nt.First, in)
			}
		case errors.Is(err, ErrMalformed), err == io.EOF, errors.Is(err, io.ErrUnexpectedEOF):
		default:
			t.Fatalf("unexpected error %v (%T)", err, err)
		}
	})
}

func FuzzParseServerKeyExchange(f *testing.F) {
	f.Add(signedSKE(dheParams(big.NewInt(0xfffd)), SigRSAPSSSHA256), uint16(VersionTLS12), true)
	f.Add(signedSKE(append([]byte{3, 0, 29, 1}, 9), SigECDSAP256), uint16(VersionTLS12), false)
	f.Add(append(dheParams(big.NewInt(23)), 0, 1, 1), uint16(VersionTLS10), true)
	f.Fuzz(func(t *testing.T, body []byte, version uint16, dhe bool) {
		ske, err := ParseServerKeyExchange(body, version, dhe)
		if err != nil {
			return
		}
		if !bytes.HasPrefix(body, ske.Params) || len(ske.Params)+len(ske.Signature) > len(body) {
			t.Fatal("parameters or signature outside the body")
		}
		p := DHPrime(ske)
		switch {
		case !dhe || ske.DHPBits == 0:
			if p != nil {
				t.Fatalf("DHPrime %v without DHPBits", p)
			}
		case p == nil || p.BitLen() != ske.DHPBits:
			t.Fatalf("DHPrime %v, DHPBits says %d", p, ske.DHPBits)
		}
	})
}

func FuzzParseCertificate12(f *testing.F) {
	f.Add(MarshalCertificate12([][]byte{{0x30, 0}, {1, 2, 3}}))
	f.Fuzz(func(t *testing.T, in []byte) {
		certs, err := ParseCertificate12(in)
		if err != nil {
			return
		}
		if !bytes.Equal(MarshalCertificate12(certs), in) {
			t.Fatal("round trip differs")
		}
	})
}
