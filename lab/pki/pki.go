// Package pki mints the throwaway certificates the lab and the tests need:
// roots, intermediates and leaves with exactly the defect a reproducer
// wants (expired, wrong name, CN only, SHA-1, small key, wrong usage, ...).
// Everything lives in memory; nothing is written unless asked.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"sync/atomic"
	"time"
)

// CA is a certificate authority: a certificate and its key.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// Leaf is a server certificate with its key and the chain above it.
type Leaf struct {
	Cert  *x509.Certificate
	Key   crypto.Signer
	Chain []*x509.Certificate // issuers above the leaf, nearest first (root included)
}

// Spec says what to mint. The zero value is a valid ECDSA P-256 certificate
// valid from an hour ago for a year.
type Spec struct {
	CN        string
	DNS       []string
	IPs       []net.IP
	NotBefore time.Time
	NotAfter  time.Time
	Key       string // "" or "ecdsa": P-256; "rsa1024"; "rsa2048"
	SigAlg    x509.SignatureAlgorithm
	EKU       []x509.ExtKeyUsage // nil: serverAuth for leaves
	IsCA      bool               // for leaves: a CA certificate used as a leaf
	AIA       []string           // caIssuers URLs
	KeyUsage  x509.KeyUsage      // 0: a sensible default
	Org       string             // subject O ("tlsdoctor lab" when empty)
	OCSP      []string           // OCSP responder URLs (AIA)
	CRL       []string           // CRL distribution points
	// MustStaple adds the TLS feature extension status_request (RFC 7633).
	MustStaple bool
}

// oidTLSFeature is the TLS feature extension (RFC 7633).
var oidTLSFeature = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 24}

var serial atomic.Int64

func newKey(kind string) (crypto.Signer, error) {
	switch kind {
	case "", "ecdsa":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "rsa1024":
		return rsa.GenerateKey(rand.Reader, 1024)
	case "rsa2048":
		return rsa.GenerateKey(rand.Reader, 2048)
	}
	return nil, fmt.Errorf("pki: unknown key kind %q", kind)
}

func skid(pub crypto.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	s := sha1.Sum(der)
	return s[:]
}

func (s Spec) template(now time.Time) *x509.Certificate {
	nb, na := s.NotBefore, s.NotAfter
	if nb.IsZero() {
		nb = now.Add(-time.Hour)
	}
	if na.IsZero() {
		na = now.Add(365 * 24 * time.Hour)
	}
	org := s.Org
	if org == "" {
		org = "tlsdoctor lab"
	}
	t := &x509.Certificate{
		SerialNumber:          big.NewInt(serial.Add(1) + now.UnixNano()%1000000*1000),
		Subject:               pkix.Name{CommonName: s.CN, Organization: []string{org}},
		DNSNames:              s.DNS,
		IPAddresses:           s.IPs,
		NotBefore:             nb,
		NotAfter:              na,
		SignatureAlgorithm:    s.SigAlg,
		IssuingCertificateURL: s.AIA,
		OCSPServer:            s.OCSP,
		CRLDistributionPoints: s.CRL,
		BasicConstraintsValid: true,
	}
	if s.MustStaple {
		v, _ := asn1.Marshal([]int{5}) // status_request
		t.ExtraExtensions = append(t.ExtraExtensions, pkix.Extension{Id: oidTLSFeature, Value: v})
	}
	return t
}

// mint signs t for pub with the issuer's key (self-signed when issuer is nil).
func mint(t, issuer *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*x509.Certificate, error) {
	if issuer == nil {
		issuer = t
	}
	der, err := x509.CreateCertificate(rand.Reader, t, issuer, pub, signer)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// NewRoot mints a self-signed root CA.
func NewRoot(s Spec) (*CA, error) {
	key, err := newKey(s.Key)
	if err != nil {
		return nil, err
	}
	t := s.template(time.Now())
	if s.NotBefore.IsZero() {
		t.NotBefore = time.Now().Add(-2 * 365 * 24 * time.Hour) // CAs are older than their leaves
	}
	if s.NotAfter.IsZero() {
		t.NotAfter = time.Now().Add(10 * 365 * 24 * time.Hour)
	}
	t.IsCA = true
	t.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	t.SubjectKeyId = skid(key.Public())
	c, err := mint(t, nil, key.Public(), key)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: c, Key: key}, nil
}

// Intermediate mints an intermediate CA issued by ca.
func (ca *CA) Intermediate(s Spec) (*CA, error) {
	key, err := newKey(s.Key)
	if err != nil {
		return nil, err
	}
	t := s.template(time.Now())
	if s.NotBefore.IsZero() {
		t.NotBefore = time.Now().Add(-2 * 365 * 24 * time.Hour)
	}
	if s.NotAfter.IsZero() {
		t.NotAfter = time.Now().Add(5 * 365 * 24 * time.Hour)
	}
	t.IsCA = true
	t.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	t.SubjectKeyId = skid(key.Public())
	c, err := mint(t, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: c, Key: key}, nil
}

// Leaf mints a server certificate issued by ca. chain lists the issuers
// above ca (nearest first); the result's Chain is ca followed by them.
func (ca *CA) Leaf(s Spec, above ...*x509.Certificate) (*Leaf, error) {
	key, err := newKey(s.Key)
	if err != nil {
		return nil, err
	}
	t := s.template(time.Now())
	t.IsCA = s.IsCA
	t.BasicConstraintsValid = true
	t.ExtKeyUsage = s.EKU
	if s.EKU == nil {
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	t.KeyUsage = s.KeyUsage
	if t.KeyUsage == 0 {
		t.KeyUsage = x509.KeyUsageDigitalSignature
		if _, ok := key.(*rsa.PrivateKey); ok {
			t.KeyUsage |= x509.KeyUsageKeyEncipherment
		}
		if s.IsCA {
			t.KeyUsage |= x509.KeyUsageCertSign
		}
	}
	c, err := mint(t, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, err
	}
	return &Leaf{Cert: c, Key: key, Chain: append([]*x509.Certificate{ca.Cert}, above...)}, nil
}

// SelfSignedLeaf mints a self-signed server certificate.
func SelfSignedLeaf(s Spec) (*Leaf, error) {
	key, err := newKey(s.Key)
	if err != nil {
		return nil, err
	}
	t := s.template(time.Now())
	t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	t.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign
	c, err := mint(t, nil, key.Public(), key)
	if err != nil {
		return nil, err
	}
	return &Leaf{Cert: c, Key: key}, nil
}

// TLS returns a tls.Certificate that serves the leaf followed by the given
// certificates (exactly as given: a test of a missing intermediate passes none).
func (l *Leaf) TLS(send ...*x509.Certificate) tls.Certificate {
	tc := tls.Certificate{Certificate: [][]byte{l.Cert.Raw}, PrivateKey: l.Key, Leaf: l.Cert}
	for _, c := range send {
		tc.Certificate = append(tc.Certificate, c.Raw)
	}
	return tc
}

// PEM encodes certificates as PEM.
func PEM(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// Pool returns a pool of the given certificates.
func Pool(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}
