package wire

import "fmt"

// Protocol versions as they appear on the wire.
const (
	VersionSSL30 uint16 = 0x0300
	VersionTLS10 uint16 = 0x0301
	VersionTLS11 uint16 = 0x0302
	VersionTLS12 uint16 = 0x0303
	VersionTLS13 uint16 = 0x0304
)

// VersionName names a protocol version ("TLS 1.2"), or gives its hex value.
func VersionName(v uint16) string {
	switch v {
	case VersionSSL30:
		return "SSL 3.0"
	case VersionTLS10:
		return "TLS 1.0"
	case VersionTLS11:
		return "TLS 1.1"
	case VersionTLS12:
		return "TLS 1.2"
	case VersionTLS13:
		return "TLS 1.3"
	case 0:
		return ""
	}
	return fmt.Sprintf("0x%04x", v)
}

// Record content types (RFC 8446, section 5.1).
const (
	RecordChangeCipherSpec uint8 = 20
	RecordAlert            uint8 = 21
	RecordHandshake        uint8 = 22
	RecordApplicationData  uint8 = 23
)

// Handshake message types.
const (
	TypeHelloRequest       uint8 = 0
	TypeClientHello        uint8 = 1
	TypeServerHello        uint8 = 2
	TypeCertificate        uint8 = 11
	TypeServerKeyExchange  uint8 = 12
	TypeCertificateRequest uint8 = 13
	TypeServerHelloDone    uint8 = 14
	TypeCertificateStatus  uint8 = 22
)

// Extension types.
const (
	ExtServerName           uint16 = 0
	ExtStatusRequest        uint16 = 5
	ExtSupportedGroups      uint16 = 10
	ExtPointFormats         uint16 = 11
	ExtSignatureAlgorithms  uint16 = 13
	ExtALPN                 uint16 = 16
	ExtSCT                  uint16 = 18
	ExtExtendedMasterSecret uint16 = 23
	ExtSessionTicket        uint16 = 35
	ExtSupportedVersions    uint16 = 43
	ExtPSKModes             uint16 = 45
	ExtCookie               uint16 = 44
	ExtKeyShare             uint16 = 51
	ExtRenegotiationInfo    uint16 = 0xff01
)

var extensionNames = map[uint16]string{
	ExtServerName: "server_name", ExtStatusRequest: "status_request", ExtSupportedGroups: "supported_groups",
	ExtPointFormats: "ec_point_formats", ExtSignatureAlgorithms: "signature_algorithms", ExtALPN: "application_layer_protocol_negotiation",
	ExtSCT: "signed_certificate_timestamp", ExtExtendedMasterSecret: "extended_master_secret", ExtSessionTicket: "session_ticket",
	ExtSupportedVersions: "supported_versions", ExtPSKModes: "psk_key_exchange_modes", ExtKeyShare: "key_share", ExtCookie: "cookie",
	ExtRenegotiationInfo: "renegotiation_info", 41: "pre_shared_key", 42: "early_data",
}

// ExtensionName names an extension type (IANA TLS ExtensionType Values).
func ExtensionName(t uint16) string {
	if n, ok := extensionNames[t]; ok {
		return n
	}
	return fmt.Sprintf("extension(%d)", t)
}

// AlertName names an alert description (RFC 8446 section 6 and older RFCs).
func AlertName(d uint8) string {
	if n, ok := alertNames[d]; ok {
		return n
	}
	return fmt.Sprintf("alert(%d)", d)
}

var alertNames = map[uint8]string{
	0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 21: "decryption_failed",
	22: "record_overflow", 30: "decompression_failure", 40: "handshake_failure", 41: "no_certificate",
	42: "bad_certificate", 43: "unsupported_certificate", 44: "certificate_revoked",
	45: "certificate_expired", 46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca",
	49: "access_denied", 50: "decode_error", 51: "decrypt_error", 60: "export_restriction",
	70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
	86: "inappropriate_fallback", 90: "user_canceled", 100: "no_renegotiation",
	109: "missing_extension", 110: "unsupported_extension", 111: "certificate_unobtainable",
	112: "unrecognized_name", 113: "bad_certificate_status_response",
	114: "bad_certificate_hash_value", 115: "unknown_psk_identity", 116: "certificate_required",
	120: "no_application_protocol", 121: "ech_required",
}

// Alert descriptions that the diagnosis treats specially.
const (
	AlertCloseNotify            uint8 = 0
	AlertUnexpectedMessage      uint8 = 10
	AlertHandshakeFailure       uint8 = 40
	AlertBadCertificate         uint8 = 42
	AlertUnsupportedCertificate uint8 = 43
	AlertCertificateRevoked     uint8 = 44
	AlertCertificateExpired     uint8 = 45
	AlertCertificateUnknown     uint8 = 46
	AlertIllegalParameter       uint8 = 47
	AlertUnknownCA              uint8 = 48
	AlertAccessDenied           uint8 = 49
	AlertDecodeError            uint8 = 50
	AlertDecryptError           uint8 = 51
	AlertProtocolVersion        uint8 = 70
	AlertInsufficientSecurity   uint8 = 71
	AlertInternalError          uint8 = 80
	AlertUnrecognizedName       uint8 = 112
	AlertCertificateRequired    uint8 = 116
)

