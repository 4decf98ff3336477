package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"reflect"
	"strings"
	"syscall"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// Failure kinds, as recorded in evidence.Failure.Kind.
const (
	KindDNSNotFound = "dns_not_found"
	KindDNSError    = "dns_error"
	KindRefused     = "refused"
	KindTimeout     = "timeout"
	KindUnreachable = "unreachable"
	KindReset       = "reset"
	KindEOF         = "eof"
	KindNotTLS      = "not_tls"
	KindAlert       = "alert"
	KindTooLarge    = "too_large"
	KindMalformed   = "malformed"
	KindLocal       = "local"
	KindOther       = "other"
	// KindProxy is a proxy's refusal to open a tunnel (a non-2xx answer to CONNECT).
	KindProxy = "proxy"
)

// Classify records err by kind, decided from its type, never its message.
func Classify(err error) *evidence.Failure {
	if err == nil {
		return nil
	}
	f := &evidence.Failure{Kind: kindOf(err), Message: err.Error()}
	var tl *wire.TooLargeError
	var me *wire.MalformedError
	switch {
	case errors.As(err, &tl):
		f.Subject, f.Size, f.Limit = strings.TrimSuffix(tl.What, " message"), tl.Length, tl.Limit
	case errors.As(err, &me):
		f.Subject, f.Offset, f.Code = me.Message, me.Offset, me.Code
	}
	return f
}

func kindOf(err error) string {
	var dnsErr *net.DNSError
	var nt *wire.NotTLSError
	var rh tls.RecordHeaderError
	var tl *wire.TooLargeError
	var netErr net.Error
	var pse *ProxyStatusError
	if errors.As(err, &pse) {
		return KindProxy
	}
	if _, remote, ok := tlsAlert(err); ok {
		if remote {
			return KindAlert
		}
		return KindLocal
	}
	switch {
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return KindDNSNotFound
		}
		if dnsErr.IsTimeout {
			return KindTimeout
		}
		return KindDNSError
	case errors.As(err, &nt), errors.As(err, &rh):
		return KindNotTLS
	case errors.As(err, &tl):
		return KindTooLarge
	case errors.Is(err, wire.ErrMalformed):
		return KindMalformed
	case errors.Is(err, syscall.ECONNREFUSED):
		return KindRefused
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTDOWN), errors.Is(err, syscall.ENETDOWN):
		return KindUnreachable
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE):
		return KindReset
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	case errors.As(err, &netErr) && netErr.Timeout():
		return KindTimeout
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return KindEOF
	}
	var ve *tls.CertificateVerificationError
	if errors.As(err, &ve) {
		return KindLocal
	}
	return KindOther
}

// tlsAlert extracts a TLS alert from an error returned by crypto/tls, and
// whether the peer sent it (true) or the client raised it (false).
// crypto/tls reports alerts as *net.OpError{Op: "remote error" or
// "local error", Err: alert}, where alert is an unexported uint8 type; it is
// recognised by its type, and the direction by OpError's Op field.
func tlsAlert(err error) (uint8, bool, bool) {
	var ae tls.AlertError
	if errors.As(err, &ae) {
		return uint8(ae), true, true
	}
	var op *net.OpError
	for e := err; errors.As(e, &op); e = op.Err {
		v := reflect.ValueOf(op.Err)
		if v.IsValid() && v.Kind() == reflect.Uint8 && v.Type().PkgPath() == "crypto/tls" {
			return uint8(v.Uint()), op.Op == "remote error", true
		}
		if op.Err == nil {
			break
		}
	}
	return 0, false, false
}

// alertOf returns the remote alert in err, if the server sent one.
func alertOf(err error) *wire.Alert {
	d, remote, ok := tlsAlert(err)
	if !ok || !remote {
		return nil
	}
	return &wire.Alert{Level: 2, Description: d}
}
