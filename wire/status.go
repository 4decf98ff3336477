package wire

import "golang.org/x/crypto/cryptobyte"

// StatusTypeOCSP is CertificateStatusType ocsp (RFC 6066 section 8).
const StatusTypeOCSP uint8 = 1

// StatusRequestExtension is the status_request extension a client sends to
// ask for a stapled OCSP response (RFC 6066 section 8): status_type ocsp,
// no responder IDs, no request extensions. In TLS 1.2 the server answers
// with a CertificateStatus message, in TLS 1.3 inside the leaf's
// CertificateEntry (RFC 8446 section 4.4.2.1).
func StatusRequestExtension() Extension {
	return Extension{Type: ExtStatusRequest, Data: []byte{StatusTypeOCSP, 0, 0, 0, 0}}
}

// ParseCertificateStatus parses a TLS 1.2 CertificateStatus body and
// returns the DER OCSP response it carries.
func ParseCertificateStatus(body []byte) ([]byte, error) {
	s := cryptobyte.String(body)
	var typ uint8
	var resp cryptobyte.String
	if !s.ReadUint8(&typ) || typ != StatusTypeOCSP || !s.ReadUint24LengthPrefixed(&resp) || len(resp) == 0 || !s.Empty() {
		return nil, malformed("CertificateStatus")
	}
	return append([]byte(nil), resp...), nil
}

// MarshalCertificateStatus builds a TLS 1.2 CertificateStatus body (for
// tests and lab servers).
func MarshalCertificateStatus(ocspResponse []byte) []byte {
	return build(func(b *cryptobyte.Builder) {
		b.AddUint8(StatusTypeOCSP)
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(ocspResponse) })
	})
}