// Named groups (supported_groups / key_share).
const (
	GroupP256           uint16 = 23
	GroupP384           uint16 = 24
	GroupP521           uint16 = 25
	GroupBrainpoolP256  uint16 = 26
	GroupBrainpoolP384  uint16 = 27
	GroupBrainpoolP512  uint16 = 28
	GroupX25519         uint16 = 29
	GroupX448           uint16 = 30
	GroupFFDHE2048      uint16 = 256
	GroupFFDHE3072      uint16 = 257
	GroupFFDHE4096      uint16 = 258
	GroupFFDHE6144      uint16 = 259
	GroupFFDHE8192      uint16 = 260
	GroupSecP256MLKEM   uint16 = 0x11eb
	GroupX25519MLKEM768 uint16 = 0x11ec
	GroupSecP384MLKEM   uint16 = 0x11ed
)

var groupNames = map[uint16]string{
	GroupP256: "secp256r1", GroupP384: "secp384r1", GroupP521: "secp521r1",
	GroupBrainpoolP256: "brainpoolP256r1", GroupBrainpoolP384: "brainpoolP384r1",
	GroupBrainpoolP512: "brainpoolP512r1", 31: "brainpoolP256r1tls13", 32: "brainpoolP384r1tls13",
	33: "brainpoolP512r1tls13", GroupX25519: "x25519", GroupX448: "x448",
	GroupFFDHE2048: "ffdhe2048", GroupFFDHE3072: "ffdhe3072", GroupFFDHE4096: "ffdhe4096",
	GroupFFDHE6144: "ffdhe6144", GroupFFDHE8192: "ffdhe8192",
	GroupSecP256MLKEM: "SecP256r1MLKEM768", GroupX25519MLKEM768: "X25519MLKEM768",
	GroupSecP384MLKEM: "SecP384r1MLKEM1024",
}

// GroupName names a named group ("x25519"), or gives its number.
func GroupName(g uint16) string {
	if n, ok := groupNames[g]; ok {
		return n
	}
	return fmt.Sprintf("group(0x%04x)", g)
}

// Signature schemes (signature_algorithms).
const (
	SigRSAPKCS1SHA1    uint16 = 0x0201
	SigECDSASHA1       uint16 = 0x0203
	SigRSAPKCS1SHA224  uint16 = 0x0301 // TLS 1.2 only (RFC 5246's sha224 with rsa)
	SigECDSASHA224     uint16 = 0x0303 // TLS 1.2 only
	SigRSAPKCS1SHA256  uint16 = 0x0401
	SigECDSAP256       uint16 = 0x0403
	SigRSAPKCS1SHA384  uint16 = 0x0501
	SigECDSAP384       uint16 = 0x0503
	SigRSAPKCS1SHA512  uint16 = 0x0601
	SigECDSAP521       uint16 = 0x0603
	SigRSAPSSSHA256    uint16 = 0x0804
	SigRSAPSSSHA384    uint16 = 0x0805
	SigRSAPSSSHA512    uint16 = 0x0806
	SigEd25519         uint16 = 0x0807
	SigEd448           uint16 = 0x0808
	SigRSAPSSPSSSHA256 uint16 = 0x0809
	SigRSAPSSPSSSHA384 uint16 = 0x080a
	SigRSAPSSPSSSHA512 uint16 = 0x080b
)

var sigNames = map[uint16]string{
	SigRSAPKCS1SHA1: "rsa_pkcs1_sha1", SigECDSASHA1: "ecdsa_sha1", SigRSAPKCS1SHA224: "rsa_pkcs1_sha224",
	SigECDSASHA224: "ecdsa_sha224", SigRSAPKCS1SHA256: "rsa_pkcs1_sha256",
	SigECDSAP256: "ecdsa_secp256r1_sha256", SigRSAPKCS1SHA384: "rsa_pkcs1_sha384",
	SigECDSAP384: "ecdsa_secp384r1_sha384", SigRSAPKCS1SHA512: "rsa_pkcs1_sha512",
	SigECDSAP521: "ecdsa_secp521r1_sha512", SigRSAPSSSHA256: "rsa_pss_rsae_sha256",
	SigRSAPSSSHA384: "rsa_pss_rsae_sha384", SigRSAPSSSHA512: "rsa_pss_rsae_sha512",
	SigEd25519: "ed25519", SigEd448: "ed448", SigRSAPSSPSSSHA256: "rsa_pss_pss_sha256",
	SigRSAPSSPSSSHA384: "rsa_pss_pss_sha384", SigRSAPSSPSSSHA512: "rsa_pss_pss_sha512",
}

// SignatureName names a signature scheme ("rsa_pss_rsae_sha256").
func SignatureName(s uint16) string {
	if n, ok := sigNames[s]; ok {
		return n
	}
	return fmt.Sprintf("sigalg(0x%04x)", s)
}
