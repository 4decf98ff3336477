package lab

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"net"
	"sync/atomic"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/lab/pki"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// subtle starts the endpoints where a verdict is easy to get wrong: a small
// key that matches its certificate, a missing upper intermediate, a server
// that answers every other connection, mutual TLS enforced in HTTP, broken
// HTTP, DHE groups clients refuse, handshake messages that break the
// protocol, and the limits of particular clients.
func (b *builder) subtle() error {
	for _, f := range []func() error{b.keys, b.chains, b.flaky, b.httpBreaks, b.rawFlights, b.malformed, b.clientLimits} {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) keys() error {
	// A 512-bit RSA key that matches its certificate: every verifying
	// client refuses the key; the key is not mismatched.
	l, err := b.leaf("small-key", pki.Spec{Key: "rsa512"})
	if err != nil {
		return err
	}
	cfg := tlsConfig(l.TLS(b.inter.Cert))
	cfg.MaxVersion = tls.VersionTLS12 // a 512-bit key cannot sign RSA-PSS, which TLS 1.3 needs
	if err := b.tlsEndpoint(&Endpoint{Name: "small-key", Want: cause.WeakKey, Description: "a 512-bit RSA key that matches its certificate"}, cfg, "ok"); err != nil {
		return err
	}
	// An Ed25519 certificate: browsers offer no signature scheme for it.
	le, err := b.leaf("ed25519-cert", pki.Spec{Key: "ed25519"})
	if err != nil {
		return err
	}
	if err := b.tlsEndpoint(&Endpoint{Name: "ed25519-cert", Want: cause.CipherMismatch, Profile: "chrome",
		Description: "an Ed25519 certificate: browsers offer no signature scheme for it (OpenSSL clients do)"}, tlsConfig(le.TLS(b.inter.Cert)), "ok"); err != nil {
		return err
	}
	// An unknown critical extension: RFC 5280 4.2 makes clients refuse it.
	crit := pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 55555, 1}, Critical: true, Value: []byte{0x05, 0x00}}
	lc, err := b.leaf("critical-ext", pki.Spec{Extensions: []pkix.Extension{crit}})
	if err != nil {
		return err
	}
	return b.tlsEndpoint(&Endpoint{Name: "critical-ext", Want: cause.CertInvalid, Description: "the leaf has a critical extension no client knows"}, tlsConfig(lc.TLS(b.inter.Cert)), "ok")
}

func (b *builder) chains() error {
	// Root -> "tlsdoctor Lab Intermediate CA 2" -> "tlsdoctor Lab Issuing CA" -> leaf.
	i2, err := b.root.Intermediate(pki.Spec{CN: "tlsdoctor Lab Intermediate CA 2"})
	if err != nil {
		return err
	}
	i1, err := i2.Intermediate(pki.Spec{CN: "tlsdoctor Lab Issuing CA"})
	if err != nil {
		return err
	}
	for _, x := range []struct {
		name, desc string
		want       cause.Code
		profile    string
		send       []*x509.Certificate
	}{
		{"chain-missing-upper", "sends the leaf and its issuing CA, but not the intermediate above it; the root is trusted", cause.ChainIncomplete, "", []*x509.Certificate{i1.Cert}},
		{"chain-too-long", "a complete chain with two intermediates, for a client whose verify depth allows one (nginx's default)", cause.ChainTooLong, "nginx-proxy-verify", []*x509.Certificate{i1.Cert, i2.Cert}},
	} {
		host := x.name + "." + Domain
		l, err := i1.Leaf(pki.Spec{CN: host, DNS: []string{host}}, i2.Cert, b.root.Cert)
		if err != nil {
			return err
		}
		if err := b.tlsEndpoint(&Endpoint{Name: x.name, Want: x.want, Profile: x.profile, Description: x.desc}, tlsConfig(l.TLS(x.send...)), "ok"); err != nil {
			return err
		}
	}
	// Without SNI a default certificate for another name, sent without its
	// intermediate; with SNI the right certificate and the full chain.
	named, err := b.leaf("sni-default-incomplete", pki.Spec{})
	if err != nil {
		return err
	}
	def, err := b.leaf("default-vhost", pki.Spec{})
	if err != nil {
		return err
	}
	nc, dc := named.TLS(b.inter.Cert), def.TLS()
	cfg := &tls.Config{GetCertificate: func(hi *tls.ClientHelloInfo) (*tls.Certificate, error) {
		if hi.ServerName == "sni-default-incomplete."+Domain {
			return &nc, nil
		}
		return &dc, nil
	}}
	return b.tlsEndpoint(&Endpoint{Name: "sni-default-incomplete", Want: cause.SNIRequired, NoSNI: true,
		Description: "without SNI a default certificate for another name and without its intermediate; with SNI all is well"}, cfg, "ok")
}

func (b *builder) flaky() error {
	// Every other connection is closed right after the ClientHello.
	l, err := b.leaf("flaky", pki.Spec{})
	if err != nil {
		return err
	}
	cfg := tlsConfig(l.TLS(b.inter.Cert))
	var n atomic.Int64
	e := &Endpoint{Name: "flaky", Want: cause.InconsistentBackends, Stateful: true, Description: "closes every other connection right after the ClientHello"}
	return b.rawEndpoint(e, func(c net.Conn) {
		if n.Add(1)%2 == 1 {
			readHello(c)
			return
		}
		serveTLS(c, cfg, "ok")
	})
}

