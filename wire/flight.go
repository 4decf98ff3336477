package wire

import (
	"io"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
)

// DefaultMaxMessage bounds one handshake message. Go's crypto/tls accepts a
// Certificate message of at most 256 KiB; a longer one fails any real client.
const DefaultMaxMessage = 256 << 10

// Flight is what the server sent in reply to a ClientHello, read as far as
// it is plaintext: for TLS 1.3 up to the ServerHello, for TLS 1.2 and older
// up to ServerHelloDone.
type Flight struct {
	First              []byte              // the first bytes read (at most 64)
	Records            int                 // records read
	ServerHello        *ServerHello        // nil when none arrived
	Certificates       [][]byte            // DER, as sent (TLS 1.2 and older)
	ServerKeyExchange  *ServerKeyExchange  // TLS 1.2 and older, (EC)DHE
	CertificateRequest *CertificateRequest // TLS 1.2 and older
	StapledOCSP        bool
	OCSPResponse       []byte // the stapled response (TLS 1.2 CertificateStatus), DER
	Done               bool   // ServerHelloDone seen, or the TLS 1.3 ServerHello
	Alert              *Alert // an alert ended the flight
}

// ReadFlight reads the server's reply to a ClientHello from r. It returns
// what it read even when it returns an error: a *NotTLSError, a
// *TooLargeError, an error wrapping ErrMalformed, or r's own error (io.EOF
// before any byte, io.ErrUnexpectedEOF, a reset, a deadline).
// maxMessage bounds one handshake message (DefaultMaxMessage when 0).
func ReadFlight(r io.Reader, maxMessage int) (*Flight, error) {
	if maxMessage <= 0 {
		maxMessage = DefaultMaxMessage
	}
	f := &Flight{}
	rr := &recordingReader{r: r, f: f}
	var buf []byte // handshake bytes not yet consumed
	for {
		rec, err := ReadRecord(rr)
		if err != nil {
			return f, err
		}
		f.Records++
		switch rec.Type {
		case RecordAlert:
			a, err := ParseAlert(rec.Payload)
			if err != nil {
				return f, err
			}
			f.Alert = &a
			return f, nil
		case RecordHandshake:
			buf = append(buf, rec.Payload...)
		case RecordChangeCipherSpec:
			continue
		default:
			return f, malformed("unexpected record type before the handshake finished")
		}
		for len(buf) >= 4 {
			typ := buf[0]
			n := int(buf[1])<<16 | int(buf[2])<<8 | int(buf[3])
			if n > maxMessage {
				return f, &TooLargeError{What: messageName(typ) + " message", Length: n, Limit: maxMessage}
			}
			if len(buf) < 4+n {
				break
			}
			body := buf[4 : 4+n]
			buf = buf[4+n:]
			if err := f.handle(typ, body); err != nil {
				return f, err
			}
			if f.Done {
				return f, nil
			}
		}
	}
}

func messageName(t uint8) string {
	switch t {
	case TypeServerHello:
		return "ServerHello"
	case TypeCertificate:
		return "Certificate"
	case TypeServerKeyExchange:
		return "ServerKeyExchange"
	case TypeCertificateRequest:
		return "CertificateRequest"
	case TypeServerHelloDone:
		return "ServerHelloDone"
	case TypeCertificateStatus:
		return "CertificateStatus"
	}
	return "handshake"
}

func (f *Flight) version() uint16 {
	if f.ServerHello == nil {
		return 0
	}
	return f.ServerHello.NegotiatedVersion()
}

func (f *Flight) handle(typ uint8, body []byte) error {
	if f.ServerHello == nil && typ != TypeServerHello {
		return malformed("first handshake message is not a ServerHello")
	}
	switch typ {
	case TypeServerHello:
		if f.ServerHello != nil {
			return malformed("second ServerHello")
		}
		sh, err := ParseServerHello(body)
		if err != nil {
			return err
		}
		f.ServerHello = sh
		if sh.HelloRetry || sh.NegotiatedVersion() >= VersionTLS13 {
			f.Done = true // the rest is encrypted, or a new ClientHello is needed
		}
	case TypeCertificate:
		certs, err := ParseCertificate12(body)
		if err != nil {
			return err
		}
		f.Certificates = certs
	case TypeServerKeyExchange:
		dhe := false
		if su, ok := LookupSuite(f.ServerHello.CipherSuite); ok {
			dhe = su.Kex == "DHE"
		}
		ske, err := ParseServerKeyExchange(body, f.version(), dhe)
		if err != nil {
			return err
		}
		f.ServerKeyExchange = ske
	case TypeCertificateRequest:
		cr, err := ParseCertificateRequest12(body, f.version())
		if err != nil {
			return err
		}
		f.CertificateRequest = cr
	case TypeCertificateStatus:
		resp, err := ParseCertificateStatus(body)
		if err != nil {
			return err
		}
		f.StapledOCSP, f.OCSPResponse = true, resp
	case TypeServerHelloDone:
		f.Done = true
	}
	return nil
}

type recordingReader struct {
	r io.Reader
	f *Flight
}

func (rr *recordingReader) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	if room := 64 - len(rr.f.First); room > 0 && n > 0 {
		rr.f.First = append(rr.f.First, p[:min(n, room)]...)
	}
	return n, err
}

