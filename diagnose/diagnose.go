package diagnose

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"sync"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// Options are the inputs a diagnosis needs besides the run.
type Options struct {
	// Profile is the client to judge for; it must match run.Profile.
	Profile *profile.Profile
	// SystemRoots returns the system trust store (with the embedded Mozilla
	// fallback); nil means empty. It is called only when a chain is judged
	// and the run used the system store. The run's ExtraRoots are added.
	SystemRoots func() *x509.CertPool
	// SystemRootCerts lists the system roots as certificates, for building
	// paths through signatures Go refuses (optional).
	SystemRootCerts func() []*x509.Certificate
}

// ctx carries what every rule needs.
type ctx struct {
	run         *evidence.Run
	p           *profile.Profile
	rootsFn     func() (roots, all *x509.CertPool) // the profile's anchors; system + extra
	rootCertsFn func() []*x509.Certificate         // anchors known as certificates
	aia         []*x509.Certificate
	at          time.Time
}

// Run diagnoses run for opts.Profile.
func Run(run *evidence.Run, opts Options) *Diagnosis {
	p := opts.Profile
	c := &ctx{run: run, p: p, at: run.JudgeTime()}
	system := func() *x509.CertPool {
		if opts.SystemRoots != nil && !run.NoSystemRoots {
			if s := opts.SystemRoots(); s != nil {
				return s
			}
		}
		return x509.NewCertPool()
	}
	c.rootCertsFn = sync.OnceValue(func() []*x509.Certificate {
		var out []*x509.Certificate
		for _, der := range run.ExtraRoots {
			if cert, err := x509.ParseCertificate(der); err == nil {
				out = append(out, cert)
			}
		}
		if opts.SystemRootCerts != nil && !run.NoSystemRoots {
			out = append(out, opts.SystemRootCerts()...)
		}
		return out
	})
	c.rootsFn = sync.OnceValues(func() (*x509.CertPool, *x509.CertPool) {
		extra := x509.NewCertPool()
		all := x509.NewCertPool()
		if opts.SystemRoots != nil && !run.NoSystemRoots {
			if sys := opts.SystemRoots(); sys != nil {
				all = sys.Clone()
			}
		}
		for _, der := range run.ExtraRoots {
			if cert, err := x509.ParseCertificate(der); err == nil {
				extra.AddCert(cert)
				all.AddCert(cert)
			}
		}
		switch p.Trust {
		case profile.TrustSystem:
			return all, all
		case profile.TrustBundleOnly:
			return extra, all
		case profile.TrustPublic:
			return system(), all
		case profile.TrustAnyRoot:
			// A root the server sends, or a public one; never --ca-bundle,
			// which this client cannot be given.
			anyRoots := system().Clone()
			for _, a := range run.Addresses {
				for _, certs := range [][][]byte{handshakeCerts(a.Handshake), helloCerts(a.Hello)} {
					for _, der := range certs {
						if c, err := x509.ParseCertificate(der); err == nil && c.IsCA && bytes.Equal(c.RawIssuer, c.RawSubject) {
							anyRoots.AddCert(c)
						}
					}
				}
			}
			return anyRoots, all
		}
		return nil, all
	})
	for _, a := range run.AIA {
		if cert, err := x509.ParseCertificate(a.Certificate); err == nil {
			c.aia = append(c.aia, cert)
		}
	}

	d := &Diagnosis{
		SchemaVersion: SchemaVersion, Target: run.Target.Input, ServerName: run.Target.ServerName,
		Profile: p.ID, ProfileName: p.Name, Findings: []Finding{}, Addresses: []AddressResult{},
	}
	if run.DNS != nil && run.DNS.Err != nil || len(run.Addresses) == 0 {
		r := c.dnsFailure()
		r.Summary = capitalize(r.Summary)
		d.apply(r)
		return d
	}
	for i := range run.Addresses {
		d.Addresses = append(d.Addresses, c.address(&run.Addresses[i]))
	}
	d.merge()
	c.runFindings(d)
	return d
}

func handshakeCerts(h *evidence.Handshake) [][]byte {
	if h == nil {
		return nil
	}
	return h.Certificates
}

