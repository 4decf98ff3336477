package diagnose

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// helloRefused explains a profile hello that the server did not accept.
func (c *ctx) helloRefused(a *evidence.Address, r *AddressResult) {
	h := a.Hello
	switch h.Outcome {
	case "not_tls":
		c.notTLS(h, r)
		return
	case "timeout":
		r.Cause = cause.HandshakeTimeout
		if len(h.First) == 0 {
			r.Summary = fmt.Sprintf("TCP connected to %s, but the server sent nothing in reply to the ClientHello within %s", a.Addr, durStr(h.Duration))
			r.Evidence = []string{"ClientHello sent; no byte came back before the time-out",
				"a port that speaks a client-first plain protocol, or a stalled server, behaves like this"}
		} else {
			r.Summary = fmt.Sprintf("the server at %s started answering but sent only %s in %s, then stalled", a.Addr, plural(len(h.First), "byte"), durStr(h.Duration))
			r.Evidence = []string{fmt.Sprintf("first bytes: %s", hexdump(h.First))}
		}
		r.Fix = []string{"check that this port is the TLS listener and that the server process is not hung (thread pool exhausted, blocked accept loop)",
			"if a proxy sits in front, check its upstream time-outs"}
		return
	case "too_large":
		r.Cause = cause.CertInvalid
		r.Summary = "the server sends a handshake message larger than any client accepts"
		r.Evidence = []string{h.Err.Message, "Go's crypto/tls accepts a Certificate message of at most 256 KiB; other stacks are stricter"}
		r.Fix = []string{"serve only the leaf and its intermediates; remove stray certificates from the chain file"}
		return
	case "malformed":
		r.Cause = cause.NotTLS
		r.Summary = "the server answers with TLS records whose content does not parse"
		r.Evidence = []string{h.Err.Message, "first bytes: " + hexdump(h.First)}
		r.Fix = []string{"the listener is broken or is not a TLS server; check what really listens on this port"}
		return
	}
	// alert, eof, reset: a negotiation failure. The one-change variants
	// decide which feature of the offer is refused.
	refusal := describeRefusal(h)
	accepted := func(name string) *evidence.Hello {
		for i := range a.Variants {
			v := &a.Variants[i]
			if v.Name == name && v.Accepted() {
				return v
			}
		}
		return nil
	}
	var versions []*evidence.Hello
	for i := range a.Variants {
		if v := &a.Variants[i]; strings.HasPrefix(v.Name, "only-") && v.Accepted() {
			versions = append(versions, v)
		}
	}
	offer := h.Offer
	switch {
	case accepted("with-sni") != nil:
		v := accepted("with-sni")
		r.Cause = cause.SNIRequired
		r.Summary = fmt.Sprintf("without SNI the server refuses the handshake (%s); with SNI %q it accepts", refusal, v.Offer.SNI)
		r.Evidence = []string{
			"ClientHello without server_name: " + refusal,
			fmt.Sprintf("the same ClientHello with server_name %q: %s", v.Offer.SNI, describeAccept(v)),
		}
		r.Fix = []string{fmt.Sprintf("make the client send SNI %q (nginx: proxy_ssl_server_name on; proxy_ssl_name %s; Envoy: sni or auto_sni; HAProxy: sni req.hdr(host))", v.Offer.SNI, v.Offer.SNI),
			"or give the listener a default certificate for clients that send no SNI"}
	case accepted("all-groups") != nil:
		v := accepted("all-groups")
		g := chosenGroup(v)
		r.Cause = cause.GroupMismatch
		r.Summary = fmt.Sprintf("the server shares no key-exchange group with this client: it accepts %s, which the client does not offer", g)
		r.Evidence = []string{
			fmt.Sprintf("the client's hello offers groups %s: %s", groupList(offer.Groups), refusal),
			fmt.Sprintf("the same hello offering every group: %s", describeAccept(v)),
		}
		r.Fix = []string{"enable X25519 and P-256 (secp256r1) on the server (nginx: ssl_ecdh_curve X25519:prime256v1; OpenSSL: Groups = X25519:P-256)",
			"or configure the client to offer " + g}
	case accepted("all-suites") != nil:
		v := accepted("all-suites")
		r.Cause = cause.CipherMismatch
		suite := wire.SuiteName(v.ServerHello.CipherSuite)
		r.Summary = fmt.Sprintf("the server shares no cipher suite with this client: it chose %s, which the client does not offer", suite)
		r.Evidence = []string{
			fmt.Sprintf("the client's hello offers %d suites (%s): %s", len(offer.Suites), suiteShort(offer.Suites), refusal),
			fmt.Sprintf("the same hello offering every known suite: %s", describeAccept(v)),
		}
		r.Fix = []string{"configure a modern AEAD suite on the server, e.g. ECDHE-ECDSA/RSA-AES128-GCM-SHA256 (nginx: ssl_ciphers; Java: jdk.tls.disabledAlgorithms)",
			"as a stop-gap, enable " + suite + " on the client if policy allows"}
	case len(versions) > 0:
		var names []string
		for _, v := range versions {
			if n := wire.VersionName(v.ServerHello.NegotiatedVersion()); !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		r.Cause = cause.ProtocolVersionMismatch
		r.Summary = fmt.Sprintf("the server only speaks %s; this client offers %s", strings.Join(names, ", "), versionList(offer.Versions))
		r.Evidence = []string{
			fmt.Sprintf("hello offering %s: %s", versionList(offer.Versions), refusal),
		}
		for _, v := range versions {
			r.Evidence = append(r.Evidence, fmt.Sprintf("hello offering %s: %s", versionList(v.Offer.Versions), describeAccept(v)))
		}
		r.Fix = []string{"enable TLS 1.2 and TLS 1.3 on the server's listener (nginx: ssl_protocols TLSv1.2 TLSv1.3; Java: jdk.tls.server.protocols)",
			fmt.Sprintf("lowering the client to %s would work but is insecure and refused by current clients", names[0])}
	default:
		switch {
		case h.Downgraded():
			r.Cause = cause.ProtocolVersionMismatch
			r.Summary = fmt.Sprintf("the server answers at %s, which this client does not offer (%s)", wire.VersionName(h.ServerHello.NegotiatedVersion()), versionList(offer.Versions))
			r.Fix = []string{"enable TLS 1.2 and TLS 1.3 on the server's listener"}
		case h.Outcome == "alert":
			if h.Alert.Description == wire.AlertProtocolVersion {
				r.Cause = cause.ProtocolVersionMismatch
				r.Summary = "the server refuses every protocol version offered (protocol_version alert)"
			} else if h.Alert.Description == wire.AlertUnrecognizedName {
				r.Cause = cause.SNIRequired
				r.Summary = fmt.Sprintf("the server does not recognise the SNI name %q (unrecognized_name alert)", offer.SNI)
				r.Fix = []string{"add a certificate/virtual host for " + offer.SNI + " on the server, or send the SNI name it expects"}
			} else {
				r.Cause = cause.ServerAlert
				r.Summary = fmt.Sprintf("the server ends every handshake with the alert %s", h.Alert)
				r.Fix = []string{fmt.Sprintf("look in the server's log for why it sends %s: it is not a version, cipher, group or SNI problem (each was varied and refused alike)", h.Alert.Name())}
			}
		case h.Outcome == "reset":
			r.Cause = cause.ResetDuringHandshake
			r.Summary = "the connection is reset right after the ClientHello, with no TLS alert"
			r.Fix = []string{"a middlebox (firewall, IDS, TLS-inspecting proxy, load balancer) or a crashing server resets it: compare with a capture taken next to the server",
				"check firewall / WAF rules for this destination and the server's error log"}
		default:
			r.Cause = cause.ClosedDuringHandshake
			r.Summary = "the server closes the connection right after the ClientHello, with no TLS alert"
			r.Fix = []string{"an SNI-routing proxy with no route for this name, or a server with no certificate for it, behaves like this: check the proxy's routes and the server's virtual hosts",
				"check the server's error log for the moment of the attempt"}
		}
		r.Evidence = []string{"ClientHello: " + offerText(offer), "reply: " + refusal}
		if len(a.Variants) > 0 {
			r.Evidence = append(r.Evidence, fmt.Sprintf("%d follow-up hellos changing SNI, groups, suites and versions one at a time were refused the same way", len(a.Variants)))
		}
	}
	if slices.ContainsFunc(r.Evidence, func(s string) bool { return s == "" }) {
		r.Evidence = slices.DeleteFunc(r.Evidence, func(s string) bool { return s == "" })
	}
}

func (c *ctx) notTLS(h *evidence.Hello, r *AddressResult) {
	first := h.First
	s := wire.Sniff(first)
	r.Cause = cause.NotTLS
	r.Summary = fmt.Sprintf("the server does not speak TLS on this port: it answered the ClientHello with %s", s.Label)
	r.Evidence = []string{"first bytes: " + hexdump(first), "they look like " + s.Label}
	switch s.Kind {
	case "http":
		r.Fix = []string{"this port serves plain HTTP: point the client at the HTTPS port, or use http:// in the back-end URL",
			"for a gateway whose back end is plain HTTP, configure the integration as HTTP (AWS: http:// URI; OCI: http:// backend URL)"}
	case "ssh", "smtp", "pop3", "imap":
		r.Fix = []string{"this port belongs to another service (" + s.Kind + "): fix the port number in the client's target"}
	default:
		r.Fix = []string{"point the client at the TLS port, or switch the client to plain TCP/HTTP if the service has no TLS"}
	}
}

func describeRefusal(h *evidence.Hello) string {
	if h.Downgraded() {
		return fmt.Sprintf("ServerHello at %s, a version this client does not offer, so the client aborts", wire.VersionName(h.ServerHello.NegotiatedVersion()))
	}
	switch h.Outcome {
	case "alert":
		return "alert " + h.Alert.String()
	case "reset":
		return "connection reset, no alert"
	case "eof":
		return "connection closed, no alert"
	case "timeout":
		return "no answer (time-out)"
	case "not_tls":
		return "not TLS: " + wire.Sniff(h.First).Label
	}
	if h.Err != nil {
		return h.Outcome + ": " + h.Err.Message
	}
	return h.Outcome
}

func describeAccept(v *evidence.Hello) string {
	sh := v.ServerHello
	if sh == nil {
		return v.Outcome
	}
	if sh.HelloRetry {
		return fmt.Sprintf("HelloRetryRequest for group %s (TLS 1.3, accepted)", wire.GroupName(sh.KeyShareGroup))
	}
	s := fmt.Sprintf("ServerHello %s, %s", wire.VersionName(sh.NegotiatedVersion()), wire.SuiteName(sh.CipherSuite))
	if g := chosenGroup(v); g != "" {
		s += ", group " + g
	}
	return s
}

func chosenGroup(v *evidence.Hello) string {
	if v.ServerHello != nil && v.ServerHello.KeyShareGroup != 0 {
		return wire.GroupName(v.ServerHello.KeyShareGroup)
	}
	if v.ServerKeyExchange != nil && v.ServerKeyExchange.Curve != 0 {
		return wire.GroupName(v.ServerKeyExchange.Curve)
	}
	return ""
}

func groupList(gs []uint16) string {
	var s []string
	for _, g := range gs {
		s = append(s, wire.GroupName(g))
	}
	return strings.Join(s, ", ")
}

func suiteShort(ids []uint16) string {
	var s []string
	for i, id := range ids {
		if i == 4 {
			s = append(s, "...")
			break
		}
		s = append(s, wire.SuiteName(id))
	}
	return strings.Join(s, ", ")
}

func offerText(o evidence.Offer) string {
	sni := "no SNI"
	if o.SNI != "" {
		sni = "SNI " + o.SNI
	}
	return fmt.Sprintf("%s; %d suites; groups %s; %s", versionList(o.Versions), len(o.Suites), groupList(o.Groups), sni)
}

func hexdump(b []byte) string {
	if len(b) == 0 {
		return "(none)"
	}
	var hx strings.Builder
	for i, x := range b {
		if i == 24 {
			hx.WriteString(" ...")
			break
		}
		if i > 0 {
			hx.WriteByte(' ')
		}
		fmt.Fprintf(&hx, "%02x", x)
	}
	return fmt.Sprintf("%s  %q", hx.String(), string(b[:min(len(b), 40)]))
}
