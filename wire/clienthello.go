package wire

import (
	"golang.org/x/crypto/cryptobyte"
)

// KeyShare is one key_share entry.
type KeyShare struct {
	Group uint16
	Data  []byte
}

// Extension is an extension carried as raw bytes.
type Extension struct {
	Type uint16
	Data []byte
}

// ClientHello is a ClientHello as tlsdoctor builds it. Known extensions are
// fields; Extensions holds any others. Marshal writes the known extensions in a
// fixed order, then Extensions in their order.
type ClientHello struct {
	Version             uint16 // legacy_version
	Random              []byte // 32 bytes
	SessionID           []byte
	CipherSuites        []uint16
	CompressionMethods  []uint8
	ServerName          string   // empty: no server_name extension
	SupportedGroups     []uint16 // nil: no extension
	PointFormats        []uint8  // nil: no extension
	SignatureAlgorithms []uint16 // nil: no extension
	ALPN                []string // nil: no extension
	SupportedVersions   []uint16 // nil: no extension (TLS 1.2 and older)
	KeyShares           []KeyShare
	HasKeyShare         bool // send key_share even when KeyShares is empty
	PSKModes            []uint8
	Extensions          []Extension
	// Retry marks the second ClientHello, sent after a HelloRetryRequest:
	// its record version is 0x0303 (RFC 8446 5.1).
	Retry bool
}

func addU8Prefixed(b *cryptobyte.Builder, data []byte) {
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(data) })
}

// Marshal returns the handshake message (type, length, body).
func (m *ClientHello) Marshal() ([]byte, error) {
	var b cryptobyte.Builder
	b.AddUint8(TypeClientHello)
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint16(m.Version)
		rnd := m.Random
		if len(rnd) != 32 {
			rnd = make([]byte, 32)
			copy(rnd, m.Random)
		}
		b.AddBytes(rnd)
		addU8Prefixed(b, m.SessionID)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, s := range m.CipherSuites {
				b.AddUint16(s)
			}
		})
		comp := m.CompressionMethods
		if comp == nil {
			comp = []uint8{0}
		}
		addU8Prefixed(b, comp)
		exts := m.extensions()
		if len(exts) == 0 {
			return
		}
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, e := range exts {
				b.AddUint16(e.Type)
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(e.Data) })
			}
		})
	})
	return b.Bytes()
}

// Record returns the ClientHello framed as a handshake record.
func (m *ClientHello) Record() ([]byte, error) {
	msg, err := m.Marshal()
	if err != nil {
		return nil, err
	}
	rv := VersionTLS10 // RFC 8446 5.1: 0x0301 for the initial ClientHello
	switch {
	case m.Retry:
		rv = VersionTLS12
	case m.Version < VersionTLS10:
		rv = m.Version
	}
	return MarshalRecord(RecordHandshake, rv, msg), nil
}

func build(f func(b *cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	f(&b)
	out, err := b.Bytes()
	if err != nil {
		return nil
	}
	return out
}

func (m *ClientHello) extensions() []Extension {
	var exts []Extension
	if m.ServerName != "" {
		exts = append(exts, Extension{ExtServerName, build(func(b *cryptobyte.Builder) {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				b.AddUint8(0) // host_name
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(m.ServerName)) })
			})
		})})
	}
	if m.SupportedGroups != nil {
		exts = append(exts, Extension{ExtSupportedGroups, build(func(b *cryptobyte.Builder) {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, g := range m.SupportedGroups {
					b.AddUint16(g)
				}
			})
		})})
	}
	if m.PointFormats != nil {
		exts = append(exts, Extension{ExtPointFormats, build(func(b *cryptobyte.Builder) { addU8Prefixed(b, m.PointFormats) })})
	}
	if m.SignatureAlgorithms != nil {
		exts = append(exts, Extension{ExtSignatureAlgorithms, build(func(b *cryptobyte.Builder) {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, s := range m.SignatureAlgorithms {
					b.AddUint16(s)
				}
			})
		})})
	}
	if m.ALPN != nil {
		exts = append(exts, Extension{ExtALPN, build(func(b *cryptobyte.Builder) {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, p := range m.ALPN {
					addU8Prefixed(b, []byte(p))
				}
			})
		})})
	}
	if m.SupportedVersions != nil {
		exts = append(exts, Extension{ExtSupportedVersions, build(func(b *cryptobyte.Builder) {
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, v := range m.SupportedVersions {
					b.AddUint16(v)
				}
			})
		})})
	}
	if m.PSKModes != nil {
		exts = append(exts, Extension{ExtPSKModes, build(func(b *cryptobyte.Builder) { addU8Prefixed(b, m.PSKModes) })})
	}
	if m.KeyShares != nil || m.HasKeyShare {
		exts = append(exts, Extension{ExtKeyShare, build(func(b *cryptobyte.Builder) {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, ks := range m.KeyShares {
					b.AddUint16(ks.Group)
					b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(ks.Data) })
				}
			})
		})})
	}
	return append(exts, m.Extensions...)
}