func helloCerts(h *evidence.Hello) [][]byte {
	if h == nil {
		return nil
	}
	return h.Certificates
}

func (d *Diagnosis) apply(r AddressResult) {
	d.Cause, d.Summary, d.Confidence = r.Cause, r.Summary, r.Confidence
	d.Evidence, d.Fix, d.Findings, d.Artifacts = r.Evidence, r.Fix, r.Findings, r.Artifacts
	if d.Findings == nil {
		d.Findings = []Finding{}
	}
	d.Layer = r.Cause.Info().Layer
}

func (c *ctx) dnsFailure() AddressResult {
	r := AddressResult{Cause: cause.DNSFailure, Confidence: "proved"}
	name := c.run.Target.Host
	if c.run.DNS == nil || c.run.DNS.Err == nil {
		r.Summary = fmt.Sprintf("%s resolves to no address", name)
		r.Evidence = []string{"the resolver returned no address"}
	} else {
		e := c.run.DNS.Err
		switch e.Kind {
		case "dns_not_found":
			r.Summary = fmt.Sprintf("%s does not resolve: no such name", name)
		case "timeout":
			r.Summary = fmt.Sprintf("the resolver did not answer for %s in time", name)
		default:
			r.Summary = fmt.Sprintf("%s does not resolve", name)
		}
		r.Evidence = []string{"resolver: " + e.Message}
	}
	r.Fix = []string{
		"fix the DNS record for " + name + ", or the resolver the client uses (a private zone the client cannot see is common for back ends)",
		"to test a known address meanwhile: tlsdoctor check " + c.run.Target.Input + " --connect IP",
	}
	return r
}

// address diagnoses one address.
func (c *ctx) address(a *evidence.Address) AddressResult {
	r := AddressResult{Addr: a.Addr, Confidence: "proved", Findings: []Finding{}}
	switch {
	case a.Proxy != nil && (a.Proxy.Stage != "tunnel" || c.proxyCertRefused(a) != nil):
		c.proxyFailure(a, &r)
	case a.Dial.Err != nil:
		c.dialFailure(a, &r)
	case a.Hello == nil:
		r.Cause, r.Summary = cause.HandshakeTimeout, "no ClientHello could be sent"
	case !a.Hello.Accepted():
		c.helloRefused(a, &r)
	default:
		c.afterHello(a, &r)
	}
	if r.Cause == "" {
		r.Cause = cause.OK
	}
	if r.Fix == nil && r.Cause != cause.OK {
		r.Fix = []string{r.Cause.Info().Fix}
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	r.Summary = capitalize(r.Summary)
	if a.Scan != nil {
		r.Server = serverReport(a.Scan)
	}
	return r
}

func (c *ctx) dialFailure(a *evidence.Address, r *AddressResult) {
	e := a.Dial.Err
	r.Evidence = []string{fmt.Sprintf("TCP connect to %s: %s", a.Addr, e.Message)}
	switch e.Kind {
	case "refused":
		r.Cause = cause.TCPRefused
		r.Summary = fmt.Sprintf("nothing listens on %s: the connection was refused (TCP reset to the SYN)", a.Addr)
		r.Fix = []string{"start the TLS listener on this port, or point the client at the port the back end really listens on",
			"behind a load balancer: check that the target is registered, healthy, and listening on the target port"}
	case "timeout":
		r.Cause = cause.TCPTimeout
		r.Summary = fmt.Sprintf("the TCP connection to %s was never answered within %s: packets are being dropped", a.Addr, durStr(a.Dial.Duration))
		r.Fix = []string{"open the port in the firewall, security group or network ACL between the client and " + a.Addr,
			"for AWS API Gateway over a VPC link: the NLB's security group and the targets' must allow the traffic"}
	default:
		r.Cause = cause.TCPUnreachable
		r.Summary = fmt.Sprintf("%s cannot be reached: %s", a.Addr, e.Message)
		r.Fix = []string{"fix the route between the client and " + a.Addr + " (routing table, VPC peering, VPN)"}
	}
}

func durStr(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

func versionList(vs []uint16) string {
	s := ""
	for i, v := range vs {
		if i > 0 {
			s += ", "
		}
		s += wire.VersionName(v)
	}
	return s
}
