// Package wire reads and writes the TLS bytes tlsdoctor puts on and takes off
// the wire itself: records, hand-built ClientHellos, ServerHello and
// HelloRetryRequest, alerts, and the plaintext part of a TLS 1.0-1.2 server
// flight (Certificate, ServerKeyExchange, CertificateRequest). It owns the
// ClientHello so that a probe can offer exactly what a client offers, rather
// than what Go's crypto/tls happens to offer (RFC 8446, RFC 5246).
//
// Every parser uses golang.org/x/crypto/cryptobyte, never panics, and has a
// round-trip test and a fuzz target. Package wire does no I/O of its own: it
// reads from an io.Reader it is given.
package wire

import (
	"errors"
	"fmt"
	"io"
	"unicode"
)

// MaxRecordPayload is the largest record payload accepted (2^14 plus the
// expansion RFC 5246 allows for protected records).
const MaxRecordPayload = 16384 + 2048

// Record is one TLS record.
type Record struct {
	Type    uint8
	Version uint16
	Payload []byte
}

// NotTLSError reports that the peer sent bytes that are not a TLS record.
// First holds what was read (at most the record header plus a little more).
type NotTLSError struct {
	First []byte
}

func (e *NotTLSError) Error() string {
	return fmt.Sprintf("wire: peer sent bytes that are not TLS (%s)", Sniff(e.First).Label)
}

// TooLargeError reports a record or handshake message over the reader's limit.
type TooLargeError struct {
	What   string // "record" or a handshake message name
	Length int
	Limit  int
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("wire: %s of %d bytes exceeds the limit of %d bytes", e.What, e.Length, e.Limit)
}

// ErrMalformed is wrapped by errors for TLS messages that do not parse.
var ErrMalformed = errors.New("wire: malformed message")

func malformed(what string) error { return fmt.Errorf("%w: %s", ErrMalformed, what) }

// MalformedError is a TLS message that breaks the protocol in a way worth
// naming: the message, the byte offset in it, and what is wrong. It matches
// ErrMalformed with errors.Is.
type MalformedError struct {
	Message string // "record header", "ServerHello", ...
	Offset  int    // byte offset within the message (the record header, or the handshake body)
	Reason  string
	// Code names the defect for programs: "duplicate-extension",
	// "record-overflow" (empty for others).
	Code string
}

func (e *MalformedError) Error() string {
	return fmt.Sprintf("wire: malformed %s at byte %d: %s", e.Message, e.Offset, e.Reason)
}

// Is makes errors.Is(err, ErrMalformed) true.
func (e *MalformedError) Is(target error) bool { return target == ErrMalformed }

// validHeader reports whether h looks like a TLS record header.
func validHeader(h []byte) bool {
	if len(h) < 5 {
		return false
	}
	switch h[0] {
	case RecordChangeCipherSpec, RecordAlert, RecordHandshake, RecordApplicationData:
	default:
		return false
	}
	if h[1] != 3 || h[2] > 4 {
		return false
	}
	n := int(h[3])<<8 | int(h[4])
	return n <= MaxRecordPayload
}

// ReadRecord reads one record from r. When the first bytes are not a TLS
// record header it returns a *NotTLSError holding them. Errors from r (EOF,
// reset, deadline) are returned as they are, wrapped only by io.ErrUnexpectedEOF
// semantics of io.ReadFull.
func ReadRecord(r io.Reader) (Record, error) {
	var h [5]byte
	n, err := io.ReadFull(r, h[:])
	if err != nil {
		if n > 0 && !validPrefix(h[:n]) {
			return Record{}, &NotTLSError{First: append([]byte(nil), h[:n]...)}
		}
		return Record{}, err
	}
	if !validHeader(h[:]) {
		if validPrefix(h[:3]) && h[2] <= 4 {
			// A TLS record header whose length no TLS stack may send
			// (RFC 8446 5.1, RFC 5246 6.2.3): the peer speaks TLS, badly.
			return Record{}, &MalformedError{Message: "record header", Offset: 3, Code: "record-overflow",
				Reason: fmt.Sprintf("record length %d exceeds the protocol's limit of %d", int(h[3])<<8|int(h[4]), MaxRecordPayload)}
		}
		first := append([]byte(nil), h[:]...)
		// Read a little more so that the caller can show what the peer is.
		more := make([]byte, 59)
		if m, _ := io.ReadAtLeast(r, more, 1); m > 0 {
			first = append(first, more[:m]...)
		}
		return Record{}, &NotTLSError{First: first}
	}
	length := int(h[3])<<8 | int(h[4])
	payload := make([]byte, length)
	if _, err := io.ReadFull(r, payload); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return Record{}, err
	}
	return Record{Type: h[0], Version: uint16(h[1])<<8 | uint16(h[2]), Payload: payload}, nil
}

