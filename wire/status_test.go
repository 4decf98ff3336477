package wire

import (
	"bytes"
	"testing"
)

func TestCertificateStatusRoundTrip(t *testing.T) {
	resp := []byte{0x30, 0x03, 0x0a, 0x01, 0x00} // any DER; the wire does not judge it
	got, err := ParseCertificateStatus(MarshalCertificateStatus(resp))
	if err != nil || !bytes.Equal(got, resp) {
		t.Fatalf("got %x, %v", got, err)
	}
	for name, in := range map[string][]byte{
		"empty":         nil,
		"wrong type":    {2, 0, 0, 1, 0},
		"empty staple":  {1, 0, 0, 0},
		"short":         {1, 0, 0, 9, 0x30},
		"trailing byte": append(MarshalCertificateStatus(resp), 0),
	} {
		if _, err := ParseCertificateStatus(in); err == nil {
			t.Errorf("%s: accepted %x", name, in)
		}
	}
}

// A TLS 1.2 flight with a CertificateStatus between Certificate and
// ServerKeyExchange (RFC 6066 section 8) yields the stapled response.
func TestReadFlightStapledOCSP(t *testing.T) {
	sh := &ServerHello{Version: VersionTLS12, Random: bytes.Repeat([]byte{5}, 32), CipherSuite: 0xc02f}
	shb, err := sh.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	staple := []byte{0x30, 0x03, 0x0a, 0x01, 0x00}
	var hs []byte
	hs = append(hs, HandshakeMessage(TypeServerHello, shb)...)
	hs = append(hs, HandshakeMessage(TypeCertificate, MarshalCertificate12([][]byte{{0x30, 0}}))...)
	hs = append(hs, HandshakeMessage(TypeCertificateStatus, MarshalCertificateStatus(staple))...)
	hs = append(hs, HandshakeMessage(TypeServerHelloDone, nil)...)
	f, err := ReadFlight(bytes.NewReader(MarshalRecord(RecordHandshake, VersionTLS12, hs)), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !f.StapledOCSP || !bytes.Equal(f.OCSPResponse, staple) || !f.Done {
		t.Fatalf("flight %+v", f)
	}
	// A malformed CertificateStatus is a malformed flight, not a staple.
	bad := append(HandshakeMessage(TypeServerHello, shb), HandshakeMessage(TypeCertificateStatus, []byte{1, 0})...)
	if f, err := ReadFlight(bytes.NewReader(MarshalRecord(RecordHandshake, VersionTLS12, bad)), 0); err == nil || f.OCSPResponse != nil {
		t.Fatalf("malformed status accepted: %+v", f)
	}
}

func TestStatusRequestExtensionParses(t *testing.T) {
	m := &ClientHello{Version: VersionTLS12, Random: make([]byte, 32), CipherSuites: []uint16{0xc02f},
		Extensions: []Extension{StatusRequestExtension()}}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseClientHello(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Extensions) != 1 || got.Extensions[0].Type != ExtStatusRequest || !bytes.Equal(got.Extensions[0].Data, []byte{1, 0, 0, 0, 0}) {
		t.Fatalf("extensions %+v", got.Extensions)
	}
}

func FuzzParseCertificateStatus(f *testing.F) {
	f.Add(MarshalCertificateStatus([]byte{0x30, 0}))
	f.Fuzz(func(t *testing.T, in []byte) {
		resp, err := ParseCertificateStatus(in)
		if err == nil && (len(resp) == 0 || !bytes.Equal(MarshalCertificateStatus(resp), in)) {
			t.Fatalf("round trip of %x", in)
		}
	})
}
