package chain

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	_ "crypto/md5" // registers crypto.MD5 for old certificates
	"crypto/rsa"
	_ "crypto/sha1"
	_ "crypto/sha256"
	_ "crypto/sha512"
	"crypto/x509"
	"errors"
	"fmt"
)

var errBadSig = errors.New("chain: signature does not verify")

// checkSignature reports whether parent's key signed child. Unlike
// x509.Certificate.CheckSignatureFrom it accepts MD5 and SHA-1 signatures
// and small RSA keys, so that a chain can be built (and its weakness named)
// even where a client would refuse it.
func checkSignature(child, parent *x509.Certificate) error {
	var h crypto.Hash
	pss := false
	switch child.SignatureAlgorithm {
	case x509.MD5WithRSA:
		h = crypto.MD5
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1:
		h = crypto.SHA1
	case x509.SHA256WithRSA, x509.ECDSAWithSHA256:
		h = crypto.SHA256
	case x509.SHA384WithRSA, x509.ECDSAWithSHA384:
		h = crypto.SHA384
	case x509.SHA512WithRSA, x509.ECDSAWithSHA512:
		h = crypto.SHA512
	case x509.SHA256WithRSAPSS:
		h, pss = crypto.SHA256, true
	case x509.SHA384WithRSAPSS:
		h, pss = crypto.SHA384, true
	case x509.SHA512WithRSAPSS:
		h, pss = crypto.SHA512, true
	case x509.PureEd25519:
	default:
		// Anything else (DSA, unknown): let the standard library decide.
		return child.CheckSignatureFrom(parent)
	}
	var d []byte
	if h != 0 {
		hh := h.New()
		hh.Write(child.RawTBSCertificate)
		d = hh.Sum(nil)
	}
	switch k := parent.PublicKey.(type) {
	case *rsa.PublicKey:
		var err error
		if pss {
			err = rsa.VerifyPSS(k, h, d, child.Signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		} else {
			err = rsa.VerifyPKCS1v15(k, h, d, child.Signature)
		}
		if err != nil {
			return errBadSig
		}
		return nil
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(k, d, child.Signature) {
			return errBadSig
		}
		return nil
	case ed25519.PublicKey:
		if !ed25519.Verify(k, child.RawTBSCertificate, child.Signature) {
			return errBadSig
		}
		return nil
	}
	return fmt.Errorf("chain: cannot check a signature by a %T key", parent.PublicKey)
}

// issues reports whether parent plausibly issued child: names match and
// the signature verifies.
func issues(parent, child *x509.Certificate) bool {
	if !bytes.Equal(parent.RawSubject, child.RawIssuer) {
		return false
	}
	if len(child.AuthorityKeyId) > 0 && len(parent.SubjectKeyId) > 0 && !bytes.Equal(child.AuthorityKeyId, parent.SubjectKeyId) {
		return false
	}
	return checkSignature(child, parent) == nil
}

// selfSigned reports whether c is self-issued and self-signed.
func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject) && checkSignature(c, c) == nil
}

// weakSignature reports whether c is signed with MD5 or SHA-1.
func weakSignature(c *x509.Certificate) bool {
	switch c.SignatureAlgorithm {
	case x509.MD5WithRSA, x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1, x509.MD2WithRSA:
		return true
	}
	return false
}