// validPrefix reports whether b could be the start of a record header.
func validPrefix(b []byte) bool {
	if len(b) >= 1 && (b[0] < RecordChangeCipherSpec || b[0] > RecordApplicationData) {
		return false
	}
	if len(b) >= 2 && b[1] != 3 {
		return false
	}
	return true
}

// MarshalRecord frames payload as records of the given type, splitting it
// into pieces of at most 2^14 bytes.
func MarshalRecord(typ uint8, version uint16, payload []byte) []byte {
	var out []byte
	for first := true; first || len(payload) > 0; first = false {
		n := min(len(payload), 16384)
		out = append(out, typ, byte(version>>8), byte(version), byte(n>>8), byte(n))
		out = append(out, payload[:n]...)
		payload = payload[n:]
	}
	return out
}

// Alert is a TLS alert.
type Alert struct {
	Level       uint8 `json:"level"` // 1 warning, 2 fatal
	Description uint8 `json:"description"`
}

// Name is the alert description's name, e.g. "handshake_failure".
func (a Alert) Name() string { return AlertName(a.Description) }

func (a Alert) String() string {
	lvl := "fatal"
	if a.Level == 1 {
		lvl = "warning"
	}
	return fmt.Sprintf("%s %s (%d)", lvl, a.Name(), a.Description)
}

// ParseAlert parses an alert record's payload.
func ParseAlert(p []byte) (Alert, error) {
	if len(p) < 2 {
		return Alert{}, malformed("alert shorter than 2 bytes")
	}
	return Alert{Level: p[0], Description: p[1]}, nil
}

// Sniffed says what a byte string that is not TLS looks like.
type Sniffed struct {
	Kind  string `json:"kind"`  // "http", "ssh", "smtp", "tls", "html", "text", "binary", "empty"
	Label string `json:"label"` // for people, e.g. "an HTTP response (HTTP/1.1 400 Bad Request)"
}

// Sniff classifies the first bytes a peer sent.
func Sniff(b []byte) Sniffed {
	if len(b) == 0 {
		return Sniffed{"empty", "no bytes"}
	}
	line := firstLine(b)
	switch {
	case hasPrefix(b, "HTTP/"):
		return Sniffed{"http", fmt.Sprintf("an HTTP response (%s)", line)}
	case hasPrefix(b, "SSH-"):
		return Sniffed{"ssh", fmt.Sprintf("an SSH banner (%s)", line)}
	case hasPrefix(b, "220 ") || hasPrefix(b, "220-"):
		return Sniffed{"smtp", fmt.Sprintf("an SMTP or FTP greeting (%s)", line)}
	case hasPrefix(b, "+OK"):
		return Sniffed{"pop3", fmt.Sprintf("a POP3 greeting (%s)", line)}
	case hasPrefix(b, "* OK"):
		return Sniffed{"imap", fmt.Sprintf("an IMAP greeting (%s)", line)}
	case hasPrefix(b, "<"):
		return Sniffed{"html", fmt.Sprintf("HTML or XML (%s)", line)}
	case len(b) >= 3 && validPrefix(b[:3]):
		return Sniffed{"tls", "a TLS record"}
	case printable(b):
		return Sniffed{"text", fmt.Sprintf("text (%s)", line)}
	}
	return Sniffed{"binary", "binary data of an unknown protocol"}
}

func hasPrefix(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }

func firstLine(b []byte) string {
	end := len(b)
	for i, c := range b {
		if c == '\r' || c == '\n' {
			end = i
			break
		}
	}
	s := []rune{}
	for _, r := range string(b[:min(end, 80)]) {
		if unicode.IsPrint(r) {
			s = append(s, r)
		} else {
			s = append(s, '.')
		}
	}
	return string(s)
}

func printable(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 || c > 0x7e) && c != '\r' && c != '\n' && c != '\t' {
			return false
		}
	}
	return true
}
