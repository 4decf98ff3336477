package wire

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"io"
	"math/big"
	"reflect"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/signature"
)

func sampleHello() *ClientHello {
	return &ClientHello{
		Version:             VersionTLS12,
		Random:              bytes.Repeat([]byte{7}, 32),
		SessionID:           bytes.Repeat([]byte{1}, 32),
		CipherSuites:        []uint16{0x1301, 0xc02f, 0x002f},
		CompressionMethods:  []uint8{0},
		ServerName:          "api.example.test",
		SupportedGroups:     []uint16{GroupX25519, GroupP256},
		PointFormats:        []uint8{0},
		SignatureAlgorithms: []uint16{SigECDSAP256, SigRSAPSSSHA256},
		ALPN:                []string{"http/1.1"},
		SupportedVersions:   []uint16{VersionTLS13, VersionTLS12},
		KeyShares:           []KeyShare{{GroupX25519, bytes.Repeat([]byte{9}, 32)}},
		HasKeyShare:         true,
		PSKModes:            []uint8{1},
		Extensions:          []Extension{{ExtExtendedMasterSecret, []byte{}}, {0xfe0d, []byte{1, 2, 3}}},
	}
}

func TestClientHelloRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		m    *ClientHello
	}{
		{"full", sampleHello()},
		{"tls10-no-extensions", &ClientHello{Version: VersionTLS10, Random: make([]byte, 32), SessionID: []byte{}, CipherSuites: []uint16{0x002f}, CompressionMethods: []uint8{0}}},
		{"empty-key-share", &ClientHello{Version: VersionTLS12, Random: make([]byte, 32), SessionID: []byte{}, CipherSuites: []uint16{0x1301}, CompressionMethods: []uint8{0}, SupportedVersions: []uint16{VersionTLS13}, HasKeyShare: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.m.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseClientHello(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.m) {
				t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, tt.m)
			}
			// No strict prefix parses.
			for i := 0; i < len(b); i++ {
				if _, err := ParseClientHello(b[:i]); err == nil {
					t.Fatalf("prefix of %d bytes parsed", i)
				}
			}
		})
	}
}

func TestClientHelloRecordFraming(t *testing.T) {
	rec, err := sampleHello().Record()
	if err != nil {
		t.Fatal(err)
	}
	r, err := ReadRecord(bytes.NewReader(rec))
	if err != nil {
		t.Fatal(err)
	}
	if r.Type != RecordHandshake || r.Version != VersionTLS10 {
		t.Fatalf("record %d %x", r.Type, r.Version)
	}
	if _, err := ParseClientHello(r.Payload); err != nil {
		t.Fatal(err)
	}
}

func TestServerHelloRoundTrip(t *testing.T) {
	for _, sh := range []*ServerHello{
		{Version: VersionTLS12, Random: bytes.Repeat([]byte{3}, 32), CipherSuite: 0x1301, SupportedVersion: VersionTLS13, KeyShareGroup: GroupX25519, ExtensionTypes: []uint16{ExtSupportedVersions, ExtKeyShare}},
		{Version: VersionTLS12, HelloRetry: true, CipherSuite: 0x1301, SupportedVersion: VersionTLS13, KeyShareGroup: GroupP256, ExtensionTypes: []uint16{ExtSupportedVersions, ExtKeyShare}},
		{Version: VersionTLS10, Random: bytes.Repeat([]byte{4}, 32), CipherSuite: 0xc013},
	} {
		b, err := sh.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseServerHello(b)
		if err != nil {
			t.Fatal(err)
		}
		if sh.HelloRetry {
			sh.Random = helloRetryRandom
		}
		if !reflect.DeepEqual(got, sh) {
			t.Fatalf("got %+v want %+v", got, sh)
		}
	}
}

