package probe

import (
	"crypto/ecdh"
	"crypto/mlkem"
	"crypto/rand"
	"io"
	"slices"
	"sync"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// helloSpec is one ClientHello to send.
type helloSpec struct {
	name, change string
	versions     []uint16 // highest first
	suites       []uint16
	groups       []uint16
	keyShares    []uint16
	sigalgs      []uint16
	sni          string
	// choiceOnly asks a TLS 1.3 server for its choice alone: the hello
	// carries an empty key_share, so the server names its version, suite
	// and group in a HelloRetryRequest (RFC 8446 4.2.8), with no key
	// exchange and no signature, and the retry is not sent.
	choiceOnly bool
}

var allVersions = []uint16{wire.VersionTLS13, wire.VersionTLS12, wire.VersionTLS11, wire.VersionTLS10, wire.VersionSSL30}

var allGroups = []uint16{wire.GroupX25519, wire.GroupP256, wire.GroupP384, wire.GroupP521, wire.GroupX448,
	wire.GroupBrainpoolP256, wire.GroupBrainpoolP384, wire.GroupBrainpoolP512,
	wire.GroupFFDHE2048, wire.GroupFFDHE3072, wire.GroupFFDHE4096, wire.GroupFFDHE6144, wire.GroupFFDHE8192}

var allSigAlgs = []uint16{wire.SigECDSAP256, wire.SigRSAPSSSHA256, wire.SigRSAPKCS1SHA256, wire.SigECDSAP384,
	wire.SigRSAPSSSHA384, wire.SigRSAPKCS1SHA384, wire.SigRSAPSSSHA512, wire.SigRSAPKCS1SHA512,
	wire.SigECDSAP521, wire.SigEd25519, wire.SigEd448, wire.SigRSAPSSPSSSHA256, wire.SigRSAPSSPSSSHA384,
	wire.SigRSAPSSPSSSHA512, wire.SigRSAPKCS1SHA1, wire.SigECDSASHA1}

func profileSpec(p *profile.Profile, sni string) helloSpec {
	return helloSpec{name: "profile", versions: p.Versions, suites: p.CipherSuites, groups: p.Groups,
		keyShares: p.KeyShares, sigalgs: p.SignatureAlgorithms, sni: sni}
}

// variants are the follow-up hellos sent when the profile's hello is
// refused: each changes one feature, so the one that is accepted names the
// cause. name is the SNI to try when the profile's hello sent none.
func variants(base helloSpec, name string) []helloSpec {
	var out []helloSpec
	if base.sni == "" && name != "" {
		v := base
		v.name, v.change, v.sni = "with-sni", "send SNI "+name, name
		out = append(out, v)
	}
	g := base
	g.name, g.change, g.groups = "all-groups", "offer every named group", allGroups
	out = append(out, g)
	s := base
	s.name, s.change, s.suites = "all-suites", "offer every known cipher suite", append(wire.TLS13Suites(), wire.LegacySuites()...)
	if len(s.groups) == 0 {
		// A client without curves cannot use ECDHE suites at all: offer
		// them with the curves they need.
		s.change, s.groups = "offer every known cipher suite, with the curves ECDHE needs", allGroups
	}
	out = append(out, s)
	if len(base.sigalgs) > 0 && !slices.Equal(base.sigalgs, allSigAlgs) {
		x := base
		x.name, x.change, x.sigalgs = "all-sigalgs", "offer every signature scheme", allSigAlgs
		out = append(out, x)
	}
	for _, v := range allVersions {
		if slices.Contains(base.versions, v) {
			continue
		}
		x := base
		x.name = "only-" + wire.VersionName(v)
		x.change = "offer " + wire.VersionName(v) + " instead (nothing else changed)"
		x.versions = []uint16{v}
		out = append(out, x)
	}
	return out
}

// widenedVersion is the follow-up for a version whose version-only change
// was refused: the same version with every suite, group and signature
// scheme, since the profile's may not exist at that version (AEAD suites
// at TLS 1.0, say).
func widenedVersion(base helloSpec, v uint16) helloSpec {
	x := base
	x.name = "only-" + wire.VersionName(v) + "-all"
	x.change = "offer " + wire.VersionName(v) + " instead, with every suite, group and signature scheme"
	x.versions = []uint16{v}
	x.suites = append(wire.TLS13Suites(), wire.LegacySuites()...)
	x.groups = allGroups
	x.sigalgs = allSigAlgs
	return x
}

// tls12Spec is a TLS 1.2 ECDHE hello used to see the ServerKeyExchange in
// plaintext (the proof of a key mismatch).
func tls12Spec(base helloSpec) helloSpec {
	s := base
	s.name, s.change = "tls1.2-ecdhe", "offer TLS 1.2 only, ECDHE suites, to read the signed ServerKeyExchange"
	s.versions = []uint16{wire.VersionTLS12}
	s.suites = nil
	for _, x := range wire.Suites() {
		if x.Kex == "ECDHE" {
			s.suites = append(s.suites, x.ID)
		}
	}
	s.groups = allGroups[:4]
	s.sigalgs = allSigAlgs
	return s
}

// shareOf holds one public key share per group the probe can make one for,
// each made once and only when a hello first offers the group: a hello only
// needs the bytes, never the private key, and the first P-521 key costs a
// process several milliseconds (the curve's tables and self-test), which a
// check that never offers P-521 should not pay.
var x25519Share = curveShare(ecdh.X25519())

var shareOf = map[uint16]func() []byte{
	wire.GroupX25519: x25519Share,
	wire.GroupP256:   curveShare(ecdh.P256()),
	wire.GroupP384:   curveShare(ecdh.P384()),
	wire.GroupP521:   curveShare(ecdh.P521()),
	wire.GroupX25519MLKEM768: sync.OnceValue(func() []byte {
		x := x25519Share()
		dk, err := mlkem.GenerateKey768()
		if err != nil || x == nil {
			return nil
		}
		// X25519MLKEM768: the ML-KEM-768 encapsulation key, then X25519.
		return append(dk.EncapsulationKey().Bytes(), x...)
	}),
}

func curveShare(c ecdh.Curve) func() []byte {
	return sync.OnceValue(func() []byte {
		k, err := c.GenerateKey(rand.Reader)
		if err != nil {
			return nil
		}
		return k.PublicKey().Bytes()
	})
}

// keyShare is the group's public key share, nil when the probe makes none.
func keyShare(g uint16) []byte {
	if f := shareOf[g]; f != nil {
		return f()
	}
	return nil
}

// retry is the second ClientHello after a HelloRetryRequest (RFC 8446
// 4.1.2): the first, with one key share for the group asked for and the
// cookie echoed. ok is false when the probe cannot make a share for it.
func retry(first *wire.ClientHello, hrr *wire.ServerHello) (*wire.ClientHello, bool) {
	share := keyShare(hrr.KeyShareGroup)
	if share == nil {
		return nil, false
	}
	m := *first
	m.Retry = true
	m.KeyShares = []wire.KeyShare{{Group: hrr.KeyShareGroup, Data: share}}
	m.Extensions = slices.Clone(first.Extensions)
	if len(hrr.Cookie) > 0 {
		c := append([]byte{byte(len(hrr.Cookie) >> 8), byte(len(hrr.Cookie))}, hrr.Cookie...)
		m.Extensions = append(m.Extensions, wire.Extension{Type: wire.ExtCookie, Data: c})
	}
	return &m, true
}

func (s helloSpec) build(rnd io.Reader) (*wire.ClientHello, []byte) {
	random := make([]byte, 32)
	io.ReadFull(rnd, random)
	sid := make([]byte, 32)
	io.ReadFull(rnd, sid)
	maxV := uint16(0)
	for _, v := range s.versions {
		maxV = max(maxV, v)
	}
	var suites []uint16
	for _, id := range s.suites {
		su, ok := wire.LookupSuite(id)
		if ok && su.Kex == "TLS13" && maxV < wire.VersionTLS13 {
			continue
		}
		suites = append(suites, id)
	}
	m := &wire.ClientHello{
		Version: min(maxV, wire.VersionTLS12), Random: random, SessionID: sid,
		CipherSuites: suites, CompressionMethods: []uint8{0}, ServerName: s.sni,
		SupportedGroups: s.groups, PointFormats: []uint8{0}, SignatureAlgorithms: s.sigalgs,
		Extensions: []wire.Extension{{Type: wire.ExtExtendedMasterSecret, Data: []byte{}}, {Type: wire.ExtRenegotiationInfo, Data: []byte{0}},
			wire.StatusRequestExtension()}, // a TLS 1.2 server staples its OCSP response in the flight
	}
	if maxV >= wire.VersionTLS13 {
		m.SupportedVersions = s.versions
		m.PSKModes = []uint8{1}
		m.HasKeyShare = true
		for _, g := range s.keyShares {
			if d := keyShare(g); d != nil && slices.Contains(s.groups, g) && !s.choiceOnly {
				m.KeyShares = append(m.KeyShares, wire.KeyShare{Group: g, Data: d})
			}
		}
	}
	return m, random
}

func (s helloSpec) offer() evidence.Offer {
	o := evidence.Offer{Versions: s.versions, Suites: s.suites, Groups: s.groups, SigAlgs: s.sigalgs, SNI: s.sni}
	if slices.Contains(s.versions, wire.VersionTLS13) && !s.choiceOnly {
		for _, g := range s.keyShares {
			if keyShare(g) != nil && slices.Contains(s.groups, g) {
				o.KeyShares = append(o.KeyShares, g)
			}
		}
	}
	return o
}
