package wire

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"

	"github.com/tlsdoctor/tlsdoctor/signature"
)

// SchemeAlgorithm maps a TLS SignatureScheme code point (RFC 8446 4.2.3) to
// the algorithm package signature checks. Unknown schemes are
// signature.Other.
func SchemeAlgorithm(scheme uint16) signature.Algorithm {
	a := signature.Algorithm{Name: SignatureName(scheme), Kind: signature.Other}
	switch scheme {
	case SigRSAPKCS1SHA1:
		a.Kind, a.Hash = signature.RSAPKCS1, crypto.SHA1
	case SigRSAPKCS1SHA256:
		a.Kind, a.Hash = signature.RSAPKCS1, crypto.SHA256
	case SigRSAPKCS1SHA384:
		a.Kind, a.Hash = signature.RSAPKCS1, crypto.SHA384
	case SigRSAPKCS1SHA512:
		a.Kind, a.Hash = signature.RSAPKCS1, crypto.SHA512
	case SigRSAPSSSHA256, SigRSAPSSPSSSHA256:
		a.Kind, a.Hash = signature.RSAPSS, crypto.SHA256
	case SigRSAPSSSHA384, SigRSAPSSPSSSHA384:
		a.Kind, a.Hash = signature.RSAPSS, crypto.SHA384
	case SigRSAPSSSHA512, SigRSAPSSPSSSHA512:
		a.Kind, a.Hash = signature.RSAPSS, crypto.SHA512
	case SigECDSASHA1:
		a.Kind, a.Hash = signature.ECDSA, crypto.SHA1
	case SigECDSAP256:
		a.Kind, a.Hash = signature.ECDSA, crypto.SHA256
	case SigECDSAP384:
		a.Kind, a.Hash = signature.ECDSA, crypto.SHA384
	case SigECDSAP521:
		a.Kind, a.Hash = signature.ECDSA, crypto.SHA512
	case SigEd25519:
		a.Kind = signature.Ed25519
	}
	return a
}

// VerifyServerKeyExchange checks the signature of a TLS 1.0-1.2
// ServerKeyExchange (RFC 5246 7.4.3, RFC 8422 5.4) with pub, the public key of
// the server's certificate. It returns nil, or a *signature.Error whose
// Reason says whether the signature does not verify (BadSignature,
// WrongKeyType: the server signs with a key that is not the certificate's)
// or could not be checked (KeyTooSmall, UnsupportedAlgorithm).
func VerifyServerKeyExchange(pub crypto.PublicKey, version uint16, clientRandom, serverRandom []byte, ske *ServerKeyExchange) error {
	if ske == nil {
		return errors.New("wire: no ServerKeyExchange")
	}
	signed := make([]byte, 0, 64+len(ske.Params))
	signed = append(append(append(signed, clientRandom...), serverRandom...), ske.Params...)
	var alg signature.Algorithm
	if version >= VersionTLS12 {
		alg = SchemeAlgorithm(ske.SigAlg)
	} else {
		// Before TLS 1.2 the algorithm follows from the key (RFC 4346 7.4.3):
		// MD5+SHA-1 for RSA, SHA-1 for ECDSA.
		switch pub.(type) {
		case *rsa.PublicKey:
			alg = signature.Algorithm{Kind: signature.RSAPKCS1, Hash: crypto.MD5SHA1, Name: "RSA with MD5+SHA-1 (TLS 1.0/1.1)"}
		case *ecdsa.PublicKey:
			alg = signature.Algorithm{Kind: signature.ECDSA, Hash: crypto.SHA1, Name: "ECDSA with SHA-1 (TLS 1.0/1.1)"}
		default:
			alg = signature.Algorithm{Kind: signature.Other, Name: "TLS 1.0/1.1 signature"}
		}
	}
	return signature.Verify(pub, alg, signed, ske.Signature)
}