// flight12 builds a TLS 1.2 ECDHE server flight signed by signer for cert.
func flight12(t *testing.T, certDER []byte, signer crypto.Signer, clientRandom []byte, withCR bool) []byte {
	t.Helper()
	sh := &ServerHello{Version: VersionTLS12, Random: bytes.Repeat([]byte{5}, 32), CipherSuite: 0xc02b}
	shb, _ := sh.Marshal()
	params := append([]byte{3, 0, byte(GroupP256), 65}, bytes.Repeat([]byte{4}, 65)...)
	signed := append(append(append([]byte{}, clientRandom...), sh.Random...), params...)
	h := sha256.Sum256(signed)
	sig, err := signer.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	ske := append(append([]byte{}, params...), byte(SigECDSAP256>>8), byte(SigECDSAP256&0xff), byte(len(sig)>>8), byte(len(sig)))
	ske = append(ske, sig...)
	var hs []byte
	hs = append(hs, HandshakeMessage(TypeServerHello, shb)...)
	hs = append(hs, HandshakeMessage(TypeCertificate, MarshalCertificate12([][]byte{certDER}))...)
	hs = append(hs, HandshakeMessage(TypeServerKeyExchange, ske)...)
	if withCR {
		cr := []byte{1, 1, 0, 2, 4, 3, 0, 6, 0, 4, 0x30, 0x02, 0x31, 0x00}
		hs = append(hs, HandshakeMessage(TypeCertificateRequest, cr)...)
	}
	hs = append(hs, HandshakeMessage(TypeServerHelloDone, nil)...)
	// Split across records at an awkward point to exercise reassembly.
	return append(MarshalRecord(RecordHandshake, VersionTLS12, hs[:10]), MarshalRecord(RecordHandshake, VersionTLS12, hs[10:])...)
}

func TestReadFlightTLS12AndSignature(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	cr := bytes.Repeat([]byte{8}, 32)
	for _, tc := range []struct {
		name   string
		signer crypto.Signer
		want   signature.Reason
	}{
		{"matching-key", key, ""},
		{"key-mismatch", other, signature.BadSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ReadFlight(bytes.NewReader(flight12(t, []byte{0x30, 0x00}, tc.signer, cr, true)), 0)
			if err != nil {
				t.Fatal(err)
			}
			if !f.Done || f.ServerHello == nil || len(f.Certificates) != 1 || f.ServerKeyExchange == nil || f.CertificateRequest == nil {
				t.Fatalf("incomplete flight %+v", f)
			}
			if got := len(f.CertificateRequest.AcceptableCAs); got != 1 {
				t.Fatalf("CAs %d", got)
			}
			err = VerifyServerKeyExchange(&key.PublicKey, VersionTLS12, cr, f.ServerHello.Random, f.ServerKeyExchange)
			if got := signature.ReasonOf(err); got != tc.want || (tc.want == "" && err != nil) {
				t.Fatalf("verify: %v, want reason %q", err, tc.want)
			}
		})
	}
}