// ParseCertificate12 parses a TLS 1.0-1.2 Certificate body into DER blobs.
func ParseCertificate12(body []byte) ([][]byte, error) {
	s := cryptobyte.String(body)
	var list cryptobyte.String
	if !s.ReadUint24LengthPrefixed(&list) || !s.Empty() {
		return nil, malformed("Certificate list")
	}
	var certs [][]byte
	for !list.Empty() {
		var c cryptobyte.String
		if !list.ReadUint24LengthPrefixed(&c) || len(c) == 0 {
			return nil, malformed("Certificate entry")
		}
		certs = append(certs, append([]byte(nil), c...))
	}
	return certs, nil
}

// MarshalCertificate12 builds a TLS 1.2 Certificate body (for tests and lab servers).
func MarshalCertificate12(certs [][]byte) []byte {
	return build(func(b *cryptobyte.Builder) {
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, c := range certs {
				b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(c) })
			}
		})
	})
}

// CertificateRequest is a TLS 1.0-1.2 CertificateRequest.
type CertificateRequest struct {
	CertificateTypes    []uint8  `json:"certificate_types"`
	SignatureAlgorithms []uint16 `json:"signature_algorithms,omitempty"`
	AcceptableCAs       [][]byte `json:"acceptable_cas,omitempty"` // DER-encoded distinguished names
}

// ParseCertificateRequest12 parses a TLS 1.0-1.2 CertificateRequest body.
func ParseCertificateRequest12(body []byte, version uint16) (*CertificateRequest, error) {
	s := cryptobyte.String(body)
	cr := &CertificateRequest{}
	var types, cas cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&types) {
		return nil, malformed("CertificateRequest types")
	}
	cr.CertificateTypes = append([]uint8{}, types...)
	if version >= VersionTLS12 {
		var sigs cryptobyte.String
		if !s.ReadUint16LengthPrefixed(&sigs) || len(sigs)%2 != 0 {
			return nil, malformed("CertificateRequest signature algorithms")
		}
		for !sigs.Empty() {
			var v uint16
			sigs.ReadUint16(&v)
			cr.SignatureAlgorithms = append(cr.SignatureAlgorithms, v)
		}
	}
	if !s.ReadUint16LengthPrefixed(&cas) || !s.Empty() {
		return nil, malformed("CertificateRequest authorities")
	}
	for !cas.Empty() {
		var dn cryptobyte.String
		if !cas.ReadUint16LengthPrefixed(&dn) || len(dn) == 0 {
			return nil, malformed("CertificateRequest authority")
		}
		cr.AcceptableCAs = append(cr.AcceptableCAs, append([]byte(nil), dn...))
	}
	return cr, nil
}

// ServerKeyExchange is a TLS 1.0-1.2 ServerKeyExchange for (EC)DHE.
type ServerKeyExchange struct {
	Params    []byte `json:"params"`              // the signed parameters, raw
	Curve     uint16 `json:"curve,omitempty"`     // ECDHE named curve
	DHPBits   int    `json:"dh_p_bits,omitempty"` // DHE prime size
	SigAlg    uint16 `json:"sig_alg,omitempty"`   // TLS 1.2 only
	Signature []byte `json:"signature"`
}

// DHPrime returns the prime p of a DHE ServerKeyExchange (one with
// DHPBits set), or nil.
func DHPrime(ske *ServerKeyExchange) *big.Int {
	if ske == nil || ske.DHPBits == 0 {
		return nil
	}
	s := cryptobyte.String(ske.Params)
	var p cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&p) || len(p) == 0 {
		return nil
	}
	return new(big.Int).SetBytes(p)
}

// ParseServerKeyExchange parses an ECDHE or DHE ServerKeyExchange body; dhe
// says which (from the negotiated suite), since the first byte of DHE
// parameters can look like ECDHE's curve_type.
func ParseServerKeyExchange(body []byte, version uint16, dhe bool) (*ServerKeyExchange, error) {
	if len(body) == 0 {
		return nil, malformed("empty ServerKeyExchange")
	}
	s := cryptobyte.String(body)
	ske := &ServerKeyExchange{}
	if !dhe { // ECParameters: curve_type named_curve
		var ct uint8
		var point cryptobyte.String
		if !s.ReadUint8(&ct) || !s.ReadUint16(&ske.Curve) || !s.ReadUint8LengthPrefixed(&point) || len(point) == 0 {
			return nil, malformed("ECDHE parameters")
		}
	} else { // DHE: p, g, Ys
		var p, g, ys cryptobyte.String
		if !s.ReadUint16LengthPrefixed(&p) || !s.ReadUint16LengthPrefixed(&g) || !s.ReadUint16LengthPrefixed(&ys) || len(p) == 0 {
			return nil, malformed("DHE parameters")
		}
		bits := new(big.Int).SetBytes(p).BitLen()
		ske.DHPBits = bits
	}
	ske.Params = append([]byte(nil), body[:len(body)-len(s)]...)
	if version >= VersionTLS12 {
		if !s.ReadUint16(&ske.SigAlg) {
			return nil, malformed("ServerKeyExchange signature algorithm")
		}
	}
	var sig cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&sig) || !s.Empty() {
		return nil, malformed("ServerKeyExchange signature")
	}
	ske.Signature = append([]byte(nil), sig...)
	return ske, nil
}