func (b *builder) httpBreaks() error {
	lm, err := b.leaf("client-cert-http", pki.Spec{})
	if err != nil {
		return err
	}
	cfg := tlsConfig(lm.TLS(b.inter.Cert))
	cfg.ClientAuth = tls.RequestClientCert
	cfg.ClientCAs = pki.Pool(b.clientCA.Cert)
	if err := b.tlsEndpoint(&Endpoint{Name: "client-cert-http", Want: cause.ClientCertRequired,
		Description: "asks for a client certificate, completes the handshake without one, and refuses the request as nginx's ssl_verify_client on does"}, cfg, "mtls-http"); err != nil {
		return err
	}
	return b.httpModes([]httpMode{
		{"http-continue-loop", "continue", "answers with 100 Continue again and again, never a final response", cause.HTTPInvalidResponse},
		{"http-endless-headers", "endless-headers", "sends header after header without end", cause.HTTPInvalidResponse},
		{"http-reset-headers", "reset-headers", "resets the connection in the middle of the response headers", cause.HTTPNoResponse},
	})
}

// rawFlights are TLS 1.2 first flights with one defect a client judges
// before it answers.
func (b *builder) rawFlights() error {
	composite, err := compositeModulus()
	if err != nil {
		return err
	}
	for _, x := range []struct {
		name, desc, profile string
		want                cause.Code
		key                 string
		f                   flight
	}{
		{"dh-1024", "DHE with the 1024-bit Oakley group 2", "curl", cause.WeakKey, "rsa2048", flight{dhP: oakley1024}},
		{"dh-composite", "DHE with a 2048-bit modulus that is not prime: insecure, yet OpenSSL 3 and Java 17 clients accept it (a finding, not a failure)", "openssl", cause.OK, "rsa2048", flight{dhP: composite}},
		{"reneg-unsafe", "a TLS 1.2 server without secure renegotiation (no renegotiation_info, RFC 5746)", "curl", cause.RenegotiationUnsafe, "", flight{noReneg: true}},
		{"dup-extension", "sends renegotiation_info twice in its ServerHello", "default", cause.HandshakeMalformed, "", flight{dupExt: true}},
		{"unoffered-suite", "selects TLS_ECDHE_ECDSA_WITH_NULL_SHA, which no client offers", "default", cause.HandshakeMalformed, "", flight{suite: 0xc006}},
	} {
		l, err := b.leaf(x.name, pki.Spec{Key: x.key})
		if err != nil {
			return err
		}
		f := x.f
		f.leaf, f.chain = l, [][]byte{b.inter.Cert.Raw}
		if err := b.rawEndpoint(&Endpoint{Name: x.name, Want: x.want, Profile: x.profile, Description: x.desc + rawNote}, f.serve); err != nil {
			return err
		}
	}
	return nil
}

// malformed answers in TLS, but breaks the protocol.
func (b *builder) malformed() error {
	eps := []struct {
		e *Endpoint
		h func(net.Conn)
	}{
		{&Endpoint{Name: "retry-loop", Want: cause.HandshakeMalformed, Description: "answers every ClientHello, the second one included, with a HelloRetryRequest"}, func(c net.Conn) {
			for range 2 {
				rec, err := wire.ReadRecord(c)
				for err == nil && rec.Type == wire.RecordChangeCipherSpec {
					rec, err = wire.ReadRecord(c) // the client's middlebox-compatibility CCS
				}
				if err != nil {
					return
				}
				ch, err := wire.ParseClientHello(rec.Payload)
				if err != nil {
					return
				}
				hrr := &wire.ServerHello{Version: wire.VersionTLS12, HelloRetry: true, SessionID: ch.SessionID, CipherSuite: 0x1301,
					SupportedVersion: wire.VersionTLS13, KeyShareGroup: wire.GroupP256}
				body, err := hrr.Marshal()
				if err != nil {
					return
				}
				if _, err := c.Write(wire.MarshalRecord(wire.RecordHandshake, wire.VersionTLS12, wire.HandshakeMessage(wire.TypeServerHello, body))); err != nil {
					return
				}
			}
			hold(c)
		}},
		{&Endpoint{Name: "record-overflow", Want: cause.HandshakeMalformed, Description: "answers with a handshake record that claims 65,535 bytes"}, func(c net.Conn) {
			if readHello(c) {
				c.Write(append([]byte{wire.RecordHandshake, 3, 3, 0xff, 0xff}, make([]byte, 64)...))
			}
		}},
	}
	for _, x := range eps {
		if err := b.rawEndpoint(x.e, x.h); err != nil {
			return err
		}
	}
	return nil
}

// clientLimits reproduces limits some clients have and others not.
func (b *builder) clientLimits() error {
	// About 150 KB of names: over OpenSSL's 100 KiB certificate-message
	// limit, under Go's 256 KiB.
	host := "many-names." + Domain
	names := []string{host}
	for i := 0; len(names) < 6000; i++ {
		names = append(names, fmt.Sprintf("h%05d.%s", i, host))
	}
	l, err := b.inter.Leaf(pki.Spec{CN: host, DNS: names}, b.root.Cert)
	if err != nil {
		return err
	}
	return b.tlsEndpoint(&Endpoint{Name: "many-names", Want: cause.CertTooLarge, Profile: "curl",
		Description: "a certificate with 6,000 names: a certificate message over OpenSSL's 100 KiB limit"}, tlsConfig(l.TLS(b.inter.Cert)), "ok")
}