// Every kind of handshake signature, signed for real and checked with the
// right key, another key of the same kind, and a key of another kind.
func TestVerifyServerKeyExchangeSchemes(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	rsaOther, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecOther, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	edPub, edKey, _ := ed25519.GenerateKey(rand.Reader)
	edOther, _, _ := ed25519.GenerateKey(rand.Reader)
	cr, sr := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	params := append([]byte{3, 0, 29, 32}, bytes.Repeat([]byte{9}, 32)...)
	signed := append(append(append([]byte{}, cr...), sr...), params...)
	hash := func(h crypto.Hash) []byte {
		if h == crypto.MD5SHA1 {
			m, s := md5.Sum(signed), sha1.Sum(signed)
			return append(m[:], s[:]...)
		}
		x := h.New()
		x.Write(signed)
		return x.Sum(nil)
	}
	sign := func(k crypto.Signer, h crypto.Hash, o crypto.SignerOpts) []byte {
		if o == nil {
			o = h
		}
		var d []byte
		if h != 0 {
			d = hash(h)
		} else {
			d = signed
		}
		sig, err := k.Sign(rand.Reader, d, o)
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	pss := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
	tests := []struct {
		name    string
		version uint16
		scheme  uint16
		sig     []byte
		good    crypto.PublicKey // verifies
		other   crypto.PublicKey // same kind, another key: BadSignature
		alien   crypto.PublicKey // another kind: WrongKeyType
	}{
		{"rsa-pkcs1-sha256", VersionTLS12, SigRSAPKCS1SHA256, sign(rsaKey, crypto.SHA256, nil), &rsaKey.PublicKey, &rsaOther.PublicKey, &ecKey.PublicKey},
		{"rsa-pss-rsae-sha256", VersionTLS12, SigRSAPSSSHA256, sign(rsaKey, crypto.SHA256, pss), &rsaKey.PublicKey, &rsaOther.PublicKey, edPub},
		{"ecdsa-p256-sha256", VersionTLS12, SigECDSAP256, sign(ecKey, crypto.SHA256, nil), &ecKey.PublicKey, &ecOther.PublicKey, &rsaKey.PublicKey},
		{"ed25519", VersionTLS12, SigEd25519, sign(edKey, 0, crypto.Hash(0)), edPub, edOther, &ecKey.PublicKey},
		{"tls1.0-rsa-md5sha1", VersionTLS10, 0, sign(rsaKey, crypto.MD5SHA1, nil), &rsaKey.PublicKey, &rsaOther.PublicKey, nil},
		{"tls1.1-ecdsa-sha1", VersionTLS11, 0, sign(ecKey, crypto.SHA1, nil), &ecKey.PublicKey, &ecOther.PublicKey, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ske := &ServerKeyExchange{Params: params, SigAlg: tt.scheme, Signature: tt.sig}
			if err := VerifyServerKeyExchange(tt.good, tt.version, cr, sr, ske); err != nil {
				t.Errorf("right key: %v", err)
			}
			if err := VerifyServerKeyExchange(tt.other, tt.version, cr, sr, ske); signature.ReasonOf(err) != signature.BadSignature {
				t.Errorf("other key: %v, want %s", err, signature.BadSignature)
			}
			if tt.alien != nil {
				if err := VerifyServerKeyExchange(tt.alien, tt.version, cr, sr, ske); signature.ReasonOf(err) != signature.WrongKeyType {
					t.Errorf("key of another kind: %v, want %s", err, signature.WrongKeyType)
				}
			}
		})
	}
	t.Run("small-rsa-key", func(t *testing.T) {
		small := &rsa.PublicKey{N: new(big.Int).Lsh(big.NewInt(1), 511), E: 65537}
		ske := &ServerKeyExchange{Params: params, SigAlg: SigRSAPKCS1SHA256, Signature: make([]byte, 64)}
		err := VerifyServerKeyExchange(small, VersionTLS12, cr, sr, ske)
		if signature.ReasonOf(err) != signature.KeyTooSmall || signature.Checked(err) {
			t.Fatalf("512-bit key: %v, want %s", err, signature.KeyTooSmall)
		}
	})
	t.Run("unsupported-scheme", func(t *testing.T) {
		ske := &ServerKeyExchange{Params: params, SigAlg: SigEd448, Signature: make([]byte, 114)}
		if err := VerifyServerKeyExchange(edPub, VersionTLS12, cr, sr, ske); signature.ReasonOf(err) != signature.UnsupportedAlgorithm {
			t.Fatalf("Ed448: %v", err)
		}
	})
}

func TestReadFlightOutcomes(t *testing.T) {
	big := HandshakeMessage(TypeServerHello, nil)[:1]
	big = append(big, 0xa0, 0, 0) // claims 10 MiB
	tests := []struct {
		name  string
		in    []byte
		check func(t *testing.T, f *Flight, err error)
	}{
		{"alert", MarshalRecord(RecordAlert, VersionTLS12, []byte{2, 70}), func(t *testing.T, f *Flight, err error) {
			if err != nil || f.Alert == nil || f.Alert.Name() != "protocol_version" {
				t.Fatalf("%v %+v", err, f)
			}
		}},
		{"http", []byte("HTTP/1.1 400 Bad Request\r\n\r\n"), func(t *testing.T, f *Flight, err error) {
			var nt *NotTLSError
			if !errors.As(err, &nt) || Sniff(nt.First).Kind != "http" {
				t.Fatalf("%v", err)
			}
		}},
		{"ssh-short", []byte("SSH"), func(t *testing.T, f *Flight, err error) {
			var nt *NotTLSError
			if !errors.As(err, &nt) {
				t.Fatalf("%v", err)
			}
		}},
		{"eof", nil, func(t *testing.T, f *Flight, err error) {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("%v", err)
			}
		}},
		{"truncated", MarshalRecord(RecordHandshake, VersionTLS12, []byte{2, 0, 0, 50})[:7], func(t *testing.T, f *Flight, err error) {
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("%v", err)
			}
		}},
		{"huge-message", MarshalRecord(RecordHandshake, VersionTLS12, big), func(t *testing.T, f *Flight, err error) {
			var tl *TooLargeError
			if !errors.As(err, &tl) || tl.Length != 10<<20 {
				t.Fatalf("%v", err)
			}
		}},
		{"garbage-handshake", MarshalRecord(RecordHandshake, VersionTLS12, []byte{2, 0, 0, 1, 0}), func(t *testing.T, f *Flight, err error) {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("%v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ReadFlight(bytes.NewReader(tt.in), 0)
			tt.check(t, f, err)
		})
	}
}

