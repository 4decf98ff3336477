package wire

import (
	"bytes"
	"fmt"
	"slices"

	"golang.org/x/crypto/cryptobyte"
)

// helloRetryRandom is the special Random of a HelloRetryRequest (RFC 8446 4.1.3).
var helloRetryRandom = []byte{
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
}

// ServerHello is a parsed ServerHello or HelloRetryRequest.
type ServerHello struct {
	Version          uint16   `json:"legacy_version"`
	Random           []byte   `json:"random"`
	SessionID        []byte   `json:"session_id,omitempty"`
	CipherSuite      uint16   `json:"cipher_suite"`
	Compression      uint8    `json:"compression"`
	SupportedVersion uint16   `json:"supported_version,omitempty"` // from supported_versions
	KeyShareGroup    uint16   `json:"key_share_group,omitempty"`   // SH: the share's group; HRR: the group asked for
	ALPN             string   `json:"alpn,omitempty"`
	ExtensionTypes   []uint16 `json:"extension_types,omitempty"`
	HelloRetry       bool     `json:"hello_retry_request,omitempty"`
	Cookie           []byte   `json:"cookie,omitempty"` // HelloRetryRequest cookie, to echo
	// Extra are extensions Marshal writes after the known ones, exactly as
	// given (duplicates included): for lab servers that break the protocol.
	Extra []Extension `json:"-"`
}

// NegotiatedVersion is the version the server selected.
func (s *ServerHello) NegotiatedVersion() uint16 {
	if s.SupportedVersion != 0 {
		return s.SupportedVersion
	}
	return s.Version
}

// ParseServerHello parses a ServerHello handshake body (without the type and
// length header).
func ParseServerHello(body []byte) (*ServerHello, error) {
	s := cryptobyte.String(body)
	m := &ServerHello{}
	var random []byte
	var sid cryptobyte.String
	if !s.ReadUint16(&m.Version) || !s.ReadBytes(&random, 32) || !s.ReadUint8LengthPrefixed(&sid) ||
		!s.ReadUint16(&m.CipherSuite) || !s.ReadUint8(&m.Compression) {
		return nil, malformed("ServerHello header")
	}
	m.Random = append([]byte(nil), random...)
	if len(sid) > 0 {
		m.SessionID = append([]byte(nil), sid...)
	}
	m.HelloRetry = bytes.Equal(m.Random, helloRetryRandom)
	if s.Empty() {
		return m, nil
	}
	var exts cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&exts) || !s.Empty() {
		return nil, malformed("ServerHello extensions")
	}
	for !exts.Empty() {
		var typ uint16
		var data cryptobyte.String
		at := len(body) - len(exts)
		if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
			return nil, malformed("ServerHello extension")
		}
		if slices.Contains(m.ExtensionTypes, typ) {
			// RFC 8446 4.2 and RFC 5246 7.4.1.4: at most one extension of each type.
			return nil, &MalformedError{Message: "ServerHello", Offset: at, Code: "duplicate-extension", Reason: fmt.Sprintf("extension %s (%d) appears twice", ExtensionName(typ), typ)}
		}
		m.ExtensionTypes = append(m.ExtensionTypes, typ)
		switch typ {
		case ExtSupportedVersions:
			if !data.ReadUint16(&m.SupportedVersion) || !data.Empty() {
				return nil, malformed("supported_versions")
			}
		case ExtKeyShare:
			if !data.ReadUint16(&m.KeyShareGroup) {
				return nil, malformed("key_share")
			}
		case ExtCookie:
			var c cryptobyte.String
			if !data.ReadUint16LengthPrefixed(&c) || len(c) == 0 {
				return nil, malformed("cookie")
			}
			m.Cookie = append([]byte(nil), c...)
		case ExtALPN:
			var list, proto cryptobyte.String
			if !data.ReadUint16LengthPrefixed(&list) || !list.ReadUint8LengthPrefixed(&proto) {
				return nil, malformed("alpn")
			}
			m.ALPN = string(proto)
		}
	}
	return m, nil
}

// Marshal returns the ServerHello handshake body. It exists for tests and for
// lab servers that speak raw TLS.
func (m *ServerHello) Marshal() ([]byte, error) {
	var b cryptobyte.Builder
	b.AddUint16(m.Version)
	rnd := m.Random
	if m.HelloRetry {
		rnd = helloRetryRandom
	}
	if len(rnd) != 32 {
		rnd = append(append([]byte(nil), rnd...), make([]byte, 32)...)[:32]
	}
	b.AddBytes(rnd)
	addU8Prefixed(&b, m.SessionID)
	b.AddUint16(m.CipherSuite)
	b.AddUint8(m.Compression)
	if m.SupportedVersion != 0 || m.KeyShareGroup != 0 || len(m.Extra) > 0 {
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			if m.SupportedVersion != 0 {
				b.AddUint16(ExtSupportedVersions)
				b.AddUint16(2)
				b.AddUint16(m.SupportedVersion)
			}
			if m.KeyShareGroup != 0 {
				b.AddUint16(ExtKeyShare)
				b.AddUint16(2)
				b.AddUint16(m.KeyShareGroup)
			}
			for _, e := range m.Extra {
				b.AddUint16(e.Type)
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(e.Data) })
			}
		})
	}
	return b.Bytes()
}

// HandshakeMessage frames a handshake body with its type and 24-bit length.
func HandshakeMessage(typ uint8, body []byte) []byte {
	n := len(body)
	return append([]byte{typ, byte(n >> 16), byte(n >> 8), byte(n)}, body...)
}
