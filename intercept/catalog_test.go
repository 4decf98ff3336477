package intercept

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// The catalog is data with sources: every entry says where it comes from,
// every identifier is well-formed, and every embedded key hashes to one of
// the entry's SPKI hashes (so a key and its hash cannot drift apart).
func TestCatalogWellFormed(t *testing.T) {
	hexRe := regexp.MustCompile(`^[0-9a-f]+$`)
	kinds := map[Kind]bool{Enterprise: true, Antivirus: true, Debugging: true, Compromised: true}
	for _, p := range Products() {
		if p.Name == "" || !kinds[p.Kind] || len(p.Sources) == 0 {
			t.Errorf("%q: name, kind and sources are required", p.Name)
		}
		if len(p.Names)+len(p.SPKI)+len(p.KeyIDs)+len(p.Keys) == 0 {
			t.Errorf("%s: nothing to match", p.Name)
		}
		for _, h := range p.SPKI {
			if len(h) != 64 || !hexRe.MatchString(h) {
				t.Errorf("%s: SPKI hash %q", p.Name, h)
			}
		}
		for _, id := range p.KeyIDs {
			if len(id)%2 != 0 || !hexRe.MatchString(id) {
				t.Errorf("%s: key id %q", p.Name, id)
			}
		}
		for _, k := range p.Keys {
			der, err := base64.StdEncoding.DecodeString(k)
			if err != nil {
				t.Fatalf("%s: %v", p.Name, err)
			}
			if _, err := x509.ParsePKIXPublicKey(der); err != nil {
				t.Errorf("%s: key does not parse: %v", p.Name, err)
			}
			sum := sha256.Sum256(der)
			found := false
			for _, h := range p.SPKI {
				found = found || h == hex.EncodeToString(sum[:])
			}
			if !found {
				t.Errorf("%s: embedded key hashes to %x, not among its SPKI hashes", p.Name, sum)
			}
		}
		if p.Kind == Compromised && !p.BlockedByChrome {
			t.Errorf("%s: compromised keys here are those Chromium blocks", p.Name)
		}
	}
}

// No root of the Mozilla store matches the catalog: a name pattern that
// caught a public CA would call every site behind it intercepted.
func TestNoPublicRootMatches(t *testing.T) {
	n := 0
	for r := range bundle.Roots() {
		c, err := x509.ParseCertificate(r.Certificate)
		if err != nil {
			continue
		}
		n++
		if ms := MatchChain([]*x509.Certificate{c}); len(ms) > 0 {
			t.Errorf("public root %q matches %s (%s)", c.Subject, ms[0].Product.Name, ms[0].Detail)
		}
	}
	if n < 100 {
		t.Fatalf("only %d roots", n)
	}
}

