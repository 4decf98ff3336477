package lab

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"sort"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
)

// Credential is a client certificate and its key, for checks of the lab's
// mutual-TLS endpoints (tlsdoctor check --cert --key).
type Credential struct {
	Name  string
	Chain []*x509.Certificate // leaf first
	Key   crypto.Signer
}

// CertPEM is the chain as PEM.
func (c *Credential) CertPEM() []byte { return pki.PEM(c.Chain...) }

// KeyPEM is the private key as PKCS#8 PEM.
func (c *Credential) KeyPEM() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// Credential returns the lab client credential with the given name, or nil.
func (l *Lab) Credential(name string) *Credential { return l.creds[name] }

// Credentials lists the client credentials' names, sorted.
func (l *Lab) Credentials() []string {
	var n []string
	for k := range l.creds {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// ProxyWithCredentials is the URL of the lab proxy that demands
// credentials, with them.
func (l *Lab) ProxyWithCredentials() string { return l.proxyAuth }

// mutualTLS mints client credentials (one good, and one for each way a
// client certificate goes wrong) and servers that require a certificate
// from the lab client CA, each checked with one of them.
func (b *builder) mutualTLS() error {
	other, err := pki.NewRoot(pki.Spec{CN: "Partner Client CA"})
	if err != nil {
		return err
	}
	clientAuth := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	mk := func(name string, ca *pki.CA, s pki.Spec) (*Credential, error) {
		s.CN = "svc-" + name + ".client." + Domain
		if s.EKU == nil {
			s.EKU = clientAuth
		}
		l, err := ca.Leaf(s)
		if err != nil {
			return nil, err
		}
		c := &Credential{Name: name, Chain: []*x509.Certificate{l.Cert}, Key: l.Key}
		b.l.creds[name] = c
		return c, nil
	}
	if _, err := mk("client", b.clientCA, pki.Spec{}); err != nil {
		return err
	}
	if _, err := mk("client-expired", b.clientCA, pki.Spec{NotBefore: b.now.Add(-400 * 24 * time.Hour), NotAfter: b.now.Add(-10 * 24 * time.Hour)}); err != nil {
		return err
	}
	if _, err := mk("client-wrong-ca", other, pki.Spec{}); err != nil {
		return err
	}
	if _, err := mk("client-server-eku", b.clientCA, pki.Spec{EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		return err
	}
	mism, err := mk("client-key-mismatch", b.clientCA, pki.Spec{})
	if err != nil {
		return err
	}
	if mism.Key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return err
	}
	for _, x := range []struct {
		name, cred, desc string
		want             cause.Code
		tls12            bool
	}{
		{"mtls-ok", "client", "requires a client certificate from the lab client CA; the right one is presented", cause.OK, false},
		{"mtls-expired", "client-expired", "requires a client certificate; the one presented expired ten days ago (TLS 1.2)", cause.ClientCertRequired, true},
		{"mtls-wrong-ca", "client-wrong-ca", "requires a client certificate from the lab client CA; one from another CA is presented", cause.ClientCertRequired, false},
		{"mtls-server-eku", "client-server-eku", "requires a client certificate; the one presented is for servers only (no clientAuth)", cause.ClientCertRequired, false},
		{"mtls-key-mismatch", "client-key-mismatch", "requires a client certificate; the key presented with it is another", cause.ClientCertRequired, false},
	} {
		l, err := b.leaf(x.name, pki.Spec{})
		if err != nil {
			return err
		}
		cfg := tlsConfig(l.TLS(b.inter.Cert))
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		cfg.ClientCAs = pki.Pool(b.clientCA.Cert)
		if x.tls12 {
			cfg.MaxVersion = tls.VersionTLS12
		}
		if err := b.tlsEndpoint(&Endpoint{Name: x.name, Want: x.want, Description: x.desc, ClientCert: x.cred}, cfg, "ok"); err != nil {
			return err
		}
	}
	return nil
}
