package chain

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"

	"github.com/tlsdoctor/tlsdoctor/internal/memo"
	"github.com/tlsdoctor/tlsdoctor/signature"
)

// certAlgorithm maps a certificate's signature algorithm to the one package
// signature checks.
func certAlgorithm(a x509.SignatureAlgorithm) signature.Algorithm {
	alg := signature.Algorithm{Name: a.String(), Kind: signature.Other}
	switch a {
	case x509.MD5WithRSA:
		alg.Kind, alg.Hash = signature.RSAPKCS1, crypto.MD5
	case x509.SHA1WithRSA:
		alg.Kind, alg.Hash = signature.RSAPKCS1, crypto.SHA1
	case x509.SHA256WithRSA:
		alg.Kind, alg.Hash = signature.RSAPKCS1, crypto.SHA256
	case x509.SHA384WithRSA:
		alg.Kind, alg.Hash = signature.RSAPKCS1, crypto.SHA384
	case x509.SHA512WithRSA:
		alg.Kind, alg.Hash = signature.RSAPKCS1, crypto.SHA512
	case x509.SHA256WithRSAPSS:
		alg.Kind, alg.Hash = signature.RSAPSS, crypto.SHA256
	case x509.SHA384WithRSAPSS:
		alg.Kind, alg.Hash = signature.RSAPSS, crypto.SHA384
	case x509.SHA512WithRSAPSS:
		alg.Kind, alg.Hash = signature.RSAPSS, crypto.SHA512
	case x509.ECDSAWithSHA1:
		alg.Kind, alg.Hash = signature.ECDSA, crypto.SHA1
	case x509.ECDSAWithSHA256:
		alg.Kind, alg.Hash = signature.ECDSA, crypto.SHA256
	case x509.ECDSAWithSHA384:
		alg.Kind, alg.Hash = signature.ECDSA, crypto.SHA384
	case x509.ECDSAWithSHA512:
		alg.Kind, alg.Hash = signature.ECDSA, crypto.SHA512
	case x509.PureEd25519:
		alg.Kind = signature.Ed25519
	}
	return alg
}

// sigMemo remembers the signature checks already made, so that a scan of
// many servers sharing a CA checks the CA's signatures once, not once per
// server (a scan of thousands of targets spent most of its time here). The
// key is a hash of everything the check depends on, so a certificate with a
// copied signature but another body is checked afresh.
var sigMemo = memo.New[[32]byte, error](4096)

// checkSignature checks that parent's key signed child. Unlike
// x509.Certificate.CheckSignatureFrom it accepts MD5 and SHA-1 signatures,
// so that a chain can be built (and its weakness named) even where a client
// would refuse it. It returns nil or a *signature.Error with its reason,
// computed once per (child, parent) pair (sigMemo).
func checkSignature(child, parent *x509.Certificate) error {
	return sigMemo.Do(sigKey(child, parent), func() error {
		return signature.Verify(parent.PublicKey, certAlgorithm(child.SignatureAlgorithm), child.RawTBSCertificate, child.Signature)
	})
}

// verified records that parent's signature on child was checked and holds:
// x509.Verify checked every link of a chain it returns, so the findings
// that follow (the served order) need not check them again.
func verified(child, parent *x509.Certificate) {
	sigMemo.Put(sigKey(child, parent), nil)
}

func sigKey(child, parent *x509.Certificate) [32]byte {
	h := sha256.New()
	h.Write(child.RawTBSCertificate)
	h.Write(child.Signature)
	h.Write([]byte(child.SignatureAlgorithm.String()))
	h.Write(parent.RawSubjectPublicKeyInfo)
	var key [32]byte
	h.Sum(key[:0])
	return key
}

// link says whether parent issued child: the names (and key identifiers,
// when both are present) match, and the signature verifies or cannot be
// checked (a key too small for Go, an algorithm it does not implement).
// unchecked is the reason when it cannot be checked.
func link(parent, child *x509.Certificate) (ok bool, unchecked error) {
	if !bytes.Equal(parent.RawSubject, child.RawIssuer) {
		return false, nil
	}
	if len(child.AuthorityKeyId) > 0 && len(parent.SubjectKeyId) > 0 && !bytes.Equal(child.AuthorityKeyId, parent.SubjectKeyId) {
		return false, nil
	}
	err := checkSignature(child, parent)
	if err == nil {
		return true, nil
	}
	if signature.Checked(err) {
		return false, nil // the signature was checked and does not verify
	}
	return true, err
}

// issues reports whether parent issued child (see link).
func issues(parent, child *x509.Certificate) bool {
	ok, _ := link(parent, child)
	return ok
}

// selfSigned reports whether c is self-issued and its self-signature
// verifies (or cannot be checked).
func selfSigned(c *x509.Certificate) bool {
	return issues(c, c)
}

// IsSelfSigned reports whether c is self-issued and its self-signature
// verifies (or cannot be checked): a root.
func IsSelfSigned(c *x509.Certificate) bool { return selfSigned(c) }

// weakSignature reports whether c is signed with MD5 or SHA-1.
func weakSignature(c *x509.Certificate) bool {
	switch c.SignatureAlgorithm {
	case x509.MD5WithRSA, x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1, x509.MD2WithRSA:
		return true
	}
	return false
}

// verifyMemo remembers the chains x509.Verify returned (none: it failed)
// for a served chain, its AIA issuers and a trust (Options.TrustKey).
var verifyMemo = memo.New[verifyKey, [][]*x509.Certificate](256)

type verifyKey struct {
	certs [32]byte // the served chain and the AIA issuers
	trust any
}

func verifyKeyOf(served []*x509.Certificate, opts Options) verifyKey {
	return verifyKey{certs: memo.Certs(served, opts.Extra), trust: opts.TrustKey}
}

// own maps remembered chains onto this call's certificates (those served,
// the AIA issuers, the known ones and the anchors it lists, equal by their
// bytes), so that a report refers to its own parsed certificates and the
// memo keeps no other call's alive through it.
func (r *Report) own(chains [][]*x509.Certificate, opts Options) [][]*x509.Certificate {
	out := make([][]*x509.Certificate, len(chains))
	for i, ch := range chains {
		out[i] = make([]*x509.Certificate, len(ch))
		for j, c := range ch {
			out[i][j] = c
		find:
			for _, list := range [][]*x509.Certificate{r.Served, opts.Extra, opts.Known, opts.RootCerts} {
				for _, x := range list {
					if x == c || bytes.Equal(x.Raw, c.Raw) {
						out[i][j] = x
						break find
					}
				}
			}
		}
	}
	return out
}
