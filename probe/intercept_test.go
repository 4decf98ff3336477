package probe

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"
)

// Which chains earn a handshake for an invented name: a leaf minted minutes
// ago by a CA, without the revocation URLs public CAs always give; not a
// fresh self-signed leaf, nor an old one, nor one that names a CRL.
func TestLooksMinted(t *testing.T) {
	now := time.Now()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Some Inspection CA"},
		NotBefore: now.Add(-365 * 24 * time.Hour), NotAfter: now.Add(365 * 24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	ca, _ := x509.ParseCertificate(caDER)
	leaf := func(age time.Duration, self bool, crl bool) []byte {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "www.example.test"}, DNSNames: []string{"www.example.test"},
			NotBefore: now.Add(-age), NotAfter: now.Add(30 * 24 * time.Hour)}
		if crl {
			tmpl.CRLDistributionPoints = []string{"http://crl.example.test/ca.crl"}
		}
		parent, signer := ca, any(caKey)
		if self {
			parent, signer = tmpl, k
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &k.PublicKey, signer)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	tests := []struct {
		name  string
		chain [][]byte
		want  bool
	}{
		{"minted minutes ago by a CA", [][]byte{leaf(3*time.Minute, false, false)}, true},
		{"self-signed, fresh", [][]byte{leaf(3*time.Minute, true, false)}, false},
		{"issued long ago", [][]byte{leaf(90*24*time.Hour, false, false)}, false},
		{"names a CRL", [][]byte{leaf(3*time.Minute, false, true)}, false},
		{"nothing parsable", [][]byte{{1, 2, 3}}, false},
	}
	for _, tt := range tests {
		if got := looksMinted(tt.chain, now); got != tt.want {
			t.Errorf("%s: looksMinted = %v, want %v", tt.name, got, tt.want)
		}
	}
}
