// Package signature checks one digital signature with one public key and,
// when the check does not succeed, says why in a typed reason, the way
// crypto/x509 keeps CertificateInvalidError{Reason}: a signature that does not
// verify (BadSignature) is a different fact from a key too small for Go's
// crypto to use (KeyTooSmall), an algorithm it does not implement
// (UnsupportedAlgorithm) or a key of another kind than the algorithm needs
// (WrongKeyType), and each leads to a different cause.
//
// Package wire uses it for handshake signatures (ServerKeyExchange) and
// package chain for certificate signatures, so both give the same answer for
// the same key. It accepts MD5 and SHA-1, which clients may refuse: whether a
// client accepts an algorithm is a policy judged elsewhere.
package signature

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	_ "crypto/md5" // registers crypto.MD5 for old certificates
	"crypto/rsa"
	_ "crypto/sha1"
	_ "crypto/sha256"
	_ "crypto/sha512"
	"errors"
	"fmt"
)

// Reason says why a signature did not check out.
type Reason string

const (
	// BadSignature: the key is usable and the signature does not verify
	// with it.
	BadSignature Reason = "bad signature"
	// KeyTooSmall: the key is too small for Go's crypto to use (RSA under
	// 1024 bits), so the signature was not checked.
	KeyTooSmall Reason = "key too small"
	// UnsupportedAlgorithm: the algorithm (or the key's kind, or its hash)
	// is one Go's crypto cannot check, so the signature was not checked.
	UnsupportedAlgorithm Reason = "unsupported algorithm"
	// WrongKeyType: the algorithm needs another kind of key than the one
	// given (an ECDSA signature checked with an RSA key): the signer's key is
	// not this one.
	WrongKeyType Reason = "wrong key type"
)

// Error is a signature that did not check out, with its reason.
type Error struct {
	Reason Reason
	Detail string // for people: the key, the algorithm, what Go said
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return "signature: " + string(e.Reason)
	}
	return "signature: " + string(e.Reason) + ": " + e.Detail
}

// ReasonOf returns the reason of err when it is an *Error, else "".
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// Checked reports whether err is nil or says the signature does not belong
// to the key (BadSignature, WrongKeyType): the two outcomes that say
// something about the key. KeyTooSmall and UnsupportedAlgorithm say nothing.
func Checked(err error) bool {
	r := ReasonOf(err)
	return err == nil || r == BadSignature || r == WrongKeyType
}

// Kind is a signature scheme's family.
type Kind string

const (
	RSAPKCS1 Kind = "RSA-PKCS1v15"
	RSAPSS   Kind = "RSA-PSS"
	ECDSA    Kind = "ECDSA"
	Ed25519  Kind = "Ed25519"
	Other    Kind = "other" // DSA, Ed448, GOST, unknown code points
)

// Algorithm is a signature scheme: a family and a hash. Hash is
// crypto.MD5SHA1 for the TLS 1.0/1.1 RSA handshake signature and 0 for
// Ed25519 (which signs the message itself).
type Algorithm struct {
	Kind Kind
	Hash crypto.Hash
	Name string // for people, e.g. "rsa_pss_rsae_sha256" or "SHA256-RSA"
}

// MinRSABits is the smallest RSA key Go's crypto/rsa verifies with.
const MinRSABits = 1024

// Verify checks sig over signed with pub. It returns nil or an *Error.
func Verify(pub crypto.PublicKey, alg Algorithm, signed, sig []byte) error {
	fail := func(r Reason, format string, args ...any) error {
		return &Error{Reason: r, Detail: fmt.Sprintf(format, args...)}
	}
	if alg.Kind == Other {
		return fail(UnsupportedAlgorithm, "%s signatures are not checked here", name(alg))
	}
	if alg.Kind != Ed25519 && alg.Hash != crypto.MD5SHA1 && (alg.Hash == 0 || !alg.Hash.Available()) {
		return fail(UnsupportedAlgorithm, "%s: hash not available", name(alg))
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if alg.Kind != RSAPKCS1 && alg.Kind != RSAPSS {
			return fail(WrongKeyType, "a %s signature checked with an RSA key", name(alg))
		}
		if bits := k.N.BitLen(); bits < MinRSABits {
			return fail(KeyTooSmall, "the %d-bit RSA key is below the %d bits Go's crypto/rsa will use", bits, MinRSABits)
		}
		d := digest(alg.Hash, signed)
		var err error
		if alg.Kind == RSAPSS {
			err = rsa.VerifyPSS(k, alg.Hash, d, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
		} else {
			err = rsa.VerifyPKCS1v15(k, alg.Hash, d, sig)
		}
		if err != nil {
			return fail(BadSignature, "%s with a %d-bit RSA key: %v", name(alg), k.N.BitLen(), err)
		}
	case *ecdsa.PublicKey:
		if alg.Kind != ECDSA {
			return fail(WrongKeyType, "a %s signature checked with an ECDSA key", name(alg))
		}
		if !ecdsa.VerifyASN1(k, digest(alg.Hash, signed), sig) {
			return fail(BadSignature, "%s with an ECDSA %s key does not verify", name(alg), k.Curve.Params().Name)
		}
	case ed25519.PublicKey:
		if alg.Kind != Ed25519 {
			return fail(WrongKeyType, "a %s signature checked with an Ed25519 key", name(alg))
		}
		if !ed25519.Verify(k, signed, sig) {
			return fail(BadSignature, "Ed25519 signature does not verify")
		}
	default:
		return fail(UnsupportedAlgorithm, "a %T key", pub)
	}
	return nil
}

func name(a Algorithm) string {
	if a.Name != "" {
		return a.Name
	}
	return string(a.Kind)
}

// digest hashes msg; MD5SHA1 is the TLS 1.0/1.1 concatenation of MD5 and SHA-1.
func digest(h crypto.Hash, msg []byte) []byte {
	if h == crypto.MD5SHA1 {
		m, s := crypto.MD5.New(), crypto.SHA1.New()
		m.Write(msg)
		s.Write(msg)
		return s.Sum(m.Sum(nil))
	}
	hh := h.New()
	hh.Write(msg)
	return hh.Sum(nil)
}