type ca struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func mint(t *testing.T, subject pkix.Name, pub crypto.PublicKey, parent *ca, isCA bool, mod func(*x509.Certificate)) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: subject,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: isCA, BasicConstraintsValid: true}
	if mod != nil {
		mod(tmpl)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent.cert, pub, parent.key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newCA(t *testing.T, name pkix.Name) *ca {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	self := &ca{key: k, cert: &x509.Certificate{Subject: name}}
	self.cert = mint(t, name, k.Public(), self, true, nil)
	return self
}

func TestMatchChain(t *testing.T) {
	leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	superfish := Products()[indexOf(t, "Superfish (Lenovo adware)")]
	sfKey, _ := base64.StdEncoding.DecodeString(superfish.Keys[0])
	sfPub, _ := x509.ParsePKIXPublicKey(sfKey)
	lab := newCA(t, pkix.Name{CommonName: "tlsdoctor test CA"})
	zs := newCA(t, pkix.Name{CommonName: "Zscaler Intermediate Root CA (zscaler.net)", Organization: []string{"Zscaler Inc."}})
	fortinet := newCA(t, pkix.Name{CommonName: "FortiGate CA", Organization: []string{"Fortinet"}})
	sfID := newCA(t, pkix.Name{CommonName: "unnamed"})
	sfID.cert.SubjectKeyId, _ = hex.DecodeString(superfish.KeyIDs[0]) // CreateCertificate copies it into the leaf's AKID

	tests := []struct {
		name    string
		chain   []*x509.Certificate
		product string
		by      string
	}{
		{"issuer name", []*x509.Certificate{mint(t, pkix.Name{CommonName: "api.example.test"}, leafKey.Public(), zs, false, nil)}, "Zscaler", ByName},
		{"CA subject name", []*x509.Certificate{mint(t, pkix.Name{CommonName: "x"}, leafKey.Public(), lab, false, nil), fortinet.cert}, "Fortinet FortiGate", ByName},
		// A certificate carrying Superfish's public key is recognised by
		// the key whatever it is called.
		{"key", []*x509.Certificate{mint(t, pkix.Name{CommonName: "innocent"}, sfPub, lab, true, nil)}, "Superfish (Lenovo adware)", BySPKI},
		// A leaf whose issuer (not sent) has Superfish's key identifier.
		{"key identifier", []*x509.Certificate{mint(t, pkix.Name{CommonName: "shop.example.test"}, leafKey.Public(), sfID, false, nil)}, "Superfish (Lenovo adware)", ByKeyID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := MatchChain(tt.chain)
			if len(ms) != 1 || ms[0].Product.Name != tt.product || ms[0].By != tt.by {
				t.Fatalf("matches %+v, want %s by %s", ms, tt.product, tt.by)
			}
			// Asked again (a diagnosis per client), the remembered answer
			// is the same, and a caller's change to it stays its own.
			ms[0].By = "changed"
			if again := MatchChain(tt.chain); len(again) != 1 || again[0].By != tt.by {
				t.Fatalf("asked again: %+v", again)
			}
			ms[0].By = tt.by
			if ms[0].Proved() != (tt.by != ByName) || !strings.Contains(ms[0].Detail, tt.chain[ms[0].Cert].Subject.CommonName) {
				t.Fatalf("match %+v", ms[0])
			}
		})
	}
	// A healthy private chain matches nothing.
	if ms := MatchChain([]*x509.Certificate{mint(t, pkix.Name{CommonName: "ok"}, leafKey.Public(), lab, false, nil), lab.cert}); len(ms) != 0 {
		t.Fatalf("private chain matched %+v", ms)
	}
}

// A certificate signed by a catalogued key is recognised by its signature
// even when the CA is not sent (checked with a key of our own, since the
// catalogued keys' private halves are not at hand).
func TestMatchBySignature(t *testing.T) {
	bad := newCA(t, pkix.Name{CommonName: "anything"})
	spki, _ := x509.MarshalPKIXPublicKey(bad.key.Public())
	sum := sha256.Sum256(spki)
	p := Product{Name: "test key", Kind: Compromised, SPKI: []string{hex.EncodeToString(sum[:])}, Keys: []string{base64.StdEncoding.EncodeToString(spki)}}
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := mint(t, pkix.Name{CommonName: "bank.example.test"}, k.Public(), bad, false, nil)
	m, ok := matchProduct(p, []*x509.Certificate{leaf})
	if !ok || m.By != BySignature || !m.Proved() {
		t.Fatalf("match %+v %v", m, ok)
	}
	other := newCA(t, pkix.Name{CommonName: "other"})
	if m, ok := matchProduct(p, []*x509.Certificate{mint(t, pkix.Name{CommonName: "x"}, k.Public(), other, false, nil)}); ok {
		t.Fatalf("unrelated signature matched: %+v", m)
	}
}

func indexOf(t *testing.T, name string) int {
	for i, p := range Products() {
		if p.Name == name {
			return i
		}
	}
	t.Fatalf("no product %q", name)
	return -1
}
