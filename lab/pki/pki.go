// Package pki mints the throwaway certificates the lab and the tests need:
// roots, intermediates and leaves with exactly the defect a reproducer
// wants (expired, wrong name, CN only, SHA-1, small key, wrong usage, ...).
// Everything lives in memory; nothing is written unless asked.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
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
	"io"
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
	Key       string // "" or "ecdsa": P-256; "ed25519"; "rsa512" (signs with PKCS #1 v1.5 only); "rsa1024"; "rsa2048"
	Org       string // the subject's organisation; "" means "tlsdoctor lab"
	// Extensions are added as they are (an unknown critical one, say).
	Extensions []pkix.Extension
	SigAlg     x509.SignatureAlgorithm
	EKU        []x509.ExtKeyUsage // nil: serverAuth for leaves
	IsCA       bool               // for leaves: a CA certificate used as a leaf
	AIA        []string           // caIssuers URLs
	KeyUsage   x509.KeyUsage      // 0: a sensible default
	OCSP       []string           // OCSP responder URLs (AIA)
	CRL        []string           // CRL distribution points
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
	case "ed25519":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	case "rsa512":
		return newSmallRSA(512)
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
		ExtraExtensions:       s.Extensions,
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
		t.ExtraExtensions = append(append([]pkix.Extension{}, s.Extensions...), pkix.Extension{Id: oidTLSFeature, Value: v})
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
		if _, ok := key.Public().(*rsa.PublicKey); ok {
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

// smallRSA is an RSA key smaller than Go's crypto/rsa will use (under 1024
// bits), for reproducing servers with such keys. It signs with PKCS #1 v1.5
// (RFC 8017 8.2.1) on math/big: the only scheme a 512-bit key can do with
// SHA-256 in TLS 1.2. Nothing here is for protecting anything.
type smallRSA struct {
	pub  *rsa.PublicKey
	d    *big.Int
	p, q *big.Int
}

func newSmallRSA(bits int) (*smallRSA, error) {
	e := big.NewInt(65537)
	for {
		p, err := rand.Prime(rand.Reader, bits/2)
		if err != nil {
			return nil, err
		}
		q, err := rand.Prime(rand.Reader, bits-bits/2)
		if err != nil {
			return nil, err
		}
		n := new(big.Int).Mul(p, q)
		if n.BitLen() != bits || p.Cmp(q) == 0 {
			continue
		}
		one := big.NewInt(1)
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(e, phi)
		if d == nil {
			continue
		}
		return &smallRSA{pub: &rsa.PublicKey{N: n, E: 65537}, d: d, p: p, q: q}, nil
	}
}

func (k *smallRSA) Public() crypto.PublicKey { return k.pub }

// KeyDER encodes a key minted here as PKCS #8, for servers that read key
// files (openssl s_server, nginx); small RSA keys included.
func KeyDER(k crypto.Signer) ([]byte, error) {
	if s, ok := k.(*smallRSA); ok {
		return x509.MarshalPKCS8PrivateKey(&rsa.PrivateKey{PublicKey: *s.pub, D: s.d, Primes: []*big.Int{s.p, s.q}})
	}
	return x509.MarshalPKCS8PrivateKey(k)
}

// digestInfo are the DER prefixes of RFC 8017 9.2, note 1.
var digestInfo = map[crypto.Hash][]byte{
	crypto.SHA1:   {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14},
	crypto.SHA256: {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
}

func (k *smallRSA) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	h := opts.HashFunc()
	var t []byte
	switch {
	case h == crypto.MD5SHA1:
		t = digest
	case digestInfo[h] != nil:
		t = append(append([]byte{}, digestInfo[h]...), digest...)
	default:
		return nil, fmt.Errorf("pki: a small RSA key signs only PKCS #1 v1.5 with SHA-1, SHA-256 or MD5+SHA-1, not %v", h)
	}
	if _, pss := opts.(*rsa.PSSOptions); pss {
		return nil, fmt.Errorf("pki: a small RSA key does not sign RSA-PSS")
	}
	size := (k.pub.N.BitLen() + 7) / 8
	if len(t)+11 > size {
		return nil, fmt.Errorf("pki: the key is too small for this digest")
	}
	em := make([]byte, size)
	em[1] = 1
	for i := 2; i < size-len(t)-1; i++ {
		em[i] = 0xff
	}
	copy(em[size-len(t):], t)
	s := new(big.Int).Exp(new(big.Int).SetBytes(em), k.d, k.pub.N)
	return s.FillBytes(make([]byte, size)), nil
}
