package lab

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"math/big"
	"net"
	"slices"
	"time"

	"github.com/tlsdoctor/tlsdoctor/lab/pki"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// rawNote ends the description of every flight endpoint.
const rawNote = " (a first flight only: a client that accepts it fails later, with a reset)"

// flight is a raw TLS 1.2 server that answers a ClientHello with a
// complete, correctly signed first flight (ServerHello, Certificate,
// ServerKeyExchange, ServerHelloDone) with one deliberate defect, then waits
// for the client to give up. It cannot finish a handshake: it exists to show
// what a client does with the first flight (a DHE group, a missing
// renegotiation_info, a duplicate extension, a suite never offered).
type flight struct {
	leaf  *pki.Leaf
	chain [][]byte
	// dhP, when set, makes the key exchange DHE with this modulus (g = 2);
	// otherwise ECDHE with X25519.
	dhP *big.Int
	// suite, when set, is chosen whatever the client offers.
	suite uint16
	// noReneg leaves renegotiation_info out of the ServerHello (RFC 5746).
	noReneg bool
	// dupExt sends renegotiation_info twice.
	dupExt bool
}

// serve answers one connection.
func (f *flight) serve(c net.Conn) {
	rec, err := wire.ReadRecord(c)
	if err != nil || rec.Type != wire.RecordHandshake {
		return
	}
	ch, err := wire.ParseClientHello(rec.Payload)
	if err != nil {
		return
	}
	alert := func(d uint8) { c.Write(wire.MarshalRecord(wire.RecordAlert, wire.VersionTLS12, []byte{2, d})) }
	if ch.Version < wire.VersionTLS12 && !slices.Contains(ch.SupportedVersions, wire.VersionTLS12) {
		alert(wire.AlertProtocolVersion)
		return
	}
	suite := f.suite
	if suite == 0 {
		for _, s := range ch.CipherSuites {
			if su, ok := wire.LookupSuite(s); ok && f.suits(su) {
				suite = s
				break
			}
		}
	}
	if suite == 0 {
		alert(wire.AlertHandshakeFailure)
		return
	}
	sh := &wire.ServerHello{Version: wire.VersionTLS12, Random: make([]byte, 32), SessionID: ch.SessionID, CipherSuite: suite}
	rand.Read(sh.Random)
	if !f.noReneg {
		sh.Extra = append(sh.Extra, wire.Extension{Type: wire.ExtRenegotiationInfo, Data: []byte{0}})
	}
	if f.dupExt {
		sh.Extra = append(sh.Extra, wire.Extension{Type: wire.ExtRenegotiationInfo, Data: []byte{0}})
	}
	shb, err := sh.Marshal()
	if err != nil {
		return
	}
	params, err := f.params()
	if err != nil {
		return
	}
	signed := append(append(append([]byte{}, ch.Random...), sh.Random...), params...)
	d := sha256.Sum256(signed)
	sigAlg := wire.SigECDSAP256
	if _, ok := f.leaf.Key.Public().(*rsa.PublicKey); ok {
		sigAlg = wire.SigRSAPKCS1SHA256
	}
	sig, err := f.leaf.Key.Sign(rand.Reader, d[:], crypto.SHA256)
	if err != nil {
		return
	}
	ske := append(append([]byte{}, params...), byte(sigAlg>>8), byte(sigAlg), byte(len(sig)>>8), byte(len(sig)))
	ske = append(ske, sig...)
	var hs []byte
	hs = append(hs, wire.HandshakeMessage(wire.TypeServerHello, shb)...)
	hs = append(hs, wire.HandshakeMessage(wire.TypeCertificate, wire.MarshalCertificate12(append([][]byte{f.leaf.Cert.Raw}, f.chain...)))...)
	hs = append(hs, wire.HandshakeMessage(wire.TypeServerKeyExchange, ske)...)
	hs = append(hs, wire.HandshakeMessage(wire.TypeServerHelloDone, nil)...)
	if _, err := c.Write(wire.MarshalRecord(wire.RecordHandshake, wire.VersionTLS12, hs)); err != nil {
		return
	}
	// The client answers (ClientKeyExchange, Finished) or gives up; this
	// server cannot go on, so it waits a little and closes.
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	wire.ReadRecord(c)
}

// suits reports whether the flight can use a suite: its key exchange and
// the leaf's key type.
func (f *flight) suits(s wire.Suite) bool {
	want := "ECDHE"
	if f.dhP != nil {
		want = "DHE"
	}
	if s.Kex != want {
		return false
	}
	_, rsaKey := f.leaf.Key.Public().(*rsa.PublicKey)
	_, ecKey := f.leaf.Key.Public().(*ecdsa.PublicKey)
	return rsaKey && s.Auth == "RSA" || ecKey && s.Auth == "ECDSA"
}

// params are the ServerKeyExchange parameters (RFC 5246 7.4.3, RFC 8422 5.4).
func (f *flight) params() ([]byte, error) {
	if f.dhP == nil {
		k, err := ecdh.X25519().GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		pub := k.PublicKey().Bytes()
		return append([]byte{3, 0, byte(wire.GroupX25519), byte(len(pub))}, pub...), nil
	}
	x, err := rand.Int(rand.Reader, new(big.Int).Sub(f.dhP, big.NewInt(3)))
	if err != nil {
		return nil, err
	}
	ys := new(big.Int).Exp(big.NewInt(2), x.Add(x, big.NewInt(2)), f.dhP)
	var out []byte
	for _, v := range [][]byte{f.dhP.Bytes(), {2}, ys.Bytes()} {
		out = append(out, byte(len(v)>>8), byte(len(v)))
		out = append(out, v...)
	}
	return out, nil
}

// oakley1024 is the 1024-bit MODP group of RFC 2409 6.2 (Oakley group 2): a
// safe prime, and too small for OpenSSL 3 at security level 2.
var oakley1024, _ = new(big.Int).SetString("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16)

// compositeModulus is a 2048-bit odd number that is not prime: the product
// of two 1024-bit primes, made once per lab.
func compositeModulus() (*big.Int, error) {
	p, err := rand.Prime(rand.Reader, 1024)
	if err != nil {
		return nil, err
	}
	q, err := rand.Prime(rand.Reader, 1024)
	if err != nil {
		return nil, err
	}
	return new(big.Int).Mul(p, q), nil
}
