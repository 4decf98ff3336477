package wire

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	_ "crypto/sha256"
	_ "crypto/sha512"
	"errors"
	"fmt"
)

// ErrBadSignature reports that a ServerKeyExchange signature does not verify
// with the certificate's public key: the server signs with a key that is not
// the certificate's.
var ErrBadSignature = errors.New("wire: ServerKeyExchange signature does not verify with the certificate's public key")

// VerifyServerKeyExchange checks the signature of a TLS 1.0-1.2
// ServerKeyExchange (RFC 5246 7.4.3, RFC 8422 5.4) with pub, the public key of
// the server's certificate. It returns nil, ErrBadSignature, or an error
// saying why the signature could not be checked.
func VerifyServerKeyExchange(pub crypto.PublicKey, version uint16, clientRandom, serverRandom []byte, ske *ServerKeyExchange) error {
	if ske == nil {
		return errors.New("wire: no ServerKeyExchange")
	}
	signed := make([]byte, 0, 64+len(ske.Params))
	signed = append(append(append(signed, clientRandom...), serverRandom...), ske.Params...)

	var hash crypto.Hash
	pss, ecdsaSig, edSig := false, false, false
	if version >= VersionTLS12 {
		switch ske.SigAlg {
		case SigRSAPKCS1SHA1:
			hash = crypto.SHA1
		case SigRSAPKCS1SHA256:
			hash = crypto.SHA256
		case SigRSAPKCS1SHA384:
			hash = crypto.SHA384
		case SigRSAPKCS1SHA512:
			hash = crypto.SHA512
		case SigRSAPSSSHA256, SigRSAPSSPSSSHA256:
			hash, pss = crypto.SHA256, true
		case SigRSAPSSSHA384, SigRSAPSSPSSSHA384:
			hash, pss = crypto.SHA384, true
		case SigRSAPSSSHA512, SigRSAPSSPSSSHA512:
			hash, pss = crypto.SHA512, true
		case SigECDSASHA1:
			hash, ecdsaSig = crypto.SHA1, true
		case SigECDSAP256:
			hash, ecdsaSig = crypto.SHA256, true
		case SigECDSAP384:
			hash, ecdsaSig = crypto.SHA384, true
		case SigECDSAP521:
			hash, ecdsaSig = crypto.SHA512, true
		case SigEd25519:
			edSig = true
		default:
			return fmt.Errorf("wire: cannot check signature algorithm %s", SignatureName(ske.SigAlg))
		}
	} else {
		switch pub.(type) {
		case *rsa.PublicKey:
			hash = crypto.MD5SHA1
		case *ecdsa.PublicKey:
			hash, ecdsaSig = crypto.SHA1, true
		default:
			return fmt.Errorf("wire: cannot check a %T signature before TLS 1.2", pub)
		}
	}

	switch k := pub.(type) {
	case *rsa.PublicKey:
		if ecdsaSig || edSig {
			return ErrBadSignature // the server signed with a key of another type
		}
		d := digest(hash, signed)
		var err error
		if pss {
			err = rsa.VerifyPSS(k, hash, d, ske.Signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		} else {
			err = rsa.VerifyPKCS1v15(k, hash, d, ske.Signature)
		}
		if err != nil {
			return ErrBadSignature
		}
	case *ecdsa.PublicKey:
		if !ecdsaSig {
			return ErrBadSignature
		}
		if !ecdsa.VerifyASN1(k, digest(hash, signed), ske.Signature) {
			return ErrBadSignature
		}
	case ed25519.PublicKey:
		if !edSig || !ed25519.Verify(k, signed, ske.Signature) {
			return ErrBadSignature
		}
	default:
		return fmt.Errorf("wire: cannot check a signature by a %T key", pub)
	}
	return nil
}

func digest(h crypto.Hash, msg []byte) []byte {
	if h == crypto.MD5SHA1 { // TLS 1.0/1.1 RSA: MD5 and SHA-1 concatenated
		m := md5.Sum(msg)
		s := sha1.Sum(msg)
		return append(m[:], s[:]...)
	}
	hh := h.New()
	hh.Write(msg)
	return hh.Sum(nil)
}