// ParseClientHello parses a ClientHello handshake message (type, length,
// body), as Marshal writes it. It is used to test Marshal and to read hellos
// captured from real clients.
func ParseClientHello(msg []byte) (*ClientHello, error) {
	s := cryptobyte.String(msg)
	var typ uint8
	var body cryptobyte.String
	if !s.ReadUint8(&typ) || typ != TypeClientHello || !s.ReadUint24LengthPrefixed(&body) || !s.Empty() {
		return nil, malformed("not a ClientHello message")
	}
	m := &ClientHello{}
	var random, sid, suites, comp []byte
	var suiteStr cryptobyte.String
	if !body.ReadUint16(&m.Version) || !body.ReadBytes(&random, 32) ||
		!body.ReadUint8LengthPrefixed((*cryptobyte.String)(&sid)) ||
		!body.ReadUint16LengthPrefixed(&suiteStr) ||
		!body.ReadUint8LengthPrefixed((*cryptobyte.String)(&comp)) {
		return nil, malformed("ClientHello header")
	}
	suites = suiteStr
	if len(suites)%2 != 0 {
		return nil, malformed("odd cipher suite list")
	}
	m.Random = append([]byte(nil), random...)
	m.SessionID = append([]byte{}, sid...)
	for i := 0; i < len(suites); i += 2 {
		m.CipherSuites = append(m.CipherSuites, uint16(suites[i])<<8|uint16(suites[i+1]))
	}
	m.CompressionMethods = append([]uint8{}, comp...)
	if body.Empty() {
		return m, nil
	}
	var exts cryptobyte.String
	if !body.ReadUint16LengthPrefixed(&exts) || !body.Empty() {
		return nil, malformed("ClientHello extensions")
	}
	seen := map[uint16]bool{}
	for !exts.Empty() {
		var typ uint16
		var data cryptobyte.String
		if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
			return nil, malformed("extension")
		}
		if seen[typ] {
			return nil, malformed("duplicate extension")
		}
		seen[typ] = true
		if !m.parseExtension(typ, data) {
			m.Extensions = append(m.Extensions, Extension{typ, append([]byte{}, data...)})
		}
	}
	return m, nil
}

// parseExtension decodes a known extension into m; false leaves it raw.
func (m *ClientHello) parseExtension(typ uint16, data cryptobyte.String) bool {
	switch typ {
	case ExtServerName:
		var list, name cryptobyte.String
		var nt uint8
		if !data.ReadUint16LengthPrefixed(&list) || !data.Empty() || !list.ReadUint8(&nt) || nt != 0 ||
			!list.ReadUint16LengthPrefixed(&name) || !list.Empty() || len(name) == 0 {
			return false
		}
		m.ServerName = string(name)
	case ExtSupportedGroups, ExtSignatureAlgorithms:
		var list cryptobyte.String
		if !data.ReadUint16LengthPrefixed(&list) || !data.Empty() || len(list)%2 != 0 {
			return false
		}
		vals := []uint16{}
		for !list.Empty() {
			var v uint16
			list.ReadUint16(&v)
			vals = append(vals, v)
		}
		if typ == ExtSupportedGroups {
			m.SupportedGroups = vals
		} else {
			m.SignatureAlgorithms = vals
		}
	case ExtPointFormats, ExtPSKModes:
		var list cryptobyte.String
		if !data.ReadUint8LengthPrefixed(&list) || !data.Empty() {
			return false
		}
		if typ == ExtPointFormats {
			m.PointFormats = append([]uint8{}, list...)
		} else {
			m.PSKModes = append([]uint8{}, list...)
		}
	case ExtALPN:
		var list cryptobyte.String
		if !data.ReadUint16LengthPrefixed(&list) || !data.Empty() {
			return false
		}
		protos := []string{}
		for !list.Empty() {
			var p cryptobyte.String
			if !list.ReadUint8LengthPrefixed(&p) || len(p) == 0 {
				return false
			}
			protos = append(protos, string(p))
		}
		m.ALPN = protos
	case ExtSupportedVersions:
		var list cryptobyte.String
		if !data.ReadUint8LengthPrefixed(&list) || !data.Empty() || len(list)%2 != 0 {
			return false
		}
		vals := []uint16{}
		for !list.Empty() {
			var v uint16
			list.ReadUint16(&v)
			vals = append(vals, v)
		}
		m.SupportedVersions = vals
	case ExtKeyShare:
		var list cryptobyte.String
		if !data.ReadUint16LengthPrefixed(&list) || !data.Empty() {
			return false
		}
		var shares []KeyShare
		for !list.Empty() {
			var ks KeyShare
			var d cryptobyte.String
			if !list.ReadUint16(&ks.Group) || !list.ReadUint16LengthPrefixed(&d) {
				return false
			}
			ks.Data = append([]byte{}, d...)
			shares = append(shares, ks)
		}
		m.KeyShares = shares
		m.HasKeyShare = true
	default:
		return false
	}
	return true
}
