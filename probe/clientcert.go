package probe

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"time"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// ClientCertificate is a client certificate and its private key, presented
// when a server asks for one (--cert, --key).
type ClientCertificate struct {
	Chain      [][]byte // DER, leaf first
	Key        crypto.PrivateKey
	KeyMatches bool   // the key belongs to the leaf
	Source     string // where it was read from, for the record
}

// NewClientCertificate pairs a chain (leaf first) with a private key. A key
// that does not belong to the leaf is accepted and recorded as such: the
// certificate is still presented, so that the server's own verdict (a
// decrypt_error alert, say) is on the wire rather than guessed.
func NewClientCertificate(chain []*x509.Certificate, key crypto.PrivateKey, source string) (*ClientCertificate, error) {
	if len(chain) == 0 {
		return nil, errors.New("no certificate")
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, errors.New("the private key cannot sign (not RSA, ECDSA or Ed25519)")
	}
	cc := &ClientCertificate{Key: key, Source: source}
	for _, c := range chain {
		cc.Chain = append(cc.Chain, c.Raw)
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	if pub, ok := signer.Public().(equaler); ok {
		cc.KeyMatches = pub.Equal(chain[0].PublicKey)
	}
	return cc, nil
}

func (c *ClientCertificate) record() *evidence.ClientCert {
	return &evidence.ClientCert{Certificates: c.Chain, KeyMatches: c.KeyMatches, Source: c.Source}
}

// clientCertificate answers a CertificateRequest: it records the request
// and presents the configured certificate, or none.
func (o *Options) clientCertificate(h *evidence.Handshake, cri *tls.CertificateRequestInfo) *tls.Certificate {
	h.CertificateRequested = true
	h.AcceptableCAs = cri.AcceptableCAs
	if o.ClientCert == nil {
		return &tls.Certificate{} // present none, as a client without one does
	}
	h.ClientCertSent = true
	return &tls.Certificate{Certificate: o.ClientCert.Chain, PrivateKey: o.ClientCert.Key}
}

// verdictWait bounds the wait for a TLS 1.3 server's verdict on a client
// certificate, which arrives after the client's handshake has completed.
const verdictWait = 300 * time.Millisecond

// clientCertVerdict waits briefly, after a TLS 1.3 handshake in which a
// certificate was presented, for the server's alert refusing it, so that a
// request written meanwhile does not race it (a server that closes after
// its alert resets the connection, and the alert is lost). It returns nil
// when the server is silent: it accepted the certificate.
func clientCertVerdict(tc *tls.Conn, hs *evidence.Handshake, opts *Options) *wire.Alert {
	if !hs.ClientCertSent || hs.Version != tls.VersionTLS13 {
		return nil
	}
	tc.SetReadDeadline(time.Now().Add(min(opts.timeout(), verdictWait)))
	defer tc.SetReadDeadline(time.Time{})
	// A server that accepts waits for the request (HTTP servers do not
	// speak first), so the read times out; one that refuses sends an alert.
	var b [1]byte
	_, err := tc.Read(b[:])
	return alertOf(err)
}