func TestSniff(t *testing.T) {
	for in, want := range map[string]string{
		"HTTP/1.1 400 Bad Request\r\n": "http",
		"SSH-2.0-OpenSSH_9.2\r\n":      "ssh",
		"220 mail ESMTP\r\n":           "smtp",
		"hello there":                  "text",
		"\x00\x01\xff":                 "binary",
		"":                             "empty",
	} {
		if got := Sniff([]byte(in)).Kind; got != want {
			t.Errorf("Sniff(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestNames(t *testing.T) {
	if VersionName(VersionTLS13) != "TLS 1.3" || AlertName(112) != "unrecognized_name" || GroupName(29) != "x25519" ||
		SuiteName(0x1301) != "TLS_AES_128_GCM_SHA256" || SignatureName(0x0807) != "ed25519" || SuiteName(0xfefe) != "0xfefe" {
		t.Fatal("names")
	}
}

func FuzzParseClientHello(f *testing.F) {
	b, _ := sampleHello().Marshal()
	f.Add(b)
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := ParseClientHello(in)
		if err != nil {
			return
		}
		out, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		m2, err := ParseClientHello(out)
		if err != nil {
			t.Fatalf("re-marshalled hello does not parse: %v", err)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip differs")
		}
	})
}

func FuzzReadFlight(f *testing.F) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	t := &testing.T{}
	f.Add(flight12(t, []byte{0x30, 0}, key, make([]byte, 32), true))
	f.Add(MarshalRecord(RecordAlert, VersionTLS12, []byte{2, 40}))
	f.Add([]byte("HTTP/1.0 200 OK\r\n"))
	f.Add([]byte{RecordHandshake, 3, 3, 0xff, 0xff, 2, 0, 0, 0})
	sh13, _ := (&ServerHello{Version: VersionTLS12, CipherSuite: 0x1301, SupportedVersion: VersionTLS13, KeyShareGroup: GroupX25519}).Marshal()
	f.Add(append(MarshalRecord(RecordChangeCipherSpec, VersionTLS12, []byte{1}), MarshalRecord(RecordHandshake, VersionTLS12, HandshakeMessage(TypeServerHello, sh13))...))
	hrr, _ := (&ServerHello{Version: VersionTLS12, HelloRetry: true, CipherSuite: 0x1301, SupportedVersion: VersionTLS13, KeyShareGroup: GroupP256,
		Extra: []Extension{{Type: ExtCookie, Data: []byte{0, 2, 'c', 'k'}}}}).Marshal()
	f.Add(MarshalRecord(RecordHandshake, VersionTLS12, HandshakeMessage(TypeServerHello, hrr)))
	dhe, _ := (&ServerHello{Version: VersionTLS12, Random: make([]byte, 32), CipherSuite: 0x009e}).Marshal()
	var hs []byte
	hs = append(hs, HandshakeMessage(TypeServerHello, dhe)...)
	hs = append(hs, HandshakeMessage(TypeServerKeyExchange, signedSKE(dheParams(big.NewInt(0xfffd)), SigRSAPSSSHA256))...)
	hs = append(hs, HandshakeMessage(TypeServerHelloDone, nil)...)
	f.Add(MarshalRecord(RecordHandshake, VersionTLS12, hs))
	f.Fuzz(func(t *testing.T, in []byte) {
		fl, err := ReadFlight(bytes.NewReader(in), 4096)
		if fl == nil {
			t.Fatal("nil flight")
		}
		if len(fl.First) > 64 || !bytes.HasPrefix(in, fl.First) {
			t.Fatal("First unbounded, or not what was read")
		}
		if err == nil && !fl.Done && fl.Alert == nil {
			t.Fatal("no error, yet neither done nor ended by an alert")
		}
		var tl *TooLargeError
		if errors.As(err, &tl) && tl.Length <= tl.Limit {
			t.Fatalf("too large: %d of %d", tl.Length, tl.Limit)
		}
	})
}

