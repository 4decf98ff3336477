package intercept

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/internal/memo"
)

// How a match was made, strongest first.
const (
	BySPKI      = "spki"      // a certificate carries a catalogued public key
	BySignature = "signature" // a certificate was signed by a catalogued key
	ByKeyID     = "key-id"    // a certificate names a catalogued key identifier as its issuer's
	ByName      = "name"      // a name in the chain matches a product's CA names
)

// Match is one catalog entry recognised in a chain.
type Match struct {
	Product Product
	By      string
	// Cert is the index, in the chain given to MatchChain, of the
	// certificate that matched.
	Cert   int
	Detail string
}

// Proved reports whether the match rests on a key rather than a name: a
// key cannot be copied the way a name can.
func (m Match) Proved() bool { return m.By != ByName }

// MatchChain matches chain (leaf first; the anchor may be included) against
// the catalog. It returns at most one match per product, the strongest.
// Results are remembered per chain (matchMemo): a diagnosis per client
// profile of the same server asks about the same chain again.
func MatchChain(chain []*x509.Certificate) []Match {
	return slices.Clone(matchMemo.Do(memo.Certs(chain), func() []Match {
		var out []Match
		for _, p := range catalog {
			if m, ok := matchProduct(p, chain); ok {
				out = append(out, m)
			}
		}
		return out
	}))
}

// matchMemo holds the matches of the chains seen last.
var matchMemo = memo.New[[32]byte, []Match](1024)

func matchProduct(p Product, chain []*x509.Certificate) (Match, bool) {
	for i, c := range chain {
		sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
		for _, h := range p.SPKI {
			if hex.EncodeToString(sum[:]) == h {
				return Match{p, BySPKI, i, fmt.Sprintf("%q carries %s's public key (SPKI SHA-256 %s)", label(c), p.Name, h)}, true
			}
		}
	}
	for i, c := range chain {
		for _, k := range p.Keys {
			if signedBy(c, k) {
				return Match{p, BySignature, i, fmt.Sprintf("%q is signed by %s's key", label(c), p.Name)}, true
			}
		}
	}
	for i, c := range chain {
		for _, id := range p.KeyIDs {
			if hex.EncodeToString(c.AuthorityKeyId) == id || (c.IsCA && hex.EncodeToString(c.SubjectKeyId) == id) {
				return Match{p, ByKeyID, i, fmt.Sprintf("%q names %s's key identifier %s", label(c), p.Name, id)}, true
			}
		}
	}
	for i, c := range chain {
		fields := []struct{ what, v string }{{"issuer CN", c.Issuer.CommonName}}
		for _, o := range c.Issuer.Organization {
			fields = append(fields, struct{ what, v string }{"issuer O", o})
		}
		if c.IsCA {
			fields = append(fields, struct{ what, v string }{"subject CN", c.Subject.CommonName})
			for _, o := range c.Subject.Organization {
				fields = append(fields, struct{ what, v string }{"subject O", o})
			}
		}
		for _, f := range fields {
			for _, re := range p.names {
				if f.v != "" && re.MatchString(strings.TrimSpace(f.v)) {
					return Match{p, ByName, i, fmt.Sprintf("the %s %q of %q matches %s", f.what, f.v, label(c), p.Name)}, true
				}
			}
		}
	}
	return Match{}, false
}

// signedBy reports whether c's signature verifies with the public key k
// (base64 SubjectPublicKeyInfo DER).
func signedBy(c *x509.Certificate, k string) bool {
	der, err := base64.StdEncoding.DecodeString(k)
	if err != nil {
		return false
	}
	if bytes.Equal(der, c.RawSubjectPublicKeyInfo) && !bytes.Equal(c.RawIssuer, c.RawSubject) {
		return false // the key's own certificate is matched by SPKI
	}
	// A certificate whose subject carries the key, used as a parent.
	parent := &x509.Certificate{RawSubjectPublicKeyInfo: der}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return false
	}
	parent.PublicKey = pub
	return parent.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

func label(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	return c.Subject.String()
}