func FuzzParseServerHello(f *testing.F) {
	b, _ := (&ServerHello{Version: VersionTLS12, CipherSuite: 0x1301, SupportedVersion: VersionTLS13, KeyShareGroup: 29}).Marshal()
	f.Add(b)
	b, _ = (&ServerHello{Version: VersionTLS12, HelloRetry: true, CipherSuite: 0x1301, SupportedVersion: VersionTLS13, KeyShareGroup: 23,
		Extra: []Extension{{Type: ExtCookie, Data: []byte{0, 3, 1, 2, 3}}}}).Marshal()
	f.Add(b)
	f.Add(serverHelloBody(ext(ExtALPN, 0, 3, 2, 'h', '2'), ext(ExtKeyShare, 0, 29), ext(ExtKeyShare, 0, 29)))
	f.Add(serverHelloBody())
	f.Fuzz(func(t *testing.T, in []byte) {
		sh, err := ParseServerHello(in)
		if err != nil {
			var me *MalformedError
			if !errors.Is(err, ErrMalformed) || errors.As(err, &me) && (me.Offset < 0 || me.Offset >= len(in)) {
				t.Fatalf("error %v", err)
			}
			return
		}
		seen := map[uint16]bool{}
		for _, typ := range sh.ExtensionTypes {
			if seen[typ] {
				t.Fatalf("extension %d accepted twice", typ)
			}
			seen[typ] = true
		}
		if seen[ExtCookie] != (len(sh.Cookie) > 0) || sh.HelloRetry != bytes.Equal(sh.Random, helloRetryRandom) {
			t.Fatalf("cookie or retry flag inconsistent: %+v", sh)
		}
		if sh.SupportedVersion != 0 && !seen[ExtSupportedVersions] {
			t.Fatal("supported version from nowhere")
		}
		// What Marshal writes of it parses back to the same fields.
		out, err := sh.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseServerHello(out)
		if err != nil || back.Version != sh.Version || back.CipherSuite != sh.CipherSuite || back.NegotiatedVersion() != sh.NegotiatedVersion() ||
			back.KeyShareGroup != sh.KeyShareGroup || back.HelloRetry != sh.HelloRetry || !bytes.Equal(back.SessionID, sh.SessionID) {
			t.Fatalf("re-marshalled: %+v, %v; was %+v", back, err, sh)
		}
	})
}

func TestIANATable(t *testing.T) {
	all := Suites()
	if len(all) < 330 {
		t.Fatalf("only %d suites", len(all))
	}
	seen := map[uint16]bool{}
	for _, s := range all {
		if seen[s.ID] {
			t.Errorf("duplicate 0x%04x", s.ID)
		}
		seen[s.ID] = true
	}
	for id, want := range map[uint16][2]string{
		0x1301: {"TLS13", ""}, 0xc02f: {"ECDHE", "RSA"}, 0x009e: {"DHE", "RSA"}, 0x002f: {"RSA", "RSA"},
		0xc0aa: {"PSK", "PSK"}, 0xccac: {"ECDHE_PSK", "PSK"}, 0x0018: {"DH", "anon"}, 0x00ff: {"SCSV", ""},
		0x0014: {"DHE", "RSA"}, 0xc005: {"ECDH", "ECDSA"}, 0x0000: {"NULL", "NULL"}, 0xcc13: {"ECDHE", "RSA"},
	} {
		s, ok := LookupSuite(id)
		if !ok || s.Kex != want[0] || s.Auth != want[1] {
			t.Errorf("0x%04x: %+v, want kex %s auth %s", id, s, want[0], want[1])
		}
	}
	if n := len(TLS13Suites()); n != 9 { // RFC 8446 (5), RFC 8998 (2), RFC 9150 (2)
		t.Errorf("%d TLS 1.3 suites", n)
	}
}
